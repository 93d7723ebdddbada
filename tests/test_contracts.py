"""Contracts that keep the code in its shape: loaders, layers, one table of source names.

- every source module keeps the loaders' interface and names itself after its module;
- the app and the export never import each other (both read ``dashboard.charts`` and
  ``dashboard.views``); the views, figures and charts import neither;
- the views (data and words) import no figure or chart module; the figures (drawing from
  view types) import nothing from the charts layer above them; no import circle runs
  through the three, and none of them imports inside a function (the way a circle is dodged);
- source display names come from one table; the words both views and figures use, once.
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
    ("views", "dashboard.figures"),
    ("views", "dashboard.charts"),
    ("figures", "dashboard.app"),
    ("figures", "dashboard.export"),
    ("figures", "dashboard.charts"),
    ("charts", "dashboard.app"),
    ("charts", "dashboard.export"),
    ("model", "dashboard.views"),
    ("model", "dashboard.figures"),
    ("model", "dashboard.charts"),
])
def test_layers_import_only_downstream(layer, forbidden):
    offenders = {str(path.relative_to(PACKAGE)): sorted(m for m in _imports(path) if m.startswith(forbidden + "."))
                 for path in _layer(layer)}
    assert {k: v for k, v in offenders.items() if v} == {}


# ---- the import graph of the layers that draw: views, figures, charts --------------------------

DRAWING_LAYERS = ("views", "figures", "charts")


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(p): p for p in PACKAGE.rglob("*.py")}


def _target(name: str) -> str:
    """The project module an imported name lives in (``dashboard.views.data.ViewData`` → ``dashboard.views.data``)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def _runtime_imports(path: Path) -> list[tuple[str, bool]]:
    """(project module, inside a function?) for every import run when the code runs (not the
    ``if TYPE_CHECKING:`` ones, which name a type for the checker only)."""
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for part in child.orelse:
                    visit(part, in_function)
                continue
            if isinstance(child, ast.ImportFrom) and child.level == 0 and (child.module or "").startswith("dashboard"):
                assert child.module is not None
                found.extend((_target(f"{child.module}.{a.name}"), in_function) for a in child.names)
            elif isinstance(child, ast.Import):
                found.extend((_target(a.name), in_function) for a in child.names if a.name.startswith("dashboard"))
            visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def _drawing(module: str) -> bool:
    return any(module == f"dashboard.{layer}" or module.startswith(f"dashboard.{layer}.") for layer in DRAWING_LAYERS)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return found


def test_no_import_circle_runs_through_views_figures_and_charts():
    graph = {m: {t for t, _ in _runtime_imports(p) if _drawing(t) and t != m} for m, p in MODULES.items() if _drawing(m)}
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_circle():
    """The check above can fail: a circle of three is found, a chain is not."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_views_figures_and_charts_import_at_the_top():
    """An import inside a function is how a circle gets dodged: these layers have none."""
    inside = {str(p.relative_to(PACKAGE)): sorted({t for t, in_function in _runtime_imports(p) if in_function})
              for m, p in MODULES.items() if _drawing(m)}
    assert {k: v for k, v in inside.items() if v} == {}


# The app's parts, each with what its __init__ says it may not import (the modules that tie parts
# together, and the parts above it). serving.run's import of the app it serves is the one way up.
APP_TIERS = {
    "app/server": ("dashboard.app.pages", "dashboard.app.pictures", "dashboard.app.static_copy", "dashboard.app.cards",
                   "dashboard.app.components", "dashboard.app.embed", "dashboard.app.index", "dashboard.app.layout",
                   "dashboard.app.meta"),
    "app/pictures": ("dashboard.app.pages", "dashboard.app.static_copy", "dashboard.app.components",
                     "dashboard.app.embed", "dashboard.app.index", "dashboard.app.layout", "dashboard.app.meta"),
    "app/static_copy": ("dashboard.app.pages", "dashboard.app.pictures", "dashboard.app.cards",
                        "dashboard.app.components", "dashboard.app.embed", "dashboard.app.index",
                        "dashboard.app.layout", "dashboard.app.meta"),
}


@pytest.mark.parametrize("part", sorted(APP_TIERS))
def test_app_parts_import_what_their_init_allows(part):
    forbidden = APP_TIERS[part]
    offenders = {}
    for path in _layer(part):
        found = sorted(t for t, _ in _runtime_imports(path) if t.startswith(forbidden))
        if path.name == "serving.py":
            found = [t for t in found if t != "dashboard.app"]
        if found:
            offenders[str(path.relative_to(PACKAGE))] = found
    assert offenders == {}


def test_app_top_level_stays_small_and_each_part_says_what_it_is():
    top = sorted(p.name for p in (PACKAGE / "app").glob("*.py"))
    assert len(top) <= 10, top
    for part in ("pages", "server", "pictures", "static_copy"):
        init = PACKAGE / "app" / part / "__init__.py"
        if part == "pages":  # Dash imports every module in the pages folder as a page: no __init__
            assert not init.exists()
            continue
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "May import" in doc, f"app/{part}/__init__.py does not say what it may import"
        listed = {line.split()[0] for line in doc.splitlines() if line.startswith("    ") and line.split()}
        assert {p.name for p in init.parent.glob("*.py") if p.name != "__init__.py"} <= listed, part


def test_source_names_come_from_one_table():
    from dashboard.figures import common
    from dashboard.views import labels

    assert sources.SOURCE_MODULES == schema.SOURCE_NAMES == tuple(schema.PUBLISHER_LABELS)
    # derived figures (the nowcast) are labelled like sources but have no loader
    assert set(schema.SOURCE_LABELS) == set(schema.PUBLISHER_LABELS) | set(schema.DERIVED_LABELS)
    assert not set(schema.PUBLISHER_LABELS) & set(schema.DERIVED_LABELS)
    assert labels.SOURCE_LABELS is schema.SOURCE_LABELS
    # the words figures and views share live once, in views.labels, not again in figures.common
    assert not {"SOURCE_LABELS", "STATUS_LABELS", "source_line", "edition_label"} & set(vars(common))
    for path in PACKAGE.rglob("*.py"):
        if path.name == "schema.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert '"worldbank": "World Bank"' not in text, f"{path}: a second table of source labels"
