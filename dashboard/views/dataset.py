"""The whole snapshot as downloadable archives: every tidy row as CSV or parquet, with its datapackage.json.

What the Sources page offers as "the whole dataset" and /data/snapshot.<csv|parquet>.zip
serves. The rows are ``observations.select`` with no filter and are written by
``observations.encode`` — the same bytes as ``defence-dashboard data --format csv|parquet``
writes for the whole table. Each archive holds the table and the snapshot's
``datapackage.json`` (schema, units, every source's URL, edition, licence, citation and
file hash), its resource pointing at the file beside it. Archives are reproducible: the
entries carry the snapshot's date, not the time they were zipped.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import io
import json
import zipfile
from typing import TYPE_CHECKING, Any

import pandas as pd

from dashboard import schema
from dashboard.views import ViewError, observations

if TYPE_CHECKING:
    from dashboard.views.data import ViewData

FORMATS: tuple[str, ...] = ("csv", "parquet")
TABLE = "observations"
PACKAGE = "datapackage.json"
MEDIATYPES = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}
STEM = "defence-spending-observations"
# CSV shrinks ~8× when deflated; parquet is compressed already (zstd), so it is stored as is.
COMPRESSION = {"csv": zipfile.ZIP_DEFLATED, "parquet": zipfile.ZIP_STORED}


def content_id(table: pd.DataFrame) -> str:
    """What identifies the table's content: a hash of every cell (a rebuild that changes any value
    changes it, even from the same source files)."""
    cells = pd.util.hash_pandas_object(table, index=False).to_numpy()
    return hashlib.sha256(cells.tobytes()).hexdigest()[:16]


def snapshot_date(package: dict[str, Any]) -> dt.date | None:
    """When the newest source file in the snapshot was retrieved (None: the package does not say)."""
    dates = [ed.get("retrieved", "") for src in package.get("sources", []) for ed in src.get("editions", [])]
    parsed = []
    for value in dates:
        try:
            parsed.append(dt.date.fromisoformat(str(value)[:10]))
        except ValueError:
            continue  # an edition without a retrieval date dates nothing
    return max(parsed, default=None)


def filename(data: ViewData, fmt: str) -> str:
    """``defence-spending-observations-2026-11-30-1a2b3c4d.csv.zip``: the snapshot's date and content id."""
    check(fmt)
    day = snapshot_date(data.package)
    return f"{STEM}-{day.isoformat() + '-' if day else ''}{data.content_id[:8]}.{fmt}.zip"


def archive(data: ViewData, fmt: str) -> bytes:
    """The zip of the whole table in ``fmt`` and its datapackage.json (a few seconds for CSV: cache it)."""
    check(fmt)
    rows = observations.select(data, observations.Filters())
    table = observations.encode(rows, fmt)
    package = package_for(data.package, fmt, len(rows))
    stamp = _zip_time(snapshot_date(data.package))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(_entry(f"{TABLE}.{fmt}", stamp, COMPRESSION[fmt]), table)
        zf.writestr(_entry(PACKAGE, stamp, zipfile.ZIP_DEFLATED),
                    json.dumps(package, indent=2, ensure_ascii=False) + "\n")
    return buffer.getvalue()


def package_for(package: dict[str, Any], fmt: str, rows: int) -> dict[str, Any]:
    """The snapshot's datapackage.json with its table resource describing the file in the archive.

    Each field's type is what ``observations.encode`` writes for that column (``schema.FIELD_TYPES``),
    whatever an older snapshot's package said, so the archive passes ``frictionless validate``."""
    described = copy.deepcopy(package)
    for resource in described.get("resources", []):
        if resource.get("name") == TABLE:
            resource.update(path=f"{TABLE}.{fmt}", format=fmt, mediatype=MEDIATYPES[fmt], rows=rows)
            for field in resource.get("schema", {}).get("fields", []):
                field["type"] = schema.FIELD_TYPES.get(field.get("name"), field.get("type", "any"))
            if fmt == "csv":
                resource["dialect"] = {"delimiter": ",", "header": True}
    return described


def check(fmt: str) -> None:
    """ViewError unless ``fmt`` is an archive format."""
    if fmt not in FORMATS:
        raise ViewError(f"format {fmt[:12]!r}: the whole dataset comes as {' or '.join(FORMATS)}")


def _entry(name: str, stamp: tuple[int, int, int, int, int, int], compression: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = compression
    info.external_attr = 0o644 << 16  # a plain readable file when unzipped
    return info


def _zip_time(day: dt.date | None) -> tuple[int, int, int, int, int, int]:
    """The entries' timestamp: the snapshot's date (zip cannot store dates before 1980)."""
    day = day or dt.date(1980, 1, 1)
    return (max(day.year, 1980), day.month, day.day, 0, 0, 0)
