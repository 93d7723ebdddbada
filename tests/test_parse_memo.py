"""The build's parse memo (snapshot/parsed.py): what it keeps, when it parses afresh, its bound in bytes."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from dashboard.provenance import RawFile, sha256_of
from dashboard.snapshot import parsed


def _raw(path, retrieved="2026-01-01") -> RawFile:
    return RawFile(source="fake", path=path, retrieved=retrieved, sha256=sha256_of(path))


class Counting:
    """A loader that counts its calls and returns rows of the file's bytes."""

    def __init__(self, rows: int = 10) -> None:
        self.calls, self.rows = 0, rows

    def __call__(self, raw: RawFile) -> pd.DataFrame:
        self.calls += 1
        frame = pd.DataFrame({"value": [float(len(raw.path.read_bytes()))] * self.rows})
        frame.attrs["edition"] = "2026-01"
        return frame


def test_the_same_bytes_are_parsed_once_and_the_caller_gets_its_own_copy(tmp_path):
    memo, loader = parsed.ParseMemo(), Counting()
    path = tmp_path / "a.csv"
    path.write_text("x,y\n1,2\n")
    first = memo.parse(_raw(path), loader)
    first.loc[0, "value"] = -1.0                     # a caller changing its frame
    again = memo.parse(_raw(path), loader)
    assert loader.calls == 1 and len(memo) == 1
    assert again["value"].tolist() == [8.0] * 10     # the kept rows are untouched
    assert again.attrs["edition"] == "2026-01"


def test_new_bytes_a_new_neighbour_or_another_retrieval_date_parse_afresh(tmp_path):
    memo, loader = parsed.ParseMemo(), Counting()
    path = tmp_path / "a.csv"
    path.write_text("one\n")
    memo.parse(_raw(path), loader)
    path.write_text("two!\n")                          # the file itself changed
    assert memo.parse(_raw(path), loader)["value"][0] == 5.0
    (tmp_path / "release.csv").write_text("r29\n")     # a companion the loader may read appeared
    memo.parse(_raw(path), loader)
    stamp = os.stat(tmp_path / "release.csv").st_mtime_ns
    (tmp_path / "release.csv").write_text("r30\n")     # ... and changed (same size, later time)
    os.utime(tmp_path / "release.csv", ns=(stamp + 10**9, stamp + 10**9))
    memo.parse(_raw(path), loader)
    memo.parse(_raw(path, retrieved="2026-02-01"), loader)
    assert loader.calls == 5


def test_a_failed_parse_is_not_kept(tmp_path):
    memo = parsed.ParseMemo()
    path = tmp_path / "a.csv"
    path.write_text("x\n")

    def broken(raw: RawFile) -> pd.DataFrame:
        raise ValueError("bad file")

    with pytest.raises(ValueError):
        memo.parse(_raw(path), broken)
    assert len(memo) == 0 and memo.bytes == 0


def test_the_memo_never_holds_more_than_its_bound(tmp_path):
    loader = Counting(rows=1000)                      # 1,000 floats: 8,000 bytes + the index
    size = int(loader(_raw(_file(tmp_path, "probe"))).memory_usage(deep=True, index=True).sum())
    memo = parsed.ParseMemo(limit=2 * size + size // 2)   # room for two frames, not three
    paths = [_file(tmp_path, f"f{i}") for i in range(4)]
    for path in paths:
        memo.parse(_raw(path), loader)
        assert memo.bytes <= memo.limit
    assert len(memo) == 2 and memo.bytes == 2 * size
    calls = loader.calls
    memo.parse(_raw(paths[-1]), loader)               # the most recent is still there
    memo.parse(_raw(paths[0]), loader)                # the oldest was dropped
    assert loader.calls == calls + 1
    tiny = parsed.ParseMemo(limit=size - 1)           # a frame larger than the whole bound is not kept
    tiny.parse(_raw(paths[0]), loader)
    assert len(tiny) == 0 and tiny.bytes == 0
    memo.clear()
    assert len(memo) == 0 and memo.bytes == 0


def test_the_code_fingerprint_covers_the_loaders():
    files = {p for name in parsed.PARSE_CODE for p in ([parsed.PACKAGE / name] if name.endswith(".py")
                                                        else (parsed.PACKAGE / name).rglob("*.py"))}
    assert parsed.PACKAGE / "sources" / "sipri.py" in files and all(p.is_file() for p in files)
    assert len(parsed.code_id()) == 16


def _file(folder, name: str):
    folder = folder / name
    folder.mkdir()
    path = folder / "data.csv"
    path.write_text(name)
    return path


def test_a_loader_that_parses_alone_keeps_its_rows_when_a_neighbour_changes(tmp_path):
    from dashboard import sources

    memo, loader = parsed.ParseMemo(), Counting()
    path = tmp_path / "a.xlsx"
    path.write_text("workbook")
    memo.parse(_raw(path), loader, alone=True)
    (tmp_path / "other.xlsx").write_text("another edition")
    memo.parse(_raw(path), loader, alone=True)
    assert loader.calls == 1
    # the workbooks' loaders say so; loaders that read a companion file do not
    assert sources.parses_alone(sources.load("sipri")) and sources.parses_alone(sources.load("nato"))
    assert not sources.parses_alone(sources.load("kiel")) and not sources.parses_alone(sources.load("worldbank"))
