"""Chart export: the dashboard's figures as publication-ready PNG, SVG, PDF, HTML and CSV.

The same figure functions as the app (``dashboard.figures``), styled for print in one
place (``style``), rendered by one warm Chromium per batch (``render``):

    charts.py   the registry: every chart by name, its parameters and defaults
    builders.py how each chart is built: frame, figure function, title, subtitle, source line
    params.py   parameter parsing and validation (one-line errors, never a traceback)
    frames.py   the frames behind the charts, looked up in ``ViewData``
    style.py    publication styling: size, fonts, title, subtitle, footer
    render.py   kaleido with one warm browser and a timeout around every image
    output.py   one chart to one file (written atomically)
    pack.py     the standard chart pack and its manifest
    cli.py      what ``defence-dashboard export`` does with its options
"""

from __future__ import annotations

from dashboard.errors import DashboardError

FORMATS: tuple[str, ...] = ("png", "svg", "pdf", "html", "csv")
IMAGE_FORMATS: tuple[str, ...] = ("png", "svg", "pdf")


class ExportError(DashboardError):
    """An export cannot be done (bad chart or parameter, no browser, write failed): one line."""
