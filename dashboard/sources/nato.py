"""NATO, "Defence Expenditure of NATO Countries": the annual workbook of Tables 1–8b.

The workbook is a set of print-ready tables, one per sheet: a title ("Table 3 : …"), a
unit line, a row of years, then one or two blocks, each a heading row followed by one
row per Ally (and, in some tables, the aggregates "NATO Europe and Canada" and
"NATO Total"). Editions move all of this around — sheet names (``TABLE1`` → ``Table 1``),
the title's cell (B4, C16, A1), the label column (C for Allies, B for aggregates; one
further right in Table 7) — so nothing here uses a cell address: tables are found by
their title text, the year header by its year-like cells, blocks by their heading text
and countries by their label, in whichever column it sits.

What each table becomes (``TABLES`` below):

====== =========================================== ==========================================
table  blocks                                      indicator (price base)
====== =========================================== ==========================================
1      current / constant prices, national         milex_lcu (current / constant YYYY),
       currency                                    unit "<ISO 4217> million" from the label
2      current / constant prices, US$              milex_usd (current / constant YYYY)
3      share of real GDP / annual real change      milex_share_gdp, milex_real_change
                                                   (constant YYYY, from "Based on YYYY prices")
4      summary 2014 vs latest                      not read: see the note under ``TABLES``
5      GDP current / constant US$                  gdp_usd (current / constant YYYY)
6      GDP per capita / defence exp. per capita    gdp_per_capita_usd, milex_per_capita_usd
                                                   (constant YYYY, from the unit line)
7      military personnel (single block)           military_personnel ("current")
8a     equipment / personnel                       equipment_share, personnel_share ("current")
8b     infrastructure / other                      infrastructure_share, other_share ("current")
====== =========================================== ==========================================
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import requests

from dashboard import http, schema
from dashboard.countries import map_names
from dashboard.currencies import is_currency_unit, unit_for
from dashboard.errors import SourceError
from dashboard.provenance import RawFile, SourceInfo
from dashboard.rawcache import RawCache
from dashboard.sources._excel import READ_ERRORS, XLSX_MAGIC, describe, open_workbook

INFO = SourceInfo(
    name="nato",
    publisher="NATO",
    title="Defence Expenditure of NATO Countries",
    url="https://www.nato.int/cps/en/natohq/topics_49198.htm",
    licence="NATO copyright: reproduction with credit to NATO; not for sale",
    citation=(
        "NATO Public Diplomacy Division, \"Defence Expenditure of NATO Countries\", "
        "press release and tables (annual), https://www.nato.int/cps/en/natohq/topics_49198.htm"
    ),
)

# --- discovery and download -------------------------------------------------------------

# NATO's file names all carry "def-exp": "240617-def-exp-2024-TABLES-en.xlsx" (2024),
# "def-exp-2025-en.xlsx" (later editions). Excel lock files ("~$…") are not workbooks.
FILE_PATTERN = re.compile(r"def-exp.*\.xlsx$", re.IGNORECASE)
LOCK_FILE_PREFIX = "~$"

# From the 2025 edition NATO publishes the tables at a stable address per year; the 2024
# file sits under a dated name that cannot be guessed, so only this pattern is fetched.
URL_PATTERN = "https://www.nato.int/content/dam/nato/webready/documents/finance/def-exp-{year}-en.xlsx"
# The edition for year Y appears in June of Y; before then only Y-1 exists, so try both.
FETCH_YEARS_BACK = 1
# NATO's site answers a missing file with an HTML page (status 200 behind some proxies),
# which must never be stored under an .xlsx name: fetch checks for XLSX_MAGIC.

# --- edition ------------------------------------------------------------------------------

# The 2024 file name starts with the release date as YYMMDD ("240617-…" = 17 June 2024).
DATE_PREFIX = re.compile(r"^(\d{2})(\d{2})(\d{2})[-_]")
# Without a dated name or an edition in the sidecar, the edition is the last (estimated)
# year in the header plus June: NATO releases these tables before the June summit of the
# year whose figures are estimated (2023: 7 July; 2024: 17 June; 2025: June).
FALLBACK_EDITION_MONTH = "06"

# --- locating tables, headers, blocks -----------------------------------------------------

# "Table 1 : Defence expenditure", "TABLE 8a", "Table 1: Core defence expenditure" (2026).
TITLE_PATTERN = re.compile(r"^\s*table\s*(\d+)\s*([a-z])?(?![a-z0-9])", re.IGNORECASE)
# Year header cells: 2014 (number) or "2019" / "2023e" (text; "e" = estimate).
YEAR_TEXT = re.compile(r"^\s*(\d{4})\s*([eE])?\s*$")
ESTIMATE_SUFFIX = "e"
YEAR_RANGE = range(1949, 2101)  # NATO's series start in 1949; anything else is a value
# A header row spans a decade of years; requiring three avoids taking a stray pair of
# numbers (Table 4's "2014 | 2024e" summary header) for a year header.
MIN_YEAR_CELLS = 3
# Text rows after the data that are not block headings: notes, footnotes, page numbers.
NOTE_PATTERN = re.compile(r"^\s*(notes?\b|\*|\(\w\)|-\s*\d+\s*-$|source)", re.IGNORECASE)
# Footnote marks printed after a country name ("Poland*": national 2 % law or agreement).
FOOTNOTE_MARKS = "*†‡§¶"
LABEL_PATTERN = re.compile(
    rf"^(?P<name>.*?)\s*(?P<flags>[{re.escape(FOOTNOTE_MARKS)}]+)?\s*(?:\((?P<currency>[^()]*)\))?\s*$"
)
# Strings that stand for "no value" in a value cell: Excel errors left by broken links
# (this edition has whole rows of "#REF!" under Tables 1, 8a and 8b) and the usual
# statistical "not available" marks. They give no row. Any other text raises.
JUNK_MARKERS: frozenset[str] = frozenset(
    {"#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!",
     "..", "...", "-", "–", "—", "n.a.", "na", "n/a", "x", ""}
)
# Rows with no label whose cells are all junk markers or zeros are leftovers of the
# print layout (the 2024 edition has "#REF!" rows under Tables 1, 8a and 8b and a row of
# zeros in 8b): skipped. An unlabelled row with any other figure fails (_parse_table).
UNLABELLED_LEFTOVERS = "rows of junk markers or zeros without a label"
# Numbers stored as text ("12.5") are read as numbers, as Excel itself shows them.
NUMBER_TEXT = re.compile(r"^\s*-?\d+(\.\d+)?\s*$")

# Price base stated in a heading or unit line: "Current prices", "Constant 2015 prices",
# "Based on 2015 prices", "2015 prices and exchange rates". The year is read, never
# assumed: 2015 prices to the 2024 edition, 2021 prices from the 2025 edition.
CURRENT_PATTERN = re.compile(r"\bcurrent\b", re.IGNORECASE)
CONSTANT_PATTERN = re.compile(r"(?:constant\s*\(?(\d{4})\)?|(\d{4})\s+prices)", re.IGNORECASE)


@dataclass(frozen=True)
class BlockSpec:
    """One block of a table: how its heading reads, what it holds, its unit wording."""

    heading: str      # regex searched (case-insensitive) in the block heading
    indicator: str    # a schema.INDICATORS name
    unit_text: str    # regex that must occur in the heading or the table's unit line


@dataclass(frozen=True)
class TableSpec:
    """What one NATO table holds."""

    blocks: tuple[BlockSpec, ...]
    # Used when neither heading nor unit line states a price base.
    default_price_base: str | None = None
    # Table 1 labels carry the currency: "United Kingdom   (Pounds)".
    currency_in_label: bool = False


_CONSTANT = r"constant|\d{4}\s+prices"
_MILLION_USD = r"million\s+us\s*(dollars|\$)|us\$\s*million"
_SHARE_OF_SPENDING = r"percentage of total defence expenditure"

TABLES: dict[str, TableSpec] = {
    "1": TableSpec(
        (BlockSpec(r"^\s*current", "milex_lcu", r"million national currency"),
         BlockSpec(_CONSTANT, "milex_lcu", r"million national currency")),
        currency_in_label=True,
    ),
    "2": TableSpec(
        (BlockSpec(r"^\s*current", "milex_usd", _MILLION_USD),
         BlockSpec(_CONSTANT, "milex_usd", _MILLION_USD)),
    ),
    "3": TableSpec(
        (BlockSpec(r"share of (real )?gdp", "milex_share_gdp", r"%"),
         BlockSpec(r"real change", "milex_real_change", r"%")),
    ),
    "5": TableSpec(
        (BlockSpec(r"^\s*current", "gdp_usd", _MILLION_USD),
         BlockSpec(_CONSTANT, "gdp_usd", _MILLION_USD)),
    ),
    "6": TableSpec(
        (BlockSpec(r"gdp per capita", "gdp_per_capita_usd", r"thousand\s+us\s*(dollars|\$)"),
         BlockSpec(r"expenditure per capita", "milex_per_capita_usd", r"us\s*(dollars|\$)")),
    ),
    # Military personnel are a head count, not money: "current" says "as counted that
    # year" (the schema has no price-free base).
    "7": TableSpec(
        (BlockSpec(r"", "military_personnel", r"thousands"),),
        default_price_base="current",
    ),
    # Shares of each year's spending, computed by NATO from current-price figures.
    "8a": TableSpec(
        (BlockSpec(r"equipment", "equipment_share", _SHARE_OF_SPENDING),
         BlockSpec(r"personnel", "personnel_share", _SHARE_OF_SPENDING)),
        default_price_base="current",
    ),
    "8b": TableSpec(
        (BlockSpec(r"infrastructure", "infrastructure_share", _SHARE_OF_SPENDING),
         BlockSpec(r"other", "other_share", _SHARE_OF_SPENDING)),
        default_price_base="current",
    ),
}

# Tables not in TABLES are not read. Table 4 repeats Table 2's constant-price US$ for the
# first and last year and Table 3's share of real GDP for those years (same figures, so
# loading them would duplicate keys), and adds the cumulative real change over the
# decade, which has no indicator (the vocabulary's milex_real_change is the annual
# change, which Table 3 gives). A table added in a later edition is likewise ignored
# until it is described here, rather than breaking the load.
# Every table described in TABLES must be present: the workbook is published as Tables
# 1–8b, so one that lost a table (a sheet deleted, a title retyped) is damaged, and
# loading the rest would silently drop that table's indicators from the snapshot.
# Table 4 is not required because it is not read (see above).
REQUIRED_TABLES: tuple[str, ...] = tuple(TABLES)

# NATO's currency words (Table 1 labels) → ISO 4217. A label covers its whole row:
# NATO restates an Ally's history in its current currency (Croatia is "Euros" for
# 2014–2024 in the 2024 edition: 811 million in 2014, i.e. HRK 6.1 bn / 7.5345), so the
# code follows the word, not the year. Words from earlier editions are kept so older
# files still parse.
CURRENCY_WORDS: dict[str, str] = {
    "Leks": "ALL",
    "Euros": "EUR",
    "Euro": "EUR",
    "Leva": "BGN",
    "Canadian dollars": "CAD",
    "Kunas": "HRK",
    "Kuna": "HRK",
    "Forint": "HUF",
    "Denars": "MKD",
    "Zlotys": "PLN",
    "New Lei": "RON",
    "Lei": "RON",
    "Kronor": "SEK",
    "Liras": "TRY",
    "New Liras": "TRY",
    "Pounds": "GBP",
    "US dollars": "USD",
    "Litai": "LTL",
    "Lats": "LVL",
    "Krooni": "EEK",
    "Tolars": "SIT",
}
# Words several Allies share: the code depends on the country.
CURRENCY_BY_COUNTRY: dict[tuple[str, str], str] = {
    ("DNK", "Kroner"): "DKK",
    ("NOR", "Kroner"): "NOK",
    ("ISL", "Kronur"): "ISK",
    ("CZE", "Koruny"): "CZK",
    ("SVK", "Koruny"): "SKK",  # Slovakia before the euro (2009)
}

Cell = object
Row = tuple[Cell, ...]


def discover(folder: Path) -> list[Path]:
    """NATO workbooks (``*def-exp*.xlsx``) anywhere under ``folder``, sorted."""
    return sorted(
        p for p in folder.rglob("*.xlsx")
        if not p.is_dir() and FILE_PATTERN.search(p.name) and not p.name.startswith(LOCK_FILE_PREFIX)
    )


def fetch(sess: requests.Session, cache: RawCache, today: dt.date | None = None) -> list[Path]:
    """Download this year's and last year's workbook (where published) into ``cache``.

    Raises :class:`SourceError` when neither could be had as an xlsx.
    """
    year = (today or dt.date.today()).year
    stored: list[Path] = []
    problems: list[str] = []
    for y in range(year, year - FETCH_YEARS_BACK - 1, -1):
        url = URL_PATTERN.format(year=y)
        try:
            resp = http.get(sess, url)
        except http.HttpError as exc:
            problems.append(str(exc))
            continue
        content = resp.content
        if not content.startswith(XLSX_MAGIC):
            kind = resp.headers.get("Content-Type", "unknown type")
            problems.append(f"{url}: not an xlsx ({kind}, {len(content)} bytes)")
            continue
        stored.append(cache.store(INFO, url.rsplit("/", 1)[-1], content, url))
    if not stored:
        raise SourceError(INFO.name, URL_PATTERN, "no edition could be downloaded: " + "; ".join(problems))
    return stored


def parse(raw: RawFile) -> pd.DataFrame:
    """All tables of one NATO workbook as tidy rows (see the module docstring)."""
    sheets = _read_sheets(raw.path)
    tables = _find_tables(raw.path, sheets)
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        names = ", ".join(f"Table {t}" for t in missing)
        raise SourceError(INFO.name, raw.path, f"missing {names} (no such title in any sheet; "
                          "its figures would be lost)")
    parsed = {tid: _parse_table(raw.path, tid, seg) for tid, seg in tables.items()
              if tid in TABLES}
    _check_coverage(raw.path, parsed, tables)
    edition = _edition(raw, parsed["1"].years)
    codes = map_names(
        [obs.name for table in parsed.values() for obs in table.observations],
        INFO.name, where=raw.path.name,
    )
    rows = [
        {
            "source": INFO.name,
            "edition": edition,
            "iso3": codes[obs.name],
            "country": obs.name,
            "year": obs.year,
            "indicator": obs.indicator,
            "value": obs.value,
            "unit": _unit(raw.path, obs, codes[obs.name]),
            "price_base": obs.price_base,
            "estimate": obs.estimate,
            "flags": obs.flags,
            "retrieved": raw.retrieved,
        }
        for table in parsed.values()
        for obs in table.observations
    ]
    frame = schema.tidy(rows)
    dupes = frame.duplicated(list(schema.KEY), keep=False)
    if dupes.any():
        first = frame.loc[dupes].iloc[0]
        raise SourceError(INFO.name, raw.path,
                          f"duplicate {first['indicator']} for {first['country']} {first['year']}")
    return frame


# --- helpers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Segment:
    """The rows of one table: from its title row to the next title (or sheet end)."""

    sheet: str
    start: int          # 1-based row number of the title row
    rows: list[Row]


@dataclass(frozen=True)
class _Obs:
    """One parsed value before country codes and units are attached."""

    name: str
    currency: str | None
    year: int
    indicator: str
    value: float
    price_base: str
    estimate: bool
    flags: str
    where: str


@dataclass(frozen=True)
class _Table:
    """A parsed table: its observations and its header years."""

    observations: list[_Obs]
    years: list[int]


def _read_sheets(path: Path) -> dict[str, list[Row]]:
    """Every sheet's cell values, row by row; unreadable files raise SourceError."""
    wb = open_workbook(INFO.name, path)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
    except READ_ERRORS as exc:
        raise SourceError(INFO.name, path, f"not a readable xlsx workbook ({describe(exc)})") from None
    finally:
        wb.close()


def _find_tables(path: Path, sheets: dict[str, list[Row]]) -> dict[str, _Segment]:
    """Table id ("1", "8a") → its rows, found by title text in any cell of any sheet."""
    found: dict[str, _Segment] = {}
    for sheet, rows in sheets.items():
        titles = [(i, tid) for i, row in enumerate(rows) if (tid := _title_id(row))]
        for n, (i, tid) in enumerate(titles):
            end = titles[n + 1][0] if n + 1 < len(titles) else len(rows)
            if tid in found:
                raise SourceError(INFO.name, path, f"'Table {tid}' appears twice",
                                  f"sheet {sheet!r}, row {i + 1}")
            found[tid] = _Segment(sheet, i + 1, rows[i:end])
    return found


def _title_id(row: Row) -> str | None:
    """"1", "8a"… if a cell of ``row`` starts with a table title, else None."""
    for cell in row:
        if isinstance(cell, str) and (m := TITLE_PATTERN.match(cell)):
            return m.group(1) + (m.group(2) or "").lower()
    return None


def _parse_table(path: Path, tid: str, seg: _Segment) -> _Table:
    """The observations of one table, block by block."""
    spec = TABLES[tid]
    header_at, years = _year_header(path, tid, seg)
    first_col = min(years)
    unit_line = " ".join(_texts(r) for r in seg.rows[1:header_at])
    observations: list[_Obs] = []
    seen: set[int] = set()
    block: int | None = 0 if len(spec.blocks) == 1 and not spec.blocks[0].heading else None
    context = _block_context(path, tid, seg, spec, block, "", unit_line, header_at) if block == 0 else None
    for i in range(header_at + 1, len(seg.rows)):
        row = seg.rows[i]
        where = f"sheet {seg.sheet!r}, row {seg.start + i}"
        label = _label(row, first_col)
        values = {c: row[c] for c in years if c < len(row) and row[c] is not None}
        if label is None:
            if any(_value(path, cell, where) for cell in values.values()):
                # figures with no label: the label column has moved or gone, and the row
                # cannot be told from its neighbours (see UNLABELLED_LEFTOVERS)
                raise SourceError(INFO.name, path, f"Table {tid}: a row of figures has no label "
                                  f"({len(values)} figures would be lost; label column moved or deleted?)", where)
            continue  # blank row, or a leftover (UNLABELLED_LEFTOVERS)
        if not values:  # a text-only row: a block heading or a note
            if NOTE_PATTERN.match(label):
                continue
            block = _match_block(path, tid, spec, label, where)
            seen.add(block)
            context = _block_context(path, tid, seg, spec, block, label, unit_line, i)
            continue
        if context is None:
            raise SourceError(INFO.name, path, f"Table {tid}: figures before any block heading (heading or "
                              "label column moved or deleted? the table's figures would be lost)", where)
        indicator, price_base = context
        name, flags, currency = _split_label(path, label, spec.currency_in_label, where)
        for col, cell in values.items():
            value = _value(path, cell, where)
            if value is None:
                continue
            year, estimate = years[col]
            observations.append(_Obs(name, currency, year, indicator, value, price_base,
                                     estimate, flags, where))
    if block == 0 and not spec.blocks[0].heading:
        seen.add(0)
    missing = [spec.blocks[b].heading for b in range(len(spec.blocks)) if b not in seen]
    if missing:
        raise SourceError(INFO.name, path, f"Table {tid}: no block heading matching {missing[0]!r}",
                          f"sheet {seg.sheet!r}")
    return _Table(observations, sorted(y for y, _ in years.values()))


def _check_coverage(path: Path, parsed: dict[str, _Table], tables: dict[str, _Segment]) -> None:
    """Every table spans Table 1's years, and every block holds figures.

    A year column deleted from one table, or a block whose rows all lost their labels,
    would otherwise drop those figures while the rest of the workbook loads. (Which
    Allies a block covers is NATO's choice; a row lost since the last build is caught by
    the build's comparison with the snapshot it replaces.)
    """
    years = parsed["1"].years
    for tid, table in parsed.items():
        where = f"sheet {tables[tid].sheet!r}"
        if table.years != years:
            missing = sorted(set(years) - set(table.years)) or sorted(set(table.years) - set(years))
            raise SourceError(INFO.name, path, f"Table {tid}: years {table.years[0]}-{table.years[-1]} "
                              f"differ from Table 1's {years[0]}-{years[-1]} (year {missing[0]}; "
                              "its figures would be lost)", where)
        filled = {obs.indicator for obs in table.observations}
        empty = [b.indicator for b in TABLES[tid].blocks if b.indicator not in filled]
        if empty:
            raise SourceError(INFO.name, path, f"Table {tid}: the {empty[0]} block has no figures", where)


def _year_header(path: Path, tid: str, seg: _Segment) -> tuple[int, dict[int, tuple[int, bool]]]:
    """Index of the year header row in ``seg`` and column → (year, estimate)."""
    for i, row in enumerate(seg.rows):
        years = {c: y for c, cell in enumerate(row) if (y := _year_cell(cell)) is not None}
        if len(years) >= MIN_YEAR_CELLS:
            ordered = [y for y, _ in (years[c] for c in sorted(years))]
            if ordered != sorted(set(ordered)):
                raise SourceError(INFO.name, path, f"Table {tid}: years in header not increasing",
                                  f"sheet {seg.sheet!r}, row {seg.start + i}")
            if ordered != list(range(ordered[0], ordered[-1] + 1)):
                gap = sorted(set(range(ordered[0], ordered[-1] + 1)) - set(ordered))[0]
                raise SourceError(INFO.name, path, f"Table {tid}: year {gap} missing from the header "
                                  "(its figures would be lost)", f"sheet {seg.sheet!r}, row {seg.start + i}")
            _check_header_text(path, tid, seg, row, years, i)
            return i, years
    raise SourceError(INFO.name, path, f"Table {tid}: no year header row found",
                      f"sheet {seg.sheet!r}, from row {seg.start}")


def _check_header_text(path: Path, tid: str, seg: _Segment, row: Row, years: dict, i: int) -> None:
    """Anything but a year right of the first year cell ("2024x", "FY2024") fails: it
    would drop that column's figures. (Only Table 4, which is not read, has text there.)"""
    for col in range(min(years), len(row)):
        cell = row[col]
        if col not in years and cell not in (None, "") and not (isinstance(cell, str) and not cell.strip()):
            raise SourceError(INFO.name, path, f"Table {tid}: header {str(cell)[:20]!r} among the years is not a "
                              "year (its figures would be lost)", f"sheet {seg.sheet!r}, row {seg.start + i}")


def _year_cell(cell: Cell) -> tuple[int, bool] | None:
    """(year, estimate) for a header cell such as 2014, 2014.0, '2019' or '2023e'."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, (int, float)) and float(cell).is_integer() and int(cell) in YEAR_RANGE:
        return int(cell), False
    if isinstance(cell, str) and (m := YEAR_TEXT.match(cell)) and int(m.group(1)) in YEAR_RANGE:
        return int(m.group(1)), (m.group(2) or "").lower() == ESTIMATE_SUFFIX
    return None


def _block_context(path: Path, tid: str, seg: _Segment, spec: TableSpec, block: int,
                   heading: str, unit_line: str, i: int) -> tuple[str, str]:
    """(indicator, price base) of a block, checking its unit wording."""
    where = f"sheet {seg.sheet!r}, row {seg.start + i}"
    bspec = spec.blocks[block]
    text = f"{heading} {unit_line}"
    if not re.search(bspec.unit_text, text, re.IGNORECASE):
        raise SourceError(INFO.name, path,
                          f"Table {tid}: unit not as expected (no {bspec.unit_text!r} in {text.strip()!r})",
                          where)
    price_base = _price_base(heading) or _price_base(unit_line) or spec.default_price_base
    if price_base is None:
        raise SourceError(INFO.name, path, f"Table {tid}: no price base stated for {heading!r}", where)
    return bspec.indicator, price_base


def _match_block(path: Path, tid: str, spec: TableSpec, heading: str, where: str) -> int:
    """Index of the block whose heading pattern matches ``heading``."""
    for b, bspec in enumerate(spec.blocks):
        if bspec.heading and re.search(bspec.heading, heading, re.IGNORECASE):
            return b
    raise SourceError(INFO.name, path, f"Table {tid}: unrecognised block heading {heading!r}", where)


def _price_base(text: str) -> str | None:
    """"current", "constant YYYY" or None, as ``text`` states it."""
    if m := CONSTANT_PATTERN.search(text):
        return f"constant {m.group(1) or m.group(2)}"
    if CURRENT_PATTERN.search(text):
        return "current"
    return None


def _texts(row: Row) -> str:
    """The text cells of a row joined by spaces."""
    return " ".join(c.strip() for c in row if isinstance(c, str) and c.strip())


def _label(row: Row, first_col: int) -> str | None:
    """The row's label: the first text left of the year columns, whichever column it is in."""
    for cell in row[:first_col]:
        if isinstance(cell, str) and cell.strip() and cell.strip() not in JUNK_MARKERS:
            return " ".join(cell.split())
    return None


def _split_label(path: Path, label: str, with_currency: bool, where: str) -> tuple[str, str, str | None]:
    """(country name, footnote flags, currency word) from a label like 'Poland*   (Zlotys)'."""
    if not with_currency:
        name = label.rstrip(FOOTNOTE_MARKS + " ")
        return name, label[len(name):].replace(" ", ""), None
    m = LABEL_PATTERN.match(label)
    if m is None or not m.group("currency"):
        raise SourceError(INFO.name, path, f"no currency in label {label!r}", where)
    return m.group("name").strip(), m.group("flags") or "", m.group("currency").strip()


def _is_number(cell: Cell) -> bool:
    """True for a numeric cell or a number stored as text."""
    if isinstance(cell, bool):
        return False
    return isinstance(cell, (int, float)) or (isinstance(cell, str) and bool(NUMBER_TEXT.match(cell)))


def _value(path: Path, cell: Cell, where: str) -> float | None:
    """A cell's number; None for junk markers; SourceError for other text."""
    if _is_number(cell):
        return float(cell)  # type: ignore[arg-type]
    if isinstance(cell, str) and cell.strip() in JUNK_MARKERS:
        return None
    raise SourceError(INFO.name, path, f"non-numeric value {cell!r}", where)


def _unit(path: Path, obs: _Obs, iso3: str) -> str:
    """The unit of an observation: the schema's, with Table 1's currency code filled in."""
    unit = schema.INDICATORS[obs.indicator].unit
    if not is_currency_unit(unit):
        return unit
    word = " ".join((obs.currency or "").split())
    code = CURRENCY_BY_COUNTRY.get((iso3, word)) or CURRENCY_WORDS.get(word)
    if code is None:
        raise SourceError(INFO.name, path, f"unknown currency {word!r} for {obs.name}", obs.where)
    return unit_for(unit, code)


def _edition(raw: RawFile, years: Sequence[int]) -> str:
    """"YYYY-MM": from a YYMMDD name prefix, else the sidecar, else last header year + June."""
    if m := DATE_PREFIX.match(raw.path.name):
        yy, mm = int(m.group(1)), int(m.group(2))
        if 1 <= mm <= 12:
            return f"{2000 + yy}-{mm:02d}"
    if edition := str(raw.meta.get("edition", "")).strip():
        return edition
    return f"{max(years)}-{FALLBACK_EDITION_MONTH}"

