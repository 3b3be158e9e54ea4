"""The checker against the shared GeoJSON conformance files and their expected verdicts.

The fixtures and ``expectations.tsv`` live in ``shared/conformance`` beside the repo;
see its README for where each file comes from and what the verdicts mean.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pytest

from heritage_mapper.problems import Problem
from heritage_mapper.validate.geojson import CODES, check_file

CONFORMANCE = Path(__file__).resolve().parents[1].parent / "shared" / "conformance"
EXPECTATIONS = CONFORMANCE / "expectations.tsv"


def _rows() -> list[dict[str, str]]:
    with EXPECTATIONS.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


ROWS = _rows()


@cache
def _problems(name: str) -> tuple[Problem, ...]:
    _, problems = check_file(CONFORMANCE / name)
    return tuple(problems)


def _verdict_holds(verdict: str, problems) -> bool:
    errors = any(p.is_error for p in problems)
    warnings = any(not p.is_error for p in problems)
    return {
        "valid": not errors,
        "invalid": errors,
        "warn": warnings and not errors,
        "warn-or-invalid": warnings or errors,
    }[verdict]


def test_expectations_cover_all_152_files():
    assert len(ROWS) == 152
    assert all((CONFORMANCE / row["file"]).is_file() for row in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[row["file"] for row in ROWS])
def test_conformance_file_gets_expected_verdict(row):
    problems = _problems(row["file"])
    found = "\n".join(f"  {p.severity} {p.code}: {p.message}" for p in problems) or "  none"
    assert _verdict_holds(row["verdict"], problems), (
        f"expected {row['verdict']} ({row['why']}), found:\n{found}"
    )


def test_every_emitted_code_is_documented():
    emitted = {p.code for row in ROWS for p in _problems(row["file"])}
    assert emitted - set(CODES) == set()


def test_every_problem_has_a_message_and_a_location():
    for row in ROWS:
        for p in _problems(row["file"]):
            assert p.message.strip(), p
            assert p.location.pointer is not None or p.location.line is not None, p
            assert p.path == str(CONFORMANCE / row["file"])
