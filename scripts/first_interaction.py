"""What the reader's first interaction costs: Dash loading over the static copy, per page.

    .venv/bin/python scripts/first_interaction.py [--runs 3] [--page /pledges]

Pages arrive as a static copy and load Dash on the first interaction
(dashboard/app/static_copy/hydrate.js). For each page this serves the dashboard (as
scripts/lighthouse.py does), opens the page, waits until it is quiet, moves the mouse and
measures, in the page's own clock: the time until Dash has drawn the live page in the
copy's place, and the main thread's long tasks meanwhile (blocking time: the part of each
task over 50 ms, as Lighthouse counts it). Desktop as is; "phone" at 390×844 with a 4×
CPU slowdown (Lighthouse's mobile preset). Prints a Markdown table of medians.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

from lighthouse import CHROME_FLAGS, serve  # noqa: E402

from tests.browser.axe import PAGES  # noqa: E402

PROFILES = {"desktop": ({"width": 1280, "height": 900}, 1), "phone": ({"width": 390, "height": 844}, 4)}
WATCH_JS = """() => {
    window.__hydration = {start: performance.now(), live: null, blocking: 0};
    new PerformanceObserver(list => list.getEntries().forEach(e => {
        window.__hydration.blocking += Math.max(0, e.duration - 50);
    })).observe({type: 'longtask'});
    const copy = document.querySelector('.prerender');
    new MutationObserver((_, observer) => {
        if (!copy.isConnected) { window.__hydration.live = performance.now(); observer.disconnect(); }
    }).observe(document.body, {childList: true});
}"""


def measure(browser, url: str, profile: str) -> tuple[float, float]:
    """(ms until the live page replaced the copy, blocking ms meanwhile) for one load."""
    viewport, slowdown = PROFILES[profile]
    context = browser.new_context(viewport=viewport, is_mobile=profile == "phone")
    try:
        page = context.new_page()
        if slowdown > 1:
            page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
        page.goto(url, wait_until="networkidle")
        page.wait_for_timeout(500)
        page.evaluate(WATCH_JS)
        page.mouse.move(200, 200)
        page.locator(".prerender").wait_for(state="detached", timeout=60_000)
        page.locator("._dash-loading").first.wait_for(state="detached", timeout=60_000)
        page.wait_for_timeout(300)  # long tasks are reported after they end
        result = page.evaluate("() => window.__hydration")
        return result["live"] - result["start"], result["blocking"]
    finally:
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--page", action="append", help="Only this path (repeatable).")
    args = parser.parse_args()
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not chromium:
        print("chromium not found (apt-get install chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    pages = [p for p, _ in PAGES if not args.page or p in args.page]
    print(f"Median of {args.runs} run(s): ms from the first mouse move until the live page replaced the "
          "copy, and blocking time meanwhile.\n")
    print("| page | desktop: live after | desktop: blocking | phone (4× CPU): live after | phone: blocking |")
    print("|---|---|---|---|---|")
    with serve() as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROME_FLAGS)
        measure(browser, base + "/", "desktop")  # warm the server's caches and pictures
        for path in pages:
            cells = []
            for profile in PROFILES:
                runs = [measure(browser, base + path, profile) for _ in range(args.runs)]
                cells += [f"{statistics.median(r[0] for r in runs):,.0f} ms",
                          f"{statistics.median(r[1] for r in runs):,.0f} ms"]
            print(f"| `{path}` | " + " | ".join(cells) + " |", flush=True)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
