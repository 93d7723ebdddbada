"""Load tests of the served app on loopback (run by hand, not in CI; needs Debian's `wrk`).

    .venv/bin/python scripts/loadtest.py [--workers 2] [--connections 16] [--seconds 30]
    .venv/bin/python scripts/loadtest.py --idle 256 --slow 64 --seconds 30   # + hostile clients
    .venv/bin/python scripts/loadtest.py --soak 60                            # + worker memory

Starts `defence-dashboard serve --workers N` on a free loopback port and runs wrk against
127.0.0.1 only, POSTing the request the browser sends when /country/GBR loads
(`update_share`, what choosing another country sends), for at most 60 s a run. With --idle/--slow it first measures without
them, then holds that many idle and slow-header connections open and measures again while
probing /health every 0.25 s: the report gives both throughputs, their ratio and the
/health p99. With --soak it samples every worker's resident memory every 5 s of one long
run. `--json` prints one object. Nothing but loopback is targeted.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from dashboard.bench import clients

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
    """The update_share request for GBR, as Dash's renderer sends it when GBR is chosen."""
    from dashboard.app import create_app
    from dashboard.bench.callbacks import _payload, _values

    app = create_app()
    app.server.test_client().get("/")
    from dashboard.app.pages import country

    values = _values(country.layout(iso3="GBR"))
    key = next(k for k, v in app.callback_map.items()
               if callable(v.get("callback"))
               and getattr(v["callback"], "__wrapped__", v["callback"]).__name__ == "update_share")
    return _payload(key, app.callback_map[key], values)


def wrk(port: int, lua: str, connections: int, threads: int, seconds: int) -> dict:
    """One wrk run: requests/s, latency percentiles, errors."""
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", lua,
                          f"http://{clients.LOOPBACK}:{port}/_dash-update-component"],
                         capture_output=True, text=True, timeout=seconds + 30).stdout
    fields = dict(re.findall(r"(\w+)=(\d+)", out.split("RESULT", 1)[1]))
    return {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": int(fields["p50_us"]) / 1000, "p95_ms": int(fields["p95_us"]) / 1000,
            "p99_ms": int(fields["p99_us"]) / 1000, "requests": int(fields["requests"]),
            "non_2xx": int(fields["non2xx"]), "socket_errors": int(fields["errors"])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--idle", type=int, default=0, help="idle connections held open during a second run")
    parser.add_argument("--slow", type=int, default=0, help="slow-header connections held open during it")
    parser.add_argument("--soak", type=int, default=0, metavar="SECONDS", help="one long run sampling worker RSS")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk not found: apt-get install -y wrk", file=sys.stderr)
        return 2
    seconds = min(args.seconds, MAX_SECONDS)
    body = json.dumps(country_request())
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(LUA % body)
    result: dict = {"callback": "country.update_share", "workers": args.workers,
                    "connections": args.connections, "seconds": seconds}
    with clients.served(args.workers) as (port, proc):
        wrk(port, lua.name, args.connections, args.threads, 3)  # warm both workers
        result["unloaded"] = wrk(port, lua.name, args.connections, args.threads, seconds)
        if args.idle or args.slow:
            with clients.Holder(port, args.idle, args.slow) as holder:
                time.sleep(2)
                probes: list[float] = []
                prober = threading.Thread(target=lambda: probes.extend(clients.probe_health(port, seconds, 0.25)))
                prober.start()
                result["held"] = wrk(port, lua.name, args.connections, args.threads, seconds)
                prober.join()
                result["held"].update(idle=args.idle, slow=args.slow, connections_opened=holder.opened,
                                      health_checks=len(probes),
                                      health_p50_ms=round(clients.percentile(probes, 50) * 1000, 1),
                                      health_p99_ms=round(clients.percentile(probes, 99) * 1000, 1),
                                      health_max_ms=round(max(probes) * 1000, 1))
            result["held_ratio"] = round(result["held"]["requests_per_s"] / result["unloaded"]["requests_per_s"], 3)
        if args.soak:
            soak = min(args.soak, MAX_SECONDS)
            samples: list[dict[int, int]] = []
            sampler = threading.Thread(target=lambda: [samples.append(clients.worker_rss_kb(proc.pid))
                                                       or time.sleep(5) for _ in range(soak // 5 + 1)])
            sampler.start()
            result["soak"] = wrk(port, lua.name, args.connections, args.threads, soak)
            sampler.join()
            per_worker = {pid: [s.get(pid) for s in samples] for pid in samples[0]}
            result["soak"]["rss_kb"] = per_worker
            result["soak"]["rss_growth_kb"] = {pid: (v[-1] - v[0]) if None not in v else None
                                               for pid, v in per_worker.items()}
    if args.json:
        print(json.dumps(result))
    else:
        for name in ("unloaded", "held", "soak"):
            if name in result:
                r = result[name]
                print(f"{name:<9} {r['requests_per_s']:8.0f} req/s  p50 {r['p50_ms']:.1f} ms  p95 {r['p95_ms']:.1f} ms  "
                      f"p99 {r['p99_ms']:.1f} ms  non-2xx {r['non_2xx']}  socket errors {r['socket_errors']}")
        if "held" in result:
            h = result["held"]
            print(f"held {h['idle']} idle + {h['slow']} slow-header connections ({h['connections_opened']} opened): "
                  f"{result['held_ratio']:.0%} of the unloaded throughput; /health p50 {h['health_p50_ms']} ms, "
                  f"p99 {h['health_p99_ms']} ms, max {h['health_max_ms']} ms over {h['health_checks']} checks")
        if "soak" in result:
            print(f"worker RSS growth over the soak (KB): {result['soak']['rss_growth_kb']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
