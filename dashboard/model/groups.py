"""Groups: aggregates for any year, burden sharing, and "every member reaches X% by Y"."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from dashboard.model.economics import Assumptions, economy
from dashboard.model.panel import Panel
from dashboard.model.pledges import linear_path
from dashboard.model.registry import Group, Pledge


@dataclass
class Aggregate:
    """A group's totals in one year, from one source (latest edition)."""

    group: str
    year: int
    source: str
    edition: str | None
    members: list[str]
    reporting: list[str]
    missing: list[str]
    spending_usd_million: float
    gdp_usd_million: float
    shares: dict[str, float] = field(default_factory=dict)  # iso3 → % of GDP
    at_or_above: dict[float, int] = field(default_factory=dict)  # threshold → members

    @property
    def weighted_share_pct(self) -> float | None:
        """GDP-weighted share: total spending over total GDP of the reporting members."""
        return self.spending_usd_million / self.gdp_usd_million * 100 if self.gdp_usd_million else None


def reference_targets(pledges: list[Pledge], actor: str = "NATO") -> list[float]:
    """Distinct share-of-GDP targets of ``actor``'s pledges (e.g. 2, 3.5, 5 for NATO)."""
    return sorted({p.target for p in pledges if p.actor == actor and p.kind == "share_gdp"})


def country_year(panel: Panel, source: str, iso3: str, year: int) -> tuple[float, float, float] | None:
    """(spending US$ m, GDP US$ m, share %) at current prices, or None if not published.

    GDP comes from the source's own GDP figures when it publishes them (NATO), else it
    is implied by spending / share (SIPRI), so the share is always the source's own.
    """
    # one edition for all three look-ups: the source's latest (mixing vintages would
    # put one release's spending over another's GDP)
    editions = panel.editions.get(source, [])
    edition = editions[-1] if editions else None
    usd = panel.series(source, iso3, "milex_usd", "current", edition=edition)
    share = panel.series(source, iso3, "milex_share_gdp", edition=edition)
    spend = usd.at(year) if usd is not None else None
    pct = share.at(year) if share is not None else None
    if spend is None:
        return None
    gdp_series = panel.series(source, iso3, "gdp_usd", "current", edition=edition)
    gdp = gdp_series.at(year) if gdp_series is not None else None
    if gdp is None and pct:
        gdp = spend / (pct / 100.0)
    if gdp is None:
        return None
    return spend, gdp, pct if pct is not None else spend / gdp * 100.0


def aggregate(panel: Panel, group: Group, year: int, thresholds: list[float],
              source: str = "nato") -> Aggregate:
    """Totals for ``group``'s members in ``year`` (membership as of that year)."""
    members = group.members_in(year)
    spend = gdp = 0.0
    shares: dict[str, float] = {}
    for iso3 in members:
        found = country_year(panel, source, iso3, year)
        if found is None:
            continue
        s, g, pct = found
        spend, gdp = spend + s, gdp + g
        shares[iso3] = pct
    editions = panel.editions.get(source, [])
    return Aggregate(
        group=group.id, year=year, source=source, edition=editions[-1] if editions else None,
        members=members, reporting=sorted(shares), missing=sorted(set(members) - set(shares)),
        spending_usd_million=spend, gdp_usd_million=gdp, shares=shares,
        at_or_above={t: sum(v >= t for v in shares.values()) for t in thresholds},
    )


def burden_sharing(panel: Panel, nato: Group, years: list[int], source: str = "nato") -> pd.DataFrame:
    """Per year: US spending vs the rest of NATO (Europe and Canada), US$ m current."""
    rows = []
    for year in years:
        agg = aggregate(panel, nato, year, [], source)
        us = country_year(panel, source, "USA", year) if "USA" in agg.members else None
        us_spend = us[0] if us else 0.0
        rows.append({
            "year": year, "source": source, "edition": agg.edition,
            "usa_usd_million": us_spend,
            "europe_canada_usd_million": agg.spending_usd_million - us_spend,
            "usa_share_of_total_pct": us_spend / agg.spending_usd_million * 100
            if agg.spending_usd_million else None,
            "members": len(agg.members), "reporting": len(agg.reporting),
        })
    return pd.DataFrame(rows)


def scenario(panel: Panel, group: Group, target_pct: float, target_year: int,
             assumptions: Assumptions = Assumptions(), source: str = "nato") -> pd.DataFrame:
    """Every member of ``group`` reaches ``target_pct`` by ``target_year`` on a linear path.

    Extra spending in a year = (path share − latest share) × projected GDP, for members
    below the target (members at or above keep their share: extra 0). Money in national
    currency, US$ and EUR (millions) at the stated exchange rates. One row per member and
    year (``scenario_rows`` as a frame).
    """
    return pd.DataFrame(scenario_rows(panel, group, target_pct, target_year, assumptions, source))


def scenario_rows(panel: Panel, group: Group, target_pct: float, target_year: int,
                  assumptions: Assumptions = Assumptions(), source: str = "nato") -> list[dict[str, Any]]:
    """``scenario``'s rows as plain dicts (status "ok", or "no_data" with no year)."""
    rows: list[dict[str, Any]] = []
    for iso3 in group.members_in(target_year):
        share = panel.first((source, "sipri"), iso3, "milex_share_gdp")
        econ = economy(panel, share, assumptions) if share is not None else None
        if share is None or econ is None:
            rows.append({"iso3": iso3, "year": None, "status": "no_data"})
            continue
        year0, share0 = int(share.years[-1]), float(share.values[-1])
        goal = max(target_pct, share0)
        for year, path_share in linear_path(year0, share0, target_year, goal)[1:]:
            gdp = econ.gdp_lcu(year)
            extra = (path_share - share0) / 100.0 * gdp
            rows.append({
                "iso3": iso3, "year": year, "status": "ok", "source": share.source,
                "edition": share.edition, "latest_year": year0, "latest_share_pct": share0,
                "path_share_pct": path_share, "currency": econ.currency, "gdp_lcu_million": gdp,
                "extra_lcu_million": extra, "extra_usd_million": econ.to_usd(extra, year),
                "extra_eur_million": econ.to_eur(extra, year), "assumptions": "; ".join(econ.notes),
            })
    return rows


def scenario_totals(frame: pd.DataFrame) -> pd.DataFrame:
    """Scenario extra spending per year summed over countries (US$ and EUR millions)."""
    ok = frame[frame["status"] == "ok"]
    return (ok.groupby("year", as_index=False)[["extra_usd_million", "extra_eur_million"]].sum()
            .assign(countries=ok.groupby("year")["iso3"].nunique().to_numpy()))
