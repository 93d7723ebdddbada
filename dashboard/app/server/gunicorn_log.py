"""gunicorn's own logs, bounded like the app's (``boundedlog``): a client sending malformed
request lines cannot make gunicorn write its 4 KB lines as fast as it sends them.

Named by ``serving`` as gunicorn's ``logger_class`` and imported by gunicorn after the
standard library is patched for gevent.
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from dashboard.app.server.boundedlog import BoundedFilter


class BoundedLogger(Logger):
    """gunicorn's logger with every handler of its error and access logs behind a
    :class:`BoundedFilter` (one per log: 20 lines a minute, 300 characters a line)."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            bound = BoundedFilter()
            for handler in log.handlers:
                handler.addFilter(bound)
