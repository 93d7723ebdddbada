"""The Dash app: ``create_app`` builds it (data loaded then, never at import)."""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
PAGES = HERE / "pages"
ASSETS = HERE / "assets"
TITLE = "Defence spending and pledges"

# Served with lang="en" and a skip link: the default index lacks both (Lighthouse,
# axe-core: html-has-lang, bypass). Dash's default index wraps its scripts in a <footer>,
# a second contentinfo landmark beside the site footer (landmark-no-duplicate-contentinfo).
INDEX_STRING = """<!DOCTYPE html>
<html lang="en">
    <head>
        {%metas%}
        <title>{%title%}</title>
        <meta name="description" content="Defence spending, pledges and money gaps from published figures (SIPRI, NATO, World Bank, Eurostat).">
        {%favicon%}
        {%css%}
    </head>
    <body>
        <a class="skip-link" href="#main">Skip to content</a>
        {%app_entry%}
        {%config%}
        {%scripts%}
        {%renderer%}
    </body>
</html>"""


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


class StaticCompressionCache:
    """flask-compress cache that keeps compressed static bundles, never dynamic answers."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self._store.get(key)

    def set(self, key: str, value: bytes) -> None:
        if not key.endswith(";"):  # empty cache key: not a static file
            self._store[key] = value


def _static_key(request) -> str:
    return request.full_path if request.method == "GET" and request.path.startswith(STATIC_PREFIXES) else ""


# plotly.js with only the traces the dashboard draws (scatter, bar, choropleth): 1.4 MB
# instead of 4.8 MB to download, parse and run on every first visit (Lighthouse's total
# blocking time). dcc.Graph loads plotly.js from the plotly package's path, so that path
# serves this bundle. Rebuild with `npm install && npm run build` in tools/plotly (its
# version pinned to the plotly.js the python plotly package ships); static export keeps
# kaleido's full plotly.js.
PLOTLY_BUNDLE = HERE / "vendor" / "plotly-custom.min.js"
PLOTLY_PATH = re.compile(r"/_dash-component-suites/plotly/package_data/plotly(\.v\w+)?\.min\.js")
# Dash sends babel-polyfill 7.12 (core-js 2) first on every page, for browsers older than
# any Dash 4 supports. Of it the bundles use only the `regeneratorRuntime` global (Dash's
# lazy loaders); the rest replaced native code with slower copies (core-js swaps in its
# own String.prototype.trim, which plotly.js calls for every label). Its path serves
# regenerator-runtime alone (7 KB; tools/plotly builds it too).
RUNTIME_BUNDLE = HERE / "vendor" / "regenerator-runtime.min.js"
POLYFILL_PATH = re.compile(r"/_dash-component-suites/dash/deps/polyfill@7[\w.]*\.min\.js")
VENDORED = ((PLOTLY_PATH, PLOTLY_BUNDLE), (POLYFILL_PATH, RUNTIME_BUNDLE))


def _serve_vendored_bundles(server) -> None:
    """Answer requests for plotly.js and Dash's polyfill with the trimmed bundles."""
    import flask

    bundles = [(path, bundle.read_bytes()) for path, bundle in VENDORED]

    @server.before_request
    def _vendored():
        for path, body in bundles:
            if path.fullmatch(flask.request.path):
                return flask.Response(body, mimetype="application/javascript")
        return None


def create_app(snapshot: Path | None = None, dev: bool = False, public_url: str | None = None):
    """The dashboard on the snapshot in ``snapshot`` (default: the embedded one).

    ``dev``: Dash's development tools are wanted (``serve --debug``). ``public_url``: the
    site's public address for absolute URLs in meta tags (default:
    ``$DEFENCE_DASHBOARD_PUBLIC_URL``; none: no absolute URLs).
    """
    import os

    import dash
    import flask

    from dashboard.app import images, index, layout, meta, routing, security
    from dashboard.views import data

    app_data = data.configure(snapshot)
    server = flask.Flask(__name__)
    server.config.update(COMPRESSION, COMPRESS_CACHE_KEY=_static_key,
                         COMPRESS_CACHE_BACKEND=StaticCompressionCache)
    _serve_vendored_bundles(server)
    app = index.DashboardDash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder=str(PAGES),
        assets_folder=str(ASSETS),
        title=TITLE,
        update_title=None,
        compress=True,
        suppress_callback_exceptions=True,
        include_pages_meta=False,  # its tags echo the Host header: meta.py writes ours
        routing_callback_inputs=routing.ROUTING_INPUTS,
        public_url=meta.public_url(public_url if public_url is not None else os.environ.get(meta.ENV_PUBLIC_URL, "")),
    )
    routing.install(dash.page_registry)
    images.register(app)
    app.index_string = INDEX_STRING
    app.layout = layout.shell(app_data)
    security.install(app, dev=dev, health={
        "rows": int(len(app_data.table)),
        "editions": sorted({f"{s['name']} {e['edition']}" for s in app_data.package.get("sources", [])
                            for e in s.get("editions", [])}),
    })
    app_data.warm_views()
    return app
