"""How pages load: the static copy, charts drawn near the viewport, the grid bundle on /pledges only."""

from __future__ import annotations

from tests.browser.conftest import PLACEHOLDER_JS, live_context, wait_for_charts


def test_without_javascript_the_static_copy_is_a_readable_page(browser, base_url):
    context = browser.new_context(java_script_enabled=False, base_url=base_url,
                                  viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto("/country/GBR")
        heading = page.locator(".prerender h1")
        assert heading.is_visible() and heading.inner_text() == "United Kingdom"
        assert page.locator(".prerender nav a", has_text="Pledges").get_attribute("href") == "/pledges"
        assert "defence spending as a share of GDP" in page.locator(".prerender figcaption").first.inner_text()
        assert not page.locator("#react-entry-point").is_visible()  # Dash's empty entry point stays hidden
    finally:
        context.close()


def test_the_copy_gives_way_to_the_live_page(page):
    page.goto("/")
    wait_for_charts(page, 1)
    assert page.locator(".prerender").count() == 0  # removed, not only hidden
    assert page.locator("h1").count() == 1
    assert page.locator("#overview-year").is_visible()


def test_charts_below_the_fold_are_drawn_when_scrolled_to(page):
    page.goto("/")
    page.locator("#overview-map-graph .js-plotly-plot .main-svg").first.wait_for(state="attached")
    # the ranking's text summary does not wait for the drawing
    page.locator("#overview-ranking-summary").filter(has_text="sorted by share of GDP").wait_for()
    ranking = page.locator("#overview-ranking-frame")
    page.wait_for_timeout(500)
    assert ranking.evaluate(PLACEHOLDER_JS), "the ranking was drawn before it came near the viewport"
    assert page.locator("#overview-ranking-graph").count() == 0  # not even in the page yet
    wait_for_charts(page, 3)  # scrolls each deferred chart into view and waits for it
    bars = page.locator("#overview-ranking-graph .js-plotly-plot .bars path")
    assert bars.count() >= 10


def test_pledges_reached_without_its_bundle_reloads_with_it(page):
    page.goto("/compare")
    wait_for_charts(page, 1)
    assert page.evaluate("typeof window.dash_ag_grid.AgGrid") == "function"
    assert page.locator("script[src*=dash_ag_grid]").count() == 0
    # history navigation inside this page load reaches /pledges: the stand-in reloads the page
    with page.expect_navigation():
        page.evaluate("history.pushState({}, '', '/pledges'); window.dispatchEvent(new PopStateEvent('popstate'))")
    page.locator("#pledges-grid .ag-row").first.wait_for()
    assert page.locator("script[src*=dash_ag_grid]").count() == 1


def test_pledges_without_its_bundle_says_so_instead_of_reloading(browser, base_url):
    # its own page: the blocked bundle is a console error the shared fixture would fail on
    context = live_context(browser, base_url=base_url, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.route("**/dash_ag_grid/dash_ag_grid*.js", lambda route: route.abort())
        loads = []
        page.on("load", lambda _: loads.append(1))
        page.goto("/pledges")
        page.get_by_role("status").filter(has_text="The table could not be loaded").wait_for()
        page.wait_for_timeout(1500)
        assert len(loads) == 1, "the page reloaded"
    finally:
        context.close()


def test_nav_link_to_pledges_loads_the_page_afresh(page):
    page.goto("/")
    wait_for_charts(page, 1)
    with page.expect_navigation():
        page.get_by_role("link", name="Pledges", exact=True).click()
    page.locator("#pledges-grid .ag-row").first.wait_for()
    assert page.locator("script[src*=dash_ag_grid]").count() == 1


def test_charts_fit_their_cards(page):
    # the ranking's figure asks for 990 px (40 bars); drawn late it once overflowed its 820 px card
    # (the UK is a donor to Ukraine: its page has the "Support to Ukraine" card too)
    for path, count in (("/", 3), ("/country/GBR", 4), ("/sources", 2), ("/ukraine", 5)):
        page.goto(path)
        page.wait_for_timeout(2500)  # a reader who scrolls down after a while (the overflow needed it)
        wait_for_charts(page, count)
        sizes = page.evaluate("""Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd => [
            gd.closest('[id$=-graph]').id, Math.round(gd.querySelector('.main-svg').getBoundingClientRect().height),
            Math.round(gd.closest('[id$=-graph]').getBoundingClientRect().height)])""")
        assert len(sizes) == count
        for gid, drawn, box in sizes:
            assert drawn <= box, f"{path} {gid}: chart {drawn} px tall in a {box} px frame"
