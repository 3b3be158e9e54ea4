"""The events file read in a forked process beside the layers (``validate.folder``):
the same report, in the same order, and the same parsed rows as read one after the
other; a failure there is raised here."""

from __future__ import annotations

import json
import os
import signal
import time
import unicodedata
from functools import partial

import pytest
from click.testing import CliRunner

from heritage_mapper.cli import main
from heritage_mapper.errors import ProcessDied
from heritage_mapper.parallel import can_fork, fork_call
from heritage_mapper.problems import MAX_FINDINGS_PER_CODE
from heritage_mapper.validate import folder as validate_folder
from heritage_mapper.validate.folder import parse_geodata

from .fixtures import make_geodata, read_events, write_events
from .test_validate_geodata import SOURCES, _event_mistakes, edit_events, edit_json

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs fork")

LAYER = "layers/harbour.geojson"


@pytest.fixture
def small(tmp_path):
    return make_geodata(tmp_path)


@pytest.fixture
def always_apart(monkeypatch):
    """Read the events file apart whatever its size (the fixture's is a few KB)."""
    monkeypatch.setattr(validate_folder, "PARALLEL_EVENTS_BYTES", 0)


def both_ways(folder):
    """(report, parsed) read one after the other, then with the events apart."""
    alone = parse_geodata(folder, sources_dir=SOURCES, jobs=1)
    apart = parse_geodata(folder, sources_dir=SOURCES, jobs=2)
    return alone, apart


def assert_same(alone, apart) -> None:
    (report, parsed), (report2, parsed2) = alone, apart
    assert report2.to_json() == report.to_json()
    assert report2.to_text() == report.to_text()
    assert report2.files == report.files
    assert (report2.error_count, report2.warning_count) == (
        report.error_count,
        report.warning_count,
    )
    assert parsed2.event_rows == parsed.event_rows
    assert list(parsed2.event_dates.items()) == list(parsed.event_dates.items())


def came_from_a_fork(parsed) -> bool:
    # the cells of events read apart come back marshalled, a column at a time
    return type(parsed.event_columns).__name__ == "_MarshalledColumns"


@pytest.mark.parametrize("text_mistakes", [False, True])
@pytest.mark.parametrize("nfd", [False, True])
def test_events_read_apart_give_the_same_report_and_rows(small, always_apart, nfd, text_mistakes):
    _event_mistakes(small, text_mistakes)
    if nfd:  # a decomposed cell: the NFC check of every column runs
        edit_events(small, "Rally at the pier", unicodedata.normalize("NFD", "Rallý"))
    alone, apart = both_ways(small)
    assert came_from_a_fork(apart[1]) and not came_from_a_fork(alone[1])
    assert_same(alone, apart)
    codes = {p.code for p in apart[0].problems if p.path.endswith("events.csv")}
    assert len(codes) >= 10 + 2 * text_mistakes, codes
    assert len(apart[0].problems) > 40


def test_a_clean_folder_reads_the_same_apart(small, always_apart):
    alone, apart = both_ways(small)
    assert came_from_a_fork(apart[1])
    assert apart[0].error_count == 0
    assert_same(alone, apart)
    dates = apart[1].event_dates
    assert dates and all(d.text for d in dates.values())


def test_findings_past_the_caps_are_counted_the_same(small, always_apart):
    """More bad dates than a file keeps of one code: the same kept, the rest counted."""
    rows = read_events(small)
    extra = [
        {**rows[1], "id": f"ev-bad-{n}", "date": f"19{n % 100:02d}-13"}
        for n in range(MAX_FINDINGS_PER_CODE + 50)
    ]
    write_events(small, rows + extra)
    alone, apart = both_ways(small)
    assert came_from_a_fork(apart[1])
    assert apart[0].omitted, apart[0].to_text()[:500]
    assert apart[0].omitted == alone[0].omitted
    assert_same(alone, apart)


def test_layer_schema_and_events_findings_keep_their_order(small, always_apart):
    """A layer's finding, then the event schema's, then the events file's: read apart,
    the findings of the schema (read before the layers) and of the events file (read
    beside them) still come after the layer's."""
    edit_json(small / LAYER, lambda doc: doc["features"][0]["properties"].pop("name_vi"))
    (small / "schemas").mkdir(exist_ok=True)
    (small / "schemas" / "event.schema.json").write_text("{not json", encoding="utf-8")
    edit_json(
        small / "project.json",
        lambda doc: doc.setdefault("schemas", {}).update(event="schemas/event.schema.json"),
    )
    edit_events(small, "Rally at the pier", "Rally\x0b at the pier")
    alone, apart = both_ways(small)
    assert came_from_a_fork(apart[1])
    assert_same(alone, apart)
    paths = [p.path for p in apart[0].problems]
    layer = paths.index(str(small / LAYER))
    schema = paths.index(str(small / "schemas" / "event.schema.json"))
    events = paths.index(str(small / "events.csv"))
    assert layer < schema < events


@pytest.mark.parametrize(
    "damage",
    ["missing", "header", "syntax", "empty"],
)
def test_an_events_file_that_stops_early_reads_the_same_apart(small, always_apart, damage):
    path = small / "events.csv"
    if damage == "missing":
        path.unlink()
    elif damage == "header":
        path.write_text(path.read_text(encoding="utf-8").replace("site_ids", "sites", 1))
    elif damage == "syntax":
        path.write_text(path.read_text(encoding="utf-8") + '"unclosed\n', encoding="utf-8")
    else:
        path.write_text("", encoding="utf-8")
    alone, apart = both_ways(small)
    assert apart[0].error_count > 0
    assert_same(alone, apart)


def test_a_failure_while_reading_apart_is_raised_here(small, always_apart, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("events reader failed")

    monkeypatch.setattr(validate_folder, "read_events", broken)
    with pytest.raises(RuntimeError, match="events reader failed"):
        parse_geodata(small, sources_dir=SOURCES, jobs=2)


def test_a_small_events_file_is_read_here(small, monkeypatch):
    """Below PARALLEL_EVENTS_BYTES no process is started (it would cost what it saves)."""
    started = []
    real = validate_folder.fork_call

    def fork_call(func, jobs=1):
        started.append(jobs)
        return real(func, jobs)

    monkeypatch.setattr(validate_folder, "fork_call", fork_call)
    report, parsed = parse_geodata(small, sources_dir=SOURCES, jobs=2)
    assert started == [1] and not came_from_a_fork(parsed)
    assert str(small / "events.csv") in json.dumps(json.loads(report.to_json())["files"])


def _killed():
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_forked_process_that_dies_is_a_clear_error():
    with pytest.raises(ProcessDied, match="SIGKILL.*--jobs 1"):
        fork_call(_killed, jobs=2).result()


def test_leaving_early_stops_the_forked_process():
    """An error (or Ctrl-C) in this process before the answer is read stops the other."""
    start = time.monotonic()
    with pytest.raises(KeyError), fork_call(partial(time.sleep, 60), jobs=2) as task:
        pid = task._process.pid
        raise KeyError("layers failed")
    assert time.monotonic() - start < 30
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # gone, and reaped


def test_validate_cli_takes_jobs(small, always_apart):
    _event_mistakes(small)
    outputs = [
        CliRunner().invoke(
            main,
            [
                "validate",
                "--geodata",
                str(small),
                "--sources-dir",
                str(SOURCES),
                "--format",
                "json",
                "--jobs",
                jobs,
            ],
        )
        for jobs in ("1", "2")
    ]
    assert [r.exit_code for r in outputs] == [1, 1]
    assert outputs[0].output == outputs[1].output


def test_frames_are_the_same_when_the_layers_are_made_while_reading_events(
    small, always_apart, monkeypatch
):
    import pandas as pd

    from heritage_mapper import frames
    from heritage_mapper.frames import load_geodata

    steps = []
    made, finish = frames._layer_frames, validate_folder.finish_events
    monkeypatch.setattr(frames, "_layer_frames", lambda p: steps.append("layers") or made(p))
    monkeypatch.setattr(
        validate_folder, "finish_events", lambda *a, **k: steps.append("events") or finish(*a, **k)
    )
    alone = load_geodata(small, sources_dir=SOURCES, jobs=1)
    assert steps == ["events", "layers"]
    apart = load_geodata(small, sources_dir=SOURCES, jobs=2)
    assert steps == ["events", "layers", "layers", "events"]  # made while waiting
    assert list(apart.layers) == list(alone.layers)
    for layer_id, frame in alone.layers.items():
        pd.testing.assert_frame_equal(apart.layers[layer_id], frame, check_exact=True)
    pd.testing.assert_frame_equal(apart.events, alone.events, check_exact=True)


@pytest.mark.parametrize("layer_error", [False, True])
def test_the_wait_for_the_events_is_used_only_after_clean_layers(small, always_apart, layer_error):
    if layer_error:
        edit_json(small / LAYER, lambda doc: doc["features"][0]["properties"].pop("name_vi"))
    seen = []
    report, parsed = parse_geodata(
        small, sources_dir=SOURCES, jobs=2, while_reading_events=seen.append
    )
    assert report.has_errors() == layer_error
    assert seen == ([] if layer_error else [parsed])
    parse_geodata(small, sources_dir=SOURCES, jobs=1, while_reading_events=seen.append)
    assert len(seen) == (0 if layer_error else 1)  # one process: no wait to use


def test_a_result_is_taken_once():
    task = fork_call(lambda: 42)
    assert task.result() == 42
    with pytest.raises(RuntimeError, match="already taken"):
        task.result()
    forked = fork_call(lambda: 42, jobs=2)
    assert forked.result() == 42
    with pytest.raises(RuntimeError, match="already taken"):
        forked.result()


def test_the_forked_process_ignores_ctrl_c_and_dies_quietly_of_sigterm(capfd):
    """Ctrl-C reaches the whole process group: the forked process leaves it to the run
    (which stops it); SIGTERM ends it without the run's handler raising a traceback."""
    from heritage_mapper.cli import interrupt_on_termination

    with interrupt_on_termination():  # as in the CLI: the forked process inherits it
        with fork_call(partial(time.sleep, 1.0), jobs=2) as task:
            time.sleep(0.3)
            os.kill(task._process.pid, signal.SIGINT)
            assert task.result() is None  # it slept on
        with fork_call(partial(time.sleep, 30), jobs=2) as task:
            time.sleep(0.3)
            os.kill(task._process.pid, signal.SIGTERM)
            with pytest.raises(ProcessDied, match=r"killed by SIGTERM\); run again"):
                task.result()
    assert "Traceback" not in capfd.readouterr().err


def _validate_in_a_pool_worker(folder):
    report, parsed = parse_geodata(folder, sources_dir=SOURCES, jobs=2)
    return report.to_json(), came_from_a_fork(parsed)


def test_validation_in_a_daemonic_process_reads_the_events_there(small, always_apart):
    """A multiprocessing.Pool worker may start no process: the events are read in it."""
    import multiprocessing

    _event_mistakes(small)
    with multiprocessing.get_context("fork").Pool(1) as pool:
        found, forked = pool.apply(_validate_in_a_pool_worker, (small,))
    assert not forked
    assert found == parse_geodata(small, sources_dir=SOURCES, jobs=1)[0].to_json()


def test_events_read_apart_and_not_kept_give_the_same_layers(
    small, always_apart, monkeypatch, tmp_path
):
    import pandas as pd

    from heritage_mapper.frames import load_geodata

    whole = load_geodata(small, sources_dir=SOURCES, jobs=1)
    read_apart = validate_folder._read_events_apart
    readers = tmp_path / "readers"

    def spied(*args):
        with open(readers, "a") as file:
            file.write(f"{os.getpid()}\n")
        return read_apart(*args)

    monkeypatch.setattr(validate_folder, "_read_events_apart", spied)
    sites_only = load_geodata(small, sources_dir=SOURCES, jobs=2, with_events=False)
    assert readers.read_text().split() != [str(os.getpid())]  # read in a forked process
    for layer_id, frame in whole.layers.items():
        pd.testing.assert_frame_equal(sites_only.layers[layer_id], frame)
    assert sites_only.events.empty and not whole.events.empty
    assert list(sites_only.events.dtypes) == list(whole.events.dtypes)
    assert sites_only.report.to_json() == whole.report.to_json()


@pytest.mark.parametrize(
    "command",
    [["export", "--format", "geojson"], ["print"], ["tiles"]],
    ids=["export", "print", "tiles"],
)
def test_a_command_whose_forked_reader_dies_takes_the_advice_to_use_one_job(
    small, always_apart, monkeypatch, tmp_path, command
):
    # The message names --jobs 1: every command that validates a folder must take it.
    parent = os.getpid()
    read_apart = validate_folder._read_events_apart

    def dies_when_forked(*args):
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
        return read_apart(*args)

    monkeypatch.setattr(validate_folder, "_read_events_apart", dies_when_forked)
    args = [*command, "--geodata", str(small), "--sources-dir", str(SOURCES)]
    died = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "first")])
    assert died.exit_code == 1
    assert "killed by SIGKILL" in died.output and "--jobs 1" in died.output
    assert "Traceback" not in died.output
    assert not (tmp_path / "first").exists() or not any((tmp_path / "first").iterdir())
    alone = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "again"), "--jobs", "1"])
    assert alone.exit_code == 0, alone.output
    assert any((tmp_path / "again").iterdir())


def _events_frames_seen(monkeypatch) -> list[bool]:
    """Record, for each events' frame made, whether the rows' sites were being
    checked (finish_events running) at the time."""
    from heritage_mapper import frames

    checking, seen = [], []
    made, finish = frames._events_frame, validate_folder.finish_events

    def events_frame(parsed):
        seen.append(bool(checking))
        return made(parsed)

    def finish_events(*args, **kwargs):
        checking.append(True)
        try:
            return finish(*args, **kwargs)
        finally:
            checking.clear()

    monkeypatch.setattr(frames, "_events_frame", events_frame)
    monkeypatch.setattr(validate_folder, "finish_events", finish_events)
    return seen


def test_the_events_frame_is_made_while_the_rows_sites_are_checked(
    small, always_apart, monkeypatch
):
    import pandas as pd

    from heritage_mapper.frames import load_geodata

    seen = _events_frames_seen(monkeypatch)
    alone = load_geodata(small, sources_dir=SOURCES, jobs=1)
    assert seen == [False]  # one process: made after validation
    apart = load_geodata(small, sources_dir=SOURCES, jobs=2)
    assert seen == [False, True]
    pd.testing.assert_frame_equal(apart.events, alone.events, check_exact=True)
    assert apart.report.to_json() == alone.report.to_json()
    sites_only = load_geodata(small, sources_dir=SOURCES, jobs=2, with_events=False)
    assert seen == [False, True, False] and sites_only.events.empty  # never the full one


@pytest.mark.parametrize(
    ("column", "value", "code"),
    [
        ("site_ids", "no-such-site", "event-site-unknown"),  # the frame is made, then dropped
        ("source", "nope.txt", "event-source-unknown"),  # making the frame fails first
    ],
)
def test_a_row_the_site_check_refuses_refuses_the_load_as_in_one_process(
    small, always_apart, monkeypatch, column, value, code
):
    from heritage_mapper.errors import ValidationFailed
    from heritage_mapper.frames import load_geodata

    rows = read_events(small)
    row = next(r for r in rows if r["site_ids"])
    row[column] = value
    write_events(small, rows)
    seen = _events_frames_seen(monkeypatch)
    reports = []
    for jobs in (1, 2):
        with pytest.raises(ValidationFailed) as refused:
            load_geodata(small, sources_dir=SOURCES, jobs=jobs)
        reports.append(refused.value.report)
    assert seen == [True]  # tried beside the check with two jobs, never after it
    assert code in {p.code for p in reports[1].problems if p.severity == "error"}
    assert reports[1].to_json() == reports[0].to_json()


def _fails():
    raise ValueError("broken in the forked process")


@pytest.mark.parametrize("in_memory_file", [True, False])
def test_an_answer_comes_back_whole_through_a_file_or_the_pipe(monkeypatch, in_memory_file):
    """The answer is pickled into a file in memory where the system has one (read back
    at once), else sent through the pipe: the same value, or exception, either way."""
    from heritage_mapper import parallel

    if not in_memory_file:
        monkeypatch.setattr(parallel, "_answer_file", lambda: None)
    big = bytes(range(256)) * (200 * 1024)  # 50 MB: far more than a pipe holds
    task = fork_call(lambda: (big, {"é": [1, None]}), jobs=2)
    fd = task._file
    assert (fd is not None) == (in_memory_file and hasattr(os, "memfd_create"))
    assert task.result() == (big, {"é": [1, None]})
    if fd is not None:
        with pytest.raises(OSError):
            os.fstat(fd)  # closed with the answer read
    with pytest.raises(ValueError, match="broken in the forked process"):
        fork_call(_fails, jobs=2).result()
    with pytest.raises(ProcessDied, match="SIGKILL"):
        fork_call(_killed, jobs=2).result()


def _answer_files() -> int:
    """How many answer files (memfds) this process has open."""
    return sum(
        "heritage-mapper-answer" in os.readlink(f"/proc/self/fd/{fd}")
        for fd in os.listdir("/proc/self/fd")
        if os.path.exists(f"/proc/self/fd/{fd}")
    )


needs_memfd = pytest.mark.skipif(
    not (hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd")), reason="needs memfd"
)


@needs_memfd
def test_a_process_that_cannot_start_leaves_no_answer_file(monkeypatch):
    import multiprocessing.process

    def refused(self):
        raise OSError(11, "Resource temporarily unavailable")

    before = _answer_files()
    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", refused)
    with pytest.raises(OSError, match="temporarily unavailable"):
        fork_call(lambda: 1, jobs=2)
    assert _answer_files() == before


@needs_memfd
def test_a_process_forked_meanwhile_keeps_only_its_own_answer_file():
    """A second forked process closes its copy of the first one's answer file, which
    would otherwise keep that answer's memory until the second one ends."""
    with fork_call(partial(time.sleep, 0.5), jobs=2) as first:
        assert fork_call(_answer_files, jobs=2).result() == 1  # its own
        first.result()


def test_a_site_check_process_that_dies_is_a_clear_error(small, always_apart, monkeypatch):
    from heritage_mapper.frames import load_geodata
    from heritage_mapper.validate import events as validate_events

    monkeypatch.setattr(validate_events, "_site_suspects", lambda *args: _killed())
    with pytest.raises(ProcessDied, match="SIGKILL.*--jobs 1"):
        load_geodata(small, sources_dir=SOURCES, jobs=2)


def test_texts_repeated_in_events_read_apart_are_one_object_in_the_frame(
    tmp_path, always_apart, share_always
):
    from heritage_mapper.frames import load_geodata

    from .test_geodata_load import _objects_per_text, with_a_repeated_date

    folder = with_a_repeated_date(tmp_path)
    events = load_geodata(folder, sources_dir=SOURCES, jobs=2).events
    for column in ("source", "date"):
        assert events[column].duplicated().any(), column
        assert set(_objects_per_text(events[column]).values()) == {1}, column
    # validation alone keeps no frame: it spends no time on this
    _, parsed = parse_geodata(folder, sources_dir=SOURCES, jobs=2)
    assert came_from_a_fork(parsed)
    sources = parsed.event_columns["source"]
    assert len({id(cell) for cell in sources}) == len(sources) > len(set(sources))
