"""The Compare page's view: one indicator for several countries from one source.

The indicators it offers (``INDICATORS``), the tidy rows behind a view, an index to a base
year, the notes on what is missing and why, and the chart, summary and source line of a
view, memoised per process (``ViewData.compare``): a repeated view costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pandas as pd

from dashboard import model
from dashboard.figures.common import SOURCE_LABELS

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


def indexed(frame: pd.DataFrame, base: int) -> tuple[pd.DataFrame, list[str]]:
    """Values as an index (= 100 in ``base``) per country; codes without a positive base value dropped."""
    if frame.empty:
        return frame, []
    at_base = frame[frame["year"] == base].set_index("iso3")["value"]
    at_base = at_base[at_base > 0]
    missing = [c for c in dict.fromkeys(frame["iso3"]) if c not in at_base.index]
    out = frame[frame["iso3"].isin(at_base.index)].copy()
    if len(out):
        out["value"] = out["value"] / out["iso3"].map(at_base).astype(float) * 100.0
    return out, missing


def latest_common_year(frame: pd.DataFrame) -> int | None:
    """The latest year every country in ``frame`` has a value for (None if there is none)."""
    if frame.empty:
        return None
    years = [set(g["year"]) for _, g in frame.groupby("iso3", sort=False)]
    common = set.intersection(*years)
    return int(max(common)) if common else None


@dataclass(frozen=True)
class CompareChart:
    """One view, drawn: figure, text summary, source line, title."""

    figure: dict[str, Any]
    summary: str
    source: str
    title: str


class CompareViews:
    """The Compare page's look-ups, memoised per process."""

    def __init__(self, data: ViewData) -> None:
        self._data = data
        self.frame = lru_cache(maxsize=512)(self._frame)
        self.first_year = lru_cache(maxsize=64)(self._first_year)
        self.chart = lru_cache(maxsize=512)(self._chart)

    def _frame(self, codes: tuple[str, ...], indicator: str, source: str) -> pd.DataFrame:
        """Tidy rows (``COLUMNS``) of one indicator from one source, latest edition per country."""
        price = INDICATORS[indicator].price
        rows = []
        for code in codes:
            series = _series(self._data.panel, source, code, indicator, price)
            if series is None:
                continue
            name = self._data.name(code)
            for y, v, e in zip(series.years, series.values, series.estimate):
                rows.append((code, name, source, series.edition, series.unit, series.price_base, int(y), float(v),
                             bool(e)))
        return pd.DataFrame(rows, columns=COLUMNS)

    def _first_year(self, source: str, indicator: str) -> int | None:
        """The first year ``source`` publishes ``indicator`` for any country (any edition)."""
        table = self._data.table
        years = table.loc[(table["source"] == source) & (table["indicator"] == indicator), "year"]
        return int(years.min()) if len(years) else None

    def view_frame(self, view: CompareView) -> tuple[pd.DataFrame, list[str], int | None]:
        """(rows to draw, notes on what is missing and why, base year actually used)."""
        data = self._data
        spec = INDICATORS[view.indicator]
        frame = self.frame(view.codes, view.indicator, view.source)
        present = set(frame["iso3"].unique())
        notes = [self.missing(c, view.source, spec) for c in view.codes if c not in present]
        base = view.base if spec.indexable else None
        if view.base and not spec.indexable:
            notes.append(f"{spec.label} is already a rate of change: shown as published, not indexed.")
        if base:
            first = self.first_year(view.source, view.indicator)
            if first is not None and base < first:
                notes.append(f"{SOURCE_LABELS[view.source]} has no {spec.noun} before {first}.")
            frame, missing = indexed(frame, base)
            notes += [f"{data.name(c)} has no figure for {base}: left out of the index." for c in missing]
        elif spec.per_country_unit and len(frame):
            notes.append("Each country is in its own currency: set a base year to compare trends.")
        return frame, notes, base

    def missing(self, code: str, source: str, spec: Indicator) -> str:
        """Why a country has no line: "No NATO data for Austria: not a member."."""
        name, label = self._data.name(code), SOURCE_LABELS[source]
        nato = self._data.groups.get("NATO")
        if source == "nato" and nato is not None and code not in nato.members:
            return f"No NATO data for {name}: not a member."
        return f"No {label} {spec.noun} for {name}."

    def _chart(self, view: CompareView, too_many: bool = False, max_countries: int = 12) -> CompareChart:
        """Figure, summary, source line and title of a view."""
        from dashboard.figures import compare as fig

        spec = INDICATORS[view.indicator]
        frame, notes, base_used = self.view_frame(view)
        if too_many:
            notes = [*notes, f"Showing the first {max_countries} countries chosen."]
        empty = (" ".join(notes) or "No figures for the selected countries") if view.codes else "Choose one or more countries"
        if view.chart == "bars":
            year = latest_common_year(frame)
            figure = fig.bars_figure(frame, spec, base_used, year, empty)
        else:
            year = None
            figure = fig.lines_figure(frame, spec, base_used, empty)
        title = f"{spec.label}, {SOURCE_LABELS[view.source]}" + (f", index {base_used} = 100" if base_used else "")
        return CompareChart(figure, fig.summary(frame, spec, base_used, view.chart, year, notes),
                            fig.source_text(frame, spec, view.chart), title)


def _series(panel: model.Panel, source: str, iso3: str, indicator: str, price: str | None) -> model.Series | None:
    """The latest edition's series in the wanted price basis ("constant": whichever base year)."""
    if price != "constant":
        return panel.series(source, iso3, indicator, price)
    for edition in reversed(panel.editions.get(source, [])):
        for base in panel.price_bases(source, edition, iso3, indicator):
            if base.startswith("constant"):
                return panel.series(source, iso3, indicator, base, edition)
    return None
