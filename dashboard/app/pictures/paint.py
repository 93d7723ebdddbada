"""The app side of the painter process (``dashboard.export.painter``): one per web worker.

Started on first use and kept: Python, kaleido and Chromium start in ~3 s, then a picture
takes ~0.2–0.5 s. One request at a time per worker; a failure is one line (``PaintError``).
A painter is replaced — its whole process tree killed, Chromium included — when it exits,
does not answer in time, answers with an error that means its browser is gone (killed,
crashed, stopped), or answers only errors ``ERRORS_BEFORE_RESTART`` times in a row. The next
start waits ``RETRY_AFTER_S``, doubled for each further failure in a row up to
``RETRY_MAX_S``, and the wait is forgotten after a picture. So a killed or stopped Chromium
costs a few requests' 503s, not the worker's life. Used for the pages' chart pictures
(``pictures``) and the social cards' PNGs (``social``). Chromium stays out of the web worker
(docs/design.md).
"""

from __future__ import annotations

import atexit
import base64
import json
import math
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from dashboard.errors import DashboardError

# A warm painter paints a picture in ~0.2–0.5 s (the world map ~2 s); a browser that has not
# answered after this long is hung (a stopped Chromium never answers) and the painter is replaced.
PAINT_TIMEOUT_S = 12.0
# The first picture of a new painter also waits for Python, kaleido and Chromium to start (~3 s,
# several times that on a busy 2-core machine): it may take this many times PAINT_TIMEOUT_S.
FIRST_PAINT_FACTOR = 2
WAIT_S = 30.0              # a request waiting for the painter to finish another picture
# After a failure no new painter starts for RETRY_AFTER_S, doubled for each further failure in a
# row up to RETRY_MAX_S: a browser killed once is back in ~1 s + its start, while a browser that
# cannot start costs one doomed start per 20 s, not one per request. A picture resets the count.
RETRY_AFTER_S = 1.0
RETRY_MAX_S = 20.0
# What a 503 tells a client to wait: a replaced painter is usually back within a few seconds.
RETRY_HINT_S = 5
# An error reply is usually one figure's fault and the painter is kept; this many in a row
# without a picture mean the painter itself is broken in a way no message below names.
ERRORS_BEFORE_RESTART = 3
# Error replies that mean the painter's browser is gone, so every later picture would fail too.
# The painter runs in another process and the app never imports the export, so these are the
# texts of ``dashboard.export.browser``'s errors and of choreographer's (a killed Chromium);
# tests/test_painter_recovery.py checks each is still there.
BROWSER_GONE: tuple[str, ...] = (
    "the browser was stopped after an earlier failure",   # browser.Renderer after a hang or crash
    "Chromium not responding",                              # browser.Renderer: a picture timed out
    "Chromium failed",                                      # browser.Renderer: Browser{Closed,Failed}Error
    "Executor is closed",                                   # choreographer: its Chromium was killed
)
KILL_WAIT_S = 5.0          # for a killed painter to be reaped
CLOSE_WAIT_S = 10.0        # for a painter told to finish (end of input) to stop its browser and exit


class PaintError(DashboardError):
    """No picture: the painter could not start, timed out or failed (one line)."""


class Painter:
    """The app side of ``dashboard.export.painter``: started on first use, one request at a time,
    replaced with back-off when it fails."""

    def __init__(self, command: list[str] | None = None) -> None:
        self.command = command or [sys.executable, "-m", "dashboard.export.painter"]
        self._proc: subprocess.Popen[bytes] | None = None
        self._pid = os.getpid()  # the process that started _proc: a forked worker starts its own
        self._lock = threading.Lock()
        self._warm = False       # the current painter has painted a picture (its browser is up)
        self._errors = 0         # error replies in a row from the current painter
        self._failures = 0       # failures in a row, across painters: the back-off's exponent
        self._failed_at = -math.inf

    def image(self, figure: dict, width: int, height: int, fmt: str = "svg") -> bytes:
        """``figure`` as SVG or PNG (twice the size, as the export's) at ``width`` × ``height`` px;
        PaintError on any failure."""
        if not self._lock.acquire(timeout=WAIT_S):
            raise PaintError("busy painting other pictures; try again shortly")
        try:
            request = {"figure": figure, "width": width, "height": height, "format": fmt}
            return self._paint((json.dumps(request) + "\n").encode("utf-8"))
        finally:
            self._lock.release()

    def backoff(self) -> float:
        """Seconds a new painter waits after the last failure (0 when the last picture succeeded)."""
        if not self._failures:
            return 0.0
        return min(RETRY_AFTER_S * 2 ** (self._failures - 1), RETRY_MAX_S)

    def close(self) -> None:
        """Close the painter's input (it stops its browser and exits); killed if it does not."""
        proc, self._proc = self._proc, None
        if proc is None or self._pid != os.getpid():
            return
        try:
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait(timeout=CLOSE_WAIT_S)
        except (OSError, subprocess.TimeoutExpired):
            pass
        _end(proc)

    def _paint(self, request: bytes) -> bytes:
        proc = self._process()
        assert proc.stdin is not None and proc.stdout is not None
        timeout = PAINT_TIMEOUT_S * (1 if self._warm else FIRST_PAINT_FACTOR)
        try:
            line = _ask(proc.stdin.fileno(), proc.stdout.fileno(), request, time.monotonic() + timeout)
        except (OSError, ValueError) as exc:
            self._fail()
            raise PaintError(f"the painter stopped: {type(exc).__name__}") from None
        if not line:
            self._fail()
            raise PaintError("the painter exited" if line == b"" else
                             f"the painter did not answer in time ({timeout:g} s); it is being restarted")
        try:
            reply = json.loads(line)
        except ValueError:
            reply = {"error": "the painter's answer was not JSON"}
        if isinstance(reply, dict) and "svg" in reply:
            self._succeeded()
            return str(reply["svg"]).encode("utf-8")
        if isinstance(reply, dict) and "png" in reply:
            self._succeeded()
            return base64.b64decode(reply["png"])
        message = " ".join(str(reply.get("error", "") if isinstance(reply, dict) else reply).split())[:300]
        self._errors += 1
        if any(mark in message for mark in BROWSER_GONE) or self._errors >= ERRORS_BEFORE_RESTART:
            self._fail()
        raise PaintError(message or "no picture")

    def _process(self) -> subprocess.Popen[bytes]:
        """The running painter, or a new one unless the back-off after a failure still runs."""
        if self._pid != os.getpid():  # forked (gunicorn's workers): the parent's painter is not ours
            self._proc, self._pid, self._failures, self._failed_at = None, os.getpid(), 0, -math.inf
        if self._proc is not None:
            if self._proc.poll() is None:
                return self._proc
            self._discard()  # it exited between requests: clear what is left of it, start another
        wait = self._failed_at + self.backoff() - time.monotonic()
        if wait > 0:
            raise PaintError(f"the painter failed recently; trying again in {math.ceil(wait)} s")
        try:
            proc = subprocess.Popen(self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError as exc:
            self._failures, self._failed_at = self._failures + 1, time.monotonic()
            raise PaintError(f"cannot start the painter: {exc.strerror}") from None
        assert proc.stdin is not None
        os.set_blocking(proc.stdin.fileno(), False)  # a request is sent within the timeout, or not at all
        self._proc, self._warm, self._errors = proc, False, 0
        return proc

    def _succeeded(self) -> None:
        self._warm, self._errors, self._failures = True, 0, 0

    def _fail(self) -> None:
        """Replace the painter: kill it and its browser now, start the next after the back-off."""
        self._failures, self._failed_at = self._failures + 1, time.monotonic()
        self._discard()

    def _discard(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            _end(proc)


def _ask(stdin: int, stdout: int, request: bytes, deadline: float) -> bytes | None:
    """Send one request line and read one reply line by ``deadline`` (``time.monotonic``):
    the line, b"" if the painter closed its output, None if time ran out."""
    pending = memoryview(request)
    while pending:
        if not select.select([], [stdin], [], max(0.0, deadline - time.monotonic()))[1]:
            return None
        try:
            pending = pending[os.write(stdin, pending):]
        except BlockingIOError:
            continue
    reply = bytearray()
    while not reply.endswith(b"\n"):
        if not select.select([stdout], [], [], max(0.0, deadline - time.monotonic()))[0]:
            return None
        chunk = os.read(stdout, 1 << 16)
        if not chunk:
            return b""
        reply += chunk
    return bytes(reply)


def _end(proc: subprocess.Popen[bytes]) -> None:
    """Kill a painter with everything it started, close its pipes and reap it."""
    if proc.returncode is None:  # not reaped yet, so its pid is not someone else's
        _kill_tree(proc.pid)
    for stream in (proc.stdin, proc.stdout):
        try:
            if stream is not None:
                stream.close()
        except OSError:
            pass
    try:
        proc.wait(timeout=KILL_WAIT_S)
    except subprocess.TimeoutExpired:
        pass


def _kill_tree(pid: int) -> None:
    """SIGKILL the painter's process group (it leads one: ``start_new_session``) and every process
    below it in whatever group it moved to (choreographer runs Chromium in a session of its own).
    SIGKILL ends a stopped process too, so a SIGSTOPped Chromium does not outlive its painter."""
    for child in _descendants(pid):  # before the painter dies: its orphans could not be found
        try:
            if os.getpgid(child) == child:
                os.killpg(child, signal.SIGKILL)
            else:
                os.kill(child, signal.SIGKILL)
        except OSError:
            continue
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


def _descendants(pid: int) -> list[int]:
    """The processes below ``pid`` (children, their children, …), from /proc; none elsewhere."""
    children: dict[int, list[int]] = {}
    proc = Path("/proc")
    for entry in proc.iterdir() if proc.is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        below = children.get(todo.pop(), [])
        found += below
        todo += below
    return found


_PAINTER = Painter()
atexit.register(_PAINTER.close)


def painter() -> Painter:
    """This process's painter."""
    return _PAINTER
