"""`heritage-mapper export`: what it writes, what it refuses, and that refusals change nothing.

Data: the small fixture folder (tests/fixtures.py); the command's behaviour does not
depend on the Quảng Ninh content.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from heritage_mapper.atomic import TEMP_PREFIX
from heritage_mapper.cli import main
from heritage_mapper.export import FORMAT_NAMES, kml

from .fixtures import LAYERS, make_geodata

ALL_WGS84 = {
    "heritage.gpkg",
    "heritage.kml",
    "heritage.gpx",
    "heritage.lpf.json",
    "heritage.qgz",
    "sites.csv",
    "events.csv",
    *(
        f"sites-{layer}{ext}"
        for layer, _ in LAYERS  # harbour, mines
        for ext in (".geojson", ".shp.zip", ".fgb")
    ),
    "events-at-sites.geojson",
    "events-at-sites.shp.zip",
    "events-at-sites.fgb",
}


@pytest.fixture(scope="module")
def geodata(tmp_path_factory) -> Path:
    """The small fixture folder, written once for the module (no test changes it)."""
    return make_geodata(tmp_path_factory.mktemp("small"))


@pytest.fixture(scope="module")
def export(geodata):
    """``export(*args)``: ``heritage-mapper export --geodata <fixture> *args``."""

    def run(*args):
        result = CliRunner().invoke(main, ["export", "--geodata", str(geodata), *map(str, args)])
        assert "Traceback" not in result.output
        return result

    return run


def snapshot(folder: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


@pytest.fixture(scope="module")
def earlier(tmp_path_factory, export):
    """A folder holding a full WGS84 export, as a user would have from an earlier run."""
    folder = tmp_path_factory.mktemp("exports")
    result = export("--format", "all", "--out", folder)
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def untouched(earlier):
    """Asserts after the test that the earlier export is byte-identical."""
    before = snapshot(earlier)
    yield earlier
    assert snapshot(earlier) == before


def test_format_all_writes_every_format(earlier):
    assert set(snapshot(earlier)) == ALL_WGS84


def test_output_lists_each_file_with_its_size(tmp_path, export):
    result = export("--format", "gpx", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    size = (tmp_path / "heritage.gpx").stat().st_size
    assert f"wrote {tmp_path / 'heritage.gpx'} ({size:,} bytes)" in result.stdout


def test_formats_repeat_or_separate_with_commas(tmp_path, export):
    result = export("--format", "csv,gpx", "--format", "kml", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert set(snapshot(tmp_path)) == {"sites.csv", "events.csv", "heritage.gpx", "heritage.kml"}


def test_existing_output_is_refused_without_overwrite(untouched, export):
    result = export("--format", "kml", "--out", untouched)
    assert result.exit_code == 1
    message = one_line(result.stderr)
    assert str(untouched / "heritage.kml") in message and "--overwrite" in message


def test_overwrite_replaces_atomically_and_identically(untouched, export):
    result = export("--format", "all", "--out", untouched, "--overwrite")
    assert result.exit_code == 0, result.output
    assert not [p for p in untouched.iterdir() if p.name.startswith(TEMP_PREFIX)]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--format", "xlsx"], 2, "--format xlsx: unknown format; choose from geojson"),
        (["--format", "gpkg", "--crs", "EPSG:999999"], 2, "PROJ knows no such EPSG code"),
        (["--format", "gpkg", "--crs", "VN2000"], 2, "not an EPSG code"),
        (["--format", "geojson", "--crs", "EPSG:5899"], 2, "--format geojson cannot use --crs"),
        (["--format", "kml", "--crs", "EPSG:3405"], 2, "--format kml cannot use --crs"),
        (["--format", "gpkg", "--crs", "EPSG:2154"], 2, "meant for France"),
        (["--format", "gpkg", "--layer", "nope"], 2, "--layer nope: no such layer"),
    ],
)
def test_bad_requests_say_why_and_change_nothing(untouched, args, code, message, export):
    result = export(*args, "--out", untouched, "--overwrite")
    assert result.exit_code == code, result.output
    assert message in one_line(result.stderr)


def test_unwritable_folder_is_exit_1_and_changes_nothing(untouched, tmp_path, export):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = export("--format", "all", "--out", blocker / "exports")
    assert result.exit_code == 1
    assert "cannot create the output folder" in one_line(result.stderr)
    assert blocker.read_text() == "not a folder"


def test_a_writer_failing_halfway_leaves_every_file_as_it_was(untouched, monkeypatch, export):
    def broken(data, paths):
        for path in paths.values():
            path.write_bytes(b"half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kml, "write", broken)
    result = export("--format", "all", "--out", untouched, "--overwrite")
    assert result.exit_code == 1
    assert "No space left on device" in one_line(result.stderr)
    assert not [p for p in untouched.iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_all_with_a_crs_writes_what_can_hold_it_and_says_what_was_skipped(tmp_path, export):
    result = export("--format", "all", "--crs", "EPSG:5899", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    names = set(snapshot(tmp_path))
    assert "heritage.epsg5899.gpkg" in names and "sites.epsg5899.csv" in names
    assert not [n for n in names if n.endswith((".geojson", ".kml", ".gpx", ".lpf.json"))]
    assert "skipped geojson, kml, gpx, lpf" in result.stderr
    assert "EPSG:5899" in result.stderr


def test_help_names_every_format_and_gives_an_example():
    result = CliRunner().invoke(main, ["export", "--help"])
    assert result.exit_code == 0
    assert "heritage-mapper export --format all" in result.output
    # the --format option's own line names each one (qgis was missing from it)
    option = " ".join(result.output.split("--format FORMAT", 1)[1].split("--crs", 1)[0].split())
    for name in FORMAT_NAMES:
        assert name + "," in option or name + " or all" in option, name


def test_warnings_of_a_folder_that_passes_are_shown(tmp_path, export):
    # as build shows them: the real folder without --sources-dir leaves its citations'
    # paragraphs unchecked, and export said nothing of it
    from .conftest import GEODATA

    args = ["export", "--geodata", str(GEODATA), "--format", "csv", "--out", str(tmp_path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "warning [sources-dir-outside]" in result.stderr
    assert "wrote" in result.stdout and "warning [" not in result.stdout
    clean = export("--format", "csv", "--out", tmp_path / "clean")  # no warning: no word
    assert clean.exit_code == 0 and clean.stderr == "", clean.output


def _empty_layers(geodata: Path, *stems: str, into: str | None = None) -> None:
    """Empty the layers ``stems`` (their sites moved to the layer ``into``, if given)."""
    import json

    moved = []
    for stem in stems:
        path = geodata / "layers" / f"{stem}.geojson"
        doc = json.loads(path.read_text(encoding="utf-8"))
        moved += doc["features"]
        doc["features"] = []
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    if into is not None:
        path = geodata / "layers" / f"{into}.geojson"
        doc = json.loads(path.read_text(encoding="utf-8"))
        doc["features"] += moved
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def test_a_layer_with_no_site_yet_exports_as_empty_files(geodata_copy, tmp_path):
    # An empty FeatureCollection passes validation (and is the fix json-empty gives);
    # its frame had no columns, and every format failed with "internal error: KeyError"
    import json

    import pyogrio

    _empty_layers(geodata_copy, "ho-chi-minh-1959", into="coal-industry")
    out = tmp_path / "exports"
    result = CliRunner().invoke(
        main, ["export", "--geodata", str(geodata_copy), "--format", "all", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "sites-ho-chi-minh-1959.geojson").read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and doc["features"] == []
    for name in ("sites-ho-chi-minh-1959.fgb", "sites-ho-chi-minh-1959.shp.zip"):
        frame = pyogrio.read_dataframe(out / name)
        assert len(frame) == 0 and {"id", "name_vi", "name_en"} <= set(frame.columns), name
    empty = pyogrio.read_dataframe(out / "heritage.gpkg", layer="sites-ho-chi-minh-1959")
    moved = pyogrio.read_dataframe(out / "heritage.gpkg", layer="sites-coal-industry")
    assert len(empty) == 0 and list(empty.columns) == list(moved.columns)
    assert "tuan-chau-fishing-village" in set(moved["id"])  # the moved site, in its new layer


def test_a_folder_with_no_site_at_all_builds(geodata_copy, tmp_path):
    _empty_layers(geodata_copy, *(p.stem for p in (geodata_copy / "layers").glob("*.geojson")))
    header = (geodata_copy / "events.csv").read_text(encoding="utf-8").splitlines()[0]
    (geodata_copy / "events.csv").write_text(header + "\n", encoding="utf-8")
    (geodata_copy / "tours.json").write_text('{"tours": []}\n', encoding="utf-8")
    maps, exports = tmp_path / "maps", tmp_path / "exports"
    args = ["build", "--geodata", str(geodata_copy), "--out", str(maps), "--exports", str(exports)]
    result = CliRunner().invoke(main, [*args, "-q"])
    assert result.exit_code == 0, result.output
    assert (maps / "index.html").is_file() and (exports / "heritage.gpkg").is_file()


def test_quiet_export_writes_and_prints_nothing(tmp_path, export):
    out = tmp_path / "quiet"
    result = export("--format", "csv", "--out", out, "-q")
    assert result.exit_code == 0 and result.output == ""
    assert {p.name for p in out.iterdir()} == {"sites.csv", "events.csv"}
    loud = export("--format", "csv", "--out", tmp_path / "loud")
    assert "wrote " in loud.output


def test_layers_separate_with_commas_and_a_language_in_capitals_is_taken(tmp_path, export):
    # "--layer a,b" said "no such layer 'a,b'", and "--lang EN" was refused
    two = tmp_path / "two"
    result = export("--format", "csv", "--layer", "harbour,mines", "--out", two)
    assert result.exit_code == 0, result.output
    each = tmp_path / "each"
    assert (
        export("--format", "csv", "--layer", "harbour", "--layer", "mines", "--out", each).exit_code
        == 0
    )
    assert snapshot(two) == snapshot(each)
    result = export("--format", "qgis", "--lang", "EN", "--out", tmp_path / "qgis")
    assert result.exit_code == 0, result.output
