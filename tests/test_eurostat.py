"""Eurostat GOV_EV (JSON-stat 2.0) loader: the published file, built cubes, fetch, live."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import responses

from dashboard import http
from dashboard.errors import SourceError
from dashboard.rawcache import RawCache
from dashboard.sources import eurostat as es
from tests.conftest import raw, shared_file

# --- the published file -------------------------------------------------------------------


def _series(frame, iso3: str, indicator: str) -> dict[int, float]:
    part = frame[(frame.iso3 == iso3) & (frame.indicator == indicator)]
    return dict(zip(part.year, part.value))


def test_real_file_germany_share_of_gdp():
    frame = es.parse(raw("eurostat", shared_file("eurostat/gov_ev-defence.json")))
    assert _series(frame, "DEU", "milex_share_gdp") == {2021: 1.1, 2022: 1.2, 2023: 1.2, 2024: 1.4, 2025: 1.5}
    assert set(frame.edition) == {"2026-04-27"}
    assert frame.loc[frame.iso3 == "DEU", "country"].iloc[0] == "Germany"


def test_real_file_codes_and_currencies():
    frame = es.parse(raw("eurostat", shared_file("eurostat/gov_ev-defence.json")))
    assert set(frame.iso3) >= {"EU27", "GRC", "DEU", "POL", "BGR", "HRV"}
    assert len(set(frame.iso3)) == 28  # EU27_2020 + the 27 members
    lcu = frame[frame.indicator == "milex_lcu"]
    units = dict(zip(lcu.iso3, lcu.unit))
    assert units["POL"] == "PLN million" and units["SWE"] == "SEK million" and units["HUN"] == "HUF million"
    # Bulgaria joined the euro on 2026-01-01; this edition (2026-04-27) restates its
    # national-currency series in euro: MIO_NAC equals MIO_EUR for every year.
    assert units["BGR"] == "EUR million"
    assert _series(frame, "BGR", "milex_lcu") == _series(frame, "BGR", "milex_eur")
    assert set(frame.price_base) == {"current"}


def test_discover(shared_sources: Path):
    assert [p.name for p in es.discover(shared_sources / "eurostat")] == ["gov_ev-defence.json"]


# --- built cubes --------------------------------------------------------------------------
# id: freq, expend, na_item, unit, geo, time; size 1×1×1×2×2×3 (unit × geo × time = 2×2×3).
# Row-major flat index = (unit * 2 + geo) * 3 + time, with
# unit MIO_NAC=0, PC_GDP=1; geo PL=0, EL=1; time 2023=0, 2024=1, 2025=2.
#   0 = MIO_NAC PL 2023    2 = MIO_NAC PL 2025 (p)    4 = MIO_NAC EL 2024
#   7 = PC_GDP  PL 2024 (e)  9 = PC_GDP EL 2023      11 = PC_GDP EL 2025 (e)
# Values are invented (round numbers), not the published figures.
VALUES = {"0": 70000.0, "2": 130000.0, "4": 6000.0, "7": 4.1, "9": 2.9, "11": 3.0}
STATUS = {"2": "p", "7": "e", "11": "e"}
EXPECTED = {
    ("POL", 2023, "milex_lcu"): (70000.0, "PLN million", "", False),
    ("POL", 2025, "milex_lcu"): (130000.0, "PLN million", "p", False),
    ("GRC", 2024, "milex_lcu"): (6000.0, "EUR million", "", False),
    ("POL", 2024, "milex_share_gdp"): (4.1, "percent of GDP", "e", True),
    ("GRC", 2023, "milex_share_gdp"): (2.9, "percent of GDP", "", False),
    ("GRC", 2025, "milex_share_gdp"): (3.0, "percent of GDP", "e", True),
}


def _dim(codes: list[str], labels: list[str] | None = None) -> dict:
    labels = labels or codes
    return {"label": "x", "category": {"index": {c: i for i, c in enumerate(codes)},
                                       "label": dict(zip(codes, labels))}}


def _cube(**changes) -> dict:
    cube = {
        "version": "2.0", "class": "dataset", "label": "GOV_EV test", "source": "ESTAT",
        "updated": "2026-04-27T23:00:00+0200",
        "id": ["freq", "expend", "na_item", "unit", "geo", "time"],
        "size": [1, 1, 1, 2, 2, 3],
        "dimension": {
            "freq": _dim(["A"]), "expend": _dim(["DEF"]), "na_item": _dim(["TE"]),
            "unit": _dim(["MIO_NAC", "PC_GDP"]), "geo": _dim(["PL", "EL"], ["Poland", "Greece"]),
            "time": _dim(["2023", "2024", "2025"]),
        },
        "value": VALUES, "status": STATUS,
    }
    cube.update(changes)
    return cube


def _write(folder: Path, cube: dict | str, name: str = "gov_ev-test.json") -> Path:
    path = folder / name
    path.write_text(cube if isinstance(cube, str) else json.dumps(cube), encoding="utf-8")
    return path


def _rows(frame) -> dict:
    return {(r.iso3, r.year, r.indicator): (r.value, r.unit, r.flags, r.estimate) for r in frame.itertuples()}


def test_built_sparse_cube(tmp_path: Path):
    frame = es.parse(raw("eurostat", _write(tmp_path, _cube()), retrieved="2026-05-01"))
    assert _rows(frame) == EXPECTED
    assert set(frame.edition) == {"2026-04-27"} and set(frame.retrieved) == {"2026-05-01"}
    assert dict(zip(frame.iso3, frame.country)) == {"POL": "Poland", "GRC": "Greece"}


def test_built_dense_cube_with_status_list(tmp_path: Path):
    dense = [VALUES.get(str(i)) for i in range(12)]
    status = [STATUS.get(str(i)) for i in range(12)]
    frame = es.parse(raw("eurostat", _write(tmp_path, _cube(value=dense, status=status))))
    assert _rows(frame) == EXPECTED


def test_cube_without_status_has_no_flags(tmp_path: Path):
    cube = _cube()
    del cube["status"]
    frame = es.parse(raw("eurostat", _write(tmp_path, cube)))
    assert set(frame["flags"]) == {""} and not frame.estimate.any() and len(frame) == 6


def test_bulgaria_before_the_euro_is_in_lev(tmp_path: Path):
    cube = _cube(updated="2025-10-22T23:00:00+0200")
    cube["dimension"]["geo"] = _dim(["PL", "BG"], ["Poland", "Bulgaria"])
    frame = es.parse(raw("eurostat", _write(tmp_path, cube)))
    assert _rows(frame)[("BGR", 2024, "milex_lcu")][1] == "BGN million"
    assert set(frame.edition) == {"2025-10-22"}


def test_other_eurostat_aggregates_are_skipped(tmp_path: Path):
    cube = _cube()
    cube["dimension"]["geo"] = _dim(["PL", "EA20"])
    frame = es.parse(raw("eurostat", _write(tmp_path, cube)))
    assert set(frame.iso3) == {"POL"}


def _assert_source_error(path: Path, match: str) -> None:
    with pytest.raises(SourceError, match=match) as exc:
        es.parse(raw("eurostat", path))
    message = str(exc.value)
    assert message.startswith(f"eurostat: {path}") and "\n" not in message


def test_size_longer_than_id(tmp_path: Path):
    path = _write(tmp_path, _cube(size=[1, 1, 1, 2, 2, 3, 1]))
    _assert_source_error(path, r"JSON-stat size \[1, 1, 1, 2, 2, 3, 1\] does not match id")


def test_flat_index_beyond_size_product(tmp_path: Path):
    path = _write(tmp_path, _cube(value={**VALUES, "12": 1.0}))  # product(size) = 12
    _assert_source_error(path, "JSON-stat size product 12 does not match flat index 12")


def test_size_disagrees_with_categories(tmp_path: Path):
    path = _write(tmp_path, _cube(size=[1, 1, 1, 2, 2, 2]))
    _assert_source_error(path, "JSON-stat size 2 of 'time' does not match its 3 categories")


def test_dense_list_of_wrong_length(tmp_path: Path):
    path = _write(tmp_path, _cube(value=[1.0] * 11, status=None))
    _assert_source_error(path, "JSON-stat size product 12 does not match 11 dense values")


def test_malformed_json(tmp_path: Path):
    path = _write(tmp_path, '{"version": "2.0", "value": {"0": 1.')
    _assert_source_error(path, "not JSON")


@pytest.mark.parametrize("error", [
    [{"status": 404, "id": 100, "label": "No results found"}],
    {"status": "404", "id": "100", "label": "No results found"},
])
def test_eurostat_error_json(tmp_path: Path, error):
    path = _write(tmp_path, {"error": error})
    _assert_source_error(path, r"Eurostat error: No results found \(status 404, id 100\)")


def test_unknown_geo_is_reported(tmp_path: Path):
    cube = _cube()
    cube["dimension"]["geo"] = _dim(["PL", "QQ"])
    _assert_source_error(_write(tmp_path, cube), "unknown geo code 'QQ'")


# --- fetch --------------------------------------------------------------------------------


@responses.activate
def test_fetch_checks_then_stores(tmp_path: Path):
    responses.get(es.API_URL, json=_cube(),
                  match=[responses.matchers.query_param_matcher({"format": "JSON", "expend": "DEF"})])
    (path,) = es.fetch(http.session(), RawCache(tmp_path))
    assert path.name == "gov_ev-defence.json" and es.discover(tmp_path) == [path]
    assert _rows(es.parse(raw("eurostat", path))) == EXPECTED


@responses.activate
def test_fetch_reports_an_error_answer_and_stores_nothing(tmp_path: Path):
    responses.get(es.API_URL, json={"error": [{"status": 400, "id": 140, "label": "Invalid dimension expend"}]})
    with pytest.raises(SourceError, match="Eurostat error: Invalid dimension expend") as exc:
        es.fetch(http.session(), RawCache(tmp_path))
    assert es.API_URL in str(exc.value)
    assert es.discover(tmp_path) == []


@responses.activate
def test_fetch_http_error(tmp_path: Path):
    responses.get(es.API_URL, status=400, json={"error": [{"status": 400, "id": 140, "label": "x"}]})
    with pytest.raises(SourceError, match="HTTP 400"):
        es.fetch(http.session(), RawCache(tmp_path))
    assert es.discover(tmp_path) == []


@pytest.mark.network
def test_live_gov_ev(tmp_path: Path):
    (path,) = es.fetch(http.session(), RawCache(tmp_path))
    frame = es.parse(raw("eurostat", path))
    deu = _series(frame, "DEU", "milex_share_gdp")
    assert deu and all(0.5 < v < 5 for v in deu.values())
