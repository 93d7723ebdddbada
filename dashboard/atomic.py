"""The one atomic file writer: new bytes beside the old file, renamed into place.

A reader sees the old file or the new one, never half of either; a failed write leaves
the old file as it was. The target must be a regular file or absent: a symbolic link is
refused rather than followed or replaced (a link the user did not mean to overwrite),
and so is a device, a pipe or a folder (as root, ``--out /dev/full`` once replaced the
device with a CSV).
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from dashboard.errors import DashboardError


class TargetError(DashboardError):
    """The path to write is not a regular file (or absent)."""


def check_target(path: Path, what: str = "--out") -> None:
    """Raise TargetError unless ``path`` is absent or a regular file (not a link)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISLNK(mode):
        raise TargetError(f"{what} {path} is a symbolic link: give the path of a regular file")
    if stat.S_ISDIR(mode):
        raise TargetError(f"{what} {path} is a folder: give a file name")
    if not stat.S_ISREG(mode):
        raise TargetError(f"{what} {path} is not a regular file (a device or a pipe): give a file path")


def write_bytes(path: Path, data: bytes, what: str = "--out") -> None:
    """Write ``data`` to ``path`` atomically (temporary file beside it, then rename)."""
    path = Path(path)
    check_target(path, what)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        with tmp.open("xb") as handle:  # the usual permissions (mkstemp's are private)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        check_target(path, what)  # not turned into a link or a device meanwhile
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str, what: str = "--out") -> None:
    """``write_bytes`` of UTF-8 text."""
    write_bytes(path, text.encode("utf-8"), what)
