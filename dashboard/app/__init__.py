"""The Dash app: ``create_app`` builds it (data loaded then, never at import) and is the one
place that ties the pages, the cards' callbacks, the pictures, the static copy and the
server's routes together.

    pages/        one module per page: layout and thin callbacks (they declare cards, nothing more)
    static_copy/  each page as finished HTML until the reader's first interaction loads Dash
    pictures/     chart pictures and social cards, painted outside the web worker, kept on disk
    server/       serving, hardening, answers kept in memory, data and the dataset by URL
    cards.py      which chart each card draws; the one set of callbacks behind every card's downloads
    components.py the blocks pages are built of: chart cards, deferred charts, the data-age note
    embed.py      every card's Share and Embed, and the embed view (?embed=<card>)
    index.py      the HTML for every URL: the page's static copy and only the bundles it needs
    meta.py       description and social-card tags
    layout.py     the shell: header, navigation, main landmark, footer
    html_types.py typed extras for Dash's HTML components
    dash_internals.py  every private Dash detail the app relies on (tests/test_private_apis.py)

The app reads the charts and the views, never the export (tests/test_contracts.py checks
this and each sub-package's own rule, stated in its ``__init__``).
"""

from __future__ import annotations

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


def create_app(snapshot: Path | None = None, dev: bool = False, public_url: str | None = None):
    """The dashboard on the snapshot in ``snapshot`` (default: the embedded one).

    ``dev``: Dash's development tools are wanted (``serve --debug``). ``public_url``: the
    site's public address for absolute URLs in meta tags (default:
    ``$DEFENCE_DASHBOARD_PUBLIC_URL``; none: no absolute URLs).
    """
    # Imported here, not at the top: importing dashboard.app (for serving.run) must load no
    # socket or ssl user before gevent has patched the standard library.
    import os

    import dash
    import flask

    from dashboard import charts
    from dashboard.app import cards, embed, index, layout, meta
    from dashboard.app.pictures import social, svg
    from dashboard.app.server import bundles, data_routes, dataset_routes, figure_routes, routing, security
    from dashboard.app.static_copy import hydration
    from dashboard.views import data

    app_data = data.configure(snapshot)
    server = flask.Flask(__name__)
    server.config.update(bundles.COMPRESSION, COMPRESS_CACHE_KEY=bundles.static_key,
                         COMPRESS_CACHE_BACKEND=bundles.StaticCompressionCache)
    bundles.serve_vendored_bundles(server)
    hydration.install(server)
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
    cards.register(app)
    app.index_string = INDEX_STRING
    app.layout = layout.shell(app_data)
    security.install(app, dev=dev, health={
        "rows": int(len(app_data.table)),
        "editions": sorted({f"{s['name']} {e['edition']}" for s in app_data.package.get("sources", [])
                            for e in s.get("editions", [])}),
    })
    routes = data_routes.install(server, app_data)
    # the pages were imported by Dash (use_pages) above; the share chart's figure is theirs
    from dashboard.app.pages import country
    figure_routes.install(server, routes, country.share_key, country.share_figure)
    dataset_routes.install(server, app_data)
    social.install(server)
    svg.install(server)
    embed.install(server, app.public_url)
    charts.warm(app_data)
    return app
