"""The current year in a real browser: Germany's 2025 nowcast drawn as one, the tracker's figure
ages, and every page's data-age note."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import live_context, wait_for_charts

NOWCAST_TRACE = "document.querySelector('#country-share-graph .js-plotly-plot').data" \
                ".filter(t => t.name.startsWith('NATO nowcast 2025')).map(t => t.marker.symbol)"


def test_germany_shows_the_2025_nowcast_marked_as_such(page):
    page.goto("/country/DEU")
    wait_for_charts(page, 3)
    legend = page.locator("#country-share-graph .legend").text_content()
    assert "NATO nowcast 2025, from Eurostat April 2026" in legend
    assert page.evaluate(NOWCAST_TRACE) == ["circle-open"]  # a hollow point, not NATO's filled line
    # the legend draws the same hollow symbol beside the entry
    entry = page.locator("#country-share-graph .legend .traces", has_text="NATO nowcast 2025")
    style = entry.locator(".legendpoints path").first.get_attribute("style") or ""
    assert "fill-opacity: 0" in style or "fill: none" in style, style
    summary = page.locator("#country-share-summary").inner_text()
    assert "Nowcast of NATO's measure (not published by NATO)" in summary and "2025" in summary
    assert "nowcast" in page.locator("#country-share-source").inner_text()


@pytest.mark.parametrize("country", ["Germany", "Denmark"])
def test_pledge_tracker_states_the_age_of_each_status_figure(page, country):
    page.goto(f"/pledges?q={country}")
    page.wait_for_selector("#pledges-grid .ag-row")
    # AG Grid draws only the columns in view (headers too): bring the age column in
    page.evaluate("dash_ag_grid.getApi('pledges-grid').ensureColumnVisible('latest_age')")
    header = page.locator("#pledges-grid .ag-header-cell[col-id=latest_age]")
    header.wait_for()
    assert header.inner_text().strip() == "Figure's age"
    cells = page.locator("#pledges-grid .ag-row .ag-cell[col-id=latest_age]")
    cells.first.wait_for()
    ages = [cells.nth(i).inner_text() for i in range(cells.count())]
    dated = [a for a in ages if a != "—"]  # "—": a pledge with no figure yet (no status rests on one)
    # a publisher's edition, or a government's budget document (its date, or that it shows none)
    one = r"(\d+ months? old \(.+ edition.*\)|\d+ months? old \(Government budgets, document of .+\)" \
          r"|undated document \(Government budgets\))"
    assert dated and all(re.fullmatch(rf"{one}(; {one})?", a) for a in dated), dated
    if country == "Denmark":  # a status resting on the 2025 nowcast gives the age of both its inputs
        assert any("Eurostat April 2026 edition" in a and "NATO June 2024 edition" in a for a in ages)
    else:  # Germany's rest on its 2026 budget act (the report of it shows no date)
        assert "undated document (Government budgets)" in ages


@pytest.mark.parametrize("path", ["/", "/country/DEU", "/sources", "/compare", "/scenarios", "/ukraine", "/pledges"])
def test_every_page_shows_the_age_of_its_figures(page, path):
    page.goto(path)
    wait_for_charts(page, 1)  # the live page, not the static copy it replaces
    note = page.locator("details.data-age")
    note.wait_for()
    summary = note.locator("summary").inner_text()
    assert summary.startswith("Data age: ") and re.search(r"\(\d+ months? old\)|\(this month\)", summary)
    assert not note.locator("ul").is_visible()  # the editions and commands on demand
    note.locator("summary").click()
    assert note.locator("ul li").first.is_visible()
    assert "Counted from today's date" in note.inner_text()


def test_data_age_note_reads_on_a_phone(browser, base_url):
    context = live_context(browser, viewport={"width": 390, "height": 844}, base_url=base_url)
    page = context.new_page()
    try:
        page.goto("/country/DEU")
        note = page.locator("details.data-age")
        note.wait_for()
        note.locator("summary").click()
        box = note.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways ({width} px)"
    finally:
        context.close()
