"""The Markdown subset the pages write, as HTML for the static copy (static_copy/prerender.py).

dcc.Markdown renders in the browser; until Dash loads (the reader's first interaction)
the copy shows what it would: paragraphs, ``- `` lists, pipe tables (``--:`` right-aligned)
and links to site paths or http(s) addresses, with ``\\`` escapes (``pages/scenarios._md``).
Everything is escaped; any other Markdown shows as its text.
"""

from __future__ import annotations

import re
from html import escape

LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]\((/[^)\s]*|https?://[^)\s]+)\)")
ESCAPED = re.compile(r"\\(.)")
CELL_SPLIT = re.compile(r"(?<!\\)\|")
RIGHT = ' style="text-align: right"'
ALIGN_ROW = re.compile(r"\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?")


def to_html(text: str) -> str:
    """HTML for ``text`` (blocks separated by blank lines)."""
    return "".join(_block(block.split("\n")) for block in re.split(r"\n\s*\n", text.strip()) if block.strip())


def _block(lines: list[str]) -> str:
    if len(lines) >= 2 and lines[0].lstrip().startswith("|") and ALIGN_ROW.fullmatch(lines[1].strip()):
        return _table(lines)
    if all(line.startswith("- ") for line in lines):
        return "<ul>" + "".join(f"<li>{inline(line[2:])}</li>" for line in lines) + "</ul>"
    return "<p>" + inline(" ".join(line.strip() for line in lines)) + "</p>"


def _table(lines: list[str]) -> str:
    head, aligns, *rows = (_cells(line) for line in lines)
    right = [a.endswith(":") for a in aligns]

    def row(cells: list[str], tag: str) -> str:
        aligned = [RIGHT if i < len(right) and right[i] else "" for i in range(len(cells))]
        return "<tr>" + "".join(f"<{tag}{a}>{inline(c)}</{tag}>" for a, c in zip(aligned, cells)) + "</tr>"

    return (f"<table><thead>{row(head, 'th')}</thead>"
            f"<tbody>{''.join(row(cells, 'td') for cells in rows)}</tbody></table>")


def _cells(line: str) -> list[str]:
    line = line.strip()
    line = line[1:] if line.startswith("|") else line
    line = line[:-1] if line.endswith("|") and not line.endswith("\\|") else line
    return [cell.strip() for cell in CELL_SPLIT.split(line)]


def inline(text: str) -> str:
    """One line's HTML: links, then the rest as escaped text (``\\`` escapes removed)."""
    out, last = [], 0
    for match in LINK.finditer(text):
        out.append(_text(text[last:match.start()]))
        out.append(f'<a href="{escape(match.group(2), quote=True)}">{_text(match.group(1))}</a>')
        last = match.end()
    out.append(_text(text[last:]))
    return "".join(out)


def _text(text: str) -> str:
    return escape(ESCAPED.sub(r"\1", text))
