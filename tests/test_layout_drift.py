"""Layout drift in the published files: the build stops, saying what would be lost.

Each case copies the real files from ../shared into a temporary sources folder (links,
except the one file it changes), changes that file the way a publisher might — a header
retyped, a label column emptied, a year column gone, a second sheet with the same role, a
country code retyped, a row missing, a whole edition missing — and builds over a copy of
the embedded snapshot (which was built from these very files). Every case must exit
non-zero with exactly one stderr line naming the source, the file and what would be
lost, and leave the old snapshot byte-identical. Skipped when ../shared is absent.

The expectations are read off the publishers' files by hand: in the April 2025 SIPRI file's
Share of GDP sheet the United Kingdom has a figure for every year 1950-2024 (75; 1949 is
"..."); NATO's Table 3 has 11 years (2014-2024e) in two blocks; the World Bank's GDP file
has Germany from 1970 to 2022 (53 years); Kiel's Release 29 gives 7,161 rows, of which the
United Kingdom's tanks in weapons.csv are 2 (count, value), a month of total_allocations.csv 4
(total, military, financial, humanitarian) and a member's line of eu_aid_shares.csv 4.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from dashboard.cli import main
from dashboard.snapshot import DEFAULT_DIR, load
from tests import xlsx_edit as x
from tests.conftest import SHARED_SOURCES

S25 = "sipri/SIPRI-Milex-data-1949-2024_2.xlsx"
S24 = "sipri/SIPRI-Milex-data-1948-2023.xlsx"
NATO = "nato/240617-def-exp-2024-TABLES-en.xlsx"
WB_GDP = "worldbank/API_NY.GDP.MKTP.CD_DS2_en_csv_v2_26.csv"
WB_MILEX = "worldbank/API_MS.MIL.XPND.CD_DS2_en_csv_v2_47475.csv"
WB_SHARE_ZIP = "worldbank/API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.zip"
EUROSTAT = "eurostat/gov_ev-defence.json"
KIEL_DONORS = "kiel/data_explorer.csv"
KIEL_ALL = "kiel/total_allocations.csv"
KIEL_WEAPONS = "kiel/weapons.csv"
KIEL_EU = "kiel/eu_aid_shares.csv"

pytestmark = pytest.mark.skipif(not SHARED_SOURCES.is_dir(),
                                reason=f"published files not found under {SHARED_SOURCES} (../shared absent)")

Change = Callable[[Path, Path], None]  # (published file, where to write the changed copy)


def _xlsx(parts: Callable[[Path], dict[str, Callable[[str], str]]]) -> Change:
    return lambda src, dst: x.edit(src, dst, parts(src)) and None


def _text(fn: Callable[[str], str]) -> Change:
    def change(src: Path, dst: Path) -> None:
        dst.write_bytes(fn(src.read_bytes().decode("utf-8-sig")).encode("utf-8-sig"))
    return change


def _zip_member_text(fn: Callable[[str], str]) -> Change:
    def change(src: Path, dst: Path) -> None:
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                data = zin.read(info.filename)
                if info.filename.startswith("API_"):
                    data = fn(data.decode("utf-8-sig")).encode("utf-8-sig")
                zout.writestr(info, data)
    return change


def _json(fn: Callable[[dict], None]) -> Change:
    def change(src: Path, dst: Path) -> None:
        data = json.loads(src.read_text(encoding="utf-8"))
        fn(data)
        dst.write_text(json.dumps(data), encoding="utf-8")
    return change


def _column(ref: str) -> str:
    return re.match(r"[A-Z]+", ref).group(0)


def _row(ref: str) -> int:
    return int(re.search(r"\d+", ref).group(0))


def _rename_category(dim: str, old: str, new: str) -> Callable[[dict], None]:
    def apply(data: dict) -> None:
        cat = data["dimension"][dim]["category"]
        cat["index"] = {(new if k == old else k): v for k, v in cat["index"].items()}
        cat["label"] = {(new if k == old else k): v for k, v in cat.get("label", {}).items()}
    return apply


def _string_index(src: Path, text: str) -> int:
    return x.strings(src).index(text)


def _without_lines(prefix: str) -> Callable[[str], str]:
    """Drop the lines starting with ``prefix`` (at least one must)."""
    def drop(text: str) -> str:
        lines = text.split("\n")
        kept = [line for line in lines if not line.startswith(prefix)]
        assert len(kept) < len(lines), prefix
        return "\n".join(kept)
    return drop


# name → (file changed, how, what the one line must say); None as the change: file removed
CASES: dict[str, tuple[str, Change | None, str]] = {
    "sipri-2024-header-written-2024e": (S25, _xlsx(lambda s: {
        x.sheet_part(s, "Share of GDP"): x.set_text(x.header_cell(s, "Share of GDP", 2024), "2024e")}),
        r"header '2024e' is neither a year nor a known label \(its column's figures would be lost\)"),
    "sipri-second-share-sheet-before-the-real-one": (S25, _xlsx(lambda s: {
        x.WORKBOOK: x.rename_sheet("Front page", "Share of GDP (draft)")}),
        r"2 sheets could be the 'Share of GDP' sheet \('Share of GDP \(draft\)', 'Share of GDP'\)"),
    "sipri-year-header-blanked": (S25, _xlsx(lambda s: {
        x.sheet_part(s, "Current US$"): x.set_text(x.header_cell(s, "Current US$", 2023), "")}),
        r"sheet 'Current US\$'.*year 2023 missing from the header \(that year's figures would be lost\)"),
    "sipri-sheet-renamed": (S25, _xlsx(lambda s: {x.WORKBOOK: x.rename_sheet("Per capita", "Per head")}),
                            r"no sheet starting 'Per capita' \(its figures would be lost\)"),
    "sipri-country-row-deleted": (S25, _xlsx(lambda s: {
        x.sheet_part(s, "Share of GDP"): x.drop_row_with(_string_index(s, "United Kingdom"))}),
        r"sipri 2025-04 \(SIPRI-Milex-data-1949-2024_2\.xlsx\): 75 of 53,923 rows: milex_share_gdp 75"),
    "sipri-country-renamed": (S25, _xlsx(lambda s: {x.STRINGS: x.replace_string("United Kingdom", "United Kingdon")}),
                              r"no ISO3 code for 'United Kingdon'.*its figures would be lost"),
    "sipri-edition-file-missing": (S24, None,
                                   r"sipri 2024-04 \(SIPRI-Milex-data-1948-2023\.xlsx\): 52,858 of 52,858 rows "
                                   r"\(the whole edition\)"),
    "nato-table3-label-column-emptied": (NATO, _xlsx(lambda s: {
        x.sheet_part(s, "TABLE3"): x.clear_column("C", from_row=_row(x.header_cell(s, "TABLE3", 2014)))}),
                                         r"Table 3: figures before any block heading .*figures would be lost"),
    "nato-table3-ally-labels-emptied": (NATO, _xlsx(lambda s: {
        x.sheet_part(s, "TABLE3"): x.clear_column("C", from_row=_row(x.header_cell(s, "TABLE3", 2014)) + 3)}),
        r"Table 3: a row of figures has no label \(11 figures would be lost"),
    "nato-year-column-emptied": (NATO, _xlsx(lambda s: {
        x.sheet_part(s, "TABLE2"): x.clear_column(_column(x.header_cell(s, "TABLE2", 2016)),
                                                  from_row=_row(x.header_cell(s, "TABLE2", 2016)))}),
        r"Table 2: year 2016 missing from the header \(its figures would be lost\)"),
    "nato-estimate-header-retyped": (NATO, _xlsx(lambda s: {x.STRINGS: x.replace_string("2024e", "2024x")}),
                                     r"Table \d: header '2024x' among the years is not a year \(its figures would be lost\)"),
    "nato-table-retitled": (NATO, _xlsx(lambda s: {x.STRINGS: x.replace_string(
        next(t for t in x.strings(s) if t.startswith("Table 5")), "Tabel 5 : GDP")}),
        r"missing Table 5 \(no such title in any sheet; its figures would be lost\)"),
    "nato-ally-row-deleted": (NATO, _xlsx(lambda s: {
        x.sheet_part(s, "TABLE3"): x.drop_row_with(_string_index(s, "United Kingdom"))}),
        r"nato 2024-06 \(240617-def-exp-2024-TABLES-en\.xlsx\): 11 of 5,346 rows: milex_share_gdp 11"),
    "worldbank-code-retyped": (WB_GDP, _text(lambda t: t.replace('"GBR"', '"GBX"')),
                               r"country code 'GBX' is not in the file's country metadata \(63 values would be lost\)"),
    "worldbank-zip-code-retyped": (WB_SHARE_ZIP, _zip_member_text(lambda t: t.replace('"GBR"', '"GBX"')),
                                   r"country code 'GBX' is not in the file's country metadata \(\d+ values would be lost\)"),
    "worldbank-year-header-retyped": (WB_MILEX, _text(lambda t: t.replace('"2020",', '"2020e",', 1)),
                                      r"column '2020e' is not a year \(\d+ values would be lost\)"),
    "worldbank-economy-row-deleted": (WB_GDP, _text(lambda t: "\n".join(
        line for line in t.split("\n") if ',"DEU",' not in line)),
        r"worldbank 2024-03-28 \(.*API_NY\.GDP\.MKTP\.CD_DS2_en_csv_v2_26\.csv.*\): 53 of [\d,]+ rows: gdp_usd 53"),
    "eurostat-unit-renamed": (EUROSTAT, _json(_rename_category("unit", "PC_GDP", "PC_GDPX")),
                              r"eurostat 2026-04-27 \(gov_ev-defence\.json\): [\d,]+ of [\d,]+ rows: "
                              r"(milex_share_gdp|defence_investment_share_gdp) \d+"),
    "eurostat-geo-renamed": (EUROSTAT, _json(_rename_category("geo", "DE", "DX")),
                             r"unknown geo code 'DX'.*\(its figures would be lost\)"),
    "kiel-donor-code-retyped": (KIEL_DONORS, _text(lambda t: t.replace('"DNK"', '"DNX"')),
                                r"donor code 'DNX' \('Denmark'\) maps to no country.*\(its aid would be lost\)"),
    "kiel-column-retyped": (KIEL_DONORS, _text(lambda t: t.replace('"military"', '"military_aid"', 1)),
                            r"no column 'military' \(columns: .*military_aid.*\): the layout changed "
                            r"\(its figures would be lost\)"),
    "kiel-weapons-donor-renamed": (KIEL_WEAPONS, _text(lambda t: t.replace('"United Kingdom"', '"United Kingdon"')),
                                   r"no ISO3 code for 'United Kingdon'.*its figures would be lost"),
    "kiel-weapons-row-deleted": (KIEL_WEAPONS, _text(_without_lines('"United Kingdom","Tanks",')),
                                 r"kiel 2026-08-04 R29 \(.*weapons\.csv.*\): 2 of 7,161 rows: "
                                 r"ukraine_weapons_tanks_(count|value) 1; ukraine_weapons_tanks_(count|value) 1\."),
    "kiel-all-donor-month-deleted": (KIEL_ALL, _text(_without_lines("2023,6,")),
                                     r"kiel 2026-08-04 R29 \(.*total_allocations\.csv.*\): 4 of 7,161 rows: "
                                     r"ukraine_aid_(total|military|financial|humanitarian) 1"),
    "kiel-eu-share-row-deleted": (KIEL_EU, _text(_without_lines('"Denmark","DNK",')),
                                  r"kiel 2026-08-04 R29 \(.*eu_aid_shares\.csv.*\): 4 of 7,161 rows: "
                                  r"ukraine_aid_\w+ 1"),
}


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def _sources(tmp: Path, changed: str | None, change: Change | None) -> Path:
    """A sources folder of links to the published files, ``changed`` replaced or removed."""
    root = tmp / "sources"
    for path in sorted(SHARED_SOURCES.rglob("*")):
        rel = path.relative_to(SHARED_SOURCES)
        if not path.is_file() or rel.suffix == ".md":
            continue
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if str(rel) == changed:
            if change is not None:
                change(path, target)
        else:
            target.symlink_to(path)
    return root


@pytest.fixture
def old_snapshot(tmp_path: Path) -> Path:
    """A copy of the embedded snapshot (built from these published files)."""
    out = tmp_path / "snapshot"
    shutil.copytree(DEFAULT_DIR, out)
    return out


def _build(sources: Path, out: Path, *extra: str):
    return CliRunner().invoke(main, ["build", "--sources", str(sources), "--out", str(out), *extra])


@pytest.mark.parametrize("case", list(CASES))
def test_layout_drift_stops_the_build_saying_what_would_be_lost(tmp_path, old_snapshot, case):
    changed, change, expected = CASES[case]
    sources = _sources(tmp_path, changed, change)
    before = _digest(old_snapshot)
    result = _build(sources, old_snapshot)
    lines = result.stderr.strip().splitlines()
    assert result.exit_code != 0, result.output
    assert len(lines) == 1, result.stderr
    line = lines[0]
    source = changed.split("/")[0]
    assert line.startswith(f"error: {source}") or f" {source} " in line, line
    assert Path(changed).name in line, line
    assert re.search(r"\blost\b|\blose\b", line), line
    assert re.search(expected, line), line
    assert "np.float64" not in line and "Traceback" not in result.output
    assert _digest(old_snapshot) == before


def test_a_year_header_stored_as_text_still_builds_the_same(tmp_path, old_snapshot):
    """"2024" typed as text is the same year (SIPRI's TEXT_YEAR): nothing is lost."""
    change = _xlsx(lambda s: {x.sheet_part(s, "Share of GDP"): x.set_text(x.header_cell(s, "Share of GDP", 2024),
                                                                           "2024")})
    sources = _sources(tmp_path, S25, change)
    before = load(old_snapshot)
    result = _build(sources, old_snapshot)
    assert result.exit_code == 0, result.stderr
    after = load(old_snapshot)
    # the same figures; only the changed copy's retrieval date (its file is new) differs
    columns = [c for c in before.columns if c != "retrieved"]
    pd.testing.assert_frame_equal(before[columns], after[columns])


def test_an_accepted_loss_is_written_with_its_reason(tmp_path, old_snapshot):
    sources = _sources(tmp_path, S24, None)
    result = _build(sources, old_snapshot, "--accept-loss", "April 2024 SIPRI release withdrawn")
    assert result.exit_code == 0, result.stderr
    assert "accepted loss: 52,858 rows would be lost" in result.output
    package = json.loads((old_snapshot / "datapackage.json").read_text())
    (accepted,) = package["accepted_losses"]
    assert accepted["reason"] == "April 2024 SIPRI release withdrawn"
    assert "sipri 2024-04 (SIPRI-Milex-data-1948-2023.xlsx): 52,858 of 52,858 rows" in accepted["lost"]
    # the next build from the same files loses nothing more and keeps the history
    assert _build(sources, old_snapshot).exit_code == 0
    assert json.loads((old_snapshot / "datapackage.json").read_text())["accepted_losses"] == [accepted]


@pytest.mark.parametrize("kind", ["dangling-link", "fifo", "sidecar-list", "sidecar-object"])
def test_files_that_cannot_be_read_as_they_should_are_named(tmp_path, old_snapshot, kind):
    sources = _sources(tmp_path, None, None)
    target = sources / S24
    target.unlink()
    if kind == "dangling-link":
        target.symlink_to(tmp_path / "gone.xlsx")
        expected = "sipri: .*SIPRI-Milex-data-1948-2023.xlsx: a broken symbolic link"
    elif kind == "fifo":
        os.mkfifo(target)
        expected = "sipri: .*SIPRI-Milex-data-1948-2023.xlsx: not a regular file"
    else:
        target.symlink_to(SHARED_SOURCES / S24)
        value = ["https://example.org"] if kind == "sidecar-list" else {"url": "x"}
        (sources / (S24 + ".meta.json")).write_text(json.dumps({"url": value}))
        expected = "sipri: .*SIPRI-Milex-data-1948-2023.xlsx.meta.json: sidecar field 'url' must be a string"
    before = _digest(old_snapshot)
    result = _build(sources, old_snapshot)
    lines = result.stderr.strip().splitlines()
    assert result.exit_code != 0 and len(lines) == 1 and re.search(expected, lines[0]), result.stderr
    assert _digest(old_snapshot) == before
