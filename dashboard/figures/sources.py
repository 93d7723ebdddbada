"""Sources figures: the snapshot's provenance, sources side by side, editions side by side (pure functions).

Inputs are ``model.reconcile``'s frame (source, edition, year, share_pct, estimate,
price_base, spending_usd_million, flags, reasons, difference_vs_nato_pp) and
``model.revisions``'s (year, one column per edition, revision).
"""

from __future__ import annotations

import pandas as pd

from dashboard.figures.common import (
    SOURCE_COLOURS,
    SOURCE_LABELS,
    base_layout,
    empty_figure,
    source_line,
)

OLDER_EDITION_COLOUR = "#8c8c8c"
REVISION_WINDOW = 15  # years shown at first in the revision chart (double-click shows all)


def reconcile_figure(frame: pd.DataFrame, name: str, year: int) -> dict:
    """Share of GDP in one year, one bar per source (estimates hatched), NATO's value as a line."""
    if frame.empty:
        return empty_figure(f"No source publishes a share of GDP for {name} in {year}", 380)
    labels = [f"{SOURCE_LABELS.get(r.source, r.source)}<br>{r.edition}" for r in frame.itertuples(index=False)]
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
        parts.append(f"{SOURCE_LABELS.get(r.source, r.source)} ({r.edition}) {r.share_pct:.2f}%"
                     + (" (estimate)" if r.estimate else "") + vs)
    text = f"{name}, defence spending as a share of GDP in {year}: " + "; ".join(parts) + "."
    if "nato" not in set(frame["source"]):
        text += f" NATO publishes no figure for {name} in {year}."
    return text


def reconcile_source(frame: pd.DataFrame) -> str:
    """Source line for the reconciliation chart."""
    pairs = list(frame[["source", "edition"]].itertuples(index=False, name=None)) if len(frame) else []
    return source_line(pairs, "Latest edition of each source. Hatched: estimate.")


def revisions_figure(wide: pd.DataFrame, source: str, name: str) -> dict:
    """One line per edition (latest in the source's colour) and the revision as bars below."""
    editions = _editions(wide)
    if not editions:
        return empty_figure(f"No {SOURCE_LABELS.get(source, source)} share of GDP for {name}", 460)
    traces: list[dict] = []
    for i, ed in enumerate(editions):
        latest = i == len(editions) - 1
        rows = wide[["year", ed]].dropna()
        traces.append({"type": "scatter", "mode": "lines+markers", "name": f"{ed} edition",
                       "x": rows["year"].astype(int).tolist(), "y": rows[ed].round(4).tolist(),
                       "line": {"color": SOURCE_COLOURS.get(source, "#444") if latest else OLDER_EDITION_COLOUR,
                                "width": 2.5 if latest else 2, "dash": "solid" if latest else "dash"},
                       "marker": {"size": 4},
                       "hovertemplate": f"{ed} edition: %{{y:.4f}}%<extra></extra>"})
    layout = base_layout(yaxis_title="% of GDP", height=460)
    last = int(wide["year"].max())
    window = wide[wide["year"] > last - REVISION_WINDOW]
    values = window[editions].stack()
    layout["xaxis"]["range"] = [last - REVISION_WINDOW + 0.5, last + 0.5]
    if len(values):
        pad = max((values.max() - values.min()) * 0.1, 0.05)
        layout["yaxis"]["range"] = [float(values.min() - pad), float(values.max() + pad)]
    if "revision" in wide:
        rev = wide[["year", "revision"]].dropna()
        traces.append({"type": "bar", "name": f"Revision, {editions[-1]} − {editions[-2]}", "yaxis": "y2",
                       "x": rev["year"].astype(int).tolist(), "y": rev["revision"].round(4).tolist(),
                       "marker": {"color": ["#D55E00" if v < 0 else "#0072B2" for v in rev["revision"]]},
                       "hovertemplate": "Revision: %{y:+.4f} points<extra></extra>"})
        layout["yaxis"]["domain"] = [0.36, 1]
        layout["xaxis"]["anchor"] = "y2"  # year ticks under the revision bars, below both panels
        layout["yaxis2"] = {"domain": [0, 0.26], "anchor": "x", "title": {"text": "Revision, points"},
                            "gridcolor": "#e5e5e5", "zeroline": True, "zerolinecolor": "#999"}
        rev_window = rev[rev["year"] > last - REVISION_WINDOW]["revision"]
        if len(rev_window):
            span = max(float(rev_window.abs().max()) * 1.2, 0.01)
            layout["yaxis2"]["range"] = [-span, span]
    return {"data": traces, "layout": layout}


def revisions_summary(wide: pd.DataFrame, source: str, name: str) -> str:
    """Text version: editions compared and the largest revisions."""
    label = SOURCE_LABELS.get(source, source)
    editions = _editions(wide)
    if not editions:
        return f"{label} publishes no share of GDP for {name}."
    if len(editions) < 2 or "revision" not in wide:
        return (f"{label}: only one edition ({editions[0]}) of {name}'s share of GDP in the snapshot, "
                "so there is no revision to show.")
    old, new = editions[-2], editions[-1]
    rev = wide.dropna(subset=["revision"])
    rev = rev.reindex(rev["revision"].abs().sort_values(ascending=False).index).head(3)
    parts = [f"{int(r['year'])}: {r[old]:.2f}% in {old} → {r[new]:.2f}% in {new} ({r['revision']:+.3f} points)"
             for _, r in rev.iterrows()]
    return (f"{name}, {label} share of GDP by edition ({', '.join(editions)}); chart starts at the last "
            f"{REVISION_WINDOW} years (double-click it for all). Largest revisions: " + "; ".join(parts) + ".")


def revisions_source(wide: pd.DataFrame, source: str) -> str:
    """Source line naming every edition drawn."""
    return source_line([(source, ed) for ed in _editions(wide)],
                       "Revision: latest edition minus the one before, same year.")


def _editions(wide: pd.DataFrame) -> list[str]:
    return [c for c in wide.columns if c not in ("year", "revision")]
