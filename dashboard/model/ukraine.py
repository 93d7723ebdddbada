"""Support to Ukraine (Kiel Ukraine Support Tracker): aid by donor, month, year and region.

Pure functions over the tidy table's Kiel rows (``aid_data`` indexes them once) and the
panel of annual series (GDP and defence spending, for shares). Money is EUR million.

Aid is not defence spending: NATO counts military aid to Ukraine inside several allies'
defence expenditure, and the Hague commitment counts direct contributions to Ukraine's
defence toward the 3.5 % core target — so aid and defence spending are compared, never added.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from dashboard.model.panel import Panel, Series

SOURCE = "kiel"
US = "USA"
EU_INSTITUTIONS = "EU_INST"
ALL_DONORS = "UST_ALL"   # Kiel's all-donor rows (sourcing; totals are recomputed from donors)
AID_TYPES: tuple[str, ...] = ("military", "financial", "humanitarian")
SOURCING: tuple[str, ...] = ("stockpile", "procurement", "unspecified", "purl")
WEAPONS: tuple[str, ...] = ("tanks", "ifv", "howitzers", "mlrs", "air_defense")
REGIONS: tuple[str, ...] = ("United States", "Europe", "Others")
# GDP for a share: NATO's (allies), else GDP implied by SIPRI's spending ÷ share, else the
# World Bank's — in US$, converted with the year's euro rate (below).
GDP_SOURCES: tuple[str, ...] = ("nato", "sipri", "worldbank")
# The euro per US$ of a year: implied by Germany's spending in EUR and in US$ in the same
# source and year (NATO, else SIPRI) — the publisher's own yearly average rate.
EURO_REFERENCE = "DEU"
Month = tuple[int, int]


@dataclass(frozen=True)
class AidData:
    """The Kiel release in the snapshot, indexed: (indicator, donor) → month → EUR million."""

    edition: str                      # "2026-08-04 R29"
    period: Month                     # the last month covered
    months: tuple[Month, ...]         # every month from the first to ``period``
    values: dict[tuple[str, str], dict[Month, float]]
    names: dict[str, str]             # donor code → Kiel's name
    gdp2021: dict[str, float]         # donor → 2021 GDP, EUR million (Kiel's basis)
    weapons: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)  # (donor, cat) → (n, EUR m)
    eu_attributed: dict[str, float] = field(default_factory=dict)  # member → its share of EU-level aid, EUR m

    @property
    def years(self) -> tuple[int, ...]:
        """Calendar years covered (the last one possibly partial: see ``period``)."""
        return tuple(sorted({y for y, _ in self.months}))

    @property
    def donors(self) -> tuple[str, ...]:
        """Every donor code with aid rows (countries and the EU institutions), by code."""
        return tuple(sorted({d for (_, d) in self.values if d != ALL_DONORS}))

    @property
    def release(self) -> str:
        """``Release 29`` (from the edition)."""
        return "Release " + self.edition.rsplit("R", 1)[-1] if "R" in self.edition else self.edition

    @property
    def release_date(self) -> str:
        """The publication date (ISO)."""
        return self.edition.split()[0]

    def monthly(self, indicator: str, donor: str) -> dict[Month, float]:
        """A donor's (or ``UST_ALL``'s) monthly series of ``indicator`` (absent months: none)."""
        return self.values.get((f"ukraine_aid_{indicator}", donor), {})


def aid_data(table: pd.DataFrame) -> AidData | None:
    """The latest Kiel release of ``table`` indexed, or None when the snapshot has none."""
    rows = table[table["source"] == SOURCE]
    if rows.empty:
        return None
    edition = str(max(rows["edition"]))
    rows = rows[rows["edition"] == edition]
    monthly = rows[rows["month"].notna()]
    values: dict[tuple[str, str], dict[Month, float]] = {}
    weapons: dict[tuple[str, str], list[float]] = {}
    eu: dict[str, float] = {}
    for ind, iso3, year, month, value in zip(monthly["indicator"].tolist(), monthly["iso3"].tolist(),
                                             monthly["year"].tolist(), monthly["month"].tolist(),
                                             monthly["value"].tolist()):
        if ind.startswith("ukraine_weapons_"):
            category, what = ind.removeprefix("ukraine_weapons_").rsplit("_", 1)
            weapons.setdefault((iso3, category), [0.0, 0.0])[0 if what == "count" else 1] = float(value)
        elif ind == "ukraine_aid_eu_attributed":
            eu[iso3] = float(value)
        elif not ind.endswith("gdp2021"):
            values.setdefault((ind, iso3), {})[(int(year), int(month))] = float(value)
    flows = [m for (ind, _), series in values.items() if ind == "ukraine_aid_total" for m in series]
    first, last = min(flows), max(flows)
    gdp = rows[(rows["indicator"] == "gdp_eur")]
    names = dict(zip(rows["iso3"].tolist(), rows["country"].tolist()))
    return AidData(edition=edition, period=last, months=tuple(_months(first, last)), values=values,
                   names=names, gdp2021=dict(zip(gdp["iso3"].tolist(), gdp["value"].astype(float).tolist())),
                   weapons={k: (v[0], v[1]) for k, v in weapons.items()}, eu_attributed=eu)


def _months(first: Month, last: Month) -> list[Month]:
    out, (y, m) = [], first
    while (y, m) <= last:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


# ---- sums -------------------------------------------------------------------------------------

def monthly_sum(aid: AidData, indicator: str, donors: Iterable[str]) -> list[float]:
    """``indicator`` summed over ``donors`` for every month of the release (0 where none)."""
    totals = dict.fromkeys(aid.months, 0.0)
    for donor in donors:
        for month, value in aid.monthly(indicator, donor).items():
            totals[month] += value
    return list(totals.values())


def yearly_sum(aid: AidData, indicator: str, donors: Iterable[str]) -> dict[int, float]:
    """``indicator`` summed over ``donors`` per calendar year of the release."""
    out = dict.fromkeys(aid.years, 0.0)
    for (year, _), value in zip(aid.months, monthly_sum(aid, indicator, donors)):
        out[year] += value
    return out


def donor_total(aid: AidData, indicator: str, donor: str, year: int | None = None) -> float:
    """A donor's ``indicator`` over the whole release (or one calendar year)."""
    return sum(v for (y, _), v in aid.monthly(indicator, donor).items() if year is None or y == year)


def region_of(donor: str, europe: frozenset[str]) -> str:
    """``United States``, ``Europe`` (the group's members and the EU institutions) or ``Others``."""
    if donor == US:
        return REGIONS[0]
    return REGIONS[1] if donor in europe or donor == EU_INSTITUTIONS else REGIONS[2]


@dataclass(frozen=True)
class RegionSplit:
    """Aid by region per period (a month or a year), with each region's share of the period's total."""

    periods: tuple[str, ...]                  # "2025" or "2025-03"
    values: dict[str, tuple[float, ...]]      # region → EUR million per period
    indicator: str

    def share(self, region: str, index: int) -> float | None:
        """The region's share (%) of the period's total; None when nothing was allocated."""
        total = sum(v[index] for v in self.values.values())
        return self.values[region][index] / total * 100.0 if total else None


def region_split(aid: AidData, indicator: str, europe: frozenset[str], by: str = "year") -> RegionSplit:
    """``indicator`` for the United States, Europe and others, per year (or per month: ``by="month"``)."""
    groups: dict[str, list[str]] = {r: [] for r in REGIONS}
    for donor in aid.donors:
        groups[region_of(donor, europe)].append(donor)
    if by == "month":
        values = {r: tuple(monthly_sum(aid, indicator, d)) for r, d in groups.items()}
        periods = tuple(f"{y}-{m:02d}" for y, m in aid.months)
    else:
        values = {r: tuple(yearly_sum(aid, indicator, d).values()) for r, d in groups.items()}
        periods = tuple(str(y) for y in aid.years)
    return RegionSplit(periods, values, indicator)


def sourcing(aid: AidData) -> dict[str, dict[int, float]]:
    """All donors' military aid per year by how it was sourced (stockpile, procurement, unspecified, PURL)."""
    out: dict[str, dict[int, float]] = {}
    for kind in SOURCING:
        years = dict.fromkeys(aid.years, 0.0)
        for (y, _), value in aid.monthly(f"military_{kind}", ALL_DONORS).items():
            years[y] += value
        out[kind] = years
    return out


# ---- shares ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Share:
    """Aid as a share of something (GDP, defence spending), with what it was divided by."""

    pct: float
    denominator: float        # EUR million
    year: int                 # the year of the denominator
    basis: str                # "Kiel: 2021 GDP", "NATO 2024-06 GDP, 2024", …
    stand_in: bool = False    # the aid's own year had no denominator: a later/earlier year's is used


def share_of_gdp2021(aid: AidData, donor: str, indicator: str = "total") -> Share | None:
    """The donor's aid over the whole release as a share of its 2021 GDP (Kiel's own basis)."""
    gdp = aid.gdp2021.get(donor)
    if not gdp:
        return None
    return Share(donor_total(aid, indicator, donor) / gdp * 100.0, gdp, 2021, "Kiel: 2021 GDP")


def euro_per_usd(panel: Panel, year: int) -> tuple[float, str] | None:
    """The euro per US$ of ``year`` implied by Germany's spending (NATO, else SIPRI), and its source."""
    return panel.memo(("euro_per_usd", year), lambda: _euro_per_usd(panel, year))


def _euro_per_usd(panel: Panel, year: int) -> tuple[float, str] | None:
    found = euro_reference(panel, year)
    return (found[0], found[1].label) if found is not None else None


def euro_reference(panel: Panel, year: int) -> tuple[float, Series] | None:
    """The euro per US$ of ``year`` and the series (Germany's spending in EUR) it comes from."""
    for source in ("nato", "sipri"):
        eur = panel.series(source, EURO_REFERENCE, "milex_lcu", "current")
        usd = panel.series(source, EURO_REFERENCE, "milex_usd", "current")
        if eur is not None and usd is not None and eur.unit.startswith("EUR"):
            e, u = eur.at(year), usd.at(year)
            if e and u:
                return e / u, eur
    return None


def gdp_eur(panel: Panel, donor: str, year: int) -> tuple[float, str] | None:
    """The donor's GDP in ``year`` in EUR million and where it comes from (None if no source has it)."""
    return panel.memo(("gdp_eur", donor, year), lambda: _gdp_eur(panel, donor, year))


def _gdp_eur(panel: Panel, donor: str, year: int) -> tuple[float, str] | None:
    rate = euro_per_usd(panel, year)
    if rate is None:
        return None
    for source in GDP_SOURCES:
        usd = _gdp_usd(panel, source, donor, year)
        if usd is not None:
            return usd[0] * rate[0], f"{usd[1]} GDP, {year}, in euro at {rate[1]}'s rate"
    return None


def _gdp_usd(panel: Panel, source: str, donor: str, year: int) -> tuple[float, str] | None:
    if source == "sipri":  # SIPRI publishes no GDP: spending ÷ share is the GDP it divided by
        spend = panel.series(source, donor, "milex_usd", "current")
        share = panel.series(source, donor, "milex_share_gdp")
        s, p = (spend.at(year), share.at(year)) if spend is not None and share is not None else (None, None)
        return (s / (p / 100.0), f"{spend.label} (spending ÷ share)") if s and p and spend is not None else None
    series = panel.series(source, donor, "gdp_usd", "current")
    value = series.at(year) if series is not None else None
    return (value, series.label) if value and series is not None else None


def share_of_gdp(aid: AidData, panel: Panel, donor: str, year: int, indicator: str = "total") -> Share | None:
    """The donor's aid in ``year`` as a share of its GDP of the same year from the snapshot.

    A year the snapshot has no GDP for (the latest editions end in 2024) is divided by the
    latest earlier year's GDP, and the share says so (``stand_in``).
    """
    aid_eur = donor_total(aid, indicator, donor, year)
    for gdp_year in range(year, year - 4, -1):
        gdp = gdp_eur(panel, donor, gdp_year)
        if gdp is not None and gdp[0] > 0:
            return Share(aid_eur / gdp[0] * 100.0, gdp[0], gdp_year, gdp[1], stand_in=gdp_year != year)
    return None


def share_of_defence(aid: AidData, panel: Panel, donor: str, year: int) -> Share | None:
    """The donor's military aid in ``year`` as a share of its own defence spending that year
    (NATO, else SIPRI; current US$ in euro at the year's rate). None past the latest figures."""
    rate = euro_per_usd(panel, year)
    if rate is None:
        return None
    for source in ("nato", "sipri"):
        spend = panel.series(source, donor, "milex_usd", "current")
        value = spend.at(year) if spend is not None else None
        if value and spend is not None:
            eur = value * rate[0]
            return Share(donor_total(aid, "military", donor, year) / eur * 100.0, eur, year,
                         f"{spend.label} defence spending, {year}")
    return None


def ranking(aid: AidData, indicator: str, year: int | None, donors: Sequence[str] | None = None) -> list[tuple[str, float]]:
    """Donors by ``indicator`` over the release (or in ``year``), largest first (EUR million)."""
    pool = aid.donors if donors is None else donors
    totals = [(d, donor_total(aid, indicator, d, year)) for d in pool]
    return sorted(((d, v) for d, v in totals if v > 0), key=lambda dv: (-dv[1], dv[0]))
