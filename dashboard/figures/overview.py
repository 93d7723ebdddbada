"""Overview figures: world/Europe map, ranking, allies at or above a target over time (pure functions).

Views in, plotly figure dicts out; no Dash imports. ``shares`` are a year's
``views.overview.YearShares`` (iso3, name, value in % of GDP, estimate), highest first.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

import pandas as pd

from dashboard.figures import events as timeline
from dashboard.figures.common import LABELS_OVERFLOW, SOURCE_COLOURS, base_layout, empty_figure, reference_line
from dashboard.model import Event
from dashboard.schema import SOURCE_LABELS
from dashboard.views.overview import YearShares, empty_year_message

# Reversed Viridis: pale yellow for low shares, dark purple for high ones; perceptually
# uniform and colour-blind safe, and distinct from the grey of "no data".
MAP_COLOURSCALE = "Viridis"
NO_DATA_GREY = "#d9d9d9"
# Both views draw the world outlines (world_110m): europe_110m lacks Turkey and Cyprus, so
# "Europe" is the world map framed on the continent. The rotation and axis ranges are
# explicit because this plotly.js otherwise centres the world view on the Pacific.
GEO_VIEWS: dict[str, dict] = {
    "world": {"projection": {"type": "natural earth", "rotation": {"lon": 0}},
              "lonaxis": {"range": [-180, 180]}, "lataxis": {"range": [-58, 85]}},
    "europe": {"projection": {"type": "conic conformal", "rotation": {"lon": 12}, "parallels": [35, 65]},
               "lonaxis": {"range": [-25, 45]}, "lataxis": {"range": [34, 71]}},
}
ESTIMATE_PATTERN = "/"
BAR_HEIGHT_PX = 22


def map_figure(shares: YearShares, source: str, year: int, region: str, zmax: float,
               empty_message: str = "", every: tuple[tuple[str, str], ...] = ()) -> dict:
    """Choropleth of share of GDP; colours saturate at ``zmax`` (the registry's top target).

    ``every``: (ISO3, name) of more countries to draw, unseen when they have no figure in
    ``year`` (see ``map_values``); the live map's, so a year step can recolour it in place."""
    if shares.empty:
        return empty_figure(empty_message or empty_year_message(source, year, None, None), 460)
    ticks = [t for t in range(int(zmax) + 1)]
    unseen = {"selected": {"marker": {"opacity": 1}}, "unselected": {"marker": {"opacity": 0}}} if every else {}
    trace = {
        "type": "choropleth", "locationmode": "ISO-3", **map_values(shares, source, year, every), **unseen,
        "colorscale": MAP_COLOURSCALE, "reversescale": True, "zmin": 0, "zmax": zmax,
        "marker": {"line": {"color": "#fff", "width": 0.5}},
        "colorbar": {"title": {"text": "% of GDP", "side": "top"}, "orientation": "h", "thickness": 10,
                     "len": 0.6, "x": 0.5, "xanchor": "center", "y": 0, "yanchor": "top", "tickvals": ticks, "ticktext": [f"{t}%" if t < zmax else f"≥{t}%" for t in ticks]},
    }
    geo = {"scope": "world", **GEO_VIEWS.get(region, GEO_VIEWS["world"]), "showframe": False, "showcoastlines": False, "showland": True, "landcolor": NO_DATA_GREY,
           "showcountries": True, "countrycolor": "#fff", "resolution": 110, "bgcolor": "#fff"}
    layout = base_layout(height=460)
    layout.update({"geo": geo, "margin": {"l": 0, "r": 0, "t": 8, "b": 64}, "hovermode": "closest",
                   "dragmode": False})
    return {"data": [trace], "layout": layout}


def map_values(shares: YearShares, source: str, year: int, every: tuple[tuple[str, str], ...] = ()) -> dict:
    """What changes on the map from one year to the next: the countries, their values, the hover
    text (a year step patches only these into the drawn figure).

    ``every``: (ISO3, name) of the countries to draw whatever the year; those without a figure
    in ``year`` are drawn unseen (not selected: the figure makes unselected shapes transparent,
    the land's grey shows) and say so when hovered."""
    label = SOURCE_LABELS.get(source, source)
    hover = "%{text}<extra>" + f"{label} {year}" + "</extra>"
    text = [f"{n}: {v:.2f}%{' (estimate)' if e else ''}" for n, v, e in zip(shares.name, shares.value, shares.estimate)]
    if not every:
        return {"locations": list(shares.iso3), "z": [round(v, 3) for v in shares.value], "text": text,
                "hovertemplate": hover}
    known = {c: (round(v, 3), t) for c, v, t in zip(shares.iso3, shares.value, text)}
    codes = list(dict.fromkeys([*(c for c, _ in every), *shares.iso3]))  # the same order every year
    names = dict(every)
    return {"locations": codes, "z": [known[c][0] if c in known else 0 for c in codes],
            "text": [known[c][1] if c in known else f"{names[c]}: no {label} figure for {year}" for c in codes],
            "selectedpoints": [i for i, c in enumerate(codes) if c in known], "hovertemplate": hover}


def map_summary(shares: YearShares, source: str, edition: str | None, year: int, empty_message: str = "") -> str:
    """The map as text: coverage, the highest shares, the median."""
    label = SOURCE_LABELS.get(source, source)
    if shares.empty:
        return empty_message + "." if empty_message else f"No {label} data for {year}."
    top = shares.head(5)  # highest first already
    listed = ", ".join(f"{n} {v:.1f}%{' (e)' if e else ''}" for n, v, e in zip(top.name, top.value, top.estimate))
    est = sum(shares.estimate)
    tail = f" {est} figures are estimates (e)." if est else ""
    return (f"Defence spending as a share of GDP in {year}, {label} {edition or ''} edition: "
            f"{len(shares)} countries. Highest: {listed}. Median {statistics.median(shares.value):.1f}%.{tail}")


TARGET_ROW_PX = 15  # the target labels above the ranking, one row each
ALLIES_LABEL_PX = 10  # smallest count label inside the allies chart's bars (smaller ones are hidden)


def ranking_figure(ranked: YearShares, source: str, year: int, targets: list[float],
                   empty_message: str = "") -> dict:
    """Horizontal bars, highest at the top; vertical lines at the pledge targets; estimates hatched."""
    if ranked.empty:
        return empty_figure(empty_message or f"No {SOURCE_LABELS.get(source, source)} data for {year}", 420)
    colour = SOURCE_COLOURS.get(source, "#0072B2")
    traces = []
    for is_est, label in ((False, "Published"), (True, "Estimate (e)")):
        rows = [i for i, e in enumerate(ranked.estimate) if e == is_est]
        if not rows:
            continue
        values = [ranked.value[i] for i in rows]
        traces.append({
            "type": "bar", "orientation": "h", "name": label, "x": [round(v, 3) for v in values],
            "y": [ranked.name[i] for i in rows], "customdata": [ranked.iso3[i] for i in rows],
            "text": [f"{v:.2f}{' e' if is_est else ''}" for v in values], "textposition": "outside",
            "cliponaxis": False,
            "marker": {"color": "#fff" if is_est else colour, "line": {"color": colour, "width": 1},
                       "pattern": {"shape": ESTIMATE_PATTERN if is_est else "", "fgcolor": colour,
                                   "size": 5, "solidity": 0.45}},
            "hovertemplate": "%{y}: %{x:.2f}% of GDP" + (" (estimate)" if is_est else "") + "<extra></extra>",
        })
    height = max(320, BAR_HEIGHT_PX * len(ranked) + 110)
    layout = base_layout(height=height)
    top = max(max(ranked.value), max(targets, default=0))
    layout.update({
        "barmode": "overlay", "hovermode": "closest", "bargap": 0.25,
        "margin": {"l": 8, "r": 40, "t": 16 + TARGET_ROW_PX * len(targets), "b": 80},
        "xaxis": {"title": {"text": "% of GDP"}, "gridcolor": "#e5e5e5", "range": [0, top * 1.12],
                  "ticksuffix": "%", **LABELS_OVERFLOW},
        "yaxis": {"categoryorder": "array", "categoryarray": list(ranked.name), "autorange": "reversed",
                  "automargin": True, "tickfont": {"size": 12}},
        # below the axis title, clear of the modebar and of the target labels above the bars
        "legend": {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0, "xanchor": "left"},
        "shapes": [], "annotations": [],
    })
    for row, target in enumerate(sorted(targets)):
        shape, note = _vertical(*reference_line(target, f"{target:g}%"))
        layout["shapes"].append(shape)
        # one row each: 2%, 3.5% and 5% sit a few pixels apart on a phone's axis
        layout["annotations"].append({**note, "yshift": TARGET_ROW_PX * row})
    return {"data": traces, "layout": layout}


def ranking_summary(ranked: YearShares, source: str, edition: str | None, year: int,
                    targets: list[float], total: int, empty_message: str = "") -> str:
    """The ranking as text: who leads, how many reach each target."""
    label = SOURCE_LABELS.get(source, source)
    if ranked.empty:
        return empty_message + "." if empty_message else f"No {label} data for {year}."
    shown = (f"the top {len(ranked)} of {total} countries" if len(ranked) < total
             else f"all {total} reporting allies" if source == "nato" else f"all {total} reporting countries")
    lead = ", ".join(f"{n} {v:.2f}%" for n, v in zip(ranked.name[:3], ranked.value[:3]))
    reach = "; ".join(f"{sum(v >= t for v in ranked.value)} at or above {t:g}%" for t in targets)
    est = " Hatched bars marked e are estimates." if any(ranked.estimate) else ""
    return (f"{label} ({edition} edition), {year}: {shown}, sorted by share of GDP. "
            f"Highest: {lead}. Of those shown, {reach}.{est}")


def allies_figure(counts: pd.DataFrame, threshold: float, selected_year: int | None = None,
                  events: Sequence[Event] = ()) -> dict:
    """Per year: allies at or above ``threshold``, below it, not reporting (stacked to membership).

    ``counts``: year, members, reporting, at_or_above, estimate (bool); ``events``: dated
    events drawn as numbered dotted lines over the bars (() draws none).
    """
    if counts.empty:
        return empty_figure("No NATO figures in this snapshot", 360)
    years = counts["year"].tolist()
    above = counts["at_or_above"].tolist()
    below = (counts["reporting"] - counts["at_or_above"]).tolist()
    missing = (counts["members"] - counts["reporting"]).tolist()
    est = counts["estimate"].tolist()
    members = counts["members"].tolist()
    hover_year = [f"{y}{' (estimates)' if e else ''}" for y, e in zip(years, est)]
    parts = (
        (f"At or above {threshold:g}%", above, "#009E73", [f"{a}{' e' if e else ''}" for a, e in zip(above, est)]),
        (f"Below {threshold:g}%", below, "#E69F00", [str(b) for b in below]),
        ("Not reported", missing, "#BBBBBB", [str(m) if m else "" for m in missing]),
    )
    traces = []
    for name, values, colour, text in parts:
        traces.append({
            "type": "bar", "name": name, "x": years, "y": values, "text": text,
            "textposition": "inside", "insidetextanchor": "middle", "textangle": 0,
            "customdata": [[h, m] for h, m in zip(hover_year, members)],
            "marker": {"color": colour, "line": {"color": ["#222" if y == selected_year else colour for y in years],
                                                 "width": [2 if y == selected_year else 0 for y in years]}},
            "hovertemplate": f"%{{customdata[0]}}: %{{y}} of %{{customdata[1]}} allies {name.lower()}<extra></extra>",
        })
    layout = base_layout(yaxis_title="Allies", height=360)
    # a count too small for its segment (one ally not reporting) is hidden, never shrunk to an
    # unreadable sliver or turned sideways; the hover and the summary still give it
    layout.update({"barmode": "stack", "hovermode": "closest", "bargap": 0.2,
                   "uniformtext": {"minsize": ALLIES_LABEL_PX, "mode": "hide"},
                   # automargin: on a phone the years turn upright and need the room under the axis;
                   # the legend keeps to the figure's foot, whatever that room is
                   "xaxis": {"tickmode": "array", "tickvals": years, "ticktext": [str(y) for y in years],
                             "showgrid": False, "linecolor": "#999", "automargin": True},
                   "legend": {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0,
                              "xanchor": "left"},
                   "margin": {"l": 56, "r": 16, "t": 16, "b": 64}})
    # under the bars (the lines would cross their counts): each number stands above its year's bar
    timeline.draw(layout, allies_marks(counts, events))
    return {"data": traces, "layout": layout}


def allies_marks(counts: pd.DataFrame, events: Sequence[Event]) -> list[timeline.Mark]:
    """The events the allies chart numbers: those inside its years' bars."""
    if counts.empty or not events:
        return []
    years = counts["year"]
    return timeline.marks(events, int(years.min()) - 0.5, int(years.max()) + 0.5, timeline.bar_year)


def allies_events_key(counts: pd.DataFrame, events: Sequence[Event]) -> str:
    """The allies chart's events for its source line ("" when none is drawn)."""
    return timeline.key(allies_marks(counts, events))


def allies_summary(counts: pd.DataFrame, threshold: float, edition: str | None,
                   events: Sequence[Event] = ()) -> str:
    """The allies chart as text: first and last year, with membership (and the events drawn)."""
    if counts.empty:
        return "No NATO figures in this snapshot."
    first, last = counts.iloc[0], counts.iloc[-1]
    est = [str(int(y)) for y, e in zip(counts["year"], counts["estimate"]) if e]
    tail = f" Figures for {', '.join(est)} are NATO estimates (e)." if est else ""
    marks = timeline.words(allies_marks(counts, events))
    return (f"Allies at or above {threshold:g}% of GDP, NATO {edition} edition: {int(first['at_or_above'])} of "
            f"{int(first['members'])} in {int(first['year'])}, {int(last['at_or_above'])} of "
            f"{int(last['members'])} in {int(last['year'])} (membership as of each year).{tail}"
            + (f" {marks}" if marks else ""))


def _vertical(shape: dict, note: dict) -> tuple[dict, dict]:
    """A :func:`reference_line` turned on its side, for charts whose values run along x."""
    value = shape["y0"]
    shape = {**shape, "xref": "x", "yref": "paper", "x0": value, "x1": value, "y0": 0, "y1": 1}
    note = {**note, "xref": "x", "yref": "paper", "x": value, "y": 1, "xanchor": "left", "yanchor": "bottom",
            "textangle": 0}
    return shape, note
