"""Fuzzing the *shape* of callback requests (not only their values), and bounded logging.

Every callback's request is built as Dash's renderer sends it, then broken structurally
by hypothesis: outputs as an object instead of a list (or the reverse), pattern-matching
inputs flattened or nested, ids of the wrong kind or with the wrong keys, properties
renamed, unparsable or foreign ``changedPropIds``, keys missing, bodies that are not
objects. The server must answer every one below 500, and must do so because the shape
check refused it (400) or because the request was in fact one the renderer could send —
never because a callback raised on it (the bounded log's "callback raised" line, which
would mean a shape slipped through to Dash).
"""

from __future__ import annotations

import json
import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.app import create_app
from dashboard.app.server import shapes
from dashboard.app.server.boundedlog import APP_LOG, BoundedLog
from dashboard.app.server.security import CALLBACK_FAILED

UPDATE = "/_dash-update-component"
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12)
ANY = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                                          max_size=3), max_leaves=6)


class Records(logging.Handler):
    """Collects the dashboard's log lines."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture(scope="module")
def served():
    app = create_app()
    client = app.server.test_client()
    client.get("/")  # registers the router
    records = Records()
    logging.getLogger("dashboard.app").addHandler(records)
    yield app, client, records
    logging.getLogger("dashboard.app").removeHandler(records)


@pytest.fixture(autouse=True)
def unbounded_log(monkeypatch):
    """Every line reaches the handler (the rate limit is tested on its own below)."""
    monkeypatch.setattr(APP_LOG, "_lines", 10**9)


def _callbacks(app) -> list[str]:
    return sorted(k for k, v in app.callback_map.items() if callable(v.get("callback")))


def _concrete(spec_id: str, draw) -> object:
    """A concrete id for a declared id (a pattern's wildcards filled in)."""
    pattern = shapes._pattern(spec_id)
    if pattern is None:
        return spec_id
    return {k: (draw(st.sampled_from(["country-share", "x", 3])) if v in shapes.WILDCARDS else v)
            for k, v in pattern.items()}


def _dependency(spec: dict, draw, with_value: bool) -> object:
    pattern = shapes._pattern(spec["id"])
    one = lambda: {"id": _concrete(spec["id"], draw), "property": spec["property"],  # noqa: E731
                   **({"value": draw(ANY)} if with_value else {})}
    if pattern is not None and shapes._multi(pattern):
        return [one() for _ in range(draw(st.integers(0, 3)))]
    return one()


def valid_body(app, key: str, draw) -> dict:
    """The request the renderer sends for callback ``key`` (values drawn at random)."""
    spec = app.callback_map[key]
    declared = spec["output"]
    outs = [shapes._spec_of(o) for o in (declared if isinstance(declared, (list, tuple)) else [declared])]
    outputs = [_dependency(o, draw, False) for o in outs]
    inputs = [_dependency(i, draw, True) for i in spec["inputs"]]
    state = [_dependency(s, draw, True) for s in spec["state"]]
    first = inputs[0] if inputs else None
    first = first[0] if isinstance(first, list) and first else first
    changed = [f"{shapes.stringify(first['id'])}.{first['property']}"] if isinstance(first, dict) else []
    return {"output": key, "outputs": outputs if isinstance(declared, (list, tuple)) else outputs[0],
            "inputs": inputs, "state": state, "changedPropIds": changed}


def _break_dependency(dep: object, draw) -> object:
    """One structural change to a dependency (or a list of them)."""
    choice = draw(st.integers(0, 9))
    if isinstance(dep, list):
        return [dep] if choice < 3 else (dep[0] if dep else {}) if choice < 6 else draw(ANY)
    if not isinstance(dep, dict):
        return [dep]
    dep = dict(dep)
    if choice == 0:
        return [dep]                                         # nested where flat is expected
    if choice == 1:
        dep["id"] = draw(ANY)                               # id of any kind
    elif choice == 2:
        dep["property"] = draw(ANY)                         # property renamed or not a string
    elif choice == 3 and isinstance(dep.get("id"), dict):
        dep["id"] = {**dep["id"], draw(st.text(max_size=4)): draw(SCALARS)}  # extra key
    elif choice == 4 and isinstance(dep.get("id"), dict):
        dep["id"] = {k: {"nested": v} for k, v in dep["id"].items()}       # non-scalar values
    elif choice == 5:
        dep.pop(draw(st.sampled_from(["id", "property"])), None)
    elif choice == 6 and isinstance(dep.get("id"), str):
        dep["id"] = json.dumps({"type": dep["id"]})        # a stringified pattern id
    else:
        return draw(ANY)
    return dep


def broken_body(app, key: str, draw) -> object:
    """A valid request with one to three structural changes."""
    body: dict = valid_body(app, key, draw)
    for _ in range(draw(st.integers(1, 3))):
        part = draw(st.sampled_from(["outputs", "inputs", "state", "changedPropIds", "output", "drop", "body"]))
        if part == "outputs":
            outs = body.get("outputs")
            if isinstance(outs, list) and outs and draw(st.booleans()):
                body["outputs"] = outs[0] if draw(st.booleans()) else outs[:-1]   # list → object, shorter
            elif isinstance(outs, dict) and draw(st.booleans()):
                body["outputs"] = [outs, outs] if draw(st.booleans()) else [outs]  # object → list
            else:
                body["outputs"] = _break_dependency(outs, draw)
        elif part in ("inputs", "state"):
            items = list(body.get(part) or [])
            if items and draw(st.booleans()):
                i = draw(st.integers(0, len(items) - 1))
                items[i] = _break_dependency(items[i], draw)
            elif draw(st.booleans()):
                items = [x for dep in items for x in (dep if isinstance(dep, list) else [dep])]  # flattened
            else:
                items = items[:-1] if items and draw(st.booleans()) else [*items, draw(ANY)]
            body[part] = items
        elif part == "changedPropIds":
            body["changedPropIds"] = draw(st.sampled_from([
                ["{not json.n_clicks"], ['{"card":"x"}.n_clicks'], "a.value", [1, 2], [None],
                ["nope.value"], ["x" * 5000], [["a.value"]], {"a": "value"},
            ]) | st.lists(st.text(max_size=20), max_size=4))
        elif part == "output":
            body["output"] = draw(st.sampled_from(_callbacks(app)) | st.text(max_size=20) | ANY)
        elif part == "drop":
            body.pop(draw(st.sampled_from(["outputs", "inputs", "state", "changedPropIds", "output"])), None)
        else:
            return draw(st.sampled_from([[body], json.dumps(body), None, 7]))
    return body


def _post(client, body: object):
    return client.post(UPDATE, data=json.dumps(body, allow_nan=False), content_type="application/json")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(data=st.data())
def test_broken_request_shapes_never_reach_a_callback(served, data):
    app, client, records = served
    key = data.draw(st.sampled_from(_callbacks(app)))
    body = broken_body(app, key, data.draw)
    before = len(records.lines)
    resp = _post(client, body)
    failed = [line for line in records.lines[before:] if line.startswith(CALLBACK_FAILED)]
    assert resp.status_code < 500, (body, resp.get_data(as_text=True)[:300])
    assert not failed, (body, failed)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(data=st.data())
def test_well_shaped_requests_with_any_values_are_handled(served, data):
    """The renderer's shape with arbitrary values: accepted or refused, but no callback raises."""
    app, client, records = served
    key = data.draw(st.sampled_from(_callbacks(app)))
    body = valid_body(app, key, data.draw)
    before = len(records.lines)
    resp = _post(client, body)
    failed = [line for line in records.lines[before:] if line.startswith(CALLBACK_FAILED)]
    assert resp.status_code < 500 and not failed, (body, failed, resp.get_data(as_text=True)[:300])


@pytest.mark.parametrize("body", [
    "[" * 100_000,                               # RecursionError inside the JSON parser
    '{"output": ' + "[" * 50_000 + "]" * 50_000 + "}",
])
def test_deeply_nested_bodies_are_400(served, body):
    _app, client, _records = served
    resp = client.post(UPDATE, data=body, content_type="application/json")
    assert resp.status_code == 400


def test_renderer_shapes_seen_in_the_report_are_400(served):
    """The shapes the issue found answering 500, each now refused with one line."""
    app, client, _records = served
    router = next(k for k in app.callback_map if "_pages_content" in k)
    image = next(k for k in app.callback_map if "image-store" in k and k.startswith("{"))
    good_router = {"output": router, "outputs": [{"id": "_pages_content", "property": "children"},
                                                 {"id": "_pages_store", "property": "data"}],
                   "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/"},
                              {"id": "_pages_location", "property": "search", "value": ""}],
                   "state": [{"id": "_pages_location", "property": "pathname", "value": "/"},
                             {"id": "_pages_location", "property": "search", "value": ""},
                             []],  # no page on screen says which URL it shows (routing.shown_store)
                   "changedPropIds": ["_pages_location.pathname"]}
    assert _post(client, good_router).status_code == 200
    cases = [
        {**good_router, "outputs": good_router["outputs"][0]},                           # object, not list
        {**good_router, "inputs": [{**good_router["inputs"][0], "value": 7}, good_router["inputs"][1]]},
        {**good_router, "inputs": [{**good_router["inputs"][0], "value": "country/GBR"},
                                   good_router["inputs"][1]]},                           # relative pathname
        {"output": image, "outputs": {"id": {"card": "x", "type": "image-store"}, "property": "data"},
         "inputs": [{"id": {"card": "x", "format": "png", "type": "image-button"}, "property": "n_clicks",
                     "value": 1}],                                                       # ALL input not nested
         "state": [], "changedPropIds": []},
        {"output": image, "outputs": {"id": {"card": "x", "type": "image-store"}, "property": "data"},
         "inputs": [[{"id": {"card": "x", "format": "png", "type": "image-button"}, "property": "n_clicks",
                      "value": 1}]],
         "state": [{"id": "_pages_location", "property": "pathname", "value": "/"},
                   {"id": "_pages_location", "property": "search", "value": ""}],
         "changedPropIds": ["{bad json.n_clicks"]},                                      # unparsable id
    ]
    for body in cases:
        resp = _post(client, body)
        assert resp.status_code == 400, body
        assert resp.get_data(as_text=True).count("\n") == 1


def test_a_burst_of_bad_requests_writes_a_bounded_log(monkeypatch):
    """5,000 bad requests in a burst: at most the window's quota of lines plus one summary."""
    lines: list[str] = []
    clock = [0.0]
    logger = logging.getLogger("test.bounded")
    handler = Records()
    logger.addHandler(handler)
    logger.propagate = False
    log = BoundedLog(logger, lines=20, window=60.0, clock=lambda: clock[0])
    try:
        for _ in range(5000):
            log.log(logging.WARNING, "rejected callback request", "outputs do not match " + "x" * 1000)
            clock[0] += 0.001  # 5 s in all: one window
        clock[0] = 61.0
        log.log(logging.WARNING, "rejected callback request", "after the window")
        lines = handler.lines
    finally:
        logger.removeHandler(handler)
    assert len(lines) == 20 + 1 + 1  # the quota, the summary of what was held back, the next line
    assert all(len(line) <= 300 and "\n" not in line for line in lines)
    assert "held back 4980 log lines" in lines[20]


def test_the_app_log_is_bounded_under_a_burst(served, monkeypatch, caplog):
    """Through the real app: 2,000 malformed requests write at most the quota (20 lines)."""
    _app, client, _records = served
    monkeypatch.setattr(APP_LOG, "_lines", 20)
    monkeypatch.setattr(APP_LOG, "_written", 0)
    monkeypatch.setattr(APP_LOG, "_start", __import__("time").monotonic())
    with caplog.at_level(logging.WARNING, logger="dashboard.app"):
        for _ in range(2000):
            assert _post(client, {"output": "nope", "inputs": "x"}).status_code == 400
    written = [r for r in caplog.records if r.name == "dashboard.app"]
    assert len(written) <= 20
    assert sum(len(r.getMessage()) for r in written) <= 20 * 300
