"""Hostile and ordinary clients for the serving benchmarks (loopback only).

Used by ``scripts/loadtest.py`` (the full measurement: wrk, 30-60 s) and by the test
suite's short bounded version (tests/test_serving.py): a server on a free loopback
port, idle and slow-header connections held open against it, /health probed while they
are, worker memory sampled.
"""

from __future__ import annotations

import contextlib
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

LOOPBACK = "127.0.0.1"
SLOW_HEADER_INTERVAL_S = 1.0  # a slow client sends one header line a second


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def served(workers: int = 2, env: dict[str, str] | None = None, wait_s: float = 60.0,
           log: Path | None = None) -> Iterator[tuple[int, subprocess.Popen]]:
    """``defence-dashboard serve --workers N`` on a free loopback port, until the block ends
    (``log``: a file for the server's standard error, else a pipe)."""
    import os

    port = free_port()
    exe = Path(sys.executable).with_name("defence-dashboard")
    # --no-warm: these clients measure serving; painting every page's pictures at start (a
    # Chromium working beside the server) would only add noise to what they measure
    proc = subprocess.Popen([str(exe), "serve", "--host", LOOPBACK, "--port", str(port), "--workers", str(workers),
                             "--no-warm"],
                            stdout=subprocess.DEVNULL,
                            stderr=log.open("wb") if log is not None else subprocess.PIPE,
                            env={**os.environ, **(env or {})})
    try:
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"serve exited: {proc.stderr.read().decode()[-500:] if proc.stderr else ''}")
            try:
                with urllib.request.urlopen(f"http://{LOOPBACK}:{port}/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("serve did not answer /health in time")
        yield port, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


@dataclass
class Holder:
    """Idle and slow-header connections held open (reopened when the server closes them)."""

    port: int
    idle: int
    slow: int
    opened: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def __enter__(self) -> Holder:
        for target, count in ((self._hold_idle, self.idle), (self._hold_slow, self.slow)):
            for _ in range(count):
                thread = threading.Thread(target=target, daemon=True)
                thread.start()
                self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)

    def _connect(self) -> socket.socket | None:
        try:
            sock = socket.create_connection((LOOPBACK, self.port), timeout=5)
        except OSError:
            time.sleep(0.05)
            return None
        self.opened += 1
        return sock

    def _hold_idle(self) -> None:
        """Connect, send nothing, wait for the server to give up; again."""
        while not self._stop.is_set():
            sock = self._connect()
            if sock is None:
                continue
            sock.settimeout(0.25)
            with sock:
                while not self._stop.is_set():
                    try:
                        if not sock.recv(1):
                            break
                    except TimeoutError:
                        continue
                    except OSError:
                        break

    def _hold_slow(self) -> None:
        """Send a request's headers one line a second, never finishing them; again."""
        while not self._stop.is_set():
            sock = self._connect()
            if sock is None:
                continue
            with sock:
                try:
                    sock.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n")
                    line = 0
                    while not self._stop.wait(SLOW_HEADER_INTERVAL_S):
                        sock.sendall(b"X-Slow-%d: 1\r\n" % line)
                        line += 1
                except OSError:
                    continue


def probe_health(port: int, seconds: float, every: float = 0.1, timeout: float = 5.0) -> list[float]:
    """Seconds each /health check took (``timeout`` for one that failed), for ``seconds``."""
    took: list[float] = []
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(f"http://{LOOPBACK}:{port}/health", timeout=timeout) as resp:
                resp.read()
            took.append(time.perf_counter() - start)
        except OSError:
            took.append(timeout)
        time.sleep(every)
    return took


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))] if ordered else float("nan")


def worker_rss_kb(server_pid: int) -> dict[int, int]:
    """Resident memory (KB) of each child process of ``server_pid`` (the gunicorn workers)."""
    out: dict[int, int] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(server_pid) and "VmRSS" in fields:
            out[int(status.parent.name)] = int(fields["VmRSS"].split()[0])
    return out


def post_many(port: int, body: bytes, seconds: float, threads: int = 8) -> tuple[int, int, list[float]]:
    """(answers, failures, latencies) of POSTing ``body`` to the callback route from threads."""
    counts = {"ok": 0, "bad": 0}
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def run() -> None:
        while time.monotonic() < stop:
            start = time.perf_counter()
            request = urllib.request.Request(f"http://{LOOPBACK}:{port}/_dash-update-component", data=body,
                                             headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=10) as resp:
                    resp.read()
                    ok = resp.status == 200
            except OSError:
                ok = False
            with lock:
                counts["ok" if ok else "bad"] += 1
                latencies.append(time.perf_counter() - start)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return counts["ok"], counts["bad"], latencies


def summary(latencies: list[float]) -> dict[str, float]:
    """p50/p95/p99 in ms."""
    return {"p50_ms": round(statistics.median(latencies) * 1000, 2) if latencies else float("nan"),
            "p95_ms": round(percentile(latencies, 95) * 1000, 2),
            "p99_ms": round(percentile(latencies, 99) * 1000, 2)}
