"""Sources figures: the snapshot's provenance, sources side by side, editions side by side (pure functions).

Inputs are ``model.reconcile``'s frame (source, edition, year, share_pct, estimate,
price_base, spending_usd_million, flags, reasons, difference_vs_nato_pp) and
``model.Revisions`` (one publisher's editions of a country's share, year by year).
"""

from __future__ import annotations

import pandas as pd

from dashboard.figures.common import SOURCE_COLOURS, base_layout, empty_figure
from dashboard.model.reconcile import Revisions
from dashboard.schema import SOURCE_LABELS
from dashboard.views.labels import source_line

OLDER_EDITION_COLOUR = "#8c8c8c"
REVISION_WINDOW = 15  # years shown at first in the revision chart (double-click shows all)
SHOWN_REVISION = 0.0005  # points: smaller revisions print as +0.000 and are not listed


def reconcile_figure(frame: pd.DataFrame, name: str, year: int) -> dict:
    """Share of GDP in one year, one bar per source (estimates hatched), NATO's value as a line."""
    if frame.empty:
        return empty_figure(f"No source publishes a share of GDP for {name} in {year}", 380)
    labels = [f"{SOURCE_LABELS.get(str(r.source), str(r.source))}<br>{r.edition}"
              for r in frame.itertuples(index=False)]
    layout = base_layout(yaxis_title="% of GDP", height=380)
    layout["hovermode"] = "closest"
    layout["yaxis"]["rangemode"] = "tozero"
    layout["showlegend"] = False
    return {"data": [{
        "type": "bar", "x": labels, "y": frame["share_pct"].round(4).tolist(),
        "marker": {"color": [SOURCE_COLOURS.get(s, "#444") for s in frame["source"]],
                   "pattern": {"shape": ["/" if e else "" for e in frame["estimate"]]}},
        "text": [f"{v:.2f}%" for v in frame["share_pct"]], "textposition": "outside",
        "customdata": [" (estimate)" if e else "" for e in frame["estimate"]],
        "hovertemplate": "%{x}: %{y:.3f}%%{customdata}<extra></extra>",
    }], "layout": layout}


def reconcile_summary(frame: pd.DataFrame, name: str, year: int) -> str:
    """Text version of the comparison: each source's share and its difference to NATO."""
    if frame.empty:
        return f"No source publishes a share of GDP for {name} in {year}."
    parts = []
    for r in frame.itertuples(index=False):
        diff = getattr(r, "difference_vs_nato_pp", None)
        vs = f", {diff:+.2f} points vs NATO" if not pd.isna(diff) and r.source != "nato" else ""
        parts.append(f"{SOURCE_LABELS.get(str(r.source), str(r.source))} ({r.edition}) {r.share_pct:.2f}%"
                     + (" (estimate)" if r.estimate else "") + vs)
    text = f"{name}, defence spending as a share of GDP in {year}: " + "; ".join(parts) + "."
    if "nato" not in set(frame["source"]):
        text += f" NATO publishes no figure for {name} in {year}."
    return text


def reconcile_source(frame: pd.DataFrame) -> str:
    """Source line for the reconciliation chart."""
    pairs = list(frame[["source", "edition"]].itertuples(index=False, name=None)) if len(frame) else []
    return source_line(pairs, "Latest edition of each source. Hatched: estimate.")


def revisions_figure(revs: Revisions, name: str) -> dict:
    """One line per edition (latest in the source's colour) and the revision as bars below."""
    source, editions = revs.source, revs.editions
    if not editions:
        return empty_figure(f"No {SOURCE_LABELS.get(source, source)} share of GDP for {name}", 460)
    traces: list[dict] = []
    for i, ed in enumerate(editions):
        latest = i == len(editions) - 1
        x, y = _present(revs.years, revs.values[ed])
        traces.append({"type": "scatter", "mode": "lines+markers", "name": f"{ed} edition",
                       "x": x, "y": [round(v, 4) for v in y],
                       "line": {"color": SOURCE_COLOURS.get(source, "#444") if latest else OLDER_EDITION_COLOUR,
                                "width": 2.5 if latest else 2, "dash": "solid" if latest else "dash"},
                       "marker": {"size": 4},
                       "hovertemplate": f"{ed} edition: %{{y:.4f}}%<extra></extra>"})
    layout = base_layout(yaxis_title="% of GDP", height=460)
    last = revs.years[-1]
    first_shown = last - REVISION_WINDOW
    values = [v for ed in editions for year, v in zip(revs.years, revs.values[ed])
              if year > first_shown and v is not None]
    layout["xaxis"]["range"] = [first_shown + 0.5, last + 0.5]
    if values:
        pad = max((max(values) - min(values)) * 0.1, 0.05)
        layout["yaxis"]["range"] = [float(min(values) - pad), float(max(values) + pad)]
    if revs.has_revision:
        x, rev = _present(revs.years, revs.revision)
        traces.append({"type": "bar", "name": f"Revision, {editions[-1]} − {editions[-2]}", "yaxis": "y2",
                       "x": x, "y": [round(v, 4) for v in rev],
                       "marker": {"color": ["#D55E00" if v < 0 else "#0072B2" for v in rev]},
                       "hovertemplate": "Revision: %{y:+.4f} points<extra></extra>"})
        layout["yaxis"]["domain"] = [0.36, 1]
        layout["xaxis"]["anchor"] = "y2"  # year ticks under the revision bars, below both panels
        layout["yaxis2"] = {"domain": [0, 0.26], "anchor": "x", "title": {"text": "Revision, points"},
                            "gridcolor": "#e5e5e5", "zeroline": True, "zerolinecolor": "#999"}
        rev_window = [abs(v) for year, v in zip(x, rev) if year > first_shown]
        if rev_window:
            span = max(max(rev_window) * 1.2, 0.01)
            layout["yaxis2"]["range"] = [-span, span]
    return {"data": traces, "layout": layout}


def revisions_summary(revs: Revisions, name: str) -> str:
    """Text version: editions compared and the largest revisions."""
    label = SOURCE_LABELS.get(revs.source, revs.source)
    editions = revs.editions
    if not editions:
        return f"{label} publishes no share of GDP for {name}."
    if not revs.has_revision:
        return (f"{label}: only one edition ({editions[0]}) of {name}'s share of GDP in the snapshot, "
                "so there is no revision to show.")
    old, new = editions[-2], editions[-1]
    olds, news = revs.values[old], revs.values[new]
    # a revision that prints as +0.000 is no revision: list only the ones a reader can see
    revised = [i for i, v in enumerate(revs.revision) if v is not None and abs(v) >= SHOWN_REVISION]
    largest = sorted(revised, key=lambda i: -abs(revs.revision[i] or 0.0))[:3]
    parts = [f"{revs.years[i]}: {olds[i]:.2f}% in {old} → {news[i]:.2f}% in {new} ({revs.revision[i]:+.3f} points)"
             for i in largest]
    found = ("Largest revisions: " + "; ".join(parts) if parts
             else f"no year revised by {SHOWN_REVISION:.3f} points or more")
    return (f"{name}, {label} share of GDP by edition ({', '.join(editions)}); chart starts at the last "
            f"{REVISION_WINDOW} years (double-click it for all). {found[0].upper()}{found[1:]}.")


def revisions_source(revs: Revisions) -> str:
    """Source line naming every edition drawn."""
    return source_line([(revs.source, ed) for ed in revs.editions],
                       "Revision: latest edition minus the one before, same year.")


def _present(years: tuple[int, ...], values: tuple[float | None, ...]) -> tuple[list[int], list[float]]:
    """The years that have a value, and the values (an edition without the year draws nothing)."""
    pairs = [(y, v) for y, v in zip(years, values) if v is not None]
    return [y for y, _ in pairs], [v for _, v in pairs]
