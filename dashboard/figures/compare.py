"""Compare figures: one indicator for several countries, lines over time or bars for one year.

Pure functions over the view's typed lines (``views.compare.CountrySeries``: one country,
one source's latest edition, years ascending); no Dash imports. Colours come from
``country_colours``: a country looks the same here as on every other page, and no two
countries of one chart share a colour.
"""

from __future__ import annotations

from collections.abc import Sequence

from dashboard.figures import events as timeline
from dashboard.figures.common import ESTIMATE_DASH, base_layout, empty_figure, split_estimates
from dashboard.figures.palette import country_colours
from dashboard.model import Event
from dashboard.schema import SOURCE_LABELS
from dashboard.views.compare import Indicator, Lines
from dashboard.views.labels import source_line
from dashboard.views.series import CountrySeries

YEAR_MARGIN = 0.5  # years beyond the first and last figures where an event still counts as within


def lines_figure(lines: Lines, spec: Indicator, base: int | None, empty_message: str,
                 events: Sequence[Event] = ()) -> dict:
    """One line per country (estimates dotted); an index when ``base`` is set; ``events``: dated
    events drawn as numbered dotted lines (() draws none)."""
    if not lines:
        return empty_figure(empty_message, 460)
    scale = 1.0 if base else spec.scale
    traces: list[dict] = []
    colours = country_colours([line.iso3 for line in lines])
    for line in lines:
        colour = colours[line.iso3]
        actual, est = split_estimates(list(line.years), [v * scale for v in line.values], list(line.estimate))
        hover = _hover(line, spec, base)
        traces.append({"type": "scatter", "mode": "lines", "name": line.country, "x": actual["x"], "y": actual["y"],
                       "line": {"color": colour, "width": 2.5}, "legendgroup": line.iso3, "hovertemplate": hover})
        if est["x"]:
            traces.append({"type": "scatter", "mode": "lines+markers", "name": f"{line.country} (estimate)",
                           "x": est["x"], "y": est["y"], "legendgroup": line.iso3, "showlegend": False,
                           "line": {"color": colour, "width": 2, "dash": ESTIMATE_DASH}, "marker": {"size": 5},
                           "hovertemplate": hover.replace("<extra>", " (estimate)<extra>")})
    layout = base_layout(yaxis_title=_axis(spec, base), height=460)
    if base:
        shape = {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 100, "y1": 100,
                 "line": {"color": "#666", "width": 1, "dash": "dash"}}
        layout["shapes"] = [shape]
    elif spec.indexable:
        layout["yaxis"]["rangemode"] = "tozero"
    timeline.draw(layout, lines_marks(lines, events))
    return {"data": traces, "layout": layout}


def lines_marks(lines: Lines, events: Sequence[Event]) -> list[timeline.Mark]:
    """The events the lines chart numbers: those within its years (half a year either side), so
    no event stretches the axis past the figures."""
    if not lines or not events:
        return []
    return timeline.marks(events, min(line.years[0] for line in lines) - YEAR_MARGIN,
                          max(line.years[-1] for line in lines) + YEAR_MARGIN)


def bars_figure(lines: Lines, spec: Indicator, base: int | None, year: int | None,
                empty_message: str) -> dict:
    """One bar per country in ``year`` (highest first); estimates hatched."""
    bars = [(line, i) for line in lines if year is not None and (i := line.index_of(year)) is not None]
    if not bars:
        return empty_figure(empty_message if not lines else "No year with figures for every selected country", 460)
    bars.sort(key=lambda bar: -bar[0].values[bar[1]])
    scale = 1.0 if base else spec.scale
    colours = country_colours([line.iso3 for line in lines])  # as the lines view colours them
    estimates = [line.estimate[i] for line, i in bars]
    units = [_unit(line.unit, spec, base) for line, _ in bars]
    layout = base_layout(yaxis_title=_axis(spec, base), height=460)
    layout["hovermode"] = "closest"
    layout["xaxis"]["title"] = {"text": f"{year}" + (" (hatched: estimate)" if any(estimates) else "")}
    return {"data": [{
        "type": "bar", "x": [line.country for line, _ in bars], "y": [line.values[i] * scale for line, i in bars],
        "marker": {"color": [colours[line.iso3] for line, _ in bars],
                   "pattern": {"shape": ["/" if e else "" for e in estimates]}},
        "customdata": [[u, " (estimate)" if e else ""] for u, e in zip(units, estimates)],
        "hovertemplate": f"%{{x}}: %{{y:{spec.number}}}%{{customdata[0]}}%{{customdata[1]}}<extra></extra>",
    }], "layout": layout}


def summary(lines: Lines, spec: Indicator, base: int | None, chart: str, year: int | None,
            notes: list[str], events: Sequence[Event] = ()) -> str:
    """A text version of the chart: each country's latest value (or the bar year's), and the
    events drawn (``events`` as given to :func:`lines_figure`)."""
    what = spec.label + (f" (index, {base} = 100)" if base else "")
    parts = []
    for line in lines:
        at_year = line.index_of(year) if chart == "bars" and year is not None else None
        i = -1 if at_year is None else at_year
        value = line.values[i] * (1.0 if base else spec.scale)
        unit = _unit(line.unit, spec, base)
        parts.append(f"{line.country} {value:{spec.number}}{unit} in {line.years[i]}"
                     + (" (estimate)" if line.estimate[i] else ""))
    text = (f"Defence spending, {what}: " + "; ".join(parts) + ".") if parts else "No figures to show."
    if chart == "bars" and year is not None and parts:
        text += f" Bars: {year}, the latest year with a figure for every country shown."
    marks = timeline.words(lines_marks(lines, events)) if chart == "lines" else ""
    return " ".join([text, *notes] + ([marks] if marks else []))


def source_text(lines: Lines, spec: Indicator, chart: str = "lines", events: Sequence[Event] = ()) -> str:
    """Source line: every (source, edition) drawn, with the price basis (and the events' key)."""
    pairs = list(dict.fromkeys((line.source, line.edition) for line in lines))
    bases = sorted({line.price_base for line in lines})
    note = (f"{spec.label}; prices: {', '.join(bases)}." if bases else spec.label + ".") + (" Hatched: estimates." if chart == "bars" else " Dotted: estimates.")
    key = timeline.key(lines_marks(lines, events)) if chart == "lines" else ""
    return source_line(pairs, f"{note} {key}" if key else note)


def _unit(unit: str, spec: Indicator, base: int | None) -> str:
    """The hover unit for one country: "bn GBP", "%", " US$" or nothing for an index."""
    if base:
        return ""
    if spec.per_country_unit:
        return "bn " + unit.replace(" million", "")
    if spec.suffix == "bn":
        return "bn US$"
    return spec.suffix or " US$"


def _hover(line: CountrySeries, spec: Indicator, base: int | None) -> str:
    source = SOURCE_LABELS.get(line.source, line.source)
    return f"{line.country} ({source} {line.edition}): %{{y:{spec.number}}}{_unit(line.unit, spec, base)}<extra></extra>"


def _axis(spec: Indicator, base: int | None) -> str:
    return f"Index, {base} = 100" if base else spec.axis
