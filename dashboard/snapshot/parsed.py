"""Raw files parsed once per process: a later build in the same process reuses the rows of every
file it has already parsed, byte for byte the same and read by the same loader code.

A build parses every raw file (SIPRI's two workbooks alone take ~2 s with openpyxl, which
is needed for their font-colour estimate flags). One process that builds again and again —
the test suite builds the published files with one file changed 26 times over, a notebook
may rebuild after editing one source — need not parse the unchanged files again. A separate
``defence-dashboard build`` is a new process and parses everything, as before.

The key is the file as its ``RawFile`` describes it (source, name, sha256, retrieval date,
address), what lies beside it (each neighbouring file's name, size and modification time: a
loader may read a companion, as Kiel's reads the release's metadata file; not for a loader
that says ``PARSES_ALONE``), and a fingerprint of
the code that parses (the loaders and the modules they read their vocabularies from), so an
edited file, neighbour or loader is parsed afresh. Only successful parses are kept; a caller
gets a shallow copy (pandas' copy-on-write keeps the kept frame unchanged). The memo holds
at most ``MAX_BYTES`` of frames (pandas' deep memory count), least recently used dropped
first; ``clear`` empties it (the benchmarks time cold parses).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import pandas as pd

from dashboard.provenance import RawFile

MAX_BYTES = 512 << 20   # ~3 builds' worth of every source's rows (the whole table is ~60 MB in memory)
PACKAGE = Path(__file__).resolve().parents[1]
# What a loader's output depends on besides the raw file: the loaders themselves and the
# modules they read names, codes, units and editions from.
PARSE_CODE = ("sources", "countries.py", "schema.py", "currencies.py", "provenance.py", "editions.py", "errors.py")

Key = tuple[str, ...]


@lru_cache(maxsize=1)
def code_id() -> str:
    """A fingerprint of the code that turns raw files into rows (fixed for a process's life)."""
    digest = hashlib.sha256()
    for name in PARSE_CODE:
        target = PACKAGE / name
        for path in sorted(target.rglob("*.py")) if target.is_dir() else [target]:
            digest.update(str(path.relative_to(PACKAGE)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _neighbours(path: Path) -> str:
    """Name, size and modification time of every other file in ``path``'s folder, as one digest."""
    digest = hashlib.sha256()
    try:
        entries = sorted(p for p in path.parent.iterdir() if p.name != path.name)
    except OSError:
        return ""
    for entry in entries:
        try:
            stat = entry.stat()
        except OSError:
            continue
        digest.update(f"{entry.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


class ParseMemo:
    """Parsed frames by (source, file name, sha256, code), bounded by ``limit`` bytes."""

    def __init__(self, limit: int = MAX_BYTES) -> None:
        self.limit = limit
        self.bytes = 0
        self._frames: OrderedDict[Key, tuple[pd.DataFrame, int]] = OrderedDict()
        self._lock = threading.Lock()

    def parse(self, raw: RawFile, parse: Callable[[RawFile], pd.DataFrame], alone: bool = False) -> pd.DataFrame:
        """``parse(raw)``, or the rows this process already parsed from the same bytes (``alone``:
        the loader reads only this file, so the files beside it do not matter)."""
        key = (raw.source, raw.path.name, raw.sha256, raw.retrieved, raw.url,
               "" if alone else _neighbours(raw.path), code_id())
        with self._lock:
            found = self._frames.get(key)
            if found is not None:
                self._frames.move_to_end(key)
                return found[0].copy(deep=False)
        frame = parse(raw)
        self._keep(key, frame)
        return frame.copy(deep=False)

    def _keep(self, key: Key, frame: pd.DataFrame) -> None:
        size = int(frame.memory_usage(deep=True, index=True).sum())
        if size > self.limit:
            return
        with self._lock:
            if key in self._frames:
                return
            self._frames[key] = (frame, size)
            self.bytes += size
            while self.bytes > self.limit:
                _, (_, dropped) = self._frames.popitem(last=False)
                self.bytes -= dropped

    def clear(self) -> None:
        """Forget every parsed file."""
        with self._lock:
            self._frames.clear()
            self.bytes = 0

    def __len__(self) -> int:
        return len(self._frames)


MEMO = ParseMemo()
