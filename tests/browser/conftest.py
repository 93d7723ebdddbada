"""Browser tests: the real app served as a user starts it, driven in Debian's Chromium.

Playwright drives the system Chromium (`CHROMIUM` env var, else /usr/bin/chromium);
the tests skip, saying why, when no Chromium is installed (`./run test` installs it).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                  "--no-first-run", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]
START_TIMEOUT_S = 60
# Console messages that are not errors of ours (none known yet; keep the list reviewed).
IGNORED_CONSOLE: tuple[str, ...] = ()


def _chromium() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def base_url() -> str:
    """The dashboard served by `defence-dashboard serve` on a free local port."""
    port = _free_port()
    exe = Path(sys.executable).with_name("defence-dashboard")
    # --no-warm: a picture is painted when a page first asks for it (the tests of pictures wait
    # for a cold painter); painting every page's pictures at start would compete with the tests
    proc = subprocess.Popen([str(exe), "serve", "--port", str(port), "--no-warm"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server exited: {proc.stdout.read()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/", timeout=2) as resp:
                if resp.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("server did not start within 60 s")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    path = _chromium()
    if path is None:
        pytest.skip("no Chromium installed (apt-get install chromium; ./run test does this as root)")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield b
        b.close()


# dashboard/app/static_copy/hydrate.js loads Dash on the reader's first interaction (a mouse move,
# touch, key...). Tests of the live page open their pages as if the reader pressed Shift (a
# key that does nothing else) as soon as each page, and each page navigated to, has loaded;
# tests/browser/test_hydration.py drives the real first interactions instead.
FIRST_INTERACTION = ("addEventListener('DOMContentLoaded', "
                     "() => dispatchEvent(new KeyboardEvent('keydown', {key: 'Shift'})))")


def live_context(browser, **options):
    """A browser context whose pages start Dash at once (see FIRST_INTERACTION)."""
    context = browser.new_context(**options)
    context.add_init_script(FIRST_INTERACTION)
    return context


@pytest.fixture
def page(browser, base_url):
    """A fresh page, Dash started at once; fails the test if the browser console logged an error."""
    context = live_context(browser, viewport={"width": 1280, "height": 900}, base_url=base_url)
    pg = context.new_page()
    errors: list[tuple[str, str]] = []
    missing_pages: set[str] = set()  # "not found" pages: their own 404 is expected, and logged
    pg.on("console", lambda m: errors.append((m.text, m.location.get("url", ""))) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append((str(e), "")))
    pg.on("response", lambda r: missing_pages.add(r.url)
          if r.request.resource_type == "document" and r.status == 404 else None)
    pg.set_default_timeout(20_000)
    yield pg
    context.close()
    real = [text for text, url in errors if not any(i in text for i in IGNORED_CONSOLE)
            and not (url in missing_pages and "status of 404" in text)]
    assert not real, f"browser console errors: {real[:5]}"


# A chart still showing the placeholder every chart card starts with (components.chart_card).
PLACEHOLDER_JS = """(frame) => {
    const gd = frame.querySelector('.js-plotly-plot');
    return !gd || !gd.layout || (gd.data.length === 0 &&
        (gd.layout.annotations || []).some(a => a.text === 'Loading…'));
}"""


def wait_for_charts(pg, count: int = 1) -> None:
    """Wait until ``count`` plotly charts have drawn and no loading spinner is left.

    Charts below the fold are put in the page and drawn only near the viewport
    (assets/defer.js): each is scrolled into view and waited for, as a reader scrolling down would.
    Locators, not wait_for_function: the app's CSP forbids eval, which string predicates need.
    """
    # the live page (the static copy gone), then each chart below the fold (not in the page
    # until seen), then the count
    pg.locator(".prerender").first.wait_for(state="detached")
    pg.locator("#_pages_content > *").first.wait_for(state="attached")
    pg.locator("._dash-loading").first.wait_for(state="detached")
    frames = pg.locator("[data-defer]")
    for i in range(frames.count()):
        frame = frames.nth(i)
        for attempt in range(5):  # the page may re-render under the locator (a back navigation)
            try:
                frame.scroll_into_view_if_needed()
                break
            except PlaywrightError:
                if attempt == 4:
                    raise
                pg.wait_for_timeout(200)
        deadline = time.monotonic() + 20
        while frame.evaluate(PLACEHOLDER_JS):
            if time.monotonic() > deadline:
                raise AssertionError(f"deferred chart {i} was not drawn after scrolling to it")
            pg.wait_for_timeout(50)
    pg.locator(".js-plotly-plot .main-svg").nth(count - 1).wait_for(state="attached")
