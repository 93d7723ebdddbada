"""Opening a publisher's workbook, with every way the file can be broken as one line."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from dashboard.errors import SourceError
from dashboard.sources import check_size

XLSX_MAGIC = b"PK\x03\x04"  # an xlsx is a zip: every zip starts with a local file header

# What openpyxl raises on a damaged or truncated workbook (it has no single error type).
# SyntaxError covers xml.etree's ParseError on a damaged sheet.
READ_ERRORS = (zipfile.BadZipFile, InvalidFileException, KeyError, EOFError, OSError,
               ValueError, zlib.error, SyntaxError)


def open_workbook(source: str, path: Path):
    """Open ``path`` read-only (values, not formulas) or raise a one-line SourceError."""
    if not path.is_file():
        raise SourceError(source, path, "file not found")
    if check_size(source, path) == 0:
        raise SourceError(source, path, "file is empty")
    with path.open("rb") as fh:
        head = fh.read(64)
    if not head.startswith(XLSX_MAGIC):
        kind = "an HTML page" if head.lstrip().startswith(b"<") else "not an xlsx file"
        raise SourceError(source, path, f"{kind} (expected an Excel workbook)")
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except READ_ERRORS as exc:
        raise SourceError(source, path, f"unreadable workbook ({describe(exc)}); "
                          "truncated download?") from None


def describe(exc: BaseException) -> str:
    """``Type: first line of the message`` (short) for a one-line error."""
    first = (str(exc).splitlines() or [""])[0][:120]
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__
