"""What each chart and table shows: the one layer between the model and every output.

The app's pages, the export and the data endpoints all read these views; the app and
the export never import each other. Views are computed from the snapshot and the model
(``data.ViewData``, built once per process), typed, and free of plotting: figure
functions (``dashboard.figures``) turn them into plotly figures.

    data.py       ViewData: the snapshot, the registries and the frames computed once
    series.py     typed series and progress rows the figures take (no NaN for "none")
    frames.py     look-ups: a year's shares, rankings, allies counts, spending, scenarios…
    specs.py      one View spec per page: defaults, bounds from the data, URL parse/serialise
    params.py     chart parameters: key=value text in, typed values out (one-line errors)
    builders.py   how each chart is built: frame, figure, title, subtitle, source line
    charts.py     the chart registry: every chart by name, its parameters, its builder
    observations.py  tidy rows by filter, for `defence-dashboard data` and /data/…
"""

from __future__ import annotations

from dashboard.errors import DashboardError


class ViewError(DashboardError):
    """A view cannot be made (unknown chart, bad parameter): one line for the user."""
