"""Data by URL: the snapshot's tidy rows and every chart's data, as the app's pages have them.

    GET /data/observations.csv?source=sipri&iso3=GBR&indicator=milex_share_gdp&years=2000-2024
    GET /data/observations.json?…&limit=10000&offset=20000   (a list of objects; a page of rows)
    GET /data/<chart>.csv?<the page's parameters>  (what the chart card's CSV button downloads)

A request costs what its answer costs: filters are checked against sets and rows found by
the table's index (``observations.Index``, built once), never by scanning every row. An
answer is at most ``MAX_ROWS`` rows and ``MAX_ANSWER_BYTES``; a larger one is refused with
413 and where to get it (a page of it with ``limit``/``offset``, or the whole dataset's
zip). Answers and their compressed forms are kept per worker in byte-bounded caches
(``CACHE_BYTES``, stated in docs/performance.md), keyed by the filters' canonical form
(lists sorted, years clipped to the data's), so filters selecting the same rows share one
entry; they carry an ETag (a repeat with ``If-None-Match`` gets 304) and a day's caching.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections.abc import Hashable, Iterator
from contextlib import contextmanager

import brotli
import flask

from dashboard import charts
from dashboard.app.server.bytecache import ByteLRU
from dashboard.app.server.offload import offload
from dashboard.views import ViewError, observations
from dashboard.views.data import ViewData

MAX_ROWS = 50_000                      # rows in one answer; more: page with limit/offset
MAX_ANSWER_BYTES = 5 * 1024 * 1024     # an answer's size before compression
# Per worker: raw data answers, their compressed forms, chart CSVs. 80 MB in all, whatever
# the filters asked (tests/test_data_routes.py checks the bound).
ROWS_CACHE_BYTES = 40 * 1024 * 1024
PACKED_CACHE_BYTES = 24 * 1024 * 1024
CHART_CACHE_BYTES = 16 * 1024 * 1024
CACHE_BYTES = ROWS_CACHE_BYTES + PACKED_CACHE_BYTES + CHART_CACHE_BYTES
# Brotli at quality 5: within ~10 % of quality 8's size on these tables at a fifth of the time
# (a 5 MB answer compresses in ~0.1 s, once: the result is kept).
BROTLI_QUALITY = 5
GZIP_LEVEL = 6
MIN_COMPRESS = 1024                    # smaller answers go as they are
# The smallest a row is written (measured over the snapshot: 54 bytes of CSV, 254 of JSON):
# more rows than the cap allows at this size are refused without encoding them.
MIN_ROW_BYTES = {"csv": 50, "json": 240}
CHUNK_BYTES = 64 * 1024
REFUSED = "413"                        # a refused answer in the rows cache: (REFUSED, message)                # an answer is written this much at a time (see _streamed)
CACHE_CONTROL = "public, max-age=86400"
MIMETYPES = {"csv": "text/csv", "json": "application/json"}
DATASET_HINT = ("add limit= and offset= to take it a page at a time (at most {rows:,} rows), narrow the filters, "
                "or download the whole dataset: /data/snapshot.csv.zip or /data/snapshot.parquet.zip")


class TooLarge(ViewError):
    """The answer would exceed ``MAX_ROWS`` or ``MAX_ANSWER_BYTES`` (413)."""


class DataRoutes:
    """The routes' caches and answers for one snapshot (one per worker after the fork)."""

    def __init__(self, data: ViewData) -> None:
        self.data = data
        self.edition = _snapshot_id(data)
        item = MAX_ANSWER_BYTES + 64 * 1024   # an answer at the cap, with its key and ETag
        self.rows = ByteLRU(ROWS_CACHE_BYTES, item)
        self.packed = ByteLRU(PACKED_CACHE_BYTES, item)
        self.charts = ByteLRU(CHART_CACHE_BYTES, item)
        self._flights: dict[Hashable, threading.Lock] = {}

    def rows_answer(self, filters: observations.Filters, fmt: str) -> tuple[bytes, str]:
        """The encoded rows and their ETag (kept); TooLarge past the caps. Made once however
        many ask at the same moment (the others wait for it), off the event loop."""
        key = (filters.canonical(), fmt)
        kept = self.rows.get(key)
        if kept is None:
            with self._flight(key):
                kept = self.rows.get(key)
                if kept is None:
                    try:
                        kept = offload(self._encoded, filters, fmt, key[0])
                    except TooLarge as exc:
                        # refused once, refused from memory after; kept as text, not the exception,
                        # whose traceback would hold the rows found and encoded so far
                        kept = (REFUSED, str(exc))
                    self.rows.put(key, kept)
        if isinstance(kept, tuple) and kept[0] is REFUSED:
            raise TooLarge(kept[1]) from None
        return kept  # type: ignore[return-value]

    def _encoded(self, filters: observations.Filters, fmt: str, canonical: str) -> tuple[bytes, str]:
        """The rows found and encoded (pure work: runs in a thread of the pool)."""
        found = observations.matching(self.data, filters)
        end = None if filters.limit is None else filters.offset + filters.limit
        count = len(found[filters.offset:end])
        if count > MAX_ROWS:
            raise TooLarge(f"{count:,} rows match, more than the {MAX_ROWS:,} of one answer: "
                           + DATASET_HINT.format(rows=MAX_ROWS))
        if count * MIN_ROW_BYTES[fmt] > MAX_ANSWER_BYTES:   # surely too large: not even encoded
            raise TooLarge(f"the answer is over {MAX_ANSWER_BYTES // 2**20} MB ({count:,} rows): "
                           + DATASET_HINT.format(rows=MAX_ROWS))
        parts, size = [], 0
        for part in observations.encode_rows(self.data, found[filters.offset:end], fmt):
            size += len(part)
            if size > MAX_ANSWER_BYTES:
                raise TooLarge(f"the answer is over {MAX_ANSWER_BYTES // 2**20} MB ({count:,} rows): "
                               + DATASET_HINT.format(rows=MAX_ROWS))
            parts.append(part)
        return b"".join(parts), _etag(self.edition, canonical, fmt)

    @contextmanager
    def _flight(self, key: Hashable) -> Iterator[None]:
        """One maker per key at a time: 150 clients asking one new 5 MB answer at once make it
        once, not 150 times (a lock per key in flight; a greenlet's lock under gevent)."""
        lock = self._flights.setdefault(key, threading.Lock())
        try:
            with lock:
                yield
        finally:
            if self._flights.get(key) is lock:
                del self._flights[key]

    def chart_answer(self, name: str, params: tuple[tuple[str, str], ...]) -> tuple[bytes, str]:
        """A chart's CSV and its ETag (kept)."""
        key = (name, params)
        kept = self.charts.get(key)
        if kept is not None:
            return kept  # type: ignore[return-value]
        answer = (charts.chart_csv(self.data, name, dict(params)).encode("utf-8"), _etag(self.edition, name, repr(params)))
        self.charts.put(key, answer)
        return answer

    def respond(self, body: bytes, etag: str, mimetype: str, filename: str) -> flask.Response:
        """The answer, compressed once per (answer, encoding) and kept: a repeat costs a look-up.
        Every answer leaves with its Content-Encoding set (``identity`` too), so flask-compress
        never compresses it again on the event loop."""
        encoding = _encoding(flask.request.headers.get("Accept-Encoding", "")) if len(body) >= MIN_COMPRESS else None
        tag = f"{etag}-{encoding}" if encoding else etag   # one ETag per representation
        if flask.request.if_none_match.contains_weak(tag):
            response = flask.Response(status=304)
        else:
            response = _streamed(self.packed_answer(body, etag, encoding) if encoding else body, mimetype)
            response.headers["Content-Encoding"] = encoding or "identity"
            response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
        response.headers["Vary"] = "Accept-Encoding"
        response.set_etag(tag)
        response.headers["Cache-Control"] = CACHE_CONTROL
        return response

    def not_modified(self, etag: str) -> bool:
        """The client's ``If-None-Match`` names this answer already (in some encoding)."""
        return any(t == etag or t.startswith(f"{etag}-") for t in flask.request.if_none_match.as_set(include_weak=True))

    def packed_answer(self, body: bytes, etag: str, encoding: str) -> bytes:
        """``body`` compressed with ``encoding``, made once (off the loop) and kept."""
        key = (etag, encoding)
        kept = self.packed.get(key)
        if isinstance(kept, bytes):
            return kept
        with self._flight(key):
            kept = self.packed.get(key)
            if isinstance(kept, bytes):
                return kept
            packed = offload(_compress, body, encoding)
            self.packed.put(key, packed)
            return packed

    @property
    def cached_bytes(self) -> int:
        """What the three caches hold now (≤ ``CACHE_BYTES``)."""
        return self.rows.size + self.packed.size + self.charts.size


def install(server: flask.Flask, data: ViewData) -> DataRoutes:
    """Add the /data routes to ``server`` (the index is built now, not on the first request)."""
    routes = DataRoutes(data)
    _ = data.observation_index

    @server.route("/data/observations.<fmt>")
    def _observations(fmt: str) -> flask.Response:
        if fmt not in MIMETYPES:
            return _plain(f"unknown format {fmt[:12]!r}: /data/observations.csv or .json", 404)
        try:
            filters = observations.parse(flask.request.args.to_dict(), data)
            if routes.not_modified(_etag(routes.edition, filters.canonical(), fmt)):
                return flask.Response(status=304)   # known before finding a row
            # found, encoded (up to 5 MB) off the event loop: other requests keep being served
            body, etag = routes.rows_answer(filters, fmt)
        except TooLarge as exc:
            return _plain(str(exc), 413)
        except ViewError as exc:
            return _plain(str(exc), 400)
        return routes.respond(body, etag, MIMETYPES[fmt], f"observations.{fmt}")

    @server.route("/data/<name>.csv")
    def _chart(name: str) -> flask.Response:
        if name not in charts.CHARTS:
            return _plain(f"no chart named {name[:24]!r}; charts: {', '.join(charts.CHARTS)}", 404)
        params = charts.params_from_query(name, flask.request.args.to_dict())
        try:
            body, etag = routes.chart_answer(name, tuple(sorted(params.items())))
        except ViewError as exc:
            return _plain(str(exc), 400)
        return routes.respond(body, etag, "text/csv", f"{name}.csv")

    server.extensions["dashboard_data_routes"] = routes
    return routes


def _streamed(body: bytes, mimetype: str) -> flask.Response:
    """The answer written ``CHUNK_BYTES`` at a time: a client that reads slowly (or never) holds
    its own greenlet, and the worker serves others between its chunks (150 such clients of a
    5 MB answer once held /health for 1.4 s while their sockets' buffers were filled)."""
    view = memoryview(body)
    response = flask.Response((bytes(view[i:i + CHUNK_BYTES]) for i in range(0, len(body), CHUNK_BYTES)),
                              mimetype=mimetype, direct_passthrough=True)
    response.headers["Content-Length"] = str(len(body))
    return response


def _encoding(accept: str) -> str | None:
    """``br`` or ``gzip`` if the client takes it (brotli first; ``*`` takes either), else None
    (identity). q-values are read as numbers: ``br;q=0`` refuses brotli."""
    weights: dict[str, float] = {}
    for part in accept.split(","):
        name, _, params = part.partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if name.strip():
            weights[name.strip().lower()] = q
    for name in ("br", "gzip"):
        if weights.get(name, weights.get("*", 0.0)) > 0:
            return name
    return None


def _compress(body: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(body, quality=BROTLI_QUALITY)
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


def _snapshot_id(data: ViewData) -> str:
    """What identifies the snapshot's content: its files' hashes (the ETag changes with a new build)."""
    hashes = sorted(ed.get("sha256", "") for src in data.package.get("sources", []) for ed in src.get("editions", []))
    return hashlib.sha256("".join(hashes).encode()).hexdigest()[:16]


def _etag(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]


def _plain(message: str, status: int) -> flask.Response:
    return flask.Response(message + "\n", status=status, mimetype="text/plain")
