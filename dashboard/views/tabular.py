"""Rows of plain values as CSV, written the way ``DataFrame.to_csv(index=False)`` writes them.

For views whose rows already exist as dicts (a scenario's ~300 member-years): building a
frame only to print it costs more than the view itself on a user's first click.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

QUOTED = frozenset(',"\n\r')  # a field holding one of these is quoted (csv.QUOTE_MINIMAL)


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
        quoted = {v: _quote(v) for v in set(values) if v is not None}
        return ["" if v is None else quoted[v] for v in values]
    return [_cell(v) for v in values]


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return repr(float(value))  # numpy floats print as plain numbers too
    return _quote(str(value))


def _quote(text: str) -> str:
    return f'"{text.replace(chr(34), chr(34) * 2)}"' if not QUOTED.isdisjoint(text) else text
