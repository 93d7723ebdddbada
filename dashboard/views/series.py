"""Typed series the figures take: one source's share of GDP (or another indicator) for one country.

Built from ``model.Series`` once per country (``ViewData.share_series``); a figure never
sees a frame row turned into a dict, nor NaN standing in for "none".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, Protocol, Self, TypeVar


@dataclass(frozen=True)
class ShareSeries:
    """One source's share of GDP for one country, latest edition, by year (ascending)."""

    source: str
    edition: str
    price_base: str
    years: tuple[int, ...]
    values: tuple[float, ...]        # percent of GDP
    estimate: tuple[bool, ...]
    flags: tuple[str, ...]

    def cut(self, start: int) -> ShareSeries | None:
        """The years from ``start`` on, or None if none is left."""
        first = next((i for i, y in enumerate(self.years) if y >= start), None)
        if first is None:
            return None
        return replace(self, years=self.years[first:], values=self.values[first:],
                       estimate=self.estimate[first:], flags=self.flags[first:])

    @property
    def latest(self) -> tuple[int, float, bool]:
        """(year, value, estimate) of the last year."""
        return self.years[-1], self.values[-1], self.estimate[-1]

    def at(self, year: int) -> float | None:
        """The value in ``year``, or None."""
        return dict(zip(self.years, self.values)).get(year)


class Cuttable(Protocol):
    """A series that can drop its years before a start year."""

    def cut(self, start: int) -> Self | None: ...


S = TypeVar("S", bound=Cuttable)


def cut(series: Iterable[S], start: int) -> list[S]:
    """Every series from ``start`` on; sources left with no year dropped."""
    return [s for s in (one.cut(start) for one in series) if s is not None]


@dataclass(frozen=True)
class CountrySeries:
    """One country's line: one indicator from one source's edition, years ascending."""

    iso3: str
    country: str
    source: str
    edition: str
    unit: str
    price_base: str
    years: tuple[int, ...]
    values: tuple[float, ...]
    estimate: tuple[bool, ...]

    def index_of(self, year: int) -> int | None:
        """Position of ``year`` in the series (None if the series lacks it)."""
        try:
            return self.years.index(year)
        except ValueError:
            return None

    def cut(self, start: int) -> CountrySeries | None:
        """The years from ``start`` on, or None if none is left."""
        first = next((i for i, y in enumerate(self.years) if y >= start), None)
        if first is None:
            return None
        return replace(self, years=self.years[first:], values=self.values[first:], estimate=self.estimate[first:])

    def records(self, value_column: str = "value") -> list[dict[str, Any]]:
        """One dict per year, keyed by ``COLUMNS`` (``value`` named ``value_column``)."""
        fixed = {"iso3": self.iso3, "country": self.country, "source": self.source, "edition": self.edition,
                 "unit": self.unit, "price_base": self.price_base}
        return [{**fixed, "year": y, value_column: v, "estimate": e}
                for y, v, e in zip(self.years, self.values, self.estimate)]
