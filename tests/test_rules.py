"""The registry of finding codes (heritage_mapper/rules.py): complete, well-formed, and
the source of the README's table and of every finding's severity.

Data: the real geodata/, whose findings must all be registered, and the small fixture
folder (tests/fixtures.py) broken as test_validate_geodata breaks it.
"""

from __future__ import annotations

import ast
import csv
import doctest
import importlib
import importlib.util
import re
from pathlib import Path

import pytest

from heritage_mapper.problems import Problem
from heritage_mapper.rules import RULE_BY_CODE, RULES, SEVERITIES, markdown_table, rule
from heritage_mapper.validate import CODES, PROJECT_CODES, validate_geodata
from heritage_mapper.validate.geojson import check_document, check_file

from .conftest import GEODATA, REPO, SHARED
from .fixtures import make_geodata

SRC = REPO / "src" / "heritage_mapper"
CONFORMANCE = SHARED / "conformance"
REGENERATE = "PYTHONPATH=src python scripts/codes_table.py"
CODE_SHAPE = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)+")
#: String literals in the emitting modules that look like codes but are not.
NOT_CODES = {"utf-8", "utf-8-sig", "counter-clockwise"}


def _codes_table_script():
    spec = importlib.util.spec_from_file_location("codes_table", REPO / "scripts/codes_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- the registry itself ----------------------------------------------------------------


def test_no_code_is_declared_twice():
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes)) == len(RULE_BY_CODE)


@pytest.mark.parametrize("r", RULES, ids=[r.code for r in RULES])
def test_every_rule_is_well_formed(r):
    assert CODE_SHAPE.fullmatch(r.code), r.code
    assert r.severity in SEVERITIES
    for text in (r.summary, r.hint):
        assert text.strip() and "\n" not in text, r
    assert r.override is None or r.override.strip(), "an override must say when and why"


def test_check_and_validate_codes_partition_the_registry():
    assert set(CODES) | set(PROJECT_CODES) == set(RULE_BY_CODE)
    assert not set(CODES) & set(PROJECT_CODES)


def test_an_unknown_code_cannot_make_a_finding():
    with pytest.raises(KeyError, match="declare it in heritage_mapper/rules.py"):
        Problem.from_rule("no-such-code", "x", "message")


def test_the_severity_comes_from_the_rule_and_only_an_override_may_change_it():
    assert Problem.from_rule("geojson-winding", "x", "m").severity == "warning"
    assert Problem.from_rule("geojson-ring-not-closed", "x", "m").severity == "error"
    for code, other in (("geojson-position-range", "error"), ("text-control-character", "error")):
        assert Problem.from_rule(code, "x", "m", severity=other).severity == other
    with pytest.raises(ValueError, match="no severity override"):
        Problem.from_rule("geojson-winding", "x", "m", severity="error")
    with pytest.raises(ValueError, match="severity must be one of"):
        Problem.from_rule("geojson-position-range", "x", "m", severity="fatal")


@pytest.mark.parametrize("name", ["rules", "problems"])
def test_docstring_examples_run(name):
    module = importlib.import_module(f"heritage_mapper.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.attempted and not result.failed


# -- the README's table ------------------------------------------------------------------


def test_readme_table_of_codes_is_generated_from_the_registry():
    script = _codes_table_script()
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert script.readme_block(readme) == markdown_table(), (
        f"README.md's table of codes differs from heritage_mapper/rules.py; run: {REGENERATE}"
    )


def test_readme_has_no_second_hand_written_table_of_codes():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    outside = readme.replace(_codes_table_script().readme_block(readme), "")
    assert "| code | meaning |" not in outside


def test_codes_table_script_rewrites_only_the_block(tmp_path):
    script = _codes_table_script()
    readme = tmp_path / "README.md"
    readme.write_text(f"# T\n\nbefore\n\n{script.START}\nold\n{script.END}\n\nafter\n", "utf-8")
    assert script.main(["--check", "--readme", str(readme)]) == 1
    assert script.main(["--readme", str(readme)]) == 0
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# T\n\nbefore\n\n") and text.endswith("\n\nafter\n")
    assert script.readme_block(text) == markdown_table()
    assert script.main(["--check", "--readme", str(readme)]) == 0


def test_markdown_table_has_one_row_per_rule_and_escapes_pipes():
    lines = markdown_table().splitlines()
    assert len(lines) == 2 + len(RULES)
    assert all(line.count(" | ") == 3 for line in lines[2:]), "a cell holds an unescaped |"


# -- every code the sources can emit is registered --------------------------------------


def _emitting_modules() -> list[Path]:
    return [
        p
        for p in sorted(SRC.rglob("*.py"))
        if p.name != "rules.py"
        and re.search(r"\bProblem\b|\.problem\(", p.read_text(encoding="utf-8"))
    ]


def _code_literals(path: Path) -> tuple[set[str], set[tuple[str, str]]]:
    """Code-shaped string literals, and f-string codes as (expression, suffix)."""
    literals, templates = set(), set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if CODE_SHAPE.fullmatch(node.value):
                literals.add(node.value)
        elif isinstance(node, ast.JoinedStr) and len(node.values) == 2:
            head, tail = node.values
            if (
                isinstance(head, ast.FormattedValue)
                and isinstance(tail, ast.Constant)
                and re.fullmatch(r"-[a-z0-9-]+", tail.value)
            ):
                templates.add((ast.unparse(head.value), tail.value))
    return literals, templates


def _source_codes() -> tuple[set[str], set[str]]:
    literals, suffixes = set(), set()
    for path in _emitting_modules():
        found, templates = _code_literals(path)
        literals |= found
        suffixes |= {suffix for _, suffix in templates}
    return literals, suffixes


def test_the_scan_finds_the_emitting_modules():
    names = {p.relative_to(SRC).as_posix() for p in _emitting_modules()}
    assert {
        "read/jsonfile.py",
        "read/csvfile.py",
        "validate/geojson.py",
        "validate/project_file.py",
        "validate/sources.py",
        "validate/sites.py",
        "validate/events.py",
    } <= names


def test_every_code_literal_in_the_sources_is_registered():
    literals, _ = _source_codes()
    unknown = literals - set(RULE_BY_CODE) - NOT_CODES
    assert not unknown, f"codes emitted but not declared in heritage_mapper/rules.py: {unknown}"


def test_no_code_is_built_with_an_f_string():
    _, suffixes = _source_codes()
    assert not suffixes, (
        f"a code is built with an f-string (suffixes {sorted(suffixes)}): write each code out "
        "so that it can be found and is in the registry"
    )


def test_every_registered_code_is_emitted_somewhere():
    literals, _ = _source_codes()
    dead = set(RULE_BY_CODE) - literals
    assert not dead, f"rules no module emits: {dead}"


# -- and what the validators emit at run time agrees with the registry -------------------


def _assert_registered(problems) -> set[str]:
    for p in problems:
        assert p.code in RULE_BY_CODE, p
        assert p.severity in rule(p.code).severities, (
            f"{p.code} reported as {p.severity}, but its rule says {rule(p.code).severity} "
            "and has no override"
        )
    return {p.code for p in problems}


def test_conformance_findings_are_registered_with_their_severities():
    with (CONFORMANCE / "expectations.tsv").open(encoding="utf-8", newline="") as fh:
        names = [row["file"] for row in csv.DictReader(fh, delimiter="\t")]
    emitted = set()
    for name in names:
        emitted |= _assert_registered(check_file(CONFORMANCE / name)[1])
    assert len(emitted) > 20  # the suite exercises most of check's rules


def test_validate_findings_on_broken_folders_are_registered(tmp_path):
    """The real data's findings, and those of test_validate_geodata's broken fixture folders."""
    from .test_validate_geodata import BROKEN

    _assert_registered(validate_geodata(GEODATA).problems)
    for case in sorted(BROKEN):
        folder = make_geodata(tmp_path, name=case)
        BROKEN[case][0](folder)
        assert BROKEN[case][2] in _assert_registered(validate_geodata(folder).problems)


def test_position_range_severity_is_the_documented_override():
    point = {"type": "Point", "coordinates": [105.0, 200.0]}
    assert [p.severity for p in check_document(point, "x")] == [
        rule("geojson-position-range").severity
    ]
    assert [p.severity for p in check_document(point, "x", range_severity="error")] == ["error"]
