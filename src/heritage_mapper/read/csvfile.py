"""The events CSV: its text read within a size limit, its records, their line numbers.

Spreadsheets save what curators type, so every failure is a located
:class:`~heritage_mapper.problems.Problem` appended to the caller's list, never an
exception: an unreadable or too large file, an empty one, bytes that are not UTF-8
(with their line and column), and a CSV syntax error (with its line).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from heritage_mapper.problems import Location, Problem
from heritage_mapper.read.files import InputRefused
from heritage_mapper.read.jsonfile import (
    DEFAULT_MAX_JSON_BYTES,
    read_bytes_within,
    too_large_message,
)

__all__ = ["CsvFile", "read_csv_file", "read_csv_text", "csv_records", "csv_line_numbers"]


def _problem(path, code, message, hint=None, **location) -> Problem:
    return Problem.from_rule(code, str(path), message, Location(**location), hint=hint)


def _blank(data: bytes) -> bool:
    """``not data.strip()`` without copying the file: empty or only ASCII white space."""
    return not data or data.isspace()


class CsvFile(NamedTuple):
    """A CSV file as read: ``data`` its bytes as on disk (UTF-8, perhaps with a BOM),
    ``text`` their text without the BOM."""

    data: bytes
    text: str


def read_csv_text(
    path: Path, max_bytes: int | None, problems: list[Problem], *, header: str
) -> str | None:
    """The UTF-8 text of the CSV at ``path`` (a BOM dropped), or None after a problem.

    ``header`` is the header row a fix hint shows for an empty file.
    """
    read = read_csv_file(path, max_bytes, problems, header=header)
    return None if read is None else read.text


def read_csv_file(
    path: Path, max_bytes: int | None, problems: list[Problem], *, header: str
) -> CsvFile | None:
    """:func:`read_csv_text`, with the file's bytes beside the text: a scan of the
    bytes (control characters) needs no UTF-8 copy of the text."""
    try:
        data, size = read_bytes_within(path, max_bytes)
    except InputRefused as exc:
        problems.append(_problem(path, exc.code, exc.message))
        return None
    except OSError as exc:
        problems.append(
            _problem(
                path,
                "csv-unreadable",
                f"the events file cannot be read ({exc.strerror or exc})",
                hint="check that it is a readable file, not a folder, and its permissions",
            )
        )
        return None
    if data is None:
        limit = DEFAULT_MAX_JSON_BYTES if max_bytes is None else max_bytes
        problems.append(_problem(path, "csv-too-large", too_large_message(size, limit)))
        return None
    if _blank(data):
        problems.append(
            _problem(
                path,
                "csv-empty",
                "the events file is empty",
                hint="add the header row: " + header,
                row=1,
            )
        )
        return None
    try:
        return CsvFile(data, data.decode("utf-8-sig"))  # spreadsheets often save a BOM
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(
            _problem(
                path,
                "csv-encoding",
                f"byte 0x{data[exc.start]:02x} at offset {exc.start} is not UTF-8",
                hint="save the sheet as 'CSV UTF-8 (comma delimited)'",
                line=line,
                column=column,
            )
        )
        return None


def _csv_lines(text: str) -> Iterator[str]:
    """The lines of ``text`` as ``io.StringIO(text, newline="")`` gives them to csv.

    StringIO copies the text into a buffer of 4 bytes a character (600 MB for the
    events of 100,000 sites). When every ``\\r`` is part of a ``\\r\\n``, splitting at
    ``\\n`` gives the same lines one at a time; other texts still go through StringIO.
    """
    # "\r" not in text: one quick scan, where counting both takes two slow ones
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        yield from io.StringIO(text, newline="")
        return
    start, find = 0, text.find
    while (end := find("\n", start)) >= 0:
        yield text[start : end + 1]
        start = end + 1
    if start < len(text):
        yield text[start:]


def csv_records(path, text: str, problems: list[Problem]) -> list[list[str]] | None:
    """Every record of the CSV text, or None after reporting a syntax error.

    Examples
    --------
    >>> csv_records("e.csv", 'id,date\\na,"1955"\\n', [])
    [['id', 'date'], ['a', '1955']]
    >>> found = []
    >>> csv_records("e.csv", 'id\\n"a\\n', found), found[0].code
    (None, 'csv-syntax')
    """
    reader = csv.reader(_csv_lines(text), strict=True)
    try:
        return list(reader)
    except csv.Error as exc:
        problems.append(
            _problem(
                path,
                "csv-syntax",
                f"cannot parse the CSV: {exc}",
                hint="check quotes: a cell with a comma or line break must be in double quotes",
                line=reader.line_num,
            )
        )
        return None


def csv_line_numbers(text: str) -> list[int]:
    """The line each record ends on (only needed to locate a malformed row).

    Examples
    --------
    >>> csv_line_numbers('a\\n"b\\nc"\\nd\\n')
    [1, 3, 4]
    """
    reader = csv.reader(_csv_lines(text), strict=True)
    return [reader.line_num for _ in reader]
