"""Everything the views read, computed once per process: the snapshot, registries, frames.

Nothing is loaded at import time. ``configure`` is called by ``create_app`` and by the
export; ``get`` returns the instance (building the default one on first use, so callbacks
and views are testable as plain functions).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import pycountry

from dashboard import countries, model
from dashboard.model import budgets as budgets_model
from dashboard.model import commitments, nowcast
from dashboard.model.registry import ACTIVE, DATA_DIR
from dashboard.snapshot import io
from dashboard.views import dataset, observations
from dashboard.views.budgets import BudgetList
from dashboard.views.compare import CompareViews
from dashboard.views.countries import CountryList
from dashboard.views.overview import OverviewViews
from dashboard.views.pledges import Tracker
from dashboard.views.scenarios import ScenarioViews
from dashboard.views.series import CountrySeries, ShareSeries
from dashboard.views.sources import SourceViews
from dashboard.views.specs import SPENDING_MEASURES, ScenariosView
from dashboard.views.ukraine import UkraineViews

# The sources a country page compares, in the order they are drawn.
SHARE_SOURCES: tuple[str, ...] = ("nato", "sipri", "worldbank", "eurostat")
SHARE = "milex_share_gdp"
# The sources of the country page's spending chart, in the order they are drawn.
SPENDING_SOURCES: tuple[str, ...] = ("nato", "sipri")


@dataclass(eq=False)  # compared and hashed by identity: the chart layer keeps its memos per object
class ViewData:
    """The snapshot and everything precomputed from it."""

    table: pd.DataFrame
    package: dict[str, Any]
    panel: model.Panel
    groups: dict[str, model.Group]
    pledges: list[model.Pledge]
    _series: dict[str, list[ShareSeries]] = field(default_factory=dict, repr=False)
    _spending: dict[tuple[str, str], tuple[CountrySeries, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_snapshot(cls, folder: Path | None = None) -> ViewData:
        """Load the snapshot and the registries; precompute the shared frames."""
        table, package = io.read(folder)
        groups = model.load_groups()
        data = cls(table=table, package=package, panel=model.Panel(table),
                   groups=groups, pledges=model.load_pledges(groups=groups))
        data.warm()
        return data

    def warm(self) -> None:
        """Compute the cached frames now, so no user request pays for them."""
        _ = self.progress_rows, self.latest_shares, self.names, self.country_codes, self.share_years
        _ = self.progress_by_country

    def warm_views(self) -> None:
        """Compute what the pages' first requests look up (``charts.warm`` calls this, then
        draws the opening charts, before the app serves)."""
        self.overview.warm()
        self.sources.warm()
        self.ukraine.warm()
        _ = self.tracker, self.country_list
        # each group's default scenario: also memoises every member's economy (GDP path,
        # inflation, exchange rates), so a first scenario with other values costs only its path
        default = ScenariosView.parse({}, self)
        for group in self.groups:
            self.scenarios.result(group, default.target, default.year, default.growth)

    @cached_property
    def events(self) -> tuple[model.Event, ...]:
        """The events registry (data/events.yaml), in date order: what the timelines mark."""
        return tuple(model.load_events())

    @cached_property
    def observation_index(self) -> observations.Index:
        """The table's rows by source, edition, country and indicator (the data routes' look-ups)."""
        return observations.Index.build(self.table)

    @cached_property
    def commitments(self) -> tuple[commitments.Commitment, ...]:
        """The Ukraine commitments registry (data/ukraine_commitments.yaml): what donors promised."""
        return tuple(commitments.load_commitments(groups=self.groups))

    def timeline_events(self, *codes: str) -> tuple[model.Event, ...]:
        """The events that belong on a chart of ``codes`` (none: a chart of no one country, such
        as the allies' count; a country's own events, e.g. its pledge, only on its charts)."""
        return model.on_timeline(self.events, codes)

    @cached_property
    def backtest(self) -> nowcast.Backtest:
        """The nowcast method's backtest against NATO's published values (and two baselines)."""
        return nowcast.backtest(self.panel)

    @cached_property
    def nowcasts(self) -> dict[str, list[nowcast.Nowcast]]:
        """iso3 → nowcasts of NATO's share of GDP for years after NATO's latest, oldest first."""
        out: dict[str, list[nowcast.Nowcast]] = {}
        for cast in nowcast.nowcasts(self.panel, self.backtest):
            out.setdefault(cast.iso3, []).append(cast)
        return out

    @cached_property
    def budgets(self) -> dict[str, tuple[budgets_model.Budget, ...]]:
        """iso3 → the government's published budget figures (data/budgets.yaml, via the snapshot),
        each with its share of GDP: stated, else computed from the country's projected GDP."""
        return budgets_model.budgets(self.table, self.package, self._economy_of)

    def _economy_of(self, iso3: str) -> model.Economy | None:
        """The country's GDP path (NATO's figures, else SIPRI's): what unstated shares divide by."""
        share = self.panel.first(("nato", "sipri"), iso3, SHARE)
        return model.economy(self.panel, share) if share is not None else None

    @cached_property
    def progress_rows(self) -> list[model.Progress]:
        """Every pledge × bound country, as the model computes it (typed; None for "none"); a status
        rests on a nowcast where it is newer than NATO's latest figure and beat carry-forward, and on
        the government's newer adopted or spent budget where it can be put on the pledge's basis."""
        newest = {iso3: casts[-1] for iso3, casts in self.nowcasts.items()}
        return model.all_progress(self.panel, self.pledges, self.groups, nowcasts=newest, budgets=self.budgets)

    @cached_property
    def progress_by_country(self) -> dict[str, list[model.Progress]]:
        """iso3 → that country's progress rows for pledges in force (superseded and lapsed
        pledges are history: the tracker shows them on demand, no chart draws them)."""
        out: dict[str, list[model.Progress]] = {}
        for row in self.progress_rows:
            if row.lifecycle == ACTIVE:
                out.setdefault(row.country, []).append(row)
        return out

    @cached_property
    def overview(self) -> OverviewViews:
        """The Overview's shares by year, rankings, allies counts and headline."""
        return OverviewViews(self)

    @cached_property
    def compare(self) -> CompareViews:
        """The Compare page's frames and charts, memoised."""
        return CompareViews(self)

    @cached_property
    def scenarios(self) -> ScenarioViews:
        """Scenario results, memoised."""
        return ScenarioViews(self)

    @cached_property
    def sources(self) -> SourceViews:
        """Reconciliations and revisions, memoised."""
        return SourceViews(self)

    @cached_property
    def ukraine(self) -> UkraineViews:
        """Support to Ukraine (Kiel tracker): the page's charts, the country card, the headline."""
        return UkraineViews(self)

    @property
    def tracker(self) -> Tracker:
        """The pledge tracker's table and look-ups, rebuilt once a day: its "Figure's age" column
        and its order (deadlines past or to come) depend on today's date, and a server runs
        for weeks."""
        today = dt.date.today()
        built = self.__dict__.get("_tracker")
        if built is None or built[0] != today:
            built = (today, Tracker.build(self.progress_rows, self.name, frozenset(self.groups),
                                          headline=self.headline_ids, this_year=today.year,
                                          groups={g: frozenset(grp.members) for g, grp in self.groups.items()}))
            self.__dict__["_tracker"] = built
        return built[1]

    @property
    def budget_list(self) -> BudgetList:
        """The Budgets page's list: every country's newest published budget figure, rebuilt
        once a day (a figure's age counts from today)."""
        today = dt.date.today()
        built = self.__dict__.get("_budget_list")
        if built is None or built[0] != today:
            built = (today, BudgetList.build(self.budgets, self.name, today))
            self.__dict__["_budget_list"] = built
        return built[1]

    @cached_property
    def country_list(self) -> CountryList:
        """The Countries page's list: every country's headline share and its pledges in force."""
        return CountryList.build(self.country_codes, self.name, self.share_series, self.progress_by_country,
                                 frozenset(self.groups), self.headline_ids, dt.date.today().year)

    @cached_property
    def headline_ids(self) -> frozenset[str]:
        """Pledges the registry marks ``headline``: the tracker and the country list put them first."""
        return frozenset(p.id for p in self.pledges if p.headline)

    def share_series(self, iso3: str) -> list[ShareSeries]:
        """Share of GDP per source (latest edition) for one country; cached."""
        if iso3 not in self._series:
            found = []
            for source in SHARE_SOURCES:
                s = self.panel.series(source, iso3, SHARE)
                if s is not None and len(s):
                    found.append(ShareSeries(
                        source=source, edition=s.edition, price_base=s.price_base,
                        years=tuple(int(y) for y in s.years), values=tuple(float(v) for v in s.values),
                        estimate=tuple(bool(e) for e in s.estimate), flags=tuple(str(f) for f in s.flags)))
            self._series[iso3] = found
        return self._series[iso3]

    def spending(self, iso3: str, measure: str) -> tuple[CountrySeries, ...]:
        """Spending in one measure (``specs.SPENDING_MEASURES``) per source, latest edition; cached."""
        key = (iso3, measure)
        if key not in self._spending:
            indicator = SPENDING_MEASURES[measure][1]
            found = []
            for source in SPENDING_SOURCES:
                edition = self.panel.editions.get(source, [""])[-1]
                # constant-price measures take the edition's constant base, whatever its year
                bases = [b for b in self.panel.price_bases(source, edition, iso3, indicator)
                         if (b == "current") == (measure != "usd_constant")]
                s = self.panel.series(source, iso3, indicator, bases[0]) if bases else None
                if s is not None and len(s):
                    found.append(CountrySeries(
                        iso3, self.name(iso3), source, s.edition, s.unit, s.price_base,
                        tuple(int(y) for y in s.years), tuple(float(v) for v in s.values),
                        tuple(bool(e) for e in s.estimate)))
            self._spending[key] = tuple(found)
        return self._spending[key]

    @cached_property
    def latest_shares(self) -> pd.DataFrame:
        """Share of GDP from each source's latest edition: source, edition, iso3, year, value, estimate."""
        shares = self.table[self.table["indicator"] == "milex_share_gdp"]
        latest = shares.groupby("source")["edition"].transform("max")
        cols = ["source", "edition", "iso3", "country", "year", "value", "estimate", "flags"]
        return shares.loc[shares["edition"] == latest, cols].reset_index(drop=True)

    @cached_property
    def share_years(self) -> dict[str, tuple[int, int]]:
        """source → (first, last) year of its latest-edition shares."""
        g = self.latest_shares.groupby("source")["year"]
        return {s: (int(a), int(b)) for s, a, b in zip(g.min().index, g.min(), g.max())}

    @cached_property
    def names(self) -> dict[str, str]:
        """Code → display name (ISO short name, else the publisher's name)."""
        out: dict[str, str] = {}
        for code, name in self.table[["iso3", "country"]].drop_duplicates("iso3").itertuples(index=False):
            country = pycountry.countries.get(alpha_3=code)
            out[code] = getattr(country, "common_name", None) or (country.name if country else name)
        return out

    @cached_property
    def country_codes(self) -> list[str]:
        """Countries (not aggregates) with a share of GDP from any source, by name."""
        codes = {c for c in self.latest_shares["iso3"].unique() if not countries.is_aggregate(c)
                 and c not in countries.HISTORICAL and c != "EU_INST"}
        return sorted(codes, key=lambda c: self.names.get(c, c))

    def name(self, iso3: str) -> str:
        """Display name for a code."""
        return self.names.get(iso3, iso3)

    @cached_property
    def content_id(self) -> str:
        """What identifies the table's content (~70 ms, on first use): keys files made from it."""
        return dataset.content_id(self.table)


_DATA: ViewData | None = None
_BUILT_FROM: tuple[object, ...] = ()   # what _DATA was built from (``_files``)


def configure(folder: Path | None = None) -> ViewData:
    """Build the app's data from the snapshot in ``folder`` (default: the embedded one).

    The same snapshot and registries, unchanged on disk since the data was built, give the
    data already built: a second app in one process (the tests, the benchmarks) does not read
    and warm it again. A snapshot replaced by a build, or an edited registry, is read afresh.
    """
    global _DATA, _BUILT_FROM
    built_from = _files(folder)
    if _DATA is None or built_from != _BUILT_FROM or not built_from:
        _DATA, _BUILT_FROM = ViewData.from_snapshot(folder), built_from
    return _DATA


def _files(folder: Path | None) -> tuple[object, ...]:
    """Identity of what ``from_snapshot`` reads: the snapshot folder and its two files, and the
    registries (device, inode, size and modification time of each); () if any is unreadable."""
    snapshot = Path(folder or io.DEFAULT_DIR).resolve()
    paths = [snapshot, snapshot / io.OBSERVATIONS, snapshot / io.PACKAGE,
             *sorted(DATA_DIR.glob("*.yaml"))]
    try:
        stats = [path.stat() for path in paths]
    except OSError:
        return ()
    return tuple((str(p), s.st_dev, s.st_ino, s.st_size, s.st_mtime_ns) for p, s in zip(paths, stats))


def get() -> ViewData:
    """The app's data (built from the embedded snapshot on first use if not configured)."""
    return _DATA if _DATA is not None else configure()
