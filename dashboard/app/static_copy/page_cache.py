"""Pages from memory: each URL's page is built once per data snapshot and day, then served as bytes.

A page's HTML (Dash's index with the page's static copy, its meta tags and only the bundles it
needs: ``app/index.py``) depends on nothing but the URL, the snapshot and the day (the data-age
notes count months up to today). Building it costs Dash's index (1-3 ms, with the copy itself
already kept by the index) and, for a browser, compressing it afresh (brotli at quality 8: ~1 ms
more); a page kept costs ~0.13 ms of the app's time. Kept per worker (each forked worker fills
its own), bounded by bytes (``MAX_BYTES``).

The key (``page_key``): the path as the browser sent it (percent-escapes kept: the router reads
it so, and ``/country/%47BR`` is "not found"), the query in canonical form (``canonical_query``:
``?b=2&a=1`` and ``?a=1&b=%32`` are one page, since pages read only the parsed parameters), the
snapshot's content id, the day, and the ``Accept-Encoding`` header as sent (flask-compress picks
the encoding from it; browsers send a handful of forms). The value is the answer as it left:
its status (200, or 404 for a "not found" page), its body (compressed if it was) and the headers
describing the body. The security headers are set on every answer afresh (server/security.py).

One thing in Dash's index changes at every render: ``end_id``, a signed random token per page
load that Dash 4 binds background callbacks' handles to (so one load cannot replay another's).
The dashboard has no background callback (tests/test_static_page_cache.py checks), so the token
binds nothing here and a kept page's token serves every reader of it; an app that adds one must
stop keeping pages.

Where it sits: ``install`` runs before Dash and the security hooks are added (``create_app``
calls it through ``hydration.install``). Flask runs before-request functions in the order they
were added and after-request functions in reverse, so this cache looks first (a kept page is
answered before the rest of the request's work) and keeps last (the answer after compression
and the 404 fix). Only answers the index rendered are kept: it marks them (``PAGE_MARK``).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode

from dashboard.app.server.bytecache import ByteLRU
from dashboard.views import data

MAX_BYTES = 32 * 1024 * 1024  # per worker: 400 pages at their largest (/sources, ~75 KB plain)
MAX_PAGE = 1024 * 1024        # a larger answer is not kept (the largest page is ~75 KB)
MAX_ACCEPT = 200              # an Accept-Encoding longer than this (no browser's) is not a key
# Set on flask.g by the index when it renders a page (app/index.py; security.py reads it too).
PAGE_MARK = "page_status"
# Set when the page went out without its static copy (its rendering failed): not kept, so the
# next request tries again rather than serving the page without it for the rest of the day.
PARTIAL_MARK = "page_partial"
KEPT_HEADERS = ("Content-Type", "Content-Encoding", "Vary")  # what describes the body
KEPT_STATUSES = frozenset({200, 404})
ENV_OFF = "DEFENCE_DASHBOARD_NO_PAGE_CACHE"  # set to 1 to measure the pages built every time
EXTENSION = "dashboard_page_cache"  # where ``install`` leaves the cache (server.extensions)

Key = tuple[str, str, str, str, str]
Headers = tuple[tuple[str, str], ...]  # a tuple, so ByteLRU counts its bytes


class PageCache:
    """The pages kept, by ``page_key``; ``hits`` and ``kept`` count answers from memory and pages stored."""

    def __init__(self, max_bytes: int = MAX_BYTES, max_page: int = MAX_PAGE,
                 snapshot: Callable[[], str] = lambda: data.get().content_id,
                 today: Callable[[], dt.date] = dt.date.today) -> None:
        self.pages = ByteLRU(max_bytes, max_page)
        self.snapshot, self.today = snapshot, today
        self.enabled = os.environ.get(ENV_OFF, "") in ("", "0")
        self.endpoints: set[str] = set()  # the routes that answered with a page (Dash's index)
        self.hits = self.kept = 0

    def key(self, raw_uri: str, query: str, accept: str) -> Key | None:
        """The request's key (None: not to be kept, an outlandish ``Accept-Encoding``)."""
        if len(accept) > MAX_ACCEPT:
            return None
        return page_key(raw_uri.split("?", 1)[0], query, self.snapshot(), self.today(), accept)

    def get(self, key: Key) -> tuple[int, Headers, bytes] | None:
        """(status, headers, body) of the kept page, or None."""
        found = self.pages.get(key)
        if not isinstance(found, tuple):
            return None
        self.hits += 1
        status, headers, body = found
        return status, headers, body

    def put(self, key: Key, status: int, headers: Headers, body: bytes) -> None:
        """Keep the page (dropping the least recently used to fit ``MAX_BYTES``)."""
        self.pages.put(key, (status, headers, body))
        self.kept += 1

    @property
    def size(self) -> int:
        """Bytes kept now (≤ ``MAX_BYTES``)."""
        return self.pages.size


def page_key(path: str, query: str, snapshot: str, day: dt.date, accept: str) -> Key:
    """The canonical key of a page: raw path, canonical query, snapshot id, day, Accept-Encoding."""
    return path, canonical_query(query), snapshot, day.isoformat(), " ".join(accept.lower().split())


def canonical_query(query: str) -> str:
    """The query with its parameters sorted by name (each name's values kept in their order) and
    re-encoded: every spelling of the same parameters, as a page's layout receives them, is one key."""
    pairs = parse_qsl(query.lstrip("?"), keep_blank_values=True)
    return urlencode(sorted(pairs, key=lambda pair: pair[0]))


def install(server) -> PageCache:
    """Answer GETs for pages from the cache, and keep each page the index renders.

    Must run before Dash and ``security.install`` add their hooks (see the module's docstring).
    Off under ``serve --debug`` (Flask's debug mode), where assets change under a running server.
    """
    import flask

    cache = PageCache(MAX_BYTES, MAX_PAGE)
    server.extensions[EXTENSION] = cache

    def _key(request: flask.Request) -> Key | None:
        raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.path
        return cache.key(raw, request.query_string.decode("utf-8", "replace"),
                         request.headers.get("Accept-Encoding", ""))

    @server.before_request
    def _from_memory():
        request = flask.request
        if not cache.enabled or server.debug or request.method != "GET" or request.endpoint not in cache.endpoints:
            return None
        key = _key(request)
        kept = cache.get(key) if key is not None else None
        if kept is None:
            return None
        status, headers, body = kept
        return flask.Response(body, status=status, headers=headers)

    @server.after_request
    def _keep(response: flask.Response) -> flask.Response:
        request = flask.request
        if (not cache.enabled or server.debug or request.method != "GET" or PAGE_MARK not in flask.g
                or flask.g.get(PARTIAL_MARK) or response.status_code not in KEPT_STATUSES or response.is_streamed
                or response.direct_passthrough):
            return response
        key = _key(request)
        if key is not None:
            headers = tuple((name, response.headers[name]) for name in KEPT_HEADERS if name in response.headers)
            cache.put(key, response.status_code, headers, response.get_data())
            if request.endpoint:
                cache.endpoints.add(request.endpoint)
        return response

    return cache
