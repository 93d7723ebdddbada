"""Small files in the publishers' layouts, built by the tests (no published data copied).

The figures here are invented; only the layout (sheet names, header rows, markers,
font colours) follows the published files, as described in ../shared/.../SOURCES.md.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.styles import Font
from openpyxl.styles.colors import Color

BLUE = Font(color=Color(indexed=12))  # SIPRI estimate
RED = Font(color=Color(indexed=10))   # SIPRI highly uncertain

# country → (currency label, notes, {year: value or marker or (value, font)})
SipriRows = dict[str, tuple[str, str, dict[int, object]]]

DEFAULT_SIPRI_ROWS: SipriRows = {
    "United Kingdom": ("Pounds    ", "91", {2022: 0.0215, 2023: 0.0225, 2024: (0.023, BLUE)}),
    "Korea, South": ("Won", "§4", {2022: 0.025, 2023: "...", 2024: (0.026, RED)}),
    "USSR": ("Roubles", "", {2022: "xxx", 2023: "xxx", 2024: "xxx"}),
}


def write_sipri_workbook(path: Path, rows: SipriRows | None = None, years=(2022, 2023, 2024),
                         constant_base: int = 2023, share_sheet: str = "Share of GDP",
                         header_offset: int = 0) -> Path:
    """A workbook shaped like SIPRI's release: all data sheets, region headings, markers.

    The same fractions are written to every sheet, so a share of 0.0225 reads as 2.25 %
    on share sheets and as 0.0225 elsewhere (tests only assert what they need).
    """
    rows = rows or DEFAULT_SIPRI_ROWS
    wb = openpyxl.Workbook()
    wb.active.title = "Front page"
    last = years[-1]
    sheets = [
        ("Local currency financial years", ["Country", "Currency", "Fiscal Year (Jan-Dec if not stated)", "Notes"], 8),
        ("Local currency calendar years", ["Country", "Currency", "Notes"], 7),
        (f"Constant ({constant_base}) US$", ["Country", "", "Notes"], 6),
        ("Current US$", ["Country", "Notes"], 6),
        (share_sheet, ["Country", "Notes"], 6),
        ("Per capita", ["Country", "Notes"], 7),
        ("Share of Govt. spending", ["Country", "Notes", "Reporting year"], 8),
    ]
    for title, fixed, header_row in sheets:
        ws = wb.create_sheet(title)
        ws.cell(1, 1, f"Military expenditure by country, {years[0]}-{last}      © SIPRI {last}")
        ws.cell(3, 1, "Figures in blue are SIPRI estimates. Figures in red indicate highly uncertain data.")
        hr = header_row + header_offset
        for col, label in enumerate(fixed + list(years), start=1):
            ws.cell(hr, col, label)
        r = hr + 2
        ws.cell(r, 1, "Europe")  # region heading: every year cell empty
        r += 1
        for name, (currency, notes, values) in rows.items():
            fixed_values = {"Country": name, "Currency": currency, "Notes": notes,
                            "Fiscal Year (Jan-Dec if not stated)": "Apr-Mar" if name == "United Kingdom" else ""}
            for col, label in enumerate(fixed, start=1):
                ws.cell(r, col, fixed_values.get(label, ""))
            for col, year in enumerate(years, start=len(fixed) + 1):
                value = values.get(year)
                font = None
                if isinstance(value, tuple):
                    value, font = value
                cell = ws.cell(r, col, value)
                if font is not None:
                    cell.font = font
            r += 1
    reg = wb.create_sheet("Regional totals", 1)
    reg.cell(2, 1, f"Figures are in US$ b., at constant {constant_base} prices and exchange rates, "
                   f"except for the last figure which is in US$ b. at {last} prices and exchange rates.")
    header = ["Region", *years, f"{last} (current prices)", "", "Omitted countries"]
    for col, label in enumerate(header, start=1):
        reg.cell(14, col, label)
    for r, (name, vals, omitted) in enumerate(
            [("World", [2000.0, 2100.5, (2200.25, RED), 2300.0], ""),
             ("Europe", [500.0, ". .", 520.0, 530.0], "Kosovo")], start=15):
        reg.cell(r, 1, name)
        for col, value in enumerate(vals, start=2):
            font = None
            if isinstance(value, tuple):
                value, font = value
            cell = reg.cell(r, col, value)
            if font is not None:
                cell.font = font
        reg.cell(r, len(header), omitted)
    wb.create_sheet("Footnotes")
    wb.save(path)
    return path


# --- edits of a built workbook, for the bad-input corpus (tests/test_bad_inputs.py) ------


def duplicate_row(path: Path, label: str, sheets: tuple[str, ...] = ()) -> Path:
    """Repeat, just below it, the first row holding a cell ``label`` in each sheet (or in ``sheets``)."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        if sheets and ws.title not in sheets:
            continue
        found = next((row[0].row for row in ws.iter_rows()
                      if any(isinstance(c.value, str) and c.value.strip() == label for c in row)), None)
        if found is None:
            continue
        ws.insert_rows(found + 1)
        for col in range(1, ws.max_column + 1):
            ws.cell(found + 1, col, ws.cell(found, col).value)
    wb.save(path)
    return path


def insert_blank_columns(path: Path, before: int, count: int = 1, sheets: tuple[str, ...] = ()) -> Path:
    """Insert ``count`` empty columns before column ``before`` (1-based) in each sheet (or in ``sheets``)."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        if not sheets or ws.title in sheets:
            ws.insert_cols(before, count)
    wb.save(path)
    return path


def rename_sheets(path: Path, names: dict[str, str]) -> Path:
    """Rename sheets (old title → new title)."""
    wb = openpyxl.load_workbook(path)
    for old, new in names.items():
        wb[old].title = new
    wb.save(path)
    return path


def replace_text(path: Path, old: str, new: str) -> Path:
    """Replace every string cell equal to ``old`` (stripped) by ``new`` (a title retyped)."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.strip() == old:
                    cell.value = new
    wb.save(path)
    return path


def delete_rows(path: Path, label: str, sheets: tuple[str, ...] = ()) -> Path:
    """Delete every row holding a cell ``label`` (stripped) in each sheet (or in ``sheets``)."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        if sheets and ws.title not in sheets:
            continue
        doomed = [row[0].row for row in ws.iter_rows()
                  if any(isinstance(c.value, str) and c.value.strip() == label for c in row)]
        for r in reversed(doomed):
            ws.delete_rows(r)
    wb.save(path)
    return path
