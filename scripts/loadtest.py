"""Bounded load test of the country page's main callback (run by hand, not in CI).

    .venv/bin/python scripts/loadtest.py [--workers 2] [--connections 16] [--seconds 30]

Starts `defence-dashboard serve --workers N` on a free loopback port, then runs wrk
(Debian package `wrk`) against 127.0.0.1 only, POSTing the request the browser sends when
/country/GBR loads (`update_country`), for at most 60 s. Prints requests/s, p50/p95/p99
latency and errors; `--json` for a machine-readable line. Nothing but loopback is targeted.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

MAX_SECONDS = 60
LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [==[%s]==]
done = function(summary, latency, requests)
  io.write(string.format("RESULT p50_us=%%d p95_us=%%d p99_us=%%d requests=%%d non2xx=%%d errors=%%d\\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.requests,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def country_request() -> dict:
    """The update_country request for GBR, as Dash's renderer sends it on page load."""
    from dashboard.app import create_app
    from dashboard.bench.callbacks import _payload, _values

    app = create_app()
    app.server.test_client().get("/")
    from dashboard.app.pages import country

    values = _values(country.layout(iso3="GBR"))
    key = next(k for k, v in app.callback_map.items()
               if callable(v.get("callback"))
               and getattr(v["callback"], "__wrapped__", v["callback"]).__name__ == "update_country")
    return _payload(key, app.callback_map[key], values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk not found: apt-get install -y wrk", file=sys.stderr)
        return 2
    seconds = min(args.seconds, MAX_SECONDS)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    exe = Path(sys.executable).with_name("defence-dashboard")
    server = subprocess.Popen([str(exe), "serve", "--host", "127.0.0.1", "--port", str(port),
                               "--workers", str(args.workers)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                with urllib.request.urlopen(base + "/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        body = json.dumps(country_request())
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
            lua.write(LUA % body)
        out = subprocess.run(["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s", "--latency",
                              "-s", lua.name, base + "/_dash-update-component"],
                             capture_output=True, text=True, timeout=seconds + 30).stdout
    finally:
        server.terminate()
        server.wait(timeout=15)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    fields = dict(re.findall(r"(\w+)=(\d+)", out.split("RESULT", 1)[1]))
    result = {"callback": "country.update_country", "workers": args.workers, "connections": args.connections,
              "seconds": seconds, "requests_per_s": rps,
              "p50_ms": int(fields["p50_us"]) / 1000, "p95_ms": int(fields["p95_us"]) / 1000,
              "p99_ms": int(fields["p99_us"]) / 1000, "requests": int(fields["requests"]),
              "non_2xx": int(fields["non2xx"]), "socket_errors": int(fields["errors"])}
    if args.json:
        print(json.dumps(result))
    else:
        print(out.split("RESULT", 1)[0].rstrip())
        print(f"\n{result['requests_per_s']:.0f} req/s, p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms, "
              f"p99 {result['p99_ms']:.1f} ms, non-2xx {result['non_2xx']}, socket errors {result['socket_errors']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
