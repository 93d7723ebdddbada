"""One chart to one file: validate, build, style, render, write atomically.

The only path written is the one the user gave (``--out``); parameter values never
become part of a file name.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime
from pathlib import Path

from dashboard import charts
from dashboard.atomic import check_target, write_bytes
from dashboard.charts import label, parse_pairs
from dashboard.export import FORMATS, IMAGE_FORMATS, ExportError
from dashboard.export.browser import DEFAULT_TIMEOUT, Renderer, html
from dashboard.figures import publish
from dashboard.views.data import ViewData


def export_chart(name: str, pairs: tuple[str, ...] | list[str], fmt: str | None, out: Path | None,
                 timeout: float = DEFAULT_TIMEOUT, snapshot: Path | None = None) -> Path:
    """Write chart ``name`` with parameters ``pairs`` ("key=value") as ``fmt`` to ``out``."""
    target = output_path(out)
    fmt = output_format(fmt, out)
    charts.get(name)            # an unknown chart or a malformed --param fails before anything loads
    raw = parse_pairs(pairs)
    renderer = Renderer(timeout) if fmt in IMAGE_FORMATS else None
    try:
        if renderer:
            renderer.start()    # no browser: one line now; else it starts while the data loads
        resolved = charts.resolve(load_app(snapshot), name, raw)
        write_atomic(target, render(resolved, fmt, renderer, export_date()))
    finally:
        if renderer:
            renderer.stop()
    return target


def render(resolved: charts.Resolved, fmt: str, renderer: Renderer | None, exported: date,
           plotlyjs: bool | str = True) -> bytes:
    """The bytes of one chart in one format (CSV: the data behind it, no browser)."""
    built = resolved.built
    if fmt == "csv":
        return built.csv().encode("utf-8")
    figure = publish.publish(built.figure, built.title, built.subtitle, built.source_text, label(resolved), exported)
    if fmt == "html":
        return html(figure, plotlyjs)
    if renderer is None:
        raise ExportError(f"{fmt} needs the browser")
    return renderer.image(figure, fmt, f"{fmt.upper()} of {resolved.chart.name}")


def output_format(fmt: str | None, out: Path | None) -> str:
    """The format asked for, or the one --out's extension names."""
    if fmt:
        fmt = fmt.strip().lower()
        if fmt not in FORMATS:
            raise ExportError(f"--format {fmt[:12]!r}: choose one of {', '.join(FORMATS)}")
        return fmt
    suffix = out.suffix.lower().lstrip(".") if out else ""
    if suffix in FORMATS:
        return suffix
    raise ExportError(f"give --format ({', '.join(FORMATS)}) or an --out path ending in one of them")


def output_path(out: Path | None) -> Path:
    """The user's --out, checked: absent or a regular file (its folder is created when written)."""
    if out is None:
        raise ExportError("--out PATH is required (the file to write)")
    out = Path(out).expanduser()
    check_target(out)
    return out


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically; only ever a regular file (dashboard.atomic)."""
    write_bytes(path, data)


def load_app(snapshot: Path | None = None) -> ViewData:
    """The views' data: the embedded snapshot, or ``snapshot``."""
    from dashboard.views import data

    return data.configure(snapshot) if snapshot else data.get()


def export_date() -> date:
    """Today, or ``SOURCE_DATE_EPOCH`` when set (reproducible packs)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.fromtimestamp(time.time())
