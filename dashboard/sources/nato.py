"""NATO, "Defence Expenditure of NATO Countries": the annual workbook of Tables 1–8b.

The workbook is a set of print-ready tables, one per sheet: a title ("Table 3 : …"), a
unit line, then one or two blocks of one row per Ally (and, in some tables, the
aggregates "NATO Europe and Canada" and "NATO Total"), each block under a heading row.
Editions move all of this around, so nothing here uses a cell address: tables are found
by their title text, year headers by their year-like cells, blocks by their heading text
and countries by their label, in whichever column it sits. The two layouts known:

- 2024 edition: sheets ``TABLE1``…``TABLE8b``; title in B4 (C16 in Table 7), unit line
  two rows below, one year header for the whole table (``2019`` as text, ``2023e``), then
  the blocks, each heading row above its Allies (column C, "Poland*") and aggregates
  (column B).
- 2025 and 2026 editions: sheets ``Table 1``…``Table 8b``; title in the first rows of
  column A ("Table 1: Defence expenditure"; 2026: "Table 1: Core defence expenditure",
  NATO's name under the Hague definition for the same figures), and every block is its
  heading row, its own copy of the year header (``2025e``, ``2026e``), then its rows,
  labels in column A. The 2026 edition has 31 Allies (Iceland, with no armed forces, has
  no row in either layout's spending tables).

The constant-price base year is read from Table 2's constant-price heading ("Constant
2021 prices and exchange rates") and every table must agree with it (see
``BASE_YEAR_TABLE``); the edition from the file name (see ``PUBLISHED``).

What each table becomes (``TABLES`` below):

====== =========================================== ==========================================
table  blocks                                      indicator (price base)
====== =========================================== ==========================================
1      current / constant prices, national         milex_lcu (current / constant YYYY),
       currency                                    unit "<ISO 4217> million" from the label
2      current / constant prices, US$              milex_usd (current / constant YYYY)
3      share of real GDP / annual real change      milex_share_gdp, milex_real_change
                                                   (constant YYYY: "Based on YYYY prices",
                                                   else Table 2's base year)
4      summary 2014 vs latest                      not read: see the note under ``TABLES``
5      GDP current / constant US$                  gdp_usd (current / constant YYYY)
6      GDP per capita / defence exp. per capita    gdp_per_capita_usd, milex_per_capita_usd
                                                   (constant YYYY: the unit line, else
                                                   Table 2's base year)
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
# parse reads its own workbook only (the build's parse memo may ignore the files beside it)
PARSES_ALONE = True

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
# From 2025 the name carries only the edition's year ("def-exp-2025-en.xlsx"; the raw
# cache adds "-2" to a second download), and the workbooks hold no publication date. The
# month is NATO's, from this list of releases (../shared/data/sources/SOURCES.md); a year
# not listed fails, naming this constant, rather than being guessed (the June guess the
# loader once made would have called the August 2025 edition "2025-06").
NAME_YEAR = re.compile(r"def-exp-(\d{4})(?!\d)", re.IGNORECASE)
PUBLISHED: dict[int, str] = {
    2023: "2023-07",  # 7 July 2023 (2014-2023)
    2024: "2024-06",  # 17 June 2024 (2014-2024)
    2025: "2025-08",  # 28 August 2025 (2014-2025; constant 2021 prices)
    2026: "2026-07",  # about 10 July 2026 (2014-2026; data cut-off early July; 31 Allies)
}
# A year-named edition holds that year's estimates last: a workbook whose years end
# elsewhere (a renamed or mislabelled file) fails rather than carrying the wrong edition.

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
# Once a table's notes begin, every later text row is part of them (a footnote may run
# over several cells or rows); a row of figures there is still read, or fails.
NOTE_PATTERN = re.compile(r"^\s*(notes?\b|\*|\(\w\)|-\s*\d+\s*-$|source)", re.IGNORECASE)
# Footnote marks printed after a country name ("Poland*": national 2 % law or agreement).
FOOTNOTE_MARKS = "*†‡§¶"
# Table 1: "Poland*   (Zlotys)"; a mark after the currency ("Sweden (Kronor)*") counts too.
LABEL_PATTERN = re.compile(
    rf"^(?P<name>.*?)\s*(?P<flags>[{re.escape(FOOTNOTE_MARKS)}]+)?\s*(?:\((?P<currency>[^()]*)\))?"
    rf"\s*(?P<after>[{re.escape(FOOTNOTE_MARKS)}]+)?\s*$"
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
CONSTANT_WORD = re.compile(r"\bconstant\b", re.IGNORECASE)
# The edition's constant-price base year is the one Table 2's constant-price heading
# states ("Constant 2021 prices and exchange rates"). Tables that state none (Table 3 and
# 6 may say only "Share of real GDP (%)") are in that year; a table stating another year
# fails, as does a Table 2 whose heading says "constant" without a year: the figures
# would be labelled with a base year read nowhere.
BASE_YEAR_TABLE = "2"
CONSTANT = "constant"  # TableSpec.default_price_base: the edition's constant prices


@dataclass(frozen=True)
class BlockSpec:
    """One block of a table: how its heading reads, what it holds, its unit wording."""

    heading: str      # regex searched (case-insensitive) in the block heading
    indicator: str    # a schema.INDICATORS name
    unit_text: str    # regex that must occur in the heading or the table's unit line


@dataclass(frozen=True)
class TableSpec:
    """What one NATO table holds."""

    # regex searched (case-insensitive) in the title after "Table N:": a table whose
    # title says something else has changed its content and fails, naming the title
    title: str
    blocks: tuple[BlockSpec, ...]
    # Used when neither heading nor unit line states a price base (CONSTANT: the
    # edition's base year, from Table 2).
    default_price_base: str | None = None
    # Table 1 labels carry the currency: "United Kingdom   (Pounds)".
    currency_in_label: bool = False


_CONSTANT = r"constant|\d{4}\s+prices"
_MILLION_USD = r"million\s+us\s*(dollars|\$)|us\$\s*million"
_SHARE_OF_SPENDING = r"percentage of total defence expenditure"
# "Defence expenditure" (to 2025) and "Core defence expenditure" (2026: the Hague
# definition's name for the same series).
_SPENDING_TITLE = r"^(core\s+)?defence expenditure\b"
_DISTRIBUTION_TITLE = r"distribution of (core\s+)?defence expenditure"

TABLES: dict[str, TableSpec] = {
    "1": TableSpec(
        _SPENDING_TITLE,
        (BlockSpec(r"^\s*current", "milex_lcu", r"million national currency"),
         BlockSpec(_CONSTANT, "milex_lcu", r"million national currency")),
        currency_in_label=True,
    ),
    "2": TableSpec(
        _SPENDING_TITLE,
        (BlockSpec(r"^\s*current", "milex_usd", _MILLION_USD),
         BlockSpec(_CONSTANT, "milex_usd", _MILLION_USD)),
    ),
    "3": TableSpec(
        r"share of (real )?gdp",
        (BlockSpec(r"share of (real )?gdp", "milex_share_gdp", r"%"),
         BlockSpec(r"real change", "milex_real_change", r"%")),
        default_price_base=CONSTANT,
    ),
    "5": TableSpec(
        r"^(gdp|gross domestic product)\b",
        (BlockSpec(r"^\s*current", "gdp_usd", _MILLION_USD),
         BlockSpec(_CONSTANT, "gdp_usd", _MILLION_USD)),
    ),
    "6": TableSpec(
        r"per capita",
        (BlockSpec(r"gdp per capita", "gdp_per_capita_usd", r"thousand\s+us\s*(dollars|\$)"),
         BlockSpec(r"expenditure per capita", "milex_per_capita_usd", r"us\s*(dollars|\$)")),
        default_price_base=CONSTANT,
    ),
    # Military personnel are a head count, not money: "current" says "as counted that
    # year" (the schema has no price-free base).
    "7": TableSpec(
        r"military personnel",
        (BlockSpec(r"", "military_personnel", r"thousands"),),
        default_price_base="current",
    ),
    # Shares of each year's spending, computed by NATO from current-price figures.
    "8a": TableSpec(
        _DISTRIBUTION_TITLE,
        (BlockSpec(r"equipment", "equipment_share", _SHARE_OF_SPENDING),
         BlockSpec(r"personnel", "personnel_share", _SHARE_OF_SPENDING)),
        default_price_base="current",
    ),
    "8b": TableSpec(
        _DISTRIBUTION_TITLE,
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
    for tid in REQUIRED_TABLES:
        _check_title(raw.path, tid, tables[tid])
    base = _parse_table(raw.path, BASE_YEAR_TABLE, tables[BASE_YEAR_TABLE], None)
    base_year = _base_year(raw.path, base, tables[BASE_YEAR_TABLE])
    parsed = {tid: base if tid == BASE_YEAR_TABLE else _parse_table(raw.path, tid, seg, base_year)
              for tid, seg in tables.items() if tid in TABLES}
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

Years = dict[int, tuple[int, bool]]  # column → (year, estimate)


@dataclass(frozen=True)
class _Segment:
    """The rows of one table: from its title row to the next title (or sheet end)."""

    sheet: str
    start: int          # 1-based row number of the title row
    rows: list[Row]
    title: str          # the title row's text after "Table N", e.g. "Core defence expenditure"


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


@dataclass
class _Block:
    """The block being read: which spec block, its heading, its (indicator, price base)."""

    index: int
    heading: str
    context: tuple[str, str] | None = None


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
        titles = [(i, title) for i, row in enumerate(rows) if (title := _title(row))]
        for n, (i, (tid, text)) in enumerate(titles):
            end = titles[n + 1][0] if n + 1 < len(titles) else len(rows)
            if tid in found:
                raise SourceError(INFO.name, path, f"'Table {tid}' appears twice",
                                  f"sheet {sheet!r}, row {i + 1}")
            found[tid] = _Segment(sheet, i + 1, rows[i:end], text)
    return found


def _title(row: Row) -> tuple[str, str] | None:
    """("1", "Defence expenditure")… if a cell of ``row`` starts a table title, else None."""
    for n, cell in enumerate(row):
        if isinstance(cell, str) and (m := TITLE_PATTERN.match(cell)):
            rest = " ".join([cell[m.end():], _texts(row[n + 1:])])
            return m.group(1) + (m.group(2) or "").lower(), " ".join(rest.lstrip(" :.-–").split())
    return None


def _check_title(path: Path, tid: str, seg: _Segment) -> None:
    """A table whose title no longer names what it held ("Table 1: Something else") fails."""
    if not re.search(TABLES[tid].title, seg.title, re.IGNORECASE):
        raise SourceError(INFO.name, path, f"Table {tid}: unknown title {seg.title[:60]!r} (expected one "
                          f"matching {TABLES[tid].title!r}; its figures may mean something else)",
                          f"sheet {seg.sheet!r}, row {seg.start}")


def _base_year(path: Path, table: _Table, seg: _Segment) -> int:
    """The edition's constant-price base year: the one Table 2's figures carry."""
    years = sorted({obs.price_base for obs in table.observations if obs.price_base.startswith(CONSTANT)})
    if len(years) != 1:
        raise SourceError(INFO.name, path, f"Table {BASE_YEAR_TABLE}: {len(years)} constant-price base years "
                          f"({', '.join(years) or 'none'}); exactly one is expected", f"sheet {seg.sheet!r}")
    return int(years[0].split()[1])


def _parse_table(path: Path, tid: str, seg: _Segment, base_year: int | None) -> _Table:
    """The observations of one table, block by block, in either layout (module docstring).

    Rows above the first year header are the table's unit lines, or (2025 layout) the
    first block's heading. After it: a repeat of the header (2025 layout: one per block)
    is skipped, a text-only row is a block heading or a note, and any other row is an
    Ally's or an aggregate's figures under the current block.
    """
    spec = TABLES[tid]
    header: Years | None = None
    first_col = 0
    unit_lines: list[str] = []  # text above the first header that heads no block
    block: _Block | None = None
    seen: set[int] = set()
    in_notes = False
    observations: list[_Obs] = []
    for i in range(1, len(seg.rows)):
        row = seg.rows[i]
        where = f"sheet {seg.sheet!r}, row {seg.start + i}"
        years = {c: y for c, cell in enumerate(row) if (y := _year_cell(cell)) is not None}
        if header is None:
            if len(years) < MIN_YEAR_CELLS:
                text = _texts(row)
                if text and (b := _find_block(spec, text)) is not None:
                    block = _Block(b, text)
                elif text:
                    unit_lines.append(text)
                continue
            _check_header(path, tid, row, years, where)
            header, first_col = years, min(years)
            heading = _label(row, first_col)  # a heading written on the header row itself
            if heading and (b := _find_block(spec, heading)) is not None:
                block = _Block(b, heading)
            if block is None and len(spec.blocks) == 1 and not spec.blocks[0].heading:
                block = _Block(0, "")  # a single block needs no heading (Table 7)
            if block is not None:
                block.context = _block_context(path, tid, spec, block, unit_lines, seg.title, base_year, where)
                seen.add(block.index)
            continue
        label = _label(row, first_col)
        if years == header:  # the header repeated above the next block (2025 layout)
            _check_header(path, tid, row, years, where)
            if label and (b := _find_block(spec, label)) is not None:
                block = _open_block(path, tid, spec, b, label, unit_lines, seg.title, base_year, where, seen)
            continue
        values = {c: row[c] for c in header if c < len(row) and row[c] is not None}
        if label is None:
            if len(years) >= MIN_YEAR_CELLS:
                raise SourceError(INFO.name, path, f"Table {tid}: a year header ({_span(years)}) differs from the "
                                  f"table's first ({_span(header)}; its figures would be misdated)", where)
            if any(_value(path, cell, where) for cell in values.values()):
                # figures with no label: the label column has moved or gone, and the row
                # cannot be told from its neighbours (see UNLABELLED_LEFTOVERS)
                raise SourceError(INFO.name, path, f"Table {tid}: a row of figures has no label "
                                  f"({len(values)} figures would be lost; label column moved or deleted?)", where)
            continue  # blank row, or a leftover (UNLABELLED_LEFTOVERS)
        if not values:  # a text-only row: a block heading or a note
            if in_notes or NOTE_PATTERN.match(label):
                in_notes = True
                continue
            b = _find_block(spec, label)
            if b is None:
                raise SourceError(INFO.name, path, f"Table {tid}: unrecognised block heading {label!r}", where)
            block = _open_block(path, tid, spec, b, label, unit_lines, seg.title, base_year, where, seen)
            continue
        if block is None or block.context is None:
            raise SourceError(INFO.name, path, f"Table {tid}: figures before any block heading (heading or "
                              "label column moved or deleted? the table's figures would be lost)", where)
        indicator, price_base = block.context
        name, flags, currency = _split_label(path, label, spec.currency_in_label, where)
        for col, cell in values.items():
            value = _value(path, cell, where)
            if value is None:
                continue
            year, estimate = header[col]
            observations.append(_Obs(name, currency, year, indicator, value, price_base,
                                     estimate, flags, where))
    if header is None:
        raise SourceError(INFO.name, path, f"Table {tid}: no year header row found",
                          f"sheet {seg.sheet!r}, from row {seg.start}")
    missing = [spec.blocks[b].heading for b in range(len(spec.blocks)) if b not in seen]
    if missing:
        raise SourceError(INFO.name, path, f"Table {tid}: no block heading matching {missing[0]!r}",
                          f"sheet {seg.sheet!r}")
    return _Table(observations, sorted(y for y, _ in header.values()))


def _open_block(path: Path, tid: str, spec: TableSpec, index: int, heading: str, unit_lines: list[str],
                title: str, base_year: int | None, where: str, seen: set[int]) -> _Block:
    """A block met below the year header, with its (indicator, price base)."""
    block = _Block(index, heading)
    block.context = _block_context(path, tid, spec, block, unit_lines, title, base_year, where)
    seen.add(index)
    return block


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


def _check_header(path: Path, tid: str, row: Row, years: Years, where: str) -> None:
    """Years increase one by one, and nothing but a year sits among them."""
    ordered = [y for y, _ in (years[c] for c in sorted(years))]
    if ordered != sorted(set(ordered)):
        raise SourceError(INFO.name, path, f"Table {tid}: years in header not increasing", where)
    if ordered != list(range(ordered[0], ordered[-1] + 1)):
        gap = sorted(set(range(ordered[0], ordered[-1] + 1)) - set(ordered))[0]
        raise SourceError(INFO.name, path, f"Table {tid}: year {gap} missing from the header "
                          "(its figures would be lost)", where)
    # Anything but a year right of the first year cell ("2024x", "FY2024") fails: it would
    # drop that column's figures. (Only Table 4, which is not read, has text there.)
    for col in range(min(years), len(row)):
        cell = row[col]
        if col not in years and cell not in (None, "") and not (isinstance(cell, str) and not cell.strip()):
            raise SourceError(INFO.name, path, f"Table {tid}: header {str(cell)[:20]!r} among the years is not a "
                              "year (its figures would be lost)", where)


def _span(years: Years) -> str:
    """"2014-2026e" for a header's years."""
    first, last = years[min(years)], years[max(years)]
    return f"{first[0]}{ESTIMATE_SUFFIX * first[1]}-{last[0]}{ESTIMATE_SUFFIX * last[1]}"


def _year_cell(cell: Cell) -> tuple[int, bool] | None:
    """(year, estimate) for a header cell such as 2014, 2014.0, '2019' or '2023e'."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, (int, float)) and float(cell).is_integer() and int(cell) in YEAR_RANGE:
        return int(cell), False
    if isinstance(cell, str) and (m := YEAR_TEXT.match(cell)) and int(m.group(1)) in YEAR_RANGE:
        return int(m.group(1)), (m.group(2) or "").lower() == ESTIMATE_SUFFIX
    return None


def _block_context(path: Path, tid: str, spec: TableSpec, block: _Block, unit_lines: list[str],
                   title: str, base_year: int | None, where: str) -> tuple[str, str]:
    """(indicator, price base) of a block, checking its unit wording."""
    bspec = spec.blocks[block.index]
    unit_line = " ".join(unit_lines)
    text = " ".join(t for t in (block.heading, unit_line, title) if t)
    if not re.search(bspec.unit_text, text, re.IGNORECASE):
        raise SourceError(INFO.name, path, f"Table {tid}: unit not as expected (no {bspec.unit_text!r} in {text!r})",
                          where)
    return bspec.indicator, _block_price_base(path, tid, spec, block.heading, unit_line, base_year, where)


def _block_price_base(path: Path, tid: str, spec: TableSpec, heading: str, unit_line: str,
                      base_year: int | None, where: str) -> str:
    """"current" or "constant YYYY": as the heading states it, else the unit line, else the
    table's default; "constant" without a year takes the edition's base year (Table 2's)."""
    stated = _price_base(heading)
    if stated is None and CONSTANT_WORD.search(heading):  # "Constant prices and exchange rates"
        in_unit_line = _price_base(unit_line)
        if in_unit_line and in_unit_line.startswith(CONSTANT):
            stated = in_unit_line
        elif base_year is None:
            raise SourceError(INFO.name, path, f"Table {tid}: no base year in {heading!r} (the edition's "
                              "constant prices cannot be labelled)", where)
        else:
            stated = f"{CONSTANT} {base_year}"
    stated = stated or _price_base(unit_line) or spec.default_price_base
    if stated == CONSTANT:
        if base_year is None:
            raise SourceError(INFO.name, path, f"Table {tid}: no base year stated for {heading!r}", where)
        stated = f"{CONSTANT} {base_year}"
    if stated is None:
        raise SourceError(INFO.name, path, f"Table {tid}: no price base stated for {heading!r}", where)
    if base_year is not None and stated.startswith(CONSTANT) and stated != f"{CONSTANT} {base_year}":
        raise SourceError(INFO.name, path, f"Table {tid}: {stated} prices for {heading or unit_line!r}, but Table "
                          f"{BASE_YEAR_TABLE} is in constant {base_year} prices (one base year per edition)", where)
    return stated


def _find_block(spec: TableSpec, heading: str) -> int | None:
    """Index of the block whose heading pattern matches ``heading``, or None."""
    for b, bspec in enumerate(spec.blocks):
        if bspec.heading and re.search(bspec.heading, heading, re.IGNORECASE):
            return b
    return None


def _price_base(text: str) -> str | None:
    """"current", "constant YYYY" or None, as ``text`` states it."""
    if m := CONSTANT_PATTERN.search(text):
        return f"{CONSTANT} {m.group(1) or m.group(2)}"
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
    return m.group("name").strip(), (m.group("flags") or "") + (m.group("after") or ""), m.group("currency").strip()


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
    """"YYYY-MM": from a YYMMDD name prefix, else the sidecar, else the year in the name
    and NATO's month of that year's release (``PUBLISHED``); anything else fails."""
    if m := DATE_PREFIX.match(raw.path.name):
        yy, mm = int(m.group(1)), int(m.group(2))
        if 1 <= mm <= 12:
            return f"{2000 + yy}-{mm:02d}"
    if edition := str(raw.meta.get("edition", "")).strip():
        return edition
    m = NAME_YEAR.search(raw.path.name)
    if m is None:
        raise SourceError(INFO.name, raw.path, "edition unknown: the name has neither a release date "
                          "(YYMMDD-…) nor an edition year (def-exp-YYYY-…), and no sidecar gives one")
    year = int(m.group(1))
    if year not in PUBLISHED:
        known = ", ".join(str(y) for y in PUBLISHED)
        raise SourceError(INFO.name, raw.path, f"edition {year}: its release month is not known (known: {known}); "
                          "add it to PUBLISHED in dashboard/sources/nato.py rather than guess")
    if max(years) != year:
        raise SourceError(INFO.name, raw.path, f"edition {year} by its name, but the tables end in {max(years)} "
                          "(renamed file? the figures would carry the wrong edition)")
    return PUBLISHED[year]
