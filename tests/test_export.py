"""Chart export: every format, the pack and its manifest, parameter errors, a missing or hung Chromium.

The tests that render images share one warm browser (module fixture) and skip, saying why,
when /usr/bin/chromium is absent. CSV and HTML need no browser.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
import zlib
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from dashboard import charts
from dashboard.charts.builders import COALITION_PLEDGES
from dashboard.cli import main
from dashboard.export import browser as render
from dashboard.export import output
from dashboard.export.pack import PACK, export_pack
from dashboard.figures import publish as style
from dashboard.views import data
from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not installed (apt-get install -y chromium)")
TODAY = date.today()


@pytest.fixture(scope="module")
def app():
    return data.get()


@pytest.fixture(scope="module")
def renderer():
    """One warm browser for every image test in this module."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed (apt-get install -y chromium)")
    r = render.Renderer(timeout=30)
    r.start()
    yield r
    r.stop()


def export_bytes(app, renderer, name: str, params: dict, fmt: str) -> tuple[bytes, charts.Resolved]:
    resolved = charts.resolve(app, name, params)
    return output.render(resolved, fmt, renderer, TODAY), resolved


def png_size(blob: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk."""
    assert blob[:8] == b"\x89PNG\r\n\x1a\n"
    assert blob[12:16] == b"IHDR"
    return struct.unpack(">II", blob[16:24])


def png_distinct_bytes(blob: bytes) -> int:
    """Distinct byte values in the decompressed image data: a one-colour image has at most two."""
    pos, idat = 8, b""
    while pos < len(blob):
        length, kind = struct.unpack(">I4s", blob[pos:pos + 8])
        if kind == b"IDAT":
            idat += blob[pos + 8:pos + 8 + length]
        pos += 12 + length
    return len(set(zlib.decompress(idat)))


def svg_text(blob: bytes) -> str:
    root = ET.fromstring(blob)
    return " ".join("".join(e.itertext()) for e in root.iter() if e.tag.endswith("text"))


# ---- formats ---------------------------------------------------------------------------------

@needs_chromium
def test_png_is_print_size_and_not_blank(app, renderer):
    blob, _ = export_bytes(app, renderer, "country-share", {"country": "GBR"}, "png")
    width, height = png_size(blob)
    assert width >= 1200 and width == style.WIDTH * style.PNG_SCALE
    assert height == style.HEIGHT * style.PNG_SCALE
    assert png_distinct_bytes(blob) > 16


@needs_chromium
def test_svg_parses_and_carries_title_source_and_date(app, renderer):
    blob, resolved = export_bytes(app, renderer, "ranking", {"year": "2024", "source": "nato"}, "svg")
    text = svg_text(blob)
    assert resolved.built.title in text
    assert "Source: NATO (2024-06 edition)" in text
    assert f"Exported {TODAY.isoformat()}" in text
    assert "% of GDP, NATO definition" in text  # the subtitle: unit and basis


@needs_chromium
def test_pdf_is_a_pdf(app, renderer):
    blob, _ = export_bytes(app, renderer, "reconcile", {"country": "GBR", "year": "2023"}, "pdf")
    assert blob.startswith(b"%PDF-")
    assert blob.rstrip().endswith(b"%%EOF")


def test_html_contains_the_styled_figure(app):
    blob, resolved = export_bytes(app, None, "burden-sharing", {}, "html")
    page = blob.decode("utf-8")
    assert "Plotly.newPlot" in page and '"type":"bar"' in page
    assert resolved.built.title in page
    assert "Source: NATO (2024-06 edition)" in page


def test_html_map_works_offline(app):
    blob, _ = export_bytes(app, None, "map", {"region": "europe"}, "html")
    assert b'window.PlotlyGeoAssets = {topojson: {"world_110m": {' in blob  # no fetch from plotly's CDN


def test_country_share_csv_equals_the_published_series(tmp_path, app):
    out = tmp_path / "gbr.csv"
    result = CliRunner().invoke(main, ["export", "country-share", "--param", "country=GBR", "--param", "from=2000",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    got = pd.read_csv(out)
    # the government's budgets drawn as diamonds: the UK's on NATO's definition (2024-25, 2025-26, 2027-28
    # in data/budgets.yaml), and the 2025 nowcast its budget plan gives
    assert sorted(got.loc[got["source"] == "national", "year"]) == [2024, 2025, 2027]
    assert list(got.loc[got["source"] == "nowcast", "year"]) == [2025]
    got = got[~got["source"].isin(["national", "nowcast"])]
    table = app.table
    shares = table[(table["indicator"] == "milex_share_gdp") & (table["iso3"] == "GBR")
                   & table["source"].isin(["nato", "sipri", "worldbank", "eurostat"]) & (table["year"] >= 2000)]
    latest = shares.groupby("source")["edition"].transform("max")
    expected = shares[shares["edition"] == latest]
    key = ["source", "edition", "year"]
    left = got[key + ["share_of_gdp_pct", "estimate"]].sort_values(key).reset_index(drop=True)
    right = (expected[key + ["value", "estimate"]].rename(columns={"value": "share_of_gdp_pct"})
             .astype({"edition": str, "year": int}).sort_values(key).reset_index(drop=True))
    pd.testing.assert_frame_equal(left, right, check_dtype=False)


def test_ranking_csv_is_every_ally_in_rank_order(tmp_path, app):
    out = tmp_path / "ranking.csv"
    result = CliRunner().invoke(main, ["export", "ranking", "-p", "year=2024", "-p", "source=nato", "--format", "csv",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    got = pd.read_csv(out)
    table = app.table
    nato = table[(table["source"] == "nato") & (table["indicator"] == "milex_share_gdp") & (table["year"] == 2024)
                 & table["iso3"].isin(app.groups["NATO"].members_in(2024))]
    nato = nato[nato["edition"] == nato["edition"].max()]
    assert sorted(got["iso3"]) == sorted(nato["iso3"])
    assert dict(zip(got["iso3"], got["share_of_gdp_pct"])) == pytest.approx(dict(zip(nato["iso3"], nato["value"])))
    assert list(got["rank"]) == list(range(1, len(got) + 1))
    assert got["share_of_gdp_pct"].is_monotonic_decreasing
    assert set(got["edition"]) == {nato["edition"].max()}


# ---- the pack ---------------------------------------------------------------------------------

@needs_chromium
def test_pack_writes_images_csvs_and_manifest(tmp_path, app, renderer):
    manifest = export_pack(tmp_path, "png,svg", renderer=renderer)
    assert len(PACK) >= 10 and len(manifest["charts"]) == len(PACK)
    pngs, svgs, csvs = (sorted(tmp_path.glob(f"*.{ext}")) for ext in ("png", "svg", "csv"))
    assert len(pngs) >= 10 and len(svgs) >= 10 and len(csvs) >= 10
    for png in pngs:
        blob = png.read_bytes()
        assert png_size(blob)[0] >= 1200 and png_distinct_bytes(blob) > 16, png.name
    on_disk = json.loads((tmp_path / "manifest.json").read_text())
    assert on_disk == manifest and on_disk["generated"] == TODAY.isoformat()
    for entry in on_disk["charts"]:
        assert entry["chart"] in charts.CHARTS and entry["parameters"] is not None
        assert entry["sources"] and all(s["edition"] and s["citation"] for s in entry["sources"])
        assert set(entry["files"]) == {"png", "svg", "csv"}
        assert all((tmp_path / f).is_file() for f in entry["files"].values())
        text = svg_text((tmp_path / entry["files"]["svg"]).read_bytes())
        assert entry["source_line"][:40] in text and entry["title"] in text
    assert not list(tmp_path.glob(".*.tmp"))  # atomic writes leave no temporary files


def test_coalition_targets_come_from_the_registry(app):
    resolved = charts.resolve(app, "coalition-share", {})
    drawn = sorted(s["y0"] for s in resolved.built.figure["layout"]["shapes"])
    registry = sorted(p.target for p in app.pledges if p.id in COALITION_PLEDGES)
    assert drawn == registry == [2.0, 2.5, 3.5]
    assert set(resolved.built.frame["group"]) == {"LONDON_2025"}


def test_every_chart_builds_and_is_styled_for_print(app):
    for name in charts.CHARTS:
        resolved = charts.resolve(app, name, {})
        figure = style.publish(resolved.built.figure, resolved.built.title, resolved.built.subtitle,
                               resolved.built.source_text, output.label(resolved), TODAY)
        layout = figure["layout"]
        assert (layout["width"], layout["height"]) == (1200, 675), name
        assert resolved.built.title in layout["title"]["text"].replace("&amp;", "&"), name
        assert len(style.wrap(resolved.built.subtitle, style.SUBTITLE_CHARS)) <= 2, name
        footer = layout["annotations"][-1]["text"]
        assert footer.startswith("Source: ") and TODAY.isoformat() in footer, name
        assert resolved.built.sources, name


def test_publication_figure_for_the_app_needs_no_browser(app, monkeypatch):
    monkeypatch.setattr(render, "_lookup", lambda: None)
    figure = charts.publication_figure(app, "scenario", {"group": "NATO", "target": "3.5", "year": "2035"})
    assert figure["layout"]["width"] == 1200 and "NATO at 3.5% of GDP by 2035" in figure["layout"]["title"]["text"]
    assert figure["layout"]["annotations"][-1]["text"].startswith("Source: NATO (2024-06 edition)")


# ---- listing and errors -----------------------------------------------------------------------

def test_list_names_every_chart_with_parameters_and_defaults():
    result = CliRunner().invoke(main, ["export", "--list"])
    assert result.exit_code == 0, result.output
    for name in charts.CHARTS:
        assert f"{name}: " in result.output
    assert "--param country=GBR" in result.output and "--param year=2024" in result.output


@pytest.mark.parametrize("args, message", [
    (["nope"], "no chart named 'nope'"),
    (["ranking", "-p", "colour=red"], "has no parameter 'colour'"),
    (["country-share", "-p", "country=XYZ"], "'XYZ' is not a country"),
    (["country-share", "-p", "country=../../etc/passwd"], "is not a country"),
    (["ranking", "-p", "source=nato", "-p", "year=1990"], "year: 1990 is out of range (2014–2024)"),
    (["scenario", "-p", "target=nan"], "target: 'nan' is not a finite number"),
    (["scenario", "-p", "year=2100"], "year: 2100 is out of range"),
    (["ranking", "-p", "year"], "expected KEY=VALUE"),
    (["ranking", "-p", "year=2024", "-p", "year=2023"], "given twice"),
    (["ranking", "--format", "gif"], "--format 'gif'"),
])
def test_bad_parameters_give_one_line_and_exit_1(tmp_path, args, message):
    out = tmp_path / "chart.csv"
    result = CliRunner().invoke(main, ["export", *args, "--out", str(out)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_missing_chromium_is_one_line_quickly_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-chromium"))
    started = time.monotonic()
    result = CliRunner().invoke(main, ["export", "ranking", "--out", str(tmp_path / "r.png")])
    assert time.monotonic() - started < 5
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "Chromium not found" in result.output
    assert "apt-get install -y chromium" in result.output
    assert list(tmp_path.iterdir()) == []


def test_no_browser_on_the_machine(tmp_path, monkeypatch):
    for variable in render.BROWSER_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(render, "_lookup", lambda: None)
    result = CliRunner().invoke(main, ["export", "--pack", str(tmp_path / "pack")])
    assert result.exit_code == 1 and "Chromium not found" in result.output
    assert not (tmp_path / "pack").exists()
    # CSV needs no browser
    result = CliRunner().invoke(main, ["export", "map", "--out", str(tmp_path / "map.csv")])
    assert result.exit_code == 0 and (tmp_path / "map.csv").is_file()


def test_hung_browser_times_out_with_one_line(tmp_path):
    """A "browser" that never answers: the export gives up after its timeout and kills it."""
    fake = tmp_path / "chromium"
    pid_file = tmp_path / "pid"
    fake.write_text(f"#!/bin/sh\necho $$ > {pid_file}\nexec sleep 300\n")
    fake.chmod(0o755)
    out = tmp_path / "out" / "r.png"
    env = {**os.environ, "BROWSER_PATH": str(fake)}
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "dashboard.cli", "export", "ranking", "--out", str(out),
                           "--timeout", "1"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert time.monotonic() - started < 30
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0, proc.stderr
    assert proc.stderr.startswith("error: Chromium not responding") and "apt-get install -y chromium" in proc.stderr
    assert not out.exists() and not out.parent.exists()
    if pid_file.exists():  # the fake browser was killed (a zombie at most, awaiting its reaper)
        stat = Path(f"/proc/{pid_file.read_text().strip()}/stat")
        assert not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] == "Z"
