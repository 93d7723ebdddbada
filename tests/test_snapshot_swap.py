"""The snapshot swap: a reader always finds a complete snapshot; builds never overlap.

A reader thread polls the snapshot path while builds run in other processes — finished
ones, ones killed at random moments, and ones made to die at the worst instants (right
after the exchange, and between the two renames of the fallback swap). Every read must
find both files, and they must belong together (the datapackage's row count is the
table's). Built from small files in SIPRI's layout.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from dashboard.cli import main
from dashboard.snapshot import io
from dashboard.snapshot.build import build
from tests.builders import DEFAULT_SIPRI_ROWS, write_sipri_workbook

SIPRI_FILE = "SIPRI-Milex-data-2022-2024.xlsx"
MORE_ROWS = {**DEFAULT_SIPRI_ROWS, "Poland": ("Zlotys", "", {2022: 0.024, 2023: 0.038, 2024: 0.041})}


def _sources(root: Path, rows) -> Path:
    folder = root / "sipri"
    folder.mkdir(parents=True)
    write_sipri_workbook(folder / SIPRI_FILE, rows=rows)
    return root


class Reader(threading.Thread):
    """Polls the snapshot until stopped; records every read that was not a whole snapshot."""

    def __init__(self, out: Path) -> None:
        super().__init__(daemon=True)
        self.out, self.reads, self.problems = out, 0, []
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                table, package = io.read(self.out)
                if package["resources"][0]["rows"] != len(table):
                    self.problems.append(f"mixed: package {package['resources'][0]['rows']} rows, table {len(table)}")
            except Exception as exc:  # any failure to read is what this test looks for
                self.problems.append(f"{type(exc).__name__}: {exc}")
            self.reads += 1

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=10)


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from dashboard.cli import main; main()", *args]


def _dies_at(moment: str, sources: Path, out: Path) -> subprocess.CompletedProcess:
    """A build that kills itself (os._exit: no clean-up runs) at ``moment``."""
    script = textwrap.dedent(f"""
        import os, shutil
        from pathlib import Path
        from dashboard.snapshot import io
        from dashboard.snapshot.build import build
        if {moment!r} == "after-exchange":
            swap = io._swap_in
            def swap_and_die(staging, folder):                   # the retired copy is never removed
                swap(staging, folder)
                os._exit(9)
            io._swap_in = swap_and_die
        else:
            io._exchange = lambda a, b: False                    # the two-rename fallback...
            real = Path.rename
            def rename(self, target):
                real(self, target)
                if self.name == {out.name!r}:                    # ...dies between its renames
                    os._exit(9)
            Path.rename = rename
        build(Path({str(sources)!r}), Path({str(out)!r}), accept_loss="test")
    """)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)


def test_readers_always_find_a_whole_snapshot(tmp_path):
    small, large = _sources(tmp_path / "small", None), _sources(tmp_path / "large", MORE_ROWS)
    out = tmp_path / "snapshot"
    build(small, out)
    reader = Reader(out)
    reader.start()
    try:
        rng = random.Random(7)
        for i in range(4):  # finished builds, alternating sizes (losses accepted)
            args = ["build", "--sources", str(large if i % 2 == 0 else small), "--out", str(out),
                    "--accept-loss", "swap test"]
            assert subprocess.run(_cli(*args), capture_output=True, timeout=120).returncode == 0
        for _ in range(3):  # builds killed at random moments
            proc = subprocess.Popen(_cli("build", "--sources", str(large), "--out", str(out),
                                         "--accept-loss", "swap test"),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.3, 2.5))
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        assert _dies_at("after-exchange", small, out).returncode == 9
        assert list(tmp_path.glob(".snapshot.new-*")), "the killed build should have left its staging folder"
        assert _dies_at("between-renames", large, out).returncode == 9
        time.sleep(0.5)
    finally:
        reader.stop()
    assert reader.reads > 50
    assert reader.problems == []
    # the next build removes what the killed ones left
    build(large, out, accept_loss="swap test")
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".snapshot.") and not p.name.endswith(".lock")]


def test_a_read_after_a_cut_fallback_swap_puts_the_old_snapshot_back(tmp_path):
    sources = _sources(tmp_path / "src", None)
    out = tmp_path / "snapshot"
    build(sources, out)
    rows = len(io.load(out))
    assert _dies_at("between-renames", sources, out).returncode == 9
    assert not out.exists()  # the moment the fallback cannot avoid...
    assert len(io.load(out)) == rows  # ...and a reader repairs it
    assert out.is_dir()


def test_a_second_build_on_the_same_folder_stops_clearly(tmp_path):
    sources = _sources(tmp_path / "src", None)
    out = tmp_path / "snapshot"
    build(sources, out)
    with io.build_lock(out):
        result = CliRunner().invoke(main, ["build", "--sources", str(sources), "--out", str(out)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"error: another build is writing {out} (lock .snapshot.lock): "
                                     "wait for it to finish, or build to another --out")


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to fill a small file system")
def test_a_full_disk_names_the_snapshot_and_keeps_the_old_one(tmp_path):
    mount = tmp_path / "tiny"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        sources = _sources(tmp_path / "src", MORE_ROWS)
        out = mount / "snapshot"
        build(_sources(tmp_path / "small", None), tmp_path / "seed", only=("sipri",))
        for f in (tmp_path / "seed").iterdir():  # an old snapshot that fits
            out.mkdir(exist_ok=True)
            (out / f.name).write_bytes(f.read_bytes())
        before = {f.name: f.read_bytes() for f in out.iterdir()}
        (mount / "ballast").write_bytes(b"x" * (64 * 1024 - sum(len(b) for b in before.values()) - 4096))
        result = CliRunner().invoke(main, ["build", "--sources", str(sources), "--out", str(out)])
        assert result.exit_code == 1
        assert result.stderr.startswith(f"error: cannot write the snapshot at {out}: No space left on device")
        assert {f.name: f.read_bytes() for f in out.iterdir()} == before
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)
