"""World Bank WDI loader: published bulk files, built files in the published layout, the API."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import responses
from responses import matchers

from dashboard import http
from dashboard.errors import SourceError
from dashboard.rawcache import RawCache
from dashboard.sources import worldbank as wb
from tests.conftest import raw, shared_file

# --- published files (../shared) ---------------------------------------------------------


def _value(frame, iso3: str, year: int) -> float:
    row = frame[(frame.iso3 == iso3) & (frame.year == year)]
    assert len(row) == 1, row
    return float(row.value.iloc[0])


def test_real_zip_uk_share_2024_and_edition():
    path = shared_file("worldbank/API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.zip")
    frame = wb.parse(raw("worldbank", path))
    assert _value(frame, "GBR", 2024) == pytest.approx(2.2786177901127, rel=1e-12)
    assert set(frame.edition) == {"2026-02-24"}
    assert set(frame.indicator) == {"milex_share_gdp"}
    assert set(frame.unit) == {"percent of GDP"}
    assert not frame.estimate.any() and set(frame["flags"]) == {""}
    assert frame.value.notna().all()


def test_real_zip_aggregates_are_coded():
    path = shared_file("worldbank/API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.zip")
    codes = set(wb.parse(raw("worldbank", path)).iso3)
    assert {"WLD", "EU27", "WB_HIC", "WB_EMU", "XKX", "GBR"} <= codes
    assert "EUU" not in codes and "HIC" not in codes
    odd = {c for c in codes if len(c) != 3 and not c.startswith("WB_") and c != "EU27"}
    assert odd == set()


def test_real_gdp_csv_in_us_dollar_millions():
    path = shared_file("worldbank/API_NY.GDP.MKTP.CD_DS2_en_csv_v2_26.csv")
    frame = wb.parse(raw("worldbank", path))
    # published 3,089,072,722,400.14 US$ → 3,089,072.72240014 US$ million
    assert _value(frame, "GBR", 2022) == pytest.approx(3_089_072.72240014, rel=1e-12)
    assert set(frame.unit) == {"US$ million"} and set(frame.indicator) == {"gdp_usd"}
    assert "WB_CHI" not in set(frame.iso3) and "CHI" in set(frame.iso3)  # Channel Islands: Region set


def test_real_milex_csv_borrows_metadata_beside_it():
    path = shared_file("worldbank/API_MS.MIL.XPND.CD_DS2_en_csv_v2_47475.csv")
    frame = wb.parse(raw("worldbank", path))
    assert set(frame.edition) == {"2024-03-28"}
    codes = set(frame.iso3)
    assert {"WLD", "EU27", "WB_AFE"} <= codes and "AFE" not in codes


def test_discover_finds_the_published_files(shared_sources: Path):
    names = [p.name for p in wb.discover(shared_sources / "worldbank")]
    assert names == [
        "API_MS.MIL.XPND.CD_DS2_en_csv_v2_47475.csv",
        "API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.zip",
        "API_NY.GDP.MKTP.CD_DS2_en_csv_v2_26.csv",
    ]


# --- built files in the published layout --------------------------------------------------
# Every value below is invented (round numbers); only the layout is the World Bank's.

PREAMBLE = ['"Data Source","World Development Indicators",', "",
            '"Last Updated Date","2025-07-01",', ""]
HEADER = '"Country Name","Country Code","Indicator Name","Indicator Code","2020","2021","2022",'
NAME = '"Military expenditure (current USD)","MS.MIL.XPND.CD"'
BODY = [
    f'"United Kingdom","GBR",{NAME},"59000000000","","68000000000",',
    f'"Kosovo","XKX",{NAME},"","100000000","",',
    f'"World","WLD",{NAME},"2000000000000","","",',
    f'"European Union","EUU",{NAME},"","250000000000","",',
    f'"Euro area","EMU",{NAME},"","","1500000",',
    f'"France","FRA",{NAME},"","","3000000",',
]
METADATA = "\n".join([
    '"Country Code","Region","IncomeGroup","SpecialNotes","TableName",',
    '"GBR","Europe & Central Asia","High income","","United Kingdom",',
    '"XKX","Europe & Central Asia","Upper middle income","","Kosovo",',
    '"WLD","","","","World",',
    '"EUU","","","","European Union",',
    '"EMU","","","","Euro area",',
    '"FRA","Europe & Central Asia","High income","","France",',
])
CSV_NAME = "API_MS.MIL.XPND.CD_DS2_en_csv_v2_99.csv"


def _bulk_csv(lines: list[str] | None = None, newline: str = "\r\n") -> bytes:
    """A bulk CSV as the World Bank writes it: BOM, preamble, header, trailing commas."""
    return ("\ufeff" + newline.join(lines if lines is not None else PREAMBLE + [HEADER] + BODY)
            + newline).encode("utf-8")


def _write_csv(folder: Path, content: bytes, metadata: bool = True) -> Path:
    path = folder / CSV_NAME
    path.write_bytes(content)
    if metadata:
        (folder / f"Metadata_Country_{CSV_NAME}").write_bytes(("\ufeff" + METADATA + "\n").encode())
    return path


def _by_code(frame) -> dict[tuple[str, int], float]:
    return {(r.iso3, r.year): r.value for r in frame.itertuples()}


def test_built_csv_with_metadata(tmp_path: Path):
    frame = wb.parse(raw("worldbank", _write_csv(tmp_path, _bulk_csv()), retrieved="2025-07-02"))
    assert _by_code(frame) == pytest.approx({
        ("GBR", 2020): 59_000.0,            # 59,000,000,000 US$
        ("GBR", 2022): 68_000.0,            # empty 2021 cell → no row
        ("XKX", 2021): 100.0,
        ("WLD", 2020): 2_000_000.0,
        ("EU27", 2021): 250_000.0,          # EUU → EU27
        ("WB_EMU", 2022): 1.5,
        ("FRA", 2022): 3.0,
    })
    assert set(frame.edition) == {"2025-07-01"} and set(frame.retrieved) == {"2025-07-02"}
    assert set(frame.unit) == {"US$ million"} and set(frame.price_base) == {"current"}
    assert frame.loc[frame.iso3 == "GBR", "country"].iloc[0] == "United Kingdom"


def test_built_csv_without_metadata_uses_the_listed_aggregates(tmp_path: Path):
    frame = wb.parse(raw("worldbank", _write_csv(tmp_path, _bulk_csv(newline="\n"), metadata=False)))
    # ISO economies (and XKX) as they are; EMU is a listed WDI aggregate
    assert set(frame.iso3) == {"GBR", "XKX", "WLD", "EU27", "WB_EMU", "FRA"}


@pytest.mark.parametrize("metadata", [True, False])
def test_a_code_neither_iso_nor_a_listed_aggregate_fails(tmp_path: Path, metadata: bool):
    """GBR retyped GBX: once stored as an invented aggregate WB_GBX with the UK's figures."""
    lines = PREAMBLE + [HEADER] + [line.replace('"GBR"', '"GBX"') for line in BODY]
    path = _write_csv(tmp_path, _bulk_csv(lines), metadata=metadata)
    with pytest.raises(SourceError, match=r"country code 'GBX' .* \(2 values would be lost\)"):
        wb.parse(raw("worldbank", path))


def test_built_csv_with_header_moved_down_still_parses(tmp_path: Path):
    lines = PREAMBLE + ['"Note","an extra line",', ""] + [HEADER] + BODY
    frame = wb.parse(raw("worldbank", _write_csv(tmp_path, _bulk_csv(lines))))
    assert _by_code(frame)[("GBR", 2020)] == pytest.approx(59_000.0)


def test_built_zip_with_data_and_metadata(tmp_path: Path):
    path = tmp_path / "API_MS.MIL.XPND.CD_DS2_en_csv_v2_99.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("Metadata_Indicator_API_MS.MIL.XPND.CD_DS2_en_csv_v2_99.csv", "\ufeffx\n")
        zf.writestr(CSV_NAME, _bulk_csv())
        zf.writestr(f"Metadata_Country_{CSV_NAME}", "\ufeff" + METADATA + "\n")
    assert wb.discover(tmp_path) == [path]
    frame = wb.parse(raw("worldbank", path))
    assert _by_code(frame)[("FRA", 2022)] == pytest.approx(3.0)
    assert _by_code(frame)[("EU27", 2021)] == pytest.approx(250_000.0)
    assert len(frame) == 7


def _assert_one_line_naming(exc: pytest.ExceptionInfo, path: Path | str) -> None:
    message = str(exc.value)
    assert "\n" not in message
    assert str(path) in message
    assert message.startswith("worldbank: ")


def test_truncated_zip(tmp_path: Path):
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(CSV_NAME, _bulk_csv())
    bad = tmp_path / "API_MS.MIL.XPND.CD_DS2_en_csv_v2_1.zip"
    bad.write_bytes(good.read_bytes()[:60])
    with pytest.raises(SourceError, match="not a readable zip") as exc:
        wb.parse(raw("worldbank", bad))
    _assert_one_line_naming(exc, bad)


HTML = b"<!DOCTYPE html>\n<html><head><title>Error</title></head><body>Service unavailable</body></html>\n"


@pytest.mark.parametrize("suffix", [".zip", ".csv"])
def test_html_page_saved_as_data(tmp_path: Path, suffix: str):
    path = tmp_path / f"API_MS.MIL.XPND.CD_DS2_en_csv_v2_1{suffix}"
    path.write_bytes(HTML)
    with pytest.raises(SourceError) as exc:
        wb.parse(raw("worldbank", path))
    _assert_one_line_naming(exc, path)


def test_csv_without_header(tmp_path: Path):
    path = _write_csv(tmp_path, _bulk_csv(PREAMBLE + BODY))
    with pytest.raises(SourceError, match="no header line starting 'Country Name'") as exc:
        wb.parse(raw("worldbank", path))
    _assert_one_line_naming(exc, path)


def test_csv_with_header_moved_too_far(tmp_path: Path):
    path = _write_csv(tmp_path, _bulk_csv(PREAMBLE + [""] * wb.MAX_PREAMBLE_LINES + [HEADER] + BODY))
    with pytest.raises(SourceError, match="no header line") as exc:
        wb.parse(raw("worldbank", path))
    _assert_one_line_naming(exc, path)


def test_text_in_a_number_cell_names_line_country_and_year(tmp_path: Path):
    # BODY[1] is Kosovo: its 2021 cell "100000000" becomes text; BODY[3] (EUU) also gets
    # text, later in the file, so the message must name the first: Kosovo's line.
    body = list(BODY)
    body[1] = body[1].replace('"100000000"', '"n/a (see note)"')
    body[3] = body[3].replace('"250000000000"', '"x"')
    path = _write_csv(tmp_path, _bulk_csv(PREAMBLE + [HEADER] + body))
    with pytest.raises(SourceError) as exc:
        wb.parse(raw("worldbank", path))
    _assert_one_line_naming(exc, path)
    # lines 1-4 preamble, 5 header, 6 United Kingdom, 7 Kosovo
    assert str(exc.value).endswith(", line 7 (XKX, 2021): text 'n/a (see note)' where a number belongs")


def test_text_in_a_number_cell_inside_a_zip_names_the_member(tmp_path: Path):
    body = [BODY[0].replace('"59000000000"', '"n/a"')]  # United Kingdom, 2020
    path = tmp_path / "API_MS.MIL.XPND.CD_DS2_en_csv_v2_99.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(CSV_NAME, _bulk_csv(PREAMBLE + [HEADER] + body))
    with pytest.raises(SourceError) as exc:
        wb.parse(raw("worldbank", path))
    _assert_one_line_naming(exc, path)
    assert f"{CSV_NAME}, line 6 (GBR, 2020): text 'n/a'" in str(exc.value)


def test_csv_of_an_unloaded_indicator(tmp_path: Path):
    body = [line.replace("MS.MIL.XPND.CD", "NY.GDP.MKTP.CN") for line in BODY]
    path = tmp_path / "API_NY.GDP.MKTP.CN_DS2_en_csv_v2_1.csv"
    path.write_bytes(_bulk_csv(PREAMBLE + [HEADER] + body))
    assert wb.discover(tmp_path) == []
    with pytest.raises(SourceError, match="does not name the currency"):
        wb.parse(raw("worldbank", path))


# --- the v2 JSON API ----------------------------------------------------------------------

API = "https://api.worldbank.org/v2/country/all/indicator/MS.MIL.XPND.GD.ZS"


def _meta(page: int, pages: int, per_page: int = 2, total: int = 3) -> dict:
    return {"page": page, "pages": pages, "per_page": per_page, "total": total,
            "sourceid": "2", "sourcename": "World Development Indicators", "lastupdated": "2026-02-24"}


def _record(iso3: str, country_id: str, name: str, year: int, value: float | None) -> dict:
    return {"indicator": {"id": "MS.MIL.XPND.GD.ZS", "value": "Military expenditure (% of GDP)"},
            "country": {"id": country_id, "value": name}, "countryiso3code": iso3,
            "date": str(year), "value": value, "unit": "", "obs_status": "", "decimal": 1}


PAGE1 = [_record("GBR", "GB", "United Kingdom", 2024, 2.5),  # invented values
         _record("EUU", "EU", "European Union", 2024, 1.6)]
PAGE2 = [_record("XKX", "XK", "Kosovo", 2024, None)]


def _query(page: int, per_page: int = 2) -> list:
    return [matchers.query_param_matcher({"format": "json", "per_page": str(per_page), "page": str(page)})]


@responses.activate
def test_api_pages_are_combined():
    responses.get(API, json=[_meta(1, 2), PAGE1], match=_query(1))
    responses.get(API, json=[_meta(2, 2), PAGE2], match=_query(2))
    answer = wb.fetch_api(http.session(), "MS.MIL.XPND.GD.ZS", per_page=2)
    assert answer.lastupdated == "2026-02-24"
    assert [r["countryiso3code"] for r in answer.records] == ["GBR", "EUU", "XKX"]
    assert len(responses.calls) == 2


@responses.activate
def test_api_error_body_with_status_200():
    body = [{"message": [{"id": "120", "key": "Invalid value", "value": "The provided parameter value is not valid"}]}]
    responses.get(API, json=body)
    with pytest.raises(SourceError) as exc:
        wb.fetch_api(http.session(), "MS.MIL.XPND.GD.ZS")
    message = str(exc.value)
    assert "\n" not in message and API in message
    assert "Invalid value: The provided parameter value is not valid (id 120)" in message


@responses.activate
def test_api_meta_and_null_is_no_data():
    responses.get(API, json=[_meta(0, 0, total=0), None])
    answer = wb.fetch_api(http.session(), "MS.MIL.XPND.GD.ZS")
    assert answer.records == [] and answer.lastupdated == "2026-02-24"


@responses.activate
def test_api_retries_a_500():
    responses.get(API, status=500)
    responses.get(API, json=[_meta(1, 1), PAGE1])
    waits: list[float] = []
    answer = wb.fetch_api(http.session(), "MS.MIL.XPND.GD.ZS", sleep=waits.append)
    assert len(answer.records) == 2
    assert waits == [http.BACKOFF_S]  # first backoff step


@responses.activate
def test_api_honours_retry_after_on_429():
    responses.get(API, status=429, headers={"Retry-After": "7"})
    responses.get(API, json=[_meta(1, 1), PAGE1])
    waits: list[float] = []
    wb.fetch_api(http.session(), "MS.MIL.XPND.GD.ZS", sleep=waits.append)
    assert waits == [7.0]


def test_saved_api_answer_parses(tmp_path: Path):
    records = PAGE1 + PAGE2 + [
        _record("WLD", "1W", "World", 2023, 2.3),
        _record("ARB", "1A", "Arab World", 2023, 5.0),
        _record("", "XY", "Not classified", 2023, 1.0),
    ]
    answer = wb.ApiAnswer("2026-02-24", records)
    path = tmp_path / "API_MS.MIL.XPND.GD.ZS_2026-03-01.json"
    path.write_bytes(wb.api_answer_bytes("MS.MIL.XPND.GD.ZS", answer))
    (tmp_path / (path.name + ".meta.json")).write_text("{}")  # a sidecar is not a raw file
    assert wb.discover(tmp_path) == [path]
    frame = wb.parse(raw("worldbank", path))
    assert _by_code(frame) == pytest.approx({
        ("GBR", 2024): 2.5,
        ("EU27", 2024): 1.6,
        ("WLD", 2023): 2.3,
        ("WB_ARB", 2023): 5.0,
        ("WB_XY", 2023): 1.0,  # empty countryiso3code → aggregate under its 2-character country.id
    })  # Kosovo's null value → no row
    assert set(frame.edition) == {"2026-02-24"} and set(frame.unit) == {"percent of GDP"}


def test_saved_api_answer_record_without_any_code(tmp_path: Path):
    answer = wb.ApiAnswer("2026-02-24", PAGE1 + [_record("", "", "Nowhere", 2023, 1.0)])
    path = tmp_path / "API_MS.MIL.XPND.GD.ZS_2026-03-01.json"
    path.write_bytes(wb.api_answer_bytes("MS.MIL.XPND.GD.ZS", answer))
    with pytest.raises(SourceError, match="record 2: record has neither countryiso3code nor country.id") as exc:
        wb.parse(raw("worldbank", path))
    _assert_one_line_naming(exc, path)


def test_saved_api_answer_malformed(tmp_path: Path):
    path = tmp_path / "API_MS.MIL.XPND.GD.ZS_2026-03-01.json"
    path.write_text('{"indicator": "MS.MIL.XPND.GD.ZS", "records": [', encoding="utf-8")
    with pytest.raises(SourceError, match="not JSON") as exc:
        wb.parse(raw("worldbank", path))
    _assert_one_line_naming(exc, path)


# --- fetch --------------------------------------------------------------------------------


def _bulk_zip(indicator: str) -> bytes:
    name = f"API_{indicator}_DS2_en_csv_v2_5.csv"
    lines = PREAMBLE + [HEADER] + [line.replace("MS.MIL.XPND.CD", indicator) for line in BODY]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(name, _bulk_csv(lines))
        zf.writestr(f"Metadata_Country_{name}", "\ufeff" + METADATA + "\n")
    return buf.getvalue()


@responses.activate
def test_fetch_stores_zips_falls_back_to_api_and_reports_failures(tmp_path: Path):
    bulk = "https://api.worldbank.org/v2/en/indicator/{}"
    api = "https://api.worldbank.org/v2/country/all/indicator/{}"
    good = ["MS.MIL.XPND.GD.ZS", "MS.MIL.XPND.CD", "NY.GDP.MKTP.CD"]
    for ind in good:
        responses.get(bulk.format(ind), body=_bulk_zip(ind), content_type="application/zip",
                      headers={"Content-Disposition": f"attachment; filename=API_{ind}_DS2_en_csv_v2_5.zip"})
    # an HTML page with status 200 instead of the zip → the API answer is stored instead
    responses.get(bulk.format("MS.MIL.XPND.ZS"), body=HTML, content_type="text/html")
    responses.get(api.format("MS.MIL.XPND.ZS"), json=[_meta(1, 1), PAGE1])
    # population fails both ways
    responses.get(bulk.format("SP.POP.TOTL"), status=404)
    responses.get(api.format("SP.POP.TOTL"),
                  json=[{"message": [{"id": "175", "key": "Invalid format", "value": "bad"}]}])
    cache = RawCache(tmp_path)
    with pytest.raises(SourceError) as exc:
        wb.fetch(http.session(), cache)
    message = str(exc.value)
    assert "1 indicator(s) failed: SP.POP.TOTL" in message and "HTTP 404" in message
    assert "Invalid format" in message and "\n" not in message
    stored = sorted(p.name for p in (tmp_path / "worldbank").rglob("*")
                    if p.is_file() and not p.name.endswith(".meta.json"))
    assert len(stored) == 4
    assert "API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_5.zip" in stored
    saved_api = [n for n in stored if n.startswith("API_MS.MIL.XPND.ZS_")]
    assert len(saved_api) == 1 and saved_api[0].endswith(".json")
    assert not any(p.read_bytes().startswith(b"<!DOCTYPE") for p in (tmp_path / "worldbank").rglob("*.zip"))
    # everything stored parses, and discover finds exactly it
    found = wb.discover(tmp_path)
    assert sorted(p.name for p in found) == stored
    for path in found:
        assert not wb.parse(raw("worldbank", path)).empty


# --- live ---------------------------------------------------------------------------------


@pytest.mark.network
def test_live_api_one_page():
    resp = http.get(http.session(), API, params={"format": "json", "per_page": 5, "page": 1})
    meta, records = wb._api_page(resp.content, API)
    assert meta["page"] == 1 and meta["pages"] >= 1 and len(records) == 5
    assert {"countryiso3code", "date", "value"} <= set(records[0])
