"""Governments' budgets in a real browser: the Country chart's marks, the Budgets page, the
tracker's wording (figures as data/budgets.yaml prints them)."""

from __future__ import annotations

import re

from tests.browser.conftest import wait_for_charts

ROWS = "#budgets-grid .ag-center-cols-container .ag-row"


def _share_traces(page) -> list[dict]:
    """The share chart's traces as plotly drew them: name, symbol, x, y."""
    return page.evaluate("""() => document.getElementById('country-share-graph').querySelector('.js-plotly-plot')
        .data.map(t => ({name: t.name || '', legendgroup: t.legendgroup || '', symbol: (t.marker || {}).symbol || '',
                         x: Array.from(t.x || []),
                         y: Array.from(t.y || []), text: Array.from(t.text || [])}))""")


def test_polands_budgets_are_diamonds_filled_for_the_act_hollow_for_the_bill(page):
    page.goto("/country/POL?from=2015")
    wait_for_charts(page, 3)
    traces = [t for t in _share_traces(page) if t["legendgroup"] == "national"]
    filled = next(t for t in traces if t["symbol"] == "diamond")
    hollow = next(t for t in traces if t["symbol"] == "diamond-open")
    # one legend entry for both: Poland's definition with special funds; acts 2023-2026 (4.2, 4.2,
    # 4.7, 4.81 %), bills 2025-2026
    assert filled["name"] == "Budgets, with special funds (◆ adopted, ◇ draft/plan)"
    assert dict(zip(filled["x"], filled["y"])) == {2023: 4.2, 2024: 4.2, 2025: 4.7, 2026: 4.81}
    assert sorted(hollow["x"]) == [2025, 2026]
    assert any("2026 adopted budget: 4.81% of GDP (stated)" in t for t in filled["text"])
    legend = page.locator("#country-share-graph .legend").text_content()
    assert "Budgets, with special funds" in legend
    # the text summary and the Published budgets card say the same
    assert "2026 adopted budget 4.81%" in page.locator("#country-share-summary").inner_text()
    card = page.locator("#country-budgets")
    card.scroll_into_view_if_needed()
    table = card.inner_text()
    assert "PLN 200 billion" in table and "Polskie Radio" in table and "4.81 % of GDP" in table


def test_the_uk_page_states_its_pledge_on_the_governments_figures(page):
    page.goto("/country/GBR")
    wait_for_charts(page, 3)
    headline = page.locator("#country-headline").inner_text()
    assert ("UK: 2.5% of GDP on defence from April 2027 — 2025-26: budget plan in force, 2.36 % of GDP (UK Defence "
            "Journal, undated); NATO's latest: 2024; target 2.5% of GDP by 2027; On track") in headline
    traces = [t for t in _share_traces(page) if t["legendgroup"] == "national"]
    assert traces and traces[0]["name"].startswith("Budgets, NATO definition")
    drawn = {x: y for t in traces for x, y in zip(t["x"], t["y"])}
    assert drawn[2025] == 2.36 and drawn[2027] == 2.6
    card = page.locator("#country-budgets").inner_text()
    assert "2025-26" in card and "2027-28" in card and "budget plan in force" in card


def _latest_tooltip(page, pledge_title: str) -> str:
    """Hover the Latest cell of the pledge's row: its tooltip says where the figure is from."""
    row = page.locator("#pledges-grid .ag-center-cols-container .ag-row", has_text=pledge_title).first
    row.locator(".ag-cell[col-id=latest_share_pct]").hover()
    tip = page.locator(".ag-tooltip")
    tip.wait_for()
    return tip.inner_text()


def test_the_tracker_says_which_budget_a_status_rests_on(page):
    page.goto("/pledges?q=Poland")
    page.locator("#pledges-grid .ag-row").first.wait_for()
    assert _latest_tooltip(page, "Poland: law sets a floor of 3% of GDP").startswith(
        "2026: adopted budget, 4.81 % of GDP (Polskie Radio, 19 Jan 2026)")
    page.goto("/pledges?q=France")
    page.locator("#pledges-grid .ag-row").first.wait_for()
    row = page.locator("#pledges-grid .ag-center-cols-container .ag-row", has_text="64").first.inner_text()
    assert "EUR 57.1bn e" in row and "On track" in row and "No data" not in row
    assert _latest_tooltip(page, "64").startswith("2026: adopted budget")


def test_the_budgets_page_lists_every_country_searchable_and_sorted(page):
    page.goto("/")
    page.locator("nav a", has_text="Budgets").first.click()
    page.wait_for_url(re.compile(r"/budgets$"))
    page.locator(ROWS).first.wait_for()
    assert page.locator("h1").inner_text() == "Published defence budgets"
    assert page.locator("#budgets-count").inner_text() == "Showing all 41 countries."
    page.fill("#budgets-q", "latvia")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?q=latvia$"))
    page.get_by_text("Showing 1 of 41 countries.").wait_for()
    grid = page.locator("#budgets-grid").inner_text()
    # Latvia's 2026 budget act: €2.16bn, 4.91 % of GDP; +38.5 % on 2025's €1.56bn
    for text in ("Latvia", "2026", "adopted budget", "EUR 2.16 billion", "4.91%", "+38.5% on 2025",
                 "Saeima Adopts the Defence Budget for 2026 in Final Reading"):
        assert text in grid, text
    wait_for_charts(page, 1)
    assert "largest rises" in page.locator("#budgets-chart-title").inner_text()


def test_the_budgets_page_at_phone_width(page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/budgets?q=japan")
    page.locator(ROWS).first.wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at 390 px ({width} px wide)"
    share = page.locator(f"{ROWS} .ag-cell[col-id=share_pct]").first
    box = share.bounding_box()
    assert box and box["x"] + box["width"] <= 390, box  # the share is on screen beside the country
    # Japan's newest: the FY2026 bill (¥9.04tn), whose share the model computes and says so
    assert re.fullmatch(r"\d\.\d\d% \(computed\)", share.inner_text()), share.inner_text()
