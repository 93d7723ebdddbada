"""Pledge tracker: the table's rows and the status-count chart (pure functions, no Dash imports).

``pledge_table`` turns model progress rows into one flat, provenance-carrying row per
pledge × country (used by the grid and the CSV export); ``status_figure`` counts statuses
per group pledge.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from urllib.parse import urlparse

import pandas as pd

from dashboard.figures.common import (
    SOURCE_LABELS,
    STATUS_COLOURS,
    STATUS_LABELS,
    base_layout,
    empty_figure,
)

STATUS_ORDER: tuple[str, ...] = ("met", "on_track", "off_track", "no_data")
KIND_UNITS: dict[str, str] = {"share_gdp": "of GDP", "equipment_share": "of defence spending on equipment"}

TABLE_COLUMNS: tuple[str, ...] = (
    "key", "id", "actor", "iso3", "country", "title", "kind", "target", "target_text", "target_share_pct",
    "target_year", "basis", "scope", "commitment", "latest_share_pct", "latest_year", "latest_is_estimate",
    "latest_source", "latest_edition", "latest_text", "latest_from", "progress_pct", "gap_pp",
    "money_gap_currency", "money_gap_year", "money_gap_lcu_bn", "money_gap_usd_bn", "money_gap_eur_bn",
    "money_gap_text", "status", "status_label", "status_reason", "source_url", "source_site", "assumptions",
)


def pledge_table(progress: pd.DataFrame, name: Callable[[str], str]) -> pd.DataFrame:
    """One row per pledge × country, with display text beside every number."""
    rows = [_row(r, name) for r in progress.itertuples(index=False)]
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


def status_counts(table: pd.DataFrame, group_actors: set[str] | frozenset[str]) -> pd.DataFrame:
    """Per group pledge (in registry order): id, title, label, and a count per status.

    Plain-Python counting: this runs in a callback, and pandas' groupby costs ~10 ms here.
    """
    counts: dict[str, dict[str, int]] = {}
    first: dict[str, tuple[str, str]] = {}
    for pid, actor, status, title, target_text, year in zip(
            table["id"], table["actor"], table["status"], table["title"], table["target_text"],
            table["target_year"]):
        if actor not in group_actors:
            continue
        if pid not in counts:
            counts[pid] = dict.fromkeys(STATUS_ORDER, 0)
            first[pid] = (title, short_label(title, target_text, int(year)))
        if status in counts[pid]:
            counts[pid][status] += 1
    columns = {"id": list(counts), "title": [first[i][0] for i in counts], "label": [first[i][1] for i in counts]}
    columns.update({s: [counts[i][s] for i in counts] for s in STATUS_ORDER})
    return pd.DataFrame(columns, columns=["id", "title", "label", *STATUS_ORDER])


def short_label(title: str, target_text: str, target_year: int) -> str:
    """"NATO Hague summit<br>3.5% of GDP by 2035": fits a phone-width axis."""
    head = title.split(":", 1)[0].strip()
    return f"{head}<br>{target_text.replace(' of defence spending on equipment', ' on equipment')} by {target_year}"


def status_figure(counts: pd.DataFrame) -> dict:
    """Stacked horizontal bars: how many bound countries have met, are on track, off track, no data."""
    if counts.empty:
        return empty_figure("No alliance pledge matches these filters", 280)
    labels = counts["label"].tolist()
    traces = []
    for status in STATUS_ORDER:
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
        "xaxis": {"title": {"text": "Countries"}, "gridcolor": "#e5e5e5", "dtick": 5},
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
        bits = ", ".join(f"{getattr(r, s)} {STATUS_LABELS[s].lower()}" for s in STATUS_ORDER if getattr(r, s))
        parts.append(f"{r.title}: {bits}")
    return "Status of each alliance pledge across the countries it binds. " + "; ".join(parts) + "."


def _row(r, name: Callable[[str], str]) -> dict:
    """One display row from a model progress row."""
    target_share = _num(r.target_share_pct)
    latest = _num(r.latest_share_pct)
    if r.kind == "share_gdp" or r.kind == "equipment_share":
        target_text, goal = f"{r.target:g}% {KIND_UNITS[r.kind]}", r.target
    else:  # money targets: shown with the share of GDP they imply
        money = r.money_gap if isinstance(r.money_gap, dict) else {}
        implied = f" (≈{target_share:.2f}% of GDP)" if target_share is not None else ""
        target_text, goal = f"{money.get('currency', '')} {r.target:g}bn{implied}".strip(), target_share
    source = r.latest_source if isinstance(r.latest_source, str) else None
    estimate = bool(r.latest_is_estimate) if r.latest_is_estimate is not None else False
    year = int(r.latest_year) if _num(r.latest_year) is not None else None
    unit = "%" if r.kind != "money" else "% of GDP"
    latest_text = f"{latest:.2f}{unit}{' e' if estimate else ''}" if latest is not None else "—"
    latest_from = (f"{SOURCE_LABELS.get(source, source)} {r.latest_edition}, {year}{' estimate' if estimate else ''}"
                   if source and year is not None else "no published figure")
    progress = latest / goal * 100 if latest is not None and goal else None
    money = r.money_gap if isinstance(r.money_gap, dict) else None
    lcu = _num(money.get("lcu_million")) if money else None
    gap = _num(r.gap_pp)
    return {
        "key": f"{r.id}|{r.country}", "id": r.id, "actor": r.actor, "iso3": r.country, "country": name(r.country),
        "title": r.title, "kind": r.kind, "target": float(r.target), "target_text": target_text,
        "target_share_pct": target_share, "target_year": int(r.target_year), "basis": r.basis, "scope": r.scope,
        "commitment": r.commitment, "latest_share_pct": _round(latest, 3), "latest_year": year,
        "latest_is_estimate": estimate if latest is not None else None, "latest_source": source,
        "latest_edition": r.latest_edition if source else None, "latest_text": latest_text,
        "latest_from": latest_from, "progress_pct": _round(progress, 1), "gap_pp": _round(gap, 2),
        "money_gap_currency": money.get("currency") if money else None,
        "money_gap_year": money.get("year") if money else None,
        "money_gap_lcu_bn": _round(lcu / 1000, 2) if lcu is not None else None,
        "money_gap_usd_bn": _round(_num(money.get("usd_million")) / 1000, 2)
        if money and _num(money.get("usd_million")) is not None else None,
        "money_gap_eur_bn": _round(_num(money.get("eur_million")) / 1000, 2)
        if money and _num(money.get("eur_million")) is not None else None,
        "money_gap_text": _money_text(money, lcu),
        "status": r.status, "status_label": STATUS_LABELS.get(r.status, r.status),
        "status_reason": r.status_reason or "", "source_url": r.source_url or "",
        "source_site": urlparse(r.source_url).netloc.removeprefix("www.") if r.source_url else "",
        "assumptions": " | ".join(r.assumptions or []),
    }


def _money_text(money: dict | None, lcu: float | None) -> str:
    """"GBP 4.2bn a year in 2027", "none (above target)" or "—"."""
    if not money or lcu is None:
        return "—"
    if lcu <= 0:
        return "none (above target)"
    usd = _num(money.get("usd_million"))
    usd_text = f" (US${usd / 1000:,.1f}bn)" if usd is not None and money.get("currency") != "USD" else ""
    return f"{money.get('currency', '')} {lcu / 1000:,.1f}bn{usd_text} in {money.get('year')}"


def _num(value: object) -> float | None:
    """A finite float or None (NaN, None and non-numbers are missing)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) or math.isinf(number) else number


def _round(value: float | None, digits: int) -> float | None:
    return round(value, digits) if value is not None else None
