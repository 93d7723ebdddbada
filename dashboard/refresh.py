"""Download current editions of every source into the raw cache.

One source failing does not stop the others: failures are collected and reported
together at the end (the CLI then exits non-zero).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from dashboard import http, rawcache, sources
from dashboard.errors import DashboardError

MAX_REASON = 600  # one line per failed source: long enough for every World Bank indicator


@dataclass
class RefreshResult:
    """Files stored per source, and the reason each failed source failed."""

    root: Path
    stored: dict[str, list[Path]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


def refresh(names: tuple[str, ...] = (), root: Path | None = None,
            progress: bool = True) -> RefreshResult:
    """Fetch ``names`` (default: all sources) into the raw cache at ``root``."""
    unknown = [n for n in names if n not in sources.SOURCE_MODULES]
    if unknown:
        raise DashboardError(f"unknown source(s) {', '.join(unknown)}; "
                             f"known: {', '.join(sources.SOURCE_MODULES)}")
    cache = rawcache.RawCache(Path(root) if root else rawcache.default_root())
    result = RefreshResult(root=cache.root)
    sess = http.session()
    bar = tqdm(names or sources.SOURCE_MODULES, desc="refresh", unit="source",
               disable=not progress or not sys.stderr.isatty(), leave=False)  # no bar frames in logs
    for name in bar:
        bar.set_postfix_str(name)
        try:
            result.stored[name] = sources.load(name).fetch(sess, cache)
        except (DashboardError, OSError) as exc:
            reason = " ".join(str(exc).split())
            reason = reason.removeprefix(f"{name}: ")  # SourceError already names the source
            result.failed[name] = reason if len(reason) <= MAX_REASON else reason[:MAX_REASON - 1] + "…"
    return result
