"""The Ukraine commitments registry: what governments promised Ukraine (``data/ukraine_commitments.yaml``).

Human-reviewed YAML with the pledge registry's rules (``model.registry``): every entry cites
the government's or publisher's document, says where it stands (``lifecycle``) and fails
with one line naming the entry and the field when something is missing. What was promised
is compared with what the Kiel tracker counts as allocated in ``model.promised``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dashboard.model.registry import (
    DATA_DIR,
    Citation,
    Group,
    Lifecycle,
    RegistryError,
    _choice,
    _citation,
    _date,
    _flag,
    _is_country,
    _lifecycle,
    _number,
    checked_entries,
    text_field,
)

COMMITMENTS_FILE = DATA_DIR / "ukraine_commitments.yaml"
Month = tuple[int, int]

# What a commitment is, and which of Kiel's allocation series it is set against: money for
# weapons against military aid (a contract too: its missiles are military aid when allocated),
# budget support and loans against financial aid. A guarantee or a declaration moves no money
# of its own, so it is listed and never compared.
KINDS: tuple[str, ...] = ("military", "financial", "humanitarian", "loan", "guarantee", "contract", "mixed",
                          "declaration")
COMPARED_WITH: dict[str, str] = {"military": "military", "contract": "military", "financial": "financial",
                                 "loan": "financial", "humanitarian": "humanitarian", "mixed": "total"}
UNITS: dict[str, float] = {"million": 1.0, "billion": 1000.0}
MAX_EVIDENCE = 400     # characters of the document quoted (enough to show the figure, not a copy)
FIELDS = frozenset({"id", "donor", "title", "kind", "amount", "currency", "unit", "per_year", "from", "to",
                    "announced", "lifecycle", "notes", "evidence", "source"})


@dataclass(frozen=True)
class Commitment:
    """One promise to Ukraine: who, how much, of what kind, over which months, and its document."""

    id: str
    donor: str                      # ISO3, EU_INST (the EU institutions) or a group id
    title: str
    kind: str
    start: Month                    # the first month the promise covers (a UK fiscal year: April)
    end: Month | None               # the last month it covers (None: the document names no end)
    announced: dt.date
    source: Citation
    url_checked: bool
    lifecycle: Lifecycle
    amount: float | None = None     # in ``unit`` of ``currency``; None for a declaration or guarantee
    currency: str | None = None     # ISO 4217
    unit: str | None = None         # million | billion
    per_year: bool = False          # the amount is promised every year of the period
    notes: str = ""
    evidence: str = ""

    @property
    def months(self) -> int | None:
        """Months the promise covers (both ends included); None when it names no end."""
        return None if self.end is None else months_between(self.start, self.end)

    @property
    def total_million(self) -> float | None:
        """The whole promise in millions of ``currency`` (a yearly amount times the period's years)."""
        if self.amount is None or self.unit is None:
            return None
        million = self.amount * UNITS[self.unit]
        if not self.per_year:
            return million
        return million * self.months / 12.0 if self.months is not None else None

    @property
    def compared_with(self) -> str | None:
        """The Kiel series it is set against (``military``, ``financial``…), or None (not money)."""
        return COMPARED_WITH.get(self.kind) if self.amount is not None else None

    @property
    def period_text(self) -> str:
        """``Apr 2024 – Mar 2031`` (``Mar 2025`` for one month; ``from Mar 2025`` with no end)."""
        if self.end is None:
            return f"from {month_text(self.start)}"
        return span_text(self.start, self.end)

    @property
    def amount_text(self) -> str:
        """``GBP 3bn a year`` / ``EUR 90bn`` / ``—`` (no money)."""
        if self.amount is None:
            return "—"
        unit = "bn" if self.unit == "billion" else "m"
        return f"{self.currency} {self.amount:,g}{unit}" + (" a year" if self.per_year else "")


def load_commitments(path: Path = COMMITMENTS_FILE, groups: dict[str, Group] | None = None) -> list[Commitment]:
    """Every commitment, validated, by donor then date announced."""
    out: list[Commitment] = []
    for cid, where, entry in checked_entries(path, "commitment", FIELDS):
        out.append(_commitment(entry, cid, where, groups or {}))
    return sorted(out, key=lambda c: (c.donor, c.announced, c.id))


def _commitment(entry: dict[str, Any], cid: str, where: str, groups: dict[str, Group]) -> Commitment:
    if not entry.get("source"):
        raise RegistryError(f"{where}: no source — every commitment must cite the document that made it")
    donor = text_field(entry, "donor", where)
    if donor not in groups and not _is_country(donor):
        raise RegistryError(f"{where}: donor {donor!r} is neither an ISO3 country, EU_INST nor a group")
    kind = _choice(entry, "kind", KINDS, where)
    amount = _number(entry, "amount", where) if entry.get("amount") is not None else None
    currency, unit = entry.get("currency"), entry.get("unit")
    if kind in COMPARED_WITH and amount is None:
        raise RegistryError(f"{where}: a {kind} commitment needs an amount")
    if amount is not None:
        if amount <= 0:
            raise RegistryError(f"{where}: amount {amount} must be positive")
        if not (isinstance(currency, str) and len(currency) == 3 and currency.isupper()) or unit not in UNITS:
            raise RegistryError(f"{where}: an amount needs currency (ISO 4217) and unit (million|billion)")
    start = _month(entry.get("from"), where, "from")
    end = _month(entry["to"], where, "to") if entry.get("to") is not None else None
    if end is not None and end < start:
        raise RegistryError(f"{where}: to {end} is before from {start}")
    source = _citation(entry, where)
    evidence = " ".join(str(entry.get("evidence") or "").split())
    if len(evidence) > MAX_EVIDENCE:
        raise RegistryError(f"{where}: evidence is longer than {MAX_EVIDENCE} characters (quote, do not copy)")
    checked = entry["source"].get("url_checked") if isinstance(entry["source"], dict) else None
    if not isinstance(checked, bool):
        raise RegistryError(f"{where}: source url_checked must be true or false, got {checked!r}")
    return Commitment(
        id=cid, donor=donor, title=text_field(entry, "title", where), kind=kind, start=start, end=end,
        announced=_date(entry.get("announced"), where, "announced"), source=source, url_checked=checked,
        lifecycle=_lifecycle(entry.get("lifecycle"), source, where), amount=amount,
        currency=currency if amount is not None else None, unit=unit if amount is not None else None,
        per_year=_flag(entry, "per_year", where), notes=" ".join(str(entry.get("notes") or "").split()),
        evidence=evidence,
    )


def _month(value: object, where: str, what: str) -> Month:
    """``2024-04`` (YAML may also read a bare year-month as text only: dates are refused)."""
    text = str(value or "")
    try:
        year, month = (int(p) for p in text.split("-"))
    except ValueError:
        raise RegistryError(f"{where}: {what} {value!r} is not a month (YYYY-MM)") from None
    if not 1 <= month <= 12 or not 1990 <= year <= 2100:
        raise RegistryError(f"{where}: {what} {value!r} is not a month (YYYY-MM)")
    return year, month


MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def months_between(first: Month, last: Month) -> int:
    """Months from ``first`` to ``last``, both included."""
    return (last[0] - first[0]) * 12 + last[1] - first[1] + 1


def month_text(month: Month) -> str:
    """``Apr 2024`` (English whatever the locale: strftime's %b is not)."""
    return f"{MONTH_NAMES[month[1] - 1]} {month[0]}"


def span_text(first: Month, last: Month) -> str:
    """``Apr 2024 – Mar 2031``, or one month's text."""
    return month_text(first) if first == last else f"{month_text(first)} – {month_text(last)}"
