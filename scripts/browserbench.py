"""A browser benchmark of the served dashboard: interactions, first interaction, page throughput, memory.

    .venv/bin/python scripts/browserbench.py [--runs 3] [--only NAME,...] [--seconds 10] [--json]

Starts `defence-dashboard serve --workers 2 --no-warm` on a free loopback port
(``dashboard.bench.clients.served``) with an empty picture cache of its own, so every chart
picture asked for is really painted, and measures (issue 23, item 6):

  year-step       /: the year slider's handle focused, ArrowLeft → the map redrawn for the year before
  country-switch  /country/GBR: Finland chosen in the Country dropdown → the share chart drawn,
                  and → every chart the page draws without scrolling drawn
  compare-change  /compare: another indicator chosen → the chart drawn
  tracker-filter  /pledges: status "Off track" chosen → the grid's rows updated, and → the status
                  chart (scrolled into view once before, as it is drawn only when seen) redrawn
  first-live      / and /country/GBR at 1280×900: the first mouse move → the live page (copy
                  replaced, every callback answered and its chart drawn)
  throughput      GET / and GET /country/FIN: requests/s and p99 with 16 connections (wrk, else a
                  Python client, which measures itself as much as the server)
  memory          PSS of the server's whole process tree (gunicorn, workers, painters and their
                  Chromium) idle after start, after 200 distinct chart pictures, and over the minute after

Each visit is a fresh browser context (Debian's Chromium driven by Playwright, headless),
opened on the page's static copy and made live by a mouse move (static_copy/hydrate.js);
every page is visited once unmeasured first. Times are taken in the page's own clock by a
script added before any of the page's (``PROBE_JS``): the input event's timestamp, each
``Plotly.newPlot``/``react``/``restyle`` call's promise settling (the chart drawn) or the page's
own redraw of a chart (the map's year step colours the countries itself, then hands plotly
the values: assets/map-step.js, its ``dashboard:drawn`` event), each callback request
answered, the grid's rows changing. Prints a table of p50 / p95 (p95 from 10 samples on) / max
against the issue's budgets; ``--json`` prints one object. Exits 1 when a measure is over its
budget or failed, 2 when Chromium or Playwright is missing. Loopback only.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.app.server.diskcache import ENV_APP_CACHE  # noqa: E402
from dashboard.bench import clients  # noqa: E402

MEASURES = ("year-step", "country-switch", "compare-change", "tracker-filter", "first-live", "throughput",
            "memory")
WORKERS = 2
DESKTOP = {"width": 1280, "height": 900}
CHROMIUM = "/usr/bin/chromium"
# as scripts/lighthouse.py and scripts/screenshots.py launch it
CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync"]
FIRST_LIVE_PAGES = ("/", "/country/GBR")
SWITCH_FROM, SWITCH_TO, SWITCH_TO_CODE = "/country/GBR", "Finland", "FIN"
TRACKER_STATUS = "Off track"
THROUGHPUT_PAGES = ("/", "/country/FIN")
CONNECTIONS = 16
MAX_SECONDS = 60
PICTURES = 200
# charts drawn per country, in the order the pictures use them (the country varies fastest)
PICTURE_CHARTS = (("country-share", 420), ("spending", 380), ("money-gap", 300), ("nato-vs-sipri", 420))
PICTURE_WIDTH = 1140          # the desktop picture (app/pictures/svg.py's DESKTOP_WIDTH)
PICTURE_THREADS = 4           # two per worker: one painting, one waiting
PICTURE_TIMEOUT_S = 90
MEMORY_AFTER_S = 60
MEMORY_EVERY_S = 5
SETTLE_S = 3.0                # after /health answers, before the idle memory is read
QUIET_MS = 500                # no callback in flight and nothing drawn for this long: the page is settled
POLL_MS = 15
MIN_P95_SAMPLES = 10          # fewer samples: the p95 would only be the maximum
LOAD_TIMEOUT_S = 90           # one page load (its pictures may be painted on the first visit)

# Issue 23's budgets: (measure, metric) → (comparison, limit, unit); p50 unless the metric says otherwise.
BUDGETS: dict[tuple[str, str], tuple[str, float, str]] = {
    ("year-step", "map drawn"): ("<=", 50, "ms"),
    ("country-switch", "share chart drawn"): ("<=", 60, "ms"),
    ("country-switch", "every chart drawn"): ("<=", 150, "ms"),
    ("first-live", "live: /"): ("<=", 400, "ms"),
    ("first-live", "live: /country/GBR"): ("<=", 400, "ms"),
    ("throughput", "GET / req/s"): (">=", 2000, "req/s"),
    ("throughput", "GET / p99"): ("<=", 30, "ms"),
    ("throughput", "GET /country/FIN req/s"): (">=", 2000, "req/s"),
    ("throughput", "GET /country/FIN p99"): ("<=", 30, "ms"),
    ("memory", "idle after start"): ("<=", 500, "MB"),
    ("memory", "a minute after the pictures"): ("<=", 600, "MB"),
}

# Added to every page before its own scripts (Playwright's init script, which the app's CSP does
# not govern). Records, in performance.now() time: the first mouse move, the armed input event,
# the static copy leaving, each callback request and each chart drawing. Polled with evaluate
# (wait_for_function needs eval, which the CSP forbids).
PROBE_JS = r"""(() => {
  if (window.__bench) return;
  const now = () => performance.now();
  const B = window.__bench = {move: null, armType: null, t0: null, copyGone: null, hadCopy: false,
                              draws: [], calls: [], inflight: 0, last: 0, grid: null};
  const touch = t => { if (t > B.last) B.last = t; };
  addEventListener('pointermove', e => {
    if (e.isTrusted && e.pointerType === 'mouse' && B.move === null) B.move = e.timeStamp;
  }, {capture: true, passive: true});
  ['keydown', 'click'].forEach(type => addEventListener(type, e => {
    if (e.isTrusted && B.armType === type && B.t0 === null) B.t0 = e.timeStamp;
  }, {capture: true, passive: true}));

  const realFetch = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === 'string' ? input : (input && input.url) || '';
    if (!url.includes('_dash-update-component')) return realFetch.apply(this, arguments);
    let output = '';
    try { output = JSON.parse((init && init.body) || '{}').output || ''; } catch (e) { /* not JSON */ }
    const call = {output, start: now(), end: null};
    B.calls.push(call); B.inflight++; touch(call.start);
    return realFetch.apply(this, arguments).finally(() => { call.end = now(); B.inflight--; touch(call.end); });
  };

  const wrap = P => {
    if (!P || P.__bench) return P;
    ['newPlot', 'react', 'restyle'].forEach(name => {
      const real = P[name];
      if (typeof real !== 'function') return;
      P[name] = function (gd, ...rest) {
        const el = typeof gd === 'string' ? document.getElementById(gd) : gd;
        // the plot's own div has no id: the graph's id is on the dcc.Graph around it
        const owner = el && (el.id ? el : el.parentElement && el.parentElement.closest('[id]'));
        const fig = rest[0] && !Array.isArray(rest[0]) ? rest[0] : {data: rest[0], layout: rest[1]};
        const data = fig.data || [];
        const notes = (fig.layout && fig.layout.annotations) || [];
        const draw = {id: (owner && owner.id) || '', started: now(), done: null, shown: null, traces: data.length,
                      placeholder: data.length === 0 && notes.some(a => a && a.text === 'Loading…')};
        B.draws.push(draw); touch(draw.started);
        const out = real.call(this, gd, ...rest);
        Promise.resolve(out).then(() => {
          draw.done = now(); touch(draw.done);
          requestAnimationFrame(() => setTimeout(() => { draw.shown = now(); }, 0));
        }, () => { draw.failed = true; draw.done = now(); });
        return out;
      };
    });
    try { Object.defineProperty(P, '__bench', {value: true}); } catch (e) { /* frozen */ }
    return P;
  };
  // a chart redrawn by the page's own code, not plotly (assets/map-step.js: the map's year step)
  addEventListener('dashboard:drawn', e => {
    const t = now();
    B.draws.push({id: (e.detail && e.detail.id) || '', started: t, done: t, shown: null, traces: 1, placeholder: false,
                  painted: true});
    touch(t);
  });
  let plotly = wrap(window.Plotly);
  Object.defineProperty(window, 'Plotly', {configurable: true, enumerable: true,
                                           get: () => plotly, set: v => { plotly = wrap(v); }});

  const watchCopy = () => {
    const copy = document.querySelector('.prerender');
    if (!copy) return;
    B.hadCopy = true;
    new MutationObserver((_, observer) => {
      if (!copy.isConnected) { B.copyGone = now(); touch(B.copyGone); observer.disconnect(); }
    }).observe(document.body, {childList: true, subtree: true});
  };
  if (document.readyState === 'loading') addEventListener('DOMContentLoaded', watchCopy); else watchCopy();

  // The grid's rows changed: the first DOM change in it after its rowData was replaced
  // (AG Grid's rowDataUpdated), or, without its API, the first DOM change after the input.
  const watchGrid = id => {
    const el = document.getElementById(id);
    if (!el) return;
    let api = null;
    try { api = window.dash_ag_grid && window.dash_ag_grid.getApi ? window.dash_ag_grid.getApi(id) : null; }
    catch (e) { api = null; }
    const g = B.grid = {id, data: null, rows: null, api: !!api};
    if (api) api.addEventListener('rowDataUpdated', () => { if (B.t0 !== null && g.data === null) g.data = now(); });
    new MutationObserver((_, observer) => {
      if (B.t0 === null || (api && g.data === null)) return;
      g.rows = now(); touch(g.rows); observer.disconnect();
    }).observe(el, {childList: true, subtree: true, characterData: true});
  };

  B.arm = (type, gridId) => { B.armType = type; B.t0 = null; B.grid = null; if (gridId) watchGrid(gridId); };
  // the first real (not placeholder) drawing of chart `id` that started at or after `t`
  B.drawnAfter = (id, t) => B.draws.find(d => d.id === id && d.started >= t && !d.placeholder && d.done !== null)
                            || null;
  B.answeredAfter = (output, t) => B.calls.find(c => c.output.includes(output) && c.start >= t && c.end !== null)
                                   || null;
  B.state = () => ({move: B.move, t0: B.t0, copyGone: B.copyGone, hadCopy: B.hadCopy, inflight: B.inflight,
                    last: B.last, now: now(), grid: B.grid, draws: B.draws.length, calls: B.calls.length});
})();"""


class BenchError(RuntimeError):
    """A measurement that could not be taken (one line: what was waited for, and how long)."""


@dataclass(frozen=True)
class Row:
    """One line of the report: a measure's metric, its figures, its budget and verdict."""

    measure: str
    metric: str
    unit: str
    p50: float | None
    p95: float | None = None
    max: float | None = None
    n: int = 0
    budget: str = ""
    verdict: str = ""        # "ok", "over", "failed" or "" (no budget)
    note: str = ""


# ---------------------------------------------------------------------------------------------
# Command line and report


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line; ``--only`` becomes a tuple of measure names, in MEASURES's order."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="Measures: " + ", ".join(MEASURES))
    parser.add_argument("--runs", type=int, default=3, help="Visits per browser measure (default 3).")
    parser.add_argument("--only", default="", metavar="NAME,...", help="Only these measures (comma-separated).")
    parser.add_argument("--seconds", type=int, default=10, help=f"Per throughput run (default 10, at most "
                                                                f"{MAX_SECONDS}).")
    parser.add_argument("--connections", type=int, default=CONNECTIONS, help="Throughput connections (16).")
    parser.add_argument("--pictures", type=int, default=PICTURES, help="Distinct chart pictures for 'memory' "
                                                                       f"(default {PICTURES}).")
    parser.add_argument("--memory-wait", type=int, default=MEMORY_AFTER_S, metavar="SECONDS",
                        help=f"How long memory is watched after the pictures (default {MEMORY_AFTER_S}).")
    parser.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                        help="Longest wait for one thing in the browser (default 30).")
    parser.add_argument("--json", action="store_true", help="Print one JSON object instead of the table.")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in MEASURES]
    if unknown:
        parser.error(f"--only: unknown measure(s) {', '.join(unknown)}; choose from {', '.join(MEASURES)}")
    args.only = tuple(m for m in MEASURES if not names or m in names)
    if args.runs < 1:
        parser.error("--runs: at least 1")
    if not 1 <= args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds: 1 to {MAX_SECONDS}")
    if args.pictures < 1 or args.memory_wait < 0 or args.connections < 1 or args.timeout <= 0:
        parser.error("--pictures, --connections and --timeout must be positive, --memory-wait not negative")
    return args


def stats(samples: list[float]) -> dict[str, Any]:
    """p50, p95 (None below MIN_P95_SAMPLES samples), max and n of ``samples``."""
    if not samples:
        return {"p50": None, "p95": None, "max": None, "n": 0}
    return {"p50": round(statistics.median(samples), 1),
            "p95": round(clients.percentile(samples, 95), 1) if len(samples) >= MIN_P95_SAMPLES else None,
            "max": round(max(samples), 1), "n": len(samples)}


def verdict(measure: str, metric: str, value: float | None) -> tuple[str, str]:
    """(budget text, "ok"/"over"/"failed"/"") of a metric's figure against BUDGETS."""
    rule = BUDGETS.get((measure, metric))
    if rule is None:
        return "", ""
    op, limit, unit = rule
    text = f"{'≤' if op == '<=' else '≥'} {limit:,g} {unit}"
    if value is None:
        return text, "failed"
    return text, "ok" if (value <= limit if op == "<=" else value >= limit) else "over"


def sample_row(measure: str, metric: str, samples: list[float], errors: list[str] | None = None,
               unit: str = "ms") -> Row:
    """A row of browser timings (ms): its budget is on the p50."""
    s = stats(samples)
    budget, verdict_ = verdict(measure, metric, s["p50"])
    note = f"{len(errors)} failed: {errors[0]}" if errors else ""
    return Row(measure, metric, unit, s["p50"], s["p95"], s["max"], s["n"], budget, verdict_, note)


def value_row(measure: str, metric: str, value: float | None, unit: str, note: str = "") -> Row:
    """A row of one figure (throughput, memory)."""
    budget, verdict_ = verdict(measure, metric, value)
    return Row(measure, metric, unit, None if value is None else round(value, 1), None, None,
               0 if value is None else 1, budget, verdict_, note)


def rows_of(results: dict[str, Any]) -> list[Row]:
    """The report's rows from the measures' results (``run``'s ``measures``)."""
    rows: list[Row] = []
    for measure in MEASURES:
        result = results.get(measure)
        if result is None:
            continue
        if measure == "throughput":
            for path, r in result.items():
                note = r.get("error") or (f"{r['non_2xx']} non-2xx, {r['socket_errors']} socket errors"
                                          if r.get("non_2xx") or r.get("socket_errors") else "")
                rows.append(value_row(measure, f"GET {path} req/s", r.get("requests_per_s"), "req/s",
                                      note + (f" ({r['client']})" if r.get("client") not in (None, "wrk") else "")))
                rows.append(value_row(measure, f"GET {path} p99", r.get("p99_ms"), "ms"))
        elif measure == "memory":
            error = result.get("error", "")
            pictures = result.get("pictures") or {}
            busy_note = (f"{pictures.get('ok', 0)} painted in {pictures.get('seconds', 0):.0f} s, "
                         f"{pictures.get('failed', 0)} failed" if pictures else "")
            after = result.get("after") or {}
            under = after.get("under_limit_after_s")
            rows.append(value_row(measure, "idle after start", result.get("idle_mb"), "MB", error))
            if result.get("idle_in_use_mb") is not None:
                rows.append(value_row(measure, "idle after the other measures", result["idle_in_use_mb"], "MB"))
            rows.append(value_row(measure, f"after {result.get('count', PICTURES)} pictures", result.get("busy_mb"),
                                  "MB", busy_note))
            rows.append(value_row(measure, "a minute after the pictures", after.get("mb"), "MB",
                                  "" if not after else f"after {after.get('seconds', 0):.0f} s; "
                                  + ("under 600 MB after " + f"{under:.0f} s" if under is not None
                                     else "never under 600 MB")))
        else:
            errors = result.get("errors", [])
            for metric, samples in result.get("samples", {}).items():
                rows.append(sample_row(measure, metric, samples, errors if metric == result.get("main") else None))
            if not result.get("samples"):
                rows.append(sample_row(measure, result.get("main", "measure"), [], errors))
    return rows


def format_table(rows: list[Row]) -> str:
    """A Markdown table of the rows."""
    def cell(value: float | None, unit: str) -> str:
        if value is None:
            return "—"
        return f"{value:,.0f} {unit}" if unit in ("req/s", "MB") else f"{value:,.1f} {unit}"

    lines = ["| measure | metric | p50 | p95 | max | n | budget | verdict | note |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r.measure} | {r.metric} | {cell(r.p50, r.unit)} | {cell(r.p95, r.unit)} | "
                     f"{cell(r.max, r.unit)} | {r.n} | {r.budget} | {r.verdict} | {r.note.replace('|', '/')} |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# The run


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    chromium = os.environ.get("CHROMIUM") or (CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"))
    browser_measures = [m for m in args.only if m not in ("throughput", "memory")]
    if browser_measures and not chromium:
        print("chromium not found (apt-get install chromium)", file=sys.stderr)
        return 2
    started = dt.datetime.now().astimezone()
    load = os.getloadavg()[0]  # other work on the machine skews every figure: shown with them
    try:
        measures = run(args, chromium or CHROMIUM)
    except ImportError as exc:
        print(f"playwright missing ({exc}): pip install playwright", file=sys.stderr)
        return 2
    rows = rows_of(measures)
    failed = [r for r in rows if r.verdict in ("over", "failed")]
    if args.json:
        print(json.dumps({"started": started.isoformat(timespec="seconds"),
                          "finished": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                          "runs": args.runs, "workers": WORKERS, "seconds": args.seconds,
                          "load_at_start": round(load, 2), "cpus": os.cpu_count(),
                          "rows": [asdict(r) for r in rows], "measures": measures,
                          "ok": not failed}))
    else:
        print(f"browserbench {started:%Y-%m-%d %H:%M %Z}: {args.runs} run(s) per browser measure, "
              f"{WORKERS} workers, p95 from {MIN_P95_SAMPLES} samples; load average {load:.2f} at the start "
              f"on {os.cpu_count()} CPUs.\n")
        print(format_table(rows))
    return 1 if failed else 0


def run(args: argparse.Namespace, chromium: str) -> dict[str, Any]:
    """Serve the dashboard and take the chosen measures, in MEASURES's order (memory's idle first)."""
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="browserbench-") as scratch:
        log = Path(scratch) / "serve.log"
        cache = Path(scratch) / "cache"
        cache.mkdir()
        try:
            with clients.served(WORKERS, env={ENV_APP_CACHE: str(cache)}, log=log) as (port, proc):
                base = f"http://{clients.LOOPBACK}:{port}"
                memory: dict[str, Any] = {}
                if "memory" in args.only:
                    time.sleep(SETTLE_S)
                    memory["idle"] = tree_memory(proc.pid)
                browser_measures = [m for m in args.only if m not in ("throughput", "memory")]
                if browser_measures:
                    progress(f"browser measures: {', '.join(browser_measures)} ({args.runs} run(s))")
                    results.update(browser_runs(base, chromium, browser_measures, args.runs, args.timeout))
                if "throughput" in args.only:
                    results["throughput"] = {path: throughput(port, path, args.seconds, args.connections)
                                             for path in THROUGHPUT_PAGES}
                if "memory" in args.only:
                    if browser_measures or "throughput" in args.only:
                        memory["idle_in_use"] = tree_memory(proc.pid)
                    results["memory"] = memory_run(port, proc.pid, memory, args.pictures, args.memory_wait)
        except RuntimeError as exc:  # the server did not start
            tail = log.read_text(errors="replace")[-1500:] if log.exists() else ""
            raise SystemExit(f"browserbench: {exc}\n{tail}") from exc
    return results


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Browser measures


def browser_runs(base: str, chromium: str, names: list[str], runs: int, timeout: float) -> dict[str, Any]:
    """Each browser measure ``runs`` times, every page visited once unmeasured first."""
    from playwright.sync_api import sync_playwright

    takers: dict[str, Callable[..., dict[str, float]]] = {
        "year-step": year_step, "country-switch": country_switch, "compare-change": compare_change,
        "tracker-filter": tracker_filter}
    mains = {"year-step": "map drawn", "country-switch": "share chart drawn", "compare-change": "chart drawn",
             "tracker-filter": "rows updated", "first-live": "live: /"}
    results: dict[str, Any] = {n: {"main": mains[n], "samples": {}, "errors": []} for n in names}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROME_FLAGS)
        try:
            for path in ("/", SWITCH_FROM, f"/country/{SWITCH_TO_CODE}", "/compare", "/pledges"):
                progress(f"warming {path}")
                try:
                    with visit(browser, base + path, timeout) as page:
                        go_live(page, timeout)
                except Exception as exc:  # noqa: BLE001 - a warm-up failure shows again, measured
                    progress(f"warming {path} failed: {one_line(exc)}")
            for run_ in range(runs):
                for name in names:
                    progress(f"run {run_ + 1}/{runs}: {name}")
                    if name == "first-live":
                        for path in FIRST_LIVE_PAGES:
                            take(results[name], partial(first_live, browser, base, path, timeout))
                    else:
                        take(results[name], partial(takers[name], browser, base, timeout))
        finally:
            browser.close()
    return results


def take(result: dict[str, Any], measure: Callable[[], dict[str, float]]) -> None:
    """One sample of every metric ``measure`` returns, or its error."""
    try:
        figures = measure()
    except Exception as exc:  # noqa: BLE001 - Playwright's errors and BenchError alike: reported, not raised
        result["errors"].append(one_line(exc))
        progress(f"  failed: {one_line(exc)}")
        return
    for metric, ms in figures.items():
        result["samples"].setdefault(metric, []).append(round(ms, 1))
    progress("  " + ", ".join(f"{k} {v:.0f} ms" for k, v in figures.items()))


def one_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


@contextlib.contextmanager
def visit(browser: Any, url: str, timeout: float) -> Iterator[Any]:
    """A fresh desktop context and page with the probe, at ``url`` (its static copy, quiet)."""
    context = browser.new_context(viewport=DESKTOP)
    try:
        context.add_init_script(PROBE_JS)
        page = context.new_page()
        page.set_default_timeout(timeout * 1000)
        page.goto(url, wait_until="networkidle", timeout=LOAD_TIMEOUT_S * 1000)
        page.wait_for_timeout(300)
        yield page
    finally:
        context.close()


def state(page: Any) -> dict[str, Any]:
    return page.evaluate("() => window.__bench.state()")


def poll(page: Any, script: str, arg: Any, timeout: float, what: str) -> Any:
    """The first truthy value of ``script(arg)`` in the page, polled; BenchError after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(script, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise BenchError(f"{what}: not within {timeout:g} s (probe: {json.dumps(state(page))[:300]})")
        page.wait_for_timeout(POLL_MS)


def settled(page: Any, timeout: float, what: str) -> dict[str, Any]:
    """The probe's state once no callback is in flight and nothing was drawn for QUIET_MS."""
    return poll(page, """q => { const s = window.__bench.state();
                           return s.inflight === 0 && (!s.hadCopy || s.copyGone !== null) && s.now - s.last >= q
                                  ? s : null; }""", QUIET_MS, timeout, what)


def go_live(page: Any, timeout: float) -> dict[str, Any]:
    """Move the mouse (the first interaction: Dash loads) and wait for the live page to settle."""
    page.mouse.move(200, 200)
    page.mouse.move(240, 220)
    return settled(page, timeout, "the live page")


def arm(page: Any, event: str, grid: str | None = None) -> None:
    """Take the next trusted ``event`` (keydown or click) as the input measured from."""
    page.evaluate("([type, grid]) => window.__bench.arm(type, grid)", [event, grid])


def input_time(page: Any, timeout: float) -> float:
    return poll(page, "() => window.__bench.t0", None, timeout, "the input event")


def drawn(page: Any, graph: str, t0: float, timeout: float) -> dict[str, Any]:
    """The first real drawing of ``graph`` that started after the input."""
    return poll(page, "([id, t]) => window.__bench.drawnAfter(id, t)", [graph, t0], timeout, f"{graph} drawn")


def answered(page: Any, output: str, t0: float) -> float | None:
    """When the first callback request naming ``output`` after the input was answered (None: none)."""
    call = page.evaluate("([o, t]) => window.__bench.answeredAfter(o, t)", [output, t0])
    return call["end"] if call else None


def choose(page: Any, dropdown: str, text: str | None, search: bool = False) -> None:
    """Open a Dash 4 dropdown and arm the click on the option ``text`` (None: the first one not chosen)."""
    page.locator(f"#{dropdown}").click()
    content = page.locator(".dash-dropdown-content")
    if search and text:
        content.locator(".dash-dropdown-search").fill(text)
    option = (content.locator("[role=option]", has_text=re.compile(rf"^\s*{re.escape(text)}\s*$")) if text
              else content.locator("[role=option][aria-selected=false]"))
    option.first.wait_for()
    arm(page, "click")
    option.first.click()


def year_step(browser: Any, base: str, timeout: float) -> dict[str, float]:
    """/: the slider's handle focused, ArrowLeft; → the map drawn for the year before."""
    with visit(browser, base + "/", timeout) as page:
        go_live(page, timeout)
        handle = page.locator("#overview-year [role=slider]")
        year = int(handle.get_attribute("aria-valuenow") or 0) - 1
        handle.focus()
        arm(page, "keydown")
        page.keyboard.press("ArrowLeft")
        t0 = input_time(page, timeout)
        draw = drawn(page, "overview-map-graph", t0, timeout)
        page.locator("#overview-map-summary", has_text=f" in {year},").wait_for(timeout=timeout * 1000)
        figures = {"map drawn": draw["done"] - t0}
        reply = answered(page, "overview-map-graph", t0)
        if reply is not None:
            figures["map answer"] = reply - t0
        return figures


def country_switch(browser: Any, base: str, timeout: float) -> dict[str, float]:
    """/country/GBR: Finland chosen; → the share chart drawn, → every chart the page draws unscrolled."""
    with visit(browser, base + SWITCH_FROM, timeout) as page:
        go_live(page, timeout)
        choose(page, "country-select", SWITCH_TO, search=True)
        t0 = input_time(page, timeout)
        share = drawn(page, "country-share-graph", t0, timeout)
        page.locator("h1", has_text=SWITCH_TO).wait_for(timeout=timeout * 1000)
        page.locator("#country-share-summary", has_text=SWITCH_TO).wait_for(timeout=timeout * 1000)
        settled(page, timeout, "the new country's page")
        # charts with their figures (not the "Loading…" frame a card below the fold starts with)
        done = page.evaluate("t => window.__bench.draws.filter(d => d.started >= t && d.done !== null"
                             " && !d.placeholder).map(d => d.done)", t0)
        if f"/country/{SWITCH_TO_CODE}" not in page.url:
            raise BenchError(f"the page did not move to /country/{SWITCH_TO_CODE}: {page.url}")
        figures = {"share chart drawn": share["done"] - t0, "every chart drawn": max(done) - t0}
        reply = answered(page, "country-share-graph", t0)
        if reply is not None:
            figures["share chart answer"] = reply - t0
        return figures


def compare_change(browser: Any, base: str, timeout: float) -> dict[str, float]:
    """/compare: the next indicator chosen; → the chart drawn."""
    with visit(browser, base + "/compare", timeout) as page:
        go_live(page, timeout)
        choose(page, "compare-indicator", None)
        t0 = input_time(page, timeout)
        draw = drawn(page, "compare-chart-graph", t0, timeout)
        figures = {"chart drawn": draw["done"] - t0}
        reply = answered(page, "compare-chart-graph", t0)
        if reply is not None:
            figures["chart answer"] = reply - t0
        return figures


def tracker_filter(browser: Any, base: str, timeout: float) -> dict[str, float]:
    """/pledges: status "Off track" chosen; → the grid's rows updated, → the status chart redrawn.

    The chart is drawn only once seen (assets/defer.js): it is scrolled into view and drawn
    first, then the page is scrolled back to the filters."""
    with visit(browser, base + "/pledges", timeout) as page:
        live = go_live(page, timeout)
        page.locator("#pledges-chart-card").scroll_into_view_if_needed()
        drawn(page, "pledges-chart-graph", live["move"], timeout)
        page.evaluate("() => window.scrollTo(0, 0)")
        settled(page, timeout, "the chart scrolled to")
        page.locator("#pledges-status").click()
        content = page.locator(".dash-dropdown-content")
        option = content.locator("[role=option]", has_text=re.compile(rf"^\s*{re.escape(TRACKER_STATUS)}\s*$"))
        option.first.wait_for()
        arm(page, "click", "pledges-grid")
        option.first.click()
        t0 = input_time(page, timeout)
        rows = poll(page, "() => window.__bench.grid && window.__bench.grid.rows", None, timeout,
                    "the grid's rows updated")
        draw = drawn(page, "pledges-chart-graph", t0, timeout)
        figures = {"rows updated": rows - t0, "chart drawn": draw["done"] - t0}
        reply = answered(page, "pledges-grid", t0)
        if reply is not None:
            figures["rows answer"] = reply - t0
        return figures


def first_live(browser: Any, base: str, path: str, timeout: float) -> dict[str, float]:
    """The first mouse move → the copy replaced, and → the live page settled (callbacks answered,
    their charts drawn)."""
    with visit(browser, base + path, timeout) as page:
        live = go_live(page, timeout)
        if live["move"] is None or live["copyGone"] is None:
            raise BenchError(f"{path}: no mouse move or no static copy seen ({live})")
        return {f"live: {path}": live["last"] - live["move"], f"copy replaced: {path}": live["copyGone"] - live["move"]}


# ---------------------------------------------------------------------------------------------
# Page throughput

WRK_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT p50_us=%d p99_us=%d requests=%d non2xx=%d errors=%d\\n",
    latency:percentile(50), latency:percentile(99), summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def throughput(port: int, path: str, seconds: int, connections: int) -> dict[str, Any]:
    """GET ``path``: requests/s and latency percentiles after one warm-up request (wrk, else Python)."""
    url = f"http://{clients.LOOPBACK}:{port}{path}"
    progress(f"throughput: GET {path} for {seconds} s, {connections} connections")
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            resp.read()
    except OSError as exc:
        return {"error": f"warm-up request failed: {one_line(exc)}"}
    try:
        result = wrk_get(url, seconds, connections) if shutil.which("wrk") else python_get(port, path, seconds,
                                                                                          connections)
    except (OSError, subprocess.SubprocessError, ValueError, IndexError, AttributeError) as exc:
        return {"error": one_line(exc)}
    progress(f"  {result['requests_per_s']:,.0f} req/s, p99 {result['p99_ms']:.1f} ms")
    return result


def wrk_get(url: str, seconds: int, connections: int) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(WRK_LUA)
    try:
        out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", lua.name, url],
                             capture_output=True, text=True, timeout=seconds + 30).stdout
    finally:
        Path(lua.name).unlink(missing_ok=True)
    fields = dict(re.findall(r"(\w+)=(\d+)", out.split("RESULT", 1)[1]))
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if rate is None:
        raise ValueError(f"wrk printed no rate: {out[-200:]}")
    return {"client": "wrk", "requests_per_s": float(rate.group(1)), "p50_ms": int(fields["p50_us"]) / 1000,
            "p99_ms": int(fields["p99_us"]) / 1000, "requests": int(fields["requests"]),
            "non_2xx": int(fields["non2xx"]), "socket_errors": int(fields["errors"])}


def python_get(port: int, path: str, seconds: int, connections: int) -> dict[str, Any]:
    """Without wrk: one keep-alive connection per thread (a lower bound: the client shares the CPUs)."""
    latencies: list[float] = []
    bad = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection(clients.LOOPBACK, port, timeout=10)
        mine: list[float] = []
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                conn.request("GET", path)
                resp = conn.getresponse()
                resp.read()
                ok = resp.status < 400
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(clients.LOOPBACK, port, timeout=10)
                ok = False
            mine.append(time.perf_counter() - start)
            if not ok:
                with lock:
                    bad[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(connections)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.monotonic() - began
    return {"client": "python threads", "requests_per_s": round(len(latencies) / took, 1),
            "p50_ms": round(clients.percentile(latencies, 50) * 1000, 2),
            "p99_ms": round(clients.percentile(latencies, 99) * 1000, 2), "requests": len(latencies),
            "non_2xx": bad[0], "socket_errors": 0}


# ---------------------------------------------------------------------------------------------
# Memory


def tree_pids(root: int) -> list[int]:
    """``root`` and all its descendants (from /proc/<pid>/stat's parent ids)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def pss_kb(pid: int) -> int | None:
    """Proportional set size (KB) of one process (None: gone or unreadable)."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    match = re.search(r"^Pss:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) if match else None


def tree_memory(root: int) -> dict[str, Any]:
    """The process tree's summed PSS (MB) and its split by process name."""
    by_name: dict[str, float] = {}
    total = 0
    count = 0
    for pid in tree_pids(root):
        kb = pss_kb(pid)
        if kb is None:
            continue
        try:
            name = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            name = "?"
        by_name[name] = by_name.get(name, 0) + kb / 1024
        total += kb
        count += 1
    return {"mb": round(total / 1024, 1), "processes": count,
            "by_name": {k: round(v, 1) for k, v in sorted(by_name.items(), key=lambda kv: -kv[1])}}


def picture_urls(count: int) -> list[str]:
    """``count`` distinct chart-picture paths (/pictures/<chart>.svg), the country varying over the data's codes."""
    from dashboard.views import data

    codes = data.get().country_codes
    urls = [f"/pictures/{chart}.svg?w={PICTURE_WIDTH}&h={height}&country={code}"
            for chart, height in PICTURE_CHARTS for code in codes]
    if len(urls) < count:
        raise BenchError(f"only {len(urls)} distinct pictures to ask for; --pictures {count} is too many")
    return urls[:count]


def request_pictures(port: int, paths: list[str]) -> dict[str, Any]:
    """Ask for every picture from PICTURE_THREADS threads: how many answered 200, how long it took."""
    statuses: dict[str, int] = {}
    lock = threading.Lock()
    todo = list(paths)

    def worker() -> None:
        while True:
            with lock:
                if not todo:
                    return
                path = todo.pop(0)
            try:
                with urllib.request.urlopen(f"http://{clients.LOOPBACK}:{port}{path}",
                                            timeout=PICTURE_TIMEOUT_S) as resp:
                    resp.read()
                    status = str(resp.status)
            except urllib.error.HTTPError as exc:
                status = str(exc.code)
            except OSError as exc:
                status = type(exc).__name__
            with lock:
                statuses[status] = statuses.get(status, 0) + 1

    began = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(PICTURE_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"ok": statuses.get("200", 0), "failed": len(paths) - statuses.get("200", 0), "statuses": statuses,
            "seconds": round(time.monotonic() - began, 1)}


def memory_run(port: int, root: int, memory: dict[str, Any], count: int, wait_s: int) -> dict[str, Any]:
    """Idle (taken at start), after ``count`` distinct pictures, then every MEMORY_EVERY_S for ``wait_s``."""
    limit = BUDGETS[("memory", "a minute after the pictures")][1]
    result: dict[str, Any] = {"count": count, "idle_mb": memory["idle"]["mb"], "idle": memory["idle"]}
    if "idle_in_use" in memory:
        result["idle_in_use_mb"] = memory["idle_in_use"]["mb"]
        result["idle_in_use"] = memory["idle_in_use"]
    try:
        paths = picture_urls(count)
    except BenchError as exc:
        result["error"] = str(exc)
        return result
    progress(f"memory: idle {memory['idle']['mb']:.0f} MB; asking for {count} pictures")
    result["pictures"] = request_pictures(port, paths)
    busy = tree_memory(root)
    result.update(busy_mb=busy["mb"], busy=busy)
    progress(f"  {result['pictures']}; busy {busy['mb']:.0f} MB; watching for {wait_s} s")
    began = time.monotonic()
    samples = [(0.0, busy["mb"])]
    while time.monotonic() - began < wait_s:
        time.sleep(min(MEMORY_EVERY_S, max(0.0, wait_s - (time.monotonic() - began))))
        samples.append((round(time.monotonic() - began, 1), tree_memory(root)["mb"]))
    last = tree_memory(root)
    under = next((t for t, mb in samples if mb <= limit), None)
    result["after"] = {"mb": last["mb"], "seconds": round(time.monotonic() - began, 1), "detail": last,
                       "samples": samples, "under_limit_after_s": under}
    return result


if __name__ == "__main__":
    sys.exit(main())
