"""Countries page (/countries): every country with its latest share of GDP, source and pledges.

State in the URL: ``?q=poland`` (the search). Rows, search text and CSV come from
``dashboard.views.countries.CountryList``, built once per process; the callbacks only
filter them. The grid sorts in the browser (any column header).
"""

from __future__ import annotations

import dash
from dash import Input, Output, callback, dcc, html

from dashboard.app import grids
from dashboard.app.components import data_age
from dashboard.views import data
from dashboard.views.labels import STATUS_LABELS
from dashboard.views.specs import CountriesView

dash.register_page(__name__, path="/countries", name="Countries", title="Countries — defence spending")

MAX_QUERY = grids.MAX_QUERY

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
        grids.search("countries", view.q, "country, source, pledge…"),
        grids.card("countries", "Every country", count_text(len(keep), len(countries.rows)), COLUMN_DEFS,
                   [countries.records[i] for i in keep], countries.source_text(keep),
                   html.Span(" The rows shown, in the order shown, with every share's source and edition.",
                             className="hint")),
    ])


count_text = grids.count_text  # the tests and the callback read it here too


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
    return grids.search_answer(data.get().country_list, view.q, view.query())

