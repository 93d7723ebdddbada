"""Shared look of every chart: palette, layout, the source line's place, empty states.

Figures are plain plotly figure dicts (``{"data": [...], "layout": {...}}``): cheap to
build in a callback (no validation pass), and ``plotly.graph_objects.Figure(fig)`` turns
one into a Figure for static export. No Dash imports here. The words charts share (status
labels, source lines) are the views' (``dashboard.views.labels``).
"""

from __future__ import annotations

import textwrap
from typing import Any

from dashboard.figures.palette import PALETTE as PALETTE
from dashboard.figures.palette import country_colour as country_colour

# The palette, and the policy that keeps a country's colour stable and every chart's colours
# distinct, live in dashboard.figures.palette (PALETTE and country_colour re-exported above).
# Fixed colours for the publishers, so "NATO" looks the same everywhere.
SOURCE_COLOURS: dict[str, str] = {
    "nato": "#0072B2", "sipri": "#E69F00", "worldbank": "#009E73", "eurostat": "#CC79A7", "imf": "#56B4E9",
    "kiel": "#0072B2", "national": "#882255",
}
STATUS_COLOURS: dict[str, str] = {
    "met": "#009E73", "on_track": "#56B4E9", "off_track": "#D55E00", "no_data": "#999999",
}
FONT = "Inter, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
ESTIMATE_DASH = "dot"
PATH_DASH = "dash"


# Tick labels that overflow the chart are drawn (clipped at its edge), not hidden: plotly's
# default for numeric axes ("hide past div") measures every label's box again as each label
# is placed (a box per label per label, each a forced layout), a quarter of a line chart's
# drawing time in Chromium (27 → 21 ms for the share chart); our margins keep the labels in.
LABELS_OVERFLOW = {"ticklabeloverflow": "allow"}


def base_layout(title: str = "", yaxis_title: str = "", source: str = "", height: int = 420) -> dict:
    """Layout shared by every chart: fonts, margins, legend, hover, the source line."""
    layout: dict[str, Any] = {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}} if title else None,
        "font": {"family": FONT, "size": 13, "color": "#222"},
        "height": height,
        "margin": {"l": 56, "r": 16, "t": 48 if title else 16, "b": 72},
        "plot_bgcolor": "#fff",
        "paper_bgcolor": "#fff",
        "hovermode": "x unified",
        "legend": {"orientation": "h", "y": -0.18, "x": 0, "xanchor": "left"},
        "xaxis": {"showgrid": False, "linecolor": "#999", "ticks": "outside", **LABELS_OVERFLOW},
        "yaxis": {"title": {"text": yaxis_title}, "gridcolor": "#e5e5e5", "zeroline": False, **LABELS_OVERFLOW},
        "annotations": [],
    }
    if source:
        layout["annotations"].append(source_annotation(source))
    return {k: v for k, v in layout.items() if v is not None}


def source_annotation(text: str) -> dict:
    """The source line as an annotation below the plot (kept in PNG/SVG exports)."""
    return {"text": text, "xref": "paper", "yref": "paper", "x": 0, "y": -0.3, "xanchor": "left",
            "yanchor": "top", "showarrow": False, "font": {"size": 11, "color": "#555"}}


def empty_figure(message: str, height: int = 320) -> dict:
    """A figure that says why it is empty ("No NATO data for Austria: not a member")."""
    layout = base_layout(height=height)
    layout["xaxis"] = {"visible": False}
    layout["yaxis"] = {"visible": False}
    layout["annotations"] = [{"text": message, "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5,
                              "showarrow": False, "font": {"size": 15, "color": "#555"}}]
    return {"data": [], "layout": layout}


def reference_line(y: float, label: str, colour: str = "#666") -> tuple[dict, dict]:
    """A horizontal target line (shape) and its label (annotation); values from the registry."""
    shape = {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": y, "y1": y,
             "line": {"color": colour, "width": 1, "dash": "dash"}}
    note = {"text": label, "xref": "paper", "x": 1, "y": y, "xanchor": "right", "yanchor": "bottom",
            "showarrow": False, "font": {"size": 11, "color": colour}}
    return shape, note


def wrap_label(text: str, width: int, max_lines: int = 0) -> str:
    """``text`` broken at word boundaries into ``<br>``-joined lines of about ``width`` characters.

    Figures are built without knowing the screen's width: a label wrapped at a fixed count fits a
    390-px phone and reads as well on a desktop. ``max_lines`` cuts the rest with "…" (say it in
    the hover text).
    """
    lines = textwrap.wrap(text, width, break_long_words=False) or [text]
    if max_lines and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(" ,;:") + "…"
    return "<br>".join(lines)


def split_estimates(years: list[int], values: list[float], estimate: list[bool]) -> tuple[dict, dict]:
    """x/y for the actual part (solid) and the estimated tail (dotted), joined at the seam."""
    first_est = next((i for i, e in enumerate(estimate) if e), len(years))
    actual = {"x": list(years[:first_est]), "y": list(values[:first_est])}
    start = max(first_est - 1, 0)
    est = {"x": list(years[start:]), "y": list(values[start:])} if first_est < len(years) else {"x": [], "y": []}
    return actual, est
