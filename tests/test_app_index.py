"""The page Dash serves for each URL: its static copy and the bundles it sends."""

from __future__ import annotations

import re

import pytest
from dash import dcc, html

from dashboard.app import create_app
from dashboard.app.server.bundles import page_scripts
from dashboard.app.static_copy import prerender
from tests.conftest import PICTURE

AG_GRID = "/_dash-component-suites/dash_ag_grid/"


@pytest.fixture(scope="module")
def client():
    return create_app().server.test_client()


def copy_of(body: str) -> str:
    """The static copy's HTML in an index page ('' if there is none)."""
    start = body.find('<div class="prerender">')
    return "" if start < 0 else body[start:body.index('<div id="react-entry-point">', start)]


def test_render_writes_plain_html_links_and_frames():
    tree = html.Div([
        html.H1("Spend & pledges"),
        dcc.Link("UK", href="/country/GBR", className="nav-link"),
        dcc.Loading(dcc.Graph(id="g", style={"height": "300px"})),
        dcc.Dropdown(id="d", options=["a"]),
        dcc.Store(id="s", data=1),
        html.Button("Download", id="b", type="button"),
    ], id="top", className="card", style={"minHeight": 40, "flex": 1, "padding": "8px 14px"})
    # worked out by hand: ids dropped, camelCase styles as CSS, numbers in px except unitless
    assert prerender.render(tree) == (
        '<div class="card" style="min-height: 40px; flex: 1; padding: 8px 14px">'
        "<h1>Spend &amp; pledges</h1>"
        '<a class="nav-link" href="/country/GBR">UK</a>'
        '<div class="prerender-graph" data-graph="g" style="height: 300px"></div>'
        # no value, no placeholder; data-for: the live control's id (hydrate.js focuses it if pressed)
        '<div class="prerender-control prerender-field prerender-placeholder" data-for="d"></div>'
        '<button type="button" data-for="b" disabled>Download</button>'
        "</div>")


def test_render_escapes_text_and_drops_unsafe_links_and_scripts():
    tree = html.Div([
        html.P('<img src=x onerror="alert(1)">'),
        html.A("x", href="javascript:alert(1)"),
        html.A("y", href=' " onmouseover="alert(1)'),
        html.Script("alert(1)"),
        html.P("z", title='" onclick="alert(1)'),
    ])
    out = prerender.render(tree)
    assert "<img" not in out and "<script" not in out and "javascript:" not in out
    assert "onmouseover" not in out
    assert '<p title="&quot; onclick=&quot;alert(1)">z</p>' in out
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in out


def test_slots_put_the_page_into_the_shell():
    shell = html.Div([html.Header("H"), html.Main(html.Div(id="_pages_content"))])
    assert prerender.render(shell, {"_pages_content": html.P("page")}) == \
        "<div><header>H</header><main><p>page</p></main></div>"


def test_static_copies_are_rendered_once_per_url(monkeypatch):
    app = create_app()
    client = app.server.test_client()
    built = []
    real = prerender.render_page
    monkeypatch.setattr(prerender, "render_page", lambda *a: built.append(a[1:3]) or real(*a))
    for url in ("/compare?chart=bars", "/compare?chart=bars", "/sources", "/compare?chart=bars"):
        assert client.get(url).status_code == 200
    assert built == [("/compare", "?chart=bars"), ("/sources", "")]


def test_page_scripts_keep_the_grid_bundle_for_pledges_only():
    scripts = "\n".join(['<script src="/_dash-component-suites/dash/dash_renderer.js"></script>',
                         f'<script src="{AG_GRID}dash_ag_grid.min.js"></script>'])
    assert AG_GRID not in page_scripts(scripts, "/")
    assert AG_GRID not in page_scripts(scripts, "/country/GBR")
    assert AG_GRID in page_scripts(scripts, "/pledges")
    assert AG_GRID in page_scripts(scripts, "/pledges/")
    assert AG_GRID in page_scripts(scripts, "/countries")
    assert "dash_renderer" in page_scripts(scripts, "/")


def test_overview_index_carries_the_page_and_no_grid(client):
    body = client.get("/").get_data(as_text=True)
    copy = copy_of(body)
    assert "<h1>Defence spending and pledges</h1>" in copy
    assert '<nav aria-label="Main">' in copy and '<a class="nav-link" href="/pledges">Pledges</a>' in copy
    assert re.search(r"<strong>\d+ of \d+</strong>allies at or above 2% of GDP", copy)  # the headline strip
    # no duplicate ids but the skip link's target, no dangling labels
    assert re.findall(r' id="([^"]*)"', copy) == ["main"] and " for=" not in copy
    assert '<main id="main" tabindex="-1">' in copy
    assert body.index('<div class="prerender">') < body.index('<div id="react-entry-point">')
    assert AG_GRID not in body
    assert 'id="react-entry-point"' in body  # Dash still renders the live page


def test_pledges_index_sends_the_grid_bundle(client):
    body = client.get("/pledges").get_data(as_text=True)
    # listed for static_copy/hydrate.js to load on the first interaction, not loaded with the page
    assert f'<script type="text/plain" class="dash-script" data-src="{AG_GRID}' in body
    assert "<h1>Pledge tracker</h1>" in copy_of(body)


def test_country_copy_has_the_chart_summaries(client):
    copy = copy_of(client.get("/country/GBR?from=2000").get_data(as_text=True))
    assert "<h1>United Kingdom</h1>" in copy
    assert re.search(r'<figcaption class="chart-summary">United Kingdom, defence spending as a share of GDP', copy)
    assert "NATO (2024-06 edition)" in copy  # the share chart's source line


@pytest.mark.parametrize("url,status", [
    ("/?year=%3Cscript%3Ealert(1)%3C/script%3E", 200),
    ("/country/%3Cscript%3Ealert(1)%3C%2Fscript%3E", 404),  # "country not found", with its page
    ("/compare?countries=%3Cb%3EGBR&indicator=%22%3E%3Cimg", 200),
    ("/no/such/page", 404),
])
def test_hostile_urls_get_an_escaped_copy(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    copy = copy_of(response.get_data(as_text=True))
    assert "</main>" in copy  # the whole copy, up to Dash's entry point
    # the compare page echoes unknown codes upper-cased; the copy's own chart pictures are the only images
    low = PICTURE.sub("", copy.lower())
    assert "<script" not in low and "<img" not in low and "<b>" not in low


def test_an_echoed_hostile_code_is_escaped(client):
    # the compare page names the codes it does not know (upper-cased, 12 characters each)
    copy = copy_of(client.get("/compare?countries=%3Cscript%3Ealert(1)%3C/script%3E").get_data(as_text=True))
    assert "Not in the data (use ISO 3166 alpha-3 codes such as GBR): &lt;SCRIPT&gt;ALE" in copy
    assert "<SCRIPT" not in copy


def test_copy_routes_the_path_as_the_browser_sent_it(client):
    # Dash routes the live page by location.pathname, which keeps percent-escapes
    copy = copy_of(client.get("/country/%47BR").get_data(as_text=True))
    assert "<h1>Country not found</h1>" in copy
    body = client.get("/%70ledges").get_data(as_text=True)
    assert "<h1>Page not found</h1>" in copy_of(body) and AG_GRID not in body


def test_unknown_page_copy_is_the_friendly_404(client):
    copy = copy_of(client.get("/no/such/page").get_data(as_text=True))
    assert "<h1>Page not found</h1>" in copy


def test_every_inline_script_is_allowed_whatever_the_first_request():
    """A fresh server whose first request is a vendored bundle still allows the index's inline scripts."""
    import base64
    import hashlib

    fresh = create_app().server.test_client()
    first = fresh.get("/_dash-component-suites/dash/deps/polyfill@7.v4_4_1m1.12.1.min.js")
    assert first.status_code == 200 and b"regeneratorRuntime" in first.data
    page = fresh.get("/")
    policy = page.headers["Content-Security-Policy"]
    tags = re.findall(r"<script((?: [^>]*)?)>(.*?)</script>", page.get_data(as_text=True), flags=re.S)
    inline = [body for attrs, body in tags if "src=" not in attrs and "application/json" not in attrs]
    assert len(inline) >= 2  # the page router's title callback and the renderer
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy, body[:80]


def test_dash_polyfill_is_served_as_the_regenerator_runtime_only(client):
    body = client.get("/_dash-component-suites/dash/deps/polyfill@7.v4_4_1m1.12.1.min.js")
    assert body.mimetype == "application/javascript"
    assert len(body.data) < 10_000  # babel-polyfill is ~100 KB


PAGES_FOR_LAYOUT = ["/", "/country/GBR?from=2000", "/countries", "/budgets", "/pledges", "/compare", "/scenarios",
                    "/ukraine", "/sources", "/country/XYZ", "/nowhere"]


def _ids(node: object, found: list[str]) -> list[str]:
    """Every string id in a JSON layout, in order (repeats kept)."""
    if isinstance(node, list):
        for child in node:
            _ids(child, found)
    elif isinstance(node, dict) and isinstance(node.get("props"), dict):
        if isinstance(node["props"].get("id"), str):
            found.append(node["props"]["id"])
        for value in node["props"].values():
            _ids(value, found)
    return found


def _find(node: object, cid: str) -> dict | None:
    if isinstance(node, list):
        return next((f for child in node if (f := _find(child, cid))), None)
    if isinstance(node, dict) and isinstance(node.get("props"), dict):
        if node["props"].get("id") == cid:
            return node
        return next((f for value in node["props"].values() if (f := _find(value, cid))), None)
    return None


@pytest.mark.parametrize("url", PAGES_FOR_LAYOUT)
def test_the_layout_asked_from_a_page_carries_that_page(client, url):
    """GET /_dash-layout from a page of the site (its Referer): the shell with the page in the
    router's container, the router's location at the page's URL and its title in the router's
    store, as the router would have left them; every id once (Dash draws none twice)."""
    import json

    answer = client.get("/_dash-layout", headers={"Referer": f"http://localhost{url}"})
    assert answer.status_code == 200 and "Referer" in answer.headers["Vary"]
    layout = json.loads(answer.data)
    path, _, query = url.partition("?")
    content = _find(layout, "_pages_content")
    assert content and content["props"]["children"], url
    location = _find(layout, "_pages_location")["props"]
    assert location["pathname"] == path and location["search"] == (f"?{query}" if query else "")
    assert _find(layout, "_pages_store")["props"]["data"]["title"]
    ids = _ids(layout, [])
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    if url.startswith("/country/GBR"):
        assert _find(layout, "country-title")["props"]["children"] == "United Kingdom"
        assert _find(layout, "country-from")["props"]["value"] == 2000


def test_the_layout_without_a_page_of_the_site_is_dashs_own(client):
    """No Referer, another site's, or a scheme that is not the web: the shell alone (the router
    fills the page, as before)."""
    import json

    for headers in ({}, {"Referer": "https://elsewhere.example/country/GBR"}, {"Referer": "file:///country/GBR"}):
        layout = json.loads(client.get("/_dash-layout", headers=headers).data)
        assert not _find(layout, "_pages_content")["props"].get("children"), headers


def test_layouts_with_pages_are_kept_within_their_bytes():
    """Each (page, query, day) is built once per worker and kept by bytes: a crowd of made-up
    queries does not grow the cache past its bound."""
    from dashboard.app import index

    app = create_app()
    client = app.server.test_client()
    one = len(client.get("/_dash-layout", headers={"Referer": "http://localhost/country/GBR?x=0"}).data)
    asked = index.LAYOUT_CACHE_BYTES // one + 20   # more than fit
    for n in range(1, asked):
        assert client.get("/_dash-layout", headers={"Referer": f"http://localhost/country/GBR?x={n}"}).status_code == 200
    assert 0 < app._layouts.size <= index.LAYOUT_CACHE_BYTES
    assert len(app._layouts) < asked   # the oldest were dropped to fit
    size = app._layouts.size
    client.get("/_dash-layout", headers={"Referer": f"http://localhost/country/GBR?x={asked - 1}"})
    assert app._layouts.size == size   # a repeat of a kept one is the kept answer
