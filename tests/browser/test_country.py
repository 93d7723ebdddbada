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
