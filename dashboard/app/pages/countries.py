"""Countries page (/countries): every country with its latest share of GDP, source and pledges.

State in the URL: ``?q=poland`` (the search). Rows, search text and CSV come from
``dashboard.views.countries.CountryList``, built once per process; the callbacks only
filter them. The grid sorts in the browser (any column header).
"""

from __future__ import annotations

import dash
import dash_ag_grid as dag
from dash import Input, Output, callback, dcc, html

from dashboard.app import cards
from dashboard.app.components import data_age
from dashboard.app.html_types import Attrs
from dashboard.views import data
from dashboard.views.labels import STATUS_LABELS
from dashboard.views.specs import CountriesView, PledgesView

dash.register_page(__name__, path="/countries", name="Countries", title="Countries — defence spending")

MAX_QUERY = PledgesView.MAX_QUERY  # the same free-text rule as the tracker's search
GRID_HEIGHT = "600px"
# every cell: rows grow with wrapped names and pledges, and all cells of a row start on one line
CELL_STYLE = {"lineHeight": "1.3", "paddingTop": "10px", "paddingBottom": "10px"}

# Country pinned and narrow (long names wrap): on a 390 px phone it stays beside the share while
# the rest scrolls past. At 1,200 px every column fits; the pledge column takes what is left.
COLUMN_DEFS: list[dict] = [
    {"field": "country_link", "headerName": "Country", "cellRenderer": "markdown", "pinned": "left",
     "width": 150, "wrapText": True, "autoHeight": True, "tooltipField": "country", "sort": "asc"},
    {"field": "share_pct", "headerName": "% of GDP", "width": 125, "filter": "agNumberColumnFilter",
     "valueFormatter": {"function": "params.data.share_text"}, "type": "numericColumn",
     "headerTooltip": "Latest published defence spending as a share of GDP; e = estimate"},
    {"field": "year", "headerName": "Year", "width": 85, "filter": "agNumberColumnFilter"},
    {"field": "from_text", "headerName": "Source and edition", "width": 200},
    {"field": "pledges", "headerName": "Pledges", "width": 105, "filter": "agNumberColumnFilter",
     "type": "numericColumn", "headerTooltip": "Pledges in force that bind the country (its own and its alliances')"},
    {"field": "first_pledge", "headerName": "Headline pledge", "flex": 1, "minWidth": 260, "wrapText": True,
     "autoHeight": True, "tooltipField": "first_pledge",
     "headerTooltip": "The pledge the tracker lists first for the country: its headline pledge, else the next deadline"},
    {"field": "status_label", "headerName": "Status", "width": 110, "tooltipField": "status_tip",
     "headerTooltip": "The headline pledge's status; hover for why, and the figure it rests on",
     "cellClassRules": {f"status-{s}": f"params.data.status === '{s}'" for s in STATUS_LABELS}},
]


def layout(**params: object) -> html.Div:
    """The list, filtered by ``?q=``; a malformed search is ignored."""
    view = CountriesView.parse(params)
    countries = data.get().country_list
    keep = countries.matching(view.q)
    every = range(len(countries.rows))
    return html.Div([
        dcc.Location(id="countries-url", refresh=False),
        html.H1("Countries"),
        html.P(["Each country's latest defence spending as a share of GDP (NATO's figure for its allies, "
                "SIPRI's for the rest), where it comes from, and the pledges that bind it. Sort by any column; "
                "select a country for its charts, or see every pledge in the ",
                dcc.Link("pledge tracker", href="/pledges", refresh=True), "."]),
        data_age("countries", countries.source_pairs(every)),
        html.Div([
            html.Label("Search", htmlFor="countries-q"),
            dcc.Input(id="countries-q", type="search", value=view.q, debounce=0.4, maxLength=MAX_QUERY,
                      placeholder="country, source, pledge…", style={"width": "16em", "padding": "4px"}),
        ], className="controls"),
        html.Section([
            html.H2("Every country", id="countries-table-title"),
            html.P(count_text(len(keep), len(countries.rows)), id="countries-count", className="chart-summary",
                   **Attrs({"aria-live": "polite"})),
            # the frame keeps the grid's height before AG Grid's code has loaded (no layout shift)
            html.Div(
                dag.AgGrid(
                    id="countries-grid", columnDefs=COLUMN_DEFS, rowData=[countries.records[i] for i in keep],
                    defaultColDef={"sortable": True, "filter": True, "resizable": True, "cellStyle": CELL_STYLE},
                    getRowId="params.data.iso3", dangerously_allow_code=False,
                    dashGridOptions={"tooltipShowDelay": 300, "enableCellTextSelection": True,
                                     "ensureDomOrder": True, "animateRows": False},
                    style={"height": GRID_HEIGHT, "width": "100%"},
                ),
                style={"minHeight": GRID_HEIGHT},
            ),
            html.P(countries.source_text(keep), id="countries-source", className="source-line"),
            html.Div([
                *cards.table_download("countries", "Download list (CSV)"),
                html.Span(" The rows shown, in the order shown, with every share's source and edition.",
                          className="hint"),
            ], className="downloads"),
        ], className="card", **Attrs({"aria-labelledby": "countries-table-title"})),
    ])


def count_text(shown: int, total: int) -> str:
    """"Showing all 166 countries." / "Showing 3 of 166 countries." / what to do when none match."""
    if shown == total:
        return f"Showing all {total} countries."
    if not shown:
        return f"No country matches this search (of {total}). Clear the search to see them all."
    return f"Showing {shown} of {total} countries."


@callback(
    Output("countries-grid", "rowData"),
    Output("countries-count", "children"),
    Output("countries-source", "children"),
    Output("countries-url", "search"),
    Input("countries-q", "value"),
    prevent_initial_call=True,  # the layout already holds the rows its URL asks for
)
def update_countries(q: object):
    """The rows matching the search, their count and sources; the search kept in the URL."""
    view = CountriesView.parse({"q": q})
    countries = data.get().country_list
    keep = countries.matching(view.q)
    return ([countries.records[i] for i in keep], count_text(len(keep), len(countries.rows)),
            countries.source_text(keep), view.query())

