"""The served app under gunicorn (a real server on loopback): slow clients, limits, errors.

The short, bounded version of scripts/loadtest.py's measurement: with idle and
slow-header connections held open against ``serve --workers 2``, /health answers every
check quickly and callbacks are served without errors; gunicorn's own error answers
carry the security headers; a client that never finishes its request is cut off.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dashboard.app.server.security import BASE_HEADERS
from dashboard.bench import clients

IDLE, SLOW, SECONDS = 64, 16, 4.0


@pytest.fixture(scope="module")
def server():
    with clients.served(workers=2, env={"DEFENCE_DASHBOARD_READ_TIMEOUT": "2"}) as (port, proc):
        yield port, proc


def _country_request() -> bytes:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from loadtest import country_request

    return json.dumps(country_request()).encode()


def test_idle_and_slow_clients_do_not_block_the_server(server):
    port, _proc = server
    body = _country_request()
    with clients.Holder(port, IDLE, SLOW) as holder:
        time.sleep(1.0)
        checks = clients.probe_health(port, SECONDS / 2)
        ok, bad, latencies = clients.post_many(port, body, SECONDS / 2, threads=8)
        checks += clients.probe_health(port, 1.0)
    assert holder.opened >= IDLE + SLOW
    assert len(checks) >= 20
    assert clients.percentile(checks, 99) < 1.0, checks
    assert bad == 0 and ok > 20, (ok, bad)
    assert clients.percentile(latencies, 95) < 1.0


def _raw(port: int, request: bytes) -> bytes:
    with socket.create_connection((clients.LOOPBACK, port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("request_,status", [
    (b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),          # longer than gunicorn's line limit
    (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n", 431),
    (b"NOT-HTTP\r\n\r\n", 400),
])
def test_gunicorns_own_errors_carry_the_security_headers(server, request_, status):
    port, _proc = server
    answer = _raw(port, request_).decode("latin-1")
    head = answer.split("\r\n\r\n", 1)[0]
    assert head.startswith(f"HTTP/1.1 {status} "), head[:80]
    for name, value in BASE_HEADERS.items():
        assert f"\r\n{name}: {value}" in head, (name, head)
    assert "\r\nContent-Security-Policy: default-src 'none'; frame-ancestors 'none'" in head


def test_a_client_that_never_finishes_its_request_is_cut_off(server):
    port, _proc = server
    with socket.create_connection((clients.LOOPBACK, port), timeout=10) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # no blank line: never finished
        start = time.monotonic()
        assert sock.recv(1024) == b""  # closed by the server, without an answer
        assert 1.0 < time.monotonic() - start < 8.0


def test_serve_on_a_busy_port_says_so_in_one_line(server):
    port, _proc = server
    exe = Path(sys.executable).with_name("defence-dashboard")
    result = subprocess.run([str(exe), "serve", "--host", clients.LOOPBACK, "--port", str(port)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip() == (f"error: port {port} on {clients.LOOPBACK} is already in use: "
                                     f"choose another with --port (e.g. --port {port + 1})")


@pytest.mark.parametrize("suggested", [None, 65535])
def test_serve_on_a_port_in_use_stops_before_starting_anything(suggested):
    """No gunicorn here: a socket this test holds makes the port busy; ``serve`` must say so in one
    line, suggest a free-looking port that exists, and never print "Serving on"."""
    from click.testing import CliRunner

    from dashboard.cli import main

    with socket.socket() as held:
        try:
            held.bind((clients.LOOPBACK, suggested or 0))
        except OSError:
            pytest.skip(f"port {suggested} is taken on this machine")
        held.listen()
        port = held.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--host", clients.LOOPBACK, "--port", str(port)])
    other = 65534 if port == 65535 else port + 1
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (f"error: port {port} on {clients.LOOPBACK} is already in use: "
                             f"choose another with --port (e.g. --port {other})\n")


def test_a_flood_of_malformed_request_lines_writes_a_bounded_log(tmp_path):
    """~4 KB malformed request lines as fast as one client can send them for 4 s: gunicorn's
    error log (bounded like the app's: 20 lines a minute, 300 characters each) grows by at
    most a few KB, far under the 100 KB a minute allowed."""
    log = tmp_path / "serve.log"
    with clients.served(workers=2, log=log) as (port, _proc):
        time.sleep(0.5)
        start = log.stat().st_size
        sent, deadline = 0, time.monotonic() + 4.0
        line = b"GET /" + b"%" * 4000 + b"\x00 HTTP/1.1\r\nHost: x\r\n\r\n"
        while time.monotonic() < deadline:
            try:
                _raw(port, line)
                sent += 1
            except OSError:
                pass
        time.sleep(0.5)
        grown = log.stat().st_size - start
    assert sent > 100
    assert grown <= 2 * 20 * 400, grown   # two workers' logs, 20 lines each, ≤ 300 characters a line


def test_clients_that_never_read_a_large_answer_do_not_block_the_server():
    """150 clients each ask once for a ~5 MB data answer and never read it (the adversarial
    run's attack; scripts/dataload.py measures the full version): /health keeps answering."""
    big = "/data/observations.json?edition=2025-04&indicator=milex_usd"
    with clients.served(workers=2) as (port, _proc):
        for _ in range(4):  # made once per worker first: what is tested is the clients that never read
            with urllib.request.urlopen(f"http://{clients.LOOPBACK}:{port}{big}", timeout=60) as resp:
                resp.read()
        socks = []
        for _ in range(150):
            sock = socket.create_connection((clients.LOOPBACK, port), timeout=5)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.sendall(f"GET {big} HTTP/1.1\r\nHost: x\r\nAccept-Encoding: identity\r\n\r\n".encode())
            socks.append(sock)
        try:
            checks = clients.probe_health(port, 4.0, every=0.1, timeout=15.0)
        finally:
            for sock in socks:
                sock.close()
    # the budget is 1 s (scripts/dataload.py: 0.22 s on a quiet machine); the suite runs beside
    # other tests on two cores, so this checks the failure the issue found (15 s timeouts) with room
    assert len(checks) >= 10 and max(checks) < 2.0, checks
