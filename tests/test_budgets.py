"""What the governments' budgets say of a pledge (dashboard.model.budgets and the pledge model):
small hand-made registries and NATO tables, every expectation worked out in the comments."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import yaml

from dashboard import schema
from dashboard.model import Panel, progress
from dashboard.model import budgets as model
from dashboard.model import nowcast as nc
from dashboard.model.registry import Citation, Pledge
from dashboard.provenance import RawFile
from dashboard.sources import national

CITE = Citation("Publisher", "Title", "https://example.org/a", dt.date(2025, 1, 1))
DOC = {"publisher": "Ministry of Finance (via a news report)", "title": "Budget", "date": dt.date(2025, 12, 1),
       "url": "https://example.org/budget", "url_checked": False, "kind": "news"}


def figure(fid: str, share: float | None = None, amount: float | None = None, currency: str = "GBP",
           unit: str = "billion", **kw: object) -> dict:
    iso3, year, stage, *tag = fid.split("-")
    out: dict = {"id": fid, "iso3": iso3.upper(), "fiscal_year": int(year), "stage": stage,
                 "definition": kw.pop("definition", "nato" if "nato" in tag else "core"),
                 "document": copy.deepcopy(DOC), "evidence": "the document's words"}
    if amount is not None:
        out.update(amount=amount, currency=currency, unit=unit)
    if share is not None:
        out["share_gdp_stated"] = share
    out.update(kw)
    return out


def nato_rows(iso3: str, shares: dict[int, float], spending: dict[int, float], unit: str) -> list[dict]:
    rows = []
    for year, share in shares.items():
        est = year == max(shares)
        base = {"source": "nato", "edition": "2024-06", "iso3": iso3, "country": iso3, "year": year,
                "estimate": est, "flags": "", "retrieved": "2026-11-25"}
        rows.append({**base, "indicator": "milex_share_gdp", "value": share, "unit": "percent of GDP",
                     "price_base": "constant 2015"})
        rows.append({**base, "indicator": "milex_lcu", "value": spending[year], "unit": unit, "price_base": "current"})
    return rows


def setup(tmp_path: Path, figures: list[dict], rows: list[dict]) -> tuple[Panel, dict]:
    """The snapshot's table (NATO's rows + the registry's) and the budgets the model makes of it."""
    path = tmp_path / "budgets.yaml"
    path.write_text(yaml.safe_dump({"reviewed": dt.date(2026, 12, 5), "figures": figures}), encoding="utf-8")
    frame = national.parse(RawFile("national", path, "2026-12-05", ""))
    table = schema.tidy(pd.concat([pd.DataFrame(rows), pd.DataFrame(frame)], ignore_index=True))
    package = {"sources": [{"name": "national", "figures": frame.attrs["documents"]}]}
    panel = Panel(table)
    return panel, model.budgets(table, package, lambda iso3: _economy(panel, iso3))


def _economy(panel: Panel, iso3: str):
    from dashboard.model import economy

    share = panel.series("nato", iso3, "milex_share_gdp")
    return economy(panel, share) if share is not None else None


def pledge(target: float = 2.5, year: int = 2027, kind: str = "share_gdp", actor: str = "GBR", basis: str = "nato",
           **kw: object) -> Pledge:
    return Pledge(id="p", actor=actor, title="t", kind=kind, target=target, target_year=year, by="calendar_year",
                  announced=dt.date(2025, 2, 25), basis=basis, scope="core", commitment="commitment", source=CITE,
                  **kw)


# The UK of these tests: NATO's share 2022–24 = 2.0, 2.1, 2.2 % (2024 an estimate), spending
# 40,000 / 44,100 / 48,400 £m, so GDP = 2,000,000 / 2,100,000 / 2,200,000 £m (+4.88 % a year).
UK = nato_rows("GBR", {2022: 2.0, 2023: 2.1, 2024: 2.2}, {2022: 40_000, 2023: 44_100, 2024: 48_400}, "GBP million")
# Its budget on the national definition states 2.0 % for 2024 (NATO counts 1.1 times as much)
# and 2.06 % for 2025; its 2026 bill says 2.4 %; its plan for 2027, on NATO's definition, 2.6 %.
UK_BUDGETS = [figure("gbr-2024-adopted", share=2.0, amount=44), figure("gbr-2025-adopted", share=2.06, amount=47),
              figure("gbr-2026-draft", share=2.4), figure("gbr-2027-plan-nato", share=2.6)]


def test_a_national_budget_is_bridged_to_natos_definition(tmp_path):
    panel, found = setup(tmp_path, UK_BUDGETS, UK)
    figures = found["GBR"]
    # the ratio in 2024, the latest year with both: NATO 2.2 ÷ budget 2.0 = 1.1
    assert model.bridge_ratio("core", panel.series("nato", "GBR", "milex_share_gdp"), figures) == (2024, 1.1)
    [e] = model.evidence(figures, "nato", panel.series("nato", "GBR", "milex_share_gdp"), after=2024)
    assert e.budget.id == "gbr-2025-adopted" and e.ratio == pytest.approx(1.1)
    assert e.share == pytest.approx(2.266)                     # 2.06 × 1.1; the bill and the plan are not in force
    assert e.describe() == ("2025: adopted budget, 2.27 % of GDP on NATO's definition (2.06 % on its own, "
                            "bridged by NATO's 2024 ratio 1.100) (Ministry of Finance, 1 Dec 2025)")
    # a pledge on the government's own definition takes the budget as it is
    [own] = model.evidence(figures, "national", None, after=2024)
    assert own.share == 2.06 and own.ratio is None


def test_off_track_on_the_trajectory_but_on_track_on_the_governments_bill(tmp_path):
    panel, found = setup(tmp_path, UK_BUDGETS, UK)
    r = progress(panel, pledge(), "GBR", budgets=found["GBR"])
    assert (r.latest_source, r.latest_year) == ("national", 2025)
    assert r.latest_share_pct == pytest.approx(2.266)
    assert r.latest_annual_increase_pp == pytest.approx(0.066)    # 2.266 − NATO's 2.2 in 2024
    assert r.required_annual_increase_pp == pytest.approx(0.117)  # (2.5 − 2.266) ÷ 2 years
    # 0.066 < 0.117: off track on the trajectory; the 2026 bill, bridged: 2.4 × 1.1 = 2.64 ≥ 2.5
    assert r.status == "on_track" and r.year_reached == 2026
    assert r.status_reason.startswith("the government's 2026 draft budget reaches 2.64 ≥ 2.50 (Ministry of Finance, "
                                      "1 Dec 2025); the trajectory alone says latest rise +0.07 pp < required 0.12 pp")
    assert r.latest_note.startswith("2025: adopted budget, 2.27 % of GDP on NATO's definition")
    assert r.latest_note.endswith("; NATO's latest: 2024")
    # the bill and the plan are context, not the status's figure
    assert [c.split(":")[0] for c in r.budget_context] == ["2026", "2027"]
    # without them, the trajectory decides
    panel, found = setup(tmp_path, UK_BUDGETS[:2], UK)
    assert progress(panel, pledge(), "GBR", budgets=found["GBR"]).status == "off_track"


def test_the_plan_for_a_year_under_way_is_in_force_until_a_bill_replaces_it(tmp_path):
    plan = figure("gbr-2025-plan-nato", share=2.3, fiscal_year_label="2025-26", fiscal_year_starts="04-01")
    panel, found = setup(tmp_path, [*UK_BUDGETS, plan], UK)
    by_id = {b.id: b for b in found["GBR"]}
    # 2025-26 began on 1 April 2025, before the registry's review (5 Dec 2026): the allocation in force
    assert by_id["gbr-2025-plan-nato"].under_way and by_id["gbr-2025-plan-nato"].in_force
    assert not by_id["gbr-2027-plan-nato"].in_force          # a year not begun: the government's path
    # on NATO's definition, it comes before the national budget that must be bridged
    r = progress(panel, pledge(), "GBR", budgets=found["GBR"])
    assert r.latest_share_pct == 2.3 and r.latest_edition == "2025-12-01 gbr-2025-plan-nato"
    assert r.latest_note.startswith("2025-26: budget plan in force, 2.30 % of GDP (Ministry of Finance, 1 Dec 2025)")
    # a bill for that year on that definition replaces the plan: no longer in force
    bill = figure("gbr-2025-draft-nato", share=2.28)
    _, found = setup(tmp_path, [*UK_BUDGETS, plan, bill], UK)
    assert not {b.id: b for b in found["GBR"]}["gbr-2025-plan-nato"].in_force
    # the US names its fiscal year by its end: FY2026 began on 1 October 2025
    assert model._started(2026, "10-01", "FY2026", "2025-10-01") and not model._started(2027, "10-01", "FY2027",
                                                                                          "2026-09-30")


def test_an_unstated_share_is_computed_from_projected_gdp(tmp_path):
    panel, found = setup(tmp_path, [figure("gbr-2025-adopted", amount=47)], UK)
    [b] = found["GBR"]
    # GDP 2024 = 2,200,000 £m growing (2.2/2.0)^(1/2) − 1 = 4.8809 % a year: 2025 = 2,307,379.9
    gdp_2025 = 2_200_000 * (2_200_000 / 2_000_000) ** 0.5
    assert b.share == pytest.approx(47_000 / gdp_2025 * 100) and round(b.share, 3) == 2.037
    assert b.share_stated is None and b.share_method.startswith("computed: 47,000 ÷ GDP of 2,307,")
    assert b.share_text() == "2.04 % of GDP (computed)"


FRANCE = nato_rows("FRA", {2023: 1.9, 2024: 2.0}, {2023: 53_200, 2024: 58_000}, "EUR million")


def test_a_money_pledge_is_measured_in_money(tmp_path):
    money = pledge(target=64, kind="money", actor="FRA", basis="national", currency="EUR", money_unit="billion")
    budgets = [figure("fra-2025-adopted", amount=50.5, currency="EUR"),
               figure("fra-2026-adopted", amount=57.1, currency="EUR")]
    panel, found = setup(tmp_path, budgets, FRANCE)
    r = progress(panel, money, "FRA", budgets=found["FRA"])
    # 57.1 in 2026; 6.9 a year still needed to 64 by 2027; the last rise 57.1 − 50.5 = 6.6 < 6.9
    assert (r.latest_amount, r.latest_year, r.amount_unit) == (57.1, 2026, "EUR billion")
    assert r.gap_amount == pytest.approx(6.9) and r.status == "off_track"
    assert r.status_reason == "latest rise +6.6 < required 6.9 EUR billion a year (2026 adopted budget)"
    # the government's own plan for 2027 reaches the target: on track on it
    plan = figure("fra-2027-plan", amount=64, currency="EUR")
    panel, found = setup(tmp_path, [*budgets, plan], FRANCE)
    r = progress(panel, money, "FRA", budgets=found["FRA"])
    assert r.status == "on_track" and r.year_reached == 2027
    assert r.status_reason.startswith("the government's 2027 budget plan reaches EUR 64 billion ≥ 64 billion")


def test_the_spending_series_the_nowcast_chains(tmp_path):
    figures = [figure("gbr-2022-outturn", amount=41), figure("gbr-2022-adopted", amount=40),  # the act first
               figure("gbr-2023-outturn", amount=43),                                        # no act: the outturn
               figure("gbr-2024-draft", amount=45),                                          # no act: the bill
               figure("gbr-2025-adopted", amount=50, not_comparable="a one-off pension payment"),
               figure("gbr-2026-plan", amount=52), figure("gbr-2027-plan", amount=55),       # 2027: after the review
               figure("gbr-2025-adopted-nato", amount=60, definition="nato")]                # fewer years: not chosen
    panel, _ = setup(tmp_path, figures, UK)
    series = model.spending_series(panel, "GBR")
    assert list(series.years) == [2022, 2023, 2024, 2026]
    assert list(series.values) == [40_000, 43_000, 45_000, 52_000]
    assert series.flags[0] == "id=gbr-2022-adopted stage=adopted definition=core"
    assert series.edition == "2025-12-01 gbr-2026-plan"  # its newest figure's document and id


def test_the_nowcast_takes_the_budget_where_no_outturn_is_fresher(tmp_path):
    # NATO: Netherlands-like, 2019–2024, spending (EUR m) and share of GDP
    shares = {2019: 1.35, 2020: 1.40, 2021: 1.45, 2022: 1.50, 2023: 1.60, 2024: 2.00}
    spend = {2019: 11_000.0, 2020: 11_900.0, 2021: 12_700.0, 2022: 13_900.0, 2023: 16_000.0, 2024: 21_000.0}
    rows = nato_rows("NLD", shares, spend, "EUR million")
    # its budgets 2021–2025 (the backtest compares 2022–2024 with NATO's; 2025 is the nowcast's)
    amounts = {2021: 12_900, 2022: 14_100, 2023: 16_300, 2024: 21_400, 2025: 23_540}
    budgets = [figure(f"nld-{y}-adopted", amount=a, currency="EUR", unit="million") for y, a in amounts.items()]
    panel, _ = setup(tmp_path, budgets, rows)
    [cast] = [c for c in nc.nowcasts(panel) if c.iso3 == "NLD"]
    # NATO-implied GDP 2019 = 11,000 ÷ 1.35 % = 814,814.8; 2024 = 21,000 ÷ 2.0 % = 1,050,000
    growth = (1_050_000 / (11_000 / 1.35 * 100)) ** (1 / 5) - 1          # 5.20 % a year
    expected = 2.0 * (23_540 / 21_400) / (1 + growth)                     # 2.0 × 1.10 ÷ 1.052 = 2.091
    assert cast.year == 2025 and cast.value == pytest.approx(expected, rel=1e-9) and round(cast.value, 3) == 2.091
    assert cast.fresher == "national 2025-12-01 nld-2025-adopted"
    assert cast.spending_growth == pytest.approx(0.10)
