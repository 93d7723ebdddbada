"""Rows of plain values as CSV, written the way ``DataFrame.to_csv(index=False)`` writes them,
and the one place every CSV the project writes makes text cells safe for spreadsheets.

For views whose rows already exist as dicts (a scenario's ~300 member-years): building a
frame only to print it costs more than the view itself on a user's first click.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

QUOTED = frozenset(',"\n\r')  # a field holding one of these is quoted (csv.QUOTE_MINIMAL)
# A spreadsheet runs a cell that begins with one of these as a formula (OWASP, "CSV injection"):
# text cells that do are written with a leading apostrophe, which spreadsheets show as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """``text`` as a CSV cell a spreadsheet will not run: a leading ``'`` before a formula
    character; a plain number ("-0.36", "+1") is left as it is (spreadsheets read it as one)."""
    if not text.startswith(FORMULA_START) or _is_number(text):
        return text
    return "'" + text


def csv_value(value: Any) -> Any:
    """A value for ``csv.writer``: missing (None, NaN) empty, text made safe, the rest as it is."""
    if value is None or value != value:  # value != value: NaN
        return ""
    return safe_text(value) if isinstance(value, str) else value


def comment_line(text: str) -> str:
    """A ``# …`` first line (a CSV's source line, which may quote a search text from a URL).

    Left unquoted so ``read_csv(comment="#")`` still skips it; but a spreadsheet splits it at
    its commas, so every piece that would begin with a formula character gets the leading
    ``'``, and double quotes become single ones (a quoted piece could hide a formula)."""
    one = " ".join(str(text).replace('"', "'").split())
    one = one if one.startswith("#") else f"# {one}"
    return ",".join(_safe_piece(piece) for piece in one.split(","))


def _safe_piece(piece: str) -> str:
    """A piece of a comment line: made safe even after spaces (a spreadsheet may trim them)."""
    stripped = piece.lstrip()
    return piece if safe_text(stripped) == stripped else "'" + piece


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell made safe (``safe_text``); numbers untouched."""
    out = frame
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            risky = values.astype("string").str.startswith(FORMULA_START).fillna(False)
            if risky.any():
                if out is frame:
                    out = frame.copy()
                out[column] = [safe_text(v) if isinstance(v, str) else v for v in values]
    return out


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text


def records_csv(columns: Sequence[str], records: Iterable[Mapping[str, Any]]) -> str:
    """CSV with a header row: ``None`` and NaN empty, floats as ``repr`` (every digit, as
    pandas writes them), integers without a decimal point, booleans ``True``/``False``;
    fields quoted only when they must be, ``"`` doubled, rows ending in ``\\n``."""
    rows = list(records)
    # column by column, each written by a comprehension: no function call per float cell
    # (a scenario's CSV is ~4,000 cells on a user's first click)
    cells = [_column([r.get(c) for r in rows]) for c in columns]
    lines = [",".join(_quote(c) for c in columns)]
    lines += [",".join(row) for row in zip(*cells)]
    return "\n".join(lines) + "\n"


def _column(values: list[Any]) -> list[str]:
    """One column's cells as text (a comprehension per column kind; cells of mixed kinds one by one)."""
    kinds = {type(v) for v in values} - {type(None)}
    if kinds <= {float}:
        return ["" if v is None or v != v else repr(v) for v in values]  # v != v: NaN
    if kinds <= {int}:
        return ["" if v is None else str(v) for v in values]
    if kinds <= {str}:
        # each distinct text quoted once (a member's notes repeat every year)
        quoted = {v: _quote(safe_text(v)) for v in set(values) if v is not None}
        return ["" if v is None else quoted[v] for v in values]
    return [_cell(v) for v in values]


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return repr(float(value))  # numpy floats print as plain numbers too
    return _quote(safe_text(str(value)))


def _quote(text: str) -> str:
    return f'"{text.replace(chr(34), chr(34) * 2)}"' if not QUOTED.isdisjoint(text) else text
