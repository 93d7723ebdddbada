"""The callback benchmark measures what it says: first hits never repeat a value, warm runs
reach Dash (not the answer memo), and every callback the warm run times is also timed new."""

from __future__ import annotations

import json

import pytest


@pytest.fixture(scope="module")
def app():
    from dashboard.app import create_app

    return create_app()


def _inputs(body: dict) -> str:
    return json.dumps([body.get("inputs"), body.get("state")], sort_keys=True)


def test_first_hits_are_new_values(app, monkeypatch):
    from dashboard.bench import callbacks

    posted: dict[str, list[str]] = {}
    real = callbacks._post

    def record(client, name, body):
        posted.setdefault(name, []).append(_inputs(body))
        return real(client, name, body)

    monkeypatch.setattr(callbacks, "_post", record)
    result = callbacks.first_hit_timings(app, hits=6)
    # the values each page is rendered with are not "new": collect them as the warm run posts them
    warm: dict[str, set[str]] = {}
    for _layout, values in callbacks._pages(app):
        for name, key, spec in callbacks._callbacks(app, values):
            warm.setdefault(name, set()).add(_inputs(callbacks._payload(key, spec, values)))
    for name, bodies in posted.items():
        if name.startswith(("image ", "csv ")):
            continue
        assert len(bodies) == len(set(bodies)), f"{name} repeated a value"
        assert not set(bodies) & warm.get(name, set()), f"{name} re-sent the page's own values"
    # every callback with a control a user can change is timed (sync_url included)
    assert {"overview.update_map", "compare.update_chart", "scenarios.update_scenario",
            "sources.update_revisions", "country.update_share", "pledges.update_pledges",
            "cards.image", "cards.csv"} <= set(result)
    assert all(t["p95_ms"] >= t["p50_ms"] > 0 for t in result.values())
    # wherever the controls offer enough new values, each callback gets its share of hits
    assert result["overview.update_map"]["runs"] >= 6 and result["compare.update_chart"]["runs"] >= 6
    # a small choice shared by several callbacks (the Ukraine region chart and the URL's sync)
    # is split between them: both get first hits
    assert result["ukraine.update_regions"]["runs"] >= 1 and result["ukraine.sync_url"]["runs"] >= 1


def test_overview_map_years_are_each_new(app, monkeypatch):
    """The map's first hits are on years the process has not drawn: every posted year distinct."""
    from dashboard.bench import callbacks

    years: list[int] = []
    real = callbacks._post

    def record(client, name, body):
        if name == "overview.update_map":
            years.append(next(i["value"] for i in body["inputs"] if i["id"] == "overview-year"))
        return real(client, name, body)

    monkeypatch.setattr(callbacks, "_post", record)
    callbacks.first_hit_timings(app, hits=5)
    assert len(years) >= 5 and len(set(years)) == len(years)


def test_warm_run_is_timed_with_the_answer_memo_off(monkeypatch):
    """Otherwise repeats would be answered from the memo without reaching Dash."""
    import dashboard.app
    from dashboard.app.server.memo import ENV_OFF, AnswerMemo
    from dashboard.bench import callbacks, suite

    seen = {}

    def fake_timings(app, runs):
        seen["memo"] = AnswerMemo().enabled
        return {}

    monkeypatch.delenv(ENV_OFF, raising=False)
    monkeypatch.setattr(callbacks, "callback_timings", fake_timings)
    monkeypatch.setattr(dashboard.app, "create_app", lambda: None)
    assert suite._warm_callbacks() == {}
    assert seen == {"memo": False}
    assert AnswerMemo().enabled  # and back on afterwards


def test_every_image_card_has_a_page_to_time_it_on():
    from dashboard.app.cards import CARD_CHARTS
    from dashboard.bench.callbacks import CARD_PAGES

    assert {card.split("-", 1)[0] for card in CARD_CHARTS} <= set(CARD_PAGES)
