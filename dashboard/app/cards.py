"""Chart cards: which chart each card draws, and the one set of callbacks behind every card's downloads.

A page declares a card (``components.chart_card("country-share", …)``); this module knows
the rest. ``CARDS`` maps each card (its id prefix) to its registry chart
(``dashboard.charts``) and the name its downloads are saved under. Every card's buttons
carry the card in their ids, and three pattern-matching callbacks serve them all:

- **Download data (CSV)**: ``card_csv`` — the registry's CSV of the chart as the page's URL
  sets it (the same as ``/data/<chart>.csv`` and ``export <chart> --format csv``), its
  source line first; a URL the chart cannot draw (NATO in 1990) gives one line saying why.
- **Download PNG / SVG**: ``image`` — the print-styled figure (title, subtitle with unit and
  basis, footer with source, edition and date: ``charts.publication_figure``, the export's
  own), which the browser renders with plotly.js (``assets/images.js``) at the export's size.
- **Share** and **Embed** need no callback (``embed.controls``).

The page's URL holds its whole view (each page writes its controls into it), so the
callbacks read the router's location, not each page's controls. A card's chart as a URL
sets it (``card_view``) is also what its picture in the static copy, its embed view and
its page's social card show.

Tables that are not charts (the Countries list, the pledge tracker, the nowcast backtest)
have their CSV from ``TABLES``: their rows follow the grid's own sort and filters, which
only the grid knows, so each is one registration of the same function with its grid's rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs

from dash import ALL, MATCH, ClientsideFunction, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import charts
from dashboard.app import dash_internals
from dashboard.app.dash_internals import PAGES_LOCATION
from dashboard.app.html_types import Attrs
from dashboard.errors import DashboardError
from dashboard.views import ViewError, data
from dashboard.views.compare import INDICATORS
from dashboard.views.labels import source_line
from dashboard.views.specs import (
    BudgetsView,
    CompareView,
    CountriesView,
    CountryView,
    OverviewView,
    PledgesView,
    ScenariosView,
    SourcesView,
    UkraineView,
)
from dashboard.views.tabular import comment_line

Params = dict[str, str]  # a chart's validated parameters, as text


@dataclass(frozen=True)
class Card:
    """A chart card: the registry chart it draws, and the file name (no extension) of its downloads."""

    chart: str
    filename: Callable[[Params], str]


def _named(name: str) -> Callable[[Params], str]:
    return lambda p: name


def _compare_name(p: Params) -> str:
    base = p.get("base", "off")
    indexed = INDICATORS[p["indicator"]].indexable and base != "off"
    return f"compare-{p['indicator']}-{p['source']}" + (f"-index-{base}" if indexed else "")


# Card prefix → chart and download name. The names are made from validated values only
# (codes, years, choices), never from free text a URL carried.
CARDS: dict[str, Card] = {
    "overview-map": Card("map", lambda p: f"share-of-gdp-{p['source']}-{p['year']}"),
    "overview-ranking": Card("ranking", lambda p: f"share-of-gdp-ranking-{p['source']}-{p['year']}"),
    "overview-allies": Card("allies-at-target", _named("nato-allies-at-target")),
    "country-share": Card("country-share", lambda p: f"{p['country']}-share-of-gdp"),
    "country-gap": Card("money-gap", lambda p: f"{p['country']}-money-gap"),
    "country-spend": Card("spending", lambda p: f"{p['country']}-spending-{p['measure']}"),
    "country-ukraine": Card("ukraine-donor", lambda p: f"{p['country']}-support-to-ukraine"),
    "pledges-chart": Card("pledge-status", _named("alliance-pledge-status")),
    "scenarios-chart": Card("scenario", lambda p: f"scenario-{p['group']}-{p['target']}pct-{p['year']}"),
    "compare-chart": Card("compare", _compare_name),
    "sources-reconcile": Card("reconcile", lambda p: f"{p['country']}-{p['year']}-share-by-source"),
    "sources-revisions": Card("revisions", lambda p: f"{p['country']}-{p['source']}-share-of-gdp-by-edition"),
    "ukraine-regions": Card("ukraine-regions", lambda p: f"ukraine-{p['aid']}-aid-by-region-per-{p['by']}"),
    "ukraine-donors": Card("ukraine-donors", lambda p: f"ukraine-donors-{p['aid']}-{p['measure']}-{p['period']}"),
    "ukraine-sourcing": Card("ukraine-sourcing", _named("ukraine-military-aid-sourcing")),
    "ukraine-weapons": Card("ukraine-weapons", _named("ukraine-heavy-weapons")),
    "ukraine-promised": Card("ukraine-promised", _named("ukraine-promised-and-delivered")),
    "budgets-chart": Card("budgets", lambda p: f"defence-budgets-{p['group']}-{p['from']}-{p['to']}"),
}
# Card prefix → chart name: what the pictures, embeds and social cards look up.
CARD_CHARTS: dict[str, str] = {prefix: card.chart for prefix, card in CARDS.items()}
FORMATS = ("png", "svg")
MAX_SEARCH = 500   # characters of a page's query string looked at
CSV_TYPE = "text/csv"

# The ids of a card's download controls; "card" is the card's prefix.
CSV_BUTTON, CSV_FILE = "csv-button", "csv-file"
IMAGE_BUTTON, IMAGE_STORE, IMAGE_DONE = "image-button", "image-store", "image-done"
TABLE_BUTTON = "-csv-button"   # a table's button: its name + this (its download: its name + "-csv")


def graph_config(filename: str) -> dcc.Graph.Config:
    """Modebar without plotly's logo, selection tools or camera; maps' outlines from the site.

    The card's PNG/SVG buttons export the print-styled chart (title, footer); the modebar
    camera would save the bare on-screen figure, so it is removed.
    """
    return {
        "displaylogo": False,
        "responsive": True,
        "topojsonURL": "/assets/topojson/",
        "modeBarButtonsToRemove": ["lasso2d", "select2d", "toImage"],
    }


def buttons(prefix: str) -> list:
    """A card's download controls: the CSV button and its download, then (for a chart in the
    registry) the PNG/SVG buttons with their store and a live region that says when one is done."""
    csv = [html.Button("Download data (CSV)", id={"type": CSV_BUTTON, "card": prefix}, className="button",
                       n_clicks=0, type="button"),
           dcc.Download(id={"type": CSV_FILE, "card": prefix})]
    if prefix not in CARDS:
        return csv
    return [
        *csv,
        *(html.Button(f"Download {fmt.upper()}", id={"type": IMAGE_BUTTON, "card": prefix, "format": fmt},
                      className="button", n_clicks=0, type="button") for fmt in FORMATS),
        dcc.Store(id={"type": IMAGE_STORE, "card": prefix}),
        html.Span(id={"type": IMAGE_DONE, "card": prefix}, className="visually-hidden",
                  **Attrs({"aria-live": "polite"})),
    ]


def table_download(name: str, label: str = "Download table (CSV)") -> list:
    """A table's CSV button and its download (``TABLES[name]`` makes the file)."""
    return [html.Button(label, id=f"{name}{TABLE_BUTTON}", className="button", n_clicks=0, type="button"),
            dcc.Download(id=f"{name}-csv")]


def query_values(search: object) -> Params:
    """The first value of each parameter in a page's query string (at most ``MAX_SEARCH`` characters)."""
    query = search[1:] if isinstance(search, str) and search.startswith("?") and len(search) <= MAX_SEARCH else ""
    return {k: v[0] for k, v in parse_qs(query).items() if v}


def url_params(chart: str, pathname: object, search: object) -> Params:
    """The chart's parameters the page's URL holds (country from /country/<ISO3>)."""
    return charts.params_from_query(chart, query_values(search), pathname if isinstance(pathname, str) else None)


# Page module → its View spec (``views.specs``): how the page reads its URL (the country page's
# spec, which also takes the path's code, is read on its own below).
PAGE_SPECS: dict[str, type[OverviewView | PledgesView | CompareView | ScenariosView | SourcesView | UkraineView]] = {
    "overview": OverviewView, "pledges": PledgesView, "compare": CompareView, "scenarios": ScenariosView,
    "sources": SourcesView, "ukraine": UkraineView}


def page_query(pathname: object, search: object) -> Params:
    """The page's URL parameters as the page itself reads them: each bad or missing value
    replaced by the default the page shows (its View spec's own parse, then its query)."""
    raw = query_values(search)
    page = page_name(pathname) if isinstance(pathname, str) else None
    app = data.get()
    if page == "country":
        view = CountryView.parse(raw, app, str(pathname).rsplit("/", 1)[-1])
        if view is None:   # not a country in the data: the page is a 404, the chart says so
            return raw
        canonical = view.query().partition("?")[2]
    elif page in PAGE_SPECS:
        canonical = PAGE_SPECS[page].parse(raw, app).query().lstrip("?")
    else:
        return raw
    return {k: v[0] for k, v in parse_qs(canonical).items() if v}


def register(app: Any) -> None:
    """Add the cards' and tables' download callbacks to ``app`` (per app, not at import: a
    second app built in the same process — the tests, the benchmarks — gets them too)."""
    location = (State(PAGES_LOCATION, "pathname"), State(PAGES_LOCATION, "search"))
    app.callback(Output({"type": CSV_FILE, "card": MATCH}, "data"),
                 Input({"type": CSV_BUTTON, "card": MATCH}, "n_clicks"),
                 *location, prevent_initial_call=True)(csv)
    app.callback(Output({"type": IMAGE_STORE, "card": MATCH}, "data"),
                 Input({"type": IMAGE_BUTTON, "card": MATCH, "format": ALL}, "n_clicks"),
                 *location, prevent_initial_call=True)(image)
    app.clientside_callback(
        ClientsideFunction(namespace="images", function_name="download"),
        Output({"type": IMAGE_DONE, "card": MATCH}, "children"),
        Input({"type": IMAGE_STORE, "card": MATCH}, "data"),
        prevent_initial_call=True,
    )
    for name, spec in TABLES.items():
        grid = [State(spec.grid, "virtualRowData")] if spec.grid else []
        app.callback(Output(f"{name}-csv", "data"), Input(f"{name}{TABLE_BUTTON}", "n_clicks"),
                     State(PAGES_LOCATION, "search"), *grid, prevent_initial_call=True)(table)


# ---- CSV ---------------------------------------------------------------------------------------

def csv(clicks: object, pathname: object, search: object) -> dict:
    """The clicked card's CSV (the callback; ``card_csv`` does the work)."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or trigger.get("card") not in CARDS or not (isinstance(clicks, int) and clicks):
        raise PreventUpdate
    return card_csv(trigger["card"], pathname, search)


def card_csv(card: str, pathname: object, search: object) -> dict:
    """dcc.Download payload of ``card``'s data as the page shows it (its URL read as the page
    reads it): the registry's CSV, its source line first; a view the page can show but the
    chart cannot draw (NATO in 1990) gives one line saying why, never another view's rows."""
    spec = CARDS[card]
    path = pathname if isinstance(pathname, str) else None
    params = charts.params_from_query(spec.chart, page_query(pathname, search), path)
    try:
        resolved = charts.resolve(data.get(), spec.chart, params)
    except ViewError as exc:
        return {"content": comment_line(f"No figures: {exc}.") + "\n", "filename": f"{spec.chart}.csv",
                "type": CSV_TYPE}
    return {"content": charts.csv_text(resolved), "filename": f"{spec.filename(_as_text(resolved))}.csv",
            "type": CSV_TYPE}


def _as_text(resolved: charts.Resolved) -> Params:
    kinds = {p.name: p.kind for p in resolved.chart.params}
    return {k: charts.text(v, kinds[k]) for k, v in resolved.params.items()}


# ---- PNG and SVG -------------------------------------------------------------------------------

def image(clicks: list, pathname: object, search: object) -> dict:
    """The print-styled figure for the clicked card and format."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or trigger.get("card") not in CARDS \
            or trigger.get("format") not in FORMATS or not any(isinstance(c, int) and c > 0 for c in clicks or []):
        raise PreventUpdate
    chart = CARDS[trigger["card"]].chart
    params = url_params(chart, pathname, search)
    # A stale or odd URL parameter: keep the page's country if possible, else the chart's
    # defaults — a download never fails and never silently swaps the country shown.
    fallbacks = [params, {k: v for k, v in params.items() if k == "country"}, {}]
    for attempt in fallbacks:
        try:
            figure = _figure(id(data.get()), chart, tuple(sorted(attempt.items())), dt.date.today())
        except (DashboardError, ValueError, KeyError, TypeError):
            continue
        params = attempt
        break
    else:
        raise PreventUpdate
    ordered = sorted(params.items(), key=lambda kv: kv[0] != "country")  # the country first
    suffix = "-".join(v for _, v in ordered if isinstance(v, str) and v.isalnum())
    return {"figure": figure, "format": trigger["format"], "filename": f"{chart}{'-' + suffix if suffix else ''}"}


@lru_cache(maxsize=256)
def _figure(app_id: int, chart: str, params: tuple[tuple[str, str], ...], day: dt.date) -> dict:
    """The print-styled figure, memoised per chart, parameters and day (the footer's date)."""
    return charts.publication_figure(data.get(), chart, dict(params), day)


# ---- a card's chart as a page's URL sets it ----------------------------------------------------

@dataclass(frozen=True)
class CardView:
    """A chart card's chart as a page URL sets it: the registry chart, its parameters, what it draws."""

    card: str
    chart: str
    params: Params   # every parameter, as text (the canonical form: one URL per view)
    built: charts.Built


def page_name(pathname: str) -> str | None:
    """The page module a path routes to (``country`` for /country/GBR), None for no page."""
    page, _ = dash_internals.path_to_page(pathname)
    module = page.get("module")
    return str(module).rsplit(".", 1)[-1] if module else None


def card_view(card: str, pathname: str, search: str = "") -> CardView | None:
    """Chart card ``card`` as the page at ``pathname``/``search`` shows it (memoised per day):
    what its picture in the static copy, its embed view and its page's social card draw.

    A stale or odd URL parameter falls back to the chart's defaults, keeping the page's
    country; a country the chart cannot draw gives None (never another country's chart).
    """
    if card not in CARDS:
        return None
    search = search if len(search) <= MAX_SEARCH else ""
    return _card_view(data.get().content_id, card, pathname, search.lstrip("?"), dt.date.today())


@lru_cache(maxsize=128)
def _card_view(content: str, card: str, pathname: str, query: str, day: dt.date) -> CardView | None:
    """``content`` and ``day`` key the memo only: another snapshot, or a new day (pledge statuses)."""
    chart = CARDS[card].chart
    given = charts.params_from_query(chart, {k: v[0] for k, v in parse_qs(query).items() if v}, pathname)
    attempts = [given, {k: v for k, v in given.items() if k == "country"}]
    if "country" not in given:
        attempts.append({})
    for attempt in attempts:
        try:
            resolved = charts.resolve(data.get(), chart, attempt)
        except (DashboardError, ValueError, KeyError, TypeError):
            continue
        params = {k: v for k, v in _as_text(resolved).items() if v != ""}
        return CardView(card, chart, params, resolved.built)
    return None


# ---- tables ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Table:
    """A table's CSV: the grid whose shown rows it follows (None: no grid), and how it is made
    from the page's query parameters and those rows."""

    grid: str | None
    make: Callable[[Params, object], tuple[str, str]]   # (query, grid rows or None) → (content, file name)


def _countries(query: Params, shown: object) -> tuple[str, str]:
    """The Countries list: the rows shown (the grid's own sort and column filters when known)."""
    countries = data.get().country_list
    keep = countries.shown_positions(shown) if isinstance(shown, list) else \
        countries.matching(CountriesView.parse(query).q)
    return countries.csv(keep), "countries.csv"


def _pledges(query: Params, shown: object) -> tuple[str, str]:
    """The pledge tracker: the rows shown (the grid's order), else the rows its filters keep."""
    app = data.get()
    tracker = app.tracker
    if isinstance(shown, list) and all(isinstance(r, dict) for r in shown):
        keep = tracker.shown_positions(shown)
    else:
        view = PledgesView.parse(query, app)
        keep = tracker.matching(view.status, view.actor, view.q, view.country)
    source = source_line(tracker.source_pairs(keep), "Pledges: data/pledges.yaml; model: dashboard.model.")
    return tracker.csv(keep, source), "pledges.csv"


def _budgets(query: Params, shown: object) -> tuple[str, str]:
    """The Budgets list: the rows shown (the grid's own sort and filters when known)."""
    budgets = data.get().budget_list
    keep = budgets.shown_positions(shown) if isinstance(shown, list) else budgets.matching(BudgetsView.parse(query).q)
    return budgets.csv(keep), "defence-budgets.csv"


def _backtest(query: Params, shown: object) -> tuple[str, str]:
    """The nowcast's backtest table, its source line first."""
    return data.get().sources.backtest_csv(), "nowcast-backtest.csv"


# Table name (its buttons' id prefix) → how its CSV is made.
TABLES: dict[str, Table] = {
    "countries": Table("countries-grid", _countries),
    "pledges-table": Table("pledges-grid", _pledges),
    "sources-backtest": Table(None, _backtest),
    "budgets": Table("budgets-grid", _budgets),
}


def table(clicks: object, search: object, shown: object = None) -> dict:
    """The clicked table's CSV (the callback of every table's button; ``table_csv`` does the work)."""
    trigger = ctx.triggered_id
    name = trigger[:-len(TABLE_BUTTON)] if isinstance(trigger, str) and trigger.endswith(TABLE_BUTTON) else ""
    if name not in TABLES:
        raise PreventUpdate
    return table_csv(name, clicks, search, shown)


def table_csv(name: str, clicks: object, search: object, shown: object = None) -> dict:
    """dcc.Download payload of table ``name`` with the page's query and the grid's rows ``shown``."""
    if not (isinstance(clicks, int) and clicks):
        raise PreventUpdate
    content, filename = TABLES[name].make(query_values(search), shown)
    return {"content": content, "filename": filename, "type": CSV_TYPE}
