"""A geodata folder you did not write cannot read or exhaust anything outside it.

Each test writes the small fixture folder (tests/fixtures.py), points one of its paths
somewhere it must not lead, and runs ``heritage-mapper validate`` in a subprocess (a
timeout of 20 s, an address-space cap of 2 GiB): the exit code is 1, there is no
traceback, a located finding names the problem, the decoy file outside the folder is
unchanged and its secret appears in neither the text nor the JSON output. The time and
peak memory of each run are printed (``pytest -s`` shows them; README "Security").
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from heritage_mapper.read.files import (
    MAX_SCHEMA_BYTES,
    MAX_SOURCE_TEXT_BYTES,
    InputRefused,
    read_regular,
    resolve_inside,
)

from . import fixtures
from .fixtures import make_geodata

SECRET = "TOP-SECRET-7f3a9c"
TIMEOUT_S = 20
SRC = Path(__file__).resolve().parents[1] / "src"

# Runs the CLI in a child with a memory cap, then prints its time and peak RSS.
DRIVER = """
import resource, runpy, sys, time
cap = 2 * 1024 ** 3
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
sys.argv = ["heritage-mapper", *sys.argv[1:]]
start = time.perf_counter()
code = 0
try:
    runpy.run_module("heritage_mapper", run_name="__main__")
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
sys.stdout.flush()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
sys.stderr.write(f"\\nSTATS seconds={time.perf_counter() - start:.3f} peak_rss_kib={peak}\\n")
sys.exit(code)
"""


def run_validate(folder: Path, output_format: str = "text", *extra: str) -> tuple[int, str, str]:
    env = {**os.environ, "PYTHONPATH": str(SRC), "HM_SECRET_VAR": SECRET}
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, "validate", "--geodata", str(folder)]
        + ["--format", output_format, *extra],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        env=env,
    )
    stats = [line for line in done.stderr.splitlines() if line.startswith("STATS")]
    print(f"[{output_format}] {stats[-1] if stats else 'no stats'}")
    return done.returncode, done.stdout, done.stderr


def decoy(tmp_path: Path, name: str = "decoy.txt", text: str | None = None) -> Path:
    """A file outside the folder whose content any finding would echo if it were read:
    not JSON, so a JSON syntax error would quote it, and not a CSV header."""
    path = tmp_path / "outside" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text or f"{SECRET} {SECRET}\n{SECRET},{SECRET}\n", encoding="utf-8")
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def edit_project(folder: Path, change) -> None:
    path = folder / "project.json"
    project = json.loads(path.read_text(encoding="utf-8"))
    change(project)
    fixtures.write_json(path, project)


def assert_refused(
    folder: Path,
    *codes: str,
    secret_file: Path | None = None,
    extra: tuple[str, ...] = (),
    exit_code: int = 1,
) -> list[dict]:
    """Validate in both formats; return the findings of the JSON output."""
    before = digest(secret_file) if secret_file else None
    code, text, err = run_validate(folder, "text", *extra)
    assert code == exit_code, (text, err)
    assert "Traceback" not in err and "Traceback" not in text
    assert SECRET not in text and SECRET not in err
    code, out, err = run_validate(folder, "json", *extra)
    assert code == exit_code, (out, err)
    assert SECRET not in out and "Traceback" not in err
    findings = _findings(json.loads(out))
    found = {f["code"] for f in findings}
    for wanted in codes:
        assert wanted in found, (wanted, text)
    if secret_file:
        assert digest(secret_file) == before
    return findings


def _findings(report) -> list[dict]:
    """Every finding dict of the JSON report, however it is grouped."""
    out = []
    if isinstance(report, dict):
        if "code" in report and "message" in report:
            out.append(report)
        for value in report.values():
            out.extend(_findings(value))
    elif isinstance(report, list):
        for value in report:
            out.extend(_findings(value))
    return out


def pointers(findings, code):
    return {
        f.get("pointer") or (f.get("location") or {}).get("pointer")
        for f in findings
        if f["code"] == code
    }


# -- paths outside the folder ----------------------------------------------------------


@pytest.mark.parametrize("how", ["dotdot", "absolute"])
def test_events_path_outside_the_folder_is_refused(tmp_path, how):
    folder = make_geodata(tmp_path)
    secret = decoy(tmp_path, "outside.csv")
    target = "../outside/outside.csv" if how == "dotdot" else str(secret)
    edit_project(folder, lambda p: p.update(events=target))
    findings = assert_refused(folder, "path-outside-folder", secret_file=secret)
    assert "/events" in pointers(findings, "path-outside-folder")


def test_proc_self_environ_is_refused(tmp_path):
    folder = make_geodata(tmp_path)
    edit_project(folder, lambda p: p.update(events="/proc/self/environ", sources="/etc/passwd"))
    findings = assert_refused(folder, "path-outside-folder")
    assert {"/events", "/sources"} <= pointers(findings, "path-outside-folder")


def test_a_symlink_inside_the_folder_that_points_out_is_refused(tmp_path):
    folder = make_geodata(tmp_path)
    secret = decoy(tmp_path)
    layer = folder / "layers" / "harbour.geojson"
    layer.unlink()
    layer.symlink_to(secret)
    findings = assert_refused(folder, "path-outside-folder", secret_file=secret)
    assert "/layers/0/file" in pointers(findings, "path-outside-folder")


def test_project_json_that_is_a_symlink_out_is_refused(tmp_path):
    folder = make_geodata(tmp_path)
    secret = decoy(tmp_path, "project.json", (folder / "project.json").read_text("utf-8"))
    secret.write_text(secret.read_text("utf-8").replace("Test map", SECRET), "utf-8")
    (folder / "project.json").unlink()
    (folder / "project.json").symlink_to(secret)
    assert_refused(folder, "path-outside-folder", secret_file=secret)


def test_schema_and_basemap_paths_outside_are_refused(tmp_path):
    folder = fixtures.add_basemap(make_geodata(tmp_path))
    secret = decoy(tmp_path)

    def change(project):
        project["schemas"] = {"site": "../outside/decoy.txt", "project": str(secret)}
        project["basemap"]["provenance"] = "../outside/decoy.txt"
        project["basemap"]["layers"][0]["file"] = "basemap/../../outside/decoy.txt"

    edit_project(folder, change)
    findings = assert_refused(folder, "path-outside-folder", secret_file=secret)
    assert "/schemas/project" in pointers(findings, "path-outside-folder")
    # with the project schema fixed, the others are reported
    edit_project(folder, lambda p: p["schemas"].pop("project"))
    findings = assert_refused(folder, "path-outside-folder", secret_file=secret)
    assert {"/schemas/site", "/basemap/provenance", "/basemap/layers/0/file"} <= pointers(
        findings, "path-outside-folder"
    )


def test_a_source_file_name_that_leaves_sources_dir_is_refused(tmp_path):
    folder = make_geodata(tmp_path)
    secret = decoy(tmp_path)
    registry = folder / "sources.json"
    doc = json.loads(registry.read_text("utf-8"))
    doc["sources"][0]["file"] = "../../outside/decoy.txt"
    fixtures.write_json(registry, doc)
    # the packaged sources schema refuses the name; a loose one cannot (see the last test)
    findings = assert_refused(folder, "sources-schema", secret_file=secret)
    assert "/sources/0/file" in pointers(findings, "sources-schema")


# -- files that are not regular: pipes and devices -------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("which", ["source", "events"])
def test_a_named_pipe_never_blocks(tmp_path, which):
    folder = make_geodata(tmp_path)
    target = (
        folder / "sources" / fixtures.SOURCE_FILE if which == "source" else folder / "events.csv"
    )
    target.unlink()
    os.mkfifo(target)
    assert_refused(folder, "path-not-regular-file")  # within TIMEOUT_S, or the run fails


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_dev_zero_as_a_source_text_is_refused_at_once(tmp_path):
    folder = make_geodata(tmp_path)
    text = folder / "sources" / fixtures.SOURCE_FILE
    text.unlink()
    text.symlink_to("/dev/zero")
    assert_refused(folder, "path-outside-folder")
    # the folder may not name /dev as its sources_dir: not read at all, a warning
    registry = folder / "sources.json"
    doc = json.loads(registry.read_text("utf-8"))
    doc["sources"][0]["file"] = "zero"
    fixtures.write_json(registry, doc)
    edit_project(folder, lambda p: p.update(sources_dir="/dev"))
    # (exit 1: the events still cite the file name registered before)
    findings = assert_refused(folder, "sources-dir-outside")
    assert pointers(findings, "sources-dir-outside") == {"/sources_dir"}
    assert "path-not-regular-file" not in {f["code"] for f in findings}
    # the person running may (--sources-dir is trusted), and a device is still refused
    assert_refused(folder, "path-not-regular-file", extra=("--sources-dir", "/dev"))


@pytest.mark.parametrize("where", ["../outside", "/tmp", "link"])
def test_a_sources_dir_outside_the_folder_is_not_read(tmp_path, where):
    """Only --sources-dir (given by the person running) may name texts outside."""
    folder = make_geodata(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(folder / "sources" / fixtures.SOURCE_FILE, outside / fixtures.SOURCE_FILE)
    secret = decoy(tmp_path)
    if where == "link":
        (folder / "link").symlink_to(outside, target_is_directory=True)
    before = {p.name: digest(p) for p in outside.iterdir()}
    edit_project(folder, lambda p: p.update(sources_dir=where))
    findings = assert_refused(folder, "sources-dir-outside", secret_file=secret, exit_code=0)
    assert not {f["code"] for f in findings} & {"source-text-missing", "source-changed"}
    # the same texts, named by the person running: read and checked, no warning
    code, out, err = run_validate(folder, "json", "--sources-dir", str(outside))
    assert code == 0, (out, err)
    assert "sources-dir-outside" not in out
    assert {p.name: digest(p) for p in outside.iterdir()} == before


def test_read_regular_refuses_devices_pipes_and_folders(tmp_path):
    with pytest.raises(InputRefused) as refused:
        read_regular("/dev/zero", 1000)
    assert refused.value.code == "path-not-regular-file"
    with pytest.raises(InputRefused):
        read_regular(tmp_path, 1000)
    with pytest.raises(InputRefused) as refused:
        resolve_inside(tmp_path, "../x")
    assert refused.value.code == "path-outside-folder"


# -- sizes -------------------------------------------------------------------------------


def test_an_oversized_source_text_is_refused_without_reading_it(tmp_path):
    folder = make_geodata(tmp_path)
    with open(folder / "sources" / fixtures.SOURCE_FILE, "r+b") as handle:
        handle.truncate(MAX_SOURCE_TEXT_BYTES + 1)  # sparse: no disk, no time
    findings = assert_refused(folder, "file-too-large")
    assert "/sources/0/file" in pointers(findings, "file-too-large")


def test_an_oversized_schema_is_refused(tmp_path):
    folder = make_geodata(tmp_path)
    schema = folder / "schemas" / "site.schema.json"
    schema.parent.mkdir()
    with open(schema, "wb") as handle:
        handle.truncate(MAX_SCHEMA_BYTES + 1)
    edit_project(folder, lambda p: p.update(schemas={"site": "schemas/site.schema.json"}))
    assert_refused(folder, "file-too-large")


# -- a folder's own schemas cannot loosen the package's rules ----------------------------


def test_a_loose_folder_schema_does_not_let_unsafe_ids_or_paths_through(tmp_path):
    folder = make_geodata(tmp_path)
    secret = decoy(tmp_path)
    schemas = folder / "schemas"
    schemas.mkdir()
    fixtures.write_json(schemas / "anything.json", {})
    fixtures.write_json(schemas / "open.json", {"additionalProperties": True})
    kinds = {"project": "anything", "site": "open", "event": "anything", "sources": "open"}

    def change(project):
        project["schemas"] = {kind: f"schemas/{name}.json" for kind, name in kinds.items()}
        project["layers"][0]["id"] = "../../evil"

    edit_project(folder, change)
    findings = assert_refused(folder, "project-schema", secret_file=secret)
    assert "/layers/0/id" in pointers(findings, "project-schema")

    # the layer id fixed: the site, event and source rules come from the package
    edit_project(folder, lambda p: p["layers"][0].update(id="harbour"))
    fixtures.set_site(folder, "old-pier", id="a/b")
    fixtures.set_event(folder, fixtures.EVENTS[0]["id"], id="../evil")
    registry = folder / "sources.json"
    doc = json.loads(registry.read_text("utf-8"))
    doc["sources"][0]["file"] = "../../etc/passwd"
    fixtures.write_json(registry, doc)
    findings = assert_refused(folder, "id-unsafe", "path-outside-folder", secret_file=secret)
    assert "/sources/0/file" in pointers(findings, "path-outside-folder")
    unsafe = [f for f in findings if f["code"] == "id-unsafe"]
    assert len(unsafe) == 2  # the site and the event

    # an events path that leaves the folder, whatever the project schema allows
    edit_project(folder, lambda p: p.update(events="/etc/passwd"))
    findings = assert_refused(folder, "path-outside-folder", secret_file=secret)
    assert "/events" in pointers(findings, "path-outside-folder")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_events_file_that_is_a_loop_of_links_is_a_finding(tmp_path, jobs):
    """Python 3.11's Path.resolve raises RuntimeError on a loop: a finding, not a bug."""
    folder = make_geodata(tmp_path)
    (folder / "events.csv").unlink()
    (folder / "events.csv").symlink_to("events.csv")
    code, out, err = run_validate(folder, "json", "--jobs", jobs)
    assert code == 1 and "internal error" not in err and "Traceback" not in err
    found = [p for f in json.loads(out)["files"] for p in f["problems"]]
    assert [p["code"] for p in found if "loop of symbolic links" in p["message"]] == [
        "path-not-regular-file"
    ]
