"""Which source editions each page draws, and how old they are (the "Data age" note of every page).

One function per page returns the (source, edition) pairs its figures come from, read from
what the page's own views draw (the lines, the scenario's rows, the tracker's figures, the
nowcasts' inputs), never from a written list. ``dashboard.editions`` turns them into ages
counted from today's date; ``summary`` is the note's one visible line. The app lays the note
out (``app.components.data_age``); nothing here is cached, because an age changes with the
day while the views it reads do not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from dashboard import editions
from dashboard.editions import Age
from dashboard.model import nowcast
from dashboard.schema import SOURCE_LABELS
from dashboard.views.labels import join_and

if TYPE_CHECKING:
    from dashboard.views.data import ViewData
    from dashboard.views.specs import CompareView, OverviewView, ScenariosView, UkraineView

Pair = tuple[str, str]
IMF = "imf"  # the GDP projections the pledge model's money gaps and scenarios use, where the snapshot has them
# Ukraine ranking measures divided by a donor's GDP or defence spending (NATO, else SIPRI).
UKRAINE_DENOMINATORS: tuple[str, ...] = ("nato", "sipri")


def of(pairs: Iterable[Pair], today: dt.date | None = None) -> list[Age]:
    """The age of each source's newest edition among ``pairs`` (a nowcast by its inputs' ages)."""
    return editions.ages(list(_expand(pairs)), today)


def summary(found: list[Age]) -> str:
    """The note's visible line: "NATO June 2024 (29 months old) · SIPRI April 2025 (19 months old);
    newer NATO and SIPRI editions exist"."""
    if not found:
        return "no published figures drawn"
    parts = []
    for a in found:
        when = editions.edition_short(a.source, a.edition)
        old = ("date unknown" if a.months is None else "this month" if a.months == 0 else
               f"{a.months} month{'s' if a.months != 1 else ''} old")
        parts.append(f"{SOURCE_LABELS.get(a.source, a.source)} {when} ({old})")
    newer = [a for a in found if a.newer]
    late = [SOURCE_LABELS.get(a.source, a.source) for a in found if a.overdue and not a.newer]
    tail = ""
    if len(newer) == 1 and len(newer[0].newer) == 1:
        tail += f"; a newer {SOURCE_LABELS.get(newer[0].source, newer[0].source)} edition exists"
    elif newer:
        tail += f"; newer {join_and([SOURCE_LABELS.get(a.source, a.source) for a in newer])} editions exist"
    if late:
        tail += f"; a newer {join_and(late)} edition is probably out"
    return " · ".join(parts) + tail


# ---- what each page draws -------------------------------------------------------------------------

def overview_pairs(data: ViewData, view: OverviewView) -> list[Pair]:
    """The map and ranking's publisher, NATO's (allies chart, headline), the headline's nowcast
    inputs, and Kiel's release (the Ukraine line)."""
    views = data.overview
    pairs = [(s, e) for s in dict.fromkeys((view.source, "nato")) if (e := views.edition(s))]
    if views.nowcast_headline is not None:
        pairs += nowcast_pairs(c for casts in data.nowcasts.values() for c in casts)
    if data.ukraine.headline:
        pairs.append(data.ukraine.source)
    return pairs


def country_pairs(data: ViewData, iso3: str, measure: str) -> list[Pair]:
    """Every series a country's page draws: shares, spending in the page's measure (each
    publisher's newest edition, whichever the measure), nowcasts, the government's budgets,
    each pledge's figure and GDP path, and Kiel's release when the country is a donor."""
    pairs = [(s.source, s.edition) for s in data.share_series(iso3)]
    pairs += [(line.source, line.edition) for line in data.spending(iso3, measure)]
    pairs += nowcast_pairs(data.nowcasts.get(iso3, []))
    pairs += [("national", b.edition) for b in data.budgets.get(iso3, ())]  # the Published budgets card
    progress = data.progress_by_country.get(iso3, [])
    pairs += [(r.latest_source, r.latest_edition) for r in progress if r.latest_source and r.latest_edition]
    imf = data.panel.series(IMF, iso3, "gdp_lcu")
    if progress and imf is not None:
        pairs.append((IMF, imf.edition))
    if data.ukraine.card(iso3) is not None:
        pairs.append(data.ukraine.source)
    return pairs


def pledges_pairs(data: ViewData) -> list[Pair]:
    """The figure behind every row of the tracker (a nowcast by its inputs), and the IMF's
    projections behind the money gaps where the snapshot has them."""
    tracker = data.tracker
    return tracker.source_pairs(range(len(tracker.table))) + _latest(data, (IMF,))


def compare_pairs(data: ViewData, view: CompareView) -> list[Pair]:
    """The lines the Compare view draws (one publisher, each country's latest edition)."""
    return [(line.source, line.edition) for line in data.compare.lines(view.codes, view.indicator, view.source)]


def scenarios_pairs(data: ViewData, view: ScenariosView) -> list[Pair]:
    """Each member's latest share in the scenario (NATO, else SIPRI), and the IMF's GDP
    projections when growth is left to the model."""
    result = data.scenarios.result(view.group, view.target, view.year, view.growth)
    pairs = [(str(r["source"]), str(r["edition"])) for r in result.records if r.get("status") == "ok"]
    return pairs + (_latest(data, (IMF,)) if view.growth is None else [])


def ukraine_pairs(data: ViewData, view: UkraineView) -> list[Pair]:
    """Kiel's release; NATO's and SIPRI's when the ranking divides aid by GDP or defence spending."""
    if data.ukraine.aid is None:
        return []
    return [data.ukraine.source] + (_latest(data, UKRAINE_DENOMINATORS) if view.measure != "eur" else [])


def sources_pairs(data: ViewData) -> list[Pair]:
    """Every edition in the snapshot (the page lists them all), and the backtest's inputs."""
    return [(str(s.get("name", "")), str(e["edition"])) for s in data.package.get("sources", [])
            for e in s.get("editions", []) if e.get("edition")] + data.sources.backtest_inputs


# ---- helpers ----------------------------------------------------------------------------------------

def nowcast_pairs(casts: Iterable[nowcast.Nowcast]) -> list[Pair]:
    """The (source, edition) of every figure the nowcasts chain (NATO's level, the fresher outturn)."""
    return list(dict.fromkeys((source, edition) for cast in casts for source, edition, _year in cast.inputs))


def _expand(pairs: Iterable[Pair]) -> Iterable[Pair]:
    """A nowcast's pair as its inputs' pairs (a nowcast has no publisher, so no age of its own)."""
    for source, edition in pairs:
        if source == "nowcast":
            yield from nowcast.input_pairs(edition)
        else:
            yield source, edition


def _latest(data: ViewData, sources: tuple[str, ...]) -> list[Pair]:
    """The newest edition of each of ``sources`` in the snapshot (none when it has none)."""
    return [(s, data.panel.editions[s][-1]) for s in sources if data.panel.editions.get(s)]

