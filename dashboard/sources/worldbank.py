"""World Bank World Development Indicators: bulk CSV/zip downloads and saved v2 API answers.

Two raw layouts are read:

- the bulk download (``API_<IND>_DS2_*.zip``, or its data CSV saved bare beside a
  ``Metadata_Country_*.csv``): a four-line preamble, then one row per economy with the
  years as columns;
- a saved answer of the v2 JSON API (``API_<IND>_<date>.json``), written by
  :func:`fetch` when the bulk download fails: ``{"indicator", "lastupdated", "records"}``.

Values are converted once, here, into the units of :mod:`dashboard.schema`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, NoReturn

import pandas as pd
import pycountry
import requests

from dashboard import http
from dashboard.countries import WORLD_BANK_AGGREGATE_PREFIX, WORLD_BANK_CODE_OVERRIDES
from dashboard.errors import SourceError
from dashboard.provenance import SIDECAR_SUFFIX, RawFile, SourceInfo
from dashboard.rawcache import RawCache
from dashboard.schema import tidy
from dashboard.sources import check_member_size, fetch_each, read_limited, reason

SOURCE = "worldbank"

INFO = SourceInfo(
    name=SOURCE,
    publisher="World Bank",
    title="World Development Indicators",
    url="https://data.worldbank.org",
    licence="CC BY 4.0",
    citation="World Bank, World Development Indicators (WDI), https://data.worldbank.org, "
             "licensed under CC BY 4.0.",
)


@dataclass(frozen=True)
class Series:
    """How one WDI indicator becomes one tidy indicator."""

    indicator: str  # dashboard.schema indicator name
    unit: str
    divisor: float  # published value / divisor = value in ``unit``


# WDI code → tidy indicator. WDI publishes money and people in units (US$, persons):
# divided by 1e6 here so every source speaks "US$ million" / "million".
INDICATOR_MAP: dict[str, Series] = {
    "MS.MIL.XPND.GD.ZS": Series("milex_share_gdp", "percent of GDP", 1.0),
    "MS.MIL.XPND.CD": Series("milex_usd", "US$ million", 1e6),
    "MS.MIL.XPND.ZS": Series("milex_share_govt", "percent of government expenditure", 1.0),
    "NY.GDP.MKTP.CD": Series("gdp_usd", "US$ million", 1e6),
    "SP.POP.TOTL": Series("population", "million", 1e6),
}

# WDI series deliberately not loaded, with the reason.
# GDP in local currency: the file never names the currency, and the World Bank restates a
# whole series into a new currency (euro adoption, redenominations) on its own schedule,
# so a country→currency table could silently mislabel every year of a series. The IMF
# (NGDP, with its currency table) supplies gdp_lcu instead.
NOT_LOADED: dict[str, str] = {
    "NY.GDP.MKTP.CN": "GDP in local currency is not loaded: the file does not name the "
                      "currency (gdp_lcu comes from the IMF)",
}

PRICE_BASE = "current"  # every loaded WDI series is in current prices (or not money)

# Bulk CSV layout (checked on the 2024-03 and 2026-02 files): UTF-8 with a BOM, a
# preamble of "Data Source" / blank / "Last Updated Date" / blank, then the header on
# line 5. The header is found by its first cell, not by line number, in case the
# preamble changes length.
CSV_ENCODING = "utf-8-sig"
HEADER_FIRST_CELL = "Country Name"
EDITION_LABEL = "Last Updated Date"
ID_COLUMNS = ("Country Name", "Country Code", "Indicator Name", "Indicator Code")
YEAR_HEADER = re.compile(r"\d{4}")
MAX_PREAMBLE_LINES = 20  # a header further down than this means the layout has changed

# Country metadata: an economy whose Region is empty is an aggregate (World, income
# groups, regions, IDA/IBRD...).
METADATA_PREFIX = "Metadata_Country_"
METADATA_CODE, METADATA_REGION = "Country Code", "Region"

# WDI economies with no ISO 3166 code that are nevertheless single economies, not
# aggregates: Kosovo (XKX, also used by the IMF and the EU) and the Channel Islands (CHI).
NON_ISO_ECONOMIES: frozenset[str] = frozenset({"XKX", "CHI"})

# WDI's aggregates (the economies whose Region is empty in the Country metadata of the
# 2024-03 and 2026-02 bulk files): regions, income and lending groups, the world. A file
# read without its metadata may name only these besides ISO economies; a new aggregate
# fails the build, naming it, until it is added here.
WORLD_BANK_AGGREGATES: frozenset[str] = frozenset({
    "AFE", "AFW", "ARB", "CEB", "CSS", "EAP", "EAR", "EAS", "ECA", "ECS", "EMU", "EUU", "FCS", "HIC",
    "HPC", "IBD", "IBT", "IDA", "IDB", "IDX", "LAC", "LCN", "LDC", "LIC", "LMC", "LMY", "LTE", "MEA",
    "MIC", "MNA", "NAC", "OED", "OSS", "PRE", "PSS", "PST", "SAS", "SSA", "SSF", "SST", "TEA", "TEC",
    "TLA", "TMN", "TSA", "TSS", "UMC", "WLD",
})
# The v2 API leaves countryiso3code empty for a few aggregates and names them by the
# World Bank's 2-character id only: "XY" is "Not classified".
WORLD_BANK_AGGREGATE_IDS: frozenset[str] = frozenset({"XY"})

ZIP_MAGIC = b"PK\x03\x04"  # every zip starts with a local file header

# Bulk download (a zip of the data CSV + metadata CSVs) and the v2 JSON API.
BULK_URL = "https://api.worldbank.org/v2/en/indicator/{indicator}?downloadformat=csv"
API_URL = "https://api.worldbank.org/v2/country/all/indicator/{indicator}"
# The API accepts large pages; one indicator is ~17,000 records (266 economies × 65
# years), so two pages at most in practice.
API_PER_PAGE = 10_000
API_MAX_PAGES = 50  # a guard against a server that keeps announcing more pages


def discover(folder: Path) -> list[Path]:
    """Bulk zips/CSVs and saved API answers of the loaded indicators under ``folder``."""
    found: set[Path] = set()
    for indicator in INDICATOR_MAP:
        for pattern in (f"API_{indicator}_DS2_*.csv", f"API_{indicator}_DS2_*.zip",
                        f"API_{indicator}_*.json"):
            for path in folder.rglob(pattern):
                if not path.is_dir() and not path.name.endswith(SIDECAR_SUFFIX):
                    found.add(path)
    return sorted(found)


def parse(raw: RawFile) -> pd.DataFrame:
    """Tidy rows of one bulk zip, bulk CSV or saved API answer."""
    path = raw.path
    suffix = path.suffix.lower()
    if suffix == ".zip":
        member, text, metadata = _read_zip(path)
        return _parse_bulk(text, metadata, raw, member)
    if suffix == ".csv":
        text = _read_text(path)
        return _parse_bulk(text, _sibling_metadata(path), raw)
    if suffix == ".json":
        return _parse_api_answer(raw)
    raise SourceError(SOURCE, path, f"unknown file type {suffix!r} (expected .zip, .csv or .json)")


def fetch(sess: requests.Session, cache: RawCache) -> list[Path]:
    """Download every loaded indicator: the bulk zip, else the JSON API answer.

    Indicators that fail both ways are reported together in one :class:`SourceError`
    after the others have been stored.
    """
    def one(indicator: str) -> Path:
        url = BULK_URL.format(indicator=indicator)
        try:
            return _fetch_bulk(sess, cache, indicator, url)
        except (http.HttpError, SourceError) as exc:
            bulk_problem = reason(exc)
        try:
            return _fetch_api_answer(sess, cache, indicator)
        except (http.HttpError, SourceError) as exc:
            raise SourceError(SOURCE, url, f"bulk: {bulk_problem}; API: {reason(exc)}") from None

    return fetch_each(SOURCE, "api.worldbank.org", INDICATOR_MAP, one)


class ApiAnswer(NamedTuple):
    """The combined pages of one indicator from the v2 API."""

    lastupdated: str  # the meta's "lastupdated", e.g. "2026-02-24" ("" if absent)
    records: list[dict]


def fetch_api(sess: requests.Session, indicator: str, per_page: int = API_PER_PAGE,
              sleep: Callable[[float], None] = time.sleep) -> ApiAnswer:
    """Every record of ``indicator`` for all economies, paging by the meta's ``pages``.

    An answer ``[meta, null]`` means no data (empty records). An error body — which the
    API sends with HTTP 200 — raises :class:`SourceError` with its message. ``sleep`` is
    passed to :func:`dashboard.http.get` for its retry waits.
    """
    url = API_URL.format(indicator=indicator)
    records: list[dict] = []
    lastupdated = ""
    page, pages = 1, 1
    while page <= pages:
        if page > API_MAX_PAGES:
            raise SourceError(SOURCE, url, f"more than {API_MAX_PAGES} pages announced")
        params = {"format": "json", "per_page": per_page, "page": page}
        resp = http.get(sess, url, params=params, sleep=sleep)
        meta, rows = _api_page(resp.content, f"{url}?page={page}")
        pages = int(meta.get("pages") or 0)
        lastupdated = str(meta.get("lastupdated") or lastupdated)
        records.extend(rows)
        page += 1
    return ApiAnswer(lastupdated, records)


def api_answer_bytes(indicator: str, answer: ApiAnswer) -> bytes:
    """The saved form of an API answer, as :func:`parse` reads it."""
    body = {"indicator": indicator, "lastupdated": answer.lastupdated, "records": answer.records}
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


# --- bulk files ------------------------------------------------------------------------


def _read_text(path: Path) -> str:
    """The text of a bulk CSV, or SourceError."""
    try:
        return read_limited(SOURCE, path).decode(CSV_ENCODING)
    except UnicodeDecodeError as exc:
        raise SourceError(SOURCE, path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _read_zip(path: Path) -> tuple[str, str, dict[str, bool] | None]:
    """The data CSV's name and text in a bulk zip, and its country metadata (code → is aggregate)."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            data = [n for n in names if Path(n).name.startswith("API_") and n.endswith(".csv")]
            meta = [n for n in names if Path(n).name.startswith(METADATA_PREFIX)]
            if len(data) != 1:
                raise SourceError(SOURCE, path, f"expected one API_*.csv in the zip, found {len(data)}")
            for name in (data[0], *meta[:1]):
                check_member_size(SOURCE, path, zf.getinfo(name).file_size, name)
            text = zf.read(data[0]).decode(CSV_ENCODING)
            metadata = _metadata(zf.read(meta[0]).decode(CSV_ENCODING), f"{path}:{meta[0]}") if meta else None
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as exc:
        raise SourceError(SOURCE, path, f"not a readable zip ({exc})") from None
    except UnicodeDecodeError as exc:
        raise SourceError(SOURCE, path, f"zip member is not UTF-8 text ({exc.reason})") from None
    return data[0], text, metadata


def _sibling_metadata(path: Path) -> dict[str, bool] | None:
    """Country metadata for a bare CSV: its own Metadata_Country file, else any beside it.

    The economy list (and so which codes are aggregates) is the same for every WDI
    indicator, so another indicator's metadata file serves. None if there is none.
    """
    own = path.with_name(METADATA_PREFIX + path.name)
    candidates = [own] if own.is_file() else sorted(path.parent.glob(f"{METADATA_PREFIX}*.csv"))
    if not candidates:
        return None
    return _metadata(_read_text(candidates[0]), str(candidates[0]))


def _metadata(text: str, where: str) -> dict[str, bool]:
    """Code → True if an aggregate (empty Region), from a Metadata_Country CSV."""
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {METADATA_CODE, METADATA_REGION} <= set(reader.fieldnames):
        raise SourceError(SOURCE, where, f"metadata lacks columns {METADATA_CODE!r}/{METADATA_REGION!r}")
    return {row[METADATA_CODE]: not (row[METADATA_REGION] or "").strip() for row in reader}


def _parse_bulk(text: str, metadata: dict[str, bool] | None, raw: RawFile, member: str = "") -> pd.DataFrame:
    """Tidy rows of a bulk data CSV's text (``member``: its name inside a zip, if any)."""
    path = raw.path
    lines = text.splitlines()
    header_at = _header_line(lines, path)
    preamble = {row[0]: row[1] for row in csv.reader(lines[:header_at]) if len(row) >= 2}
    edition = preamble.get(EDITION_LABEL, "").strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", edition):
        raise SourceError(SOURCE, path, f"no {EDITION_LABEL!r} date in the preamble")
    try:
        # Blank lines are kept (as empty rows, which give no values) so that data row k
        # is line header_at + 2 + k of the file, for error messages.
        wide = pd.read_csv(io.StringIO("\n".join(lines[header_at:])), dtype={c: "str" for c in ID_COLUMNS},
                           keep_default_na=False, na_values=[""], skip_blank_lines=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise SourceError(SOURCE, path, f"unreadable CSV body ({str(exc).splitlines()[0]})") from None
    missing = [c for c in ID_COLUMNS if c not in wide.columns]
    if missing:
        raise SourceError(SOURCE, path, f"header lacks columns {missing}")
    _check_complete(lines, header_at, path, member)
    codes = wide["Indicator Code"].dropna().unique()
    if len(codes) != 1:
        raise SourceError(SOURCE, path, f"expected one indicator code, found {list(codes)[:5]}")
    series = _series(str(codes[0]), path)
    years = _year_columns(wide, path)
    # ignore_index=False keeps each value's row number in ``wide``, to name its line.
    long = wide.melt(id_vars=["Country Name", "Country Code"], value_vars=years,
                     var_name="year", value_name="value", ignore_index=False).dropna(subset=["value"])
    numbers = pd.to_numeric(long["value"], errors="coerce")
    if numbers.isna().any():
        _raise_text_value(long[numbers.isna()], header_at, path, member)
    values = numbers / series.divisor
    iso3 = _codes(long["Country Code"], metadata, path)
    return _tidy_frame(long["Country Name"], iso3, long["year"].astype(int), values, series,
                       edition, [""] * len(long), raw)


def _year_columns(wide: pd.DataFrame, path: Path) -> list[str]:
    """The year columns, running without a gap; any other column must be empty.

    The bulk file ends each line with an empty field (a nameless last column). A column
    with figures whose header is not a year ("2020e", a header cell lost) fails, naming
    it: dropping it would lose that year for every economy.
    """
    years = [c for c in wide.columns if YEAR_HEADER.fullmatch(str(c))]
    for column in wide.columns:
        if column in ID_COLUMNS or column in years:
            continue
        filled = int(wide[column].notna().sum())
        if filled:
            raise SourceError(SOURCE, path, f"column {str(column)[:20]!r} is not a year "
                              f"({filled} values would be lost)")
    numbers = [int(y) for y in years]
    if numbers and numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        gap = sorted(set(range(numbers[0], numbers[-1] + 1)) - set(numbers))
        raise SourceError(SOURCE, path, f"year {gap[0] if gap else numbers[-1]} missing or out of order in the header "
                          "(its values would be lost)")
    return years


def _check_complete(lines: list[str], header_at: int, path: Path, member: str) -> None:
    """A file cut between two fields still parses (pandas pads the row): refuse it.

    Every data line of a WDI bulk file has as many fields as the header (the trailing
    empty column included), so a short last line means the download was cut.
    """
    last = next((i for i in range(len(lines) - 1, header_at, -1) if lines[i].strip()), None)
    if last is None:
        return
    want = len(next(csv.reader([lines[header_at]])))
    got = len(next(csv.reader([lines[last]])))
    if got != want:
        where = f"line {last + 1}"
        raise SourceError(SOURCE, path, f"truncated file: the last line has {got} of {want} fields",
                          f"{member}, {where}" if member else where)


def _raise_text_value(bad: pd.DataFrame, header_at: int, path: Path, member: str) -> NoReturn:
    """Raise SourceError for the first (by line, then year) of the melted cells that are text."""
    first = bad.assign(_row=bad.index, _year=bad["year"].astype(int)).sort_values(["_row", "_year"]).iloc[0]
    # Line numbers are 1-based: the header is line header_at + 1, data row 0 the next one.
    line = header_at + 2 + int(first["_row"])
    where = f"line {line} ({first['Country Code']}, {first['year']})"
    raise SourceError(SOURCE, path, f"text {str(first['value'])!r} where a number belongs",
                      f"{member}, {where}" if member else where)


def _header_line(lines: list[str], path: Path) -> int:
    """Index of the header line (first cell "Country Name"), or SourceError."""
    for i, line in enumerate(lines[:MAX_PREAMBLE_LINES]):
        first = next(csv.reader([line]), [""])
        if first and first[0].strip() == HEADER_FIRST_CELL:
            return i
    raise SourceError(SOURCE, path, f"no header line starting {HEADER_FIRST_CELL!r} "
                                    f"in the first {MAX_PREAMBLE_LINES} lines")


# --- API answers ------------------------------------------------------------------------


def _api_page(content: bytes, where: str) -> tuple[dict, list[dict]]:
    """(meta, records) of one API page; raise on an error body or an unknown shape."""
    try:
        body = json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SourceError(SOURCE, where, f"answer is not JSON ({exc})") from None
    if isinstance(body, list) and body and isinstance(body[0], dict) and "message" in body[0]:
        messages = body[0]["message"] or [{}]
        text = "; ".join(f"{m.get('key', '')}: {m.get('value', '')} (id {m.get('id', '?')})" for m in messages)
        raise SourceError(SOURCE, where, f"API error: {text}")
    if not (isinstance(body, list) and len(body) == 2 and isinstance(body[0], dict)):
        raise SourceError(SOURCE, where, "answer is not [meta, records]")
    meta, rows = body
    if rows is None:  # [meta, null]: the indicator exists but has no data
        return meta, []
    if not isinstance(rows, list):
        raise SourceError(SOURCE, where, "records are not a list")
    return meta, rows


def _fetch_api_answer(sess: requests.Session, cache: RawCache, indicator: str) -> Path:
    """Fetch all API pages of ``indicator`` and store them as one saved answer."""
    answer = fetch_api(sess, indicator)
    today = dt.datetime.now(dt.UTC).date().isoformat()
    return cache.store(INFO, f"API_{indicator}_{today}.json", api_answer_bytes(indicator, answer),
                       API_URL.format(indicator=indicator), extra={"format": "worldbank-api-v2"})


def _parse_api_answer(raw: RawFile) -> pd.DataFrame:
    """Tidy rows of a saved API answer."""
    path = raw.path
    try:
        body = json.loads(read_limited(SOURCE, path))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SourceError(SOURCE, path, f"not JSON ({exc})") from None
    if not (isinstance(body, dict) and isinstance(body.get("records"), list) and body.get("indicator")):
        raise SourceError(SOURCE, path, "not a saved API answer (needs 'indicator' and 'records')")
    series = _series(str(body["indicator"]), path)
    edition = str(body.get("lastupdated") or "")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", edition):
        raise SourceError(SOURCE, path, f"no 'lastupdated' date (got {edition!r})")
    names, codes, years, values, flags = [], [], [], [], []
    listed: list[bool] = []  # the record had a countryiso3code (else: a 2-character aggregate id)
    for i, rec in enumerate(body["records"]):
        if rec.get("value") is None:
            continue
        try:
            country = rec.get("country") or {}
            iso = (rec.get("countryiso3code") or "").strip()
            # The API leaves countryiso3code empty for some aggregates and names them only
            # by country.id, the World Bank's 2-character code ("1A", "XY"). No country
            # lacks a 3-letter code, so such a record is an aggregate: WB_<id>.
            wb_id = str(country.get("id") or "").strip()
            if not iso and not wb_id:
                raise SourceError(SOURCE, path, "record has neither countryiso3code nor country.id",
                                  where=f"record {i}")
            codes.append(iso or _api_aggregate(wb_id, path, i))
            listed.append(bool(iso))
            names.append(str(country.get("value", "")))
            years.append(int(rec["date"]))
            values.append(float(rec["value"]) / series.divisor)
            flags.append(str(rec.get("obs_status") or ""))
        except (KeyError, TypeError, ValueError) as exc:
            raise SourceError(SOURCE, path, f"malformed record ({exc!r})", where=f"record {i}") from None
    with_iso = pd.Series([c for c, iso in zip(codes, listed) if iso], dtype="str")
    mapped = iter(_codes(with_iso, None, path))
    codes = [next(mapped) if iso else c for c, iso in zip(codes, listed)]
    return _tidy_frame(pd.Series(names, dtype="str"), codes, pd.Series(years, dtype="int64"),
                       pd.Series(values, dtype="float64"), series, edition, flags, raw)


# --- shared -----------------------------------------------------------------------------


def _series(indicator: str, path: Path | str) -> Series:
    """The mapping of a WDI code, or SourceError saying why it is not loaded."""
    if indicator in INDICATOR_MAP:
        return INDICATOR_MAP[indicator]
    reason = NOT_LOADED.get(indicator, f"indicator {indicator!r} is not one this loader maps")
    raise SourceError(SOURCE, path, reason)


def _codes(wb_codes: pd.Series, metadata: dict[str, bool] | None, path: Path) -> list[str]:
    """Our code for each WDI economy code; a code that is neither fails, naming it.

    An economy's code must be ISO 3166 alpha-3 or one of ``NON_ISO_ECONOMIES``; an
    aggregate's must be listed — by the file's country metadata (Region empty) or, without
    metadata, in ``WORLD_BANK_AGGREGATES``. Anything else (``GBR`` retyped ``GBX``) once
    became an invented aggregate ``WB_GBX`` holding the United Kingdom's figures.
    """
    mapping: dict[str, str] = {}
    for code in wb_codes.unique():
        code = str(code)
        aggregate = metadata.get(code) if metadata is not None else None
        economy = pycountry.countries.get(alpha_3=code) is not None or code in NON_ISO_ECONOMIES
        if aggregate is None and metadata is not None:
            problem = "is not in the file's country metadata"
        elif aggregate is False and not economy:
            problem = "is an economy in the metadata but not an ISO 3166 code"
        elif aggregate is None and not economy and code not in WORLD_BANK_AGGREGATES:
            problem = "is neither an ISO 3166 code nor a listed World Bank aggregate (WORLD_BANK_AGGREGATES)"
        else:
            mapping[code] = code if (economy and not aggregate) else \
                WORLD_BANK_CODE_OVERRIDES.get(code, WORLD_BANK_AGGREGATE_PREFIX + code)
            continue
        lost = int((wb_codes == code).sum())
        raise SourceError(SOURCE, path, f"country code {code[:12]!r} {problem} ({lost} values would be lost)")
    return [mapping[str(c)] for c in wb_codes]


def _api_aggregate(wb_id: str, path: Path, record: int) -> str:
    """The code of an API record with no countryiso3code: a listed 2-character aggregate id."""
    if wb_id not in WORLD_BANK_AGGREGATE_IDS:
        raise SourceError(SOURCE, path, f"record without countryiso3code has country.id {wb_id[:12]!r}, not a "
                          "listed aggregate (WORLD_BANK_AGGREGATE_IDS)", where=f"record {record}")
    return WORLD_BANK_AGGREGATE_PREFIX + wb_id


def _tidy_frame(names: pd.Series, iso3: Iterable[str], years: pd.Series, values: pd.Series,
                series: Series, edition: str, flags: Iterable[str], raw: RawFile) -> pd.DataFrame:
    """Assemble tidy rows from aligned columns."""
    frame = pd.DataFrame({
        "source": SOURCE,
        "edition": edition,
        "iso3": list(iso3),
        "country": names.to_numpy(),
        "year": years.to_numpy(),
        "indicator": series.indicator,
        "value": values.to_numpy(),
        "unit": series.unit,
        "price_base": PRICE_BASE,
        "estimate": False,  # WDI marks no observation as an estimate
        "flags": list(flags),
        "retrieved": raw.retrieved,
    })
    return tidy(frame)


def _fetch_bulk(sess: requests.Session, cache: RawCache, indicator: str, url: str) -> Path:
    """Download and store the bulk zip of ``indicator``; SourceError if it is not a zip."""
    resp = http.get(sess, url)
    content = resp.content
    if not content.startswith(ZIP_MAGIC):
        kind = "an HTML page" if content.lstrip()[:1] == b"<" else "not a zip"
        raise SourceError(SOURCE, url, f"bulk download is {kind}, not stored")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            if not any(Path(n).name.startswith(f"API_{indicator}") for n in zf.namelist()):
                raise SourceError(SOURCE, url, "bulk zip holds no API_*.csv for the indicator")
    except zipfile.BadZipFile as exc:
        raise SourceError(SOURCE, url, f"bulk zip unreadable ({exc}), not stored") from None
    return cache.store(INFO, _bulk_filename(resp, indicator), content, url,
                       extra={"format": "worldbank-bulk-csv"})


def _bulk_filename(resp: requests.Response, indicator: str) -> str:
    """The server's file name (Content-Disposition) if it looks right, else our own."""
    match = re.search(r'filename="?([^";]+)"?', resp.headers.get("Content-Disposition", ""))
    name = match.group(1).strip() if match else ""
    if name.startswith(f"API_{indicator}_DS2_") and name.endswith(".zip"):
        return name
    return f"API_{indicator}_DS2_en_csv_v2.zip"
