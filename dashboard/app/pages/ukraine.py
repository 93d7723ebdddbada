"""Ukraine page (/ukraine): who carries support to Ukraine, from the Kiel Ukraine Support Tracker.

The state is ``views.specs.UkraineView``; the data is ``views.ukraine`` and the charts are
``charts.ukraine_charts`` (both memoised per process). Callbacks only parse the view and hand
back what the chart layer drew.
"""

from __future__ import annotations

import dash
from dash import Input, Output, callback, dcc, html

from dashboard import charts
from dashboard.app.components import (
    FIELD_STYLE,
    SCROLL_STYLE,
    TABLE_STYLE,
    chart_card,
    data_age,
    data_age_children,
    deferred,
    events_toggle,
)
from dashboard.views import ages, data, promised
from dashboard.views.specs import UkraineView, events_on
from dashboard.views.ukraine import AID_LABELS, COALITION, MEASURE_LABELS, NOT_ADDITIVE, UkraineViews

dash.register_page(__name__, path="/ukraine", name="Ukraine",
                   title="Support to Ukraine: who carries it now — defence spending")

RIGHT = {"textAlign": "right"}
BY_LABELS = {"year": "Per year", "month": "Per month"}
WEAPON_LABELS = {"count": "Number", "value": "Value (EUR)"}


def view(aid: object = None, by: object = None, measure: object = None, period: object = None,
         weapons: object = None) -> UkraineView:
    """The page's state from URL parameters or control values."""
    return UkraineView.parse({"aid": aid, "by": by, "measure": measure, "period": period, "weapons": weapons},
                             data.get())


def layout(**params: object) -> html.Div:
    """The page for ``?aid=military&by=year&measure=eur&period=all&weapons=count``."""
    app = data.get()
    ua = app.ukraine
    if ua.aid is None:
        return html.Div([html.H1("Support to Ukraine"),
                         html.P("This snapshot has no figures from the Kiel Ukraine Support Tracker: build it with "
                                "the tracker's files to see this page.")])
    state = UkraineView.parse(params, app)
    drawn = charts.ukraine_charts(app)
    regions, ranking = drawn.regions(state.aid, state.by), drawn.ranking(state.aid, state.measure, state.period)
    weapons, sourcing, promised_chart = drawn.weapons(state.weapons), drawn.sourcing, drawn.promised
    aid = ua.aid
    return html.Div([
        dcc.Location(id="ukraine-url", refresh=False),
        html.H1("Who carries Ukraine now"),
        html.P([f"Aid to Ukraine allocated by each donor, {ua.period_text()}, from the Kiel Institute's Ukraine "
                f"Support Tracker, {aid.release} (published {aid.release_date}). The newest month in this snapshot "
                f"is {ua.period_text().split(' – ')[-1]}."],
               className="lead"),
        data_age("ukraine", ages.ukraine_pairs(app, state)),
        html.P(NOT_ADDITIVE, className="note"),
        _controls("ukraine-regions-controls", [
            _radio("ukraine-aid", "Aid", AID_LABELS, state.aid),
            _radio("ukraine-by", "Bars", BY_LABELS, state.by),
            events_toggle("ukraine-events", True),
        ]),
        chart_card("ukraine-regions", regions.title, "ukraine-aid-by-region", height=420,
                   summary=regions.summary, source=regions.source),
        _controls("ukraine-ranking-controls", [
            _radio("ukraine-measure", "Ranked by", MEASURE_LABELS, state.measure),
            html.Div([
                html.Label("Period", htmlFor="ukraine-period"),
                dcc.Dropdown(id="ukraine-period", value=state.period, clearable=False, searchable=False,
                             options=[{"label": "All months" if p == UkraineView.ALL else ua.year_label(int(p)),
                                       "value": p} for p in UkraineView.periods(app)]),
            ], style=FIELD_STYLE),
        ]),
        chart_card("ukraine-donors", ranking.title, "ukraine-donors", height=560, summary=ranking.summary,
                   source=ranking.source, defer=True),
        _coalition(app),
        chart_card("ukraine-promised", promised_chart.title, "ukraine-promised-and-delivered",
                   height=promised_height(ua), summary=promised_chart.summary, source=promised_chart.source,
                   defer=True),
        _promised_table(ua),
        chart_card("ukraine-sourcing", sourcing.title, "ukraine-military-aid-sourcing", height=420,
                   summary=sourcing.summary, source=sourcing.source, defer=True),
        _controls("ukraine-weapons-controls", [_radio("ukraine-weapons", "Show", WEAPON_LABELS, state.weapons)]),
        chart_card("ukraine-weapons", weapons.title, "ukraine-heavy-weapons", height=640, summary=weapons.summary,
                   source=weapons.source, defer=True),
    ])


def _controls(cid: str, children: list) -> html.Div:
    return html.Div(children, id=cid, className="controls")


def _radio(cid: str, label: str, options: dict[str, str], value: str) -> html.Div:
    # labelled like the other pages' radios: assets/a11y.js names the radio group after the label
    return html.Div([
        html.Label(label, htmlFor=cid),
        dcc.RadioItems(id=cid, value=value, inline=True, options=[{"label": v, "value": k} for k, v in options.items()]),
    ], style=FIELD_STYLE)


def _coalition(app: data.ViewData) -> html.Details:
    """Who is counted in the coalition of the willing, and on whose word."""
    group = app.groups.get(COALITION)
    if group is None:
        return html.Details()
    verified = [app.name(c) for c in sorted(group.members, key=app.name) if c not in group.unverified]
    reported = [app.name(c) for c in sorted(group.unverified, key=app.name)]
    cites = {(c.publisher, c.title, c.url, c.date.isoformat()) for c in group.unverified.values()}
    return html.Details([
        html.Summary("Who is in the coalition of the willing? (there is no official list)"),
        html.P(["Named at the London summit, 2 March 2025 (", html.A(group.source.publisher, href=group.source.url),
                "): " + ", ".join(verified) + "."]),
        html.P("Reported at the coalition's later meetings, not checked against the publisher from here "
               "(marked lighter in the ranking): " + ", ".join(reported) + "."),
        html.Ul([html.Li([f"{pub}, {title}, {date}: ", html.A(url, href=url)]) for pub, title, url, date in sorted(cites)]),
    ], className="card")


def promised_height(ua: UkraineViews) -> int:
    """The promised-and-delivered chart's frame: two bars per compared commitment."""
    return max(360, 46 * len(promised.compared(ua.promises)) + 130)


def _promised_table(ua: UkraineViews) -> html.Details:
    """Every commitment in force, compared or not, with its document (the chart's CSV has the rest)."""
    head = ["Donor", "Promise", "Months", "Promised (EUR)", "Kiel's months, pro rata", "Allocated (Kiel)", "Allocated ÷ promised",
            "Document"]
    body = []
    for p, r in zip(ua.promises, promised.rows(ua.promises)):
        c = p.commitment
        body.append(html.Tr([
            html.Th(p.donor, scope="row"),
            html.Td([c.title, html.Br(), html.Span(f"{c.amount_text}, {c.kind}", className="hint")]),
            html.Td(c.period_text),
            html.Td(_bn(r["promised_eur_million"]), style=RIGHT),
            html.Td(_bn(r["promised_to_date_eur_million"]) if r["compared_from"] else "—", style=RIGHT,
                    title=f"{r['compared_from']} – {r['compared_to']}" if r["compared_from"] else str(r["not_compared_because"])),
            html.Td(_bn(r["allocated_eur_million"]) if r["compared_from"] else "not compared", style=RIGHT,
                    title=str(r["not_compared_because"]) or None),
            html.Td(f"{r['allocated_pct_of_promised_to_date']:,.0f} %"
                    if r["allocated_pct_of_promised_to_date"] is not None else "", style=RIGHT),
            html.Td([html.A(c.source.publisher, href=c.source.url, rel="noopener noreferrer", target="_blank"),
                     html.Br(), html.Span(f"{c.source.title}, {c.source.date:%-d %b %Y}", className="hint")]),
        ]))
    return html.Details([
        html.Summary(f"Every commitment, with its document ({len(body)})"),
        html.Div(html.Table([html.Thead(html.Tr([html.Th(h, scope="col") for h in head])), html.Tbody(body)],
                            className="data-table", style=TABLE_STYLE), className="table-scroll", style=SCROLL_STYLE),
        html.P(promised.METHOD, className="source-line"),
    ], id="ukraine-promised-table", className="card", open=True)


def _bn(million: object) -> str:
    return f"€{float(million) / 1000:,.2f}bn" if isinstance(million, (int, float)) else "—"


def _out(chart: charts.UkraineChart) -> tuple[dict, str, str, str]:
    return chart.figure, chart.summary, chart.source, chart.title


@callback(
    Output("ukraine-regions-graph", "figure"),
    Output("ukraine-regions-summary", "children"),
    Output("ukraine-regions-source", "children"),
    Output("ukraine-regions-title", "children"),
    Input("ukraine-aid", "value"),
    Input("ukraine-by", "value"),
    Input("ukraine-events", "value"),
)
def update_regions(aid: object, by: object, events_value: object = None) -> tuple[dict, str, str, str]:
    """Aid by region for the chosen type, per year or month (events marked per month unless
    switched off)."""
    state = view(aid, by)
    return _out(charts.ukraine_charts(data.get()).regions(state.aid, state.by, events=events_on(events_value)))


@callback(
    deferred("ukraine-donors"),
    Output("ukraine-donors-summary", "children"),
    Output("ukraine-donors-source", "children"),
    Output("ukraine-donors-title", "children"),
    Input("ukraine-aid", "value"),
    Input("ukraine-measure", "value"),
    Input("ukraine-period", "value"),
)
def update_ranking(aid: object, measure: object, period: object) -> tuple[dict, str, str, str]:
    """Donors ranked in the chosen measure and period."""
    state = view(aid, measure=measure, period=period)
    return _out(charts.ukraine_charts(data.get()).ranking(state.aid, state.measure, state.period))


@callback(
    deferred("ukraine-sourcing"),
    Input("ukraine-url", "pathname"),
)
def update_sourcing(_: object) -> dict:
    """Military aid by sourcing (one view: drawn when the chart nears the viewport)."""
    return charts.ukraine_charts(data.get()).sourcing.figure


@callback(
    deferred("ukraine-promised"),
    Input("ukraine-url", "pathname"),
)
def update_promised(_: object) -> dict:
    """Promised and delivered (one view: drawn when the chart nears the viewport)."""
    return charts.ukraine_charts(data.get()).promised.figure


@callback(
    deferred("ukraine-weapons"),
    Output("ukraine-weapons-summary", "children"),
    Output("ukraine-weapons-source", "children"),
    Output("ukraine-weapons-title", "children"),
    Input("ukraine-weapons", "value"),
)
def update_weapons(weapons: object) -> tuple[dict, str, str, str]:
    """Heavy weapons by donor, number or value."""
    return _out(charts.ukraine_charts(data.get()).weapons(view(weapons=weapons).weapons))


@callback(
    Output("ukraine-ages", "children"),
    Input("ukraine-measure", "value"),
    prevent_initial_call=True,
)
def update_ages(measure: object) -> list:
    """The data-age note: Kiel's release, and NATO's and SIPRI's when aid is divided by GDP or spending."""
    return data_age_children(ages.ukraine_pairs(data.get(), view(measure=measure)))


@callback(
    Output("ukraine-url", "search"),
    Input("ukraine-aid", "value"),
    Input("ukraine-by", "value"),
    Input("ukraine-measure", "value"),
    Input("ukraine-period", "value"),
    Input("ukraine-weapons", "value"),
    prevent_initial_call=True,
)
def sync_url(aid: object, by: object, measure: object, period: object, weapons: object) -> str:
    """The view as a shareable query string (back button works)."""
    return view(aid, by, measure, period, weapons).query()

