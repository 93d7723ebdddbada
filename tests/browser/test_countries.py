"""/countries in a real browser: every country listed, search in the URL, sorting, links, a phone."""

from __future__ import annotations

import re

ROWS = "#countries-grid .ag-center-cols-container .ag-row"


def _wait_for_rows(page) -> None:
    page.locator(ROWS).first.wait_for()


def test_navigation_opens_the_list_with_the_uk_and_its_headline_pledge(page):
    page.goto("/")
    page.locator("nav a", has_text="Countries").first.click()
    page.wait_for_url(re.compile(r"/countries$"))
    _wait_for_rows(page)
    assert page.locator("h1").inner_text() == "Countries"
    assert re.fullmatch(r"Showing all \d{3} countries\.", page.locator("#countries-count").inner_text())
    page.fill("#countries-q", "United Kingdom")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?q=United\+Kingdom$"))
    page.get_by_text("Showing 1 of").wait_for()
    grid = page.locator("#countries-grid").inner_text()
    for text in ("United Kingdom", "2.33% e", "NATO 2024-06 (estimate)",
                 "UK: 2.5% of GDP on defence from April 2027", "On track"):  # on its 2027-28 plan
        assert text in grid, text


def test_a_country_links_to_its_page(page):
    page.goto("/countries?q=poland")
    _wait_for_rows(page)
    page.locator("#countries-grid a", has_text="Poland").click()
    page.wait_for_url(re.compile(r"/country/POL$"))
    page.locator("h1", has_text="Poland").wait_for()


def test_sorting_by_share_puts_the_highest_first(page):
    page.goto("/countries")
    _wait_for_rows(page)
    header = page.locator("#countries-grid .ag-header-cell[col-id=share_pct]")
    header.click()   # ascending
    header.click()   # descending
    page.wait_for_timeout(200)
    first = page.locator("#countries-grid .ag-pinned-left-cols-container .ag-row[row-index='0']").inner_text()
    assert first.strip() == "Ukraine"  # 34 % of GDP in 2024 (SIPRI estimate): the highest in the data


def test_at_phone_width_the_country_and_its_share_stay_on_screen(page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/countries?q=germany")
    _wait_for_rows(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at 390 px ({width} px wide)"
    pinned = page.locator("#countries-grid .ag-pinned-left-cols-container .ag-row").first.bounding_box()
    share = page.locator(f"{ROWS} .ag-cell[col-id=share_pct]").first.bounding_box()
    assert pinned and share
    assert pinned["x"] >= 0 and share["x"] + share["width"] <= 390, (pinned, share)
