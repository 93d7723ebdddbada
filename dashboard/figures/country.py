"""Country figures: share of GDP by source with pledges, spending, money gaps (pure functions)."""

from __future__ import annotations

import pandas as pd

from dashboard.figures.common import (ESTIMATE_DASH, PATH_DASH, SOURCE_COLOURS, SOURCE_LABELS,
                                      STATUS_COLOURS, STATUS_LABELS, base_layout, empty_figure,
                                      source_line, split_estimates)


def share_figure(shares: pd.DataFrame, pledges: pd.DataFrame, name: str) -> dict:
    """Share of GDP over time, one line per source (estimates dotted), pledge targets and paths.

    ``shares``: source, edition, year, value, estimate (one country, latest editions).
    ``pledges``: model progress rows for the country (target_share_pct, target_year,
    required_path, status, title).
    """
    if shares.empty:
        return empty_figure(f"No published share of GDP for {name}")
    traces: list[dict] = []
    # World Bank republishes SIPRI's shares: draw it first and thin, so SIPRI stays visible.
    order = {"worldbank": 0, "eurostat": 1, "sipri": 2, "nato": 3}
    for source, rows in sorted(shares.groupby("source", sort=False), key=lambda g: order.get(g[0], 9)):
        rows = rows.sort_values("year")
        label = SOURCE_LABELS.get(source, source)
        colour = SOURCE_COLOURS.get(source, "#444")
        edition = rows["edition"].iloc[0]
        actual, est = split_estimates(rows["year"].tolist(), rows["value"].tolist(), rows["estimate"].tolist())
        hover = f"{label} {edition}: %{{y:.2f}}%<extra></extra>"
        width = 1 if source == "worldbank" else 2.5
        traces.append({"type": "scatter", "mode": "lines", "name": f"{label} ({edition})", "x": actual["x"],
                       "y": actual["y"], "line": {"color": colour, "width": width}, "legendgroup": source,
                       "hovertemplate": hover})
        if est["x"]:
            traces.append({"type": "scatter", "mode": "lines+markers", "name": f"{label} estimate",
                           "x": est["x"], "y": est["y"], "legendgroup": source, "showlegend": False,
                           "line": {"color": colour, "width": 2, "dash": ESTIMATE_DASH},
                           "marker": {"size": 5}, "hovertemplate": f"{label} {edition} (estimate): %{{y:.2f}}%<extra></extra>"})
    for row in _distinct_targets(_share_pledges(pledges)).itertuples(index=False):
        colour = STATUS_COLOURS.get(row.status, "#666")
        status = STATUS_LABELS.get(row.status, row.status).lower()
        label = f"{row.target_share_pct:g}% by {row.target_year} ({status})"
        path = list(row.required_path or [])
        traces.append({"type": "scatter", "mode": "lines+markers" if len(path) > 1 else "markers",
                       "name": label, "legendgroup": label,
                       "x": [p[0] for p in path][1:] or [row.target_year],
                       "y": [p[1] for p in path][1:] or [row.target_share_pct],
                       "line": {"color": colour, "width": 1.5, "dash": PATH_DASH},
                       "marker": {"size": [0] * (max(len(path) - 2, 0)) + [14], "symbol": "star", "color": colour,
                                  "line": {"color": "#222", "width": 1}},
                       "hovertemplate": f"{row.title}: path %{{y:.2f}}% in %{{x}}<extra></extra>"})
    layout = base_layout(yaxis_title="% of GDP", height=460)
    layout["yaxis"]["rangemode"] = "tozero"
    return {"data": traces, "layout": layout}


def share_summary(shares: pd.DataFrame, pledges: pd.DataFrame, name: str) -> str:
    """A text version of the chart (alt text and screen readers)."""
    if shares.empty:
        return f"No source publishes {name}'s defence spending as a share of GDP."
    parts = []
    for source, rows in shares.groupby("source", sort=False):
        last = rows.sort_values("year").iloc[-1]
        est = " (estimate)" if last["estimate"] else ""
        parts.append(f"{SOURCE_LABELS.get(source, source)}: {last['value']:.2f}% in {int(last['year'])}{est}")
    text = f"{name}, defence spending as a share of GDP. Latest: " + "; ".join(parts) + "."
    goals = _share_pledges(pledges)
    if len(goals):
        text += " Pledges: " + "; ".join(
            f"{r.target_share_pct:g}% by {r.target_year} ({STATUS_LABELS.get(r.status, r.status).lower()})"
            for r in goals.itertuples(index=False)) + "."
    return text


def share_source(shares: pd.DataFrame) -> str:
    """Source line for the share chart."""
    pairs = list(shares[["source", "edition"]].drop_duplicates().itertuples(index=False, name=None))
    return source_line(pairs, "NATO: share of real GDP, NATO definition; SIPRI and World Bank: "
                              "SIPRI definition; Eurostat: COFOG 02. Dotted: estimates.")


def money_gap_figure(pledges: pd.DataFrame, name: str) -> dict:
    """Extra spending a year each share pledge needs in its target year (national currency)."""
    rows = pledges[pledges["money_gap"].notna()] if "money_gap" in pledges else pledges.iloc[0:0]
    rows = rows[[bool(m) and m.get("lcu_million", 0) > 0 for m in rows["money_gap"]]] if len(rows) else rows
    if rows.empty:
        return empty_figure(f"No open money gap for {name}: every measurable pledge is met")
    currency = rows["money_gap"].iloc[0]["currency"]
    labels = [f"{r.title} ({r.target_year})" for r in rows.itertuples(index=False)]
    values = [m["lcu_million"] / 1000 for m in rows["money_gap"]]
    colours = [STATUS_COLOURS.get(s, "#666") for s in rows["status"]]
    layout = base_layout(yaxis_title="", height=max(240, 60 * len(rows) + 120))
    layout["xaxis"] = {"title": {"text": f"{currency} billion a year, in the target year"}, "gridcolor": "#e5e5e5"}
    layout["yaxis"] = {"automargin": True}
    layout["hovermode"] = "closest"
    return {"data": [{"type": "bar", "orientation": "h", "x": values, "y": labels,
                      "marker": {"color": colours}, "text": [f"{v:,.1f}bn" for v in values],
                      "textposition": "auto",
                      "hovertemplate": f"%{{y}}: %{{x:,.1f}}bn {currency}<extra></extra>"}],
            "layout": layout}


def money_gap_frame(pledges: pd.DataFrame) -> pd.DataFrame:
    """The data behind the money-gap chart (for CSV download)."""
    out = []
    for r in pledges.itertuples(index=False):
        m = r.money_gap if isinstance(r.money_gap, dict) else {}
        out.append({"pledge": r.id, "title": r.title, "target_share_pct": r.target_share_pct,
                    "target_year": r.target_year, "status": r.status, "latest_share_pct": r.latest_share_pct,
                    "latest_source": r.latest_source, "latest_edition": r.latest_edition,
                    "currency": m.get("currency"), "money_gap_lcu_million": m.get("lcu_million"),
                    "money_gap_usd_million": m.get("usd_million"), "money_gap_eur_million": m.get("eur_million"),
                    "assumptions": " | ".join(r.assumptions or [])})
    return pd.DataFrame(out)


def spending_figure(spending: pd.DataFrame, name: str, measure: str) -> dict:
    """Spending over time by source: ``measure`` is "lcu", "usd" (current) or "usd_constant"."""
    if spending.empty:
        return empty_figure(f"No spending figures for {name} in this measure")
    traces = []
    for (source, edition, unit, base), rows in spending.groupby(["source", "edition", "unit", "price_base"], sort=False):
        rows = rows.sort_values("year")
        actual, est = split_estimates(rows["year"].tolist(), (rows["value"] / 1000).tolist(), rows["estimate"].tolist())
        label = f"{SOURCE_LABELS.get(source, source)} ({edition}, {base})"
        colour = SOURCE_COLOURS.get(source, "#444")
        traces.append({"type": "scatter", "mode": "lines", "name": label, "x": actual["x"], "y": actual["y"],
                       "line": {"color": colour, "width": 2}, "legendgroup": label,
                       "hovertemplate": f"{label}: %{{y:,.1f}}bn<extra></extra>"})
        if est["x"]:
            traces.append({"type": "scatter", "mode": "lines", "name": f"{label} estimate", "showlegend": False,
                           "x": est["x"], "y": est["y"], "legendgroup": label,
                           "line": {"color": colour, "width": 2, "dash": ESTIMATE_DASH},
                           "hovertemplate": f"{label} (estimate): %{{y:,.1f}}bn<extra></extra>"})
    unit = spending["unit"].iloc[0].replace(" million", "")
    layout = base_layout(yaxis_title=f"{unit} billion", height=380)
    return {"data": traces, "layout": layout}


def _distinct_targets(pledges: pd.DataFrame) -> pd.DataFrame:
    """One row per (target, year): a national pledge hides the same alliance target."""
    if pledges.empty:
        return pledges
    national_first = pledges.assign(_group=pledges["actor"] != pledges["country"]).sort_values("_group", kind="stable")
    return national_first.drop_duplicates(["target_share_pct", "target_year"]).drop(columns="_group")


def _share_pledges(pledges: pd.DataFrame) -> pd.DataFrame:
    """Pledges with a share-of-GDP target that can be drawn (not related-spending, not equipment)."""
    if pledges.empty:
        return pledges
    keep = pledges["target_share_pct"].notna() & (pledges["unit"] == "percent of GDP") & (pledges["scope"] != "related")
    return pledges[keep]
