"""Contracts that keep the code in its shape: loaders, layers, one table of source names.

- every source module keeps the loaders' interface and names itself after its module;
- the app and the export never import each other (both read ``dashboard.views``); the
  views and figures import neither; nothing but the CLI imports the app's serving code;
- source display names come from one table.
"""

from __future__ import annotations

import ast
import types
from pathlib import Path

import pytest

from dashboard import schema, sources
from dashboard.errors import SourceError
from dashboard.provenance import SourceInfo

PACKAGE = Path(__file__).resolve().parents[1] / "dashboard"


@pytest.mark.parametrize("name", schema.SOURCE_NAMES)
def test_every_source_keeps_the_contract(name):
    module = sources.load(name)
    assert isinstance(module, sources.SourceModule)
    assert module.INFO.name == name


def _fake(**attrs) -> types.ModuleType:
    module = types.ModuleType("dashboard.sources.fake")
    module.__dict__.update(attrs)
    return module


INFO = SourceInfo("fake", "Publisher", "Title", "https://example.org", "CC BY", "Cite me")


@pytest.mark.parametrize("module,problem", [
    (_fake(INFO=INFO, discover=print, fetch=print), "lacks parse"),
    (_fake(discover=print, parse=print, fetch=print), "lacks INFO"),
    (_fake(INFO=INFO, discover=print, parse="not a function", fetch=print), "parse must be functions"),
    (_fake(INFO=SourceInfo("other", "P", "T", "u", "l", "c"), discover=print, parse=print, fetch=print),
     "calls itself 'other', not 'fake'"),
])
def test_a_module_that_breaks_the_contract_is_named(module, problem):
    with pytest.raises(sources.ContractError, match=problem):
        sources.check(module, "fake")


def test_fetch_each_stores_what_it_can_and_reports_every_failure(tmp_path):
    def one(item: str) -> Path:
        if item.startswith("bad"):
            raise SourceError("fake", "https://example.org", f"{item} is gone")
        return tmp_path / item

    with pytest.raises(SourceError) as failed:
        sources.fetch_each("fake", "https://example.org", ["a", "bad1", "b", "bad2"], one)
    assert str(failed.value) == ("fake: https://example.org: 2 indicator(s) failed: bad1 (bad1 is gone); "
                                 "bad2 (bad2 is gone)")
    assert sources.fetch_each("fake", "x", ["a", "b"], one) == [tmp_path / "a", tmp_path / "b"]


def _imports(path: Path) -> set[str]:
    """Modules a file imports (absolute names), at any depth of the file."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _layer(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


@pytest.mark.parametrize("layer,forbidden", [
    ("app", "dashboard.export"),
    ("export", "dashboard.app"),
    ("views", "dashboard.app"),
    ("views", "dashboard.export"),
    ("figures", "dashboard.app"),
    ("figures", "dashboard.export"),
    ("model", "dashboard.views"),
    ("model", "dashboard.figures"),
])
def test_layers_import_only_downstream(layer, forbidden):
    offenders = {str(path.relative_to(PACKAGE)): sorted(m for m in _imports(path) if m.startswith(forbidden))
                 for path in _layer(layer)}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_source_names_come_from_one_table():
    from dashboard.figures import common

    assert sources.SOURCE_MODULES == schema.SOURCE_NAMES == tuple(schema.PUBLISHER_LABELS)
    # derived figures (the nowcast) are labelled like sources but have no loader
    assert set(schema.SOURCE_LABELS) == set(schema.PUBLISHER_LABELS) | set(schema.DERIVED_LABELS)
    assert not set(schema.PUBLISHER_LABELS) & set(schema.DERIVED_LABELS)
    assert common.SOURCE_LABELS is schema.SOURCE_LABELS
    for path in PACKAGE.rglob("*.py"):
        if path.name == "schema.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert '"worldbank": "World Bank"' not in text, f"{path}: a second table of source labels"
