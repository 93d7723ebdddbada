"""The HTML page Dash serves for every URL: only the bundles the page needs, and its static copy.

Imported by ``create_app`` only (it imports dash and flask).
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import dash
import flask
from dash import dcc

from dashboard.app import meta, prerender
from dashboard.app.boundedlog import APP_LOG

# AG Grid's bundle is 1.3 MB (311 KB brotli) and only /pledges draws a grid: other pages'
# first load skips it (Lighthouse: 0.25 s of transfer on a 10 Mbit/s line). Links to
# /pledges load the page afresh, and assets/lazy-grid.js reloads any page that reaches
# the grid without its bundle (e.g. history navigation inside one page load).
PAGE_ONLY_BUNDLES: dict[str, tuple[str, ...]] = {"/_dash-component-suites/dash_ag_grid/": ("/pledges",)}

FULL_LOAD_PATHS = frozenset(page for pages in PAGE_ONLY_BUNDLES.values() for page in pages)


def link(children: object, href: str, **kwargs: object) -> dcc.Link:
    """dcc.Link that loads the page afresh where the page needs bundles others do not send."""
    return dcc.Link(children, href=href, refresh=href.split("?")[0] in FULL_LOAD_PATHS, **kwargs)


class DashboardDash(dash.Dash):
    """dash.Dash with a per-URL index (Dash's documented ``interpolate_index`` override):
    the page's own bundles, its static copy, its meta tags and its HTTP status."""

    def __init__(self, *args, public_url: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.public_url = public_url
        self._copies: prerender.PageCache[tuple[str, int]] = prerender.PageCache(self._render_copy)

    def interpolate_index(self, **kwargs) -> str:
        if flask.has_request_context():
            path = raw_path(flask.request)
            search = flask.request.query_string.decode("utf-8", "replace")
            kwargs["scripts"] = page_scripts(kwargs.get("scripts", ""), path)
            copy, status = self._copies.get(path, f"?{search}" if search else "")
            flask.g.page_status = status  # security's after_request sets it on the answer
            # before Dash's entry point: the skip link's #main is the copy's while it shows
            kwargs["app_entry"] = copy + kwargs.get("app_entry", "")
            kwargs["metas"] = meta.tags(path, self.public_url) + "\n" + kwargs.get("metas", "")
        return super().interpolate_index(**kwargs)

    def _render_copy(self, pathname: str, search: str) -> tuple[str, int]:
        try:
            body, status = prerender.render_page(self.layout, pathname, search)
        except Exception as exc:  # the copy is an extra: without it the page still works
            APP_LOG.log(logging.WARNING, "no static copy", f"{pathname[:100]}: {type(exc).__name__}")
            return "", 200
        return f'<div class="prerender">{body}</div>', status


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


def page_scripts(scripts: str, path: str) -> str:
    """Dash's script tags without the bundles other pages need only."""
    path = path.rstrip("/") or "/"
    lines = scripts.split("\n")
    for prefix, pages in PAGE_ONLY_BUNDLES.items():
        if path not in pages:
            lines = [line for line in lines if prefix not in line]
    return "\n".join(lines)
