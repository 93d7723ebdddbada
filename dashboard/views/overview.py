"""The Overview's views: a year's shares, the ranking, NATO allies at the targets, the headline.

Built once per ``ViewData`` (``ViewData.overview``) and used by the Overview page, the
export's map/ranking/allies charts and the pack: one implementation of each. The shares
of every source and year are sorted once; a year's slice is a lookup, so a first visit
to any year costs a fraction of a millisecond.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, SupportsInt, cast

import pandas as pd

from dashboard import countries, model
from dashboard.editions import edition_short
from dashboard.model import nowcast
from dashboard.schema import SOURCE_LABELS

if TYPE_CHECKING:
    from dashboard.views.data import ViewData

SIPRI_TOP = 40  # SIPRI's ranking shows the top 40 of ~150 countries
NATO = "NATO"
SHARE_SOURCES: tuple[str, ...] = ("sipri", "nato")


@dataclass(frozen=True)
class YearShares:
    """Countries' share of GDP in one year from one source, highest first (ties by name)."""

    iso3: tuple[str, ...] = ()
    name: tuple[str, ...] = ()
    value: tuple[float, ...] = ()      # percent of GDP
    estimate: tuple[bool, ...] = ()

    def __len__(self) -> int:
        return len(self.iso3)

    @property
    def empty(self) -> bool:
        return not self.iso3

    def keep(self, codes: set[str] | frozenset[str] | list[str], limit: int | None = None) -> YearShares:
        """Only these countries (order kept), at most ``limit`` of them."""
        wanted = set(codes)
        idx = [i for i, c in enumerate(self.iso3) if c in wanted][:limit]
        return self._take(idx)

    def head(self, limit: int | None) -> YearShares:
        """The first ``limit`` (all if None)."""
        return self if limit is None else self._take(list(range(min(limit, len(self)))))

    def any_estimate(self, codes: set[str] | frozenset[str] | list[str]) -> bool:
        """Whether any of these countries' figures is an estimate."""
        wanted = set(codes)
        return any(e for c, e in zip(self.iso3, self.estimate) if c in wanted)

    def frame(self) -> pd.DataFrame:
        """iso3, name, value, estimate (for CSV)."""
        return pd.DataFrame({"iso3": list(self.iso3), "name": list(self.name), "value": list(self.value),
                             "estimate": list(self.estimate)}, columns=["iso3", "name", "value", "estimate"])

    def _take(self, idx: list[int]) -> YearShares:
        return YearShares(tuple(self.iso3[i] for i in idx), tuple(self.name[i] for i in idx),
                          tuple(self.value[i] for i in idx), tuple(self.estimate[i] for i in idx))


EMPTY = YearShares()


@dataclass(frozen=True)
class Headline:
    """The NATO strip for a year: counts at each target, weighted share, spending, who is missing."""

    year: int              # the year shown (NATO's latest if it has none for the year asked)
    asked: int
    edition: str | None
    estimate: bool
    members: int
    at_or_above: tuple[tuple[float, int], ...]   # (target, allies at or above it)
    weighted_share_pct: float | None
    spending_usd_million: float
    missing: tuple[str, ...]                     # names of allies with no figure


@dataclass(frozen=True)
class NowcastHeadline:
    """The strip's nowcast year beside NATO's published one: how many allies with a nowcast are at
    the lowest target. Only allies with a fresher measure of spending have one: Eurostat's outturn
    (EU members), else the government's published budget (data/budgets.yaml)."""

    year: int
    threshold: float
    at_or_above: int
    nowcast: int                  # allies with a nowcast for ``year``
    beats_carry: int              # of those, where the method beat carrying NATO's last figure forward
    members: int                  # NATO's members in ``year``
    freshers: tuple[tuple[str, str, int], ...]   # (source, edition, allies it moves) in the model's order
    base_edition: str             # NATO's edition and year the nowcasts chain from
    base_year: int
    no_outturn: tuple[str, ...]   # names of allies a fresher source covers, without a figure for ``year``

    def note(self) -> str:
        """What the count rests on and whom it leaves out, in a sentence or three."""
        moved = " or ".join(_fresher_words(s, e, n) for s, e, n in self.freshers)
        others = self.members - self.nowcast - len(self.no_outturn)
        text = (f"{self.year} nowcast: NATO's {self.base_year} figure ({edition_short('nato', self.base_edition)} "
                f"edition) moved by {moved} (spending growth over GDP growth): {self.nowcast} allies have one")
        if self.no_outturn:
            text += f"; none for {', '.join(self.no_outturn)} (no {self.year} figure in a fresher source)"
        if others > 0:
            text += f"; the other {others} allies have no fresher source"
        return (text + f". In the backtest the method beat carrying NATO's last figure forward for "
                f"{self.beats_carry} of the {self.nowcast}.")


def _fresher_words(source: str, edition: str, allies: int) -> str:
    """``Eurostat's April 2026 outturn (20 allies)``; ``the government's published budget (6 allies)``."""
    count = f"{allies} all{'ies' if allies != 1 else 'y'}"
    if source == "national":
        return f"the government's published budget ({count}; data/budgets.yaml)"
    return f"{SOURCE_LABELS.get(source, source)}'s {edition_short(source, edition)} outturn ({count})"


class OverviewViews:
    """Look-ups of the Overview, memoised per process."""

    def __init__(self, data: ViewData) -> None:
        self._data = data
        self.ranking = lru_cache(maxsize=512)(self._ranking)

    @cached_property
    def _slices(self) -> dict[tuple[str, int], YearShares]:
        """(source, year) → every country's share that year (no aggregates), highest first.

        Built once (~150 slices): a first visit to any year is a dictionary look-up.
        """
        data = self._data
        shares = data.latest_shares
        keep = [not countries.is_aggregate(c) and c != "EU_INST" for c in shares["iso3"]]
        shares = shares.loc[keep, ["source", "year", "iso3", "value", "estimate"]]
        shares = shares.assign(name=[data.name(c) for c in shares["iso3"]], year=shares["year"].astype(int))
        shares = shares.sort_values(["source", "year", "value", "name"], ascending=[True, True, False, True],
                                    kind="stable")
        out: dict[tuple[str, int], YearShares] = {}
        for (source, year), rows in shares.groupby(["source", "year"], sort=False):
            # the keys are (source, year): a string and a numpy integer (``year`` is cast to int above)
            out[(str(source), int(cast(SupportsInt, year)))] = YearShares(
                tuple(rows["iso3"].tolist()), tuple(rows["name"].tolist()),
                tuple(float(v) for v in rows["value"]), tuple(bool(e) for e in rows["estimate"]))
        return out

    def year_shares(self, source: str, year: int) -> YearShares:
        """Countries' share of GDP in ``year`` from ``source``'s latest edition, highest first."""
        return self._slices.get((source, year), EMPTY)

    @cached_property
    def _every_country(self) -> dict[str, tuple[tuple[str, str], ...]]:
        found: dict[str, dict[str, str]] = {}
        for (source, _), shares in self._slices.items():
            found.setdefault(source, {}).update(zip(shares.iso3, shares.name))
        return {source: tuple(sorted(codes.items())) for source, codes in found.items()}

    def every_country(self, source: str) -> tuple[tuple[str, str], ...]:
        """(ISO3, name) of every country ``source`` has a share for in any year, by code: the
        live map draws all of them (those without a figure in the year unseen), so that a
        step to another year has a shape for each country to colour."""
        return self._every_country.get(source, ())

    def _ranking(self, source: str, year: int, group: str | None = None) -> YearShares:
        """The ranking's bars: a group's members of that year (NATO's by default for NATO's
        figures: its tables list later members in earlier years), or SIPRI's top 40."""
        shares = self.year_shares(source, year)
        group = group or (NATO if source == "nato" else "all")
        limit = SIPRI_TOP if group == "all" and source == "sipri" else None
        if group != "all" and group in self._data.groups:
            return shares.keep(self._data.groups[group].members_in(year), limit)
        return shares.head(limit)

    def edition(self, source: str) -> str | None:
        """Latest edition of ``source``'s shares."""
        return self.editions.get(source)

    @cached_property
    def editions(self) -> dict[str, str]:
        """source → latest edition of its shares."""
        shares = self._data.latest_shares
        return {str(s): str(e) for s, e in shares.groupby("source")["edition"].max().items()}

    @cached_property
    def targets(self) -> list[float]:
        """NATO's share-of-GDP targets from the registry (2, 3.5, 5), not the "related" 1.5 %."""
        in_force = [p for p in self._data.pledges if p.scope != "related" and p.state == "active"]
        return model.reference_targets(in_force, NATO)

    @property
    def threshold(self) -> float:
        """The lowest NATO target (2 %): the one "allies at or above" counts."""
        return min(self.targets, default=2.0)

    @cached_property
    def nato_aggregates(self) -> dict[int, model.Aggregate]:
        """year → NATO aggregate (membership of that year) for every year NATO publishes."""
        data = self._data
        if NATO not in data.groups or "nato" not in data.share_years:
            return {}
        first, last = data.share_years["nato"]
        return {y: model.aggregate(data.panel, data.groups[NATO], y, self.targets, "nato")
                for y in range(first, last + 1)}

    @cached_property
    def allies_counts(self) -> pd.DataFrame:
        """year, members, reporting, at_or_above (lowest target), estimate."""
        rows = []
        for year, agg in self.nato_aggregates.items():
            est = self.year_shares("nato", year).any_estimate(agg.reporting)
            rows.append({"year": year, "members": len(agg.members), "reporting": len(agg.reporting),
                         "at_or_above": agg.at_or_above.get(self.threshold, 0), "estimate": est})
        return pd.DataFrame(rows, columns=["year", "members", "reporting", "at_or_above", "estimate"])

    @cached_property
    def allies_csv(self) -> pd.DataFrame:
        """The allies chart's data with every target, the weighted share and who did not report."""
        aggs = self.nato_aggregates
        csv = self.allies_counts.copy()
        for t in self.targets:
            csv[f"at_or_above_{t:g}pct"] = [aggs[y].at_or_above.get(t) for y in csv["year"]]
        csv["weighted_share_pct"] = [round(aggs[y].weighted_share_pct or 0, 4) for y in csv["year"]]
        csv["not_reported"] = [" ".join(aggs[y].missing) for y in csv["year"]]
        csv.insert(1, "edition", self.edition("nato"))
        return csv

    def headline(self, year: int) -> Headline | None:
        """The NATO strip for ``year`` (NATO's latest year if it has no figures for ``year``)."""
        aggs = self.nato_aggregates
        if not aggs:
            return None
        shown = year if year in aggs else max(aggs)
        agg = aggs[shown]
        counts = self.allies_counts.set_index("year")
        return Headline(
            year=shown, asked=year, edition=agg.edition, estimate=bool(counts.loc[shown, "estimate"]),
            members=len(agg.members), at_or_above=tuple((t, agg.at_or_above.get(t, 0)) for t in self.targets),
            weighted_share_pct=agg.weighted_share_pct, spending_usd_million=agg.spending_usd_million,
            missing=tuple(self._data.name(c) for c in agg.missing))

    @cached_property
    def nowcast_headline(self) -> NowcastHeadline | None:
        """The newest nowcast year for NATO's members (None when no ally has a nowcast)."""
        data = self._data
        casts = [c for cs in data.nowcasts.values() for c in cs]
        if not casts or NATO not in data.groups:
            return None
        # the year most allies have a nowcast for (a budget may reach a year further: a few allies)
        counts = Counter(c.year for c in casts if c.iso3 in data.groups[NATO].members_in(c.year))
        if not counts:
            return None
        year = max(counts, key=lambda y: (counts[y], y))
        members = data.groups[NATO].members_in(year)
        shown = [c for c in casts if c.year == year and c.iso3 in members]
        threshold = self.threshold
        # per source (every government's budget is its own edition): the newest edition, the allies moved
        used = Counter(c.fresher.partition(" ")[0] for c in shown)
        newest = {c.fresher.partition(" ")[0]: c.fresher.partition(" ")[2] for c in sorted(shown, key=lambda c: c.fresher)}
        freshers = tuple((s, newest[s], used[s]) for s in sorted(used, key=nowcast.FRESHER.index))
        return NowcastHeadline(
            year=year, threshold=threshold, at_or_above=sum(c.value >= threshold for c in shown),
            nowcast=len(shown), beats_carry=sum(bool(c.beats_carry) for c in shown), members=len(members),
            freshers=freshers, base_edition=shown[0].base_edition,
            base_year=shown[0].base_year,
            no_outturn=tuple(data.name(c) for c in nowcast.missing(data.panel, year) if c in members))

    def empty_message(self, source: str, year: int) -> str:
        """Why ``source`` has nothing for ``year``: "No NATO data for 1990: NATO's tables start in 2014"."""
        first, last = self._data.share_years.get(source, (None, None))
        return empty_year_message(source, year, first, last)

    def warm(self) -> None:
        """Precompute what the page's first requests look up."""
        _ = self._slices, self.allies_counts, self.editions, self.nowcast_headline
        for source in SHARE_SOURCES:
            self.ranking(source, self._data.share_years.get(source, (0, 0))[1])


def share_rows(shares: YearShares, source: str, year: int, edition: str | None) -> pd.DataFrame:
    """A map or ranking's countries with their provenance, as the CSV downloads write it."""
    out = shares.frame().rename(columns={"value": "share_of_gdp_pct"})
    return out.assign(year=year, source=source, edition=edition)


def empty_year_message(source: str, year: int, first: int | None, last: int | None) -> str:
    """"No NATO data for 1990: NATO's tables start in 2014"."""
    label = SOURCE_LABELS.get(source, source)
    if first is None or last is None:
        return f"No {label} data in this snapshot"
    if year < first:
        return f"No {label} data for {year}: {label}'s tables start in {first}"
    if year > last:
        return f"No {label} data for {year}: {label}'s latest figures are for {last}"
    return f"No {label} data for {year}"
