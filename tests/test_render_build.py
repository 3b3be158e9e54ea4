"""heritage-mapper build: pages written, offline, deterministic, atomic, and up to date.

Data: the real geodata/ (the committed maps/ must match it; page tests name its sites).
"""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from heritage_mapper import load_geodata
from heritage_mapper.atomic import MANIFEST_NAME
from heritage_mapper.cli import main
from heritage_mapper.errors import UsageError
from heritage_mapper.render import INDEX_PAGE, render_pages

from .browser_support import GEODATA, REPO, copy_geodata
from .conftest import SHARED

SOURCES = SHARED / "sources"

COMMITTED_MAPS = REPO / "maps"
RANDOM_ID = re.compile(r"[0-9a-f]{32}")


def layer_ids() -> list[str]:
    return [spec.id for spec in load_geodata(GEODATA).project.layers]


def page_names() -> list[str]:
    """index.html, the layer pages, then the story page and the tour pages."""
    from heritage_mapper.render import page_names as every_page

    names = [INDEX_PAGE] + [f"{layer_id}.html" for layer_id in layer_ids()]
    return names + every_page(load_geodata(GEODATA))[len(names) :]


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return render_pages(load_geodata(GEODATA))


def test_build_writes_index_and_one_page_per_layer(tmp_path):
    out = tmp_path / "maps"
    args = ["build", "--geodata", str(GEODATA), "--out", str(out), "--no-exports"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted([*page_names(), MANIFEST_NAME])
    for name in page_names():
        size = (out / name).stat().st_size
        assert f"wrote {out / name} ({size:,} bytes)" in result.output


def test_quiet_build_prints_nothing(tmp_path):
    args = ["build", "--geodata", str(GEODATA), "--out", str(tmp_path), "-q", "--no-exports"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output == ""
    assert (tmp_path / INDEX_PAGE).is_file()


def test_formats_with_no_exports_is_refused_before_anything_is_written(tmp_path):
    """--no-exports --formats kml was taken silently: one of them is not meant."""
    args = ["build", "--geodata", str(GEODATA), "--out", str(tmp_path / "maps")]
    result = CliRunner().invoke(main, [*args, "--no-exports", "--formats", "kml"])
    assert result.exit_code == 2
    assert "--formats chooses the export formats, and --no-exports writes no export" in (
        result.output
    )
    assert "Traceback" not in result.output
    assert not (tmp_path / "maps").exists()


def test_build_also_writes_the_default_exports(tmp_path):
    maps, exports = tmp_path / "maps", tmp_path / "exports"
    args = ["build", "--geodata", str(GEODATA), "--out", str(maps), "--exports", str(exports)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    names = {p.name for p in exports.iterdir()}
    assert {"heritage.gpkg", "heritage.kml", "heritage.gpx", "sites.csv", "events.csv"} <= names
    assert {"heritage.lpf.json", "events-at-sites.geojson"} <= names
    assert any(n.endswith(".shp.zip") for n in names) and any(n.endswith(".fgb") for n in names)
    assert f"wrote {exports / 'heritage.gpkg'}" in result.output
    # a second build replaces the exports (build always overwrites its own default set)
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0, again.output


def test_pages_load_nothing_from_the_network(pages):
    for name, html in pages.items():
        assert not re.search(r"<(script|img|iframe)[^>]*\ssrc=", html), name
        assert "<link" not in html, name
        assert "sourceMappingURL" not in html, name
        assert "url(images/" not in html, name
        assert "tile_layer" not in html and "L.tileLayer(\n" not in html, name
        assert "referrerPolicy" in html, name  # tiles are only offered online, by the script


def test_pages_declare_the_default_language_and_carry_no_random_ids(pages):
    for name, html in pages.items():
        assert html.startswith('<!DOCTYPE html>\n<html lang="vi">'), name
        assert not RANDOM_ID.search(html), name


def test_layer_pages_embed_only_their_sites_and_data_once(pages):
    index, layer = pages[INDEX_PAGE], pages["liberation-1955.html"]
    assert index.count('id="hm-data"') == 1
    description = "Ngày 25/4/1955, một ngày sau khi người lính Pháp cuối cùng"
    assert index.count(description) == 1 and layer.count(description) == 1
    assert "cong-to-dao-thanh-y-club" in index and "cong-to-dao-thanh-y-club" not in layer


def test_template_syntax_in_data_is_not_evaluated():
    geodata = load_geodata(GEODATA)
    geodata.sites.loc[0, "name_vi"] = "A{{ 7*7 }}B{% raw %}C{# D"
    geodata.project.title["vi"] = "T{{ 6*6 }}"
    html = render_pages(geodata)[INDEX_PAGE]
    assert "A{{ 7*7 }}B{% raw %}C{# D" in html and "A49B" not in html
    assert "<title>T{{ 6*6 }}</title>" in html


def test_two_builds_are_byte_identical(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    for out in (first, second):
        args = ["build", "--geodata", str(GEODATA), "--out", str(out)]
        result = CliRunner().invoke(main, args + ["--exports", str(out / "exports")])
        assert result.exit_code == 0, result.output
    for name in page_names():
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    exported = sorted(p.name for p in (first / "exports").iterdir())
    assert exported == sorted(p.name for p in (second / "exports").iterdir())
    for name in exported:
        assert (first / "exports" / name).read_bytes() == (second / "exports" / name).read_bytes()


def test_builds_are_identical_whatever_the_hash_seed(tmp_path):
    outputs = []
    for seed in ("0", "4242"):
        out = tmp_path / f"seed-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        args = [sys.executable, "-m", "heritage_mapper", "build", "-q"]
        args += ["--geodata", str(GEODATA), "--out", str(out), "--exports", str(out / "x")]
        done = subprocess.run(args, env=env, capture_output=True, text=True, cwd=REPO)
        assert done.returncode == 0, done.stderr
        pages = {name: (out / name).read_bytes() for name in page_names()}
        exports = {p.name: p.read_bytes() for p in sorted((out / "x").iterdir())}
        outputs.append((pages, exports))
    assert outputs[0] == outputs[1]


def test_committed_maps_are_up_to_date(pages):
    stale = [
        name
        for name, html in pages.items()
        if not (COMMITTED_MAPS / name).is_file()
        or (COMMITTED_MAPS / name).read_bytes() != html.encode("utf-8")
    ]
    assert not stale, (
        f"maps/ is out of date with geodata/ ({', '.join(stale)}); run "
        "'heritage-mapper build' and commit maps/"
    )


def test_failed_validation_leaves_existing_maps_untouched(tmp_path):
    geodata = copy_geodata(GEODATA, tmp_path / "geodata")
    events = geodata / "events.csv"
    events.write_text(
        events.read_text(encoding="utf-8").replace("1955-04-25,", "1955-02-30,", 1),
        encoding="utf-8",
    )
    out = tmp_path / "maps"
    out.mkdir()
    (out / INDEX_PAGE).write_text("the old map", encoding="utf-8")
    exports = tmp_path / "exports"
    args = ["build", "--geodata", str(geodata), "--out", str(out), "--exports", str(exports)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert "nothing was written" in result.output
    assert [p.name for p in out.iterdir()] == [INDEX_PAGE]
    assert (out / INDEX_PAGE).read_text(encoding="utf-8") == "the old map"
    assert not exports.exists()


def test_an_unwritable_output_is_one_line_and_exit_1(tmp_path):
    """A folder in the way of a page (README "Robustness"): exit 1, one line naming it."""
    out = tmp_path / "maps"
    (out / INDEX_PAGE).mkdir(parents=True)
    args = ["build", "--geodata", str(GEODATA), "--out", str(out), "--no-exports"]
    # the README's command: its sources given, so no warning is shown before the error
    result = CliRunner().invoke(main, [*args, "--sources-dir", str(SOURCES)])
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {out / INDEX_PAGE}: a folder has the name of this output file")
    assert [p.name for p in out.iterdir()] == [INDEX_PAGE]


def test_an_out_path_that_is_a_file_is_a_usage_error_exit_2(tmp_path):
    """click refuses a file given as --out before anything runs: a usage error (exit 2)."""
    blocker = tmp_path / "maps"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    args = ["build", "--geodata", str(GEODATA), "--out", str(blocker), "--no-exports"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '--out': Directory '{blocker}' is a file." in result.stderr
    assert "Traceback" not in result.output
    assert blocker.read_text(encoding="utf-8") == "a file where the folder should be"


def test_a_layer_named_index_is_refused(tmp_path):
    geodata = load_geodata(GEODATA)
    spec = geodata.project.layers[0]
    renamed = type(spec)("index", spec.file, spec.title, spec.color)
    project = geodata.project.__class__(
        **{**geodata.project.__dict__, "layers": (renamed, *geodata.project.layers[1:])}
    )
    geodata.project = project
    with pytest.raises(UsageError, match="would overwrite index.html"):
        render_pages(geodata)


def test_written_pages_match_what_was_rendered(tmp_path, pages):
    from heritage_mapper.render import build_maps

    written = build_maps(load_geodata(GEODATA), tmp_path)
    assert [p.name for p in written] == list(pages)
    assert all(Path(p).read_text(encoding="utf-8") == pages[p.name] for p in written)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".heritage-mapper-")]


class _Terminal(io.StringIO):
    """A stream that says it is a terminal, so progress is drawn into it."""

    def isatty(self):
        return True


def test_build_shows_its_steps_on_a_terminal_only(tmp_path):
    from heritage_mapper.build import build
    from heritage_mapper.progress import Progress

    terminal = _Terminal()
    with Progress(stream=terminal) as progress:
        build(GEODATA, tmp_path / "maps", exports_dir=None, progress=progress, sources_dir=SOURCES)
    assert "Validating and loading geodata" in terminal.getvalue()
    piped = io.StringIO()
    with Progress(stream=piped) as progress:  # (sources given: no warning to show)
        build(GEODATA, tmp_path / "maps", exports_dir=None, progress=progress, sources_dir=SOURCES)
    assert piped.getvalue() == ""


def test_build_applies_max_bytes(tmp_path):
    args = ["build", "--geodata", str(GEODATA), "--out", str(tmp_path / "m"), "--no-exports"]
    result = CliRunner().invoke(main, args + ["--max-bytes", "100"])
    assert result.exit_code == 1
    assert "json-too-large" in result.output
    assert not (tmp_path / "m").exists()


def test_a_reader_that_stops_early_ends_the_list_not_the_build(tmp_path):
    """``build ... | head -1``: the reader has gone before the files are listed. The
    build still writes every page and exits 0, without a word of a bug (it said
    "internal error: BrokenPipeError" and exit 3)."""
    out = tmp_path / "maps"
    args = ["build", "--geodata", str(GEODATA), "--out", str(out), "--no-exports", "--jobs", "1"]
    process = subprocess.Popen(
        [sys.executable, "-m", "heritage_mapper", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()  # nobody reads: every line written to stdout breaks the pipe
    stderr = process.stderr.read().decode("utf-8")
    assert process.wait(timeout=300) == 0, stderr
    assert "Broken pipe" not in stderr and "internal error" not in stderr, stderr
    assert sorted(p.name for p in out.iterdir()) == sorted([*page_names(), MANIFEST_NAME])


def test_a_broken_pipe_anywhere_is_a_quiet_sigpipe_exit(monkeypatch):
    """Elsewhere than the list of files (a report cut short), a broken pipe ends the
    command as SIGPIPE ends ``cat``: code 141 and no word of a bug."""
    import heritage_mapper.cli as cli

    def broken(*args, **kwargs):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(cli, "print_report", broken)
    result = CliRunner().invoke(main, ["validate", "--geodata", str(GEODATA)])
    assert result.exit_code == 141, result.output
    assert "internal error" not in result.output


def test_a_build_that_passes_with_warnings_shows_them(tmp_path):
    """The sources_dir outside the folder (no --sources-dir): the citations' paragraphs
    go unchecked. The build passes, and says so on stderr (it said nothing)."""
    args = ["build", "--geodata", str(GEODATA), "--out", str(tmp_path / "m"), "--no-exports"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "warning [sources-dir-outside]" in result.stderr
    assert "cited paragraph numbers were not checked" in result.stderr
    assert ": ok" not in result.stderr  # the findings, not every file checked
    assert "warning [" not in result.stdout  # stdout lists the files written, nothing else
    quiet = CliRunner().invoke(main, [*args, "-q"])
    assert quiet.exit_code == 0 and quiet.output == ""


def test_strict_names_the_warnings_that_stopped_it(tmp_path):
    args = ["build", "--geodata", str(GEODATA), "--out", str(tmp_path / "m"), "--no-exports"]
    result = CliRunner().invoke(main, [*args, "--strict"])
    assert result.exit_code == 1, result.output
    # it said "validation found 0 error(s)"
    last = result.stderr.splitlines()[-1]
    assert last == (
        "error: validation found 1 warning(s), errors under --strict; nothing was written"
    )
    assert ": ok" in result.stderr  # every file checked, as validate lists them
    quiet = CliRunner().invoke(main, [*args, "--strict", "-q"])
    assert quiet.exit_code == 1
    assert ": ok" not in quiet.stderr  # -q: "Print nothing but errors"
    assert "warning [sources-dir-outside]" in quiet.stderr
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_failure_on_the_way_out_of_an_interruption_is_the_interruption(monkeypatch, signum):
    """Ctrl-C while the exports were written once ended as 'error: exports: cannot
    write (Bad file descriptor); nothing was replaced' and exit 1: a clean-up after
    the interrupt met a closed file, and its error replaced the interrupt. Whatever
    fails after a stop signal now reports the interruption, with its exit code."""
    import heritage_mapper
    from heritage_mapper.errors import OutputError

    def build(*args, **kwargs):
        try:
            os.kill(os.getpid(), signum)
            time.sleep(5)  # the signal's handler raises here
        except KeyboardInterrupt:
            raise OutputError("exports: cannot write (Bad file descriptor)") from None
        raise AssertionError("the signal did not arrive")

    monkeypatch.setattr(heritage_mapper, "build", build)
    result = CliRunner().invoke(main, ["build", "--geodata", str(GEODATA), "-q"])
    assert result.exit_code == 128 + signum, result.output
    assert result.stderr.startswith(f"interrupted ({signal.Signals(signum).name});")
    assert "Bad file descriptor" not in result.stderr
