"""Outputs only ever land inside their output folders (README "Security", "Outputs").

Each attack is run against the writers themselves, past validation where it would
stop it, with decoy files outside the output folders whose checksums are compared
before and after:

- a layer id ``../evil`` or an absolute path makes a page or export name that would
  leave the folder: refused (exit 2 from the CLI), nothing written;
- ``--out`` / ``--exports`` that are, hold or lie in the geodata folder, or are one
  folder (also through a symlink): refused before anything is read (exit 2);
- a symlink under the lock file's name, dangling or to a decoy: refused (exit 1),
  nothing created or changed where it points;
- a rebuild after a layer was removed from project.json publishes exactly the
  current layers: the old page and exports go, unrelated files stay, and a failed
  rebuild leaves the old set complete.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from heritage_mapper import load_geodata
from heritage_mapper.atomic import LOCK_NAME, MANIFEST_NAME, output_targets
from heritage_mapper.build import build
from heritage_mapper.cli import main
from heritage_mapper.errors import OutputError, UsageError
from heritage_mapper.export import export_layers
from heritage_mapper.render import build_maps

from .fixtures import EVENTS, SITES, make_geodata, write_json

DECOY_TEXT = b"a decoy: heritage-mapper must never write here\n"


def digest(path: Path) -> str | None:
    """sha256 of the file at ``path``, None when there is none."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def decoy(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(DECOY_TEXT)
    return path


def tree(folder: Path) -> dict[str, str | None]:
    """Every file under ``folder`` (relative name → sha256)."""
    return {str(p.relative_to(folder)): digest(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def run(*args: str):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


@pytest.fixture(scope="module")
def geodata(tmp_path_factory) -> Path:
    return make_geodata(tmp_path_factory.mktemp("secure"))


@pytest.fixture(scope="module")
def loaded(geodata):
    return load_geodata(geodata)


def with_layer_id(loaded, old: str, new: str):
    """The loaded geodata with layer ``old`` renamed ``new``, past validation."""
    project = loaded.project
    layers = tuple(
        dataclasses.replace(spec, id=new) if spec.id == old else spec for spec in project.layers
    )
    frames = {(new if key == old else key): frame for key, frame in loaded.layers.items()}
    return dataclasses.replace(
        loaded, project=dataclasses.replace(project, layers=layers), layers=frames
    )


# -- 1. every output name is a plain file name in its folder --------------------------


@pytest.mark.parametrize(
    "name", ["", ".", "..", "../evil.html", "a/b.html", "a\\b.html", "a\0b.html", "/tmp/x.html"]
)
def test_a_name_that_is_not_a_plain_file_name_is_refused(tmp_path, name):
    with pytest.raises(UsageError, match="not a plain file name"):
        output_targets(tmp_path, ["index.html", name])


def hostile_ids(tmp_path: Path) -> list[tuple[str, Path]]:
    """(layer id, the page it would write outside maps/) for a relative and an absolute id."""
    return [
        ("../evil", tmp_path / "evil.html"),
        (str(tmp_path / "abs"), tmp_path / "abs.html"),
    ]


@pytest.mark.parametrize("which", [0, 1], ids=["dot-dot", "absolute"])
def test_a_layer_id_that_is_a_path_writes_no_page_anywhere(tmp_path, loaded, which):
    layer_id, outside = hostile_ids(tmp_path)[which]
    decoy(outside)
    before = digest(outside)
    maps = tmp_path / "maps"
    with pytest.raises(UsageError, match="not a plain file name") as caught:
        build_maps(with_layer_id(loaded, "mines", layer_id), maps)
    assert repr(layer_id + ".html") in str(caught.value)
    assert digest(outside) == before
    assert not maps.exists() or not any(maps.iterdir())


@pytest.mark.parametrize("which", [0, 1], ids=["dot-dot", "absolute"])
def test_a_layer_id_that_is_a_path_writes_no_export_anywhere(tmp_path, loaded, which):
    layer_id, _ = hostile_ids(tmp_path)[which]
    exports = tmp_path / "exports"
    exports.mkdir()
    decoys = [decoy(tmp_path / "evil.geojson"), decoy(tmp_path / "abs.geojson")]
    before = [digest(p) for p in decoys]
    with pytest.raises(UsageError, match="not a plain file name"):
        export_layers(with_layer_id(loaded, "mines", layer_id), exports, overwrite=True)
    assert [digest(p) for p in decoys] == before
    assert list(exports.iterdir()) == []


def test_the_cli_says_so_in_one_line_with_exit_2(tmp_path, loaded, monkeypatch):
    """Whatever reaches the writer (here a loader that lets the id through): exit 2."""
    import heritage_mapper.frames

    hostile = with_layer_id(loaded, "mines", "../evil")
    monkeypatch.setattr(heritage_mapper.frames, "load_geodata", lambda *a, **k: hostile)
    outside = decoy(tmp_path / "evil.html")
    result = run("build", "--geodata", tmp_path / "g", "--out", tmp_path / "maps", "--no-exports")
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert "'../evil.html'" in line and "rename" in line
    assert outside.read_bytes() == DECOY_TEXT


# -- 2. output folders never overlap the geodata folder or each other ---------------


def overlap_cases(root: Path, geodata: Path) -> dict[str, list]:
    maps, exports = root / "maps", root / "exports"
    return {
        "exports-is-geodata": ["--out", maps, "--exports", geodata],
        "maps-is-geodata": ["--out", geodata, "--exports", exports],
        "maps-inside-geodata": ["--out", geodata / "maps", "--exports", exports],
        "exports-inside-geodata": ["--out", maps, "--exports", geodata / "layers" / "x"],
        "maps-contains-geodata": ["--out", geodata.parent, "--exports", exports],
        "maps-is-exports": ["--out", maps, "--exports", maps],
    }


@pytest.mark.parametrize("case", list(overlap_cases(Path("r"), Path("r/g"))))
def test_overlapping_folders_are_refused_before_anything_is_read(tmp_path, geodata, case):
    root = tmp_path / "out"
    args = overlap_cases(root, geodata)[case]
    before = tree(geodata.parent)
    result = run("build", "--geodata", geodata, *args)
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: --") and "choose another" in line
    assert str(args[1]) in line or str(args[3]) in line
    assert tree(geodata.parent) == before  # events.csv and the rest byte-identical
    assert not root.exists()


def test_a_symlink_to_the_geodata_folder_is_seen_through(tmp_path, geodata):
    link = tmp_path / "exports-link"
    link.symlink_to(geodata, target_is_directory=True)
    before = tree(geodata)
    result = run("build", "--geodata", geodata, "--out", tmp_path / "maps", "--exports", link)
    assert result.exit_code == 2, result.output
    assert "is the same folder as --geodata" in result.stderr
    assert tree(geodata) == before and not (tmp_path / "maps").exists()


def test_a_symlink_from_exports_to_maps_is_seen_through(tmp_path, geodata):
    maps = tmp_path / "maps"
    maps.mkdir()
    (tmp_path / "exports").symlink_to(maps, target_is_directory=True)
    result = run("build", "--geodata", geodata, "--out", maps, "--exports", tmp_path / "exports")
    assert result.exit_code == 2, result.output
    assert "--exports" in result.stderr and "--out" in result.stderr
    assert list(maps.iterdir()) == []


@pytest.mark.parametrize("case", ["same", "inside"])
def test_a_case_insensitive_file_system_is_seen_through(tmp_path, geodata, monkeypatch, case):
    """On macOS or Windows ``GEODATA/maps`` is inside ``geodata``: names differ, the
    folders do not. Simulated with a samefile that ignores case, as those systems do."""
    real_samefile = os.path.samefile

    def samefile(a, b):
        a, b = Path(a), Path(b)
        if str(a).lower() == str(b).lower():
            return Path(str(a).lower()).exists() or real_samefile(str(a).lower(), str(b).lower())
        return real_samefile(a, b)

    upper = geodata.parent / geodata.name.upper()
    upper.mkdir(exist_ok=True)  # on a case-insensitive system, geodata itself
    monkeypatch.setattr(os.path, "samefile", samefile)
    out = upper if case == "same" else upper / "maps"
    before = tree(geodata)
    result = run("build", "--geodata", geodata, "--out", out, "--exports", tmp_path / "exports")
    assert result.exit_code == 2, result.output
    wanted = "is the same folder as" if case == "same" else "is inside"
    assert f"{wanted} --geodata" in result.stderr, result.stderr
    assert tree(geodata) == before


@pytest.mark.parametrize("where", ["same", "inside"])
def test_export_into_the_geodata_folder_is_refused(tmp_path, geodata, where):
    out = geodata if where == "same" else geodata / "exports"
    before = tree(geodata)
    result = run("export", "--format", "csv", "--geodata", geodata, "--out", out, "--overwrite")
    assert result.exit_code == 2, result.output
    assert "--geodata" in result.stderr and "choose another --out" in result.stderr
    assert tree(geodata) == before


def test_exports_inside_maps_are_fine(tmp_path, geodata):
    maps = tmp_path / "maps"
    build(geodata, maps, exports_dir=maps / "exports")
    assert (maps / "index.html").is_file() and (maps / "exports" / "heritage.gpkg").is_file()


# -- 3. the lock never follows a symlink ---------------------------------------------


@pytest.mark.parametrize("target", ["dangling", "decoy"])
def test_a_symlink_named_like_the_lock_is_refused(tmp_path, geodata, target):
    maps = tmp_path / "maps"
    maps.mkdir()
    pointed = tmp_path / "outside" / "pointed-at"
    pointed.parent.mkdir()  # so that following the link could create the file
    if target == "decoy":
        decoy(pointed)
    before = digest(pointed)
    (maps / LOCK_NAME).symlink_to(pointed)
    result = run("build", "--geodata", geodata, "--out", maps, "--no-exports")
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.strip().splitlines()
    assert f"{maps / LOCK_NAME}: the lock file's name is a symbolic link" in line
    assert digest(pointed) == before  # not created (dangling), not changed (decoy)
    assert not pointed.exists() if target == "dangling" else pointed.read_bytes() == DECOY_TEXT
    assert sorted(p.name for p in maps.iterdir()) == [LOCK_NAME]  # no page, the link left


# -- 4. a rebuild publishes exactly the current layers -----------------------------


def without_mines(tmp_path: Path) -> Path:
    """The fixture folder with the ``mines`` layer removed from project.json."""
    sites = [s for s in SITES if s["layer"] != "mines"]
    mine_ids = {s["id"] for s in SITES if s["layer"] == "mines"}
    events = [e for e in EVENTS if not set(e["site_ids"].split(";")) & mine_ids]
    folder = make_geodata(tmp_path, sites=sites, events=events, name="geodata-2")
    project = json.loads((folder / "project.json").read_text(encoding="utf-8"))
    project["layers"] = [layer for layer in project["layers"] if layer["id"] != "mines"]
    write_json(folder / "project.json", project)
    (folder / "layers" / "mines.geojson").unlink()
    return folder


def manifest(folder: Path) -> list[str]:
    return json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))["files"]


@pytest.fixture
def built(tmp_path, geodata):
    """maps/ and exports/ of a build of both layers, plus unrelated files of the user's."""
    maps, exports = tmp_path / "maps", tmp_path / "exports"
    build(geodata, maps, exports_dir=exports)
    for path in (maps / "notes.txt", maps / "by-hand.html", exports / "README.txt"):
        path.write_text("the user's own file\n", encoding="utf-8")
    return maps, exports


def test_a_removed_layer_loses_its_page_and_exports(tmp_path, built):
    maps, exports = built
    assert {"mines.html", "sites-mines.geojson"} <= set(manifest(maps) + manifest(exports))
    result = run("build", "--geodata", without_mines(tmp_path), "--out", maps, "--exports", exports)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in maps.iterdir()) == sorted(
        [MANIFEST_NAME, "by-hand.html", "harbour.html", "index.html", "notes.txt"]
    )
    assert manifest(maps) == ["harbour.html", "index.html"]
    left = {p.name for p in exports.iterdir()}
    assert not [name for name in left if "mines" in name]
    assert {"sites-harbour.geojson", "heritage.gpkg", "README.txt"} <= left
    assert sorted(manifest(exports)) == sorted(left - {MANIFEST_NAME, "README.txt"})


def test_a_failed_rebuild_keeps_the_old_set_complete(tmp_path, built, monkeypatch):
    maps, _ = built
    before = tree(maps)
    real_replace = os.replace

    def refusing(src, dst, *args, **kwargs):
        if Path(dst).name == MANIFEST_NAME:  # the last move of the set
            raise PermissionError(errno.EACCES, "Permission denied", str(src), None, str(dst))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", refusing)
    with pytest.raises(OutputError, match="nothing was replaced"):
        build_maps(load_geodata(without_mines(tmp_path)), maps)
    monkeypatch.undo()
    assert tree(maps) == before  # mines.html still there, every page the old one


def test_a_tampered_manifest_removes_nothing_outside_the_set(tmp_path, built):
    maps, exports = built
    outside = decoy(tmp_path / "outside.html")
    unrelated = decoy(maps / "unrelated.txt")
    doc = {"files": ["../outside.html", str(outside), "unrelated.txt", LOCK_NAME, "mines.html"]}
    (maps / MANIFEST_NAME).write_text(json.dumps(doc), encoding="utf-8")
    build(without_mines(tmp_path), maps, exports_dir=exports)
    assert outside.read_bytes() == DECOY_TEXT and unrelated.read_bytes() == DECOY_TEXT
    assert not (maps / "mines.html").exists()
    assert (maps / "by-hand.html").is_file()


def test_the_export_command_leaves_the_published_set_alone(tmp_path, built, geodata):
    """``export`` writes what it is asked for; only build replaces the set (and prunes)."""
    _, exports = built
    listed = manifest(exports)
    result = run("export", "--format", "kml", "--geodata", geodata, "--out", exports, "--overwrite")
    assert result.exit_code == 0, result.output
    assert manifest(exports) == listed
    assert (exports / "sites-mines.geojson").is_file()


def test_a_page_left_by_a_run_stopped_before_removing_goes_next_time(tmp_path, built, monkeypatch):
    """Killed between moving the set into place and removing the old files: the
    manifest lists those under "removing", and the next build removes them."""
    maps, exports = built
    smaller = without_mines(tmp_path)
    real_unlink = Path.unlink

    def failing(path, *args, **kwargs):
        if path.name == "mines.html":
            raise OSError(errno.EIO, "stopped here", str(path))
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(Path, "unlink", failing)
    build_maps(load_geodata(smaller), maps)
    monkeypatch.undo()
    assert (maps / "mines.html").is_file()
    doc = json.loads((maps / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert doc["removing"] == ["mines.html"]
    build(smaller, maps, exports_dir=exports)
    assert not (maps / "mines.html").exists()
    build_maps(load_geodata(smaller), maps)  # and once gone, it is no longer listed
    doc = json.loads((maps / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert doc == {
        "generator": "heritage-mapper",
        "files": ["harbour.html", "index.html"],
        "removing": [],
    }


@pytest.mark.parametrize("layer_id", ["../evil", "ABS"], ids=["dot-dot", "absolute"])
def test_a_loose_folder_schema_cannot_write_outside_either(tmp_path, layer_id):
    """End to end: the folder's own project schema lets any layer id through; the
    writer refuses it (exit 2), or validation does (exit 1) where it checks ids."""
    from importlib.resources import files

    outside = decoy(tmp_path / "evil.html") if layer_id == "../evil" else None
    if layer_id == "ABS":
        layer_id = str(tmp_path / "abs")
        outside = decoy(tmp_path / "abs.html")
    folder = make_geodata(tmp_path)
    schema = json.loads(
        (files("heritage_mapper") / "schemas" / "project.schema.json").read_text("utf-8")
    )
    schema["$defs"]["slug"] = {"type": "string"}
    write_json(folder / "loose.schema.json", schema)
    project = json.loads((folder / "project.json").read_text(encoding="utf-8"))
    project["schemas"] = {"project": "loose.schema.json"}
    project["layers"][1]["id"] = layer_id
    write_json(folder / "project.json", project)
    maps, exports = tmp_path / "maps", tmp_path / "exports"
    result = run("build", "--geodata", folder, "--out", maps, "--exports", exports)
    assert result.exit_code in (1, 2), result.output
    assert outside.read_bytes() == DECOY_TEXT
    assert not maps.exists() or not any(maps.iterdir())
    assert not exports.exists() or not any(exports.iterdir())


def test_a_symlink_loop_as_an_output_folder_is_a_usage_error(tmp_path, geodata):
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    result = run("build", "--geodata", geodata, "--out", loop / "maps", "--no-exports")
    assert result.exit_code == 2, result.output
    assert "--out" in result.stderr and tree(geodata)  # one line, no internal error


def test_the_api_writers_refuse_the_geodata_folder_too(tmp_path):
    folder = make_geodata(tmp_path)
    data = load_geodata(folder)
    before = tree(folder)
    with pytest.raises(UsageError, match="--geodata"):
        build_maps(data, folder / "maps")
    with pytest.raises(UsageError, match="--geodata"):
        export_layers(data, folder, ["csv"], overwrite=True)
    assert tree(folder) == before and not (folder / "maps").exists()
