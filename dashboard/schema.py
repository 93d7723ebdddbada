"""The tidy observation table: the one contract between loaders and everything else.

Every loader returns a frame with exactly ``COLUMNS`` (use :func:`tidy`), one row per
``KEY``. Indicators come from the closed vocabulary ``INDICATORS``; a loader that
emits anything else fails validation, so a new indicator is added here first, with
its unit and meaning, and documented once for every consumer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

COLUMNS: tuple[str, ...] = (
    "source",      # sipri, nato, worldbank, imf, eurostat, kiel, national
    "edition",     # publisher's release: "2025-04", "2024-06", World Bank "2026-02-24", Kiel "2026-08-04 R29";
                   # national: the budget registry entry's id ("pol-2026-adopted"), each figure its own document
    "iso3",        # ISO 3166-1 alpha-3, or a documented code from dashboard.countries
    "country",     # the name as the publisher printed it (footnote marks removed)
    "year",        # int; for fiscal-year series the year the financial year starts
    "month",       # 1–12 for a monthly series (Kiel); empty (<NA>) for an annual one
    "indicator",   # one of INDICATORS
    "value",       # float, in `unit`
    "unit",        # e.g. "percent of GDP", "GBP million", "US$ million"
    "price_base",  # "current" or "constant YYYY"
    "estimate",    # bool: the publisher marks the figure as an estimate
    "flags",       # footnote symbols / status codes as published, "" if none
    "retrieved",   # ISO date the raw file was obtained
)

KEY: tuple[str, ...] = ("source", "edition", "iso3", "year", "month", "indicator", "price_base")

# Every source: its name (the ``source`` column, the loader's module name) → display label.
# The one table of source names: loaders, validation, figures and notes all read it.
PUBLISHER_LABELS: dict[str, str] = {
    "sipri": "SIPRI", "nato": "NATO", "worldbank": "World Bank", "imf": "IMF", "eurostat": "Eurostat",
    "kiel": "Kiel Institute", "national": "Government budgets",
}
# Figures the project derives (never in the snapshot, never mixed into a publisher's series).
DERIVED_LABELS: dict[str, str] = {"nowcast": "Nowcast"}
SOURCE_LABELS: dict[str, str] = {**PUBLISHER_LABELS, **DERIVED_LABELS}
SOURCE_NAMES: tuple[str, ...] = tuple(PUBLISHER_LABELS)  # the snapshot's sources: one loader each

# Indicators that are percentages and so must lie in [0, 100] (validation).
SHARE_INDICATORS: frozenset[str] = frozenset(
    {
        "milex_share_gdp",
        "milex_share_govt",
        "equipment_share",
        "personnel_share",
        "infrastructure_share",
        "other_share",
        "ukraine_aid_share_gdp2021",
        "ukraine_aid_eu_attributed_share_gdp2021",
        "ukraine_aid_with_eu_share_gdp2021",
        # not defence_investment_share_gdp: gross fixed capital formation is net of
        # disposals and is negative when a state sells more than it buys (Eurostat
        # prints -0.1 % for Slovakia 2022).
    }
)


# In a unit, the place of a currency code: "<CUR> million" is "GBP million" for the UK's
# figures. Filled in by ``dashboard.currencies.unit_for`` (one place for every source).
CURRENCY_PLACEHOLDER = "<CUR>"


@dataclass(frozen=True)
class Indicator:
    """One entry of the closed indicator vocabulary."""

    name: str
    unit: str  # the unit every source uses; "<CUR> million" means the ISO 4217 code
    description: str


_INDICATOR_LIST: tuple[Indicator, ...] = (
    Indicator("milex_share_gdp", "percent of GDP", "Military/defence expenditure as a share of GDP"),
    Indicator("milex_share_govt", "percent of government expenditure",
              "Military expenditure as a share of general government expenditure"),
    Indicator("milex_lcu", "<CUR> million", "Military expenditure in national currency, millions"),
    Indicator("milex_lcu_fy", "<CUR> million",
              "Military expenditure in national currency for the financial year starting in `year`"),
    Indicator("milex_usd", "US$ million", "Military expenditure in US dollars, millions (current or constant)"),
    Indicator("milex_eur", "EUR million", "Defence expenditure in euro, millions"),
    Indicator("milex_per_capita_usd", "US$", "Military expenditure per head of population"),
    Indicator("milex_real_change", "percent", "Annual real change in military expenditure"),
    Indicator("gdp_lcu", "<CUR> million", "Gross domestic product in national currency, millions"),
    Indicator("gdp_usd", "US$ million", "Gross domestic product in US dollars, millions"),
    Indicator("gdp_per_capita_usd", "US$ thousand", "GDP per head of population, thousands of US$"),
    Indicator("gdp_real_change", "percent", "Annual real GDP growth"),
    Indicator("gdp_deflator", "index", "GDP deflator index (publisher's base year)"),
    Indicator("population", "million", "Population, millions"),
    Indicator("equipment_share", "percent of defence expenditure",
              "Major equipment including related R&D (NATO)"),
    Indicator("personnel_share", "percent of defence expenditure",
              "Military and civilian personnel including pensions (NATO)"),
    Indicator("infrastructure_share", "percent of defence expenditure",
              "NATO common infrastructure and national military construction (NATO)"),
    Indicator("other_share", "percent of defence expenditure",
              "Operations, maintenance, other R&D and unallocated (NATO)"),
    Indicator("military_personnel", "thousand", "Military personnel, thousands"),
    Indicator("defence_investment_share_gdp", "percent of GDP",
              "Government gross fixed capital formation on defence (COFOG 02), share of GDP"),
    Indicator("defence_investment_eur", "EUR million",
              "Government gross fixed capital formation on defence (COFOG 02), euro millions"),
    Indicator("defence_investment_lcu", "<CUR> million",
              "Government gross fixed capital formation on defence (COFOG 02), national currency millions"),
    Indicator("gdp_eur", "EUR million", "Gross domestic product in euro, millions (Kiel: each donor's 2021 GDP)"),
    # Support to Ukraine (Kiel Ukraine Support Tracker): monthly, by donor, EUR million
    Indicator("ukraine_aid_total", "EUR million",
              "Aid to Ukraine allocated in the month: military + financial + humanitarian (Kiel)"),
    Indicator("ukraine_aid_military", "EUR million", "Military aid to Ukraine allocated in the month (Kiel)"),
    Indicator("ukraine_aid_financial", "EUR million", "Financial aid to Ukraine allocated in the month (Kiel)"),
    Indicator("ukraine_aid_humanitarian", "EUR million", "Humanitarian aid to Ukraine allocated in the month (Kiel)"),
    Indicator("ukraine_aid_commitments", "EUR million", "Aid to Ukraine committed (announced) in the month (Kiel)"),
    Indicator("ukraine_aid_to_allocate", "EUR million",
              "Committed aid not yet allocated, change in the month; negative: a correction (Kiel)"),
    # military aid of all donors together by how it was sourced, monthly (iso3 UST_ALL)
    Indicator("ukraine_aid_military_stockpile", "EUR million",
              "Military aid from the donors' own stocks, allocated in the month, all donors (Kiel)"),
    Indicator("ukraine_aid_military_procurement", "EUR million",
              "Military aid procured from industry, allocated in the month, all donors (Kiel)"),
    Indicator("ukraine_aid_military_unspecified", "EUR million",
              "Military aid of unstated sourcing, allocated in the month, all donors (Kiel)"),
    Indicator("ukraine_aid_military_purl", "EUR million",
              "US weapons bought for Ukraine by Europeans through NATO's PURL, allocated in the month (Kiel)"),
    # heavy weapons delivered or committed, cumulative to the release period, by donor and category
    *(Indicator(f"ukraine_weapons_{cat}_count", "items", f"{label} for Ukraine, number, cumulative (Kiel)")
      for cat, label in (("tanks", "Tanks"), ("ifv", "Infantry fighting vehicles"), ("howitzers", "Howitzers"),
                         ("mlrs", "Multiple rocket launchers"), ("air_defense", "Air-defence systems"))),
    *(Indicator(f"ukraine_weapons_{cat}_value", "EUR million", f"{label} for Ukraine, value, cumulative (Kiel)")
      for cat, label in (("tanks", "Tanks"), ("ifv", "Infantry fighting vehicles"), ("howitzers", "Howitzers"),
                         ("mlrs", "Multiple rocket launchers"), ("air_defense", "Air-defence systems"))),
    # EU-level aid attributed to member states by their share of the EU budget, cumulative to the release
    Indicator("ukraine_aid_eu_attributed", "EUR million",
              "The member's share of EU-level aid to Ukraine, cumulative (Kiel)"),
    Indicator("ukraine_aid_share_gdp2021", "percent of 2021 GDP",
              "Bilateral aid to Ukraine, cumulative, as a share of the donor's 2021 GDP (Kiel's basis)"),
    Indicator("ukraine_aid_eu_attributed_share_gdp2021", "percent of 2021 GDP",
              "The member's share of EU-level aid, cumulative, as a share of its 2021 GDP (Kiel)"),
    Indicator("ukraine_aid_with_eu_share_gdp2021", "percent of 2021 GDP",
              "Bilateral aid plus the attributed EU-level share, cumulative, % of 2021 GDP (Kiel)"),
)

INDICATORS: Mapping[str, Indicator] = {i.name: i for i in _INDICATOR_LIST}

# Indicators whose unit names a currency ("GBP million"): one unit per (indicator, iso3).
CURRENCY_INDICATORS: frozenset[str] = frozenset(
    i.name for i in _INDICATOR_LIST if i.unit.startswith(CURRENCY_PLACEHOLDER)
)

_DTYPES: dict[str, str] = {
    "source": "str",
    "edition": "str",
    "iso3": "str",
    "country": "str",
    "year": "int64",
    "month": "Int64",   # nullable: annual series have none
    "indicator": "str",
    "value": "float64",
    "unit": "str",
    "price_base": "str",
    "estimate": "bool",
    "flags": "str",
    "retrieved": "str",
}

# Each column's Table Schema type in datapackage.json: what its cells hold in the parquet and CSV files,
# read off the dtypes above so a column that changes dtype changes its declared type too (``month``
# became Int64 with the monthly series while the package still said "string": frictionless rejected it).
_TABLE_SCHEMA_TYPES: dict[str, str] = {"str": "string", "int64": "integer", "Int64": "integer",
                                       "float64": "number", "bool": "boolean"}
# Columns whose text has a stricter Table Schema type: ``retrieved`` is an ISO date (YYYY-MM-DD).
_TEXT_TYPES: dict[str, str] = {"retrieved": "date"}
FIELD_TYPES: dict[str, str] = {c: _TEXT_TYPES.get(c, _TABLE_SCHEMA_TYPES[_DTYPES[c]]) for c in COLUMNS}


def tidy(rows: Iterable[Mapping[str, object]] | pd.DataFrame) -> pd.DataFrame:
    """Return ``rows`` as a tidy frame: exactly ``COLUMNS``, canonical dtypes."""
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame.from_records(list(rows))
    if frame.empty:
        return empty()
    if "month" not in frame.columns:  # annual rows (every source but Kiel) and older snapshots
        frame = frame.assign(month=pd.Series(pd.NA, index=frame.index, dtype="Int64"))
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"tidy rows lack columns {missing}")
    frame = frame.loc[:, list(COLUMNS)]
    frame["flags"] = frame["flags"].fillna("")
    return frame.astype(_DTYPES)


def empty() -> pd.DataFrame:
    """An empty tidy frame with the canonical columns and dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _DTYPES.items()})
