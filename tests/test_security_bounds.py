"""Bounded costs and harmless terminal output, against hostile geodata folders.

Each check costs at most a bound named in the code; a report keeps at most
:data:`~heritage_mapper.problems.MAX_FINDINGS_PER_CODE` findings per code and
:data:`~heritage_mapper.problems.MAX_FINDINGS_PER_FILE` per file and counts the rest;
the text report shows control characters, escape sequences and bidi controls from the
data as visible escapes; any stdout encoding works. Times and peak memory are printed
(``pytest -s``), never asserted.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from heritage_mapper.problems import (
    MAX_FINDINGS_PER_CODE,
    MAX_FINDINGS_PER_FILE,
    Problem,
    Report,
    visible,
)
from heritage_mapper.validate import events as events_rules
from heritage_mapper.validate import validate_geodata
from heritage_mapper.validate.sites import REGION_EXCEPTIONS_PER_PASS
from tests.fixtures import SITES, edit_layer, make_geodata, read_events, set_event, write_json

SRC = Path(__file__).resolve().parents[1] / "src"
#: What must never reach a terminal from the data: C0 but the line breaks the report
#: itself writes, DEL, C1, bidi embeddings, overrides and isolates.
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def run_cli(*args: str, env: dict | None = None) -> tuple[subprocess.CompletedProcess, float]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "heritage_mapper", *args],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(SRC), **(env or {})},
    )
    return done, time.perf_counter() - start


def many_sites(count: int) -> list[dict]:
    extra = [dict(SITES[0], id=f"quang-ninh-heritage-site-{i:05d}") for i in range(count)]
    return [*SITES, *extra]


# --- 1. every check's cost is bounded -------------------------------------------------


def test_a_row_of_1000_unknown_ids_computes_a_bounded_number_of_suggestions(tmp_path, monkeypatch):
    sites = many_sites(events_rules.MAX_SITES_FOR_SUGGESTIONS - len(SITES))
    folder = make_geodata(tmp_path, sites=sites)
    unknown = [f"quang-ninh-heritage-place-{i:05d}" for i in range(1000)]
    set_event(folder, "ev-1955-pier-rally", site_ids=";".join(["old-pie", *unknown, "old-pie"]))
    calls = []
    real = events_rules.difflib.get_close_matches

    def counting(word, possibilities, *args, **kwargs):
        calls.append(word)
        return real(word, possibilities, *args, **kwargs)

    monkeypatch.setattr(events_rules.difflib, "get_close_matches", counting)
    start = time.perf_counter()
    report = validate_geodata(folder)
    elapsed = time.perf_counter() - start
    print(f"\n1,002 unknown ids, 2,000 sites: {elapsed:.2f} s, {len(calls)} suggestions computed")
    assert len(calls) == events_rules.MAX_SUGGESTIONS_PER_FILE  # "old-pie" twice: cached
    # every distinct unknown id is still an error; old-pie's repeat is a warning
    assert report.error_count == 1001
    assert [p.code for p in report.problems if p.severity == "warning"] == ["event-site-repeated"]
    shown = [p for p in report.problems if p.code == "event-site-unknown"]
    assert len(shown) == MAX_FINDINGS_PER_CODE
    assert report.omitted[str(folder / "events.csv")] == {"event-site-unknown": 1001 - 100}
    first = [p.message for p in shown if "'old-pie'" in p.message]
    assert first and all("did you mean 'old-pier'?" in m for m in first)


def test_a_site_with_100000_positions_and_1000_region_exceptions(tmp_path):
    folder = make_geodata(tmp_path)
    project = json.loads((folder / "project.json").read_text(encoding="utf-8"))
    decoys = [
        {"name": {"vi": f"n{i}", "en": f"n{i}"}, "bbox": [i * 0.001, 0.0, i * 0.001 + 5e-4, 1.0]}
        for i in range(1000)
    ]
    far = {"name": {"vi": "xa", "en": "far"}, "bbox": [50.0, 0.0, 60.0, 10.0]}
    project["region"]["exceptions"] = [*decoys, far]
    write_json(folder / "project.json", project)
    line = [[50.0 + i * 1e-5, 5.0] for i in range(100_000)]

    def long_line(features):
        features[0]["geometry"] = {"type": "LineString", "coordinates": line}

    edit_layer(folder, "harbour", long_line)
    start = time.perf_counter()
    report = validate_geodata(folder)
    print(f"\n100,000 positions x 1,001 exceptions: {time.perf_counter() - start:.2f} s")
    assert report.error_count == 0, report.to_text()
    assert len(decoys) > REGION_EXCEPTIONS_PER_PASS  # several passes were needed

    line[70_000] = [61.0, 5.0]  # one position outside everything
    edit_layer(folder, "harbour", long_line)
    problems = validate_geodata(folder).problems
    (finding,) = [p for p in problems if p.code == "site-outside-region"]
    assert "[61.0, 5.0]" in finding.message


def test_region_exceptions_and_swapped_coordinates_still_found(tmp_path):
    folder = make_geodata(tmp_path)

    def swap(features):
        features[0]["geometry"]["coordinates"] = [20.95, 107.08]

    edit_layer(folder, "harbour", swap)
    codes = [p.code for p in validate_geodata(folder).problems]
    assert codes.count("coordinates-swapped") == 1 and "site-outside-region" not in codes


def test_a_dozen_member_edtf_set_is_refused_fast(tmp_path):
    folder = make_geodata(tmp_path)
    dozen = "[" + ",".join(str(year) for year in range(1667, 1679)) + "]"
    set_event(folder, "ev-1955-pier-rally", date=dozen)
    start = time.perf_counter()
    report = validate_geodata(folder)
    print(f"\n12-member EDTF set: {time.perf_counter() - start:.2f} s")
    assert [p.code for p in report.problems] == ["event-date-invalid"]


# --- 2. findings are capped per code and per file ---------------------------------------


def empty_rows_events(folder: Path, size: int) -> int:
    """Replace events.csv by rows with one letter and empty cells; the number of rows."""
    header = list(read_events(folder)[0])
    row = "x" + "," * (len(header) - 1) + "\n"
    count = size // len(row)
    (folder / "events.csv").write_text(",".join(header) + "\n" + row * count, encoding="utf-8")
    return count


def test_a_3_mb_events_file_of_empty_rows_gives_a_bounded_report(tmp_path):
    def counts(rows: int) -> dict[str, int]:  # the findings of a small file, by code
        small = make_geodata(tmp_path, name=f"small-{rows}")
        empty_rows_events(small, rows * 10)
        found: dict[str, int] = {}
        for p in validate_geodata(small).problems:
            found[p.code] = found.get(p.code, 0) + 1
        return found

    three, six = counts(3), counts(6)  # each code: a findings a row, plus b

    def expected(code: str, rows: int) -> int:
        per_row = (six[code] - three[code]) // 3
        return three[code] + per_row * (rows - 3)

    folder = make_geodata(tmp_path)
    rows = empty_rows_events(folder, 3 * 10**6)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done, elapsed = run_cli("validate", "--geodata", str(folder))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    text = done.stdout.decode("utf-8")
    lines = text.splitlines()
    print(
        f"\n3 MB of empty rows ({rows:,} rows): {elapsed:.1f} s, peak RSS of the children "
        f"{peak / 1024:.0f} MiB (before: {before / 1024:.0f} MiB), {len(lines):,} lines"
    )
    assert done.returncode == 1  # errors still make exit 1
    # every kept finding takes at most two lines (message, fix), plus a line per code
    assert len(lines) <= 2 * MAX_FINDINGS_PER_FILE + len(six) + 10
    kept: dict[str, int] = {}
    for line in lines:
        found = re.match(r"  (?:error|warning) \[([a-z-]+)\]", line)
        if found:
            kept[found[1]] = kept.get(found[1], 0) + 1
    assert kept == {code: MAX_FINDINGS_PER_CODE for code in six}
    for code in six:
        omitted = expected(code, rows) - MAX_FINDINGS_PER_CODE
        assert f"  ... and {omitted:,} more [{code}] (not shown)" in lines
    total = sum(expected(code, rows) for code in six)
    assert lines[-1] == f"{total} error(s), 0 warning(s) in 5 file(s)"


def test_a_report_keeps_at_most_the_per_file_cap_and_counts_the_rest():
    report = Report()
    codes = [f"code-{n}" for n in range(30)]
    report.extend(Problem("warning", codes[i % 30], "a.csv", f"m{i}") for i in range(5000))
    report.extend([Problem("error", "other", "b.csv", "one")])
    assert len(report.problems) == MAX_FINDINGS_PER_FILE + 1
    assert sum(report.omitted["a.csv"].values()) == 5000 - MAX_FINDINGS_PER_FILE
    assert (report.error_count, report.warning_count) == (1, 5000)
    assert report.has_errors() and "b.csv" not in report.omitted
    lines = report.to_text().splitlines()
    assert len(lines) == 1 + MAX_FINDINGS_PER_FILE + 30 + 3
    assert lines[-1] == "1 error(s), 5000 warning(s) in 2 file(s)"


def test_json_counts_what_it_omits_and_is_exact_otherwise(tmp_path):
    folder = make_geodata(tmp_path)
    empty_rows_events(folder, 30_000)
    done, _ = run_cli("validate", "--geodata", str(folder), "--format", "json")
    doc = json.loads(done.stdout)
    (events,) = [f for f in doc["files"] if f["path"].endswith("events.csv")]
    shown: dict[str, int] = {}
    for p in events["problems"]:
        shown[p["code"]] = shown.get(p["code"], 0) + 1
    assert set(shown.values()) == {MAX_FINDINGS_PER_CODE}
    assert set(events["omitted"]) == set(shown)
    counted = sum(shown.values()) + sum(events["omitted"].values())
    assert counted == doc["summary"]["errors"]
    assert all("omitted" not in f for f in doc["files"] if f is not events)
    assert done.returncode == 1


# --- 3. terminal output is visible and harmless -----------------------------------------

TITLE = "\x1b]0;pwned\x07"
FORGED = "ok\n0 error(s), 0 warning(s) in 5 file(s)\n\x1b[2J"


def hostile_folder(tmp_path) -> Path:
    folder = make_geodata(tmp_path, name=f"geo{TITLE}data")
    set_event(
        folder, "ev-1955-pier-rally", id=f"ev{TITLE}\u202e{FORGED}", site_ids=f"x{FORGED}\x9b1m"
    )
    project = json.loads((folder / "project.json").read_text(encoding="utf-8"))
    project["layers"][0]["title"]["en"] = f"Harbour{FORGED}"
    project["layers"][1]["file"] = f"layers/mines{TITLE}.geojson"
    write_json(folder / "project.json", project)
    (folder / "layers" / "mines.geojson").rename(folder / project["layers"][1]["file"])
    return folder


def test_control_characters_from_the_data_are_shown_as_escapes(tmp_path):
    folder = hostile_folder(tmp_path)
    done, _ = run_cli("validate", "--geodata", str(folder))
    text = done.stdout.decode("utf-8")
    print("\n" + text)
    assert not RAW_CONTROL.search(text)
    assert "\\x1b]0;pwned\\x07" in text  # the file name and the event id, visible
    assert "\\u202e" in text
    assert "\\x9b" in text
    summaries = [line for line in text.splitlines() if line.endswith("file(s)")]
    assert len(summaries) == 1 and not summaries[0].startswith("0 error(s)")
    assert done.returncode == 1


def test_json_keeps_the_values_exact(tmp_path):
    folder = hostile_folder(tmp_path)
    done, _ = run_cli("validate", "--geodata", str(folder), "--format", "json")
    doc = json.loads(done.stdout)
    paths = [f["path"] for f in doc["files"]]
    assert any(f"geo{TITLE}data" in p for p in paths)  # the folder's own name, exact
    # a layer file name with a control character is refused by the reader, located
    refused = [p for f in doc["files"] for p in f["problems"] if p["code"] == "path-outside-folder"]
    assert [p["location"]["pointer"] for p in refused] == ["/layers/1/file"]
    ids = {p["location"].get("feature_id") for f in doc["files"] for p in f["problems"]}
    assert f"ev{TITLE}\u202e{FORGED}" in ids


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a\nb", "a\\nb"),
        ("a\tb\r", "a\\tb\\r"),
        ("\x00\x7f\x85", "\\x00\\x7f\\x85"),
        ("\u202a\u202e\u2066\u2069", "\\u202a\\u202e\\u2066\\u2069"),
        ("Hòn Gai — Đảo", "Hòn Gai — Đảo"),
    ],
)
def test_visible(text, shown):
    assert visible(text) == shown


# --- 4. any stdout encoding ---------------------------------------------------------------


@pytest.mark.parametrize(
    "env",
    [
        {"PYTHONIOENCODING": "cp1252"},
        {"PYTHONIOENCODING": "ascii"},
        {"LC_ALL": "C", "PYTHONIOENCODING": "ascii"},
    ],
    ids=["cp1252", "ascii", "C-ascii"],
)
def test_a_stdout_that_cannot_encode_vietnamese(tmp_path, env):
    clean = make_geodata(tmp_path, name="Quảng Ninh")
    done, _ = run_cli("validate", "--geodata", str(clean), env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == b"0 error(s), 0 warning(s) in 5 file(s)"

    broken = make_geodata(tmp_path, name="Hạ Long")
    set_event(broken, "ev-1955-pier-rally", site_ids="bến-tàu-cũ")
    done, _ = run_cli("validate", "--geodata", str(broken), env=env)
    assert done.returncode == 1, done.stderr
    assert b"[event-site-unknown]" in done.stdout
    assert b"internal error" not in done.stderr


def test_check_builds_no_finding_past_the_caps(tmp_path, monkeypatch):
    """``check`` on a file of 20,000 features without properties: the findings past
    the cap are counted without being built (memory bounded by the caps)."""
    from heritage_mapper.validate import geojson

    built = []
    original = Problem.from_rule.__func__

    def counting(cls, *args, **kwargs):
        built.append(args[0])
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(Problem, "from_rule", classmethod(counting))
    path = tmp_path / "many.geojson"
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [107.0, 20.9]}}
    write_json(path, {"type": "FeatureCollection", "features": [feature] * 20_000})
    report = geojson.check_files([path])
    assert report.error_count == 20_000
    assert len(report.problems) == MAX_FINDINGS_PER_CODE
    assert len(built) == MAX_FINDINGS_PER_CODE
    assert report.omitted[str(path)] == {"geojson-feature-properties-missing": 19_900}
    assert report.to_text().splitlines()[-2].startswith("  ... and 19,900 more")
