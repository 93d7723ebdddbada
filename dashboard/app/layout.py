"""The page shell: header with navigation, main landmark, footer with sources and licences."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard.app.html_types import Attrs
from dashboard.app.index import link
from dashboard.views.data import ViewData
from dashboard.views.labels import edition_label

NAV: tuple[tuple[str, str], ...] = (
    ("/", "Overview"),
    ("/countries", "Countries"),
    ("/budgets", "Budgets"),
    ("/pledges", "Pledges"),
    ("/compare", "Compare"),
    ("/scenarios", "Scenarios"),
    ("/ukraine", "Ukraine"),
    ("/sources", "Sources"),
)


def shell(data: ViewData) -> html.Div:
    """Header, the current page, footer."""
    return html.Div([
        html.Header([
            html.Div([
                dcc.Link("Defence spending & pledges", href="/", className="brand"),
                html.Nav([link(label, href, className="nav-link") for href, label in NAV],
                         **Attrs({"aria-label": "Main"})),
            ], className="bar"),
        ], className="site-header"),
        html.Main(dash.page_container, id="main", tabIndex="-1"),
        html.Footer(footer(data), className="site-footer"),
    ])


def footer(data: ViewData) -> list:
    """Every source and edition in the snapshot, with licence and citation."""
    items = []
    for src in data.package.get("sources", []):
        editions = sorted({edition_label(src.get("name", ""), e["edition"]) for e in src.get("editions", [])
                           if e.get("edition")})
        licence = "; ".join(lic["title"] for lic in src.get("licenses", []))
        items.append(html.Li([
            html.A(src["title"], href=src["path"]), f" ({src['publisher']}), editions {', '.join(editions)}. ",
            f"Licence: {licence}.",
        ]))
    return [
        html.P("Every figure shows its source and edition; estimates are dotted. "
               "Pledges and groups are human-reviewed data with their own sources."),
        html.Ul(items, className="sources-list"),
    ]
