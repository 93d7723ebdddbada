"""Sources page (/sources): every source and edition, sources side by side, editions side by side.

The state is ``views.specs.SourcesView``; the reconciliations and revisions are
``views.sources`` (memoised per process).
"""

from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, callback, dcc, html

from dashboard.app import cards
from dashboard.app.components import (
    CELL_STYLE,
    FIELD_STYLE,
    SCROLL_STYLE,
    TABLE_STYLE,
    chart_card,
    data_age,
    deferred,
)
from dashboard.app.html_types import Attrs, Children
from dashboard.app.server import dataset_routes
from dashboard.editions import edition_short
from dashboard.figures import sources as fig
from dashboard.schema import SOURCE_LABELS
from dashboard.views import ages, data, dataset
from dashboard.views.labels import join_or
from dashboard.views.sources import OVERALL, package_rows, reconcile_table_rows
from dashboard.views.specs import SourcesView

dash.register_page(__name__, path="/sources", name="Sources", title="Sources and editions — defence spending")

REVISION_SOURCES = SourcesView.REVISION_SOURCES


def view(country: object = None, year: object = None, revisions: object = None) -> SourcesView:
    """The page's state from URL parameters or control values (``views.specs.SourcesView``)."""
    return SourcesView.parse({"country": country, "year": year, "revisions": revisions}, data.get())


PUBLISHER = "sources-publisher"  # the revisions' publisher dropdown


def layout(**params: object) -> html.Div:
    """The page for ``?country=GBR&year=2023&revisions=sipri``; bad values fall back with a note."""
    app = data.get()
    state = SourcesView.parse(params, app)
    code, year, source = state.country, state.year, state.revisions
    low, high = SourcesView.bounds(app)
    return html.Div([
        dcc.Location(id="sources-url", refresh=False),
        html.H1("Sources and editions"),
        html.P("Where every number comes from, how the publishers differ, and how each new edition "
               "revised the figures before it."),
        data_age("sources", ages.sources_pairs(app)),
        html.Div(_param_notice(params, code, year), id="sources-notice", role="status"),
        _package_card(app.package),
        _dataset_card(),
        html.Div([
            html.Div([
                html.Label("Country", htmlFor="sources-country"),
                dcc.Dropdown(id="sources-country", value=code, clearable=False, searchable=True,
                             options=[{"label": app.name(c), "value": c} for c in app.country_codes]),
            ], style=FIELD_STYLE),
            html.Div([
                html.Label("Year (sources side by side)", htmlFor="sources-year"),
                dcc.Input(id="sources-year", type="number", min=low, max=high, step=1, value=year,
                          debounce=True, style={"width": "7em"}),
            ], style=FIELD_STYLE),
            html.Div([
                # not "sources-revisions-source": that is the revisions card's source line
                html.Label("Publisher (editions side by side)", htmlFor=PUBLISHER),
                dcc.Dropdown(id=PUBLISHER, value=source, clearable=False, searchable=False,
                             options=[{"label": SOURCE_LABELS[s], "value": s} for s in REVISION_SOURCES]),
            ], style=FIELD_STYLE),
        ], className="controls"),
        chart_card("sources-reconcile", "Share of GDP by source", "reconcile", height=380),
        html.Section([
            html.H2("Differences to NATO, and why", id="sources-reasons-title"),
            html.Div(id="sources-reconcile-table", className="table-scroll", style=SCROLL_STYLE),
        ], className="card", **Attrs({"aria-labelledby": "sources-reasons-title"})),
        chart_card("sources-revisions", "Revisions between editions", "revisions", height=460, defer=True),
        _backtest_card(),
    ])


@callback(
    Output("sources-reconcile-graph", "figure"),
    Output("sources-reconcile-summary", "children"),
    Output("sources-reconcile-source", "children"),
    Output("sources-reconcile-title", "children"),
    Output("sources-reconcile-table", "children"),
    Input("sources-country", "value"),
    Input("sources-year", "value"),
)
def update_reconcile(country: object, year: object):
    """Every source's share for the country-year, the differences to NATO and their reasons."""
    app = data.get()
    state = view(country, year)
    code, year = state.country, state.year
    frame = app.sources.reconcile(code, year)
    name = app.name(code)
    return (fig.reconcile_figure(frame, name, year), fig.reconcile_summary(frame, name, year),
            fig.reconcile_source(frame), f"Share of GDP by source: {name}, {year}",
            _reconcile_table(reconcile_table_rows(frame), name, year))


@callback(
    deferred("sources-revisions"),
    Output("sources-revisions-summary", "children"),
    Output("sources-revisions-source", "children"),
    Output("sources-revisions-title", "children"),
    Input("sources-country", "value"),
    Input(PUBLISHER, "value"),
)
def update_revisions(country: object, source: object):
    """The country's share of GDP from every edition of the publisher, with the revision."""
    state = view(country, revisions=source)
    return revisions_output(state.revisions, state.country)


def revisions_output(source: str, iso3: str) -> tuple[dict, str, str, str]:
    """(figure, summary, source line, title) of the revision view."""
    revs = data.get().sources.revisions(source, iso3)
    name = data.get().name(iso3)
    return (fig.revisions_figure(revs, name), fig.revisions_summary(revs, name), fig.revisions_source(revs),
            f"Revisions between {SOURCE_LABELS[source]} editions: {name}")


@callback(
    Output("sources-url", "search"),
    Input("sources-country", "value"),
    Input("sources-year", "value"),
    Input(PUBLISHER, "value"),
    prevent_initial_call=True,
)
def sync_url(country: object, year: object, source: object) -> str:
    """The view as a shareable query string (back button works)."""
    return view(country, year, source).query()


def _backtest_card() -> html.Section:
    """The nowcast's backtest: errors per country and overall against two baselines, and why it matters."""
    app = data.get()
    table = app.sources.backtest_table
    if table.empty or int(table["n"].iloc[-1]) == 0:
        return html.Section([html.H2("The nowcast's backtest", id="sources-backtest-title"),
                             html.P("No year in this snapshot is covered by NATO and a fresher source both: "
                                    "no backtest, and so no nowcast.")],
                            className="card", **Attrs({"aria-labelledby": "sources-backtest-title"}))
    inputs = app.sources.backtest_inputs
    nato, freshers = inputs[0], inputs[1:]
    fresher_label = join_or([SOURCE_LABELS.get(s, s) for s, _ in freshers])
    overall = table.iloc[-1]
    beats = int(table["beats_carry_forward"].iloc[:-1].sum())
    casts = [c for cs in app.nowcasts.values() for c in cs]
    year = min((c.year for c in casts), default=None)
    last = max((c.year for c in casts), default=None)
    years = f"{year}" if year == last else f"{year} and {last}"
    explain = [
        html.P(f"The {years} figures marked “nowcast” on the Overview and Country pages are this dashboard's "
               f"estimate of NATO's share of GDP, not NATO's: NATO's latest figure ({edition_short(*nato)} "
               f"edition) moved by a fresher measure of the country's defence spending — its growth over "
               f"nominal GDP growth: {_fresher_words(freshers)}. Only the change is borrowed: these count "
               "defence differently from NATO (COFOG 02 leaves out military pensions and some items NATO "
               "counts; a national budget is the government's own definition)."
               if year else "No nowcast can be made from this snapshot."),
        html.P(f"To see how good the method is, every year NATO and {fresher_label} both cover "
               f"({overall['years']}) was nowcast the same way from the years before, and compared with "
               "NATO's published value; so were two simple baselines: carry NATO's last value forward, and "
               "extend its last one-year change. Errors (MAE, the mean absolute error) are in percentage points "
               "of GDP; bias is the average of nowcast − NATO (positive: too high); coverage is the share of "
               "NATO's values inside the nowcast's 90 % interval (each country's interval comes from the other "
               "countries' errors)."),
        html.P(f"Overall the method's error is {overall['mae_method_pp']:.2f} points against "
               f"{overall['mae_carry_forward_pp']:.2f} for carry-forward; it beat carry-forward for {beats} "
               f"of {len(table) - 1} countries. Where it did not, the Country page says so and no pledge "
               "status rests on the nowcast." + _without_nowcast(table, year)),
    ]
    head = ["Country", "MAE: nowcast", "MAE: carry-forward", "MAE: trend", "Bias: nowcast",
            "Coverage (90 % interval)", "Beats carry-forward", "Newest nowcast"]
    rows = [_backtest_tr(r) for r in table.to_dict("records")]
    return html.Section([
        html.H2("How good is the nowcast? Its backtest", id="sources-backtest-title"),
        *explain,
        html.Div(html.Table([
            # short and left-aligned: on a phone the table scrolls sideways and a long centred
            # caption would be cut off
            html.Caption(f"Backtest {overall['years']}, percentage points of GDP", style={"textAlign": "left"}),
            html.Thead(html.Tr([_th(h, scope="col") for h in head])),
            html.Tbody(rows[:-1]), html.Tfoot(rows[-1:]),
        ], className="data-table", style=TABLE_STYLE), className="table-scroll", style=SCROLL_STYLE),
        html.P(app.sources.backtest_source, className="source-line"),
        html.Div(cards.table_download("sources-backtest"), className="downloads"),
    ], id="backtest", className="card", **Attrs({"aria-labelledby": "sources-backtest-title"}))


def _fresher_words(freshers: list[tuple[str, str]]) -> str:
    """``Eurostat's outturn (April 2026 edition), else the government's published budget (…)``."""
    words = []
    for source, edition in freshers:
        if source == "national":
            words.append(f"the government's published budget (data/budgets.yaml, reviewed {edition})")
        else:
            words.append(f"{SOURCE_LABELS.get(source, source)}'s outturn ({edition_short(source, edition)} edition)")
    return ", else ".join(words)


def _without_nowcast(table: pd.DataFrame, year: int | None) -> str:
    """" Netherlands, Spain: in the backtest … but no nowcast …" ("" when every country has one)."""
    rows = table.iloc[:-1]
    names = rows.loc[rows["nowcast_year"].isna(), "country"].tolist()
    if not names or year is None:
        return ""
    return (f" {', '.join(names)}: in the backtest (a fresher source has their earlier years) but no "
            "nowcast (no fresher figure for a year after NATO's latest).")


def _backtest_tr(r: dict) -> html.Tr:
    """One row of the backtest table (the overall row in bold; "—": no figure to show)."""
    def number(value: object, text: str) -> str:
        return "—" if value is None or value != value else text.format(value)  # None or NaN

    overall = r["iso3"] == OVERALL
    cells = [
        _th(html.Strong(r["country"]) if overall else r["country"], scope="row"),
        *(_td(number(r[k], "{:.3f}"), num=True) for k in ("mae_method_pp", "mae_carry_forward_pp", "mae_trend_pp")),
        _td(number(r["bias_method_pp"], "{:+.3f}"), num=True),
        _td(number(r["coverage"], "{:.0%}"), num=True),
        _td("yes" if r["beats_carry_forward"] else "no"),
        # a backtested country without a nowcast: no outturn for the nowcast year
        _td("" if overall else number(r["nowcast_pct"], "{:.2f}%").replace("—", "none"), num=True),
    ]
    return html.Tr(cells, style={"fontWeight": 600} if overall else None)


def _dataset_card() -> html.Section:
    """The whole table for download: CSV or parquet, each zipped with datapackage.json (dataset_routes)."""
    app = data.get()
    files = dataset_routes.files(app)
    day = dataset.snapshot_date(app.package)
    built = f"Snapshot of {day.day} {day:%B %Y} (newest file retrieved), content id {app.content_id[:8]}. " if day else ""
    return html.Section([
        html.H2("The whole dataset", id="sources-dataset-title"),
        html.P(f"All {files[0].rows:,} rows behind this site: one row per source, edition, country, year, month, "
               "indicator and price base, each with its unit, estimate mark and the publisher's footnote flags; "
               "with datapackage.json (the schema, units, and each source's address, edition, licence, citation "
               "and file hash)."),
        html.Ul([html.Li(html.A(f"Download {f.label}", href=f.url, download=f.filename, className="button"))
                 for f in files], className="dataset-files"),
        html.P([built, "Each publisher's licence applies (above); cite the publisher. Filtered rows by URL: ",
                html.Code("/data/observations.csv?iso3=GBR&indicator=milex_share_gdp"),
                " (or ", html.Code("defence-dashboard data"), ")."], className="hint"),
    ], id="dataset", className="card", **Attrs({"aria-labelledby": "sources-dataset-title"}))


def _package_card(package: dict) -> html.Section:
    """Every source file in the snapshot, with hash, rows, years, retrieval date and licence."""
    rows = package_rows(package)
    head = ["Publisher", "Edition", "File", "SHA-256 (first 12)", "Rows", "Years", "Retrieved", "Licence"]
    body = [html.Tr([
        _th(r["publisher"], scope="row"), _td(r["edition"], nowrap=True),
        _td(html.A(r["file"], href=r["url"]) if r["url"] else r["file"]),
        _td(html.Code(r["sha256"])), _td(f"{r['rows']:,}" if r["rows"] else "", num=True),
        _td(r["years"], nowrap=True), _td(r["retrieved"], nowrap=True), _td(r["licence"]),
    ]) for r in rows]
    citations = list(dict.fromkeys((r["publisher"], r["title"], r["citation"]) for r in rows))
    return html.Section([
        html.H2("Every source and edition in this snapshot", id="sources-package-title"),
        html.Div(html.Table([
            html.Caption("Source files behind every figure on this site; the hash identifies the exact file."),
            html.Thead(html.Tr([_th(h, scope="col") for h in head])), html.Tbody(body),
        ], className="data-table", style=TABLE_STYLE), className="table-scroll", style=SCROLL_STYLE),
        html.H3("How to cite", style={"fontSize": "1rem"}),
        # citations carry long URLs: let them break anywhere rather than widen a phone's page
        html.Ul([html.Li([html.Strong(f"{pub}: "), f"{title}. {cite}"]) for pub, title, cite in citations],
                style={"overflowWrap": "anywhere"}),
    ], className="card", **Attrs({"aria-labelledby": "sources-package-title"}))


def _reconcile_table(rows: list[dict], name: str, year: int) -> html.Table | html.P:
    """Share, difference to NATO, spending and reasons, per source."""
    if not rows:
        return html.P(f"No source publishes a share of GDP for {name} in {year}.")
    head = ["Source (edition)", "Share of GDP", "Difference to NATO", "Spending, US$ (current)", "Why it differs"]
    body = []
    for r in rows:
        diff = r["difference_vs_nato_pp"]
        spend = r["spending_usd_million"]
        body.append(html.Tr([
            _th(f"{r['label']} ({r['edition']})", scope="row"),
            _td(f"{r['share_pct']:.2f}%" + (" (estimate)" if r["estimate"] else ""), num=True),
            _td("—" if diff is None else ("reference" if r["source"] == "nato" else f"{diff:+.2f} points"),
                    num=True),
            _td("—" if spend is None else f"{spend / 1000:,.1f}bn", num=True),
            _td(html.Ul([html.Li(x) for x in r["reasons"]], style={"margin": 0, "paddingLeft": "1.1em"})),
        ]))
    nato = "" if any(r["source"] == "nato" for r in rows) else f" NATO publishes no figure for {name} in {year}."
    return html.Table([
        html.Caption(f"{name}, {year}: each source's latest edition.{nato}"),
        html.Thead(html.Tr([_th(h, scope="col") for h in head])), html.Tbody(body),
    ], className="data-table", style=TABLE_STYLE)


def _param_notice(params: dict, code: str, year: int) -> list:
    """Say when the link's country or year was not usable (echoing at most a few characters)."""
    notes = []
    raw = params.get("country")
    if raw not in (None, "") and code != str(raw).strip().upper():
        notes.append(f"There is no country “{str(raw)[:12]}” in the data: showing {data.get().name(code)}.")
    raw_year = params.get("year")
    if raw_year not in (None, "") and str(raw_year).strip() != str(year):
        low, high = SourcesView.bounds(data.get())
        notes.append(f"“{str(raw_year)[:12]}” is not a year from {low} to {high}: showing {year}.")
    return [html.P(n, className="notice") for n in notes]



def _th(children: Children, scope: str = "col") -> html.Th:
    return html.Th(children, scope=scope, style={**CELL_STYLE, "borderBottom": "2px solid #bbb"}
                   if scope == "col" else CELL_STYLE)


def _td(children: Children, num: bool = False, nowrap: bool = False) -> html.Td:
    style = {**CELL_STYLE, "textAlign": "right" if num else "left"}
    if num or nowrap:
        style["whiteSpace"] = "nowrap"
    return html.Td(children, style=style)
