"""Benchmarks for the data foundation (not timed tests: the machines are shared and noisy).

    ./run bench [--runs N] [--sources DIR] [--json]

Reports medians (and min/max) of:
- ``build_cli_s``: ``defence-dashboard build --sources DIR --out TMP`` as a user runs it
  (a fresh process, imports included) — budget 5 s;
- ``build_s``: the build function alone, in a warm process;
- ``load_s``: reading the snapshot (``dashboard.snapshot.load``) in a fresh process,
  imports excluded — budget 0.3 s;
- ``pledges_s``: the progress of every pledge for every country it binds, after load:
  indexing the table (``Panel``) plus ``all_progress`` — budget 0.1 s;
- ``app_start_s``: a fresh process importing the app, building it on the snapshot and
  answering its first request — budget 1.5 s;
- ``first_page_kb``: bytes transferred (compressed, as the browser received them) to
  load ``/`` in Chromium, when Chromium is installed — budget 2 MB;
- every Dash callback's server time, p50/p95 (``dashboard.benchmark``) — budget p95 15 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCES = ROOT.parent / "shared" / "data" / "sources"
BUDGETS = {"build_cli_s": 5.0, "load_s": 0.3, "pledges_s": 0.1, "app_start_s": 1.5, "first_page_kb": 2048}
CALLBACK_P95_BUDGET_MS = 15.0

APP_START_SNIPPET = """
import time
start = time.perf_counter()
from dashboard.app import create_app
app = create_app()
assert app.server.test_client().get("/").status_code == 200
print(time.perf_counter() - start)
"""

LOAD_SNIPPET = """
import time, sys
from dashboard.snapshot import load
t = time.perf_counter(); table = load(sys.argv[1] if len(sys.argv) > 1 else None)
print(time.perf_counter() - t, len(table))
"""


def _callbacks(runs: int = 40) -> dict:
    """p50/p95 server time of every callback (Flask test client, full snapshot)."""
    from dashboard.app import create_app
    from dashboard.benchmark import callback_timings

    return callback_timings(create_app(), runs)


def _first_page_kb() -> float | None:
    """KB transferred loading / in Chromium (None when Chromium or Playwright is missing)."""
    import shutil
    import socket

    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not chromium:
        return None
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    exe = Path(sys.executable).with_name("defence-dashboard")
    server = subprocess.Popen([str(exe), "serve", "--port", str(port)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        total = 0
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox",
                                        "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                                        "--disable-background-networking", "--disable-component-update",
                                        "--disable-sync", "--disable-quic"])
            page = browser.new_page()
            sizes: list[int] = []
            page.on("requestfinished", lambda r: sizes.append(r.sizes()["responseBodySize"]
                                                              + r.sizes()["responseHeadersSize"]))
            for _ in range(100):
                try:
                    page.goto(f"http://127.0.0.1:{port}/", wait_until="networkidle")
                    break
                except Exception:  # server still starting
                    time.sleep(0.2)
            page.wait_for_timeout(1000)
            total = sum(sizes)
            browser.close()
        return total / 1024
    finally:
        server.terminate()


def _pledges(runs: int) -> list[float]:
    """Seconds for Panel(table) + all_progress over the embedded snapshot, per run."""
    from dashboard import model
    from dashboard.snapshot import load

    table = load()
    groups = model.load_groups()
    pledges = model.load_pledges(groups=groups)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        rows = model.all_progress(model.Panel(table), pledges, groups)
        times.append(time.perf_counter() - start)
    assert rows
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sources", type=Path, default=DEFAULT_SOURCES)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if not args.sources.is_dir():
        print(f"sources folder {args.sources} not found", file=sys.stderr)
        return 2
    exe = Path(sys.executable).with_name("defence-dashboard")
    results: dict[str, list[float]] = {"build_cli_s": [], "build_s": [], "load_s": [], "pledges_s": []}
    rows = 0
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "snapshot"
        for _ in range(args.runs):
            start = time.perf_counter()
            subprocess.run([str(exe), "build", "--sources", str(args.sources), "--out", str(out)],
                           check=True, capture_output=True)
            results["build_cli_s"].append(time.perf_counter() - start)
        from dashboard.snapshot.build import build

        for _ in range(args.runs):
            report = build(args.sources, out)
            results["build_s"].append(report.seconds)
            rows = report.rows
        for _ in range(args.runs):
            proc = subprocess.run([sys.executable, "-c", LOAD_SNIPPET, str(out)], check=True,
                                  capture_output=True, text=True)
            results["load_s"].append(float(proc.stdout.split()[0]))
    results["pledges_s"] = _pledges(max(args.runs, 10))
    results["app_start_s"] = [float(subprocess.run([sys.executable, "-c", APP_START_SNIPPET], check=True,
                                                   capture_output=True, text=True).stdout.split()[-1])
                              for _ in range(args.runs)]
    first_page = _first_page_kb()
    if first_page is not None:
        results["first_page_kb"] = [first_page]
    callbacks = _callbacks()
    summary = {
        name: {"median": statistics.median(v), "min": min(v), "max": max(v), "runs": len(v)}
        for name, v in results.items()
    }
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    if args.json:
        print(json.dumps({"machine": machine, "rows": rows, **{k: v["median"] for k, v in summary.items()},
                          "callbacks": callbacks, "detail": summary}, indent=2))
        return 0
    print(f"{'benchmark':<12} {'median':>8} {'min':>8} {'max':>8}  budget   ({rows:,} rows; {machine})")
    for name, s in summary.items():
        budget = BUDGETS.get(name)
        unit = "" if name.endswith("_kb") else " s"
        verdict = "" if budget is None else f"≤ {budget:g}{unit} {'ok' if s['median'] <= budget else 'OVER'}"
        print(f"{name:<14} {s['median']:>8.3f} {s['min']:>8.3f} {s['max']:>8.3f}  {verdict}")
    print(f"\n{'callback':<36} {'p50 ms':>8} {'p95 ms':>8}  budget p95 ≤ {CALLBACK_P95_BUDGET_MS:g} ms")
    for name, t in callbacks.items():
        ok = "ok" if t["p95_ms"] <= CALLBACK_P95_BUDGET_MS else "OVER"
        print(f"{name:<36} {t['p50_ms']:>8.2f} {t['p95_ms']:>8.2f}  {ok}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
