"""Fuzzing the JSON reader and the RFC 7946 checks: every input ends in findings.

Random bytes, random JSON text, very deep nesting, huge numbers, random JSON values
and the real layers with a few mutations each: no exception escapes, no
``RecursionError``, every result is a list of known findings; with
``--hypothesis-profile=long`` every case also finishes within a deadline (see
``fuzz_support``).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heritage_mapper.read.jsonfile import MAX_JSON_DEPTH, read_json
from heritage_mapper.validate.geojson import CODES, check_document, check_file

from .fuzz_support import (
    HUGE_INT_LITERAL,
    NUMBER_LITERALS,
    assert_findings,
    damaged_text,
    deep_nesting,
    dump,
    fuzz,
    geojson_like,
    in_memory_plans,
    json_like_text,
    json_values,
    mutated_layer_bytes,
    mutated_layers,
    plant_in_memory_value,
)

# A numpy RuntimeWarning reaches the user's terminal (and is an error under -W error).
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """One file per module, rewritten by every example (tmp_path is per test)."""
    return tmp_path_factory.mktemp("fuzz") / "input.geojson"


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate becomes bad UTF-8


def _read(path, data: bytes, **kwargs):
    path.write_bytes(data)
    doc = read_json(path, **kwargs)
    assert_findings(doc.problems, CODES)
    assert doc.parsed or doc.document is None
    return doc


# -- read_json ------------------------------------------------------------------------


@fuzz(1)
@given(data=st.binary(max_size=2000))
def test_read_json_random_bytes(scratch, data):
    _read(scratch, data)


@fuzz(1)
@given(text=json_like_text)
def test_read_json_random_json_like_text(scratch, text):
    _read(scratch, _encode(text))


@fuzz(0.5)
@given(data=deep_nesting())
def test_read_json_deep_nesting_is_refused_without_recursion(scratch, data):
    doc = _read(scratch, data)
    if data.count(b"[") + data.count(b"{") > MAX_JSON_DEPTH + 3:
        assert not doc.parsed
        assert {p.code for p in doc.problems} & {"json-too-deep", "json-syntax"}


@fuzz(0.5)
@given(
    literal=st.sampled_from(NUMBER_LITERALS) | st.integers().map(str),
    digits=st.integers(1, 20_000),
    sign=st.sampled_from(["", "-"]),
)
def test_read_json_huge_and_non_finite_numbers(scratch, literal, digits, sign):
    text = f'{{"type": "Point", "coordinates": [{literal}, {sign}{"9" * digits}]}}'
    doc = _read(scratch, text.encode())
    assert doc.parsed
    assert_findings(check_document(doc.document, "x", text=doc.text), CODES)


def test_read_json_integer_longer_than_python_converts(scratch):
    """CPython refuses int() of more than 4300 digits; the reader must not crash."""
    text = f'{{"type": "Point", "coordinates": [{HUGE_INT_LITERAL}, 21.0]}}'
    doc = _read(scratch, text.encode())
    assert doc.parsed
    problems = check_document(doc.document, "x", text=doc.text)
    assert [p.code for p in problems] == ["geojson-position-not-number"]


def test_huge_coordinate_is_a_range_finding_without_numpy_warnings():
    doc = {"type": "Point", "coordinates": [1e308, 45.0]}
    assert [p.code for p in check_document(doc, "x")] == ["geojson-position-range"]


def test_1e400_next_to_a_nan_literal_is_not_called_an_infinity_literal(scratch):
    doc = _read(scratch, b"[NaN, 1e400]")
    assert [(p.code, p.location.pointer) for p in doc.problems] == [("json-nan", "/0")]


def test_lone_surrogate_escape_is_replaced_and_reported(scratch):
    doc = _read(scratch, b'{"id": "hon-gai\\udc80", "name": "\\ud83c\\udfef"}')
    assert doc.document == {"id": "hon-gai\ufffd", "name": "\U0001f3ef"}
    assert [(p.code, p.location.pointer) for p in doc.problems] == [("json-lone-surrogate", "/id")]


# -- check_document and check_file ----------------------------------------------------


@fuzz(1)
@given(doc=json_values)
def test_check_document_random_json_values(doc):
    assert_findings(check_document(doc, "random.geojson"), CODES, printable=False)


@fuzz(1)
@given(doc=geojson_like)
def test_check_document_random_geojson_shaped_values(doc):
    assert_findings(
        check_document(doc, "random.geojson", range_severity="error"), CODES, printable=False
    )


@fuzz(1)
@given(doc=mutated_layers())
def test_check_document_mutated_real_layers(doc):
    assert_findings(
        check_document(doc, "layer.geojson", range_severity="error"), CODES, printable=False
    )


@fuzz(0.5)
@given(doc=mutated_layers(), plan=in_memory_plans)
def test_check_document_values_no_file_can_hold(doc, plan):
    """Nesting past the recursion limit and 5000-digit integers, in Python values."""
    doc = plant_in_memory_value(doc, plan)
    assert_findings(check_document(doc, "layer.geojson"), CODES, printable=False)


@fuzz(1)
@given(data=mutated_layer_bytes())
def test_check_file_mutated_real_layers(scratch, data):
    scratch.write_bytes(data)
    document, problems = check_file(scratch)
    assert_findings(problems, CODES)


@fuzz(0.5)
@given(data=st.binary(max_size=2000) | json_like_text.map(_encode) | deep_nesting())
def test_check_file_random_bytes(scratch, data):
    scratch.write_bytes(data)
    document, problems = check_file(scratch)
    assert_findings(problems, CODES)
    assert problems or (isinstance(document, dict) and "type" in document)


@fuzz(0.5)
@given(doc=geojson_like, data=st.data())
def test_check_file_damaged_random_geojson(scratch, doc, data):
    scratch.write_bytes(data.draw(damaged_text(dump(doc))))
    _, problems = check_file(scratch)
    assert_findings(problems, CODES)


def test_geometry_collections_nested_deeper_than_the_stack(scratch):
    """The walk is iterative: 5,000 nested GeometryCollections in memory, no recursion."""
    doc = {"type": "Point", "coordinates": [107.0, 21.0]}
    for _ in range(5000):
        doc = {"type": "GeometryCollection", "geometries": [doc]}
    codes = {p.code for p in check_document(doc, "deep.geojson")}
    assert codes == {"geojson-geometrycollection-nested", "geojson-geometrycollection-single"}
