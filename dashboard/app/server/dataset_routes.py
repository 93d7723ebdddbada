"""The whole dataset by URL: every row of the snapshot as CSV or parquet, zipped with its datapackage.json.

    GET /data/snapshot.csv.zip       observations.csv + datapackage.json
    GET /data/snapshot.parquet.zip   observations.parquet + datapackage.json

The archives (``views.dataset``) are made on first use — the CSV takes a few seconds — and
kept on disk per snapshot (``diskcache``), so each is made once per machine and build; the
Sources page lists them with their sizes. The download's file name carries the snapshot's
date and id (``defence-spending-observations-2026-11-30-1a2b3c4d.csv.zip``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import flask

from dashboard.app.server import diskcache
from dashboard.views import dataset
from dashboard.views.data import ViewData

URL = "/data/snapshot.{fmt}.zip"
KIND = "dataset"
KEEP = 8  # archives kept on disk: a few builds' worth (two formats each)
CACHE_CONTROL = "public, max-age=86400"
LABELS = {"csv": "CSV", "parquet": "Parquet"}


@dataclass(frozen=True)
class DatasetFile:
    """One archive as the Sources page lists it."""

    fmt: str
    url: str
    filename: str
    size: int       # bytes
    rows: int

    @property
    def label(self) -> str:
        """``CSV (zip, 1.9 MB)``."""
        return f"{LABELS[self.fmt]} (zip, {_megabytes(self.size)})"


def install(server: flask.Flask, data: ViewData) -> None:
    """Add the whole-dataset routes to ``server``."""

    @server.route("/data/snapshot.<fmt>.zip")
    def _snapshot(fmt: str) -> flask.Response:
        if fmt not in dataset.FORMATS:
            return flask.Response(f"unknown format {fmt[:12]!r}: /data/snapshot.csv.zip or .parquet.zip\n",
                                  status=404, mimetype="text/plain")
        return flask.send_file(path(data, fmt), mimetype="application/zip", as_attachment=True,
                               download_name=dataset.filename(data, fmt), max_age=86400,
                               conditional=True, etag=True)


def files(data: ViewData) -> list[DatasetFile]:
    """Both archives with their sizes (making them first if no process has yet)."""
    rows = int(len(data.table))
    return [DatasetFile(fmt, URL.format(fmt=fmt), dataset.filename(data, fmt), path(data, fmt).stat().st_size,
                        rows) for fmt in dataset.FORMATS]


def path(data: ViewData, fmt: str) -> Path:
    """The archive on disk (made now if absent)."""
    name = f"{data.content_id}.{fmt}.zip"
    return diskcache.kept(KIND, name, lambda: dataset.archive(data, fmt), KEEP)


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.0f} KB"
