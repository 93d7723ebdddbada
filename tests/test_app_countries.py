"""Countries page (/countries): the list's rows (pure, on small inputs and on the snapshot),
the page's layout and callbacks as plain functions, and the page over HTTP."""

from __future__ import annotations

import csv
import io
import re

import pytest
from dash import html

from dashboard.app import create_app
from dashboard.model import Progress
from dashboard.views import data
from dashboard.views.countries import CountryList, country_row, from_text, headline_share
from dashboard.views.series import ShareSeries
from tests.conftest import component_ids, table_csv

THIS_YEAR = 2026


def _share(source: str, edition: str, years: tuple[int, ...], values: tuple[float, ...],
           estimate: tuple[bool, ...] | None = None) -> ShareSeries:
    return ShareSeries(source=source, edition=edition, price_base="current", years=years, values=values,
                       estimate=estimate or tuple(False for _ in years), flags=tuple("" for _ in years))


def _pledge(pid: str, actor: str, country: str, year: int, status: str = "off_track", by: str = "calendar_year",
            lifecycle: str = "active") -> Progress:
    return Progress(id=pid, actor=actor, country=country, title=f"{actor}: 2% by {year}", kind="share_gdp", target=2.0,
                    target_share_pct=2.0, target_year=year, by=by, basis="nato", scope="core",
                    commitment="commitment", status=status, status_reason="", lifecycle=lifecycle)


# ---- the list, on small inputs -----------------------------------------------------------------

NATO = _share("nato", "2024-06", (2023, 2024), (2.1, 2.3), (False, True))
SIPRI = _share("sipri", "2025-04", (2023, 2024), (2.0, 2.2))
WB = _share("worldbank", "2026-02-24", (2022,), (1.9,))
EUROSTAT = _share("eurostat", "2026-04-27", (2025,), (1.8,))


@pytest.mark.parametrize("series,expected", [
    ([SIPRI, NATO, WB], NATO),           # NATO's definition wherever NATO publishes the country
    ([WB, SIPRI], SIPRI),                # else SIPRI
    ([WB, EUROSTAT], WB),                # else the World Bank
    ([EUROSTAT], None),                  # Eurostat is not a baseline source for pledges
    ([], None),
])
def test_headline_share_prefers_nato_then_sipri_then_the_world_bank(series, expected):
    assert headline_share(series) == expected


def test_a_row_takes_the_latest_year_of_its_headline_source_and_flags_an_estimate():
    row = country_row("GBR", "United Kingdom", True, [SIPRI, NATO], [], frozenset(), frozenset(), THIS_YEAR)
    assert (row.share_pct, row.year, row.source, row.edition, row.estimate) == (2.3, 2024, "nato", "2024-06", True)
    assert from_text(row) == "NATO 2024-06 (estimate)"
    assert (row.pledges, row.first_pledge) == (0, "")


def test_the_first_pledge_is_the_headline_one_then_national_then_the_alliances():
    alliance = _pledge("nato-2035", "NATO", "GBR", 2035)
    floor = _pledge("nato-floor", "NATO", "GBR", 2024, status="met", by="every_year")
    national = _pledge("gbr-2034", "GBR", "GBR", 2034)
    headline = _pledge("gbr-2027", "GBR", "GBR", 2027)
    rows = [alliance, floor, national, headline]
    groups = frozenset({"NATO"})
    # the registry's headline pledge first, even with a later deadline
    first = country_row("GBR", "United Kingdom", True, [NATO], rows, groups, frozenset({"gbr-2034"}), THIS_YEAR)
    assert (first.pledges, first.first_pledge_id, first.first_status) == (4, "gbr-2034", "off_track")
    assert first.first_pledge == "GBR: 2% by 2034"
    # without a headline flag: the national pledge with the nearest deadline to come
    assert country_row("GBR", "United Kingdom", True, [NATO], rows, groups, frozenset(),
                       THIS_YEAR).first_pledge_id == "gbr-2027"
    # only alliance pledges: the alliance's floor (this year) comes before its 2035 target
    assert country_row("ALB", "Albania", True, [NATO], [alliance, floor], groups, frozenset(),
                       THIS_YEAR).first_pledge_id == "nato-floor"


def test_a_status_says_which_figure_it_rests_on():
    plain = _pledge("gbr-2027", "GBR", "GBR", 2027)
    plain.latest_source, plain.latest_edition, plain.latest_year, plain.latest_is_estimate = "nato", "2024-06", 2024, True
    plain.status_reason = "latest rise +0.03 pp < required 0.06 pp a year"
    row = country_row("GBR", "United Kingdom", True, [NATO], [plain], frozenset(), frozenset(), THIS_YEAR)
    assert row.status_basis == "NATO 2024-06, 2024 (estimate)"
    cast = _pledge("deu-2029", "DEU", "DEU", 2029)
    cast.latest_source, cast.latest_note = "nowcast", "2025: nowcast from Eurostat's April 2026 outturn"
    row = country_row("DEU", "Germany", True, [NATO], [cast], frozenset(), frozenset(), THIS_YEAR)
    assert row.status_basis == "2025: nowcast from Eurostat's April 2026 outturn"
    assert row.source == "nato"  # the share shown stays NATO's published figure
    tip = CountryList.build(["DEU"], lambda c: "Germany", lambda c: [NATO], {"DEU": [cast]}, frozenset(),
                            frozenset(), THIS_YEAR).records[0]["status_tip"]
    assert tip == "rests on 2025: nowcast from Eurostat's April 2026 outturn"


def _small_list() -> CountryList:
    names = {"GBR": "United Kingdom", "CHN": "China", "ISL": "Iceland", "ALB": "Albania"}
    shares = {"GBR": [NATO, SIPRI], "CHN": [SIPRI], "ALB": [NATO]}
    progress = {"GBR": [_pledge("gbr-2027", "GBR", "GBR", 2027)], "ISL": [_pledge("nato-2035", "NATO", "ISL", 2035)],
                "ALB": []}
    return CountryList.build(["GBR", "CHN", "ALB"], names.__getitem__, lambda c: shares.get(c, []), progress,
                             frozenset({"NATO"}), frozenset(), THIS_YEAR)


def test_the_list_has_every_country_with_a_share_and_every_country_a_pledge_binds_by_name():
    found = _small_list()
    assert [r.iso3 for r in found.rows] == ["ALB", "CHN", "ISL", "GBR"]  # Albania, China, Iceland, United Kingdom
    links = {r["iso3"]: r["country_link"] for r in found.records}
    assert links["GBR"] == "[United Kingdom](/country/GBR)"
    # no share of GDP, so no country page: its pledges in the tracker instead
    assert links["ISL"] == "[Iceland](/pledges?country=ISL)"
    iceland = found.records[found.keys["ISL"]]
    assert (iceland["share_pct"], iceland["share_text"], iceland["from_text"], iceland["pledges"]) == (
        None, "—", "no share of GDP published", 1)
    china = found.records[found.keys["CHN"]]
    assert (china["share_text"], china["from_text"], china["first_pledge"]) == ("2.20%", "SIPRI 2025-04", "—")


def test_search_matches_every_word_in_names_codes_sources_and_pledges():
    found = _small_list()
    names = lambda q: [found.rows[i].iso3 for i in found.matching(q)]  # noqa: E731
    assert names("") == ["ALB", "CHN", "ISL", "GBR"]
    assert names("KINGDOM united") == ["GBR"]
    assert names("chn") == ["CHN"]
    assert names("sipri") == ["CHN"]              # its share's source
    assert names("nato-2035") == []               # ids are not shown, titles are
    assert names("nato: 2% by 2035") == ["ISL"]
    assert names("nowhere") == []


def test_csv_starts_with_its_sources_and_keeps_the_rows_order():
    found = _small_list()
    keep = [found.keys["GBR"], found.keys["CHN"]]
    text = found.csv(keep)
    first, rest = text.split("\n", 1)
    assert first == ("# Source: NATO (2024-06 edition); SIPRI (2025-04 edition). Share of GDP: NATO's definition "
                     "where NATO publishes the country, else SIPRI's; e = estimate. Pledges: data/pledges.yaml, "
                     "those in force; a status may rest on a later figure (this dashboard's nowcast), named with "
                     "it.")
    rows = list(csv.DictReader(io.StringIO(rest)))
    assert [r["iso3"] for r in rows] == ["GBR", "CHN"]
    assert rows[0] == {"iso3": "GBR", "country": "United Kingdom", "share_gdp_pct": "2.3", "year": "2024",
                       "estimate": "True", "source": "nato", "edition": "2024-06", "pledges_in_force": "1",
                       "first_pledge_id": "gbr-2027", "first_pledge": "GBR: 2% by 2027",
                       "first_pledge_status": "off_track", "first_pledge_status_rests_on": ""}


def test_shown_rows_are_each_read_once_and_only_if_known():
    found = _small_list()
    shown = [{"iso3": "GBR"}] * 10_000 + [{"iso3": "XXX"}, "junk", {"iso3": ["CHN"]}, {"iso3": "CHN"}]
    assert [found.rows[i].iso3 for i in found.shown_positions(shown)] == ["GBR"]  # the cap stops at 5,000 rows
    assert [found.rows[i].iso3 for i in found.shown_positions([{"iso3": "CHN"}, {"iso3": "GBR"}])] == ["CHN", "GBR"]


# ---- the list, on the embedded snapshot ---------------------------------------------------------

@pytest.fixture(scope="module")
def snapshot_list():
    return data.get().country_list


def test_every_country_with_a_share_is_listed(snapshot_list):
    app = data.get()
    listed = {r.iso3 for r in snapshot_list.rows}
    assert set(app.country_codes) <= listed
    assert len(app.country_codes) >= 160
    assert listed - set(app.country_codes) == {"ISL"}  # a NATO ally without armed forces: no share


def test_nato_figures_for_natos_allies_sipri_for_the_rest(snapshot_list):
    """Checked against the table itself, not the panel the list reads."""
    table = data.get().table
    shares = table[table["indicator"] == "milex_share_gdp"]
    nato = shares[(shares["source"] == "nato") & (shares["edition"] == shares.loc[shares["source"] == "nato",
                                                                                  "edition"].max())]
    nato_codes = set(nato["iso3"]) - {"NATO", "NATO_EUR_CAN"}
    by_code = {r.iso3: r for r in snapshot_list.rows}
    assert {c for c, r in by_code.items() if r.source == "nato"} == nato_codes
    for code in nato_codes:
        latest = nato[nato["iso3"] == code].sort_values("year").iloc[-1]
        assert (by_code[code].year, by_code[code].share_pct, by_code[code].estimate) == (
            int(latest["year"]), float(latest["value"]), bool(latest["estimate"]))
    china = shares[(shares["source"] == "sipri") & (shares["edition"] == "2025-04") & (shares["iso3"] == "CHN")]
    latest = china.sort_values("year").iloc[-1]
    assert (by_code["CHN"].source, by_code["CHN"].edition, by_code["CHN"].year) == ("sipri", "2025-04",
                                                                                     int(latest["year"]))
    assert by_code["CHN"].share_pct == pytest.approx(float(latest["value"]))


def test_the_uk_row_reads_as_the_readme_says(snapshot_list):
    uk = snapshot_list.records[snapshot_list.keys["GBR"]]
    # README: `pledges --country GBR` lists nine pledges in force, latest 2.33e (2024), NATO 2024-06
    assert (uk["share_text"], uk["year"], uk["from_text"], uk["pledges"]) == (
        "2.33% e", 2024, "NATO 2024-06 (estimate)", 9)
    assert uk["first_pledge"] == "UK: 2.5% of GDP on defence from April 2027"  # the registry's headline pledge
    # on the government's 2027-28 plan (2.60 %, data/budgets.yaml); its tooltip says so
    assert uk["status_label"] == "On track" and "2027-28 budget plan" in uk["status_tip"]


# ---- the page ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def page():
    """The countries module, registered in an app on the embedded snapshot."""
    create_app()
    from dashboard.app.pages import countries

    return countries


@pytest.mark.parametrize("params", [
    {}, {"q": "poland"}, {"q": ["x"]}, {"q": "x" * 5000}, {"q": "<img src=x onerror=alert(1)>"}, {"q": None},
    {"other": "1"}, {"q": 3},
])
def test_layout_never_raises(page, params):
    layout = page.layout(**params)
    assert isinstance(layout, html.Div)
    q = component_ids(layout)["countries-q"].value
    assert isinstance(q, str) and len(q) <= page.MAX_QUERY


def test_layout_filters_by_the_urls_search(page):
    ids = component_ids(page.layout(q="  poland "))
    assert ids["countries-q"].value == "poland"
    assert [r["iso3"] for r in ids["countries-grid"].rowData] == ["POL"]
    total = len(data.get().country_list.rows)
    assert ids["countries-count"].children == f"Showing 1 of {total} countries."
    assert ids["countries-source"].children.startswith("Source: NATO (2024-06 edition).")
    every = component_ids(page.layout())["countries-grid"].rowData
    assert len(every) == total


def test_grid_pins_the_country_and_is_sortable_and_safe(page):
    grid = component_ids(page.layout())["countries-grid"]
    assert {k: grid.defaultColDef[k] for k in ("sortable", "filter", "resizable")} == {
        "sortable": True, "filter": True, "resizable": True}
    assert grid.dangerously_allow_code is False
    first = grid.columnDefs[0]
    assert (first["field"], first["pinned"], first["cellRenderer"]) == ("country_link", "left", "markdown")
    assert grid.columnDefs[1]["field"] == "share_pct"  # beside the pinned column: visible on a phone


def test_headings_and_labels(page):
    layout = page.layout()
    nodes = _walk(layout)
    assert sum(isinstance(n, html.H1) for n in nodes) == 1
    assert "countries-q" in {n.htmlFor for n in nodes if isinstance(n, html.Label)}


def test_search_callback_filters_and_keeps_the_search_in_the_url(page):
    rows, count, source, search = page.update_countries("germany")
    assert [r["iso3"] for r in rows] == ["DEU"]
    assert count.startswith("Showing 1 of ")
    assert source.startswith("Source: NATO (2024-06 edition).")
    assert search == "?q=germany"
    rows, count, _source, search = page.update_countries("")
    assert len(rows) == len(data.get().country_list.rows) and search == ""
    rows, count, source, _ = page.update_countries("no such country")
    assert rows == [] and count.startswith("No country matches") and source == (
        "Source: —. " + source.split("Source: —. ", 1)[1])
    rows, *_ = page.update_countries({"not": "text"})
    assert len(rows) == len(data.get().country_list.rows)


def test_csv_download_follows_the_grid_or_the_search(page):
    shown = [{"iso3": "POL"}, {"iso3": "DEU"}]
    out = table_csv("countries", shown)
    assert (out["filename"], out["type"]) == ("countries.csv", "text/csv")
    lines = out["content"].splitlines()
    assert lines[0].startswith("# Source: NATO (2024-06 edition)")
    assert [line.split(",")[0] for line in lines[2:]] == ["POL", "DEU"]
    by_search = table_csv("countries", None, q="united kingdom")["content"].splitlines()
    assert [line.split(",")[0] for line in by_search[2:]] == ["GBR"]


# ---- over HTTP ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client():
    return create_app().server.test_client()


def test_countries_answers_200_with_the_grid_bundle_and_its_copy(client):
    resp = client.get("/countries")
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    # listed for static_copy/hydrate.js (loaded on the first interaction)
    assert '<script type="text/plain" class="dash-script" data-src="/_dash-component-suites/dash_ag_grid/' in body
    assert "<h1>Countries</h1>" in body
    assert '<meta property="og:title" content="Countries — defence spending">' in body


def test_navigation_links_to_the_list_and_loads_it_afresh(client):
    body = client.get("/").get_data(as_text=True)
    assert re.search(r'<a class="nav-link" href="/countries">Countries</a>', body)
    from dashboard.app.layout import NAV

    assert ("/countries", "Countries") in NAV
    from dashboard.app.index import link

    assert link("Countries", "/countries").refresh is True  # the grid's bundle comes with the page


def test_a_hostile_search_is_escaped_in_the_copy(client):
    body = client.get("/countries?q=%3Cscript%3Ealert(1)%3C/script%3E").get_data(as_text=True)
    copy = body.split('<div class="prerender">', 1)[1].split('id="react-entry-point"', 1)[0]
    assert "<script" not in copy.lower()
    assert "No country matches this search" in copy


def _walk(node) -> list:
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        if isinstance(n, (list, tuple)):
            stack.extend(n)
            continue
        out.append(n)
        children = getattr(n, "children", None)
        if children is not None and not isinstance(children, str):
            stack.append(children)
    return out
