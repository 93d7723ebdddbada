"""The pledge model on small hand-made tables: every expectation worked out in the comments."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import schema
from dashboard.model import (
    Assumptions,
    Group,
    Panel,
    aggregate,
    all_progress,
    burden_sharing,
    linear_path,
    progress,
    recomputed_shares,
    reconcile,
    revisions,
    scenario,
    scenario_totals,
)
from dashboard.model.registry import Citation, Pledge

CITE = Citation("Publisher", "Title", "https://example.org/a", dt.date(2025, 1, 1))


def row(iso3, year, indicator, value, source="nato", edition="2024-06", unit=None,
        price_base=None, estimate=False, flags="", country=None):
    units = {"milex_share_gdp": "percent of GDP", "milex_usd": "US$ million", "gdp_usd": "US$ million",
             "milex_lcu": "GBP million", "equipment_share": "percent of defence expenditure"}
    base = price_base or ("constant 2015" if indicator == "milex_share_gdp" and source == "nato" else "current")
    return dict(source=source, edition=edition, iso3=iso3, country=country or iso3, year=year,
                indicator=indicator, value=float(value), unit=unit or units[indicator],
                price_base=base, estimate=estimate, flags=flags, retrieved="2026-11-25")


def uk_rows(shares=(2.0, 2.1, 2.2), edition="2024-06"):
    """UK: share 2022–24 = 2.0, 2.1, 2.2 % (2024 an estimate); spending 40,000 / 44,100 / 48,400 £m.

    Implied GDP = spending / share: 2022 2,000,000; 2023 2,100,000; 2024 2,200,000 £m.
    US$ spending 2024 = 60,500 m, so 0.8 £ per US$. Constant-2015 spending 2022 = 40,000,
    2024 = 44,000: deflator 1.0 → 1.1.
    """
    years = (2022, 2023, 2024)
    spend = (40_000.0, 44_100.0, 48_400.0)
    rows = []
    for year, share, lcu in zip(years, shares, spend):
        est = year == 2024
        rows.append(row("GBR", year, "milex_share_gdp", share, estimate=est, edition=edition))
        rows.append(row("GBR", year, "milex_lcu", lcu, estimate=est, edition=edition))
    rows.append(row("GBR", 2022, "milex_lcu", 40_000, price_base="constant 2015", edition=edition))
    rows.append(row("GBR", 2024, "milex_lcu", 44_000, price_base="constant 2015", edition=edition, estimate=True))
    rows.append(row("GBR", 2024, "milex_usd", 60_500, estimate=True, edition=edition))
    rows.append(row("DEU", 2024, "milex_lcu", 90_000, unit="EUR million"))
    rows.append(row("DEU", 2024, "milex_usd", 100_000))  # 0.9 EUR per US$
    return rows


def pledge(target=2.5, year=2027, kind="share_gdp", actor="GBR", by="fiscal_year", **kw) -> Pledge:
    return Pledge(id=kw.pop("id", "p"), actor=actor, title="t", kind=kind, target=target, target_year=year,
                  by=by, announced=kw.pop("announced", dt.date(2025, 2, 25)), basis="nato", scope="core",
                  commitment="commitment", source=CITE, **kw)


@pytest.fixture
def panel() -> Panel:
    return Panel(schema.tidy(uk_rows()))


def test_uk_pledge_by_hand(panel):
    r = progress(panel, pledge(), "GBR")
    assert (r.latest_year, r.latest_share_pct, r.latest_is_estimate) == (2024, 2.2, True)
    assert (r.latest_source, r.latest_edition) == ("nato", "2024-06")
    assert (r.latest_actual_year, r.latest_actual_share_pct) == (2023, 2.1)
    assert r.gap_pp == pytest.approx(0.3)                         # 2.5 − 2.2
    assert r.required_annual_increase_pp == pytest.approx(0.1)    # 0.3 over 2024→2027
    assert r.latest_annual_increase_pp == pytest.approx(0.1)      # 2.2 − 2.1
    assert r.status == "on_track"                                 # 0.1 ≥ 0.1
    assert [y for y, _ in r.required_path] == [2024, 2025, 2026, 2027]
    assert [v for _, v in r.required_path] == pytest.approx([2.2, 2.3, 2.4, 2.5])
    assert r.year_reached == 2027                                  # 2024 + ceil(0.3 / 0.1)
    # GDP grows (2.2/2.0)^(1/2) − 1 = 4.8809 % a year; GDP 2027 = 2.2m × 1.1^1.5 = 2,538,117 £m
    money = r.money_gap
    assert money["currency"] == "GBP" and money["year"] == 2027
    assert money["gdp_lcu_million"] == pytest.approx(2_538_116.8, abs=1)
    assert money["lcu_million"] == pytest.approx(7_614.35, abs=0.1)            # 0.3 % of it
    assert money["usd_million"] == pytest.approx(7_614.35 / 0.8, abs=0.2)      # 0.8 £ per US$
    assert money["eur_million"] == pytest.approx(7_614.35 / 0.8 * 0.9, abs=0.2)
    # spending must grow (2.5/2.2 × 1.1^1.5)^(1/3) − 1: ln 1.136364 = 0.127833, ln 1.153690 =
    # 0.142969, sum / 3 = 0.090267 → 9.4467 % a year nominal; deflator 1.0 (2022) → 1.1 (2024):
    # inflation 4.8809 % (ln 0.047655); real exp(0.090267 − 0.047655) − 1 = 4.3533 %
    assert r.required_growth_nominal_pct == pytest.approx(9.4467, abs=1e-3)
    assert r.required_growth_real_pct == pytest.approx(4.3533, abs=1e-3)
    assert r.year_convention.startswith("financial year April–March")
    assert any("4.9% a year" in a for a in r.assumptions)


def test_scenario_parameters_override_the_trend(panel):
    r = progress(panel, pledge(), "GBR", Assumptions(gdp_growth=0.0, inflation=0.02, lcu_per_usd=0.5))
    assert r.money_gap["gdp_lcu_million"] == pytest.approx(2_200_000)   # GDP held flat
    assert r.money_gap["lcu_million"] == pytest.approx(6_600)            # 0.3 % × 2.2m
    assert r.money_gap["usd_million"] == pytest.approx(13_200)           # at 0.5 £ per US$
    assert any("scenario setting" in a for a in r.assumptions)


def test_off_track_met_and_deadline_passed():
    slow = Panel(schema.tidy(uk_rows(shares=(2.0, 2.15, 2.2))))  # latest rise 0.05 < 0.1 needed
    assert progress(slow, pledge(), "GBR").status == "off_track"
    met = progress(slow, pledge(target=2.1), "GBR")
    assert met.status == "met" and met.gap_pp == pytest.approx(-0.1) and met.year_reached == 2023
    late = progress(slow, pledge(target=2.5, year=2023), "GBR")
    assert late.status == "off_track" and "deadline" in late.status_reason
    floor = progress(slow, pledge(target=2.3, year=2023, by="every_year"), "GBR")
    assert floor.status == "off_track" and "floor" in floor.status_reason


def test_money_target_is_turned_into_a_share(panel):
    # £60bn by 2027 with GDP 2027 = 2,538,117 £m → 2.3640 % of GDP
    money = pledge(kind="money", target=60, currency="GBP", money_unit="billion")
    r = progress(panel, money, "GBR")
    assert r.target_share_pct == pytest.approx(60_000 / 2_538_116.8 * 100, rel=1e-6)
    assert r.money_gap["required_spending_lcu_million"] == pytest.approx(60_000, abs=0.1)


def test_no_data_and_related_scope(panel):
    assert progress(panel, pledge(), "FRA").status == "no_data"
    related = Pledge(**{**pledge().__dict__, "scope": "related"})
    assert progress(panel, related, "GBR").status == "no_data"


def test_group_pledge_lists_each_member_and_below_target_filter():
    rows = uk_rows() + [row("FRA", 2014, "milex_share_gdp", 1.8), row("GBR", 2014, "milex_share_gdp", 2.1)]
    p = Panel(schema.tidy(rows))
    nato = Group("NATO", "NATO", {"GBR": 1949, "FRA": 1949, "FIN": 2023}, CITE)
    hague = pledge(actor="NATO", target=3.5, year=2035, announced=dt.date(2025, 6, 25), id="hague")
    wales = pledge(actor="NATO", target=2.0, year=2024, announced=dt.date(2014, 9, 5), id="wales",
                   applies_to="below_target")
    out = all_progress(p, [hague, wales], {"NATO": nato})
    assert [(r.id, r.country) for r in out] == [("hague", "FIN"), ("hague", "FRA"), ("hague", "GBR"),
                                               ("wales", "FRA")]  # GBR was above 2 % in 2014; FIN not yet a member


def test_aggregate_burden_sharing_and_scenario():
    rows = []
    for iso3, spend, gdp in (("USA", 900.0, 30_000.0), ("GBR", 80.0, 3_500.0), ("POL", 35.0, 850.0)):
        rows += [row(iso3, 2024, "milex_usd", spend), row(iso3, 2024, "gdp_usd", gdp),
                 row(iso3, 2024, "milex_share_gdp", spend / gdp * 100)]
    p = Panel(schema.tidy(rows))
    nato = Group("NATO", "NATO", {"USA": 1949, "GBR": 1949, "POL": 1999, "SWE": 2024}, CITE)
    agg = aggregate(p, nato, 2024, [2.0, 3.5])
    assert agg.spending_usd_million == 1_015.0 and agg.gdp_usd_million == 34_350.0
    assert agg.weighted_share_pct == pytest.approx(1_015 / 34_350 * 100)   # 2.9549 %
    assert agg.at_or_above == {2.0: 3, 3.5: 1}  # USA 3.0, GBR 2.29, POL 4.12
    assert agg.missing == ["SWE"]
    burden = burden_sharing(p, nato, [2024]).iloc[0]
    assert burden["usa_usd_million"] == 900 and burden["europe_canada_usd_million"] == 115
    assert burden["usa_share_of_total_pct"] == pytest.approx(900 / 1015 * 100)


def test_scenario_extra_spending(panel):
    group = Group("G", "G", {"GBR": None, "FRA": None}, CITE)
    frame = scenario(panel, group, 2.5, 2027, Assumptions(gdp_growth=0.0))
    uk = frame[frame["iso3"] == "GBR"].set_index("year")
    # path 2.2 → 2.5 over 2025–27 at flat GDP 2.2m £: extra 0.1, 0.2, 0.3 % = 2,200 / 4,400 / 6,600 £m
    assert uk["extra_lcu_million"].tolist() == pytest.approx([2_200, 4_400, 6_600])
    assert uk["extra_usd_million"].tolist() == pytest.approx([2_750, 5_500, 8_250])  # 0.8 £ per US$
    assert frame.loc[frame["iso3"] == "FRA", "status"].tolist() == ["no_data"]
    assert scenario_totals(frame)["extra_usd_million"].tolist() == pytest.approx([2_750, 5_500, 8_250])


def test_recomputed_share_is_reported_beyond_rounding():
    rows = [row("GBR", 2024, "milex_usd", 82_107.13), row("GBR", 2024, "gdp_usd", 3_520_496.15),
            row("GBR", 2024, "milex_share_gdp", 2.3323),          # 82,107.13 / 3,520,496.15 = 2.33226 %
            row("FRA", 2024, "milex_usd", 60_000), row("FRA", 2024, "gdp_usd", 3_000_000),
            row("FRA", 2024, "milex_share_gdp", 2.1)]             # 2.0 % recomputed: 0.1 pp off
    out = recomputed_shares(schema.tidy(rows)).set_index("iso3")
    assert not out.loc["GBR", "beyond_rounding"]
    assert out.loc["FRA", "beyond_rounding"] and out.loc["FRA", "difference_pp"] == pytest.approx(-0.1)


def test_reconcile_and_revisions():
    rows = [row("GBR", 2023, "milex_share_gdp", 2.3027, estimate=True),
            row("GBR", 2023, "milex_share_gdp", 2.2306, source="sipri", edition="2025-04", flags="†"),
            row("GBR", 2023, "milex_share_gdp", 2.2649, source="sipri", edition="2024-04"),
            row("GBR", 2022, "milex_share_gdp", 2.20, source="sipri", edition="2025-04"),
            row("GBR", 2022, "milex_share_gdp", 2.21, source="sipri", edition="2024-04")]
    table = schema.tidy(rows)
    rec = reconcile(Panel(table), "GBR", 2023).set_index("source")
    assert rec.loc["sipri", "edition"] == "2025-04"                       # latest edition
    assert rec.loc["sipri", "difference_vs_nato_pp"] == pytest.approx(2.2306 - 2.3027)
    assert "SIPRI figure excludes military pensions" in rec.loc["sipri", "reasons"]
    rev = revisions(table, "sipri", "GBR").set_index("year")
    assert list(rev.columns) == ["2024-04", "2025-04", "revision"]
    assert rev.loc[2023, "revision"] == pytest.approx(2.2306 - 2.2649)   # −0.0343 pp


# --- properties ------------------------------------------------------------------------

shares = st.floats(0.1, 10, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(history=st.lists(shares, min_size=1, max_size=6), target=shares, target_year=st.integers(2015, 2040))
def test_at_or_above_target_means_met_and_non_positive_gap(history, target, target_year):
    history[-1] = max(history[-1], target)
    years = range(2024 - len(history) + 1, 2025)
    p = Panel(schema.tidy([row("GBR", y, "milex_share_gdp", v) for y, v in zip(years, history)]))
    r = progress(p, pledge(target=target, year=target_year, by="calendar_year"), "GBR")
    assert r.gap_pp <= 0 and r.status == "met"


@given(y0=st.integers(1990, 2030), n=st.integers(1, 20), s0=shares, target=shares)
def test_required_path_ends_exactly_at_target(y0, n, s0, target):
    path = linear_path(y0, s0, y0 + n, target)
    assert path[0] == (y0, s0) and path[-1] == (y0 + n, target) and len(path) == n + 1


@settings(max_examples=40, deadline=None)
@given(members=st.dictionaries(st.sampled_from(["GBR", "FRA", "DEU", "POL", "ITA", "ESP"]),
                               st.integers(1949, 2030), min_size=1),
       spend=st.lists(st.floats(1, 1e6), min_size=6, max_size=6), year=st.integers(1990, 2030))
def test_group_aggregate_is_the_sum_over_members_that_year(members, spend, year):
    codes = ["GBR", "FRA", "DEU", "POL", "ITA", "ESP"]
    rows = []
    for code, s in zip(codes, spend):
        rows += [row(code, year, "milex_usd", s), row(code, year, "gdp_usd", s * 40)]
    group = Group("G", "G", members, CITE)
    agg = aggregate(Panel(schema.tidy(rows)), group, year, [2.0])
    expected = sum(s for code, s in zip(codes, spend) if code in members and members[code] <= year)
    assert agg.spending_usd_million == pytest.approx(expected)


@given(members=st.dictionaries(st.text("ABCDEFGHIJ", min_size=3, max_size=3), st.integers(1949, 2030)),
       year=st.integers(1940, 2040))
def test_membership_follows_accession_years(members, year):
    group = Group("G", "G", members, CITE)
    assert group.members_in(year) == sorted(c for c, joined in members.items() if joined <= year)


def test_frame_helpers_are_plain_pandas(panel):
    frame = pd.DataFrame([r.as_dict() for r in all_progress(panel, [pledge()], {})])
    assert frame.loc[0, "status"] == "on_track"


def test_exchange_rate_moves_with_the_inflation_gap():
    """US deflator 1.0 (2022) → 1.0404 (2024): 2 % a year; UK 4.8809 % (see uk_rows).
    Drift = 1.048809 / 1.02 − 1 = 2.8244 % a year, so 2027's rate = 0.8 × 1.028244³ = 0.869703 £/$,
    and the £7,614.35m gap is 7,614.35 / 0.869703 = $8,755.1m (not 7,614.35 / 0.8 = $9,517.9m)."""
    rows = uk_rows() + [row("USA", 2022, "milex_lcu", 100, unit="USD million"),
                        row("USA", 2024, "milex_lcu", 104.04, unit="USD million"),
                        row("USA", 2022, "milex_lcu", 100, unit="USD million", price_base="constant 2015"),
                        row("USA", 2024, "milex_lcu", 100, unit="USD million", price_base="constant 2015")]
    r = progress(Panel(schema.tidy(rows)), pledge(), "GBR")
    assert r.money_gap["usd_million"] == pytest.approx(8_755.1, abs=0.5)
    assert any("inflation gap to the US (2.0%)" in a for a in r.assumptions)


def test_a_floor_that_has_not_started_is_judged_like_a_target(panel):
    # floor of 2.5 % from 2027; latest 2.2 % (2024), rising 0.1 a year = the 0.1 needed → on track
    r = progress(panel, pledge(target=2.5, year=2027, by="every_year"), "GBR")
    assert r.status == "on_track" and "floor" not in r.status_reason
    assert "estimate" in r.status_reason  # the latest (2024) figure is an estimate


def test_a_national_money_target_is_not_measured_on_nato_figures(panel):
    national = Pledge(**{**pledge(kind="money", target=60, currency="GBP", money_unit="billion").__dict__,
                         "basis": "national"})
    r = progress(panel, national, "GBR")
    assert r.status == "no_data" and "own definition" in r.status_reason and r.gap_pp is None
