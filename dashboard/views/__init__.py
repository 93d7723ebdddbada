"""What each chart and table shows: the one layer between the model and every output.

The app's pages, the export and the data endpoints all read these views; the app and
the export never import each other. Views are computed from the snapshot and the model
(``data.ViewData``, built once per process), typed, and free of plotting: they import no
figure or chart module (tests/test_contracts.py). Figure functions (``dashboard.figures``)
draw from view types; the chart layer (``dashboard.charts``) puts the two together.

    data.py       ViewData: the snapshot, the registries and the frames computed once
    labels.py     words every layer says alike: statuses, editions, the source line
    series.py     typed series and progress rows the figures take (no NaN for "none")
    frames.py     look-ups: a year's shares, rankings, allies counts, spending, scenarios…
    specs.py      one View spec per page: defaults, bounds from the data, URL parse/serialise
    url.py        URL parameters read safely (a bad value falls back to the default)
    overview.py, compare.py, countries.py, pledges.py, scenarios.py, sources.py, ukraine.py
                  each page's data, memoised per process
    ages.py       how old each edition behind a page is
    observations.py  tidy rows by filter, for `defence-dashboard data` and /data/…
    dataset.py    the whole snapshot as CSV/parquet archives with their datapackage.json
    tabular.py    rows to CSV without a frame
"""

from __future__ import annotations

from dashboard.errors import DashboardError


class ViewError(DashboardError):
    """A view cannot be made (unknown chart, bad parameter): one line for the user."""
