"""The one HTTP session every loader uses: timeouts, retries with backoff, a User-Agent."""

from __future__ import annotations

import time
from collections.abc import Callable

import requests

from dashboard import __version__
from dashboard.errors import DashboardError

USER_AGENT = f"defence-dashboard/{__version__} (+https://github.com/; open-source research tool)"
TIMEOUT_S = (10, 60)  # connect, read: publishers' bulk files take a while to start
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_ATTEMPTS = 4
BACKOFF_S = 1.0
MAX_RETRY_AFTER_S = 120
BODY_EXCERPT_CHARS = 160  # a server asking for longer than this is treated as a failure


class HttpError(DashboardError):
    """A request failed after retries; str() is one line with the URL and the reason."""


def session() -> requests.Session:
    """A session with our User-Agent."""
    s = requests.Session()
    s.headers["User-Agent"] = USER_AGENT
    return s


def get(
    sess: requests.Session,
    url: str,
    *,
    params: dict | None = None,
    stream: bool = False,
    sleep: Callable[[float], None] = time.sleep,
) -> requests.Response:
    """GET with retries on connection errors and 429/5xx, honouring Retry-After.

    Raises :class:`HttpError` naming the URL and the last status or error.
    """
    last = ""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            resp = sess.get(url, params=params, timeout=TIMEOUT_S, stream=stream)
        except (requests.ConnectionError, requests.Timeout) as exc:
            last = _connection_problem(exc)
            if last.startswith(NO_RETRY_PREFIX):
                break  # a host that does not resolve will not resolve in a second either
            wait = BACKOFF_S * 2 ** (attempt - 1)
        else:
            if resp.status_code < 400:
                return resp
            last = f"HTTP {resp.status_code}"
            if resp.status_code not in RETRY_STATUSES:
                last += _body_excerpt(resp)
                break
            wait = _retry_after(resp) or BACKOFF_S * 2 ** (attempt - 1)
            if wait > MAX_RETRY_AFTER_S:
                last += f" (Retry-After {wait:.0f} s exceeds {MAX_RETRY_AFTER_S} s)"
                break
        if attempt < MAX_ATTEMPTS:
            sleep(wait)
    raise HttpError(f"{url}: {last} after {attempt} attempt(s)")


NO_RETRY_PREFIX = "cannot resolve host"


def _connection_problem(exc: Exception) -> str:
    """A short reason for a connection failure (requests nests urllib3's long repr)."""
    text = str(exc)
    if "NameResolutionError" in text or "Name or service not known" in text \
            or "Temporary failure in name resolution" in text or "nodename nor servname" in text:
        host = getattr(getattr(exc, "request", None), "url", "") or ""
        host = host.split("/")[2] if host.count("/") >= 2 else "the host"
        return f"{NO_RETRY_PREFIX} {host} (offline?)"
    if "Connection refused" in text:
        return "connection refused"
    if isinstance(exc, requests.Timeout):
        return f"{type(exc).__name__} (no answer within {TIMEOUT_S[1]} s)"
    return f"{type(exc).__name__}: {' '.join(text.split())[:120]}"


def _body_excerpt(resp: requests.Response) -> str:
    """A short, one-line excerpt of an error body (publishers explain 4xx there)."""
    kind = resp.headers.get("Content-Type", "")
    if not any(t in kind for t in ("json", "text/plain", "xml")):
        return ""  # HTML error pages are noise in a one-line message
    text = " ".join(resp.text.split())[:BODY_EXCERPT_CHARS]
    return f" ({text})" if text else ""


def _retry_after(resp: requests.Response) -> float | None:
    """Seconds from a numeric Retry-After header (HTTP dates are rare here: ignored)."""
    value = resp.headers.get("Retry-After", "").strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
