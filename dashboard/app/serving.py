"""Production serving: the app under gunicorn, N stateless workers, debug off.

The app is built once in the master (``preload_app``) and forked, so workers share the
snapshot's memory and start instantly; each worker keeps its own memoised frames. To
scale out, run the same command on several hosts behind a load balancer: nothing is
shared between workers or hosts.
"""

from __future__ import annotations

import os
from pathlib import Path

# CPU-bound callbacks: one synchronous worker per core is the sweet spot; more only queue.
GRACEFUL_TIMEOUT_S = 10
WORKER_TIMEOUT_S = 30
LIMIT_REQUEST_LINE = 4094     # bytes of "GET /path?query HTTP/1.1"
LIMIT_REQUEST_FIELD_SIZE = 8190


def default_workers() -> int:
    """One worker per CPU core (at least 1)."""
    return max(1, os.cpu_count() or 1)


def run(snapshot: Path | None, host: str, port: int, workers: int) -> None:
    """Serve under gunicorn until interrupted."""
    from gunicorn.app.base import BaseApplication

    from dashboard.app import create_app

    class DashboardServer(BaseApplication):
        """gunicorn application serving the dashboard's Flask server."""

        def load_config(self) -> None:
            settings = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "worker_class": "sync",
                "preload_app": True,
                "timeout": WORKER_TIMEOUT_S,
                "graceful_timeout": GRACEFUL_TIMEOUT_S,
                "limit_request_line": LIMIT_REQUEST_LINE,
                "limit_request_field_size": LIMIT_REQUEST_FIELD_SIZE,
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "warning",
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self):
            return create_app(snapshot).server

    DashboardServer().run()
