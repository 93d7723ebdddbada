"""Building blocks every page uses: chart cards, deferred charts, the data-age note, the events switch."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

from dash import ClientsideFunction, Input, Output, State, clientside_callback, dcc, html
from dash.development.base_component import Component
from plotly.utils import PlotlyJSONEncoder

from dashboard.app import cards, embed
from dashboard.app.html_types import Attrs, Children
from dashboard.figures.common import empty_figure
from dashboard.views import ages

# Table look inline (the shared stylesheet has no table rules yet).
TABLE_STYLE = {"borderCollapse": "collapse", "width": "100%", "fontSize": "0.9rem"}
CELL_STYLE = {"padding": "4px 8px", "borderBottom": "1px solid #d8d8d8", "textAlign": "left", "verticalAlign": "top"}
SCROLL_STYLE = {"overflowX": "auto"}
# A label above its control (the shared .controls row lays out the fields).
# minHeight: room for a dropdown before its lazily loaded code draws it (no layout shift)
# dcc.Dropdown draws nothing until its lazily loaded code has run: its box keeps the width
DROPDOWN_BOX = {"minWidth": "220px"}
FIELD_STYLE = {"display": "flex", "flexDirection": "column", "gap": "2px", "minWidth": "12em", "minHeight": "3.7em"}


def chart_card(prefix: str, title: str, filename: str, height: int = 420, summary: Children = None,
               source: Children = None, defer: bool = False, figure: dict | None = None) -> html.Section:
    """A titled chart with loading state, source line, text summary, CSV and PNG/SVG downloads, Share and Embed.

    ``summary``, ``source``: the text summary and source line when the page already knows
    them (its callback sets them too); they are then in the page's static copy
    (dashboard/app/static_copy/prerender.py), painted early, and nothing below them moves on load.
    ``defer``: a chart below the fold, drawn when it nears the viewport (see ``deferred``).
    ``figure``: a chart the layout already knows in full (no callback needs to draw it first;
    a deferred one waits in its store until seen).

    Component ids: ``{prefix}-card``, ``{prefix}-frame``, ``{prefix}-graph``, ``{prefix}-source``, ``{prefix}-summary``,
    ``{prefix}-link-field``, ``{prefix}-embed-field`` (a deferred chart: ``{prefix}-slot`` until
    it is seen, then the graph in it); the download controls carry the card in
    pattern-matching ids (``cards.buttons``), served by one set of callbacks for every card.
    """
    graph: Component = dcc.Loading(
        dcc.Graph(id=f"{prefix}-graph", figure=figure or empty_figure("Loading…", height),
                  config=cards.graph_config(filename), style={"height": f"{height}px"},
                  # the card's frame sets the size, whatever height the figure asks for (the
                  # ranking's grows with its bars)
                  responsive=True),
        type="dot", delay_show=300)
    waiting: list = []
    if defer:
        # not in the page until seen (``deferred``): no plotly.js work for it before, not even a
        # "Loading…" frame; its figure waits in a store (the layout's own, or its callback's), the
        # graph (without the figure) in another, and the slot keeps its place
        graph.children.figure = None
        waiting = [dcc.Store(id=f"{prefix}-figure", data=figure), dcc.Store(id=f"{prefix}-seen", data=False),
                   dcc.Store(id=f"{prefix}-spec", data=json.loads(json.dumps(graph, cls=PlotlyJSONEncoder)))]
        graph = html.Div(id=f"{prefix}-slot", style={"height": f"{height}px"},
                         **Attrs({"data-graph": f"{prefix}-graph"}))
    return html.Section([
        html.H2(title, id=f"{prefix}-title"),
        *waiting,
        # <figure> named by the card's title and described by the text summary (its figcaption);
        # the frame keeps the chart's height before plotly.js has loaded (no layout shift).
        html.Figure([
            html.Div(graph, id=f"{prefix}-frame", className="chart-frame", style={"minHeight": f"{height}px"},
                     **(Attrs({"data-defer": f"{prefix}-seen"}) if defer else Attrs())),
            html.Figcaption(summary, id=f"{prefix}-summary", className="chart-summary"),
        ], className="chart", **Attrs({"aria-labelledby": f"{prefix}-title", "aria-describedby": f"{prefix}-summary"})),
        html.P(source, id=f"{prefix}-source", className="source-line"),
        # downloads by the shared callbacks (cards.py), Share and Embed by none (embed.py)
        html.Div([*cards.buttons(prefix), *embed.controls(prefix, height)], className="downloads"),
        # id: the card's anchor, where a shared link (Share: the page's URL + #{prefix}-card) scrolls
    ], id=f"{prefix}-card", className="card", **Attrs({"aria-labelledby": f"{prefix}-title"}))


def deferred(prefix: str) -> Output:
    """The Output a deferred chart's callback fills (its waiting figure); call at import.

    Plotly's drawing of charts below the fold (~100 ms of main thread on the overview)
    waits until the chart nears the viewport or the page is printed: assets/defer.js
    sets ``{prefix}-seen`` then, and a clientside function hands the waiting figure to
    the graph. Until then the graph is not in the page at all (its slot holds its place), so
    a chart never seen costs plotly.js nothing. Text summaries and source lines are not deferred.
    """
    # seen: the graph, with its figure, put in the page; a new figure for a graph already there: drawn
    clientside_callback(ClientsideFunction("charts", "mountWhenSeen"), Output(f"{prefix}-slot", "children"),
                        Input(f"{prefix}-seen", "data"), Input(f"{prefix}-figure", "data"),
                        State(f"{prefix}-spec", "data"), prevent_initial_call=True)
    clientside_callback(ClientsideFunction("charts", "drawWhenMounted"), Output(f"{prefix}-graph", "figure"),
                        Input(f"{prefix}-figure", "data"), prevent_initial_call=True)
    return Output(f"{prefix}-figure", "data")


def data_age(prefix: str, pairs: Iterable[ages.Pair], today: dt.date | None = None) -> html.Details:
    """The page's "Data age" note: how old each publisher's edition behind the page's figures is.

    ``pairs``: the (source, edition) the page draws (``views.ages.<page>_pairs``). A
    disclosure: its summary line (every source's edition and age) is always visible; opened,
    it lists each edition with the newer ones known to exist and the command that fetches
    them. Ages are counted from ``today`` (default: the real today) each time a page is laid
    out, never stored. Component id: ``{prefix}-ages`` (a page whose controls change what it
    draws updates its children with ``data_age_children``).
    """
    return html.Details(data_age_children(pairs, today), id=f"{prefix}-ages", className="data-age")


def data_age_children(pairs: Iterable[ages.Pair], today: dt.date | None = None) -> list:
    """The note's summary line, its list of editions, and how the ages are counted."""
    today = today or dt.date.today()
    found = ages.of(pairs, today)
    return [
        html.Summary([html.Strong("Data age: "), ages.summary(found)]),
        html.Ul([html.Li(_with_code(a.text())) for a in found]),
        html.P(_with_code(f"Counted from today's date ({today.day} {today:%B %Y}) back to each edition's release. "
                          "`defence-dashboard refresh <source>` then `defence-dashboard build` (with a "
                          "connection) fetches and uses the newer editions."), className="hint"),
    ]


def _with_code(text: str) -> list:
    """Text with `backticked` commands as <code> (how ``Age.text`` marks the refresh command)."""
    return [html.Code(part) if i % 2 else part for i, part in enumerate(text.split("`")) if part]


def events_toggle(component_id: str, on: bool) -> html.Div:
    """The "Show events" switch of a timeline chart (summits, the invasion: data/events.yaml).

    Labelled by a <label for> like the other controls: assets/a11y.js turns Dash's listbox
    markup into a named group of plain checkboxes."""
    return html.Div([
        html.Label("Events", htmlFor=component_id),
        dcc.Checklist(id=component_id, options=[{"label": " Show summits, the invasion…", "value": "on"}],
                      value=["on"] if on else [], inline=True, inputStyle={"marginRight": "0.3em"}),
    ], className="events-toggle")
