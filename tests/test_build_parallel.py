"""``build`` writes its export formats several at once, and only those asked for.

Each format is written by the same code, here or in a forked process (``export.core.run_writers``),
so the files are byte-identical to a one-by-one run; a failure in any of them leaves the
previous set; ``--formats`` chooses the formats, and the progress display moves once per
format written and counts the features and rows the writers write.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import errno
import os
import signal
import threading
import time
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner

import heritage_mapper.export.kml
from heritage_mapper.atomic import MANIFEST_NAME
from heritage_mapper.build import build
from heritage_mapper.cli import main
from heritage_mapper.export import FORMAT_NAMES
from heritage_mapper.frames import load_geodata
from heritage_mapper.parallel import default_jobs

from .fixtures import make_geodata


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def geodata(tmp_path_factory) -> Path:
    return make_geodata(tmp_path_factory.mktemp("parallel"))


@pytest.fixture(scope="module")
def serial(geodata, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("serial")
    build(geodata, root / "maps", exports_dir=root / "exports", jobs=1)
    return root


@pytest.fixture(scope="module")
def one_by_one(serial) -> dict[str, bytes]:
    return files(serial / "exports")


def test_pages_and_formats_made_at_once_are_byte_identical_to_one_by_one(
    geodata, serial, one_by_one, tmp_path
):
    assert len(one_by_one) > len(FORMAT_NAMES)  # every format, one file or more each
    build(geodata, tmp_path / "maps", exports_dir=tmp_path / "exports", jobs=3)
    assert files(tmp_path / "exports") == one_by_one
    assert files(tmp_path / "maps") == files(serial / "maps")
    assert len(files(serial / "maps")) > 3


def test_a_format_failing_in_its_process_leaves_the_previous_exports(
    geodata, one_by_one, tmp_path, monkeypatch
):
    exports = tmp_path / "exports"
    exports.mkdir()
    for name, data in one_by_one.items():
        (exports / name).write_bytes(data + b"old" if name != MANIFEST_NAME else data)
    before = files(exports)

    def full_disk(data, paths):  # runs in the forked process (fork keeps the patch)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(heritage_mapper.export.kml, "write", full_disk)
    result = CliRunner().invoke(
        main,
        ["build", "--geodata", str(geodata), "--out", str(tmp_path / "maps"),
         "--exports", str(exports), "--jobs", "2"],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "No space left on device" in result.output and "nothing was replaced" in result.output
    assert "free some space there or choose another folder" in result.output  # the fix
    assert "Traceback" not in result.output
    assert files(exports) == before
    assert [p.name for p in exports.iterdir() if p.name.startswith(".heritage-mapper")] == []


def test_formats_chooses_what_build_exports(geodata, one_by_one, tmp_path):
    result = CliRunner().invoke(
        main,
        ["build", "-q", "--geodata", str(geodata), "--out", str(tmp_path / "maps"),
         "--exports", str(tmp_path / "exports"), "--formats", "gpkg,csv", "--formats", "kml"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    written = files(tmp_path / "exports")
    assert set(written) - {MANIFEST_NAME} == {
        "heritage.gpkg", "sites.csv", "events.csv", "heritage.kml"
    }  # fmt: skip
    assert all(written[name] == one_by_one[name] for name in written if name != MANIFEST_NAME)


@pytest.mark.parametrize("more", [[], ["--no-exports"]], ids=["exports", "no-exports"])
def test_an_unknown_format_is_refused_before_anything_is_read(tmp_path, more):
    # named by build's option, --formats (it said --format); with --no-exports too,
    # where it was ignored without a word
    result = CliRunner().invoke(
        main,
        ["build", "--geodata", str(tmp_path / "missing"), "--out", str(tmp_path / "maps"),
         "--formats", "pdf", *more],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "--formats pdf: unknown format" in result.output
    assert not (tmp_path / "maps").exists()


def test_an_exports_folder_that_cannot_be_made_names_exports(geodata, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    result = CliRunner().invoke(
        main,
        ["build", "--geodata", str(geodata), "--out", str(tmp_path / "maps"),
         "--exports", str(tmp_path / "a-file" / "exports")],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "cannot create the output folder" in result.output
    assert "choose another folder with --exports" in result.output  # it said --out
    assert not list((tmp_path / "maps").glob("*.html"))  # found before the maps were written


class CountingProgress:
    """A stand-in for heritage_mapper.progress.Progress that records each step's count."""

    def __init__(self):
        self.steps: dict[str, list] = {}
        self.rows: dict[str, int] = {}

    @contextlib.contextmanager
    def step(self, description, total=None, unit=None):
        from heritage_mapper.progress import counting

        record = self.steps.setdefault(description, [total, 0])
        self.rows[description] = 0

        def advance(amount=1, *, rows=0):
            record[1] += amount
            self.rows[description] += rows

        with counting(lambda rows: advance(0, rows=rows)):
            yield advance


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_map_and_export_steps_move_once_per_page_and_format(geodata, tmp_path, jobs):
    progress = CountingProgress()
    build(geodata, tmp_path / "maps", exports_dir=tmp_path / "exports", jobs=jobs,
          progress=progress, formats=["geojson", "csv", "qgis", "kml", "gpx"])  # fmt: skip
    (exports,) = [v for k, v in progress.steps.items() if k.startswith("Writing the exports")]
    assert exports == [6, 6]  # geojson, csv, kml, gpx, and qgis with the GeoPackage it opens
    pages = len(list((tmp_path / "maps").glob("*.html")))
    assert progress.steps["Rendering the map pages"] == [pages, pages] and pages > 1
    # the rows the long steps count as they go: every site and event read, and every
    # feature or row of every file written (counted in the writers' own processes)
    data = load_geodata(geodata)
    assert progress.rows["Validating and loading geodata"] == len(data.sites) + len(data.events)
    (written,) = [v for k, v in progress.rows.items() if k.startswith("Writing the exports")]
    assert written == records_in(tmp_path / "exports") > len(data.sites)


def records_in(folder: Path) -> int:
    """The features of every GeoJSON and GeoPackage file of ``folder``, the rows of every
    CSV file (not its header), the sites of the KML and GPX files (not the tours')."""
    import csv
    import json

    import pyogrio

    total = 0
    for path in sorted(folder.iterdir()):
        if path.suffix == ".geojson":
            total += len(json.loads(path.read_bytes())["features"])
        elif path.suffix == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as handle:
                total += len(list(csv.reader(handle))) - 1
        elif path.name == "heritage.kml":
            total += path.read_text(encoding="utf-8").count("<Placemark")
        elif path.name == "heritage.gpx":
            total += path.read_text(encoding="utf-8").count("<wpt ")
        elif path.suffix == ".gpkg":
            for layer, _ in pyogrio.list_layers(path):
                total += pyogrio.read_info(path, layer=layer)["features"]
    return total


def test_default_jobs_is_the_cpus_this_process_may_use():
    assert default_jobs() == len(os.sched_getaffinity(0))


@pytest.mark.parametrize("formats", [["gpkg", "qgis", "kml"], ["gpkg", "csv"]])
def test_events_at_sites_is_made_once_for_a_parallel_export(
    geodata, one_by_one, tmp_path, monkeypatch, formats
):
    """The GeoPackage and the QGIS project both read events-at-sites: made in the
    parent, not once in each writer's process; a single reader makes it in its own."""
    import multiprocessing

    from heritage_mapper.export import export_layers, tables

    made = multiprocessing.get_context("fork").RawValue("i", 0)  # counted across forks
    real = tables._events_at_sites

    def counted(*args, **kwargs):
        made.value += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(tables, "_events_at_sites", counted)
    out = tmp_path / "exports"
    export_layers(load_geodata(geodata), out, formats, jobs=2)
    assert made.value == 1
    written = files(out)
    assert all(written[name] == one_by_one[name] for name in written if name in one_by_one)


def test_the_pages_with_the_most_sites_are_started_first(geodata, tmp_path, monkeypatch):
    import heritage_mapper.parallel
    from heritage_mapper.render import build_maps, page_names

    loaded = load_geodata(geodata)
    started = []
    fork_map = heritage_mapper.parallel.fork_map

    def recording(func, items, jobs=1, *, order=None, advance=None):
        started.extend(order)
        return fork_map(func, items, jobs, order=order, advance=advance)

    monkeypatch.setattr(heritage_mapper.parallel, "fork_map", recording)
    build_maps(loaded, tmp_path, jobs=2)
    names = page_names(loaded)
    assert sorted(started) == list(range(len(names)))
    counts = loaded.sites["layer"].value_counts()
    shown = [
        len(loaded.sites)
        if name in ("index.html", "story.html") or name.startswith("tour-")
        else counts.get(name.removesuffix(".html"), 0)
        for name in names
    ]
    assert [shown[i] for i in started] == sorted(shown, reverse=True)
    assert started[0] == 0  # the index page, ahead of the story page of as many sites


# -- signals: the forked page and format processes --------------------------------------


def _sleep_and_say(folder: Path, seconds: float, item: int) -> int:
    """A task: write this process's id to ``folder/<item>``, sleep, return ``item``."""
    (folder / str(item)).write_text(str(os.getpid()))
    time.sleep(seconds)
    return item


def _pids(folder: Path, count: int) -> list[int]:
    deadline = time.monotonic() + 30
    while len(list(folder.iterdir())) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.05)  # written whole
    return [int(p.read_text()) for p in sorted(folder.iterdir())]


def _forked(folder: Path, count: int) -> list[int]:
    """The forked processes among the ``count`` tasks' (the run's process takes one)."""
    pids = [pid for pid in _pids(folder, count) if pid != os.getpid()]
    assert pids
    return pids


def test_the_forked_processes_ignore_ctrl_c_and_die_quietly_of_sigterm(tmp_path, capfd):
    """Ctrl-C reaches the whole process group: a page or format process leaves it to the
    run; SIGTERM ends it without the run's handler raising a traceback in it, and the
    run says a process died (they inherited the CLI's handlers and printed one)."""
    from heritage_mapper.cli import interrupt_on_termination
    from heritage_mapper.errors import ProcessDied
    from heritage_mapper.parallel import fork_map

    with interrupt_on_termination():  # as in the CLI
        # SIGINT to each process while it sleeps: each task ends as usual
        (tmp_path / "b").mkdir()
        with concurrent.futures.ThreadPoolExecutor(1) as thread:
            sender = thread.submit(
                lambda: [os.kill(pid, signal.SIGINT) for pid in _forked(tmp_path / "b", 2)]
            )
            assert fork_map(partial(_sleep_and_say, tmp_path / "b", 1.0), [0, 1], 2) == [0, 1]
            sender.result()
        (tmp_path / "c").mkdir()
        with concurrent.futures.ThreadPoolExecutor(1) as thread:
            sender = thread.submit(lambda: os.kill(_forked(tmp_path / "c", 2)[0], signal.SIGTERM))
            with pytest.raises(ProcessDied, match="died before it answered.*--jobs 1"):
                fork_map(partial(_sleep_and_say, tmp_path / "c", 3.0), [0, 1], 2)
            sender.result()
    assert "Traceback" not in capfd.readouterr().err


def test_an_interrupted_run_stops_its_forked_processes_at_once(tmp_path):
    """Ctrl-C while pages or formats are made: the run raises at once and its busy
    processes are gone (it used to wait for them, and could hang on one blocked
    sending its page)."""
    from heritage_mapper.parallel import fork_map

    # a real signal, as Ctrl-C sends: it wakes the task this process runs too
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        fork_map(partial(_sleep_and_say, tmp_path, 60.0), [0, 1, 2], 2)
    assert time.monotonic() - start < 10
    # nor is the pool's thread left running: at the interpreter's exit it raced the
    # exit's own wake-up call and printed a traceback after the run's message
    managers = [t for t in threading.enumerate() if type(t).__name__ == "_ExecutorManagerThread"]
    assert not [t for t in managers if t.is_alive()]
    for pid in _forked(tmp_path, 2):
        deadline = time.monotonic() + 10
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(pid), pid


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "State:\tZ" in status.read_text())  # not a zombie


#: A run whose second task's process is killed half-way through sending its result (a
#: page's HTML): it sends the first half, then stops as a killed process would, and the
#: run is interrupted (Ctrl-C) while its pool's thread waits for the rest.
HALF_SENT = """
import multiprocessing.connection, os, signal, struct, sys, threading, time
from pathlib import Path
from heritage_mapper.parallel import fork_map

here, marker = os.getpid(), Path(sys.argv[1])

def half_then_stall(self, buf):
    if os.getpid() == here or len(buf) < 1 << 20:
        return send(self, buf)
    self._send(struct.pack("!i", len(buf)))
    self._send(buf[: len(buf) // 2])
    marker.touch()
    time.sleep(600)

send = multiprocessing.connection.Connection._send_bytes
multiprocessing.connection.Connection._send_bytes = half_then_stall

def task(item):
    if item == 0:
        time.sleep(60)
    return b"x" * (8 << 20)

def interrupt():
    while not marker.exists():
        time.sleep(0.01)
    os.kill(here, signal.SIGINT)

threading.Thread(target=interrupt, daemon=True).start()
try:
    fork_map(task, [0, 1], 2)
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")
def test_a_run_stopped_while_a_process_sends_its_result_exits(tmp_path):
    """The pool's thread, reading a result its killed process had half sent, waited
    for the rest for ever: the pipe's other end was still open in the run's own
    process. The run printed its message and then hung at exit, waiting for that
    thread (seen once for ten minutes, interrupting a build of 100,000 sites while it
    made its pages)."""
    start = time.monotonic()
    assert _run_to_its_end(HALF_SENT, tmp_path) == "interrupted\n"
    assert time.monotonic() - start < 30


def _run_to_its_end(script: str, folder: Path) -> str:
    """What ``script`` prints, run in a Python of its own with a marker file's path in
    ``folder``: it must end within 60 s, with exit code 0 and no traceback."""
    import subprocess
    import sys

    path = folder / "script.py"
    path.write_text(script)
    try:
        done = subprocess.run(
            [sys.executable, str(path), str(folder / "half-sent")],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"the run hung after: {exc.stdout!r}") from None
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def test_orjson_writes_the_pages_here_only_when_nothing_follows_them(
    geodata, tmp_path, monkeypatch
):
    """orjson leaves a UTF-8 copy in each non-ASCII text it writes, kept while the text
    lives: in the build's own process only where the pages are its last step (no
    exports), and the pages are the same bytes either way."""
    import heritage_mapper.render.data

    plain_json = heritage_mapper.render.data._plain_json
    calls: list[int] = []

    def recording(value):
        calls.append(os.getpid())
        return plain_json(value)

    monkeypatch.setattr(heritage_mapper.render.data, "_plain_json", recording)
    build(geodata, tmp_path / "a" / "maps", exports_dir=tmp_path / "a" / "exports", jobs=1)
    assert calls == []  # the exports follow, in this process: json.dumps
    build(geodata, tmp_path / "b" / "maps", exports_dir=None, jobs=1)
    assert calls and set(calls) == {os.getpid()}
    assert files(tmp_path / "b" / "maps") == files(tmp_path / "a" / "maps")


def _die_on_one(folder: Path, item: int) -> int:
    """A task: item 1 kills its process (as the kernel does, short of memory); the
    others write this process's id to ``folder/<item>`` and take a moment."""
    if item == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    (folder / str(item)).write_text(str(os.getpid()))
    time.sleep(0.5 if item == 0 else 0.1)
    return item


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")
def test_when_a_forked_process_dies_the_rest_is_not_done_here(tmp_path):
    """The tasks still waiting fail with the dead one's, as when all were handed to the
    pool at once: the run's process, the largest, did every one of them before it said
    a process had died (9 s for 20 tasks of half a second)."""
    from heritage_mapper.errors import ProcessDied
    from heritage_mapper.parallel import fork_map

    start = time.monotonic()
    with pytest.raises(ProcessDied, match="died before it answered"):
        fork_map(partial(_die_on_one, tmp_path), list(range(12)), 2)
    assert time.monotonic() - start < 5
    done_here = {int(p.name) for p in tmp_path.iterdir() if int(p.read_text()) == os.getpid()}
    assert done_here == {0}  # its own first task, under way when the process died


def test_the_forked_tasks_ends_are_shown_while_this_process_runs_one(tmp_path):
    """The progress bar moved only once the run's own task (the index page, the
    largest) had ended, however many pages the forked process had made meanwhile."""
    from heritage_mapper.parallel import can_fork, fork_map

    start = time.monotonic()
    shown: list[float] = []

    def task(item: int) -> int:
        time.sleep(1.5 if item == 0 else 0.05)
        return item

    result = fork_map(task, [0, 1, 2, 3, 4], 2, advance=lambda: shown.append(time.monotonic()))
    assert result == [0, 1, 2, 3, 4]
    assert len(shown) == 5
    if can_fork():
        assert min(shown) - start < 1.2  # a forked task's end, before this one's


#: As HALF_SENT, but the process dies half-way (killed, short of memory), and nobody
#: interrupts the run.
HALF_SENT_AND_DEAD = (
    HALF_SENT.replace(
        "    marker.touch()\n    time.sleep(600)", "    os.kill(os.getpid(), signal.SIGKILL)"
    )
    .replace(
        """try:
    fork_map(task, [0, 1], 2)
except KeyboardInterrupt:
    print("interrupted", flush=True)""",
        """from heritage_mapper.errors import ProcessDied
try:
    fork_map(task, [0, 1], 2)
except ProcessDied:
    print("died", flush=True)""",
    )
    .replace("threading.Thread(target=interrupt, daemon=True).start()\n", "")
    .replace("time.sleep(60)", "time.sleep(0.5)")
)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")
def test_a_process_dead_while_it_sends_its_result_ends_the_run(tmp_path):
    """Dead half-way through sending its result, a process left the pool's thread
    reading the rest for ever, and the run waited for it for ever."""
    assert "SIGKILL" in HALF_SENT_AND_DEAD and "interrupt, daemon" not in HALF_SENT_AND_DEAD
    assert _run_to_its_end(HALF_SENT_AND_DEAD, tmp_path) == "died\n"


@pytest.mark.parametrize("given", ["", ",", " , "])
def test_formats_naming_no_format_is_refused_not_all(tmp_path, given):
    # an empty shell variable (--formats "$FORMATS") wrote every format, 200 MB at
    # 10,000 sites, where --formats pdf is refused
    result = CliRunner().invoke(
        main,
        ["build", "--geodata", str(tmp_path / "missing"), "--out", str(tmp_path / "maps"),
         "--exports", str(tmp_path / "exports"), "--formats", given],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "--formats names no format; choose from geojson," in result.output
    assert not (tmp_path / "maps").exists() and not (tmp_path / "exports").exists()
