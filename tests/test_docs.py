"""Docs are tested against the code: the README's commands and CLI reference."""

from __future__ import annotations

import re

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_cli_reference_is_generated_from_help():
    import importlib.util

    spec = importlib.util.spec_from_file_location("cli_reference", ROOT / "scripts" / "cli_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.replace_section(README, module.reference()) == README, (
        "README CLI reference is stale: run `.venv/bin/python scripts/cli_reference.py --write`")


def test_every_command_and_option_is_documented():
    from dashboard.cli import main

    for name, command in main.commands.items():
        assert f"defence-dashboard {name}" in README
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--"):
                    assert opt in README, f"{name} {opt} undocumented"


def test_two_setup_commands_and_ci_runs_the_readme_test_command():
    block = re.search(r"## Quick start.*?```sh\n(.*?)```", README, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["./run serve", "./run test"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "./run test" in ci and "./run lint" in ci  # the quality gates (ruff, mypy) too


def test_every_source_has_licence_and_citation_in_readme():
    from dashboard import sources

    section = README.split("### Sources, licences and citations", 1)[1].split("## ", 1)[0]
    for name in sources.SOURCE_MODULES:
        info = sources.load(name).INFO
        assert info.publisher.split(" (")[0].split(",")[0] in section or info.title in section, name


def test_layout_lists_every_module_and_nothing_else():
    """The README's layout block names each package folder, then its modules indented below it."""
    block = re.search(r"## Layout.*?```text\n(.*?)```", README, re.S).group(1)
    listed: set[str] = set()
    folder = None
    for line in block.splitlines():
        if not line.strip():
            continue
        token = line.split()[0]
        if not line.startswith(" "):
            assert token.endswith("/"), f"layout: {token!r} is not a folder"
            folder = token
        else:
            assert folder and token.endswith(".py"), f"layout: {line.strip()!r}"
            listed.add(folder + token)
    tree = {p.relative_to(ROOT).as_posix() for p in (ROOT / "dashboard").rglob("*.py")}
    assert sorted(tree - listed) == [], "modules missing from the README's layout"
    assert sorted(listed - tree) == [], "README's layout lists modules that do not exist"
