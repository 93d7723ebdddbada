"""Country page: layout and callbacks called as plain functions (no browser)."""

from __future__ import annotations

import dash
import pytest

from dashboard.app import create_app
from tests.conftest import card_csv, component_ids


@pytest.fixture(scope="module")
def page():
    create_app()  # registers the pages; data from the embedded snapshot
    from dashboard.app.pages import country

    return country


def _names(figure: dict) -> list[str]:
    return [t.get("name", "") for t in figure["data"]]


def test_uk_share_chart_has_each_source_and_the_pledge(page):
    share, summary, source, notes, drawn, claim = page.update_share("GBR", 1990)
    assert drawn == "GBR"  # a new country: the rest of the page follows
    assert claim is dash.no_update  # no claim to clear
    assert page.update_share("GBR", 2000, ["on"], None, "GBR")[4] is dash.no_update  # a new year: it does not
    title, headline, low, high, budgets, gap, gap_summary, gap_source, *_ = page.update_rest("GBR")
    assert title == "United Kingdom" and low < 1990 < high and budgets
    names = _names(share)
    assert "NATO (2024-06)" in names and "SIPRI (2025-04)" in names
    assert "World Bank (2026-02-24), under SIPRI's line" in names  # the World Bank republishes SIPRI's shares
    uk = next(t for t in share["data"] if t["name"].startswith("2.5% by 2027"))
    assert uk["x"][-1] == 2027 and uk["y"][-1] == 2.5          # the path ends at the target
    nato = next(t for t in share["data"] if t["name"] == "NATO (2024-06)")
    assert nato["x"][0] == 2014 and nato["x"][-1] == 2022      # actual years; 2023e–2024e dotted
    dotted = next(t for t in share["data"] if t["name"] == "NATO estimate")
    assert dotted["x"] == [2022, 2023, 2024] and dotted["line"]["dash"] == "dot"
    assert "NATO: 2.33% in 2024 (estimate)" in summary
    assert "NATO (2024-06 edition)" in source and "SIPRI (2025-04 edition)" in source
    assert any("GBP" in s for s in [gap["layout"]["xaxis"]["title"]["text"]])
    assert "bn GBP a year in 2027" in gap_summary


def test_a_chart_the_browser_draws_itself_is_not_sent_again(page):
    """assets/country-switch.js claims the share chart for the controls it draws it for (as
    /figure/country-share.json reads them): the answer for those controls leaves the figure out
    and clears the claim; for other controls (the year changed since) the figure is sent."""
    claim = {"country": "FIN", "from": "2000", "events": "on"}
    figure, summary, _, _, drawn, cleared = page.update_share("FIN", 2000, ["on"], None, "GBR", claim)
    assert figure is dash.no_update and cleared is None
    assert "Finland" in summary and drawn == "FIN"   # the rest of the answer is as always
    # the same controls spelled as the page's inputs give them (a number, a checklist)
    assert page.update_share("FIN", "2000", ["on"], None, "GBR", claim)[0] is dash.no_update
    for other in ({"country": "FIN", "from": "2010", "events": "on"},   # another first year
                  {"country": "FIN", "from": "2000", "events": "off"},  # events switched off
                  {"country": "SWE", "from": "2000", "events": "on"},   # another country
                  {"country": "<b>", "from": "x"}, "FIN"):              # nonsense
        figure, *_, cleared = page.update_share("FIN", 2000, ["on"], None, "GBR", other)
        assert figure["data"] and cleared is None, other
    # a retry (the browser's own draw failed) after the claim was cleared: the figure comes
    assert page.update_share("FIN", 2000, ["on"], 1, "FIN", None)[0]["data"]


def test_figure_route_sends_what_the_callback_would(page):
    """GET /figure/country-share.json: the callback's own figure for the same controls; a year
    out of range clipped as the page clips it; an unknown code a one-line 404; a repeat with
    its ETag a 304; its answers kept within their byte bound."""
    import json

    from dashboard.app.server import figure_routes

    app = create_app()
    client = app.server.test_client()
    answer = client.get("/figure/country-share.json?country=FIN&from=2000&events=off")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    sent = json.loads(answer.data)
    expected = page.update_share("FIN", 2000, [])[0]
    assert [t["name"] for t in sent["data"]] == [t["name"] for t in expected["data"]]
    sipri = next(t for t in sent["data"] if t["name"].startswith("SIPRI"))
    assert sipri["x"][0] == 2000 and not sent["layout"].get("shapes")   # from 2000, no events
    assert sipri["y"] == next(t for t in expected["data"] if t["name"] == sipri["name"])["y"]
    low = json.loads(client.get("/figure/country-share.json?country=fin&from=1200").data)
    assert min(min(t["x"]) for t in low["data"] if t.get("x")) >= 1949      # clipped to the data's years
    missing = client.get("/figure/country-share.json?country=" + "Z" * 400)
    assert missing.status_code == 404 and missing.data.count(b"\n") == 1 and len(missing.data) < 100
    again = client.get("/figure/country-share.json?country=FIN&from=2000&events=off",
                       headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304
    kept = app.server.extensions["dashboard_figure_cache"]
    for code in page.data.get().country_codes[:40]:
        assert client.get(f"/figure/country-share.json?country={code}").status_code == 200
    assert 0 < kept.size <= figure_routes.CACHE_BYTES and len(kept) > 10


def test_start_year_cuts_every_series(page):
    share = page.update_share("GBR", 2015)[0]
    data_traces = [t for t in share["data"] if "by 20" not in t["name"]]
    assert min(min(t["x"]) for t in data_traces if t["x"]) == 2015


@pytest.mark.parametrize("code,start", [("<script>", "abc"), (None, None), ("ZZZ", "-1e309"), ("gbr", 99999),
                                        ("GBR" * 1000, [1, 2]), (42, {"a": 1})])
def test_hostile_inputs_fall_back_quietly(page, code, start):
    share = page.update_share(code, start)[0]
    assert share["data"]  # falls back to GBR / default years, never raises


def test_layout_validates_url_parameters(page):
    assert page.layout(iso3="XYZ").children[0].children == "Country not found"
    assert page.layout(iso3="../../etc/passwd").children[0].children == "Country not found"
    good = page.layout(iso3="pol", **{"from": "2000", "measure": "usd"})
    assert component_ids(good)["country-select"].value == "POL"
    assert component_ids(good)["country-from"].value == 2000 and component_ids(good)["country-measure"].value == "usd"
    odd = page.layout(iso3="POL", **{"from": "<b>", "measure": "bitcoin"})
    assert component_ids(odd)["country-from"].value == page.DEFAULT_FROM and component_ids(odd)["country-measure"].value == "lcu"


def test_spending_measures(page):
    lcu = page.update_spending("GBR", "lcu", 2000)[0]
    assert lcu["layout"]["yaxis"]["title"]["text"] == "GBP billion"
    constant = page.update_spending("GBR", "usd_constant", 2000)[0]
    assert any("constant" in t["name"] for t in constant["data"])
    assert page.update_spending("GBR", "nonsense", 2000)[0]["layout"]["yaxis"]["title"]["text"] == "GBP billion"


def test_spending_summary_names_publishers_as_readers_know_them(page):
    """Display names and the measure as written ("US$", not "us$"; "NATO", not "nato")."""
    summary = page.update_spending("GBR", "usd", 2000)[1]
    assert summary == ("United Kingdom: defence spending in US$ (current prices), NATO 2024-06; SIPRI 2025-04.")
    assert "national currency (current prices)" in page.update_spending("GBR", "lcu", 2000)[1]


def test_url_sync_and_downloads(page):
    # the URL, and the same URL as the one the page shows (the router then leaves the page in place)
    assert page.sync_url("DEU", 2000, "usd", ["on"]) == ("/country/DEU?from=2000&measure=usd",) * 2
    assert page.sync_url("<x>", "abc", "zzz", ["on"])[0] == "/country/GBR?from=1990&measure=lcu"
    # the events toggle unticked is kept in the URL; anything odd counts as on
    assert page.sync_url("DEU", 2000, "usd", [])[0] == "/country/DEU?from=2000&measure=usd&events=off"
    assert page.sync_url("DEU", 2000, "usd", "<x>")[0] == "/country/DEU?from=2000&measure=usd"
    csv = card_csv("country-share", "/country/GBR", **{"from": 2020})
    assert csv["filename"] == "GBR-share-of-gdp.csv" and csv["content"].startswith("# Source: ")
    lines = csv["content"].splitlines()
    assert lines[1].startswith("source,edition,year,share_of_gdp_pct,estimate")
    assert all(int(line.split(",")[2]) >= 2020 for line in lines[2:])
    gaps = card_csv("country-gap", "/country/GBR")["content"]
    assert "gbr-2027-2.5" in gaps and "GBP" in gaps and "trailing 5-year" in gaps


def test_events_on_the_share_chart_are_switchable(page):
    """The full-scale invasion (24 Feb 2022, data/events.yaml) is marked on the share chart
    unless the toggle is off; the UK's own pledge event only on the UK's chart."""
    on = page.update_share("GBR", 1990, ["on"])
    off = page.update_share("GBR", 1990, [])
    assert "invasion" in on[1].lower() and "invasion" not in off[1].lower()
    shapes_on = len(on[0].get("layout", {}).get("shapes", []))
    shapes_off = len(off[0].get("layout", {}).get("shapes", []))
    assert shapes_on > shapes_off
    layout = page.layout("GBR", events="off")
    assert component_ids(layout)["country-events"].value == []
