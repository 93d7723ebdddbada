"""Dash's scripts loaded on the reader's first interaction, not with the page (``hydrate.js``).

The index lists Dash's script files as inert ``<script type="text/plain" class="dash-script"
data-src>`` tags and keeps the inline ``new DashRenderer()`` as inert text; ``hydrate.js`` loads them in order and
starts the renderer when the reader first moves the mouse, touches, types or scrolls
with the wheel (at once for a page opened at an anchor, or a browser that cannot show
the static copy). Inline scripts (Dash's clientside functions) stay where they are: they
only define functions. A page without a static copy keeps Dash's tags as they were.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from dashboard.app.static_copy import page_cache

SCRIPT = Path(__file__).with_name("hydrate.js")
URL = "/_hydrate.js"
SCRIPT_TAG = re.compile(r'<script src="([^"<>]+)"></script>\n?')
RENDERER = "new DashRenderer()"  # what Dash's {%renderer%} runs (hydrate.js does it instead)


def defer(scripts: str, renderer: str) -> tuple[str, str]:
    """(scripts, renderer) for the index: Dash's files listed for ``hydrate.js``, the renderer inert."""
    sources = SCRIPT_TAG.findall(scripts)
    if not sources or RENDERER not in renderer:
        return scripts, renderer
    # inert tags (never run, never fetched) in place of Dash's: hydrate.js reads their data-src
    listing = "\n".join(f'<script type="text/plain" class="dash-script" data-src="{src}"></script>' for src in sources)
    inline = SCRIPT_TAG.sub("", scripts)
    # Dash checks that the index still names its renderer: kept as an inert (text/plain) copy
    inert = renderer.replace('type="application/javascript"', 'type="text/plain"')
    if inert == renderer:
        return scripts, renderer
    return f'{inline}{listing}\n<script src="{URL}?v={version()}"></script>', inert


@lru_cache(maxsize=1)
def version() -> str:
    """A fingerprint of hydrate.js for its URL (served with a year's cache)."""
    return hashlib.sha256(SCRIPT.read_bytes()).hexdigest()[:12]


def install(server) -> None:
    """Serve hydrate.js at ``URL``, and the pages from memory (``page_cache``: its hooks must be
    the first added, which ``create_app`` calling this before building Dash's app ensures)."""
    import flask

    page_cache.install(server)
    body = SCRIPT.read_bytes()

    @server.route(URL)
    def _hydrate() -> flask.Response:
        response = flask.Response(body, mimetype="application/javascript")
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response
