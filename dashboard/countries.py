"""Country harmonisation: every publisher's names and codes → ISO3 (or a documented code).

Lookups go through pycountry (ISO 3166, kept up to date by its maintainers) and then
this module's small override table. A name that neither knows raises
:class:`UnmappedCountryError` naming it — a country silently dropped would be a number
missing from every chart without anyone noticing.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import pycountry

from dashboard.errors import UnmappedCountryError

# Names publishers use that pycountry does not resolve (or resolves wrongly), with the
# code we use. Historical states take their ISO 3166-3 alpha-3 codes (withdrawn codes
# never reused for another country); Kosovo has no ISO code and takes XKX, the code the
# World Bank, IMF and EU use.
NAME_OVERRIDES: dict[str, str] = {
    "Brunei": "BRN",
    "Cape Verde": "CPV",
    "Congo, DR": "COD",
    "Congo, Republic": "COG",
    "Cote d'Ivoire": "CIV",
    "Côte d'Ivoire": "CIV",
    "Gambia, The": "GMB",
    "Korea, North": "PRK",
    "Korea, South": "KOR",
    "Russia": "RUS",
    "Timor Leste": "TLS",
    "Turkey": "TUR",
    "Türkiye": "TUR",
    "Kosovo": "XKX",
    "USSR": "SUN",             # ISO 3166-3
    "Soviet Union": "SUN",
    "Yugoslavia": "YUG",       # ISO 3166-3 (Socialist Federal Republic, to 1991/92)
    "Czechoslovakia": "CSK",   # ISO 3166-3
    "German Democratic Republic": "DDR",  # ISO 3166-3
    "German DR": "DDR",
    "Yemen, North": "YEM_N",   # Yemen Arab Republic, to 1990 (ISO 3166-3 YE: YEM kept)
    "Yemen, South": "YMD",     # ISO 3166-3: People's Democratic Republic of Yemen
    # SIPRI's "European Union" row is the EU institutions' own military spending (the
    # European Defence Fund, footnote 103), not the sum of the member states.
    "European Union": "EU_INST",
    "North Macedonia": "MKD",
    "Macedonia, FYR": "MKD",
}

# Aggregates and groups published as rows beside countries. Codes are ours and are
# documented here once; the dashboard treats any code in this table as "not a country".
AGGREGATES: dict[str, str] = {
    "World": "WLD",
    "NATO Total": "NATO",
    "NATO Europe and Canada": "NATO_EUR_CAN",
    "European Union - 27 countries (from 2020)": "EU27",
    # every donor the Kiel Ukraine Support Tracker counts, together (its all-donor files)
    "All donors (Kiel Ukraine Support Tracker)": "UST_ALL",
    # SIPRI regions and sub-regions (Regional totals sheet and heading rows)
    "Africa": "SIPRI_AFRICA",
    "North Africa": "SIPRI_N_AFRICA",
    "sub-Saharan Africa": "SIPRI_SS_AFRICA",
    "Sub-Saharan Africa": "SIPRI_SS_AFRICA",
    "Americas": "SIPRI_AMERICAS",
    "Central America and the Caribbean": "SIPRI_C_AMERICA",
    "North America": "SIPRI_N_AMERICA",
    "South America": "SIPRI_S_AMERICA",
    "Asia & Oceania": "SIPRI_ASIA_OCEANIA",
    "Central Asia": "SIPRI_C_ASIA",
    "East Asia": "SIPRI_E_ASIA",
    "South Asia": "SIPRI_S_ASIA",
    "South East Asia": "SIPRI_SE_ASIA",
    "Oceania": "SIPRI_OCEANIA",
    "Europe": "SIPRI_EUROPE",
    "Central Europe": "SIPRI_C_EUROPE",
    "Eastern Europe": "SIPRI_E_EUROPE",
    "Western Europe": "SIPRI_W_EUROPE",
    "Middle East": "SIPRI_MIDDLE_EAST",
}

# Codes for states that no longer exist; kept so their history is not lost.
HISTORICAL: frozenset[str] = frozenset({"SUN", "YUG", "CSK", "DDR", "YEM_N", "YMD"})

# Eurostat uses ISO alpha-2 except for these (EU protocol order codes).
EUROSTAT_GEO_OVERRIDES: dict[str, str] = {"EL": "GRC", "UK": "GBR", "XK": "XKX", "EU27_2020": "EU27"}

# World Bank's own code for an aggregate is prefixed so it cannot collide with ISO3.
WORLD_BANK_AGGREGATE_PREFIX = "WB_"
WORLD_BANK_CODE_OVERRIDES: dict[str, str] = {"WLD": "WLD", "EUU": "EU27"}


def is_aggregate(code: str) -> bool:
    """True for a group/region code (not a single country or historical state)."""
    return (
        code in set(AGGREGATES.values())
        or code.startswith(WORLD_BANK_AGGREGATE_PREFIX)
    )


@lru_cache(maxsize=4096)
def name_to_iso3(name: str) -> str | None:
    """ISO3 (or documented code) for a publisher's country or aggregate name, else None."""
    name = " ".join(name.split())
    if name in AGGREGATES:
        return AGGREGATES[name]
    if name in NAME_OVERRIDES:
        return NAME_OVERRIDES[name]
    try:
        return pycountry.countries.lookup(name).alpha_3
    except LookupError:
        return None


def map_names(names: Iterable[str], source: str, where: str = "") -> dict[str, str]:
    """Map every name to a code; raise naming all unmapped names at once."""
    mapping: dict[str, str] = {}
    unmapped: list[str] = []
    for name in dict.fromkeys(names):
        code = name_to_iso3(name)
        if code is None:
            unmapped.append(name)
        else:
            mapping[name] = code
    if unmapped:
        at = f" ({where})" if where else ""
        raise UnmappedCountryError(
            f"{source}{at}: no ISO3 code for {', '.join(repr(n) for n in unmapped)}; "
            "add it to NAME_OVERRIDES in dashboard/countries.py (its figures would be lost)"
        )
    return mapping


def iso2_to_iso3(code: str) -> str | None:
    """ISO3 for an ISO alpha-2 code (with Eurostat's exceptions), else None."""
    if code in EUROSTAT_GEO_OVERRIDES:
        return EUROSTAT_GEO_OVERRIDES[code]
    country = pycountry.countries.get(alpha_2=code)
    return country.alpha_3 if country else None
