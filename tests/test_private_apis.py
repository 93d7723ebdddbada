"""The private APIs the project relies on still behave as it expects (docs/design.md lists them).

Each test names the private detail it checks; when Dash, openpyxl, kaleido, choreographer
or gunicorn changes under the project, the failure says which part of the fenced
machinery to look at, instead of a blank page or a wrong figure in production.
"""

from __future__ import annotations

import inspect
import re
import socket
from pathlib import Path

import pytest

from dashboard.app import create_app, dash_internals
from dashboard.app.server import bundles

DESIGN = Path(__file__).resolve().parents[1] / "docs" / "design.md"


@pytest.fixture(scope="module")
def app():
    application = create_app()
    application.server.test_client().get("/")
    return application


def test_dash_page_container_ids(app):
    """dash.page_container holds the ids the router, the static copy and the shape checks use."""
    import dash

    ids = {c.id for c in dash.page_container.children if getattr(c, "id", None)}
    assert {dash_internals.PAGES_LOCATION, dash_internals.PAGES_CONTENT, dash_internals.PAGES_STORE,
            dash_internals.PAGES_DUMMY} <= ids, f"dash.page_container ids changed: {ids}"
    assert any(dash_internals.ROUTER_OUTPUT in key for key in app.callback_map), "the router's output key changed"


def test_dash_pages_routing_matches_the_live_router(app):
    """dash._pages._path_to_page and _parse_query_string: the static copy routes as the live page."""
    page, variables = dash_internals.path_to_page("/country/GBR")
    assert page.get("path_template") == "/country/<iso3>" and variables == {"iso3": "GBR"}
    page, variables = dash_internals.path_to_page("/no/such/page")
    assert page == {} and variables == {}
    assert dash_internals.not_found_page().get("module", "").endswith("not_found_404")
    assert dash_internals.parse_query_string("?year=2024&source=nato") == {"year": "2024", "source": "nato"}


def test_dash_router_passes_routing_state_after_the_query(app):
    """The router calls layout(**path, **query, **routing inputs): the path-wins wrapper needs that order."""
    import dash

    source = inspect.getsource(dash.Dash.enable_pages)
    assert "**{**(path_variables or {}), **query_parameters, **states}" in source, \
        "Dash's router no longer passes routing state last (dashboard/app/server/routing.py)"


def test_component_namespace_and_type():
    """Component._namespace/_type: the static copy renders html.* itself and frames the rest."""
    from dash import dcc, html

    assert dash_internals.component_kind(html.Div()) == ("dash_html_components", "Div")
    assert dash_internals.component_kind(dcc.Graph()) == ("dash_core_components", "Graph")


def test_callback_map_entries_have_the_shape_the_checks_read(app):
    """app.callback_map: "inputs"/"state" lists of {id, property}, "output" Output objects, "callback"."""
    entry = next(v for k, v in app.callback_map.items() if k.startswith("..country-share-graph"))
    assert callable(entry["callback"])
    assert all({"id", "property"} <= set(i) for i in entry["inputs"] + entry["state"])
    assert all(hasattr(o, "component_id") and hasattr(o, "component_property") for o in entry["output"])


def test_dash_still_links_the_bundles_we_replace(app):
    """The paths Dash links plotly.js and its babel-polyfill at: the vendored bundles answer there."""
    page = app.server.test_client().get("/country/GBR").get_data(as_text=True)
    # script tags, or the inert tags static_copy/hydration.py lists them in for the first interaction
    paths = re.findall(r'<script (?:type="text/plain" class="dash-script" data-)?src="([^"?]+)', page)
    assert any(bundles.POLYFILL_PATH.fullmatch(p) for p in paths), f"no babel-polyfill script among {paths}"
    plotly = [p for p in paths if "plotly" in p and "package_data" in p]
    assert not plotly or all(bundles.PLOTLY_PATH.fullmatch(p) for p in plotly)
    # dcc.Graph loads plotly.js lazily from the plotly package's path
    import dash.dcc as dcc_module

    async_bundle = Path(dcc_module.__file__).parent
    assert any(async_bundle.glob("async-graph*.js")), "dcc.Graph's lazy plotly loader moved"
    # ... and waits for window.Plotly when it is set (static_copy/hydrate.js sets a thenable while
    # its own load of plotly.js runs): Promise.resolve(window.Plotly || load it)
    loader = (async_bundle / "dash_core_components.js").read_text(encoding="utf-8")
    assert "Promise.resolve(window.Plotly||" in loader, "dcc.Graph no longer waits for a window.Plotly it finds"


def test_openpyxl_fonts_and_font_ids():
    """openpyxl Workbook._fonts and ReadOnlyCell.style_array.fontId: SIPRI's estimate flags are font colours."""
    import openpyxl

    from tests.builders import write_sipri_workbook

    path = Path(__file__).resolve().parent / ".fonts-check.xlsx"
    try:
        write_sipri_workbook(path)
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        assert isinstance(wb._fonts, list | tuple) or hasattr(wb._fonts, "__iter__")
        cell = next(c for row in wb["Share of GDP"].iter_rows() for c in row if c.value == 0.023)
        assert isinstance(cell.style_array.fontId, int)
        wb.close()
    finally:
        path.unlink(missing_ok=True)


def test_kaleido_and_choreographer_parts_the_export_controls():
    """kaleido._global_server._initialized, start/stop_sync_server, Chromium.find_browser, the wrapper name."""
    import kaleido
    from choreographer.browsers.chromium import Chromium

    from dashboard.export import browser

    assert callable(kaleido.start_sync_server) and callable(kaleido.stop_sync_server)
    assert hasattr(kaleido, "_global_server") and hasattr(kaleido._global_server, "_initialized")
    assert "skip_local" in inspect.signature(Chromium.find_browser).parameters
    import choreographer

    wrapper = browser.WRAPPER_MARK.decode()
    assert list(Path(choreographer.__file__).parent.rglob(f"{wrapper}.py")), \
        f"choreographer's {wrapper} script is gone: the export can no longer find its own browser"


def test_gunicorn_worker_hooks():
    """GeventWorker.handle/handle_error signatures, and error answers written with sock.sendall."""
    from gunicorn import util
    from gunicorn.workers.ggevent import GeventWorker

    from dashboard.app.server.worker import HeaderedSocket

    assert list(inspect.signature(GeventWorker.handle).parameters) == ["self", "listener", "client", "addr"]
    assert list(inspect.signature(GeventWorker.handle_error).parameters) == ["self", "req", "client", "addr", "exc"]
    left, right = socket.socketpair()
    with left, right:
        util.write_error(HeaderedSocket(left), 400, "Bad Request", "x")
        answer = right.recv(4096).decode()
    assert answer.startswith("HTTP/1.1 400 Bad Request\r\n") and "X-Frame-Options: DENY\r\n" in answer


def test_every_private_api_is_listed_in_the_design_notes():
    text = DESIGN.read_text(encoding="utf-8")
    for name in ("dash._pages._path_to_page", "dash._pages._parse_query_string", "_namespace", "callback_map",
                 "page_container", "polyfill", "plotly/package_data", "Workbook._fonts", "style_array.fontId",
                 "kaleido._global_server", "Chromium.find_browser", "_unix_pipe_chromium_wrapper",
                 "GeventWorker.handle", "util.write_error", "/proc", "Promise.resolve(window.Plotly",
                 "PlotlyGeoAssets"):
        assert name in text, f"docs/design.md does not list {name}"


def test_dash_index_check_accepts_the_held_back_scripts():
    """Dash refuses an index without a dash-renderer script src and the renderer's id: the
    inert tags static_copy/hydration.py writes must still pass its check."""
    from dash import dash as dash_module

    from dashboard.app.static_copy import hydration

    scripts, renderer = hydration.defer(
        '<script src="/_dash-component-suites/dash/dash-renderer/build/dash_renderer.v4.min.js"></script>',
        '<script id="_dash-renderer" type="application/javascript">var renderer = new DashRenderer();</script>')
    index = scripts + renderer
    for check, what in (dash_module._re_index_scripts_id, dash_module._re_renderer_scripts_id):
        assert re.search(check, index), f"Dash's index check for {what!r} no longer passes"
    assert "<script src=\"/_dash-component-suites" not in index  # and nothing of Dash's runs with the page
