"""Property-based fuzzing of the running app (Flask test client): hostile input never gives a 5xx."""

from __future__ import annotations

import json
import logging
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.app import create_app

ROUTER = "_pages_content"
PATHS = ["/", "/country/GBR", "/country/", "/pledges", "/countries", "/compare", "/scenarios", "/sources", "/nope"]
PARAMS = ["year", "source", "region", "from", "measure", "countries", "indicator", "chart", "base",
          "group", "target", "growth", "status", "actor", "q", "country", "revisions"]
NASTY = ["", "NaN", "nan", "inf", "-inf", "1e309", "-1e309", "0", "-1", "99999999999999999999", "2024.5",
         "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "%00", "\x00", "☃", "GBR,,,DEU",
         "A" * 3000, "{}", "[]", "null", "true", "GBR" * 50, " ", "\n", "2024e"]

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
                    | st.text(max_size=50) | st.sampled_from(NASTY),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=8)


@pytest.fixture(scope="module")
def client():
    logging.getLogger("dashboard.app").setLevel(logging.ERROR)
    app = create_app()
    c = app.server.test_client()
    c.get("/")  # registers the callbacks
    return app, c


def _router_body(app, pathname: object, search: object) -> dict:
    key = next(k for k in app.callback_map if ROUTER in k)
    return {"output": key, "outputs": [{"id": "_pages_content", "property": "children"},
                                       {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "state": [], "changedPropIds": ["_pages_location.pathname"]}


params = st.dictionaries(st.sampled_from(PARAMS), st.sampled_from(NASTY) | st.text(max_size=40), max_size=5)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(PATHS) | st.text(max_size=60).map(lambda t: "/" + t), query=params)
def test_pages_render_any_url_without_5xx(client, path, query):
    app, c = client
    search = "?" + "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in query.items()) if query else ""
    resp = c.post("/_dash-update-component", data=json.dumps(_router_body(app, path, search)),
                  content_type="application/json")
    assert resp.status_code < 500, (path, search, resp.get_data(as_text=True)[:300])
    # with the host given, a path starting "//" stays a path (the test client would read it as
    # a host name, as a browser's address bar would; an HTTP request line cannot)
    page = c.get("http://localhost" + quote(path, safe="/") + search)
    assert page.status_code < 500


def _callbacks(app) -> list[tuple[str, dict]]:
    return sorted((k, v) for k, v in app.callback_map.items() if ROUTER not in k and "_pages_dummy" not in k)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_callbacks_accept_any_json_values_without_5xx(client, data):
    app, c = client
    key, spec = data.draw(st.sampled_from(_callbacks(app)))
    inputs = [{"id": d["id"], "property": d["property"], "value": data.draw(JSON)} for d in spec["inputs"]]
    state = [{"id": d["id"], "property": d["property"], "value": data.draw(JSON)} for d in spec["state"]]
    outputs = ([{"id": o.split(".")[0], "property": o.split(".")[1]} for o in key.strip(".").split("...")]
               if key.startswith("..") else {"id": key.split(".")[0], "property": key.split(".")[1]})
    body = {"output": key, "outputs": outputs, "inputs": inputs, "state": state,
            "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"] if inputs else []}
    resp = c.post("/_dash-update-component", data=json.dumps(body, allow_nan=True), content_type="application/json")
    assert resp.status_code < 500, (key, body, resp.get_data(as_text=True)[:300])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=JSON | st.text(max_size=200).map(lambda t: {"raw": t}))
def test_malformed_callback_requests_are_4xx(client, body):
    _app, c = client
    resp = c.post("/_dash-update-component", data=json.dumps(body, allow_nan=True), content_type="application/json")
    assert 400 <= resp.status_code < 500 or resp.status_code in (200, 204)


def test_headers_limits_and_health(client):
    _app, c = client
    page = c.get("/country/GBR")
    for header in ("X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Content-Security-Policy"):
        assert header in page.headers
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in page.headers["Content-Security-Policy"]
    assert c.get("/" + "a" * 5000).status_code == 414
    assert c.post("/_dash-update-component", data="x" * (3 * 1024 * 1024),
                  content_type="application/json").status_code == 413
    assert c.get("/_dash-component-suites/../../etc/passwd").status_code == 404
    assert c.get("/assets/../../../etc/passwd").status_code == 404
    health = c.get("/health")
    assert health.status_code == 200 and health.json["status"] == "ok" and health.json["rows"] > 100_000
