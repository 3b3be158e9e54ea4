"""The README's promises and every command's help text."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from heritage_mapper.cli import main

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
CI_RUN = (REPO / ".ci" / "run").read_text(encoding="utf-8")


def readme_commands() -> list[str]:
    """The two commands in the README's first code block."""
    block = re.search(r"```(?:sh|bash|console)?\n(.*?)```", README, re.S).group(1)
    return [line for line in block.splitlines() if line and not line.startswith("#")]


def test_readme_opens_with_two_commands():
    head = README[: README.index("```", README.index("```") + 3)]
    assert len(head.splitlines()) < 25, "the commands must be among the first lines"
    assert len(readme_commands()) == 2


def test_ci_runs_the_readme_test_command_exactly():
    test_command = readme_commands()[1]
    assert "pytest" in test_command
    assert test_command in CI_RUN.splitlines()


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_has_help_with_an_example(name):
    command = main.commands[name]
    assert isinstance(command, click.Command)
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "heritage-mapper " + name in result.output, "help needs an example"


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_is_documented_in_the_readme(name):
    assert f"heritage-mapper {name}" in README


def test_every_problem_code_is_documented_in_the_readme():
    from heritage_mapper.validate import PROJECT_CODES
    from heritage_mapper.validate.geojson import CODES

    missing = [code for code in {**CODES, **PROJECT_CODES} if f"`{code}`" not in README]
    assert not missing, f"README lacks codes: {missing}"


#: Each command and the one public function it calls (STYLE: CLI and API in parity).
COMMAND_API = {
    "validate": "validate_geodata",
    "check": "check_files",
    "export": "export_geodata",
    "build": "build",
    "derive-basemap": "derive_basemap",
    "print": "print_geodata",
    "tiles": "build_tiles",
    "schemas": "write_folder_schemas",
}


def test_every_command_calls_one_public_function():
    import ast
    import inspect

    import heritage_mapper

    assert set(COMMAND_API) == set(main.commands)
    for name, function in COMMAND_API.items():
        assert function in heritage_mapper.__all__, function
        callback = main.commands[name].callback
        while hasattr(callback, "__wrapped__"):  # handle_errors
            callback = callback.__wrapped__
        tree = ast.parse(inspect.getsource(callback).lstrip())
        imported = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "heritage_mapper"
            for alias in node.names
        }
        calls = {
            node.func.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        }
        assert imported & calls == {function}, (name, imported & calls)
