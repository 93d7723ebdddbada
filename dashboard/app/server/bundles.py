"""What the first load costs: compressed, cached, trimmed bundles, and only those a page needs.

- **Compression** (flask-compress): brotli at quality 8 for static bundles, compressed once
  per process and cached (their URLs carry a version fingerprint); dynamic answers are
  compressed afresh.
- **Vendored bundles**: plotly.js trimmed to the traces the dashboard draws, and Dash's
  babel-polyfill replaced by the one runtime its code needs, served at the paths Dash
  links (``vendor/``, built by ``tools/plotly``).
- **Bundles per page**: AG Grid's code only with /pledges.

The private parts of Dash this relies on (the bundle paths) are listed in docs/design.md
and checked by tests/test_private_apis.py.
"""

from __future__ import annotations

import re
from pathlib import Path

from dashboard.app.server.bytecache import ByteLRU

APP = Path(__file__).resolve().parents[1]  # dashboard/app

# Brotli at quality 8 makes plotly.js 1.24 MB on the wire instead of 1.44 MB (zstd 3),
# which keeps the first page under 2 MB; it costs ~0.5 s, so static bundles are
# compressed once per process and cached (their URLs carry a version fingerprint).
COMPRESSION = {
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    "COMPRESS_ALGORITHM_STREAMING": ["br", "deflate"],
    "COMPRESS_BR_LEVEL": 8,
    "COMPRESS_LEVEL": 6,
}
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")


# The compressed bundles a page loads are ~2 MB; a query string makes a new key, so the
# cache is bounded by bytes, per worker, like every other.
STATIC_CACHE_BYTES = 16 * 1024 * 1024


class StaticCompressionCache:
    """flask-compress cache that keeps compressed static bundles, never dynamic answers."""

    def __init__(self) -> None:
        self._store = ByteLRU(STATIC_CACHE_BYTES)

    def get(self, key: str) -> bytes | None:
        found = self._store.get(key)
        return found if isinstance(found, bytes) else None

    def set(self, key: str, value: bytes) -> None:
        if not key.endswith(";"):  # empty cache key: not a static file
            self._store.put(key, value)


def static_key(request) -> str:
    # the path alone: a bundle's version is in its path (Dash's fingerprints), and a query string
    # (?m=…, or any a client makes up) must not cost a fresh brotli pass per value
    return request.path if request.method == "GET" and request.path.startswith(STATIC_PREFIXES) else ""


# plotly.js with only the traces the dashboard draws (scatter, bar, choropleth): 1.4 MB
# instead of 4.8 MB to download, parse and run on every first visit (Lighthouse's total
# blocking time). dcc.Graph loads plotly.js from the plotly package's path, so that path
# serves this bundle. Rebuild with `npm install && npm run build` in tools/plotly (its
# version pinned to the plotly.js the python plotly package ships); static export keeps
# kaleido's full plotly.js.
PLOTLY_BUNDLE = APP / "vendor" / "plotly-custom.min.js"
PLOTLY_PATH = re.compile(r"/_dash-component-suites/plotly/package_data/plotly(\.v\w+)?\.min\.js")
# Dash sends babel-polyfill 7.12 (core-js 2) first on every page, for browsers older than
# any Dash 4 supports. Of it the bundles use only the `regeneratorRuntime` global (Dash's
# lazy loaders); the rest replaced native code with slower copies (core-js swaps in its
# own String.prototype.trim, which plotly.js calls for every label). Its path serves
# regenerator-runtime alone (7 KB; tools/plotly builds it too).
RUNTIME_BUNDLE = APP / "vendor" / "regenerator-runtime.min.js"
POLYFILL_PATH = re.compile(r"/_dash-component-suites/dash/deps/polyfill@7[\w.]*\.min\.js")
VENDORED = ((PLOTLY_PATH, PLOTLY_BUNDLE), (POLYFILL_PATH, RUNTIME_BUNDLE))
# V8's explicit compile hint (Chrome 136+): compile every function of the file while it streams in, on
# a background thread, instead of each one on the main thread the first time it runs. plotly.js runs
# most of its code when it loads and first draws (on the reader's first interaction: 60-70 ms less
# evaluation, 30-40 ms less first draw); other browsers read a comment.
COMPILE_HINT = b"//# allFunctionsCalledOnLoad\n"


def serve_vendored_bundles(server) -> None:
    """Answer requests for plotly.js and Dash's polyfill with the trimmed bundles."""
    import flask

    bundles = [(path, (COMPILE_HINT if bundle == PLOTLY_BUNDLE else b"") + bundle.read_bytes())
               for path, bundle in VENDORED]

    @server.before_request
    def _vendored():
        for path, body in bundles:
            if path.fullmatch(flask.request.path):
                return flask.Response(body, mimetype="application/javascript")
        return None


# AG Grid's bundle is 1.3 MB (311 KB brotli) and only /pledges and /countries draw a grid:
# other pages' first load skips it (Lighthouse: 0.25 s of transfer on a 10 Mbit/s line).
# Links to those pages load the page afresh, and assets/lazy-grid.js reloads any page that
# reaches the grid without its bundle (e.g. history navigation inside one page load).
PAGE_ONLY_BUNDLES: dict[str, tuple[str, ...]] = {"/_dash-component-suites/dash_ag_grid/": ("/pledges", "/countries", "/budgets")}

FULL_LOAD_PATHS = frozenset(page for pages in PAGE_ONLY_BUNDLES.values() for page in pages)


def page_scripts(scripts: str, path: str) -> str:
    """Dash's script tags without the bundles other pages need only."""
    path = path.rstrip("/") or "/"
    lines = scripts.split("\n")
    for prefix, pages in PAGE_ONLY_BUNDLES.items():
        if path not in pages:
            lines = [line for line in lines if prefix not in line]
    return "\n".join(lines)
