"""Chart cards: every card's downloads through the one set of shared callbacks (app/cards.py).

Pages declare cards; the CSV, PNG and SVG buttons of every card carry the card in their ids
and are answered by pattern-matching callbacks that read the page's URL. Nothing here calls
a page's own function: the requests are the ones Dash's renderer sends.
"""

from __future__ import annotations

import ast
import csv
import io
import json
from pathlib import Path

import dash
import pytest
from dash._callback_context import context_value
from dash._utils import AttributeDict

from dashboard.app import cards
from dashboard.app.dash_internals import PAGES_LOCATION
from tests.conftest import card_csv, walk

UPDATE = "/_dash-update-component"
PAGES = Path(__file__).resolve().parents[1] / "dashboard" / "app" / "pages"
# A page each card sits on, with a URL query a reader could have.
CARD_URLS = {
    "overview-map": ("/", "?year=2019&source=nato&region=europe"),
    "overview-ranking": ("/", "?year=2022&source=sipri"),
    "overview-allies": ("/", ""),
    "country-share": ("/country/POL", "?from=2005"),
    "country-gap": ("/country/DEU", ""),
    "country-spend": ("/country/FRA", "?measure=usd&from=2010"),
    "country-ukraine": ("/country/DNK", ""),
    "pledges-chart": ("/pledges", "?status=off_track&actor=NATO"),
    "scenarios-chart": ("/scenarios", "?group=EU27&target=3&year=2030&growth=2"),
    "compare-chart": ("/compare", "?countries=GBR,FRA&indicator=milex_usd&source=nato&chart=bars&base=2014"),
    "sources-reconcile": ("/sources", "?country=ITA&year=2022"),
    "sources-revisions": ("/sources", "?country=GBR&revisions=worldbank"),
    "ukraine-regions": ("/ukraine", "?aid=total&by=month"),
    "ukraine-donors": ("/ukraine", "?aid=military&measure=gdp&period=2025"),
    "ukraine-sourcing": ("/ukraine", ""),
    "ukraine-weapons": ("/ukraine", "?weapons=value"),
    "ukraine-promised": ("/ukraine", ""),
    "budgets-chart": ("/budgets", "?q=poland"),  # the search filters the list, not the chart
}
# The download name of each, worked out from the URL above (not from the code's table).
FILENAMES = {
    "overview-map": "share-of-gdp-nato-2019", "overview-ranking": "share-of-gdp-ranking-sipri-2022",
    "overview-allies": "nato-allies-at-target", "country-share": "POL-share-of-gdp", "country-gap": "DEU-money-gap",
    "country-spend": "FRA-spending-usd", "country-ukraine": "DNK-support-to-ukraine",
    "pledges-chart": "alliance-pledge-status", "scenarios-chart": "scenario-EU27-3pct-2030",
    "compare-chart": "compare-milex_usd-nato-index-2014", "sources-reconcile": "ITA-2022-share-by-source",
    "sources-revisions": "GBR-worldbank-share-of-gdp-by-edition", "ukraine-regions": "ukraine-total-aid-by-region-per-month",
    "ukraine-donors": "ukraine-donors-military-gdp-2025", "ukraine-sourcing": "ukraine-military-aid-sourcing",
    "ukraine-weapons": "ukraine-heavy-weapons", "ukraine-promised": "ukraine-promised-and-delivered",
    "budgets-chart": "defence-budgets-NATO-2024-2027",
}


@pytest.fixture(scope="module")
def app():
    from dashboard.app import create_app

    return create_app()


@pytest.fixture(scope="module")
def client(app):
    client = app.server.test_client()
    client.get("/")
    return client


def _key(app, name: str) -> str:
    return next(k for k, v in app.callback_map.items()
                if getattr(v.get("callback"), "__wrapped__", v.get("callback")).__name__ == name)


def _csv_request(app, card: str, path: str, search: str) -> dict:
    button = {"card": card, "type": "csv-button"}
    return {"output": _key(app, "csv"), "outputs": {"id": {"card": card, "type": "csv-file"}, "property": "data"},
            "inputs": [{"id": button, "property": "n_clicks", "value": 1}],
            "state": [{"id": PAGES_LOCATION, "property": "pathname", "value": path},
                      {"id": PAGES_LOCATION, "property": "search", "value": search}],
            "changedPropIds": [json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"]}


def _image_request(app, card: str, fmt: str, path: str, search: str) -> dict:
    button = {"card": card, "format": fmt, "type": "image-button"}
    return {"output": _key(app, "image"),
            "outputs": {"id": {"card": card, "type": "image-store"}, "property": "data"},
            "inputs": [[{"id": {**button, "format": f}, "property": "n_clicks", "value": int(f == fmt)}
                        for f in ("png", "svg")]],
            "state": [{"id": PAGES_LOCATION, "property": "pathname", "value": path},
                      {"id": PAGES_LOCATION, "property": "search", "value": search}],
            "changedPropIds": [json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"]}


def test_every_card_has_a_url_here():
    assert set(CARD_URLS) == set(cards.CARDS) == set(FILENAMES)


@pytest.mark.parametrize("card", sorted(CARD_URLS))
def test_every_cards_csv_through_the_shared_callback(app, client, card):
    """The renderer's request for "Download data (CSV)": the chart's CSV with its source line,
    named for the view, and the same bytes as /data/<chart>.csv for that view."""
    path, search = CARD_URLS[card]
    resp = client.post(UPDATE, json=_csv_request(app, card, path, search))
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    out = resp.get_json()["response"][json.dumps({"card": card, "type": "csv-file"}, separators=(",", ":"))]["data"]
    assert out["filename"] == FILENAMES[card] + ".csv" and out["type"] == "text/csv"
    first, body = out["content"].split("\n", 1)
    assert first.startswith("# Source: ") and f"Chart: {cards.CARDS[card].chart}" in first
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) >= 2 and all(len(r) == len(rows[0]) for r in rows)
    query = search.lstrip("?")
    if path.startswith("/country/"):
        query = f"country={path[-3:]}" + (f"&{query}" if query else "")
    if card == "sources-revisions":
        query = query.replace("revisions=", "source=")
    served = client.get(f"/data/{cards.CARDS[card].chart}.csv?{query}")
    assert served.status_code == 200 and served.get_data(as_text=True) == out["content"]


@pytest.mark.parametrize("card", sorted(CARD_URLS))
@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_every_cards_images_through_the_shared_callback(app, client, card, fmt):
    """"Download PNG/SVG": the print-styled figure of the view, for the browser to render."""
    path, search = CARD_URLS[card]
    resp = client.post(UPDATE, json=_image_request(app, card, fmt, path, search))
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    out = resp.get_json()["response"][json.dumps({"card": card, "type": "image-store"}, separators=(",", ":"))]["data"]
    assert out["format"] == fmt and out["filename"].startswith(cards.CARDS[card].chart)
    layout = out["figure"]["layout"]
    assert (layout["width"], layout["height"]) == (1200, 675)
    assert any("Source:" in a.get("text", "") for a in layout["annotations"])


def test_every_chart_card_on_every_page_is_a_known_card(app):
    """A card a page declares but the table lacks would have buttons nothing answers."""
    seen: set[str] = set()
    for page in dash.page_registry.values():
        if not callable(page["layout"]) or page["module"].endswith("not_found_404"):
            continue
        kwargs = {"iso3": "GBR"} if "<iso3>" in (page.get("path_template") or "") else {}
        for node in walk(page["layout"](**kwargs)):
            cid = getattr(node, "id", None)
            if isinstance(cid, dict) and cid.get("type") == cards.CSV_BUTTON:
                seen.add(cid["card"])
    assert seen == set(cards.CARDS)


def test_no_page_defines_a_download_callback(app, client):
    """Downloads are the shared callbacks' (cards.py): no callback of a page module writes a
    dcc.Download, and no page module makes one itself."""
    downloads: set[str] = set()
    for page in dash.page_registry.values():
        if callable(page["layout"]):
            kwargs = {"iso3": "GBR"} if "<iso3>" in (page.get("path_template") or "") else {}
            downloads |= {json.dumps(n.id, sort_keys=True) if isinstance(n.id, dict) else n.id
                          for n in walk(page["layout"](**kwargs)) if type(n).__name__ == "Download"}
    assert len(downloads) >= len(cards.CARDS) + len(cards.TABLES)
    page_callbacks = 0
    for key, spec in app.callback_map.items():
        func = getattr(spec.get("callback"), "__wrapped__", spec.get("callback"))  # clientside ones have none
        module = getattr(func, "__module__", "") or ""
        if module.startswith("dashboard.app.pages."):
            page_callbacks += 1
            outputs = key.strip(".").split("...")
            assert not any(o.rsplit(".", 1)[0] in downloads for o in outputs), (module, outputs)
    assert page_callbacks > 20  # the pages' own callbacks were looked at
    for path in PAGES.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        made = [n for n in ast.walk(tree) if (isinstance(n, ast.Attribute) and n.attr == "Download")
                or (isinstance(n, ast.Name) and n.id == "Download")]
        assert not made, f"{path.name} makes a dcc.Download itself"


def test_the_page_reads_its_url_as_the_csv_does():
    """Bad values in the URL: the CSV is of the view the page shows (each bad value replaced by
    the page's default), named from checked values only."""
    out = card_csv("country-share", "/country/GBR", **{"from": "<script>"})
    assert out["filename"] == "GBR-share-of-gdp.csv" and out["content"].startswith("# Source: ")
    out = card_csv("ukraine-donors", "/ukraine", aid="<b>", measure="x" * 900, period="1999")
    assert out["filename"] == "ukraine-donors-military-eur-all.csv"
    out = card_csv("overview-map", "/", year="abc", source="nato")
    assert out["filename"].startswith("share-of-gdp-nato-") and out["content"].startswith("# Source: NATO")


def test_a_view_the_chart_cannot_draw_says_why():
    """NATO publishes no figures for 1960: the page shows an empty map saying so, and the CSV
    says so in one line rather than giving another year's rows."""
    out = card_csv("overview-map", "/", year=1960, source="nato")
    assert out["content"].startswith("# No figures: ") and out["content"].count("\n") == 1
    assert out["filename"] == "map.csv"


def test_a_click_on_an_unknown_card_is_ignored():
    from dash.exceptions import PreventUpdate

    context_value.set(AttributeDict(triggered_inputs=[
        {"prop_id": '{"card":"nope","type":"csv-button"}.n_clicks', "value": 1}]))
    with pytest.raises(PreventUpdate):
        cards.csv(1, "/", "")


def test_tables_follow_the_grid_else_the_url():
    out = cards.table_csv("countries", 1, "?q=united+kingdom", None)
    assert out["filename"] == "countries.csv" and [r[0] for r in csv.reader(io.StringIO(out["content"]))][2:] == ["GBR"]
    out = cards.table_csv("countries", 1, "?q=" + "x" * 900, [{"iso3": "POL"}, {"iso3": {"a": 1}}])
    assert [r[0] for r in csv.reader(io.StringIO(out["content"]))][2:] == ["POL"]


# ---- images (moved from the image module's own tests) -----------------------------------------

def _trigger(card: str, fmt: str):
    prop = f'{{"card":"{card}","format":"{fmt}","type":"image-button"}}.n_clicks'
    context_value.set(AttributeDict(triggered_inputs=[{"prop_id": prop, "value": 1}]))


def test_url_params_keep_only_what_the_chart_takes(app):
    assert cards.url_params("country-share", "/country/DEU", "?from=2000&measure=usd&x=1") == {
        "from": "2000", "country": "DEU"}
    assert cards.url_params("ranking", "/", "?year=2020&source=nato&region=europe") == {
        "year": "2020", "source": "nato"}
    assert cards.url_params("map", "/", "?" + "a" * 600) == {}
    assert cards.url_params("map", None, None) == {}


def test_image_callback_returns_the_export_figure(app):
    _trigger("country-share", "svg")
    out = cards.image([0, 1], "/country/POL", "?from=2010")
    assert out["format"] == "svg" and out["filename"] == "country-share-POL-2010"
    texts = " ".join(a.get("text", "") for a in out["figure"]["layout"]["annotations"])
    assert "NATO (2024-06 edition)" in texts  # the same footer as the CLI export
    assert out["figure"]["layout"]["width"] == 1200 and out["figure"]["layout"]["height"] == 675


def test_odd_urls_fall_back_to_the_chart_defaults(app):
    _trigger("overview-ranking", "png")
    out = cards.image([1, 0], "/", "?year=abc&source=<script>")
    assert out["format"] == "png" and out["filename"] == "ranking"


def test_a_bad_parameter_keeps_the_pages_country(app):
    _trigger("country-share", "png")
    out = cards.image([1, 0], "/country/POL", "?from=abc")
    assert out["filename"] == "country-share-POL"
