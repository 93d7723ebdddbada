"""Data by command and by URL: the same tidy rows, every chart's data, bounded and checked.

The expected UK figure is SIPRI's own, read off the April 2025 file by hand (SOURCES.md:
Share of GDP 2024 = 0.022786178, i.e. 2.2786 % of GDP).
"""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from click.testing import CliRunner

from dashboard.app import create_app
from dashboard.cli import main

UK_FILTER = ["--source", "sipri", "--iso3", "GBR", "--indicator", "milex_share_gdp"]
UK_QUERY = "source=sipri&iso3=GBR&indicator=milex_share_gdp"


@pytest.fixture(scope="module")
def client():
    app = create_app()
    c = app.server.test_client()
    c.get("/")
    return c


def test_data_command_prints_the_uk_share(tmp_path):
    result = CliRunner().invoke(main, ["data", *UK_FILTER, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    uk_2024 = [r for r in rows if r["year"] == 2024 and r["edition"] == "2025-04"]
    assert len(uk_2024) == 1 and round(uk_2024[0]["value"], 4) == 2.2786
    assert {r["source"] for r in rows} == {"sipri"} and {r["iso3"] for r in rows} == {"GBR"}
    assert set(rows[0]) == {"source", "edition", "iso3", "country", "year", "month", "indicator", "value", "unit",
                            "price_base", "estimate", "flags", "retrieved"}
    out = tmp_path / "uk.parquet"
    assert CliRunner().invoke(main, ["data", *UK_FILTER, "--format", "parquet", "--out", str(out)]).exit_code == 0
    assert len(pd.read_parquet(out)) == len(rows)


def test_the_url_gives_the_same_rows_as_the_command(client):
    command = CliRunner().invoke(main, ["data", *UK_FILTER]).stdout
    resp = client.get(f"/data/observations.csv?{UK_QUERY}")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert resp.get_data(as_text=True) == command
    as_json = client.get(f"/data/observations.json?{UK_QUERY}").get_json()
    assert len(as_json) == len(pd.read_csv(io.StringIO(command)))


def test_years_and_several_codes(client):
    rows = pd.read_csv(io.StringIO(client.get("/data/observations.csv?source=nato&iso3=GBR,POL"
                                               "&indicator=milex_share_gdp&years=2020-2022").get_data(as_text=True)))
    assert set(rows["iso3"]) == {"GBR", "POL"} and set(rows["year"]) == {2020, 2021, 2022}
    assert len(rows) == 6  # one NATO edition: 2 countries × 3 years


@pytest.mark.parametrize("query,message", [
    ("source=nope", "source: 'nope' is not in the snapshot"),
    ("iso3=XXX&source=sipri", "iso3: 'XXX' is not in the snapshot"),
    ("years=2024-2000&source=nato", "years: 2024 is after 2000"),
    ("years=soon", "years: give a year"),
    ("colour=red", "unknown filter 'colour'"),
])
def test_bad_or_unbounded_filters_are_one_line_400(client, query, message):
    resp = client.get(f"/data/observations.csv?{query}")
    assert resp.status_code == 400
    text = resp.get_data(as_text=True)
    assert text.count("\n") == 1 and message in text


def test_answers_carry_an_etag_and_a_repeat_gets_304(client):
    first = client.get(f"/data/observations.csv?{UK_QUERY}")
    again = client.get(f"/data/observations.csv?{UK_QUERY}", headers={"If-None-Match": first.headers["ETag"]})
    assert first.headers["ETag"] and again.status_code == 304 and not again.get_data()
    assert "max-age" in first.headers["Cache-Control"]


def test_unknown_chart_and_format(client):
    assert client.get("/data/nope.csv").status_code == 404
    assert client.get("/data/observations.xml?source=nato").status_code == 404


# Every chart card: the page it is on, that page's URL query, and the chart it draws.
CARDS = [
    ("overview-map", "/", "year=2020&source=nato", "map", "year=2020&source=nato"),
    ("overview-ranking", "/", "year=2024&source=sipri", "ranking", "year=2024&source=sipri"),
    ("overview-allies", "/", "", "allies-at-target", ""),
    ("country-share", "/country/POL", "from=2000", "country-share", "country=POL&from=2000"),
    ("country-gap", "/country/DEU", "", "money-gap", "country=DEU"),
    ("country-spend", "/country/GBR", "measure=usd&from=2010", "spending", "country=GBR&measure=usd&from=2010"),
    ("pledges-chart", "/pledges", "status=off_track&actor=NATO", "pledge-status", "status=off_track&actor=NATO"),
    ("compare-chart", "/compare", "countries=GBR,FRA&indicator=milex_usd&source=nato&chart=bars&base=2014",
     "compare", "countries=GBR,FRA&indicator=milex_usd&source=nato&chart=bars&base=2014"),
    ("scenarios-chart", "/scenarios", "group=EU27&target=3&year=2030&growth=2", "scenario",
     "group=EU27&target=3&year=2030&growth=2"),
    ("sources-reconcile", "/sources", "country=ITA&year=2022", "reconcile", "country=ITA&year=2022"),
    ("sources-revisions", "/sources", "country=GBR&revisions=worldbank", "revisions",
     "country=GBR&revisions=worldbank"),
    ("ukraine-regions", "/ukraine", "aid=total&by=month", "ukraine-regions", "aid=total&by=month"),
    ("ukraine-donors", "/ukraine", "aid=military&measure=gdp&period=2025", "ukraine-donors",
     "aid=military&measure=gdp&period=2025"),
    ("ukraine-sourcing", "/ukraine", "", "ukraine-sourcing", ""),
    ("ukraine-weapons", "/ukraine", "weapons=value", "ukraine-weapons", "weapons=value"),
    ("country-ukraine", "/country/DNK", "", "ukraine-donor", "country=DNK"),
]


@pytest.mark.parametrize("card,path,search,chart,query", CARDS, ids=[c[0] for c in CARDS])
def test_every_card_csv_is_at_data_chart_csv(client, card, path, search, chart, query):
    from dashboard.app import cards

    button = cards.card_csv(card, path, f"?{search}" if search else "")
    served = client.get(f"/data/{chart}.csv?{query}")
    assert served.status_code == 200
    assert served.get_data(as_text=True) == button["content"]
    assert button["content"].startswith("# Source: ")
    assert len(pd.read_csv(io.StringIO(button["content"]), skiprows=1)) >= 1


def test_a_chart_answer_is_bounded_by_the_data(client):
    resp = client.get("/data/compare.csv?countries=" + ",".join(["GBR"] * 40) + "&indicator=milex_share_gdp")
    assert resp.status_code == 400 and "at most 12 countries" in resp.get_data(as_text=True)
    whole = client.get("/data/ranking.csv?source=sipri&year=2024&group=all")
    assert len(whole.get_data()) < 50_000


def test_the_governments_budgets_by_url_and_by_command(client):
    """/data/observations.csv?source=national serves the registry's rows; `budgets --json` lists the figures."""
    rows = pd.read_csv(io.StringIO(client.get("/data/observations.csv?source=national&iso3=POL")
                                   .get_data(as_text=True)))
    act = rows[rows["edition"] == "2026-01-19 pol-2026-adopted-special-funds"]
    # Polskie Radio, 19 Jan 2026: PLN 200 billion, 4.81 % of GDP
    assert sorted(zip(act["indicator"], act["value"])) == [("milex_lcu", 200_000.0), ("milex_share_gdp", 4.81)]
    assert set(act["flags"]) == {"stage=adopted definition=core_special_funds"}
    result = CliRunner().invoke(main, ["budgets", "--country", "POL", "--json"])
    assert result.exit_code == 0, result.stderr
    figures = {f["id"]: f for f in json.loads(result.stdout)}
    poland = figures["pol-2026-adopted-special-funds"]
    for key in ("iso3", "fiscal_year", "stage", "amount", "currency", "unit", "share_gdp", "share_gdp_stated",
                "definition", "document"):
        assert key in poland
    assert (poland["amount"], poland["currency"], poland["unit"], poland["share_gdp"]) == (200, "PLN", "billion", 4.81)
    assert poland["document"]["date"] == "2026-01-19" and poland["document"]["kind"] == "news"
    # a share the document does not state is computed, and says so
    computed = figures["pol-2024-adopted-core"]
    assert computed["share_gdp_stated"] is None and computed["share_gdp_method"].startswith("computed: 118,100 ÷ GDP")
    assert len({r["edition"] for _, r in rows.iterrows()}) == len(figures)  # one edition per figure
    bad = CliRunner().invoke(main, ["budgets", "--country", "ATA"])
    assert bad.exit_code == 1 and bad.stderr.strip() == (
        "error: no published budget figure for ATA in the snapshot (data/budgets.yaml)")


def test_data_cli_gives_a_charts_table_as_the_url_does(client):
    """`data --chart ukraine-promised` is GET /data/ukraine-promised.csv, byte for byte; a bad
    chart or parameter is one line."""
    result = CliRunner().invoke(main, ["data", "--chart", "ukraine-promised"])
    assert result.exit_code == 0
    assert result.stdout == client.get("/data/ukraine-promised.csv").get_data(as_text=True)
    assert "gbr-2024-3bn-a-year,GBR,United Kingdom" in result.stdout
    bad = CliRunner().invoke(main, ["data", "--chart", "ukraine-donors", "-p", "measure=bitcoin"])
    assert bad.exit_code != 0 and "measure: 'bitcoin'" in bad.output and "Traceback" not in bad.output
