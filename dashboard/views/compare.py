"""The Compare page's view: one indicator for several countries from one source.

The indicators it offers (``INDICATORS``), each country's line (``CountrySeries``, typed,
memoised per country), an index to a base year, and the notes on what is missing and why,
memoised per process (``ViewData.compare``); the chart of a view is drawn from them a layer
up (``charts.compare``): a new mix of countries costs only its drawing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

import pandas as pd

from dashboard import model
from dashboard.schema import SOURCE_LABELS
from dashboard.views.series import CountrySeries
from dashboard.views.tabular import records_csv

if TYPE_CHECKING:
    from dashboard.views.data import ViewData
    from dashboard.views.specs import CompareView

COLUMNS = ["iso3", "country", "source", "edition", "unit", "price_base", "year", "value", "estimate"]


@dataclass(frozen=True)
class Indicator:
    """How one indicator is looked up and shown."""

    label: str                 # in the control and the title
    noun: str                  # "per-capita figures", in empty states
    axis: str                  # y-axis title for absolute values
    sources: tuple[str, ...]   # publishers that have it (checked against the snapshot by the tests)
    price: str | None = None   # "current", "constant" or None (the one base published)
    scale: float = 1.0         # value × scale is drawn (millions → billions: 0.001)
    number: str = ",.2f"       # d3 format of the hover value
    suffix: str = ""           # after the hover value ("%", "bn")
    per_country_unit: bool = False  # each country in its own currency: not comparable unindexed
    indexable: bool = True     # a rate of change is not indexed


INDICATORS: dict[str, Indicator] = {
    "milex_share_gdp": Indicator("Share of GDP", "share-of-GDP figures", "% of GDP", ("nato", "sipri", "worldbank"),
                                 suffix="%"),
    "milex_per_capita_usd": Indicator("Per capita (US$)", "per-capita figures", "US$ per person", ("nato", "sipri"),
                                      number=",.0f"),
    "milex_usd": Indicator("Constant US$", "constant-US$ figures", "US$ billion, constant prices", ("nato", "sipri"),
                           price="constant", scale=0.001, number=",.1f", suffix="bn"),
    "milex_lcu": Indicator("National currency", "national-currency figures", "billion, each country's own currency", ("nato", "sipri"),
                           price="current", scale=0.001, number=",.1f", suffix="bn", per_country_unit=True),
    "milex_real_change": Indicator("Real change (% a year)", "real-change figures", "% change on the year before, real terms",
                                   ("nato",), number=",.1f", suffix="%", indexable=False),
}


Lines = tuple[CountrySeries, ...]


def indexed(lines: Lines, base: int) -> tuple[Lines, list[str]]:
    """Values as an index (= 100 in ``base``) per country; codes without a positive base value dropped."""
    out, missing = [], []
    for line in lines:
        i = line.index_of(base)
        if i is None or not line.values[i] > 0:
            missing.append(line.iso3)
            continue
        at_base = line.values[i]
        out.append(replace(line, values=tuple(v / at_base * 100.0 for v in line.values)))
    return tuple(out), missing


def latest_common_year(lines: Lines) -> int | None:
    """The latest year every line has a value for (None if there is none)."""
    if not lines:
        return None
    common = set.intersection(*(set(line.years) for line in lines))
    return max(common) if common else None


def lines_csv(lines: Lines, base: int | None) -> str:
    """The view's rows as CSV (``COLUMNS``; with a base year the value column says so)."""
    column = f"index_{base}_eq_100" if base else "value"
    return records_csv([column if c == "value" else c for c in COLUMNS],
                       [r for line in lines for r in line.records(column)])


def lines_frame(lines: Lines, base: int | None = None) -> pd.DataFrame:
    """The view's rows as a frame (``COLUMNS``; with a base year the value column says so)."""
    column = f"index_{base}_eq_100" if base else "value"
    return pd.DataFrame([r for line in lines for r in line.records(column)],
                        columns=[column if c == "value" else c for c in COLUMNS])


class CompareViews:
    """The Compare page's look-ups, memoised per process."""

    def __init__(self, data: ViewData) -> None:
        self._data = data
        self.series = lru_cache(maxsize=4096)(self._series)
        self.first_year = lru_cache(maxsize=64)(self._first_year)

    def _series(self, code: str, indicator: str, source: str) -> CountrySeries | None:
        """One country's line (memoised per country: a new mix of countries costs nothing new)."""
        found = _series(self._data.panel, source, code, indicator, INDICATORS[indicator].price)
        if found is None or not len(found):
            return None
        return CountrySeries(code, self._data.name(code), source, found.edition, found.unit, found.price_base,
                             tuple(int(y) for y in found.years.tolist()), tuple(found.values.tolist()),
                             tuple(bool(e) for e in found.estimate.tolist()))

    def lines(self, codes: tuple[str, ...], indicator: str, source: str) -> Lines:
        """The countries' lines, in the order asked for (those without figures left out)."""
        found = (self.series(code, indicator, source) for code in codes)
        return tuple(line for line in found if line is not None)

    def frame(self, codes: tuple[str, ...], indicator: str, source: str) -> pd.DataFrame:
        """Tidy rows (``COLUMNS``) of one indicator from one source, latest edition per country."""
        return lines_frame(self.lines(codes, indicator, source))

    def _first_year(self, source: str, indicator: str) -> int | None:
        """The first year ``source`` publishes ``indicator`` for any country (any edition)."""
        table = self._data.table
        years = table.loc[(table["source"] == source) & (table["indicator"] == indicator), "year"]
        return int(years.min()) if len(years) else None

    def view_lines(self, view: CompareView) -> tuple[Lines, list[str], int | None]:
        """(lines to draw, notes on what is missing and why, base year actually used)."""
        data = self._data
        spec = INDICATORS[view.indicator]
        lines = self.lines(view.codes, view.indicator, view.source)
        present = {line.iso3 for line in lines}
        notes = [self.missing(c, view.source, spec) for c in view.codes if c not in present]
        base = view.base if spec.indexable else None
        if view.base and not spec.indexable:
            notes.append(f"{spec.label} is already a rate of change: shown as published, not indexed.")
        if base:
            first = self.first_year(view.source, view.indicator)
            if first is not None and base < first:
                notes.append(f"{SOURCE_LABELS[view.source]} has no {spec.noun} before {first}.")
            lines, missing = indexed(lines, base)
            notes += [f"{data.name(c)} has no figure for {base}: left out of the index." for c in missing]
        elif spec.per_country_unit and lines:
            notes.append("Each country is in its own currency: set a base year to compare trends.")
        return lines, notes, base

    def missing(self, code: str, source: str, spec: Indicator) -> str:
        """Why a country has no line: "No NATO data for Austria: not a member."."""
        name, label = self._data.name(code), SOURCE_LABELS[source]
        nato = self._data.groups.get("NATO")
        if source == "nato" and nato is not None and code not in nato.members:
            return f"No NATO data for {name}: not a member."
        return f"No {label} {spec.noun} for {name}."


def _series(panel: model.Panel, source: str, iso3: str, indicator: str, price: str | None) -> model.Series | None:
    """The latest edition's series in the wanted price basis ("constant": whichever base year)."""
    if price != "constant":
        return panel.series(source, iso3, indicator, price)
    for edition in reversed(panel.editions.get(source, [])):
        for base in panel.price_bases(source, edition, iso3, indicator):
            if base.startswith("constant"):
                return panel.series(source, iso3, indicator, base, edition)
    return None
