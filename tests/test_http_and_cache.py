"""The shared HTTP session, the raw cache and refresh, against built responses."""

from __future__ import annotations

import json

import pytest
import requests
import responses

from dashboard import http
from dashboard import refresh as refresh_mod
from dashboard.provenance import SourceInfo, read_raw, sha256_of
from dashboard.rawcache import RawCache

URL = "https://data.example.org/file.xlsx"
INFO = SourceInfo("sipri", "Publisher", "Title", "https://example.org", "CC BY 4.0", "Cite me")


@responses.activate
def test_retries_honour_retry_after_then_succeed():
    responses.get(URL, status=429, headers={"Retry-After": "7"})
    responses.get(URL, status=503)
    responses.get(URL, body=b"ok")
    waits: list[float] = []
    resp = http.get(http.session(), URL, sleep=waits.append)
    assert resp.content == b"ok"
    assert waits == [7.0, http.BACKOFF_S * 2]  # Retry-After, then exponential backoff
    assert responses.calls[0].request.headers["User-Agent"].startswith("defence-dashboard/")


@responses.activate
def test_404_fails_at_once_with_one_line():
    responses.get(URL, status=404)
    with pytest.raises(http.HttpError) as info:
        http.get(http.session(), URL, sleep=lambda s: None)
    assert str(info.value) == f"{URL}: HTTP 404 after 1 attempt(s)"
    assert len(responses.calls) == 1


@responses.activate
def test_4xx_message_carries_a_json_error_body_excerpt():
    responses.get(URL, status=400, json={"error": {"status": 400, "label": "Invalid dimension 'geo'"}})
    with pytest.raises(http.HttpError) as info:
        http.get(http.session(), URL, sleep=lambda s: None)
    assert "HTTP 400" in str(info.value) and "Invalid dimension 'geo'" in str(info.value)
    assert "\n" not in str(info.value)


@responses.activate
def test_persistent_500_gives_up_after_max_attempts():
    responses.get(URL, status=500)
    with pytest.raises(http.HttpError, match="HTTP 500 after 4 attempt"):
        http.get(http.session(), URL, sleep=lambda s: None)
    assert len(responses.calls) == http.MAX_ATTEMPTS


@responses.activate
def test_retry_after_too_long_is_a_failure_not_a_hang():
    responses.get(URL, status=429, headers={"Retry-After": "86400"})
    with pytest.raises(http.HttpError, match="Retry-After 86400"):
        http.get(http.session(), URL, sleep=lambda s: pytest.fail("must not sleep a day"))


@responses.activate
def test_timeout_is_retried_then_reported():
    responses.get(URL, body=requests.ConnectTimeout("connect timed out"))
    with pytest.raises(http.HttpError, match="ConnectTimeout"):
        http.get(http.session(), URL, sleep=lambda s: None)


def test_cache_stores_with_sidecar_and_never_overwrites(tmp_path):
    import datetime as dt

    cache = RawCache(tmp_path)
    day1 = dt.datetime(2025, 4, 28, 9, 0, tzinfo=dt.UTC)
    first = cache.store(INFO, "SIPRI-Milex-data.xlsx", b"edition one", URL, now=day1)
    assert first == tmp_path / "sipri" / "2025-04-28" / "SIPRI-Milex-data.xlsx"
    meta = json.loads((first.parent / (first.name + ".meta.json")).read_text())
    assert meta["url"] == URL and meta["size"] == len(b"edition one")
    assert meta["sha256"] == sha256_of(first) and meta["licence"] == "CC BY 4.0"
    # same bytes again: nothing new
    assert cache.store(INFO, "SIPRI-Milex-data.xlsx", b"edition one", URL) == first
    # new bytes the same day and name: stored beside, the first untouched
    second = cache.store(INFO, "SIPRI-Milex-data.xlsx", b"edition two", URL, now=day1)
    assert second.name == "SIPRI-Milex-data-2.xlsx" and first.read_bytes() == b"edition one"
    assert read_raw("sipri", first).retrieved == "2025-04-28"


def test_cache_file_names_from_urls_cannot_escape(tmp_path):
    cache = RawCache(tmp_path / "cache")
    path = cache.store(INFO, "../../etc/passwd", b"x", URL)
    assert path.parent.parent.parent == tmp_path / "cache" and path.name == "passwd"


def test_refresh_continues_past_a_failing_source(tmp_path, monkeypatch):
    calls: list[str] = []

    class Good:
        INFO = INFO

        @staticmethod
        def fetch(sess, cache):
            calls.append("good")
            return [cache.store(INFO, "a.xlsx", b"data", URL)]

    class Bad:
        @staticmethod
        def fetch(sess, cache):
            calls.append("bad")
            raise http.HttpError("https://bad.example/x: HTTP 500 after 4 attempt(s)")

    modules = {"sipri": Bad, "nato": Good}
    monkeypatch.setattr(refresh_mod.sources, "load", lambda name: modules[name])
    result = refresh_mod.refresh(("sipri", "nato"), tmp_path, progress=False)
    assert calls == ["bad", "good"]
    assert list(result.failed) == ["sipri"] and "HTTP 500" in result.failed["sipri"]
    assert not result.failed["sipri"].startswith("sipri:")
    assert result.stored["nato"][0].read_bytes() == b"data"


def test_refresh_cli_exits_non_zero_listing_failures(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from dashboard.cli import main

    class Bad:
        @staticmethod
        def fetch(sess, cache):
            raise http.HttpError("https://bad.example/x: HTTP 503 after 4 attempt(s)")

    monkeypatch.setattr(refresh_mod.sources, "load", lambda name: Bad)
    result = CliRunner().invoke(main, ["refresh", "sipri", "--cache", str(tmp_path)])
    assert result.exit_code == 1
    assert "sipri: https://bad.example/x: HTTP 503" in result.stderr


def test_refresh_rejects_unknown_source(tmp_path):
    from click.testing import CliRunner

    from dashboard.cli import main

    result = CliRunner().invoke(main, ["refresh", "nosuch", "--cache", str(tmp_path)])
    assert result.exit_code == 1 and "unknown source(s) nosuch" in result.stderr


def test_known_published_files_get_their_recorded_retrieval(tmp_path):
    """A file whose sha256 is in data/raw_files.json takes the date recorded there."""
    from dashboard import provenance

    records = json.loads(provenance.KNOWN_RAW_FILES.read_text())
    assert records and all({"sha256", "source", "url", "retrieved"} <= set(r) for r in records)
    unknown = tmp_path / "x.bin"
    unknown.write_bytes(b"not published anywhere")
    assert read_raw("sipri", unknown).url == ""


@responses.activate
def test_unresolvable_host_fails_at_once_with_a_short_line():
    responses.get(URL, body=requests.ConnectionError(
        "HTTPSConnectionPool(host='data.example.org', port=443): Max retries exceeded with url: /file.xlsx "
        "(Caused by NameResolutionError(\"<urllib3.connection.HTTPSConnection object at 0x7f>: Failed to "
        "resolve 'data.example.org' ([Errno -3] Temporary failure in name resolution)\"))"))
    with pytest.raises(http.HttpError) as info:
        http.get(http.session(), URL, sleep=lambda s: pytest.fail("no retry for DNS failures"))
    assert str(info.value) == f"{URL}: cannot resolve host data.example.org (offline?) after 1 attempt(s)"
