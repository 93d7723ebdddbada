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


# --- Kiel Ukraine Support Tracker: the six CSV files of one release ------------------------
# Invented donors' figures in EUR billion (weapons in EUR), in the layout of the CSV files
# the tracker's website reads: quoted header, text quoted, numbers bare, "\n" line ends.
# Totals, shares of GDP and the all-donor file are computed here, so the built release is
# consistent the way the published one is.

# (country, iso, year, month, financial, humanitarian, military, commitments, to_be_allocated)
KielMonth = tuple[str, str, int, int, float, float, float, float, float]

KIEL_MONTHS: list[KielMonth] = [
    ("Denmark", "DNK", 2026, 1, 0.0, 0.125, 0.25, 0.5, 0.125),
    ("Denmark", "DNK", 2026, 3, 0.0625, 0.0, 0.5, 0.25, -0.3125),
    ("EU (Commission and Council)", "EU", 2026, 2, 3.0, 0.5, 0.0, 5.0, 1.5),
    ("Germany", "DEU", 2026, 1, 0.125, 0.0625, 1.5, 2.0, 0.3125),
    ("Germany", "DEU", 2026, 2, 0.0, 0.03125, 0.75, 0.0, -0.78125),
    ("Germany", "DEU", 2026, 3, 0.25, 0.0, 2.25, 1.0, -1.5),
]
KIEL_GDP: dict[str, float] = {"DNK": 400.0, "DEU": 4000.0, "EU": 0.0}  # the donors' "2021 GDP", EUR bn
# (year, month, stockpile, procurement, unspecified, nato_purl), EUR bn
KIEL_SOURCING: list[tuple[int, int, float, float, float, float]] = [
    (2026, 1, 1.25, 0.5, 0.25, 0.0), (2026, 2, 0.25, 0.5, 0.0, 0.0), (2026, 3, 0.5, 1.0, 0.25, 1.0),
]
# (donor name, category, number, value in EUR, list)
KIEL_WEAPONS: list[tuple[str, str, int, int, str]] = [
    ("Denmark", "Howitzers", 6, 18_000_000, "Example howitzer (6)"),
    ("Germany", "Air Defense", 2, 400_000_000, "Example system A (1); Example system B (1)"),
    ("Germany", "Tanks", 10, 25_000_000, "Example tank (10)"),
    ("United Kingdom", "IFV", 4, 8_000_000, "Example vehicle (4)"),
]
# (country, iso, bilateral_pct_gdp, eu_share_pct_gdp, total_pct_gdp, eu_share_bn)
KIEL_EU_SHARES: list[tuple[str, str, float, float, float, float]] = [
    ("Denmark", "DNK", 0.5, 0.25, 0.75, 1.5),
    ("Germany", "DEU", 0.125, 0.5, 0.625, 12.0),
]
KIEL_RELEASE = ("12", "03/2026", "2026-05-20", "Ukraine Support Tracker, Release 12 (03/2026)")


def _csv_text(header: tuple[str, ...], rows: list[tuple], quote_all: bool = False, newline: str = "\n") -> str:
    def cell(value: object) -> str:
        return f'"{value}"' if quote_all or isinstance(value, str) else repr(value)
    return "".join(",".join(cell(v) for v in line) + newline for line in [header, *rows])


def write_kiel_release(folder: Path, *, months: list[KielMonth] | None = None, gdp: dict[str, float] | None = None,
                       release: tuple[str, str, str, str] = KIEL_RELEASE,
                       sourcing: list[tuple] | None = None, weapons: list[tuple] | None = None,
                       eu_shares: list[tuple] | None = None, newline: str = "\n") -> Path:
    """The six files of one release in ``folder`` (created); returns ``folder``."""
    months = KIEL_MONTHS if months is None else months
    gdp = KIEL_GDP if gdp is None else gdp
    folder.mkdir(parents=True, exist_ok=True)
    donor_rows, sums = [], {}
    for country, iso, year, month, fin, hum, mil, com, tba in months:
        total = fin + hum + mil
        share = total / gdp[iso] * 100 if gdp[iso] else 0.0
        donor_rows.append((country, iso, year, month, total, fin, hum, mil, com, tba, gdp[iso], share))
        old = sums.get((year, month), (0.0, 0.0, 0.0, 0.0))
        sums[(year, month)] = (old[0] + total, old[1] + mil, old[2] + fin, old[3] + hum)
    files = {
        "release_info.csv": (("release", "period", "date", "label"), [release], True),
        "data_explorer.csv": (("country", "iso", "year", "month", "total", "financial", "humanitarian", "military",
                               "commitments", "to_be_allocated", "gdp", "pct_gdp"), donor_rows, False),
        "total_allocations.csv": (("year", "month", "total_allocations", "military", "financial", "humanitarian"),
                                  [(y, m, *sums[(y, m)]) for y, m in sorted(sums)], False),
        "procurement_trends.csv": (("year", "month", "stockpile", "procurement", "unspecified", "nato_purl"),
                                   KIEL_SOURCING if sourcing is None else sourcing, False),
        "weapons.csv": (("donor", "category", "number_of_weapons", "monetary_value_eur", "weapons_list"),
                        KIEL_WEAPONS if weapons is None else weapons, False),
        "eu_aid_shares.csv": (("country", "iso", "bilateral_pct_gdp", "eu_share_pct_gdp", "total_pct_gdp",
                               "eu_share_bn"), KIEL_EU_SHARES if eu_shares is None else eu_shares, False),
    }
    for name, (header, rows, quote_all) in files.items():
        (folder / name).write_bytes(_csv_text(header, rows, quote_all, newline).encode("utf-8"))
    return folder


def edit_text(path: Path, old: str, new: str, count: int = 1) -> Path:
    """Replace ``old`` by ``new`` in a text file (``count`` times; -1: all), failing if absent."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def drop_csv_column(path: Path, column: str) -> Path:
    """Remove one column (by its header name) from every line of a built CSV file."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = [c.strip('"') for c in lines[0].rstrip("\n").split(",")].index(column)
    path.write_text("".join(",".join(c for i, c in enumerate(line.rstrip("\n").split(",")) if i != index) + "\n"
                            for line in lines), encoding="utf-8")
    return path
