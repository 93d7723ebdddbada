"""Publication styling, in one place: size, fonts, title, subtitle, legend and footer.

Every exported chart is 1200 × 675 (16:9; PNG at scale 2 is 2400 px wide), carries a bold
title, a subtitle with the unit and basis, and a footer with the source line (publisher
and edition), the chart and parameters it was made from, and the export date. Colours are
the figure's own — the dashboard's (``figures.common``).
"""

from __future__ import annotations

import copy
import math
import textwrap
from datetime import date

from dashboard.figures.common import FONT
from dashboard.figures.events import EVENT_NAME
from dashboard.figures.events import LABEL_PX as EVENT_LABEL_PX

WIDTH, HEIGHT = 1200, 675
PNG_SCALE = 2            # 2400 × 1350 px: sharp in print at full page width
BASE_FONT = 14
TITLE_FONT, SUBTITLE_FONT, FOOTER_FONT = 22, 15, 12
EDGE = 24                # px kept clear at the image's edges
FOOTER_LINE = 16         # px per footer line
SUBTITLE_LINE = 20
FOOTER_CHARS, SUBTITLE_CHARS = 160, 135   # characters per wrapped line at those font sizes
SUBTITLE_TOP = 68        # px: where plotly puts a subtitle's first line under a 22 px title
TARGET_LABELS = 26       # px between the subtitle and the plot: target lines label above the plot
LEGEND_ROW = 26          # px per row of a legend above the plot
MAX_LEGEND_ROWS = 2      # more entries than that go in columns beside the plot
BOTTOM_AXIS = 76         # px under the plot for tick labels and the x-axis title
BOTTOM_MAP = 96          # a map's horizontal colour bar sits under it
TEXT_GREY = "#555"
GENERATOR = "defence-spending dashboard"


def publish(figure: dict, title: str, subtitle: str, source_text: str, chart: str,
            exported: date) -> dict:
    """A copy of ``figure`` styled for print, with title, subtitle and footer."""
    layout = copy.deepcopy(figure.get("layout", {}))
    data = figure.get("data", [])
    sub_lines = wrap(subtitle, SUBTITLE_CHARS)  # keep to two lines: plotly moves more up into the title
    foot_lines = footer_lines(source_text, chart, exported)
    legend, rows = _legend(data, layout)
    top = SUBTITLE_TOP + SUBTITLE_LINE * len(sub_lines) + TARGET_LABELS + LEGEND_ROW * rows
    # the events' numbers sit on the plot's top edge, in a band of their own under a legend there
    events_band = _events_band(layout) + _target_rows(layout)
    top += events_band
    # an axis title wrapped for a phone (figures.common.wrap_label) has the print width to itself
    for axis in ("xaxis", "yaxis"):
        named = layout.get(axis, {}).get("title")
        if isinstance(named, dict) and "<br>" in str(named.get("text", "")):
            layout[axis] = {**layout[axis], "title": {**named, "text": named["text"].replace("<br>", " ")}}
    bottom_axis = BOTTOM_MAP if any(t.get("type") == "choropleth" for t in data) else BOTTOM_AXIS
    footer_height = FOOTER_LINE * len(foot_lines)
    margin = layout.get("margin", {})
    left = max(int(margin.get("l", 56)), EDGE, _category_width(data))
    layout["margin"] = {"t": top, "b": bottom_axis + footer_height + 12, "l": left,
                        "r": max(int(margin.get("r", 16)), EDGE),
                        "autoexpand": True}
    layout.update({
        "width": WIDTH, "height": HEIGHT, "autosize": False,
        "font": {**layout.get("font", {}), "family": FONT, "size": BASE_FONT, "color": "#222"},
        "paper_bgcolor": "#fff", "plot_bgcolor": layout.get("plot_bgcolor", "#fff"),
        "title": {"text": f"<b>{_escape(title)}</b>", "font": {"size": TITLE_FONT, "color": "#111"},
                  "x": EDGE / WIDTH, "xref": "container", "xanchor": "left", "y": 1 - EDGE / HEIGHT,
                  "yref": "container",
                  "yanchor": "top",
                  "subtitle": {"text": "<br>".join(_escape(line) for line in sub_lines),
                               "font": {"size": SUBTITLE_FONT, "color": TEXT_GREY}}},
    })
    layout.pop("hovermode", None)
    layout.pop("dragmode", None)
    if legend == "top":
        plot_height = HEIGHT - top - layout["margin"]["b"]
        layout["legend"] = {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0 + events_band / plot_height,
                            "yanchor": "bottom",
                            "font": {"size": 13},
                            "traceorder": "normal", "bgcolor": "rgba(0,0,0,0)"}
    elif legend == "right":  # columns beside the plot (the margin grows to fit them)
        width = max(_entry_width(n) for n in _legend_names(data)) - 30
        layout["legend"] = {"orientation": "h", "entrywidth": width, "x": 1.02, "xanchor": "left", "y": 1,
                            "yanchor": "top", "font": {"size": 12}, "traceorder": "normal",
                            "bgcolor": "rgba(0,0,0,0)"}
    layout["annotations"] = [a for a in layout.get("annotations", []) if not _is_source_note(a)] + [
        {"text": "<br>".join(_escape(line) for line in foot_lines), "xref": "paper", "yref": "paper",
         "x": 0, "y": 0, "xanchor": "left", "yanchor": "top", "align": "left", "showarrow": False,
         "xshift": EDGE - left, "yshift": -(bottom_axis - 4), "font": {"size": FOOTER_FONT, "color": TEXT_GREY}}]
    return {"data": data, "layout": layout}


def _events_band(layout: dict) -> int:
    """Px above the plot that the events' numbers take (0 when the chart marks none)."""
    shifts = [int(a.get("yshift", 0)) for a in layout.get("annotations", []) if a.get("name") == EVENT_NAME]
    return max(shifts) + EVENT_LABEL_PX if shifts else 0


def _target_rows(layout: dict) -> int:
    """Px above the plot that staggered target labels (the ranking's 2%, 3.5%, 5%) take beyond their first row."""
    shift = max((int(a.get("yshift", 0)) for a in layout.get("annotations", [])
                 if a.get("xref") == "x" and a.get("yref") == "paper" and a.get("y") == 1), default=0)
    return shift + TARGET_LABELS if shift else 0


def footer_lines(source_text: str, chart: str, exported: date) -> list[str]:
    """The footer: the source line (wrapped), then chart, parameters and export date."""
    return wrap(source_text, FOOTER_CHARS) + wrap(
        f"Chart: {chart}. Exported {exported.isoformat()} from the {GENERATOR}.", FOOTER_CHARS)


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` characters (words kept whole)."""
    return textwrap.wrap(" ".join(text.split()), width) or [""]


def _legend(data: list[dict], layout: dict) -> tuple[str, int]:
    """Where the legend goes: ("none", 0), ("top", rows above the plot) or ("right", 0) for many entries."""
    names = _legend_names(data)
    if layout.get("showlegend") is False or len(names) < 2:
        return "none", 0
    rows = math.ceil(sum(_entry_width(n) for n in names) / (WIDTH - 2 * EDGE - 80))
    return ("top", rows) if rows <= MAX_LEGEND_ROWS else ("right", 0)


def _legend_names(data: list[dict]) -> list[str]:
    return [t["name"] for t in data if t.get("showlegend", True) and t.get("name") and t.get("type") != "choropleth"]


def _entry_width(name: str) -> float:
    """Approximate px of one legend entry (symbol, gap, text at 13 px)."""
    return len(name) * 7.2 + 44


def _category_width(data: list[dict]) -> int:
    """Room for the country or pledge names of horizontal bars (so the margin is known, not automatic)."""
    labels = [str(y) for t in data if t.get("orientation") == "h" for y in t.get("y", [])]
    longest = max((len(part) for label in labels for part in label.split("<br>")), default=0)
    return int(min(longest * 7 + 24, WIDTH * 0.45)) if longest else 0


def _is_source_note(annotation: dict) -> bool:
    """The small grey source annotation of ``base_layout(source=...)``: the footer replaces it."""
    return str(annotation.get("text", "")).startswith("Source:") and annotation.get("y", 0) < 0


def _escape(text: str) -> str:
    """Plotly's text is HTML-like: keep "<" and ">" literal."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
