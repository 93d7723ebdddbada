"""Pledges page (/pledges): every pledge × country in a sortable, filterable table.

State in the URL: ``?status=off_track&actor=NATO&q=poland``; bad values fall back to "all".
The grid's rows are built once per ViewData; callbacks only filter them.
"""

from __future__ import annotations

import csv
import io
from functools import lru_cache

import dash
import dash_ag_grid as dag
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboard.app.components import (
    DROPDOWN_BOX,
    MAX_PARAM_LEN,
    chart_card,
    csv_download,
    deferred,
    param_choice,
    query,
)
from dashboard.figures import pledges as fig
from dashboard.figures.common import STATUS_LABELS, source_line
from dashboard.views import data

dash.register_page(__name__, path="/pledges", name="Pledges", title="Pledge tracker — defence spending")

ALL = "all"
MAX_QUERY = 80  # characters of the quick filter kept
# The grid's rows as the browser reports them are read up to this many (the table has a
# few hundred); the answer never holds a row twice, nor one the table lacks.
MAX_SHOWN_ROWS = 5000
GRID_FIELDS: tuple[str, ...] = (
    "key", "country_link", "country", "iso3", "actor", "id", "title", "target", "target_text", "target_year",
    "basis", "scope", "commitment", "latest_share_pct", "latest_text", "latest_from", "progress_pct", "gap_pp",
    "money_gap_usd_bn", "money_gap_text", "status", "status_label", "status_reason", "source_link",
)
CSV_DROP: tuple[str, ...] = ("key", "source_site")
PROGRESS_BAR = ("params.value == null ? {} : {background: 'linear-gradient(90deg, #cfe3f3 ' + "
                "Math.min(params.value, 100) + '%, transparent ' + Math.min(params.value, 100) + '%)'}")

COLUMN_DEFS: list[dict] = [
    {"field": "country_link", "headerName": "Country", "cellRenderer": "markdown", "pinned": "left",
     "minWidth": 140, "width": 150, "tooltipField": "country"},
    {"field": "title", "headerName": "Pledge", "width": 300, "wrapText": True, "autoHeight": True,
     "cellStyle": {"lineHeight": "1.3", "paddingTop": "6px", "paddingBottom": "6px"}, "tooltipField": "id"},
    {"field": "target", "headerName": "Target", "width": 150, "filter": "agNumberColumnFilter",
     "valueFormatter": {"function": "params.data.target_text"}},
    {"field": "target_year", "headerName": "Deadline", "width": 105, "filter": "agNumberColumnFilter"},
    {"field": "basis", "headerName": "Basis", "width": 120},
    {"field": "scope", "headerName": "Scope", "width": 95},
    {"field": "latest_share_pct", "headerName": "Latest", "width": 110, "filter": "agNumberColumnFilter",
     "valueFormatter": {"function": "params.data.latest_text"},
     "headerTooltip": "Latest published share; e = estimate"},
    {"field": "latest_from", "headerName": "Latest from", "width": 200},
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
    {"field": "status_label", "headerName": "Status", "width": 115, "tooltipField": "status_reason",
     "cellClassRules": {f"status-{s}": f"params.data.status === '{s}'" for s in STATUS_LABELS}},
    {"field": "source_link", "headerName": "Announcement", "cellRenderer": "markdown", "width": 190,
     "filter": False, "sortable": False},
]


def layout(**params: object) -> html.Div:
    """The pledge tracker; malformed parameters fall back to "all"."""
    warm()
    status, actor, q = read_params(params)
    return html.Div([
        dcc.Location(id="pledges-url", refresh=False),
        html.H1("Pledge tracker"),
        html.P("Every defence-spending pledge and every country it binds: the target, the latest published "
               "share with its source and edition, the gap in points and in money, and the status. "
               "Select a country to see its path to each pledge."),
        html.Div([
            html.Label("Status", htmlFor="pledges-status"),
            html.Div(dcc.Dropdown(id="pledges-status", value=status, clearable=False, searchable=False,
                                  options=status_options()), style=DROPDOWN_BOX),
            html.Label("Pledged by", htmlFor="pledges-actor"),
            html.Div(dcc.Dropdown(id="pledges-actor", value=actor, clearable=False, options=actor_options()),
                     style=DROPDOWN_BOX),
            html.Label("Search", htmlFor="pledges-q"),
            dcc.Input(id="pledges-q", type="search", value=q, debounce=0.4, maxLength=MAX_QUERY,
                      placeholder="country, pledge, status…", style={"width": "14em", "padding": "4px"}),
        ], className="controls"),
        html.Section([
            html.H2("Every pledge and country", id="pledges-table-title"),
            html.P(id="pledges-count", className="chart-summary", **{"aria-live": "polite"}),
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
            html.P(id="pledges-table-source", className="source-line"),
            html.Div([
                html.Button("Download table (CSV)", id="pledges-table-csv-button", className="button",
                            n_clicks=0, type="button"),
                dcc.Download(id="pledges-table-csv"),
                html.Span(" The rows shown, with money gaps in national currency, US$ and EUR and the "
                          "assumptions behind them.", className="hint"),
            ], className="downloads"),
        ], className="card", **{"aria-labelledby": "pledges-table-title"}),
        chart_card("pledges-chart", "Alliance pledges: status across the countries they bind",
                   "alliance-pledge-status", height=450, defer=True),
    ])


def read_params(params: dict) -> tuple[str, str, str]:
    """(status, actor, quick-filter text) from URL parameters."""
    status = param_choice(params.get("status"), (ALL, *fig.STATUS_ORDER), ALL)
    actor = param_choice(params.get("actor"), (ALL, *actors()), ALL)
    return status, actor, param_text(params.get("q"))


def param_text(value: object) -> str:
    """Free text from the URL, trimmed (anything but a short string gives "")."""
    if not isinstance(value, str) or len(value) > MAX_PARAM_LEN:
        return ""
    return " ".join(value.split())[:MAX_QUERY]


def status_options() -> list[dict]:
    return [{"label": "All statuses", "value": ALL}] + [
        {"label": STATUS_LABELS[s], "value": s} for s in fig.STATUS_ORDER]


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
    return _actors(id(data.get()))


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
)
def update_pledges(status: object, actor: object, q: object):
    """Rows matching the filters, and the status chart of the alliance pledges among them."""
    status, actor, q = read_params({"status": status, "actor": actor, "q": q})
    keep = matching(status, actor, q)
    records = grid_records(id(data.get()))
    rows = [records[i] for i in keep]
    counts = status_chart_counts(tuple(keep))
    pairs = _source_pairs(tuple(keep))
    total = len(records)
    shown = (f"Showing all {total} pledge–country rows." if len(rows) == total
             else f"Showing {len(rows)} of {total} pledge–country rows.")
    if not rows:
        shown = f"No pledge matches these filters (of {total} rows). Clear the search or choose “All”."
    return (rows, shown,
            source_line(pairs, "Status: met, on track (recent rise fast enough), off track, no data; "
                               "hover a status for the reason."),
            fig.status_figure(counts), fig.status_summary(counts),
            source_line(pairs, "Pledges: data/pledges.yaml, each with its announcement."))


@callback(
    Output("pledges-url", "search"),
    Input("pledges-status", "value"),
    Input("pledges-actor", "value"),
    Input("pledges-q", "value"),
    prevent_initial_call=True,
)
def sync_url(status: object, actor: object, q: object) -> str:
    """Keep the filters in the URL (shareable; back button restores them) without re-rendering."""
    status, actor, q = read_params({"status": status, "actor": actor, "q": q})
    return query(status=None if status == ALL else status, actor=None if actor == ALL else actor, q=q)


@callback(
    Output("pledges-table-csv", "data"),
    Input("pledges-table-csv-button", "n_clicks"),
    State("pledges-status", "value"),
    State("pledges-actor", "value"),
    State("pledges-q", "value"),
    State("pledges-grid", "virtualRowData"),
    prevent_initial_call=True,
)
def download_table(_: int, status: object, actor: object, q: object, shown: object = None) -> dict:
    """CSV of the rows shown (the grid's own sort and column filters included when known)."""
    idx = csv_positions(status, actor, q, shown)
    header, lines = csv_lines(id(data.get()))
    source = source_line(_source_pairs(tuple(idx)), "Pledges: data/pledges.yaml; model: dashboard.model.")
    body = "\n".join([f"# {source}", header, *(lines[i] for i in idx)]) + "\n"
    return {"content": body, "filename": "pledges.csv", "type": "text/csv"}


@callback(
    Output("pledges-chart-csv", "data"),
    Input("pledges-chart-csv-button", "n_clicks"),
    State("pledges-status", "value"),
    State("pledges-actor", "value"),
    State("pledges-q", "value"),
    prevent_initial_call=True,
)
def download_status(_: int, status: object, actor: object, q: object) -> dict:
    """CSV of the status chart's counts."""
    status, actor, q = read_params({"status": status, "actor": actor, "q": q})
    keep = tuple(matching(status, actor, q))
    return csv_download(status_chart_counts(keep), "alliance-pledge-status",
                        source_line(_source_pairs(keep), "Counts of countries per status."))


def csv_frame(status: object, actor: object, q: object, shown: object = None) -> pd.DataFrame:
    """The table behind the CSV: the grid's visible rows in order, else the filtered rows."""
    table = full_table(id(data.get()))
    idx = csv_positions(status, actor, q, shown)
    return table.iloc[idx].drop(columns=list(CSV_DROP)).reset_index(drop=True)


def csv_positions(status: object, actor: object, q: object, shown: object = None) -> list[int]:
    """Row positions for the CSV: the grid's visible rows in order, else the filtered rows."""
    if isinstance(shown, list) and all(isinstance(r, dict) for r in shown):
        position = key_index(id(data.get()))
        # each row at most once, and only rows the table has: a request repeating one key
        # 55,882 times once made a 51 MB answer out of a 1.9 MB request
        keys = dict.fromkeys(k for r in shown[:MAX_SHOWN_ROWS] if isinstance(k := r.get("key"), str) and k in position)
        return [position[k] for k in keys]
    return matching(*read_params({"status": status, "actor": actor, "q": q}))


@lru_cache(maxsize=4)
def csv_lines(app_id: int) -> tuple[str, list[str]]:
    """The CSV header and one ready-made line per table row (a download only joins lines)."""
    frame = full_table(app_id).drop(columns=list(CSV_DROP))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="")
    lines = []
    for row in frame.itertuples(index=False, name=None):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(["" if v is None or v != v else v for v in row])
        lines.append(buffer.getvalue())
    buffer.seek(0)
    buffer.truncate()
    writer.writerow(frame.columns)
    return buffer.getvalue(), lines


def matching(status: str, actor: str, q: str) -> list[int]:
    """Row positions matching the filters (case-insensitive search over the row's text)."""
    table = full_table(id(data.get()))
    text = search_text(id(data.get()))
    words = q.lower().split()
    statuses, actors_ = table["status"].tolist(), table["actor"].tolist()
    return [i for i in range(len(table))
            if (status == ALL or statuses[i] == status) and (actor == ALL or actors_[i] == actor)
            and all(w in text[i] for w in words)]


def status_chart_counts(keep: tuple[int, ...]) -> pd.DataFrame:
    """Status counts per alliance pledge over the rows kept."""
    return _status_chart_counts(id(data.get()), keep)


@lru_cache(maxsize=256)
def _status_chart_counts(app_id: int, keep: tuple[int, ...]) -> pd.DataFrame:
    return fig.status_counts(chart_columns(app_id).iloc[list(keep)], frozenset(data.get().groups))


@lru_cache(maxsize=4)
def chart_columns(app_id: int) -> pd.DataFrame:
    """The few columns the status chart reads (a cheaper slice than the full table)."""
    return full_table(app_id)[["id", "actor", "status", "title", "target_text", "target_year"]]


def warm() -> None:
    """Precompute the rows and indexes (called on the first page render)."""
    app_id = id(data.get())
    for build in (full_table, grid_records, key_index, search_text, source_pairs, _actors, chart_columns,
                  csv_lines):
        build(app_id)


def _source_pairs(keep: tuple[int, ...]) -> list[tuple[str, str]]:
    pairs = source_pairs(id(data.get()))
    return list(dict.fromkeys(pairs[i] for i in keep if pairs[i] is not None))


# ---- precomputed per ViewData --------------------------------------------------------------

@lru_cache(maxsize=4)
def full_table(app_id: int) -> pd.DataFrame:
    """Every pledge × country with display text (figures.pledges.pledge_table)."""
    app = data.get()
    return fig.pledge_table(app.progress, app.name)


@lru_cache(maxsize=4)
def grid_records(app_id: int) -> list[dict]:
    """The grid's rows: table columns plus markdown links (country page, announcement)."""
    table = full_table(app_id).copy()
    table["country_link"] = [f"[{_md(n)}](/country/{c})" for n, c in zip(table["country"], table["iso3"])]
    table["source_link"] = [f"[{_md(s)}]({u})" if u.startswith(("https://", "http://")) else ""
                            for s, u in zip(table["source_site"], table["source_url"])]
    table = table[list(GRID_FIELDS)].astype(object)
    return table.where(table.notna(), None).to_dict("records")


@lru_cache(maxsize=4)
def key_index(app_id: int) -> dict[str, int]:
    return {k: i for i, k in enumerate(full_table(app_id)["key"])}


@lru_cache(maxsize=4)
def search_text(app_id: int) -> list[str]:
    """Lower-case text of each row the quick filter searches."""
    table = full_table(app_id)
    cols = ["country", "iso3", "actor", "id", "title", "status_label", "basis", "scope", "commitment",
            "latest_from", "target_text"]
    return [" ".join(str(v) for v in row if v is not None).lower()
            for row in table[cols].itertuples(index=False, name=None)]


@lru_cache(maxsize=4)
def source_pairs(app_id: int) -> list[tuple[str, str] | None]:
    table = full_table(app_id)
    return [(s, e) if isinstance(s, str) and isinstance(e, str) else None
            for s, e in zip(table["latest_source"], table["latest_edition"])]


@lru_cache(maxsize=4)
def _actors(app_id: int) -> tuple[str, ...]:
    return tuple(dict.fromkeys(data.get().progress["actor"]))


def _md(text: str) -> str:
    """Escape markdown's link brackets in a label."""
    return str(text).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
