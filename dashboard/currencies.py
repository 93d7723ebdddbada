"""ISO 4217 currency codes for a country on a date (units such as ``GBP million``).

Publishers name currencies loosely ("Pounds", "Dollars", "Kunas" for figures SIPRI has
already converted to euro) or not at all. The currency a country used on a date comes
from CLDR (via babel), which knows changeovers such as Croatia's to the euro in 2023;
historical states, which CLDR no longer lists, use the table below.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import pycountry
from babel.numbers import get_territory_currencies

from dashboard.schema import CURRENCY_PLACEHOLDER

# States that no longer exist: the currency they last used.
HISTORICAL_CURRENCIES: dict[str, str] = {
    "SUN": "SUR",    # Soviet rouble
    "YUG": "YUD",    # Yugoslav dinar
    "CSK": "CSK",    # Czechoslovak koruna
    "DDR": "DDM",    # East German mark
    "YEM_N": "YER",  # North Yemeni rial, continued by the Yemeni rial
    "YMD": "YDD",    # South Yemeni dinar
    "XKX": "EUR",    # Kosovo (no ISO country code; uses the euro)
}

# Euro changeovers newer than the CLDR data babel ships (babel 2.18 still gives BGN for
# Bulgaria in 2026). Publishers restate a new member's whole series in euro once it
# joins (Eurostat, the WEO), so the currency "on" a date after this is EUR.
EURO_CHANGEOVERS: dict[str, dt.date] = {"BGR": dt.date(2026, 1, 1)}

# Labels that name a currency outright, whatever the country (SIPRI gives Somalia's and
# Zimbabwe's figures in "US dollars"; the EU institutions' in "Euro").
LABEL_CODES: dict[str, str] = {
    "us dollars": "USD",
    "us dollar": "USD",
    "euro": "EUR",
    "euros": "EUR",
}


@lru_cache(maxsize=2048)
def currency_code(iso3: str, on: dt.date, label: str = "") -> str | None:
    """ISO 4217 code of the currency ``iso3`` used on ``on``, or None if unknown."""
    if iso3 in HISTORICAL_CURRENCIES:
        return HISTORICAL_CURRENCIES[iso3]
    if iso3 in EURO_CHANGEOVERS and on >= EURO_CHANGEOVERS[iso3]:
        return "EUR"
    named = LABEL_CODES.get(" ".join(label.lower().split()))
    if named:
        return named
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:  # an aggregate such as the EU
        return "EUR" if iso3 == "EU27" else None
    candidates = get_territory_currencies(country.alpha_2, on, tender=True)
    if len(candidates) > 1:
        # Several legal tenders (Lesotho: ZAR and LSL; Namibia: ZAR and NAD): a country's
        # own currency's ISO 4217 code starts with its ISO 3166 alpha-2 code.
        own = [c for c in candidates if c.startswith(country.alpha_2)]
        return own[0] if own else candidates[0]
    return candidates[0] if candidates else None


def is_currency_unit(unit: str) -> bool:
    """True for a unit template that names a currency (``"<CUR> million"``)."""
    return CURRENCY_PLACEHOLDER in unit


def unit_for(unit: str, code: str) -> str:
    """``"<CUR> million"`` with the ISO 4217 ``code`` filled in ("GBP million"); other units unchanged."""
    return unit.replace(CURRENCY_PLACEHOLDER, code)
