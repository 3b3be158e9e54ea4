"""Progress on a terminal for long steps, and silence everywhere else.

A national folder takes tens of seconds to validate and render; a person at a
terminal should see which step is running. :class:`Progress` draws one line per step
with `rich <https://rich.readthedocs.io>`_ while the step runs, then leaves nothing
behind (the command's own output stays as it was). It draws nothing at all when
``quiet`` is set or the stream is not a terminal (a pipe, a file, CI, a test), so
captured output is byte-for-byte the same with or without it.

Examples
--------
>>> import io
>>> with Progress(stream=io.StringIO()) as progress:  # not a terminal: silent
...     with progress.step("Validating") as advance:
...         advance()
>>> progress.enabled
False
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["Progress"]

#: Seconds between redraws; a slow terminal is not flooded.
REFRESH_PER_SECOND = 8


def _noop(amount: int = 1) -> None:
    """Advance nothing (progress is off)."""


class Progress:
    """Steps of a long command, shown on a terminal and nowhere else.

    Parameters
    ----------
    quiet
        Draw nothing (the CLI's ``--quiet``).
    stream
        Where to draw; default ``sys.stderr``, so stdout stays clean for pipes.

    Use it as a context manager; :meth:`step` marks one step, with a count when its
    size is known (pages to render, files to write).
    """

    def __init__(self, *, quiet: bool = False, stream=None):
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = not quiet and bool(isatty and isatty())
        self._progress = None

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )
            from rich.progress import Progress as RichProgress

            self._progress = RichProgress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(file=self.stream),
                transient=True,
                refresh_per_second=REFRESH_PER_SECOND,
            )
            self._progress.start()
        return self

    def __exit__(self, *exc_info) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    @contextmanager
    def step(self, description: str, total: int | None = None) -> Iterator[Callable[..., None]]:
        """Show ``description`` while the block runs; yield ``advance(amount=1)``.

        With ``total`` the line shows a bar and "done/total"; without, a spinner.
        Outside a ``with Progress(...)`` block, or when disabled, ``advance`` does nothing.
        """
        if self._progress is None:
            yield _noop
            return
        task = self._progress.add_task(description, total=total)

        def advance(amount: int = 1) -> None:
            self._progress.advance(task, amount)

        try:
            yield advance
        finally:
            self._progress.remove_task(task)
