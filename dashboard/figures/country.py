"""Country figures: share of GDP by source with pledges, spending, money gaps (pure functions)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from dashboard.editions import edition_short
from dashboard.figures.common import (
    ESTIMATE_DASH,
    PATH_DASH,
    SOURCE_COLOURS,
    SOURCE_LABELS,
    STATUS_COLOURS,
    STATUS_LABELS,
    base_layout,
    empty_figure,
    source_line,
    split_estimates,
)
from dashboard.model import MoneyGap, Progress
from dashboard.model.nowcast import Nowcast
from dashboard.views.series import CountrySeries, ShareSeries, cut


def share_figure(series: Sequence[ShareSeries], pledges: Sequence[Progress], name: str, start: int = 0,
                 nowcasts: Sequence[Nowcast] = ()) -> dict:
    """Share of GDP over time, one line per source (estimates dotted), pledge targets and paths.

    ``series``: the latest edition of each source; ``pledges``: the model's progress rows
    for the country; ``nowcasts``: NATO's share for later years from fresher outturn, drawn
    as hollow points with their interval (never joined to NATO's line).
    """
    series = cut(list(series), start)
    if not series:
        return empty_figure(f"No published share of GDP for {name}")
    traces: list[dict] = []
    # World Bank republishes SIPRI's shares: draw it first and thin, so SIPRI stays visible.
    order = {"worldbank": 0, "eurostat": 1, "sipri": 2, "nato": 3}
    for s in sorted(series, key=lambda s: order.get(s.source, 9)):
        label = SOURCE_LABELS.get(s.source, s.source)
        colour = SOURCE_COLOURS.get(s.source, "#444")
        actual, est = split_estimates(list(s.years), list(s.values), list(s.estimate))
        width = 1 if s.source == "worldbank" else 2.5
        traces.append({"type": "scatter", "mode": "lines", "name": f"{label} ({s.edition})", "x": actual["x"],
                       "y": actual["y"], "line": {"color": colour, "width": width}, "legendgroup": s.source,
                       "hovertemplate": f"{label} {s.edition}: %{{y:.2f}}%<extra></extra>"})
        if est["x"]:
            traces.append({"type": "scatter", "mode": "lines+markers", "name": f"{label} estimate",
                           "x": est["x"], "y": est["y"], "legendgroup": s.source, "showlegend": False,
                           "line": {"color": colour, "width": 2, "dash": ESTIMATE_DASH},
                           "marker": {"size": 5},
                           "hovertemplate": f"{label} {s.edition} (estimate): %{{y:.2f}}%<extra></extra>"})
    traces += nowcast_traces(nowcasts)
    for row in distinct_targets(share_pledges(pledges)):
        colour = STATUS_COLOURS.get(row.status, "#666")
        status = STATUS_LABELS.get(row.status, row.status).lower()
        target = row.target_share_pct
        assert target is not None  # share_pledges keeps only rows with a share target
        label = f"{target:g}% by {row.target_year} ({status})"
        path = list(row.required_path)[1:] or [(row.target_year, target)]
        traces.append({"type": "scatter", "mode": "lines+markers", "name": label, "legendgroup": label,
                       "x": [p[0] for p in path], "y": [p[1] for p in path],
                       "line": {"color": colour, "width": 1.5, "dash": PATH_DASH},
                       "marker": {"size": [0] * (len(path) - 1) + [14], "symbol": "star", "color": colour,
                                  "line": {"color": "#222", "width": 1}},
                       "hovertemplate": f"{row.title}: path %{{y:.2f}}% in %{{x}}<extra></extra>"})
    layout = base_layout(yaxis_title="% of GDP", height=460)
    layout["yaxis"]["rangemode"] = "tozero"
    return {"data": traces, "layout": layout}


def nowcast_traces(nowcasts: Sequence[Nowcast]) -> list[dict]:
    """Hollow points with their 90 % interval: NATO's measure for years NATO has not published."""
    traces = []
    for cast in nowcasts:
        fresher = SOURCE_LABELS.get(cast.fresher.split()[0], cast.fresher)
        when = edition_short(cast.fresher.split()[0], cast.fresher.split()[-1])
        caveat = "" if cast.beats_carry else " (did not beat carry-forward)"
        traces.append({"type": "scatter", "mode": "markers", "name": f"NATO nowcast {cast.year}, from {fresher} "
                       f"{when}{caveat}", "x": [cast.year], "y": [round(cast.value, 4)], "legendgroup": "nowcast",
                       "marker": {"symbol": "circle-open", "size": 12, "color": SOURCE_COLOURS["nato"],
                                  "line": {"width": 2.5}},
                       "error_y": {"type": "data", "symmetric": False, "array": [round(cast.high - cast.value, 4)],
                                   "arrayminus": [round(cast.value - cast.low, 4)], "color": SOURCE_COLOURS["nato"],
                                   "thickness": 1.5, "width": 6},
                       "hovertemplate": f"Nowcast {cast.year}: %{{y:.2f}}% (90 % interval {cast.low:.2f}–"
                                        f"{cast.high:.2f}){caveat}<extra></extra>"})
    return traces


def nowcast_words(nowcasts: Sequence[Nowcast]) -> str:
    """The nowcasts in a sentence ("" when there are none)."""
    parts = []
    for cast in nowcasts:
        source, edition = cast.fresher.split()[0], cast.fresher.split()[-1]
        parts.append(f"{cast.year} {cast.value:.2f}% (90 % interval {cast.low:.2f}–{cast.high:.2f}), from "
                     f"{SOURCE_LABELS.get(source, source)}'s {edition_short(source, edition)} outturn"
                     + ("" if cast.beats_carry else "; in the backtest it did not beat carrying NATO's last "
                        "value forward"))
    return ("Nowcast of NATO's measure (not published by NATO): " + "; ".join(parts) + ".") if parts else ""


def share_summary(series: Sequence[ShareSeries], pledges: Sequence[Progress], name: str,
                  nowcasts: Sequence[Nowcast] = ()) -> str:
    """A text version of the chart (alt text and screen readers)."""
    if not series:
        return f"No source publishes {name}'s defence spending as a share of GDP."
    parts = [f"{SOURCE_LABELS.get(s.source, s.source)}: {s.values[-1]:.2f}% in {s.years[-1]}"
             + (" (estimate)" if s.estimate[-1] else "") for s in series]
    text = f"{name}, defence spending as a share of GDP. Latest: " + "; ".join(parts) + "."
    if nowcasts:
        text += " " + nowcast_words(nowcasts)
    goals = distinct_targets(share_pledges(pledges))
    if goals:
        text += " Pledges: " + "; ".join(
            f"{r.target_share_pct:g}% by {r.target_year} ({STATUS_LABELS.get(r.status, r.status).lower()})"
            for r in goals) + "."
    return text


def share_source(series: Sequence[ShareSeries], nowcasts: Sequence[Nowcast] = ()) -> str:
    """Source line for the share chart."""
    note = ("NATO: share of real GDP, NATO definition; SIPRI and World Bank: SIPRI definition; "
            "Eurostat: COFOG 02. Dotted: estimates.")
    if nowcasts:
        note += (" Hollow points: this dashboard's nowcast of NATO's measure — NATO's last level × the fresher "
                 "source's spending growth ÷ nominal GDP growth, with a 90 % interval from its backtest "
                 "(Sources page).")
    return source_line([(s.source, s.edition) for s in series], note)


def share_frame(series: Sequence[ShareSeries], start: int = 0, nowcasts: Sequence[Nowcast] = ()) -> pd.DataFrame:
    """The data behind the share chart (for CSV download); nowcasts as rows of source "nowcast"."""
    rows = [{"source": s.source, "edition": s.edition, "year": y, "share_of_gdp_pct": v,
             "estimate": e, "flags": f, "price_base": s.price_base}
            for s in cut(list(series), start) for y, v, e, f in zip(s.years, s.values, s.estimate, s.flags)]
    rows += [{"source": "nowcast", "edition": c.edition, "year": c.year, "share_of_gdp_pct": c.value,
              "estimate": True, "flags": c.flags, "price_base": f"as NATO {c.base_edition}"}
             for c in nowcasts if c.year >= start]
    return pd.DataFrame(rows, columns=["source", "edition", "year", "share_of_gdp_pct", "estimate", "flags",
                                       "price_base"])


def money_gaps(pledges: Sequence[Progress]) -> list[tuple[Progress, MoneyGap]]:
    """The pledges with an open money gap (more spending needed), with it."""
    return [(r, r.money_gap) for r in pledges if r.money_gap is not None and r.money_gap["lcu_million"] > 0]


def money_gap_figure(pledges: Sequence[Progress], name: str) -> dict:
    """Extra spending a year each share pledge needs in its target year (national currency)."""
    rows = money_gaps(pledges)
    if not rows:
        return empty_figure(f"No open money gap for {name}: every measurable pledge is met")
    currency = rows[0][1]["currency"]
    labels = [f"{r.title} ({r.target_year})" for r, _ in rows]
    values = [gap["lcu_million"] / 1000 for _, gap in rows]
    layout = base_layout(yaxis_title="", height=max(240, 60 * len(rows) + 120))
    layout["xaxis"] = {"title": {"text": f"{currency} billion a year, in the target year"}, "gridcolor": "#e5e5e5"}
    layout["yaxis"] = {"automargin": True}
    layout["hovermode"] = "closest"
    return {"data": [{"type": "bar", "orientation": "h", "x": values, "y": labels,
                      "marker": {"color": [STATUS_COLOURS.get(r.status, "#666") for r, _ in rows]},
                      "text": [f"{v:,.1f}bn" for v in values], "textposition": "auto",
                      "hovertemplate": f"%{{y}}: %{{x:,.1f}}bn {currency}<extra></extra>"}],
            "layout": layout}


def money_gap_frame(pledges: Sequence[Progress]) -> pd.DataFrame:
    """The data behind the money-gap chart (for CSV download), with assumptions."""
    out = []
    for r in pledges:
        m = r.money_gap
        out.append({"pledge": r.id, "title": r.title, "target_share_pct": r.target_share_pct,
                    "target_year": r.target_year, "status": r.status, "latest_share_pct": r.latest_share_pct,
                    "latest_source": r.latest_source, "latest_edition": r.latest_edition,
                    "currency": m["currency"] if m else None, "money_gap_lcu_million": m["lcu_million"] if m else None,
                    "money_gap_usd_million": m["usd_million"] if m else None,
                    "money_gap_eur_million": m["eur_million"] if m else None,
                    "assumptions": " | ".join(r.assumptions)})
    return pd.DataFrame(out)


def spending_figure(spending: Sequence[CountrySeries], name: str, measure: str) -> dict:
    """Spending over time by source: ``measure`` is "lcu", "usd" (current) or "usd_constant"."""
    if not spending:
        return empty_figure(f"No spending figures for {name} in this measure")
    traces = []
    for line in spending:
        actual, est = split_estimates(list(line.years), [v / 1000 for v in line.values], list(line.estimate))
        label = f"{SOURCE_LABELS.get(line.source, line.source)} ({line.edition}, {line.price_base})"
        colour = SOURCE_COLOURS.get(line.source, "#444")
        traces.append({"type": "scatter", "mode": "lines", "name": label, "x": actual["x"], "y": actual["y"],
                       "line": {"color": colour, "width": 2}, "legendgroup": label,
                       "hovertemplate": f"{label}: %{{y:,.1f}}bn<extra></extra>"})
        if est["x"]:
            traces.append({"type": "scatter", "mode": "lines", "name": f"{label} estimate", "showlegend": False,
                           "x": est["x"], "y": est["y"], "legendgroup": label,
                           "line": {"color": colour, "width": 2, "dash": ESTIMATE_DASH},
                           "hovertemplate": f"{label} (estimate): %{{y:,.1f}}bn<extra></extra>"})
    unit = spending[0].unit.replace(" million", "")
    layout = base_layout(yaxis_title=f"{unit} billion", height=380)
    return {"data": traces, "layout": layout}


def distinct_targets(pledges: Sequence[Progress]) -> list[Progress]:
    """One row per (target, year): a national pledge hides the same alliance target."""
    ordered = sorted(pledges, key=lambda r: r.actor != r.country)
    seen: set[tuple[float | None, int]] = set()
    out = []
    for r in ordered:
        key = (r.target_share_pct, r.target_year)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def share_pledges(pledges: Sequence[Progress]) -> list[Progress]:
    """Pledges with a share-of-GDP target that can be drawn (not related spending, not equipment)."""
    return [r for r in pledges if r.target_share_pct is not None and r.unit == "percent of GDP"
            and r.scope != "related"]
