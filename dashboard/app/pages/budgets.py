"""Budgets page (/budgets): every country's newest published defence budget, and how budgets moved.

State in the URL: ``?q=poland`` (the search). Rows, search text and CSV come from
``dashboard.views.budgets.BudgetList`` (built once a day: ages count from today); the callback
only filters them. The grid sorts in the browser (any column header). The chart is the
registry's ``budgets`` chart, the export pack's too.
"""

from __future__ import annotations

import dash
from dash import Input, Output, callback, dcc, html

from dashboard import charts
from dashboard.app import grids
from dashboard.app.components import chart_card, data_age
from dashboard.figures import budgets as budgets_fig
from dashboard.views import budgets as budgets_view
from dashboard.views import data
from dashboard.views.specs import BudgetsView

dash.register_page(__name__, path="/budgets", name="Budgets", title="Budgets — defence spending")


# Country pinned (as on /countries) and the share beside it: on a phone both stay on screen while
# the rest scrolls past.
COLUMN_DEFS: list[dict] = [
    {"field": "country_link", "headerName": "Country", "cellRenderer": "markdown", "pinned": "left",
     "width": 140, "wrapText": True, "autoHeight": True, "tooltipField": "country", "sort": "asc"},
    {"field": "share_pct", "headerName": "% of GDP", "width": 165, "type": "numericColumn",
     "filter": "agNumberColumnFilter", "valueFormatter": {"function": "params.data.share_text"},
     "tooltipField": "share_tip", "headerTooltip": "As the government states it; (computed) = amount ÷ projected GDP"},
    {"field": "year", "headerName": "Fiscal year", "width": 110, "filter": "agNumberColumnFilter",
     "valueFormatter": {"function": "params.data.year_label"}},
    {"field": "stage_label", "headerName": "Stage", "width": 130,
     "headerTooltip": "Outturn (spent), adopted (law), draft (the government's bill), plan, request"},
    {"field": "lcu_million", "headerName": "Amount", "width": 180, "type": "numericColumn",
     "filter": "agNumberColumnFilter", "valueFormatter": {"function": "params.data.amount_text"},
     "headerTooltip": "As the document prints it, in national currency"},
    {"field": "change_pct", "headerName": "Change", "width": 140, "type": "numericColumn",
     "filter": "agNumberColumnFilter", "valueFormatter": {"function": "params.data.change_text"},
     "headerTooltip": "Nominal change on the year before, same definition"},
    {"field": "definition_label", "headerName": "Definition", "width": 180, "wrapText": True, "autoHeight": True},
    {"field": "document_link", "headerName": "Document", "cellRenderer": "markdown", "flex": 1, "minWidth": 260,
     "wrapText": True, "autoHeight": True, "tooltipField": "publisher"},
    {"field": "age_months", "headerName": "Age", "width": 110, "type": "numericColumn",
     "filter": "agNumberColumnFilter", "valueFormatter": {"function": "params.data.age_text"},
     "headerTooltip": "Months since the document's date"},
]


def layout(**params: object) -> html.Div:
    """The list, filtered by ``?q=``, and the chart of the largest changes."""
    view = BudgetsView.parse(params)
    app = data.get()
    budgets = app.budget_list
    keep = budgets.matching(view.q)
    resolved = charts.resolve(app, "budgets", {})
    chart, p = resolved.built, resolved.params
    members = list(app.groups[p["group"]].members) if p["group"] in app.groups else sorted(app.budgets)
    summary = budgets_fig.index_summary(
        budgets_view.index_lines(app.budgets, members, app.name, p["from"], p["to"], int(p["top"])))
    return html.Div([
        dcc.Location(id="budgets-url", refresh=False),
        html.H1("Published defence budgets"),
        html.P(["What governments have published for their defence budgets: budget acts, budget bills, spending "
                "reviews and plans, newer than NATO's or SIPRI's figures. Each figure is the government's own, on "
                "its own definition, with the document it comes from (",
                html.Code("data/budgets.yaml"), "). Why a national budget and NATO's figure differ: ",
                dcc.Link("Sources", href="/sources"), " and docs/model.md. The pledge tracker rests a status on "
                "an adopted or spent budget (or the plan in force), never on a draft."]),
        data_age("budgets", budgets.source_pairs(range(len(budgets.rows)))),
        grids.search("budgets", view.q, "country, stage, definition…"),
        grids.card("budgets", "Every country's newest figure", count_text(len(keep), len(budgets.rows)), COLUMN_DEFS,
                   [budgets.records[i] for i in keep], budgets.source_text(keep),
                   html.Span([" The rows shown, in the order shown, with each figure's document. Every figure: ",
                              html.A("/data/observations.csv?source=national",
                                     href="/data/observations.csv?source=national")], className="hint")),
        chart_card("budgets-chart", chart.title, "defence-budgets", height=520, summary=summary,
                   source=chart.source_text, figure=chart.figure),
    ])


count_text = grids.count_text


@callback(
    Output("budgets-grid", "rowData"),
    Output("budgets-count", "children"),
    Output("budgets-source", "children"),
    Output("budgets-url", "search"),
    Input("budgets-q", "value"),
    prevent_initial_call=True,  # the layout already holds the rows its URL asks for
)
def update_budgets(q: object):
    """The rows matching the search, their count and source; the search kept in the URL."""
    view = BudgetsView.parse({"q": q})
    return grids.search_answer(data.get().budget_list, view.q, view.query())
