"""``--max-memory``: forked processes start only where the run's memory has room for them.

A forked process comes to copy most of what it reads of the run's memory (Python writes
a reference count into each object it reads), so each one is counted at the size of the
run's process (``parallel.jobs_within_memory``). Without room the work runs in the run's
own process, one step after another: the same files, in less memory.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import heritage_mapper.render
from heritage_mapper import parallel
from heritage_mapper.build import build
from heritage_mapper.cli import main
from heritage_mapper.parallel import (
    fork_call,
    fork_map,
    jobs_within_memory,
    memory_limit,
    parse_size,
)

from .fixtures import make_geodata

needs_fork = pytest.mark.skipif(not parallel.can_fork(), reason="no fork here")


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def resident() -> int:
    size = parallel._resident_bytes()
    assert size is not None and size > 10 << 20  # an interpreter with pandas loaded
    return size


@pytest.mark.parametrize(
    "text, size",
    [
        ("2G", 2 << 30),
        ("2GB", 2 << 30),
        ("2GiB", 2 << 30),
        ("1500m", 1500 << 20),
        ("7", 7),
        ("1.5G", 3 << 29),  # as a person writes it (it was refused)
        ("0.5 gib", 1 << 29),
        ("1.1G", 1181116006),  # rounded down to whole bytes
    ],
)
def test_sizes_are_read_in_powers_of_1024(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "2X", "-1G", "1.5", "0", "0.0000000001K", "G", "1.G", ".5G"])
def test_a_size_that_is_not_one_is_refused(text):
    with pytest.raises(ValueError, match="is not a size"):
        parse_size(text)


def test_each_forked_process_is_counted_at_this_process_size():
    size = resident()
    with memory_limit(size * 4 + size // 2):  # this one and three more
        assert jobs_within_memory(8) == 3
        assert jobs_within_memory(2) == 2
    with memory_limit(size // 2):  # not even this one: nothing forks
        assert jobs_within_memory(2) == 0
    with memory_limit(None):  # the machine's free memory (far more than one interpreter)
        assert jobs_within_memory(2) == 2


@needs_fork
def test_without_room_the_tasks_run_here_one_by_one():
    with memory_limit(resident() * 3 // 2):  # no room for a second process
        assert fork_map(lambda _: os.getpid(), [1, 2, 3], jobs=2) == [os.getpid()] * 3


@needs_fork
def test_this_process_works_beside_the_forked_ones_and_takes_the_first_task():
    """Two jobs are this process and one forked process, not two forked ones beside an
    idle one: a process fewer holding its copy of the run's memory."""
    here = os.getpid()

    def slow(n: int) -> int:
        time.sleep(0.2 if n == 0 else 0.05)
        return os.getpid()

    with memory_limit(resident() * 5 // 2):  # room for one beside this process
        pids = fork_map(slow, [0, 1, 2, 3, 4], jobs=2, order=[0, 1, 2, 3, 4])
    assert pids[0] == here  # the first in order (the longest): here
    assert len(set(pids) - {here}) == 1  # one forked process, which took the others
    assert set(pids[1:3]) == set(pids) - {here}  # it took them while this one worked
    with memory_limit(resident() * 8):  # room for three: two jobs still fork only one
        assert len(set(fork_map(slow, [0, 1, 2, 3], jobs=2)) - {here}) == 1
        assert len(set(fork_map(slow, [0, 1, 2, 3], jobs=3)) - {here}) == 2


@needs_fork
def test_a_running_forked_call_counts_against_the_room_of_the_next():
    with memory_limit(int(resident() * 2.6)):  # room for one beside this process
        with fork_call(os.getpid, jobs=2) as first:
            assert first.forked
            with fork_call(os.getpid, jobs=2) as second:
                assert not second.forked  # the first holds the room
                assert second.result() == os.getpid()
            assert first.result() != os.getpid()
        with fork_call(os.getpid, jobs=2) as third:  # the first has ended: room again
            assert third.forked
            assert third.result() != os.getpid()
    assert parallel._LIVE_FORKED == {}


@pytest.fixture(scope="module")
def geodata(tmp_path_factory) -> Path:
    return make_geodata(tmp_path_factory.mktemp("memory"))


@needs_fork
def test_a_build_within_a_small_limit_forks_nothing_and_writes_the_same_files(
    geodata, tmp_path, monkeypatch
):
    """Each page records the process that rendered it: the run's own under the limit."""
    pids = tmp_path / "pids"
    render = heritage_mapper.render._render

    def recording(task):
        with open(pids, "a") as out:
            out.write(f"{os.getpid()}\n")
        return render(task)

    monkeypatch.setattr(heritage_mapper.render, "_render", recording)

    def rendered_by() -> set[int]:
        found = {int(line) for line in pids.read_text().split()}
        pids.unlink()
        return found

    wide, small = tmp_path / "wide", tmp_path / "small"
    build(geodata, wide / "maps", exports_dir=wide / "exports", jobs=2)
    assert rendered_by() - {os.getpid()}  # free memory: the pages in forked processes
    build(geodata, small / "maps", exports_dir=small / "exports", jobs=2, max_memory=1 << 20)
    assert rendered_by() == {os.getpid()}
    assert files(small / "maps") == files(wide / "maps")
    assert files(small / "exports") == files(wide / "exports")
    assert len(files(small / "exports")) > 8


def test_the_command_takes_a_size_and_refuses_a_bad_one(geodata, tmp_path):
    runner = CliRunner()
    out = tmp_path / "maps"
    args = ["build", "--geodata", str(geodata), "--out", str(out), "--no-exports", "-q"]
    result = runner.invoke(main, [*args, "--max-memory", "64M"])
    assert result.exit_code == 0, result.output
    assert (out / "index.html").is_file()
    result = runner.invoke(main, [*args, "--max-memory", "lots"])
    assert result.exit_code == 2
    assert "'lots' is not a size such as 2G, 1.5G, 1500M or 4096" in result.output
    assert "Traceback" not in result.output
    # a typo for 1G was taken, and the build ran in one process without a word
    for typo in ("1K", "1M", "4096"):
        result = runner.invoke(main, [*args, "--max-memory", typo])
        assert result.exit_code == 2
        assert f"'{typo}' is less than 16M, less than Python itself takes" in result.output
        assert "e.g. 2G or 1500M" in result.output
