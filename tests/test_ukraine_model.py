"""The Ukraine model on a small table built here; every expectation worked out by hand below."""

from __future__ import annotations

import pytest

from dashboard import schema
from dashboard.model import Panel
from dashboard.model import ukraine as u

EDITION = "2026-08-04 R29"


def kiel(iso3: str, year: int, month: int | None, indicator: str, value: float) -> dict:
    unit = "items" if indicator.endswith("_count") else "EUR million"
    return {"source": "kiel", "edition": EDITION, "iso3": iso3, "country": iso3, "year": year, "month": month,
            "indicator": indicator, "value": value, "unit": unit, "price_base": "current", "estimate": False,
            "flags": "", "retrieved": "2026-11-30"}


def nato(iso3: str, year: int, indicator: str, value: float, unit: str) -> dict:
    return {"source": "nato", "edition": "2024-06", "iso3": iso3, "country": iso3, "year": year, "month": None,
            "indicator": indicator, "value": value, "unit": unit, "price_base": "current", "estimate": False,
            "flags": "", "retrieved": "2026-11-30"}


MIL = "ukraine_aid_military"
ROWS = [
    # military aid, EUR million: the United States, Germany, the EU institutions, Japan
    kiel("USA", 2024, 1, MIL, 2000.0), kiel("USA", 2024, 6, MIL, 1000.0), kiel("USA", 2025, 1, MIL, 500.0),
    kiel("DEU", 2024, 3, MIL, 300.0), kiel("DEU", 2025, 2, MIL, 700.0),
    kiel("EU_INST", 2025, 5, MIL, 100.0),
    kiel("JPN", 2024, 2, MIL, 50.0),
    # totals (military + other aid)
    kiel("USA", 2024, 1, "ukraine_aid_total", 2500.0), kiel("USA", 2024, 6, "ukraine_aid_total", 1000.0),
    kiel("USA", 2025, 1, "ukraine_aid_total", 500.0),
    kiel("DEU", 2024, 3, "ukraine_aid_total", 400.0), kiel("DEU", 2025, 2, "ukraine_aid_total", 700.0),
    kiel("EU_INST", 2025, 5, "ukraine_aid_total", 100.0),
    kiel("JPN", 2024, 2, "ukraine_aid_total", 50.0),
    # Kiel's 2021 GDP basis (annual row)
    kiel("DEU", 2021, None, "gdp_eur", 4_000_000.0),
    # all donors' military aid by sourcing
    kiel("UST_ALL", 2024, 1, "ukraine_aid_military_stockpile", 1500.0),
    kiel("UST_ALL", 2024, 3, "ukraine_aid_military_procurement", 1800.0),
    kiel("UST_ALL", 2025, 2, "ukraine_aid_military_purl", 400.0),
    # heavy weapons, cumulative to the release period (2025-05)
    kiel("DEU", 2025, 5, "ukraine_weapons_tanks_count", 18.0), kiel("DEU", 2025, 5, "ukraine_weapons_tanks_value", 180.0),
    # NATO: Germany's spending in EUR and US$ (the euro rate), its GDP in US$, for 2024
    nato("DEU", 2024, "milex_lcu", 90_000.0, "EUR million"), nato("DEU", 2024, "milex_usd", 100_000.0, "US$ million"),
    nato("DEU", 2024, "gdp_usd", 5_000_000.0, "US$ million"),
]


@pytest.fixture(scope="module")
def table():
    return schema.tidy(ROWS)


@pytest.fixture(scope="module")
def aid(table):
    return u.aid_data(table)


@pytest.fixture(scope="module")
def panel(table):
    return Panel(table)


EUROPE = frozenset({"DEU"})


def test_release_months_and_donors(aid):
    assert aid.edition == EDITION and aid.release == "Release 29" and aid.release_date == "2026-08-04"
    # aid flows from 2024-01 to 2025-05: 12 + 5 months
    assert aid.months[0] == (2024, 1) and aid.period == (2025, 5) and len(aid.months) == 17
    assert aid.donors == ("DEU", "EU_INST", "JPN", "USA")  # UST_ALL is not a donor
    assert aid.gdp2021 == {"DEU": 4_000_000.0}
    assert aid.weapons == {("DEU", "tanks"): (18.0, 180.0)}


def test_yearly_and_region_split(aid):
    # USA 2024: 2000 + 1000; 2025: 500. Europe 2025: Germany 700 + the EU institutions 100.
    assert u.yearly_sum(aid, "military", ["USA"]) == {2024: 3000.0, 2025: 500.0}
    split = u.region_split(aid, "military", EUROPE)
    assert split.periods == ("2024", "2025")
    assert split.values == {"United States": (3000.0, 500.0), "Europe": (300.0, 800.0), "Others": (50.0, 0.0)}
    assert split.share("United States", 0) == pytest.approx(3000 / 3350 * 100)   # 89.55 %
    assert split.share("United States", 1) == pytest.approx(500 / 1300 * 100)    # 38.46 %
    monthly = u.region_split(aid, "military", EUROPE, by="month")
    assert monthly.periods[0] == "2024-01" and len(monthly.periods) == 17
    assert monthly.values["United States"][0] == 2000.0 and monthly.values["Europe"][2] == 300.0


def test_cumulative_and_ranking(aid):
    assert u.donor_total(aid, "military", "DEU") == 1000.0
    assert u.donor_total(aid, "total", "USA", 2024) == 3500.0
    assert u.ranking(aid, "military", None) == [("USA", 3500.0), ("DEU", 1000.0), ("EU_INST", 100.0), ("JPN", 50.0)]
    assert u.ranking(aid, "military", 2025) == [("DEU", 700.0), ("USA", 500.0), ("EU_INST", 100.0)]


def test_shares_of_gdp(aid, panel):
    # Kiel's basis: all Germany's aid (400 + 700) ÷ its 2021 GDP 4,000,000 → 0.0275 %
    kiel_basis = u.share_of_gdp2021(aid, "DEU")
    assert kiel_basis.pct == pytest.approx(1100 / 4_000_000 * 100) and kiel_basis.year == 2021
    assert u.share_of_gdp2021(aid, "USA") is None  # no GDP row
    # the euro rate of 2024: 90,000 EUR ÷ 100,000 US$ → 0.9 EUR per US$; GDP 5,000,000 US$ → 4,500,000 EUR
    assert u.euro_per_usd(panel, 2024)[0] == pytest.approx(0.9)
    assert u.gdp_eur(panel, "DEU", 2024)[0] == pytest.approx(4_500_000.0)
    same_year = u.share_of_gdp(aid, panel, "DEU", 2024)
    assert same_year.pct == pytest.approx(400 / 4_500_000 * 100) and not same_year.stand_in
    # 2025: no GDP in the table, 2024's stands in and says so
    later = u.share_of_gdp(aid, panel, "DEU", 2025)
    assert later.pct == pytest.approx(700 / 4_500_000 * 100) and later.stand_in and later.year == 2024
    assert u.share_of_gdp(aid, panel, "JPN", 2024) is None  # no GDP anywhere


def test_military_aid_against_own_defence_spending(aid, panel):
    # 300 EUR million of military aid ÷ (100,000 US$ million × 0.9) = 0.333 %
    share = u.share_of_defence(aid, panel, "DEU", 2024)
    assert share.pct == pytest.approx(300 / 90_000 * 100) and share.denominator == pytest.approx(90_000)
    assert u.share_of_defence(aid, panel, "DEU", 2025) is None  # no 2025 spending (nor euro rate)


def test_sourcing_by_year(aid):
    kinds = u.sourcing(aid)
    assert kinds["stockpile"] == {2024: 1500.0, 2025: 0.0}
    assert kinds["procurement"] == {2024: 1800.0, 2025: 0.0}
    assert kinds["purl"] == {2024: 0.0, 2025: 400.0}


def test_monthly_rows_stay_out_of_annual_series(panel):
    """Kiel's monthly rows are not annual series: the panel has none of them."""
    assert panel.series("kiel", "USA", "ukraine_aid_military") is None
    assert panel.series("kiel", "DEU", "gdp_eur").at(2021) == 4_000_000.0


def test_no_kiel_rows_no_aid():
    assert u.aid_data(schema.tidy([r for r in ROWS if r["source"] != "kiel"])) is None
