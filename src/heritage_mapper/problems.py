"""Validation findings as data.

The validator never raises on bad input: it collects :class:`Problem` records, each
with a severity, a stable code, the file, a :class:`Location` and a message that says
how to fix it. The CLI prints them and picks the exit code. Codes and their severities
are declared once, in :mod:`heritage_mapper.rules`; :meth:`Problem.from_rule` builds a
finding from its code.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from heritage_mapper.rules import ERROR, SEVERITIES, WARNING, rule

__all__ = ["ERROR", "WARNING", "SEVERITIES", "Location", "Problem", "Report", "FileReport"]


@dataclass(frozen=True)
class Location:
    """Where a problem is. Every field is optional; set what is known.

    ``pointer`` is an RFC 6901 JSON pointer (``/features/3/properties/name_vi``),
    ``line``/``column`` are 1-based positions in the file, ``feature_index`` is the
    0-based index in ``features``, ``feature_id`` the feature's ``id`` or ``properties.id``,
    ``row`` a 1-based CSV line number (the header is row 1) and ``column_name`` a CSV
    column.
    """

    pointer: str | None = None
    line: int | None = None
    column: int | None = None
    feature_index: int | None = None
    feature_id: str | None = None
    row: int | None = None
    column_name: str | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None}

    def describe(self) -> str:
        """A short human form: ``line 3, col 7, feature 2 (hon-gai), /features/2/geometry``."""
        parts = []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column_name is not None:
            parts.append(f"column {self.column_name!r}")
        if self.line is not None:
            parts.append(f"line {self.line}" + (f", col {self.column}" if self.column else ""))
        if self.feature_index is not None:
            fid = f" ({self.feature_id})" if self.feature_id is not None else ""
            parts.append(f"feature {self.feature_index}{fid}")
        elif self.feature_id is not None:
            parts.append(f"id {self.feature_id}")
        if self.pointer is not None:
            parts.append(self.pointer or "/")
        return ", ".join(parts) or "whole file"


@dataclass(frozen=True)
class Problem:
    """One finding: ``severity`` is ``"error"`` or ``"warning"``; ``code`` is stable."""

    severity: str
    code: str
    path: str
    message: str
    location: Location = field(default_factory=Location)
    hint: str | None = None

    def __post_init__(self):
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")

    @classmethod
    def from_rule(
        cls,
        code: str,
        path: str,
        message: str,
        location: Location | None = None,
        *,
        hint: str | None = None,
        severity: str | None = None,
    ) -> Problem:
        """A finding of ``code``, with the severity its rule declares.

        Parameters
        ----------
        code : str
            A code declared in :data:`heritage_mapper.rules.RULES`.
        path, message, location, hint
            As for :class:`Problem`; ``hint`` is the fix for this finding, if the
            message does not say it already.
        severity : {"error", "warning"}, optional
            Only for a rule with an ``override`` (which documents when the other
            severity applies); default the rule's severity.

        Raises
        ------
        KeyError
            When ``code`` is not declared.
        ValueError
            When ``severity`` is not one the rule allows.

        Examples
        --------
        >>> Problem.from_rule("json-empty", "a.json", "the file is empty").severity
        'error'
        >>> Problem.from_rule("geojson-position-range", "a.json", "...", severity="error").severity
        'error'
        >>> Problem.from_rule("json-empty", "a.json", "...", severity="warning")
        Traceback (most recent call last):
        ...
        ValueError: json-empty is always 'error': its rule has no severity override
        """
        declared = rule(code)
        if severity is None:
            severity = declared.severity
        elif severity not in declared.severities:
            raise ValueError(
                f"{code} is always {declared.severity!r}: its rule has no severity override"
                if severity in SEVERITIES
                else f"severity must be one of {SEVERITIES}, not {severity!r}"
            )
        return cls(severity, code, path, message, location or Location(), hint)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def as_dict(self) -> dict:
        out = {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "location": self.location.as_dict(),
        }
        if self.hint:
            out["hint"] = self.hint
        return out


def display_path(path: str) -> str:
    """A path safe to print and to put in JSON: bytes that are not UTF-8 in a file name
    (kept by Python as lone surrogates) are shown as ``\\udcXX`` escapes."""
    return path.encode("utf-8", "backslashreplace").decode("utf-8")


def _sort_key(p: Problem):
    loc = p.location
    return (
        loc.row if loc.row is not None else -1,
        loc.line if loc.line is not None else -1,
        loc.feature_index if loc.feature_index is not None else -1,
        loc.pointer or "",
        p.code,
        p.message,
    )


@dataclass
class FileReport:
    path: str
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Report:
    """All findings of one run, grouped by file in the order files were checked."""

    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def add_file(self, path: str | Path) -> None:
        p = str(path)
        if p not in self.files:
            self.files.append(p)

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.add_file(problem.path)
            self.problems.append(problem)

    @property
    def error_count(self) -> int:
        return sum(p.is_error for p in self.problems)

    @property
    def warning_count(self) -> int:
        return sum(not p.is_error for p in self.problems)

    def has_errors(self, strict: bool = False) -> bool:
        return any(p.is_error or strict for p in self.problems)

    def by_file(self) -> list[FileReport]:
        groups = {path: FileReport(path) for path in self.files}
        for problem in self.problems:
            groups.setdefault(problem.path, FileReport(problem.path)).problems.append(problem)
        for group in groups.values():
            group.problems.sort(key=_sort_key)
        return list(groups.values())

    def to_json(self) -> str:
        doc = {
            "files": [
                {"path": display_path(g.path), "problems": [p.as_dict() for p in g.problems]}
                for g in self.by_file()
            ],
            "summary": {"errors": self.error_count, "warnings": self.warning_count},
        }
        return json.dumps(doc, ensure_ascii=False, indent=2)

    def to_text(self) -> str:
        lines = []
        for group in self.by_file():
            path = display_path(group.path)
            if not group.problems:
                lines.append(f"{path}: ok")
                continue
            lines.append(f"{path}:")
            for p in group.problems:
                lines.append(f"  {p.severity} [{p.code}] {p.location.describe()}: {p.message}")
                if p.hint:
                    lines.append(f"      fix: {p.hint}")
        lines.append(
            f"{self.error_count} error(s), {self.warning_count} warning(s) "
            f"in {len(self.files)} file(s)"
        )
        return "\n".join(lines)
