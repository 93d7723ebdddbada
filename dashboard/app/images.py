"""Chart image downloads (PNG, SVG) from the same code as `defence-dashboard export`.

A click asks the server for the print-styled figure (title, subtitle with unit and basis,
footer with source, edition and date — ``dashboard.charts.publication_figure``)
for the chart behind the card, with the page's current URL parameters; the browser then
renders it with plotly.js (``assets/images.js``) at the export's size. One pattern-matching
callback serves every card.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from urllib.parse import parse_qs

from dash import ALL, MATCH, ClientsideFunction, Input, Output, State, ctx, html
from dash.exceptions import PreventUpdate

from dashboard.app.fast.dash_internals import PAGES_LOCATION
from dashboard.app.html_types import Attrs
from dashboard.errors import DashboardError
from dashboard.views import data

# Card prefix → chart name (dashboard.charts).
CARD_CHARTS: dict[str, str] = {
    "overview-map": "map", "overview-ranking": "ranking", "overview-allies": "allies-at-target",
    "country-share": "country-share", "country-gap": "money-gap", "country-spend": "spending",
    "pledges-chart": "pledge-status", "scenarios-chart": "scenario", "compare-chart": "compare",
    "sources-reconcile": "reconcile", "sources-revisions": "revisions",
    "ukraine-regions": "ukraine-regions", "ukraine-donors": "ukraine-donors", "ukraine-sourcing": "ukraine-sourcing",
    "ukraine-weapons": "ukraine-weapons", "country-ukraine": "ukraine-donor",
}
FORMATS = ("png", "svg")
MAX_SEARCH = 500


def buttons(prefix: str) -> list:
    """The PNG/SVG buttons and their result store for a card (nothing if it has no chart)."""
    if prefix not in CARD_CHARTS:
        return []
    from dash import dcc

    return [
        *(html.Button(f"Download {fmt.upper()}", id={"type": "image-button", "card": prefix, "format": fmt},
                      className="button", n_clicks=0, type="button") for fmt in FORMATS),
        dcc.Store(id={"type": "image-store", "card": prefix}),
        html.Span(id={"type": "image-done", "card": prefix}, className="visually-hidden",
                  **Attrs({"aria-live": "polite"})),
    ]


def url_params(chart: str, pathname: object, search: object) -> dict[str, str]:
    """The chart's parameters the page's URL holds (country from /country/<ISO3>)."""
    from dashboard import charts

    query = search[1:] if isinstance(search, str) and search.startswith("?") and len(search) <= MAX_SEARCH else ""
    values = {k: v[0] for k, v in parse_qs(query).items() if v}
    return charts.params_from_query(chart, values, pathname if isinstance(pathname, str) else None)


def register(app) -> None:
    """Add the image callbacks to ``app`` (per app, not at import: a second app built in the
    same process — the tests, the benchmarks — gets them too)."""
    app.callback(
        Output({"type": "image-store", "card": MATCH}, "data"),
        Input({"type": "image-button", "card": MATCH, "format": ALL}, "n_clicks"),
        State(PAGES_LOCATION, "pathname"),
        State(PAGES_LOCATION, "search"),
        prevent_initial_call=True,
    )(image)
    app.clientside_callback(
        ClientsideFunction(namespace="images", function_name="download"),
        Output({"type": "image-done", "card": MATCH}, "children"),
        Input({"type": "image-store", "card": MATCH}, "data"),
        prevent_initial_call=True,
    )


def image(clicks: list, pathname: object, search: object) -> dict:
    """The print-styled figure for the clicked card and format."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or trigger.get("card") not in CARD_CHARTS \
            or trigger.get("format") not in FORMATS or not any(isinstance(c, int) and c > 0 for c in clicks or []):
        raise PreventUpdate
    chart = CARD_CHARTS[trigger["card"]]
    params = url_params(chart, pathname, search)
    # A stale or odd URL parameter: keep the page's country if possible, else the chart's
    # defaults — a download never fails and never silently swaps the country shown.
    fallbacks = [params, {k: v for k, v in params.items() if k == "country"}, {}]
    for attempt in fallbacks:
        try:
            figure = _figure(id(data.get()), chart, tuple(sorted(attempt.items())), dt.date.today())
        except (DashboardError, ValueError, KeyError, TypeError):
            continue
        params = attempt
        break
    else:
        raise PreventUpdate
    ordered = sorted(params.items(), key=lambda kv: kv[0] != "country")  # the country first
    suffix = "-".join(v for _, v in ordered if isinstance(v, str) and v.isalnum())
    return {"figure": figure, "format": trigger["format"], "filename": f"{chart}{'-' + suffix if suffix else ''}"}


@lru_cache(maxsize=256)
def _figure(app_id: int, chart: str, params: tuple[tuple[str, str], ...], day: dt.date) -> dict:
    """The print-styled figure, memoised per chart, parameters and day (the footer's date)."""
    from dashboard.charts import publication_figure

    return publication_figure(data.get(), chart, dict(params), day)
