"""Every page in a real browser: renders, its main interaction, URL round trip, clean console.

(The country page has its own file; the `page` fixture fails a test on any console error.)
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import wait_for_charts

PAGES = [("/", "Defence spending and pledges"), ("/pledges", "Pledge tracker"), ("/compare", None),
         ("/scenarios", None), ("/sources", "Sources and editions")]


@pytest.mark.parametrize("path,title", PAGES, ids=[p for p, _ in PAGES])
def test_page_renders_with_charts_and_one_h1(page, path, title):
    page.goto(path)
    wait_for_charts(page, 1)
    assert page.locator("h1").count() == 1
    if title:
        assert page.locator("h1").inner_text() == title
    assert page.locator(".card .source-line").first.inner_text().startswith("Source: ")


def test_overview_region_and_year_live_in_the_url(page):
    page.goto("/?year=2020&source=nato")
    wait_for_charts(page, 3)
    assert "in 2020" in page.locator("#overview-headline").inner_text()
    page.locator("#overview-region label", has_text="Europe").click()
    page.wait_for_url(re.compile(r"region=europe"))
    assert "year=2020" in page.url and "source=nato" in page.url
    page.go_back()
    page.wait_for_url(lambda url: "region=europe" not in url)


def test_pledges_lists_the_key_pledges_and_search_filters(page):
    page.goto("/pledges")
    page.wait_for_selector(".ag-row")
    grid = page.locator("#pledges-grid")
    page.fill("#pledges-q", "United Kingdom")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=United"))
    page.locator("#pledges-grid .ag-row").first.wait_for()
    text = grid.inner_text()
    assert "UK: 2.5% of GDP on defence from April 2027" in text
    for query_text, expected in (("Germany", "Germany"), ("Poland", "Poland"), ("Hague", "3.5%")):
        page.goto(f"/pledges?q={query_text}")
        page.wait_for_selector("#pledges-grid .ag-row")
        assert expected in grid.inner_text()


def test_compare_url_round_trip_and_base_year(page):
    page.goto("/compare?countries=GBR,DEU&indicator=milex_share_gdp&source=sipri")
    wait_for_charts(page, 1)
    legend = page.locator(".js-plotly-plot .legend").first.text_content()
    assert "United Kingdom" in legend and "Germany" in legend and "France" not in legend
    box = page.locator("#compare-base")
    box.fill("2014")
    box.press("Enter")
    page.wait_for_url(re.compile(r"base=2014"))
    assert "countries=GBR,DEU" in page.url


def test_scenarios_target_changes_the_url_and_summary(page):
    page.goto("/scenarios?group=LONDON_2025")
    wait_for_charts(page, 1)
    box = page.locator("#scenarios-target")
    box.fill("3")
    box.press("Enter")
    page.wait_for_url(re.compile(r"target=3(\b|&|$)"))
    page.get_by_text("3% of GDP").first.wait_for()
    page.go_back()
    page.wait_for_url(lambda url: "target=3&" not in url and not url.endswith("target=3"))


def test_sources_reconciliation_from_the_url(page):
    page.goto("/sources?country=DEU&year=2022")
    wait_for_charts(page, 2)
    assert "Germany, 2022" in page.locator("body").inner_text()
    box = page.locator("#sources-year")
    box.fill("2021")
    box.press("Enter")
    page.wait_for_url(re.compile(r"year=2021"))


def test_pledges_first_screen_shows_the_uk_headline_and_country_filter(page):
    """Without any interaction, the UK's 2.5 %-by-2027 row is inside the first 900 px screen;
    ?country=GBR shows the UK's rows only."""
    page.goto("/pledges")
    row = page.locator("#pledges-grid .ag-center-cols-container .ag-row", has_text="UK: 2.5% of GDP on defence")
    row.first.wait_for()
    box = row.first.bounding_box()
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= 900
    page.goto("/pledges?country=GBR")
    page.wait_for_selector("#pledges-grid .ag-row")
    countries = page.locator("#pledges-grid .ag-pinned-left-cols-container .ag-row").all_inner_texts()
    assert countries and {c.strip() for c in countries} == {"United Kingdom"}


def test_a_year_step_redraws_the_map_with_the_new_years_values(page):
    """The slider's keyboard step patches the drawn map (Patch: values only): the map's text
    summary and the URL follow, and the map is still drawn (its countries' shapes)."""
    page.goto("/?year=2020&source=sipri")
    wait_for_charts(page, 3)
    summary = page.locator("#overview-map-summary")
    assert "in 2020" in summary.inner_text()
    page.locator("#overview-year [role=slider]").first.focus()
    page.keyboard.press("ArrowLeft")
    expect(summary).to_contain_text("in 2019", timeout=10_000)
    page.wait_for_url(re.compile(r"year=2019"))
    assert page.locator("#overview-map-graph .choroplethlocation").count() > 100


MAP_FILLS_JS = """() => Object.fromEntries([...document.querySelectorAll(
    '#overview-map-graph path.choroplethlocation')].map(p => [p.__data__.loc, getComputedStyle(p).fill + ' ' + getComputedStyle(p).opacity]))"""
MAP_TRACE_JS = """() => { const t = document.querySelector('#overview-map-graph .js-plotly-plot').data[0];
    return {locations: Array.from(t.locations), z: Array.from(t.z), text: Array.from(t.text),
            hovertemplate: t.hovertemplate, selectedpoints: Array.from(t.selectedpoints || [])}; }"""


def test_a_year_step_is_drawn_in_the_browser_with_plotlys_own_colours(page):
    """A step to a year near the one drawn is drawn by assets/map-step.js: the countries take
    their new colours without a server answer, then plotly is given the same values. What
    plotly ends with is the server's own trace for that year (fig.map_values, worked out here),
    and the colours the script put on the paths are the ones plotly puts there itself. SIPRI has
    figures for three countries in 2023 but not in 2024: drawn unseen in 2024, seen after the step."""
    from dashboard.figures import overview as fig
    from dashboard.views import data

    page.goto("/?year=2024&source=sipri")
    wait_for_charts(page, 3)
    page.locator("#overview-year [role=slider]").first.focus()
    answers: list = []
    page.on("response", lambda r: answers.append(r) if "_dash-update-component" in r.url
            and "overview-map-graph" in (r.request.post_data or "") else None)
    before = page.evaluate(MAP_FILLS_JS)
    page.evaluate("""() => addEventListener('dashboard:drawn', () => {
        window.__painted = Object.fromEntries([...document.querySelectorAll(
            '#overview-map-graph path.choroplethlocation')].map(p => [p.__data__.loc, getComputedStyle(p).fill + ' ' + getComputedStyle(p).opacity]));
    }, {once: true})""")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#overview-map-summary")).to_contain_text("in 2023", timeout=10_000)
    painted = page.evaluate("() => window.__painted")
    assert painted and len(painted) > 100, "the step was not drawn in the browser"
    views = data.get().overview
    expected = fig.map_values(views.year_shares("sipri", 2023), "sipri", 2023, views.every_country("sipri"))
    deadline = 50
    while page.evaluate(MAP_TRACE_JS)["hovertemplate"] != expected["hovertemplate"] and deadline:
        page.wait_for_timeout(100)
        deadline -= 1
    trace = page.evaluate(MAP_TRACE_JS)
    assert trace["locations"] == expected["locations"] and trace["text"] == expected["text"]
    assert trace["selectedpoints"] == expected["selectedpoints"]
    assert trace["z"] == pytest.approx(expected["z"])
    after = page.evaluate(MAP_FILLS_JS)  # plotly's own colours for 2019
    assert {loc: painted[loc] for loc in after} == after
    appeared = [loc for loc, look in painted.items() if before[loc].endswith(" 0") and not look.endswith(" 0")]
    assert len(appeared) == 3, appeared
    # the server's answer for the step sent the summary, not the map again
    answer = answers[-1].json()["response"]
    assert "overview-map-graph" not in answer and "in 2023" in answer["overview-map-summary"]["children"]
    # the ranking below took the step as a Patch of its waiting figure: drawn once seen, its bars
    # are the server's whole figure for 2023
    ranked = views.ranking("sipri", 2023, None)
    whole = fig.ranking_figure(ranked, "sipri", 2023, views.targets)
    page.locator("#overview-ranking-frame").scroll_into_view_if_needed()
    bars = """() => { const gd = document.querySelector('#overview-ranking-graph .js-plotly-plot');
        return gd && gd.data.length ? gd.data.map(t => Array.from(t.y)) : null; }"""
    for _ in range(50):
        if page.evaluate(bars) == [t["y"] for t in whole["data"]]:
            break
        page.wait_for_timeout(100)
    assert page.evaluate(bars) == [t["y"] for t in whole["data"]]


def test_a_link_in_the_static_html_moves_the_page_in_place(page):
    """The menu is sent as static HTML (server/frozen.py): its links to pages with the same
    bundles still move the page in place (the document stays, the router lays the page out),
    and back returns; a link to a page that needs other bundles loads that page."""
    page.goto("/")
    page.locator("#overview-map-graph .js-plotly-plot").first.wait_for(state="attached")
    assert page.locator("nav a[data-dash-link]").count() >= 4
    page.evaluate("() => { window.__same = true; }")
    page.locator("nav a", has_text="Scenarios").click()
    page.wait_for_url(re.compile(r"/scenarios"))
    expect(page.locator("h1")).to_contain_text("Scenario")
    assert page.evaluate("() => window.__same === true"), "the page was loaded afresh"
    page.go_back()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.locator("h1")).to_have_text("Defence spending and pledges")
    page.locator("nav a", has_text="Pledges").click()
    page.wait_for_url(re.compile(r"/pledges"))
    expect(page.locator("h1")).to_have_text("Pledge tracker")
    assert page.evaluate("() => window.__same === undefined"), "the grid page was not loaded afresh"
