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


def test_a_step_with_a_unit_shows_the_rows_counted_deep_inside_it():
    from heritage_mapper.progress import count_rows

    stream = Terminal()
    progress = Progress(stream=stream)
    with progress, progress.step("Writing", total=2, unit="features") as advance:
        count_rows(1500)  # from code that has no display in hand
        advance(rows=500)
        progress._progress.refresh()
        drawn = ANSI.sub("", stream.getvalue())
    assert "2,000 features" in drawn
    assert "0/2" in drawn
    count_rows(7)  # after the step: counted nowhere, no error


def test_rows_counted_in_forked_processes_reach_the_step():
    from heritage_mapper.parallel import can_fork, fork_map
    from heritage_mapper.progress import count_rows, counting

    def task(n: int) -> int:
        for _ in range(n):
            count_rows(10)
        return n

    seen: list[int] = []
    with counting(seen.append):
        assert fork_map(task, [3, 5, 7], jobs=2) == [3, 5, 7]
    assert sum(seen) == 150
    if can_fork():  # counts travel in batches, never more than the tasks made
        assert all(amount > 0 for amount in seen)
    seen.clear()
    with counting(seen.append):
        fork_map(task, [3, 5], jobs=1)  # one by one, here
    assert seen == [10] * 8


def test_a_note_is_printed_on_a_terminal_and_in_a_pipe_but_not_when_quiet():
    terminal = Terminal()
    with Progress(stream=terminal) as progress, progress.step("Reading"):
        progress.note("warning [x] a [b]")  # no markup: brackets stay as they are
    assert "warning [x] a [b]" in terminal.getvalue()
    piped = io.StringIO()
    with Progress(stream=piped) as progress, progress.step("Reading"):
        progress.note("warning [x] a")
    assert piped.getvalue() == "warning [x] a\n"
    for stream in (Terminal(), io.StringIO()):
        with Progress(stream=stream, quiet=True) as progress:
            progress.note("warning [x] a")
        assert stream.getvalue() == ""


def test_a_step_is_drawn_as_it_ends_with_its_last_count():
    # the validation step counted the events as it ended and was gone before the next
    # refresh: its last frame said "10,000 sites and events read" of 60,000
    terminal = Terminal()
    with Progress(stream=terminal) as progress, progress.step("Reading", unit="rows read") as add:
        add(0, rows=60_000)
    assert "60,000 rows read" in terminal.getvalue()


def test_a_step_without_a_total_shows_no_count_of_a_total():
    # rich's done/total column drew "0/?" beside every step without a total
    terminal = Terminal()
    with Progress(stream=terminal) as progress:
        with progress.step("Validating", unit="sites read") as add:
            add(0, rows=1_200)
            progress._progress.refresh()
        with progress.step("Rendering pages", total=4) as advance:
            advance(3)
            progress._progress.refresh()
    frames = ANSI.sub("", terminal.getvalue()).split("\r")
    validating = [frame for frame in frames if "Validating" in frame]
    assert any("1,200 sites read" in frame for frame in validating)
    assert not any("/" in frame for frame in validating)  # was "0/?"
    assert any("3/4" in frame for frame in frames if "Rendering pages" in frame)
