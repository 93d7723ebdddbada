"""Governments' published defence budgets over a few years: one line per country, indexed to its
first figure (pure functions)."""

from __future__ import annotations

from collections.abc import Sequence

from dashboard.figures.common import base_layout, empty_figure, wrap_label
from dashboard.figures.palette import country_colours
from dashboard.model.budgets import Budget

# Filled: law or spent; hollow: a draft, plan or request (as on the Country chart).
SYMBOLS: dict[bool, str] = {True: "circle", False: "circle-open"}


def index_figure(lines: Sequence[tuple[str, str, Sequence[Budget]]], first: int, last: int) -> dict:
    """``lines``: (iso3, name, the country's figures on one definition, by year). Each country's
    amounts as an index of its first figure (= 100), so budgets in different currencies compare."""
    if not lines:
        return empty_figure("No country has two published budget figures on one definition in these years")
    colours = country_colours([iso3 for iso3, _, _ in lines])
    traces = []
    for iso3, name, figures in lines:
        base = figures[0].lcu
        colour = colours[iso3]
        traces.append({
            "type": "scatter", "mode": "lines+markers", "name": name, "legendgroup": iso3,
            "x": [b.year for b in figures], "y": [round(b.lcu / base * 100.0, 2) for b in figures],
            "text": [f"{name} {b.year_label} {b.stage_label}: {b.amount_text()}<br>"
                     f"{wrap_label(b.document.publisher, 48, 2)}, {b.document.date_text()}" for b in figures],
            "line": {"color": colour, "width": 2},
            "marker": {"size": 9, "color": colour, "symbol": [SYMBOLS[b.binding] for b in figures],
                       "line": {"color": colour, "width": 2}},
            "hovertemplate": "%{text}<br>index %{y:.0f}<extra></extra>"})
    layout = base_layout(yaxis_title="Index, each country's first figure = 100", height=520)
    layout["xaxis"].update({"dtick": 1, "range": [first - 0.3, last + 0.3]})
    return {"data": traces, "layout": layout}


def index_summary(lines: Sequence[tuple[str, str, Sequence[Budget]]]) -> str:
    """The chart in words: each country's first and last figure and the change."""
    if not lines:
        return "No country has two published budget figures on one definition in these years."
    parts = [f"{name}: {figs[0].year_label} {figs[0].amount_text()} to {figs[-1].year_label} "
             f"{figs[-1].amount_text()} ({figs[-1].stage_label}), "
             f"{(figs[-1].lcu / figs[0].lcu - 1) * 100:+.0f}%" for _, name, figs in lines]
    return "Defence budgets as governments published them. " + "; ".join(parts) + "."
