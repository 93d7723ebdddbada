"""Social cards and chart views by URL: each page's main chart, its og:image, and the image route.

    GET /images/<chart>.png?<the chart's parameters>   the print-styled PNG (2400 × 1350)

A page's og:image is the print-styled PNG of its main chart (``MAIN_CARDS``) as the page's
URL sets it: /country/DEU's is Germany's share of GDP. The image is made on the first
request of its URL — never while the page's HTML waits — by the export itself
(``defence-dashboard export <chart> --param … --format png``) in a child process: the app
and the export never import each other (docs/design.md), Chromium stays out of the web
worker, and under gevent a child process is waited for without holding up other requests.
It is then kept on disk per (chart, parameters, snapshot) (``diskcache``) and served from
there. One image is made at a time per process; a request that cannot get its turn within
``RENDER_WAIT_S`` gets 503 with Retry-After.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import flask

from dashboard.app import diskcache
from dashboard.app.fast import dash_internals
from dashboard.app.images import CARD_CHARTS
from dashboard.errors import DashboardError
from dashboard.figures.publish import HEIGHT, PNG_SCALE, WIDTH
from dashboard.views import charts, data
from dashboard.views.builders import Built
from dashboard.views.params import text

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
RENDER_TIMEOUT_S = 90     # the child process: Python and the data (~2 s), Chromium's start, the image
RENDER_WAIT_S = 60        # a request waiting for another's image to finish
MAX_SEARCH = 500          # characters of a page's query string looked at (as images.url_params)
_RENDERING = threading.BoundedSemaphore(1)


class RenderError(DashboardError):
    """The export could not make the image (no Chromium, a timeout): one line."""


@dataclass(frozen=True)
class CardView:
    """A chart card's chart as a page URL sets it: the registry chart, its parameters, what it draws."""

    card: str
    chart: str
    params: dict[str, str]  # every parameter, as text (the canonical form: one URL per view)
    built: Built

    @property
    def image_url(self) -> str:
        """The site path of its print-styled PNG."""
        return IMAGE_URL.format(chart=self.chart) + "?" + urlencode(self.params)


def page_name(pathname: str) -> str | None:
    """The page module a path routes to (``country`` for /country/GBR), None for no page."""
    page, _ = dash_internals.path_to_page(pathname)
    module = page.get("module")
    return str(module).rsplit(".", 1)[-1] if module else None


def main_card(pathname: str, search: str = "") -> CardView | None:
    """The page's main chart as its URL sets it (None: an unknown page, or a URL no chart can draw)."""
    card = MAIN_CARDS.get(page_name(pathname) or "")
    return card_view(card, pathname, search) if card else None


def card_view(card: str, pathname: str, search: str = "") -> CardView | None:
    """Chart card ``card`` as the page at ``pathname``/``search`` shows it (memoised per day).

    A stale or odd URL parameter falls back to the chart's defaults, keeping the page's
    country; a country the chart cannot draw gives None (never another country's chart).
    """
    if card not in CARD_CHARTS:
        return None
    search = search if len(search) <= MAX_SEARCH else ""
    return _card_view(data.get().content_id, card, pathname, search.lstrip("?"), dt.date.today())


@lru_cache(maxsize=128)
def _card_view(content: str, card: str, pathname: str, query: str, day: dt.date) -> CardView | None:
    """``content`` and ``day`` key the memo only: another snapshot, or a new day (pledge statuses)."""
    chart = CARD_CHARTS[card]
    given = charts.params_from_query(chart, {k: v[0] for k, v in parse_qs(query).items() if v}, pathname)
    attempts = [given, {k: v for k, v in given.items() if k == "country"}]
    if "country" not in given:
        attempts.append({})
    for attempt in attempts:
        try:
            resolved = charts.resolve(data.get(), chart, attempt)
        except (DashboardError, ValueError, KeyError, TypeError):
            continue
        kinds = {p.name: p.kind for p in resolved.chart.params}
        params = {k: text(v, kinds[k]) for k, v in resolved.params.items() if text(v, kinds[k]) != ""}
        return CardView(card, chart, params, resolved.built)
    return None


def install(server: flask.Flask, snapshot: Path | None = None) -> None:
    """Add the image route to ``server``; ``snapshot``: the folder the app was built from (None: the embedded one)."""

    @server.route("/images/<chart>.png")
    def _image(chart: str) -> flask.Response:
        if chart not in charts.CHARTS:
            return _plain(f"no chart named {chart[:24]!r}; charts: {', '.join(charts.CHARTS)}", 404)
        try:
            params = canonical(chart, flask.request.args.to_dict())
        except (DashboardError, ValueError, KeyError, TypeError) as exc:
            return _plain(str(exc)[:300] or "bad chart parameters", 400)
        try:
            path = image(chart, params, snapshot)
        except RenderError as exc:
            response = _plain(f"image unavailable: {exc}", 503)
            response.headers["Retry-After"] = "30"
            return response
        return flask.send_file(path, mimetype="image/png", max_age=86400, conditional=True, etag=True)


def canonical(chart: str, raw: dict[str, str]) -> dict[str, str]:
    """Every parameter of ``chart`` as text, checked (ViewError: one line naming the bad one)."""
    resolved = charts.resolve(data.get(), chart, charts.params_from_query(chart, raw))
    kinds = {p.name: p.kind for p in resolved.chart.params}
    return {k: text(v, kinds[k]) for k, v in resolved.params.items() if text(v, kinds[k]) != ""}


def image(chart: str, params: dict[str, str], snapshot: Path | None = None) -> Path:
    """The cached PNG of ``chart`` with ``params`` (canonical), made by the export if absent."""
    key = hashlib.sha256(repr(sorted(params.items())).encode()).hexdigest()[:16]
    name = f"{chart}-{key}-{data.get().content_id}-{diskcache.code_id()}.png"
    return diskcache.kept(KIND, name, lambda: _render(chart, params, snapshot), KEEP)


def _render(chart: str, params: dict[str, str], snapshot: Path | None) -> bytes:
    """PNG bytes from ``defence-dashboard export`` in a child process, one at a time per process."""
    if not _RENDERING.acquire(timeout=RENDER_WAIT_S):
        raise RenderError("busy making other images; try again shortly")
    try:
        with tempfile.TemporaryDirectory(prefix="og-") as tmp:
            out = Path(tmp) / "image.png"
            command = [sys.executable, "-m", "dashboard.cli", "export", chart, "--format", "png",
                       "--out", str(out), *(a for k, v in params.items() for a in ("--param", f"{k}={v}"))]
            if snapshot is not None:
                command += ["--snapshot", str(snapshot)]
            try:
                done = subprocess.run(command, capture_output=True, text=True, timeout=RENDER_TIMEOUT_S)
            except subprocess.TimeoutExpired as exc:
                raise RenderError(f"no image after {RENDER_TIMEOUT_S} s") from exc
            if done.returncode != 0 or not out.is_file():
                last = (done.stderr.strip().splitlines() or ["the export failed"])[-1]
                raise RenderError(last[:200])
            return out.read_bytes()
    finally:
        _RENDERING.release()


def _plain(message: str, status: int) -> flask.Response:
    return flask.Response(message + "\n", status=status, mimetype="text/plain")
