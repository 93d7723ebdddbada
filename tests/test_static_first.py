"""The static-first page: Dash's scripts held back until the first interaction, controls and
grids in the copy, charts as SVG pictures painted by a long-lived painter process.

Expected HTML and texts are worked out by hand from the inputs each test builds.
"""

from __future__ import annotations

import json
import re
import sys
import textwrap
from pathlib import Path

import pytest
from dash import dcc, html

from dashboard.app.pictures import paint, svg
from dashboard.app.static_copy import grid_copy, hydration, prerender
from dashboard.export import ExportError, painter

DASH_SCRIPTS = "\n".join([
    '<script src="/_dash-component-suites/dash/deps/react@18.v4.min.js"></script>',
    '<script src="/assets/defer.js?m=1"></script>',
    '<script src="/_dash-component-suites/dash/dash-renderer/build/dash_renderer.v4.min.js"></script>',
    "<script>\n(function() { window.dash_clientside = window.dash_clientside || {}; })();\n</script>",
])
DASH_RENDERER = '<script id="_dash-renderer" type="application/javascript">var renderer = new DashRenderer();</script>'


# ---- hydration: the index's scripts ---------------------------------------------------------

def test_dash_scripts_become_inert_tags_in_order_and_the_inline_ones_stay():
    scripts, renderer = hydration.defer(DASH_SCRIPTS, DASH_RENDERER)
    assert '<script src="/_dash' not in scripts and '<script src="/assets/defer' not in scripts
    listed = [line.split('data-src="')[1].split('"')[0] for line in scripts.splitlines() if "dash-script" in line]
    assert listed == ["/_dash-component-suites/dash/deps/react@18.v4.min.js", "/assets/defer.js?m=1",
                      "/_dash-component-suites/dash/dash-renderer/build/dash_renderer.v4.min.js"]
    assert all('type="text/plain"' in line for line in scripts.splitlines() if "dash-script" in line)
    assert "window.dash_clientside = window.dash_clientside" in scripts  # inline: defines functions only
    assert scripts.rstrip().endswith(f'<script src="{hydration.URL}?v={hydration.version()}"></script>')
    # the renderer is kept for Dash's index check, but never runs
    assert renderer == DASH_RENDERER.replace("application/javascript", "text/plain")


def test_an_index_without_a_renderer_keeps_dashs_tags():
    assert hydration.defer(DASH_SCRIPTS, "") == (DASH_SCRIPTS, "")
    assert hydration.defer("", DASH_RENDERER) == ("", DASH_RENDERER)


def test_hydrate_js_is_served_with_a_year_of_cache():
    from dashboard.app import create_app

    client = create_app().server.test_client()
    page = client.get("/sources").get_data(as_text=True)
    assert f'<script src="{hydration.URL}?v={hydration.version()}"></script>' in page
    assert 'class="dash-script" data-src="/_dash-component-suites/dash/dash-renderer/' in page
    response = client.get(f"{hydration.URL}?v={hydration.version()}")
    assert response.status_code == 200 and response.mimetype == "application/javascript"
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert b"new window.DashRenderer()" in response.data


# ---- the copy's controls ----------------------------------------------------------------------

def test_controls_show_their_setting():
    assert prerender.render(dcc.Dropdown(id="c", options=[{"label": "United Kingdom", "value": "GBR"},
                                                           {"label": "France", "value": "FRA"}], value="FRA")) \
        == '<div class="prerender-control prerender-field" data-for="c">France</div>'
    assert prerender.render(dcc.Dropdown(id="c", options={"a": "Alpha", "b": "Beta"}, value=["b", "a"], multi=True)) \
        == '<div class="prerender-control prerender-field" data-for="c">Alpha, Beta</div>'  # in the options' order
    assert prerender.render(dcc.Input(id="q", value="", placeholder="country…")) \
        == '<div class="prerender-control prerender-field prerender-placeholder" data-for="q">country…</div>'
    assert prerender.render(dcc.Input(id="y", type="number", value=1990)) \
        == '<div class="prerender-control prerender-field" data-for="y">1990</div>'
    assert prerender.render(dcc.Checklist(id="e", options=[{"label": " Show events", "value": "on"}], value=[])) \
        == ('<div class="prerender-control prerender-options" data-for="e">'
            '<span class="prerender-option">☐  Show events</span></div>')
    assert prerender.render(dcc.RadioItems(id="r", options=["eur", "usd"], value="usd")) == (
        '<div class="prerender-control prerender-options" data-for="r"><span class="prerender-option">○ eur</span>'
        '<span class="prerender-option">◉ usd</span></div>')


def test_a_hostile_control_value_is_escaped():
    out = prerender.render(dcc.Input(id="q", value='<img src=x onerror="alert(1)">'))
    assert "<img" not in out and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in out
    out = prerender.render(dcc.Dropdown(id="d", options=[{"label": "<b>x</b>", "value": "x"}], value="x"))
    assert "<b>" not in out and "&lt;b&gt;x&lt;/b&gt;" in out


def test_graphs_and_grids_get_what_fills_gives():
    seen = []

    def fill(kind, cid, props):
        seen.append((kind, cid, prerender.px_height(props.get("style"))))
        return "<i>picture</i>" if kind == "Graph" else ""

    tree = html.Div([dcc.Graph(id="g", style={"height": "300px"}),
                     __import__("dash_ag_grid").AgGrid(id="grid", rowData=[], columnDefs=[])])
    assert prerender.render(tree, fills=fill) == (
        '<div><div class="prerender-graph" data-graph="g" style="height: 300px"><i>picture</i></div>'
        '<div class="prerender-control"></div></div>')  # a grid with nothing to show keeps a frame
    assert seen == [("Graph", "g", 300), ("AgGrid", "grid", 0)]


# ---- the copy's grids -------------------------------------------------------------------------

COLUMNS = [
    {"field": "country_link", "headerName": "Country", "cellRenderer": "markdown", "width": 150},
    {"field": "title", "headerName": "Pledge", "width": 280, "wrapText": True},
    {"field": "latest_share_pct", "headerName": "Latest", "valueFormatter": {"function": "params.data.latest_text"}},
    {"field": "status_label", "headerName": "Status", "width": 115, "cellClassRules": {"status-met": "x"}},
    {"field": "progress_pct", "headerName": "Progress", "width": 115,
     "valueFormatter": {"function": "params.value == null ? '—' : Math.round(params.value) + '%'"}},
    {"field": "gap_pp", "headerName": "Gap (pp)", "width": 105,
     "valueFormatter": {"function": "(params.value > 0 ? '+' : '') + params.value.toFixed(2)"}},
]
ROW = {"country_link": "[United Kingdom](/country/GBR)", "title": "UK: 2.5% by 2027", "latest_share_pct": 2.33,
       "latest_text": "2.33% e", "status": "off_track", "status_label": "Off track", "progress_pct": 93.2,
       "gap_pp": 0.17}


def test_a_grid_copy_shows_the_grids_texts_in_its_columns():
    out = grid_copy.table("g", {"rowData": [ROW, {**ROW, "progress_pct": None, "gap_pp": -0.004,
                                                  "country_link": "[x](javascript:alert(1))"}],
                                "columnDefs": COLUMNS, "style": {"height": "560px"}}, {})
    assert out.startswith('<div class="prerender-grid data-table" style="height: 560px">'
                          '<table style="width: 965px">')  # 150 + 280 + 200 (AG Grid's default) + 115 + 115 + 105
    assert "<th scope=\"col\">Country</th><th scope=\"col\">Pledge</th>" in out
    first, second = out.split("<tr>")[2:4]
    assert first == ('<td class="line"><a href="/country/GBR">United Kingdom</a></td>'
                     '<td class="wrap">UK: 2.5% by 2027</td><td class="line">2.33% e</td>'
                     '<td class="line status-off_track">Off track</td><td class="line">93%</td>'
                     '<td class="line">+0.17</td></tr>')
    # no progress: a dash; a negative gap keeps its sign (-0.00, as toFixed); a script link is text
    assert '<td class="line">—</td><td class="line">-0.00</td>' in second
    assert "javascript:" in second and "href=\"javascript" not in second


def test_a_grid_copy_takes_registered_rows_and_stops_at_the_first_screen(monkeypatch):
    rows = [{**ROW, "title": f"pledge {i}"} for i in range(40)]
    monkeypatch.setitem(grid_copy.ROW_SOURCES, "reg", lambda params: rows if params == {"country": "GBR"} else [])
    out = grid_copy.table("reg", {"rowData": [], "columnDefs": COLUMNS}, {"country": "GBR"})
    assert out.count("<tr>") == 1 + grid_copy.ROWS_SHOWN and "pledge 14" in out and "pledge 15" not in out
    assert grid_copy.table("reg", {"rowData": [], "columnDefs": COLUMNS}, {}) == ""


# ---- pictures -----------------------------------------------------------------------------------

FAKE_PAINTER = textwrap.dedent("""
    import json, sys, time
    for line in sys.stdin:
        request = json.loads(line)
        mode = request["figure"].get("mode")
        if mode == "hang":
            time.sleep(60)
        if mode == "exit":
            sys.exit(3)
        if mode == "error":
            print(json.dumps({"error": "rendering SVG picture failed: boom"}), flush=True)
            continue
        if request.get("format") == "png":
            print(json.dumps({"png": "iVBORw0KGgo="}), flush=True)  # base64 of the PNG signature
            continue
        print(json.dumps({"svg": f"<svg width='{request['width']}' height='{request['height']}'/>"}), flush=True)
""")


@pytest.fixture
def fake_painter(tmp_path):
    script = tmp_path / "fake_painter.py"
    script.write_text(FAKE_PAINTER)
    made = paint.Painter([sys.executable, str(script)])
    yield made
    made.close()


def test_the_painter_answers_one_picture_per_request_from_one_process(fake_painter):
    assert fake_painter.image({"data": []}, 350, 420) == b"<svg width='350' height='420'/>"
    first = fake_painter._proc
    assert fake_painter.image({"data": []}, 1140, 420, "svg") == b"<svg width='1140' height='420'/>"
    assert fake_painter.image({"data": []}, 1200, 675, "png") == b"\x89PNG\r\n\x1a\n"  # decoded from base64
    assert fake_painter._proc is first  # kept warm


def test_painter_failures_are_one_line_errors(fake_painter, monkeypatch):
    with pytest.raises(paint.PaintError, match="rendering SVG picture failed: boom"):
        fake_painter.image({"mode": "error"}, 350, 420)
    with pytest.raises(paint.PaintError, match="the painter exited"):
        fake_painter.image({"mode": "exit"}, 350, 420)
    # after a failure it is not restarted at once (each picture would wait for a doomed start)
    with pytest.raises(paint.PaintError, match="failed recently"):
        fake_painter.image({"data": []}, 350, 420)
    monkeypatch.setattr(paint, "RETRY_AFTER_S", 0.0)
    monkeypatch.setattr(paint, "PAINT_TIMEOUT_S", 0.5)
    with pytest.raises(paint.PaintError, match="did not answer in time"):
        fake_painter.image({"mode": "hang"}, 350, 420)
    assert fake_painter.image({"data": []}, 350, 420).startswith(b"<svg")  # a new process


def test_a_painter_that_cannot_start_says_so():
    with pytest.raises(paint.PaintError, match="cannot start the painter"):
        paint.Painter(["/nonexistent/painter"]).image({}, 350, 420)


def test_the_painter_process_checks_each_request():
    painted = []

    def paint_(figure, width, height, fmt):
        painted.append((width, height, fmt))
        if figure.get("fail"):
            raise ExportError("Chromium not responding: no SVG picture after 20 s")
        return b"<svg/>" if fmt == "svg" else b"\x89PNG"

    assert painter.answer(json.dumps({"figure": {}, "width": 350, "height": 420}), paint_) == {"svg": "<svg/>"}
    assert painter.answer(json.dumps({"figure": {}, "width": 1200, "height": 675, "format": "png"}), paint_) == \
        {"png": "iVBORw=="}  # base64 of the four bytes
    assert painter.answer(json.dumps({"figure": {}, "width": 350, "height": 420, "format": "gif"}),
                          paint_)["error"].startswith("bad request")
    assert painter.answer("not json", paint_)["error"].startswith("bad request")
    assert painter.answer(json.dumps({"figure": [], "width": 350, "height": 420}), paint_)["error"].startswith("bad")
    assert painter.answer(json.dumps({"figure": {}, "width": 99999, "height": 420}), paint_)["error"].startswith("bad")
    assert painter.answer(json.dumps({"figure": {"fail": 1}, "width": 350, "height": 420}), paint_) == \
        {"error": "Chromium not responding: no SVG picture after 20 s"}
    assert painted == [(350, 420, "svg"), (1200, 675, "png"), (350, 420, "svg")]


def test_picture_urls_carry_the_views_parameters_and_the_sizes():
    assert svg.url("money-gap", {"country": "GBR"}, 350, 522) == "/pictures/money-gap.svg?w=350&h=522&country=GBR"


@pytest.fixture(scope="module")
def client():
    from dashboard.app import create_app

    return create_app().server.test_client()


@pytest.mark.parametrize("url,status,words", [
    ("/pictures/nothing.svg?w=350&h=420", 404, "no chart named 'nothing'"),
    ("/pictures/money-gap.svg?w=351&h=420&country=GBR", 400, "w: one of [350, 1140]"),
    ("/pictures/money-gap.svg?w=350&h=99999&country=GBR", 400, "h: 150 to 1600"),
    ("/pictures/money-gap.svg?w=x&h=420", 400, "whole numbers"),
    ("/pictures/money-gap.svg?w=350&h=420&country=%3Cscript%3E", 400, "country"),
])
def test_bad_picture_requests_get_one_line(client, url, status, words):
    response = client.get(url)
    text = response.get_data(as_text=True)
    assert response.status_code == status and words in text and text.count("\n") == 1
    assert response.mimetype == "text/plain" and response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_picture_is_painted_once_then_served_from_disk(client, monkeypatch, tmp_path):
    monkeypatch.setenv("DEFENCE_DASHBOARD_APP_CACHE", str(tmp_path))
    calls = []

    def fake_svg(figure, width, height, fmt):
        calls.append((figure["layout"]["width"], figure["layout"]["height"], len(figure["data"])))
        return b"<svg xmlns='http://www.w3.org/2000/svg'/>"

    monkeypatch.setattr(paint._PAINTER, "image", fake_svg)
    for _ in range(2):
        response = client.get("/pictures/money-gap.svg?w=350&h=522&country=GBR")
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert response.data == b"<svg xmlns='http://www.w3.org/2000/svg'/>"
    assert len(calls) == 1 and calls[0][:2] == (350, 522) and calls[0][2] > 0  # the UK's money-gap bars


def test_without_a_painter_a_picture_is_503_and_the_page_still_works(client, monkeypatch, tmp_path):
    monkeypatch.setenv("DEFENCE_DASHBOARD_APP_CACHE", str(tmp_path))

    def broken(figure, width, height, fmt):
        raise paint.PaintError("cannot start the painter: No such file or directory")

    monkeypatch.setattr(paint._PAINTER, "image", broken)
    response = client.get("/pictures/spending.svg?w=1140&h=380&country=DEU")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert response.get_data(as_text=True) == "picture unavailable: cannot start the painter: No such file or directory\n"
    assert client.get("/country/DEU").status_code == 200


# ---- the copy's chart texts, and warming the pictures --------------------------------------------

def test_chart_texts_a_callback_writes_come_from_the_chart_in_the_copy(client):
    from tests.test_app_index import copy_of

    copy = copy_of(client.get("/").get_data(as_text=True))
    # the overview's map: the snapshot's SIPRI edition is April 2025 (SOURCES.md); its source line,
    # and the summary the live page has (its layout carries the opening map and its texts)
    assert '<p class="source-line">Source: SIPRI (2025-04 edition). Share of GDP' in copy
    assert '<figcaption class="chart-summary">Defence spending as a share of GDP in 2024, SIPRI 2025-04 edition' in copy
    # where the layout has no text for a card, the chart's description: unit and basis
    scenarios = copy_of(client.get("/scenarios").get_data(as_text=True))
    assert re.search(r'<figcaption class="chart-summary">[^<]*(% of GDP|billion)', scenarios)


def test_warming_asks_for_every_picture_each_page_shows_once(client, monkeypatch):
    from dashboard.app.pictures import warm

    body = client.get("/sources").get_data()
    paths = warm.picture_paths(body.decode())
    # two charts (reconciliation, revisions), each at the phone's and the desktop's width
    assert len(paths) == 4 and all("&amp;" not in p for p in paths)
    assert sorted(p.split("?")[0] for p in paths) == ["/pictures/reconcile.svg"] * 2 + ["/pictures/revisions.svg"] * 2
    asked = []

    def fake_get(url, timeout=0):
        asked.append(url)
        if url.endswith("/health"):
            return b"ok"
        return body if url.endswith("/sources") else (None if "w=350" in url and "revisions" in url else b"<svg/>")

    monkeypatch.setattr(warm, "_get", fake_get)
    assert warm.warm("http://x", ("/sources",)) == (3, 1)
    assert asked[:2] == ["http://x/health", "http://x/sources"] and len(asked) == 6


def test_cached_images_are_named_by_the_figure_code_that_drew_them(tmp_path, monkeypatch):
    from dashboard.app.server import diskcache

    figures = tmp_path / "figures"
    figures.mkdir()
    (figures / "country.py").write_text("TEXTANGLE = 'auto'\n")
    monkeypatch.setattr(diskcache, "FIGURE_CODE", (figures,))
    diskcache.code_id.cache_clear()
    before = diskcache.code_id()
    (figures / "country.py").write_text("TEXTANGLE = 0\n")
    diskcache.code_id.cache_clear()
    assert diskcache.code_id() != before  # a release that changes a chart paints it afresh
    diskcache.code_id.cache_clear()


# ---- the copy's Markdown ------------------------------------------------------------------------

def test_markdown_in_the_copy_renders_the_pages_subset_escaped():
    from dashboard.app.static_copy import markdown_copy

    text = ("Caption with a \\[bracket\\] & <b>tag</b>.\n\n"
            "| Country | Share |\n|---|--:|\n| [Germany](/country/DEU) | 2.12% |\n| A \\| B | [x](javascript:alert(1)) |\n\n"
            "- one: [NATO](https://www.nato.int/x)\n- two")
    assert markdown_copy.to_html(text) == (
        "<p>Caption with a [bracket] &amp; &lt;b&gt;tag&lt;/b&gt;.</p>"
        '<table><thead><tr><th>Country</th><th style="text-align: right">Share</th></tr></thead><tbody>'
        '<tr><td><a href="/country/DEU">Germany</a></td><td style="text-align: right">2.12%</td></tr>'
        '<tr><td>A | B</td><td style="text-align: right">[x](javascript:alert(1))</td></tr></tbody></table>'
        '<ul><li>one: <a href="https://www.nato.int/x">NATO</a></li><li>two</li></ul>')


def test_the_scenarios_copy_carries_its_table(client):
    from tests.test_app_index import copy_of

    copy = copy_of(client.get("/scenarios").get_data(as_text=True))
    # NATO at 3.5% by 2035 (the defaults): Germany's row links to its page, its NATO figure 2.12% in 2024
    assert '<tr><td><a href="/country/DEU">Germany</a></td><td style="text-align: right">2.12% (2024)</td>' in copy
    assert "<li>All countries: nominal GDP growth: auto;" in copy


def test_plotly_is_served_with_the_compile_hint_and_the_copy_prefetches_the_scripts(client):
    """plotly.js goes out with V8's compile hint on its first line (compiled while it streams,
    off the main thread), the rest the vendored bundle byte for byte; the copy's loader fetches
    the scripts after load unless the connection is marked Save-Data or slow."""
    from dashboard.app.server import bundles

    body = client.get("/_dash-component-suites/plotly/package_data/plotly.min.js",
                      headers={"Accept-Encoding": "identity"}).get_data()
    assert body == bundles.COMPILE_HINT + bundles.PLOTLY_BUNDLE.read_bytes()
    loader = (Path(__file__).parent.parent / "dashboard/app/static_copy/hydrate.js").read_text()
    assert 'link.rel = "prefetch"' in loader and "saveData" in loader
