"""Errors a user may see: each renders as one line saying what went wrong and where."""

from __future__ import annotations

import os
import re
from pathlib import Path


class DashboardError(Exception):
    """Base class for errors reported to the user as one line (no traceback)."""


class SourceError(DashboardError):
    """A raw file or API answer could not be read.

    ``str()`` gives one line: ``<source>: <file>[, <where>]: <problem>``.
    """

    def __init__(self, source: str, file: str | Path, problem: str, where: str = "") -> None:
        self.source = source
        self.file = str(file)
        self.where = where
        self.problem = problem
        location = f"{self.file}, {where}" if where else self.file
        super().__init__(f"{source}: {location}: {problem}")


class ValidationError(DashboardError):
    """The assembled table breaks an invariant (bad share, duplicate key, unit clash...)."""


class UnmappedCountryError(DashboardError):
    """A publisher's country name has no ISO3 code and no override."""


class DataLossError(DashboardError):
    """A build would drop rows of the snapshot it replaces (and no loss was accepted)."""


def os_reason(exc: OSError) -> str:
    """The system's words for an OS error ("No space left on device"), however it was raised.

    pyarrow reports a full disk as "Error writing bytes to file. Detail: [errno 28] …"
    with no errno attribute; the number is read from the text then.
    """
    number = exc.errno
    if number is None and (m := re.search(r"\[errno (\d+)\]", str(exc))):
        number = int(m.group(1))
    return os.strerror(number) if number else (str(exc).splitlines() or [type(exc).__name__])[0][:120]
