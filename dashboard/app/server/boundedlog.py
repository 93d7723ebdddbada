"""Logging that a hostile client cannot turn into a full disk.

Every rejected request and every error is worth one line, but a client sending 1,700
bad requests a second must not write 4 MB/s of tracebacks. :class:`BoundedLog` writes
one line per event (no traceback, at most ``MAX_LINE`` characters), at most
``LINES_PER_WINDOW`` lines per ``WINDOW_S`` seconds, and then one summary line saying
how many similar lines it held back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable

WINDOW_S = 60.0
LINES_PER_WINDOW = 20
MAX_LINE = 300


class BoundedLog:
    """A rate-limited, one-line-per-event front to a :class:`logging.Logger`."""

    def __init__(self, logger: logging.Logger, lines: int = LINES_PER_WINDOW, window: float = WINDOW_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._logger, self._lines, self._window, self._clock = logger, lines, window, clock
        self._start = clock()
        self._written = 0
        self._held: Counter[str] = Counter()
        self._lock = threading.Lock()

    def log(self, level: int, kind: str, message: str) -> None:
        """Write ``kind: message`` as one line, unless this window's quota is spent."""
        with self._lock:
            now = self._clock()
            if now - self._start >= self._window:
                self._flush(now)
            if self._written >= self._lines:
                self._held[kind] += 1
                return
            self._written += 1
        text = " ".join(f"{kind}: {message}".split())
        self._logger.log(level, "%s", text[:MAX_LINE])

    def _flush(self, now: float) -> None:
        """Say what was held back in the window that ended; start a new one."""
        if self._held:
            parts = ", ".join(f"{n} {kind}" for kind, n in self._held.most_common())
            self._logger.warning("%s", f"held back {sum(self._held.values())} log lines in the last "
                                       f"{self._window:.0f} s ({parts})")
        self._start, self._written = now, 0
        self._held.clear()


class BoundedFilter(logging.Filter):
    """The same bound as :class:`BoundedLog` for records from any logger (gunicorn's own):
    one line each (no traceback, at most ``MAX_LINE`` characters), at most ``lines`` per
    window; the first line after a window that held some back says how many."""

    def __init__(self, lines: int = LINES_PER_WINDOW, window: float = WINDOW_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self._lines, self._window, self._clock = lines, window, clock
        self._start = clock()
        self._written = self._held = 0
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        """Shorten the record to one line; False once the window's quota is spent."""
        with self._lock:
            now = self._clock()
            held = 0
            if now - self._start >= self._window:
                held, self._held, self._start, self._written = self._held, 0, now, 0
            if self._written >= self._lines:
                self._held += 1
                return False
            self._written += 1
        error = record.exc_info[1] if record.exc_info else None
        message = record.getMessage() + (f" ({type(error).__name__}: {error})" if error is not None else "")
        text = " ".join(message.split())[:MAX_LINE]
        if held:
            text = f"(held back {held} log lines in the last {self._window:.0f} s) {text}"
        record.msg, record.args = text, ()
        record.exc_info = record.exc_text = record.stack_info = None
        return True


# The app's one bounded log (dashboard.app): rejected requests, errors, missing static copies.
APP_LOG = BoundedLog(logging.getLogger("dashboard.app"))
