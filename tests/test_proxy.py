"""deploy/nginx.conf, the README's sample reverse proxy, run in front of the served app.

The sample file is used as written, with only its two ports replaced and nginx's own
working paths pointed at a temporary folder. Skipped when nginx is not installed
(``./run test`` installs Debian's nginx-light when run as root).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from dashboard.app.server.security import BASE_HEADERS
from dashboard.bench import clients

SAMPLE = Path(__file__).resolve().parents[1] / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx not installed (apt-get install nginx-light)")
HEADER_TIMEOUT_S = 2


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    work = tmp_path_factory.mktemp("nginx")
    with clients.served(workers=2) as (app_port, _proc):
        port = clients.free_port()
        text = SAMPLE.read_text()
        assert "server 127.0.0.1:8050;" in text and "listen 8080;" in text
        text = text.replace("server 127.0.0.1:8050;", f"server 127.0.0.1:{app_port};")
        text = text.replace("listen 8080;", f"listen 127.0.0.1:{port};")
        # the sample's 10 s header deadline, shortened so the test need not wait it out (the
        # sample's own value is checked in test_the_sample_cuts_slow_headers_after_ten_seconds)
        assert "client_header_timeout 10s;" in text
        text = text.replace("client_header_timeout 10s;", f"client_header_timeout {HEADER_TIMEOUT_S}s;")
        temp = "".join(f"    {kind}_temp_path {work}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi",
                                                                                "uwsgi", "scgi"))
        text = text.replace("http {\n", "http {\n" + temp + "    access_log off;\n", 1)
        conf = work / "nginx.conf"
        conf.write_text(text)
        globals_ = f"pid {work}/nginx.pid; error_log {work}/error.log; daemon off;"
        proc = subprocess.Popen([NGINX, "-p", str(work), "-c", str(conf), "-g", globals_],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            for _ in range(100):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                        break
                except OSError:
                    if proc.poll() is not None:
                        pytest.fail(f"nginx did not start: {proc.stderr.read().decode()[-400:]}")
                    time.sleep(0.1)
            yield port
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def test_pages_come_through_with_the_apps_headers(proxied):
    with urllib.request.urlopen(f"http://127.0.0.1:{proxied}/country/GBR", timeout=10) as resp:
        assert resp.status == 200
        for name, value in BASE_HEADERS.items():
            assert resp.headers[name] == value
        assert "Content-Security-Policy" in resp.headers
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"http://127.0.0.1:{proxied}/nonexistent", timeout=10)
    assert missing.value.code == 404


def test_a_body_over_the_limit_is_refused_by_the_proxy(proxied):
    request = urllib.request.Request(f"http://127.0.0.1:{proxied}/_dash-update-component", data=b"x" * (3 << 20),
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 413


def test_slow_clients_are_cut_by_the_proxy_and_never_reach_the_app(proxied):
    with clients.Holder(proxied, idle=32, slow=16):
        time.sleep(1.0)
        checks = clients.probe_health(proxied, 2.0)
    assert clients.percentile(checks, 99) < 1.0
    with socket.create_connection(("127.0.0.1", proxied), timeout=30) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        start = time.monotonic()
        answer = sock.recv(1024)
    assert answer == b"" or answer.startswith(b"HTTP/1.1 408")  # client_header_timeout
    assert HEADER_TIMEOUT_S * 0.5 < time.monotonic() - start < HEADER_TIMEOUT_S + 15.0


def test_the_sample_cuts_slow_headers_after_ten_seconds():
    """The deployed value the test above shortens: a client must send its headers within 10 s."""
    assert "client_header_timeout 10s;" in SAMPLE.read_text()
