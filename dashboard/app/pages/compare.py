"""Compare page (/compare): one indicator, several countries, one source; lines or bars, or an index."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import dash
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboard.app.components import (
    FIELD_STYLE,
    chart_card,
    csv_download,
    param_choice,
    param_codes,
    param_year,
    query,
)
from dashboard.figures import compare as fig
from dashboard.figures.common import SOURCE_LABELS
from dashboard.views import data, frames

dash.register_page(__name__, path="/compare", name="Compare", title="Compare countries — defence spending")

DEFAULT_COUNTRIES: tuple[str, ...] = ("GBR", "DEU", "FRA", "POL", "USA")
DEFAULT_INDICATOR = "milex_share_gdp"
MAX_COUNTRIES = 12   # more lines than the palette has colours stop being readable
CHARTS: dict[str, str] = {"lines": "Lines over time", "bars": "Bars, latest common year"}
BASE_YEARS = (1949, 2025)  # the span of the snapshot's published years


class View(NamedTuple):
    """The page's state, validated (the URL and the controls both go through here).

    A NamedTuple, not a dataclass: Dash executes page modules before registering them in
    ``sys.modules``, which dataclasses need.
    """

    codes: tuple[str, ...]
    indicator: str
    source: str
    chart: str
    base: int | None


def parse(countries: object, indicator: object, source: object, chart: object, base: object) -> View:
    """A valid view from raw values (URL parameters or control values); never raises."""
    app = data.get()
    if isinstance(countries, (list, tuple)):  # the dropdown: an empty choice stays empty
        codes = tuple(param_codes(",".join(c for c in countries if isinstance(c, str))[:200], app.country_codes,
                                  limit=MAX_COUNTRIES))
    else:  # the URL: nothing usable gives the default selection
        codes = tuple(param_codes(countries, app.country_codes, limit=MAX_COUNTRIES)) or DEFAULT_COUNTRIES
    ind = param_choice(indicator, tuple(fig.INDICATORS), DEFAULT_INDICATOR)
    spec = fig.INDICATORS[ind]
    src = param_choice(source, spec.sources, spec.sources[0])
    year = param_year(base, 0, *BASE_YEARS) if base not in (None, "") else 0
    return View(codes, ind, src, param_choice(chart, tuple(CHARTS), "lines"), year or None)


def layout(**params: object) -> html.Div:
    """The compare page for the view in the URL; unknown codes or values get a message, not an error."""
    app = data.get()
    view = parse(*(params.get(k) for k in ("countries", "indicator", "source", "chart", "base")))
    spec = fig.INDICATORS[view.indicator]
    # title and summary as the callback will set them (memoised): in the page's static copy
    _, summary, _, title = chart_output(id(app), view)
    return html.Div([
        dcc.Location(id="compare-url", refresh=False),
        html.H1("Compare countries"),
        html.P("One indicator for several countries from one publisher. Each publisher defines defence "
               "spending its own way, so the page never mixes sources in one chart."),
        html.Div(_param_notice(params.get("countries"), view, app), id="compare-notice", role="status"),
        html.Div([
            html.Div([
                html.Label("Countries (up to 12)", htmlFor="compare-countries"),
                dcc.Dropdown(id="compare-countries", value=list(view.codes), multi=True, clearable=True,
                             searchable=True, placeholder="Choose countries",
                             options=[{"label": app.name(c), "value": c} for c in app.country_codes]),
            ], style={**FIELD_STYLE, "flex": "1 1 22em"}),
            html.Div([
                html.Label("Indicator", htmlFor="compare-indicator"),
                dcc.Dropdown(id="compare-indicator", value=view.indicator, clearable=False, searchable=False,
                             options=[{"label": s.label, "value": k} for k, s in fig.INDICATORS.items()]),
            ], style=FIELD_STYLE),
            html.Div([
                html.Label("Source", htmlFor="compare-source"),
                dcc.Dropdown(id="compare-source", value=view.source, clearable=False, searchable=False,
                             options=_source_options(spec)),
            ], style=FIELD_STYLE),
        ], className="controls"),
        html.Div([
            html.Label("Chart", htmlFor="compare-chart-type"),
            dcc.RadioItems(id="compare-chart-type", value=view.chart, inline=True,
                           options=[{"label": v, "value": k} for k, v in CHARTS.items()]),
            html.Label("Relative to base year (= 100)", htmlFor="compare-base"),
            dcc.Input(id="compare-base", type="number", min=BASE_YEARS[0], max=BASE_YEARS[1], step=1,
                      value=view.base, placeholder="off", debounce=True, style={"width": "7em"}),
        ], className="controls"),
        chart_card("compare-chart", title, "compare", height=460, summary=summary),
    ])


@callback(
    Output("compare-source", "options"),
    Output("compare-source", "value"),
    Input("compare-indicator", "value"),
    State("compare-source", "value"),
)
def update_sources(indicator: str, source: str) -> tuple[list[dict], str]:
    """Only the publishers of the chosen indicator; keep the chosen one if it publishes it."""
    spec = fig.INDICATORS[param_choice(indicator, tuple(fig.INDICATORS), DEFAULT_INDICATOR)]
    return _source_options(spec), param_choice(source, spec.sources, spec.sources[0])


@callback(
    Output("compare-chart-graph", "figure"),
    Output("compare-chart-summary", "children"),
    Output("compare-chart-source", "children"),
    Output("compare-chart-title", "children"),
    Input("compare-countries", "value"),
    Input("compare-indicator", "value"),
    Input("compare-source", "value"),
    Input("compare-chart-type", "value"),
    Input("compare-base", "value"),
)
def update_chart(countries: object, indicator: object, source: object, chart: object, base: object):
    """The chart, its text summary, source line and title for the view."""
    view = parse(countries, indicator, source, chart, base)
    too_many = isinstance(countries, list) and len(countries) > MAX_COUNTRIES
    return chart_output(id(data.get()), view, too_many)


@lru_cache(maxsize=512)
def chart_output(app_id: int, view: View, too_many: bool = False) -> tuple[dict, str, str, str]:
    """(figure, summary, source line, title) for a view, memoised: a repeated view costs nothing."""
    spec = fig.INDICATORS[view.indicator]
    frame, notes, base_used = view_frame(view)
    if too_many:
        notes = [*notes, f"Showing the first {MAX_COUNTRIES} countries chosen."]
    empty = (" ".join(notes) or "No figures for the selected countries") if view.codes else "Choose one or more countries"
    if view.chart == "bars":
        year = fig.latest_common_year(frame)
        figure = fig.bars_figure(frame, spec, base_used, year, empty)
    else:
        year = None
        figure = fig.lines_figure(frame, spec, base_used, empty)
    title = f"{spec.label}, {SOURCE_LABELS[view.source]}" + (f", index {base_used} = 100" if base_used else "")
    return (figure, fig.summary(frame, spec, base_used, view.chart, year, notes),
            fig.source_text(frame, spec, view.chart), title)


@callback(
    Output("compare-url", "search"),
    Input("compare-countries", "value"),
    Input("compare-indicator", "value"),
    Input("compare-source", "value"),
    Input("compare-chart-type", "value"),
    Input("compare-base", "value"),
    prevent_initial_call=True,
)
def sync_url(countries: object, indicator: object, source: object, chart: object, base: object) -> str:
    """The view as a shareable query string (each change is a history entry: back works)."""
    view = parse(countries, indicator, source, chart, base)
    return query(countries=view.codes, indicator=view.indicator, source=view.source, chart=view.chart,
                 base=view.base)


@callback(
    Output("compare-chart-csv", "data"),
    Input("compare-chart-csv-button", "n_clicks"),
    State("compare-countries", "value"),
    State("compare-indicator", "value"),
    State("compare-source", "value"),
    State("compare-chart-type", "value"),
    State("compare-base", "value"),
    prevent_initial_call=True,
)
def download(_: int, countries: object, indicator: object, source: object, chart: object, base: object) -> dict:
    """CSV of the chart's data (index column added when relative to a base year)."""
    view = parse(countries, indicator, source, chart, base)
    spec = fig.INDICATORS[view.indicator]
    frame, _notes, base_used = view_frame(view)
    if base_used:
        frame = frame.rename(columns={"value": f"index_{base_used}_eq_100"})
    name = f"compare-{view.indicator}-{view.source}" + (f"-index-{base_used}" if base_used else "")
    return csv_download(frame, name, fig.source_text(frame, spec, view.chart))


def view_frame(view: View) -> tuple[pd.DataFrame, list[str], int | None]:
    """(rows to draw, notes on what is missing and why, base year actually used)."""
    app = data.get()
    spec = fig.INDICATORS[view.indicator]
    frame = compare_frame(id(app), view.codes, view.indicator, view.source)
    present = set(frame["iso3"].unique())
    notes = [_missing(app, c, view.source, spec) for c in view.codes if c not in present]
    base = view.base if spec.indexable else None
    if view.base and not spec.indexable:
        notes.append(f"{spec.label} is already a rate of change: shown as published, not indexed.")
    if base:
        first = first_year(id(app), view.source, view.indicator)
        if first is not None and base < first:
            notes.append(f"{SOURCE_LABELS[view.source]} has no {spec.noun} before {first}.")
        frame, missing = fig.indexed(frame, base)
        notes += [f"{app.name(c)} has no figure for {base}: left out of the index." for c in missing]
    elif spec.per_country_unit and len(frame):
        notes.append("Each country is in its own currency: set a base year to compare trends.")
    return frame, notes, base


@lru_cache(maxsize=512)
def compare_frame(app_id: int, codes: tuple[str, ...], indicator: str, source: str) -> pd.DataFrame:
    """Tidy rows (fig.COLUMNS) of one indicator from one source, latest edition per country (memoised)."""
    return frames.compare_frame(data.get(), list(codes), indicator, source)


@lru_cache(maxsize=64)
def first_year(app_id: int, source: str, indicator: str) -> int | None:
    """The first year ``source`` publishes ``indicator`` for any country (any edition)."""
    table = data.get().table
    years = table.loc[(table["source"] == source) & (table["indicator"] == indicator), "year"]
    return int(years.min()) if len(years) else None


def _missing(app: data.ViewData, code: str, source: str, spec: fig.Indicator) -> str:
    """Why a country has no line: "No NATO data for Austria: not a member."."""
    name, label = app.name(code), SOURCE_LABELS[source]
    nato = app.groups.get("NATO")
    if source == "nato" and nato is not None and code not in nato.members:
        return f"No NATO data for {name}: not a member."
    return f"No {label} {spec.noun} for {name}."


def _source_options(spec: fig.Indicator) -> list[dict]:
    return [{"label": SOURCE_LABELS[s], "value": s} for s in spec.sources]


def _param_notice(raw: object, view: View, app: data.ViewData) -> list:
    """A friendly line when the URL named countries the data does not have."""
    if raw in (None, ""):
        return []
    given = [p.strip().upper() for p in str(raw)[:200].split(",") if p.strip()]
    unknown = [g for g in given if g not in app.country_codes]
    if not unknown:
        return []
    shown = ", ".join(u[:12] for u in unknown[:5])
    fallback = " Showing the default selection." if view.codes == DEFAULT_COUNTRIES and len(unknown) == len(given) else ""
    return [html.P(f"Not in the data (use ISO 3166 alpha-3 codes such as GBR): {shown}.{fallback}",
                   className="notice")]
