"""Data by URL: the snapshot's tidy rows and every chart's data, as the app's pages have them.

    GET /data/observations.csv?source=sipri&iso3=GBR&indicator=milex_share_gdp&years=2000-2024
    GET /data/observations.json?…                 (a list of objects)
    GET /data/<chart>.csv?<the page's parameters>  (what the chart card's CSV button downloads)

Filters are checked (one line and 400 for a bad one); an answer is at most ``MAX_ROWS``
rows (narrow the filters for more); answers are kept per process and carry an ETag (a
repeat with ``If-None-Match`` gets 304) and a day's caching.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

import flask

from dashboard import charts
from dashboard.views import ViewError, observations
from dashboard.views.data import ViewData

MAX_ROWS = 50_000          # a third of the table; CSV of that is ~6 MB
CACHE_CONTROL = "public, max-age=86400"
MIMETYPES = {"csv": "text/csv", "json": "application/json"}


def install(server: flask.Flask, data: ViewData) -> None:
    """Add the /data routes to ``server``."""
    edition = _snapshot_id(data)

    @lru_cache(maxsize=256)
    def rows_answer(canonical: str, fmt: str) -> tuple[bytes, str]:
        filters = observations.Filters(*[tuple(v) if isinstance(v, list) else v for v in json.loads(canonical)])
        rows = observations.select(data, filters)
        if len(rows) > MAX_ROWS:
            raise ViewError(f"{len(rows):,} rows match, more than {MAX_ROWS:,} an answer: narrow the filters "
                            "(source, edition, iso3, indicator, years)")
        body = observations.encode(rows, fmt)
        return body, _etag(edition, canonical, fmt)

    @lru_cache(maxsize=512)
    def chart_answer(name: str, params: tuple[tuple[str, str], ...]) -> tuple[bytes, str]:
        body = charts.chart_csv(data, name, dict(params)).encode("utf-8")
        return body, _etag(edition, name, json.dumps(params))

    @server.route("/data/observations.<fmt>")
    def _observations(fmt: str) -> flask.Response:
        if fmt not in MIMETYPES:
            return _plain(f"unknown format {fmt[:12]!r}: /data/observations.csv or .json", 404)
        try:
            filters = observations.parse(flask.request.args.to_dict(), data)
            body, etag = rows_answer(filters.canonical(), fmt)
        except ViewError as exc:
            return _plain(str(exc), 400)
        return _answer(body, etag, MIMETYPES[fmt], f"observations.{fmt}")

    @server.route("/data/<name>.csv")
    def _chart(name: str) -> flask.Response:
        if name not in charts.CHARTS:
            return _plain(f"no chart named {name[:24]!r}; charts: {', '.join(charts.CHARTS)}", 404)
        params = charts.params_from_query(name, flask.request.args.to_dict())
        try:
            body, etag = chart_answer(name, tuple(sorted(params.items())))
        except ViewError as exc:
            return _plain(str(exc), 400)
        return _answer(body, etag, "text/csv", f"{name}.csv")


def _answer(body: bytes, etag: str, mimetype: str, filename: str) -> flask.Response:
    if flask.request.if_none_match.contains(etag):
        response = flask.Response(status=304)
    else:
        response = flask.Response(body, mimetype=mimetype)
        response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.set_etag(etag)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


def _snapshot_id(data: ViewData) -> str:
    """What identifies the snapshot's content: its files' hashes (the ETag changes with a new build)."""
    hashes = sorted(ed.get("sha256", "") for src in data.package.get("sources", []) for ed in src.get("editions", []))
    return hashlib.sha256("".join(hashes).encode()).hexdigest()[:16]


def _etag(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]


def _plain(message: str, status: int) -> flask.Response:
    return flask.Response(message + "\n", status=status, mimetype="text/plain")
