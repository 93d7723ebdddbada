"""The searchable list of countries two pages share (/countries, /budgets): a search box, then a
card with the count, an AG Grid of one row per country, its source line and its CSV button."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import dash_ag_grid as dag
from dash import dcc, html

from dashboard.app import cards
from dashboard.app.html_types import Attrs
from dashboard.views.specs import PledgesView

MAX_QUERY = PledgesView.MAX_QUERY  # the same free-text rule as the tracker's search
GRID_HEIGHT = "600px"
# every cell: rows grow with wrapped names, and all cells of a row start on one line
CELL_STYLE = {"lineHeight": "1.3", "paddingTop": "10px", "paddingBottom": "10px"}


def search(prefix: str, value: str, placeholder: str) -> html.Div:
    """The search box (``{prefix}-q``), debounced: its callback filters the grid."""
    return html.Div([
        html.Label("Search", htmlFor=f"{prefix}-q"),
        dcc.Input(id=f"{prefix}-q", type="search", value=value, debounce=0.4, maxLength=MAX_QUERY,
                  placeholder=placeholder, style={"width": "16em", "padding": "4px"}),
    ], className="controls")


def card(prefix: str, title: str, count: str, columns: list[dict], rows: list[dict], source: str,
         hint: html.Span) -> html.Section:
    """The list's card: ``{prefix}-count``, ``{prefix}-grid`` (one row per country, by iso3),
    ``{prefix}-source`` and the CSV button of table ``prefix`` (``cards.TABLES``)."""
    return html.Section([
        html.H2(title, id=f"{prefix}-table-title"),
        html.P(count, id=f"{prefix}-count", className="chart-summary", **Attrs({"aria-live": "polite"})),
        # the frame keeps the grid's height before AG Grid's code has loaded (no layout shift)
        html.Div(
            dag.AgGrid(
                id=f"{prefix}-grid", columnDefs=columns, rowData=rows,
                defaultColDef={"sortable": True, "filter": True, "resizable": True, "cellStyle": CELL_STYLE},
                getRowId="params.data.iso3", dangerously_allow_code=False,
                dashGridOptions={"tooltipShowDelay": 300, "enableCellTextSelection": True,
                                 "ensureDomOrder": True, "animateRows": False},
                style={"height": GRID_HEIGHT, "width": "100%"},
            ),
            style={"minHeight": GRID_HEIGHT},
        ),
        html.P(source, id=f"{prefix}-source", className="source-line"),
        html.Div([*cards.table_download(prefix, "Download list (CSV)"), hint], className="downloads"),
    ], className="card", **Attrs({"aria-labelledby": f"{prefix}-table-title"}))


def count_text(shown: int, total: int) -> str:
    """"Showing all 166 countries." / "Showing 3 of 166 countries." / what to do when none match."""
    if shown == total:
        return f"Showing all {total} countries."
    if not shown:
        return f"No country matches this search (of {total}). Clear the search to see them all."
    return f"Showing {shown} of {total} countries."


class SearchableList(Protocol):
    """A page's list (the Countries list, the Budgets list): rows, their grid records, a search."""

    @property
    def rows(self) -> Sequence[object]: ...

    @property
    def records(self) -> Sequence[dict[str, Any]]: ...

    def matching(self, q: str) -> list[int]: ...

    def source_text(self, keep: Sequence[int]) -> str: ...


def search_answer(listed: SearchableList, q: str, query: str) -> tuple[list[dict[str, Any]], str, str, str]:
    """What a list page's search callback answers: the matching rows, their count, their source
    line, and the URL's query string."""
    keep = listed.matching(q)
    return ([listed.records[i] for i in keep], count_text(len(keep), len(listed.rows)),
            listed.source_text(keep), query)
