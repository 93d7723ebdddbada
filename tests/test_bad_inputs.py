"""The bad-input corpus: broken source files and API answers, each a one-line error.

Every file case drops one broken file into a sources folder that also holds a valid
SIPRI workbook, runs ``defence-dashboard build`` and checks what a user sees: a non-zero
exit, exactly one stderr line ``error: <source>…`` naming the file (or, for a failed
validation, the duplicated country), no traceback, and the previous snapshot
byte-identical. Variations a publisher may well make (blank columns, renamed NATO
sheets) must still build. Refresh cases answer every publisher URL with one failure
(404, 500, 429 with Retry-After, timeouts, HTML) through ``responses``, with the retry
waits patched out: one stderr line per failed source, a non-zero exit, and the raw
cache as it was.

All files are built here from invented figures in the publishers' layouts.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import requests
import responses
from click.testing import CliRunner

from dashboard import http
from dashboard.cli import main
from dashboard.errors import SourceError
from dashboard.rawcache import RawCache
from dashboard.snapshot import load
from dashboard.snapshot.build import build
from dashboard.sources import eurostat, imf, worldbank
from tests.builders import (
    KIEL_GDP,
    KIEL_MONTHS,
    KIEL_SOURCING,
    KIEL_WEAPONS,
    delete_rows,
    drop_csv_column,
    duplicate_row,
    edit_text,
    insert_blank_columns,
    rename_sheets,
    replace_text,
    write_kiel_release,
    write_sipri_workbook,
)
from tests.test_eurostat import _cube
from tests.test_nato import build_2024
from tests.test_worldbank import BODY, CSV_NAME, HEADER, METADATA, PREAMBLE, _bulk_csv

SIPRI_FILE = "SIPRI-Milex-data-2022-2024.xlsx"
NATO_FILE = "240617-def-exp-2024-TABLES-en.xlsx"
WB_ZIP = CSV_NAME.replace(".csv", ".zip")
WB_JSON = "API_MS.MIL.XPND.GD.ZS_2026-03-01.json"
ES_FILE = "gov_ev-defence.json"
IMF_FILE = "imf-weo-NGDPD.json"
HTML = b"<!DOCTYPE html>\n<html><head><title>Error 503</title></head><body>Service unavailable</body></html>\n"
WB_ERROR = [{"message": [{"id": "120", "key": "Invalid value",
                          "value": "The provided parameter value is not valid"}]}]


# --- the good folder and snapshot ----------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A sources folder with a valid SIPRI workbook and a snapshot built from it (built once)."""
    root = tmp_path_factory.mktemp("template")
    (root / "sources" / "sipri").mkdir(parents=True)
    write_sipri_workbook(root / "sources" / "sipri" / SIPRI_FILE)
    build(root / "sources", root / "snapshot")
    return root


@pytest.fixture
def good(template: Path, tmp_path: Path) -> tuple[Path, Path]:
    """This test's own copy of the sources folder and the snapshot."""
    shutil.copytree(template / "sources", tmp_path / "sources")
    shutil.copytree(template / "snapshot", tmp_path / "snapshot")
    return tmp_path / "sources", tmp_path / "snapshot"


def _digest(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder`` (recursive, by relative path)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _run_build(sources: Path, out: Path):
    return CliRunner().invoke(main, ["build", "--sources", str(sources), "--out", str(out)])


def _put(folder: Path, source: str, name: str, content: bytes | str) -> Path:
    path = folder / source / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def _truncate(path: Path, keep: float = 0.5) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


# --- file builders -----------------------------------------------------------------------


def _sipri(folder: Path, **kwargs) -> Path:
    return write_sipri_workbook(folder / "sipri" / SIPRI_FILE, **kwargs)


def _nato(folder: Path, **kwargs) -> Path:
    """test_nato's 2024-layout workbook, valid for a build: its Table 3 aggregates (invented
    money-sized figures under "Share of real GDP") would fail the share check, so they go."""
    (folder / "nato").mkdir(exist_ok=True)
    path = build_2024(folder / "nato" / NATO_FILE, **kwargs)
    for label in ("NATO Total", "NATO Europe and Canada"):
        delete_rows(path, label, sheets=("TABLE3",))
    return path


def _wb_csv(folder: Path, lines: list[str] | None = None) -> Path:
    """A bulk CSV (milex in US$, so no cross-check with SIPRI) with its country metadata."""
    path = _put(folder, "worldbank", CSV_NAME, _bulk_csv(lines))
    _put(folder, "worldbank", f"Metadata_Country_{CSV_NAME}", ("\ufeff" + METADATA + "\n").encode())
    return path


def _wb_zip(folder: Path, lines: list[str] | None = None) -> Path:
    path = folder / "worldbank" / WB_ZIP
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(CSV_NAME, _bulk_csv(lines))
        zf.writestr(f"Metadata_Country_{CSV_NAME}", "\ufeff" + METADATA + "\n")
    return path


def _eurostat(folder: Path, cube: dict | str) -> Path:
    return _put(folder, "eurostat", ES_FILE, cube if isinstance(cube, str) else json.dumps(cube))


def _imf(folder: Path, body: dict | str) -> Path:
    return _put(folder, "imf", IMF_FILE, body if isinstance(body, str) else json.dumps(body))


def _imf_answer(by_country: dict) -> dict:
    return {"values": {"NGDPD": by_country}, "api": {"version": "1", "output-method": "json"}}


def _kiel(folder: Path, **kwargs) -> Path:
    """A whole built release (the six files read together); returns its folder."""
    return write_kiel_release(folder / "kiel", **kwargs)


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


# --- breakers: each returns (source, substrings the error line must hold) ----------------

Breaker = Callable[[Path], tuple[str, list[str]]]


def sipri_zero_bytes(folder):
    (folder / "sipri" / SIPRI_FILE).write_bytes(b"")
    return "sipri:", [SIPRI_FILE, "file is empty"]


def sipri_truncated(folder):
    _truncate(folder / "sipri" / SIPRI_FILE)
    return "sipri:", [SIPRI_FILE, "truncated"]


def sipri_html_as_xlsx(folder):
    (folder / "sipri" / SIPRI_FILE).write_bytes(HTML)
    return "sipri:", [SIPRI_FILE, "an HTML page"]


def sipri_renamed_share_sheet(folder):
    _sipri(folder, share_sheet="Military burden")
    return "sipri:", [SIPRI_FILE, "no sheet named 'Share of GDP'", "Military burden"]


def sipri_renamed_current_sheet(folder):
    rename_sheets(folder / "sipri" / SIPRI_FILE, {"Current US$": "Current dollars"})
    return "sipri:", [SIPRI_FILE, "no sheet starting 'Current US$'"]


def sipri_header_beyond_scan_window(folder):
    _sipri(folder, header_offset=40)  # header rows at 46+: SIPRI scans the first 40 rows
    return "sipri:", [SIPRI_FILE, "no header row starting 'Country' in the first 40 rows"]


def sipri_text_in_number(folder):
    _sipri(folder, rows={"France": ("Euro", "", {2022: 0.02, 2023: "n/a", 2024: 0.02})})
    return "sipri:", [SIPRI_FILE, "text 'n/a' where a number belongs", "sheet 'Local currency financial years'"]


def sipri_boolean_in_number(folder):
    _sipri(folder, rows={"France": ("Euro", "", {2022: 0.02, 2023: True, 2024: 0.02})})
    return "sipri:", [SIPRI_FILE, "boolean True where a number belongs"]


def sipri_duplicated_country(folder):
    duplicate_row(folder / "sipri" / SIPRI_FILE, "United Kingdom")
    return "sipri 2025-04", [SIPRI_FILE, "United Kingdom (GBR)", "appears more than once for the same key"]


def sipri_same_country_two_names(folder):
    _sipri(folder, rows={"Turkey": ("Lira", "", {2022: 0.02, 2023: 0.02, 2024: 0.02}),
                         "Türkiye": ("Lira", "", {2022: 0.02, 2023: 0.02, 2024: 0.02})})
    return "sipri 2025-04", [SIPRI_FILE, "(TUR)", "appears more than once for the same key"]


def sipri_bad_sidecar(folder):
    _put(folder, "sipri", SIPRI_FILE + ".meta.json", '{"url": "https://example.org/x.xlsx", "retrieved_at": ')
    return "sipri:", [SIPRI_FILE]


def sipri_sidecar_not_an_object(folder):
    _put(folder, "sipri", SIPRI_FILE + ".meta.json", json.dumps(["https://example.org/x.xlsx"]))
    return "sipri:", [SIPRI_FILE]


def nato_zero_bytes(folder):
    _put(folder, "nato", NATO_FILE, b"")
    return "nato:", [NATO_FILE, "file is empty"]


def nato_truncated(folder):
    _truncate(_nato(folder))
    return "nato:", [NATO_FILE]


def nato_html_as_xlsx(folder):
    _put(folder, "nato", NATO_FILE, HTML)
    return "nato:", [NATO_FILE, "an HTML page"]


def nato_retitled_table(folder):
    replace_text(_nato(folder), "Table 3 : Defence expenditure as a share of GDP and annual real change",
                 "Share of GDP")
    return "nato:", [NATO_FILE, "missing Table 3"]


def nato_year_header_removed(folder):
    _nato(folder, with_years=False)
    return "nato:", [NATO_FILE, "Table 1: no year header row found", "TABLE1"]


def nato_text_in_number(folder):
    table1 = [("Current prices", [("United Kingdom   (Pounds)", "ally", [1.0, "n/q", 3.0, 4.0, 5.0])]),
              ("Constant 2015 prices", [("United Kingdom   (Pounds)", "ally", [1.0, 2.0, 3.0, 4.0, 5.0])])]
    _nato(folder, table1=table1)
    return "nato:", [NATO_FILE, "non-numeric value 'n/q'", "row 11"]


def nato_duplicated_country(folder):
    duplicate_row(_nato(folder), "Poland*", sheets=("TABLE2",))
    return "nato:", [NATO_FILE, "duplicate milex_usd for Poland"]


def wb_zero_byte_csv(folder):
    _wb_csv(folder).write_bytes(b"")
    return "worldbank:", [CSV_NAME, "no header line starting 'Country Name'"]


def wb_zero_byte_zip(folder):
    _put(folder, "worldbank", WB_ZIP, b"")
    return "worldbank:", [WB_ZIP, "not a readable zip"]


def wb_truncated_zip(folder):
    _truncate(_wb_zip(folder))
    return "worldbank:", [WB_ZIP, "not a readable zip"]


def wb_truncated_csv_inside_a_field(folder):
    path = _wb_csv(folder)
    text = path.read_bytes()
    path.write_bytes(text[: text.index(b'"Euro area"') + 5])  # cut inside a quoted name
    return "worldbank:", [CSV_NAME, "unreadable CSV body"]


def wb_truncated_csv_between_fields(folder):
    path = _wb_csv(folder)
    text = path.read_bytes()
    cut = text.index(b'"Euro area","EMU",') + len(b'"Euro area","EMU",')
    path.write_bytes(text[:cut])  # the last row stops after its code; two rows are gone
    return "worldbank:", [CSV_NAME, "truncated"]


def wb_html_as_csv(folder):
    _put(folder, "worldbank", CSV_NAME, HTML)
    return "worldbank:", [CSV_NAME]


def wb_html_as_zip(folder):
    _put(folder, "worldbank", WB_ZIP, HTML)
    return "worldbank:", [WB_ZIP, "not a readable zip"]


def wb_header_beyond_scan_window(folder):
    _wb_csv(folder, PREAMBLE + [""] * worldbank.MAX_PREAMBLE_LINES + [HEADER] + BODY)
    return "worldbank:", [CSV_NAME, "no header line starting 'Country Name' in the first 20 lines"]


def wb_text_in_number(folder):
    body = [BODY[0].replace('"59000000000"', '"n/a"')] + BODY[1:]
    _wb_csv(folder, PREAMBLE + [HEADER] + body)
    return "worldbank:", [CSV_NAME, "line 6 (GBR, 2020): text 'n/a' where a number belongs"]


def wb_duplicated_country(folder):
    _wb_csv(folder, PREAMBLE + [HEADER] + BODY[:1] + BODY)
    return "worldbank 2025-07-01", [CSV_NAME, "United Kingdom (GBR)", "appears more than once for the same key"]


def wb_error_json_saved(folder):
    _put(folder, "worldbank", WB_JSON, json.dumps(WB_ERROR))
    return "worldbank:", [WB_JSON, "not a saved API answer"]


def wb_malformed_json(folder):
    _put(folder, "worldbank", WB_JSON, '{"indicator": "MS.MIL.XPND.GD.ZS", "records": [')
    return "worldbank:", [WB_JSON, "not JSON"]


def wb_zero_byte_json(folder):
    _put(folder, "worldbank", WB_JSON, b"")
    return "worldbank:", [WB_JSON, "not JSON"]


def eurostat_wrong_size(folder):
    _eurostat(folder, _cube(size=[1, 1, 1, 2, 2, 2]))
    return "eurostat:", [ES_FILE, "JSON-stat size 2 of 'time' does not match its 3 categories"]


def eurostat_size_longer_than_id(folder):
    _eurostat(folder, _cube(size=[1, 1, 1, 2, 2, 3, 1]))
    return "eurostat:", [ES_FILE, "does not match id"]


def eurostat_dense_values_wrong_length(folder):
    _eurostat(folder, _cube(value=[1.0] * 11, status=None))
    return "eurostat:", [ES_FILE, "JSON-stat size product 12 does not match 11 dense values"]


def eurostat_malformed_json(folder):
    _eurostat(folder, '{"version": "2.0", "id": [')
    return "eurostat:", [ES_FILE, "not JSON"]


def eurostat_zero_bytes(folder):
    _eurostat(folder, "")
    return "eurostat:", [ES_FILE, "not JSON"]


def eurostat_html_as_json(folder):
    _put(folder, "eurostat", ES_FILE, HTML)
    return "eurostat:", [ES_FILE, "not JSON"]


def eurostat_deeply_nested(folder):
    _eurostat(folder, "[" * 100_000 + "]" * 100_000)  # RecursionError inside the JSON parser
    return "eurostat:", [ES_FILE, "nested too deeply to read"]


def wb_json_deeply_nested(folder):
    _put(folder, "worldbank", WB_JSON, '{"indicator": ' + "[" * 100_000)
    return "worldbank:", [WB_JSON, "nested too deeply to read"]


def eurostat_error_json_saved(folder):
    _eurostat(folder, {"error": [{"status": 404, "id": 100, "label": "No results found"}]})
    return "eurostat:", [ES_FILE, "Eurostat error: No results found"]


def eurostat_text_in_number(folder):
    _eurostat(folder, _cube(value={"0": "70000", "9": 2.9}))
    return "eurostat:", [ES_FILE, "non-numeric value '70000'"]


def eurostat_quarter_in_time(folder):
    cube = _cube()
    cube["dimension"]["time"] = {"label": "time", "category": {"index": {"2023Q4": 0, "2024": 1, "2025": 2}}}
    _eurostat(folder, cube)
    return "eurostat:", [ES_FILE, "2023Q4"]


def eurostat_bad_updated_date(folder):
    _eurostat(folder, _cube(updated="yesterday!"))
    return "eurostat:", [ES_FILE, "yesterday!"]


def eurostat_infinite_value(folder):
    _eurostat(folder, json.dumps(_cube(value={"0": float("inf"), "9": 2.9})))  # json writes Infinity
    return "eurostat 2026-04-27", [ES_FILE, "Poland (POL) 2023 milex_lcu", "is not a finite number"]


def imf_without_values(folder):
    _imf(folder, {"api": {"version": "1", "output-method": "json"}})
    return "imf:", [IMF_FILE, "answer has no 'values'"]


def imf_malformed_json(folder):
    _imf(folder, '{"values": {"NGDPD": {"GBR": {"2027": 4000.5}')
    return "imf:", [IMF_FILE, "not JSON"]


def imf_zero_bytes(folder):
    _imf(folder, "")
    return "imf:", [IMF_FILE, "not JSON"]


def imf_text_in_number(folder):
    _imf(folder, _imf_answer({"GBR": {"2024": 3643.8, "2025": "n/a"}}))
    return "imf:", [IMF_FILE, "bad year/value '2025': 'n/a'", "NGDPD/GBR"]


def imf_nan_value(folder):
    _imf(folder, json.dumps(_imf_answer({"GBR": {"2025": float("nan")}})))  # json writes NaN
    return "imf ", [IMF_FILE, "United Kingdom (GBR) 2025 gdp_usd", "is not a finite number"]


def imf_values_not_by_country(folder):
    _imf(folder, {"values": {"NGDPD": [1.0, 2.0]}})
    return "imf:", [IMF_FILE, "values of NGDPD are not keyed by country"]


def kiel_missing_column(folder):
    drop_csv_column(_kiel(folder) / "data_explorer.csv", "military")
    return "kiel:", ["data_explorer.csv", "no column 'military'", "the layout changed"]


def kiel_eur_million_not_billion(folder):
    _kiel(folder, months=[(*m[:4], *(v * 1000 for v in m[4:])) for m in KIEL_MONTHS],
          gdp={iso: v * 1000 for iso, v in KIEL_GDP.items()})
    return "kiel:", ["data_explorer.csv", "line 2: Denmark 2026-01 has values in the millions",
                     "the tracker publishes EUR billion"]


def kiel_sourcing_in_eur_million(folder):
    _kiel(folder, sourcing=[(y, m, *(v * 1000 for v in values)) for y, m, *values in KIEL_SOURCING])
    return "kiel:", ["procurement_trends.csv", "line 2: stockpile 1250", "the tracker publishes EUR billion"]


def kiel_eu_share_in_eur_million(folder):
    edit_text(_kiel(folder) / "eu_aid_shares.csv", ",1.5\n", ",1500.0\n")
    return "kiel:", ["eu_aid_shares.csv", "line 2: eu_share_bn 1500", "EUR billion"]


def kiel_weapons_in_eur_billion(folder):
    _kiel(folder, weapons=[(*w[:3], w[3] / 1e9, w[4]) for w in KIEL_WEAPONS])
    return "kiel:", ["weapons.csv", "line 2: Denmark Howitzers: 0.018 for 6 weapons", "values are in EUR"]


def kiel_weapons_donor_unmapped(folder):
    edit_text(_kiel(folder) / "weapons.csv", '"United Kingdom"', '"Ruritania"')
    return "kiel (weapons.csv)", ["no ISO3 code for 'Ruritania'", "would be lost"]


def kiel_donor_code_not_a_country(folder):
    edit_text(_kiel(folder) / "data_explorer.csv", '"Germany","DEU"', '"Germany","NAT"', -1)
    return "kiel (data_explorer.csv)", ["donor code 'NAT' ('Germany') maps to no country", "would be lost"]


def kiel_month_13(folder):
    edit_text(_kiel(folder) / "data_explorer.csv", '"Germany","DEU",2026,2,', '"Germany","DEU",2026,13,')
    return "kiel:", ["data_explorer.csv", "line 6: month 13 (months are 1–12)"]


def kiel_month_after_the_release_period(folder):
    edit_text(_kiel(folder) / "procurement_trends.csv", "\n2026,3,", "\n2026,4,")
    return "kiel:", ["procurement_trends.csv", "line 4: 2026-04 is outside Release 12's period (2022-01 to 2026-03)"]


def kiel_text_in_number(folder):
    edit_text(_kiel(folder) / "data_explorer.csv", ",0.0,2.25,", ",0.0,n/a,")
    return "kiel:", ["data_explorer.csv", "line 7 military: 'n/a' is not a number"]


def kiel_truncated_mid_line(folder):
    path = _kiel(folder) / "data_explorer.csv"
    text = path.read_bytes()
    path.write_bytes(text[: text.index(b'"Germany","DEU",2026,2,') + 19])  # ends '"Germany","DEU",202'
    return "kiel:", ["data_explorer.csv", "line 6 has 3 fields, the header 12", "cut short"]


def kiel_truncated_in_the_last_number(folder):
    path = _kiel(folder) / "data_explorer.csv"
    path.write_bytes(path.read_bytes()[:-3])  # the last line keeps its 12 fields, its pct_gdp is cut
    return "kiel:", ["data_explorer.csv", "the last line is unfinished", "cut short"]


def kiel_truncated_at_a_line_end(folder):
    path = _kiel(folder) / "total_allocations.csv"
    path.write_text("".join(_lines(path)[:-1]), encoding="utf-8")  # the last month is gone
    return "kiel:", ["total_allocations.csv", "runs to 2026-02, but release_info.csv names Release 12 (03/2026)"]


def kiel_html_as_csv(folder):
    _kiel(folder)
    _put(folder, "kiel", "data_explorer.csv", HTML)
    return "kiel:", ["data_explorer.csv", "an HTML page, not the tracker's CSV"]


def kiel_zero_bytes(folder):
    _kiel(folder)
    _put(folder, "kiel", "weapons.csv", b"")
    return "kiel:", ["weapons.csv", "empty file"]


def kiel_duplicated_donor_month(folder):
    path = _kiel(folder) / "data_explorer.csv"
    lines = _lines(path)
    path.write_text("".join(lines[:3] + lines[2:]), encoding="utf-8")  # Denmark 2026-03 twice
    return "kiel:", ["data_explorer.csv", "line 4: Denmark 2026-03 appears twice"]


def kiel_duplicated_eu_share(folder):
    path = _kiel(folder) / "eu_aid_shares.csv"
    lines = _lines(path)
    path.write_text("".join(lines + lines[1:2]), encoding="utf-8")
    return "kiel 2026-05-20 R12", ["eu_aid_shares.csv", "Denmark (DNK) 2026-03", "more than once for the same key"]


def kiel_release_of_another_period(folder):
    _kiel(folder, release=("13", "06/2026", "2026-08-20", "Ukraine Support Tracker, Release 13 (06/2026)"))
    return "kiel:", ["data_explorer.csv", "runs to 2026-03, but release_info.csv names Release 13 (06/2026)",
                     "files of different releases?"]


def kiel_label_names_another_release(folder):
    _kiel(folder, release=("12", "03/2026", "2026-05-20", "Ukraine Support Tracker, Release 11 (03/2026)"))
    return "kiel:", ["release_info.csv", "Release 11 (03/2026)' names another release than 12"]


def kiel_label_number_longer_than_the_release(folder):
    # "Release 1" is the start of "Release 12": the release column lost a digit
    _kiel(folder, release=("1", "03/2026", "2026-05-20", "Ukraine Support Tracker, Release 12 (03/2026)"))
    return "kiel:", ["release_info.csv", "Release 12 (03/2026)' names another release than 1"]


def kiel_release_info_missing(folder):
    (_kiel(folder) / "release_info.csv").unlink()
    return "kiel:", ["no release_info.csv beside the tracker's files", "the release (edition) of their figures"]


def kiel_total_not_the_donors_sum(folder):
    edit_text(_kiel(folder) / "total_allocations.csv", "\n2026,2,4.28125,", "\n2026,2,4.5,")
    return "kiel:", ["total_allocations.csv", "2026-02: all donors 4.5 EUR bn, but the donors in data_explorer.csv "
                     "sum to 4.28125"]


def kiel_unknown_weapon_category(folder):
    edit_text(_kiel(folder) / "weapons.csv", '"Tanks"', '"Drones"')
    return "kiel:", ["weapons.csv", "line 4: category 'Drones' is not one of Tanks, IFV, Howitzers, MLRS, Air Defense"]


# Loader bugs this corpus found are fixed; a new one stays in the corpus, marked
# xfail(strict) with its message, file and line, until fixed.
BUGS: dict[str, str] = {}

BREAKERS: list[Breaker] = [
    sipri_zero_bytes, sipri_truncated, sipri_html_as_xlsx, sipri_renamed_share_sheet,
    sipri_renamed_current_sheet, sipri_header_beyond_scan_window, sipri_text_in_number,
    sipri_boolean_in_number, sipri_duplicated_country, sipri_same_country_two_names,
    sipri_bad_sidecar, sipri_sidecar_not_an_object,
    nato_zero_bytes, nato_truncated, nato_html_as_xlsx, nato_retitled_table,
    nato_year_header_removed, nato_text_in_number, nato_duplicated_country,
    wb_zero_byte_csv, wb_zero_byte_zip, wb_truncated_zip, wb_truncated_csv_inside_a_field,
    wb_truncated_csv_between_fields, wb_html_as_csv, wb_html_as_zip, wb_header_beyond_scan_window,
    wb_text_in_number,
    wb_duplicated_country, wb_error_json_saved, wb_malformed_json, wb_zero_byte_json,
    eurostat_wrong_size, eurostat_size_longer_than_id, eurostat_dense_values_wrong_length,
    eurostat_malformed_json, eurostat_zero_bytes, eurostat_html_as_json,
    eurostat_error_json_saved, eurostat_text_in_number, eurostat_quarter_in_time,
    eurostat_bad_updated_date, eurostat_infinite_value, eurostat_deeply_nested, wb_json_deeply_nested,
    imf_without_values, imf_malformed_json, imf_zero_bytes, imf_text_in_number,
    imf_values_not_by_country, imf_nan_value,
    kiel_missing_column, kiel_eur_million_not_billion, kiel_sourcing_in_eur_million, kiel_eu_share_in_eur_million,
    kiel_weapons_in_eur_billion, kiel_weapons_donor_unmapped, kiel_donor_code_not_a_country, kiel_month_13,
    kiel_month_after_the_release_period, kiel_text_in_number, kiel_truncated_mid_line,
    kiel_truncated_in_the_last_number, kiel_truncated_at_a_line_end, kiel_html_as_csv, kiel_zero_bytes,
    kiel_duplicated_donor_month, kiel_duplicated_eu_share, kiel_release_of_another_period,
    kiel_label_names_another_release, kiel_label_number_longer_than_the_release, kiel_release_info_missing,
    kiel_total_not_the_donors_sum, kiel_unknown_weapon_category,
]


def _param(breaker: Breaker):
    bug = BUGS.get(breaker.__name__)
    marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
    return pytest.param(breaker, id=breaker.__name__, marks=marks)


@pytest.mark.parametrize("breaker", [_param(b) for b in BREAKERS])
def test_bad_file_gives_one_line_and_keeps_old_snapshot(good, breaker):
    sources, out = good
    before = _digest(out)
    source, expected = breaker(sources)
    result = _run_build(sources, out)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit), result.exception
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {source}"), lines[0]
    for part in expected:
        assert part in lines[0], f"{part!r} not in {lines[0]!r}"
    assert _digest(out) == before
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".") and not p.name.endswith(".lock")]


# --- variations that must still build ------------------------------------------------------
# Each is (write the good file, change it): the changed file must give the same rows.


def _blank_columns_sipri(folder):
    # before column 2 (between Country and the rest) and again before the years
    return _sipri(folder), lambda p: insert_blank_columns(insert_blank_columns(p, 2), 5, 2)


def _blank_columns_nato(folder):
    # between the Ally labels (column C) and the values (from column D)
    return _nato(folder), lambda p: insert_blank_columns(p, 4, 2)


def _renamed_sheets_nato(folder):
    # later editions renamed TABLE1 → "Table 1": tables are found by their title text
    names = {f"TABLE{t}": f"Table {t}" for t in ("1", "2", "3", "4", "5", "6", "7", "8a", "8b")}
    return _nato(folder), lambda p: rename_sheets(p, names)


def _blank_column_wb_csv(folder):
    # an empty column after "Country Code" (besides the trailing one the World Bank writes)
    def change(path: Path) -> None:
        widened = [line.replace(',"Indicator Name",', ',"","Indicator Name",', 1) for line in [HEADER]]
        widened += [re.sub(r'^("[^"]*","[A-Z]{3}",)', r'\1"",', line) for line in BODY]
        path.write_bytes(_bulk_csv(PREAMBLE + widened))
    return _wb_csv(folder), change


def _moved_wb_header(folder):
    # a longer preamble, still within the scan window
    return _wb_csv(folder), lambda p: p.write_bytes(
        _bulk_csv(PREAMBLE + ['"Note","an extra line",', ""] * 5 + [HEADER] + BODY))


def _moved_sipri_header(folder):
    # header rows further down, still within SIPRI's 40-row scan
    return _sipri(folder), lambda p: _sipri(folder, header_offset=20)


def _nato_baseline(folder):
    # no change: the NATO workbook the breakers start from builds beside SIPRI
    return _nato(folder), lambda p: None


def _kiel_baseline(folder):
    # no change: the Kiel release the breakers start from builds beside SIPRI
    return _kiel(folder), lambda p: None


def _kiel_crlf_and_bom(folder):
    # Windows line ends and a byte-order mark in every file of the release
    def change(path: Path) -> None:
        write_kiel_release(path, newline="\r\n")
        for file in path.iterdir():
            file.write_bytes(b"\xef\xbb\xbf" + file.read_bytes())
    return _kiel(folder), change


VARIATIONS = [_nato_baseline, _kiel_baseline, _kiel_crlf_and_bom, _blank_columns_sipri, _blank_columns_nato, _renamed_sheets_nato,
              _blank_column_wb_csv, _moved_wb_header, _moved_sipri_header]


def _rows(table: pd.DataFrame) -> pd.DataFrame:
    return table.drop(columns=["retrieved"]).reset_index(drop=True)


@pytest.mark.parametrize("variation", VARIATIONS, ids=lambda f: f.__name__.strip("_"))
def test_tolerated_variation_still_builds(good, tmp_path, variation):
    sources, out = good
    path, change = variation(sources)
    reference = tmp_path / "reference"
    build(sources, reference)
    change(path)
    result = _run_build(sources, out)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    pd.testing.assert_frame_equal(_rows(load(out)), _rows(load(reference)))


# --- API answers and refresh --------------------------------------------------------------

ALL_SOURCES = ("sipri", "nato", "worldbank", "imf", "eurostat", "kiel")
ANY_URL = re.compile(r"https?://.*")


@pytest.fixture
def waits(monkeypatch) -> list[float]:
    """Retry waits, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setitem(http.get.__kwdefaults__, "sleep", recorded.append)
    defaults = list(worldbank.fetch_api.__defaults__)
    defaults[-1] = recorded.append  # fetch_api passes its own sleep to http.get
    monkeypatch.setattr(worldbank.fetch_api, "__defaults__", tuple(defaults))
    return recorded


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    """A raw cache already holding one file per source (with sidecars)."""
    root = tmp_path / "cache"
    for source, name, content in [
        ("sipri", SIPRI_FILE, b"PK\x03\x04 an earlier edition"),
        ("nato", "def-exp-2025-en.xlsx", b"PK\x03\x04 an earlier edition"),
        ("worldbank", WB_ZIP, b"PK\x03\x04 an earlier edition"),
        ("imf", IMF_FILE, json.dumps(_imf_answer({"GBR": {"2025": 1.0}})).encode()),
        ("eurostat", ES_FILE, json.dumps(_cube()).encode()),
        ("kiel", "release_info.csv", b'"release","period","date","label"\n"11","02/2026","2026-04-20","Release 11"\n'),
    ]:
        folder = root / source / "2025-01-02"
        folder.mkdir(parents=True)
        (folder / name).write_bytes(content)
        (folder / (name + ".meta.json")).write_text(json.dumps({"url": "https://example.org/" + name}))
    return root


def _shown(stderr: str) -> list[str]:
    """stderr as a terminal shows it: the progress bar redraws with \\r and is erased."""
    return [shown for line in stderr.split("\n") if (shown := line.split("\r")[-1]).strip()]


def _answer(**kwargs) -> Callable[[], None]:
    return lambda: responses.get(ANY_URL, **kwargs)


def _timeout(exc: Exception) -> Callable[[], None]:
    return lambda: responses.get(ANY_URL, body=exc)


# failure → (how every URL answers, text each failed source's line holds, expected waits)
REFRESH_FAILURES = {
    "http_404": (_answer(status=404, body="Not Found", content_type="text/html"), "HTTP 404 after 1 attempt(s)", set()),
    "http_500": (_answer(status=500), "HTTP 500 after 4 attempt(s)", {1.0, 2.0, 4.0}),
    "http_429_retry_after": (_answer(status=429, headers={"Retry-After": "7"}), "HTTP 429 after 4 attempt(s)", {7.0}),
    "http_429_retry_after_too_long": (_answer(status=429, headers={"Retry-After": "86400"}),
                                      "Retry-After 86400 s exceeds 120 s", set()),
    "read_timeout": (_timeout(requests.ReadTimeout("read timed out")), "ReadTimeout (no answer within 60 s)",
                     {1.0, 2.0, 4.0}),
    "connect_timeout": (_timeout(requests.ConnectTimeout("connect timed out")), "ConnectTimeout", {1.0, 2.0, 4.0}),
    "html_with_200": (_answer(status=200, body=HTML, content_type="text/html"), "", set()),
}


@pytest.mark.parametrize("failure", list(REFRESH_FAILURES))
@responses.activate
def test_refresh_failure_is_one_line_per_source_and_keeps_cache(cache, waits, failure):
    register, reason, expected_waits = REFRESH_FAILURES[failure]
    register()
    before = _digest(cache)
    result = CliRunner().invoke(main, ["refresh", *ALL_SOURCES, "--cache", str(cache)])
    assert result.exit_code == 1
    assert "Traceback" not in result.stdout + result.stderr
    lines = _shown(result.stderr)
    assert lines[0] == "failed:", result.stderr
    failed = lines[1:]
    assert [line.split(":", 1)[0].strip() for line in failed] == list(ALL_SOURCES), result.stderr
    for name, line in zip(ALL_SOURCES, failed):
        assert line.startswith(f"  {name}: ") and reason in line, line
    assert set(waits) == expected_waits
    assert _digest(cache) == before


@responses.activate
def test_refresh_imf_answer_without_values_is_not_stored(cache, waits):
    responses.get(ANY_URL, json={"api": {"version": "1", "output-method": "json"}})
    before = _digest(cache)
    result = CliRunner().invoke(main, ["refresh", "imf", "--cache", str(cache)])
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    lines = _shown(result.stderr)
    assert len(lines) == 2 and lines[0] == "failed:", result.stderr
    assert lines[-1].startswith("  imf: ") and "4 indicator(s) failed" in lines[-1]
    assert "answer has no 'values'" in lines[-1]
    assert _digest(cache) == before


@responses.activate
def test_refresh_worldbank_error_json_is_not_stored(cache, waits):
    responses.get(re.compile(r"https://api\.worldbank\.org/v2/en/indicator/.*"), status=404)
    responses.get(re.compile(r"https://api\.worldbank\.org/v2/country/all/indicator/.*"), json=WB_ERROR)
    before = _digest(cache)
    result = CliRunner().invoke(main, ["refresh", "worldbank", "--cache", str(cache)])
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    lines = _shown(result.stderr)
    assert len(lines) == 2 and lines[0] == "failed:" and lines[1].startswith("  worldbank: ")
    assert "5 indicator(s) failed" in lines[-1]
    assert "Invalid value: The provided parameter value is not valid (id 120)" in lines[-1]
    assert _digest(cache) == before


@responses.activate
def test_refresh_eurostat_error_json_is_not_stored(cache, waits):
    responses.get(ANY_URL, json={"error": [{"status": 400, "id": 140, "label": "Invalid dimension expend"}]})
    before = _digest(cache)
    result = CliRunner().invoke(main, ["refresh", "eurostat", "--cache", str(cache)])
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    lines = _shown(result.stderr)
    assert len(lines) == 2 and lines[0] == "failed:" and lines[1].startswith("  eurostat: ")
    assert "Eurostat error: Invalid dimension expend" in lines[-1]
    assert _digest(cache) == before


# fetch_api on its own: the error answer and transport failures are one-line SourceError/HttpError.
WB_API = worldbank.API_URL.format(indicator="MS.MIL.XPND.GD.ZS")


@pytest.mark.parametrize("answer,expected", [
    ({"json": WB_ERROR}, "API error: Invalid value: The provided parameter value is not valid (id 120)"),
    ({"body": b"[{\"page\": 1, "}, "answer is not JSON"),
    ({"body": HTML, "content_type": "text/html"}, "answer is not JSON"),
    ({"json": {"message": "not a list"}}, "answer is not [meta, records]"),
    ({"body": requests.ReadTimeout("read timed out")}, "ReadTimeout (no answer within 60 s) after 4 attempt(s)"),
    ({"status": 404}, "HTTP 404 after 1 attempt(s)"),
    ({"status": 500}, "HTTP 500 after 4 attempt(s)"),
    ({"status": 429, "headers": {"Retry-After": "3"}}, "HTTP 429 after 4 attempt(s)"),
], ids=["error_json", "truncated_json", "html", "wrong_shape", "timeout", "404", "500", "429"])
@responses.activate
def test_worldbank_fetch_api_bad_answers(answer, expected):
    responses.get(WB_API, **answer)
    waits: list[float] = []
    with pytest.raises((SourceError, http.HttpError)) as exc:
        worldbank.fetch_api(http.session(), "MS.MIL.XPND.GD.ZS", sleep=waits.append)
    message = str(exc.value)
    assert "\n" not in message and WB_API in message and expected in message, message
    if "429" in expected:
        assert waits == [3.0, 3.0, 3.0]


@pytest.mark.parametrize("body,expected", [
    (json.dumps({"api": {"version": "1"}}), "answer has no 'values'"),
    (json.dumps({"values": {}}), "answer has no 'values'"),
    ('{"values": {"NGDPD": ', "not JSON"),
], ids=["no_values", "empty_values", "truncated"])
@responses.activate
def test_imf_fetch_answer_without_values(tmp_path, waits, body, expected):
    responses.get(ANY_URL, body=body)
    with pytest.raises(SourceError) as exc:
        imf.fetch(http.session(), RawCache(tmp_path))
    message = str(exc.value)
    assert message.startswith("imf: ") and "\n" not in message and expected in message
    assert not list(tmp_path.rglob("*.json"))


@responses.activate
def test_eurostat_fetch_wrong_size_is_not_stored(tmp_path, waits):
    responses.get(ANY_URL, json=_cube(size=[1, 1, 1, 2, 2, 3, 1]))
    with pytest.raises(SourceError, match="does not match id"):
        eurostat.fetch(http.session(), RawCache(tmp_path))
    assert eurostat.discover(tmp_path) == []


@pytest.mark.parametrize("module, name", [
    ("worldbank", "API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_1.csv"),
    ("kiel", "release_info.csv"),
    ("eurostat", "gov_ev-defence.json"),
    ("sipri", "SIPRI-Milex-data-1949-2024.xlsx"),
    ("nato", "240617-def-exp-2024-TABLES-en.xlsx"),
])
def test_a_huge_junk_file_is_refused_before_it_is_read(tmp_path, module, name):
    """200 MB of nothing named like a publisher's file (a sparse file: no disk is used) fails
    in one line naming the file and its size, without reading it into memory first."""
    import importlib
    import resource

    from dashboard.errors import SourceError
    from dashboard.provenance import RawFile

    path = tmp_path / name
    with path.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)
    loader = importlib.import_module(f"dashboard.sources.{module}")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(SourceError) as caught:
        loader.parse(RawFile(module, path, "2026-12-05", ""))
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    message = str(caught.value)
    assert "\n" not in message and name in message and "200 MB" in message
    assert grown_mb < 50
