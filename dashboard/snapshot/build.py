"""Build the snapshot: discover raw files → parse each → validate all → write atomically.

All or nothing: any unreadable file or failed check raises before anything is written,
so the previous snapshot stays byte-identical.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboard import schema, sources
from dashboard.errors import DashboardError
from dashboard.provenance import RawFile, read_raw
from dashboard.snapshot import io
from dashboard.snapshot.validate import validate

PACKAGE_NAME = "defence-dashboard-snapshot"


@dataclass
class BuildReport:
    """What a build read and wrote."""

    out: Path
    rows: int = 0
    files: list[RawFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def build(sources_dir: Path, out: Path = io.DEFAULT_DIR,
          only: tuple[str, ...] = ()) -> BuildReport:
    """Parse every raw file under ``sources_dir`` into a validated snapshot at ``out``."""
    start = time.perf_counter()
    sources_dir, out = Path(sources_dir), Path(out)
    if not sources_dir.is_dir():
        raise DashboardError(f"sources folder {sources_dir} does not exist "
                             "(run 'defence-dashboard refresh' to fill the raw cache, or pass --sources)")
    io.check_writable(out)  # before seconds of parsing, not after
    report = BuildReport(out=out)
    frames: list[pd.DataFrame] = []
    for name in only or sources.SOURCE_MODULES:
        module = sources.load(name)
        paths = module.discover(sources_dir)
        if only and not paths:  # asked for by name: absence is an error, not a skip
            raise DashboardError(f"{name}: no raw files under {sources_dir}")
        for path in paths:
            raw = read_raw(name, path)
            frames.append(module.parse(raw))
            report.files.append(raw)
    if not frames:
        raise DashboardError(f"no raw files of any known source under {sources_dir}")
    table = combine(frames)
    files = _file_names(table, frames, report.files)
    report.notes = validate(table, files)
    io.write(report.out, table, datapackage(table, frames, report.files))
    report.rows = len(table)
    report.seconds = time.perf_counter() - start
    return report


def combine(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """One table, sorted by key so the same inputs always give the same file."""
    table = pd.concat([f for f in frames if len(f)], ignore_index=True)
    table = schema.tidy(table)
    return table.sort_values(list(schema.KEY), kind="mergesort", ignore_index=True)


def _file_names(table: pd.DataFrame, frames: list[pd.DataFrame],
                raws: list[RawFile]) -> dict[tuple[str, str], str]:
    """(source, edition) → raw file name(s), for messages."""
    out: dict[tuple[str, str], str] = {}
    for frame, raw in zip(frames, raws):
        for edition in frame["edition"].unique() if len(frame) else ():
            key = (raw.source, str(edition))
            out[key] = ", ".join(filter(None, [out.get(key), raw.path.name]))
    return out


def datapackage(table: pd.DataFrame, frames: list[pd.DataFrame], raws: list[RawFile]) -> dict:
    """Frictionless-style descriptor: resource, schema with units, sources and editions.

    Deterministic (no build timestamp) so rebuilding from the same files reproduces it.
    """
    seen = table.groupby("indicator")["unit"].unique()
    by_source: dict[str, dict] = {}
    for frame, raw in zip(frames, raws):
        module = sources.load(raw.source)
        info = module.INFO
        entry = by_source.setdefault(raw.source, {
            "name": info.name, "title": info.title, "publisher": info.publisher,
            "path": info.url, "licenses": [{"title": info.licence}],
            "citation": info.citation, "editions": [],
        })
        editions = sorted(frame["edition"].unique()) if len(frame) else []
        entry["editions"].append({
            "edition": ", ".join(editions),
            "file": raw.path.name,
            "sha256": raw.sha256,
            "url": raw.url,
            "retrieved": raw.retrieved,
            "rows": int(len(frame)),
            "years": [int(frame["year"].min()), int(frame["year"].max())] if len(frame) else [],
            "indicators": sorted(frame["indicator"].unique()) if len(frame) else [],
        })
    for entry in by_source.values():
        entry["editions"].sort(key=lambda e: (e["edition"], e["file"]))
    return {
        "name": PACKAGE_NAME,
        "title": "Defence expenditure from published sources (tidy observations)",
        "resources": [{
            "name": "observations",
            "path": io.OBSERVATIONS,
            "format": "parquet",
            "rows": int(len(table)),
            "schema": {
                "fields": [{"name": c, "type": _field_type(c)} for c in schema.COLUMNS],
                "primaryKey": list(schema.KEY),
            },
        }],
        "indicators": {
            name: {"unit": _unit_text(ind.unit, seen.get(name)), "description": ind.description}
            for name, ind in schema.INDICATORS.items()
        },
        "sources": [by_source[k] for k in sorted(by_source)],
    }


def _unit_text(vocabulary_unit: str, seen) -> str:
    """The unit as stored; currency units stay generic ("<CUR> million")."""
    if seen is None or len(seen) != 1:
        return vocabulary_unit
    return str(seen[0])


def _field_type(column: str) -> str:
    return {"year": "integer", "value": "number", "estimate": "boolean",
            "retrieved": "date"}.get(column, "string")
