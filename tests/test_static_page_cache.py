"""Issue 23, items 4 and 5: pages from memory, and the index pages whole in the static copy.

Counts, not timings: the cache's own counters and the index's renders say whether a page was
built or answered from memory.
"""

from __future__ import annotations

import datetime as dt
import re
from html import escape

import brotli
import pytest

from dashboard.app import create_app
from dashboard.app.static_copy import grid_copy, page_cache, prerender
from dashboard.views import data
from tests.test_app_index import copy_of
from tests.test_static_first import COLUMNS, ROW

END_ID = re.compile(rb'"end_id":"[^"]*"')  # Dash's per-render token in the index's config


@pytest.fixture(scope="module")
def app():
    return create_app()


@pytest.fixture
def client(app):
    return app.server.test_client()


@pytest.fixture
def cache(app) -> page_cache.PageCache:
    return app.server.extensions[page_cache.EXTENSION]


@pytest.fixture
def renders(app, monkeypatch) -> list[str]:
    """The paths the index renders (each a page built, not one answered from memory)."""
    seen: list[str] = []
    real = app.interpolate_index

    def counting(**kwargs):
        import flask

        seen.append(flask.request.full_path)
        return real(**kwargs)

    monkeypatch.setattr(app, "interpolate_index", counting)
    return seen


# ---- item 5: the index pages whole in the copy -------------------------------------------------

def test_the_countries_copy_links_to_every_country_in_the_data(client):
    copy = copy_of(client.get("/countries").get_data(as_text=True))
    grid = copy[copy.index('<div class="prerender-grid'):]
    countries = data.get().country_list
    assert len(countries.rows) > 150  # every country with a share of GDP, and those a pledge binds
    for row in countries.rows:
        # a country with a share of GDP links to its page; one without (Iceland) to its pledges
        href = f"/country/{row.iso3}" if row.has_page else f"/pledges?country={row.iso3}"
        assert f'<a href="{escape(href, quote=True)}">' in grid, row.name
    with_page = {row.iso3 for row in countries.rows if row.has_page}
    assert set(re.findall(r'<a href="/country/([A-Z0-9_]+)">', grid)) == with_page
    assert grid.count("<tr>") == 1 + len(countries.rows)  # the header, then one row per country
    assert "prerender-more" not in grid  # nothing left to load
    # the share as the grid shows it, beside the name (the UK: NATO's 2024 estimate)
    assert '<a href="/country/GBR">United Kingdom</a></td><td class="line">2.33% e</td>' in grid


def test_a_search_in_the_url_keeps_the_copy_to_its_rows(client):
    copy = copy_of(client.get("/countries?q=poland").get_data(as_text=True))
    assert re.findall(r'<a href="/country/([A-Z]+)">', copy[copy.index("prerender-grid"):]) == ["POL"]


def test_a_long_grid_shows_its_first_screen_and_says_how_many_rows_it_has(client):
    from dashboard.app.pages.pledges import copy_rows

    total = len(copy_rows({}))
    assert total > 3 * grid_copy.ROWS_SHOWN
    copy = copy_of(client.get("/pledges").get_data(as_text=True))
    grid = copy[copy.index('<div class="prerender-grid'):]
    assert grid.count("<tr>") == 1 + grid_copy.ROWS_SHOWN
    note = grid_copy.MORE_NOTE.format(shown=grid_copy.ROWS_SHOWN, total=total)
    assert f'</table><p class="hint prerender-more">{note}</p></div>' in grid  # inside the grid's frame


def test_rows_the_layout_holds_are_copied_whole_up_to_the_byte_budget(monkeypatch):
    rows = [{**ROW, "title": f"pledge {i}"} for i in range(40)]
    props = {"rowData": rows, "columnDefs": COLUMNS, "style": {"height": "560px"}}
    whole = grid_copy.table("g", props, {})
    assert whole.count("<tr>") == 41 and "pledge 39" in whole and "prerender-more" not in whole
    monkeypatch.setattr(grid_copy, "WHOLE_BYTES", 2_000)  # ~4 rows of these
    cut = grid_copy.table("g", props, {})
    assert cut.count("<tr>") == 1 + grid_copy.ROWS_SHOWN and "pledge 14" in cut and "pledge 15" not in cut
    assert "Showing the first 15 of 40 rows; the rest load on your first interaction" in cut
    # a short grid is whole whatever the budget
    assert grid_copy.table("g", {**props, "rowData": rows[:3]}, {}).count("<tr>") == 4


# ---- item 4: pages from memory -------------------------------------------------------------------

def test_a_second_get_is_answered_from_memory(client, cache, renders):
    first = client.get("/country/FIN?from=2001")
    hits, kept = cache.hits, cache.kept
    second = client.get("/country/FIN?from=2001")
    assert renders == ["/country/FIN?from=2001"]  # the index ran once
    assert (cache.hits, cache.kept) == (hits + 1, kept)
    assert second.status_code == 200 and second.data == first.data
    # the answer from memory is served like the first: type, security headers, the same CSP
    for name in ("Content-Type", "X-Frame-Options", "X-Content-Type-Options", "Content-Security-Policy", "Vary"):
        assert second.headers[name] == first.headers[name], name


def test_each_encoding_is_kept_as_it_was_sent(client, cache, renders):
    plain = client.get("/sources").data
    packed = client.get("/sources", headers={"Accept-Encoding": "gzip, deflate, br"})
    again = client.get("/sources", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert len(renders) == 2  # identity and brotli: one build each (the copy itself is rendered once)
    assert again.headers["Content-Encoding"] == packed.headers["Content-Encoding"] == "br"
    assert again.data == packed.data
    # the same page but for Dash's per-render token (page_cache's docstring)
    assert END_ID.sub(b"", brotli.decompress(again.data)) == END_ID.sub(b"", plain)


def test_the_app_has_no_background_callback_so_a_pages_token_binds_nothing(app):
    """A kept page hands every reader the same ``end_id``: harmless only while no callback is a
    background one (Dash binds their handles to it)."""
    assert app.callback_map and not [k for k, cb in app.callback_map.items() if cb.get("background")]
    assert not app._background_manager


def test_one_page_however_its_query_is_spelled(client, renders):
    for url in ("/compare?chart=bars&countries=GBR,FRA", "/compare?countries=GBR%2CFRA&chart=bars",
                "/compare?countries=GBR,FRA&chart=bars"):
        assert client.get(url).status_code == 200
    assert len(renders) == 1
    assert page_cache.canonical_query("?b=2&a=1&b=1&c=") == "a=1&b=2&b=1&c="


def test_a_not_found_page_is_kept_with_its_status_and_escapes_still_count(client, cache):
    for _ in range(2):
        assert client.get("/country/%47BR").status_code == 404  # the router keeps the escape: not found
        assert client.get("/country/GBR").status_code == 200
    key = cache.key("/country/%47BR", "", "")
    assert key is not None and cache.get(key) is not None and cache.get(key)[0] == 404


def test_what_is_not_a_page_is_not_kept(client, cache):
    kept = cache.kept
    client.get("/health")
    client.get("/country/GBR?embed=country-share")  # the embed view: framed by others, answered apart
    client.head("/budgets")
    assert client.get("/data/observations.csv?iso3=GBR&indicator=milex_share_gdp&source=nato").status_code == 200
    assert cache.kept == kept
    framed = client.get("/country/GBR?embed=country-share")
    assert "X-Frame-Options" not in framed.headers


def test_the_key_is_the_path_the_canonical_query_the_snapshot_and_the_day():
    day = dt.date(2026, 12, 5)
    key = page_cache.page_key("/compare", "?chart=bars&countries=GBR", "abc123", day, "gzip, br")
    assert key == ("/compare", "chart=bars&countries=GBR", "abc123", "2026-12-05", "gzip, br")
    assert page_cache.page_key("/compare", "countries=GBR&chart=bars", "abc123", day, "gzip,  BR") == key
    assert page_cache.page_key("/compare", "chart=bars&countries=GBR", "abc123", day + dt.timedelta(days=1),
                               "gzip, br") != key
    assert page_cache.page_key("/compare", "chart=bars&countries=GBR", "def456", day, "gzip, br") != key


def test_a_new_day_builds_the_page_afresh(client, cache, renders, monkeypatch):
    client.get("/budgets")
    client.get("/budgets")
    assert len(renders) == 1
    today = cache.today()
    key = cache.key("/budgets", "", "")
    monkeypatch.setattr(cache, "today", lambda: today + dt.timedelta(days=1))
    assert cache.key("/budgets", "", "") != key
    client.get("/budgets")
    assert len(renders) == 2  # the next day's page, its data ages counted to that day


def test_the_cache_holds_at_most_its_byte_bound(monkeypatch):
    monkeypatch.setattr(page_cache, "MAX_BYTES", 120_000)
    small = create_app()
    client = small.server.test_client()
    cache = small.server.extensions[page_cache.EXTENSION]
    assert cache.pages.max_bytes == 120_000
    urls = [f"/country/{iso3}" for iso3 in ("GBR", "FRA", "DEU", "POL", "FIN", "ITA", "ESP", "NLD")]
    for url in urls:
        client.get(url)
        assert cache.size <= 120_000
    assert cache.kept == len(urls) and 0 < len(cache.pages) < len(urls)  # the least recently used went
    assert cache.get(cache.key(urls[0], "", "")) is None and cache.get(cache.key(urls[-1], "", "")) is not None
    assert page_cache.MAX_BYTES < 2 ** 30 and prerender.CACHE_SIZE <= 64


def test_under_serve_debug_every_page_is_built_afresh(app, client, cache, renders, monkeypatch):
    monkeypatch.setattr(app.server, "debug", True)  # Flask's debug mode: assets change under the server
    kept, hits = cache.kept, cache.hits
    for _ in range(2):
        assert client.get("/scenarios?debug-test=1").status_code == 200
    assert len(renders) == 2 and (cache.kept, cache.hits) == (kept, hits)


def test_the_cache_can_be_turned_off_to_measure_without_it(monkeypatch):
    monkeypatch.setenv(page_cache.ENV_OFF, "1")
    off = create_app()
    client = off.server.test_client()
    cache = off.server.extensions[page_cache.EXTENSION]
    for _ in range(2):
        assert client.get("/").status_code == 200
    assert (cache.hits, cache.kept, cache.size) == (0, 0, 0)


def test_a_page_whose_copy_failed_is_kept_nowhere_and_tried_again(client, cache, renders, monkeypatch):
    """A copy that raised goes out without the copy (the page still works), and neither the
    copies' memo nor the page cache keeps that: the next request renders the copy again."""
    real = prerender.render_page
    calls = []

    def failing_once(*args):
        calls.append(args[1])
        if len(calls) == 1:
            raise RuntimeError("boom")
        return real(*args)

    monkeypatch.setattr(prerender, "render_page", failing_once)
    kept = cache.kept
    first = client.get("/country/EST?from=2003")
    assert first.status_code == 200 and b'class="prerender"' not in first.data
    assert cache.kept == kept  # not kept
    second = client.get("/country/EST?from=2003")
    assert b'class="prerender"' in second.data and "<h1>Estonia</h1>" in second.get_data(as_text=True)
    assert calls == ["/country/EST", "/country/EST"] and cache.kept == kept + 1
