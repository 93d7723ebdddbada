"""IMF World Economic Outlook through the DataMapper API (one JSON answer per indicator).

An answer is ``{"values": {IND: {ISO3: {"2027": v, ...}}}, "api": {...}}``. It carries
neither the WEO release nor which years are projections nor country names, so those
come from named rules below (edition from the retrieval date, projections from the
edition year, names from ISO 3166).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pycountry
import requests

from dashboard import http
from dashboard.currencies import currency_code, is_currency_unit, unit_for
from dashboard.errors import SourceError
from dashboard.provenance import SIDECAR_SUFFIX, RawFile, SourceInfo
from dashboard.rawcache import RawCache
from dashboard.schema import tidy
from dashboard.sources import fetch_each, read_limited

SOURCE = "imf"

INFO = SourceInfo(
    name=SOURCE,
    publisher="International Monetary Fund",
    title="World Economic Outlook (DataMapper)",
    url="https://www.imf.org/external/datamapper",
    licence="IMF copyright and usage terms (free reuse with attribution)",
    citation="International Monetary Fund, World Economic Outlook database, via the IMF "
             "DataMapper API, https://www.imf.org/external/datamapper.",
)

API_URL = "https://www.imf.org/external/datamapper/api/v1/{indicator}"
FILE_PREFIX = "imf-weo-"  # saved answers: imf-weo-<IND>.json


@dataclass(frozen=True)
class Series:
    """How one WEO indicator becomes one tidy indicator."""

    indicator: str
    unit: str  # "<CUR>" is the country's currency on the edition date
    factor: float  # published value * factor = value in ``unit``


# WEO publishes money in billions; converted once, here, to millions.
INDICATOR_MAP: dict[str, Series] = {
    "NGDP": Series("gdp_lcu", "<CUR> million", 1e3),
    "NGDPD": Series("gdp_usd", "US$ million", 1e3),
    "NGDP_RPCH": Series("gdp_real_change", "percent", 1.0),
    "NGDP_D": Series("gdp_deflator", "index", 1.0),
}

# NGDP is in each country's currency as of the release: the WEO restates a new euro
# member's whole series in euro (Croatia from the April 2023 WEO), which
# currencies.currency_code gives when asked for the currency on the edition date.
# Countries whose currency is unknown there are dropped from NGDP (never guessed).

# The WEO is released in April and October; the API does not say which release it
# serves, so the edition is the latest release month not after the retrieval month
# (retrieved 2026-11-25 → "2026-10"; 2026-02-03 → "2025-10"). A retrieval in early
# April, before that month's release, is labelled with the April release.
WEO_RELEASE_MONTHS: tuple[int, ...] = (4, 10)

# The API does not mark projections. In a WEO, the year of the release and every later
# year are projections (the previous year is partly estimated but mostly actual), so
# years >= the edition's year are flagged estimate=True.

# The API mixes countries with regions and groups (EURO, ADVEC, OEMDC...). Kept: codes
# pycountry knows, plus the IMF's own codes for economies with no ISO alpha-3, mapped.
IMF_CODE_OVERRIDES: dict[str, str] = {
    "UVK": "XKX",  # Kosovo: IMF's code; XKX everywhere else in the dashboard
    "WBG": "PSE",  # West Bank and Gaza: ISO 3166 Palestine
}
COUNTRY_NAME_OVERRIDES: dict[str, str] = {"XKX": "Kosovo"}

PRICE_BASE = "current"  # NGDP/NGDPD are current prices; growth and deflator have none


def discover(folder: Path) -> list[Path]:
    """Saved DataMapper answers (``imf-weo-<IND>*.json``) under ``folder``."""
    found: set[Path] = set()
    for indicator in INDICATOR_MAP:
        for path in folder.rglob(f"{FILE_PREFIX}{indicator}*.json"):
            if not path.is_dir() and not path.name.endswith(SIDECAR_SUFFIX):
                found.add(path)
    return sorted(found)


def parse(raw: RawFile) -> pd.DataFrame:
    """Tidy rows of one saved DataMapper answer (indicator taken from its ``values`` key)."""
    values = _values(read_limited(SOURCE, raw.path), raw.path)
    edition = weo_edition(raw.retrieved)
    first_projection = int(edition[:4])
    rows: list[dict] = []
    for code, series in values.items():
        spec = INDICATOR_MAP[code]
        if not isinstance(series, dict):
            raise SourceError(SOURCE, raw.path, f"values of {code} are not keyed by country")
        for imf_code, by_year in series.items():
            iso3 = _country(imf_code)
            if iso3 is None:
                continue  # a region or group
            unit = _unit(spec.unit, iso3, edition)
            if unit is None:
                continue  # NGDP of a country whose currency is not listed
            if not isinstance(by_year, dict):
                raise SourceError(SOURCE, raw.path, "year values are not an object", where=f"{code}/{imf_code}")
            for year_text, value in by_year.items():
                if value is None:
                    continue
                try:
                    year, number = int(year_text), float(value) * spec.factor
                except (TypeError, ValueError):
                    raise SourceError(SOURCE, raw.path, f"bad year/value {year_text!r}: {value!r}",
                                      where=f"{code}/{imf_code}") from None
                rows.append({
                    "source": SOURCE, "edition": edition, "iso3": iso3, "country": _name(iso3),
                    "year": year, "indicator": spec.indicator, "value": number, "unit": unit,
                    "price_base": PRICE_BASE, "estimate": year >= first_projection, "flags": "",
                    "retrieved": raw.retrieved,
                })
    return tidy(rows)


def fetch(sess: requests.Session, cache: RawCache) -> list[Path]:
    """Download each indicator's answer into the cache; report all failures at the end."""
    def one(indicator: str) -> Path:
        url = API_URL.format(indicator=indicator)
        content = http.get(sess, url).content
        _values(content, url)  # never store an answer that parse would reject
        return cache.store(INFO, f"{FILE_PREFIX}{indicator}.json", content, url, extra={"format": "imf-datamapper-v1"})

    return fetch_each(SOURCE, "https://www.imf.org/external/datamapper/api/v1", INDICATOR_MAP, one)


def weo_edition(retrieved: str) -> str:
    """The WEO release ("YYYY-MM") current on an ISO retrieval date."""
    year, month = int(retrieved[:4]), int(retrieved[5:7])
    earlier = [m for m in WEO_RELEASE_MONTHS if m <= month]
    if earlier:
        return f"{year}-{max(earlier):02d}"
    return f"{year - 1}-{max(WEO_RELEASE_MONTHS):02d}"


def _values(content: bytes, where: Path | str) -> dict:
    """The ``values`` object of an answer, checked; SourceError on anything else."""
    try:
        body = json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SourceError(SOURCE, where, f"not JSON ({exc})") from None
    if not isinstance(body, dict) or not isinstance(body.get("values"), dict) or not body["values"]:
        raise SourceError(SOURCE, where, "answer has no 'values' (unknown indicator?)")
    unknown = [k for k in body["values"] if k not in INDICATOR_MAP]
    if unknown:
        raise SourceError(SOURCE, where, f"indicator(s) {unknown} not mapped by this loader")
    return body["values"]


def _country(imf_code: str) -> str | None:
    """Our ISO3 for an IMF code, or None for a region/group."""
    if imf_code in IMF_CODE_OVERRIDES:
        return IMF_CODE_OVERRIDES[imf_code]
    if len(imf_code) == 3 and pycountry.countries.get(alpha_3=imf_code) is not None:
        return imf_code
    return None


def _unit(unit: str, iso3: str, edition: str) -> str | None:
    """``unit`` with its currency filled in, or None if the currency is unknown."""
    if not is_currency_unit(unit):
        return unit
    currency = currency_code(iso3, dt.date.fromisoformat(f"{edition}-01"))
    if currency is None:
        return None
    return unit_for(unit, currency)


def _name(iso3: str) -> str:
    """A country name (the answer carries none): ISO 3166's common or short name."""
    if iso3 in COUNTRY_NAME_OVERRIDES:
        return COUNTRY_NAME_OVERRIDES[iso3]
    country = pycountry.countries.get(alpha_3=iso3)
    assert country is not None, iso3  # _country keeps only codes pycountry knows (or overridden above)
    return getattr(country, "common_name", None) or country.name
