"""Static parts of layouts and callback answers sent as one Frozen component (server/frozen.py)."""

from __future__ import annotations

import json

from dash import dcc, html
from plotly.io.json import to_json_plotly

from dashboard.app import create_app
from dashboard.app.server import frozen
from dashboard.bench.callbacks import _payload


def _json(component) -> object:
    return json.loads(to_json_plotly(component))


def test_a_static_subtree_becomes_one_component_with_the_same_markup():
    tree = _json(html.Div([
        html.H2("Budgets", className="title"),
        html.Table(html.Tbody([html.Tr([html.Th("2025", scope="row"), html.Td("2.5%", colSpan=2)])]),
                   style={"width": "100%", "marginTop": 4}),
    ], className="card"))
    out, saved = frozen.freeze(tree)
    assert saved == 6              # Div, H2, Table, Tbody, Tr, Th, Td: 7 components → 1
    assert out["type"] == frozen.TYPE and out["namespace"] == frozen.NAMESPACE
    assert out["props"]["tag"] == "div" and out["props"]["attrs"] == {"className": "card"}
    assert out["props"]["html"] == ('<h2 class="title">Budgets</h2>'
                                    '<table style="width: 100%; margin-top: 4px"><tbody><tr>'
                                    '<th scope="row">2025</th><td colspan="2">2.5%</td></tr></tbody></table>')


def test_what_a_callback_reads_or_writes_stays_a_component():
    """A node with an id, or a property a static page has not (n_clicks, htmlFor, data-*), is
    left live; the static parts around and below it are frozen on their own."""
    tree = _json(html.Div([
        html.P(["Footnote ", html.Strong("one"), " and ", html.Em("two")]),
        html.Div("live", id="country-headline"),
        html.Label("Country", htmlFor="country-select"),
        html.Button("CSV", n_clicks=0),
    ]))
    out, _ = frozen.freeze(tree)
    assert out["type"] == "Div"
    kinds = [child["type"] for child in out["props"]["children"]]
    assert kinds == [frozen.TYPE, "Div", "Label", "Button"]
    assert out["props"]["children"][0]["props"]["html"] == "Footnote <strong>one</strong> and <em>two</em>"


def test_texts_are_escaped_and_unsafe_links_lose_their_address():
    tree = _json(html.Ul([html.Li(html.A("<script>alert(1)</script>", href="javascript:alert(1)")),
                          html.Li(html.A("doc", href="https://gov.example/budget?a=1&b=2", target="_blank"))]))
    out, _ = frozen.freeze(tree)
    assert out["props"]["html"] == ('<li><a>&lt;script&gt;alert(1)&lt;/script&gt;</a></li>'
                                    '<li><a href="https://gov.example/budget?a=1&amp;b=2" target="_blank">doc</a></li>')
    # a script element is never plain text: the list holding it stays components
    scripted = _json(html.Ul([html.Li(html.Script("alert(2)")), html.Li("a"), html.Li("b")]))
    out, _ = frozen.freeze(scripted)
    assert out["type"] == "Ul" and out["props"]["children"][0]["props"]["children"]["type"] == "Script"


def test_links_keep_their_in_page_navigation():
    tree = _json(html.Nav([dcc.Link("Compare", href="/compare", className="nav-link"),
                           dcc.Link("Pledges", href="/pledges", refresh=True, className="nav-link"),
                           html.Span("·")]))
    out, _ = frozen.freeze(tree)
    assert out["props"]["html"] == ('<a class="nav-link" href="/compare" data-dash-link>Compare</a>'
                                    '<a class="nav-link" href="/pledges">Pledges</a><span>·</span>')


def test_small_subtrees_are_left_as_they_are():
    tree = _json(html.P(["Only ", html.Strong("two")]))
    assert frozen.freeze(tree) == (tree, 0)


def test_answers_freeze_children_only_and_anything_unreadable_passes():
    figure = {"data": [{"type": "scatter", "x": [1, 2], "y": [1, 2]}], "layout": {"title": {"text": "t"}}}
    body = json.dumps({"multi": True, "response": {
        "notes": {"children": _json(html.Ul([html.Li("a"), html.Li(["b", html.Em("c")])]))},
        "graph": {"figure": figure}}}).encode()
    answer = json.loads(frozen.freeze_answer(body))
    assert answer["response"]["notes"]["children"]["type"] == frozen.TYPE
    assert answer["response"]["graph"]["figure"] == figure
    for raw in (b"not json", b'{"response": 3}', b"[1, 2]", b""):
        assert frozen.freeze_answer(raw) == raw
    nothing = json.dumps({"response": {"x": {"children": "text"}}}).encode()
    assert frozen.freeze_answer(nothing) is nothing   # nothing frozen: the same bytes


def test_the_server_sends_pages_frozen_and_keeps_the_frozen_answers():
    """The layout asked from /country/GBR and a callback's answer carry Frozen components; the
    page's Python layout (what the static copy and the tests read) does not."""
    app = create_app()
    client = app.server.test_client()
    layout = client.get("/_dash-layout", headers={"Referer": "http://localhost/country/GBR"}).get_data(as_text=True)
    assert layout.count(f'"type":"{frozen.TYPE}"') >= 5 and "Published budgets" in layout
    shell = client.get("/_dash-layout").get_data(as_text=True)
    assert f'"type":"{frozen.TYPE}"' in shell and 'data-dash-link' in shell
    key = next(k for k in app.callback_map if k.startswith("..country-title.children"))
    body = _payload(key, app.callback_map[key], {("country-code", "data"): "POL"})
    first = client.post("/_dash-update-component", json=body)
    assert first.status_code == 200 and f'"type":"{frozen.TYPE}"' in first.get_data(as_text=True)
    assert client.post("/_dash-update-component", json=body).get_data() == first.get_data()   # kept frozen
