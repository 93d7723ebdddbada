"""Overview page (/) — placeholder until the full page lands."""

from __future__ import annotations

import dash
from dash import html

dash.register_page(__name__, path="/", name="Overview", title="Defence spending and pledges")


def layout(**_: object) -> html.Div:
    """The overview."""
    return html.Div([html.H1("Defence spending and pledges")])
