"""The Dash app: ``create_app`` builds it (data loaded then, never at import)."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
PAGES = HERE / "pages"
ASSETS = HERE / "assets"
TITLE = "Defence spending and pledges"

# Served with lang="en" and a skip link: the default index lacks both (Lighthouse,
# axe-core: html-has-lang, bypass).
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
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>"""


def create_app(snapshot: Path | None = None):
    """The dashboard on the snapshot in ``snapshot`` (default: the embedded one)."""
    import dash

    from dashboard.app import data, layout

    app_data = data.configure(snapshot)
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(PAGES),
        assets_folder=str(ASSETS),
        title=TITLE,
        update_title=None,
        compress=True,
        suppress_callback_exceptions=True,
    )
    app.index_string = INDEX_STRING
    app.layout = layout.shell(app_data)
    warm_pages()
    return app


def warm_pages() -> None:
    """Let each page precompute its frames now, so no visitor pays for them."""
    import dash

    for page in dash.page_registry.values():
        module = __import__(page["module"], fromlist=["warm"])
        warm = getattr(module, "warm", None)
        if callable(warm):
            warm()
