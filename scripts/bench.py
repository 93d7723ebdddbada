"""Benchmarks for the data foundation (not timed tests: the machines are shared and noisy).

    ./run bench [--runs N] [--sources DIR] [--json]

Reports medians (and min/max) of:
- ``build_cli_s``: ``defence-dashboard build --sources DIR --out TMP`` as a user runs it
  (a fresh process, imports included) — budget 5 s;
- ``build_s``: the build function alone, in a warm process;
- ``load_s``: reading the snapshot (``dashboard.snapshot.load``) in a fresh process,
  imports excluded — budget 0.3 s;
- ``pledges_s``: the progress of every pledge for every country it binds, after load:
  indexing the table (``Panel``) plus ``all_progress`` — budget 0.1 s.
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
BUDGETS = {"build_cli_s": 5.0, "load_s": 0.3, "pledges_s": 0.1}

LOAD_SNIPPET = """
import time, sys
from dashboard.snapshot import load
t = time.perf_counter(); table = load(sys.argv[1] if len(sys.argv) > 1 else None)
print(time.perf_counter() - t, len(table))
"""


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
    summary = {
        name: {"median": statistics.median(v), "min": min(v), "max": max(v), "runs": len(v)}
        for name, v in results.items()
    }
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    if args.json:
        print(json.dumps({"machine": machine, "rows": rows, **{k: v["median"] for k, v in summary.items()},
                          "detail": summary}, indent=2))
        return 0
    print(f"{'benchmark':<12} {'median':>8} {'min':>8} {'max':>8}  budget   ({rows:,} rows; {machine})")
    for name, s in summary.items():
        budget = BUDGETS.get(name)
        verdict = "" if budget is None else f"≤ {budget:g} s {'ok' if s['median'] <= budget else 'OVER'}"
        print(f"{name:<12} {s['median']:>8.3f} {s['min']:>8.3f} {s['max']:>8.3f}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
