"""Faults while writing maps and exports: nothing is lost, nothing is half-written.

Each test starts from the outputs of an earlier build (``old``), runs a build of
changed data (``new``) into the same folders with a fault, then checks:

- the earlier maps and exports are byte-identical (or, where a run was killed
  without warning, every file is the whole old or the whole new version);
- no ``.heritage-mapper-*`` temporary file and no lock file is left;
- the next build works and gives the bytes of a clean build.

Where each fault is injected, honestly:

- **read-only folder**: we run as root, so chmod stops nothing and there is no
  read-only mount. (a) A regular file where a parent folder should be: ``mkdir``
  fails in the kernel with ENOTDIR. (b) ``PermissionError`` raised in Python by a
  patched ``os.open`` for the lock file, the first thing a run creates in a folder.
  (c) ``PermissionError`` raised by a patched ``os.replace`` on the first, a middle
  or the last move, after every temporary file was written.
- **disk full**: the kernel's ``RLIMIT_FSIZE`` with SIGXFSZ ignored, so ``write(2)``
  fails with EFBIG ("File too large") as soon as a file would grow past N bytes, in
  Python's writers and in GDAL's C writers (GeoPackage/SQLite, FlatGeobuf,
  Shapefile) alike. The errno is EFBIG, not ENOSPC: the same call fails at the same
  place and takes the same path. Which page is hit is chosen by padding that page
  past the limit; which export by exporting one format at a time. Also ENOSPC from
  a patched ``os.fsync`` (where delayed allocation reports a full disk).
- **killed**: SIGKILL, SIGTERM and SIGINT sent to a real ``python -m heritage_mapper
  build`` process when a given temporary file appears, or after a delay.
- **two builds at once**: two such processes started together.

Data: the small fixture folder (tests/fixtures.py), old and changed; the data only has
to be valid and small (the fixture builds as fast as geodata/, so the kill timings
hold), and writing does not depend on the Quảng Ninh content.
"""

from __future__ import annotations

import contextlib
import errno
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

import heritage_mapper.export
import heritage_mapper.render
from heritage_mapper import load_geodata
from heritage_mapper.atomic import LOCK_NAME, MANIFEST_NAME, is_temp_name, output_lock
from heritage_mapper.build import build
from heritage_mapper.cli import main
from heritage_mapper.errors import OutputError
from heritage_mapper.export import FORMAT_NAMES, export_layers
from heritage_mapper.render import build_maps

from .fixtures import EVENTS, SITES, make_geodata

FOLDERS = ("maps", "exports")
POLL_SECONDS = 0.002
SIGNAL_ATTEMPTS = 5  # a build that ends before the signal comes is run again
RUN_TIMEOUT = 120
PAGE_ROOM = 1 << 20  # pages are ~230 kB: one padded past 1 MiB is the one that fails
KILL_MOMENTS = (  # (what is being written when the signal comes, which entry shows it)
    ("a map page", "maps", ".tmp.html"),
    ("the GeoPackage", "exports", ".tmp.gpkg"),
    ("a Shapefile (GDAL's temporary folder)", "exports", "<dir>"),
    ("Linked Places, the last export", "exports", ".tmp.json"),
)
KILL_DELAYS = (0.3, 1.6)  # seconds after start: Python starting; usually loading or rendering


@dataclass
class World:
    """The old and the new geodata, and what a clean build of each writes."""

    root: Path
    old: Path
    new: Path
    outputs: dict  # "old" / "new" -> {"maps/index.html": bytes, ...}


def snapshot(root: Path) -> dict[str, bytes]:
    """Every entry of root/maps and root/exports; a folder (a temp dir) maps to None."""
    found = {}
    for name in FOLDERS:
        folder = root / name
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                found[f"{name}/{path.name}"] = path.read_bytes() if path.is_file() else None
    return found


def leftovers(root: Path) -> list[str]:
    return [key for key in snapshot(root) if key.split("/")[1].startswith(".heritage-mapper")]


def seed(root: Path, files: dict[str, bytes]) -> Path:
    """Put an earlier build's files into root/maps and root/exports."""
    for key, data in files.items():
        path = root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def marked(item: dict, key: str) -> dict:
    """``item`` whose English ``key`` text gains " (new)"."""
    return {**item, key: {**item[key], "en": item[key]["en"] + " (new)"}}


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    """New data: every English site name and event title gains a mark, so every file differs."""
    root = tmp_path_factory.mktemp("faults")
    old = make_geodata(root, name="geodata-old")
    new = make_geodata(
        root,
        sites=[marked(site, "name") for site in SITES],
        events=[marked(event, "title") for event in EVENTS],
        name="geodata-new",
    )
    outputs = {}
    for name, geodata in (("old", old), ("new", new)):
        build(geodata, root / name / "maps", exports_dir=root / name / "exports")
        outputs[name] = snapshot(root / name)
    # every file differs, but the manifests (the same file names in both sets) and the QGIS
    # project (styles and layer titles in the default language, no English site name)
    different = [
        k for k in outputs["old"] if not k.endswith(MANIFEST_NAME) and not k.endswith(".qgz")
    ]
    assert all(outputs["old"][k] != outputs["new"][k] for k in different)
    return World(root, old, new, outputs)


@pytest.fixture(scope="module")
def new_data(world):
    return load_geodata(world.new)


@pytest.fixture
def out(world, tmp_path) -> Path:
    """tmp_path/maps and tmp_path/exports holding the old build."""
    return seed(tmp_path, world.outputs["old"])


def part(files: dict, folder: str) -> dict:
    return {k: v for k, v in files.items() if k.startswith(folder + "/")}


def new_maps_old_exports(world: World) -> dict:
    """After a failure in the exports: the maps (replaced first, as a whole) are new."""
    return {**part(world.outputs["new"], "maps"), **part(world.outputs["old"], "exports")}


def assert_as_before(out: Path, world: World) -> None:
    now = snapshot(out)
    assert not leftovers(out), leftovers(out)
    assert now == world.outputs["old"], [k for k in now if now[k] != world.outputs["old"].get(k)]


def assert_next_build_is_clean(out: Path, world: World, new_data, folders=FOLDERS) -> None:
    """The next run of the step that failed writes exactly what a clean build does."""
    if "maps" in folders:
        build_maps(new_data, out / "maps")
    if "exports" in folders:
        export_layers(new_data, out / "exports", overwrite=True)
    now = snapshot(out)
    for folder in folders:
        assert part(now, folder) == part(world.outputs["new"], folder)


def test_a_build_removes_what_a_killed_run_left_and_nothing_else(out, world, new_data):
    stale = [
        "maps/.heritage-mapper-1f2e3d4c5b6a7988.tmp.html",
        "exports/.heritage-mapper-1f2e3d4c5b6a7988.tmp.gpkg-journal",
        "exports/.heritage-mapper-0a1b2c3d4e5f6a7b.tmp.old.kml",
        "exports/.heritage-mapper-0a1b2c3d4e5f6a7b.tmp_temp.fgb",
    ]
    kept = ["maps/.nojekyll", "exports/notes.heritage-mapper-1.tmp", "exports/.heritage-mapper"]
    for key in stale + kept:
        (out / key).write_bytes(b"x")
    shapefile_dir = out / "exports" / ".heritage-mapper-5lhqz0w1.tmp"
    shapefile_dir.mkdir()
    (shapefile_dir / "sites.shp").write_bytes(b"half")
    (out / "maps" / LOCK_NAME).write_bytes(b"")  # a killed run's lock: no longer held
    build(world.new, out / "maps", exports_dir=out / "exports")
    now = snapshot(out)
    assert sorted(k for k in now if k.split("/")[1].startswith(".heritage-mapper")) == [
        "exports/.heritage-mapper"
    ]
    assert all(key in now for key in kept)
    assert {k: v for k, v in now.items() if k not in kept} == world.outputs["new"]


def test_a_second_run_waits_for_the_lock_then_says_which_folder_is_busy(tmp_path):
    with output_lock(tmp_path) as lock:
        assert lock.exists()
        busy = pytest.raises(OutputError, match="another heritage-mapper run is still writing")
        with busy, output_lock(tmp_path, timeout=0.2):
            pass
    assert not lock.exists()
    with output_lock(tmp_path):  # free again
        pass


# -- read-only output folder ------------------------------------------------------------


@pytest.mark.parametrize("blocked", FOLDERS)
def test_an_output_folder_that_cannot_exist_is_one_line_and_changes_nothing(out, world, blocked):
    (out / "blocker").write_text("a file where a folder should be", encoding="utf-8")
    folders = {"maps": out / "maps", "exports": out / "exports", blocked: out / "blocker" / "x"}
    args = ["build", "--geodata", world.new, "--out", folders["maps"], "--exports"]
    result = CliRunner().invoke(main, [*map(str, args), str(folders["exports"])])
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {out / 'blocker' / 'x'}: cannot create the output folder")
    assert "Not a directory" in line
    (out / "blocker").unlink()
    assert_as_before(out, world)


@pytest.mark.parametrize("folder", FOLDERS)
def test_a_folder_refusing_new_files_is_one_line_and_changes_nothing(
    out, world, new_data, monkeypatch, folder
):
    real_open = os.open

    def refusing(path, *args, **kwargs):
        if Path(path).parent == out / folder:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing)
    args = ["build", "--geodata", world.new, "--out", out / "maps", "--exports", out / "exports"]
    result = CliRunner().invoke(main, list(map(str, args)))
    monkeypatch.undo()
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.strip().splitlines()
    assert f"{out / folder / LOCK_NAME}: cannot create the lock file (Permission denied)" in line
    if folder == "maps":
        assert_as_before(out, world)
    else:  # the maps were done first, as a whole
        assert snapshot(out) == new_maps_old_exports(world)
    assert_next_build_is_clean(out, world, new_data)


@pytest.mark.parametrize("folder", FOLDERS)
@pytest.mark.parametrize("which", ["first", "middle", "last"])
def test_a_refused_move_puts_back_the_files_already_moved(
    out, world, new_data, monkeypatch, folder, which
):
    count = len(part(world.outputs["old"], folder))
    failing_move = {"first": 1, "middle": (count + 1) // 2, "last": count}[which]
    real_replace = os.replace
    moves = []

    def refusing(src, dst, *args, **kwargs):
        if ".tmp.old" not in Path(src).name:  # a move into place, not a put-back
            moves.append(dst)
            if len(moves) == failing_move:
                raise PermissionError(errno.EACCES, "Permission denied", str(src), None, str(dst))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", refusing)
    with pytest.raises(OutputError, match=r"cannot write \(Permission denied\); nothing was"):
        if folder == "maps":
            build_maps(new_data, out / "maps")
        else:
            # as build writes them: with the folder's manifest, the last file moved
            export_layers(new_data, out / "exports", overwrite=True, replace_previous=True)
    monkeypatch.undo()
    assert len(moves) == failing_move
    assert_as_before(out, world)
    if which == "last":
        assert_next_build_is_clean(out, world, new_data, [folder])


def test_a_folder_in_the_way_of_a_file_is_refused_before_writing(out, world, new_data):
    (out / "exports" / "heritage.kml").unlink()
    (out / "exports" / "heritage.kml").mkdir()
    with pytest.raises(OutputError, match="heritage.kml: a folder has the name of this output"):
        export_layers(new_data, out / "exports", overwrite=True)
    (out / "exports" / "heritage.kml").rmdir()
    expected = dict(world.outputs["old"])
    del expected["exports/heritage.kml"]
    assert snapshot(out) == expected


# -- disk full --------------------------------------------------------------------------


@pytest.fixture
def disk():
    """``disk.fill(n)``: from then on no file can grow past n bytes (write(2) -> EFBIG)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    class Disk:
        @staticmethod
        def fill(room: int) -> None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (room, hard))

    try:
        yield Disk
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


@pytest.mark.parametrize("page", [0, 1, 2])  # index.html and the two layer pages
def test_disk_full_on_a_page_leaves_every_old_page(out, world, new_data, monkeypatch, disk, page):
    real_pages = heritage_mapper.render.iter_pages

    def one_big_page(joined, **options):
        for index, (name, html) in enumerate(real_pages(joined, **options)):
            yield name, html + ("<!--" + " " * (2 * PAGE_ROOM) + "-->" if index == page else "")

    monkeypatch.setattr(heritage_mapper.render, "iter_pages", one_big_page)
    disk.fill(PAGE_ROOM)
    with pytest.raises(OutputError, match=r"maps: cannot write \(File too large\)"):
        build_maps(new_data, out / "maps")
    disk.fill(resource.RLIM_INFINITY)
    monkeypatch.undo()
    assert_as_before(out, world)
    assert_next_build_is_clean(out, world, new_data, ["maps"])


@pytest.fixture(scope="module")
def largest_file(world, new_data) -> dict[str, int]:
    """Format name -> size of its largest file in a clean export."""
    from heritage_mapper.export import FORMATS, resolve_crs
    from heritage_mapper.export.tables import prepare

    data = prepare(new_data, resolve_crs(None))
    sizes = {k.removeprefix("exports/"): len(v) for k, v in world.outputs["new"].items()}
    return {fmt.name: max(sizes[name] for name in fmt.writer.outputs(data)) for fmt in FORMATS}


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
@pytest.mark.parametrize("share", [0, 0.5])
def test_disk_full_while_exporting_a_format_leaves_the_old_exports(
    out, world, new_data, disk, largest_file, fmt, share
):
    """share 0: the first byte fails; 0.5: half way through the format's largest file."""
    room = int(largest_file[fmt] * share)
    disk.fill(room)
    with pytest.raises(OutputError) as caught:
        export_layers(new_data, out / "exports", [fmt], overwrite=True)
    disk.fill(resource.RLIM_INFINITY)
    (line,) = str(caught.value).splitlines()
    assert "File too large" in line or "GDAL" in line, line
    assert_as_before(out, world)
    export_layers(new_data, out / "exports", [fmt], overwrite=True)
    written = {k: v for k, v in snapshot(out).items() if v != world.outputs["old"].get(k)}
    assert written and all(world.outputs["new"][k] == v for k, v in written.items())


def test_disk_full_after_the_maps_keeps_the_new_maps_and_the_old_exports(
    out, world, new_data, monkeypatch, disk
):
    real_export = heritage_mapper.export.export_layers

    def export_on_a_full_disk(*args, **kwargs):
        disk.fill(100_000)  # the GeoPackage (~150 kB) is the first export past it
        return real_export(*args, **kwargs)

    monkeypatch.setattr(heritage_mapper.export, "export_layers", export_on_a_full_disk)
    with pytest.raises(OutputError, match="GDAL"):
        build(world.new, out / "maps", exports_dir=out / "exports")
    disk.fill(resource.RLIM_INFINITY)
    monkeypatch.undo()
    assert not leftovers(out)
    assert snapshot(out) == new_maps_old_exports(world)
    assert_next_build_is_clean(out, world, new_data, ["exports"])


@pytest.mark.parametrize("folder", FOLDERS)
def test_disk_full_reported_by_fsync_leaves_everything(out, world, new_data, monkeypatch, folder):
    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError, match=r"cannot write \(No space left on device\); nothing"):
        if folder == "maps":
            build_maps(new_data, out / "maps")
        else:
            export_layers(new_data, out / "exports", overwrite=True)
    monkeypatch.undo()
    assert_as_before(out, world)


# -- killed half way --------------------------------------------------------------------


def start_build(world: World, out: Path) -> subprocess.Popen:
    args = [sys.executable, "-m", "heritage_mapper", "build", "--geodata", world.new, "-q"]
    args += ["--out", out / "maps", "--exports", out / "exports"]
    return subprocess.Popen(
        list(map(str, args)), cwd=out, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_for_entry(process, folder: Path, marker: str) -> bool:
    """Poll until a temporary entry matching ``marker`` shows in ``folder``; False if done."""
    while process.poll() is None:
        with contextlib.suppress(FileNotFoundError):
            for entry in os.scandir(folder):
                if is_temp_name(entry.name) and (
                    entry.is_dir() if marker == "<dir>" else marker in entry.name
                ):
                    return True
        time.sleep(POLL_SECONDS)
    return False


def assert_whole_files(out: Path, world: World) -> list[str]:
    """Every output is the whole old or the whole new file; returns the temp entries."""
    now = snapshot(out)
    for key, data in now.items():
        if key.split("/")[1].startswith(".heritage-mapper"):
            continue
        assert data in (world.outputs["old"][key], world.outputs["new"][key]), key
    assert set(world.outputs["old"]) <= set(now)
    return leftovers(out)


def test_sigkill_at_any_moment_leaves_whole_files_and_the_next_build_cleans_up(out, world):
    """One folder, killed again and again, as a flaky machine would; then one clean build.

    A killed run may leave temporary files and its lock file (nothing runs on
    SIGKILL); the next run removes them once it holds the lock.
    """
    hits, left = [], []
    for what, folder, marker in KILL_MOMENTS:
        process = start_build(world, out)
        hits.append((what, wait_for_entry(process, out / folder, marker)))
        process.kill()
        process.wait(RUN_TIMEOUT)
        left += assert_whole_files(out, world)
    for delay in KILL_DELAYS:
        process = start_build(world, out)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(delay)
        process.kill()
        process.wait(RUN_TIMEOUT)
        left += assert_whole_files(out, world)
    # A moment is missed only when the run ended first (a short window on a busy
    # machine); the invariant above was checked either way.
    assert sum(hit for _, hit in hits) >= len(hits) // 2, hits
    assert left, "no kill left a temporary file: the clean-up below was not exercised"
    build(world.new, out / "maps", exports_dir=out / "exports")
    assert snapshot(out) == world.outputs["new"]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_sigterm_and_sigint_remove_the_temporary_files(out, world, signum):
    for _ in range(SIGNAL_ATTEMPTS):
        process = start_build(world, out)
        if wait_for_entry(process, out / "exports", ".tmp.gpkg"):
            process.send_signal(signum)
        _, stderr = process.communicate(timeout=RUN_TIMEOUT)
        if process.returncode != 0:
            break
        # The build published its files before the signal came, or before its temporary
        # GeoPackage was seen (this test process was not scheduled in time, on a busy
        # machine): a whole new set; seed and try again.
        assert snapshot(out) == world.outputs["new"] and not leftovers(out)
        for folder in ("maps", "exports"):
            shutil.rmtree(out / folder)
        seed(out, world.outputs["old"])
    assert process.returncode == 128 + signum, stderr
    assert stderr.strip() == (
        f"interrupted ({signal.Signals(signum).name}); the files being written were "
        "discarded and the files they would have replaced are unchanged"
    )
    assert not leftovers(out)
    # The maps were in place before the exports began; the exports are as they were.
    assert snapshot(out) == new_maps_old_exports(world)


# -- two builds at once -----------------------------------------------------------------


def test_two_builds_at_once_take_turns_and_both_succeed(out, world):
    for _ in range(2):
        processes = [start_build(world, out) for _ in range(2)]
        results = [p.communicate(timeout=RUN_TIMEOUT) for p in processes]
        assert [p.returncode for p in processes] == [0, 0], results
        assert snapshot(out) == world.outputs["new"]
        seed(out, world.outputs["old"])


def waiting_on(process, lock: Path) -> bool:
    """Whether the process has ``lock`` open (Linux /proc), i.e. is waiting for it."""
    fds = Path(f"/proc/{process.pid}/fd")
    deadline = time.monotonic() + RUN_TIMEOUT
    while process.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if any(Path(os.readlink(fd)) == lock.resolve() for fd in fds.iterdir()):
                return True
        time.sleep(POLL_SECONDS * 10)
    return False


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux /proc")
def test_a_build_waits_while_another_run_holds_the_maps_folder(out, world):
    with output_lock(out / "maps") as lock:
        process = start_build(world, out)
        assert waiting_on(process, lock), process.communicate()
        time.sleep(0.3)
        assert process.poll() is None, process.communicate()
        assert part(snapshot(out), "maps") == {
            **part(world.outputs["old"], "maps"),
            f"maps/{LOCK_NAME}": b"",
        }
    assert process.wait(RUN_TIMEOUT) == 0, process.communicate()
    assert snapshot(out) == world.outputs["new"]
