"""Events on the timelines: the registry (data/events.yaml), its errors, and how the charts mark events."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from dashboard import charts
from dashboard.figures import events as timeline
from dashboard.figures import publish
from dashboard.model import Citation, Event, RegistryError, load_events, on_timeline
from dashboard.views import data

GOOD = {"id": "nato-wales-2014", "label": "Wales summit", "title": "NATO Wales summit", "date": "2014-09-04",
        "until": "2014-09-05",
        "source": {"publisher": "NATO", "title": "Wales Summit Declaration",
                   "url": "https://www.nato.int/cps/en/natohq/official_texts_112964.htm", "date": "2014-09-05",
                   "url_checked": False}}
CITED = Citation("NATO", "A text", "https://www.nato.int/x", dt.date(2020, 1, 1))


@pytest.fixture(scope="module")
def app():
    return data.get()


def _write(tmp_path: Path, entries: object) -> Path:
    path = tmp_path / "events.yaml"
    path.write_text(yaml.safe_dump(entries, allow_unicode=True))
    return path


def _event(eid: str, day: str, countries: tuple[str, ...] = ()) -> Event:
    return Event(eid, eid, f"Title of {eid}", dt.date.fromisoformat(day), CITED, True, countries=countries)


def test_committed_registry_has_the_events_readers_ask_about():
    events = {e.id: e for e in load_events()}
    expected = {"crimea-2014": "2014-02-27", "nato-wales-2014": "2014-09-04", "invasion-2022": "2022-02-24",
                "nato-vilnius-2023": "2023-07-11", "gbr-pledge-2025": "2025-02-25", "london-summit-2025": "2025-03-02",
                "nato-hague-2025": "2025-06-24"}
    assert {k: events[k].date.isoformat() for k in expected} == expected
    assert all(e.source.url.startswith("https://") and e.source.publisher for e in events.values())
    assert events["gbr-pledge-2025"].countries == ("GBR",)      # the UK's own pledge: on UK charts only
    assert events["nato-hague-2025"].when == "24–25 Jun 2025"
    assert events["crimea-2014"].when == "27 Feb – 18 Mar 2014"
    dates = [e.date for e in load_events()]
    assert dates == sorted(dates)


@pytest.mark.parametrize("change,message", [
    ({"source": None}, "event 'nato-wales-2014': no source"),
    ({"date": "4 Sept 2014"}, "event 'nato-wales-2014': date '4 Sept 2014' is not a date"),
    ({"until": "2014-09-01"}, "event 'nato-wales-2014': until 2014-09-01 is before date 2014-09-04"),
    ({"label": "The NATO summit in Newport, Wales"}, "event 'nato-wales-2014': label"),
    ({"label": ""}, "event 'nato-wales-2014': lacks label"),
    ({"title": None}, "event 'nato-wales-2014': lacks title"),
    ({"countries": ["XXX"]}, "event 'nato-wales-2014': countries has unknown code(s)"),
    ({"countries": "GBR"}, "event 'nato-wales-2014': countries must be a list"),
    ({"where": "Newport"}, "event 'nato-wales-2014': unknown field(s) where"),
    ({"id": "Wales 2014"}, "event 'Wales 2014': id must be lowercase"),
    ({"source": {**GOOD["source"], "url": "nato.int"}}, "event 'nato-wales-2014': source url"),
    ({"source": {k: v for k, v in GOOD["source"].items() if k != "url_checked"}},
     "event 'nato-wales-2014': source url_checked must be true or false"),
    ({"source": {k: v for k, v in GOOD["source"].items() if k != "date"}}, "source lacks date"),
])
def test_a_bad_entry_fails_in_one_line_naming_entry_and_field(tmp_path, change, message):
    with pytest.raises(RegistryError) as err:
        load_events(_write(tmp_path, [{**GOOD, **change}]))
    assert message in str(err.value) and "\n" not in str(err.value)
    assert str(err.value).startswith("events.yaml: ")


def test_ids_are_unique_and_the_file_is_a_list(tmp_path):
    with pytest.raises(RegistryError, match="id used twice"):
        load_events(_write(tmp_path, [GOOD, GOOD]))
    with pytest.raises(RegistryError, match="expected a list of entries"):
        load_events(_write(tmp_path, {"id": "x"}))
    with pytest.raises(RegistryError, match="entry 1 lacks id"):
        load_events(_write(tmp_path, [{k: v for k, v in GOOD.items() if k != "id"}]))


def test_a_countrys_own_event_is_only_on_its_charts(app):
    pledge = next(e for e in app.events if e.id == "gbr-pledge-2025")
    assert pledge in app.timeline_events("GBR") and pledge in app.timeline_events("DEU", "GBR")
    assert pledge not in app.timeline_events("POL") and pledge not in app.timeline_events()
    assert on_timeline(app.events, ["POL"]) == app.timeline_events("POL")


def test_marks_merge_events_days_apart_and_stagger_close_numbers():
    events = [_event("a", "2014-02-27"), _event("b", "2014-09-04"), _event("c", "2022-02-24"),
              _event("d", "2023-07-11"), _event("e", "2025-02-25"), _event("f", "2025-03-02")]
    wide = timeline.marks(events, 1990, 2035)
    # the pledge and the summit five days apart share one number; so do Crimea and Wales on a 45-year axis
    assert [[e.id for e in m.events] for m in wide] == [["a", "b"], ["c"], ["d"], ["e", "f"]]
    assert [m.number for m in wide] == [1, 2, 3, 4]
    gap = timeline.LABEL_GAP_SPAN * 45
    for row in range(timeline.ROWS):  # numbers on one row never closer than a phone can show apart
        xs = [m.x for m in wide if m.row == row]
        assert all(b - a >= gap for a, b in zip(xs, xs[1:]))
    narrow = timeline.marks(events, 2014, 2024.5)
    assert [len(m.events) for m in narrow] == [1, 1, 1, 1]   # 10 years: room for each event of 2014–2023
    assert timeline.marks(events, 2015, 2021) == []


def test_positions_on_year_bar_and_month_axes():
    assert timeline.decimal_year(dt.date(2022, 1, 1)) == 2022
    assert 2022.14 < timeline.decimal_year(dt.date(2022, 2, 24)) < 2022.16
    assert 2021.6 < timeline.bar_year(dt.date(2022, 2, 24)) < 2022.4     # inside the 2022 bar
    months = timeline.month_position(["2022-01", "2022-02", "2022-03"])
    assert 0.5 < (months(dt.date(2022, 2, 24)) or 0) < 1.5 and months(dt.date(2023, 1, 1)) is None


def test_drawn_marks_are_thin_lines_and_boxed_numbers_with_their_names():
    layout: dict = {"margin": {"t": 16}}
    drawn = timeline.marks([_event("a", "2014-02-27"), _event("b", "2022-02-24")], 2010, 2025)
    timeline.draw(layout, drawn)
    assert [s["line"]["width"] for s in layout["shapes"]] == [1, 1]
    assert [a["text"] for a in layout["annotations"]] == ["1", "2"]
    assert "Title of b (24 Feb 2022)" in layout["annotations"][1]["hovertext"]
    assert layout["margin"]["t"] >= timeline.LABEL_PX
    assert timeline.key(drawn) == "Events: 1 a (27 Feb 2014); 2 b (24 Feb 2022) (data/events.yaml)."
    assert timeline.words(drawn).startswith("Numbered dotted lines mark events: 1: Title of a (27 Feb 2014)")
    assert timeline.key([]) == "" and timeline.words([]) == ""


@pytest.mark.parametrize("name,params", [
    ("country-share", {"country": "GBR"}), ("allies-at-target", {}), ("compare", {}),
    ("ukraine-regions", {"by": "month"}),
])
def test_timeline_charts_mark_events_by_default_and_not_when_off(app, name, params):
    shown = charts.resolve(app, name, params).built
    numbers = [a for a in shown.figure["layout"]["annotations"] if a.get("name") == timeline.EVENT_NAME]
    lines = [s for s in shown.figure["layout"].get("shapes", []) if s.get("name") == timeline.EVENT_NAME]
    assert numbers and len(lines) >= len(numbers)
    assert "Events: 1 " in shown.source_text and "(data/events.yaml)" in shown.source_text
    hidden = charts.resolve(app, name, {**params, "events": "off"}).built
    assert not [a for a in hidden.figure["layout"]["annotations"] if a.get("name") == timeline.EVENT_NAME]
    assert "events.yaml" not in hidden.source_text


def test_only_the_uk_chart_marks_the_uk_pledge(app):
    uk = charts.resolve(app, "country-share", {"country": "GBR"}).built.source_text
    poland = charts.resolve(app, "country-share", {"country": "POL"}).built.source_text
    assert "UK 2.5% pledge" in uk and "UK 2.5% pledge" not in poland and "London summit" in poland


def test_yearly_aid_has_no_events_and_a_late_start_drops_earlier_ones(app):
    yearly = charts.resolve(app, "ukraine-regions", {"by": "year"}).built
    assert "events.yaml" not in yearly.source_text
    late = charts.resolve(app, "country-share", {"country": "GBR", "from": "2016"}).built.source_text
    assert "Crimea" not in late and "Full-scale invasion" in late


def test_print_styling_keeps_the_numbers_clear_of_the_legend(app):
    shown = charts.resolve(app, "country-share", {"country": "GBR"}).built
    plain = {**shown.figure, "layout": {k: v for k, v in shown.figure["layout"].items() if k != "annotations"}}
    styled = publish.publish(shown.figure, "t", "s", "Source: x.", "c", dt.date(2026, 1, 1))
    bare = publish.publish({**plain, "layout": {**plain["layout"], "annotations": []}}, "t", "s", "Source: x.", "c",
                           dt.date(2026, 1, 1))
    assert styled["layout"]["margin"]["t"] > bare["layout"]["margin"]["t"]       # a band for the numbers
    if styled["layout"]["legend"].get("yanchor") == "bottom":                     # a legend above the plot
        assert styled["layout"]["legend"]["y"] > 1.0                              # sits above that band


def test_the_events_of_2025_26_are_on_the_timelines_they_concern(app):
    """The ten moves of 2025-26 the issue names, each dated from its document, drawn where it belongs:
    the EU's on its members' charts, Ukraine's on the Ukraine page, NATO's on every timeline."""
    events = {e.id: e for e in load_events()}
    expected = {"rearm-europe-2025": "2025-03-04", "deu-debt-brake-2025": "2025-03-18", "eu-safe-2025": "2025-05-27",
                "gbr-sdr-2025": "2025-06-02", "gbr-spending-review-2025": "2025-06-11",
                "eu-ukraine-loan-2025": "2025-12-18", "nld-coalition-2026": "2026-01-30",
                "fra-lpm-update-2026": "2026-01-15", "coalition-paris-2026": "2026-01-06",
                "nato-ankara-2026": "2026-07-07"}
    assert {k: events[k].date.isoformat() for k in expected} == expected
    assert events["deu-debt-brake-2025"].until.isoformat() == "2025-03-21"
    assert "rearm-europe-2025" in {e.id for e in app.timeline_events("POL")}
    assert "rearm-europe-2025" not in {e.id for e in app.timeline_events("GBR")}
    assert {"gbr-sdr-2025", "gbr-spending-review-2025"} <= {e.id for e in app.timeline_events("GBR")}
    ukraine = {e.id for e in app.timeline_events("UKR")}
    assert {"eu-ukraine-loan-2025", "coalition-paris-2026", "invasion-2022"} <= ukraine
    assert "nato-ankara-2026" in {e.id for e in app.timeline_events()}     # an alliance summit: everywhere
