"""Build the snapshot: discover raw files → parse each → validate all → write atomically.

All or nothing: any unreadable file, failed check or lost row (compared with the
snapshot being replaced, dashboard/snapshot/losses.py) raises before anything is
written, so the previous snapshot stays byte-identical.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboard import schema, sources
from dashboard.errors import DashboardError, DataLossError, SourceError, os_reason
from dashboard.provenance import RawFile, read_raw
from dashboard.snapshot import io, losses, parsed
from dashboard.snapshot.validate import validate

PACKAGE_NAME = "defence-dashboard-snapshot"
ACCEPTED_LOSSES = "accepted_losses"  # datapackage.json: losses accepted with --accept-loss, with reasons


@dataclass
class BuildReport:
    """What a build read and wrote."""

    out: Path
    rows: int = 0
    files: list[RawFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    accepted: str = ""   # the losses accepted with --accept-loss, if any
    seconds: float = 0.0


def build(sources_dir: Path, out: Path = io.DEFAULT_DIR, only: tuple[str, ...] = (),
          accept_loss: str | None = None) -> BuildReport:
    """Parse every raw file under ``sources_dir`` into a validated snapshot at ``out``.

    Stops, writing nothing, if the new table would lose any row of the snapshot it
    replaces, unless ``accept_loss`` gives the reason to accept it (recorded in the
    datapackage).
    """
    start = time.perf_counter()
    sources_dir, out = Path(sources_dir), Path(out)
    if not sources_dir.is_dir():
        raise DashboardError(f"sources folder {sources_dir} does not exist "
                             "(run 'defence-dashboard refresh' to fill the raw cache, or pass --sources)")
    if accept_loss is not None and not accept_loss.strip():
        raise DashboardError("--accept-loss needs a reason (it is recorded in the snapshot)")
    io.check_writable(out)  # before seconds of parsing, not after
    report = BuildReport(out=out)
    frames: list[pd.DataFrame] = []
    for name in only or sources.SOURCE_MODULES:
        module = sources.load(name)
        paths = module.discover(sources_dir)
        if only and not paths:  # asked for by name: absence is an error, not a skip
            raise DashboardError(f"{name}: no raw files under {sources_dir}")
        for path in paths:
            raw = _read(name, path, module)
            frames.append(raw[1])
            report.files.append(raw[0])
    if not frames:
        raise DashboardError(f"no raw files of any known source under {sources_dir}")
    table = combine(frames)
    files = _file_names(table, frames, report.files)
    report.notes = validate(table, files)
    package = datapackage(table, frames, report.files)
    with io.build_lock(out):
        report.accepted = _check_losses(out, table, files, package, accept_loss)
        try:
            io.write(report.out, table, package)
        except OSError as exc:
            raise DashboardError(f"cannot write the snapshot at {out}: {os_reason(exc)}") from None
    report.rows = len(table)
    report.seconds = time.perf_counter() - start
    return report


def _read(name: str, path: Path, module) -> tuple[RawFile, pd.DataFrame]:
    """One raw file described and parsed; OS and recursion errors name the source and file."""
    try:
        raw = read_raw(name, path)
        return raw, parsed.MEMO.parse(raw, module.parse, sources.parses_alone(module))
    except OSError as exc:
        raise SourceError(name, path, f"cannot read the file ({os_reason(exc)})") from None
    except RecursionError:
        raise SourceError(name, path, "nested too deeply to read") from None


def _check_losses(out: Path, table: pd.DataFrame, files: dict[tuple[str, str], str], package: dict,
                  accept_loss: str | None) -> str:
    """Raise if ``table`` lacks rows of the snapshot at ``out`` (unless accepted); return the summary."""
    try:
        old, old_package = io.read(out)
    except DashboardError:
        return ""  # no snapshot there yet (or an unreadable one): nothing to compare with
    found = losses.compare(old, table, files, losses.old_file_names(old_package))
    previous = old_package.get("accepted_losses", [])
    accepted = [p for p in previous if isinstance(p, dict)] if isinstance(previous, list) else []
    text = losses.summary(found) if found else ""
    if found and accept_loss is None:
        raise DataLossError(f"build stopped, the snapshot at {out} is unchanged: {text}. "
                            "If this is intended, build again with --accept-loss \"reason\"")
    if found and accept_loss is not None:  # found with accept_loss None raised above
        accepted.append({"reason": accept_loss.strip(), "date": dt.date.today().isoformat(), "lost": text})
    if accepted:  # the history of accepted losses travels with the snapshot
        package[ACCEPTED_LOSSES] = accepted
    return text


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
        for edition in frame["edition"].unique() if len(frame) else [e for e in [frame.attrs.get("edition")] if e]:
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
        # a file with no figures of its own (Kiel's release_info.csv) says its edition in attrs
        # a registry whose every figure is its own edition (national) names the file's in attrs
        editions = ([frame.attrs["file_edition"]] if frame.attrs.get("file_edition") else
                    sorted(frame["edition"].unique()) if len(frame) else
                    [e for e in [frame.attrs.get("edition")] if e])
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
        if frame.attrs.get("documents"):  # a registry's figures each with its own document (national)
            entry.setdefault("figures", []).extend(frame.attrs["documents"])
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
                "fields": [{"name": c, "type": schema.FIELD_TYPES[c]} for c in schema.COLUMNS],
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

