"""Screenshot every page in headless Chromium into docs/screenshots/ (for the README):
each page at desktop width (full page) and at a 390×844 phone viewport (``phone-<name>.png``).

    .venv/bin/python scripts/screenshots.py [--width 1280] [--static --out DIR]

Starts `defence-dashboard serve` on a free port, visits each page, moves the mouse (Dash
loads on the first interaction: dashboard/app/static_copy/hydrate.js), waits for its charts, and
saves a PNG per page. ``--static``: the page before any interaction instead (its static
copy, charts as pictures), e.g. into a scratch folder to compare with the live page.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PAGES: tuple[tuple[str, str], ...] = (
    ("overview", "/"),
    ("country-gbr", "/country/GBR"),
    ("pledges", "/pledges"),
    ("countries", "/countries"),
    ("budgets", "/budgets"),
    ("compare", "/compare"),
    ("scenarios", "/scenarios"),
    ("sources", "/sources?country=GBR&year=2023"),
    ("ukraine", "/ukraine"),
    ("country-pol", "/country/POL"),
)
PHONE = {"width": 390, "height": 844}
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--static", action="store_true", help="Before any interaction (the static copy).")
    parser.add_argument("--out", type=Path, default=OUT, help="Folder for the PNGs (default: docs/screenshots).")
    args = parser.parse_args()
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not chromium:
        print("chromium not found (apt-get install chromium)", file=sys.stderr)
        return 2
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    exe = Path(sys.executable).with_name("defence-dashboard")
    server = subprocess.Popen([str(exe), "serve", "--port", str(port)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
            shots = [(name, path, False) for name, path in PAGES] + [(f"phone-{n}", p_, True) for n, p_ in PAGES]
            for name, path, phone in shots:
                page = browser.new_page(viewport=PHONE if phone else {"width": args.width, "height": 900},
                                        device_scale_factor=1, is_mobile=phone, has_touch=phone)
                for _ in range(150):
                    try:
                        page.goto(f"http://127.0.0.1:{port}{path}", wait_until="networkidle")
                        break
                    except Exception:  # server still starting
                        time.sleep(0.2)
                if args.static:
                    # every picture in, lazy ones too (a reader scrolling down loads them)
                    for img in page.locator("img.prerender-picture").all():
                        img.scroll_into_view_if_needed()
                        page.wait_for_timeout(300)
                    frames = page.locator(".no-such-frame")
                else:
                    page.mouse.move(2, 2)  # the reader's first interaction: Dash loads
                    # locators, not wait_for_function: the app's CSP forbids the eval it needs
                    page.locator(".js-plotly-plot .main-svg, .ag-root").first.wait_for(timeout=30_000)
                    # charts below the fold are drawn when scrolled to (assets/defer.js)
                    frames = page.locator("[data-defer]")
                for i in range(frames.count()):
                    frames.nth(i).scroll_into_view_if_needed()
                    page.wait_for_timeout(600)
                page.evaluate("window.scrollTo(0, 0)")
                page.wait_for_timeout(1500)
                target = args.out / f"{'static-' if args.static else ''}{name}.png"
                page.screenshot(path=str(target), full_page=not phone)
                page.close()
                print(target)
            browser.close()
    finally:
        server.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
