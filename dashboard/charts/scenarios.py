"""The Scenarios page's chart, drawn from its view (``views.scenarios``), memoised per process."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from dashboard.charts.memo import per_data
from dashboard.figures import scenarios as fig
from dashboard.views.scenarios import HIGH_GROWTH_WARNING

if TYPE_CHECKING:
    from dashboard.views.data import ViewData


@dataclass(frozen=True)
class ScenarioChart:
    """One scenario, drawn: figure, text summary, source line."""

    figure: dict[str, Any]
    summary: str
    source: str


class ScenarioCharts:
    """Scenario charts, memoised per process (the results they draw are memoised by the view)."""

    def __init__(self, data: ViewData) -> None:
        self._data = data
        self.chart = lru_cache(maxsize=256)(self._chart)

    def _chart(self, group: str, target: float, year: int, growth: float | None) -> ScenarioChart:
        """The extra spending per year and member, its summary and source line."""
        result = self._data.scenarios.result(group, target, year, growth)
        records, totals, names = result.records, result.totals_rows, result.names
        return ScenarioChart(fig.extra_figure(records, totals, names, result.group, target, year),
                             fig.summary(records, totals, names, result.group, target, year,
                                         HIGH_GROWTH_WARNING / 100.0),
                             fig.source_text(records))


drawn = per_data(ScenarioCharts)
