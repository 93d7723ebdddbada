"""Kiel Ukraine Support Tracker loader: the published Release 29, built releases, fetch.

The expectations on the published files are worked out here from the CSV files
themselves (read with the csv module and summed), beside the spot values of
../shared/data/sources/SOURCES.md: Germany's military allocations in 2023 = 4.22 EUR bn,
Denmark's allocations 2022-01 … 2026-04 = 11.03 EUR bn = 3.27 % of its 2021 GDP.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pycountry
import pytest
import responses

from dashboard import http
from dashboard.errors import SourceError, UnmappedCountryError
from dashboard.provenance import SIDECAR_SUFFIX
from dashboard.rawcache import RawCache
from dashboard.sources import kiel
from tests.builders import KIEL_MONTHS, edit_text, write_kiel_release
from tests.conftest import raw, shared_file

# data_explorer.csv's indicators (the weapons and EU shares of a donor are dated at the release period)
DONOR_MONTHLY = ["ukraine_aid_total", "ukraine_aid_military", "ukraine_aid_financial", "ukraine_aid_humanitarian",
                 "ukraine_aid_commitments", "ukraine_aid_to_allocate"]
FILES = ["release_info.csv", "data_explorer.csv", "total_allocations.csv", "procurement_trends.csv",
         "weapons.csv", "eu_aid_shares.csv"]

# --- the published files (../shared) -----------------------------------------------------


def _published(name: str) -> list[dict[str, str]]:
    """One published file's rows, read with the csv module (independently of the loader)."""
    with shared_file(f"kiel/{name}").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def release29() -> pd.DataFrame:
    """Every row the loader reads from the six published files."""
    folder = shared_file("kiel/release_info.csv").parent
    return pd.concat([kiel.parse(raw("kiel", folder / name)) for name in FILES], ignore_index=True)


def _sum(frame: pd.DataFrame, iso3: str, indicator: str, year: int | None = None) -> float:
    part = frame[(frame.iso3 == iso3) & (frame.indicator == indicator)]
    if year is not None:
        part = part[part.year == year]
    assert len(part), (iso3, indicator, year)
    return float(part.value.sum())


def test_real_germany_military_2023(release29):
    by_hand = sum(float(r["military"]) for r in _published("data_explorer.csv")
                  if r["iso"] == "DEU" and r["year"] == "2023") * 1000
    assert by_hand == pytest.approx(4223, abs=1)  # SOURCES.md: 4.22 EUR bn
    assert _sum(release29, "DEU", "ukraine_aid_military", 2023) == pytest.approx(by_hand, rel=1e-12)


def test_real_denmark_total_and_share_of_2021_gdp(release29):
    rows = [r for r in _published("data_explorer.csv") if r["iso"] == "DNK"]
    by_hand = sum(float(r["total"]) for r in rows) * 1000
    (gdp_by_hand,) = {float(r["gdp"]) * 1000 for r in rows}  # one 2021 GDP for every month
    assert by_hand == pytest.approx(11_025, abs=1)  # SOURCES.md: 11.03 EUR bn
    assert by_hand / gdp_by_hand * 100 == pytest.approx(3.27, abs=0.005)
    total = _sum(release29, "DNK", "ukraine_aid_total")
    gdp = release29[(release29.iso3 == "DNK") & (release29.indicator == "gdp_eur")]
    assert gdp.year.tolist() == [2021] and gdp.month.isna().all()
    assert total == pytest.approx(by_hand, rel=1e-12)
    assert total / float(gdp.value.iloc[0]) * 100 == pytest.approx(3.27, abs=0.005)


def test_real_every_row_has_the_release_edition(release29):
    (info,) = _published("release_info.csv")
    assert f"{info['date']} R{info['release']}" == "2026-08-04 R29"
    assert set(release29.edition) == {"2026-08-04 R29"}
    assert set(release29.source) == {"kiel"}


def test_real_every_donor_has_a_code(release29):
    codes = set(release29.iso3)
    assert "" not in codes and release29.iso3.notna().all()
    published = {r["iso"] for r in _published("data_explorer.csv")}
    assert "EU" in published
    assert codes == (published - {"EU"}) | {"EU_INST", "UST_ALL"}
    countries = codes - {"EU_INST", "UST_ALL"}
    assert all(pycountry.countries.get(alpha_3=c) is not None and c.isupper() for c in countries), countries
    eu = release29[release29.iso3 == "EU_INST"]
    assert set(eu.country) == {"EU (Commission and Council)"}
    assert "gdp_eur" not in set(eu.indicator)  # Kiel prints 0: no GDP for the EU institutions


def test_real_all_donors_equal_the_sum_of_donors(release29):
    monthly = release29[release29.month.notna() & release29.indicator.isin(
        ["ukraine_aid_total", "ukraine_aid_military", "ukraine_aid_financial", "ukraine_aid_humanitarian"])]
    donors = monthly[monthly.iso3 != "UST_ALL"].groupby(["year", "month", "indicator"]).value.sum()
    everyone = monthly[monthly.iso3 == "UST_ALL"].set_index(["year", "month", "indicator"]).value
    assert len(everyone) == 4 * len(_published("total_allocations.csv")) == 4 * 52
    pd.testing.assert_series_equal(everyone.sort_index(), donors.reindex(everyone.index).sort_index(),
                                   check_names=False, atol=1e-6, rtol=0)
    # and the file itself: 2022-02's total_allocations (EUR bn) is the sum of that month's donors
    by_hand = sum(float(r["total"]) for r in _published("data_explorer.csv") if (r["year"], r["month"]) == ("2022", "2"))
    (published,) = [float(r["total_allocations"]) for r in _published("total_allocations.csv")
                    if (r["year"], r["month"]) == ("2022", "2")]
    assert by_hand == pytest.approx(published, abs=1e-9)
    assert everyone[(2022, 2, "ukraine_aid_total")] == pytest.approx(published * 1000, rel=1e-12)


def test_real_nato_purl_only_from_2025(release29):
    purl = release29[release29.indicator == "ukraine_aid_military_purl"]
    assert set(purl.iso3) == {"UST_ALL"} and len(purl) == 52
    assert (purl[purl.year < 2025].value == 0).all()
    assert (purl[purl.year == 2025].value > 0).any()
    by_hand = {(int(r["year"]), int(r["month"])) for r in _published("procurement_trends.csv")
               if float(r["nato_purl"]) > 0}
    assert min(by_hand) >= (2025, 1)
    assert set(zip(purl[purl.value > 0].year, purl[purl.value > 0].month)) == by_hand


def test_real_no_us_allocations_after_january_2025(release29):
    """The United States' monthly rows stop at January 2025 (its weapons rows, cumulative, are dated 04/2026)."""
    us_months = [(int(r["year"]), int(r["month"])) for r in _published("data_explorer.csv") if r["iso"] == "USA"]
    assert max(us_months) == (2025, 1)
    us = release29[(release29.iso3 == "USA") & release29.indicator.isin(DONOR_MONTHLY)]
    assert max(zip(us.year, us.month)) == (2025, 1)
    military = us[us.indicator == "ukraine_aid_military"]
    assert military[(military.year == 2025) & (military.month == 1)].value.iloc[0] > 0
    assert military[military.year >= 2025].month.tolist() == [1]


def test_real_weapons_of_the_united_kingdom(release29):
    rows = {r["category"]: r for r in _published("weapons.csv") if r["donor"] == "United Kingdom"}
    assert {"Tanks", "Howitzers", "MLRS", "Air Defense"} <= set(rows)
    gbr = release29[(release29.iso3 == "GBR") & release29.indicator.str.startswith("ukraine_weapons_")]
    values = dict(zip(gbr.indicator, gbr.value))
    tanks = rows["Tanks"]
    assert values["ukraine_weapons_tanks_count"] == int(tanks["number_of_weapons"])
    assert values["ukraine_weapons_tanks_value"] == pytest.approx(float(tanks["monetary_value_eur"]) / 1e6)
    assert values["ukraine_weapons_howitzers_count"] == int(rows["Howitzers"]["number_of_weapons"])
    assert set(zip(gbr.year, gbr.month)) == {(2026, 4)}  # the release period, 04/2026
    assert set(gbr.unit) == {"items", "EUR million"}


def test_real_discover(shared_sources: Path):
    assert [p.name for p in kiel.discover(shared_sources / "kiel")] == FILES


# --- built releases (invented figures, the published layout) --------------------------------


@pytest.fixture
def built(tmp_path: Path) -> Path:
    return write_kiel_release(tmp_path / "kiel")


def _parse_all(folder: Path, retrieved: str = "2026-05-21") -> pd.DataFrame:
    return pd.concat([kiel.parse(raw("kiel", path, retrieved)) for path in kiel.discover(folder)],
                     ignore_index=True)


def _value(frame: pd.DataFrame, iso3: str, indicator: str, year: int, month: int | None) -> float:
    part = frame[(frame.iso3 == iso3) & (frame.indicator == indicator) & (frame.year == year)]
    part = part[part.month.isna()] if month is None else part[part.month == month]
    assert len(part) == 1, part
    return float(part.value.iloc[0])


def test_built_release_parses(built: Path):
    frame = _parse_all(built)
    assert set(frame.edition) == {"2026-05-20 R12"} and set(frame.retrieved) == {"2026-05-21"}
    assert set(frame.price_base) == {"current"} and not frame.estimate.any() and set(frame["flags"]) == {""}
    # 6 donor-months × 6, 2 GDP, 3 months × 4 all-donor, 3 × 4 sourcing, 4 weapons × 2, 2 members × 4
    assert len(frame) == 36 + 2 + 12 + 12 + 8 + 8
    assert set(frame.iso3) == {"DNK", "DEU", "GBR", "EU_INST", "UST_ALL"}


def test_built_units_are_converted(built: Path):
    frame = _parse_all(built)
    # data_explorer.csv: EUR billion → EUR million
    assert _value(frame, "DEU", "ukraine_aid_military", 2026, 1) == 1500.0            # 1.5 bn
    assert _value(frame, "DNK", "ukraine_aid_total", 2026, 3) == 562.5                # 0.0625 + 0 + 0.5 bn
    assert _value(frame, "DNK", "ukraine_aid_to_allocate", 2026, 3) == -312.5         # a correction
    assert _value(frame, "EU_INST", "ukraine_aid_commitments", 2026, 2) == 5000.0
    # total_allocations.csv and procurement_trends.csv, all donors
    assert _value(frame, "UST_ALL", "ukraine_aid_total", 2026, 1) == 2062.5           # 0.375 + 1.6875 bn
    assert _value(frame, "UST_ALL", "ukraine_aid_military_purl", 2026, 3) == 1000.0
    # weapons.csv: EUR → EUR million; counts as items
    assert _value(frame, "DEU", "ukraine_weapons_tanks_value", 2026, 3) == 25.0       # 25,000,000 EUR
    assert _value(frame, "DEU", "ukraine_weapons_tanks_count", 2026, 3) == 10.0
    assert _value(frame, "GBR", "ukraine_weapons_ifv_value", 2026, 3) == 8.0          # donor by name
    # eu_aid_shares.csv: EUR billion → EUR million, shares as published
    assert _value(frame, "DEU", "ukraine_aid_eu_attributed", 2026, 3) == 12_000.0
    assert _value(frame, "DNK", "ukraine_aid_with_eu_share_gdp2021", 2026, 3) == 0.75
    units = frame.groupby("indicator").unit.unique().map(tuple).to_dict()
    assert units["ukraine_weapons_tanks_count"] == ("items",)
    assert units["ukraine_aid_share_gdp2021"] == ("percent of 2021 GDP",)
    assert {u for i, u in units.items() if not i.endswith(("_count", "gdp2021"))} == {("EUR million",)}


def test_built_months_and_release_period(built: Path):
    frame = _parse_all(built)
    monthly = frame[frame.indicator.str.startswith("ukraine_aid_") & ~frame.indicator.str.contains("gdp2021")
                    & (frame.indicator != "ukraine_aid_eu_attributed")]
    assert set(zip(monthly.year, monthly.month)) == {(2026, 1), (2026, 2), (2026, 3)}
    months = {(iso3, year, month) for _, iso3, year, month, *_ in KIEL_MONTHS}
    donors = monthly[monthly.iso3 != "UST_ALL"]
    assert set(zip(donors.iso3.replace({"EU_INST": "EU"}), donors.year, donors.month)) == months
    # cumulative files: the release period (03/2026) as year and month
    cumulative = frame[frame.indicator.str.startswith("ukraine_weapons_") | frame.indicator.str.contains("gdp2021")
                       | (frame.indicator == "ukraine_aid_eu_attributed")]
    assert len(cumulative) == 16 and set(zip(cumulative.year, cumulative.month)) == {(2026, 3)}


def test_built_gdp_rows(built: Path):
    frame = _parse_all(built)
    gdp = frame[frame.indicator == "gdp_eur"]
    assert sorted(gdp.iso3) == ["DEU", "DNK"]   # none for the EU institutions
    assert set(gdp.year) == {2021} and gdp.month.isna().all()
    assert _value(frame, "DNK", "gdp_eur", 2021, None) == 400_000.0   # 400 EUR bn
    assert set(gdp.country) == {"Denmark", "Germany"}


def test_release_file_alone_has_no_rows_but_names_its_edition(built: Path):
    frame = kiel.parse(raw("kiel", built / "release_info.csv"))
    assert frame.empty and frame.attrs["edition"] == "2026-05-20 R12"
    release = kiel.read_release(built)
    assert (release.number, release.year, release.month) == (12, 2026, 3)


def test_discover_finds_the_six_files_and_nothing_else(tmp_path: Path):
    folder = write_kiel_release(tmp_path / "kiel" / "2026-05-21")
    second = tmp_path / "kiel" / "2026-05-21" / "data_explorer-2.csv"  # the raw cache's second download
    second.write_bytes((folder / "data_explorer.csv").read_bytes())
    for name in FILES:
        (folder / (name + SIDECAR_SUFFIX)).write_text("{}")
    others = tmp_path / "worldbank"
    others.mkdir()
    (others / "API_MS.MIL.XPND.CD_DS2_en_csv_v2_99.csv").write_text('"Data Source","WDI",\n')
    (folder / "API_NY.GDP.MKTP.CD_DS2_en_csv_v2_26.csv").write_text('"Data Source","WDI",\n')
    (folder / "notes.csv").write_text("a,b\n")
    (folder / "weapons_old.csv").write_text("a,b\n")
    (folder / "weapons.csv.bak").write_text("a,b\n")
    found = kiel.discover(tmp_path)
    assert [p.name for p in found] == ["release_info.csv", "data_explorer-2.csv", "data_explorer.csv", *FILES[2:]]
    assert all(p.parent == folder for p in found)


def test_a_file_that_is_not_the_trackers_is_refused(built: Path):
    other = built / "notes.csv"
    other.write_text("a,b\n")
    with pytest.raises(SourceError, match="not one of the tracker's files"):
        kiel.parse(raw("kiel", other))


@pytest.mark.parametrize("release,problem", [
    (("29", "4/2026", "2026-08-04", "Release 29"), r"period '4/2026' is not MM/YYYY"),
    (("29", "13/2026", "2026-08-04", "Release 29"), r"period '13/2026' is not MM/YYYY"),
    (("29", "04/2026", "04.08.2026", "Release 29"), r"date '04.08.2026' is not an ISO date"),
    (("29a", "04/2026", "2026-08-04", "Release 29"), r"release: '29a' is not a number"),
    (("29", "04/2026", "2026-08-04", "Ukraine Support Tracker, Release 28 (04/2026)"),
     r"label .*Release 28.* names another release than 29"),
    (("3", "04/2026", "2026-08-04", "Ukraine Support Tracker, Release 30 (04/2026)"),
     r"label .*Release 30.* names another release than 3"),
], ids=["period-without-zero", "month-13", "date-not-iso", "number-not-a-number", "label-28", "label-30-for-3"])
def test_odd_release_file_is_one_line(tmp_path: Path, release, problem):
    folder = tmp_path / "kiel"
    folder.mkdir()
    (folder / "release_info.csv").write_text('"release","period","date","label"\n'
                                             + ",".join(f'"{v}"' for v in release) + "\n")
    with pytest.raises(SourceError, match=problem) as exc:
        kiel.read_release(folder)
    assert "\n" not in str(exc.value) and str(exc.value).startswith("kiel: ")
    assert "release_info.csv" in str(exc.value)


def test_two_releases_in_one_file_are_refused(built: Path):
    path = built / "release_info.csv"
    path.write_text(path.read_text() + '"13","04/2026","2026-06-20","Ukraine Support Tracker, Release 13"\n')
    with pytest.raises(SourceError, match="2 releases described; expected exactly one"):
        kiel.parse(raw("kiel", built / "weapons.csv"))


def test_a_release_folder_without_release_info_is_refused(built: Path):
    (built / "release_info.csv").unlink()
    with pytest.raises(SourceError, match="no release_info.csv beside the tracker's files"):
        kiel.parse(raw("kiel", built / "weapons.csv"))


def test_a_donor_code_in_lower_case_is_not_a_code(built: Path):
    """pycountry finds "dnk" too; stored as it is, it would be a second Denmark."""
    edit_text(built / "data_explorer.csv", '"DNK"', '"dnk"')
    with pytest.raises(UnmappedCountryError, match=r"donor code 'dnk' \('Denmark'\) maps to no country"):
        kiel.parse(raw("kiel", built / "data_explorer.csv"))


def test_all_donor_file_in_eur_million_is_refused_without_the_donors_beside_it(built: Path):
    """No data_explorer.csv to add up: the size of the figures still shows the unit."""
    (built / "data_explorer.csv").unlink()
    edit_text(built / "total_allocations.csv", "\n2026,1,2.0625,", "\n2026,1,2062.5,")
    with pytest.raises(SourceError, match=r"line 2: total_allocations 2062.5: the tracker publishes EUR billion"):
        kiel.parse(raw("kiel", built / "total_allocations.csv"))


def test_sourcing_file_of_an_earlier_period_is_refused(built: Path):
    path = built / "procurement_trends.csv"
    path.write_text("".join(path.read_text().splitlines(keepends=True)[:-1]))  # 2026-03 gone
    with pytest.raises(SourceError, match=r"runs to 2026-02, but release_info.csv names Release 12 \(03/2026\)"):
        kiel.parse(raw("kiel", path))


def test_crlf_line_ends_and_a_bom_read_the_same(built: Path, tmp_path: Path):
    other = write_kiel_release(tmp_path / "crlf" / "kiel", newline="\r\n")
    for path in other.iterdir():
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    pd.testing.assert_frame_equal(_parse_all(other), _parse_all(built))


def test_columns_in_another_order_read_the_same(built: Path, tmp_path: Path):
    other = write_kiel_release(tmp_path / "moved" / "kiel")
    path = other / "weapons.csv"
    lines = [list(csv.reader([line]))[0] for line in path.read_text().splitlines()]
    with path.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([line[::-1] for line in lines])
    pd.testing.assert_frame_equal(_parse_all(other), _parse_all(built))


# --- fetch -------------------------------------------------------------------------------------


@pytest.fixture
def no_waits(monkeypatch) -> list[float]:
    recorded: list[float] = []
    monkeypatch.setitem(http.get.__kwdefaults__, "sleep", recorded.append)
    return recorded


def _serve(folder: Path, **instead: dict) -> None:
    for name in FILES:
        answer = instead.get(name) or {"body": (folder / name).read_bytes(), "content_type": "text/plain"}
        responses.get(kiel.BASE_URL + name, **answer)


@responses.activate
def test_fetch_stores_the_six_files_with_sidecars(built: Path, tmp_path: Path, no_waits):
    _serve(built)
    cache = tmp_path / "cache"
    stored = kiel.fetch(http.session(), RawCache(cache))
    assert [p.name for p in stored] == FILES
    assert len({p.parent for p in stored}) == 1 and stored[0].parent.parent == cache / "kiel"
    for path in stored:
        assert path.read_bytes() == (built / path.name).read_bytes()
        meta = json.loads(path.with_name(path.name + SIDECAR_SUFFIX).read_text())
        assert meta["url"] == kiel.BASE_URL + path.name and meta["source"] == "kiel"
        assert meta["format"] == "csv" and meta["size"] == len(path.read_bytes())
    assert kiel.discover(cache) == stored
    frame = pd.concat([kiel.parse(raw("kiel", p)) for p in stored], ignore_index=True)
    assert set(frame.edition) == {"2026-05-20 R12"}
    assert _value(frame, "DEU", "ukraine_aid_military", 2026, 1) == 1500.0
    # a second refresh finds the same bytes already kept: nothing new is stored
    assert kiel.fetch(http.session(), RawCache(cache)) == stored
    assert len(list((cache / "kiel").rglob("*.csv"))) == 6


ERROR_PAGE = b"<!DOCTYPE html>\n<html><head><title>Error</title></head><body>Rate limited</body></html>\n"


@pytest.mark.parametrize("answer,expected", [
    ({"body": ERROR_PAGE, "content_type": "text/html"}, "weapons.csv (an HTML page, not the tracker's CSV"),
    ({"body": b"<html><body>moved</body></html>", "content_type": "text/html"}, "weapons.csv (an HTML page"),
    ({"status": 404, "body": "404: Not Found"}, "weapons.csv (HTTP 404"),
    ({"body": b'"donor","category"\n"Germany","Tanks"\n', "content_type": "text/plain"},
     "weapons.csv (no column 'number_of_weapons'"),
], ids=["html-200", "html-no-doctype", "404", "columns-missing"])
@responses.activate
def test_fetch_refuses_a_bad_answer_before_storing_it(built: Path, tmp_path: Path, no_waits, answer, expected):
    _serve(built, **{"weapons.csv": answer})
    cache = tmp_path / "cache"
    with pytest.raises(SourceError) as exc:
        kiel.fetch(http.session(), RawCache(cache))
    message = str(exc.value)
    assert "\n" not in message and message.startswith(f"kiel: {kiel.BASE_URL}: 1 file(s) failed: ")
    assert expected in message, message
    stored = sorted(p.name for p in (cache / "kiel").rglob("*.csv"))
    assert stored == sorted(set(FILES) - {"weapons.csv"})   # the good files are kept, the bad one is not
    assert not any(p.read_bytes().lstrip().startswith(b"<") for p in (cache / "kiel").rglob("*") if p.is_file())
