"""Social cards and chart views by URL: each page's main chart, its og:image, and the image route.

    GET /images/<chart>.png?<the chart's parameters>   the print-styled PNG (2400 × 1350)

A page's og:image is the print-styled PNG of its main chart (``MAIN_CARDS``) as the page's
URL sets it: /country/DEU's is Germany's share of GDP. The image is made on the first
request of its URL — never while the page's HTML waits — from the export's print-styled
figure (``charts.publication_figure``: the same as ``defence-dashboard export <chart>
--format png``) by the server's painter (``paint``: Chromium stays out of the web
worker, and under gevent the process is waited for without holding up other requests;
~1 s once warm, where an export process per image took 6–10 s). It is then kept on disk
per (chart, parameters, snapshot, figure code) (``diskcache``) and served from there. A
request that cannot get the painter within ``paint.WAIT_S`` gets 503 with Retry-After.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from urllib.parse import urlencode

import flask

from dashboard import charts
from dashboard.app import cards
from dashboard.app.pictures import paint
from dashboard.app.server import diskcache
from dashboard.charts import text
from dashboard.errors import DashboardError
from dashboard.figures.publish import HEIGHT, PNG_SCALE, WIDTH
from dashboard.views import data

# Each page's main chart (by page module, a chart card's prefix): the one its social card shows.
MAIN_CARDS: dict[str, str] = {
    "overview": "overview-map", "countries": "overview-map", "country": "country-share",
    "pledges": "pledges-chart", "compare": "compare-chart", "scenarios": "scenarios-chart",
    "ukraine": "ukraine-regions", "sources": "sources-reconcile",
}
IMAGE_URL = "/images/{chart}.png"
IMAGE_SIZE = (WIDTH * PNG_SCALE, HEIGHT * PNG_SCALE)
KIND = "og-images"
KEEP = 400                # images kept on disk (~0.4 MB each): chart parameters are many
MAX_SEARCH = 500          # characters of a page's query string looked at (as cards.url_params)


def image_url(view: cards.CardView) -> str:
    """The site path of a card view's print-styled PNG (``/images/<chart>.png?…``)."""
    return IMAGE_URL.format(chart=view.chart) + "?" + urlencode(view.params)


def main_card(pathname: str, search: str = "") -> cards.CardView | None:
    """The page's main chart as its URL sets it (None: an unknown page, or a URL no chart can draw)."""
    card = MAIN_CARDS.get(cards.page_name(pathname) or "")
    return cards.card_view(card, pathname, search) if card else None


def install(server: flask.Flask) -> None:
    """Add the image route to ``server``."""

    @server.route("/images/<chart>.png")
    def _image(chart: str) -> flask.Response:
        if chart not in charts.CHARTS:
            return _plain(f"no chart named {chart[:24]!r}; charts: {', '.join(charts.CHARTS)}", 404)
        try:
            params = canonical(chart, flask.request.args.to_dict())
        except (DashboardError, ValueError, KeyError, TypeError) as exc:
            return _plain(str(exc)[:300] or "bad chart parameters", 400)
        try:
            path = image(chart, params)
        except paint.PaintError as exc:
            response = _plain(f"image unavailable: {exc}", 503)
            response.headers["Retry-After"] = str(paint.RETRY_HINT_S)
            return response
        return flask.send_file(path, mimetype="image/png", max_age=86400, conditional=True, etag=True)


def canonical(chart: str, raw: dict[str, str]) -> dict[str, str]:
    """Every parameter of ``chart`` as text, checked (ViewError: one line naming the bad one)."""
    resolved = charts.resolve(data.get(), chart, charts.params_from_query(chart, raw))
    kinds = {p.name: p.kind for p in resolved.chart.params}
    return {k: text(v, kinds[k]) for k, v in resolved.params.items() if text(v, kinds[k]) != ""}


def image(chart: str, params: dict[str, str]) -> Path:
    """The cached PNG of ``chart`` with ``params`` (canonical), made by the export if absent."""
    key = hashlib.sha256(repr(sorted(params.items())).encode()).hexdigest()[:16]
    name = f"{chart}-{key}-{data.get().content_id}-{diskcache.code_id()}.png"
    return diskcache.kept(KIND, name, lambda: _render(chart, params), KEEP)


def _render(chart: str, params: dict[str, str]) -> bytes:
    """The print-styled PNG (2400 × 1350) from the server's painter."""
    figure = charts.publication_figure(data.get(), chart, params, dt.date.today())
    return paint.painter().image(figure, WIDTH, HEIGHT, "png")


def _plain(message: str, status: int) -> flask.Response:
    return flask.Response(message + "\n", status=status, mimetype="text/plain")
