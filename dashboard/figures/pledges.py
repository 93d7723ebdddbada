"""Pledge tracker: the status-count chart (pure functions, no Dash imports).

The table's rows and the counts come from the views (``dashboard.views.pledges``).
"""

from __future__ import annotations

import pandas as pd

from dashboard.figures.common import LABELS_OVERFLOW, STATUS_COLOURS, base_layout, empty_figure
from dashboard.model import STATUSES
from dashboard.views.labels import STATUS_LABELS


def status_figure(counts: pd.DataFrame) -> dict:
    """Stacked horizontal bars: how many bound countries have met, are on track, off track, no data."""
    if counts.empty:
        return empty_figure("No alliance pledge matches these filters", 280)
    labels = counts["label"].tolist()
    traces = []
    for status in STATUSES:
        values = counts[status].astype(int).tolist()
        traces.append({
            "type": "bar", "orientation": "h", "name": STATUS_LABELS[status], "x": values, "y": labels,
            "customdata": counts["title"].tolist(), "text": [str(v) if v else "" for v in values],
            "textposition": "inside", "insidetextanchor": "middle",
            "marker": {"color": STATUS_COLOURS[status], "line": {"color": "#fff", "width": 1}},
            "hovertemplate": f"%{{customdata}}: %{{x}} {STATUS_LABELS[status].lower()}<extra></extra>",
        })
    height = max(280, 56 * len(counts) + 110)
    layout = base_layout(height=height)
    layout.update({
        "barmode": "stack", "hovermode": "closest", "bargap": 0.3,
        "margin": {"l": 8, "r": 16, "t": 8, "b": 72},
        "xaxis": {"title": {"text": "Countries"}, "gridcolor": "#e5e5e5", "dtick": 5, **LABELS_OVERFLOW},
        "yaxis": {"categoryorder": "array", "categoryarray": labels, "autorange": "reversed",
                  "automargin": True, "tickfont": {"size": 11}},
        "legend": {"orientation": "h", "y": -0.2, "x": 0, "xanchor": "left", "traceorder": "normal"},
    })
    return {"data": traces, "layout": layout}


def status_summary(counts: pd.DataFrame) -> str:
    """The chart as text."""
    if counts.empty:
        return "No alliance pledge matches these filters."
    parts = []
    for r in counts.itertuples(index=False):
        bits = ", ".join(f"{getattr(r, s)} {STATUS_LABELS[s].lower()}" for s in STATUSES if getattr(r, s))
        parts.append(f"{r.title}: {bits}")
    return "Status of each alliance pledge across the countries it binds. " + "; ".join(parts) + "."
