"""Every page on a phone (390×844, a real viewport): nothing overflows, chart text stays on its card.

And the pledge grid's key columns fit a 1,400-px desktop without scrolling sideways.
Measured in the browser (bounding boxes), since what a phone cuts depends on fonts and layout.
"""

from __future__ import annotations

import time

import pytest

from tests.browser.conftest import IGNORED_CONSOLE, live_context, wait_for_charts

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 900}
PAGES = ["/", "/countries", "/country/GBR", "/country/POL", "/pledges", "/compare", "/scenarios",
         "/ukraine", "/sources"]
TOLERANCE_PX = 1  # sub-pixel rounding of text boxes

# Every chart: its visible SVG texts outside its card, annotations on top of each other, its legend over the plot or the modebar,
# a legend that scrolls (plotly draws a scrollbar when the legend is taller than its room).
CHART_PROBLEMS_JS = """(tol) => {
    const box = (el) => el.getBoundingClientRect();
    const visible = (r) => r.width > 0 && r.height > 0;
    const overlap = (a, b) => visible(a) && visible(b) && a.left < b.right - tol && b.left < a.right - tol
        && a.top < b.bottom - tol && b.top < a.bottom - tol;
    const problems = [];
    document.querySelectorAll('.js-plotly-plot').forEach((gd) => {
        const name = (gd.closest('[id]') || gd).id || 'chart';
        const card = box(gd.closest('.card') || gd.parentElement);
        gd.querySelectorAll('.main-svg text').forEach((t) => {
            const r = box(t);
            if (!t.textContent.trim() || !visible(r)) return;
            if (r.left < card.left - tol || r.right > card.right + tol || r.top < card.top - tol
                || r.bottom > card.bottom + tol) {
                problems.push(`${name}: text "${t.textContent.slice(0, 40)}" outside its card`);
            }
        });
        const notes = [...gd.querySelectorAll('.annotation-text')].filter((t) => t.textContent.trim());
        notes.forEach((a, i) => notes.slice(i + 1).forEach((b) => {
            if (overlap(box(a), box(b))) problems.push(`${name}: labels "${a.textContent}" and "${b.textContent}" collide`);
        }));
        const legend = gd.querySelector('.legend');
        if (!legend) return;
        const bg = legend.querySelector('.bg');
        const lr = box(bg || legend);
        gd.querySelectorAll('.draglayer .nsewdrag').forEach((plot) => {
            if (overlap(lr, box(plot))) problems.push(`${name}: legend overlaps the plot area`);
        });
        const modebar = gd.querySelector('.modebar');
        if (modebar && getComputedStyle(modebar).display !== 'none' && overlap(lr, box(modebar))) {
            problems.push(`${name}: legend under the modebar`);
        }
        const bar = legend.querySelector('.scrollbar');
        if (bar && visible(box(bar))) problems.push(`${name}: legend is a scrolling box`);
    });
    return problems;
}"""


@pytest.fixture
def phone(browser, base_url):
    """A page in a 390×844 phone viewport (touch, 3× pixels); fails on console errors."""
    context = live_context(browser, viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True,
                                  base_url=base_url)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.set_default_timeout(20_000)
    yield pg
    context.close()
    real = [e for e in errors if not any(i in e for i in IGNORED_CONSOLE)]
    assert not real, f"browser console errors: {real[:5]}"


# Every chart of the live page (not the static copy shown first) drawn, none pending or "Loading…".
ALL_DRAWN_JS = """() => {
    const plots = [...document.querySelectorAll('#_pages_content .js-plotly-plot')];
    return plots.length > 0 && plots.every((gd) => gd.data && gd.layout && gd.querySelector('.main-svg')
        && !gd.classList.contains('dash-graph--pending')
        && !(gd.data.length === 0 && (gd.layout.annotations || []).some((a) => a.text === 'Loading…')));
}"""


def _open(pg, path: str) -> None:
    """Open ``path`` and wait until Dash has drawn every chart on it (deferred ones scrolled to)."""
    pg.goto(path)
    pg.locator("#_pages_content h1").first.wait_for()
    if not pg.locator("#_pages_content .dash-graph").count():
        return
    wait_for_charts(pg, 1)
    deadline = time.monotonic() + 30
    while not pg.evaluate(ALL_DRAWN_JS):
        assert time.monotonic() < deadline, f"{path}: charts not drawn after 30 s"
        pg.wait_for_timeout(100)
    pg.evaluate("window.scrollTo(0, 0)")
    pg.wait_for_timeout(300)  # plotly's responsive relayout after the last chart


@pytest.mark.parametrize("path", PAGES)
def test_phone_page_does_not_overflow_sideways(phone, path):
    _open(phone, path)
    width = phone.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"] + TOLERANCE_PX, f"{path} is {width} px wide on a {PHONE['width']}-px phone"


@pytest.mark.parametrize("path", PAGES)
def test_phone_chart_text_stays_on_its_card_and_legends_clear(phone, path):
    _open(phone, path)
    problems = phone.evaluate(CHART_PROBLEMS_JS, TOLERANCE_PX)
    assert not problems, f"{path}: " + "; ".join(problems[:8])


def test_pledge_grid_status_column_visible_at_1400_px(browser, base_url):
    context = live_context(browser, viewport=DESKTOP, base_url=base_url)
    pg = context.new_page()
    try:
        pg.goto("/pledges")
        pg.wait_for_selector("#pledges-grid .ag-row")
        header = pg.locator("#pledges-grid .ag-header-cell", has_text="Status").first
        header.wait_for(state="visible")
        cell, grid = header.bounding_box(), pg.locator("#pledges-grid .ag-body-viewport").first.bounding_box()
        assert cell and grid
        assert cell["x"] + cell["width"] <= min(grid["x"] + grid["width"], DESKTOP["width"]) + TOLERANCE_PX
        assert pg.evaluate("document.scrollingElement.scrollWidth") <= DESKTOP["width"] + TOLERANCE_PX
    finally:
        context.close()


# The static copy (before the reader's first interaction): its pictures are the phone-width
# ones, loaded and inside their cards; its grid scrolls inside its own frame.
STATIC_PROBLEMS_JS = """(tol) => {
    const problems = [];
    document.querySelectorAll('.prerender img.prerender-picture').forEach((img, i) => {
        const card = img.closest('.card').getBoundingClientRect(), box = img.getBoundingClientRect();
        if (!img.currentSrc.includes('w=350')) problems.push(`picture ${i}: not the phone's (${img.currentSrc})`);
        if (!(img.complete && img.naturalWidth > 0)) problems.push(`picture ${i}: not loaded`);
        if (box.left < card.left - tol || box.right > card.right + tol) problems.push(`picture ${i}: outside its card`);
    });
    return problems;
}"""


@pytest.mark.parametrize("path", PAGES)
def test_phone_static_copy_fits_and_shows_phone_pictures(browser, base_url, path):
    context = browser.new_context(viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True,
                                  base_url=base_url)  # no first interaction: the copy stays
    try:
        pg = context.new_page()
        pg.goto(path, wait_until="networkidle")
        for img in pg.locator(".prerender img.prerender-picture").all():
            img.scroll_into_view_if_needed()  # lazy pictures load as a reader scrolls to them
            img.evaluate("img => img.decode().catch(() => null)")
        assert pg.evaluate("typeof window.DashRenderer") == "undefined"
        width = pg.evaluate("document.scrollingElement.scrollWidth")
        assert width <= PHONE["width"] + TOLERANCE_PX, f"{path}: the copy is {width} px wide"
        problems = pg.evaluate(STATIC_PROBLEMS_JS, TOLERANCE_PX)
        assert not problems, f"{path}: " + "; ".join(problems)
    finally:
        context.close()
