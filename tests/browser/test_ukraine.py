"""Ukraine page in a real browser: its four charts, the ranking's measure in the URL, the back
button, a phone's viewport; the `page` fixture fails a test on any console error.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import wait_for_charts

CHARTS = ("ukraine-regions", "ukraine-donors", "ukraine-sourcing", "ukraine-weapons")
PHONE = {"width": 390, "height": 844}


def _drawn(page, chart: str) -> None:
    """Wait until the chart shows bars (the placeholder it starts with has none)."""
    page.locator(f"#{chart}-graph .js-plotly-plot .bars path").first.wait_for(state="attached")


def test_ukraine_page_draws_its_four_charts(page):
    page.goto("/ukraine")
    wait_for_charts(page, len(CHARTS))  # scrolls to each deferred chart, as a reader would
    assert page.locator("h1").count() == 1
    assert page.locator("h1").inner_text() == "Who carries Ukraine now"
    for chart in CHARTS:
        _drawn(page, chart)
        assert page.locator(f"#{chart}-source").inner_text().startswith("Source: Kiel Institute")
        assert page.locator(f"#{chart}-summary").inner_text()
    legend = page.locator("#ukraine-regions-graph .legend").text_content()
    assert "United States" in legend and "Europe" in legend and "Others" in legend
    assert "Coalition of the willing" in page.locator("#ukraine-donors-graph .legend").text_content()
    assert page.locator("#ukraine-donors-graph .bars path").count() >= 20   # the top 20 donors
    assert "PURL" in page.locator("#ukraine-sourcing-graph .legend").text_content()
    assert "Tanks" in page.locator("#ukraine-weapons-graph .legend").text_content()


def test_ranking_in_share_of_gdp_lives_in_the_url_and_back_restores(page):
    page.goto("/ukraine")
    wait_for_charts(page, len(CHARTS))
    title = page.locator("#ukraine-donors-title")
    assert title.inner_text().startswith("Military aid: top donors, ")
    before = page.url
    page.locator("#ukraine-measure label", has_text="% of GDP").click()
    page.wait_for_url(re.compile(r"measure=gdp"))
    assert "aid=military" in page.url and "period=all" in page.url
    page.locator("#ukraine-donors-title", has_text="Military aid, % of GDP: top donors").wait_for()
    page.locator("#ukraine-donors-summary", has_text="1. Denmark 2.95 %").wait_for()
    _drawn(page, "ukraine-donors")
    assert "percent" in page.locator("#ukraine-donors-graph .xtitle").text_content()
    page.go_back()
    page.wait_for_url(lambda url: "measure=gdp" not in url)
    assert page.url == before
    # the URL the back button restored is the view it names: loaded afresh, the ranking is in EUR
    page.reload()
    wait_for_charts(page, len(CHARTS))
    assert page.locator("#ukraine-measure input[value=eur]").is_checked()
    assert title.inner_text().startswith("Military aid: top donors, ")


def test_url_state_is_restored_on_load(page):
    page.goto("/ukraine?aid=total&by=month&measure=gdp&period=2025&weapons=value")
    wait_for_charts(page, len(CHARTS))
    assert page.locator("#ukraine-aid input[value=total]").is_checked()
    assert page.locator("#ukraine-by input[value=month]").is_checked()
    assert page.locator("#ukraine-measure input[value=gdp]").is_checked()
    assert page.locator("#ukraine-weapons input[value=value]").is_checked()
    assert page.locator("#ukraine-period").inner_text().strip() == "2025"
    assert page.locator("#ukraine-donors-title").inner_text() == "All aid, % of GDP: top donors, 2025"
    assert page.locator("#ukraine-regions-title").inner_text().endswith("per month")
    page.locator("#ukraine-weapons label", has_text="Number").click()
    page.wait_for_url(re.compile(r"weapons=count"))
    assert "measure=gdp" in page.url and "period=2025" in page.url


def test_hostile_url_falls_back_to_the_default_view(page):
    page.goto("/ukraine?aid=%3Cscript%3Ealert(1)%3C/script%3E&period=1999&measure=x")
    wait_for_charts(page, len(CHARTS))
    assert page.locator("#ukraine-aid input[value=military]").is_checked()
    assert page.locator("#ukraine-measure input[value=eur]").is_checked()
    assert page.locator("#ukraine-period").inner_text().strip() == "All months"


@pytest.mark.parametrize("path", ["/ukraine", "/country/DNK"])
def test_phone_viewport_loads_without_console_errors(page, path):
    page.set_viewport_size(PHONE)
    page.goto(path)
    wait_for_charts(page, len(CHARTS) if path == "/ukraine" else 3)
    if path == "/ukraine":
        for chart in CHARTS:
            _drawn(page, chart)
    else:
        _drawn(page, "country-ukraine")
    assert page.locator("h1").count() == 1
    # nothing wider than the phone: no sideways scrolling
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
