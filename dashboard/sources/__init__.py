"""One module per publisher, each with the same interface.

Every source module defines:

- ``INFO: SourceInfo`` — publisher, title, landing URL, licence, citation;
- ``discover(folder: Path) -> list[Path]`` — its raw files under a folder (the raw
  cache or a folder such as ``../shared/data/sources``), searched recursively;
- ``parse(raw: RawFile) -> pandas.DataFrame`` — tidy rows (``dashboard.schema``);
  raises :class:`dashboard.errors.SourceError` with one line on bad input;
- ``fetch(sess, cache: RawCache) -> list[Path]`` — download the current edition(s)
  into the raw cache (never overwriting an earlier file).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from dashboard.errors import DashboardError

SOURCE_MODULES: tuple[str, ...] = ("sipri", "nato", "worldbank", "imf", "eurostat")


def load(name: str) -> ModuleType:
    """The source module called ``name`` (imported on first use)."""
    if name not in SOURCE_MODULES:
        raise DashboardError(f"unknown source {name!r}; known: {', '.join(SOURCE_MODULES)}")
    return importlib.import_module(f"dashboard.sources.{name}")
