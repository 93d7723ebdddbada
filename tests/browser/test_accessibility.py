"""axe-core on every page: zero serious or critical violations (issue 7).

axe-core is the npm package pinned in package.json (``npm ci``; ``./run test`` installs
it); without it these tests skip, saying so.
"""

from __future__ import annotations

import pytest

from tests.browser.axe import AXE_JS, PAGES, blocking, describe, run_axe, wait_for_page
from tests.browser.conftest import wait_for_charts

pytestmark = pytest.mark.skipif(not AXE_JS.is_file(),
                                reason=f"axe-core not installed ({AXE_JS.relative_to(AXE_JS.parents[2])} "
                                       "missing): run `npm ci` in the repository root")


@pytest.mark.parametrize("path,charts", PAGES, ids=[p for p, _ in PAGES])
def test_no_serious_or_critical_axe_violations(page, path, charts):
    wait_for_page(page, path, charts)
    found = blocking(run_axe(page))
    assert not found, f"axe-core on {path}:\n{describe(found)}"


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}],
                         ids=["desktop", "phone"])
def test_ukraine_has_no_axe_violations_once_every_chart_is_drawn(page, viewport):
    """Stricter than the table above: no violation of any impact, with the deferred charts drawn
    and the coalition's member list opened."""
    page.set_viewport_size(viewport)
    page.goto("/ukraine")
    wait_for_charts(page, 4)
    page.get_by_text("Who is in the coalition of the willing?").click()
    page.get_by_text("Reported at the coalition's later meetings").wait_for()
    found = run_axe(page)
    assert not found, f"axe-core on /ukraine:\n{describe(found)}"
