"""A grid's rows as a plain table, for the page's static copy (static_copy/prerender.py).

AG Grid draws in the browser once Dash has loaded (on the reader's first interaction:
static_copy/hydration.py); until then the copy shows the grid's rows, in the grid's order and
columns, with the grid's own texts, scrolling inside the grid's fixed frame (no layout shift).

How many: a grid whose layout holds its rows (the index pages' lists: /countries, /budgets) is
copied whole while its rows come to at most ``WHOLE_BYTES`` of HTML, so a reader before the first
interaction, or a crawler, has a link to every country. A page whose layout leaves the grid's
rows to a callback (they are many: /pledges' 216, 187 of them in force) registers how to make them from the URL
(``ROW_SOURCES``); its copy holds the first screen (``ROWS_SHOWN``) and says how many rows the
grid has and that the rest load on the first interaction (``MORE_NOTE``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from typing import Any

ROWS_SHOWN = 15  # a long grid's first screen
# A grid given its rows in the layout is copied whole up to this much row HTML (/countries' 166
# rows: ~41 KB, the whole page 7 KB in brotli; /budgets' 41: ~22 KB); past it, the first screen
# and ``MORE_NOTE``.
WHOLE_BYTES = 64 * 1024
MORE_NOTE = "Showing the first {shown} of {total} rows; the rest load on your first interaction with the page."
DEFAULT_WIDTH = 200  # AG Grid's default column width, px  # more than fill the grid's frame at its fixed height
# grid id -> its rows for the page's URL parameters (pages register theirs at import)
ROW_SOURCES: dict[str, Callable[[dict[str, Any]], list[dict]]] = {}
# valueFormatter functions that show another field's text ("params.data.latest_text")
FIELD_TEXT = re.compile(r"params\.data\.(\w+)")
MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\((/[^)\s]*|https?://[^)\s]+)\)")  # site and web links only


def _signed(value: float) -> str:
    return f"{'+' if value > 0 else ''}{value:.2f}"


# The numeric columns whose valueFormatter is arithmetic, by field: the same text in Python.
FORMATS: dict[str, Callable[[Any], str]] = {
    "progress_pct": lambda v: f"{round(v)}%",   # pages/pledges.py: Math.round(params.value) + '%'
    "gap_pp": _signed,                           # (params.value > 0 ? '+' : '') + toFixed(2)
}


def table(grid_id: str, props: dict, params: dict[str, Any]) -> str:
    """HTML of the grid's rows (every one, or the first screen and a note) in a frame of the
    grid's height ("" if it has none)."""
    rows = props.get("rowData") or []
    whole = bool(rows)  # rows the layout holds; a callback's rows (ROW_SOURCES) are the long grids
    if not rows and grid_id in ROW_SOURCES:
        rows = ROW_SOURCES[grid_id](params)
    columns = [c for c in props.get("columnDefs") or [] if isinstance(c, dict) and c.get("field")]
    if not rows or not columns:
        return ""
    widths = [width(c) for c in columns]
    cols = "".join(f'<col style="width: {w}px">' for w in widths)
    head = "".join(f'<th scope="col">{escape(str(c.get("headerName", c["field"])))}</th>' for c in columns)
    shown = _rows(columns, rows, WHOLE_BYTES if whole else 0)
    more = (f'<p class="hint prerender-more">{MORE_NOTE.format(shown=len(shown), total=len(rows))}</p>'
            if len(shown) < len(rows) else "")
    style = props.get("style")
    style = style if isinstance(style, dict) else {}
    height = escape(str(style.get("height", "auto")), quote=True)
    return (f'<div class="prerender-grid data-table" style="height: {height}">'
            f'<table style="width: {sum(widths)}px"><colgroup>{cols}</colgroup>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(shown)}</tbody></table>{more}</div>")


def _rows(columns: list[dict], rows: list[dict], budget: int) -> list[str]:
    """Each row's ``<tr>``: all of them while they fit in ``budget`` bytes, else the first ``ROWS_SHOWN``."""
    made: list[str] = []
    size = 0
    for row in rows:
        if size > budget and len(made) >= ROWS_SHOWN:
            return made[:ROWS_SHOWN]
        made.append("<tr>" + "".join(_td(c, row) for c in columns) + "</tr>")
        size += len(made[-1])
    return made if size <= budget else made[:ROWS_SHOWN]


def width(column: dict) -> int:
    """The column's width in px as the grid starts it (a flexible column at its minimum)."""
    for key in ("width", "minWidth"):
        value = column.get(key)
        if isinstance(value, (int, float)) and value > 0:
            return int(value)
    return DEFAULT_WIDTH


def _td(column: dict, row: dict) -> str:
    """The cell with the grid's classes: wrapped text or one line; a status cell coloured by status."""
    classes = ["wrap" if column.get("wrapText") else "line"]
    if column.get("cellClassRules") and isinstance(row.get("status"), str) and row["status"].isidentifier():
        classes.append(f"status-{row['status']}")
    return f'<td class="{" ".join(classes)}">{cell(column, row)}</td>'


def cell(column: dict, row: dict) -> str:
    """One cell's HTML: the text the grid shows (its formatter's, a markdown link, the value)."""
    field = column["field"]
    value = row.get(field)
    formatter = column.get("valueFormatter")
    function = formatter.get("function", "") if isinstance(formatter, dict) else ""
    shown = FIELD_TEXT.fullmatch(function.strip())
    if shown:
        value = row.get(shown.group(1))
    elif field in FORMATS and function:
        value = "—" if value is None else FORMATS[field](value)
    if value is None:
        return "—"
    if column.get("cellRenderer") == "markdown":
        link = MARKDOWN_LINK.fullmatch(str(value).strip())
        if link:
            return f'<a href="{escape(link.group(2), quote=True)}">{escape(link.group(1))}</a>'
    return escape(str(value))
