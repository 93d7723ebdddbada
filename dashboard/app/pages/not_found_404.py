"""Friendly page for unknown paths (Dash pages serves it for any unmatched URL)."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard.app.index import link
from dashboard.app.static_copy.prerender import NOT_FOUND_CLASS

dash.register_page(__name__, path="/404", title="Page not found")


def layout(**_: object) -> html.Div:
    """No traceback, no echo of the requested path: just where to go."""
    return html.Div([
        html.H1("Page not found"),
        html.P(["This page does not exist. Try the ", dcc.Link("overview", href="/"), ", the ",
                link("pledge tracker", "/pledges"), ", the ", link("list of countries", "/countries"),
                " or a country such as ", dcc.Link("the United Kingdom", href="/country/GBR"), "."]),
    ], className=NOT_FOUND_CLASS)
