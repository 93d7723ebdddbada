"""The Compare page's chart, drawn from its view (``views.compare``), memoised per process.

A repeated view costs nothing; a new mix of countries costs only its drawing (each
country's line is memoised by the view).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from dashboard.charts.memo import per_data
from dashboard.figures import compare as fig
from dashboard.schema import SOURCE_LABELS
from dashboard.views.compare import INDICATORS, latest_common_year

if TYPE_CHECKING:
    from dashboard.views.data import ViewData
    from dashboard.views.specs import CompareView


@dataclass(frozen=True)
class CompareChart:
    """One view, drawn: figure, text summary, source line, title."""

    figure: dict[str, Any]
    summary: str
    source: str
    title: str


class CompareCharts:
    """The Compare page's charts, memoised per process."""

    def __init__(self, data: ViewData) -> None:
        self._data = data
        self.chart = lru_cache(maxsize=512)(self._chart)

    def _chart(self, view: CompareView, too_many: bool = False, max_countries: int = 12,
               events: bool = True) -> CompareChart:
        """Figure, summary, source line and title of a view; ``events``: mark the dated events
        (data/events.yaml) on the lines (the page's "Show events")."""
        spec = INDICATORS[view.indicator]
        lines, notes, base_used = self._data.compare.view_lines(view)
        marked = self._data.timeline_events(*view.codes) if events and view.chart != "bars" else ()
        if too_many:
            notes = [*notes, f"Showing the first {max_countries} countries chosen."]
        empty = (" ".join(notes) or "No figures for the selected countries") if view.codes else "Choose one or more countries"
        if view.chart == "bars":
            year = latest_common_year(lines)
            figure = fig.bars_figure(lines, spec, base_used, year, empty)
        else:
            year = None
            figure = fig.lines_figure(lines, spec, base_used, empty, marked)
        title = f"{spec.label}, {SOURCE_LABELS[view.source]}" + (f", index {base_used} = 100" if base_used else "")
        return CompareChart(figure, fig.summary(lines, spec, base_used, view.chart, year, notes, marked),
                            fig.source_text(lines, spec, view.chart, marked), title)


drawn = per_data(CompareCharts)
