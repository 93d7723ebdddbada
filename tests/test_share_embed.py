"""Share and embed, social cards, the whole dataset (issue 15, items 6 and 7), through Flask's test client.

Expectations come from the snapshot's own files (data/snapshot/datapackage.json, the
parquet read with pandas), not from the code under test.
"""

from __future__ import annotations

import io
import json
import re
import struct
import time
import zipfile
from pathlib import Path

import dash
import pandas as pd
import pytest

from dashboard.app import create_app
from dashboard.app.cards import CARD_CHARTS
from dashboard.app.server import diskcache
from tests.conftest import ROOT, component_ids, walk

SNAPSHOT = ROOT / "data" / "snapshot"
PACKAGE = json.loads((SNAPSHOT / "datapackage.json").read_text())
CHROMIUM = Path("/usr/bin/chromium")
# every page of the navigation, a country page, and a country page with a Ukraine card
PAGES = ["/", "/countries", "/country/GBR", "/country/DEU", "/pledges", "/compare", "/scenarios", "/ukraine",
         "/sources"]


def latest_edition(source: str) -> str:
    """The newest edition of ``source`` in the snapshot's package (what a share chart draws)."""
    return max(e["edition"] for s in PACKAGE["sources"] if s["name"] == source for e in s["editions"])


@pytest.fixture(scope="module")
def app():
    return create_app()


@pytest.fixture
def client(app):
    return app.server.test_client()


def metas(body: str) -> dict[str, str]:
    return {m.group(2): m.group(3).replace("&amp;", "&") for m in
            re.finditer(r'<meta (property|name)="([^"]+)" content="([^"]*)"', body)}


# ---- the embed view ---------------------------------------------------------------------------

def test_embed_view_has_the_title_chart_source_and_a_link_back(client):
    resp = client.get("/country/GBR?from=2005&embed=country-share")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    body = resp.get_data(as_text=True)
    assert '<h1 id="embed-title">United Kingdom: defence spending as a share of GDP</h1>' in body
    source = re.search(r'<p class="source-line">(.*?)</p>', body).group(1)
    assert f"NATO ({latest_edition('nato')} edition)" in source
    assert f"SIPRI ({latest_edition('sipri')} edition)" in source
    assert 'href="/country/GBR?from=2005#country-share-card"' in body  # back to the page, at this chart
    assert 'href="/data/country-share.csv?country=GBR&amp;from=2005' in body
    spec = json.loads(re.search(r'<script type="application/json" id="embed-figure">(.*?)</script>', body,
                                re.S).group(1))
    assert spec["figure"]["data"] and "height" not in spec["figure"]["layout"]  # fills the iframe
    # only the chart: none of the dashboard's navigation, no Dash
    assert "nav-link" not in body and "_dash-renderer" not in body and len(body) < 60_000


def test_only_the_embed_view_may_be_framed(client):
    embedded = client.get("/country/GBR?embed=country-share")
    assert "X-Frame-Options" not in embedded.headers
    assert "frame-ancestors *" in embedded.headers["Content-Security-Policy"]
    assert embedded.headers["X-Content-Type-Options"] == "nosniff"  # the other headers stay
    for path in ("/country/GBR", "/data/observations.csv?iso3=GBR&indicator=milex_share_gdp", "/health"):
        resp = client.get(path)
        assert resp.headers["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"], path


@pytest.mark.parametrize("card", sorted(CARD_CHARTS))
def test_every_card_has_an_embed_view_on_its_page(client, card):
    page = {"overview": "/", "country": "/country/DEU"}.get(card.split("-")[0], "/" + card.split("-")[0])
    resp = client.get(f"{page}?embed={card}")
    assert resp.status_code == 200, (card, resp.get_data(as_text=True)[:200])
    assert 'class="source-line">Source' in resp.get_data(as_text=True)


@pytest.mark.parametrize("url", [
    "/country/GBR?embed=overview-map",      # a card of another page
    "/country/GBR?embed=no-such-card",
    "/country/XYZ?embed=country-share",     # no such country: never another country's chart
    "/nonexistent?embed=overview-map",
])
def test_embed_of_a_card_the_page_does_not_have_is_404(client, url):
    resp = client.get(url)
    assert resp.status_code == 404 and resp.mimetype == "text/plain"


def test_odd_parameters_fall_back_and_are_never_echoed_raw(client):
    resp = client.get("/country/POL?from=</script><b>&embed=country-share")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Poland" in body
    assert "</script><b>" not in body and "<b>" not in body


# ---- share and embed on every chart card ------------------------------------------------------

def _cards(layout) -> dict[str, object]:
    """Chart cards (``<prefix>-card`` with a ``<prefix>-graph`` beside it, or for a chart below the
    fold its ``<prefix>-slot``) in a page layout, by prefix."""
    ids = component_ids(layout)
    return {cid.removesuffix("-card"): node for cid, node in ids.items()
            if cid.endswith("-card") and ({f"{cid.removesuffix('-card')}-{part}" for part in ("graph", "slot")} & set(ids))}


def _share_kinds(card) -> list[str]:
    """The ``data-share`` kinds (Share, Embed) of the controls in a card."""
    return sorted(props["data-share"] for node in walk(card)
                  if (props := node.to_plotly_json()["props"]).get("data-share"))


def test_every_chart_card_has_share_and_embed(app):
    seen = set()
    for page in dash.page_registry.values():
        layout = page["layout"]
        if not callable(layout):
            continue
        for kwargs in ([{"iso3": "GBR"}, {"iso3": "DEU"}] if page["module"].endswith(".country") else [{}]):
            for cid, card in _cards(layout(**kwargs)).items():
                seen.add(cid)
                assert _share_kinds(card) == ["embed", "link"], cid
    assert seen >= set(CARD_CHARTS), set(CARD_CHARTS) - seen  # every registry card was looked at


def test_the_share_script_is_on_every_page_and_needs_no_callback(app, client):
    body = client.get("/").get_data(as_text=True)
    assert "/assets/share.js" in body
    assert not any("-link-field" in key or "-embed-field" in key for key in app.callback_map)


# ---- social cards -----------------------------------------------------------------------------

@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_social_card_tags(client, path):
    tags = metas(client.get(path).get_data(as_text=True))
    assert tags["og:title"] and tags["og:description"] and tags["twitter:card"] == "summary_large_image"
    assert re.fullmatch(r"/images/[a-z-]+\.png\?\S+", tags["og:image"]), tags["og:image"]
    assert tags["twitter:image"] == tags["og:image"]
    assert (tags["og:image:width"], tags["og:image:height"]) == ("2400", "1350")


def test_the_social_image_follows_the_page(client):
    assert metas(client.get("/country/DEU").get_data(as_text=True))["og:image"].startswith(
        "/images/country-share.png?country=DEU&")
    assert "year=2010" in metas(client.get("/?year=2010").get_data(as_text=True))["og:image"]
    # a not-found page has no chart to show
    assert "og:image" not in metas(client.get("/nonexistent").get_data(as_text=True))


def test_social_urls_are_absolute_from_the_configured_public_url_only():
    configured = create_app(public_url="https://defence.example.org/")
    body = configured.server.test_client().get("/pledges", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert metas(body)["og:image"].startswith("https://defence.example.org/images/pledge-status.png?")
    assert "evil.example" not in body


@pytest.mark.parametrize("url,status", [
    ("/images/no-such-chart.png", 404),
    ("/images/country-share.png?country=ZZZ", 400),
    ("/images/ranking.png?year=1066", 400),
])
def test_bad_image_requests_are_one_line(client, url, status):
    resp = client.get(url)
    assert resp.status_code == status and resp.mimetype == "text/plain"
    assert len(resp.get_data(as_text=True).strip().splitlines()) == 1


def test_the_social_image_is_a_png_made_once(client):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed (apt-get install -y chromium): no PNG can be made")
    url = metas(client.get("/country/POL").get_data(as_text=True))["og:image"]
    first = client.get(url)
    assert first.status_code == 200, first.get_data(as_text=True)
    assert first.mimetype == "image/png"
    blob = first.get_data()
    assert blob[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", blob[16:24]) == (2400, 1350)
    start = time.perf_counter()
    again = client.get(url)
    assert again.get_data() == blob and time.perf_counter() - start < 1.0  # from the cache, not rendered again
    assert client.get(url, headers={"If-None-Match": again.headers["ETag"]}).status_code == 304


# ---- the whole dataset ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def snapshot_rows() -> pd.DataFrame:
    return pd.read_parquet(SNAPSHOT / "observations.parquet")


def _archive(client, fmt: str) -> tuple[zipfile.ZipFile, str]:
    resp = client.get(f"/data/snapshot.{fmt}.zip")
    assert resp.status_code == 200 and resp.mimetype == "application/zip"
    disposition = resp.headers["Content-Disposition"]
    assert re.fullmatch(rf"attachment; filename=defence-spending-observations-\d{{4}}-\d\d-\d\d-[0-9a-f]{{8}}"
                        rf"\.{fmt}\.zip", disposition), disposition
    return zipfile.ZipFile(io.BytesIO(resp.get_data())), disposition


def test_csv_archive_holds_every_row_and_the_datapackage(client, snapshot_rows):
    archive, _ = _archive(client, "csv")
    assert sorted(archive.namelist()) == ["datapackage.json", "observations.csv"]
    rows = pd.read_csv(archive.open("observations.csv"), keep_default_na=False, dtype=str)
    assert len(rows) == len(snapshot_rows) == PACKAGE["resources"][0]["rows"]
    assert list(rows.columns) == list(snapshot_rows.columns)
    package = json.loads(archive.read("datapackage.json"))
    resource = package["resources"][0]
    assert (resource["path"], resource["format"], resource["rows"]) == ("observations.csv", "csv", len(snapshot_rows))
    assert package["sources"] == PACKAGE["sources"]  # every source's edition, licence, citation and hash


def test_parquet_archive_round_trips_with_pandas(client, snapshot_rows):
    archive, _ = _archive(client, "parquet")
    assert sorted(archive.namelist()) == ["datapackage.json", "observations.parquet"]
    rows = pd.read_parquet(io.BytesIO(archive.read("observations.parquet")))
    pd.testing.assert_frame_equal(rows.reset_index(drop=True), snapshot_rows.reset_index(drop=True),
                                  check_dtype=False)
    assert json.loads(archive.read("datapackage.json"))["resources"][0]["path"] == "observations.parquet"


def test_archives_are_cached_and_revalidated(client):
    first = client.get("/data/snapshot.csv.zip")
    assert client.get("/data/snapshot.csv.zip").get_data() == first.get_data()
    assert client.get("/data/snapshot.csv.zip", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert client.get("/data/snapshot.xlsx.zip").status_code == 404


def test_sources_page_offers_both_with_their_sizes(app, client):
    from dashboard.app.pages import sources

    card = component_ids(sources.layout())["dataset"]
    text = json.dumps(card.to_plotly_json(), default=lambda o: o.to_plotly_json())
    for fmt in ("csv", "parquet"):
        size = len(client.get(f"/data/snapshot.{fmt}.zip").get_data())
        shown = f"{size / 1_000_000:.1f} MB"
        assert f"/data/snapshot.{fmt}.zip" in text and shown in text, (fmt, shown)
    assert f"All {PACKAGE['resources'][0]['rows']:,} rows" in text


def test_disk_cache_keeps_at_most_its_limit(tmp_path, monkeypatch):
    monkeypatch.setenv(diskcache.ENV_APP_CACHE, str(tmp_path))
    made = []
    for i in range(5):
        diskcache.kept("kind", f"f{i}", lambda i=i: made.append(i) or bytes([i]), limit=3)
        time.sleep(0.01)
    assert sorted(p.name for p in (tmp_path / "kind").iterdir()) == ["f2", "f3", "f4"]
    assert diskcache.kept("kind", "f4", lambda: b"again", limit=3).read_bytes() == b"\x04"  # not made again
    assert made == [0, 1, 2, 3, 4]
