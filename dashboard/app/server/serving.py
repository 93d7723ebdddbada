"""Production serving: the app under gunicorn with gevent workers, debug off.

Why gevent. A sync worker serves one connection at a time: two clients that connect and
send nothing (or send their headers a byte a second) hold both workers until the worker
timeout kills them, and every other visitor waits (measured: /health timed out in 10 of
12 checks over 55 s). gunicorn's threaded worker parks idle keep-alive connections but
gives each new connection a thread until its request has been read, so 64 slow senders
take 64 threads. A gevent worker parks every connection as a greenlet (a few KB) until
its bytes arrive, so hundreds of idle or slow clients cost memory, not workers; the
callbacks themselves are short CPU work (≤ 15 ms) and run one at a time per worker, as
before. Measured with 256 idle and 64 slow-header connections held open: /health p99
in milliseconds and the callback throughput within a few per cent of the unloaded figure
(docs/performance.md).

Two settings go with it:

- ``KEEPALIVE_S = 0``: one request per connection, as the sync worker did. With
  keep-alive a saturated gevent worker serves the connections it already holds
  unfairly (epoll order): p50 3 ms but p95 0.7 s under wrk; closing after each answer
  sends every request through the kernel's first-come-first-served accept queue
  (p95 26 ms at the same throughput). Behind a proxy the upstream leg is short anyway.
  Re-measured with pages from memory (issue 23, docs/performance.md): a 2-5 s keep-alive took
  GET / from 3,200 to 5,300 req/s (medians) but its p99 from 15 ms to 86-166 ms, and /health's
  p99 beside held idle and slow connections from 9-22 ms to 51-130 ms; so still 0.
- ``REQUEST_READ_TIMEOUT_S``: a client must have sent its whole request within this
  time of connecting, or the connection is closed. A slow-header client cannot hold a
  greenlet for ever; a real browser sends its request in one packet.

The app is built once in the master (``preload_app``) and forked, so workers share the
snapshot's memory and start instantly; each worker keeps its own memoised frames. To
scale out, run the same command on several hosts behind a load balancer. For a public
site put a buffering reverse proxy in front (``deploy/nginx.conf``, README).
"""

from __future__ import annotations

import errno
import os
import socket
from pathlib import Path

from dashboard.errors import DashboardError

GRACEFUL_TIMEOUT_S = 10
WORKER_TIMEOUT_S = 30         # a worker silent this long (a stuck callback) is replaced
KEEPALIVE_S = 0               # see the module docstring
REQUEST_READ_TIMEOUT_S = 20.0  # whole request (headers and body) read within this time
ENV_READ_TIMEOUT = "DEFENCE_DASHBOARD_READ_TIMEOUT"  # seconds, to override it (tests use 2)
WORKER_CONNECTIONS = 1000     # connections one worker parks at once (gunicorn's default)
LIMIT_REQUEST_LINE = 4094     # bytes of "GET /path?query HTTP/1.1"
LIMIT_REQUEST_FIELD_SIZE = 8190
WORKER_CLASS = "dashboard.app.server.worker.DashboardWorker"  # imported by gunicorn after the patch
LOGGER_CLASS = "dashboard.app.server.gunicorn_log.BoundedLogger"  # gunicorn's log, rate-limited
MAX_PORT = 65535


def default_workers() -> int:
    """One worker per CPU core (at least 1): the callbacks are CPU-bound."""
    return max(1, os.cpu_count() or 1)


def read_timeout() -> float:
    """Seconds a client has to send its whole request: $DEFENCE_DASHBOARD_READ_TIMEOUT or 20."""
    try:
        value = float(os.environ.get(ENV_READ_TIMEOUT, REQUEST_READ_TIMEOUT_S))
    except ValueError:
        return REQUEST_READ_TIMEOUT_S
    return value if value > 0 else REQUEST_READ_TIMEOUT_S


def check_port(host: str, port: int) -> None:
    """Raise a one-line error if ``host:port`` cannot be listened on (busy, not ours)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                other = port + 1 if port < MAX_PORT else port - 1  # a suggestion that is a port
                raise DashboardError(f"port {port} on {host} is already in use: "
                                     f"choose another with --port (e.g. --port {other})") from None
            raise DashboardError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def run(snapshot: Path | None, host: str, port: int, workers: int, public_url: str | None = None,
        warm: bool = True) -> None:
    """Serve under gunicorn until interrupted (``public_url``: see ``create_app``; ``warm``:
    paint the pages' chart pictures in a child process once the server answers, ``warm.py``)."""
    # Before anything imports ssl, socket users or threading primitives the workers share:
    # patched after the app is loaded (gunicorn's default) they would stay blocking.
    from gevent import monkey

    monkey.patch_all()

    from gunicorn.app.base import BaseApplication

    from dashboard.app import create_app

    class DashboardServer(BaseApplication):
        """gunicorn application serving the dashboard's Flask server."""

        def load_config(self) -> None:
            settings = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "worker_class": WORKER_CLASS,
                "worker_connections": WORKER_CONNECTIONS,
                "keepalive": KEEPALIVE_S,
                "preload_app": True,
                "timeout": WORKER_TIMEOUT_S,
                "graceful_timeout": GRACEFUL_TIMEOUT_S,
                "limit_request_line": LIMIT_REQUEST_LINE,
                "limit_request_field_size": LIMIT_REQUEST_FIELD_SIZE,
                "accesslog": None,
                "errorlog": "-",
                "logger_class": LOGGER_CLASS,
                "loglevel": "warning",
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self):
            return create_app(snapshot, public_url=public_url).server

    if warm:
        start_warming(host, port)
    DashboardServer().run()


def start_warming(host: str, port: int) -> None:
    """Start ``dashboard.app.pictures.warm`` against this server, detached and quiet (it ends by itself)."""
    import subprocess
    import sys

    address = "127.0.0.1" if host in ("0.0.0.0", "") else "[::1]" if host == "::" else host
    if ":" in address and not address.startswith("["):
        address = f"[{address}]"
    subprocess.Popen([sys.executable, "-m", "dashboard.app.pictures.warm", f"http://{address}:{port}"],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True)
