"""Exceptions raised by heritage-mapper.

Every exception the package raises on purpose derives from :class:`HeritageError`,
and the subclasses also inherit the built-in they resemble, so ``except OSError``
keeps working for callers that only know the standard library.

A validation *finding* is not an exception: see :mod:`heritage_mapper.problems`.
"""

from __future__ import annotations

__all__ = [
    "HeritageError",
    "GeodataReadError",
    "ValidationFailed",
    "OutputError",
    "UsageError",
]


class HeritageError(Exception):
    """Root of every error heritage-mapper raises on purpose."""

    exit_code = 1


class GeodataReadError(HeritageError, OSError):
    """A geodata folder or file cannot be opened or read at all."""

    exit_code = 2


class ValidationFailed(HeritageError, ValueError):
    """The data has errors, so nothing was rendered or exported.

    Carries the :class:`~heritage_mapper.problems.Report` so callers can print it.
    """

    def __init__(self, report, message: str | None = None):
        self.report = report
        super().__init__(message or _failed(report))


def _failed(report) -> str:
    """What stopped the run: its errors, or (none: ``--strict``) its warnings."""
    if report.error_count or not report.warning_count:
        return f"validation found {report.error_count} error(s)"
    return f"validation found {report.warning_count} warning(s), errors under --strict"


class OutputError(HeritageError, OSError):
    """An output folder or file cannot be written."""

    exit_code = 1


class UsageError(HeritageError, ValueError):
    """The request itself is wrong (unknown format, unsuitable CRS, ...)."""

    exit_code = 2


class ProcessDied(HeritageError, ChildProcessError):
    """A forked process of the run ended without its answer (killed, out of memory)."""

    exit_code = 1
