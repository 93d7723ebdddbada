"""Every data package the project writes passes the reference validator (issue 22, item 9).

Frictionless Framework, the Data Package reference implementation, checks each package the
way a user's ``frictionless validate`` would: the embedded snapshot (datapackage.json beside
observations.parquet) and both archives of the whole dataset, fetched from the route the
Sources page links to. Each must declare the types its file holds (``month`` once said
"string" over a column of integers: 562 type errors, then 438 primary-key clashes).

Time: frictionless reads parquet through pandas row by row (``iterrows``), ~46 s for the
~154k rows, where the CSV takes ~5 s. So the CSV archive is validated whole (every cell's
text, every row's key), and the two parquet files up to ``PARQUET_ROWS`` rows, reaching at
least one filled cell of every column: a parquet column has one stored type, so its first
filled cell shows a declared type that does not fit, and the rows themselves are the CSV's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import flask
import pandas as pd
import pytest
from frictionless import Package, Report

from dashboard.app.server import dataset_routes
from dashboard.snapshot import io
from dashboard.views import data

SNAPSHOT = io.DEFAULT_DIR
PARQUET_ROWS = 10_000   # at least: see filled_everywhere
SHOWN_ERRORS = 8        # errors quoted when a package is invalid


@pytest.fixture(scope="module")
def filled_everywhere() -> int:
    """Rows from the top of the snapshot that hold a filled cell in every column (``month`` is
    empty until the first monthly series)."""
    table = pd.read_parquet(SNAPSHOT / io.OBSERVATIONS)
    firsts = [int(table[c].notna().to_numpy().argmax()) for c in table.columns if table[c].notna().any()]
    return max(firsts, default=0) + 1


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> dict[str, Path]:
    """Both archives as /data/snapshot.<fmt>.zip serves them, saved to files."""
    server = flask.Flask(__name__)
    dataset_routes.install(server, data.configure())
    client = server.test_client()
    folder = tmp_path_factory.mktemp("served")
    saved = {}
    for fmt in ("csv", "parquet"):
        resp = client.get(dataset_routes.URL.format(fmt=fmt))
        assert resp.status_code == 200, (fmt, resp.status_code)
        saved[fmt] = folder / f"snapshot.{fmt}.zip"
        saved[fmt].write_bytes(resp.get_data())
    return saved


def test_embedded_snapshot_is_a_valid_data_package(filled_everywhere):
    report = Package(str(SNAPSHOT / io.PACKAGE)).validate(limit_rows=max(PARQUET_ROWS, filled_everywhere))
    assert report.valid, first_errors(report)


def test_parquet_archive_is_a_valid_data_package(served, filled_everywhere):
    report = Package(str(served["parquet"])).validate(limit_rows=max(PARQUET_ROWS, filled_everywhere))
    assert report.valid, first_errors(report)


def test_csv_archive_is_a_valid_data_package_every_row(served):
    report = Package(str(served["csv"])).validate()
    assert report.valid, first_errors(report)


@pytest.mark.parametrize("which", ["snapshot", "csv", "parquet"])
def test_extract_gives_each_column_its_declared_type(which, served, filled_everywhere):
    source = str(SNAPSHOT / io.PACKAGE) if which == "snapshot" else str(served[which])
    rows = Package(source).extract(limit_rows=filled_everywhere)["observations"]
    assert len(rows) == filled_everywhere
    kinds = {name: {type(row[name]) for row in rows} - {type(None)} for name in rows[0]}
    assert kinds["year"] == {int} and kinds["month"] == {int}, kinds
    assert kinds["estimate"] == {bool} and kinds["retrieved"] == {dt.date}, kinds
    assert 1 <= min(r["month"] for r in rows if r["month"] is not None) <= 12


def first_errors(report: Report) -> str:
    """How many errors (frictionless stops at 1,000) and the first, one line each: type, row, field, message."""
    errors = report.flatten(["type", "rowNumber", "fieldName", "message"])
    lines = [" | ".join(str(part) for part in error) for error in errors[:SHOWN_ERRORS]]
    return f"{len(errors)} errors, the first:\n" + "\n".join(lines)
