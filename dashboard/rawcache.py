"""The raw cache: downloaded files, immutable, dated, each with a sidecar.

Layout: ``<root>/<source>/<YYYY-MM-DD>/<file name>`` plus ``<file name>.meta.json``.
A download whose bytes equal a file already in the cache is not stored again, and a
stored file is never overwritten: new editions go beside the old.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from dashboard.atomic import write_bytes
from dashboard.provenance import SIDECAR_SUFFIX, SourceInfo, sha256_of, write_sidecar

ENV_CACHE_DIR = "DEFENCE_DASHBOARD_CACHE"


def default_root() -> Path:
    """The raw cache folder: $DEFENCE_DASHBOARD_CACHE or the user's cache dir."""
    env = os.environ.get(ENV_CACHE_DIR)
    return Path(env) if env else Path(platformdirs.user_cache_dir("defence-dashboard")) / "raw"


@dataclass
class RawCache:
    """A raw-file cache rooted at ``root``."""

    root: Path

    def store(self, info: SourceInfo, filename: str, content: bytes, url: str,
              now: dt.datetime | None = None, extra: dict | None = None) -> Path:
        """Store ``content`` as a new raw file (or return the identical file already kept)."""
        digest = hashlib.sha256(content).hexdigest()
        existing = self._find_by_hash(info.name, digest)
        if existing is not None:
            return existing
        now = now or dt.datetime.now(dt.UTC)
        folder = self.root / info.name / now.date().isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        target = _free_name(folder / _safe_name(filename))
        meta = {
            "source": info.name,
            "url": url,
            "retrieved_at": now.isoformat(timespec="seconds"),
            "sha256": digest,
            "size": len(content),
            "licence": info.licence,
            "citation": info.citation,
            **(extra or {}),
        }
        write_sidecar(target, meta)  # first: a raw file is never without its sidecar
        write_bytes(target, content, what="raw file")
        return target

    def _find_by_hash(self, source: str, digest: str) -> Path | None:
        folder = self.root / source
        if not folder.is_dir():
            return None
        for path in folder.rglob("*"):
            if path.is_file() and not path.name.endswith((SIDECAR_SUFFIX, ".part", ".tmp")):
                if sha256_of(path) == digest:
                    return path
        return None


def _safe_name(name: str) -> str:
    """A file name with no path parts or odd characters (names come from URLs)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in base).lstrip(".")
    return cleaned[:150] or "download"


def _free_name(path: Path) -> Path:
    """``path`` or ``name-2.ext``, ``name-3.ext``… so an earlier file is never replaced."""
    if not path.exists():
        return path
    for n in range(2, 1000):
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        if not candidate.exists():
            return candidate
    raise FileExistsError(path)
