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
    texts: dict[str, str] = {}  # each distinct text quoted once (a member's notes repeat every year)

    def cell(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            out = texts.get(value)
            if out is None:
                out = texts[value] = _quote(value)
            return out
        if isinstance(value, float):
            return "" if math.isnan(value) else repr(value)
        return _quote(str(value))

    lines = [",".join(_quote(c) for c in columns)]
    lines += [",".join([cell(record.get(c)) for c in columns]) for record in records]
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    return f'"{text.replace(chr(34), chr(34) * 2)}"' if not QUOTED.isdisjoint(text) else text
