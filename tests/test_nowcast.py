"""Nowcasts and their backtest, with every expectation worked out by hand below."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import schema
from dashboard.model import Panel
from dashboard.model import nowcast as nc


def row(source: str, iso3: str, year: int, indicator: str, value: float, price_base: str = "current",
        edition: str | None = None, estimate: bool = False) -> dict:
    unit = {"milex_share_gdp": "percent of GDP"}.get(indicator, "EUR million")
    return {"source": source, "edition": edition or {"nato": "2024-06", "eurostat": "2026-04-27"}[source],
            "iso3": iso3, "country": iso3, "year": year, "indicator": indicator, "value": value, "unit": unit,
            "price_base": price_base, "estimate": estimate, "flags": "", "retrieved": "2026-11-30"}


# ---- Germany 2025 from the published values (NATO June 2024 tables, Eurostat April 2026) ----------

NATO_DEU = {  # year: (spending, EUR million current, Table 1; share of real GDP %, Table 3)
    2019: (46935.812153299994, 1.3486151369638852), 2020: (51391.5012886725, 1.5129752098547076),
    2021: (52431.4475, 1.4530777348798067), 2022: (58266.2466, 1.5055177433607732),
    2023: (67621.0728, 1.6403680556852693), 2024: (90585.8471, 2.118977088667619),
}
EUROSTAT_DEU = {2021: 41927.0, 2022: 46070.0, 2023: 52690.0, 2024: 58583.0, 2025: 68824.0}  # TE, MIO_NAC


def germany() -> Panel:
    rows = []
    for year, (spend, share) in NATO_DEU.items():
        rows.append(row("nato", "DEU", year, "milex_lcu", spend, estimate=year >= 2023))
        rows.append(row("nato", "DEU", year, "milex_share_gdp", share, "constant 2015", estimate=year >= 2023))
    rows += [row("eurostat", "DEU", y, "milex_lcu", v) for y, v in EUROSTAT_DEU.items()]
    return Panel(schema.tidy(rows))


def test_germany_2025_by_hand():
    # NATO-implied GDP = spending ÷ share: 2019 3,480,266 and 2024 4,274,980 (EUR million)
    gdp_2019 = 46935.812153299994 / 1.3486151369638852 * 100
    gdp_2024 = 90585.8471 / 2.118977088667619 * 100
    growth = (gdp_2024 / gdp_2019) ** (1 / 5) - 1        # trailing five-year growth: 4.19 % a year
    expected = 2.118977088667619 * (68824.0 / 58583.0) / (1 + growth)   # 2.1190 × 1.1748 ÷ 1.0419 = 2.389
    panel = germany()
    [cast] = nc.nowcasts(panel)
    assert cast.iso3 == "DEU" and cast.year == 2025
    assert cast.value == pytest.approx(expected, rel=1e-12) and round(cast.value, 3) == 2.389
    assert cast.spending_growth == pytest.approx(68824 / 58583 - 1)          # +17.5 %
    assert cast.inputs == (("nato", "2024-06", 2024), ("eurostat", "2026-04-27", 2024),
                           ("eurostat", "2026-04-27", 2025))
    assert cast.base_estimate and cast.edition == "2024-06 + eurostat 2026-04-27"
    assert cast.low <= cast.value <= cast.high


def test_backtest_of_germany_alone_by_hand():
    # 2022: NATO 2021 × Eurostat growth 2021→22 ÷ GDP growth as known in 2021 (trailing 2019→2021)
    g21 = ((52431.4475 / 1.4530777348798067) / (46935.812153299994 / 1.3486151369638852)) ** (1 / 2) - 1
    pred_2022 = 1.4530777348798067 * (46070.0 / 41927.0) / (1 + g21)
    test = nc.backtest(germany())
    first = test.points[0]
    assert (first.year, first.actual, first.carry) == (2022, 1.5055177433607732, 1.4530777348798067)
    assert first.method == pytest.approx(pred_2022, rel=1e-12)
    assert first.trend == pytest.approx(1.4530777348798067 + (1.4530777348798067 - 1.5129752098547076))
    assert [p.year for p in test.points] == [2022, 2023, 2024]


# ---- the interval and the "beats carry-forward" rule on a two-country table -------------------

def two_countries() -> Panel:
    """DEU: NATO's share and Eurostat's spending both grow 10 % a year (GDP flat): the method is exact.
    FRA: NATO's share stays at 2 % while Eurostat's spending grows 10 %, 10 %, 0 %: carry-forward is exact."""
    rows = []
    for i, year in enumerate(range(2018, 2025)):
        rows.append(row("nato", "DEU", year, "milex_lcu", 100 * 1.1 ** i))
        rows.append(row("nato", "DEU", year, "milex_share_gdp", 1.0 * 1.1 ** i, "constant 2015"))
        rows.append(row("nato", "FRA", year, "milex_lcu", 100.0))
        rows.append(row("nato", "FRA", year, "milex_share_gdp", 2.0, "constant 2015"))
    deu = {2021: 100.0, 2022: 110.0, 2023: 121.0, 2024: 133.1, 2025: 146.41}
    fra = {2021: 100.0, 2022: 110.0, 2023: 121.0, 2024: 121.0, 2025: 121.0}
    rows += [row("eurostat", "DEU", y, "milex_lcu", v) for y, v in deu.items()]
    rows += [row("eurostat", "FRA", y, "milex_lcu", v) for y, v in fra.items()]
    return Panel(schema.tidy(rows))


def test_interval_and_beats_carry_forward():
    panel = two_countries()
    test = nc.backtest(panel)
    deu, fra = test.by_country["DEU"], test.by_country["FRA"]
    # DEU: predictions exact; carry-forward misses by 1.1^3−1.1^4 … (0.1331, 0.14641, 0.161051 → mean 0.1469)
    assert deu.mae_method == pytest.approx(0.0, abs=1e-12)
    assert deu.mae_carry == pytest.approx((0.1331 + 0.14641 + 0.161051) / 3)
    assert deu.beats_carry
    # FRA: predictions 2.2, 2.2, 2.0 for an actual 2.0 each year: MAE 0.1333; carry-forward exact
    assert fra.mae_method == pytest.approx(0.4 / 3) and fra.mae_carry == 0.0 and not fra.beats_carry
    # DEU's interval comes from FRA's relative errors (0.1, 0.1, 0): the 90 % quantile (nearest rank) is 0.1
    assert test.half_width["DEU"] == pytest.approx(0.1)
    # FRA's comes from DEU's (all 0): FRA's actual values lie inside only when its error is 0 (2024)
    assert test.half_width["FRA"] == pytest.approx(0.0, abs=1e-12) and fra.coverage == pytest.approx(1 / 3)
    casts = {c.iso3: c for c in nc.nowcasts(panel, test)}
    # DEU 2025: 1.1^6 × 1.1 ÷ (1 + 0) = 1.9487; interval ±10 %
    assert casts["DEU"].value == pytest.approx(1.1 ** 7)
    assert (casts["DEU"].low, casts["DEU"].high) == pytest.approx((1.1 ** 7 * 0.9, 1.1 ** 7 * 1.1))
    assert casts["DEU"].beats_carry and not casts["FRA"].beats_carry
    assert casts["FRA"].value == pytest.approx(2.0)   # Eurostat flat in 2025, GDP flat: the level carried


def test_no_backtest_no_interval_no_nowcast():
    """Without a year both sources cover there is no error to state: no nowcast rather than one without
    an interval."""
    rows = [row("nato", "POL", y, "milex_share_gdp", 4.0, "constant 2015") for y in (2023, 2024)]
    rows += [row("nato", "POL", y, "milex_lcu", 4000.0) for y in (2023, 2024)]
    rows += [row("eurostat", "POL", 2024, "milex_lcu", 100.0), row("eurostat", "POL", 2025, "milex_lcu", 120.0)]
    assert nc.nowcasts(Panel(schema.tidy(rows))) == []


def test_missing_outturn_is_named():
    rows = [row("nato", "ESP", y, "milex_share_gdp", 1.3, "constant 2015") for y in (2023, 2024)]
    rows += [row("eurostat", "ESP", 2024, "milex_lcu", 14233.0)]
    panel = Panel(schema.tidy(rows))
    assert nc.nowcasts(panel) == [] and nc.missing(panel, 2025) == ["ESP"]


# ---- properties ---------------------------------------------------------------------------------

def flat_gdp_panel(base: float, growth: float) -> Panel:
    """NATO share ``base`` in 2019–2024 with GDP flat; Eurostat spending 100 in 2023 and 2024 (a backtest year
    to take the interval from), 100 × (1 + growth) in 2025."""
    rows = []
    for year in range(2019, 2025):
        rows.append(row("nato", "POL", year, "milex_lcu", base * 1000))
        rows.append(row("nato", "POL", year, "milex_share_gdp", base, "constant 2015"))
    rows += [row("eurostat", "POL", 2023, "milex_lcu", 100.0), row("eurostat", "POL", 2024, "milex_lcu", 100.0),
             row("eurostat", "POL", 2025, "milex_lcu", 100 * (1 + growth))]
    return Panel(schema.tidy(rows))


@settings(max_examples=40, deadline=None)
@given(base=st.floats(0.5, 6.0, allow_nan=False))
def test_no_change_carries_the_level(base):
    [cast] = nc.nowcasts(flat_gdp_panel(base, 0.0))
    assert cast.value == pytest.approx(base) and math.isclose(cast.gdp_growth, 0.0, abs_tol=1e-12)


@settings(max_examples=40, deadline=None)
@given(base=st.floats(0.5, 6.0, allow_nan=False), growth=st.floats(0.01, 0.5, allow_nan=False))
def test_doubling_spending_growth_raises_the_nowcast(base, growth):
    [once] = nc.nowcasts(flat_gdp_panel(base, growth))
    [twice] = nc.nowcasts(flat_gdp_panel(base, 2 * growth))
    assert twice.value > once.value > base
