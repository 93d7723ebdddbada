"""Shared fixtures: where the published files are, and a helper to describe a raw file."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.provenance import RawFile, sha256_of

ROOT = Path(__file__).resolve().parent.parent
SHARED_SOURCES = ROOT.parent / "shared" / "data" / "sources"


def shared_file(relative: str) -> Path:
    """A published file from ../shared, or skip the test saying why."""
    path = SHARED_SOURCES / relative
    if not path.is_file():
        pytest.skip(f"published file {relative} not found under {SHARED_SOURCES} (../shared absent)")
    return path


def raw(source: str, path: Path, retrieved: str = "2026-01-01") -> RawFile:
    """A RawFile for a test file, with a fixed retrieval date."""
    return RawFile(source=source, path=path, retrieved=retrieved, sha256=sha256_of(path))


def component_ids(component) -> dict[str, object]:
    """id → component for a whole Dash layout tree (pattern-matching dict ids skipped)."""
    found = {}
    stack = [component]
    while stack:
        node = stack.pop()
        if isinstance(node, (list, tuple)):
            stack.extend(node)
            continue
        if isinstance(getattr(node, "id", None), str):
            found[node.id] = node
        children = getattr(node, "children", None)
        if children is not None and not isinstance(children, str):
            stack.append(children)
    return found


@pytest.fixture
def shared_sources() -> Path:
    """The folder of published files, or skip."""
    if not SHARED_SOURCES.is_dir():
        pytest.skip(f"{SHARED_SOURCES} not found (../shared absent)")
    return SHARED_SOURCES
