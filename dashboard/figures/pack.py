"""Figures the chart pack needs that no page draws yet (pure functions, no Dash imports).

A group's GDP-weighted share against pledge targets, burden sharing (the United States vs
NATO Europe and Canada), each member's gap to a group pledge, and NATO vs SIPRI for one
country. Frames in, plotly figure dicts out; targets arrive as (value, label) pairs read
from the pledge registry by the caller, never as literals.
"""

from __future__ import annotations

import pandas as pd

from dashboard.figures.common import (
    ESTIMATE_DASH,
    LABELS_OVERFLOW,
    SOURCE_COLOURS,
    STATUS_COLOURS,
    base_layout,
    country_colour,
    empty_figure,
    reference_line,
    split_estimates,
)
from dashboard.schema import SOURCE_LABELS
from dashboard.views.labels import STATUS_LABELS
from dashboard.views.series import ShareSeries

GROUP_COLOUR = "#222222"  # a group total: darker than any member's colour
# Burden sharing: the US in its own colour (country_colour), the rest of the alliance in NATO blue.
BURDEN_COLOURS: dict[str, str] = {"usa": country_colour("USA"), "europe_canada": SOURCE_COLOURS["nato"]}
TARGET_COLOURS: tuple[str, ...] = ("#666666", "#D55E00", "#882255", "#332288")
DIFFERENCE_COLOURS: tuple[str, str] = ("#0072B2", "#D55E00")  # NATO above SIPRI, below


def group_share_figure(frame: pd.DataFrame, group: str, targets: list[tuple[float, str]]) -> dict:
    """A group's GDP-weighted share of GDP by year (estimates dotted), with target lines.

    ``frame``: year, weighted_share_pct, reporting, members, estimate (bool).
    """
    rows = frame.dropna(subset=["weighted_share_pct"]).sort_values("year") if len(frame) else frame
    if rows.empty:
        return empty_figure(f"No member of {group} has the figures a group share needs", 460)
    years = rows["year"].astype(int).tolist()
    values = rows["weighted_share_pct"].round(4).tolist()
    actual, est = split_estimates(years, values, rows["estimate"].astype(bool).tolist())
    hover = "%{x}: %{y:.2f}% of GDP (%{customdata} members reporting)<extra></extra>"
    reporting = dict(zip(years, [f"{r} of {m}" for r, m in zip(rows["reporting"], rows["members"])]))
    traces = [{"type": "scatter", "mode": "lines+markers", "name": f"{group}, GDP-weighted",
               "x": actual["x"], "y": actual["y"], "customdata": [reporting[y] for y in actual["x"]],
               "line": {"color": GROUP_COLOUR, "width": 3}, "marker": {"size": 6}, "legendgroup": "group",
               "hovertemplate": hover}]
    if est["x"]:
        # the same series' estimated tail: one legend group, so it toggles with the line
        traces.append({"type": "scatter", "mode": "lines+markers", "name": "Estimate", "x": est["x"],
                       "y": est["y"], "customdata": [reporting[y] for y in est["x"]], "legendgroup": "group",
                       "line": {"color": GROUP_COLOUR, "width": 2.5, "dash": ESTIMATE_DASH},
                       "marker": {"size": 6}, "hovertemplate": hover.replace("<extra>", " (estimate)<extra>")})
    layout = base_layout(yaxis_title="% of GDP", height=460)
    top = max(max(values), max((t for t, _ in targets), default=0.0))
    layout["yaxis"].update({"range": [0, top * 1.15], "ticksuffix": "%"})
    if len(years) <= 16:
        layout["xaxis"]["dtick"] = 1
    _add_targets(layout, targets)
    return {"data": traces, "layout": layout}


def burden_figure(frame: pd.DataFrame) -> dict:
    """Stacked bars by year: US spending and NATO Europe and Canada's (US$ bn, current), US share labelled.

    ``frame``: model.burden_sharing's (year, usa_usd_million, europe_canada_usd_million,
    usa_share_of_total_pct, ...).
    """
    if frame.empty:
        return empty_figure("No NATO figures in this snapshot", 460)
    years = frame["year"].astype(int).tolist()
    usa = (frame["usa_usd_million"] / 1000).round(1).tolist()
    rest = (frame["europe_canada_usd_million"] / 1000).round(1).tolist()
    share = frame["usa_share_of_total_pct"].tolist()
    traces = [
        {"type": "bar", "name": "United States", "x": years, "y": usa,
         "marker": {"color": BURDEN_COLOURS["usa"]}, "text": [f"{s:.0f}%" if s == s else "" for s in share],
         "textposition": "inside", "insidetextanchor": "middle", "textfont": {"color": "#fff"},
         "hovertemplate": "%{x}: United States US$ %{y:,.0f}bn (%{text} of the allies' total)<extra></extra>"},
        {"type": "bar", "name": "NATO Europe and Canada", "x": years, "y": rest,
         "marker": {"color": BURDEN_COLOURS["europe_canada"]},
         "text": [f"{100 - s:.0f}%" if s == s else "" for s in share], "textposition": "inside",
         "insidetextanchor": "middle", "textfont": {"color": "#fff"},
         "hovertemplate": "%{x}: NATO Europe and Canada US$ %{y:,.0f}bn<extra></extra>"},
    ]
    layout = base_layout(yaxis_title="US$ billion, current prices", height=460)
    layout.update({"barmode": "stack", "hovermode": "closest", "bargap": 0.25})
    layout["xaxis"].update({"tickmode": "array", "tickvals": years, "ticktext": [str(y) for y in years]})
    return {"data": traces, "layout": layout}


def pledge_gap_figure(rows: pd.DataFrame, target: float, pledge: str) -> dict:
    """Horizontal bars: each bound country's gap (target − latest share, points), coloured by status.

    ``rows``: name, gap_pp, latest_share_pct, latest_year, latest_is_estimate, status
    (countries without a figure already dropped). Largest gap at the top; hatched: estimate.
    """
    if rows.empty:
        return empty_figure(f"No country bound by {pledge} has a published share of GDP", 460)
    rows = rows.sort_values(["gap_pp", "name"], ascending=[False, True], kind="stable")
    names = rows["name"].tolist()
    traces = []
    for status in ("met", "on_track", "off_track"):
        part = rows[rows["status"] == status]
        if part.empty:
            continue
        colour = STATUS_COLOURS[status]
        est = part["latest_is_estimate"].astype(bool).tolist()
        traces.append({
            "type": "bar", "orientation": "h", "name": STATUS_LABELS[status], "y": part["name"].tolist(),
            "x": part["gap_pp"].round(3).tolist(), "text": [f"{g:+.2f}" for g in part["gap_pp"]],
            "textposition": "outside", "cliponaxis": False,
            "customdata": [[f"{s:.2f}", int(y), " (estimate)" if e else ""]
                           for s, y, e in zip(part["latest_share_pct"], part["latest_year"], est)],
            "marker": {"color": colour, "line": {"color": colour, "width": 1},
                       "pattern": {"shape": ["/" if e else "" for e in est], "fillmode": "overlay",
                                   "fgcolor": "#fff", "size": 6, "solidity": 0.3}},
            "hovertemplate": f"%{{y}}: %{{customdata[0]}}% in %{{customdata[1]}}%{{customdata[2]}}, "
                             f"gap %{{x:+.2f}} points to {target:g}%<extra></extra>",
        })
    layout = base_layout(height=max(420, 22 * len(rows) + 110))
    low, high = float(rows["gap_pp"].min()), float(rows["gap_pp"].max())
    span = max(high, 0.0) - min(low, 0.0)
    layout.update({
        "barmode": "overlay", "hovermode": "closest", "bargap": 0.25,
        "xaxis": {"title": {"text": f"Points of GDP to {target:g}% (negative: above it)"}, "gridcolor": "#e5e5e5",
                  "zeroline": True, "zerolinecolor": "#666", "range": [min(low, 0.0) - span * 0.12,
                                                                      max(high, 0.0) + span * 0.12],
                  **LABELS_OVERFLOW},
        "yaxis": {"categoryorder": "array", "categoryarray": names, "autorange": "reversed",
                  "automargin": True, "tickfont": {"size": 11}, "dtick": 1},
    })
    return {"data": traces, "layout": layout}


def sources_figure(nato: ShareSeries | None, sipri: ShareSeries | None, name: str) -> dict:
    """NATO and SIPRI share of GDP over the same years (estimates dotted), their difference below.

    ``nato``/``sipri``: the series cut to the years shown, or None.
    """
    present = [(src, s) for src, s in (("nato", nato), ("sipri", sipri)) if s is not None and s.years]
    if not present:
        return empty_figure(f"Neither NATO nor SIPRI publishes a share of GDP for {name}", 460)
    traces: list[dict] = []
    for source, s in present:
        label = f"{SOURCE_LABELS[source]} ({s.edition})"
        colour = SOURCE_COLOURS[source]
        actual, est = split_estimates(list(s.years), [round(v, 4) for v in s.values], list(s.estimate))
        traces.append({"type": "scatter", "mode": "lines+markers", "name": label, "x": actual["x"],
                       "y": actual["y"], "line": {"color": colour, "width": 2.5}, "marker": {"size": 5},
                       "legendgroup": source, "hovertemplate": f"{label}: %{{y:.2f}}%<extra></extra>"})
        if est["x"]:
            traces.append({"type": "scatter", "mode": "lines+markers", "name": f"{SOURCE_LABELS[source]} estimate",
                           "x": est["x"], "y": est["y"], "legendgroup": source, "showlegend": False,
                           "line": {"color": colour, "width": 2, "dash": ESTIMATE_DASH}, "marker": {"size": 5},
                           "hovertemplate": f"{label} (estimate): %{{y:.2f}}%<extra></extra>"})
    layout = base_layout(yaxis_title="% of GDP", height=460)
    layout["yaxis"]["ticksuffix"] = "%"
    diff = difference(nato, sipri)
    if diff:
        years, values = zip(*diff)
        traces.append({"type": "bar", "name": "NATO − SIPRI, points", "yaxis": "y2", "x": list(years),
                       "showlegend": False,
                       "y": [round(v, 4) for v in values],
                       "marker": {"color": [DIFFERENCE_COLOURS[0] if v >= 0 else DIFFERENCE_COLOURS[1]
                                            for v in values]},
                       "hovertemplate": "%{x}: NATO − SIPRI %{y:+.2f} points<extra></extra>"})
        span = max(max(abs(v) for v in values) * 1.25, 0.05)
        layout["yaxis"]["domain"] = [0.36, 1]
        layout["xaxis"]["anchor"] = "y2"
        layout["yaxis2"] = {"domain": [0, 0.26], "anchor": "x", "title": {"text": "Difference, points"},
                            "range": [-span, span], "gridcolor": "#e5e5e5", "zeroline": True,
                            "zerolinecolor": "#999"}
    return {"data": traces, "layout": layout}


def difference(nato: ShareSeries | None, sipri: ShareSeries | None) -> list[tuple[int, float]]:
    """(year, NATO − SIPRI) for the years both publish."""
    if nato is None or sipri is None:
        return []
    other = dict(zip(sipri.years, sipri.values))
    return [(y, v - other[y]) for y, v in zip(nato.years, nato.values) if y in other]


def _add_targets(layout: dict, targets: list[tuple[float, str]]) -> None:
    """Dashed horizontal lines at the targets, each labelled at the right."""
    layout.setdefault("shapes", [])
    for i, (value, label) in enumerate(sorted(targets)):
        shape, note = reference_line(value, label, TARGET_COLOURS[i % len(TARGET_COLOURS)])
        layout["shapes"].append(shape)
        layout["annotations"].append(note)
