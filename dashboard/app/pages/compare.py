"""Compare page (/compare): one indicator, several countries, one source; lines or bars, or an index.

The state is ``views.specs.CompareView`` (URL and controls alike); what a view shows is
``views.compare``, drawn by ``charts.compare_charts`` (both memoised per process).
"""

from __future__ import annotations

import dash
from dash import Input, Output, State, callback, dcc, html

from dashboard import charts
from dashboard.app.components import FIELD_STYLE, chart_card, data_age, data_age_children, events_toggle
from dashboard.schema import SOURCE_LABELS
from dashboard.views import ages, data
from dashboard.views.compare import INDICATORS, Indicator
from dashboard.views.specs import CompareView, events_on
from dashboard.views.url import param_choice

dash.register_page(__name__, path="/compare", name="Compare", title="Compare countries — defence spending")

View = CompareView
DEFAULT_COUNTRIES = CompareView.DEFAULT_COUNTRIES
DEFAULT_INDICATOR = CompareView.DEFAULT_INDICATOR
MAX_COUNTRIES = CompareView.MAX_COUNTRIES
CHARTS = CompareView.CHARTS
FIELDS = ("countries", "indicator", "source", "chart", "base")


def parse(countries: object, indicator: object, source: object, chart: object, base: object) -> CompareView:
    """A valid view from raw values (URL parameters or control values); never raises."""
    return CompareView.parse(dict(zip(FIELDS, (countries, indicator, source, chart, base))), data.get())


def layout(**params: object) -> html.Div:
    """The compare page for the view in the URL; unknown codes or values get a message, not an error."""
    app = data.get()
    view = CompareView.parse(params, app)
    low, high = CompareView.bounds(app)
    spec = INDICATORS[view.indicator]
    # title and summary as the callback will set them (memoised): in the page's static copy
    drawn = charts.compare_charts(app).chart(view)
    return html.Div([
        dcc.Location(id="compare-url", refresh=False),
        html.H1("Compare countries"),
        html.P("One indicator for several countries from one publisher. Each publisher defines defence "
               "spending its own way, so the page never mixes sources in one chart."),
        data_age("compare", ages.compare_pairs(app, view)),
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
                             options=[{"label": s.label, "value": k} for k, s in INDICATORS.items()]),
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
            dcc.Input(id="compare-base", type="number", min=low, max=high, step=1,
                      value=view.base, placeholder="off", debounce=True, style={"width": "7em"}),
            events_toggle("compare-events", True),
        ], className="controls"),
        chart_card("compare-chart", drawn.title, "compare", height=460, summary=drawn.summary),
    ])


@callback(
    Output("compare-source", "options"),
    Output("compare-source", "value"),
    Input("compare-indicator", "value"),
    State("compare-source", "value"),
)
def update_sources(indicator: str, source: str) -> tuple[list[dict], str]:
    """Only the publishers of the chosen indicator; keep the chosen one if it publishes it."""
    spec = INDICATORS[param_choice(indicator, tuple(INDICATORS), DEFAULT_INDICATOR)]
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
    Input("compare-events", "value"),
)
def update_chart(countries: object, indicator: object, source: object, chart: object, base: object,
                 events_value: object = None):
    """The chart, its text summary, source line and title for the view (events on lines unless
    switched off)."""
    view = parse(countries, indicator, source, chart, base)
    too_many = isinstance(countries, list) and len(countries) > MAX_COUNTRIES
    drawn = charts.compare_charts(data.get()).chart(view, too_many, MAX_COUNTRIES, events=events_on(events_value))
    return drawn.figure, drawn.summary, drawn.source, drawn.title


@callback(
    Output("compare-ages", "children"),
    Input("compare-countries", "value"),
    Input("compare-indicator", "value"),
    Input("compare-source", "value"),
    prevent_initial_call=True,
)
def update_ages(countries: object, indicator: object, source: object) -> list:
    """The data-age note for the lines now drawn (another publisher, other countries)."""
    return data_age_children(ages.compare_pairs(data.get(), parse(countries, indicator, source, None, None)))


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
    return parse(countries, indicator, source, chart, base).query()


def _source_options(spec: Indicator) -> list[dict]:
    return [{"label": SOURCE_LABELS[s], "value": s} for s in spec.sources]


def _param_notice(raw: object, view: CompareView, app: data.ViewData) -> list:
    """A friendly line when the URL named countries the data does not have."""
    if raw in (None, ""):
        return []
    given = [p.strip().upper() for p in str(raw)[:200].split(",") if p.strip()]
    unknown = [g for g in given if g not in app.country_codes]
    if not unknown:
        return []
    shown = ", ".join(u[:12] for u in unknown[:5])
    fallback = (" Showing the default selection."
                if view.codes == DEFAULT_COUNTRIES and len(unknown) == len(given) else "")
    return [html.P(f"Not in the data (use ISO 3166 alpha-3 codes such as GBR): {shown}.{fallback}",
                   className="notice")]
