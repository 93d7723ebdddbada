"""Compare page: layout with good, missing and hostile URL parameters; callbacks as plain functions."""

from __future__ import annotations

import importlib

import pandas as pd
import pytest

from tests.conftest import card_csv

HOSTILE = [
    {"countries": "<script>,ZZZ", "indicator": "nan", "source": "x", "chart": "pie", "base": "-1e309"},
    {"countries": "GBR," * 500, "base": "abc"},
    {"countries": "", "base": "99999"},
    {"base": "1e309", "indicator": ["milex_usd"]},
]


@pytest.fixture(scope="module")
def page():
    """The compare page module, imported the way Dash imports it (after the app exists)."""
    from dashboard.app import create_app
    from dashboard.views import data

    data.configure()
    create_app()
    return importlib.import_module("dashboard.app.pages.compare")


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    from dashboard.views import data

    return data.get().table


def _share(table: pd.DataFrame, source: str, edition: str, iso3: str, year: int) -> float:
    row = table[(table["source"] == source) & (table["edition"] == edition) & (table["iso3"] == iso3)
                & (table["indicator"] == "milex_share_gdp") & (table["year"] == year)]
    return float(row["value"].iloc[0])


def _points(figure: dict, name: str) -> dict:
    """year → value of one country's traces (actual and dotted estimate) in a figure."""
    out: dict = {}
    for trace in figure["data"]:
        if trace["name"] in (name, f"{name} (estimate)"):
            out.update(zip(trace["x"], trace["y"]))
    return out


def _text(component) -> str:
    return str(component.to_plotly_json())


def test_layout_defaults_and_url(page):
    page_layout = page.layout()
    assert "compare-url" in _text(page_layout)
    view = page.parse("GBR,DEU", "milex_usd", "sipri", "bars", "2014")
    assert view == page.View(("GBR", "DEU"), "milex_usd", "sipri", "bars", 2014)
    assert page.parse(None, None, None, None, None).codes == page.DEFAULT_COUNTRIES


@pytest.mark.parametrize("params", HOSTILE)
def test_layout_never_raises_on_hostile_params(page, params):
    text = _text(page.layout(**params))
    assert "<script>" not in text.replace("“", "").split("Not in the data")[0]
    assert "Compare countries" in text


def test_hostile_countries_fall_back_with_a_message(page):
    text = _text(page.layout(countries="<script>,ZZZ"))
    assert "Not in the data" in text and "Showing the default selection" in text
    view = page.parse("<script>,ZZZ", None, "worldbank", None, "-1e309")
    assert view.codes == page.DEFAULT_COUNTRIES and view.base is None


def test_source_must_publish_the_indicator(page):
    assert page.parse("GBR", "milex_real_change", "sipri", "lines", None).source == "nato"
    options, value = page.update_sources("milex_per_capita_usd", "worldbank")
    assert [o["value"] for o in options] == ["nato", "sipri"] and value == "nato"


def test_every_indicator_source_pair_has_data(page, table):
    from dashboard.views.compare import INDICATORS

    for indicator, spec in INDICATORS.items():
        for source in spec.sources:
            rows = table[(table["source"] == source) & (table["indicator"] == indicator)]
            assert len(rows), (indicator, source)


def test_sipri_share_value_matches_the_table(page, table):
    figure, summary, source, _title = page.update_chart(["GBR", "DEU"], "milex_share_gdp", "sipri", "lines", None)
    expected = _share(table, "sipri", "2025-04", "GBR", 2024)
    assert _points(figure, "United Kingdom")[2024] == pytest.approx(expected)
    assert expected == pytest.approx(2.2786, abs=1e-4)
    assert "SIPRI (2025-04 edition)" in source
    assert "United Kingdom 2.28% in 2024" in summary


def test_index_is_100_at_base_year(page, table):
    figure, _summary, _source, title = page.update_chart(["GBR", "POL"], "milex_share_gdp", "sipri", "lines", 2014)
    for trace in figure["data"]:
        if 2014 in trace["x"]:
            assert trace["y"][trace["x"].index(2014)] == pytest.approx(100.0)
    expected = _share(table, "sipri", "2025-04", "POL", 2024) / _share(table, "sipri", "2025-04", "POL", 2014) * 100
    assert _points(figure, "Poland")[2024] == pytest.approx(expected)
    assert "2014 = 100" in title


def test_estimates_are_dotted(page):
    figure, *_ = page.update_chart(["GBR"], "milex_share_gdp", "nato", "lines", None)
    dotted = [t for t in figure["data"] if t.get("line", {}).get("dash") == "dot"]
    assert dotted and all("estimate" in t["name"] for t in dotted)


def test_bars_use_latest_common_year(page, table):
    figure, summary, _source, _ = page.update_chart(["GBR", "DEU"], "milex_usd", "sipri", "bars", None)
    rows = table[(table["source"] == "sipri") & (table["edition"] == "2025-04") & (table["indicator"] == "milex_usd")
                 & (table["price_base"].str.startswith("constant")) & (table["iso3"].isin(["GBR", "DEU"]))]
    common = max(set(rows.loc[rows["iso3"] == "GBR", "year"]) & set(rows.loc[rows["iso3"] == "DEU", "year"]))
    expected = rows[rows["year"] == common].set_index("iso3")["value"] / 1000
    bar = figure["data"][0]
    values = dict(zip(bar["x"], bar["y"]))
    assert values["United Kingdom"] == pytest.approx(expected["GBR"])
    assert values["Germany"] == pytest.approx(expected["DEU"])
    assert f"Bars: {common}" in summary


def test_empty_states(page):
    _fig, summary, *_ = page.update_chart(["GBR", "AUT"], "milex_share_gdp", "nato", "lines", None)
    assert "No NATO data for Austria: not a member." in summary
    figure, summary, *_ = page.update_chart(["GBR"], "milex_per_capita_usd", "sipri", "lines", 1980)
    assert "SIPRI has no per-capita figures before 1988." in summary
    assert figure["data"] == [] and "1988" in figure["layout"]["annotations"][0]["text"]
    figure, *_ = page.update_chart([], "milex_share_gdp", "sipri", "lines", None)
    assert figure["layout"]["annotations"][0]["text"] == "Choose one or more countries"


@pytest.mark.parametrize("args", [("<script>", "nan", None, 3, "-1e309"), (None, None, None, None, None),
                                  (["ZZZ", 5], "milex_lcu", "worldbank", "bars", float("nan"))])
def test_callbacks_never_raise(page, args):
    figure, *_ = page.update_chart(*args)
    assert "layout" in figure
    assert page.sync_url(*args).startswith("?")


def test_lcu_shows_each_currency(page):
    figure, summary, *_ = page.update_chart(["GBR", "DEU"], "milex_lcu", "sipri", "lines", None)
    hovers = " ".join(t["hovertemplate"] for t in figure["data"])
    assert "GBP" in hovers and "EUR" in hovers
    assert "own currency" in summary


def test_url_round_trip(page):
    search = page.sync_url(["GBR", "DEU"], "milex_share_gdp", "sipri", "bars", 2014)
    from urllib.parse import parse_qs

    params = {k: v[0] for k, v in parse_qs(search[1:]).items()}
    assert params == {"countries": "GBR,DEU", "indicator": "milex_share_gdp", "source": "sipri",
                      "chart": "bars", "base": "2014"}
    assert page.parse(*(params.get(k) for k in ("countries", "indicator", "source", "chart", "base"))) == \
        page.View(("GBR", "DEU"), "milex_share_gdp", "sipri", "bars", 2014)


def test_csv_has_source_line(page):
    out = card_csv("compare-chart", "/compare", countries="GBR", indicator="milex_share_gdp", source="sipri",
                   chart="lines", base=2014)
    assert out["filename"] == "compare-milex_share_gdp-sipri-index-2014.csv"
    assert out["content"].startswith("# Source: SIPRI (2025-04 edition)")
    assert "index_2014_eq_100" in out["content"].splitlines()[1]
