"""axe-core on every page: zero serious or critical violations (issue 7).

axe-core is the npm package pinned in package.json (``npm ci``; ``./run test`` installs
it); without it these tests skip, saying so.
"""

from __future__ import annotations

import pytest

from tests.browser.axe import AXE_JS, PAGES, blocking, describe, run_axe, wait_for_page

pytestmark = pytest.mark.skipif(not AXE_JS.is_file(),
                                reason=f"axe-core not installed ({AXE_JS.relative_to(AXE_JS.parents[2])} "
                                       "missing): run `npm ci` in the repository root")


@pytest.mark.parametrize("path,charts", PAGES, ids=[p for p, _ in PAGES])
def test_no_serious_or_critical_axe_violations(page, path, charts):
    wait_for_page(page, path, charts)
    found = blocking(run_axe(page))
    assert not found, f"axe-core on {path}:\n{describe(found)}"
