"""Progress on a terminal for long steps, and silence everywhere else.

A national folder takes tens of seconds to validate and render; a person at a
terminal should see which step is running, and see it move. :class:`Progress` draws
one line per step with `rich <https://rich.readthedocs.io>`_ while the step runs, then
leaves nothing behind (the command's own output stays as it was). It draws nothing at all when
``quiet`` is set or the stream is not a terminal (a pipe, a file, CI, a test), so
captured output is byte-for-byte the same with or without it.

A step can count what it gets through as well (``unit="features"``): code deep in a
step calls :func:`count_rows` with no display in hand (a writer after each layer, the
validator after each file), and :func:`counting` sends those counts to the step's line.
:func:`heritage_mapper.parallel.fork_map` carries them back from forked processes.

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

__all__ = ["Progress", "count_rows", "counter", "counting"]

#: Seconds between redraws; a slow terminal is not flooded.
REFRESH_PER_SECOND = 8


def _noop(amount: int = 1, *, rows: int = 0) -> None:
    """Advance nothing (progress is off)."""


_COUNT: Callable[[int], None] | None = None  # where count_rows sends counts, or nowhere


def count_rows(amount: int) -> None:
    """Count ``amount`` rows or features done by the running step; nothing when no
    :func:`counting` block is open (a library call, a test).

    Examples
    --------
    >>> seen = []
    >>> with counting(seen.append):
    ...     count_rows(3)
    >>> count_rows(4)  # outside: nowhere
    >>> seen
    [3]
    """
    if _COUNT is not None and amount:
        _COUNT(amount)


def counter() -> Callable[[int], None] | None:
    """Where :func:`count_rows` sends counts now (``None``: nowhere)."""
    return _COUNT


@contextmanager
def counting(callback: Callable[[int], None] | None) -> Iterator[None]:
    """Send :func:`count_rows` to ``callback`` inside the block (``None``: nowhere)."""
    global _COUNT
    previous, _COUNT = _COUNT, callback
    try:
        yield
    finally:
        _COUNT = previous


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
        self.quiet = quiet
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
            from rich.text import Text

            class DoneColumn(MofNCompleteColumn):
                """rich's "done/total", and nothing beside a step without a total
                (validation, preparing): rich drew "0/?" there."""

                def render(self, task):
                    return Text("") if task.total is None else super().render(task)

            self._progress = RichProgress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                DoneColumn(),
                TextColumn("{task.fields[rows]}"),
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

    def note(self, text: str) -> None:
        """Print ``text`` (already made safe to show) to the stream, above the steps on
        a terminal; nothing when quiet."""
        if self.quiet:
            return
        if self._progress is not None:
            self._progress.console.print(text, markup=False, highlight=False, emoji=False)
        else:
            print(text, file=self.stream, flush=True)

    @contextmanager
    def step(
        self, description: str, total: int | None = None, unit: str | None = None
    ) -> Iterator[Callable[..., None]]:
        """Show ``description`` while the block runs; yield ``advance(amount=1, rows=0)``.

        With ``total`` the line shows a bar and "done/total"; without, a spinner. With
        ``unit`` it also shows the rows counted so far ("12,000 features"), both those
        given to ``advance(rows=...)`` and those sent by :func:`count_rows` in the block.
        Outside a ``with Progress(...)`` block, or when disabled, ``advance`` does nothing.
        """
        if self._progress is None:
            yield _noop
            return
        task = self._progress.add_task(description, total=total, rows="")
        counted = 0

        def advance(amount: int = 1, *, rows: int = 0) -> None:
            nonlocal counted
            counted += rows
            shown = f"{counted:,} {unit}" if unit is not None and counted else ""
            self._progress.update(task, advance=amount, rows=shown)

        try:
            with counting((lambda rows: advance(0, rows=rows)) if unit is not None else None):
                yield advance
        finally:
            # drawn once as it ends: the rows counted last (the events, counted once
            # their forked reader answered) were not drawn when the step ended between
            # two of the display's refreshes
            self._progress.refresh()
            self._progress.remove_task(task)
