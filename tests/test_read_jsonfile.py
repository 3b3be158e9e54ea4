"""The robust JSON reader: every kind of bad input becomes a located problem."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heritage_mapper.read import jsonfile
from heritage_mapper.read.jsonfile import (
    MAX_JSON_DEPTH,
    line_of_pointer,
    lines_of_pointers,
    read_json,
)

DEEP = 10_000


def _read(tmp_path, content: bytes, **kwargs):
    path = tmp_path / "input.geojson"
    path.write_bytes(content)
    return read_json(path, **kwargs)


def _codes(doc) -> list[str]:
    return [p.code for p in doc.problems]


@pytest.mark.parametrize(
    ("content", "code", "line", "column"),
    [
        pytest.param(b"", "json-empty", 1, 1, id="empty"),
        pytest.param(b"  \n\t \r\n", "json-empty", 1, 1, id="whitespace-only"),
        pytest.param(b'{\n "name": "H\xe1 Long"\n}', "json-encoding", 2, 12, id="latin-1-byte"),
        pytest.param(b'{\n  "a": 1\n  "b": 2\n}', "json-syntax", 3, 3, id="missing-comma"),
        pytest.param(b'{"a": [1, 2,]}', "json-syntax", 1, 13, id="trailing-comma"),
        pytest.param(
            b"[" * DEEP + b"]" * DEEP, "json-too-deep", 1, MAX_JSON_DEPTH + 1, id="arrays"
        ),
    ],
)
def test_bad_input_gives_one_located_error(tmp_path, content, code, line, column):
    doc = _read(tmp_path, content)
    assert _codes(doc) == [code]
    problem = doc.problems[0]
    assert problem.is_error
    assert (problem.location.line, problem.location.column) == (line, column)
    assert problem.message


def test_non_utf8_byte_names_offset_and_fix(tmp_path):
    doc = _read(tmp_path, b'{\n "name": "H\xe1 Long"\n}')
    message = doc.problems[0].message
    assert "0xE1" in message and "byte offset 13" in message and "UTF-8" in message
    assert doc.document == {"name": "H\ufffd Long"}  # still parsed, to find more problems


def test_bom_is_reported_and_the_rest_still_parsed(tmp_path):
    doc = _read(tmp_path, b'\xef\xbb\xbf{"type": "FeatureCollection", "features": []}')
    assert _codes(doc) == ["json-bom"]
    assert doc.document == {"type": "FeatureCollection", "features": []}


def test_bom_does_not_hide_a_syntax_error(tmp_path):
    doc = _read(tmp_path, b'\xef\xbb\xbf{"a": }')
    assert _codes(doc) == ["json-bom", "json-syntax"]
    assert doc.problems[1].location.column == 8  # counted in the file, BOM included


def test_syntax_error_says_what_was_expected(tmp_path):
    doc = _read(tmp_path, b'{\n  "a": 1\n  "b": 2\n}')
    assert "Expecting ',' delimiter" in doc.problems[0].message
    assert doc.document is None and not doc.parsed


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("[" * DEEP + "]" * DEEP, id="arrays"),
        pytest.param('{"a":' * DEEP + "1" + "}" * DEEP, id="objects"),
    ],
)
def test_deep_nesting_is_rejected_without_recursion_error(tmp_path, text):
    doc = _read(tmp_path, text.encode())
    assert _codes(doc) == ["json-too-deep"]
    assert doc.document is None
    assert str(DEEP) in doc.problems[0].message


@pytest.mark.parametrize(
    ("depth", "codes"), [(MAX_JSON_DEPTH, []), (MAX_JSON_DEPTH + 1, ["json-too-deep"])]
)
def test_depth_limit_is_exact(tmp_path, depth, codes):
    assert _codes(_read(tmp_path, b"[" * depth + b"]" * depth)) == codes


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path):
    text = '{"note": "' + "[{" * 100 + '\\"[["}'
    doc = _read(tmp_path, text.encode())
    assert doc.problems == []
    assert doc.document == {"note": "[{" * 100 + '"[['}


def test_duplicate_key_names_object_pointer_and_keeps_last_value(tmp_path):
    doc = _read(tmp_path, b'{"features": [\n {"id": 1,\n  "id": 2}]}')
    assert _codes(doc) == ["json-duplicate-key"]
    problem = doc.problems[0]
    assert problem.location.pointer == "/features/0/id"
    assert problem.location.line == 3  # the repeated key, whose value is kept
    assert "/features/0" in problem.message and "'id'" in problem.message
    assert doc.document == {"features": [{"id": 2}]}


@pytest.mark.parametrize(("literal", "name"), [("NaN", "NaN"), ("-Infinity", "-Infinity")])
def test_nan_and_infinity_literals_are_flagged(tmp_path, literal, name):
    doc = _read(tmp_path, f'{{"coordinates":\n [1, {literal}]}}'.encode())
    assert _codes(doc) == ["json-nan"]
    assert doc.problems[0].location.pointer == "/coordinates/1"
    assert doc.problems[0].location.line == 2
    assert name in doc.problems[0].message


def test_too_large_file_is_not_read_and_says_how_to_raise_the_limit(tmp_path):
    doc = _read(tmp_path, b'{"type": "FeatureCollection", "features": []}', max_bytes=10)
    assert _codes(doc) == ["json-too-large"]
    assert "max_bytes" in doc.problems[0].message
    assert doc.text is None


def test_missing_file_is_a_problem_not_an_exception(tmp_path):
    doc = read_json(tmp_path / "nope.geojson")
    assert _codes(doc) == ["json-unreadable"]


def test_valid_input_has_no_problems(tmp_path):
    doc = _read(tmp_path, '{"name": "Vịnh Hạ Long", "n": [1, 2.5, null, true]}'.encode())
    assert doc.problems == []
    assert doc.parsed
    assert doc.document == {"name": "Vịnh Hạ Long", "n": [1, 2.5, None, True]}


def test_json_null_is_parsed_not_mistaken_for_unreadable(tmp_path):
    doc = _read(tmp_path, b"null")
    assert doc.parsed and doc.document is None and doc.problems == []


TEXT = '{\n "a": [1,\n  {"b/c": "x]", "~": [\n   []]}],\n "é": 5\n}'


@pytest.mark.parametrize(
    ("pointer", "line"),
    [
        ("", 1),
        ("/a", 2),
        ("/a/0", 2),
        ("/a/1", 3),
        ("/a/1/b~1c", 3),
        ("/a/1/~0", 3),
        ("/a/1/~0/0", 4),
        ("/é", 5),
        ("/a/2", None),
        ("/a/1/~0/0/0", None),
        ("/missing", None),
    ],
)
def test_line_of_pointer(pointer, line):
    assert line_of_pointer(TEXT, pointer) == line


def test_lines_of_pointers_maps_many_at_once():
    assert lines_of_pointers(TEXT, ["/a/1", "/é", "/zz", None]) == {"/a/1": 3, "/é": 5}


def _depth_by_regex_alone(data: bytes) -> int:
    """_max_depth_of as it was before its ``bytes.replace`` shortcut (the reference)."""
    if b"\\" in data:
        data = jsonfile._ESCAPE_BYTES.sub(b"", data)
    skeleton = jsonfile._BARE_STRING_BYTES.sub(b"", data.translate(None, jsonfile._NOT_STRUCTURE))
    depths = list(itertools.accumulate(1 if byte in b"[{" else -1 for byte in skeleton))
    return max(depths) if depths else 0


@settings(max_examples=2000)
@given(st.binary(max_size=30).map(lambda b: bytes(b'"[]{}a\\:,'[x % 9] for x in b)))
def test_depth_prescan_equals_the_regex_alone(data):
    """Closed and unclosed strings, escapes and brackets inside and outside them."""
    assert jsonfile._max_depth_of(data) == _depth_by_regex_alone(data)
