"""Export writes only regular files: never through a link, never over a device or a pipe.

Each refusal is one line, exit 1, and what was at the path is left as it was.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from dashboard import atomic
from dashboard.cli import main


def _export(out: Path, *extra: str):
    return CliRunner().invoke(main, ["export", "ranking", "--format", "csv", "--out", str(out), *extra])


def test_a_regular_file_is_replaced_atomically(tmp_path):
    out = tmp_path / "ranking.csv"
    out.write_text("old")
    result = _export(out)
    assert result.exit_code == 0, result.stderr
    assert out.read_text().startswith("source,") or "iso3" in out.read_text().splitlines()[0]
    assert [p.name for p in tmp_path.iterdir()] == ["ranking.csv"]  # no temporary file left


def test_a_symbolic_link_is_refused_not_followed(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("my notes")
    link = tmp_path / "ranking.csv"
    link.symlink_to(target)
    result = _export(link)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: --out {link} is a symbolic link: give the path of a regular file"
    assert link.is_symlink() and target.read_text() == "my notes"


def test_a_dangling_link_is_refused(tmp_path):
    link = tmp_path / "ranking.csv"
    link.symlink_to(tmp_path / "elsewhere" / "x.csv")
    assert _export(link).exit_code == 1
    assert not (tmp_path / "elsewhere").exists()


def test_a_pipe_is_refused(tmp_path):
    fifo = tmp_path / "ranking.csv"
    os.mkfifo(fifo)
    result = _export(fifo)
    assert result.exit_code == 1
    assert "is not a regular file (a device or a pipe)" in result.stderr
    assert fifo.is_fifo()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_a_device_is_refused_even_as_root(tmp_path):
    result = _export(Path("/dev/full"))
    assert result.exit_code == 1
    assert result.stderr.strip() == ("error: --out /dev/full is not a regular file (a device or a pipe): "
                                     "give a file path")
    assert Path("/dev/full").is_char_device()
    assert not list(Path("/dev").glob(".full.*.tmp"))


def test_a_folder_is_refused(tmp_path):
    result = _export(tmp_path)
    assert result.exit_code == 1 and "is a folder" in result.stderr


def test_the_pack_checks_every_file_before_writing_any(tmp_path):
    folder = tmp_path / "pack"
    folder.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (folder / "manifest.json").symlink_to(victim)
    result = CliRunner().invoke(main, ["export", "--pack", str(folder), "--formats", "html"])
    assert result.exit_code == 1
    assert "manifest.json is a symbolic link" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["manifest.json"]  # nothing written
    assert victim.read_text() == "keep me"


def test_a_linked_pack_folder_is_refused(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "pack").symlink_to(real)
    result = CliRunner().invoke(main, ["export", "--pack", str(tmp_path / "pack"), "--formats", "html"])
    assert result.exit_code == 1 and "is a symbolic link" in result.stderr
    assert list(real.iterdir()) == []


def test_the_writer_refuses_a_target_turned_into_a_link_meanwhile(tmp_path, monkeypatch):
    """Checked again just before the rename: a link planted while the bytes were written is not replaced."""
    out = tmp_path / "out.csv"
    real_open = Path.open

    def plant_link(self, *args, **kwargs):
        handle = real_open(self, *args, **kwargs)
        if self.name.endswith(".tmp") and not out.exists():
            out.symlink_to(tmp_path / "victim")
        return handle

    monkeypatch.setattr(Path, "open", plant_link)
    with pytest.raises(atomic.TargetError, match="is a symbolic link"):
        atomic.write_bytes(out, b"data")
    assert out.is_symlink() and not (tmp_path / "victim").exists()
    assert not list(tmp_path.glob("*.tmp"))
