"""RFC 7946 structure and geometry checks on small GeoJSON built in code."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heritage_mapper.problems import ERROR, WARNING
from heritage_mapper.validate import check_document, check_file, check_files
from heritage_mapper.validate.geojson import CODES

SQUARE_CCW = [[105.0, 21.0], [105.1, 21.0], [105.1, 21.1], [105.0, 21.1], [105.0, 21.0]]
HOLE_CW = [[105.02, 21.02], [105.02, 21.08], [105.08, 21.08], [105.08, 21.02], [105.02, 21.02]]
BOW_TIE = [[105.0, 21.0], [105.1, 21.1], [105.1, 21.0], [105.0, 21.1], [105.0, 21.0]]


def feature(geometry, **members) -> dict:
    return {"type": "Feature", "properties": {}, "geometry": geometry, **members}


def collection(*features, **members) -> dict:
    return {"type": "FeatureCollection", "features": list(features), **members}


def point(*position) -> dict:
    return {"type": "Point", "coordinates": list(position)}


def polygon(*rings) -> dict:
    return {"type": "Polygon", "coordinates": [list(r) for r in rings]}


def only(problems, code):
    found = [p for p in problems if p.code == code]
    assert len(found) == 1, problems
    return found[0]


@pytest.mark.parametrize(
    ("doc", "code", "severity", "pointer"),
    [
        pytest.param(
            collection(feature(point(105.0, 200.0))),
            "geojson-position-range",
            ERROR,
            "/features/0/geometry/coordinates",
            id="latitude-200",
        ),
        pytest.param(
            collection(feature(polygon(SQUARE_CCW[::-1]))),
            "geojson-winding",
            WARNING,
            "/features/0/geometry/coordinates/0",
            id="clockwise-exterior",
        ),
        pytest.param(
            collection(feature(polygon(SQUARE_CCW, HOLE_CW[::-1]))),
            "geojson-winding",
            WARNING,
            "/features/0/geometry/coordinates/1",
            id="counter-clockwise-hole",
        ),
        pytest.param(
            collection(
                feature(point(105.0, 21.0)),
                crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
            ),
            "geojson-crs-member",
            WARNING,
            "/crs",
            id="crs-member",
        ),
        pytest.param(
            collection(feature(polygon(BOW_TIE))),
            "geometry-invalid",
            ERROR,
            "/features/0/geometry",
            id="self-intersection",
        ),
        pytest.param(
            collection(feature(point(105.0, 21.0), id={"n": 1})),
            "geojson-feature-id-type",
            ERROR,
            "/features/0/id",
            id="feature-id-object",
        ),
        pytest.param(
            collection(feature(point(105.0, 21.0), id=True)),
            "geojson-feature-id-type",
            ERROR,
            "/features/0/id",
            id="feature-id-boolean",
        ),
        pytest.param(
            collection(feature({"type": "LineString", "coordinates": [[179.5, 0], [-179.5, 0]]})),
            "geojson-antimeridian",
            WARNING,
            "/features/0/geometry/coordinates/0",
            id="antimeridian-jump",
        ),
        pytest.param(
            collection(feature(polygon([[-190, 0], [-170, 0], [-170, 5], [-190, 5], [-190, 0]]))),
            "geojson-antimeridian",
            WARNING,
            "/features/0/geometry/coordinates/0/0",
            id="antimeridian-continuous-longitudes",
        ),
        pytest.param(
            collection(feature(polygon(SQUARE_CCW[:-1]))),
            "geojson-ring-not-closed",
            ERROR,
            "/features/0/geometry/coordinates/0",
            id="unclosed-ring",
        ),
        pytest.param(
            {"type": "featurecollection", "features": []},
            "geojson-type-unknown",
            ERROR,
            "/type",
            id="type-case",
        ),
        pytest.param(
            collection({"type": "Feature", "geometry": None}),
            "geojson-feature-properties-missing",
            ERROR,
            "/features/0",
            id="no-properties",
        ),
    ],
)
def test_finding(doc, code, severity, pointer):
    problems = check_document(doc, "x.geojson", range_severity=ERROR)
    problem = only(problems, code)
    assert problem.severity == severity
    assert problem.location.pointer == pointer
    assert problem.path == "x.geojson"
    if pointer.startswith("/features/0"):
        assert problem.location.feature_index == 0
    if severity == WARNING:
        assert not any(p.is_error for p in problems), problems


@pytest.mark.parametrize(
    ("position", "swapped"),
    [((21.0, 105.8), True), ((200.0, 21.0), False), ((105.8, -95.0), False)],
)
def test_out_of_range_message_names_the_value_and_suggests_swapping_only_if_it_helps(
    position, swapped
):
    problem = only(check_document(point(*position), "x"), "geojson-position-range")
    assert any(repr(value) in problem.message for value in position)
    assert ("write [lon, lat]" in problem.message) is swapped


@pytest.mark.parametrize(
    ("crs_name", "errors"),
    [("urn:ogc:def:crs:EPSG::32648", 0), ("urn:ogc:def:crs:OGC:1.3:CRS84", 1)],
)
def test_a_projected_crs_member_turns_off_range_checks_but_warns(crs_name, errors):
    doc = collection(
        feature(point(500000.0, 2300000.0)),
        crs={"type": "name", "properties": {"name": crs_name}},
    )
    problems = check_document(doc, "x", range_severity=ERROR)
    assert sum(p.is_error for p in problems) == errors
    assert only(problems, "geojson-crs-member").severity == WARNING


@pytest.mark.parametrize(
    ("members", "expected"),
    [({"id": "hl-1"}, "hl-1"), ({"id": 7}, "7"), ({"properties": {"id": "p-2"}}, "p-2")],
)
def test_problems_name_the_feature_id(members, expected):
    doc = collection(feature(point(0, 0)), feature(point(105.0, 200.0), **members))
    problem = only(check_document(doc, "x"), "geojson-position-range")
    assert (problem.location.feature_index, problem.location.feature_id) == (1, expected)


@pytest.mark.parametrize("geometry", [point(105.0, 21.0, 12.5), polygon(SQUARE_CCW, HOLE_CW), None])
def test_valid_features_have_no_problems(geometry):
    assert check_document(collection(feature(geometry)), "x") == []


def test_line_numbers_come_from_the_text(tmp_path):
    doc = collection(feature(point(105.0, 21.0)), feature(point(105.0, 200.0)))
    path = tmp_path / "sites.geojson"
    text = json.dumps(doc, indent=2)
    path.write_text(text, encoding="utf-8")
    parsed, problems = check_file(path)
    assert parsed == doc
    problem = only(problems, "geojson-position-range")
    coordinates_lines = [i for i, line in enumerate(text.splitlines(), 1) if "coordinates" in line]
    assert problem.location.line == coordinates_lines[1]
    assert check_document(doc, str(path))[0].location.line is None  # no text, no line


def test_check_file_returns_none_for_unparseable_json(tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "Feature",', encoding="utf-8")
    parsed, problems = check_file(path)
    assert parsed is None
    assert [p.code for p in problems] == ["json-syntax"]


def test_check_files_lists_clean_files_too(tmp_path):
    good, bad = tmp_path / "good.geojson", tmp_path / "bad.geojson"
    good.write_text(json.dumps(collection(feature(point(105.0, 21.0)))), encoding="utf-8")
    bad.write_text(json.dumps(collection(feature(point(105.0, 200.0)))), encoding="utf-8")
    report = check_files([good, bad])
    assert report.files == [str(good), str(bad)]
    assert report.error_count == 0
    assert [p.path for p in report.problems] == [str(bad)]


@pytest.mark.parametrize(("severity", "errors"), [(WARNING, 0), (ERROR, 1)])
def test_out_of_range_is_a_warning_for_check_and_an_error_for_validate(severity, errors):
    doc = collection(feature(point(105.0, 200.0)))
    problems = check_document(doc, "x", range_severity=severity)
    assert only(problems, "geojson-position-range").severity == severity
    assert sum(p.is_error for p in problems) == errors


def test_deeply_nested_geometry_collections_do_not_recurse():
    geometry = point(105.0, 21.0)
    for _ in range(5000):
        geometry = {"type": "GeometryCollection", "geometries": [geometry, point(105.0, 21.0)]}
    problems = check_document(geometry, "x")
    assert {p.code for p in problems} == {"geojson-geometrycollection-nested"}


def test_many_structural_problems_in_one_geometry_are_capped():
    doc = {"type": "MultiPoint", "coordinates": [[0, "x"]] * 100}
    problems = check_document(doc, "x")
    assert len(problems) < len(doc["coordinates"])
    assert "more in this MultiPoint" in problems[-1].message


JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-400, 400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["Feature", "FeatureCollection", "Point", "Polygon", "GeometryCollection"]),
)
JSON_KEYS = st.sampled_from(
    ["type", "features", "geometry", "geometries", "properties", "coordinates", "id", "bbox"]
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(JSON_KEYS, inner, max_size=5),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_any_json_value_gives_documented_problems_and_never_raises(doc):
    for problem in check_document(doc, "x"):
        assert problem.code in CODES
        assert problem.message
        assert problem.location.pointer is not None


def test_a_file_name_that_is_not_utf8_is_reported_not_crashed(tmp_path):
    import os

    from click.testing import CliRunner

    from heritage_mapper.cli import main

    name = os.fsdecode(b"\xff-layer.geojson")
    (tmp_path / name).write_text('{"type": "FeatureCollection", "features": []}', "utf-8")
    for fmt in ("text", "json"):
        result = CliRunner().invoke(main, ["check", "--format", fmt, str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        assert "\\udcff-layer.geojson" in result.output


def test_a_loop_of_symbolic_links_is_told_from_a_missing_file(tmp_path):
    from click.testing import CliRunner

    from heritage_mapper.cli import main

    (tmp_path / "a.geojson").symlink_to(tmp_path / "b.geojson")
    (tmp_path / "b.geojson").symlink_to(tmp_path / "a.geojson")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "a.geojson")])
    assert result.exit_code == 2, result.output
    assert "is a loop of symbolic links; point the link at the file itself" in result.output
    result = CliRunner().invoke(main, ["check", str(tmp_path / "missing.geojson")])
    assert result.exit_code == 2 and "does not exist" in result.output


def _plain_point_feature(x, y) -> dict:
    return {
        "type": "Feature",
        "id": "site-1",
        "geometry": {"type": "Point", "coordinates": [x, y]},
        "properties": {"id": "site-1"},
    }


@st.composite
def _near_plain_features(draw):
    """A plain Point feature, or one with a member of it or of its geometry removed
    or replaced by a GeoJSON-like value (a type name, a position, anything)."""
    from .fuzz_support import geojson_keys, geojson_like, geojson_types

    coordinate = st.floats(-200, 200) | st.integers(-200, 200) | st.booleans()
    feature = _plain_point_feature(draw(coordinate), draw(coordinate))
    for _ in range(draw(st.integers(0, 2))):
        target = draw(st.sampled_from([feature, feature.get("geometry")]))
        if not isinstance(target, dict):  # (the geometry removed or replaced)
            break
        key = draw(geojson_keys | st.just("title"))
        if draw(st.booleans()):
            target.pop(key, None)
        else:
            target[key] = draw(geojson_like | geojson_types)
    return feature


@settings(max_examples=300, deadline=None)
@given(st.lists(_near_plain_features() | _near_plain_features() | st.none(), max_size=8))
def test_plain_points_found_by_column_are_checked_as_one_at_a_time(features):
    """check_collection finds the plain Point features a column at a time and records
    them a run at a time: the findings and the geometries recorded (pointers, features,
    positions, parts) equal those of checking each feature in turn."""
    from heritage_mapper.validate.geojson import _Checker, _plain_points

    fast = _Checker("layer.geojson")
    fast.check_collection({"type": "FeatureCollection", "features": features})
    slow = _Checker("layer.geojson")
    for index, element in enumerate(features):
        slow.check_feature(element, f"/features/{index}", index)
    assert fast.problems == slow.problems
    assert vars(fast.geometries) == vars(slow.geometries)
    assert _plain_points([_plain_point_feature(105.0, 21.0)]) == [True]


@pytest.mark.parametrize(
    ("value", "said", "fix"),
    [
        (None, "is null;", "write the coordinate, or remove the feature"),
        (True, "is true;", "write the coordinate as a number"),
        ("107.1", "is a string ('107.1');", "remove the quotes, e.g. 107.1"),
    ],
)
def test_a_position_element_that_is_not_a_number_is_named_in_json_words(value, said, fix):
    # a null was "null (None) ... remove the quotes": Python's word, and no quotes to remove
    problem = only(check_document(point(107.1, value), "x"), "geojson-position-not-number")
    assert said in problem.message and fix in problem.message, problem.message
    assert "None" not in problem.message and "True" not in problem.message
    assert isinstance(value, str) or "quotes" not in problem.message


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('{"type": "Feature", "id": "abc', "a string starts there and is never closed;"),
        ('{"type": "Feature", "id": "a\tb"}', "a control character (a raw tab or line break)"),
    ],
)
def test_a_syntax_message_of_the_json_module_ending_at_is_made_whole(tmp_path, text, said):
    # it read "Unterminated string starting at; fix the syntax there": cut short
    path = tmp_path / "broken.geojson"
    path.write_text(text, encoding="utf-8")
    _, problems = check_file(path)
    problem = only(problems, "json-syntax")
    assert said in problem.message and " at;" not in problem.message, problem.message
