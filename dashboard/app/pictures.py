"""Each chart as an SVG picture in the page's static copy, until plotly.js is needed.

    GET /pictures/<chart>.svg?w=<px>&h=<px>&<the chart's parameters>

A page's static copy (``fast/prerender.py``) is what a visitor reads until they first
interact (``assets/hydrate.js`` then loads Dash and plotly.js). Its charts are these
pictures: the same figure the page's live chart draws (``Built.figure``, not the
print-styled export), at the card's height and at one of two widths — a phone's and a
desktop's, picked by the browser with ``<picture>``. A picture is painted on its first
request by a long-lived painter process (``dashboard.export.painter``: one warm Chromium
per worker, ~0.3 s a picture), then kept on disk per (chart, parameters, size, snapshot)
(``diskcache``). Without Chromium the request answers 503 and the copy shows the
picture's alternative text; the live page is unaffected.
"""

from __future__ import annotations

import atexit
import copy
import hashlib
import json
import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from html import escape
from pathlib import Path
from urllib.parse import urlencode

import flask

from dashboard.app import diskcache, social
from dashboard.app.images import CARD_CHARTS
from dashboard.errors import DashboardError
from dashboard.views import charts, data

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
PAINT_TIMEOUT_S = 40.0     # one picture; the first also waits for Python, kaleido and Chromium
WAIT_S = 30.0              # a request waiting for the painter to finish another picture
RETRY_AFTER_S = 60.0       # after the painter failed to start, no new attempt for this long


class PaintError(DashboardError):
    """No picture: the painter could not start, timed out or failed (one line)."""


class Painter:
    """The app side of ``dashboard.export.painter``: started on first use, one request at a time."""

    def __init__(self, command: list[str] | None = None) -> None:
        self.command = command or [sys.executable, "-m", "dashboard.export.painter"]
        self._proc: subprocess.Popen[str] | None = None
        self._pid = os.getpid()  # the process that started _proc: a forked worker starts its own
        self._lock = threading.Lock()
        self._failed_at = -RETRY_AFTER_S

    def svg(self, figure: dict, width: int, height: int) -> bytes:
        """The SVG of ``figure`` at ``width`` × ``height`` px; PaintError on any failure."""
        if not self._lock.acquire(timeout=WAIT_S):
            raise PaintError("busy painting other pictures; try again shortly")
        try:
            proc = self._process()
            try:
                assert proc.stdin is not None and proc.stdout is not None
                proc.stdin.write(json.dumps({"figure": figure, "width": width, "height": height}) + "\n")
                proc.stdin.flush()
                ready, _, _ = select.select([proc.stdout], [], [], PAINT_TIMEOUT_S)
                line = proc.stdout.readline() if ready else ""
            except (OSError, ValueError) as exc:
                self._stop()
                raise PaintError(f"the painter stopped: {type(exc).__name__}") from None
            if not line:
                self._stop()
                raise PaintError("the painter did not answer in time" if not ready else "the painter exited")
            reply = json.loads(line)
            if "svg" not in reply:
                raise PaintError(str(reply.get("error", "no picture"))[:300])
            return str(reply["svg"]).encode("utf-8")
        finally:
            self._lock.release()

    def _process(self) -> subprocess.Popen[str]:
        if self._pid != os.getpid():  # forked (gunicorn's workers): the parent's painter is not ours
            self._proc, self._pid = None, os.getpid()
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        if time.monotonic() - self._failed_at < RETRY_AFTER_S:
            raise PaintError("the painter failed recently; not retrying yet")
        try:
            self._proc = subprocess.Popen(self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=subprocess.DEVNULL, text=True, encoding="utf-8")
        except OSError as exc:
            self._failed_at = time.monotonic()
            raise PaintError(f"cannot start the painter: {exc.strerror}") from None
        return self._proc

    def _stop(self) -> None:
        """End the process (its Chromium stops when its input closes; killed if it hangs)."""
        self._failed_at = time.monotonic()
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            proc.kill()
            proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass

    def close(self) -> None:
        """Close the painter's input (it stops its browser and exits)."""
        proc, self._proc = self._proc, None
        if proc is not None and self._pid == os.getpid() and proc.poll() is None and proc.stdin is not None:
            try:
                proc.stdin.close()
                proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                proc.kill()


_PAINTER = Painter()
atexit.register(_PAINTER.close)


def url(chart: str, params: dict[str, str], width: int, height: int) -> str:
    """The site path of a chart's picture."""
    return PICTURE_URL.format(chart=chart) + "?" + urlencode({"w": width, "h": height, **params})


def picture_html(view: social.CardView, height: int, eager: bool) -> str:
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
        view = social.card_view(card, pathname, search)
        if view is None:
            return ""
        drawn.append(card)
        return picture_html(view, height, eager=len(drawn) == 1)

    return picture


def card_text(text_id: str, pathname: str, search: str) -> str:
    """A chart card's summary or source line for the copy, where its callback writes them: the
    chart's description (unit and basis) and its source line with editions, as the export's."""
    card, _, kind = text_id.rpartition("-")
    view = social.card_view(card, pathname, search) if card in CARD_CHARTS else None
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
    return _PAINTER.svg(figure, width, height)


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
        except PaintError as exc:
            response = _plain(f"picture unavailable: {exc}", 503)
            response.headers["Retry-After"] = "30"
            return response
        return flask.send_file(path, mimetype="image/svg+xml", max_age=86400, conditional=True, etag=True)


def _plain(message: str, status: int) -> flask.Response:
    return flask.Response(message + "\n", status=status, mimetype="text/plain")
