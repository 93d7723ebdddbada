"""axe-core in a Playwright page: every dashboard page, waited for, then checked.

Shared by tests/browser/test_accessibility.py and scripts/lighthouse.py, so the table
and the test suite report the same check. axe-core is the npm package pinned in the root
package.json (`npm ci`; `./run test` runs it).

axe.min.js is evaluated through CDP (``page.evaluate``): that is not subject to the
app's CSP, whereas ``page.add_script_tag`` inserts an inline <script>, which the CSP
(rightly) blocks.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
# Every page, with how many charts it draws once loaded (the grids wait for rows).
PAGES: tuple[tuple[str, int], ...] = (
    ("/", 3), ("/country/GBR", 3), ("/pledges", 1), ("/countries", 0), ("/compare", 1), ("/scenarios", 1),
    ("/sources", 2), ("/ukraine", 4),
)
RUN_AXE = "() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)"


def wait_for_page(pg, path: str, charts: int) -> None:
    """Load ``path``, move the mouse (Dash loads on the first interaction: static_copy/hydrate.js) and
    wait until its charts (and the pledge grid's rows) have drawn."""
    pg.goto(path)
    pg.mouse.move(2, 2)
    if charts:  # charts below the fold are scrolled to: they are put in the page when seen
        from tests.browser.conftest import wait_for_charts

        wait_for_charts(pg, charts)
    if path.startswith("/pledges"):
        pg.locator("#pledges-grid .ag-row").first.wait_for()
    if path.startswith("/countries"):
        pg.locator("#countries-grid .ag-row").first.wait_for()
    pg.locator("._dash-loading").first.wait_for(state="detached")


def run_axe(pg) -> list[dict]:
    """axe-core's violations on the page as loaded (injected via CDP, not a <script> tag)."""
    if not pg.evaluate("() => typeof window.axe !== 'undefined'"):
        pg.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return pg.evaluate(RUN_AXE)


def blocking(violations: list[dict]) -> list[dict]:
    """The serious and critical ones (the issue's bar: zero on every page)."""
    return [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]


def describe(violations: list[dict], nodes: int = 3) -> str:
    """One line per violation with its first few offending elements."""
    lines = []
    for v in violations:
        targets = ["/".join(map(str, n.get("target", []))) for n in v.get("nodes", [])[:nodes]]
        lines.append(f"{v['impact']} {v['id']} ({len(v.get('nodes', []))} nodes): {v['help']} — "
                     + "; ".join(targets))
    return "\n".join(lines)
