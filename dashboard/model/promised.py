"""Promised against delivered: each commitment to Ukraine set against Kiel's allocations.

For a commitment covering months ``start``–``end`` the comparison takes the months the Kiel
release also covers, and sets side by side:

* **promised to date**: the promise pro rata to those months (a yearly amount: one twelfth a
  month; a sum over a period: evenly over its months) — what would have arrived by now if
  the money flowed evenly;
* **allocated**: what Kiel counts as the donor's allocations of the same type (military,
  financial…) in the same months — from every programme, not only this one, so it can be
  larger than a single promise.

Money is converted to euro at the snapshot's own rates: the publisher's national currency per
US$ implied by the issuing country's defence spending (NATO, else SIPRI) and the euro per US$
implied by Germany's (``model.ukraine.euro_per_usd``); a year the snapshot has no rate for
uses the latest earlier year's, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.model import ukraine
from dashboard.model.commitments import Commitment, Month, months_between
from dashboard.model.panel import Panel

# The country whose defence spending in its own currency and in US$ gives that currency's
# rate (the publisher's yearly average). The euro is 1; the US$ is Germany's rate itself.
CURRENCY_COUNTRY: dict[str, str] = {"GBP": "GBR", "DKK": "DNK", "SEK": "SWE", "NOK": "NOR", "CAD": "CAN",
                                    "JPY": "JPN", "AUD": "AUS", "PLN": "POL", "CHF": "CHE", "CZK": "CZE",
                                    "NZD": "NZL", "KRW": "KOR", "ISK": "ISL", "HUF": "HUN", "RON": "ROU",
                                    "TRY": "TUR", "BGN": "BGR"}
RATE_SOURCES: tuple[str, ...] = ("nato", "sipri")
# How many years back a rate may stand in for a year the snapshot has none for.
RATE_STAND_IN_YEARS = 4


@dataclass(frozen=True)
class Rate:
    """Euro per unit of a currency in a year, and where it comes from."""

    eur_per_unit: float
    year: int           # the year whose rate is used
    basis: str          # "NATO 2024-06: GBP per US$ from its defence spending, …, 2024"
    stand_in: bool      # the wanted year had no rate: ``year`` is earlier
    editions: tuple[tuple[str, str], ...] = ()   # (source, edition) of the series the rate rests on


@dataclass(frozen=True)
class Comparison:
    """One commitment against Kiel's allocations of the same type over the same months."""

    commitment: Commitment
    rate: Rate | None                 # None: the currency could not be converted
    months_covered: int               # months of the promise that the Kiel release covers
    promised_eur: float | None        # the whole promise, EUR million
    promised_to_date_eur: float | None  # pro rata to the months covered, EUR million
    allocated_eur: float | None       # Kiel: the donor's allocations of the type in those months
    window: tuple[Month, Month] | None  # the months compared (None: no overlap, or not money)
    reason: str = ""                  # why nothing is compared, when nothing is

    @property
    def delivered_pct(self) -> float | None:
        """Allocated as a share (%) of the promise to date."""
        if self.allocated_eur is None or not self.promised_to_date_eur:
            return None
        return self.allocated_eur / self.promised_to_date_eur * 100.0


def rate(panel: Panel, currency: str, year: int) -> Rate | None:
    """Euro per unit of ``currency`` in ``year`` (or the latest earlier year the snapshot has)."""
    for y in range(year, year - RATE_STAND_IN_YEARS - 1, -1):
        found = _rate(panel, currency, y)
        if found is not None:
            return Rate(found.eur_per_unit, y, found.basis, y != year, found.editions)
    return None


def _rate(panel: Panel, currency: str, year: int) -> Rate | None:
    if currency == "EUR":
        return Rate(1.0, year, "euro", False)
    euro = ukraine.euro_reference(panel, year)
    if euro is None:
        return None
    per_usd, germany = euro
    reference = (germany.source, germany.edition)
    if currency == "USD":
        return Rate(per_usd, year, f"{germany.label}: euro per US$ (Germany's spending in EUR and US$), {year}",
                    False, (reference,))
    iso3 = CURRENCY_COUNTRY.get(currency)
    if iso3 is None:
        return None
    for source in RATE_SOURCES:
        lcu = panel.series(source, iso3, "milex_lcu", "current")
        usd = panel.series(source, iso3, "milex_usd", "current")
        if lcu is None or usd is None or not lcu.unit.startswith(currency):
            continue
        local, dollars = lcu.at(year), usd.at(year)
        if local and dollars:
            return Rate(per_usd * dollars / local, year,
                        f"{lcu.label}: {currency} per US$ from its defence spending, and {germany.label}'s euro "
                        f"per US$, {year}", False, tuple(dict.fromkeys(((lcu.source, lcu.edition), reference))))
    return None


def compare(commitment: Commitment, aid: ukraine.AidData, panel: Panel) -> Comparison:
    """The commitment against the donor's allocations in the months both cover (see the module)."""
    c = commitment
    conv = rate(panel, c.currency, c.announced.year) if c.currency else None
    total = c.total_million
    promised = total * conv.eur_per_unit if total is not None and conv is not None else None
    kind = c.compared_with
    if kind is None:
        return Comparison(c, conv, 0, promised, None, None, None, f"a {c.kind}: no money of its own to count")
    if conv is None:
        return Comparison(c, None, 0, None, None, None, None, f"no {c.currency} exchange rate in the snapshot")
    if c.end is None or c.months is None:
        return Comparison(c, conv, 0, promised, None, None, None,
                          "the document names no end month, so the promise cannot be spread over months")
    first, last = max(c.start, aid.months[0]), min(c.end, aid.period)
    if first > last:
        why = ("begins after the release's last month" if c.start > aid.period
               else "ended before the release's first month")
        return Comparison(c, conv, 0, promised, None, None, None, why)
    covered = months_between(first, last)
    assert promised is not None
    to_date = promised * covered / c.months
    allocated = sum(v for m, v in aid.monthly(kind, c.donor).items() if first <= m <= last)
    return Comparison(c, conv, covered, promised, to_date, allocated, (first, last))


def compare_all(commitments: list[Commitment], aid: ukraine.AidData, panel: Panel) -> list[Comparison]:
    """Every commitment in force compared (superseded and lapsed ones are history, left out)."""
    return [compare(c, aid, panel) for c in commitments if c.lifecycle.state == "active"]
