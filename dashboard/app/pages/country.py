"""Country page (/country/<ISO3>): share of GDP by source with pledges, spending, money gaps."""

from __future__ import annotations

import datetime as dt
from typing import cast

import dash
from dash import ClientsideFunction, Input, Output, Patch, State, callback, clientside_callback, dcc, html

from dashboard import charts
from dashboard.app.components import (
    DROPDOWN_BOX,
    SCROLL_STYLE,
    TABLE_STYLE,
    chart_card,
    data_age,
    data_age_children,
    deferred,
    events_toggle,
)
from dashboard.app.html_types import Attrs
from dashboard.app.server import routing
from dashboard.app.static_copy.prerender import NOT_FOUND_CLASS
from dashboard.figures import country as fig
from dashboard.model import Progress
from dashboard.model.budgets import Budget
from dashboard.schema import SOURCE_LABELS
from dashboard.views import ages, data, promised
from dashboard.views import budgets as budgets_view
from dashboard.views.labels import STATUS_LABELS, source_line
from dashboard.views.series import ShareSeries, cut
from dashboard.views.specs import SPENDING_MEASURES, CountryView, measure_phrase
from dashboard.views.url import param_iso3


def _title(iso3: object = None, **_: object) -> str:
    """The browser tab's and the social card's title: the country's name (called per request,
    so the data is loaded by then; an unknown code gets a generic title)."""
    app = data.get()
    code = param_iso3(iso3, app.country_codes)
    return f"{app.name(code)} — defence spending" if code else "Country not found — defence spending"


dash.register_page(__name__, path_template="/country/<iso3>", name="Country", title=_title)

PAGE = "country"  # this page's id in the router's in-place check (routing.shown_store)
# The share chart's fast path (assets/country-switch.js): the controls the browser draws the
# chart for itself, and how it asks the server for the figure when that failed
SHARE_CLAIM = "country-share-claim"
SHARE_RETRY = "country-share-retry"

MEASURES = SPENDING_MEASURES  # measure → (label, indicator), shared with the export
DEFAULT_FROM = CountryView.DEFAULT_FROM


def view(code: object, start: object = None, measure: object = None,
         fallback: str = CountryView.DEFAULT_COUNTRY, events: object = None) -> CountryView:
    """The page's state from the path's code and the controls (``views.specs.CountryView``)."""
    state = CountryView.parse({"from": start, "measure": measure, "events": events}, data.get(), code, fallback)
    # parse gives None only for an unknown code without a fallback
    return cast(CountryView, state)


def layout(iso3: str | None = None, **params: object) -> html.Div:
    """The page for ``iso3``; an unknown code gets a friendly message, not an error.

    Choosing another country, year or measure redraws the page in place (the callbacks
    below): the URL follows (``sync_url``), and the router, told the page already shows it
    (``routing.shown_store``), does not lay the page out again. The opening charts are in the
    layout itself, so the live page needs no callback to draw them.
    """
    app = data.get()
    state = CountryView.parse(params, app, iso3)
    if state is None:
        return not_found(iso3)
    code, start, measure = state.iso3, state.start, state.measure
    low, high = CountryView.bounds(app, code)
    name, pledges = app.name(code), app.progress_by_country.get(code, [])
    # what the callbacks would draw first, known now: in the static copy and the live page at once
    share, share_summary, share_source, notes = _share_parts(code, start, state.events)
    gap, gap_summary, gap_source, gap_height = _gap_parts(pledges, name)
    spend, spend_summary, spend_source = update_spending(code, measure, start)
    return html.Div([
        dcc.Location(id="country-url", refresh="callback-nav"),
        routing.shown_store(PAGE, state.query()),
        # the country the share chart shows: the rest of the page follows it, after the share
        # chart's own answer (so that answer comes first, alone)
        dcc.Store(id="country-code", data=code),
        dcc.Store(id=SHARE_CLAIM, data=None), dcc.Store(id=SHARE_RETRY, data=0),
        html.H1(name, id="country-title"),
        data_age("country", ages.country_pairs(app, code, measure)),
        html.Div([
            html.Label("Country", htmlFor="country-select"),
            html.Div(dcc.Dropdown(id="country-select", value=code, clearable=False, searchable=True,
                                  options=[{"label": app.name(c), "value": c} for c in app.country_codes]),
                     style=DROPDOWN_BOX),
            html.Label("From year", htmlFor="country-from"),
            dcc.Input(id="country-from", type="number", min=low, max=high, step=1, value=start,
                      debounce=True, style={"width": "7em"}),
            events_toggle("country-events", state.events),
        ], className="controls"),
        # rendered with the page (not only by the callback) so nothing below it moves on load
        html.Div(_headline(pledges, name), id="country-headline", className="headline"),
        chart_card("country-share", "Defence spending as a share of GDP, by source", f"{code}-share-of-gdp",
                   summary=share_summary, source=share_source, figure=share),
        html.Aside(notes, id="country-notes", className="notes", **Attrs({"aria-label": "Footnotes"})),
        html.Div(_budgets_card(code, name), id="country-budgets-slot"),
        chart_card("country-gap", "Money gap to each pledge", f"{code}-money-gap", height=gap_height,
                   summary=gap_summary, source=gap_source, figure=gap, defer=True),
        html.Div([
            html.Label("Spending measure", htmlFor="country-measure"),
            dcc.RadioItems(id="country-measure", value=measure, inline=True,
                           options=[{"label": label, "value": key} for key, (label, _) in MEASURES.items()]),
        ], className="controls"),
        chart_card("country-spend", "Defence spending", f"{code}-spending", height=380, defer=True,
                   figure=spend, summary=spend_summary, source=spend_source),
        html.Div(_ukraine_card(code), id="country-donor-slot"),
    ])


def _marks(code: str, start: int) -> list[Budget]:
    """The government's budget figures the share chart draws as diamonds (one definition)."""
    return [b for b in budgets_view.chart_figures(data.get().budgets.get(code, ())) if b.year >= start]


def _budgets_card(code: str, name: str) -> list:
    """"Published budgets": every figure of the registry for the country, newest first, with its
    document, and how far the government's budget and NATO's figure part (none: no card)."""
    app = data.get()
    figures = app.budgets.get(code, ())
    if not figures:
        return []
    today = dt.date.today()
    gap = budgets_view.definition_gap(figures, app.panel.series("nato", code, "milex_share_gdp"), name)
    head = ["Fiscal year", "Stage", "Amount", "% of GDP", "Definition", "Document", "Age"]
    rows = [html.Tr([
        html.Th(r["year"], scope="row"), html.Td(r["stage"]), html.Td(r["amount"] or "—"),
        html.Td(r["share"], title=r["share_tip"]), html.Td(r["definition"]),
        html.Td([html.A(r["document"], href=r["url"], rel="noopener noreferrer", target="_blank"),
                 html.Br(), html.Span(f"{r['publisher']}, {r['date_text']}", className="hint")]),
        html.Td(r["age_text"]),
    ]) for r in budgets_view.country_rows(figures, today)]
    return [html.Section([
        html.H2("Published budgets", id="country-budgets-title"),
        html.P(f"{name}'s defence budget as the government published it: budget acts, bills and plans, each on "
               "its own definition. A pledge's status rests on the newest adopted or spent budget (or the plan in "
               "force for a year under way), bridged to NATO's definition where the pledge is NATO's; drafts and "
               "later plans are the government's own path. Hover a share to see how it was had."),
        html.P(gap) if gap else None,
        html.Div(html.Table([
            html.Caption(f"{len(rows)} figures, newest first", style={"textAlign": "left"}),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in head])),
            html.Tbody(rows),
        ], className="data-table", style=TABLE_STYLE), className="table-scroll", style=SCROLL_STYLE),
        html.P(source_line([("national", None)], "data/budgets.yaml: each figure's document is linked; a "
                                                 "report quoting the government is marked by its publisher."),
               className="source-line"),
        html.P([dcc.Link("Every country's newest budget →", href=f"/budgets?q={code}"), " · ",
                html.A(f"{name}'s figures (CSV)", href=f"/data/observations.csv?source=national&iso3={code}")],
               className="more-link"),
    ], id="country-budgets", className="card", **Attrs({"aria-labelledby": "country-budgets-title"}))]


# the support card's chart comes with the card (update_rest), drawn once it is seen
deferred("country-ukraine")


def _ukraine_card(code: str) -> list:
    """"Support to Ukraine" for a donor in the Kiel tracker (drawn with the page: one view per country)."""
    chart = charts.ukraine_charts(data.get()).donor(code)
    if chart is None:
        return []
    ua = data.get().ukraine
    promises = [html.Li([promised.sentence(p, ua.require().release) + " ",
                         html.A(f"Document: {p.commitment.source.publisher}", href=p.commitment.source.url,
                                rel="noopener noreferrer", target="_blank")])
                for p in ua.donor_promises(code)]
    lines = [html.Div([html.H3("Promised and delivered", id="country-promised-title"), html.Ul(promises)],
                      id="country-promised", className="card")] if promises else []
    return [chart_card("country-ukraine", chart.title, f"{code}-support-to-ukraine", height=320,
                       summary=chart.summary, source=chart.source, figure=chart.figure, defer=True),
            *lines,
            html.P(dcc.Link("Who carries Ukraine now: every donor, the US and Europe, promised and delivered →",
                            href="/ukraine#ukraine-promised-card"), className="more-link")]


def not_found(raw: object) -> html.Div:
    """Friendly page for an unknown or malformed country code."""
    shown = str(raw)[:12] if raw else ""
    return html.Div([
        html.H1("Country not found"),
        html.P(f"There is no country with the code “{shown}” in the data."
               if shown else "No country given."),
        html.P(["Codes are ISO 3166 alpha-3, e.g. ", dcc.Link("GBR", href="/country/GBR"), ", ",
                dcc.Link("DEU", href="/country/DEU"), ", ", dcc.Link("POL", href="/country/POL"), "."]),
    ], className=NOT_FOUND_CLASS)


@callback(
    Output("country-share-graph", "figure"),
    Output("country-share-summary", "children"),
    Output("country-share-source", "children"),
    Output("country-notes", "children"),
    Output("country-code", "data"),
    Output(SHARE_CLAIM, "data"),
    Input("country-select", "value"),
    Input("country-from", "value"),
    Input("country-events", "value"),
    Input(SHARE_RETRY, "data"),
    State("country-code", "data"),
    State(SHARE_CLAIM, "data"),
    prevent_initial_call=True,  # the layout draws the opening chart
)
def update_share(code: str, start: object, events_value: object = None, retry: object = None,
                 drawn: object = None, claim: object = None):
    """The share chart and its footnotes: the first thing a reader looks at after a change,
    so answered alone (the other parts of the page come in their own answers).

    ``claim``: the controls the browser is drawing the chart for itself (assets/country-switch.js,
    from /figure/country-share.json): when they are these, the figure is not sent again. A claim
    is used once (cleared by this answer); ``retry`` is how the browser asks for the figure when
    its own draw failed."""
    state = view(code, start, events=events_value)
    figure, summary, source, notes = _share_parts(state.iso3, state.start, state.events)
    claimed = isinstance(claim, dict) and share_key(claim) == (state.iso3, state.start, state.events)
    # a new country only: the rest of the page follows it (not a new year or the events)
    return (dash.no_update if claimed else figure, summary, source, notes,
            state.iso3 if state.iso3 != drawn else dash.no_update,
            None if claim is not None else dash.no_update)


def share_key(params: dict) -> tuple[str, int, bool] | None:
    """(ISO3, first year, events on) the share chart shows for these controls (``country``,
    ``from``, ``events``: as /figure/country-share.json takes them); None: no such country."""
    state = CountryView.parse({"from": params.get("from"), "events": params.get("events")}, data.get(),
                              params.get("country"))
    return None if state is None else (state.iso3, state.start, state.events)


def share_figure(key: tuple[str, int, bool]) -> dict:
    """The share chart's live figure for ``share_key``'s key (what ``update_share`` sends)."""
    return _share_parts(*key)[0]


def _share_parts(code: str, start: int, events_on: bool) -> tuple[dict, str, str, list]:
    """The share chart's figure, text summary and source line, and the footnotes below it."""
    app = data.get()
    name, pledges, casts = app.name(code), app.progress_by_country.get(code, []), app.nowcasts.get(code, [])
    series = app.share_series(code)
    shown = cut(series, start)
    events = app.timeline_events(code) if events_on else ()
    marks = _marks(code, start)
    return (fig.share_figure(series, pledges, name, start, casts, events, marks),
            fig.share_summary(shown, pledges, name, casts, events, marks),
            fig.share_source(shown, casts, events, pledges, marks), _notes(shown))


def _gap_parts(pledges: list[Progress], name: str) -> tuple[dict, str, str, int]:
    """The money-gap chart's figure, text summary, source line and height (a row per pledge)."""
    return (fig.money_gap_figure(pledges, name), _gap_summary(pledges, name), _gap_source(pledges),
            fig.money_gap_height(pledges))


@callback(
    Output("country-title", "children"),
    Output("country-headline", "children"),
    Output("country-from", "min"),
    Output("country-from", "max"),
    Output("country-budgets-slot", "children"),
    deferred("country-gap"),
    Output("country-gap-summary", "children"),
    Output("country-gap-source", "children"),
    Output("country-gap-slot", "style"),
    Output("country-gap-frame", "style"),
    Output("country-gap-spec", "data"),
    Output("country-donor-slot", "children"),
    Input("country-code", "data"),
    prevent_initial_call=True,  # the layout has them
)
def update_rest(code: str):
    """The rest of the page a new country changes, once its share chart is answered: the
    heading and headline, the years it has, its published budgets, its money gaps (the
    frame takes the chart's height: one row per pledge) and its support to Ukraine (cards a
    country may not have)."""
    app = data.get()
    code = view(code).iso3
    name, pledges = app.name(code), app.progress_by_country.get(code, [])
    low, high = CountryView.bounds(app, code)
    gap, gap_summary, gap_source, height = _gap_parts(pledges, name)
    # the gap chart is below the fold: its graph may not be in the page yet (components.deferred),
    # so its height goes to its slot and to the graph it will put in (copied to a graph already
    # there by sameStyle below)
    graph = Patch()
    graph["props"]["children"]["props"]["style"] = {"height": f"{height}px"}
    return (name, _headline(pledges, name), low, high, _budgets_card(code, name),
            gap, gap_summary, gap_source, {"height": f"{height}px"}, {"minHeight": f"{height}px"}, graph, _ukraine_card(code))


# a gap chart already in the page takes its slot's new height
clientside_callback(ClientsideFunction("charts", "sameStyle"), Output("country-gap-graph", "style"),
                    Input("country-gap-slot", "style"), prevent_initial_call=True)


@callback(
    Output("country-ages", "children"),
    Input("country-code", "data"),
    Input("country-measure", "value"),
    prevent_initial_call=True,  # the layout has it
)
def update_ages(code: str, measure: str):
    """The data-age note for the publishers now drawn."""
    app = data.get()
    state = view(code, measure=measure)
    return data_age_children(ages.country_pairs(app, state.iso3, state.measure))


@callback(
    deferred("country-spend"),
    Output("country-spend-summary", "children"),
    Output("country-spend-source", "children"),
    Input("country-code", "data"),
    Input("country-measure", "value"),
    Input("country-from", "value"),
    prevent_initial_call=True,  # the layout has the opening chart
)
def update_spending(code: str, measure: str, start: object):
    """Spending in the chosen measure, every source's latest edition."""
    app = data.get()
    state = view(code, start, measure)
    code, measure = state.iso3, state.measure
    lines = cut(app.spending(code, measure), state.start)
    name = app.name(code)
    pairs = list(dict.fromkeys((line.source, line.edition) for line in lines))
    summary = (f"{name}: defence spending in {measure_phrase(measure)}, " +
               "; ".join(f"{SOURCE_LABELS[s]} {e}" for s, e in pairs) + "." if pairs else f"No figures for {name}.")
    return fig.spending_figure(lines, name, measure), summary, source_line(pairs)


@callback(
    Output("country-url", "href"),
    routing.shown_output(PAGE),
    Input("country-code", "data"),
    Input("country-from", "value"),
    Input("country-measure", "value"),
    Input("country-events", "value"),
    prevent_initial_call=True,
)
def sync_url(selected: str, start: object, measure: str, events_value: object = None) -> tuple[str, str]:
    """Keep the view in the URL (shareable, back button) and say the page shows it: the router
    then leaves the page in place; the back button lays out the URL before."""
    url = view(selected, start, measure, events=events_value).query()
    return url, url


def _headline(pledges: list[Progress], name: str) -> list:
    """One sentence per national pledge: target, latest, status."""
    measured = [r for r in pledges if r.latest_share_pct is not None]
    own = [r for r in measured if r.actor == r.country] or measured[:1]
    items = []
    for r in own:
        target = f"{r.target:g}% of GDP" if r.kind == "share_gdp" else (
            f"{r.target:g}% of spending on equipment" if r.kind == "equipment_share" else
            f"{r.currency or ''} {r.target:g}bn".strip())
        basis = (r.latest_note if r.latest_note else
                 f"{SOURCE_LABELS.get(str(r.latest_source), str(r.latest_source))} {r.latest_edition}, "
                 f"{r.latest_year}{' estimate' if r.latest_is_estimate else ''}")
        latest = (f"{r.amount_unit} {r.latest_amount:,.1f}" if r.latest_amount is not None and r.amount_unit
                  else f"{r.latest_share_pct:.2f}%")
        # a government's budget: its note already gives the figure, the stage and the document
        said = f" — {basis}; " if r.latest_source == "national" else f": latest {latest} ({basis}); "
        items.append(html.Li([
            html.Strong(r.title), f"{said}"
            f"target {target} by {r.target_year}; ",
            html.Span(STATUS_LABELS.get(r.status, r.status), className=f"status status-{r.status}"),
        ]))
    return [html.Ul(items)] if items else [html.P(f"No pledge with data binds {name}.")]


def _gap_summary(pledges: list[Progress], name: str) -> str:
    gaps = fig.money_gaps(pledges)
    if not gaps:
        return f"{name} has no open money gap on the pledges that can be measured."
    return "Money gaps: " + "; ".join(
        f"{r.title}: {m['lcu_million'] / 1000:,.1f}bn {m['currency']} a year in {m['year']}" for r, m in gaps) + "."


def _gap_source(pledges: list[Progress]) -> str:
    pairs = [(r.latest_source, r.latest_edition) for r in pledges
             if r.latest_source is not None and r.latest_edition is not None]
    return source_line(pairs, "Money gap: (target − latest share) × projected GDP in the target year; "
                              "assumptions in the CSV and on the Pledges page.")


def _notes(series: list[ShareSeries]) -> list:
    """SIPRI footnote symbols used for this country, spelled out."""
    from dashboard.model.reconcile import FLAG_REASONS

    tokens = {tok for s in series for flags in s.flags for tok in flags.split()}
    symbols = sorted({ch for tok in tokens for ch in ([tok] if tok in FLAG_REASONS else list(tok))
                      if ch in FLAG_REASONS})
    if not symbols:
        return []
    return [html.H2("Footnotes", className="small"), html.Ul([html.Li(f"{s} {FLAG_REASONS[s]}") for s in symbols])]
