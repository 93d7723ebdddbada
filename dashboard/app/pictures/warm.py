"""After ``serve`` starts: paint the chart pictures of each page's opening view, so the first
readers meet pictures already on disk (``pictures``), not a painter starting Chromium.

    python -m dashboard.app.pictures.warm http://127.0.0.1:8050

A child process of ``serve`` (``serving.run``), quiet and on its own: it waits for /health,
asks for each page in ``PAGES`` and then for every picture its static copy shows (the
phone's and the desktop's), one at a time, and exits. Pictures already on disk cost a
file read; a failure is skipped (the page works without its pictures). ``serve --no-warm``
leaves it out.
"""

from __future__ import annotations

import html
import re
import sys
import time
import urllib.request

PAGES = ("/", "/country/GBR", "/pledges", "/countries", "/budgets", "/compare", "/scenarios", "/ukraine", "/sources")
PICTURE = re.compile(r'(?:src|srcset)="(/pictures/[a-z-]+\.svg\?[^"<>]*)"')
READY_WAIT_S = 90      # the server's start (the app is built before gunicorn listens)
REQUEST_TIMEOUT_S = 60  # a picture: the painter's start (~3 s) and its paint


def picture_paths(page: str) -> list[str]:
    """The picture URLs (site paths) a page's HTML shows, once each, in page order."""
    return list(dict.fromkeys(html.unescape(m) for m in PICTURE.findall(page)))


def warm(base_url: str, pages: tuple[str, ...] = PAGES) -> tuple[int, int]:
    """Ask for each page's pictures; (pictures answered, pictures failed)."""
    if not _ready(base_url):
        return 0, 0
    done = failed = 0
    for path in pages:
        body = _get(base_url + path)
        for picture in picture_paths(body.decode("utf-8", "replace") if body else ""):
            if _get(base_url + picture) is None:
                failed += 1
            else:
                done += 1
    return done, failed


def _ready(base_url: str) -> bool:
    deadline = time.monotonic() + READY_WAIT_S
    while time.monotonic() < deadline:
        if _get(base_url + "/health", timeout=2) is not None:
            return True
        time.sleep(0.5)
    return False


def _get(url: str, timeout: float = REQUEST_TIMEOUT_S) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (our own server)
            return response.read()
    except (OSError, ValueError):
        return None


def main() -> None:
    """Entry point: the server's base URL as the only argument."""
    if len(sys.argv) == 2 and sys.argv[1].startswith(("http://", "https://")):
        warm(sys.argv[1].rstrip("/"))


if __name__ == "__main__":
    main()
