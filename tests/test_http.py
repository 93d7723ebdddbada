"""HTTP behaviour the app controls (Flask test client): routing, status, headers, bounds.

The path wins over the query; unknown pages answer 404 with the friendly page; Dash's
development routes are off in production; no absolute URL comes from the Host header;
every answer carries the security headers; no request makes an answer larger than the
data served; identical callback requests get identical answers (kept per worker).
"""

from __future__ import annotations

import json
import re

import pytest

from dashboard.app import create_app
from dashboard.app.server import shapes
from dashboard.app.server.security import BASE_HEADERS
from dashboard.views import data

UPDATE = "/_dash-update-component"


@pytest.fixture(scope="module")
def app():
    application = create_app()
    application.server.test_client().get("/")
    return application


@pytest.fixture
def client(app):
    return app.server.test_client()


def _copy(html: str) -> str:
    return html.split('<div class="prerender">', 1)[1].split('<div id="react-entry-point"', 1)[0]


def _router(app, pathname: str, search: str, shown: list[str] | None = None) -> dict:
    """The router's request as the renderer sends it; ``shown``: the URLs the in-place pages on
    screen say they show (their ``{"shown-url": page}`` stores)."""
    key = next(k for k in app.callback_map if "_pages_content" in k)
    return {"output": key, "outputs": [{"id": "_pages_content", "property": "children"},
                                       {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "state": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                      {"id": "_pages_location", "property": "search", "value": search},
                      [{"id": {"shown-url": "country"}, "property": "data", "value": url} for url in shown or []]],
            "changedPropIds": ["_pages_location.pathname"]}


def test_the_path_wins_over_the_query_in_the_static_copy(client):
    page = client.get("/country/GBR?iso3=DEU").get_data(as_text=True)
    assert "<h1>United Kingdom</h1>" in _copy(page)
    assert "Germany" not in re.findall(r"<h1>(.*?)</h1>", _copy(page))[0]


def test_the_path_wins_over_the_query_in_the_live_router(app, client):
    resp = client.post(UPDATE, json=_router(app, "/country/GBR", "?iso3=DEU"))
    assert resp.status_code == 200
    layout = json.dumps(resp.get_json())
    assert '"children": "United Kingdom"' in layout  # the page's H1
    assert '"data": "/country/GBR?from=' in layout   # the URL the page says it shows
    assert '"children": "Germany"' not in layout


def test_the_router_leaves_a_page_that_already_shows_the_url(app, client):
    """/country/GBR → Finland chosen: the page redraws in place and says it shows /country/FIN;
    the router, then asked for /country/FIN, sends the title but not a new layout. Asked for
    another URL (the back button to /country/GBR, a link), it lays that page out."""
    same = client.post(UPDATE, json=_router(app, "/country/FIN", "?from=2000", ["/country/FIN?from=2000"])).get_json()
    assert "_pages_content" not in same["response"]
    assert same["response"]["_pages_store"]["data"]["title"].startswith("Finland")
    back = client.post(UPDATE, json=_router(app, "/country/GBR", "", ["/country/FIN?from=2000"])).get_json()
    assert '"children": "United Kingdom"' in json.dumps(back["response"]["_pages_content"])
    other_query = client.post(UPDATE, json=_router(app, "/country/FIN", "", ["/country/FIN?from=2000"])).get_json()
    assert "_pages_content" in other_query["response"]
    elsewhere = client.post(UPDATE, json=_router(app, "/pledges", "", [])).get_json()
    assert "_pages_content" in elsewhere["response"]


@pytest.mark.parametrize("path", ["/nonexistent", "/.env", "/country/XYZ", "/wp-admin/setup.php", "/404"])
def test_unknown_pages_answer_404_with_the_friendly_page(client, path):
    resp = client.get(path)
    assert resp.status_code == 404
    body = resp.get_data(as_text=True)
    assert "not found" in _copy(body).lower()
    assert 'id="react-entry-point"' in body  # the live app still starts (its links work)


def test_the_not_found_page_points_to_the_list_of_countries(client):
    copy = _copy(client.get("/nonexistent").get_data(as_text=True))
    assert "<h1>Page not found</h1>" in copy
    assert ', the <a href="/countries">list of countries</a> or' in copy


def test_an_unknown_country_code_is_a_404_naming_the_code(client):
    # a well-formed code that is not in the data is a page that does not exist: 404, with the
    # friendly "Country not found" page (never the UK's page, nor an error)
    resp = client.get("/country/XXX")
    assert resp.status_code == 404
    copy = _copy(resp.get_data(as_text=True))
    assert "<h1>Country not found</h1>" in copy and "the code “XXX”" in copy


@pytest.mark.parametrize("path", ["/", "/country/GBR", "/country/gbr", "/pledges", "/compare", "/scenarios",
                                  "/sources", "/pledges?status=nope", "/ukraine", "/countries", "/countries?q=%3Cb%3E"])
def test_known_pages_answer_200(client, path):
    assert client.get(path).status_code == 200


def test_development_routes_are_off_in_production(client):
    assert client.get("/_reload-hash").status_code == 404


def test_development_routes_work_with_dev_tools():
    dev = create_app(dev=True)
    dev.enable_dev_tools(debug=True)
    assert dev.server.test_client().get("/_reload-hash").status_code == 200


def test_no_host_header_in_the_page(client):
    body = client.get("/country/GBR", headers={"Host": "evil.example:666"}).get_data(as_text=True)
    assert "evil.example" not in body
    assert 'property="og:url"' not in body  # no public URL configured: no absolute URL at all
    assert 'property="og:title" content="United Kingdom — defence spending"' in body


def test_absolute_urls_come_from_the_configured_public_url():
    configured = create_app(public_url="https://defence.example.org/")
    body = configured.server.test_client().get("/pledges", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert '<meta property="og:url" content="https://defence.example.org/pledges">' in body
    assert "evil.example" not in body


def _checked(resp) -> None:
    for name, value in BASE_HEADERS.items():
        assert resp.headers.get(name) == value, (resp.status_code, name)
    assert "Content-Security-Policy" in resp.headers


@pytest.mark.parametrize("request_", [
    ("GET", "/", None), ("GET", "/nonexistent", None), ("GET", "/health", None),
    ("GET", "/_reload-hash", None), ("GET", "/" + "a" * 3000, None),
    ("POST", UPDATE, {"output": "nope"}), ("POST", UPDATE, "x" * (3 * 1024 * 1024)),
    ("GET", "/_dash-component-suites/../../etc/passwd", None), ("GET", "/assets/style.css", None),
    ("POST", "/", {"a": 1}), ("GET", "/_dash-layout", None), ("GET", "/_dash-dependencies", None),
])
def test_every_answer_carries_the_security_headers(client, request_):
    method, path, body = request_
    if isinstance(body, dict):
        resp = client.open(path, method=method, json=body)
    else:
        resp = client.open(path, method=method, data=body, content_type="application/json")
    _checked(resp)


def test_an_error_inside_the_app_is_one_line_and_has_the_headers(app, client, monkeypatch, caplog):
    from dashboard.app.pages import overview
    from dashboard.app.server.boundedlog import APP_LOG

    monkeypatch.setattr(APP_LOG, "_written", 0)  # earlier tests may have spent this minute's quota

    def broken(*_a, **_k):
        raise ValueError("boom\nsecond line")

    monkeypatch.setattr(overview, "layout", broken)
    import dash
    page = next(p for p in dash.page_registry.values() if p["path"] == "/")
    monkeypatch.setitem(page, "layout", broken)
    resp = client.post(UPDATE, json=_router(app, "/", ""))
    assert resp.status_code == 400 and resp.get_data(as_text=True).count("\n") == 1
    _checked(resp)
    lines = [r.getMessage() for r in caplog.records if r.name == "dashboard.app"]
    assert any(line.startswith("callback raised") and "ValueError: boom" in line and "\n" not in line
               for line in lines)


def _pledge_download(app, shown: list) -> dict:
    key = next(k for k in app.callback_map if k.startswith("pledges-table-csv."))
    spec = app.callback_map[key]
    values = {"_pages_location.search": "", "pledges-grid.virtualRowData": shown}
    return {"output": key, "outputs": {"id": "pledges-table-csv", "property": "data"},
            "inputs": [{"id": "pledges-table-csv-button", "property": "n_clicks", "value": 1}],
            "state": [{"id": s["id"], "property": s["property"], "value": values[f"{s['id']}.{s['property']}"]}
                      for s in spec["state"]],
            "changedPropIds": ["pledges-table-csv-button.n_clicks"]}


def test_a_repeated_row_key_cannot_amplify_the_answer(app, client):
    keys = list(data.get().tracker.keys)
    whole = client.post(UPDATE, json=_pledge_download(app, [{"key": k} for k in keys]))
    repeated = client.post(UPDATE, json=_pledge_download(app, [{"key": keys[0]}] * 55_882))
    assert whole.status_code == repeated.status_code == 200
    assert len(repeated.get_data()) < 5_000  # one row, not 55,882 copies of it
    assert repeated.get_json()["response"]["pledges-table-csv"]["data"]["content"].count("\n") == 3  # source, header, row
    hostile = [{"key": [k]} for k in keys] + [{"key": {"k": 1}}, {"key": "nope"}, {"key": None}]
    assert client.post(UPDATE, json=_pledge_download(app, hostile)).status_code == 200


def _renderer_body(app, key: str, value: object) -> dict:
    """The request the renderer sends for callback ``key``, every input and state set to ``value``."""
    spec = app.callback_map[key]

    def dep(declared: dict, with_value: bool) -> object:
        pattern = shapes._pattern(declared["id"])
        cid = declared["id"] if pattern is None else {k: ("x" if v in shapes.WILDCARDS else v)
                                                      for k, v in pattern.items()}
        one = {"id": cid, "property": declared["property"], **({"value": value} if with_value else {})}
        return [one] if pattern is not None and shapes._multi(pattern) else one

    declared = spec["output"]
    outputs = [dep(shapes._spec_of(o), False) for o in (declared if isinstance(declared, (list, tuple)) else [declared])]
    inputs = [dep(i, True) for i in spec["inputs"]]
    first = inputs[0][0] if isinstance(inputs[0], list) else inputs[0]
    return {"output": key, "outputs": outputs if isinstance(declared, (list, tuple)) else outputs[0],
            "inputs": inputs, "state": [dep(s, True) for s in spec["state"]],
            "changedPropIds": [f"{shapes.stringify(first['id'])}.{first['property']}"]}


def test_no_callback_answers_more_than_the_data_it_serves(app, client):
    """Every callback, its inputs replaced by long lists of plausible values: the answer stays bounded."""
    plausible = ["GBR", "DEU", "nato", "2024", "NATO", 2024, 3.5, "milex_share_gdp", "all"]
    for key, spec in app.callback_map.items():
        if not callable(spec.get("callback")):
            continue
        resp = client.post(UPDATE, json=_renderer_body(app, key, plausible * 5000))
        assert resp.status_code < 500
        assert len(resp.get_data()) < 1_000_000, key


def test_identical_callback_requests_get_identical_answers(app, client):
    from dashboard.app.pages import country

    key = next(k for k in app.callback_map if k.startswith("..country-share-graph.figure"))
    spec = app.callback_map[key]
    body = {"output": key, "outputs": [{"id": o.split(".")[0], "property": o.split(".")[1]}
                                       for o in key.strip(".").split("...")],
            "inputs": [{"id": "country-select", "property": "value", "value": "POL"},
                       {"id": "country-from", "property": "value", "value": 1995},
                       {"id": "country-events", "property": "value", "value": ["on"]},
                       {"id": "country-share-retry", "property": "data", "value": None}],
            "state": [{"id": "country-code", "property": "data", "value": "POL"},
                      {"id": "country-share-claim", "property": "data", "value": None}],
            "changedPropIds": ["country-select.value"]}
    assert len(spec["inputs"]) == 4
    first, second = client.post(UPDATE, json=body), client.post(UPDATE, json=body)
    assert first.status_code == second.status_code == 200
    assert first.get_data() == second.get_data()
    other = client.post(UPDATE, json={**body, "inputs": [body["inputs"][0], {**body["inputs"][1], "value": 2005},
                                                         *body["inputs"][2:]]})
    assert other.get_data() != first.get_data()
    summary = country.fig.share_summary(country.fig.cut(country.data.get().share_series("POL"), 1995),
                                        country.data.get().progress_by_country.get("POL", []), "Poland",
                                        country.data.get().nowcasts.get("POL", []),
                                        country.data.get().timeline_events("POL"), country._marks("POL", 1995))
    assert first.get_json()["response"]["country-share-summary"]["children"] == summary
