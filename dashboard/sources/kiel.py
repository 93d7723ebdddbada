"""Kiel Institute, Ukraine Support Tracker: the six CSV files the tracker's website reads.

One release is six files in one folder, read together: ``release_info.csv`` names the
release (its number, data period and publication date: the edition of every row);
``data_explorer.csv`` holds each donor's allocations per month (military, financial,
humanitarian), commitments and the still-to-be-allocated change; ``total_allocations.csv``
the same for all donors together; ``procurement_trends.csv`` all donors' military aid by
how it was sourced; ``weapons.csv`` heavy weapons by donor name and category (cumulative);
``eu_aid_shares.csv`` EU-level aid attributed to the member states (cumulative). Money is
published in EUR billion (weapons: EUR) and stored in EUR million like the rest of the table.

Columns are checked by content as well as by name, since two money headers swapped would
move figures without a word: each total is its three kinds added up, military is the kind
``procurement_trends.csv`` breaks down, humanitarian the smallest, and the all-donor file is
its donors' sum column by column.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import requests

from dashboard import http
from dashboard.countries import map_names
from dashboard.errors import SourceError, UnmappedCountryError
from dashboard.provenance import SIDECAR_SUFFIX, RawFile, SourceInfo
from dashboard.rawcache import RawCache
from dashboard.schema import tidy
from dashboard.sources import fetch_each, read_limited

SOURCE = "kiel"

INFO = SourceInfo(
    name=SOURCE,
    publisher="Kiel Institute for the World Economy",
    title="Ukraine Support Tracker",
    url="https://www.ifw-kiel.de/topics/war-against-ukraine/ukraine-support-tracker/",
    licence="Free to use with citation of the Kiel Institute (no licence file in the publisher's repository)",
    citation="Trebesch, C. et al., \"The Ukraine Support Tracker: Which countries help Ukraine and how?\", "
             "Kiel Working Paper 2218, Kiel Institute for the World Economy; cite the release number.",
)

# Where the tracker's website reads its files (SOURCES.md); the release workbook itself is
# on the Institute's page.
BASE_URL = "https://raw.githubusercontent.com/UkraineSupportTrackerWebsite/ukraine-support-tracker/main/data/"
RELEASE_FILE = "release_info.csv"
DATA_FILES: tuple[str, ...] = ("data_explorer.csv", "total_allocations.csv", "procurement_trends.csv",
                               "weapons.csv", "eu_aid_shares.csv")
FILES: tuple[str, ...] = (RELEASE_FILE, *DATA_FILES)
# The raw cache names a second, different download of the same day "name-2.csv".
CACHED_NAME = re.compile(r"(?P<stem>[a-z_]+)(-\d+)?\.csv")

# The columns of each file, as published (the first row, quoted).
HEADERS: dict[str, tuple[str, ...]] = {
    RELEASE_FILE: ("release", "period", "date", "label"),
    "data_explorer.csv": ("country", "iso", "year", "month", "total", "financial", "humanitarian", "military",
                          "commitments", "to_be_allocated", "gdp", "pct_gdp"),
    "total_allocations.csv": ("year", "month", "total_allocations", "military", "financial", "humanitarian"),
    "procurement_trends.csv": ("year", "month", "stockpile", "procurement", "unspecified", "nato_purl"),
    "weapons.csv": ("donor", "category", "number_of_weapons", "monetary_value_eur", "weapons_list"),
    "eu_aid_shares.csv": ("country", "iso", "bilateral_pct_gdp", "eu_share_pct_gdp", "total_pct_gdp",
                          "eu_share_bn"),
}

EUR_MILLION_PER_BILLION = 1000.0     # Kiel publishes EUR billion; the table holds EUR million
EUR_PER_MILLION = 1e6                # weapons.csv values are in EUR
# No donor, nor all donors together, has allocated anywhere near EUR 1,000 bn in a month (the
# largest all-donor month is ~EUR 23 bn): values this large are EUR million written where billions belong.
MAX_MONTHLY_EUR_BN = 1000.0
# The largest economy's 2021 GDP is ~EUR 20,000 bn: larger "gdp" values are not billions.
MAX_GDP_EUR_BN = 100_000.0
# A heavy weapon costs thousands of euros at the very least: less per item means billions
# were written where euros belong.
MIN_EUR_PER_WEAPON = 100.0
# Kiel's pct_gdp is that month's total / the donor's 2021 GDP × 100; checked to this tolerance
# (percentage points), which catches a total or a GDP in the wrong unit.
PCT_GDP_TOLERANCE = 1e-4
# total_allocations.csv is the sum of data_explorer.csv's donors, month by month, in each of its
# four money columns (EUR bn; Release 29's largest difference is 4e-15, float rounding).
SUM_TOLERANCE_BN = 1e-4

# The three kinds of aid both monthly files publish; "total" is their sum. Two of these headers
# swapped leave every total and every sum right and move the figures silently, so the columns
# are also told apart by what they hold (_check_kinds).
AID_KINDS: tuple[str, ...] = ("military", "financial", "humanitarian")
# Each row's total is its three kinds added up. Kiel prints 6 decimals (EUR 1,000); Release 29's
# largest difference is 9e-16 bn on a donor row and 3e-15 on an all-donor row: this leaves room for
# the printed parts' rounding, not for a column holding something else.
PARTS_TOLERANCE_BN = 1e-5
# procurement_trends.csv breaks all donors' military aid down by how it was sourced. Its months do
# not match the military column exactly (Release 29: 2.1 EUR bn apart in the worst month, 8.6 summed
# over the 52 months: the two breakdowns date some aid differently), but military is by far the
# closest of the three kinds (financial: 127.6 apart, humanitarian: 143.3). Another kind closer to the
# sourcing than the "military" column is means the two headers are swapped.
SOURCED_KIND = "military"
# Humanitarian aid is much the smallest kind over a release, which runs from 2022-01 (Release 29:
# EUR 25.7 bn, financial 159.7, military 173.0), though not in every month or year (2026: 2.3 against
# financial 2.0). A kind smaller than the "humanitarian" column means the two headers are swapped.
SMALLEST_KIND = "humanitarian"

# Kiel codes that are not ISO 3166: the EU institutions (Commission and Council) are the
# dashboard's EU_INST, the same body as SIPRI's "European Union" row.
CODE_OVERRIDES: dict[str, str] = {"EU": "EU_INST"}
# The EU institutions have no GDP: Kiel prints 0 for their "gdp" and "pct_gdp", which is not
# a share; no GDP row is stored for them and their pct_gdp is not checked.
NO_GDP: frozenset[str] = frozenset({"EU_INST"})
# All donors together (total_allocations.csv, procurement_trends.csv): a documented aggregate.
ALL_DONORS = "UST_ALL"
ALL_DONORS_NAME = "All donors (Kiel Ukraine Support Tracker)"
GDP_YEAR = 2021   # Kiel's GDP basis: every donor's 2021 GDP

# Columns → indicators (money columns in EUR billion).
MONTHLY_DONOR: dict[str, str] = {
    "total": "ukraine_aid_total", "military": "ukraine_aid_military", "financial": "ukraine_aid_financial",
    "humanitarian": "ukraine_aid_humanitarian", "commitments": "ukraine_aid_commitments",
    "to_be_allocated": "ukraine_aid_to_allocate",
}
MONTHLY_ALL: dict[str, str] = {
    "total_allocations": "ukraine_aid_total", "military": "ukraine_aid_military",
    "financial": "ukraine_aid_financial", "humanitarian": "ukraine_aid_humanitarian",
}
SOURCING: dict[str, str] = {
    "stockpile": "ukraine_aid_military_stockpile", "procurement": "ukraine_aid_military_procurement",
    "unspecified": "ukraine_aid_military_unspecified", "nato_purl": "ukraine_aid_military_purl",
}
WEAPON_CATEGORIES: dict[str, str] = {
    "Tanks": "tanks", "IFV": "ifv", "Howitzers": "howitzers", "MLRS": "mlrs", "Air Defense": "air_defense",
}
EU_SHARES: dict[str, str] = {
    "bilateral_pct_gdp": "ukraine_aid_share_gdp2021",
    "eu_share_pct_gdp": "ukraine_aid_eu_attributed_share_gdp2021",
    "total_pct_gdp": "ukraine_aid_with_eu_share_gdp2021",
}
EUR_MILLION = "EUR million"
PCT_GDP2021 = "percent of 2021 GDP"


# All donors' money per month and column (EUR bn): {(year, month): {column: value}}.
Months = dict[tuple[int, int], dict[str, float]]


@dataclass(frozen=True)
class Release:
    """What ``release_info.csv`` says: release number, data period, publication date."""

    number: int
    year: int      # the data period: the last month the release covers
    month: int
    date: str      # ISO publication date
    label: str

    @property
    def edition(self) -> str:
        """``2026-08-04 R29``: sorts by date, says the release number."""
        return f"{self.date} R{self.number}"


def discover(folder: Path) -> list[Path]:
    """The tracker's CSV files under ``folder`` (the release file of each folder first)."""
    found = [p for p in folder.rglob("*.csv")
             if p.is_file() and not p.name.endswith(SIDECAR_SUFFIX) and _role(p) is not None]
    return sorted(found, key=lambda p: (str(p.parent), FILES.index(_role(p) or RELEASE_FILE), p.name))


def parse(raw: RawFile) -> pd.DataFrame:
    """Tidy rows of one of the six files (the release named by ``release_info.csv`` beside it)."""
    role = _role(raw.path)
    if role is None:
        raise SourceError(SOURCE, raw.path, f"not one of the tracker's files ({', '.join(FILES)})")
    release = read_release(raw.path.parent)
    if role == RELEASE_FILE:
        empty = tidy([])
        empty.attrs["edition"] = release.edition  # no figures, but the datapackage names its release
        return empty
    rows = _table(raw.path, role)
    reader = {"data_explorer.csv": _donor_months, "total_allocations.csv": _all_donor_months,
              "procurement_trends.csv": _sourcing, "weapons.csv": _weapons, "eu_aid_shares.csv": _eu_shares}[role]
    return tidy(reader(rows, release, raw))


def fetch(sess: requests.Session, cache: RawCache) -> list[Path]:
    """Download the six files of the current release, each checked before it is stored."""
    def one(name: str) -> Path:
        url = BASE_URL + name
        try:
            resp = http.get(sess, url)
        except http.HttpError as exc:
            raise SourceError(SOURCE, url, str(exc).removeprefix(f"{url}: ")) from None
        _table_from(resp.content, url, name)  # the layout, before anything is stored
        return cache.store(INFO, name, resp.content, url, extra={"format": "csv"})

    return fetch_each(SOURCE, BASE_URL, FILES, one, what="file(s)")


# ---- reading ---------------------------------------------------------------------------------

def read_release(folder: Path) -> Release:
    """The release described by ``release_info.csv`` in ``folder`` (one-line error if absent or odd)."""
    path = _release_path(folder)
    return _release(path, path.stat().st_mtime_ns)


def _release_path(folder: Path) -> Path:
    candidates = sorted(p for p in folder.glob("release_info*.csv") if _role(p) == RELEASE_FILE)
    if not candidates:
        raise SourceError(SOURCE, folder, f"no {RELEASE_FILE} beside the tracker's files: the release "
                          "(edition) of their figures is unknown")
    return candidates[-1]


@lru_cache(maxsize=16)
def _release(path: Path, _mtime: int) -> Release:
    rows = _table(path, RELEASE_FILE)
    if len(rows) != 1:
        raise SourceError(SOURCE, path, f"{len(rows)} releases described; expected exactly one")
    row = rows[0]
    number = _int(row["release"], path, "release")
    period = re.fullmatch(r"(\d{2})/(\d{4})", row["period"].strip())
    if not period or not 1 <= int(period.group(1)) <= 12:
        raise SourceError(SOURCE, path, f"period {row['period'][:20]!r} is not MM/YYYY")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["date"].strip()):
        raise SourceError(SOURCE, path, f"date {row['date'][:20]!r} is not an ISO date")
    if not re.search(rf"\bRelease {number}(?!\d)", row["label"]):
        raise SourceError(SOURCE, path, f"label {row['label'][:60]!r} names another release than {number}")
    return Release(number, int(period.group(2)), int(period.group(1)), row["date"].strip(), row["label"].strip())


def _role(path: Path) -> str | None:
    """Which of the six files ``path`` is (by name, allowing the raw cache's "-2" suffix)."""
    match = CACHED_NAME.fullmatch(path.name)
    name = f"{match['stem']}.csv" if match else ""
    return name if name in FILES else None


def _table(path: Path, role: str) -> list[dict[str, str]]:
    return _table_from(read_limited(SOURCE, path), path, role)


def _table_from(content: bytes, where: Path | str, role: str) -> list[dict[str, str]]:
    """The file's rows as dicts, after checking it is the published CSV with the expected header."""
    head = content.lstrip()[:200].lower()
    if head.startswith((b"<!doctype", b"<html", b"<?xml", b"<")):
        raise SourceError(SOURCE, where, "an HTML page, not the tracker's CSV (an error page saved as .csv?)")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError(SOURCE, where, "not UTF-8 text: not the tracker's CSV") from None
    if not text.strip():
        raise SourceError(SOURCE, where, "empty file")
    reader = csv.reader(io.StringIO(text))
    header = tuple(h.strip() for h in next(reader))
    expected = HEADERS[role]
    missing = [c for c in expected if c not in header]
    if missing:
        raise SourceError(SOURCE, where, f"no column {missing[0]!r} (columns: {', '.join(header)[:200]}): "
                          "the layout changed (its figures would be lost)")
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not cells:
            continue
        if len(cells) != len(header):
            raise SourceError(SOURCE, where, f"line {number} has {len(cells)} fields, the header {len(header)}: "
                              "the file is cut short or damaged")
        rows.append(dict(zip(header, cells)))
    if not text.endswith(("\n", "\r")):
        raise SourceError(SOURCE, where, "the last line is unfinished: the file is cut short")
    return rows


def _number(text: str, where: Path, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise SourceError(SOURCE, where, f"{what}: {text[:20]!r} is not a number") from None
    if not math.isfinite(value):
        raise SourceError(SOURCE, where, f"{what}: {text[:20]!r} is not a finite number")
    return value


def _int(text: str, where: Path, what: str) -> int:
    value = _number(text, where, what)
    if value != int(value):
        raise SourceError(SOURCE, where, f"{what}: {text[:20]!r} is not a whole number")
    return int(value)


def _year_month(row: dict[str, str], path: Path, release: Release, line: str) -> tuple[int, int]:
    year, month = _int(row["year"], path, f"{line} year"), _int(row["month"], path, f"{line} month")
    if not 1 <= month <= 12:
        raise SourceError(SOURCE, path, f"{line}: month {month} (months are 1–12)")
    if (year, month) > (release.year, release.month) or year < 2022:
        raise SourceError(SOURCE, path, f"{line}: {year}-{month:02d} is outside Release {release.number}'s "
                          f"period (2022-01 to {release.year}-{release.month:02d}): a file of another release?")
    return year, month


def _check_runs_to(last: tuple[int, int], release: Release, path: Path) -> None:
    """A monthly file ends at the release's period; earlier, it is cut short or of another release."""
    if last != (release.year, release.month):
        raise SourceError(SOURCE, path, f"runs to {last[0]}-{last[1]:02d}, but {RELEASE_FILE} names Release "
                          f"{release.number} ({release.month:02d}/{release.year}): a file cut short, or files of "
                          "different releases?")


def _billions(value: float, path: Path, what: str) -> float:
    """An all-donor month in EUR billion (larger values are EUR million written where billions belong)."""
    if abs(value) > MAX_MONTHLY_EUR_BN:
        raise SourceError(SOURCE, path, f"{what} {value:g}: the tracker publishes EUR billion (a file in EUR "
                          "million?)")
    return value


def _row(release: Release, raw: RawFile, iso3: str, country: str, year: int, month: int | None,
         indicator: str, value: float, unit: str) -> dict[str, object]:
    return {"source": SOURCE, "edition": release.edition, "iso3": iso3, "country": country, "year": year,
            "month": month, "indicator": indicator, "value": value, "unit": unit, "price_base": "current",
            "estimate": False, "flags": "", "retrieved": raw.retrieved}


def _code(iso: str, name: str, path: Path) -> str:
    """A Kiel donor code as the dashboard's code (ISO3, or a documented override)."""
    import pycountry

    code = CODE_OVERRIDES.get(iso.strip(), iso.strip())
    country = pycountry.countries.get(alpha_3=code)
    if code in CODE_OVERRIDES.values() or (country is not None and country.alpha_3 == code):  # not "dnk"
        return code
    raise UnmappedCountryError(f"{SOURCE} ({path.name}): donor code {iso[:10]!r} ({name[:40]!r}) maps to no "
                               "country; add it to CODE_OVERRIDES in dashboard/sources/kiel.py "
                               "(its aid would be lost)")


# ---- the files ---------------------------------------------------------------------------------

def _donor_months(rows: list[dict[str, str]], release: Release, raw: RawFile) -> list[dict[str, object]]:
    path, out = raw.path, []
    seen: set[tuple[str, int, int]] = set()
    gdp: dict[str, float] = {}
    months: Months = {}
    last = (0, 0)
    for number, row in enumerate(rows, start=2):
        line = f"line {number}"
        iso3 = _code(row["iso"], row["country"], path)
        year, month = _year_month(row, path, release, line)
        last = max(last, (year, month))
        if (iso3, year, month) in seen:
            raise SourceError(SOURCE, path, f"{line}: {row['country']} {year}-{month:02d} appears twice")
        seen.add((iso3, year, month))
        values = {col: _number(row[col], path, f"{line} {col}") for col in (*MONTHLY_DONOR, "gdp", "pct_gdp")}
        if max(abs(values[c]) for c in MONTHLY_DONOR) > MAX_MONTHLY_EUR_BN or values["gdp"] > MAX_GDP_EUR_BN:
            raise SourceError(SOURCE, path, f"{line}: {row['country']} {year}-{month:02d} has values in the "
                              "millions: the tracker publishes EUR billion (a file in EUR million?)")
        _check_parts(values, "total", path, f"{line}: {row['country']} {year}-{month:02d}")
        _add(months, (year, month), values)
        if iso3 not in NO_GDP:
            if gdp.setdefault(iso3, values["gdp"]) != values["gdp"]:
                raise SourceError(SOURCE, path, f"{line}: {row['country']}'s 2021 GDP differs between months")
            if values["gdp"] <= 0:
                raise SourceError(SOURCE, path, f"{line}: {row['country']} has no 2021 GDP")
            if abs(values["total"] / values["gdp"] * 100 - values["pct_gdp"]) > PCT_GDP_TOLERANCE:
                raise SourceError(SOURCE, path, f"{line}: {row['country']} {year}-{month:02d}: pct_gdp "
                                  f"{values['pct_gdp']:g} is not total / gdp: a column in another unit?")
        for col, indicator in MONTHLY_DONOR.items():
            out.append(_row(release, raw, iso3, row["country"], year, month, indicator,
                            values[col] * EUR_MILLION_PER_BILLION, EUR_MILLION))
    _check_runs_to(last, release, path)
    _check_kinds(months, release, path, "summed over donors")
    names = {r["iso3"]: r["country"] for r in out}
    out += [_row(release, raw, iso3, str(names[iso3]), GDP_YEAR, None, "gdp_eur", value * EUR_MILLION_PER_BILLION,
                 EUR_MILLION) for iso3, value in gdp.items()]
    return out


def _all_donor_months(rows: list[dict[str, str]], release: Release, raw: RawFile) -> list[dict[str, object]]:
    path, out, last = raw.path, [], (0, 0)
    months: Months = {}
    for number, row in enumerate(rows, start=2):
        year, month = _year_month(row, path, release, f"line {number}")
        last = max(last, (year, month))
        if (year, month) in months:
            raise SourceError(SOURCE, path, f"line {number}: {year}-{month:02d} appears twice")
        values = {col: _billions(_number(row[col], path, f"line {number} {col}"), path, f"line {number}: {col}")
                  for col in MONTHLY_ALL}
        months[(year, month)] = values
        for col, indicator in MONTHLY_ALL.items():
            out.append(_row(release, raw, ALL_DONORS, ALL_DONORS_NAME, year, month, indicator,
                            values[col] * EUR_MILLION_PER_BILLION, EUR_MILLION))
    _check_runs_to(last, release, path)
    for (year, month), values in months.items():   # a header swap first, by the file's own content
        _check_parts(values, "total_allocations", path, f"{year}-{month:02d}", swaps_only=True)
    _check_kinds(months, release, path, "all donors")
    donors = _donor_sums(path.parent / "data_explorer.csv")
    if donors is not None:
        _check_donor_sums(months, donors, path)
    for (year, month), values in months.items():
        _check_parts(values, "total_allocations", path, f"{year}-{month:02d}")
    return out


def _donor_sums(path: Path) -> Months | None:
    """data_explorer.csv's money columns summed over donors per month (None when the file is absent)."""
    if not path.is_file():
        return None
    sums: Months = {}
    for row in _table(path, "data_explorer.csv"):
        key = (_int(row["year"], path, "year"), _int(row["month"], path, "month"))
        _add(sums, key, {col: _number(row[col], path, col) for col in ("total", *AID_KINDS)})
    return sums


def _check_donor_sums(months: Months, donors: Months, path: Path) -> None:
    """Each month of total_allocations.csv, column by column, is the sum of data_explorer.csv's donors."""
    for (year, month), values in months.items():
        summed = donors.get((year, month), {})
        total = values["total_allocations"]
        if abs(summed.get("total", 0.0) - total) > SUM_TOLERANCE_BN:
            raise SourceError(SOURCE, path, f"{year}-{month:02d}: all donors {total:g} EUR bn, but the donors in "
                              f"data_explorer.csv sum to {summed.get('total', 0.0):g}: files of different "
                              "releases?")
        for kind in AID_KINDS:
            if abs(summed.get(kind, 0.0) - values[kind]) <= SUM_TOLERANCE_BN:
                continue
            twin = next((k for k in AID_KINDS if abs(summed.get(k, 0.0) - values[kind]) <= SUM_TOLERANCE_BN), None)
            why = (f" and their {twin} to {values[kind]:g}: are the headers '{kind}' and '{twin}' swapped in one "
                   "of the two files?") if twin else ": files of different releases?"
            raise SourceError(SOURCE, path, f"{year}-{month:02d}: all donors' {kind} {values[kind]:g} EUR bn, but "
                              f"the donors' {kind} in data_explorer.csv sums to {summed.get(kind, 0.0):g}{why}")


def _sourcing_sums(path: Path, release: Release) -> dict[tuple[int, int], float] | None:
    """procurement_trends.csv's military aid per month, its ways of sourcing added up (None when absent)."""
    if not path.is_file():
        return None
    months = _sourcing_months(_table(path, "procurement_trends.csv"), release, path)
    return {key: sum(values.values()) for key, values in months.items()}


def _check_kinds(months: Months, release: Release, path: Path, who: str) -> None:
    """Military is the kind procurement_trends.csv breaks down, humanitarian the smallest: else two headers
    are swapped (ties pass: a release too small to tell them apart is not refused)."""
    sourcing = _sourcing_sums(path.parent / "procurement_trends.csv", release)
    if sourcing is not None:
        keys = months.keys() | sourcing.keys()
        gaps = {kind: sum(abs(months.get(key, {}).get(kind, 0.0) - sourcing.get(key, 0.0)) for key in keys)
                for kind in AID_KINDS}
        closest = min(AID_KINDS, key=gaps.__getitem__)
        if gaps[closest] < gaps[SOURCED_KIND]:
            raise SourceError(SOURCE, path, f"column '{SOURCED_KIND}' ({who}) is {gaps[SOURCED_KIND]:g} EUR bn "
                              "away from procurement_trends.csv's military aid (months' differences added up), "
                              f"column '{closest}' only {gaps[closest]:g}: are the headers '{SOURCED_KIND}' and "
                              f"'{closest}' swapped?")
    sums = {kind: sum(values.get(kind, 0.0) for values in months.values()) for kind in AID_KINDS}
    smallest = min(AID_KINDS, key=sums.__getitem__)
    if sums[smallest] < sums[SMALLEST_KIND]:
        raise SourceError(SOURCE, path, f"column '{SMALLEST_KIND}' ({who}) adds up to {sums[SMALLEST_KIND]:g} EUR bn "
                          f"over the release, more than column '{smallest}' ({sums[smallest]:g}), but humanitarian "
                          f"aid is the smallest kind: are the headers '{SMALLEST_KIND}' and '{smallest}' swapped?")


def _check_parts(values: dict[str, float], total: str, path: Path, where: str, swaps_only: bool = False) -> None:
    """A row's total is its three kinds added up; if not, name the kinds its header may have swapped with
    (``swaps_only``: stay silent when no swap explains it, for a later check to say why)."""
    parts = sum(values[kind] for kind in AID_KINDS)
    if abs(values[total] - parts) <= PARTS_TOLERANCE_BN:
        return
    twins = [k for k in AID_KINDS  # the row adds up once that kind's and the total's values trade places
             if abs(values[k] - (parts - values[k] + values[total])) <= PARTS_TOLERANCE_BN]
    if swaps_only and not twins:
        return
    why = (f"are the headers '{total}' and {' or '.join(repr(k) for k in twins)} swapped?" if twins
           else "a column holds something else?")
    raise SourceError(SOURCE, path, f"{where}: {total} {values[total]:g} is not military + financial + "
                      f"humanitarian ({parts:g}): {why}")


def _add(months: Months, key: tuple[int, int], values: dict[str, float]) -> None:
    """Add a row's money columns to its month's sums."""
    month = months.setdefault(key, {})
    for col in ("total", *AID_KINDS):
        if col in values:
            month[col] = month.get(col, 0.0) + values[col]


def _sourcing(rows: list[dict[str, str]], release: Release, raw: RawFile) -> list[dict[str, object]]:
    out = []
    for (year, month), values in _sourcing_months(rows, release, raw.path).items():
        for col, indicator in SOURCING.items():
            out.append(_row(release, raw, ALL_DONORS, ALL_DONORS_NAME, year, month, indicator,
                            values[col] * EUR_MILLION_PER_BILLION, EUR_MILLION))
    return out


def _sourcing_months(rows: list[dict[str, str]], release: Release, path: Path) -> Months:
    """procurement_trends.csv's ways of sourcing per month, checked (EUR bn): its own parse and the
    checks of the monthly files beside it read it alike, so a fault in it is reported as its own."""
    months: Months = {}
    for number, row in enumerate(rows, start=2):
        year, month = _year_month(row, path, release, f"line {number}")
        if (year, month) in months:
            raise SourceError(SOURCE, path, f"line {number}: {year}-{month:02d} appears twice")
        months[(year, month)] = {col: _billions(_number(row[col], path, f"line {number} {col}"), path,
                                                f"line {number}: {col}") for col in SOURCING}
    _check_runs_to(max(months, default=(0, 0)), release, path)
    return months


def _weapons(rows: list[dict[str, str]], release: Release, raw: RawFile) -> list[dict[str, object]]:
    path = raw.path
    codes = map_names((r["donor"] for r in rows), SOURCE, path.name)
    out, seen = [], set()
    for number, row in enumerate(rows, start=2):
        line = f"line {number}"
        category = WEAPON_CATEGORIES.get(row["category"].strip())
        if category is None:
            raise SourceError(SOURCE, path, f"{line}: category {row['category'][:30]!r} is not one of "
                              f"{', '.join(WEAPON_CATEGORIES)}")
        iso3 = codes[row["donor"]]
        if (iso3, category) in seen:
            raise SourceError(SOURCE, path, f"{line}: {row['donor']} {row['category']} appears twice")
        seen.add((iso3, category))
        count = _int(row["number_of_weapons"], path, f"{line} number_of_weapons")
        value = _number(row["monetary_value_eur"], path, f"{line} monetary_value_eur")
        if count < 0 or value < 0:
            raise SourceError(SOURCE, path, f"{line}: a negative count or value")
        if value and count and value / count < MIN_EUR_PER_WEAPON:
            raise SourceError(SOURCE, path, f"{line}: {row['donor']} {row['category']}: {value:g} for {count} "
                              "weapons: values are in EUR (a file in EUR billion?)")
        when = (release.year, release.month)
        out.append(_row(release, raw, iso3, row["donor"], *when, f"ukraine_weapons_{category}_count", float(count),
                        "items"))
        out.append(_row(release, raw, iso3, row["donor"], *when, f"ukraine_weapons_{category}_value",
                        value / EUR_PER_MILLION, EUR_MILLION))
    return out


def _eu_shares(rows: list[dict[str, str]], release: Release, raw: RawFile) -> list[dict[str, object]]:
    path, out = raw.path, []
    when = (release.year, release.month)
    for number, row in enumerate(rows, start=2):
        line = f"line {number}"
        iso3 = _code(row["iso"], row["country"], path)
        shares = {col: _number(row[col], path, f"{line} {col}") for col in EU_SHARES}
        for col, indicator in EU_SHARES.items():
            out.append(_row(release, raw, iso3, row["country"], *when, indicator, shares[col], PCT_GDP2021))
        billions = _number(row["eu_share_bn"], path, f"{line} eu_share_bn")
        if billions > MAX_MONTHLY_EUR_BN:
            raise SourceError(SOURCE, path, f"{line}: eu_share_bn {billions:g}: the tracker publishes EUR billion")
        out.append(_row(release, raw, iso3, row["country"], *when, "ukraine_aid_eu_attributed",
                        billions * EUR_MILLION_PER_BILLION, EUR_MILLION))
    return out
