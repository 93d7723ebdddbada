"""Snapshot build: all or nothing, one-line errors, the old snapshot untouched."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from dashboard.cli import main
from dashboard.snapshot import load, load_package
from dashboard.snapshot.build import build
from tests.builders import write_sipri_workbook


def _sources(tmp_path: Path) -> Path:
    folder = tmp_path / "sources"
    (folder / "sipri").mkdir(parents=True)
    write_sipri_workbook(folder / "sipri" / "SIPRI-Milex-data-2022-2024.xlsx")
    return folder


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def good(tmp_path: Path) -> tuple[Path, Path]:
    """A sources folder and a snapshot built from it."""
    sources = _sources(tmp_path)
    out = tmp_path / "snapshot"
    build(sources, out)
    return sources, out


def test_build_writes_table_and_datapackage(good):
    sources, out = good
    table = load(out)
    # the project's own registry of national budgets (data/budgets.yaml) comes with every build
    assert len(table) > 0 and set(table["source"]) == {"sipri", "national"}
    package = load_package(out)
    resource = package["resources"][0]
    assert resource["path"] == "observations.parquet" and resource["rows"] == len(table)
    assert resource["schema"]["primaryKey"] == ["source", "edition", "iso3", "year", "month", "indicator", "price_base"]
    sipri = next(s for s in package["sources"] if s["name"] == "sipri")
    assert "SIPRI" in sipri["citation"]
    edition = sipri["editions"][0]
    assert edition["edition"] == "2025-04" and edition["file"] == "SIPRI-Milex-data-2022-2024.xlsx"
    assert edition["sha256"] == hashlib.sha256(
        (sources / "sipri" / "SIPRI-Milex-data-2022-2024.xlsx").read_bytes()).hexdigest()
    assert package["indicators"]["milex_share_gdp"]["unit"] == "percent of GDP"


def test_rebuild_is_byte_identical(good, tmp_path):
    sources, out = good
    again = tmp_path / "again"
    build(sources, again)
    assert _digest(out) == _digest(again)


def test_rebuild_in_place_keeps_other_files(good):
    sources, out = good
    (out / "README.md").write_text("notes")
    build(sources, out)
    assert (out / "README.md").read_text() == "notes"
    # no staging or retired folder left (the build lock's file stays, as lock files do)
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".snapshot") and p.name != ".snapshot.lock"]


# Each case breaks the sources folder in one way; the CLI must print one line that
# names the source and file, exit non-zero, and leave the old snapshot as it was.
def _html_as_xlsx(folder: Path) -> str:
    target = folder / "sipri" / "SIPRI-Milex-data-2022-2024.xlsx"
    target.write_text("<html><head><title>Access denied</title></head></html>")
    return "SIPRI-Milex-data-2022-2024.xlsx"


def _zero_bytes(folder: Path) -> str:
    (folder / "sipri" / "SIPRI-Milex-data-2022-2024.xlsx").write_bytes(b"")
    return "SIPRI-Milex-data-2022-2024.xlsx"


def _truncated(folder: Path) -> str:
    target = folder / "sipri" / "SIPRI-Milex-data-2022-2024.xlsx"
    target.write_bytes(target.read_bytes()[:3000])
    return "SIPRI-Milex-data-2022-2024.xlsx"


def _renamed_sheet(folder: Path) -> str:
    target = folder / "sipri" / "SIPRI-Milex-data-2022-2024.xlsx"
    write_sipri_workbook(target, share_sheet="Military burden")
    return "Share of GDP"


def _text_in_numbers(folder: Path) -> str:
    target = folder / "sipri" / "SIPRI-Milex-data-2022-2024.xlsx"
    write_sipri_workbook(target, rows={"France": ("Euro", "", {2022: 0.02, 2023: "tbc", 2024: 0.02})})
    return "'tbc'"


def _malformed_json(folder: Path) -> str:
    (folder / "eurostat").mkdir()
    (folder / "eurostat" / "gov_ev-defence.json").write_text('{"version": "2.0", "id": [')
    return "gov_ev-defence.json"


def _unknown_country(folder: Path) -> str:
    target = folder / "sipri" / "SIPRI-Milex-data-2022-2024.xlsx"
    write_sipri_workbook(target, rows={"Ruritania": ("Crowns", "", {2022: 0.02, 2023: 0.02, 2024: 0.02})})
    return "Ruritania"


def _impossible_share(folder: Path) -> str:
    target = folder / "sipri" / "SIPRI-Milex-data-2022-2024.xlsx"
    write_sipri_workbook(target, rows={"France": ("Euro", "", {2022: 1.7, 2023: 0.02, 2024: 0.02})})
    return "France (FRA) 2022 milex_share_gdp"


BROKEN = [_html_as_xlsx, _zero_bytes, _truncated, _renamed_sheet, _text_in_numbers,
          _malformed_json, _unknown_country, _impossible_share]


@pytest.mark.parametrize("breaker", BROKEN, ids=lambda f: f.__name__.strip("_"))
def test_bad_input_gives_one_line_and_keeps_old_snapshot(good, breaker):
    sources, out = good
    before = _digest(out)
    expected = breaker(sources)
    result = CliRunner().invoke(main, ["build", "--sources", str(sources), "--out", str(out)])
    assert result.exit_code != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines and lines[0].startswith("error: "), result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.output + result.stderr
    assert _digest(out) == before
    assert sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".") and not p.name.endswith(".lock")) == []


def test_missing_sources_folder(tmp_path):
    result = CliRunner().invoke(main, ["build", "--sources", str(tmp_path / "nope"),
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "does not exist" in result.stderr and not (tmp_path / "out").exists()


def test_a_source_asked_for_by_name_must_have_files(good):
    sources, out = good
    before = _digest(out)
    result = CliRunner().invoke(main, ["build", "--sources", str(sources), "--out", str(out),
                                       "--only", "sipri", "--only", "nato"])
    assert result.exit_code == 1 and "nato: no raw files under" in result.stderr
    assert _digest(out) == before


def test_unknown_source_name_is_one_line(good):
    sources, out = good
    result = CliRunner().invoke(main, ["build", "--sources", str(sources), "--out", str(out), "--only", "cia"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "error: unknown source 'cia'; known: sipri, nato, worldbank, imf, eurostat, kiel, national"]


def test_out_pointing_at_a_file_is_refused(good, tmp_path):
    sources, _ = good
    target = tmp_path / "notes.txt"
    target.write_text("my notes")
    result = CliRunner().invoke(main, ["build", "--sources", str(sources), "--out", str(target)])
    assert result.exit_code == 1 and "is a file, not a snapshot folder" in result.stderr
    assert target.read_text() == "my notes"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".notes")]


def test_debug_shows_the_traceback(good):
    sources, out = good
    _zero_bytes(sources)
    result = CliRunner().invoke(main, ["--debug", "build", "--sources", str(sources), "--out", str(out)])
    assert result.exit_code != 0 and result.exception is not None


def test_sources_command_lists_editions(good):
    _, out = good
    result = CliRunner().invoke(main, ["sources", "--snapshot", str(out)])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if line.startswith("sipri"))
    table = pd.read_parquet(out / "observations.parquet")
    sipri = table[table["source"] == "sipri"]
    assert "2025-04" in row and f"{len(sipri):,}" in row and "2022-2024" in row


def test_snapshot_not_found_is_one_line(tmp_path):
    result = CliRunner().invoke(main, ["sources", "--snapshot", str(tmp_path)])
    assert result.exit_code == 1 and "no snapshot" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_retrieved_comes_from_sidecar(good, tmp_path):
    sources, _ = good
    target = sources / "sipri" / "SIPRI-Milex-data-2022-2024.xlsx"
    sidecar = target.with_name(target.name + ".meta.json")
    sidecar.write_text(json.dumps({"url": "https://example.org/x.xlsx", "retrieved_at": "2025-04-28T10:00:00+00:00"}))
    out = tmp_path / "with-sidecar"
    build(sources, out)
    table = load(out)
    assert set(table.loc[table["source"] == "sipri", "retrieved"]) == {"2025-04-28"}
    sipri = next(s for s in load_package(out)["sources"] if s["name"] == "sipri")
    assert sipri["editions"][0]["url"] == "https://example.org/x.xlsx"
    shutil.rmtree(out)
