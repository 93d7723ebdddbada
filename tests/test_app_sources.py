"""Sources page: layout with good, missing and hostile URL parameters; callbacks as plain functions."""

from __future__ import annotations

import importlib

import pandas as pd
import pytest

from tests.conftest import card_csv, table_csv

HOSTILE = [
    {"country": "<script>,ZZZ", "year": "abc", "revisions": "nan"},
    {"country": "gbr", "year": "-1e309"},
    {"country": "X" * 5000, "year": "1e309", "revisions": ["sipri"]},
    {},
]


@pytest.fixture(scope="module")
def page():
    """The sources page module, imported the way Dash imports it (after the app exists)."""
    from dashboard.app import create_app
    from dashboard.views import data

    data.configure()
    create_app()
    return importlib.import_module("dashboard.app.pages.sources")


@pytest.fixture(scope="module")
def app_data():
    from dashboard.views import data

    return data.get()


def _share(table: pd.DataFrame, source: str, edition: str, iso3: str, year: int) -> float:
    row = table[(table["source"] == source) & (table["edition"] == edition) & (table["iso3"] == iso3)
                & (table["indicator"] == "milex_share_gdp") & (table["year"] == year)]
    return float(row["value"].iloc[0])


@pytest.mark.parametrize("params", HOSTILE)
def test_layout_never_raises(page, params):
    text = str(page.layout(**params).to_plotly_json())
    assert "Sources and editions" in text


def test_hostile_params_get_a_friendly_note(page):
    text = str(page.layout(country="<script>", year="abc").to_plotly_json())
    assert "There is no country" in text and "is not a year" in text
    assert "There is no country" not in str(page.layout(country="gbr").to_plotly_json())


def test_every_source_file_is_listed(page, app_data):
    text = str(page.layout().to_plotly_json())
    for src in app_data.package["sources"]:
        assert src["citation"] in text
        for ed in src["editions"]:
            assert ed["file"] in text and ed["sha256"][:12] in text and f"{ed['rows']:,}" in text


def test_reconcile_gbr_2023(page, app_data):
    figure, summary, source, _title, table = page.update_reconcile("GBR", 2023)
    bar = figure["data"][0]
    values = {x.split("<br>")[0]: y for x, y in zip(bar["x"], bar["y"])}
    assert {"NATO", "SIPRI"} <= set(values)
    t = app_data.table
    assert values["SIPRI"] == pytest.approx(_share(t, "sipri", "2025-04", "GBR", 2023), abs=1e-4)
    assert values["NATO"] == pytest.approx(_share(t, "nato", "2024-06", "GBR", 2023), abs=1e-4)
    diff = _share(t, "sipri", "2025-04", "GBR", 2023) - _share(t, "nato", "2024-06", "GBR", 2023)
    assert f"{diff:+.2f} points vs NATO" in summary
    assert "NATO (2024-06 edition)" in source and "SIPRI (2025-04 edition)" in source
    text = str(table.to_plotly_json())
    assert "Difference to NATO" in text and "NATO definition" in text and "SIPRI definition" in text
    assert bar["marker"]["color"][list(values).index("NATO")] == "#0072B2"


def test_reconcile_empty_and_non_member(page):
    figure, summary, *_ = page.update_reconcile("AUT", 2023)
    assert "NATO publishes no figure for Austria in 2023" in summary
    figure, summary, *_ = page.update_reconcile("GBR", 1960)  # before NATO's tables: SIPRI, World Bank
    assert "NATO" not in [x.split("<br>")[0] for x in figure["data"][0]["x"]]
    figure, summary, _source, _title, table = page.update_reconcile("GBR", 1900)  # clamped to 1949: none
    assert figure["data"] == [] and "No source publishes a share of GDP for United Kingdom in 1949" in summary
    assert "No source publishes" in str(table.to_plotly_json())


def test_revisions_sipri_gbr(page, app_data):
    figure, summary, source, _title = page.update_revisions("GBR", "sipri")
    lines = {t["name"]: dict(zip(t["x"], t["y"])) for t in figure["data"] if t["type"] == "scatter"}
    t = app_data.table
    old, new = _share(t, "sipri", "2024-04", "GBR", 2023), _share(t, "sipri", "2025-04", "GBR", 2023)
    assert old == pytest.approx(2.2649, abs=1e-4) and new == pytest.approx(2.2306, abs=1e-4)
    assert lines["2024-04 edition"][2023] == pytest.approx(old, abs=1e-4)
    assert lines["2025-04 edition"][2023] == pytest.approx(new, abs=1e-4)
    revision = next(t for t in figure["data"] if t["type"] == "bar")
    assert dict(zip(revision["x"], revision["y"]))[2023] == pytest.approx(new - old, abs=1e-4)
    assert "2023: 2.26% in 2024-04 → 2.23% in 2025-04" in summary
    assert "SIPRI (2024-04 edition)" in source and "SIPRI (2025-04 edition)" in source


def test_revisions_single_edition(page):
    figure, summary, *_ = page.update_revisions("GBR", "worldbank")
    assert "only one edition" in summary
    assert [t for t in figure["data"] if t["type"] == "bar"] == []


@pytest.mark.parametrize("args", [("<script>", "abc", "nan"), (None, None, None), ("ZZZ", float("nan"), 3)])
def test_callbacks_never_raise(page, args):
    assert "layout" in page.update_reconcile(args[0], args[1])[0]
    assert "layout" in page.update_revisions(args[0], args[2])[0]
    assert page.sync_url(*args) == "?country=GBR&year=2023&revisions=sipri"
    query = {"country": args[0], "year": args[1], "revisions": args[2]}
    assert card_csv("sources-reconcile", "/sources", **query)["filename"] == "GBR-2023-share-by-source.csv"
    assert card_csv("sources-revisions", "/sources", **query)["filename"] == "GBR-sipri-share-of-gdp-by-edition.csv"


def test_csv_downloads(page):
    out = card_csv("sources-revisions", "/sources", country="GBR", revisions="sipri")
    assert out["content"].startswith("# Source: SIPRI (2024-04 edition); SIPRI (2025-04 edition)")
    assert out["content"].splitlines()[1] == "year,2024-04,2025-04,revision"
    out = card_csv("sources-reconcile", "/sources", country="GBR", year=2023)
    assert "difference_vs_nato_pp" in out["content"] and out["filename"] == "GBR-2023-share-by-source.csv"


def test_revision_summary_lists_only_visible_revisions():
    """Revisions that print as +0.000 are not 'largest revisions' (hand-built editions)."""
    from dashboard.figures.sources import revisions_figure, revisions_summary
    from dashboard.model import Revisions

    tiny = Revisions("sipri", "GBR", (2022, 2023, 2024), ("2024-04", "2025-04"),
                     {"2024-04": (2.2, 2.26, None), "2025-04": (2.2001, 2.26, 2.33)}, (0.0001, 0.0, None))
    assert revisions_summary(tiny, "UK").endswith("No year revised by 0.001 points or more.")
    real = Revisions("sipri", "GBR", (2022, 2023), ("2024-04", "2025-04"),
                     {"2024-04": (2.21, 2.2649), "2025-04": (2.20, 2.2306)}, (-0.01, -0.0343))
    # 2023 first (−0.034 is the larger), then 2022
    assert "Largest revisions: 2023: 2.26% in 2024-04 → 2.23% in 2025-04 (-0.034 points); 2022:" in \
        revisions_summary(real, "UK")
    bars = revisions_figure(tiny, "UK")["data"][-1]
    assert bars["x"] == [2022, 2023]  # 2024 has no older figure: no bar


# ---- the nowcast's backtest -------------------------------------------------------------------

def _nato_shares(table: pd.DataFrame, iso3: str) -> dict[int, float]:
    rows = table[(table["source"] == "nato") & (table["edition"] == "2024-06") & (table["iso3"] == iso3)
                 & (table["indicator"] == "milex_share_gdp")]
    return dict(zip(rows["year"].astype(int), rows["value"].astype(float)))


def test_backtest_baselines_worked_from_natos_figures(app_data):
    """Germany's carry-forward and trend errors from NATO's published shares (2022–2024: the years
    Eurostat's spending covers with the year before), without the model."""
    share = _nato_shares(app_data.table, "DEU")
    years = (2022, 2023, 2024)
    carry = sum(abs(share[y - 1] - share[y]) for y in years) / 3
    trend = sum(abs(2 * share[y - 1] - share[y - 2] - share[y]) for y in years) / 3
    table = app_data.sources.backtest_table.set_index("iso3")
    deu = table.loc["DEU"]
    assert (deu["country"], deu["years"], deu["n"]) == ("Germany", "2022–2024", 3)
    assert deu["mae_carry_forward_pp"] == pytest.approx(carry, abs=1e-4)
    assert deu["mae_trend_pp"] == pytest.approx(trend, abs=1e-4)
    assert bool(deu["beats_carry_forward"]) == (deu["mae_method_pp"] < deu["mae_carry_forward_pp"])
    assert deu["nowcast_year"] == 2025
    # every country, then the overall row over all their points
    assert table.index[-1] == "all" and table["n"].iloc[-1] == table["n"].iloc[:-1].sum()
    # Eurostat has no 2025 outturn for Spain and the Netherlands: their 2025 budgets give the nowcast
    assert set(table.index[:-1]) >= {"ESP", "NLD"}
    assert table.loc["ESP", "nowcast_year"] == 2025 and table.loc["NLD", "nowcast_year"] == 2025


def test_backtest_card_and_csv(page, app_data):
    layout = page.layout()
    text = str(layout.to_plotly_json())
    assert "How good is the nowcast? Its backtest" in text
    for header in ("MAE: nowcast", "MAE: carry-forward", "MAE: trend", "Bias: nowcast", "Coverage (90 % interval)",
                   "Beats carry-forward", "Newest nowcast"):
        assert header in text
    assert "in the backtest (a fresher source has their earlier years) but no nowcast" not in text  # all have one
    inputs = ("NATO (2024-06 edition); Eurostat (2026-04-27 edition); "
              "Government budgets (data/budgets.yaml, reviewed 2026-12-05)")
    assert inputs in text  # the inputs' editions
    assert "else the government's published budget (data/budgets.yaml, reviewed 2026-12-05)" in text
    out = table_csv("sources-backtest")
    lines = out["content"].splitlines()
    assert out["filename"] == "nowcast-backtest.csv"
    assert lines[0].startswith(f"# Source: {inputs}.")
    assert lines[1].split(",")[:6] == ["iso3", "country", "years", "n", "mae_method_pp", "mae_carry_forward_pp"]
    assert len(lines) == 2 + len(app_data.sources.backtest_table)
    assert lines[-1].startswith("all,All countries,2022–2024,")
    assert any(line.startswith("DEU,Germany,2022–2024,3,") and line.endswith(",2025," + line.split(",")[-1])
               for line in lines)  # the year as 2025, not 2025.0


def test_sources_page_data_age_lists_every_source(page, app_data):
    note = str(page.layout().to_plotly_json())
    for label in ("NATO: June 2024 edition", "SIPRI: April 2025 edition", "World Bank: February 2026 edition",
                  "Eurostat: April 2026 edition", "Kiel Institute: Release 29"):
        assert label in note
    assert "SIPRI: April 2024" not in note  # an older edition of a source: the newest one's age only
