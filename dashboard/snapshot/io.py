"""Reading and atomically replacing a snapshot folder.

A snapshot is a folder of two files, ``observations.parquet`` and ``datapackage.json``.
Readers and builders meet at its path; two promises hold there:

- **A reader always finds a complete snapshot.** A build writes the new folder beside the
  old one (``.<name>.new-<pid>``), then exchanges the two in one step (Linux
  ``renameat2(RENAME_EXCHANGE)``), so the path never lacks a snapshot. Where the
  exchange is not available (another OS or file system) it falls back to two renames,
  and a later build or read puts back a snapshot a crash left between them. A reader
  takes both files from one opening of the folder (:func:`read`), so it never pairs the
  old table with the new description.
- **One build at a time.** A build holds an exclusive lock (``.<name>.lock`` beside the
  folder) from before it reads the old snapshot until the swap is done; a second build
  on the same folder stops at once, saying so. Leftovers of killed builds are removed
  when the next build takes the lock.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard import schema
from dashboard.errors import DashboardError

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "data" / "snapshot"
OBSERVATIONS = "observations.parquet"
PACKAGE = "datapackage.json"
RENAME_EXCHANGE = 2   # linux/fs.h: swap two paths atomically (Linux 3.15+, glibc 2.28+)
AT_FDCWD = -100
READ_RETRIES = 3      # a read that raced a swap and lost its files tries again


def load(folder: Path | None = None) -> pd.DataFrame:
    """The observation table of the snapshot in ``folder`` (default: the embedded one)."""
    return read(folder)[0]


def load_package(folder: Path | None = None) -> dict:
    """The snapshot's datapackage.json (sources, editions, licences, schema)."""
    return read(folder, table=False)[1]


def read(folder: Path | None = None, table: bool = True) -> tuple[pd.DataFrame, dict]:
    """Table and datapackage of one snapshot, both read from the same folder.

    The folder is opened once and both files are read relative to it: a build that
    swaps in a new snapshot meanwhile cannot give this reader one file of each.
    ``table=False`` skips the parquet (an empty frame is returned in its place).
    """
    folder = Path(folder or DEFAULT_DIR)
    restore_interrupted_swap(folder)
    for attempt in range(READ_RETRIES):
        try:
            return _read_once(folder, table)
        except FileNotFoundError:
            if attempt == READ_RETRIES - 1 or not folder.is_dir():
                break  # not a race with a swap: really absent
    raise DashboardError(f"no snapshot at {folder}: run 'defence-dashboard build' first")


def _read_once(folder: Path, table: bool) -> tuple[pd.DataFrame, dict]:
    dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        package = _read_package(folder, dir_fd)
        frame = _read_table(folder, dir_fd) if table else pd.DataFrame()
    finally:
        os.close(dir_fd)
    return frame, package


def _read_package(folder: Path, dir_fd: int) -> dict:
    fd = os.open(PACKAGE, os.O_RDONLY, dir_fd=dir_fd)
    with os.fdopen(fd, "rb") as fh:
        try:
            package = json.loads(fh.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DashboardError(f"{folder / PACKAGE}: unreadable ({type(exc).__name__})") from None
    if not isinstance(package, dict):
        raise DashboardError(f"{folder / PACKAGE}: not a JSON object")
    return package


def _read_table(folder: Path, dir_fd: int) -> pd.DataFrame:
    fd = os.open(OBSERVATIONS, os.O_RDONLY, dir_fd=dir_fd)
    with os.fdopen(fd, "rb") as fh:
        try:
            frame = pd.read_parquet(fh)
        except (OSError, pa.ArrowException) as exc:
            raise DashboardError(f"{folder / OBSERVATIONS}: unreadable snapshot ({exc})") from None
    if "month" not in frame.columns:  # a snapshot from before monthly series: every row annual
        frame.insert(list(schema.COLUMNS).index("month"), "month", pd.Series(pd.NA, index=frame.index, dtype="Int64"))
    return frame


def check_writable(folder: Path) -> None:
    """Raise a one-line error unless ``folder`` can be (re)placed by a snapshot."""
    folder = Path(folder)
    if folder.is_symlink():  # the swap would replace the link, not the folder it names
        raise DashboardError(f"--out {folder} is a symbolic link: give the folder it points to")
    if folder.exists() and not folder.is_dir():
        raise DashboardError(f"--out {folder} is a file, not a snapshot folder")
    parent = folder.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not os.access(parent, os.W_OK):
        raise DashboardError(f"cannot write a snapshot in {parent} (permission denied)")


@contextlib.contextmanager
def build_lock(folder: Path) -> Iterator[None]:
    """Hold the folder's build lock (one-line error if another build holds it); tidy up first."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    lock_path = folder.with_name(f".{folder.name}.lock")
    with open(lock_path, "a+", encoding="utf-8") as lock:
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DashboardError(f"another build is writing {folder} (lock {lock_path.name}): "
                                 "wait for it to finish, or build to another --out") from None
        restore_interrupted_swap(folder)
        remove_leftovers(folder)
        try:
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def remove_leftovers(folder: Path) -> None:
    """Delete staging and retired folders that killed builds left beside ``folder``."""
    for pattern in (f".{folder.name}.new-*", f".{folder.name}.old-*"):
        for leftover in folder.parent.glob(pattern):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)


def restore_interrupted_swap(folder: Path) -> None:
    """If a two-rename swap was cut between its renames, put the old snapshot back."""
    if folder.exists() or folder.is_symlink():
        return
    retired = sorted(folder.parent.glob(f".{folder.name}.old-*"), key=lambda p: p.stat().st_mtime)
    complete = [p for p in retired if (p / OBSERVATIONS).is_file() and (p / PACKAGE).is_file()]
    if complete:
        with contextlib.suppress(OSError):  # another reader may have restored it first
            complete[-1].rename(folder)


def write(folder: Path, table: pd.DataFrame, package: dict) -> None:
    """Write the snapshot beside ``folder``, then exchange it with the old one.

    Call under :func:`build_lock`. The old snapshot stays untouched until the new one
    is complete and flushed to disk.
    """
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = folder.with_name(f".{folder.name}.new-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        arrow = pa.Table.from_pandas(table.loc[:, list(schema.COLUMNS)], preserve_index=False)
        pq.write_table(arrow, staging / OBSERVATIONS, compression="zstd")
        (staging / PACKAGE).write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
        _keep_unrelated_files(folder, staging)
        _fsync_tree(staging)
        _swap_in(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(staging, ignore_errors=True)  # after an exchange: the old snapshot


def _swap_in(staging: Path, folder: Path) -> None:
    """Put ``staging`` at ``folder``; afterwards ``staging`` holds the old snapshot (or nothing)."""
    if not folder.exists():
        staging.rename(folder)
    elif not _exchange(staging, folder):
        retired = folder.with_name(f".{folder.name}.old-{os.getpid()}")
        folder.rename(retired)       # a crash here is repaired by restore_interrupted_swap
        staging.rename(folder)
        retired.rename(staging)
    _fsync_dir(folder.parent)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False where the system cannot (then nothing was done)."""
    renameat2 = getattr(_libc(), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _fsync_tree(folder: Path) -> None:
    for path in folder.iterdir():
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _keep_unrelated_files(old: Path, staging: Path) -> None:
    """Carry over files we do not write (a README, say) so a rebuild does not lose them."""
    if not old.is_dir():
        return
    for item in old.iterdir():
        if item.name not in (OBSERVATIONS, PACKAGE) and item.is_file():
            shutil.copy2(item, staging / item.name)
