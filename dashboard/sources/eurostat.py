"""Eurostat GOV_EV (defence expenditure within COFOG 02), JSON-stat 2.0.

JSON-stat stores a cube: ``id`` names the dimensions in order, ``size`` their lengths,
each dimension's ``category.index`` gives a category's position, and ``value`` holds
the observations by row-major flat index — a sparse dict keyed by the index as a
string, or a dense list. ``status`` (dict or list, same indexing) holds flags.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path

import pandas as pd
import requests

from dashboard import http
from dashboard.countries import iso2_to_iso3
from dashboard.currencies import currency_code, is_currency_unit, unit_for
from dashboard.errors import SourceError
from dashboard.provenance import SIDECAR_SUFFIX, RawFile, SourceInfo
from dashboard.rawcache import RawCache
from dashboard.schema import tidy
from dashboard.sources import read_limited

SOURCE = "eurostat"

INFO = SourceInfo(
    name=SOURCE,
    publisher="Eurostat",
    title="Expenditure variables supporting the implementation of the EU economic "
          "governance framework (GOV_EV)",
    url="https://ec.europa.eu/eurostat/databrowser/view/gov_ev/default/table",
    licence="Eurostat reuse policy (CC BY 4.0), attribution required",
    citation="Eurostat, dataset GOV_EV, doi:10.2908/GOV_EV, "
             "https://ec.europa.eu/eurostat/databrowser/view/gov_ev/default/table.",
)

API_URL = "https://ec.europa.eu/eurostat/api/dissemination/statistics/1.0/data/gov_ev"
API_PARAMS: dict[str, str] = {"format": "JSON", "expend": "DEF"}  # defence only (COFOG 02)
FILE_GLOB = "gov_ev*.json"

# (na_item, unit) → (tidy indicator, unit). TE = total general government expenditure
# on defence; P51G = its gross fixed capital formation (defence investment).
# "<CUR>" is the country's currency on the edition date.
INDICATOR_MAP: dict[tuple[str, str], tuple[str, str]] = {
    ("TE", "PC_GDP"): ("milex_share_gdp", "percent of GDP"),
    ("TE", "MIO_EUR"): ("milex_eur", "EUR million"),
    ("TE", "MIO_NAC"): ("milex_lcu", "<CUR> million"),
    ("P51G", "PC_GDP"): ("defence_investment_share_gdp", "percent of GDP"),
    ("P51G", "MIO_EUR"): ("defence_investment_eur", "EUR million"),
    ("P51G", "MIO_NAC"): ("defence_investment_lcu", "<CUR> million"),
}
# Dimensions read; any other dimension (freq, expend) must have a single category.
NA_ITEM, UNIT, GEO, TIME = "na_item", "unit", "geo", "time"

# MIO_NAC is in each member's currency on the edition date: Eurostat restates a new
# euro member's whole series in euro (in the edition updated 2026-04-27, Bulgaria's and
# Croatia's MIO_NAC equal their MIO_EUR for 2021-2025), which currencies.currency_code
# gives when asked for the currency on the edition date.

# Eurostat aggregates other than EU27_2020 (euro area EA, EA19, EA20, EU28, EU27_2007...):
# not carried by the dashboard, so skipped rather than reported as unknown countries.
# Only codes of these documented forms are skipped; any other unknown code fails.
SKIPPED_GEOS = re.compile(r"EA\d*|EU\d+(_\d{4})?")

# Status codes are Eurostat's: "p" provisional, "e" estimated, "b" break, "d"
# definition differs... A status containing ESTIMATE_FLAG marks an estimate.
ESTIMATE_FLAG = "e"

PRICE_BASE = "current"


def discover(folder: Path) -> list[Path]:
    """Saved GOV_EV answers (``gov_ev*.json``) under ``folder``."""
    return sorted(p for p in folder.rglob(FILE_GLOB)
                  if not p.is_dir() and not p.name.endswith(SIDECAR_SUFFIX))


def parse(raw: RawFile) -> pd.DataFrame:
    """Tidy rows of one GOV_EV JSON-stat 2.0 file."""
    path = raw.path
    data = _dataset(read_limited(SOURCE, path), path)
    edition = str(data.get("updated", ""))[:10]
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", edition):
        raise SourceError(SOURCE, path, f"no 'updated' date (got {edition!r})")
    ids, size = data["id"], data["size"]
    categories = [_categories(data, dim, n, path) for dim, n in zip(ids, size)]
    for name in (NA_ITEM, UNIT, GEO, TIME):
        if name not in ids:
            raise SourceError(SOURCE, path, f"no dimension {name!r} (have {ids})")
    for dim, cats in zip(ids, categories):
        if dim not in (NA_ITEM, UNIT, GEO, TIME) and len(cats) != 1:
            raise SourceError(SOURCE, path, f"dimension {dim!r} has {len(cats)} categories; expected 1")
    _check_categories(ids, categories, path)
    labels = data["dimension"][GEO]["category"].get("label", {})
    status = data.get("status") or {}
    positions = {dim: ids.index(dim) for dim in (NA_ITEM, UNIT, GEO, TIME)}
    geo_codes: dict[str, str | None] = {}
    rows: list[dict] = []
    for flat, value in _observations(data["value"], math.prod(size), path):
        coords = _unravel(flat, size)
        cat = {dim: categories[i][coords[i]] for dim, i in positions.items()}
        mapped = INDICATOR_MAP.get((cat[NA_ITEM], cat[UNIT]))
        if mapped is None:
            continue  # a na_item/unit pair the dashboard does not use
        geo = cat[GEO]
        if geo not in geo_codes:
            geo_codes[geo] = _iso3(geo, path)
        iso3 = geo_codes[geo]
        if iso3 is None:
            continue
        indicator, unit = mapped
        flags = _status(status, flat)
        rows.append({
            "source": SOURCE, "edition": edition, "iso3": iso3, "country": labels.get(geo, geo),
            "year": _year(cat[TIME], path), "indicator": indicator, "value": float(value),
            "unit": _unit(unit, iso3, edition, path), "price_base": PRICE_BASE,
            "estimate": ESTIMATE_FLAG in flags, "flags": flags, "retrieved": raw.retrieved,
        })
    return tidy(rows)


def _check_categories(ids: list[str], categories: list[list[str]], path: Path) -> None:
    """At least one na_item/unit pair the dashboard reads is in the file.

    A file may hold a subset (an API query can ask for less), so a single missing pair is
    not an error here; a pair that an earlier build had and this file lacks (a renamed
    category) is caught by the build's comparison with the snapshot it replaces.
    """
    present = {dim: set(cats) for dim, cats in zip(ids, categories)}
    if not any(na in present[NA_ITEM] and unit in present[UNIT] for na, unit in INDICATOR_MAP):
        raise SourceError(SOURCE, path, f"none of the na_item/unit pairs the dashboard reads is in the file "
                          f"(na_item {sorted(present[NA_ITEM])[:4]}, unit {sorted(present[UNIT])[:4]}); "
                          "all its figures would be lost")


def _year(code: str, path: Path) -> int:
    """An annual time code ("2024") as int; other frequencies are not this dataset's."""
    if not re.fullmatch(r"\d{4}", str(code)):
        raise SourceError(SOURCE, path, f"time code {str(code)[:20]!r} is not a year (annual data expected)")
    return int(code)


def fetch(sess: requests.Session, cache: RawCache) -> list[Path]:
    """Download GOV_EV (defence) as JSON-stat into the cache, checked before storing."""
    url = API_URL
    try:
        resp = http.get(sess, url, params=API_PARAMS)
    except http.HttpError as exc:
        raise SourceError(SOURCE, url, str(exc).removeprefix(f"{url}: ")) from None
    _dataset(resp.content, resp.url or url)
    return [cache.store(INFO, "gov_ev-defence.json", resp.content, resp.url or url,
                        extra={"format": "json-stat-2.0"})]


def _dataset(content: bytes, where: Path | str) -> dict:
    """The parsed JSON-stat dataset, checked for the keys parse needs; else SourceError."""
    try:
        data = json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SourceError(SOURCE, where, f"not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise SourceError(SOURCE, where, "not a JSON-stat dataset (top level is not an object)")
    if "error" in data:
        raise SourceError(SOURCE, where, f"Eurostat error: {_error_text(data['error'])}")
    missing = [k for k in ("id", "size", "value", "dimension") if k not in data]
    if missing:
        raise SourceError(SOURCE, where, f"not a JSON-stat dataset (no {', '.join(missing)})")
    ids, size = data["id"], data["size"]
    if not (isinstance(ids, list) and isinstance(size, list) and all(isinstance(n, int) for n in size)):
        raise SourceError(SOURCE, where, "JSON-stat 'id'/'size' are not lists")
    if len(ids) != len(size):
        raise SourceError(SOURCE, where,
                          f"JSON-stat size {size} does not match id {ids} ({len(size)} vs {len(ids)} dimensions)")
    return data


def _error_text(error: object) -> str:
    """One line from Eurostat's error object (a dict, or a list of them)."""
    items = error if isinstance(error, list) else [error]
    parts = []
    for item in items:
        if isinstance(item, dict):
            parts.append(f"{item.get('label', '')} (status {item.get('status', '?')}, id {item.get('id', '?')})")
        else:
            parts.append(str(item))
    return "; ".join(parts).replace("\n", " ")


def _categories(data: dict, dim: str, n: int, path: Path) -> list[str]:
    """A dimension's category codes in index order; SourceError if it disagrees with size."""
    try:
        index = data["dimension"][dim]["category"]["index"]
    except (KeyError, TypeError):
        raise SourceError(SOURCE, path, f"dimension {dim!r} has no category index") from None
    if isinstance(index, list):  # JSON-stat allows an array of codes in order
        codes = list(index)
    else:
        codes = [code for code, _ in sorted(index.items(), key=lambda kv: kv[1])]
    if len(codes) != n:
        raise SourceError(SOURCE, path, f"JSON-stat size {n} of {dim!r} does not match its {len(codes)} categories")
    return codes


def _observations(value: object, total: int, path: Path) -> list[tuple[int, float]]:
    """(flat index, value) pairs of a sparse dict or dense list, checked against ``total``."""
    if isinstance(value, dict):
        try:
            pairs = [(int(k), v) for k, v in value.items()]
        except ValueError:
            raise SourceError(SOURCE, path, "JSON-stat value keys are not integers") from None
    elif isinstance(value, list):
        if len(value) != total:
            raise SourceError(SOURCE, path, f"JSON-stat size product {total} does not match "
                                            f"{len(value)} dense values")
        pairs = list(enumerate(value))
    else:
        raise SourceError(SOURCE, path, "JSON-stat 'value' is neither an object nor an array")
    out = []
    for flat, v in pairs:
        if not 0 <= flat < total:
            raise SourceError(SOURCE, path, f"JSON-stat size product {total} does not match flat index {flat}")
        if v is None:
            continue
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            raise SourceError(SOURCE, path, f"non-numeric value {v!r}", where=f"index {flat}")
        out.append((flat, v))
    return sorted(out)


def _unravel(flat: int, size: list[int]) -> list[int]:
    """Row-major coordinates of a flat index (last dimension varies fastest)."""
    coords = [0] * len(size)
    for i in range(len(size) - 1, -1, -1):
        flat, coords[i] = divmod(flat, size[i])
    return coords


def _status(status: object, flat: int) -> str:
    """The status flags at ``flat`` ("" if none)."""
    if isinstance(status, dict):
        return str(status.get(str(flat), "") or "")
    if isinstance(status, list) and flat < len(status):
        return str(status[flat] or "")
    if isinstance(status, str):  # JSON-stat allows one status for every value
        return status
    return ""


def _iso3(geo: str, path: Path) -> str | None:
    """Our code for a geo code; None for skipped aggregates; SourceError if unknown."""
    code = iso2_to_iso3(geo)
    if code is not None:
        return code
    if SKIPPED_GEOS.fullmatch(geo):
        return None
    raise SourceError(SOURCE, path, f"unknown geo code {geo[:12]!r}; add it to EUROSTAT_GEO_OVERRIDES "
                      "(its figures would be lost)")


def _unit(unit: str, iso3: str, edition: str, path: Path) -> str:
    """``unit`` with the national currency filled in (as of the edition date)."""
    if not is_currency_unit(unit):
        return unit
    currency = currency_code(iso3, dt.date.fromisoformat(edition[:10]))
    if currency is None:
        raise SourceError(SOURCE, path, f"no national currency known for {iso3}")
    return unit_for(unit, currency)
