"""One module per publisher, each with the same interface (:class:`SourceModule`).

Every source module defines ``INFO`` (publisher, title, landing URL, licence, citation;
``INFO.name`` is the module's own name), ``discover`` (its raw files under a folder,
searched recursively), ``parse`` (tidy rows, ``dashboard.schema``; one-line
:class:`dashboard.errors.SourceError` on bad input) and ``fetch`` (download the current
edition(s) into the raw cache, never overwriting an earlier file). :func:`load` checks the
contract when a module is first used, so a loader that drifts from it fails at once,
naming what is missing.

A module may also say ``PARSES_ALONE = True``: its ``parse`` reads nothing but its own file.
The build's parse memo (``dashboard.snapshot.parsed``) then keeps its rows however the files
beside it change; without it (the default, as for Kiel's release file and the World Bank's
country metadata) any change beside the file parses it afresh.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Protocol, cast, runtime_checkable

from dashboard.errors import DashboardError, SourceError
from dashboard.schema import SOURCE_NAMES

if TYPE_CHECKING:
    import pandas as pd
    import requests

    from dashboard.provenance import RawFile, SourceInfo
    from dashboard.rawcache import RawCache

# No published file a loader reads is near this (the largest, SIPRI's workbook, is 0.9 MB;
# the World Bank's bulk CSV 0.3 MB): a larger one is not the publisher's file (a junk
# download, a wrong path), and is refused before it is read, not after filling memory.
MAX_FILE_BYTES = 32 * 1024 * 1024


def check_size(source: str, path: Path, limit: int = MAX_FILE_BYTES) -> int:
    """The file's size, or a one-line SourceError if it is missing or larger than ``limit``."""
    try:
        size = path.stat().st_size
    except OSError:
        raise SourceError(source, path, "file not found") from None
    if size > limit:
        raise SourceError(source, path, f"file is {size / 2**20:,.0f} MB, more than the {limit // 2**20} MB any "
                                        f"{source} file has been: not the publisher's file?")
    return size


def read_limited(source: str, path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes, or a one-line SourceError if it is missing or larger than ``limit``."""
    check_size(source, path, limit)
    return path.read_bytes()


def check_member_size(source: str, path: Path, size: int, name: str, limit: int = MAX_FILE_BYTES) -> None:
    """A one-line SourceError if a zip member would unpack to more than ``limit`` bytes."""
    if size > limit:
        raise SourceError(source, path, f"{name} unpacks to {size / 2**20:,.0f} MB, more than the "
                                        f"{limit // 2**20} MB any {source} file has been")


# The loaders, in build order: every source of the table (``schema.SOURCE_NAMES``).
SOURCE_MODULES: tuple[str, ...] = SOURCE_NAMES
INTERFACE: tuple[str, ...] = ("INFO", "discover", "parse", "fetch")


def parses_alone(module: SourceModule) -> bool:
    """True if the module says its ``parse`` reads only its own file (``PARSES_ALONE``)."""
    return getattr(module, "PARSES_ALONE", False) is True


@runtime_checkable
class SourceModule(Protocol):
    """What every ``dashboard.sources.<name>`` module provides."""

    INFO: SourceInfo

    def discover(self, folder: Path) -> list[Path]:
        """Its raw files under ``folder``."""

    def parse(self, raw: RawFile) -> pd.DataFrame:
        """Tidy rows of one raw file."""

    def fetch(self, sess: requests.Session, cache: RawCache) -> list[Path]:
        """Download the current edition(s) into ``cache``."""


class ContractError(DashboardError):
    """A source module does not keep the loaders' contract."""


def load(name: str) -> SourceModule:
    """The source module called ``name`` (imported and checked on first use)."""
    if name not in SOURCE_MODULES:
        raise DashboardError(f"unknown source {name!r}; known: {', '.join(SOURCE_MODULES)}")
    module = importlib.import_module(f"dashboard.sources.{name}")
    check(module, name)
    return cast(SourceModule, module)


def check(module: ModuleType, name: str) -> None:
    """Raise ContractError unless ``module`` has the interface and calls itself ``name``."""
    missing = [attr for attr in INTERFACE if not hasattr(module, attr)]
    if missing:
        raise ContractError(f"source module {module.__name__} lacks {', '.join(missing)}")
    not_callable = [attr for attr in INTERFACE[1:] if not callable(getattr(module, attr))]
    if not_callable:
        raise ContractError(f"source module {module.__name__}: {', '.join(not_callable)} must be functions")
    info_name = getattr(module.INFO, "name", None)
    if info_name != name:
        raise ContractError(f"source module {module.__name__} calls itself {info_name!r}, not {name!r}")


def fetch_each(source: str, where: str, items: Iterable[str], fetch_one: Callable[[str], Path],
               what: str = "indicator(s)") -> list[Path]:
    """Fetch every item (an indicator, a file); report all failures together at the end.

    The items that could be had are stored even when others fail; then one
    :class:`SourceError` lists every failure, so a retry knows what is missing.
    """
    from dashboard import http

    stored: list[Path] = []
    failures: list[str] = []
    for item in items:
        try:
            stored.append(fetch_one(item))
        except (http.HttpError, SourceError) as exc:
            failures.append(f"{item} ({reason(exc)})")
    if failures:
        raise SourceError(source, where, f"{len(failures)} {what} failed: {'; '.join(failures)}")
    return stored


def reason(exc: Exception) -> str:
    """The reason only (the source and URL are said once for all items)."""
    if isinstance(exc, SourceError):
        return exc.problem
    text = str(exc)
    return text.split(": ", 1)[1] if text.startswith("http") and ": " in text else text
