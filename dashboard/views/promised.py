"""Promised and delivered: the Ukraine page's table and chart rows, and the Country page's line.

Each commitment in force (``data/ukraine_commitments.yaml``) set against the Kiel release's
allocations (``model.promised``), with the words a reader needs around the numbers: what was
promised, over which months, which part of that Kiel's months cover, what Kiel counts as
allocated in them, and the exchange rate used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dashboard.model import promised as model
from dashboard.model.commitments import Month, span_text

if TYPE_CHECKING:
    from dashboard.model.commitments import Commitment
    from dashboard.views.ukraine import UkraineViews

KIND_LABELS: dict[str, str] = {"military": "military aid", "financial": "financial aid", "humanitarian":
                               "humanitarian aid", "total": "aid of every kind"}
# What the pro-rata promise means, said under the chart, in the table and in the CSV's source line.
METHOD = ("Promised to date: the promise spread evenly over its months, counted to the release's last month. "
          "Allocated: every allocation Kiel counts for the donor, of the same type (military, financial…), in "
          "the same months — from any programme, so it can exceed one promise. Amounts in other currencies are "
          "converted to euro at the snapshot's own rates (NATO's, else SIPRI's, implied by each country's "
          "defence spending in its currency and in US$); a year without a rate uses the latest earlier one.")
COLUMNS: tuple[str, ...] = (
    "commitment", "donor_iso3", "donor", "title", "kind", "amount", "currency", "unit", "per_year", "from", "to",
    "announced", "promised_eur_million", "compared_with", "months_compared", "compared_from", "compared_to",
    "promised_to_date_eur_million", "allocated_eur_million", "allocated_pct_of_promised_to_date",
    "eur_per_unit", "rate_year", "rate_basis", "not_compared_because", "source_publisher", "source_title",
    "source_url", "source_date", "url_checked")


@dataclass(frozen=True)
class Promise:
    """A commitment compared, with the donor's name and a short label for the chart's axis."""

    comparison: model.Comparison
    donor: str           # display name
    label: str           # "United Kingdom: GBP 3bn a year"

    @property
    def commitment(self) -> Commitment:
        """The registry entry."""
        return self.comparison.commitment


def promises(views: UkraineViews) -> tuple[Promise, ...]:
    """Every commitment in force, compared, by donor name, then date announced."""
    aid = views.require()
    commitments = list(views.commitments)
    out = []
    for comparison in model.compare_all(commitments, aid, views.panel):
        c = comparison.commitment
        name = views.donor_name(c.donor)
        out.append(Promise(comparison, name, f"{name}: {c.amount_text}" if c.amount is not None else name))
    return tuple(sorted(out, key=lambda p: (p.donor, p.commitment.announced, p.commitment.id)))


def compared(items: tuple[Promise, ...]) -> tuple[Promise, ...]:
    """The promises with a comparison (money, months in the release), largest promise to date first."""
    return tuple(sorted((p for p in items if p.comparison.allocated_eur is not None),
                        key=lambda p: (-(p.comparison.promised_to_date_eur or 0.0), p.commitment.id)))


def rows(items: tuple[Promise, ...]) -> tuple[dict[str, object], ...]:
    """The table and CSV: one row per commitment, every number with its basis."""
    out: list[dict[str, object]] = []
    for p in items:
        c, cmp = p.commitment, p.comparison
        rate = cmp.rate
        out.append({
            "commitment": c.id, "donor_iso3": c.donor, "donor": p.donor, "title": c.title, "kind": c.kind,
            "amount": c.amount, "currency": c.currency, "unit": c.unit, "per_year": c.per_year,
            "from": _month(c.start), "to": _month(c.end) if c.end else "", "announced": c.announced.isoformat(),
            "promised_eur_million": _round(cmp.promised_eur), "compared_with": c.compared_with or "",
            "months_compared": cmp.months_covered,
            "compared_from": _month(cmp.window[0]) if cmp.window else "",
            "compared_to": _month(cmp.window[1]) if cmp.window else "",
            "promised_to_date_eur_million": _round(cmp.promised_to_date_eur),
            "allocated_eur_million": _round(cmp.allocated_eur),
            "allocated_pct_of_promised_to_date": _round(cmp.delivered_pct, 1),
            "eur_per_unit": round(rate.eur_per_unit, 6) if rate else None,
            "rate_year": rate.year if rate else None, "rate_basis": rate.basis if rate else "",
            "not_compared_because": cmp.reason, "source_publisher": c.source.publisher,
            "source_title": c.source.title, "source_url": c.source.url, "source_date": c.source.date.isoformat(),
            "url_checked": c.url_checked,
        })
    return tuple(out)


def sentence(p: Promise, release: str) -> str:
    """One promise in words: "United Kingdom promised GBP 3bn a year of military aid, Apr 2024 –
    Mar 2031 (€24.8bn); for Apr 2024 – Apr 2026 that is €6.5bn pro rata, and Kiel counts €7.2bn
    of military aid allocated (111 %)."."""
    c, cmp = p.commitment, p.comparison
    promised = f" (€{cmp.promised_eur / 1000:,.1f}bn)" if cmp.promised_eur is not None and c.currency != "EUR" else ""
    head = f"{p.donor}: {c.title} — {c.amount_text}, {c.period_text}{promised}"
    if cmp.allocated_eur is None or cmp.window is None or cmp.promised_to_date_eur is None:
        return f"{head}; not compared: {cmp.reason}."
    kind = KIND_LABELS.get(c.compared_with or "", "aid")
    pct = f" ({cmp.delivered_pct:,.0f} % of it)" if cmp.delivered_pct is not None else ""
    stand_in = f"; {cmp.rate.year}'s exchange rate" if cmp.rate and cmp.rate.stand_in else ""
    return (f"{head}; for {span_text(*cmp.window)} that is €{cmp.promised_to_date_eur / 1000:,.2f}bn pro rata, and "
            f"Kiel ({release}) counts €{cmp.allocated_eur / 1000:,.2f}bn of {kind} allocated{pct}{stand_in}.")


def summary(items: tuple[Promise, ...], release: str) -> str:
    """The chart's text summary: how many promises Kiel's allocations reach, then each in a few
    words (allocated of promised to date), then how many are listed but not compared."""
    shown = compared(items)
    if not shown:
        return "No commitment in the registry overlaps the months of the Kiel release."
    reached = sum(1 for p in shown if (p.comparison.delivered_pct or 0.0) >= 100.0)
    each = "; ".join(f"{p.donor}, {p.commitment.amount_text} ({p.commitment.period_text}): "
                     f"€{(p.comparison.allocated_eur or 0.0) / 1000:,.2f}bn of €"
                     f"{(p.comparison.promised_to_date_eur or 0.0) / 1000:,.2f}bn" for p in shown)
    rest = len(items) - len(shown)
    tail = (f" {rest} more are listed in the table, not compared: a declaration or guarantee moves no money of "
            "its own, and a promise with no end month cannot be spread over months.") if rest else ""
    return (f"{len(shown)} commitments compared with what {release} counts as allocated in the same months: "
            f"allocations reach the promise to date for {reached} of them. Allocated of promised to date — "
            f"{each}.{tail}")


def _month(month: Month) -> str:
    return f"{month[0]}-{month[1]:02d}"


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)
