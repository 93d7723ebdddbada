"""Compare figures: one indicator for several countries, lines over time or bars for one year.

Pure functions over a tidy frame (iso3, country, source, edition, unit, price_base, year,
value, estimate); no Dash imports. Colours come from ``country_colour`` so a country looks
the same here as on every other page.
"""

from __future__ import annotations

import pandas as pd

from dashboard.figures.common import (
    ESTIMATE_DASH,
    SOURCE_LABELS,
    base_layout,
    country_colour,
    empty_figure,
    source_line,
    split_estimates,
)
from dashboard.views.compare import COLUMNS, Indicator


def lines_figure(frame: pd.DataFrame, spec: Indicator, base: int | None, empty_message: str) -> dict:
    """One line per country (estimates dotted); an index when ``base`` is set."""
    if frame.empty:
        return empty_figure(empty_message, 460)
    scale = 1.0 if base else spec.scale
    traces: list[dict] = []
    for iso3, rows in _by_country(frame).items():
        name, colour = rows["country"][0], country_colour(iso3)
        actual, est = split_estimates(rows["year"], [v * scale for v in rows["value"]], rows["estimate"])
        hover = _hover(name, rows, spec, base)
        traces.append({"type": "scatter", "mode": "lines", "name": name, "x": actual["x"], "y": actual["y"],
                       "line": {"color": colour, "width": 2.5}, "legendgroup": iso3, "hovertemplate": hover})
        if est["x"]:
            traces.append({"type": "scatter", "mode": "lines+markers", "name": f"{name} (estimate)",
                           "x": est["x"], "y": est["y"], "legendgroup": iso3, "showlegend": False,
                           "line": {"color": colour, "width": 2, "dash": ESTIMATE_DASH}, "marker": {"size": 5},
                           "hovertemplate": hover.replace("<extra>", " (estimate)<extra>")})
    layout = base_layout(yaxis_title=_axis(spec, base), height=460)
    if base:
        shape = {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 100, "y1": 100,
                 "line": {"color": "#666", "width": 1, "dash": "dash"}}
        layout["shapes"] = [shape]
    elif spec.indexable:
        layout["yaxis"]["rangemode"] = "tozero"
    return {"data": traces, "layout": layout}


def bars_figure(frame: pd.DataFrame, spec: Indicator, base: int | None, year: int | None,
                empty_message: str) -> dict:
    """One bar per country in ``year`` (highest first); estimates hatched."""
    rows = frame[frame["year"] == year] if year is not None else frame.iloc[0:0]
    if rows.empty:
        return empty_figure(empty_message if frame.empty else "No year with figures for every selected country",
                            460)
    rows = rows.sort_values("value", ascending=False)
    scale = 1.0 if base else spec.scale
    units = [_unit(r.unit, spec, base) for r in rows.itertuples(index=False)]
    layout = base_layout(yaxis_title=_axis(spec, base), height=460)
    layout["hovermode"] = "closest"
    layout["xaxis"]["title"] = {"text": f"{year}" + (" (hatched: estimate)" if rows["estimate"].any() else "")}
    return {"data": [{
        "type": "bar", "x": rows["country"].tolist(), "y": (rows["value"] * scale).tolist(),
        "marker": {"color": [country_colour(c) for c in rows["iso3"]],
                   "pattern": {"shape": ["/" if e else "" for e in rows["estimate"]]}},
        "customdata": [[u, " (estimate)" if e else ""] for u, e in zip(units, rows["estimate"])],
        "hovertemplate": f"%{{x}}: %{{y:{spec.number}}}%{{customdata[0]}}%{{customdata[1]}}<extra></extra>",
    }], "layout": layout}


def summary(frame: pd.DataFrame, spec: Indicator, base: int | None, chart: str, year: int | None,
            notes: list[str]) -> str:
    """A text version of the chart: each country's latest value (or the bar year's)."""
    what = spec.label + (f" (index, {base} = 100)" if base else "")
    parts = []
    for rows in _by_country(frame).values():
        i = rows["year"].index(year) if chart == "bars" and year in rows["year"] else -1
        value = rows["value"][i] * (1.0 if base else spec.scale)
        unit = _unit(rows["unit"][i], spec, base)
        parts.append(f"{rows['country'][i]} {value:{spec.number}}{unit} in {int(rows['year'][i])}"
                     + (" (estimate)" if rows["estimate"][i] else ""))
    text = (f"Defence spending, {what}: " + "; ".join(parts) + ".") if parts else "No figures to show."
    if chart == "bars" and year is not None and parts:
        text += f" Bars: {year}, the latest year with a figure for every country shown."
    return " ".join([text, *notes])


def source_text(frame: pd.DataFrame, spec: Indicator, chart: str = "lines") -> str:
    """Source line: every (source, edition) drawn, with the price basis."""
    pairs = list(frame[["source", "edition"]].drop_duplicates().itertuples(index=False, name=None))
    bases = sorted(set(frame["price_base"])) if len(frame) else []
    note = (f"{spec.label}; prices: {', '.join(bases)}." if bases else spec.label + ".") + (" Hatched: estimates." if chart == "bars" else " Dotted: estimates.")
    return source_line(pairs, note)


def _unit(unit: str, spec: Indicator, base: int | None) -> str:
    """The hover unit for one row: "bn GBP", "%", " US$" or nothing for an index."""
    if base:
        return ""
    if spec.per_country_unit:
        return "bn " + unit.replace(" million", "")
    if spec.suffix == "bn":
        return "bn US$"
    return spec.suffix or " US$"


def _by_country(frame: pd.DataFrame) -> dict[str, dict[str, list]]:
    """iso3 → column → list, years ascending, in the frame's country order (plain lists: fast to draw)."""
    out: dict[str, dict[str, list]] = {}
    ordered = frame.sort_values("year", kind="stable")
    columns = {c: ordered[c].tolist() for c in COLUMNS}
    for i, iso3 in enumerate(columns["iso3"]):
        rows = out.setdefault(iso3, {c: [] for c in COLUMNS})
        for c in COLUMNS:
            rows[c].append(columns[c][i])
    first = list(dict.fromkeys(frame["iso3"].tolist()))
    return {c: out[c] for c in first}


def _hover(name: str, rows: dict[str, list], spec: Indicator, base: int | None) -> str:
    source = SOURCE_LABELS.get(rows["source"][0], rows["source"][0])
    unit = _unit(rows["unit"][0], spec, base)
    return f"{name} ({source} {rows['edition'][0]}): %{{y:{spec.number}}}{unit}<extra></extra>"


def _axis(spec: Indicator, base: int | None) -> str:
    return f"Index, {base} = 100" if base else spec.axis
