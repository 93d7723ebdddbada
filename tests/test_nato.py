"""NATO loader: the published 2024 workbook (skipped without ../shared) and small
workbooks built here in the published layouts (always run)."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from dashboard import schema
from dashboard.errors import SourceError
from dashboard.provenance import RawFile
from dashboard.rawcache import RawCache
from dashboard.sources import nato
from tests.conftest import raw, shared_file

REAL_FILE = "nato/240617-def-exp-2024-TABLES-en.xlsx"
TOL = 0.005  # the publisher prints two decimals

ALL_INDICATORS = {
    "milex_lcu", "milex_usd", "milex_share_gdp", "milex_real_change", "gdp_usd",
    "gdp_per_capita_usd", "milex_per_capita_usd", "military_personnel",
    "equipment_share", "personnel_share", "infrastructure_share", "other_share",
}


def pick(df, iso3: str, indicator: str, year: int, price_base: str | None = None):
    """The single row for a key (price base optional when only one exists)."""
    sel = df[(df.iso3 == iso3) & (df.indicator == indicator) & (df.year == year)]
    if price_base is not None:
        sel = sel[sel.price_base == price_base]
    assert len(sel) == 1, sel
    return sel.iloc[0]


# --- the published file -------------------------------------------------------------------


@pytest.fixture(scope="module")
def real():
    path = shared_file(REAL_FILE)
    return nato.parse(raw("nato", path))


def test_real_uk_share_of_gdp(real):
    # Table 3, "Based on 2015 prices", block "Share of real GDP (%)", United Kingdom row
    for year, expected, estimate in ((2022, 2.2853, False), (2023, 2.3027, True), (2024, 2.3323, True)):
        row = pick(real, "GBR", "milex_share_gdp", year)
        assert row.value == pytest.approx(expected, abs=TOL)
        assert bool(row.estimate) is estimate
        assert row.price_base == "constant 2015"
        assert row.unit == "percent of GDP"


def test_real_uk_money(real):
    lcu = pick(real, "GBR", "milex_lcu", 2024, "current")  # Table 1, "(Pounds)"
    assert lcu.value == pytest.approx(64_583.84, abs=TOL)
    assert lcu.unit == "GBP million"
    assert lcu.country == "United Kingdom"
    usd = pick(real, "GBR", "milex_usd", 2024, "current")  # Table 2
    assert usd.value == pytest.approx(82_107.13, abs=TOL)
    assert usd.unit == "US$ million"
    gdp = pick(real, "GBR", "gdp_usd", 2024, "current")  # Table 5
    assert gdp.value == pytest.approx(3_520_496.15, abs=TOL)
    assert bool(gdp.estimate)


def test_real_tables_agree_with_each_other(real):
    """Identities that must hold between NATO's own tables (no published figure quoted)."""
    const = lambda y: pick(real, "GBR", "milex_usd", y, "constant 2015").value  # noqa: E731
    # Table 2: in the base year, constant and current US$ coincide
    assert const(2015) == pytest.approx(pick(real, "GBR", "milex_usd", 2015, "current").value, rel=1e-9)
    # Table 3 block 2: annual real change = change of Table 2's constant-price series
    assert pick(real, "GBR", "milex_real_change", 2024).value == pytest.approx(
        (const(2024) / const(2023) - 1) * 100, abs=0.01)
    # Table 3 block 1 = Table 2 / Table 5 (current US$): the share is spending over GDP
    assert pick(real, "GBR", "milex_share_gdp", 2024).value == pytest.approx(
        pick(real, "GBR", "milex_usd", 2024, "current").value
        / pick(real, "GBR", "gdp_usd", 2024, "current").value * 100, abs=0.005)
    # Tables 8a + 8b: the four categories add up to 100 % of defence expenditure
    parts = sum(pick(real, "GBR", f"{c}_share", 2024).value
                for c in ("equipment", "personnel", "infrastructure", "other"))
    assert parts == pytest.approx(100, abs=0.01)
    per_head = pick(real, "GBR", "milex_per_capita_usd", 2024)
    assert per_head.price_base == "constant 2015" and per_head.unit == "US$"
    troops = pick(real, "GBR", "military_personnel", 2024)  # Table 7 (shifted a column)
    assert troops.unit == "thousand" and 100 < troops.value < 200


def test_real_footnotes_aggregates_currencies(real):
    poland = real[real.iso3 == "POL"]
    assert poland.country.unique().tolist() == ["Poland"]
    assert "*" in set(poland["flags"])
    assert set(real[real.indicator == "milex_usd"].iso3) >= {"NATO", "NATO_EUR_CAN"}
    nato_total = pick(real, "NATO", "milex_usd", 2024, "current")
    allies = real[(real.indicator == "milex_usd") & (real.price_base == "current") & (real.year == 2024)
                  & ~real.iso3.isin(["NATO", "NATO_EUR_CAN"])]
    assert nato_total.value == pytest.approx(allies.value.sum(), rel=1e-6)  # the total is the sum of allies
    units = real[real.indicator == "milex_lcu"].groupby("iso3")["unit"].unique()
    assert units["DNK"].tolist() == ["DKK million"]
    assert units["NOR"].tolist() == ["NOK million"]
    assert units["HRV"].tolist() == ["EUR million"]  # labelled "Euros" for the whole row
    assert units["USA"].tolist() == ["USD million"]


def test_real_complete_and_keyed(real):
    assert set(real.indicator) == ALL_INDICATORS
    assert list(real.columns) == list(schema.COLUMNS)
    assert not real.duplicated(list(schema.KEY)).any()
    assert set(real.edition) == {"2024-06"}
    assert set(real.source) == {"nato"}
    assert set(real.year) == set(range(2014, 2025))
    assert set(real[real.estimate].year) == {2023, 2024}
    assert {"milex_lcu", "milex_share_gdp"}.isdisjoint(set(real[real.iso3 == "ISL"].indicator))


# --- small workbooks in the published layouts ---------------------------------------------

YEARS = ["2019", 2020, 2021, 2022, "2023e"]  # "2019" is text in the 2024 edition


def put_table(ws, title: str, unit: str, blocks: list[tuple[str | None, list[tuple]]],
              *, top: int = 4, left: int = 2, years: list | None = None) -> None:
    """Write one table like NATO's: title at (top, left), unit 2 rows below, years 4 rows
    below; a block heading per block; aggregates in column ``left``, Allies one column
    right, values from two columns right. Rows are (label, kind, values) with kind
    "ally", "agg" or "none" (no label)."""
    ws.cell(top, left, title)
    ws.cell(top + 2, left, unit)
    for j, year in enumerate(years or YEARS):
        ws.cell(top + 4, left + 2 + j, year)
    r = top + 6
    for heading, rows in blocks:
        if heading is not None:
            ws.cell(r, left, heading)
            r += 1
        for label, kind, values in rows:
            if kind != "none":
                ws.cell(r, left if kind == "agg" else left + 1, label)
            for j, v in enumerate(values):
                if v is not None:
                    ws.cell(r, left + 2 + j, v)
            r += 1
    ws.cell(r + 2, left + 1, "Notes: Figures for 2023 are estimates.")
    ws.cell(r + 3, left + 1, "*  These Allies have national laws which call for 2% of GDP.")
    ws.cell(r + 5, left, "-7-")


# Every number written below is invented (round, easy to check by hand): no figure of the
# published workbook is copied into the repository. Only the layout is NATO's.
REF_ROW = (None, "none", ["#REF!"] * 5)
AGGS = [("NATO Europe and Canada", "agg", [300, 320, 350, 360, 400]),
        ("NATO Total", "agg", [1000, 1090, 1180, 1190, 1290])]


def build_2024(path: Path, *, table1: list | None = None, table3_unit: str = "Based on 2015 prices",
               with_years: bool = True) -> Path:
    """A small workbook in the 2024 layout: sheets TABLE1…TABLE8b, titles in B4."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    t1 = table1 or [
        ("Current prices", [
            ("United Kingdom   (Pounds)", "ally", [1000.0, 1100.0, 1200.0, 1300.0, 1400.0]),
            ("Poland*   (Zlotys)", "ally", [500, 510, 520, 530, 540]),
            ("Croatia   (Euros)", "ally", [10, 11, 12, 13, 14]),
            ("Denmark   (Kroner)", "ally", [200, 210, 220, 230, 240]),
            ("Norway   (Kroner)", "ally", [400, 410, 420, 430, 440]),
            REF_ROW,
        ]),
        ("Constant 2015 prices ", [
            ("United Kingdom   (Pounds)", "ally", [900.0, None, 950.0, 1000.0, 1050.0]),
            REF_ROW,
        ]),
    ]
    ws = wb.create_sheet("TABLE1")
    put_table(ws, "Table 1 : Defence expenditure", "Million national currency units", t1,
              years=YEARS if with_years else ["", "", "", "", ""])
    put_table(wb.create_sheet("TABLE2"), "Table 2 : Defence expenditure", "Million US dollars", [
        ("Current prices and exchange rates", [
            ("United Kingdom", "ally", [2000.0, 2100.0, 2200.0, 2300.0, 2400.0]),
            ("Poland*", "ally", [100, 110, 120, 130, 140]), *AGGS]),
        ("Constant 2015 prices and exchange rates", [
            ("United Kingdom", "ally", [1800.0, 1850.0, 1900.0, 1950.0, 2000.0]), *AGGS]),
    ])
    put_table(wb.create_sheet("TABLE3"), "Table 3 : Defence expenditure as a share of GDP and annual real change",
              table3_unit, [
                  ("Share of real GDP (%)", [("United Kingdom", "ally", [2.0, 2.1, 2.2, 2.3, 2.4]), *AGGS]),
                  ("Annual real change (%)", [("United Kingdom", "ally", [0.5, 1.0, 1.5, 2.0, 2.5])]),
              ])
    ws4 = wb.create_sheet("TABLE4")  # summary table: two year cells only, skipped
    ws4.cell(16, 2, "Table 4 : Defence expenditure real change 2014-2023e")
    ws4.cell(20, 4, 2014)
    ws4.cell(20, 5, "2023e")
    ws4.cell(20, 6, "Real change 2014-2023e (%)")
    ws4.cell(23, 3, "United Kingdom")
    ws4.cell(23, 4, 2500.0)
    put_table(wb.create_sheet("TABLE5"), "Table 5 : GDP", "Million US dollars", [
        ("Current prices and exchange rates", [("United Kingdom", "ally", [100000.0, 101000.0, 102000.0, 103000.0, 104000.0])]),
        ("Constant 2015 prices and exchange rates", [("United Kingdom", "ally", [90000.0, 91000.0, 92000.0, 93000.0, 94000.0])]),
    ])
    put_table(wb.create_sheet("TABLE6"), "Table 6 : GDP per capita and defence expenditure per capita",
              "2015 prices and exchange rates", [
                  ("GDP per capita (thousand US dollars)", [("United Kingdom", "ally", [40.0, 40.5, 41.0, 41.5, 42.0])]),
                  ("Defence expenditure per capita (US dollars)", [("United Kingdom", "ally", [800.0, 810.0, 820.0, 830.0, 840.0])]),
              ])
    # Table 7: one column to the right, title lower down, single block without heading
    put_table(wb.create_sheet("TABLE7"), "Table 7 : Military personnel", "Thousands",
              [(None, [("United Kingdom", "ally", [150.0, 149.0, 148.0, 147.0, 146.0]),
                       ("NATO Total", "agg", [3000.0, 3010.0, 3020.0, 3030.0, 3040.0])])],
              top=16, left=3)
    # Tables 8a and 8b: the four shares of a year add up to 100 (20 + 40 + 5 + 35 in 2019).
    put_table(wb.create_sheet("TABLE8a"), "Table 8a : Distribution of defence expenditure by main category",
              "Percentage of total defence expenditure", [
                  ("Equipment (a)", [("United Kingdom", "ally", [20.0, 21.0, 22.0, 23.0, 24.0]), REF_ROW]),
                  ("Personnel (b)", [("United Kingdom", "ally", [40.0, 39.0, 38.0, 37.0, 36.0]), REF_ROW]),
              ])
    ws8a = wb["TABLE8a"]
    ws8a.cell(40, 3, "(a) An invented footnote below the table.")
    put_table(wb.create_sheet("TABLE8b"), "Table 8b : Distribution of defence expenditure by main category",
              "Percentage of total defence expenditure", [
                  ("Infrastructure (c)", [("United Kingdom", "ally", [5.0, 5.0, 5.0, 5.0, 5.0]),
                                         (None, "none", [0, 0, 0, 0, 0])]),
                  ("Other (d)", [("United Kingdom", "ally", [35.0, 35.0, 35.0, 35.0, 35.0])]),
              ])
    wb.save(path)
    return path


LATER_YEARS = [2021, 2022, 2023, "2024e", "2025e"]


def build_later(path: Path, *, drop: tuple[str, ...] = ()) -> Path:
    """A small workbook in the later layout: sheets "Table 1"…"Table 8b", titles in A1,
    2021 prices; the tables whose ids are in ``drop`` are left out."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    tables: dict[str, tuple[str, str, list]] = {
        "1": ("Table 1: Core defence expenditure", "Million national currency units", [
            ("Current prices", [("United Kingdom (Pounds)", "ally", [1000.0, 1100.0, 1200.0, 1300.0, 1400.0]),
                                ("Türkiye (Liras)", "ally", [10000, 20000, 30000, 40000, 50000])]),
            ("Constant 2021 prices", [("United Kingdom (Pounds)", "ally", [1000.0, 1050.0, 1100.0, 1150.0, 1200.0])]),
        ]),
        "2": ("Table 2: Defence expenditure", "Million US dollars", [
            ("Current prices and exchange rates", [("United Kingdom", "ally", [2000.0, 2100.0, 2200.0, 2300.0, 2400.0]), *AGGS]),
            ("Constant 2021 prices and exchange rates", [("United Kingdom", "ally", [2000.0, 2050.0, 2100.0, 2150.0, 2200.0])]),
        ]),
        "3": ("Table 3: Defence expenditure as a share of GDP and annual real change", "Based on 2021 prices", [
            ("Share of real GDP (%)", [("United Kingdom", "ally", [2.0, 2.1, 2.2, 2.3, 2.4])]),
            ("Annual real change (%)", [("United Kingdom", "ally", [1.0, 2.5, 2.4, 2.3, 2.2])]),
        ]),
        "4": ("Table 4: Defence expenditure real change 2021-2025e", "Based on 2021 prices", [
            ("Real change (%)", [("United Kingdom", "ally", [10.0, None, None, None, 20.0])]),
        ]),
        "5": ("Table 5: GDP", "Million US dollars", [
            ("Current prices and exchange rates", [("United Kingdom", "ally", [100000.0, 101000.0, 102000.0, 103000.0, 104000.0])]),
            ("Constant 2021 prices and exchange rates", [("United Kingdom", "ally", [100000.0, 100500.0, 101000.0, 101500.0, 102000.0])]),
        ]),
        "6": ("Table 6: GDP per capita and defence expenditure per capita", "2021 prices and exchange rates", [
            ("GDP per capita (thousand US dollars)", [("United Kingdom", "ally", [40.0, 40.5, 41.0, 41.5, 42.0])]),
            ("Defence expenditure per capita (US dollars)", [("United Kingdom", "ally", [800.0, 810.0, 820.0, 830.0, 840.0])]),
        ]),
        "7": ("Table 7: Military personnel", "Thousands", [
            (None, [("United Kingdom", "ally", [150.0, 149.0, 148.0, 147.0, 146.0])]),
        ]),
        "8a": ("Table 8a: Distribution of defence expenditure by main category",
               "Percentage of total defence expenditure", [
                   ("Equipment", [("United Kingdom", "ally", [20.0, 21.0, 22.0, 23.0, 24.0])]),
                   ("Personnel", [("United Kingdom", "ally", [40.0, 39.0, 38.0, 37.0, 36.0])]),
               ]),
        "8b": ("Table 8b: Distribution of defence expenditure by main category",
               "Percentage of total defence expenditure", [
                   ("Infrastructure", [("United Kingdom", "ally", [5.0, 5.0, 5.0, 5.0, 5.0])]),
                   ("Other", [("United Kingdom", "ally", [35.0, 35.0, 35.0, 35.0, 35.0])]),
               ]),
    }
    for tid, (title, unit, blocks) in tables.items():
        if tid not in drop:
            put_table(wb.create_sheet(f"Table {tid}"), title, unit, blocks, top=1, left=1, years=LATER_YEARS)
    wb.save(path)
    return path


@pytest.fixture
def mini(tmp_path):
    path = build_2024(tmp_path / "240617-def-exp-2024-TABLES-en.xlsx")
    return nato.parse(raw("nato", path, retrieved="2024-06-20"))


def test_mini_values_units_price_bases(mini):
    # Columns are 2019, 2020, 2021, 2022, 2023e: 2022 is the fourth value of each row.
    row = pick(mini, "GBR", "milex_lcu", 2022, "current")  # Table 1 current: [1000, 1100, 1200, 1300, 1400]
    assert row.value == pytest.approx(1300.0, abs=TOL)
    assert row.unit == "GBP million"
    # Table 1 constant: [900, None, 950, 1000, 1050]
    assert pick(mini, "GBR", "milex_lcu", 2022, "constant 2015").value == pytest.approx(1000.0, abs=TOL)
    assert pick(mini, "DNK", "milex_lcu", 2020, "current").unit == "DKK million"
    assert pick(mini, "NOR", "milex_lcu", 2020, "current").unit == "NOK million"
    assert pick(mini, "HRV", "milex_lcu", 2020, "current").unit == "EUR million"
    share = pick(mini, "GBR", "milex_share_gdp", 2021)  # Table 3: [2.0, 2.1, 2.2, 2.3, 2.4], third value
    assert share.value == pytest.approx(2.2, abs=TOL)
    assert share.price_base == "constant 2015"  # from the unit line "Based on 2015 prices"
    assert pick(mini, "GBR", "gdp_per_capita_usd", 2022).price_base == "constant 2015"
    assert pick(mini, "GBR", "milex_per_capita_usd", 2022).unit == "US$"
    assert pick(mini, "GBR", "other_share", 2022).price_base == "current"
    troops = pick(mini, "GBR", "military_personnel", 2023)  # Table 7: [150, 149, 148, 147, 146], last value
    assert troops.value == pytest.approx(146.0, abs=TOL)
    # NATO Total row of Table 7: [3000, 3010, 3020, 3030, 3040], last value
    assert pick(mini, "NATO", "military_personnel", 2023).value == pytest.approx(3040.0, abs=TOL)
    # Tables 8a + 8b in 2022: equipment 23 + personnel 37 + infrastructure 5 + other 35 = 100
    shares = mini[(mini.iso3 == "GBR") & (mini.year == 2022) & mini.indicator.str.endswith("_share")]
    assert shares.value.sum() == pytest.approx(100.0)
    assert set(mini.indicator) == ALL_INDICATORS


def test_mini_years_estimates_and_gaps(mini):
    assert set(mini.year) == {2019, 2020, 2021, 2022, 2023}  # "2019" was text
    uk = mini[(mini.iso3 == "GBR") & (mini.indicator == "milex_usd") & (mini.price_base == "current")]
    assert dict(zip(uk.year, uk.estimate)) == {2019: False, 2020: False, 2021: False, 2022: False, 2023: True}
    # empty cell: no row
    const = mini[(mini.iso3 == "GBR") & (mini.indicator == "milex_lcu") & (mini.price_base == "constant 2015")]
    assert 2020 not in set(const.year)
    # "#REF!" rows and the unlabelled row of zeros give nothing; Table 4 is skipped
    assert len(mini[(mini.iso3 == "GBR") & (mini.indicator == "infrastructure_share")]) == 5
    assert not mini.country.isin(["", "#REF!"]).any()
    assert not mini.duplicated(list(schema.KEY)).any()


def test_mini_footnotes_aggregates_provenance(mini):
    poland = mini[mini.iso3 == "POL"]
    assert set(poland.country) == {"Poland"}
    assert set(poland["flags"]) == {"*"}
    assert set(mini[mini.iso3 == "GBR"]["flags"]) == {""}
    aggs = mini[mini.indicator == "milex_usd"]
    assert {"NATO", "NATO_EUR_CAN"} <= set(aggs.iso3)
    assert set(mini[mini.iso3 == "NATO_EUR_CAN"].country) == {"NATO Europe and Canada"}
    assert set(mini.edition) == {"2024-06"}
    assert set(mini.retrieved) == {"2024-06-20"}
    assert list(mini.columns) == list(schema.COLUMNS)


def test_price_base_year_is_read_not_assumed(tmp_path):
    # Table 2 of this workbook is in 2015 prices; Table 3 claiming 2021 prices contradicts it
    path = build_2024(tmp_path / "def-exp-2023-en.xlsx", table3_unit="Based on 2021 prices")
    with pytest.raises(SourceError) as exc:
        nato.parse(raw("nato", path))
    message = assert_one_line_naming(exc, path)
    assert "constant 2021" in message and "constant 2015" in message and "Table 3" in message


def test_later_layout(tmp_path):
    df = nato.parse(raw("nato", build_later(tmp_path / "def-exp-2025-en.xlsx")))
    # Columns are 2021, 2022, 2023, 2024e, 2025e.
    # Table 1 current: [1000, 1100, 1200, 1300, 1400] → 2024 is the fourth value, 1300
    assert pick(df, "GBR", "milex_lcu", 2024, "current").value == pytest.approx(1300.0, abs=TOL)
    assert pick(df, "TUR", "milex_lcu", 2024, "current").unit == "TRY million"
    # Table 2 constant: [2000, 2050, 2100, 2150, 2200] → 2023 is the third value, 2100
    assert pick(df, "GBR", "milex_usd", 2023, "constant 2021").value == pytest.approx(2100.0, abs=TOL)
    # Table 5 constant: [100000, 100500, 101000, 101500, 102000] → 2025 is the last value
    assert pick(df, "GBR", "gdp_usd", 2025, "constant 2021").value == pytest.approx(102000.0, abs=TOL)
    assert pick(df, "GBR", "milex_per_capita_usd", 2022).price_base == "constant 2021"
    assert set(df.indicator) == ALL_INDICATORS  # every table but the skipped Table 4
    share = pick(df, "GBR", "milex_share_gdp", 2025)
    assert share.price_base == "constant 2021"
    assert bool(share.estimate)
    # no dated name, no sidecar: the year in the name and NATO's release month (28 August 2025)
    assert set(df.edition) == {"2025-08"}
    assert {"NATO", "NATO_EUR_CAN"} <= set(df.iso3)


def test_edition_from_sidecar(tmp_path):
    path = build_later(tmp_path / "def-exp-2025-en.xlsx")
    base = raw("nato", path)
    with_meta = RawFile(base.source, base.path, base.retrieved, base.sha256, meta={"edition": "2025-06-05"})
    assert set(nato.parse(with_meta).edition) == {"2025-06-05"}


# --- the 2026 layout: every block under its own copy of the year header -------------------

YEARS_2026 = [2022, 2023, 2024, "2025e", "2026e"]


def put_table_2026(ws, title: str, unit: str, blocks: list[tuple[str, list[tuple]]], *,
                   heading_on_header: bool = False) -> None:
    """One table as the 2025/2026 editions print it: title in A1, unit line in A2, then per
    block a heading row and a year header (or the heading written in the header row's
    label column), then rows labelled in column A."""
    ws.cell(1, 1, title)
    ws.cell(2, 1, unit)
    r = 4
    for heading, rows in blocks:
        if not heading_on_header:
            ws.cell(r, 1, heading)
            r += 1
        elif heading:
            ws.cell(r, 1, heading)
        for j, year in enumerate(YEARS_2026):
            ws.cell(r, 2 + j, year)
        r += 1
        for label, values in rows:
            ws.cell(r, 1, label)
            for j, v in enumerate(values):
                if v is not None:
                    ws.cell(r, 2 + j, v)
            r += 1
        r += 1
    ws.cell(r + 1, 1, "Notes: Figures for 2025 and 2026 are estimates.")
    ws.cell(r + 2, 1, "* Slovenia: figures include pensions paid to retired military personnel.")


def build_2026(path: Path, *, table2_constant: str = "Constant 2021 prices and exchange rates") -> Path:
    """A small workbook in the 2026 layout. Sweden's 2024 (Table 1), 2026e US$ and share,
    and the United States' 2026e US$ are the spot figures SOURCES.md gives for the published
    2026 edition; every other number is invented and round."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    tables = {
        "1": ("Table 1: Core defence expenditure", "Million national currency units", [
            ("Current prices", [("Sweden (Kronor)", [90000, 110000, 140549, 170000, 230000]),
                                ("Slovenia* (Euros)", [600, 700, 800, 900, 1000]),
                                ("United States (US dollars)", [800000, 850000, 900000, 950000, 1032849])]),
            ("Constant 2021 prices", [("Sweden (Kronor)", [80000, 95000, 120000, 140000, 180000])]),
        ], False),
        "2": ("Table 2: Defence expenditure", "Million US dollars", [
            ("Current prices and exchange rates", [("Sweden", [9000, 10000, 13000, 17000, 24186]),
                                                   ("United States", [800000, 850000, 900000, 950000, 1032849]),
                                                   ("NATO Total", [1200000, 1300000, 1400000, 1500000, 1600000])]),
            (table2_constant, [("Sweden", [8000, 9000, 11000, 14000, 19000])]),
        ], True),
        "3": ("Table 3: Defence expenditure as a share of GDP and annual real change", "", [
            ("Share of real GDP (%)", [("Sweden", [1.5, 1.7, 2.2, 2.8, 3.22])]),
            ("Annual real change (%)", [("Sweden", [10.0, 12.0, 20.0, 25.0, 30.0])]),
        ], False),
        "5": ("Table 5: Gross domestic product", "Million US dollars", [
            ("Current prices and exchange rates", [("Sweden", [600000, 610000, 620000, 650000, 750000])]),
            ("Constant 2021 prices and exchange rates", [("Sweden", [630000, 630000, 640000, 650000, 660000])]),
        ], False),
        "6": ("Table 6: GDP per capita and defence expenditure per capita", "", [
            ("GDP per capita (thousand US dollars)", [("Sweden", [60.0, 60.0, 61.0, 62.0, 63.0])]),
            ("Defence expenditure per capita (US dollars)", [("Sweden", [800.0, 900.0, 1100.0, 1300.0, 1800.0])]),
        ], False),
        "7": ("Table 7: Military personnel", "Thousands", [
            ("", [("Sweden", [15.0, 15.0, 16.0, 17.0, 18.0])]),
        ], True),
        "8a": ("Table 8a: Distribution of defence expenditure by main category",
               "Percentage of total defence expenditure", [
                   ("Equipment", [("Sweden", [25.0, 26.0, 27.0, 28.0, 29.0])]),
                   ("Personnel", [("Sweden", [40.0, 39.0, 38.0, 37.0, 36.0])]),
               ], False),
        "8b": ("Table 8b: Distribution of defence expenditure by main category",
               "Percentage of total defence expenditure", [
                   ("Infrastructure", [("Sweden", [5.0, 5.0, 5.0, 5.0, 5.0])]),
                   ("Other", [("Sweden", [30.0, 30.0, 30.0, 30.0, 30.0])]),
               ], False),
    }
    for tid, (title, unit, blocks, on_header) in tables.items():
        put_table_2026(wb.create_sheet(f"Table {tid}"), title, unit, blocks, heading_on_header=on_header)
    wb.save(path)
    return path


def test_2026_layout_spot_figures(tmp_path):
    df = nato.parse(raw("nato", build_2026(tmp_path / "def-exp-2026-en.xlsx")))
    # SOURCES.md: Sweden 2024 = 140,549 SEK million (Table 1, current prices)
    sek = pick(df, "SWE", "milex_lcu", 2024, "current")
    assert sek.value == pytest.approx(140549, abs=TOL) and sek.unit == "SEK million" and not bool(sek.estimate)
    # Sweden 2026e = 24,186 US$ million and 3.22 % of GDP; the United States 2026e = 1,032,849
    usd = pick(df, "SWE", "milex_usd", 2026, "current")
    assert usd.value == pytest.approx(24186, abs=TOL) and bool(usd.estimate)
    assert pick(df, "SWE", "milex_share_gdp", 2026).value == pytest.approx(3.22, abs=TOL)
    assert pick(df, "USA", "milex_usd", 2026, "current").value == pytest.approx(1032849, abs=TOL)
    assert pick(df, "USA", "milex_lcu", 2026, "current").unit == "USD million"
    # the base year comes from Table 2's constant heading; Table 3 and 6 state none
    assert pick(df, "SWE", "milex_share_gdp", 2024).price_base == "constant 2021"
    assert pick(df, "SWE", "gdp_per_capita_usd", 2024).price_base == "constant 2021"
    assert pick(df, "SWE", "milex_usd", 2024, "constant 2021").value == pytest.approx(11000, abs=TOL)
    # a footnote mark after the name stays a flag; Table 7's single block reads without a heading
    assert set(df[df.iso3 == "SVN"]["flags"]) == {"*"}
    assert pick(df, "SWE", "military_personnel", 2026).value == pytest.approx(18.0, abs=TOL)
    assert "ISL" not in set(df.iso3)
    assert set(df.year) == {2022, 2023, 2024, 2025, 2026}
    assert dict(zip(*np_unique_estimates(df))) == {2022: False, 2023: False, 2024: False, 2025: True, 2026: True}
    assert set(df.edition) == {"2026-07"}  # name year 2026 → NATO's July 2026 release
    assert set(df.indicator) == ALL_INDICATORS
    assert not df.duplicated(list(schema.KEY)).any()


def np_unique_estimates(df) -> tuple[list[int], list[bool]]:
    """Each year once, with whether its figures are estimates (all rows of a year agree)."""
    by_year = df.groupby("year")["estimate"].agg(lambda s: set(s.astype(bool)))
    assert all(len(v) == 1 for v in by_year)
    return list(by_year.index), [next(iter(v)) for v in by_year]


def test_2026_layout_base_year_follows_table_2(tmp_path):
    path = build_2026(tmp_path / "def-exp-2026-en.xlsx",
                      table2_constant="Constant 2024 prices and exchange rates")
    with pytest.raises(SourceError) as exc:
        nato.parse(raw("nato", path))
    # Table 1 says 2021 prices while Table 2 (the edition's base year) says 2024
    message = assert_one_line_naming(exc, path)
    assert "constant 2021" in message and "2024" in message


def test_2026_layout_constant_heading_without_year_fails(tmp_path):
    path = build_2026(tmp_path / "def-exp-2026-en.xlsx", table2_constant="Constant prices and exchange rates")
    with pytest.raises(SourceError) as exc:
        nato.parse(raw("nato", path))
    assert "Table 2" in assert_one_line_naming(exc, path)


@pytest.mark.parametrize("name,problem", [
    ("def-exp-2027-en.xlsx", "release month is not known"),
    ("def-exp-2025-en.xlsx", "tables end in 2026"),
    ("defence-tables.xlsx", "edition unknown"),
], ids=["unlisted-year", "renamed", "no-year"])
def test_2026_layout_edition_is_never_guessed(tmp_path, name, problem):
    path = build_2026(tmp_path / name)
    with pytest.raises(SourceError) as exc:
        nato.parse(raw("nato", path))
    assert problem in assert_one_line_naming(exc, path)


# --- bad input ----------------------------------------------------------------------------


def assert_one_line_naming(exc: pytest.ExceptionInfo, path: Path) -> str:
    message = str(exc.value)
    assert "\n" not in message
    assert path.name in message
    assert message.startswith("nato: ")
    return message


@pytest.mark.parametrize("content,problem", [
    (b"<!DOCTYPE html><html><body>Page not found</body></html>", "an HTML page"),
    (b"", "file is empty"),
    (b"Year,Value\n2024,1\n", "not an xlsx file"),
], ids=["html", "empty", "csv"])
def test_not_a_workbook(tmp_path, content, problem):
    path = tmp_path / "def-exp-2025-en.xlsx"
    path.write_bytes(content)
    with pytest.raises(SourceError) as exc:
        nato.parse(raw("nato", path))
    assert problem in assert_one_line_naming(exc, path)


def test_truncated_workbook(tmp_path):
    good = build_2024(tmp_path / "good.xlsx").read_bytes()
    path = tmp_path / "def-exp-2025-en.xlsx"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(SourceError) as exc:
        nato.parse(raw("nato", path))
    assert_one_line_naming(exc, path)


def test_no_year_header(tmp_path):
    path = build_2024(tmp_path / "def-exp-2023-en.xlsx", with_years=False)
    with pytest.raises(SourceError) as exc:
        nato.parse(raw("nato", path))
    message = assert_one_line_naming(exc, path)
    assert "no year header" in message and "TABLE1" in message


def test_no_table_1(tmp_path):
    path = tmp_path / "def-exp-2025-en.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Defence expenditure of NATO countries"
    wb.save(path)
    with pytest.raises(SourceError) as exc:
        nato.parse(raw("nato", path))
    assert "Table 1" in assert_one_line_naming(exc, path)


@pytest.mark.parametrize("drop", [("8b",), ("5", "7")], ids=["8b", "5-and-7"])
def test_missing_tables_are_named(tmp_path, drop):
    path = build_later(tmp_path / "def-exp-2025-en.xlsx", drop=drop)
    with pytest.raises(SourceError) as exc:
        nato.parse(raw("nato", path))
    message = assert_one_line_naming(exc, path)
    assert "missing " + ", ".join(f"Table {t}" for t in drop) + " " in message


def test_skipped_table_4_is_not_required(tmp_path):
    df = nato.parse(raw("nato", build_later(tmp_path / "def-exp-2025-en.xlsx", drop=("4",))))
    assert set(df.indicator) == ALL_INDICATORS
    assert "4" not in nato.REQUIRED_TABLES and set(nato.REQUIRED_TABLES) == set(nato.TABLES)


def test_text_in_value_cell(tmp_path):
    table1 = [("Current prices", [("United Kingdom   (Pounds)", "ally", [1.0, "n/q", 3.0, 4.0, 5.0])]),
              ("Constant 2015 prices", [("United Kingdom   (Pounds)", "ally", [1.0, 2.0, 3.0, 4.0, 5.0])])]
    path = build_2024(tmp_path / "def-exp-2023-en.xlsx", table1=table1)
    with pytest.raises(SourceError) as exc:
        nato.parse(raw("nato", path))
    message = assert_one_line_naming(exc, path)
    assert "'n/q'" in message and "row 11" in message


def test_junk_markers_give_no_row(tmp_path):
    table1 = [("Current prices", [("United Kingdom   (Pounds)", "ally", [1.0, "..", "-", "#REF!", 5.0])]),
              ("Constant 2015 prices", [("United Kingdom   (Pounds)", "ally", [1.0, 2.0, 3.0, 4.0, 5.0])])]
    df = nato.parse(raw("nato", build_2024(tmp_path / "def-exp-2023-en.xlsx", table1=table1)))
    lcu = df[(df.indicator == "milex_lcu") & (df.price_base == "current")]
    assert sorted(lcu.year) == [2019, 2023]


def test_unknown_currency(tmp_path):
    table1 = [("Current prices", [("United Kingdom   (Guineas)", "ally", [1.0, 2.0, 3.0, 4.0, 5.0])]),
              ("Constant 2015 prices", [("United Kingdom   (Guineas)", "ally", [1.0, 2.0, 3.0, 4.0, 5.0])])]
    path = build_2024(tmp_path / "def-exp-2023-en.xlsx", table1=table1)
    with pytest.raises(SourceError) as exc:
        nato.parse(raw("nato", path))
    assert "'Guineas'" in assert_one_line_naming(exc, path)


def test_unrecognised_block_heading(tmp_path):
    table1 = [("Current prices", [("United Kingdom   (Pounds)", "ally", [1.0, 2.0, 3.0, 4.0, 5.0])]),
              ("Something new", [("United Kingdom   (Pounds)", "ally", [1.0, 2.0, 3.0, 4.0, 5.0])])]
    path = build_2024(tmp_path / "def-exp-2023-en.xlsx", table1=table1)
    with pytest.raises(SourceError) as exc:
        nato.parse(raw("nato", path))
    assert "'Something new'" in assert_one_line_naming(exc, path)


# --- discover and fetch -------------------------------------------------------------------


def test_discover(tmp_path):
    wanted = [tmp_path / "a" / "240617-def-exp-2024-TABLES-en.xlsx", tmp_path / "b" / "def-exp-2025-en.xlsx"]
    others = [tmp_path / "b" / "def-exp-2025-en.xlsx.meta.json", tmp_path / "b" / "~$def-exp-2025-en.xlsx",
              tmp_path / "c" / "SIPRI-Milex-data.xlsx"]
    for path in wanted + others:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    assert nato.discover(tmp_path) == sorted(wanted)


class FakeResponse:
    def __init__(self, status: int, content: bytes, content_type: str) -> None:
        self.status_code = status
        self.content = content
        self.headers = {"Content-Type": content_type}


class FakeSession:
    """Answers by URL; records what was asked."""

    def __init__(self, answers: dict[str, FakeResponse]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    def get(self, url, params=None, timeout=None, stream=False):
        self.asked.append(url)
        return self.answers.get(url, FakeResponse(404, b"not found", "text/html"))


def xlsx_bytes() -> bytes:
    buf = io.BytesIO()
    openpyxl.Workbook().save(buf)
    return buf.getvalue()


def test_fetch_stores_the_xlsx_it_gets(tmp_path):
    import datetime as dt

    url_2025 = nato.URL_PATTERN.format(year=2025)
    sess = FakeSession({url_2025: FakeResponse(200, xlsx_bytes(), "application/vnd.openxmlformats")})
    stored = nato.fetch(sess, RawCache(tmp_path), today=dt.date(2026, 3, 1))
    assert sess.asked == [nato.URL_PATTERN.format(year=2026), url_2025]
    assert len(stored) == 1 and stored[0].name == "def-exp-2025-en.xlsx"
    assert stored[0].read_bytes().startswith(b"PK\x03\x04")
    assert (stored[0].parent / "def-exp-2025-en.xlsx.meta.json").is_file()


def test_fetch_refuses_html_and_raises(tmp_path):
    import datetime as dt

    html = FakeResponse(200, b"<html>Sorry</html>", "text/html")
    sess = FakeSession({nato.URL_PATTERN.format(year=y): html for y in (2025, 2026)})
    with pytest.raises(SourceError) as exc:
        nato.fetch(sess, RawCache(tmp_path), today=dt.date(2026, 3, 1))
    assert "\n" not in str(exc.value) and "not an xlsx" in str(exc.value)
    assert not any(p.suffix == ".xlsx" for p in tmp_path.rglob("*"))


def test_refreshed_build_keeps_earlier_editions_and_latest_is_the_newest(tmp_path):
    """A connected user's refresh adds the 2026 workbook beside the 2025 one: the build keeps
    both editions and every reader takes the newest where it has the series, with no code
    change; an Ally only in the older edition keeps its older figures."""
    from dashboard.model.panel import Panel
    from dashboard.snapshot import build, io

    folder = tmp_path / "sources" / "nato"
    folder.mkdir(parents=True)
    build_later(folder / "def-exp-2025-en.xlsx")
    build_2026(folder / "def-exp-2026-en.xlsx")
    build.build(tmp_path / "sources", tmp_path / "snap", only=("nato",))
    panel = Panel(io.load(tmp_path / "snap"))
    assert panel.editions["nato"] == ["2025-08", "2026-07"]
    sweden = panel.series("nato", "SWE", "milex_share_gdp")
    assert sweden is not None and sweden.edition == "2026-07" and sweden.at(2026) == pytest.approx(3.22)
    uk = panel.series("nato", "GBR", "milex_share_gdp")  # only the 2025 workbook has the UK
    assert uk is not None and uk.edition == "2025-08" and uk.at(2025) == pytest.approx(2.4)
