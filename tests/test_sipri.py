"""SIPRI loader: the two published releases, a built workbook, and broken files."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from dashboard import schema
from dashboard.errors import SourceError
from dashboard.sources import sipri
from tests.builders import write_sipri_workbook
from tests.conftest import raw, shared_file

APRIL_2025 = "sipri/SIPRI-Milex-data-1949-2024_2.xlsx"
APRIL_2024 = "sipri/SIPRI-Milex-data-1948-2023.xlsx"


@lru_cache(maxsize=2)
def _parsed(relative: str) -> pd.DataFrame:
    return sipri.parse(raw("sipri", shared_file(relative)))


def _one(df: pd.DataFrame, **match) -> pd.Series:
    rows = df
    for column, value in match.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1, f"expected one row for {match}, got {len(rows)}"
    return rows.iloc[0]


# --- the published files (skipped when ../shared is absent) -----------------------

def test_april_2025_spot_values_from_sources_md():
    df = _parsed(APRIL_2025)
    assert set(df["edition"]) == {"2025-04"}
    share = _one(df, iso3="GBR", year=2024, indicator="milex_share_gdp")
    assert share["value"] == pytest.approx(2.2786178, abs=1e-6)  # 0.022786178 × 100
    assert share["unit"] == "percent of GDP"
    assert _one(df, iso3="GBR", year=2023, indicator="milex_share_gdp")["value"] == pytest.approx(2.2306397, abs=1e-6)
    usd = _one(df, iso3="GBR", year=2024, indicator="milex_usd", price_base="current")
    assert usd["value"] == pytest.approx(81763.17, abs=0.01)
    lcu = _one(df, iso3="GBR", year=2024, indicator="milex_lcu")
    assert lcu["value"] == pytest.approx(63991.12977125, abs=1e-6)  # 63,991,129,771.25 GBP
    assert lcu["unit"] == "GBP million"


def test_april_2024_edition_is_told_apart_and_keeps_its_revision():
    old = _parsed(APRIL_2024)
    assert set(old["edition"]) == {"2024-04"}
    assert _one(old, iso3="GBR", year=2023, indicator="milex_share_gdp")["value"] == pytest.approx(2.2649, abs=5e-5)
    # the constant-price base year comes from the sheet name: 2022 in this release
    assert set(old.loc[old["indicator"] == "milex_usd", "price_base"]) == {"current", "constant 2022"}
    assert set(_parsed(APRIL_2025).loc[lambda d: d["indicator"] == "milex_usd", "price_base"]) == {"current", "constant 2023"}


def test_every_country_row_of_the_share_sheet_is_mapped():
    """Count country rows in the sheet independently and compare with the parsed countries."""
    path = shared_file(APRIL_2025)
    wb = openpyxl.load_workbook(path, read_only=True)
    ws = wb["Share of GDP"]
    names, started = set(), False
    for row in ws.iter_rows(values_only=True):
        if row[0] == "Country":
            started = True
            continue
        if started and isinstance(row[0], str) and any(v not in (None, "") for v in row[2:]):
            names.add(row[0].strip())
    wb.close()
    df = _parsed(APRIL_2025)
    parsed = set(df.loc[df["indicator"] == "milex_share_gdp", "country"])
    # every named row with any year cell filled (data or a marker) is a country
    with_numbers = {n for n in names if n in parsed}
    assert with_numbers == parsed
    assert df["iso3"].notna().all()
    assert {"SUN", "YUG", "CSK", "XKX", "KOR", "PRK", "COD", "TUR"} <= set(df["iso3"])


def test_estimates_flags_and_fiscal_years():
    df = _parsed(APRIL_2025)
    assert df["estimate"].any() and not df["estimate"].all()
    assert df["flags"].str.contains("uncertain").any()
    # Algeria's notes read "§4": adopted budget
    assert "§" in _one(df, iso3="DZA", year=2024, indicator="milex_share_gdp")["flags"]
    assert "fy:Apr-Mar" in _one(df, iso3="GBR", year=2024, indicator="milex_lcu_fy")["flags"]
    assert not (df["unit"].str.contains("<CUR>")).any()


def test_regional_totals_in_millions():
    df = _parsed(APRIL_2025)
    world = df[(df["iso3"] == "WLD") & (df["indicator"] == "milex_usd")]
    assert set(world["price_base"]) == {"constant 2023", "current"}
    # the sheet gives US$ 2718.18 b. for 2024 at current prices
    assert _one(world, year=2024, price_base="current")["value"] == pytest.approx(2718183.7, abs=1)


def test_keys_are_unique_and_columns_canonical():
    df = _parsed(APRIL_2025)
    assert list(df.columns) == list(schema.COLUMNS)
    assert not df.duplicated(list(schema.KEY)).any()


# --- a workbook built in the published layout (always runs) -----------------------

@pytest.fixture
def built(tmp_path: Path) -> pd.DataFrame:
    return sipri.parse(raw("sipri", write_sipri_workbook(tmp_path / "SIPRI-Milex-data-2022-2024.xlsx")))


def test_built_workbook_shares_are_percent_and_colours_are_read(built):
    share = built[built["indicator"] == "milex_share_gdp"]
    uk = share[share["iso3"] == "GBR"].set_index("year")
    assert uk.loc[2023, "value"] == pytest.approx(2.25)
    assert not uk.loc[2023, "estimate"] and uk.loc[2024, "estimate"]  # blue font
    kor = share[share["iso3"] == "KOR"].set_index("year")
    assert list(kor.index) == [2022, 2024]  # "..." gives no row
    assert "uncertain" in kor.loc[2024, "flags"] and not kor.loc[2024, "estimate"]  # red font
    assert "§" in kor.loc[2022, "flags"]
    assert "SUN" not in set(share["iso3"])  # "xxx" everywhere: no rows
    assert set(built["edition"]) == {"2025-04"}


def test_built_workbook_units_and_price_bases(built):
    lcu = built[(built["indicator"] == "milex_lcu") & (built["iso3"] == "KOR")]
    assert set(lcu["unit"]) == {"KRW million"}
    assert lcu.set_index("year").loc[2022, "value"] == pytest.approx(0.025e-6)  # full units → millions
    assert set(built.loc[built["indicator"] == "milex_usd", "price_base"]) == {"constant 2023", "current"}
    world = built[built["iso3"] == "WLD"].set_index(["year", "price_base"])
    assert world.loc[(2024, "current"), "value"] == pytest.approx(2_300_000.0)  # US$ b. → m.
    assert world.loc[(2024, "constant 2023"), "estimate"]  # red on the regional sheet
    europe = built[built["iso3"] == "SIPRI_EUROPE"]
    assert 2023 not in set(europe["year"])  # ". ." marker
    assert europe["flags"].str.contains("omits:Kosovo").all()


def test_header_row_is_found_where_it_moved(tmp_path):
    path = write_sipri_workbook(tmp_path / "SIPRI-Milex-data-2022-2024.xlsx", header_offset=3)
    df = sipri.parse(raw("sipri", path))
    assert _one(df, iso3="GBR", year=2022, indicator="milex_share_gdp")["value"] == pytest.approx(2.15)


# --- broken input --------------------------------------------------------------

def _error(path: Path) -> str:
    with pytest.raises(SourceError) as info:
        sipri.parse(raw("sipri", path))
    message = str(info.value)
    assert "\n" not in message and path.name in message and message.startswith("sipri: ")
    return message


def test_html_error_page_saved_as_xlsx(tmp_path):
    path = tmp_path / "SIPRI-Milex-data-1949-2024.xlsx"
    path.write_text("<!DOCTYPE html><html><body>503 Service Unavailable</body></html>")
    assert "HTML page" in _error(path)


def test_empty_and_truncated_files(tmp_path):
    empty = tmp_path / "SIPRI-Milex-data-empty.xlsx"
    empty.write_bytes(b"")
    assert "empty" in _error(empty)
    good = write_sipri_workbook(tmp_path / "full.xlsx")
    truncated = tmp_path / "SIPRI-Milex-data-cut.xlsx"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert "truncated" in _error(truncated)


def test_renamed_sheet_is_reported(tmp_path):
    path = write_sipri_workbook(tmp_path / "SIPRI-Milex-data-x.xlsx", share_sheet="GDP share")
    assert "Share of GDP" in _error(path)


def test_text_in_a_number_cell_names_the_cell(tmp_path):
    rows = {"United Kingdom": ("Pounds", "", {2022: 0.02, 2023: "n/a", 2024: 0.02})}
    message = _error(write_sipri_workbook(tmp_path / "SIPRI-Milex-data-x.xlsx", rows=rows))
    assert "'n/a'" in message and "sheet 'Local currency financial years'" in message


def test_unknown_country_fails_naming_it(tmp_path):
    from dashboard.errors import UnmappedCountryError

    rows = {"Freedonia": ("Pounds", "", {2022: 0.02, 2023: 0.02, 2024: 0.02})}
    with pytest.raises(UnmappedCountryError, match="Freedonia"):
        sipri.parse(raw("sipri", write_sipri_workbook(tmp_path / "SIPRI-Milex-data-x.xlsx", rows=rows)))


def test_currency_units_follow_the_label_and_own_currency(tmp_path):
    """Somalia's figures are in US dollars (SIPRI's label); Lesotho and Namibia use their own
    currencies (LSL, NAD), not the South African rand that is also legal tender there."""
    rows = {"Somalia": ("US dollars", "", {2022: 0.01, 2023: 0.01, 2024: 0.01}),
            "Lesotho": ("Maloti", "", {2022: 0.01, 2023: 0.01, 2024: 0.01}),
            "Namibia": ("Dollars", "", {2022: 0.01, 2023: 0.01, 2024: 0.01}),
            "Croatia": ("Kunas     ", "", {2022: 0.01, 2023: 0.01, 2024: 0.01})}
    df = sipri.parse(raw("sipri", write_sipri_workbook(tmp_path / "SIPRI-Milex-data-x.xlsx", rows=rows)))
    lcu = df[df["indicator"] == "milex_lcu"].groupby("iso3")["unit"].first().to_dict()
    # Croatia: SIPRI restates in euro ("current currency" in the April 2025 release) despite the label
    assert lcu == {"SOM": "USD million", "LSO": "LSL million", "NAM": "NAD million", "HRV": "EUR million"}


def test_april_2026_release_layout_constant_2024(tmp_path):
    """SOURCES.md: the April 2026 release has data to 2025 in constant 2024 US$. Built in that
    layout (invented values), it reads with the base year from the sheet name, not assumed."""
    path = write_sipri_workbook(tmp_path / "SIPRI-Milex-data-1949-2025.xlsx", years=(2023, 2024, 2025),
                                constant_base=2024,
                                rows={"United Kingdom": ("Pounds", "", {2023: 0.0225, 2024: 0.023, 2025: 0.024})})
    df = sipri.parse(raw("sipri", path))
    assert set(df["edition"]) == {"2026-04"}  # data to 2025 → the April 2026 release
    usd = df[(df["indicator"] == "milex_usd") & (df["iso3"] == "GBR")]
    assert set(usd["price_base"]) == {"constant 2024", "current"}
    world = df[df["iso3"] == "WLD"]
    assert set(world["price_base"]) == {"constant 2024", "current"}
    share = df[(df["indicator"] == "milex_share_gdp") & (df["iso3"] == "GBR")].set_index("year")
    assert share.loc[2025, "value"] == pytest.approx(2.4)
