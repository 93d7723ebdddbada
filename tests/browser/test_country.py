"""Country page in a real browser: renders, interactions, URL round trip, no console errors."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import wait_for_charts


def test_uk_page_shows_sources_pledge_path_and_status(page):
    page.goto("/country/GBR")
    wait_for_charts(page, 3)
    assert page.locator("h1").inner_text() == "United Kingdom"
    legend = page.locator("#country-share-graph .legend").text_content()
    assert "NATO (2024-06)" in legend and "SIPRI (2025-04)" in legend
    assert "2.5% by 2027" in legend  # the UK pledge's path and target marker
    headline = page.locator("#country-headline").inner_text()
    assert "UK: 2.5% of GDP on defence from April 2027" in headline
    assert re.search(r"Off track|On track|Met", headline)
    assert "NATO (2024-06 edition)" in page.locator("#country-share-source").inner_text()


def test_changing_the_year_updates_url_and_back_button_restores(page):
    page.goto("/country/GBR")
    wait_for_charts(page, 3)
    box = page.locator("#country-from")
    box.fill("2010")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/country/GBR\?from=2010"))
    wait_for_charts(page, 3)
    page.locator("label", has_text="US$ (constant prices)").click()
    page.wait_for_url(re.compile(r"measure=usd_constant"))
    page.go_back()
    page.wait_for_url(re.compile(r"/country/GBR\?from=2010&measure=lcu$"))


def test_url_state_is_restored_on_load(page):
    page.goto("/country/POL?from=2000&measure=usd")
    wait_for_charts(page, 3)
    assert page.locator("h1").inner_text() == "Poland"
    assert page.locator("#country-from").input_value() == "2000"
    assert page.locator("#country-measure input[value=usd]").is_checked()
    first_x = page.evaluate("document.getElementById('country-spend-graph').querySelector('.js-plotly-plot').data[0].x[0]")
    assert first_x >= 2000


def test_unknown_country_and_path_are_friendly(page):
    page.goto("/country/XYZ")
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == "Country not found"
    page.goto("/country/%3Cscript%3E")
    assert page.locator("h1").inner_text() == "Country not found"
    page.goto("/no/such/page")
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == "Page not found"


def test_svg_download_is_the_print_styled_chart(page, tmp_path):
    page.goto("/country/GBR?from=2000")
    wait_for_charts(page, 3)
    with page.expect_download() as info:
        page.locator("#country-share-title").locator("xpath=..").get_by_role("button", name="Download SVG").click()
    download = info.value
    assert download.suggested_filename == "country-share-GBR-2000.svg"
    svg = (tmp_path / "chart.svg")
    download.save_as(svg)
    text = svg.read_text()
    assert "NATO" in text and "2024-06" in text  # the footer names source and edition
    assert 'width="1200"' in text


def test_csv_download_is_the_view_the_url_sets(page, tmp_path):
    """"Download data (CSV)" through the shared card callback: the measure and first year the
    reader chose (after changing them on the live page), the source line first."""
    page.goto("/country/DEU?from=2000")
    wait_for_charts(page, 3)
    page.locator("label", has_text="US$ (current prices)").click()
    page.wait_for_url(re.compile(r"measure=usd\b"))
    with page.expect_download() as info:
        page.locator("#country-spend-card").get_by_role("button", name="Download data (CSV)").click()
    download = info.value
    assert download.suggested_filename == "DEU-spending-usd.csv"
    path = tmp_path / "spending.csv"
    download.save_as(path)
    lines = path.read_text().splitlines()
    assert lines[0].startswith("# Source: NATO (2024-06 edition)") and "measure=usd" in lines[0]
    assert lines[1] == "source,edition,unit,price_base,year,value,estimate"
    years = [int(line.split(",")[4]) for line in lines[2:]]
    assert years and min(years) >= 2000


def test_choosing_another_country_redraws_the_page_in_place(page):
    """Finland chosen on /country/GBR: the charts, heading, headline and title become Finland's
    and the URL /country/FIN, without a new page layout (the heading element is the same one);
    the back button lays out the United Kingdom's page again, and forward Finland's."""
    page.goto("/country/GBR?from=2000")
    # only the share chart is drawn: the charts below the fold are not in the page yet
    page.locator("#country-share-graph .js-plotly-plot .main-svg").first.wait_for(state="attached")
    assert page.locator("#country-gap-graph").count() == 0
    page.evaluate("() => { window.__heading = document.getElementById('country-title'); }")
    page.locator("#country-select").click()
    page.locator(".dash-dropdown-content .dash-dropdown-search").fill("Finland")
    page.locator(".dash-dropdown-content [role=option]", has_text=re.compile(r"^\s*Finland\s*$")).first.click()
    page.wait_for_url(re.compile(r"/country/FIN\?from=2000"))
    expect(page.locator("h1")).to_have_text("Finland")
    expect(page.locator("#country-share-summary")).to_contain_text("Finland")
    expect(page).to_have_title(re.compile("^Finland"))
    legend = page.locator("#country-share-graph .legend").text_content()
    assert "United Kingdom" not in page.locator("#country-headline").inner_text()
    assert "2.5% by 2027" not in legend  # the UK's pledge path is gone
    assert page.evaluate("() => window.__heading === document.getElementById('country-title')"), \
        "the page was laid out again"
    assert page.locator("#country-from").input_value() == "2000"
    # the gap chart, put in the page when scrolled to, is Finland's at Finland's height
    wait_for_charts(page, 1)
    gap = page.locator("#country-gap-graph")
    expect(gap).to_be_attached()
    slot = page.locator("#country-gap-slot").evaluate("e => e.style.height")
    assert gap.evaluate("e => e.style.height") == slot
    assert "Finland" in page.locator("#country-gap-summary").inner_text()
    page.go_back()
    page.wait_for_url(re.compile(r"/country/GBR\?from=2000"))
    expect(page.locator("h1")).to_have_text("United Kingdom")
    expect(page.locator("#country-share-summary")).to_contain_text("United Kingdom")
    page.go_forward()
    expect(page.locator("h1")).to_have_text("Finland")
    expect(page.locator("#country-share-summary")).to_contain_text("Finland")


def _pick(page, name: str) -> None:
    page.locator("#country-select").click()
    page.locator(".dash-dropdown-content .dash-dropdown-search").fill(name)
    page.locator(".dash-dropdown-content [role=option]", has_text=re.compile(rf"^\s*{name}\s*$")).first.click()


COUNT_DRAWS = """() => { window.__draws = []; const real = window.Plotly.react;
  window.Plotly.react = function (gd, ...rest) {
    const el = typeof gd === 'string' ? document.getElementById(gd) : gd;
    window.__draws.push([el.closest('[id]').id, performance.now()]); return real.call(this, gd, ...rest); }; }"""


def test_a_picked_country_is_drawn_from_its_figure_at_once(page):
    """A click on an option (assets/country-switch.js): the share chart is drawn from
    /figure/country-share.json before Dash's callback is sent, and the callback's answer
    leaves the figure out (the chart is drawn once, then dcc.Graph is handed the same figure);
    a year changed after that is drawn by Dash as before."""
    page.goto("/country/GBR")
    wait_for_charts(page, 1)
    page.evaluate(COUNT_DRAWS)
    sent: list[tuple[str, str]] = []
    page.on("request", lambda r: sent.append((r.url, r.post_data or "")))
    answers: list[dict] = []
    page.on("response", lambda r: answers.append(r.json()) if "_dash-update-component" in r.url
            and "country-share-graph.figure" in (r.request.post_data or "") else None)
    _pick(page, "Finland")
    expect(page.locator("#country-share-summary")).to_contain_text("Finland")
    expect(page.locator("h1")).to_have_text("Finland")
    urls = [u for u, _ in sent]
    figure_at = next(i for i, u in enumerate(urls) if "/figure/country-share.json?country=FIN" in u)
    callback_at = next(i for i, (u, body) in enumerate(sent) if "country-share-graph.figure" in body)
    assert figure_at < callback_at, "the figure was not asked for first"
    assert answers and "country-share-graph" not in answers[0]["response"], "Dash sent the figure again"
    legend = page.locator("#country-share-graph .legend").text_content()
    assert "2.5% by 2027" not in legend and "SIPRI" in legend
    expect(page.locator(".dash-dropdown-content")).to_have_count(0)   # the list closed
    expect(page.locator("#country-select")).to_contain_text("Finland")
    # drawn by the script, then handed to dcc.Graph (its react of the same figure)
    shares = [d for d in page.evaluate("window.__draws") if d[0] == "country-share-graph"]
    assert 1 <= len(shares) <= 2
    # the claim was used once: a new year is drawn by Dash's answer
    page.locator("#country-from").fill("2010")
    page.locator("#country-from").press("Enter")
    page.wait_for_url(re.compile(r"/country/FIN\?from=2010"))
    page.wait_for_function("() => { const gd = document.querySelector('#country-share-graph .js-plotly-plot');"
                           " return gd && gd.data.some(t => t.name.startsWith('SIPRI') && t.x[0] === 2010); }")


def test_a_failed_figure_fetch_leaves_the_chart_to_dash(page):
    """The figure's URL answers with a proxy's HTML error page: the pick goes through Dash as
    before, and the chart, heading and summary are Finland's."""
    page.route("**/figure/country-share.json*",
               lambda route: route.fulfill(status=200, content_type="text/html", body="<html>Bad gateway</html>"))
    page.goto("/country/GBR")
    wait_for_charts(page, 1)
    _pick(page, "Finland")
    expect(page.locator("h1")).to_have_text("Finland")
    expect(page.locator("#country-share-summary")).to_contain_text("Finland")
    page.wait_for_function("() => { const gd = document.querySelector('#country-share-graph .js-plotly-plot');"
                           " return gd && !gd.data.some(t => t.name.startsWith('2.5% by 2027')); }")
    assert "SIPRI" in page.locator("#country-share-graph .legend").text_content()
