"""Raw files and where they came from: source descriptions, sidecars, discovery.

A raw file is immutable once stored. Beside it sits ``<name>.meta.json`` (the sidecar)
with the URL, retrieval time, sha256, size, licence and citation. Files without a
sidecar (e.g. a folder of files downloaded by hand) are looked up by sha256 in
``data/raw_files.json``, the project's record of the published files its embedded
snapshot was built from; failing that their modification date stands in for the
retrieval date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

SIDECAR_SUFFIX = ".meta.json"
# The sidecar fields and their JSON types (rawcache.RawCache.store writes them): a list
# or object where a string belongs would otherwise become a URL or an edition like
# "['a']" in the snapshot.
SIDECAR_FIELDS: dict[str, type] = {
    "source": str, "url": str, "retrieved_at": str, "sha256": str, "size": int, "licence": str,
    "citation": str, "edition": str, "format": str,
}
SIDECAR_KIND_NAMES: dict[type, str] = {str: "a string", int: "an integer"}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
KNOWN_RAW_FILES = Path(__file__).resolve().parent.parent / "data" / "raw_files.json"


@dataclass(frozen=True)
class SourceInfo:
    """What a user needs to cite a source."""

    name: str
    publisher: str
    title: str
    url: str
    licence: str
    citation: str


@dataclass(frozen=True)
class RawFile:
    """One raw file of one source, with its provenance."""

    source: str
    path: Path
    retrieved: str  # ISO date
    sha256: str
    url: str = ""
    meta: dict = field(default_factory=dict, compare=False)


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sidecar_path(path: Path) -> Path:
    """Where the sidecar of ``path`` lives."""
    return path.with_name(path.name + SIDECAR_SUFFIX)


def read_raw(source: str, path: Path) -> RawFile:
    """Describe ``path`` with its sidecar, the known-files record, or its mtime.

    A path that is not a regular file (a broken link, a device, a pipe) fails, naming
    it: skipping it would build without that source's figures.
    """
    from dashboard.errors import SourceError

    if path.is_symlink() and not path.exists():
        raise SourceError(source, path, "a broken symbolic link (its target is missing)")
    if not path.is_file():
        raise SourceError(source, path, "not a regular file (a device, a pipe or a folder?)")
    digest = sha256_of(path)
    side = sidecar_path(path)
    if side.is_file():
        meta = _read_sidecar(source, side)
        if "sha256" in meta and meta["sha256"] != digest:
            raise SourceError(source, side, "the sidecar's sha256 is not the file's: the file changed after "
                              "it was downloaded (download it again with 'defence-dashboard refresh')")
        retrieved = str(meta.get("retrieved_at", ""))[:10]
        return RawFile(source, path, retrieved, digest, str(meta.get("url", "")), meta)
    known = _known_files().get(digest)
    if known:
        return RawFile(source, path, known["retrieved"], digest, known.get("url", ""), known)
    mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
    return RawFile(source, path, mtime.date().isoformat(), digest)


def _read_sidecar(source: str, side: Path) -> dict:
    """The sidecar as a dict, or a one-line SourceError naming it."""
    from dashboard.errors import SourceError

    try:
        meta = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(source, side, f"unreadable sidecar ({type(exc).__name__}); "
                          "delete it or restore it from the raw cache") from None
    if not isinstance(meta, dict):
        raise SourceError(source, side, "sidecar is not a JSON object")
    for key, kind in SIDECAR_FIELDS.items():
        if key in meta and not (isinstance(meta[key], kind) and not isinstance(meta[key], bool)):
            raise SourceError(source, side, f"sidecar field {key!r} must be {SIDECAR_KIND_NAMES[kind]}, "
                              f"not {type(meta[key]).__name__}")
    retrieved = meta.get("retrieved_at")
    if retrieved is not None and not ISO_DATE.match(retrieved):
        raise SourceError(source, side, f"sidecar field 'retrieved_at' is not an ISO date ({retrieved[:30]!r})")
    return meta


def write_sidecar(path: Path, meta: dict) -> None:
    """Write the sidecar for ``path`` atomically."""
    from dashboard.atomic import write_text

    write_text(sidecar_path(path), json.dumps(meta, indent=2, sort_keys=True) + "\n", what="sidecar")


def _known_files() -> dict[str, dict]:
    """sha256 → record of the published files the embedded snapshot was built from."""
    if not KNOWN_RAW_FILES.is_file():
        return {}
    records = json.loads(KNOWN_RAW_FILES.read_text(encoding="utf-8"))
    return {r["sha256"]: r for r in records}
