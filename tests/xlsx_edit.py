"""Small edits of a published workbook at the XML level (fast: no full openpyxl load/save).

An xlsx is a zip of XML parts: ``xl/workbook.xml`` names the sheets, its relationships
say which ``xl/worksheets/sheetN.xml`` holds each, ``xl/sharedStrings.xml`` holds the
text cells (a cell ``t="s"`` stores the string's index). The layout-drift tests use these
edits to make the changes a publisher might make — a header retyped, a column emptied, a
row gone, a sheet renamed — on a copy of the real file in a temporary folder.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from html import escape, unescape
from pathlib import Path

WORKBOOK = "xl/workbook.xml"
RELS = "xl/_rels/workbook.xml.rels"
STRINGS = "xl/sharedStrings.xml"
_CELL = r'<c r="{ref}"(?: [^>]*)?(?:/>|>.*?</c>)'


def edit(src: Path, dst: Path, parts: dict[str, Callable[[str], str]]) -> Path:
    """Copy ``src`` to ``dst`` with each named part's text passed through its function."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename in parts:
                data = parts[info.filename](data.decode("utf-8")).encode("utf-8")
            zout.writestr(info, data)
    return dst


def sheet_part(src: Path, title: str) -> str:
    """The zip member holding the sheet called ``title``."""
    with zipfile.ZipFile(src) as z:
        book, rels = z.read(WORKBOOK).decode(), z.read(RELS).decode()
    rid = re.search(rf'<sheet name="{re.escape(escape(title, quote=True))}"[^>]*r:id="(\w+)"', book).group(1)
    target = re.search(rf'<Relationship Id="{rid}"[^>]*Target="([^"]+)"', rels) or \
        re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid}"', rels)
    return "xl/" + target.group(1).lstrip("/").removeprefix("xl/")


def strings(src: Path) -> list[str]:
    """The shared strings, in index order."""
    with zipfile.ZipFile(src) as z:
        xml = z.read(STRINGS).decode()
    return [unescape(re.sub(r"<[^>]+>", "", si)) for si in re.findall(r"<si>(.*?)</si>", xml, re.S)]


def set_text(ref: str, text: str) -> Callable[[str], str]:
    """Sheet edit: cell ``ref`` becomes the inline string ``text``."""
    def apply(xml: str) -> str:
        new = f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'
        out, n = re.subn(_CELL.format(ref=ref), new, xml, count=1, flags=re.S)
        assert n == 1, f"no cell {ref}"
        return out
    return apply


def clear_column(column: str, from_row: int = 1) -> Callable[[str], str]:
    """Sheet edit: every cell of ``column`` (letters) from row ``from_row`` down removed."""
    def apply(xml: str) -> str:
        def drop(m: re.Match[str]) -> str:
            return "" if int(m.group(1)) >= from_row else m.group(0)
        out, n = re.subn(_CELL.format(ref=rf"{column}(\d+)"), drop, xml, flags=re.S)
        assert n, f"no cells in column {column}"
        return out
    return apply


def drop_row_with(index: int) -> Callable[[str], str]:
    """Sheet edit: the row holding shared string ``index`` in a text cell removed."""
    def apply(xml: str) -> str:
        rows = re.findall(r"<row [^>]*>.*?</row>", xml, re.S)
        doomed = [r for r in rows if re.search(rf'<c r="[A-Z]+\d+"[^>]*t="s"[^>]*><v>{index}</v></c>', r)]
        assert doomed, f"no row with string {index}"
        return xml.replace(doomed[0], "", 1)
    return apply


def header_cell(src: Path, title: str, value: int) -> str:
    """The reference of the first cell of sheet ``title`` holding the number ``value``."""
    with zipfile.ZipFile(src) as z:
        xml = z.read(sheet_part(src, title)).decode()
    return re.search(rf'<c r="([A-Z]+\d+)"(?: s="\d+")?><v>{value}</v></c>', xml).group(1)


def rename_sheet(old: str, new: str) -> Callable[[str], str]:
    """Workbook edit: sheet ``old`` renamed ``new``."""
    def apply(xml: str) -> str:
        before = f'<sheet name="{escape(old, quote=True)}"'
        assert before in xml, f"no sheet {old!r}"
        return xml.replace(before, f'<sheet name="{escape(new, quote=True)}"', 1)
    return apply


def replace_string(old: str, new: str) -> Callable[[str], str]:
    """Shared-strings edit: every string exactly ``old`` becomes ``new``."""
    def apply(xml: str) -> str:
        pattern = rf"(<si>(?:<t[^>]*>)){re.escape(escape(old, quote=False))}(</t></si>)"
        out, n = re.subn(pattern, lambda m: m.group(1) + escape(new, quote=False) + m.group(2), xml)
        assert n, f"no string {old!r}"
        return out
    return apply
