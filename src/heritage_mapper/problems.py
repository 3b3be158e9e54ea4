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
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from heritage_mapper.rules import ERROR, SEVERITIES, WARNING, rule

__all__ = [
    "ERROR",
    "WARNING",
    "SEVERITIES",
    "MAX_FINDINGS_PER_CODE",
    "MAX_FINDINGS_PER_FILE",
    "Location",
    "Problem",
    "Report",
    "FileReport",
    "visible",
]

#: At most this many findings of one code are kept per file; the rest are counted.
#: A row-by-row rule on a big file (a 3 MB events file of near-empty rows gave 4.8
#: million findings, 2.2 GB) would otherwise make the report as big as the input.
MAX_FINDINGS_PER_CODE = 100
#: At most this many findings are kept per file, all codes together; the rest are
#: counted. With the per-code cap, a report holds at most this many findings per file
#: plus one count per file and code, whatever the input.
MAX_FINDINGS_PER_FILE = 1000


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


#: What :func:`visible` escapes: C0 controls (newline and tab too: inside a value they
#: would start a forged line), DEL, C1 controls (U+009B is a one-character CSI), the
#: bidi embeddings, overrides and isolates U+202A-U+202E and U+2066-U+2069, and the
#: line and paragraph separators U+2028, U+2029. ESC is escaped, so an ANSI escape
#: sequence is shown as text (``\\x1b]0;title\\x07``) and never reaches the terminal.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(match: re.Match) -> str:
    char = match.group()
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` for a terminal: every control character shown as a visible escape.

    Examples
    --------
    >>> visible("id\\x1b]0;pwned\\x07")
    'id\\\\x1b]0;pwned\\\\x07'
    >>> visible("a\\nb\\u202ec")
    'a\\\\nb\\\\u202ec'
    >>> visible("Hòn Gai")
    'Hòn Gai'
    """
    return _INVISIBLE.sub(_escape_char, text)


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
    #: code -> number of findings of that code not kept (see MAX_FINDINGS_PER_CODE)
    omitted: dict[str, int] = field(default_factory=dict)


#: The codes of a file refused for its size, whose message asks for a larger
#: ``--max-bytes`` (:func:`heritage_mapper.read.jsonfile.too_large_message`).
SIZE_LIMIT_CODES = frozenset({"json-too-large", "csv-too-large"})
_LIMIT_ASKED = re.compile(r"--max-bytes (\d+)")


def _size_text(size: int) -> str:
    """``size`` bytes as a ``--max-bytes`` value: whole MiB rounded up (``16M``) from
    1 MiB on, else the bytes.

    >>> _size_text(16_068_583), _size_text(16 * 2**20), _size_text(5000)
    ('16M', '16M', '5000')
    """
    mib = -(-size // 2**20)
    return f"{mib}M" if size >= 2**20 else str(size)


@dataclass
class Report:
    """All findings of one run, grouped by file in the order files were checked.

    A file keeps at most :data:`MAX_FINDINGS_PER_CODE` findings of one code and
    :data:`MAX_FINDINGS_PER_FILE` in all (the first ones found); the others are only
    counted, by file and code (:attr:`omitted`), so the memory of a report is bounded
    while the error and warning counts, and so the exit code, stay exact.
    """

    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    #: path -> code -> number of findings counted but not kept
    omitted: dict[str, dict[str, int]] = field(default_factory=dict)
    omitted_errors: int = 0
    omitted_warnings: int = 0
    _kept: dict[tuple[str, str], int] = field(default_factory=dict, repr=False)
    _kept_in_file: dict[str, int] = field(default_factory=dict, repr=False)

    def add_file(self, path: str | Path) -> None:
        p = str(path)
        if p not in self.files:
            self.files.append(p)

    def wants(self, path: str, code: str, pending_code: int = 0, pending_file: int = 0) -> bool:
        """Whether a finding of ``code`` in ``path`` would be kept (else only counted).

        ``pending_code`` and ``pending_file`` are findings built but not yet added (a
        checker that collects a file's findings before :meth:`extend`)."""
        return (
            self._kept.get((path, code), 0) + pending_code < MAX_FINDINGS_PER_CODE
            and self._kept_in_file.get(path, 0) + pending_file < MAX_FINDINGS_PER_FILE
        )

    def count_omitted(self, path: str, code: str, severity: str) -> None:
        """Count a finding that is not kept (see :meth:`wants`)."""
        self.add_file(path)
        per_code = self.omitted.setdefault(path, {})
        per_code[code] = per_code.get(code, 0) + 1
        if severity == ERROR:
            self.omitted_errors += 1
        else:
            self.omitted_warnings += 1

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            path, code = problem.path, problem.code
            if not self.wants(path, code):
                self.count_omitted(path, code, problem.severity)
                continue
            self.add_file(path)
            self.problems.append(problem)
            self._kept[path, code] = self._kept.get((path, code), 0) + 1
            self._kept_in_file[path] = self._kept_in_file.get(path, 0) + 1

    def merge(self, other: Report) -> None:
        """Add the findings of ``other``, a report of checks made apart that come after
        this report's, as if they had been made here: the same findings kept, in the
        same order, the same ones only counted.

        Examples
        --------
        >>> later = Report()
        >>> later.extend([Problem.from_rule("csv-empty", "events.csv", "empty")])
        >>> report = Report()
        >>> report.merge(later)
        >>> report.files, report.error_count
        (['events.csv'], 1)
        """
        for path in other.files:
            self.add_file(path)
        self.extend(other.problems)  # this report's caps: it may hold findings already
        for path, counts in other.omitted.items():
            mine = self.omitted.setdefault(path, {})
            for code, n in counts.items():
                mine[code] = mine.get(code, 0) + n
        self.omitted_errors += other.omitted_errors
        self.omitted_warnings += other.omitted_warnings

    @property
    def error_count(self) -> int:
        return sum(p.is_error for p in self.problems) + self.omitted_errors

    @property
    def warning_count(self) -> int:
        return sum(not p.is_error for p in self.problems) + self.omitted_warnings

    def has_errors(self, strict: bool = False) -> bool:
        if self.omitted_errors or (strict and self.omitted_warnings):
            return True
        return any(p.is_error or strict for p in self.problems)

    def by_file(self) -> list[FileReport]:
        groups = {path: FileReport(path) for path in self.files}
        for problem in self.problems:
            groups.setdefault(problem.path, FileReport(problem.path)).problems.append(problem)
        for path, counts in self.omitted.items():
            groups.setdefault(path, FileReport(path)).omitted = dict(sorted(counts.items()))
        for group in groups.values():
            group.problems.sort(key=_sort_key)
        return list(groups.values())

    def to_json(self) -> str:
        """One JSON document; a file with findings not kept has ``omitted``: {code: n}."""
        files = []
        for g in self.by_file():
            entry = {"path": display_path(g.path), "problems": [p.as_dict() for p in g.problems]}
            if g.omitted:
                entry["omitted"] = g.omitted
            files.append(entry)
        doc = {
            "files": files,
            "summary": {"errors": self.error_count, "warnings": self.warning_count},
        }
        return json.dumps(doc, ensure_ascii=False, indent=2)

    def to_text(self, ok_files: bool = True) -> str:
        """Readable text grouped by file. Every value from the data goes through
        :func:`visible`: a control character, an escape sequence
        or a bidi override in a path, id or message is shown as an escape, so it cannot
        retitle the terminal, hide lines or forge the summary line. With ``ok_files``
        False, a file with no finding gets no ``<file>: ok`` line (``--quiet``)."""
        lines = []
        for group in self.by_file():
            path = visible(display_path(group.path))
            if not group.problems and not group.omitted:
                if ok_files:
                    lines.append(f"{path}: ok")
                continue
            lines.append(f"{path}:")
            for p in group.problems:
                lines.append(
                    visible(f"  {p.severity} [{p.code}] {p.location.describe()}: {p.message}")
                )
                if p.hint:
                    lines.append(visible(f"      fix: {p.hint}"))
            for code, count in group.omitted.items():
                lines.append(f"  ... and {count:,} more [{code}] (not shown)")
        covering = self.size_limit_covering()
        if covering is not None:
            count, size = covering
            lines.append(
                f"{count} files are over the size limit: --max-bytes {_size_text(size)} "
                "lets every one of them be read"
            )
        lines.append(
            f"{self.error_count} error(s), {self.warning_count} warning(s) "
            f"in {len(self.files)} file(s)"
        )
        return "\n".join(lines)

    def size_limit_covering(self) -> tuple[int, int] | None:
        """(how many, the least limit that takes them all) of the files found over the
        size limit (``--max-bytes``), when more than one is: each finding names the limit
        its own file needs, so following the first one only moved the refusal to the
        next file. None for one file or none.

        >>> from heritage_mapper.read.jsonfile import too_large_message
        >>> report = Report()
        >>> report.extend(
        ...     Problem.from_rule(code, path, too_large_message(size, 2_000_000))
        ...     for code, path, size in (
        ...         ("json-too-large", "a.geojson", 3_000_000),
        ...         ("csv-too-large", "events.csv", 16_000_000),
        ...     )
        ... )
        >>> report.size_limit_covering()
        (2, 16000000)
        """
        asked = [
            int(match[1])
            for problem in self.problems
            if problem.code in SIZE_LIMIT_CODES and (match := _LIMIT_ASKED.search(problem.message))
        ]
        return (len(asked), max(asked)) if len(asked) > 1 else None
