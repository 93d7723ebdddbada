"""The painter: one per server, shared by its web workers (issue 23). Three parts:

- ``Painter`` drives one painter process (``python -m dashboard.export.painter``, one warm
  Chromium) through its stdin and stdout: started on first use, one request at a time, a
  failure one line (``PaintError``). It is replaced — its whole process tree killed,
  Chromium included — when it exits, does not answer in time, answers with an error that
  means its browser is gone (killed, crashed, stopped), or answers only errors
  ``ERRORS_BEFORE_RESTART`` times in a row. The next start waits ``RETRY_AFTER_S``, doubled
  for each further failure in a row up to ``RETRY_MAX_S``, and the wait is forgotten after a
  picture. So a killed or stopped Chromium costs a few requests' 503s, not the server's pictures.
- ``serve`` is the painter service, ``python -m dashboard.app.pictures.paint DIR``: a small
  process holding the server's one ``Painter``, answering on the Unix socket ``DIR/painter.sock``
  one request at a time in the order they came (the socket's accept queue is the queue). It is
  started by the first request of any worker, stops — painter and Chromium with it — after
  ``IDLE_S`` without a request, and stops when the server that owns DIR has gone. It holds an
  ``flock`` on ``DIR/painter.lock`` while it lives: never two services for one DIR.
- ``SharedPainter`` is what the app calls, ``painter().image(figure, width, height, fmt)``:
  it sends the request (length-prefixed JSON) to the service, starting the service if none
  answers, and waits for the picture with a timeout. Plain socket I/O, which gevent's patched
  sockets turn into waits that let the worker's other requests run.

DIR is per server: named after the process that imported this module (``OWNER``). Under
gunicorn that is the master, which builds the app before it forks the workers (``preload_app``),
so the workers share one DIR; a single process (``serve --debug``, the tests) has its own. Used for the pages' chart pictures (``svg``) and the social
cards' PNGs (``social``). Chromium stays out of the web workers (docs/design.md).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import fcntl
import json
import math
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from dashboard.errors import DashboardError

# A warm painter paints a picture in ~0.2–0.5 s (the world map ~2 s); a browser that has not
# answered after this long is hung (a stopped Chromium never answers) and the painter is replaced.
PAINT_TIMEOUT_S = 12.0
# The first picture of a new painter also waits for Python, kaleido and Chromium to start (~3 s,
# several times that on a busy 2-core machine): it may take this many times PAINT_TIMEOUT_S.
FIRST_PAINT_FACTOR = 2
WAIT_S = 30.0              # a request waiting for the painter to finish other pictures
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

# The service. A warm painter holds ~350 MB (Chromium ~260 MB of it, ~620 MB just after a burst
# of pictures): it is stopped after this long without a request and started again (~3 s) by the
# next. A burst (a page's pictures, the start's warm-up) is over well within it, and the server is
# back to its workers' memory within a minute of its last picture (docs/performance.md, issue 23).
IDLE_S = 45.0
ENV_IDLE = "DEFENCE_DASHBOARD_PAINTER_IDLE"    # seconds, to override IDLE_S
ENV_DIR = "DEFENCE_DASHBOARD_PAINTER_DIR"      # the service's folder, to override the per-server one
SOCKET_NAME, LOCK_NAME = "painter.sock", "painter.lock"
OWNER_CHECK_S = 1.0        # how often an idle service looks whether its server is still there
# A new service waits this long for the lock: the previous one may still be stopping its browser.
LOCK_WAIT_S = CLOSE_WAIT_S + KILL_WAIT_S + 5.0
START_WAIT_S = LOCK_WAIT_S + 5.0   # a request waiting for a service to start (Python: ~0.1 s)
START_POLL_S = 0.05
READ_S = 5.0               # the service reading one request from a worker
# A request's whole wait: its turn (WAIT_S), a new painter's first picture, a hung one replaced.
ANSWER_WAIT_S = WAIT_S + PAINT_TIMEOUT_S * FIRST_PAINT_FACTOR + 2 * KILL_WAIT_S
MAX_REQUEST_BYTES = 64 << 20
BACKLOG = 128              # requests queued at once (then a worker's connect waits)
LENGTH = struct.Struct(">I")
PICTURE, ERROR = b"+", b"-"  # the first byte of a reply


class PaintError(DashboardError):
    """No picture: the painter could not start, timed out or failed (one line)."""


class Painter:
    """One painter process (``dashboard.export.painter``): started on first use, one request at a
    time, replaced with back-off when it fails."""

    def __init__(self, command: list[str] | None = None) -> None:
        self.command = command or [sys.executable, "-m", "dashboard.export.painter"]
        self._proc: subprocess.Popen[bytes] | None = None
        self._pid = os.getpid()  # the process that started _proc: a forked child starts its own
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
        message = _one_line(str(reply.get("error", "") if isinstance(reply, dict) else reply))
        self._errors += 1
        if any(mark in message for mark in BROWSER_GONE) or self._errors >= ERRORS_BEFORE_RESTART:
            self._fail()
        raise PaintError(message or "no picture")

    def _process(self) -> subprocess.Popen[bytes]:
        """The running painter, or a new one unless the back-off after a failure still runs."""
        if self._pid != os.getpid():  # forked: the parent's painter is not ours
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


class SharedPainter:
    """The server's painter service as the app calls it: ``image()`` sends the request to the
    service in ``directory`` (default: this server's, ``runtime_dir``), starting it if none answers.

    ``idle_s``, ``command`` (the painter process, as ``Painter``'s) and ``owner`` (the process
    whose end stops it) are given to a service this starts; by default
    $DEFENCE_DASHBOARD_PAINTER_IDLE or ``IDLE_S``, the export's painter and the server's process.
    """

    def __init__(self, directory: Path | None = None, idle_s: float | None = None,
                 command: list[str] | None = None, owner: int | None = None) -> None:
        self._directory = directory
        self.idle_s = idle_s
        self.command = command
        self.owner = owner or OWNER
        self._started: list[subprocess.Popen[bytes]] = []  # services this process started, to reap
        self._starting_until = -math.inf  # a service this process started may still be starting until then

    def image(self, figure: dict, width: int, height: int, fmt: str = "svg") -> bytes:
        """``figure`` as SVG or PNG (twice the size, as the export's) at ``width`` × ``height`` px;
        PaintError (one line) on any failure."""
        # time.monotonic is CLOCK_MONOTONIC, one clock for every process on the machine
        request = {"figure": figure, "width": width, "height": height, "format": fmt,
                   "wait_until": time.monotonic() + WAIT_S}
        kind, body = self._exchange(json.dumps(request).encode("utf-8"))
        if kind == PICTURE:
            return body
        raise PaintError(_one_line(body.decode("utf-8", "replace")) or "no picture")

    def close(self) -> None:
        """Stop the service (its painter and browser with it) if one runs; start none."""
        try:
            conn = _connect(self.directory() / SOCKET_NAME, READ_S)
        except OSError:
            return
        with conn:
            try:
                _send(conn, b"{\"stop\": true}", time.monotonic() + READ_S)
                _receive(conn, time.monotonic() + READ_S + CLOSE_WAIT_S + KILL_WAIT_S)
            except (OSError, EOFError, ValueError):
                pass
        self._reap()

    def directory(self) -> Path:
        """The service's folder (made, private to this user, on first use)."""
        return self._directory or runtime_dir()

    def _exchange(self, request: bytes) -> tuple[bytes, bytes]:
        self._reap()
        conn = self._connection()
        deadline = time.monotonic() + ANSWER_WAIT_S
        with conn:
            try:
                _send(conn, request, deadline)
                reply = _receive(conn, deadline)
            except TimeoutError:
                raise PaintError(f"the painter did not answer in time ({ANSWER_WAIT_S:g} s); "
                                 "try again shortly") from None
            except (OSError, EOFError, ValueError) as exc:
                raise PaintError(f"the painter service stopped mid-picture ({type(exc).__name__}); "
                                 "try again shortly") from None
        return reply[:1], reply[1:]

    def _connection(self) -> socket.socket:
        """A connection to the service, started first if none listens (and none is starting)."""
        directory = self.directory()
        path, deadline, started = directory / SOCKET_NAME, time.monotonic() + START_WAIT_S, False
        while True:
            try:
                conn = _connect(path, max(0.1, deadline - time.monotonic()))
                self._starting_until = -math.inf
                return conn
            except (FileNotFoundError, ConnectionRefusedError):
                pass  # none listens: none runs, or one is starting, or one is stopping
            except OSError as exc:
                raise PaintError(f"cannot reach the painter: {exc.strerror or type(exc).__name__}") from None
            # one start per request, and none while another request of this process has one starting
            if not started and time.monotonic() > self._starting_until and not _locked(directory / LOCK_NAME):
                self._start(directory)
                self._starting_until, started = time.monotonic() + START_WAIT_S, True
            if time.monotonic() > deadline:
                raise PaintError(f"the painter did not start within {START_WAIT_S:g} s; try again shortly")
            time.sleep(START_POLL_S)

    def _start(self, directory: Path) -> None:
        idle = self.idle_s if self.idle_s is not None else idle_seconds()
        command = [sys.executable, "-m", "dashboard.app.pictures.paint", str(directory),
                   "--owner", str(self.owner), "--idle", repr(idle)]
        if self.command:
            command += ["--", *self.command]
        try:
            self._started.append(subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                                  stderr=subprocess.DEVNULL, start_new_session=True))
        except OSError as exc:
            raise PaintError(f"cannot start the painter: {exc.strerror}") from None

    def _reap(self) -> None:
        """Forget the services this process started that have exited (no zombies)."""
        self._started = [proc for proc in self._started if proc.poll() is None]


# ---- the service -------------------------------------------------------------------------------

def serve(directory: Path, owner: int, idle_s: float, command: list[str] | None = None) -> None:
    """Answer requests on ``directory/painter.sock`` with one ``Painter`` until idle for ``idle_s``,
    told to stop, or ``owner`` (the server's process) has gone. Returns at once if another service
    keeps the lock for ``LOCK_WAIT_S`` (two workers started one each: one serves)."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / SOCKET_NAME
    lock = _hold(directory / LOCK_NAME, LOCK_WAIT_S, lambda: _listening(path))
    if lock is None:
        return
    _tidy(directory.parent)
    path.unlink(missing_ok=True)  # a killed service's: we hold the lock, so nobody listens on it
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    painter, last, stop = Painter(command), time.monotonic(), False
    signal.signal(signal.SIGTERM, _exit)
    try:
        listener.bind(str(path))
        listener.listen(BACKLOG)
        while not stop and time.monotonic() - last < idle_s and _alive(owner):
            wait = min(OWNER_CHECK_S, max(0.0, last + idle_s - time.monotonic()))
            if select.select([listener], [], [], wait)[0]:
                stop = _answer(listener, painter)
                last = time.monotonic()
        path.unlink(missing_ok=True)  # no new requests: the next one starts another service
        listener.setblocking(False)
        while True:  # the requests already queued are answered
            try:
                _answer(listener, painter)
            except BlockingIOError:
                break
    finally:
        listener.close()
        painter.close()
        if not _alive(owner):  # the server has gone: nobody will ask in this folder again
            (directory / LOCK_NAME).unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                directory.rmdir()  # only if nothing else is in it
        os.close(lock)


def _answer(listener: socket.socket, painter: Painter) -> bool:
    """Answer one queued request (BlockingIOError if none); True if it asked the service to stop."""
    conn, _ = listener.accept()
    with conn:
        conn.setblocking(True)
        try:
            request = json.loads(_receive(conn, time.monotonic() + READ_S))
            if request.get("stop"):
                with contextlib.suppress(OSError):
                    _send(conn, PICTURE, time.monotonic() + READ_S)
                return True
            if time.monotonic() > float(request.get("wait_until", math.inf)):
                reply = ERROR + b"busy painting other pictures; try again shortly"
            else:
                reply = PICTURE + painter.image(request["figure"], int(request["width"]), int(request["height"]),
                                                str(request.get("format", "svg")))
        except PaintError as exc:
            reply = ERROR + str(exc).encode("utf-8")
        except (OSError, EOFError, ValueError, KeyError, TypeError, AttributeError):
            return False  # a worker that gave up, or not our protocol: nothing to answer
        try:
            _send(conn, reply, time.monotonic() + READ_S)
        except OSError:
            pass  # the worker stopped waiting
    return False


def main(argv: list[str] | None = None) -> None:
    """Entry point: ``python -m dashboard.app.pictures.paint DIR --owner PID --idle S [-- COMMAND…]``."""
    parser = argparse.ArgumentParser(prog="python -m dashboard.app.pictures.paint",
                                     description="The server's painter service (started by the app).")
    parser.add_argument("directory", type=Path)
    parser.add_argument("--owner", type=int, required=True, help="the server's process: gone, the service stops")
    parser.add_argument("--idle", type=float, default=IDLE_S, help="seconds without a request before it stops")
    argv = sys.argv[1:] if argv is None else argv
    split = argv.index("--") if "--" in argv else len(argv)  # after it: the painter command
    args = parser.parse_args(argv[:split])
    serve(args.directory, args.owner, args.idle, argv[split + 1:] or None)


# ---- shared helpers ----------------------------------------------------------------------------

def runtime_dir() -> Path:
    """This server's painter folder: $DEFENCE_DASHBOARD_PAINTER_DIR, else one per owning process
    (the gunicorn master, or a single process) in a folder of the temporary directory only this
    user may enter."""
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env)
    base = Path(tempfile.gettempdir())
    if len(str(base)) > 60:  # a socket's path must fit in 107 bytes
        base = Path("/tmp")
    home = base / f"defence-dashboard-{os.getuid()}"
    home.mkdir(mode=0o700, exist_ok=True)
    info = home.stat()
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise PaintError(f"{home} is not private to this user; remove it")
    return home / f"painter-{OWNER}"


def idle_seconds() -> float:
    """Seconds without a request before the service stops: $DEFENCE_DASHBOARD_PAINTER_IDLE or IDLE_S."""
    try:
        value = float(os.environ.get(ENV_IDLE, IDLE_S))
    except ValueError:
        return IDLE_S
    return value if 0 < value < math.inf else IDLE_S


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # the number is another user's process now
        return False
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except (OSError, IndexError):
        return False


def _hold(path: Path, wait: float, served: Callable[[], bool]) -> int | None:
    """An open descriptor holding the exclusive lock on ``path``; None if another held it throughout
    ``wait`` seconds, or as soon as ``served()`` (another service answers)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if time.monotonic() > deadline or served():
                os.close(fd)
                return None
            time.sleep(START_POLL_S)
            continue
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())  # who holds it (tests and operators read it)
        return fd


def _locked(path: Path) -> bool:
    """True if a service holds the lock on ``path`` (running, starting or stopping)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing releases a lock we took
    return False


def _listening(path: Path) -> bool:
    """True if a service accepts connections on ``path`` (one stopping has removed it)."""
    try:
        _connect(path, READ_S).close()
    except OSError:
        return False
    return True


def _tidy(home: Path) -> None:
    """Remove the folders of servers that have gone (a service idle at its server's end left its
    lock file there), as long as no service holds their lock."""
    if not home.name.startswith("defence-dashboard-"):  # a folder given by $DEFENCE_DASHBOARD_PAINTER_DIR
        return
    for folder in home.glob("painter-*"):
        owner = folder.name.removeprefix("painter-")
        if not owner.isdigit() or _alive(int(owner)) or _locked(folder / LOCK_NAME):
            continue
        (folder / LOCK_NAME).unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            folder.rmdir()


def _connect(path: Path, timeout: float) -> socket.socket:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.settimeout(timeout)
        conn.connect(str(path))
    except BaseException:
        conn.close()
        raise
    return conn


def _send(conn: socket.socket, body: bytes, deadline: float) -> None:
    conn.settimeout(max(0.001, deadline - time.monotonic()))
    conn.sendall(LENGTH.pack(len(body)) + body)


def _receive(conn: socket.socket, deadline: float) -> bytes:
    """One length-prefixed message by ``deadline``: TimeoutError after it, EOFError if the other end closed."""
    (size,) = LENGTH.unpack(_exactly(conn, LENGTH.size, deadline))
    if size > MAX_REQUEST_BYTES:
        raise ValueError("message too large")
    return _exactly(conn, size, deadline)


def _exactly(conn: socket.socket, size: int, deadline: float) -> bytes:
    data = bytearray()
    while len(data) < size:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        conn.settimeout(remaining)
        chunk = conn.recv(min(size - len(data), 1 << 20))
        if not chunk:
            raise EOFError
        data += chunk
    return bytes(data)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]


def _exit(signum: int, frame: object) -> None:
    raise SystemExit(0)


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


# The server's process: the first to import this module (gunicorn's master, which forks the workers
# after building the app), or a single process's own.
OWNER = os.getpid()
_PAINTER = SharedPainter()


def painter() -> SharedPainter:
    """The server's painter, shared by its workers."""
    return _PAINTER


if __name__ == "__main__":
    main()
