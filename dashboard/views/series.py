"""Typed series the figures take: one source's share of GDP for one country.

Built from ``model.Series`` once per country (``ViewData.share_series``); a figure never
sees a frame row turned into a dict, nor NaN standing in for "none".
"""

from __future__ import annotations

from dataclasses import dataclass, replace


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


def cut(series: list[ShareSeries], start: int) -> list[ShareSeries]:
    """Every series from ``start`` on; sources left with no year dropped."""
    return [s for s in (one.cut(start) for one in series) if s is not None]
