"""Scenarios page: layout with good, missing and hostile URL parameters; the callback as a plain function."""

from __future__ import annotations

import importlib

import pandas as pd
import pytest

from tests.conftest import card_csv

HOSTILE = [
    {"group": "<script>", "target": "nan", "year": "abc", "growth": "1e309"},
    {"target": "-1e309", "year": "-5", "growth": "inf"},
    {"group": ["NATO"], "target": "99", "year": "3000", "growth": "auto"},
    {},
]


@pytest.fixture(scope="module")
def page():
    """The scenarios page module, imported the way Dash imports it (after the app exists)."""
    from dashboard.app import create_app
    from dashboard.views import data

    data.configure()
    create_app()
    return importlib.import_module("dashboard.app.pages.scenarios")


@pytest.fixture(scope="module")
def app_data():
    from dashboard.views import data

    return data.get()


def _latest_share(table: pd.DataFrame, iso3: str) -> float:
    """NATO's latest share of GDP for a country, computed straight from the table."""
    rows = table[(table["source"] == "nato") & (table["iso3"] == iso3) & (table["indicator"] == "milex_share_gdp")]
    rows = rows[rows["edition"] == rows["edition"].max()]
    return float(rows.sort_values("year")["value"].iloc[-1])


@pytest.mark.parametrize("params", HOSTILE)
def test_layout_never_raises(page, params):
    text = str(page.layout(**params).to_plotly_json())
    assert "Scenarios" in text and "<script>" not in text


def test_parse(page):
    assert page.parse("EU27", "2.04", "2030", "3") == page.View("EU27", 2.0, 2030, 3.0)
    assert page.parse("<script>", "nan", "abc", "x") == page.View("NATO", 3.5, 2035, None)
    assert page.parse("NATO", 99, 3000, "auto") == page.View("NATO", 6.0, 2040, None)
    assert page.parse("NATO", -1e309, 1, 1e309) == page.View("NATO", 3.5, 2026, None)


def test_hostile_params_are_reported(page):
    text = str(page.layout(group="<script>", target="nan").to_plotly_json())
    assert "not usable (group, target)" in text


def test_group_options_come_from_the_registry(page, app_data):
    text = str(page.layout().to_plotly_json())
    for group in app_data.groups.values():
        assert group.name in text


def test_scenario_totals_and_members_above_target(page, app_data):
    figure, summary, source, title, _table, _assumptions = page.update_scenario("NATO", 3.5, 2035, 3)
    bars = [t for t in figure["data"] if t["type"] == "bar"]
    total = next(t for t in figure["data"] if t["name"] == "Total")
    # total = sum over countries, year by year
    for i, year in enumerate(total["x"]):
        stacked = sum(t["y"][t["x"].index(year)] for t in bars if year in t["x"])
        assert total["y"][i] == pytest.approx(stacked, rel=1e-4)
    # members already above the target need nothing extra: Poland (NATO's latest share, from the table)
    assert _latest_share(app_data.table, "POL") > 3.5
    assert "Poland" not in [t["name"] for t in bars]
    result = app_data.scenarios.result("NATO", 3.5, 2035, 3.0)
    pol = result.frame[result.frame["iso3"] == "POL"]
    assert (pol["extra_lcu_million"] == 0).all()
    assert "Already at or above 3.5%: Poland" in summary
    assert "NATO (2024-06 edition)" in source and "3.5% of GDP by 2035" in title


def test_extra_spending_matches_an_independent_computation(page, app_data):
    """GBR with 3 % growth: (3.5 − latest share) × GDP implied by NATO spending ÷ share, grown 3 % a year."""
    table = app_data.table
    nato = table[(table["source"] == "nato") & (table["iso3"] == "GBR")]
    share = nato[nato["indicator"] == "milex_share_gdp"].set_index("year")["value"]
    lcu = nato[(nato["indicator"] == "milex_lcu") & (nato["price_base"] == "current")].set_index("year")["value"]
    last = int(share.index.max())
    gdp = lcu[last] / (share[last] / 100)
    expected = (3.5 - share[last]) / 100 * gdp * 1.03 ** (2035 - last)
    rows = app_data.scenarios.result("NATO", 3.5, 2035, 3.0).rows
    gbr = next(r for r in rows if r["iso3"] == "GBR")
    assert gbr["extra_lcu_billion"] * 1000 == pytest.approx(expected, rel=1e-6)
    assert gbr["currency"] == "GBP" and gbr["latest_share_pct"] == pytest.approx(share[last])


def test_table_and_assumptions(page):
    *_, table, assumptions = page.update_scenario("LONDON_2025", 3.5, 2035, None)
    text = str(table.to_plotly_json())
    assert "United Kingdom" in text and "Extra, US$" in text and "Extra in 2035" in text
    assert "nominal GDP growth" in str(assumptions.to_plotly_json())


def test_high_inflation_is_flagged(page):
    _fig, summary, *_ = page.update_scenario("NATO", 3.5, 2035, None)
    assert "Türkiye" in summary and "inflation gap" in summary


@pytest.mark.parametrize("args", [("<script>", "nan", "abc", "x"), (None, None, None, None),
                                  ("EU27", float("inf"), 2030.7, "-1e309")])
def test_callbacks_never_raise(page, args):
    out = page.update_scenario(*args)
    assert "layout" in out[0]
    assert page.sync_url(*args).startswith("?group=")


def test_url_round_trip(page):
    from urllib.parse import parse_qs

    search = page.sync_url("EU27", 3, 2030, 2.5)
    params = {k: v[0] for k, v in parse_qs(search[1:]).items()}
    assert params == {"group": "EU27", "target": "3", "year": "2030", "growth": "2.5"}
    assert page.parse(params["group"], params["target"], params["year"], params["growth"]) == \
        page.View("EU27", 3.0, 2030, 2.5)


def test_records_csv_writes_what_to_csv_writes():
    """Blanks for None/NaN, quoted commas, ints without '.0' (worked by hand)."""
    from dashboard.views.tabular import records_csv

    rows = [{"a": 1, "b": None, "c": "x,y", "d": float("nan"), "e": True, "f": 0.1},
            {"a": 2, "b": 2.5, "c": 'say "hi"', "e": False}]
    assert records_csv(["a", "b", "c", "d", "e", "f"], rows) == (
        'a,b,c,d,e,f\n1,,"x,y",,True,0.1\n2,2.5,"say ""hi""",,False,\n')
    import numpy as np

    # a float column, and numpy floats in a mixed one, print as plain numbers
    assert records_csv(["x", "y"], [{"x": 1.5, "y": np.float64(0.25)}, {"x": float("nan"), "y": "n/a"}]) == (
        "x,y\n1.5,0.25\n,n/a\n")


def test_scenario_csv_holds_every_member_year(page):
    """The download (written without a frame) reads back as the scenario's frame."""
    import io

    from dashboard.views import data

    out = card_csv("scenarios-chart", "/scenarios", group="NATO", target=3.5, year=2035, growth="auto")
    assert out["filename"] == "scenario-NATO-3.5pct-2035.csv"
    out = out["content"]
    body = pd.read_csv(io.StringIO(out), skiprows=1)
    frame = data.get().scenarios.result("NATO", 3.5, 2035, None).frame
    assert list(body.columns) == list(frame.columns)
    assert len(body) == len(frame) > 300
    assert body["year"].dtype.kind == "f" or body["year"].dropna().map(float.is_integer).all()
    ok = body[body["status"] == "ok"]
    assert ok["extra_usd_million"].to_numpy() == pytest.approx(
        frame[frame["status"] == "ok"]["extra_usd_million"].astype(float).to_numpy())
