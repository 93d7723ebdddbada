"""IMF WEO (DataMapper API) loader: built answers in the published layout, fetch, live."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import responses

from dashboard import http
from dashboard.errors import SourceError
from dashboard.rawcache import RawCache
from dashboard.sources import imf
from tests.conftest import raw

API_META = {"version": "1", "output-method": "json"}


def _answer(indicator: str, by_country: dict) -> bytes:
    return json.dumps({"values": {indicator: by_country}, "api": API_META}).encode()


def _saved(folder: Path, indicator: str, by_country: dict) -> Path:
    path = folder / f"imf-weo-{indicator}.json"
    path.write_bytes(_answer(indicator, by_country))
    return path


def _rows(frame) -> dict[tuple[str, int], tuple[float, str, bool]]:
    return {(r.iso3, r.year): (r.value, r.unit, r.estimate) for r in frame.itertuples()}


NGDPD = {
    "GBR": {"2024": 3643.8, "2025": 3839.2, "2026": 3958.8, "2027": 4000.5},
    "UVK": {"2025": 11.2},              # Kosovo under the IMF's own code
    "EURO": {"2027": 17000.0},          # a group: dropped
    "ADVEC": {"2027": 70000.0},         # a group: dropped
    "APQ": {"2027": 1.0},               # a region with a three-letter code: dropped
    "DEU": {"2026": None, "2027": 5000.25},  # null → no row
}


def test_ngdpd_in_us_dollar_millions_with_projection_flags(tmp_path: Path):
    frame = imf.parse(raw("imf", _saved(tmp_path, "NGDPD", NGDPD), retrieved="2026-11-25"))
    # WEO billions → millions; edition 2026-10, so 2026 onwards are projections
    assert _rows(frame) == {
        ("GBR", 2024): (3_643_800.0, "US$ million", False),
        ("GBR", 2025): (3_839_200.0, "US$ million", False),
        ("GBR", 2026): (3_958_800.0, "US$ million", True),
        ("GBR", 2027): (4_000_500.0, "US$ million", True),
        ("XKX", 2025): (11_200.0, "US$ million", False),
        ("DEU", 2027): (5_000_250.0, "US$ million", True),
    }
    assert set(frame.edition) == {"2026-10"} and set(frame.retrieved) == {"2026-11-25"}
    assert set(frame.indicator) == {"gdp_usd"} and set(frame.source) == {"imf"}
    names = dict(zip(frame.iso3, frame.country))
    assert names == {"GBR": "United Kingdom", "XKX": "Kosovo", "DEU": "Germany"}


def test_ngdp_units_name_the_currency_on_the_edition_date(tmp_path: Path):
    by_country = {"GBR": {"2025": 2900.1}, "BGR": {"2025": 210.0}, "HRV": {"2025": 90.0},
                  "NGA": {"2025": 300000.0}}
    path = _saved(tmp_path, "NGDP", by_country)
    october_2026 = _rows(imf.parse(raw("imf", path, retrieved="2026-11-25")))
    assert october_2026 == {
        ("GBR", 2025): (2_900_100.0, "GBP million", False),
        ("BGR", 2025): (210_000.0, "EUR million", False),   # euro since 2026-01: series restated
        ("HRV", 2025): (90_000.0, "EUR million", False),
        ("NGA", 2025): (300_000_000.0, "NGN million", False),  # naira, from CLDR
    }
    october_2025 = _rows(imf.parse(raw("imf", path, retrieved="2025-11-25")))
    assert october_2025[("BGR", 2025)] == (210_000.0, "BGN million", True)  # before the changeover


def test_growth_and_deflator_keep_their_units(tmp_path: Path):
    growth = imf.parse(raw("imf", _saved(tmp_path, "NGDP_RPCH", {"GBR": {"2025": 1.3}}), retrieved="2026-05-01"))
    deflator = imf.parse(raw("imf", _saved(tmp_path, "NGDP_D", {"GBR": {"2025": 131.2}}), retrieved="2026-05-01"))
    assert _rows(growth) == {("GBR", 2025): (1.3, "percent", False)}
    assert _rows(deflator) == {("GBR", 2025): (131.2, "index", False)}
    assert set(growth.indicator) == {"gdp_real_change"} and set(deflator.indicator) == {"gdp_deflator"}
    assert set(growth.edition) == {"2026-04"}


@pytest.mark.parametrize("retrieved, edition", [
    ("2026-11-25", "2026-10"),
    ("2026-10-01", "2026-10"),
    ("2026-09-30", "2026-04"),
    ("2026-04-30", "2026-04"),
    ("2026-02-03", "2025-10"),
])
def test_weo_edition_from_the_retrieval_date(retrieved: str, edition: str):
    assert imf.weo_edition(retrieved) == edition


def test_answer_without_values_is_a_source_error(tmp_path: Path):
    path = tmp_path / "imf-weo-NGDPD.json"
    path.write_text(json.dumps({"api": API_META}))
    with pytest.raises(SourceError, match="no 'values'") as exc:
        imf.parse(raw("imf", path))
    assert str(path) in str(exc.value) and "\n" not in str(exc.value)


def test_malformed_json_is_a_source_error(tmp_path: Path):
    path = tmp_path / "imf-weo-NGDPD.json"
    path.write_text('{"values": {"NGDPD": {"GBR": {"2027": 4000.5}')
    with pytest.raises(SourceError, match="not JSON") as exc:
        imf.parse(raw("imf", path))
    assert str(exc.value).startswith(f"imf: {path}: ") and "\n" not in str(exc.value)


def test_unmapped_indicator_in_a_file_is_a_source_error(tmp_path: Path):
    path = tmp_path / "imf-weo-NGDPD.json"
    path.write_bytes(_answer("PCPIPCH", {"GBR": {"2025": 3.4}}))
    with pytest.raises(SourceError, match="PCPIPCH"):
        imf.parse(raw("imf", path))


def test_discover_finds_saved_answers_not_sidecars(tmp_path: Path):
    folder = tmp_path / "imf" / "2026-11-25"
    folder.mkdir(parents=True)
    paths = [_saved(folder, ind, {"GBR": {"2025": 1.0}}) for ind in imf.INDICATOR_MAP]
    (folder / "imf-weo-NGDP.json.meta.json").write_text("{}")
    (folder / "other.json").write_text("{}")
    assert imf.discover(tmp_path) == sorted(paths)


URL = "https://www.imf.org/external/datamapper/api/v1/{}"


@responses.activate
def test_fetch_stores_each_answer(tmp_path: Path):
    for ind in imf.INDICATOR_MAP:
        responses.get(URL.format(ind), body=_answer(ind, {"GBR": {"2025": 2.5}, "EURO": {"2025": 9.0}}))
    stored = imf.fetch(http.session(), RawCache(tmp_path))
    assert sorted(p.name for p in stored) == ["imf-weo-NGDP.json", "imf-weo-NGDPD.json",
                                              "imf-weo-NGDP_D.json", "imf-weo-NGDP_RPCH.json"]
    assert sorted(imf.discover(tmp_path)) == sorted(stored)
    meta = json.loads((stored[0].parent / (stored[0].name + ".meta.json")).read_text())
    assert meta["url"].startswith("https://www.imf.org/external/datamapper/api/v1/")


@responses.activate
def test_fetch_does_not_store_an_unknown_indicator_answer(tmp_path: Path):
    for ind in imf.INDICATOR_MAP:
        body = json.dumps({"api": API_META}).encode() if ind == "NGDP_D" else _answer(ind, {"GBR": {"2025": 1.0}})
        responses.get(URL.format(ind), body=body)
    with pytest.raises(SourceError) as exc:
        imf.fetch(http.session(), RawCache(tmp_path))
    message = str(exc.value)
    assert "1 indicator(s) failed: NGDP_D" in message and "no 'values'" in message and "\n" not in message
    assert sorted(p.name for p in imf.discover(tmp_path)) == [
        "imf-weo-NGDP.json", "imf-weo-NGDPD.json", "imf-weo-NGDP_RPCH.json"]


@pytest.mark.network
def test_live_datamapper_ngdpd(tmp_path: Path):
    content = http.get(http.session(), URL.format("NGDPD")).content
    path = tmp_path / "imf-weo-NGDPD.json"
    path.write_bytes(content)
    frame = imf.parse(raw("imf", path, retrieved="2026-11-25"))
    gbr = frame[(frame.iso3 == "GBR") & (frame.year == 2024)]
    assert len(gbr) == 1 and 2_000_000 < gbr.value.iloc[0] < 6_000_000
    assert not frame.iso3.isin(["EURO", "ADVEC"]).any()
