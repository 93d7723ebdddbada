"""The Overview's views: a year's shares, the ranking, NATO allies at the targets, the headline.

Built once per ``ViewData`` (``ViewData.overview``) and used by the Overview page, the
export's map/ranking/allies charts and the pack: one implementation of each. The shares
of every source and year are sorted once; a year's slice is a lookup, so a first visit
to any year costs a fraction of a millisecond.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

import pandas as pd

from dashboard import countries, model
from dashboard.figures.overview import empty_year_message

if TYPE_CHECKING:
    from dashboard.views.data import ViewData

SIPRI_TOP = 40  # SIPRI's ranking shows the top 40 of ~150 countries
NATO = "NATO"
SHARE_SOURCES: tuple[str, ...] = ("sipri", "nato")
EMPTY = pd.DataFrame({"iso3": pd.Series(dtype=str), "name": pd.Series(dtype=str),
                      "value": pd.Series(dtype=float), "estimate": pd.Series(dtype=bool)})


@dataclass(frozen=True)
class Headline:
    """The NATO strip for a year: counts at each target, weighted share, spending, who is missing."""

    year: int              # the year shown (NATO's latest if it has none for the year asked)
    asked: int
    edition: str
    estimate: bool
    members: int
    at_or_above: tuple[tuple[float, int], ...]   # (target, allies at or above it)
    weighted_share_pct: float | None
    spending_usd_million: float
    missing: tuple[str, ...]                     # names of allies with no figure


class OverviewViews:
    """Look-ups of the Overview, memoised per process."""

    def __init__(self, data: ViewData) -> None:
        self._data = data
        self.year_shares = lru_cache(maxsize=512)(self._year_shares)
        self.ranking = lru_cache(maxsize=512)(self._ranking)

    @cached_property
    def _sorted(self) -> tuple[pd.DataFrame, dict[tuple[str, int], object]]:
        """Every country's share (no aggregates), highest first within (source, year), and the
        positions of each (source, year): slices are taken on demand."""
        data = self._data
        shares = data.latest_shares
        keep = [not countries.is_aggregate(c) and c != "EU_INST" for c in shares["iso3"]]
        shares = shares.loc[keep, ["source", "year", "iso3", "value", "estimate"]]
        shares = shares.assign(name=[data.name(c) for c in shares["iso3"]], year=shares["year"].astype(int))
        shares = shares.sort_values(["source", "year", "value", "name"], ascending=[True, True, False, True],
                                    kind="stable").reset_index(drop=True)
        positions = {(str(s), int(y)): idx for (s, y), idx in shares.groupby(["source", "year"], sort=False).indices.items()}
        return shares[["iso3", "name", "value", "estimate"]], positions

    def _year_shares(self, source: str, year: int) -> pd.DataFrame:
        """Countries' share of GDP in ``year`` from ``source``'s latest edition, highest first:
        iso3, name, value, estimate."""
        frame, positions = self._sorted
        idx = positions.get((source, year))
        return EMPTY if idx is None else frame.iloc[idx].reset_index(drop=True)

    def _ranking(self, source: str, year: int, group: str | None = None) -> pd.DataFrame:
        """The ranking's bars: a group's members of that year (NATO's by default for NATO's
        figures: its tables list later members in earlier years), or SIPRI's top 40."""
        frame = self.year_shares(source, year)
        group = group or (NATO if source == "nato" else "all")
        if group != "all" and group in self._data.groups:
            frame = frame[frame["iso3"].isin(self._data.groups[group].members_in(year))]
        limit = SIPRI_TOP if group == "all" and source == "sipri" else None
        ranked = frame.sort_values(["value", "name"], ascending=[False, True], kind="stable")
        return (ranked.head(limit) if limit else ranked).reset_index(drop=True)

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
        return model.reference_targets([p for p in self._data.pledges if p.scope != "related"], NATO)

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
            shares = self.year_shares("nato", year)
            est = bool(shares[shares["iso3"].isin(agg.reporting)]["estimate"].any())
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

    def empty_message(self, source: str, year: int) -> str:
        """Why ``source`` has nothing for ``year``: "No NATO data for 1990: NATO's tables start in 2014"."""
        first, last = self._data.share_years.get(source, (None, None))
        return empty_year_message(source, year, first, last)

    def warm(self) -> None:
        """Precompute what the page's first requests look up."""
        _ = self._sorted, self.allies_counts, self.editions
        for source in SHARE_SOURCES:
            self.ranking(source, self._data.share_years.get(source, (0, 0))[1])


def share_rows(frame: pd.DataFrame, source: str, year: int, edition: str | None) -> pd.DataFrame:
    """A map or ranking frame with its provenance, as the CSV downloads write it."""
    out = frame[["iso3", "name", "value", "estimate"]].rename(columns={"value": "share_of_gdp_pct"})
    return out.assign(year=year, source=source, edition=edition)
