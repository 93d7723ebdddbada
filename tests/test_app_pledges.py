"""Pledges page: layout with good, missing and hostile parameters; callbacks as plain functions."""

from __future__ import annotations

import pytest
from dash import html

from dashboard.app import create_app
from dashboard.figures.common import STATUS_COLOURS
from dashboard.views import data
from tests.conftest import card_csv, component_ids, table_csv, text_of
from tests.conftest import walk as _walk


@pytest.fixture(scope="module")
def page():
    """The pledges module, registered in an app on the embedded snapshot."""
    create_app()  # register_page needs an app; this also runs data.configure()
    data.configure()
    from dashboard.app.pages import pledges

    return pledges


@pytest.mark.parametrize("params", [
    {}, {"status": "off_track", "actor": "NATO", "q": "poland"},
    {"status": "<script>"}, {"status": ["met"]}, {"actor": "XXX"}, {"actor": "nato"},
    {"q": ["x"]}, {"q": "x" * 5000}, {"q": "<img src=x onerror=alert(1)>"}, {"other": "1"},
])
def test_layout_never_raises(page, params):
    layout = page.layout(**params)
    assert isinstance(layout, html.Div)
    ids = component_ids(layout)
    assert ids["pledges-status"].value in ("all", "met", "on_track", "off_track", "no_data", "history", "every")
    assert ids["pledges-actor"].value in ("all", *page.actors())
    assert isinstance(ids["pledges-q"].value, str) and len(ids["pledges-q"].value) <= page.MAX_QUERY


def test_layout_reads_params(page):
    ids = component_ids(page.layout(status="off_track", actor="NATO", q="  united   kingdom "))
    assert (ids["pledges-status"].value, ids["pledges-actor"].value, ids["pledges-q"].value) == (
        "off_track", "NATO", "united kingdom")
    ids = component_ids(page.layout(status="<script>", actor=["x"]))
    assert (ids["pledges-status"].value, ids["pledges-actor"].value) == ("all", "all")


def test_grid_is_sortable_filterable_and_safe(page):
    grid = component_ids(page.layout())["pledges-grid"]
    assert grid.defaultColDef == {"sortable": True, "filter": True, "resizable": True}
    assert grid.dangerously_allow_code is False
    country = grid.columnDefs[0]
    assert country["cellRenderer"] == "markdown"


def test_headings_and_labels(page):
    layout = page.layout()
    nodes = list(_walk(layout))
    assert sum(isinstance(n, html.H1) for n in nodes) == 1
    assert {n.htmlFor for n in nodes if isinstance(n, html.Label)} >= {"pledges-status", "pledges-actor", "pledges-q"}


def test_required_pledges_are_listed(page):
    rows, _count, *_ = page.update_pledges("all", "all", "")
    keys = {r["key"] for r in rows}
    assert {"gbr-2027-2.5|GBR", "nato-hague-2035-3.5-core|GBR"} <= keys
    assert any(r["iso3"] == "DEU" and r["actor"] == "DEU" for r in rows)
    assert any(r["iso3"] == "POL" and r["actor"] == "POL" for r in rows)
    # by default, pledges in force only: Sweden's 3.5 % by 2030 was replaced by "by 2032"
    assert len(rows) == sum(r.lifecycle == "active" for r in data.get().progress_rows)
    assert "swe-2032-3.5|SWE" in keys and "swe-2030-3.5|SWE" not in keys and "cze-2030-3|CZE" not in keys
    uk = next(r for r in rows if r["key"] == "gbr-2027-2.5|GBR")
    assert uk["country_link"] == "[United Kingdom](/country/GBR)"
    assert uk["target_year"] == 2027 and uk["target_text"] == "2.5% of GDP"
    # the UK's 2025-26 spending plan on NATO's definition (data/budgets.yaml), newer than NATO's 2024
    assert uk["latest_from"] == "2025-26: budget plan in force, 2.36 % of GDP (UK Defence Journal, undated); NATO's latest: 2024"
    assert uk["latest_text"] == "2.36% e"
    france = next(r for r in rows if r["key"] == "fra-2027-64bn|FRA")  # a money target, measured in money
    assert france["latest_text"] == "EUR 57.1bn e" and france["status"] == "on_track"
    assert france["latest_from"].startswith("2026: adopted budget")
    assert uk["source_link"].startswith("[gov.uk](https://")
    assert uk["money_gap_text"].startswith("GBP ")
    assert 0 < uk["progress_pct"] < 100


def test_status_filter(page):
    rows, count, *_ = page.update_pledges("off_track", "all", "")
    assert rows and {r["status"] for r in rows} == {"off_track"}
    assert str(len(rows)) in count
    expected = sum(r.status == "off_track" and r.lifecycle == "active" for r in data.get().progress_rows)
    assert len(rows) == expected


def test_actor_and_search_filters(page):
    rows, *_ = page.update_pledges("all", "NATO", "")
    assert rows and {r["actor"] for r in rows} == {"NATO"}
    rows, *_ = page.update_pledges("all", "all", "poland")
    assert rows and {r["iso3"] for r in rows} == {"POL"}
    rows, *_ = page.update_pledges("all", "all", "hague united kingdom")
    assert {r["id"] for r in rows} >= {"nato-hague-2035-3.5-core"} and {r["iso3"] for r in rows} == {"GBR"}
    rows, count, *_ = page.update_pledges("met", "all", "no such country")
    assert rows == [] and "No pledge matches" in count


def test_hostile_callback_inputs(page):
    for args in [("<script>", ["x"], 5), (None, None, None), ("met", "NATO", "x" * 10_000)]:
        rows, *_ = page.update_pledges(*args)
        assert isinstance(rows, list)
        assert page.sync_url(*args).startswith(("?", ""))


def test_status_chart(page):
    *_, fig, summary, source_text = page.update_pledges("all", "all", "")
    names = [t["name"] for t in fig["data"]]
    assert names == ["Met", "On track", "Off track", "No data"]
    assert [t["marker"]["color"] for t in fig["data"]] == [STATUS_COLOURS[s] for s in
                                                         ("met", "on_track", "off_track", "no_data")]
    hague = fig["data"][0]["y"].index(next(y for y in fig["data"][0]["y"] if "Hague" in y and "3.5%" in y))
    total = sum(t["x"][hague] for t in fig["data"])
    assert total == len(data.get().groups["NATO"].members_in(2025))
    assert "Hague" in summary and "edition" in source_text
    *_, fig, summary, _ = page.update_pledges("all", "GBR", "")  # national pledges only: friendly empty state
    assert fig["data"] == [] and "No alliance pledge" in summary


def test_url_sync(page):
    assert page.sync_url("off_track", "NATO", "united kingdom") == "?status=off_track&actor=NATO&q=united+kingdom"
    assert page.sync_url("all", "all", "") == ""


def test_csv_download(page):
    out = table_csv("pledges-table", None, status="off_track")
    lines = out["content"].splitlines()
    assert out["filename"] == "pledges.csv" and lines[0].startswith("# Source:")
    assert len(lines) == 2 + sum(r.status == "off_track" and r.lifecycle == "active" for r in data.get().progress_rows)
    assert "money_gap_lcu_bn" in lines[1] and "key" not in lines[1].split(",")
    shown = [{"key": "gbr-2027-2.5|GBR"}, {"key": "dnk-2025-3|DNK"}, {"key": "bogus"}]
    lines = table_csv("pledges-table", shown)["content"].splitlines()
    assert [line.split(",")[0] for line in lines[2:]] == ["gbr-2027-2.5", "dnk-2025-3"]
    status = card_csv("pledges-chart", "/pledges")
    assert "Hague" in status["content"] and status["filename"] == "alliance-pledge-status.csv"




def test_download_lines_equal_the_filtered_frame(page):
    import io

    import pandas as pd

    content = table_csv("pledges-table", None, q="Poland")["content"].splitlines()
    # Poland's pledges rest on its 2026 budget act (data/budgets.yaml), the others on NATO's figures
    assert content[0].startswith("# Source: Government budgets (pol-2026-adopted-special-funds in data/budgets.yaml, "
                                 "document of 2026-01-19)")
    assert "NATO (2024-06 edition)" in content[0]
    parsed = pd.read_csv(io.StringIO("\n".join(content[1:])))
    tracker = data.get().tracker
    expected = tracker.frame(tracker.matching("all", "all", "Poland"))
    assert parsed["id"].tolist() == expected["id"].tolist() and list(parsed.columns) == list(expected.columns)



def test_history_on_demand(page):
    rows, count, *_ = page.update_pledges("history", "all", "")
    by_key = {r["key"]: r for r in rows}
    assert {r["status"] for r in rows} == {"superseded", "lapsed"}
    sweden = by_key["swe-2030-3.5|SWE"]
    assert sweden["status_label"] == "Superseded" and "swe-2032-3.5" in sweden["status_reason"]
    czechia = by_key["cze-2030-3|CZE"]
    assert czechia["status_label"] == "Lapsed" and czechia["history_text"].startswith("Lapsed 11 Mar 2026: ")
    # Wales 2 % was superseded by Vilnius for every ally it bound
    assert all(r["status"] == "superseded" for r in rows if r["id"] == "nato-wales-2024-2")
    every, *_ = page.update_pledges("every", "all", "")
    current, *_ = page.update_pledges("all", "all", "")
    assert len(every) == len(current) + len(rows) == len(data.get().progress_rows)
    replaced = next(r for r in current if r["key"] == "swe-2032-3.5|SWE")
    assert replaced["history_text"] == "Replaces swe-2030-3.5"
    assert page.sync_url("history", "all", "") == "?status=history"


def test_history_section_lists_each_moved_pledge(page):
    section = next(n for n in _walk(page.layout()) if getattr(n, "id", None) == "pledges-history-title")
    assert section.children == "How pledges moved"
    text = text_of(page.layout())
    assert "lapsed on 11 March 2026" in text and "replaced on 19 June 2025 by" in text
    assert "Sweden: 3.5% of GDP on military defence by 2032 at the latest" in text


def test_rows_lead_with_headline_pledges_and_deadlines_to_come(page):
    rows, *_ = page.update_pledges("all", "all", "")
    first = [r["key"] for r in rows[:8]]
    # the registry marks six headline pledges; the UK's 2.5 % by 2027 is among the first rows
    assert "gbr-2027-2.5|GBR" in first[:6]
    years = [r["target_year"] for r in rows[:6]]
    assert years == sorted(years)  # headline pledges by deadline
    # a deadline already past comes after every pledge still to come
    position = {r["key"]: i for i, r in enumerate(rows)}
    assert position["dnk-2025-3|DNK"] > position["nato-hague-2035-3.5-core|GBR"]
    assert position["nato-wales-2024-equip20|BEL"] > position["dnk-2025-3|DNK"]  # national before alliance


def test_country_filter_in_the_url(page):
    ids = component_ids(page.layout(country="gbr"))
    assert ids["pledges-country"].value == "GBR"
    rows, count, *_ = page.update_pledges("all", "all", "", "GBR")
    assert rows and {r["iso3"] for r in rows} == {"GBR"}
    # the UK's own pledges and the alliance pledges binding it, in force (see data/pledges.yaml)
    assert {"gbr-2027-2.5", "gbr-2035-5-total", "nato-hague-2035-3.5-core"} <= {r["id"] for r in rows}
    assert page.sync_url("all", "all", "", "GBR") == "?country=GBR"
    assert component_ids(page.layout(country="<script>"))["pledges-country"].value == "all"
    assert card_csv("pledges-chart", "/pledges", country="GBR")["content"].startswith("# Source:")


def test_history_rows_are_not_counted_as_statuses(page):
    *_, fig, summary, _ = page.update_pledges("history", "all", "")
    assert fig["data"] == [] and "No alliance pledge" in summary


def test_status_chart_download_accepts_every_tracker_filter(page):
    for status in ("history", "every"):
        content = card_csv("pledges-chart", "/pledges", status=status)["content"]
        assert content.startswith("# Source:"), (status, content[:80])


def test_the_tracker_filtered_to_japan_and_to_the_indo_pacific_partners(page):
    """Japan's 2% brought forward to fiscal 2025, with its source; the Indo-Pacific partners' group
    filter gathers Japan, South Korea, Australia and New Zealand (Taiwan is not one of NATO's four)."""
    rows, *_ = page.update_pledges("all", "all", "", "JPN")
    japan = next(r for r in rows if r["key"] == "jpn-2025-2|JPN")
    assert japan["target_year"] == 2025 and japan["deadline_text"] == "FY2025" and japan["target_text"] == "2% of GDP"
    assert "newindianexpress.com" in japan["source_link"]
    assert {r["iso3"] for r in rows} == {"JPN"}
    rows, *_ = page.update_pledges("all", "all", "", "INDO_PACIFIC")
    assert {r["key"] for r in rows} >= {"jpn-2025-2|JPN", "kor-2035-3.5|KOR", "aus-2033-2.3|AUS", "nzl-2033-2|NZL"}
    assert {r["iso3"] for r in rows} == {"JPN", "KOR", "AUS", "NZL"}
    everyone, *_ = page.update_pledges("all", "all", "")
    assert {"twn-2026-3|TWN", "twn-2030-5|TWN", "nld-2030-2.8|NLD", "fra-2030-76.3bn|FRA"} <= {r["key"] for r in everyone}
    labels = {o["value"]: o["label"] for o in page.country_options()}
    assert labels["INDO_PACIFIC"].startswith("Indo-Pacific partners") and labels["JPN"] == "Japan"
