"""The HTML page Dash serves for every URL: only the bundles the page needs, and its static copy.

Imported by ``create_app`` only (it imports dash and flask).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from functools import lru_cache
from typing import TypedDict, Unpack
from urllib.parse import urlsplit

import dash
import flask
from dash import dcc
from plotly.io.json import to_json_plotly

from dashboard.app import dash_internals, meta
from dashboard.app.html_types import Children
from dashboard.app.pictures import svg
from dashboard.app.server import frozen
from dashboard.app.server.boundedlog import APP_LOG
from dashboard.app.server.bundles import FULL_LOAD_PATHS, page_scripts
from dashboard.app.server.bytecache import ByteLRU
from dashboard.app.static_copy import grid_copy, hydration, page_cache, prerender


class LinkOptions(TypedDict, total=False):
    """dcc.Link's properties ``link`` passes on as given."""

    className: str
    title: str
    target: str


def link(children: Children, href: str, **kwargs: Unpack[LinkOptions]) -> dcc.Link:
    """dcc.Link that loads the page afresh where the page needs bundles others do not send."""
    return dcc.Link(children, href=href, refresh=href.split("?")[0] in FULL_LOAD_PATHS, **kwargs)


class DashboardDash(dash.Dash):
    """dash.Dash with a per-URL index (Dash's documented ``interpolate_index`` override):
    the page's own bundles, its static copy, its meta tags and its HTTP status."""

    def __init__(self, *args, public_url: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.public_url = public_url
        # pages by (path, query, day): the most recently used kept (thread-safe; two threads
        # may both render a page the first time)
        self._copies = lru_cache(maxsize=prerender.CACHE_SIZE)(self._render_copy)
        self._layouts = ByteLRU(LAYOUT_CACHE_BYTES, MAX_LAYOUT_BYTES)
        self._shell: bytes | None = None

    def serve_layout(self):
        """The app's layout with the page already in the router's container, for the page the
        request came from (its Referer, same origin): the renderer then draws the page at once,
        instead of the shell first and the page after the router's round trip (~30 ms sooner
        live). The router's location and the page's title store carry the page's URL and title,
        as the router would have set them. Without a usable Referer: Dash's own answer."""
        page = referring_page(flask.request)
        body = self._page_layout(*page) if page else None
        if body is None:
            body = self._shell_layout()
        response = flask.Response(body, mimetype="application/json")
        response.headers["Vary"] = "Referer"
        return response

    def _shell_layout(self) -> bytes:
        """The app's shell (Dash's own layout answer), its static parts frozen (built once)."""
        if self._shell is None:
            self._shell = frozen.freeze_layout(to_json_plotly(self.get_layout()).encode("utf-8"))
        return self._shell

    def _page_layout(self, pathname: str, search: str) -> bytes | None:
        """The shell with the page's layout in it, as JSON (kept by bytes, per worker, per day)."""
        key = (pathname, search, dt.date.today())
        kept = self._layouts.get(key)
        if isinstance(kept, bytes):
            return kept
        try:
            shell = json.loads(to_json_plotly(self.get_layout()))
            content = json.loads(to_json_plotly(prerender.page_layout(pathname, search)))
            page, variables = dash_internals.path_to_page(pathname)
            page = page or dash_internals.not_found_page()
            title = page.get("title", self.title)
            title = title(**variables) if callable(title) else title
        except Exception as exc:  # the live page still works: the router fills it
            APP_LOG.log(logging.WARNING, "no page in the layout", f"{pathname[:100]}: {type(exc).__name__}")
            return None
        filled = {dash_internals.PAGES_CONTENT: {"children": content},
                  dash_internals.PAGES_LOCATION: {"pathname": pathname, "search": search},
                  dash_internals.PAGES_STORE: {"data": {"title": title}}}
        if fill(shell, filled) != len(filled):
            return None
        body = frozen.freeze_layout(json.dumps(shell, separators=(",", ":")).encode("utf-8"))
        self._layouts.put(key, body)
        return body

    def interpolate_index(self, metas: str = "", title: str = "", css: str = "", config: str = "",
                          scripts: str = "", app_entry: str = "", favicon: str = "", renderer: str = "") -> str:
        if flask.has_request_context():
            path = raw_path(flask.request)
            search = flask.request.query_string.decode("utf-8", "replace")
            scripts = page_scripts(scripts, path)
            try:
                copy, status = self._copies(path, f"?{search}" if search else "", dt.date.today())
            except CopyFailed:  # the copy is an extra: the page works without it (kept nowhere)
                copy, status = "", 200
                flask.g.setdefault(page_cache.PARTIAL_MARK, True)
            flask.g.page_status = status  # security's after_request sets it on the answer
            # before Dash's entry point: the skip link's #main is the copy's while it shows
            app_entry = copy + app_entry
            if copy:  # the copy is the page until the reader interacts (static_copy/hydration.py)
                scripts, renderer = hydration.defer(scripts, renderer)
            metas = meta.tags(path, self.public_url, search) + "\n" + metas
        return super().interpolate_index(metas=metas, title=title, css=css, config=config, scripts=scripts,
                                         app_entry=app_entry, favicon=favicon, renderer=renderer)

    def _render_copy(self, pathname: str, search: str, day: dt.date) -> tuple[str, int]:
        """The page's static copy. ``day`` only keys the cache: every page's data-age note counts
        months up to today (``components.data_age``), so a server left running renders each page
        afresh on a new day rather than serving the ages of the day it started. (Callback answers
        are keyed by day too: ``memo.AnswerMemo.key``.)"""
        try:
            body, status = prerender.render_page(self.layout, pathname, search, fills(pathname, search))
        except Exception as exc:  # raised, so neither this memo nor the page cache keeps it
            APP_LOG.log(logging.WARNING, "no static copy", f"{pathname[:100]}: {type(exc).__name__}")
            raise CopyFailed(pathname) from exc
        return f'<div class="prerender">{body}</div>', status


# The layouts with a page in them (``DashboardDash.serve_layout``), per worker: ~10-150 KB each
LAYOUT_CACHE_BYTES = 8 * 1024 * 1024
MAX_LAYOUT_BYTES = 1024 * 1024


def fill(node: object, props: dict[str, dict]) -> int:
    """Set ``props[id]`` on each component of a JSON layout with that id; how many were found."""
    if isinstance(node, list):
        return sum(fill(child, props) for child in node)
    found = 0
    if isinstance(node, dict) and isinstance(node.get("props"), dict):
        own = node["props"]
        if isinstance(own.get("id"), str) and own["id"] in props:
            own.update(props[own["id"]])
            found += 1
        for value in own.values():
            found += fill(value, props)
    return found


def referring_page(request: flask.Request) -> tuple[str, str] | None:
    """(path, "?query" or "") of the same-origin page a request came from (its Referer), else None."""
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc != request.host or parts.scheme not in ("http", "https"):
        return None
    return (parts.path or "/"), (f"?{parts.query}" if parts.query else "")


class CopyFailed(Exception):
    """A page's static copy could not be rendered (logged once, where it happened)."""


def fills(pathname: str, search: str) -> prerender.Fills:
    """What the page's copy shows for its graphs (pictures), grids (their first rows) and the
    chart texts callbacks write (the chart's description and source line)."""
    picture = svg.for_page(pathname, search)
    params = dash_internals.parse_query_string(search)

    def fill(kind: str, component_id: str, props: dict) -> str:
        if kind == "Graph":
            return picture(component_id, prerender.px_height(props.get("style")))
        if kind == "AgGrid":
            return grid_copy.table(component_id, props, params)
        if kind == "Text":
            return svg.card_text(component_id, pathname, search)
        return ""

    return fill


def raw_path(request: flask.Request) -> str:
    """The path as the browser sent it, percent-escapes kept.

    Dash routes the live page by ``location.pathname``, which keeps them
    (``/country/%47BR`` is "country not found" there); Flask's ``request.path`` decodes
    them, so the copy would show a different page.
    """
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if not raw:
        return request.path
    path = urlsplit(raw).path if "://" in raw.split("?", 1)[0] else raw.split("?", 1)[0]
    return path or "/"
