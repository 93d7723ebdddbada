"""Reading and atomically writing a snapshot folder."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard import schema
from dashboard.errors import DashboardError

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "data" / "snapshot"
OBSERVATIONS = "observations.parquet"
PACKAGE = "datapackage.json"


def load(folder: Path | None = None) -> pd.DataFrame:
    """The observation table of the snapshot in ``folder`` (default: the embedded one)."""
    path = Path(folder or DEFAULT_DIR) / OBSERVATIONS
    if not path.is_file():
        raise DashboardError(f"no snapshot at {path}: run 'defence-dashboard build' first")
    try:
        return pd.read_parquet(path)
    except (OSError, pa.ArrowException) as exc:
        raise DashboardError(f"{path}: unreadable snapshot ({exc})") from None


def load_package(folder: Path | None = None) -> dict:
    """The snapshot's datapackage.json (sources, editions, licences, schema)."""
    path = Path(folder or DEFAULT_DIR) / PACKAGE
    if not path.is_file():
        raise DashboardError(f"no datapackage.json at {path}")
    return json.loads(path.read_text(encoding="utf-8"))


def check_writable(folder: Path) -> None:
    """Raise a one-line error unless ``folder`` can be (re)placed by a snapshot."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise DashboardError(f"--out {folder} is a file, not a snapshot folder")
    parent = folder.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not os.access(parent, os.W_OK):
        raise DashboardError(f"cannot write a snapshot in {parent} (permission denied)")


def write(folder: Path, table: pd.DataFrame, package: dict) -> None:
    """Write the snapshot beside ``folder`` and swap it in by renames.

    The old snapshot stays untouched until the new one is complete on disk. The swap is
    two renames (old → ``.<name>.old-PID``, new → ``<name>``); a crash between them
    leaves both complete copies under those names and none at ``<name>``, never a half
    snapshot — POSIX cannot atomically exchange two non-empty folders.
    """
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = folder.with_name(f".{folder.name}.new-{os.getpid()}")
    retired = folder.with_name(f".{folder.name}.old-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        arrow = pa.Table.from_pandas(table.loc[:, list(schema.COLUMNS)], preserve_index=False)
        pq.write_table(arrow, staging / OBSERVATIONS, compression="zstd")
        (staging / PACKAGE).write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
        _keep_unrelated_files(folder, staging)
        if folder.exists():
            folder.rename(retired)
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if retired.exists() and not folder.exists():
            retired.rename(folder)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def _keep_unrelated_files(old: Path, staging: Path) -> None:
    """Carry over files we do not write (a README, say) so a rebuild does not lose them."""
    if not old.is_dir():
        return
    for item in old.iterdir():
        if item.name not in (OBSERVATIONS, PACKAGE) and item.is_file():
            shutil.copy2(item, staging / item.name)
