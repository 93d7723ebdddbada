"""The static copy is the page until the reader interacts; the first interaction loads Dash.

Pages here are opened without the test suite's synthetic first key press
(conftest.FIRST_INTERACTION): what a reader who has not touched anything sees, and what
their first mouse move, touch or key does.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import IGNORED_CONSOLE

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
DASH_SCRIPTS = ("dash_renderer", "plotly", "react-dom", "dash_core_components")
# A picture that has arrived and decoded (not a broken image showing its alternative text).
LOADED_JS = "img => img.complete && img.naturalWidth > 0"
SETTLE_MS = 1500  # long enough for any script that was going to load to have started


@pytest.fixture
def still(browser, base_url):
    """A page no one has interacted with; records the script URLs it fetches and console errors."""
    context = browser.new_context(viewport=DESKTOP, base_url=base_url)
    pg = context.new_page()
    scripts: list[str] = []
    errors: list[str] = []
    pg.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.set_default_timeout(30_000)
    pg.scripts = scripts  # type: ignore[attr-defined]
    yield pg
    context.close()
    real = [e for e in errors if not any(i in e for i in IGNORED_CONSOLE)]
    assert not real, f"browser console errors: {real[:5]}"


def _dash_scripts(urls: list[str]) -> list[str]:
    return [u for u in urls if any(name in u for name in DASH_SCRIPTS)]


def _live(pg, graph: str) -> None:
    """Wait for Dash to have drawn ``graph`` and removed the copy."""
    pg.locator(f"#{graph} .js-plotly-plot .main-svg").first.wait_for(state="attached")
    pg.locator(".prerender").wait_for(state="detached")


def test_until_the_reader_moves_the_copy_is_the_whole_page(still):
    still.goto("/country/GBR")
    still.wait_for_timeout(SETTLE_MS)
    assert _dash_scripts(still.scripts) == [], "Dash's scripts loaded before any interaction"
    assert still.evaluate("typeof window.DashRenderer") == "undefined"
    copy = still.locator(".prerender")
    assert copy.locator("h1").inner_text() == "United Kingdom"
    # the share chart as a picture of the same chart, loaded, filling its frame
    picture = copy.locator("img.prerender-picture").first
    assert picture.get_attribute("alt") == "Chart: United Kingdom: defence spending as a share of GDP"
    picture.evaluate("img => img.decode()")  # waits for it (a cold server paints it first: ~3 s)
    assert picture.evaluate(LOADED_JS)
    frame, image = picture.locator("xpath=ancestor::div[@class='prerender-graph']").bounding_box(), picture.bounding_box()
    assert frame and image and abs(image["height"] - frame["height"]) < 2 and image["width"] > 1000
    # the controls show the page's settings
    assert copy.locator(".prerender-field", has_text="United Kingdom").count() == 1
    assert copy.locator(".prerender-option", has_text="Show summits").inner_text().startswith("☑")

    still.mouse.move(400, 300)  # the reader's first mouse move
    _live(still, "country-share-graph")
    assert _dash_scripts(still.scripts), "Dash's scripts were not loaded"
    assert still.locator("#country-select").is_visible()  # the live control in the copy's place


def test_a_key_press_loads_the_live_page(still):
    still.goto("/")
    still.wait_for_timeout(SETTLE_MS)
    assert _dash_scripts(still.scripts) == []
    still.keyboard.press("Tab")  # a keyboard reader's first key: the skip link
    _live(still, "overview-map-graph")


def test_a_touch_loads_the_live_page_on_a_phone(browser, base_url):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, base_url=base_url)
    pg = context.new_page()
    try:
        pg.goto("/pledges")
        pg.wait_for_timeout(SETTLE_MS)
        assert pg.evaluate("typeof window.DashRenderer") == "undefined"
        # the picture on a phone is the phone-width one (<picture>'s source for narrow screens)
        assert "w=350" in pg.locator(".prerender img.prerender-picture").first.evaluate("img => img.currentSrc")
        # the page fits the phone before Dash too
        assert pg.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        pg.touchscreen.tap(195, 200)  # on the heading's line: nothing to follow there
        pg.locator("#pledges-grid .ag-row").first.wait_for()
        pg.locator(".prerender").wait_for(state="detached")
    finally:
        context.close()


def test_pledges_copy_shows_the_uk_headline_row_in_the_first_screen(still):
    still.goto("/pledges")
    row = still.locator(".prerender-grid tr", has_text="UK: 2.5% of GDP on defence from April 2027")
    box = row.bounding_box()
    assert box and box["y"] + box["height"] <= DESKTOP["height"], "the UK's 2.5% row is not in the first screen"
    cells = row.locator("td").all_inner_texts()
    assert cells[:4] == ["United Kingdom", "UK: 2.5% of GDP on defence from April 2027", "2.5% of GDP", "FY2027"]
    assert "Off track" in cells or "On track" in cells or "Met" in cells
    # ?country=GBR: only the UK's rows, in the copy as in the live grid
    still.goto("/pledges?country=GBR")
    countries = set(still.locator(".prerender-grid tbody tr td:first-child").all_inner_texts())
    assert countries == {"United Kingdom"}


def test_a_page_opened_at_a_card_link_is_live_at_once(still):
    still.goto("/country/GBR#country-gap-card")
    _live(still, "country-gap-graph")


def test_a_control_pressed_in_the_copy_has_the_focus_once_live(still):
    still.goto("/country/GBR")
    field = still.locator('.prerender [data-for="country-select"]')
    assert field.inner_text() == "United Kingdom"
    field.click()  # the reader's first press is on the copy's picture of the Country control
    _live(still, "country-share-graph")
    focused = None
    for _ in range(100):  # the dropdown's code loads lazily: its focusable part comes a little later
        focused = still.evaluate("() => !!document.activeElement.closest('#country-select')")
        if focused:
            break
        still.wait_for_timeout(100)
    assert focused, "the live Country control did not get the focus"
    still.keyboard.press("Enter")  # the next key works the live control: its list opens
    still.locator('#country-select[aria-expanded="true"]').wait_for()


def test_a_card_buttons_stand_in_names_the_live_button(still):
    """A card's buttons carry pattern-matching ids: the copy's stand-in names the live button by
    the id attribute Dash's renderer writes for one (dash_internals.dom_id), so the copy can hand
    the focus on as it does for plain ids."""
    from dashboard.app.dash_internals import dom_id

    still.goto("/country/GBR")
    target = dom_id({"type": "csv-button", "card": "country-share"})
    assert target == '{"card":"country-share","type":"csv-button"}'
    assert still.locator(f".prerender [data-for='{target}']").inner_text() == "Download data (CSV)"
    still.mouse.move(200, 200)
    _live(still, "country-share-graph")
    assert still.evaluate("(id) => document.getElementById(id).textContent", target) == "Download data (CSV)"


def test_the_first_interaction_draws_the_page_without_the_routers_round_trip(still):
    """The first mouse move on /: Dash's layout comes with the page in it (no router callback),
    plotly.js is fetched once (with Dash's scripts, not after React's first render), and the
    map is drawn from the world's outlines read before it (plotly.js asks for none itself)."""
    updates: list[str] = []
    still.on("request", lambda r: updates.append(r.post_data or "") if "_dash-update-component" in r.url else None)
    still.goto("/", wait_until="networkidle")
    still.mouse.move(200, 200)
    still.mouse.move(240, 220)
    _live(still, "overview-map-graph")
    still.wait_for_timeout(500)
    assert not [u for u in updates if "_pages_content" in u], "the router laid the page out again"
    assert len([u for u in still.scripts if "package_data/plotly" in u]) == 1
    assert still.evaluate("() => !!(window.PlotlyGeoAssets && window.PlotlyGeoAssets.topojson.world_110m)")
    fetched = still.evaluate("() => performance.getEntriesByType('resource')"
                             ".filter(e => e.name.includes('world_110m')).map(e => e.initiatorType)")
    assert "xmlhttprequest" not in fetched, fetched   # plotly.js's own fetch (d3.json) did not run
    assert still.locator("#overview-map-graph path.choroplethlocation").count() > 100
