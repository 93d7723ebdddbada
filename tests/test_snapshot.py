"""The committed, embedded snapshot: spot values from the publishers' tables, reproducibility."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import countries, schema
from dashboard.snapshot import DEFAULT_DIR, load, load_package
from dashboard.snapshot.build import build


@pytest.fixture(scope="module")
def snapshot() -> pd.DataFrame:
    return load()


def _value(df: pd.DataFrame, **match) -> pd.Series:
    rows = df
    for column, value in match.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1, f"{match}: {len(rows)} rows"
    return rows.iloc[0]


# Expected figures read off the published tables (SOURCES.md and the issue), not our output.
SPOT = [
    (dict(source="sipri", edition="2025-04", iso3="GBR", year=2024, indicator="milex_share_gdp"), 2.2786, False),
    (dict(source="sipri", edition="2025-04", iso3="GBR", year=2023, indicator="milex_share_gdp"), 2.2306, False),
    (dict(source="sipri", edition="2024-04", iso3="GBR", year=2023, indicator="milex_share_gdp"), 2.2649, False),
    (dict(source="nato", edition="2024-06", iso3="GBR", year=2024, indicator="milex_share_gdp"), 2.3323, True),
    (dict(source="worldbank", edition="2026-02-24", iso3="GBR", year=2024, indicator="milex_share_gdp"), 2.2786, False),
]


@pytest.mark.parametrize("match,expected,estimate", SPOT, ids=lambda v: str(v) if not isinstance(v, dict) else
                         f"{v['source']}-{v['edition']}-{v['year']}")
def test_spot_values(snapshot, match, expected, estimate):
    row = _value(snapshot, **match)
    assert row["value"] == pytest.approx(expected, abs=5e-5)
    assert row["unit"] == "percent of GDP"
    assert bool(row["estimate"]) is estimate


def test_nato_uk_spending_in_pounds(snapshot):
    row = _value(snapshot, source="nato", iso3="GBR", year=2024, indicator="milex_lcu", price_base="current")
    assert row["value"] == pytest.approx(64583.84, abs=0.005)
    assert row["unit"] == "GBP million" and row["estimate"]


def test_every_row_is_sourced_and_keyed(snapshot):
    assert list(snapshot.columns) == list(schema.COLUMNS)
    assert not snapshot.duplicated(list(schema.KEY)).any()
    assert set(snapshot["indicator"]) <= set(schema.INDICATORS)
    for column in ("source", "edition", "iso3", "unit", "price_base", "retrieved"):
        assert (snapshot[column].str.len() > 0).all(), column
    package = load_package()
    editions = {(s["name"], e) for s in package["sources"] if s["name"] != "national" for ed in s["editions"]
                for e in ed["edition"].split(", ")}
    # a government budget's every figure is its own edition: the datapackage lists them as figures
    national = next(s for s in package["sources"] if s["name"] == "national")
    editions |= {("national", f"{f['document']['date']} {f['id']}" if f["document"]["date"] else f["id"])
                 for f in national["figures"]}
    assert set(zip(snapshot["source"], snapshot["edition"])) == editions
    for source in package["sources"]:
        assert source["licenses"] and source["citation"] and source["path"].startswith("https://")


def test_both_sipri_editions_and_every_source_file_present(snapshot):
    pairs = set(zip(snapshot["source"], snapshot["edition"]))
    assert {("sipri", "2025-04"), ("sipri", "2024-04"), ("nato", "2024-06"),
            ("worldbank", "2026-02-24"), ("eurostat", "2026-04-27")} <= pairs


def test_aggregates_and_historical_states_have_documented_codes(snapshot):
    codes = set(snapshot["iso3"])
    assert {"NATO", "NATO_EUR_CAN", "WLD", "SUN", "YUG", "CSK", "XKX", "EU27"} <= codes
    undocumented = {c for c in codes if len(c) != 3 and not countries.is_aggregate(c)
                    and c not in countries.HISTORICAL and c != "EU_INST"}
    assert undocumented == set()


def test_build_from_shared_reproduces_the_committed_snapshot(shared_sources, tmp_path):
    build(shared_sources, tmp_path / "snap")
    fresh, committed = load(tmp_path / "snap"), load(DEFAULT_DIR)
    pd.testing.assert_frame_equal(fresh, committed)
    assert load_package(tmp_path / "snap") == load_package(DEFAULT_DIR)


def test_the_apps_data_is_read_once_per_snapshot_on_disk(tmp_path):
    """configure() on the same unchanged snapshot gives the data already built; a snapshot
    replaced on disk (as a build replaces it) is read afresh."""
    import shutil

    from dashboard.views import data

    folder = tmp_path / "snapshot"
    shutil.copytree(DEFAULT_DIR, folder)
    first = data.configure(folder)
    assert data.configure(folder) is first and data.get() is first
    package = folder / "datapackage.json"
    replaced = tmp_path / "new.json"
    replaced.write_bytes(package.read_bytes())
    replaced.replace(package)                     # a new file in its place: another snapshot
    second = data.configure(folder)
    assert second is not first and data.configure(folder) is second
    assert data.configure() is not second         # the embedded one is another snapshot
    data.configure()
