"""Progress shows on a terminal only: never in a pipe, a file or with --quiet."""

from __future__ import annotations

import io
import re

from heritage_mapper.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run_steps(progress: Progress) -> None:
    with progress:
        with progress.step("Validating"):
            pass
        with progress.step("Rendering pages", total=3) as advance:
            for _ in range(3):
                advance()


def test_progress_is_silent_when_the_stream_is_not_a_terminal():
    stream = io.StringIO()
    progress = Progress(stream=stream)
    run_steps(progress)
    assert not progress.enabled
    assert stream.getvalue() == ""


def test_progress_is_silent_with_quiet_even_on_a_terminal():
    stream = Terminal()
    progress = Progress(quiet=True, stream=stream)
    run_steps(progress)
    assert not progress.enabled
    assert stream.getvalue() == ""


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def test_progress_draws_on_a_terminal_and_leaves_no_line_behind():
    stream = Terminal()
    progress = Progress(stream=stream)
    with progress, progress.step("Rendering pages", total=2) as advance:
        advance()
        progress._progress.refresh()
        drawn = stream.getvalue()
    assert progress.enabled
    assert "Rendering pages" in drawn
    assert "1/2" in drawn
    written = stream.getvalue()
    # the line is redrawn in place (carriage returns, never a newline) and erased at the end
    assert "\n" not in written
    assert written.startswith(drawn) and "\x1b[2K" in written[len(drawn) :]
    assert ANSI.sub("", written.rsplit("\x1b[2K", 1)[1]).strip() == ""


def test_step_outside_the_context_draws_nothing_and_advance_is_a_no_op():
    stream = Terminal()
    progress = Progress(stream=stream)
    assert progress.enabled  # a terminal, but not started: no rich display exists yet
    with progress.step("Validating", total=3) as advance:
        advance(5)
        advance()
    assert stream.getvalue() == ""
    assert progress._progress is None
