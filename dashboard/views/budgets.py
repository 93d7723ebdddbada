"""The governments' published budgets: every country's newest figure (the Budgets page), one
country's figures (the Country page), and where a budget and NATO's figure part.

``BudgetList`` holds the Budgets page's rows, grid records, search text and CSV, built once per
``ViewData`` (and again each day: a figure's age counts from today). A country's *newest*
figure is its latest fiscal year's, the law or outturn before a draft or plan of the same year;
its change is on the same definition's figure of the year before (the law or outturn first).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dashboard.model.budgets import DEFINITION_LABELS, DEFINITION_SHORT, NATO_BASIS, STAGE_ORDER, Budget, bridge_ratio
from dashboard.model.panel import Series
from dashboard.views.labels import source_line
from dashboard.views.pledges import MAX_SHOWN_ROWS
from dashboard.views.pledges import _md as markdown_label
from dashboard.views.tabular import comment_line, records_csv

CSV_COLUMNS: tuple[str, ...] = (
    "iso3", "country", "id", "fiscal_year", "fiscal_year_label", "stage", "amount", "currency", "unit",
    "lcu_million", "change_pct", "change_on", "share_gdp_pct", "share_gdp_stated", "share_gdp_method",
    "definition", "document_publisher", "document_title", "document_date", "document_url", "url_checked",
    "age_months",
)
SEARCHED: tuple[str, ...] = ("country", "iso3", "stage_label", "definition_label", "publisher")
NOTE = ("Budgets: data/budgets.yaml, each figure from the government's own document or a report quoting it; "
        "shares of GDP as the government states them, else computed (amount ÷ projected GDP).")


@dataclass(frozen=True)
class BudgetRow:
    """A country's newest published figure, with the one it is compared with."""

    iso3: str
    name: str
    budget: Budget
    previous: Budget | None       # the same definition's figure for the year before
    age_months: int | None       # None: the document shows no date

    @property
    def change_pct(self) -> float | None:
        """Nominal change on the previous year's figure, per cent (same currency only)."""
        prev = self.previous
        now = self.budget.lcu_million
        if (prev is None or prev.currency != self.budget.currency or not prev.lcu_million or now is None
                or self.budget.not_comparable):
            return None
        return (now / prev.lcu_million - 1.0) * 100.0


def newest(figures: Sequence[Budget], today: dt.date | None = None) -> Budget | None:
    """The latest fiscal year's budget — an outturn, an act, a bill, a request or the plan in
    force; a plan for later years is a path, not a budget — up to next year's; within a year the
    law or outturn before a bill."""
    figures = [b for b in figures if (b.stage != "plan" or b.in_force)
               and (today is None or b.year <= today.year + 1)]
    if not figures:
        return None
    year = max(b.year for b in figures)
    return min((b for b in figures if b.year == year), key=lambda b: (STAGE_ORDER[b.stage], b.definition))


def previous(figures: Sequence[Budget], b: Budget) -> Budget | None:
    """The same definition's figure for the year before (the law or outturn first), or None."""
    found = [f for f in figures if f.definition == b.definition and f.year == b.year - 1]
    return min(found, key=lambda f: STAGE_ORDER[f.stage]) if found else None


def months_since(day: dt.date | None, today: dt.date) -> int | None:
    """Whole months from ``day`` to ``today`` (None for an undated document)."""
    if day is None:
        return None
    return max(0, (today.year - day.year) * 12 + today.month - day.month - (today.day < day.day))


@dataclass
class BudgetList:
    """Everything the Budgets page looks up, computed once."""

    rows: list[BudgetRow]
    records: list[dict[str, Any]] = field(default_factory=list)
    search: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, budgets: Mapping[str, Sequence[Budget]], name: Callable[[str], str],
              today: dt.date) -> BudgetList:
        """One row per country with a published figure, by name."""
        rows = []
        for iso3, figures in budgets.items():
            top = newest(figures, today)
            if top is not None:
                rows.append(BudgetRow(iso3, name(iso3), top, previous(figures, top),
                                      months_since(top.document.date, today)))
        rows.sort(key=lambda r: r.name)
        records = [record(r) for r in rows]
        search = [" ".join(str(rec[k]) for k in SEARCHED).lower() for rec in records]
        return cls(rows, records, search)

    def matching(self, q: str) -> list[int]:
        """Row positions whose text holds every word of ``q`` (all rows for an empty search)."""
        words = q.lower().split()
        return [i for i, text in enumerate(self.search) if all(w in text for w in words)]

    def shown_positions(self, shown: object) -> list[int]:
        """Row positions of the grid's shown rows, in the grid's order (unknown rows ignored)."""
        where = {r.iso3: i for i, r in enumerate(self.rows)}
        out: list[int] = []
        if not isinstance(shown, list):
            return out
        for item in shown[:MAX_SHOWN_ROWS]:
            code = item.get("iso3") if isinstance(item, dict) else None
            if isinstance(code, str) and code in where and where[code] not in out:
                out.append(where[code])
        return out

    def csv(self, keep: Sequence[int]) -> str:
        """The rows at ``keep`` as CSV, the source line first."""
        rows = [csv_row(self.rows[i]) for i in keep]
        return comment_line(self.source_text(keep)) + "\n" + records_csv(CSV_COLUMNS, rows)

    def source_pairs(self, keep: Iterable[int]) -> list[tuple[str, str]]:
        """(source, edition) of the rows at ``keep``: each figure's document (the page's data age)."""
        return [("national", self.rows[i].budget.edition) for i in keep]

    def source_text(self, keep: Sequence[int]) -> str:
        """The source line of the rows at ``keep``."""
        return source_line([("national", None)], NOTE)


def record(r: BudgetRow) -> dict[str, Any]:
    """A grid row: every column the page shows, with its display text."""
    b = r.budget
    change = r.change_pct
    return {
        "iso3": r.iso3, "country": r.name, "country_link": f"[{markdown_label(r.name)}](/country/{r.iso3})",
        "year": b.year, "year_label": b.year_label, "stage": b.stage, "stage_label": b.stage_label,
        "lcu_million": b.lcu_million, "amount_text": b.amount_text(),
        "change_pct": None if change is None else round(change, 1),
        "change_text": ("not comparable (a one-off)" if b.not_comparable else "—" if change is None
                        else f"{change:+.1f}% on {r.previous.year_label if r.previous else ''}"),
        "share_pct": None if b.share is None else round(b.share, 2),
        "share_text": "—" if b.share is None else f"{b.share:.2f}%" + ("" if b.share_stated is not None else " (computed)"),
        "share_tip": b.share_method, "definition": b.definition, "definition_label": DEFINITION_LABELS[b.definition],
        "publisher": b.document.publisher,
        "document_link": f"[{markdown_label(b.document.title)}]({b.document.url})",
        "date": "" if b.document.date is None else b.document.date.isoformat(), "age_months": r.age_months,
        "age_text": "undated" if r.age_months is None else f"{r.age_months} month{'s' if r.age_months != 1 else ''}",
    }


def csv_row(r: BudgetRow) -> dict[str, object]:
    """A CSV line's fields (``CSV_COLUMNS``)."""
    b, doc = r.budget, r.budget.document
    change = r.change_pct
    return {"iso3": r.iso3, "country": r.name, "id": b.id, "fiscal_year": b.year, "fiscal_year_label": b.year_label,
            "stage": b.stage, "amount": b.amount, "currency": b.currency, "unit": b.unit,
            "lcu_million": None if b.lcu_million is None else round(b.lcu_million, 3), "change_pct": None if change is None else round(change, 2),
            "change_on": r.previous.id if r.previous else "", "share_gdp_pct": None if b.share is None else round(b.share, 4),
            "share_gdp_stated": b.share_stated, "share_gdp_method": b.share_method, "definition": b.definition,
            "document_publisher": doc.publisher, "document_title": doc.title, "document_date": "" if doc.date is None else doc.date.isoformat(),
            "document_url": doc.url, "url_checked": doc.url_checked, "age_months": r.age_months}


# ---- one country (the Country page) -------------------------------------------------------------

def country_rows(figures: Sequence[Budget], today: dt.date) -> list[dict[str, Any]]:
    """The country's figures, newest first, as the Country page's table lists them."""
    return [{"year": b.year_label, "stage": b.stage_label + (" in force" if b.under_way else ""),
             "amount": b.amount_text(),
             "share": b.share_text() or "—", "share_tip": b.share_method,
             "definition": DEFINITION_LABELS[b.definition], "document": b.document.title,
             "publisher": b.document.publisher, "url": b.document.url, "date": b.document.date,
             "date_text": b.document.date_text(), "age_months": months_since(b.document.date, today),
             "age_text": _age_text(months_since(b.document.date, today)), "notes": b.notes}
            for b in sorted(figures, key=lambda b: (-b.year, STAGE_ORDER[b.stage], b.definition))]


def _age_text(months: int | None) -> str:
    """``8 months``; ``undated``."""
    return "undated" if months is None else f"{months} month{'s' if months != 1 else ''}"


def definition_gap(figures: Sequence[Budget], nato: Series | None, name: str) -> str:
    """How far the government's budget and NATO's figure part in the latest year both exist
    ("" when no year has both): why the two differ is in docs/model.md."""
    best = None
    for definition in dict.fromkeys(b.definition for b in figures if b.definition != "nato"):
        found = bridge_ratio(definition, nato, figures)
        if found is not None and (best is None or found[0] > best[1]):
            best = (definition, found[0], found[1])
    if best is None or nato is None:
        return ""
    definition, year, ratio = best
    value = nato.at(year)
    assert value is not None  # bridge_ratio found NATO's figure for that year
    budget = value / ratio
    return (f"In {year}, the latest year with both, {name}'s own budget ({DEFINITION_SHORT[definition]}) was "
            f"{budget:.2f}% of GDP and NATO's figure {value:.2f}%: NATO's definition counts "
            f"{value - budget:+.2f} points {'more' if value >= budget else 'less'} (pensions, special funds, "
            "paramilitary forces, fiscal years and GDP vintages differ). A later budget on the government's "
            f"definition is put on NATO's by this ratio ({ratio:.3f}) where a NATO-basis pledge rests on it.")


def chart_figures(figures: Sequence[Budget]) -> list[Budget]:
    """The figures the Country chart draws as diamonds: those with a share of GDP on one
    definition — the one with the most years, the closest to NATO's on a tie — so that the
    marks read as one series beside NATO's line; every figure is in the page's table."""
    shared = [b for b in figures if b.share is not None]
    if not shared:
        return []
    years: dict[str, set[int]] = {}
    for b in shared:
        years.setdefault(b.definition, set()).add(b.year)
    # NATO's definition where the government reports on it (two years, one in force): the
    # pledges' own basis; else the best-covered definition
    nato = [b for b in shared if b.definition == "nato"]
    if len(years.get("nato", ())) >= 2 and any(b.in_force for b in nato):
        return nato
    definition = max(years, key=lambda d: (len(years[d]), -NATO_BASIS.index(d) if d in NATO_BASIS else -99))
    return [b for b in shared if b.definition == definition]


# ---- the pack chart: budgets over a few years, the largest changes ---------------------------

def one_definition(figures: Sequence[Budget], first: int, last: int) -> list[Budget]:
    """The country's figures from ``first`` to ``last`` on its best-covered definition, one a year
    (the law or outturn before a draft or plan)."""
    # a one-off inside a figure (a pension buy-out) is not a change in the budget: left out
    window = [b for b in figures if first <= b.year <= last and b.lcu_million is not None and not b.not_comparable]
    if not window:
        return []
    counts: dict[str, set[int]] = {}
    for b in window:
        counts.setdefault(b.definition, set()).add(b.year)
    definition = max(counts, key=lambda d: (len(counts[d]), d == "nato", d))
    by_year: dict[int, Budget] = {}
    for b in sorted((b for b in window if b.definition == definition), key=lambda b: STAGE_ORDER[b.stage]):
        by_year.setdefault(b.year, b)
    chosen = [by_year[y] for y in sorted(by_year)]
    return [b for b in chosen if b.currency == chosen[-1].currency]


def index_lines(budgets: Mapping[str, Sequence[Budget]], members: Sequence[str], name: Callable[[str], str],
                first: int, last: int, top: int) -> list[tuple[str, str, list[Budget]]]:
    """The ``top`` countries of ``members`` whose budgets changed most from their first figure in
    ``first``–``last`` to their last (at least two figures on one definition), largest first."""
    found = []
    for iso3 in members:
        figs = one_definition(budgets.get(iso3, ()), first, last)
        if len(figs) >= 2:
            found.append((figs[-1].lcu / figs[0].lcu, iso3, figs))
    found.sort(key=lambda t: (-t[0], t[1]))
    return [(iso3, name(iso3), figs) for _, iso3, figs in found[:top]]
