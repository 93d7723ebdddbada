"""Each chart as an SVG picture in the page's static copy, until plotly.js is needed.

    GET /pictures/<chart>.svg?w=<px>&h=<px>&<the chart's parameters>

A page's static copy (``static_copy/prerender.py``) is what a visitor reads until they first
interact (``static_copy/hydrate.js`` then loads Dash and plotly.js). Its charts are these
pictures: the same figure the page's live chart draws (``Built.figure``, not the
print-styled export), at the card's height and at one of two widths — a phone's and a
desktop's, picked by the browser with ``<picture>``. A picture is painted on its first
request by the server's painter (``paint``: one warm Chromium the workers share,
stopped when idle; ~0.3 s a picture), then kept on disk per (chart, parameters, size, snapshot, figure
code) (``diskcache``). Without Chromium the request answers 503 and the copy shows the
picture's alternative text; the live page is unaffected.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from html import escape
from pathlib import Path
from urllib.parse import urlencode

import flask

from dashboard import charts
from dashboard.app import cards
from dashboard.app.cards import CARD_CHARTS
from dashboard.app.pictures import paint, social
from dashboard.app.server import diskcache
from dashboard.errors import DashboardError
from dashboard.views import data

PICTURE_URL = "/pictures/{chart}.svg"
# Chart widths in px: a 390 px phone's card (viewport less the page's and the card's
# padding) and the desktop card (main is at most 1200 px wide). An SVG scales to the
# frame it is shown in; these keep its text near the size the live chart would have.
PHONE_WIDTH, DESKTOP_WIDTH = 350, 1140
WIDTHS = frozenset({PHONE_WIDTH, DESKTOP_WIDTH})
PHONE_MEDIA = "(max-width: 640px)"  # style.css's phone breakpoint
# Charts a phone shows taller than their frame's height (style.css's phone rules), by card
PHONE_HEIGHTS = {"country-share": 640}
MIN_HEIGHT, MAX_HEIGHT = 150, 1600
GRAPH_SUFFIX = "-graph"             # chart_card's graph id: f"{prefix}-graph"
KIND = "chart-pictures"
KEEP = 2000                # pictures kept on disk (20–400 KB each)


def url(chart: str, params: dict[str, str], width: int, height: int) -> str:
    """The site path of a chart's picture."""
    return PICTURE_URL.format(chart=chart) + "?" + urlencode({"w": width, "h": height, **params})


def picture_html(view: cards.CardView, height: int, eager: bool) -> str:
    """``<picture>`` of a card's chart, the phone's width on narrow screens.

    ``eager``: the page's first chart (the others load as they near the viewport)."""
    phone = escape(url(view.chart, view.params, PHONE_WIDTH, PHONE_HEIGHTS.get(view.card, height)), quote=True)
    desktop = escape(url(view.chart, view.params, DESKTOP_WIDTH, height), quote=True)
    alt = escape(f"Chart: {view.built.title}", quote=True)
    loading = "" if eager else ' loading="lazy"'
    return (f'<picture><source media="{PHONE_MEDIA}" srcset="{phone}">'
            f'<img class="prerender-picture" src="{desktop}" alt="{alt}" width="{DESKTOP_WIDTH}" '
            f'height="{height}"{loading} decoding="async"></picture>')


def for_page(pathname: str, search: str) -> Callable[[str, int], str]:
    """What the page's copy shows in a graph's place: (graph id, height px) -> HTML ("" for none)."""
    drawn: list[str] = []

    def picture(graph_id: str, height: int) -> str:
        card = graph_id[:-len(GRAPH_SUFFIX)] if graph_id.endswith(GRAPH_SUFFIX) else ""
        if card not in CARD_CHARTS or not MIN_HEIGHT <= height <= MAX_HEIGHT:
            return ""
        view = cards.card_view(card, pathname, search)
        if view is None:
            return ""
        drawn.append(card)
        return picture_html(view, height, eager=len(drawn) == 1)

    return picture


def card_text(text_id: str, pathname: str, search: str) -> str:
    """A chart card's summary or source line for the copy, where its callback writes them: the
    chart's description (unit and basis) and its source line with editions, as the export's."""
    card, _, kind = text_id.rpartition("-")
    view = cards.card_view(card, pathname, search) if card in CARD_CHARTS else None
    if view is None:
        return ""
    return escape(view.built.subtitle + "." if kind == "summary" else view.built.source_text)


def svg(chart: str, params: dict[str, str], width: int, height: int) -> Path:
    """The cached SVG of ``chart`` (canonical ``params``) at ``width`` × ``height``, painted if absent."""
    key = hashlib.sha256(repr((sorted(params.items()), width, height)).encode()).hexdigest()[:16]
    name = f"{chart}-{key}-{data.get().content_id}-{diskcache.code_id()}.svg"
    return diskcache.kept(KIND, name, lambda: _paint(chart, params, width, height), KEEP)


def _paint(chart: str, params: dict[str, str], width: int, height: int) -> bytes:
    figure = copy.deepcopy(charts.resolve(data.get(), chart, params).built.figure)
    layout = figure.setdefault("layout", {})
    layout.update(width=width, height=height, autosize=False)
    return paint.painter().image(figure, width, height, "svg")


def install(server: flask.Flask) -> None:
    """Add the picture route to ``server``."""

    @server.route("/pictures/<chart>.svg")
    def _picture(chart: str) -> flask.Response:
        if chart not in charts.CHARTS:
            return _plain(f"no chart named {chart[:24]!r}", 404)
        args = flask.request.args.to_dict()
        try:
            width, height = int(args.pop("w", "")), int(args.pop("h", ""))
        except ValueError:
            return _plain("w and h: whole numbers of px", 400)
        if width not in WIDTHS or not MIN_HEIGHT <= height <= MAX_HEIGHT:
            return _plain(f"w: one of {sorted(WIDTHS)}; h: {MIN_HEIGHT} to {MAX_HEIGHT}", 400)
        try:
            params = social.canonical(chart, args)
        except (DashboardError, ValueError, KeyError, TypeError) as exc:
            return _plain(str(exc)[:300] or "bad chart parameters", 400)
        try:
            path = svg(chart, params, width, height)
        except paint.PaintError as exc:
            response = _plain(f"picture unavailable: {exc}", 503)
            response.headers["Retry-After"] = str(paint.RETRY_HINT_S)
            return response
        return flask.send_file(path, mimetype="image/svg+xml", max_age=86400, conditional=True, etag=True)


def _plain(message: str, status: int) -> flask.Response:
    return flask.Response(message + "\n", status=status, mimetype="text/plain")
