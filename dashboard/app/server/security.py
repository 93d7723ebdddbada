"""HTTP hardening for the Dash server: headers, request limits, 4xx for malformed requests, health.

Hostile or malformed requests get a 4xx with a short plain message, never a 5xx or a
traceback; the server logs what it rejected, one line each and at most a few lines a
minute (dashboard/app/server/boundedlog.py).
"""

from __future__ import annotations

import logging

import flask

from dashboard.app.server import frozen, shapes
from dashboard.app.server.boundedlog import APP_LOG
from dashboard.app.server.memo import AnswerMemo

MAX_REQUEST_BYTES = 2 * 1024 * 1024  # the largest callback (the pledge grid's rows) is ~150 KB
MAX_URL_CHARS = shapes.MAX_URL_CHARS
UPDATE_PATH = "/_dash-update-component"
STATIC_PREFIX = "/_dash-component-suites/"
ASSETS_PREFIX = "/assets/"
# Fingerprinted bundles (the URL changes with every version) can be cached for a year; so can
# assets Dash links with their modification time (?m=...). Assets fetched by bare URL (plotly's
# topojson) are revalidated after a day.
IMMUTABLE = "public, max-age=31536000, immutable"
ASSETS_UNVERSIONED = "public, max-age=86400"

BASE_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def content_security_policy(script_hashes: list[str], frameable: bool = False) -> str:
    """A CSP Dash can live with: scripts only from us (inline ones by hash), no framing.

    Styles allow 'unsafe-inline' because Dash components and AG Grid inject <style>
    elements at run time; images allow data:/blob: for plotly's downloads. ``frameable``:
    any site may frame the answer (the embed view, dashboard/app/embed.py).
    """
    scripts = " ".join(["'self'", *script_hashes])  # Dash returns them quoted
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors *" if frameable else "frame-ancestors 'none'",
    ])


def install(app, health: dict, dev: bool = False) -> None:
    """Add headers, limits, request validation, error handlers and /health to ``app``.

    ``dev``: Dash's development tools are on (``serve --debug``); otherwise their routes
    answer 404.
    """
    server: flask.Flask = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    policies: dict[tuple[tuple[str, ...], bool], str] = {}
    answers = AnswerMemo()  # per process: each forked worker fills its own

    @server.before_request
    def _reject_malformed():
        if len(flask.request.full_path) > MAX_URL_CHARS:
            return _plain("URL too long", 414)
        if not dev and flask.request.path in DEV_ONLY_PATHS:
            return _plain("Not found", 404)
        if flask.request.path == UPDATE_PATH and flask.request.method == "POST":
            problem: str | None
            try:
                body = flask.request.get_json(silent=True)
            except RecursionError:
                body = None
                problem = "body nested too deeply"
            else:
                problem = shapes.problem(body, app.callback_map)
            if problem:
                APP_LOG.log(logging.WARNING, "rejected callback request", problem)
                return _plain(f"Bad callback request: {problem}", 400)
            key = answers.key(flask.request.get_data(cache=True))
            kept = answers.get(key)
            if kept is not None:
                return flask.Response(kept, mimetype="application/json")
            flask.g.answer_key = key
        return None

    @server.after_request
    def _headers(response: flask.Response) -> flask.Response:
        # Hashed per response, not once: Dash registers inline scripts (the page router's
        # title callback) on a request's way in, and a first request answered before that
        # (a vendored bundle) once fixed a policy that blocked them. Hashing takes ~20 µs.
        hashes = tuple(app.csp_hashes())
        frameable = bool(flask.g.get("frameable"))  # the embed view only (embed.py)
        if (hashes, frameable) not in policies:
            policies[hashes, frameable] = content_security_policy(list(hashes), frameable)
        response.headers.update(BASE_HEADERS)
        if frameable:
            del response.headers["X-Frame-Options"]
        response.headers["Content-Security-Policy"] = policies[hashes, frameable]
        key = flask.g.get("answer_key")
        if key is not None and response.status_code == 200 and response.mimetype == "application/json":
            # a fresh answer: its static HTML frozen (server/frozen.py), then kept so
            response.set_data(frozen.freeze_answer(response.get_data()))
            answers.put(key, response.get_data())
        if response.status_code == 200 and flask.g.get("page_status", 200) != 200:
            response.status_code = flask.g.page_status  # a "not found" page (index.py)
        if response.status_code == 200:
            path = flask.request.path
            if path.startswith(STATIC_PREFIX) or (path.startswith(ASSETS_PREFIX) and "m" in flask.request.args):
                response.headers["Cache-Control"] = IMMUTABLE
            elif path.startswith(ASSETS_PREFIX):
                response.headers["Cache-Control"] = ASSETS_UNVERSIONED
        return response

    @server.route("/health")
    def _health():
        return flask.jsonify({"status": "ok", **health})

    from dash.exceptions import DependencyException
    from werkzeug.exceptions import HTTPException

    @server.errorhandler(DependencyException)
    def _unknown_bundle(_exc):
        return _plain("Not found", 404)

    @server.errorhandler(413)
    def _too_large(_exc):
        return _plain("Request too large", 413)

    @server.errorhandler(Exception)
    def _failed(exc: Exception):
        """One bounded log line, never a traceback; a callback that cannot use the values a
        client sent is the client's error (the request's shape was checked above)."""
        if isinstance(exc, HTTPException):
            return exc
        where = flask.request.path[:100]
        if flask.request.path == UPDATE_PATH:
            body = flask.request.get_json(silent=True)
            output = body.get("output") if isinstance(body, dict) else None
            APP_LOG.log(logging.ERROR, CALLBACK_FAILED, f"{str(output)[:100]}: {_describe(exc)}")
            return _plain("Bad callback request: the callback cannot use these values", 400)
        APP_LOG.log(logging.ERROR, "request failed", f"{flask.request.method} {where}: {_describe(exc)}")
        return _plain("Internal error", 500)


# The log kind of a callback that raised on a well-shaped request: the fuzz tests look
# for it (a shape the checks let through, or a callback that does not check its values).
CALLBACK_FAILED = "callback raised"
# Routes Dash registers for its development tools (hot reload); off in production.
DEV_ONLY_PATHS = frozenset({"/_reload-hash"})


def _describe(exc: BaseException) -> str:
    first = (str(exc).splitlines() or [""])[0][:160]
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def _plain(message: str, status: int) -> flask.Response:
    return flask.Response(message + "\n", status=status, mimetype="text/plain")
