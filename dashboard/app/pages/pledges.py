"""Pledges page (/pledges): every pledge × country in a sortable, filterable table.

State in the URL: ``?status=off_track&actor=NATO&country=GBR&q=poland``; bad values fall back
to "all". Rows come in reading order: headline pledges, then deadlines to come, then past ones.
The grid's rows and look-ups are built once per process (``dashboard.views.pledges.Tracker``);
callbacks only filter them.
"""

from __future__ import annotations

import dash
import dash_ag_grid as dag
from dash import Input, Output, callback, dcc, html

from dashboard.app import cards
from dashboard.app.components import DROPDOWN_BOX, chart_card, data_age, deferred
from dashboard.app.html_types import Attrs
from dashboard.app.static_copy import grid_copy
from dashboard.figures import pledges as fig
from dashboard.model import STATUSES
from dashboard.views import ages, data
from dashboard.views.labels import STATUS_LABELS, source_line
from dashboard.views.pledges import ALL, EVERY, HISTORY, HistoryItem, pledge_history
from dashboard.views.specs import PledgesView

dash.register_page(__name__, path="/pledges", name="Pledges", title="Pledge tracker — defence spending")

MAX_QUERY = PledgesView.MAX_QUERY
PROGRESS_BAR = ("params.value == null ? {} : {background: 'linear-gradient(90deg, #cfe3f3 ' + "
                "Math.min(params.value, 100) + '%, transparent ' + Math.min(params.value, 100) + '%)'}")

# Key columns first: at 1,400 px Country through Money gap (Status among them) fit without
# scrolling; provenance, history and definitions follow.
COLUMN_DEFS: list[dict] = [
    {"field": "country_link", "headerName": "Country", "cellRenderer": "markdown", "pinned": "left",
     "minWidth": 140, "width": 150, "tooltipField": "country"},
    {"field": "title", "headerName": "Pledge", "width": 280, "wrapText": True, "autoHeight": True,
     "cellStyle": {"lineHeight": "1.3", "paddingTop": "6px", "paddingBottom": "6px"}, "tooltipField": "id"},
    {"field": "target", "headerName": "Target", "width": 150, "filter": "agNumberColumnFilter",
     "valueFormatter": {"function": "params.data.target_text"}},
    {"field": "target_year", "headerName": "Deadline", "width": 105, "filter": "agNumberColumnFilter",
     "valueFormatter": {"function": "params.data.deadline_text"},
     "headerTooltip": "FY: the fiscal year starting in that year (Japan's FY2025: April 2025 - March 2026); "
                      "'on': a floor from that year on"},
    {"field": "latest_share_pct", "headerName": "Latest", "width": 110, "filter": "agNumberColumnFilter",
     "valueFormatter": {"function": "params.data.latest_text"}, "tooltipField": "latest_from",
     "headerTooltip": "Latest published figure (hover: where it is from); e = estimate"},
    {"field": "status_label", "headerName": "Status", "width": 115, "tooltipField": "status_reason",
     "cellClassRules": {f"status-{s}": f"params.data.status === '{s}'" for s in STATUS_LABELS}},
    {"field": "progress_pct", "headerName": "Progress", "width": 115, "filter": "agNumberColumnFilter",
     "valueFormatter": {"function": "params.value == null ? '—' : Math.round(params.value) + '%'"},
     "cellStyle": {"function": PROGRESS_BAR}, "headerTooltip": "Latest share as a percentage of the target"},
    {"field": "gap_pp", "headerName": "Gap (pp)", "width": 105, "filter": "agNumberColumnFilter",
     "valueFormatter": {"function": "params.value == null ? '—' : (params.value > 0 ? '+' : '') + "
                                    "params.value.toFixed(2)"},
     "headerTooltip": "Target minus latest share, percentage points"},
    {"field": "money_gap_usd_bn", "headerName": "Money gap a year", "width": 230, "filter": "agNumberColumnFilter",
     "valueFormatter": {"function": "params.data.money_gap_text"},
     "headerTooltip": "Extra spending needed in the target year, national currency (sorted by US$)"},
    {"field": "latest_from", "headerName": "Latest from", "width": 200},
    {"field": "latest_age", "headerName": "Figure's age", "width": 190,
     "headerTooltip": "How old the edition behind the latest figure is, from today's date"},
    # one line, full text in the tooltip: a second auto-height column doubles the grid's layout work
    {"field": "history_text", "headerName": "History", "width": 220, "tooltipField": "history_text",
     "headerTooltip": "Whether the pledge replaced an earlier one, or was itself replaced or dropped"},
    {"field": "basis", "headerName": "Basis", "width": 120},
    {"field": "scope", "headerName": "Scope", "width": 95},
    {"field": "source_link", "headerName": "Announcement", "cellRenderer": "markdown", "width": 190,
     "filter": False, "sortable": False},
]


def layout(**params: object) -> html.Div:
    """The pledge tracker; malformed parameters fall back to "all"."""
    status, actor, q, country = read_params(params)
    tracker = data.get().tracker
    keep = tracker.matching(status, actor, q, country)  # the texts the page opens with (its static copy)
    return html.Div([
        dcc.Location(id="pledges-url", refresh=False),
        html.H1("Pledge tracker"),
        html.P("Every defence-spending pledge and every country it binds: the target, the latest published "
               "share with its source and edition, the gap in points and in money, and the status. "
               "Select a country to see its path to each pledge."),
        data_age("pledges", ages.pledges_pairs(data.get())),
        html.Div([
            html.Label("Status", htmlFor="pledges-status"),
            html.Div(dcc.Dropdown(id="pledges-status", value=status, clearable=False, searchable=False,
                                  options=status_options()), style=DROPDOWN_BOX),
            html.Label("Pledged by", htmlFor="pledges-actor"),
            html.Div(dcc.Dropdown(id="pledges-actor", value=actor, clearable=False, options=actor_options()),
                     style=DROPDOWN_BOX),
            html.Label("Country", htmlFor="pledges-country"),
            html.Div(dcc.Dropdown(id="pledges-country", value=country, clearable=False,
                                  options=country_options()), style=DROPDOWN_BOX),
            html.Label("Search", htmlFor="pledges-q"),
            dcc.Input(id="pledges-q", type="search", value=q, debounce=0.4, maxLength=MAX_QUERY,
                      placeholder="country, pledge, status…", style={"width": "14em", "padding": "4px"}),
        ], className="controls"),
        html.Section([
            html.H2("Every pledge and country", id="pledges-table-title"),
            html.P(count_text(len(keep), len(tracker.records), status), id="pledges-count",
                   className="chart-summary", **Attrs({"aria-live": "polite"})),
            # the frame keeps the grid's height before AG Grid's code has loaded (no layout shift)
            html.Div(
                dag.AgGrid(
                    id="pledges-grid", columnDefs=COLUMN_DEFS, rowData=[],
                    defaultColDef={"sortable": True, "filter": True, "resizable": True},
                    getRowId="params.data.key", dangerously_allow_code=False,
                    dashGridOptions={"tooltipShowDelay": 300, "enableCellTextSelection": True,
                                     "ensureDomOrder": True, "animateRows": False},
                    style={"height": "560px", "width": "100%"},
                ),
                style={"minHeight": "560px"},
            ),
            html.P(table_source(tracker.source_pairs(keep)), id="pledges-table-source", className="source-line"),
            html.Div([
                *cards.table_download("pledges-table"),
                html.Span(" The rows shown, with money gaps in national currency, US$ and EUR and the "
                          "assumptions behind them.", className="hint"),
            ], className="downloads"),
        ], className="card", **Attrs({"aria-labelledby": "pledges-table-title"})),
        chart_card("pledges-chart", "Alliance pledges: status across the countries they bind",
                   "alliance-pledge-status", height=450, defer=True),
        history_section(pledge_history(data.get().pledges)),
    ])


def history_section(items: list[HistoryItem]) -> html.Section:
    """How pledges moved: each pledge no longer in force, what replaced it or why it lapsed."""
    entries = []
    for item in items:
        change = (f"replaced on {item.when} by “{item.successor}”" if item.state == "superseded"
                  else f"lapsed on {item.when}")
        entries.append(html.Li([
            html.Strong(item.title), f" — {change}.", f" {item.why}" if item.why else "", " ",
            html.A("Source", href=item.source_url, target="_blank", rel="noopener noreferrer"),
            html.Span(f" ({item.id})", className="hint"),
        ]))
    return html.Section([
        html.H2("How pledges moved", id="pledges-history-title"),
        html.P("Pledges replaced by a later one or dropped without one. They are off the table above by "
               "default; choose “Superseded or lapsed” under Status to see them with their last figures."),
        html.Ul(entries) if entries else html.P("No pledge in the registry has been replaced or dropped."),
    ], className="card", **Attrs({"aria-labelledby": "pledges-history-title"}))


def count_text(shown: int, total: int, status: str) -> str:
    """"Showing 180 of 207 pledge–country rows (pledges in force; …)." — or what to do when none match."""
    if not shown:
        return f"No pledge matches these filters (of {total} rows). Clear the search or choose “All”."
    if shown == total:
        return f"Showing all {total} pledge–country rows."
    return (f"Showing {shown} of {total} pledge–country rows"
            + (" (pledges in force; superseded and lapsed ones under Status)." if status == ALL else "."))


def table_source(pairs: list) -> str:
    """The table's source line: the editions behind the rows shown."""
    return source_line(pairs, "Status: met, on track (recent rise fast enough), off track, no data; "
                              "hover a status for the reason.")


def copy_rows(params: dict) -> list[dict]:
    """The rows the grid shows first for the URL's parameters (for the page's static copy)."""
    tracker = data.get().tracker
    return [tracker.records[i] for i in tracker.matching(*read_params(params))]


grid_copy.ROW_SOURCES["pledges-grid"] = copy_rows


def read_params(params: dict) -> tuple[str, str, str, str]:
    """(status, actor, quick-filter text, country) from URL parameters or controls
    (``views.specs.PledgesView``)."""
    view = PledgesView.parse(params, data.get())
    return view.status, view.actor, view.q, view.country


def country_options() -> list[dict]:
    """Every country a pledge binds, by name, after the groups (their countries together)."""
    app = data.get()
    regions = app.tracker.regions
    return ([{"label": "Every country", "value": ALL}]
            + [{"label": f"{app.groups[g].name}: {len(regions[g])} countries", "value": g}
               for g in sorted(regions, key=lambda g: app.groups[g].name)]
            + [{"label": app.name(c), "value": c} for c in app.tracker.countries])


def status_options() -> list[dict]:
    """Pledges in force by status, then the history (superseded or lapsed), then everything."""
    return ([{"label": "All current pledges", "value": ALL}]
            + [{"label": STATUS_LABELS[s], "value": s} for s in STATUSES]
            + [{"label": "Superseded or lapsed", "value": HISTORY},
               {"label": "Every pledge, current and past", "value": EVERY}])


def actor_options() -> list[dict]:
    """Groups first (by their name), then countries by name."""
    app = data.get()
    groups = [a for a in actors() if a in app.groups]
    nations = sorted((a for a in actors() if a not in app.groups), key=app.name)
    return ([{"label": "Everyone", "value": ALL}]
            + [{"label": f"{app.groups[g].name} (alliance)", "value": g} for g in groups]
            + [{"label": app.name(a), "value": a} for a in nations])


def actors() -> tuple[str, ...]:
    """Every pledge maker in the registry (groups and countries)."""
    return data.get().tracker.actors


@callback(
    Output("pledges-grid", "rowData"),
    Output("pledges-count", "children"),
    Output("pledges-table-source", "children"),
    deferred("pledges-chart"),
    Output("pledges-chart-summary", "children"),
    Output("pledges-chart-source", "children"),
    Input("pledges-status", "value"),
    Input("pledges-actor", "value"),
    Input("pledges-q", "value"),
    Input("pledges-country", "value"),
)
def update_pledges(status: object, actor: object, q: object, country: object = ALL):
    """Rows matching the filters, and the status chart of the alliance pledges among them."""
    status, actor, q, country = read_params({"status": status, "actor": actor, "q": q, "country": country})
    tracker = data.get().tracker
    keep = tracker.matching(status, actor, q, country)
    records = tracker.records
    rows = [records[i] for i in keep]
    counts = tracker.status_counts(tuple(keep))
    pairs = tracker.source_pairs(keep)
    return (rows, count_text(len(rows), len(records), status), table_source(pairs),
            fig.status_figure(counts), fig.status_summary(counts),
            source_line(pairs, "Pledges: data/pledges.yaml, each with its announcement."))


@callback(
    Output("pledges-url", "search"),
    Input("pledges-status", "value"),
    Input("pledges-actor", "value"),
    Input("pledges-q", "value"),
    Input("pledges-country", "value"),
    prevent_initial_call=True,
)
def sync_url(status: object, actor: object, q: object, country: object = ALL) -> str:
    """Keep the filters in the URL (shareable; back button restores them) without re-rendering."""
    return PledgesView.parse({"status": status, "actor": actor, "q": q, "country": country}, data.get()).query()
