"""The age of every figure: editions' ages on a fixed day, what each page draws, the note, the CLI."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from click.testing import CliRunner

from dashboard import editions
from dashboard.views import ages

TODAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def app():
    """The app on the embedded snapshot (pages registered), and its data."""
    from dashboard.app import create_app
    from dashboard.views import data

    create_app()
    return data.get()


def _text(node) -> str:
    """A component tree's text, whitespace collapsed."""
    if isinstance(node, (list, tuple)):
        return " ".join(" ".join(_text(n) for n in node).split())
    if node is None or isinstance(node, (int, float)):
        return ""
    if isinstance(node, str):
        return node
    return _text(getattr(node, "children", None))


def _note(layout, prefix: str):
    from tests.conftest import component_ids

    return component_ids(layout)[f"{prefix}-ages"]


# ---- ages on a fixed day ----------------------------------------------------------------------

def test_nato_june_2024_on_30_november_2026():
    """June 2024 → November 2026: 2 years and 5 months = 29; NATO's 2025 and 2026 editions exist."""
    age = editions.age("nato", "2024-06", TODAY)
    assert (age.date, age.months, age.newer) == (dt.date(2024, 6, 1), 29, ("2025-08", "2026-07"))
    assert age.text() == ("NATO: June 2024 edition, 29 months old — newer editions exist (2025-08, 2026-07); "
                          "run `defence-dashboard refresh nato`")
    assert age.short() == "29 months old (NATO June 2024 edition; newer exist)"


@pytest.mark.parametrize("source,edition,months,newer,tail", [
    ("sipri", "2025-04", 19, ("2026-04",), "newer edition exists (2026-04)"),
    ("kiel", "2026-08-04 R29", 3, (), ""),                     # within Kiel's 4-month cadence
    ("worldbank", "2026-02-24", 9, (), "a newer edition is probably out"),  # past its 7 months
    ("eurostat", "2026-04-27", 7, (), ""),                     # exactly its cadence: not yet overdue
])
def test_other_sources_on_the_same_day(source, edition, months, newer, tail):
    age = editions.age(source, edition, TODAY)
    assert (age.months, age.newer) == (months, newer)
    assert f"{months} months old" in age.text()
    assert (tail in age.text()) if tail else "newer" not in age.text()


def test_ages_change_with_the_day_and_a_known_edition_stops_being_newer():
    assert editions.age("nato", "2024-06", dt.date(2024, 6, 20)).text() == "NATO: June 2024 edition, this month"
    # in January 2026 NATO's August 2025 edition was out, its July 2026 one not yet
    assert editions.age("nato", "2024-06", dt.date(2026, 1, 15)).newer == ("2025-08",)
    assert editions.age("nato", "2025-08", TODAY).newer == ("2026-07",)
    assert editions.age("nato", "2026-07", TODAY).newer == ()


def test_a_nowcast_is_aged_by_its_inputs_and_each_source_by_its_newest_edition():
    pairs = [("nowcast", "2024-06 + eurostat 2026-04-27"), ("sipri", "2024-04"), ("sipri", "2025-04")]
    found = ages.of(pairs, TODAY)
    assert [(a.source, a.edition) for a in found] == [("nato", "2024-06"), ("eurostat", "2026-04-27"),
                                                      ("sipri", "2025-04")]
    assert ages.summary(found) == ("NATO June 2024 (29 months old) · Eurostat April 2026 (7 months old) · "
                                   "SIPRI April 2025 (19 months old); newer NATO and SIPRI editions exist")
    assert ages.summary(ages.of([("sipri", "2025-04")], TODAY)).endswith("; a newer SIPRI edition exists")
    assert ages.summary([]) == "no published figures drawn"


# ---- what each page draws ---------------------------------------------------------------------

def _share_sources(app, iso3: str) -> set[str]:
    """Publishers with a share of GDP for the country in the snapshot (read from the table)."""
    t = app.table
    return set(t.loc[(t["iso3"] == iso3) & (t["indicator"] == "milex_share_gdp"), "source"])


def test_country_page_lists_each_source_it_draws(app):
    from dashboard.app.pages import country

    # Germany's 2025 draft budget states its share (2.01 %): the registry is a source of shares too
    assert _share_sources(app, "DEU") == {"nato", "sipri", "worldbank", "eurostat", "national"}
    text = _text(_note(country.layout("DEU"), "country"))
    for words in ("NATO June 2024 (", "SIPRI April 2025", "World Bank February 2026", "Eurostat April 2026",
                  "Kiel Institute Release 29",  # Germany gives aid to Ukraine: its card is on the page
                  "Government budgets 19 Sep 2025"):  # its newest dated budget document (the Bundestag, 2026 draft)
        assert words in text
    assert "refresh nato" in text and "Counted from today's date" in text
    # the UK: no Eurostat series and no nowcast, so no Eurostat age
    assert "eurostat" not in _share_sources(app, "GBR")
    gbr = _text(_note(country.layout("GBR"), "country"))
    assert "NATO June 2024" in gbr and "Eurostat" not in gbr


def test_each_page_with_controls_follows_what_it_draws(app):
    from dashboard.app.pages import compare, scenarios, ukraine

    assert "World Bank" in _text(_note(compare.layout(source="worldbank"), "compare"))
    assert "NATO" not in _text(_note(compare.layout(source="worldbank"), "compare"))
    assert _text(compare.update_ages(["GBR"], "milex_share_gdp", "sipri")).startswith("Data age: SIPRI April 2025")
    assert "no published figures drawn" in _text(compare.update_ages([], "milex_share_gdp", "nato"))
    kiel_only = _text(_note(ukraine.layout(), "ukraine"))
    assert "Kiel Institute Release 29" in kiel_only and "NATO" not in kiel_only
    by_gdp = _text(ukraine.update_ages("gdp"))  # aid ÷ GDP: NATO's, else SIPRI's figures
    assert "NATO June 2024" in by_gdp and "SIPRI April 2025" in by_gdp
    assert "NATO June 2024" in _text(_note(scenarios.layout(), "scenarios"))
    # Austria is in the EU, not NATO: its latest share is SIPRI's
    assert "SIPRI April 2025" in _text(scenarios.update_ages("EU27", 3.5, 2035, None))


def test_pledge_tracker_pairs_include_a_nowcasts_inputs(app):
    """Statuses resting on a 2025 nowcast (Denmark's) are aged by NATO's and Eurostat's editions."""
    rows = app.progress_by_country["DNK"]
    assert any(r.latest_source == "nowcast" for r in rows)
    found = {a.source for a in ages.of(ages.pledges_pairs(app), TODAY)}
    assert {"nato", "eurostat"} <= found and "nowcast" not in found


def test_the_note_is_accessible_and_says_how_ages_are_counted(app):
    from dash import html

    from dashboard.app.components import data_age

    note = data_age("x", [("nato", "2024-06")], TODAY)
    assert isinstance(note, html.Details) and note.id == "x-ages"
    summary, items, how = note.children
    assert isinstance(summary, html.Summary)  # a native disclosure: keyboard and screen readers for free
    assert _text(summary) == ("Data age: NATO June 2024 (29 months old); newer NATO editions exist")
    command = [c for c in items.children[0].children if isinstance(c, html.Code)]
    assert [c.children for c in command] == ["defence-dashboard refresh nato"]
    assert "30 November 2026" in _text(how)


# ---- the static copy is rendered afresh each day ------------------------------------------------

def test_static_copy_is_cached_per_day(monkeypatch):
    from dashboard.app import create_app, index
    from dashboard.app.static_copy import page_cache, prerender

    app = create_app()
    client = app.server.test_client()
    built = []
    real = prerender.render_page
    monkeypatch.setattr(prerender, "render_page", lambda *a: built.append(a[1]) or real(*a))

    day = [TODAY]

    class Day:
        @staticmethod
        def today() -> dt.date:
            return day[0]

    class FakeDt:
        date = Day

    monkeypatch.setattr(index, "dt", FakeDt)
    monkeypatch.setattr(app.server.extensions[page_cache.EXTENSION], "today", Day.today)  # pages from memory too
    client.get("/compare")
    client.get("/compare")
    assert built == ["/compare"]  # the same day: kept
    day[0] = dt.date(2026, 12, 1)
    client.get("/compare")
    assert built == ["/compare", "/compare"]  # a new day: the ages are counted again


# ---- the sources command ----------------------------------------------------------------------

def test_sources_command_prints_each_sources_age():
    from dashboard.cli import main
    from dashboard.snapshot.summary import summary_lines

    lines = summary_lines(today=TODAY)
    block = lines[lines.index("Age of each source's newest edition on 2026-11-30:") + 1:]
    block = block[:block.index("")]
    assert block == [
        "  Eurostat: April 2026 edition, 7 months old",
        "  Kiel Institute: Release 29 (4 August 2026), 3 months old",
        # the registry's newest dated document (data/budgets.yaml: the Slovenian report of 13 March 2026)
        "  Government budgets: document of 13 March 2026, 8 months old",
        "  NATO: June 2024 edition, 29 months old — newer editions exist (2025-08, 2026-07); "
        "run `defence-dashboard refresh nato`",
        "  SIPRI: April 2025 edition, 19 months old — newer edition exists (2026-04); "
        "run `defence-dashboard refresh sipri`",
        "  World Bank: February 2026 edition, 9 months old — a newer edition is probably out; "
        "run `defence-dashboard refresh worldbank`",
    ]
    out = CliRunner().invoke(main, ["sources"]).output
    assert "Age of each source's newest edition on" in out and "refresh nato`" in out
    # the table's columns line up, Kiel's wider edition label too
    rows = [line for line in out.splitlines()[1:] if re.search(r"\d{4}-\d{4}  ", line)]
    assert len(rows) == 8 and len({re.search(r"\d{4}-\d{4}  ", line).start() for line in rows}) == 1
