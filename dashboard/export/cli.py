"""What ``defence-dashboard export`` does with its options: list, one chart, or the pack."""

from __future__ import annotations

import time
from pathlib import Path

from dashboard.export import ExportError


def run(chart: str | None, params: tuple[str, ...], fmt: str | None, out: Path | None, list_charts: bool,
        pack: Path | None, formats: str, timeout: float, snapshot: Path | None) -> list[str]:
    """The lines to print; ExportError (one line) for any misuse."""
    modes = [m for m, on in (("--list", list_charts), ("CHART", chart is not None), ("--pack", pack is not None)) if on]
    if len(modes) != 1:
        raise ExportError("give one of: a CHART name (with --format and --out), --list, or --pack DIR"
                          + (f" (got {' and '.join(modes)})" if modes else ""))
    if list_charts:
        from dashboard.charts import listing
        from dashboard.export.output import load_app

        return listing(load_app(snapshot))
    started = time.perf_counter()
    if pack is not None:
        from dashboard.export.pack import export_pack

        if params or fmt or out:
            raise ExportError("--pack takes --formats (not --param, --format or --out)")
        manifest = export_pack(pack, formats, timeout, snapshot)
        files = sum(len(c["files"]) for c in manifest["charts"]) + 1
        return [f"wrote {len(manifest['charts'])} charts ({files} files with manifest.json) to {pack} "
                f"in {time.perf_counter() - started:.1f} s"]
    from dashboard.export.output import export_chart

    assert chart is not None  # the one mode left
    path = export_chart(chart, params, fmt, out, timeout, snapshot)
    return [f"wrote {path} in {time.perf_counter() - started:.1f} s"]
