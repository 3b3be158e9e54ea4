"""``check`` streams a big FeatureCollection: the same findings as reading it whole.

The streamed path is forced on small files made here (``stream_min_bytes=0``) with tiny
blocks, so one file is checked in many chunks; its report must be the whole-file one,
finding for finding (code, pointer, line, feature index and id, message), with the
same caps and counts of findings not kept.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from heritage_mapper.cli import main
from heritage_mapper.problems import Report
from heritage_mapper.validate.geojson import CHECK_MAX_BYTES, check_files
from heritage_mapper.validate.geojson_stream import check_streamed

from .conftest import REPO

SQUARE_CW = [[105.0, 21.0], [105.0, 21.1], [105.1, 21.1], [105.1, 21.0], [105.0, 21.0]]
BOW_TIE = [[105.0, 21.0], [105.1, 21.1], [105.1, 21.0], [105.0, 21.1], [105.0, 21.0]]
NEVER = 10**15  # a stream_min_bytes no file reaches: the whole-file path


def _feature(i: int, kinds: tuple[int, ...] = tuple(range(13))) -> str:
    """Feature ``i``: most are fine, the rest have one of many different problems."""
    props = {"id": f"s-{i}", "name": f"Site {i}"}
    geometry = {"type": "Point", "coordinates": [105.0 + i / 1000, 21.0]}
    kind = kinds[i % len(kinds)]
    if kind == 1:
        geometry["coordinates"] = [105.0, 95.0 + i]  # latitude out of range
    elif kind == 2:
        geometry["coordinates"] = [105.123456789, 21.0]  # too many decimals
    elif kind == 3:
        return json.dumps({"type": "Feature", "geometry": geometry})  # no properties
    elif kind == 4:  # a duplicate key and a NaN: reader findings
        return (
            '{"type": "Feature", "properties": {"id": "a", "id": "b"}, '
            '"geometry": {"type": "Point", "coordinates": [NaN, 21.0]}}'
        )
    elif kind == 5:
        geometry = {"type": "Polygon", "coordinates": [SQUARE_CW]}  # winding
    elif kind == 6:
        geometry = {"type": "Polygon", "coordinates": [BOW_TIE]}  # invalid
    elif kind == 7:
        geometry = {"type": "MultiPolygon", "coordinates": [[BOW_TIE], [SQUARE_CW]]}
    elif kind == 8:
        geometry = {"type": "LineString", "coordinates": [[179.5, 10.0], [-179.5, 10.0]]}
    elif kind == 9:  # pretty-printed over several lines, with a wrong id type
        return json.dumps(
            {"type": "Feature", "id": [i], "properties": props, "geometry": geometry}, indent=2
        )
    elif kind == 10:
        geometry = {"type": "LineString", "coordinates": [[105.0, 21.0], [105.0, 21.0]]}
    elif kind == 11:
        return json.dumps([i])  # not an object
    elif kind == 12:
        geometry = {"type": "point", "coordinates": [105.0, 21.0]}  # wrong case
    return json.dumps({"type": "Feature", "properties": props, "geometry": geometry})


def _write(path, count: int, *, before: str = "", after: str = "", kinds=tuple(range(13))):
    features = ",\n".join(_feature(i, kinds) for i in range(count))
    path.write_text(
        '{\n"type": "FeatureCollection",\n'
        + before
        + '"features": [\n'
        + features
        + "\n]"
        + after
        + "\n}\n",
        encoding="utf-8",
    )


def _streamed(path, block_bytes: int) -> Report:
    report = Report()
    report.add_file(path)
    assert check_streamed(path, report, block_bytes=block_bytes), "fell back to a whole read"
    return report


def _same(streamed: Report, whole: Report) -> None:
    assert streamed.to_json() == whole.to_json()
    assert streamed.problems == whole.problems  # every field, feature id and index too
    assert streamed.omitted == whole.omitted
    assert (streamed.error_count, streamed.warning_count) == (
        whole.error_count,
        whole.warning_count,
    )


@pytest.mark.parametrize("block_bytes", [16, 700, 64 * 1024])
@pytest.mark.parametrize("count", [300, 1400])
def test_streamed_check_gives_the_whole_file_findings(tmp_path, block_bytes, count):
    path = tmp_path / "mixed.geojson"
    # members before and after the features, with their own findings (a duplicate key,
    # a NaN in the bbox after the features); with 1400 features, more than 100 findings
    # of most codes and more than 1000 in all
    _write(
        path,
        count,
        before='"name": "a", "name": "b",\n"crs": {"type": "name", "properties": '
        '{"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},\n',
        after=',\n"bbox": [NaN, 0, 1, 1]',
    )
    whole = check_files([path], stream_min_bytes=NEVER)
    streamed = _streamed(path, block_bytes)
    _same(streamed, whole)
    codes = {p.code for p in whole.problems} | set(whole.omitted.get(str(path), {}))
    assert {"json-duplicate-key", "json-nan", "geometry-invalid", "geojson-winding"} <= codes
    assert {"geojson-coordinate-precision", "geojson-antimeridian", "geojson-crs-member"} <= codes
    assert bool(whole.omitted) == (count > 1000)  # over the caps, the order of steps matters
    # the pointers carry the feature's index in the whole file, with its line
    far = [p for p in streamed.problems if p.location.pointer.startswith("/features/13")]
    assert far and all(p.location.line for p in far)
    (one,) = [p for p in streamed.problems if p.location.pointer.startswith("/features/1/")]
    assert one.location.pointer == "/features/1/geometry/coordinates"
    assert (one.location.feature_index, one.location.feature_id, one.location.line) == (1, "s-1", 7)


def test_streamed_check_keeps_the_first_invalid_geometries_of_each_family_in_order(tmp_path):
    # 600 invalid lines, polygons and multipolygons, interleaved: the whole-file check
    # reports the lines first (then the polygons...), so its 100 kept are all lines
    path = tmp_path / "invalid.geojson"
    _write(path, 600, kinds=(6, 7, 10))
    whole = check_files([path], stream_min_bytes=NEVER)
    _same(_streamed(path, 700), whole)
    invalid = [p for p in whole.problems if p.code == "geometry-invalid"]
    assert len(invalid) == 100 and all("LineString" in p.message for p in invalid)


def test_check_files_streams_a_big_file_and_gives_the_same_report(tmp_path):
    path = tmp_path / "mixed.geojson"
    _write(path, 300)
    whole = check_files([path], stream_min_bytes=NEVER)
    streamed = check_files([path], stream_min_bytes=0, block_bytes=256)
    _same(streamed, whole)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("syntax", '{"type": "FeatureCollection", "features": [{"type": "Feature"} {}]}'),
        ("trailing-comma", '{"type": "FeatureCollection", "features": [{"type": "Feature"},]}'),
        ("bom", '\ufeff{"type": "FeatureCollection", "features": []}'),
        ("feature-root", '{"type": "Feature", "properties": {}, "geometry": null}'),
        ("type-after", '{"features": [], "type": "Feature"}'),
        ("two-features", '{"type": "FeatureCollection", "features": [], "features": [1]}'),
        (
            "feature-crs",
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},'
            ' "geometry": {"type": "Point", "coordinates": [500000, 2300000]}}, {"type": '
            '"Feature", "properties": {}, "geometry": null, "crs": {"type": "name", '
            '"properties": {"name": "EPSG:32648"}}}]}',
        ),
        ("lone-surrogate", '{"type": "FeatureCollection", "features": [{"a": "\\udc80"}]}'),
        ("unclosed", '{"type": "FeatureCollection", "features": [{"type": "Feature"}, '),
    ],
)
def test_what_is_not_streamed_is_read_whole_with_the_same_findings(tmp_path, name, text):
    path = tmp_path / f"{name}.geojson"
    path.write_text(text, encoding="utf-8")
    whole = check_files([path], stream_min_bytes=NEVER)
    _same(check_files([path], stream_min_bytes=0, block_bytes=8), whole)


def test_check_reads_up_to_1_gib_by_default_and_max_bytes_still_refuses():
    assert CHECK_MAX_BYTES == 2**30
    result = CliRunner().invoke(main, ["check", "--help"])
    assert "1 GiB" in " ".join(result.output.split())


_PEAK = """
import resource, sys
sys.path.insert(0, sys.argv[3])
from check_scale import write_points
from heritage_mapper.validate.geojson import check_files
write_points(sys.argv[1], int(sys.argv[2]))
report = check_files([sys.argv[1]], stream_min_bytes=0, block_bytes=256 * 1024)
assert report.files and not report.problems, report.to_text()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def _peak_rss(tmp_path, points: int) -> int:
    env = {"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, str(tmp_path / f"{points}.geojson"), str(points)]
        + [str(REPO / "benchmarks")],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return int(done.stdout.split()[-1])


def test_streamed_check_memory_does_not_grow_with_the_number_of_features(tmp_path):
    # 20,000 and 80,000 points (5 and 21 MB): read whole, the second takes ~100 MB more;
    # streamed in 256 KiB blocks both peak at the interpreter and the libraries' size
    small, big = _peak_rss(tmp_path, 20_000), _peak_rss(tmp_path, 80_000)
    assert big - small < 16 * 2**20, (small, big)
