"""The benchmark suite behind `defence-dashboard bench` (the machines are shared and noisy:
medians of repeated runs, p95 for callbacks).

Measures:
- ``build_cli_s``: ``defence-dashboard build --sources DIR --out TMP`` as a user runs it
  (a fresh process, imports included) — budget 5 s; ``build_s``: the build function alone;
- ``load_s``: reading the snapshot in a fresh process, imports excluded — budget 0.3 s;
- ``model_ms``: the progress of every pledge for every country it binds, after load
  (indexing the table plus ``all_progress``) — budget 100 ms;
- ``nowcast_ms``: the nowcast backtest plus every country's nowcasts on a panel already
  built but never asked for them (a fresh panel's first call: nothing memoised) — budget
  50 ms (issue 14);
- ``app_start_s``: a fresh process importing the app, building it on the snapshot and
  answering its first request — budget 1.5 s;
- ``first_page_kb``: bytes Chromium received loading ``/`` — budget 2 MB;
  ``first_page_ukraine_kb``: the same for ``/ukraine`` — budget 1 MB (both skipped without Chromium);
- ``export_pack_s``: ``defence-dashboard export --pack TMP`` — budget 15 s (skipped
  without Chromium);
- every Dash callback's server time p50/p95, warm (the page's own values posted again, the
  answer memo off so Dash runs each time) — budget p95 15 ms;
- ``callbacks_first_hit``: every callback's p50/p95 when each request carries values not
  seen before in that process (a new year, country, group, target…), in
  ``FIRST_HIT_PROCESSES`` fresh processes (medians of their p50s and p95s) — budget p95
  15 ms, and the overview map on a year not yet drawn 3 ms.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGETS = {"build_cli_s": 5.0, "load_s": 0.3, "model_ms": 100.0, "nowcast_ms": 50.0, "app_start_s": 1.5,
           "first_page_kb": 2048.0, "first_page_ukraine_kb": 1024.0, "export_pack_s": 15.0}
FIRST_PAGES: tuple[str, ...] = ("/", "/ukraine")   # first visits measured (first_page_kb, first_page_ukraine_kb)
CALLBACK_P95_BUDGET_MS = 15.0
MAP_FIRST_HIT = "overview.update_map"   # the map on a year not yet drawn…
MAP_FIRST_HIT_BUDGET_MS = 3.0           # …p95 budget
FIRST_HIT_PROCESSES = 3                 # fresh processes: each one's first hits are new

FIRST_HIT_SNIPPET = """
import json
from dashboard.app import create_app
from dashboard.bench.callbacks import first_hit_timings
print(json.dumps(first_hit_timings(create_app())))
"""

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


def run_suite(sources: Path, runs: int = 5, browser: bool = True) -> dict:
    """Every benchmark; a dict with medians, callback p50/p95 and the machine."""
    exe = Path(sys.executable).with_name("defence-dashboard")
    samples: dict[str, list[float]] = {"build_cli_s": [], "build_s": [], "load_s": []}
    rows = 0
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "snapshot"
        if sources.is_dir():
            for _ in range(runs):
                start = time.perf_counter()
                subprocess.run([str(exe), "build", "--sources", str(sources), "--out", str(out)],
                               check=True, capture_output=True)
                samples["build_cli_s"].append(time.perf_counter() - start)
            from dashboard.snapshot import parsed
            from dashboard.snapshot.build import build

            for _ in range(runs):
                parsed.MEMO.clear()  # a build's parse, not the process's memo of an earlier one
                report = build(sources, out)
                samples["build_s"].append(report.seconds)
                rows = report.rows
        snapshot = out if out.is_dir() else None
        for _ in range(runs):
            proc = subprocess.run([sys.executable, "-c", LOAD_SNIPPET, *( [str(snapshot)] if snapshot else [])],
                                  check=True, capture_output=True, text=True)
            samples["load_s"].append(float(proc.stdout.split()[0]))
    samples["model_ms"] = [t * 1000 for t in _model(max(runs, 10))]
    samples["nowcast_ms"] = [t * 1000 for t in _nowcast(max(runs, 10))]
    samples["app_start_s"] = [float(subprocess.run([sys.executable, "-c", APP_START_SNIPPET], check=True,
                                                   capture_output=True, text=True).stdout.split()[-1])
                              for _ in range(runs)]
    if browser and _chromium():
        pages = _first_page_kb()
        if pages is not None:
            samples["first_page_kb"] = [pages["/"]]
            samples["first_page_ukraine_kb"] = [pages["/ukraine"]]
        samples["export_pack_s"] = _export_pack(exe, max(1, min(runs, 3)))
    result: dict[str, object] = {k: statistics.median(v) for k, v in samples.items() if v}
    result["callbacks"] = _warm_callbacks()
    result["callbacks_first_hit"] = first_hits(FIRST_HIT_PROCESSES)
    result["detail"] = {k: {"median": statistics.median(v), "min": min(v), "max": max(v), "runs": len(v)}
                        for k, v in samples.items() if v}
    result["rows"] = rows
    result["machine"] = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    return result


def _warm_callbacks() -> dict[str, dict[str, float]]:
    """Warm callback timings with the answer memo off (it would answer without Dash)."""
    from dashboard.app import create_app
    from dashboard.app.server.memo import ENV_OFF
    from dashboard.bench.callbacks import callback_timings

    before = os.environ.get(ENV_OFF)
    os.environ[ENV_OFF] = "1"
    try:
        return callback_timings(create_app(), 40)
    finally:
        if before is None:
            del os.environ[ENV_OFF]
        else:
            os.environ[ENV_OFF] = before


def first_hits(processes: int = FIRST_HIT_PROCESSES) -> dict[str, dict[str, float]]:
    """name → {"p50_ms", "p95_ms", "runs"}: first hits in fresh processes, medians across them."""
    runs = [json.loads(subprocess.run([sys.executable, "-c", FIRST_HIT_SNIPPET], check=True, capture_output=True,
                                      text=True).stdout.strip().splitlines()[-1]) for _ in range(processes)]
    names = sorted(set().union(*runs))
    return {name: {"p50_ms": statistics.median(r[name]["p50_ms"] for r in runs if name in r),
                   "p95_ms": statistics.median(r[name]["p95_ms"] for r in runs if name in r),
                   "runs": sum(r[name]["runs"] for r in runs if name in r)} for name in names}


def format_table(result: dict) -> str:
    """The human-readable report: each measure against its budget, then every callback."""
    lines = [f"{'benchmark':<14} {'median':>10} {'min':>10} {'max':>10}  budget   ({result['machine']})"]
    for name, s in result["detail"].items():
        budget = BUDGETS.get(name)
        unit = name.rsplit("_", 1)[-1]
        verdict = "" if budget is None else f"≤ {budget:g} {unit} {'ok' if s['median'] <= budget else 'OVER'}"
        lines.append(f"{name:<14} {s['median']:>10.3f} {s['min']:>10.3f} {s['max']:>10.3f}  {verdict}")
    lines.append("")
    lines.append(f"{'callback':<36} {'p50 ms':>8} {'p95 ms':>8}  budget p95 ≤ {CALLBACK_P95_BUDGET_MS:g} ms")
    for name, t in result["callbacks"].items():
        ok = "ok" if t["p95_ms"] <= CALLBACK_P95_BUDGET_MS else "OVER"
        lines.append(f"{name:<36} {t['p50_ms']:>8.2f} {t['p95_ms']:>8.2f}  {ok}")
    first = result.get("callbacks_first_hit") or {}
    if first:
        lines.append("")
        lines.append(f"{'first hit (new values)':<36} {'p50 ms':>8} {'p95 ms':>8}  budget p95 ≤ "
                     f"{CALLBACK_P95_BUDGET_MS:g} ms (map: {MAP_FIRST_HIT_BUDGET_MS:g} ms)")
        for name, t in first.items():
            budget = MAP_FIRST_HIT_BUDGET_MS if name == MAP_FIRST_HIT else CALLBACK_P95_BUDGET_MS
            lines.append(f"{name:<36} {t['p50_ms']:>8.2f} {t['p95_ms']:>8.2f}  {'ok' if t['p95_ms'] <= budget else 'OVER'}")
    return "\n".join(lines)


def as_json(result: dict) -> str:
    """The --json report (medians at the top level, callbacks by name)."""
    return json.dumps(result, indent=2)


def _chromium() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium")


def _model(runs: int) -> list[float]:
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


def _nowcast(runs: int) -> list[float]:
    """Seconds for ``backtest`` + ``nowcasts`` (every country) on a fresh panel, per run; the
    panel is built before the clock starts (indexing is ``model_ms``'s), so nothing is memoised."""
    from dashboard import model
    from dashboard.model import nowcast
    from dashboard.snapshot import load

    table = load()
    times = []
    for _ in range(runs):
        panel = model.Panel(table)
        start = time.perf_counter()
        casts = nowcast.nowcasts(panel, nowcast.backtest(panel))
        times.append(time.perf_counter() - start)
    assert casts
    return times


def _export_pack(exe: Path, runs: int) -> list[float]:
    """Seconds for `defence-dashboard export --pack TMP` (PNG, SVG, CSV, manifest)."""
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            proc = subprocess.run([str(exe), "export", "--pack", tmp], capture_output=True, text=True)
            if proc.returncode != 0:
                return []
            times.append(time.perf_counter() - start)
    return times


def _first_page_kb(paths: tuple[str, ...] = FIRST_PAGES) -> dict[str, float] | None:
    """KB transferred loading each path in a fresh Chromium context (None without Chromium or Playwright)."""
    chromium = _chromium()
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
        out: dict[str, float] = {}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox",
                                        "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                                        "--disable-background-networking", "--disable-component-update",
                                        "--disable-sync", "--disable-quic"])
            for path in paths:
                context = browser.new_context()  # an empty cache: what a first visit costs
                page = context.new_page()
                sizes: list[int] = []  # this page's bytes: the handler runs only while its context is open
                page.on("requestfinished", lambda r: sizes.append(  # noqa: B023
                    r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]))
                for _ in range(100):
                    try:
                        page.goto(f"http://127.0.0.1:{port}{path}", wait_until="networkidle")
                        break
                    except Exception:  # server still starting
                        time.sleep(0.2)
                page.wait_for_timeout(1000)
                out[path] = sum(sizes) / 1024
                context.close()
            browser.close()
        return out
    finally:
        server.terminate()

