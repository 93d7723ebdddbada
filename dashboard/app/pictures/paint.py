"""The app side of the painter process (``dashboard.export.painter``): one per web worker.

Started on first use and kept: Python, kaleido and Chromium start in ~3 s, then a picture
takes ~0.2–0.5 s. One request at a time per worker; a failure is one line (``PaintError``)
and the process is replaced on a later request (not within ``RETRY_AFTER_S`` of the
failure). Used for the pages' chart pictures (``pictures``) and the social cards' PNGs
(``social``). Chromium stays out of the web worker (docs/design.md).
"""

from __future__ import annotations

import atexit
import base64
import json
import os
import select
import subprocess
import sys
import threading
import time

from dashboard.errors import DashboardError

PAINT_TIMEOUT_S = 40.0     # one picture; the first also waits for Python, kaleido and Chromium
WAIT_S = 30.0              # a request waiting for the painter to finish another picture
RETRY_AFTER_S = 60.0       # after the painter failed (to start, or in time), no new start for this long


class PaintError(DashboardError):
    """No picture: the painter could not start, timed out or failed (one line)."""


class Painter:
    """The app side of ``dashboard.export.painter``: started on first use, one request at a time."""

    def __init__(self, command: list[str] | None = None) -> None:
        self.command = command or [sys.executable, "-m", "dashboard.export.painter"]
        self._proc: subprocess.Popen[str] | None = None
        self._pid = os.getpid()  # the process that started _proc: a forked worker starts its own
        self._lock = threading.Lock()
        self._failed_at = -RETRY_AFTER_S

    def image(self, figure: dict, width: int, height: int, fmt: str = "svg") -> bytes:
        """``figure`` as SVG or PNG (twice the size, as the export's) at ``width`` × ``height`` px;
        PaintError on any failure."""
        if not self._lock.acquire(timeout=WAIT_S):
            raise PaintError("busy painting other pictures; try again shortly")
        try:
            proc = self._process()
            try:
                assert proc.stdin is not None and proc.stdout is not None
                request = {"figure": figure, "width": width, "height": height, "format": fmt}
                proc.stdin.write(json.dumps(request) + "\n")
                proc.stdin.flush()
                ready, _, _ = select.select([proc.stdout], [], [], PAINT_TIMEOUT_S)
                line = proc.stdout.readline() if ready else ""
            except (OSError, ValueError) as exc:
                self._stop()
                raise PaintError(f"the painter stopped: {type(exc).__name__}") from None
            if not line:
                self._stop()
                raise PaintError("the painter did not answer in time" if not ready else "the painter exited")
            reply = json.loads(line)
            if "svg" in reply:
                return str(reply["svg"]).encode("utf-8")
            if "png" in reply:
                return base64.b64decode(reply["png"])
            raise PaintError(str(reply.get("error", "no picture"))[:300])
        finally:
            self._lock.release()

    def _process(self) -> subprocess.Popen[str]:
        if self._pid != os.getpid():  # forked (gunicorn's workers): the parent's painter is not ours
            self._proc, self._pid = None, os.getpid()
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        if time.monotonic() - self._failed_at < RETRY_AFTER_S:
            raise PaintError("the painter failed recently; not retrying yet")
        try:
            self._proc = subprocess.Popen(self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=subprocess.DEVNULL, text=True, encoding="utf-8")
        except OSError as exc:
            self._failed_at = time.monotonic()
            raise PaintError(f"cannot start the painter: {exc.strerror}") from None
        return self._proc

    def _stop(self) -> None:
        """End the process (its Chromium stops when its input closes; killed if it hangs)."""
        self._failed_at = time.monotonic()
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            proc.kill()
            proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass

    def close(self) -> None:
        """Close the painter's input (it stops its browser and exits)."""
        proc, self._proc = self._proc, None
        if proc is not None and self._pid == os.getpid() and proc.poll() is None and proc.stdin is not None:
            try:
                proc.stdin.close()
                proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                proc.kill()


_PAINTER = Painter()
atexit.register(_PAINTER.close)


def painter() -> Painter:
    """This process's painter."""
    return _PAINTER
