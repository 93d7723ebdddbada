"""Files the app makes once and serves many times (whole-dataset archives, social-card images).

``<root>/<kind>/<name>``, where the name carries the snapshot's id (and, for images, the
figure code's: ``code_id``), so a new build or release never serves an old file; written atomically (``dashboard.atomic``), so a reader never sees half
a file and two workers making the same file at once both end with a whole one. Each kind
keeps at most a number of files (the oldest go first): URLs with parameters could
otherwise fill the disk. Root: ``$DEFENCE_DASHBOARD_APP_CACHE`` or the user's cache folder.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import platformdirs

from dashboard.atomic import write_bytes

ENV_APP_CACHE = "DEFENCE_DASHBOARD_APP_CACHE"
# Striped locks: a fixed number however many names are asked for (a lock per name would grow
# with every distinct URL a client invents).
_LOCKS = tuple(threading.Lock() for _ in range(16))


# The code that draws the charts: a cached image made by older code is never served.
# The code a picture is drawn by: the figures, the views they draw from and the charts layer
# that puts the two together (a change to any of them must not serve an old picture).
FIGURE_CODE = tuple(Path(__file__).resolve().parents[2] / layer for layer in ("figures", "views", "charts"))


@lru_cache(maxsize=1)
def code_id() -> str:
    """A fingerprint of the figure and view code (names of cached images carry it with the snapshot's id)."""
    digest = hashlib.sha256()
    for folder in FIGURE_CODE:
        for path in sorted(folder.glob("*.py")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:10]


def root() -> Path:
    """The app's cache folder: $DEFENCE_DASHBOARD_APP_CACHE or the user's cache dir."""
    env = os.environ.get(ENV_APP_CACHE)
    return Path(env) if env else Path(platformdirs.user_cache_dir("defence-dashboard")) / "app"


def kept(kind: str, name: str, make: Callable[[], bytes], limit: int) -> Path:
    """The cached file ``kind/name``, made by ``make()`` first if absent; at most ``limit`` files of a kind.

    One maker per file and process at a time (a second request for the same file waits for
    the first rather than making it again).
    """
    path = root() / kind / name
    if path.is_file():
        return path
    with _lock(kind, name):
        if not path.is_file():
            write_bytes(path, make(), what="cache file")
            _prune(path.parent, limit)
    return path


def _lock(kind: str, name: str) -> threading.Lock:
    return _LOCKS[hash((kind, name)) % len(_LOCKS)]


def _prune(folder: Path, limit: int) -> None:
    """Remove the oldest files beyond ``limit`` (another process may be removing them too)."""
    files = []
    for entry in folder.iterdir():
        try:
            if entry.is_file() and not entry.name.startswith("."):  # not another writer's temporary file
                files.append((entry.stat().st_mtime, entry))
        except OSError:
            continue
    if len(files) <= limit:
        return
    for _, entry in sorted(files)[:len(files) - limit]:
        entry.unlink(missing_ok=True)
