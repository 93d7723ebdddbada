"""SIPRI Military Expenditure Database (the annual xlsx release).

Every data sheet of the workbook becomes tidy rows. Sheets are recognised by their
title, not position; the header row of each is the first whose first cell is
``Country`` (``Region`` on the regional-totals sheet) because it sits on a different
row in every sheet and release.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd

from dashboard import countries, schema
from dashboard.currencies import currency_code, is_currency_unit, unit_for
from dashboard.errors import SourceError
from dashboard.http import get
from dashboard.provenance import RawFile, SourceInfo
from dashboard.sources._excel import READ_ERRORS, XLSX_MAGIC, describe, open_workbook

INFO = SourceInfo(
    name="sipri",
    publisher="Stockholm International Peace Research Institute (SIPRI)",
    title="SIPRI Military Expenditure Database",
    url="https://www.sipri.org/databases/milex",
    licence="Free to use with attribution (SIPRI terms of use)",
    citation="SIPRI Military Expenditure Database, Stockholm International Peace Research "
    "Institute, https://doi.org/10.55163/CQGC9685",
)
# parse reads its own workbook only (the build's parse memo may ignore the files beside it)
PARSES_ALONE = True

# File names carry suffixes such as "_2" or "_v1.2", so match loosely.
FILE_PATTERN = "SIPRI-Milex-data-*.xlsx"
DOWNLOAD_PAGE = "https://www.sipri.org/databases/milex"
DOWNLOAD_LINK = re.compile(r'href="([^"]*SIPRI-Milex-data[^"]*\.xlsx)"', re.IGNORECASE)

# SIPRI releases each edition in April, covering data to the previous year: the file
# "1949-2024" is the April 2025 release.
RELEASE_MONTH = 4

# Missing-value markers: "..." no data, "xxx" the country did not exist; ". ." is used on
# the regional-totals sheet. None of them is a number, none becomes a row.
MISSING_MARKERS = frozenset({"...", "xxx", ". .", "..", ""})

# SIPRI marks estimates and highly uncertain figures by font colour only (no marker in
# the cell): blue = SIPRI estimate, red = highly uncertain. Both appear as the legacy
# indexed palette (12 = blue, 10 = red) in current files; RGB kept for future saves.
ESTIMATE_COLOURS = frozenset({("indexed", 12), ("rgb", "FF0000FF")})
UNCERTAIN_COLOURS = frozenset({("indexed", 10), ("rgb", "FFFF0000")})
UNCERTAIN_FLAG = "uncertain"

# Footnote symbols used in the Notes column (the digits after them number a
# country-specific footnote on the Footnotes sheet).
FOOTNOTE_SYMBOLS = "†‡§¶‖"

# Share sheets store fractions (UK 2024 = 0.022786 means 2.2786 %).
FRACTION_TO_PERCENT = 100.0
# Local-currency sheets are in full currency units; the table uses millions.
UNITS_TO_MILLIONS = 1e-6
# Regional totals are in US$ billions; the table uses millions.
BILLIONS_TO_MILLIONS = 1e3

# Header labels of the non-year columns (lower case, matched as prefixes): country sheets
# have Country, Currency, Fiscal Year (Jan-Dec if not stated), Notes and Reporting year
# before the years; Regional totals has Region before and "Omitted countries" after.
HEADER_LABELS: tuple[str, ...] = ("country", "currency", "fiscal year", "notes", "reporting year", "region",
                                  "omitted countries")
# A year header stored as text ("2024" instead of 2024) still names that year: Excel shows
# it the same way. Any other text in a year's place fails (see _year_columns).
TEXT_YEAR = re.compile(r"(19|20)\d{2}")
# Regional totals: the last figure is the latest year at current prices.
CURRENT_PRICES_HEADER = re.compile(r"(\d{4})\s*\(current prices\)", re.IGNORECASE)

CONSTANT_BASE = re.compile(r"constant\s*\(?\s*(\d{4})", re.IGNORECASE)
YEAR_RANGE = re.compile(r"(19|20)\d{2}\s*-\s*((?:19|20)\d{2})")


@dataclass(frozen=True)
class SheetSpec:
    """How one data sheet maps to the vocabulary."""

    title_prefix: str  # sheet name starts with this (case-insensitive)
    indicator: str
    unit: str          # "<CUR>" is replaced by the country's ISO 4217 code
    scale: float
    fiscal_year: bool = False


SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec("Local currency financial", "milex_lcu_fy", "<CUR> million", UNITS_TO_MILLIONS, True),
    SheetSpec("Local currency calendar", "milex_lcu", "<CUR> million", UNITS_TO_MILLIONS),
    SheetSpec("Constant", "milex_usd", "US$ million", 1.0),
    SheetSpec("Current US$", "milex_usd", "US$ million", 1.0),
    SheetSpec("Share of GDP", "milex_share_gdp", "percent of GDP", FRACTION_TO_PERCENT),
    SheetSpec("Per capita", "milex_per_capita_usd", "US$", 1.0),
    SheetSpec("Share of Govt", "milex_share_govt", "percent of government expenditure",
              FRACTION_TO_PERCENT),
)
REGIONAL_SHEET = "Regional totals"
REQUIRED_SHEET = "Share of GDP"  # a workbook without it is not a SIPRI milex file


def discover(folder: Path) -> list[Path]:
    """SIPRI workbooks under ``folder``."""
    return sorted(p for p in folder.rglob(FILE_PATTERN) if not p.is_dir())  # non-files fail in read_raw


def fetch(sess, cache) -> list[Path]:
    """Find the workbook link on SIPRI's database page and store the file."""
    page = get(sess, DOWNLOAD_PAGE)
    match = DOWNLOAD_LINK.search(page.text)
    if not match:
        raise SourceError("sipri", DOWNLOAD_PAGE, "no SIPRI-Milex-data-*.xlsx link on the page")
    url = requests_join(DOWNLOAD_PAGE, match.group(1))
    resp = get(sess, url)
    if not resp.content.startswith(XLSX_MAGIC):
        raise SourceError("sipri", url, "download is not an xlsx file (an error page?)")
    return [cache.store(INFO, url.rsplit("/", 1)[-1], resp.content, url)]


def parse(raw: RawFile) -> pd.DataFrame:
    """All data sheets of one SIPRI workbook as tidy rows."""
    wb = open_workbook("sipri", raw.path)
    try:
        names = {ws.title: ws for ws in wb.worksheets}
        share = _find_sheet(names, REQUIRED_SHEET, raw.path)
        if share is None:
            raise SourceError("sipri", raw.path, f"no sheet named '{REQUIRED_SHEET}' "
                              f"(sheets: {', '.join(names)})")
        last_year = _last_year(share, raw.path)
        edition = f"{last_year + 1}-{RELEASE_MONTH:02d}"
        on = dt.date(last_year + 1, RELEASE_MONTH, 1)
        colours = _font_colours(wb)
        frames = []
        for spec in SHEETS:
            ws = _find_sheet(names, spec.title_prefix, raw.path)
            if ws is None:
                raise SourceError("sipri", raw.path, f"no sheet starting '{spec.title_prefix}' "
                                  "(its figures would be lost)")
            frames.append(_parse_sheet(ws, spec, raw, edition, on, colours))
        regional = _find_sheet(names, REGIONAL_SHEET, raw.path)
        if regional is not None:
            frames.append(_parse_regional(regional, raw, edition, colours))
    except READ_ERRORS as exc:
        raise SourceError("sipri", raw.path, f"unreadable workbook ({describe(exc)})") from None
    finally:
        wb.close()
    return schema.tidy(pd.concat(frames, ignore_index=True))


def _find_sheet(sheets: dict, prefix: str, path: Path):
    """The one sheet whose name starts with ``prefix`` (case-insensitive), or None.

    Two candidates (a "Share of GDP (draft)" beside the real one) fail: taking the first
    once read SIPRI's share of GDP from a one-row draft.
    """
    found = [title for title in sheets if title.strip().lower().startswith(prefix.lower())]
    if len(found) > 1:
        listed = ", ".join(f"'{t}'" for t in found)
        raise SourceError("sipri", path, f"{len(found)} sheets could be the '{prefix}' sheet ({listed}); "
                          "exactly one is expected (reading the other would lose its figures)")
    return sheets[found[0]] if found else None


def _last_year(ws, path: Path) -> int:
    """The last data year, from the sheet title ("…, 1949-2024 © SIPRI") or header."""
    for row in ws.iter_rows(max_row=3, values_only=True):
        for cell in row:
            if isinstance(cell, str) and (m := YEAR_RANGE.search(cell)):
                return int(m.group(2))
    header, _ = _header(ws, "Country", path)
    years = [h for h in header if isinstance(h, int)]
    return max(years)


def _font_colours(wb) -> dict[int, str]:
    """fontId → "estimate" / "uncertain" for the coloured fonts (read-only mode)."""
    out: dict[int, str] = {}
    for font_id, font in enumerate(wb._fonts):  # openpyxl exposes no public font table
        colour = font.color
        if colour is None:
            continue
        key = (colour.type, colour.indexed if colour.type == "indexed" else colour.rgb)
        if key in ESTIMATE_COLOURS:
            out[font_id] = "estimate"
        elif key in UNCERTAIN_COLOURS:
            out[font_id] = UNCERTAIN_FLAG
    return out


def _header(ws, first: str, path: Path) -> tuple[list, int]:
    """The header row (values) whose first cell is ``first``, and its 1-based row number."""
    for idx, row in enumerate(ws.iter_rows(max_row=40, values_only=True), start=1):
        if row and isinstance(row[0], str) and row[0].strip() == first:
            return list(row), idx
    raise SourceError("sipri", path, f"no header row starting '{first}' in the first 40 rows",
                      where=f"sheet '{ws.title}'")


def _parse_sheet(ws, spec: SheetSpec, raw: RawFile, edition: str, on: dt.date,
                 colours: dict[int, str]) -> pd.DataFrame:
    """One country sheet → tidy rows."""
    header, header_row = _header(ws, "Country", raw.path)
    labels = [str(h).strip().lower() if isinstance(h, str) else "" for h in header]
    year_cols, unlabelled = _year_columns(header, ws.title, raw.path, int(edition[:4]) - 1)
    notes_col = _col(labels, "notes")
    currency_col = _col(labels, "currency")
    fy_col = _col(labels, "fiscal year")
    price_base = "current"
    if spec.title_prefix == "Constant":
        m = CONSTANT_BASE.search(ws.title)
        if not m:
            raise SourceError("sipri", raw.path, "no base year in the sheet name",
                              where=f"sheet '{ws.title}'")
        price_base = f"constant {m.group(1)}"
    records = []
    for row_no, row in enumerate(ws.iter_rows(min_row=header_row + 1), start=header_row + 1):
        if not row or not isinstance(row[0].value, str) or not row[0].value.strip():
            continue
        name = " ".join(row[0].value.split())
        base_flags = _flags(row, notes_col, fy_col)
        cur_label = str(row[currency_col].value or "").strip() if currency_col is not None else ""
        _check_unlabelled(row, unlabelled, raw.path, ws.title, row_no)
        for col, year in year_cols:
            if col >= len(row):
                break
            cell = row[col]
            value = _number(cell.value, raw, ws.title, row_no, col)
            if value is None:
                continue
            colour = colours.get(cell.style_array.fontId)
            flags = base_flags + ([UNCERTAIN_FLAG] if colour == UNCERTAIN_FLAG else [])
            records.append((name, year, value * spec.scale, colour == "estimate",
                            " ".join(flags), cur_label))
    frame = pd.DataFrame.from_records(
        records, columns=["country", "year", "value", "estimate", "flags", "currency_label"])
    if frame.empty:
        return schema.empty()
    codes = countries.map_names(frame["country"].unique(), "sipri",
                                where=f"{raw.path.name}, sheet '{ws.title}'")
    frame["iso3"] = frame["country"].map(codes)
    if is_currency_unit(spec.unit):
        frame["unit"] = _currency_units(frame, spec.unit, on, raw, ws.title)
    else:
        frame["unit"] = spec.unit
    return frame.assign(source="sipri", edition=edition, indicator=spec.indicator,
                        price_base=price_base, retrieved=raw.retrieved)


def _parse_regional(ws, raw: RawFile, edition: str, colours: dict[int, str]) -> pd.DataFrame:
    """Regional totals (US$ billions, constant prices; last column at current prices)."""
    header, header_row = _header(ws, "Region", raw.path)
    base_match = None
    for row in ws.iter_rows(max_row=header_row, values_only=True):
        if isinstance(row[0], str) and (base_match := CONSTANT_BASE.search(row[0])):
            break
    if base_match is None:
        raise SourceError("sipri", raw.path, "no 'constant YYYY prices' note above the header",
                          where=f"sheet '{ws.title}'")
    constant = f"constant {base_match.group(1)}"
    years, unlabelled = _year_columns(header, ws.title, raw.path, int(edition[:4]) - 1, (CURRENT_PRICES_HEADER,))
    columns: list[tuple[int, int, str]] = [(i, year, constant) for i, year in years]
    omitted_col = None
    for i, h in enumerate(header):
        if isinstance(h, str) and (m := CURRENT_PRICES_HEADER.fullmatch(h.strip())):
            columns.append((i, int(m.group(1)), "current"))
        elif isinstance(h, str) and h.strip().lower().startswith("omitted"):
            omitted_col = i
    records = []
    for row_no, row in enumerate(ws.iter_rows(min_row=header_row + 1), start=header_row + 1):
        if not row or not isinstance(row[0].value, str) or not row[0].value.strip():
            continue
        _check_unlabelled(row, unlabelled, raw.path, ws.title, row_no)
        name = " ".join(row[0].value.split())
        omitted = str(row[omitted_col].value or "").strip() if omitted_col is not None and omitted_col < len(row) else ""
        base = [f"omits:{omitted.replace(' ', '')}"] if omitted else []
        for col, year, price_base in columns:
            if col >= len(row):
                continue
            value = _number(row[col].value, raw, ws.title, row_no, col)
            if value is None:
                continue
            # Red on this sheet: more than 10 % of the total is SIPRI's estimate for
            # countries with missing data, i.e. the figure is an estimate.
            estimated = colours.get(row[col].style_array.fontId) is not None
            records.append((name, year, value * BILLIONS_TO_MILLIONS, estimated,
                            " ".join(base), price_base))
    frame = pd.DataFrame.from_records(
        records, columns=["country", "year", "value", "estimate", "flags", "price_base"])
    codes = countries.map_names(frame["country"].unique(), "sipri",
                                where=f"{raw.path.name}, sheet '{ws.title}'")
    frame["iso3"] = frame["country"].map(codes)
    return frame.assign(source="sipri", edition=edition, indicator="milex_usd",
                        unit="US$ million", retrieved=raw.retrieved)


def _year_columns(header: list, sheet: str, path: Path, last_year: int,
                  extra: tuple[re.Pattern[str], ...] = ()) -> tuple[list[tuple[int, int]], list[int]]:
    """(column, year) of every year column, and the columns with no header at all.

    A header cell must be a year, a year stored as text (``TEXT_YEAR``), one of the
    sheet's known labels (``HEADER_LABELS``, or ``extra`` patterns) or empty. Anything
    else ("2024e", "FY2024") fails, naming it: read as a label it would drop that
    column's figures without a word. The years must run without a gap to the edition's
    last year.
    """
    years: list[tuple[int, int]] = []
    blank: list[int] = []
    for col, cell in enumerate(header):
        text = cell.strip() if isinstance(cell, str) else None
        if isinstance(cell, int) and not isinstance(cell, bool):
            years.append((col, cell))
        elif text is not None and TEXT_YEAR.fullmatch(text):
            years.append((col, int(text)))
        elif cell is None or text == "":
            blank.append(col)
        elif not (text and (text.lower().startswith(HEADER_LABELS) or any(p.fullmatch(text) for p in extra))):
            raise SourceError("sipri", path, f"header {str(cell)[:30]!r} is neither a year nor a known label "
                              "(its column's figures would be lost)", where=f"sheet '{sheet}' {_cell(0, col)[:-1]}")
    found = [y for _, y in years]
    if not found:
        raise SourceError("sipri", path, "no year columns in the header", where=f"sheet '{sheet}'")
    expected = list(range(found[0], last_year + 1))
    if found != expected:
        missing = sorted(set(expected) - set(found))
        problem = (f"year {missing[0]} missing from the header" if missing
                   else f"years not in order or beyond {last_year}: {found[-3:]}")
        raise SourceError("sipri", path, f"{problem} (that year's figures would be lost)", where=f"sheet '{sheet}'")
    first_year_col = years[0][0]
    return years, [c for c in blank if c > first_year_col]


def _check_unlabelled(row, columns: list[int], path: Path, sheet: str, row_no: int) -> None:
    """A figure under an empty header cell (a year label deleted) fails, naming the cell."""
    for col in columns:
        if col < len(row) and isinstance(row[col].value, (int, float)) and not isinstance(row[col].value, bool):
            raise SourceError("sipri", path, "a figure under an empty header cell (a year label missing?)",
                              where=f"sheet '{sheet}' {_cell(row_no, col)}")


def _col(labels: list[str], start: str) -> int | None:
    """Index of the first header label starting with ``start``."""
    return next((i for i, lab in enumerate(labels) if lab.startswith(start)), None)


def _flags(row, notes_col: int | None, fy_col: int | None) -> list[str]:
    """Footnote symbols from the Notes column, and the financial year (``fy:Apr-Mar``)."""
    flags: list[str] = []
    if notes_col is not None and notes_col < len(row):
        notes = str(row[notes_col].value or "")
        flags.extend(ch for ch in notes if ch in FOOTNOTE_SYMBOLS)
    if fy_col is not None and fy_col < len(row):
        fy = str(row[fy_col].value or "").strip()
        if fy:
            flags.append("fy:" + fy.replace(" ", "_"))
    return flags


def _number(value, raw: RawFile, sheet: str, row: int, col: int) -> float | None:
    """A numeric cell as float; a missing marker as None; anything else is an error."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise SourceError("sipri", raw.path, f"boolean {value!r} where a number belongs",
                          where=f"sheet '{sheet}' {_cell(row, col)}")
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    if text in MISSING_MARKERS:
        return None
    raise SourceError("sipri", raw.path, f"text {text[:40]!r} where a number belongs",
                      where=f"sheet '{sheet}' {_cell(row, col)}")


def _cell(row: int, col: int) -> str:
    """Spreadsheet address such as ``AB12`` for a 1-based row and 0-based column."""
    return f"{openpyxl.utils.get_column_letter(col + 1)}{row}"


def _currency_units(frame: pd.DataFrame, unit: str, on: dt.date, raw: RawFile,
                    sheet: str) -> pd.Series:
    """``<ISO 4217> million`` per row: SIPRI gives all years in the current currency."""
    pairs = frame[["iso3", "currency_label"]].drop_duplicates()
    codes: dict[tuple[str, str], str] = {}
    for iso3, label in pairs.itertuples(index=False):
        code = currency_code(iso3, on, label)
        if code is None:
            raise SourceError("sipri", raw.path, f"no currency known for {iso3} "
                              f"(label {label!r})", where=f"sheet '{sheet}'")
        codes[(iso3, label)] = unit_for(unit, code)
    keys = pd.Series(list(zip(frame["iso3"], frame["currency_label"])), index=frame.index)
    return keys.map(codes)


def requests_join(base: str, link: str) -> str:
    """Absolute URL for a link found on ``base``."""
    from urllib.parse import urljoin

    return urljoin(base, link)
