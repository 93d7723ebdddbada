"""Charts: the layer that puts a view's data and a figure function together, by name.

It sits above both ``dashboard.views`` (what each chart shows: data and words) and
``dashboard.figures`` (how it is drawn): it imports both, and neither imports it
(tests/test_contracts.py). The app, the export and the data routes read charts from here.

    registry.py   the chart registry: every chart by name, its parameters, its builder;
                  resolve, label, CSV text, the print-styled figure, ``export --list``
    params.py     chart parameters: key=value text in, typed values out (one-line errors)
    builders.py   how each registry chart is built: frame, figure, title, subtitle, source line
    built.py      ``Built``: one chart, ready to style and render
    compare.py    the Compare page's chart of a view, memoised
    scenarios.py  a scenario's chart, memoised
    ukraine.py    the Ukraine page's charts and the donor chart, memoised; their builders
    memo.py       one memo object per ``ViewData`` (the drawn charts cannot hang on it)
    warm.py       the pages' opening charts drawn before the first reader asks
"""

from __future__ import annotations

from dashboard.charts.built import Built
from dashboard.charts.compare import CompareChart
from dashboard.charts.compare import drawn as compare_charts
from dashboard.charts.params import Param, parse_pairs, text
from dashboard.charts.registry import (
    CHARTS,
    Chart,
    Resolved,
    chart_csv,
    csv_text,
    get,
    label,
    listing,
    params_from_query,
    publication_figure,
    resolve,
)
from dashboard.charts.scenarios import ScenarioChart
from dashboard.charts.scenarios import drawn as scenario_charts
from dashboard.charts.ukraine import Chart as UkraineChart
from dashboard.charts.ukraine import drawn as ukraine_charts
from dashboard.charts.warm import warm

__all__ = [
    "CHARTS", "Built", "Chart", "CompareChart", "Param", "Resolved", "ScenarioChart", "UkraineChart",
    "chart_csv", "compare_charts", "csv_text", "get", "label", "listing", "params_from_query", "parse_pairs",
    "publication_figure", "resolve", "scenario_charts", "text", "ukraine_charts", "warm",
]
