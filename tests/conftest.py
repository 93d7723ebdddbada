"""Shared fixtures: where the published files are, and a helper to describe a raw file."""

from __future__ import annotations

import re
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


@pytest.fixture(autouse=True, scope="session")
def _app_cache(tmp_path_factory):
    """Files the app caches (dataset archives, social-card images) go to a folder of the test run,
    not the user's cache (servers the tests start inherit it)."""
    import os

    from dashboard.app.server.diskcache import ENV_APP_CACHE

    previous = os.environ.get(ENV_APP_CACHE)
    os.environ[ENV_APP_CACHE] = str(tmp_path_factory.mktemp("app-cache"))
    yield
    if previous is None:
        os.environ.pop(ENV_APP_CACHE, None)
    else:
        os.environ[ENV_APP_CACHE] = previous


def walk(node):
    """Every component in a Dash component tree, depth first (strings and numbers skipped)."""
    if isinstance(node, (list, tuple)):
        for n in node:
            yield from walk(n)
        return
    if node is None or isinstance(node, (str, int, float)):
        return
    yield node
    yield from walk(getattr(node, "children", None))


def text_of(node) -> str:
    """All the text in a Dash component tree, joined by spaces."""
    if isinstance(node, str):
        return node
    if isinstance(node, (list, tuple)):
        return " ".join(text_of(n) for n in node)
    if node is None or isinstance(node, (int, float)):
        return ""
    return text_of(getattr(node, "children", None))



# A chart's picture in a page's static copy (dashboard/app/pictures/svg.py): the only <img> a copy
# may carry; tests of hostile URLs remove these before looking for injected markup.
PICTURE = re.compile(r'<img class="prerender-picture" src="/pictures/[a-z-]+\.svg\?[^"<>]*" alt="[^"<>]*"[^<>]*>')


def card_csv(card: str, path: str, **query: object) -> dict:
    """What a chart card's "Download data (CSV)" gives on the page at ``path`` with ``query``
    (the shared callback's work, ``cards.card_csv``, called as a plain function)."""
    from urllib.parse import urlencode

    from dashboard.app import cards

    search = "?" + urlencode({k: v for k, v in query.items() if v is not None}) if query else ""
    return cards.card_csv(card, path, search)


def table_csv(name: str, shown: object = None, **query: object) -> dict:
    """What a table's "Download … (CSV)" gives with the page's ``query`` and the grid's rows ``shown``."""
    from urllib.parse import urlencode

    from dashboard.app import cards

    search = "?" + urlencode({k: v for k, v in query.items() if v is not None}) if query else ""
    return cards.table_csv(name, 1, search, shown)
