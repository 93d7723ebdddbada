"""scripts/browserbench.py's command line and report, without a server or a browser."""

from __future__ import annotations

import importlib.util
import os
import sys

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("browserbench", ROOT / "scripts" / "browserbench.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["browserbench"] = module  # its dataclass looks its module up by name
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("browserbench", None)


def test_defaults_run_every_measure(bench):
    args = bench.parse_args([])
    assert args.only == bench.MEASURES
    assert (args.runs, args.seconds, args.connections, args.pictures, args.memory_wait) == (3, 10, 16, 200, 60)
    assert not args.json


def test_only_keeps_the_measures_order_and_rejects_unknown_names(bench, capsys):
    args = bench.parse_args(["--only", "memory, year-step", "--runs", "5", "--seconds", "4", "--json"])
    assert args.only == ("year-step", "memory")
    assert (args.runs, args.seconds, args.json) == (5, 4, True)
    for bad in (["--only", "year-step,nope"], ["--runs", "0"], ["--seconds", "61"]):
        with pytest.raises(SystemExit):
            bench.parse_args(bad)
    assert "unknown measure(s) nope" in capsys.readouterr().err


def test_stats_give_p95_only_with_enough_samples(bench):
    assert bench.stats([]) == {"p50": None, "p95": None, "max": None, "n": 0}
    few = bench.stats([30.0, 10.0, 20.0])
    assert (few["p50"], few["p95"], few["max"], few["n"]) == (20.0, None, 30.0, 3)
    many = bench.stats([float(i) for i in range(1, 21)])
    assert many["p95"] == 19.0


def test_rows_judge_each_figure_against_the_issue_budgets(bench):
    results = {
        "year-step": {"main": "map drawn", "samples": {"map drawn": [40.0, 45.0, 90.0], "map answer": [20.0]},
                      "errors": []},
        "country-switch": {"main": "share chart drawn", "samples": {}, "errors": ["country-share-graph drawn: "
                                                                                  "not within 30 s"]},
        "throughput": {"/": {"client": "wrk", "requests_per_s": 2500.0, "p99_ms": 31.0, "non_2xx": 0,
                             "socket_errors": 0},
                       "/country/FIN": {"error": "warm-up request failed: refused"}},
        "memory": {"count": 200, "idle_mb": 480.0, "busy_mb": 900.0, "pictures": {"ok": 200, "failed": 0,
                                                                                  "seconds": 60.0},
                   "after": {"mb": 590.0, "seconds": 60.0, "under_limit_after_s": 35.0}},
    }
    rows = {(r.measure, r.metric): r for r in bench.rows_of(results)}
    assert rows["year-step", "map drawn"].verdict == "ok"            # p50 45 ms ≤ 50 ms
    assert rows["year-step", "map drawn"].budget == "≤ 50 ms"
    assert rows["year-step", "map answer"].verdict == ""             # no budget
    assert rows["country-switch", "share chart drawn"].verdict == "failed"
    assert "not within 30 s" in rows["country-switch", "share chart drawn"].note
    assert rows["throughput", "GET / req/s"].verdict == "ok"
    assert rows["throughput", "GET / p99"].verdict == "over"
    assert rows["throughput", "GET /country/FIN req/s"].verdict == "failed"
    assert rows["memory", "idle after start"].verdict == "ok"
    assert rows["memory", "a minute after the pictures"].verdict == "ok"
    assert "under 600 MB after 35 s" in rows["memory", "a minute after the pictures"].note

    table = bench.format_table(list(rows.values())).splitlines()
    assert table[0].startswith("| measure | metric | p50 | p95 | max | n | budget | verdict |")
    assert "| year-step | map drawn | 45.0 ms | — | 90.0 ms | 3 | ≤ 50 ms | ok |" in table[2]
    assert any("| GET / req/s | 2,500 req/s |" in line for line in table)


def test_process_tree_memory_reads_this_process(bench):
    tree = bench.tree_memory(os.getpid())
    assert tree["processes"] >= 1 and tree["mb"] > 0
