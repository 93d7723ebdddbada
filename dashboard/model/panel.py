"""Fast look-ups of one series (source, edition, country, indicator, price base).

The model asks thousands of small questions of the table ("NATO's UK share of GDP,
latest edition"); filtering 150,000 rows for each would cost milliseconds apiece, so the
table is indexed once and every answer is a slice of NumPy arrays.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar, cast

import numpy as np
import pandas as pd

from dashboard.schema import SOURCE_LABELS

GROUP_KEY = ["source", "edition", "iso3", "indicator", "price_base"]
SeriesKey = tuple[str, str, str, str, str]  # the values of GROUP_KEY
T = TypeVar("T")


@dataclass(frozen=True)
class Series:
    """One published series, years ascending, with its provenance."""

    source: str
    edition: str
    iso3: str
    indicator: str
    price_base: str
    unit: str
    years: np.ndarray      # int
    values: np.ndarray     # float
    estimate: np.ndarray   # bool
    flags: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.years)

    def at(self, year: int) -> float | None:
        """Value in ``year`` or None."""
        idx = np.searchsorted(self.years, year)
        if idx < len(self.years) and self.years[idx] == year:
            return float(self.values[idx])
        return None

    def until(self, year: int) -> Series:
        """The part of the series up to and including ``year``."""
        n = int(np.searchsorted(self.years, year, side="right"))
        return Series(self.source, self.edition, self.iso3, self.indicator, self.price_base,
                      self.unit, self.years[:n], self.values[:n], self.estimate[:n], self.flags[:n])

    @property
    def label(self) -> str:
        """``NATO 2024-06`` — how a figure's provenance is shown."""
        return f"{SOURCE_LABELS.get(self.source, self.source)} {self.edition}"


class Panel:
    """The tidy table indexed by series; build once per snapshot, share everywhere."""

    def __init__(self, table: pd.DataFrame) -> None:
        self._table = table
        # Series are annual: monthly rows (Kiel's aid to Ukraine) would give a year twelve
        # values; the model reads them through ``dashboard.model.ukraine`` instead.
        annual = table if "month" not in table or not table["month"].notna().any() \
            else table[table["month"].isna()].reset_index(drop=True)
        # GROUP_KEY's (all text) values → row positions: what ``indices`` is for several keys
        self._index = cast(dict[SeriesKey, np.ndarray], annual.groupby(GROUP_KEY, sort=False).indices)
        self._years = annual["year"].to_numpy()
        self._values = annual["value"].to_numpy(dtype=float)
        self._estimate = annual["estimate"].to_numpy(dtype=bool)
        self._unit = annual["unit"].to_numpy(dtype=object)
        self._flags = annual["flags"].to_numpy(dtype=object)
        self._memo: dict[Hashable, object] = {}

    def keys(self) -> Iterable[SeriesKey]:
        """Every series' (source, edition, iso3, indicator, price base)."""
        return self._index.keys()

    @property
    def table(self) -> pd.DataFrame:
        """The underlying tidy table."""
        return self._table

    def memo(self, key: Hashable, build: Callable[[], T]) -> T:
        """A value derived from this panel's series (a deflator's growth, an exchange rate, a
        country's GDP path), computed once: ``key`` names what it depends on."""
        if key not in self._memo:
            self._memo[key] = build()
        return cast(T, self._memo[key])

    @cached_property
    def editions(self) -> dict[str, list[str]]:
        """source → editions, oldest first."""
        pairs = self._table[["source", "edition"]].drop_duplicates()
        return {str(s): sorted(g["edition"]) for s, g in pairs.groupby("source")}

    @cached_property
    def _price_bases(self) -> dict[tuple[str, str, str, str], list[str]]:
        """(source, edition, iso3, indicator) → price bases present (current first)."""
        out: dict[tuple[str, str, str, str], list[str]] = {}
        for source, edition, iso3, indicator, price_base in self._index:
            out.setdefault((source, edition, iso3, indicator), []).append(price_base)
        for bases in out.values():
            bases.sort(key=lambda b: (b != "current", b))
        return out

    def price_bases(self, source: str, edition: str, iso3: str, indicator: str) -> list[str]:
        """Price bases published for a series ("current" first)."""
        return list(self._price_bases.get((source, edition, iso3, indicator), []))

    def series(self, source: str, iso3: str, indicator: str, price_base: str | None = None,
               edition: str | None = None) -> Series | None:
        """The series, from the latest edition of ``source`` that has it (or ``edition``).

        ``price_base`` None takes "current" if published, else the one constant base.
        """
        editions = [edition] if edition else list(reversed(self.editions.get(source, [])))
        for ed in editions:
            bases = [price_base] if price_base else self._price_bases.get((source, ed, iso3, indicator), [])
            for base in bases:
                rows = self._index.get((source, ed, iso3, indicator, base))
                if rows is not None and len(rows):
                    order = rows[np.argsort(self._years[rows], kind="stable")]
                    return Series(source, ed, iso3, indicator, base, str(self._unit[order[0]]),
                                  self._years[order], self._values[order], self._estimate[order],
                                  tuple(self._flags[order]))
        return None

    def first(self, sources: tuple[str, ...], iso3: str, indicator: str,
              price_base: str | None = None) -> Series | None:
        """The series from the first of ``sources`` (in order) that has one."""
        for source in sources:
            found = self.series(source, iso3, indicator, price_base)
            if found is not None and len(found):
                return found
        return None

    def countries(self, source: str, indicator: str) -> list[str]:
        """Codes with a series of ``indicator`` in any edition of ``source``."""
        return sorted({k[2] for k in self._index if k[0] == source and k[3] == indicator})
