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


BROWSER_TESTS = Path(__file__).resolve().parent / "browser"
# Modules that take longest (servers, browsers, builds, timeouts waited out): run first, so that
# xdist, which hands a test file to whichever worker is free, ends with short files on both.
SLOW_FIRST = ("test_export.py", "test_serving.py", "test_layout_drift.py", "test_snapshot_swap.py",
              "test_proxy.py", "test_notebooks.py", "test_share_embed.py", "test_fuzz_shapes.py")


def pytest_collection_modifyitems(config, items):
    """Mark the browser tests (``-m "not browser"``: the quick loop), put the slowest modules
    first, and leave out the network tests unless the -m expression names them (so that
    expression does not bring them back)."""
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.browser)
    # stable: a module's tests keep their order; the slow modules, then the browser tests, then the rest
    items.sort(key=lambda i: (i.path.name not in SLOW_FIRST, BROWSER_TESTS not in i.path.parents,
                              SLOW_FIRST.index(i.path.name) if i.path.name in SLOW_FIRST else 0))
    if "network" in (config.getoption("markexpr") or ""):
        return
    kept = [item for item in items if item.get_closest_marker("network") is None]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item.get_closest_marker("network")])
        items[:] = kept


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
