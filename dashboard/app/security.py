"""HTTP hardening for the Dash server: headers, request limits, 4xx for malformed requests, health.

Hostile or malformed requests get a 4xx with a short plain message, never a 5xx or a
traceback; the server logs what it rejected.
"""

from __future__ import annotations

import logging

import flask

LOG = logging.getLogger("dashboard.app")

MAX_REQUEST_BYTES = 2 * 1024 * 1024  # the largest callback (the pledge grid's rows) is ~150 KB
MAX_URL_CHARS = 2048
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


def content_security_policy(script_hashes: list[str]) -> str:
    """A CSP Dash can live with: scripts only from us (inline ones by hash), no framing.

    Styles allow 'unsafe-inline' because Dash components and AG Grid inject <style>
    elements at run time; images allow data:/blob: for plotly's downloads.
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
        "frame-ancestors 'none'",
    ])


def install(app, health: dict) -> None:
    """Add headers, limits, request validation, error handlers and /health to ``app``."""
    server: flask.Flask = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    policies: dict[tuple[str, ...], str] = {}

    @server.before_request
    def _reject_malformed():
        if len(flask.request.full_path) > MAX_URL_CHARS:
            return _plain("URL too long", 414)
        if flask.request.path == UPDATE_PATH and flask.request.method == "POST":
            problem = _callback_problem(flask.request.get_json(silent=True), app)
            if problem:
                LOG.warning("rejected callback request: %s", problem)
                return _plain(f"Bad callback request: {problem}", 400)
        return None

    @server.after_request
    def _headers(response: flask.Response) -> flask.Response:
        # Hashed per response, not once: Dash registers inline scripts (the page router's
        # title callback) on a request's way in, and a first request answered before that
        # (a vendored bundle) once fixed a policy that blocked them. Hashing takes ~20 µs.
        hashes = tuple(app.csp_hashes())
        if hashes not in policies:
            policies[hashes] = content_security_policy(list(hashes))
        response.headers.update(BASE_HEADERS)
        response.headers["Content-Security-Policy"] = policies[hashes]
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

    @server.errorhandler(DependencyException)
    def _unknown_bundle(_exc):
        return _plain("Not found", 404)

    @server.errorhandler(413)
    def _too_large(_exc):
        return _plain("Request too large", 413)


def _callback_problem(body: object, app) -> str | None:
    """Why a callback request body is malformed, or None if it is well-formed."""
    if not isinstance(body, dict):
        return "body is not a JSON object"
    output = body.get("output")
    if not isinstance(output, str) or output not in app.callback_map:
        return "unknown output"
    if not callable(app.callback_map[output].get("callback")):
        return "not a server-side callback"
    for key in ("inputs", "state"):
        items = body.get(key, [])
        # an ALL/ALLSMALLER pattern input arrives as a list of {id, property, value}
        if not isinstance(items, list) or not all(
                _dependency(i) or (isinstance(i, list) and all(_dependency(j) for j in i)) for i in items):
            return f"{key} must be a list of {{id, property, value}}"
    outputs = body.get("outputs")
    if not (_dependency(outputs) or (isinstance(outputs, list) and all(
            _dependency(o) or (isinstance(o, list) and all(_dependency(j) for j in o)) for o in outputs))):
        return "outputs must be {id, property} with concrete ids"
    expected = app.callback_map[output]
    if len(body.get("inputs", [])) != len(expected.get("inputs", [])) or \
            len(body.get("state", [])) != len(expected.get("state", [])):
        return "wrong number of inputs or state"
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "changedPropIds must be a list of strings"
    return None


def _dependency(item: object) -> bool:
    """A well-formed {id, property} with a concrete id (no wildcard lists inside)."""
    if not isinstance(item, dict) or not isinstance(item.get("property"), str):
        return False
    cid = item.get("id")
    if isinstance(cid, str):
        return not cid.startswith("{")  # a stringified (wildcard) id is never a real component
    return isinstance(cid, dict) and all(isinstance(v, (str, int, float, bool)) for v in cid.values())


def _plain(message: str, status: int) -> flask.Response:
    return flask.Response(message + "\n", status=status, mimetype="text/plain")
