"""The quick schema check never passes what jsonschema would reject."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from heritage_mapper.model import expand_languages, packaged_schema
from heritage_mapper.validate.schema import SchemaChecker, quick_check

LANGUAGES = ("vi", "en")
SITE = expand_languages(packaged_schema("site"), LANGUAGES)
EVENT = expand_languages(packaged_schema("event"), LANGUAGES)
SOURCES = expand_languages(packaged_schema("sources"), LANGUAGES)

GOOD_SITE = {
    "id": "dinh-an-000001",
    "name_vi": "Đình An",
    "name_en": "An communal house",
    "category": "communal-house",
    "description_vi": "Mô tả.",
    "description_en": "A description.",
    "period": "1800/..",
    "location_precision_m": 250,
    "location_basis_vi": "Trung tâm xã.",
    "location_basis_en": "Commune centre.",
    "admin_then_vi": "xã An",
    "admin_then_en": "An commune",
    "admin_now_vi": "xã An",
    "admin_now_en": "An commune",
    "source_refs": ["tu-lieu-01.txt#4"],
}
GOOD_EVENT = {
    "id": "ev-1",
    "date": "1945",
    "site_ids": "a;b-c",
    "title_vi": "T",
    "title_en": "T",
    "summary_vi": "S",
    "summary_en": "S",
    "source": "tu-lieu-01.txt",
    "paragraph": "3",
}

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 200_000)
    | st.floats(allow_nan=False)
    | st.sampled_from(["", "a", "ab-1", "A", "x.txt#0", "x.txt#12", " 1", "07", "é"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["id", "a", "source_refs"]), children, max_size=3)
    ),
    max_leaves=6,
)


def _agree(schema, instance):
    quick = quick_check(schema)
    errors = list(Draft202012Validator(schema).iter_errors(instance))
    if quick(instance):
        assert errors == [], (instance, [e.message for e in errors])


@pytest.mark.parametrize(("schema", "good"), [(SITE, GOOD_SITE), (EVENT, GOOD_EVENT)])
def test_packaged_row_schemas_get_a_quick_check_that_passes_good_rows(schema, good):
    assert quick_check(schema) is not None
    assert quick_check(schema)(good)


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from([(SITE, GOOD_SITE), (EVENT, GOOD_EVENT)]),
    st.sampled_from(sorted(set(GOOD_SITE) | set(GOOD_EVENT) | {"extra"})),
    json_values,
)
def test_a_row_with_one_value_changed_passes_quickly_only_if_jsonschema_agrees(case, key, value):
    schema, good = case
    _agree(schema, {**good, key: value})
    _agree(schema, {k: v for k, v in good.items() if k != key})


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_any_value_passes_quickly_only_if_jsonschema_agrees(value):
    for schema in (SITE, EVENT, SOURCES):
        quick = quick_check(schema)
        if quick is not None:
            _agree(schema, value)


@pytest.mark.parametrize(
    "schema",
    [
        {"$ref": "#/$defs/x", "$defs": {"x": {}}},
        {"enum": ["a"]},
        {"type": "string", "format": "date"},
        {"prefixItems": [{}], "items": False},
        {"additionalProperties": {"type": "string"}},
    ],
)
def test_keywords_outside_the_simple_set_are_left_to_jsonschema(schema):
    assert quick_check(schema) is None


def test_a_float_is_never_passed_quickly_as_an_integer():
    """1.0 is an integer in 2020-12; the quick check leaves that to jsonschema."""
    assert not quick_check({"type": "integer"})(1.0)


def test_checker_yields_exactly_the_jsonschema_errors():
    bad = {**GOOD_EVENT, "paragraph": "0", "id": "Bad Id"}
    checker = SchemaChecker(Draft202012Validator(EVENT))
    expected = [e.message for e in Draft202012Validator(EVENT).iter_errors(bad)]
    assert [e.message for e in checker.iter_errors(bad)] == expected
    assert expected


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([(SITE, GOOD_SITE), (EVENT, GOOD_EVENT)]),
    st.lists(
        st.tuples(st.sampled_from(sorted(set(GOOD_SITE) | set(GOOD_EVENT))), json_values),
        max_size=3,
    ),
)
def test_all_valid_is_true_only_when_jsonschema_finds_nothing(case, changes):
    schema, good = case
    rows = [dict(good) for _ in range(3)]
    for i, (key, value) in enumerate(changes):
        rows[i % 3][key] = value
    checker = SchemaChecker(Draft202012Validator(schema))
    if checker.all_valid(rows):
        validator = Draft202012Validator(schema)
        assert all(not list(validator.iter_errors(row)) for row in rows), rows


def test_all_valid_passes_good_rows_and_not_a_bad_one():
    checker = SchemaChecker(Draft202012Validator(EVENT))
    assert checker.all_valid([GOOD_EVENT] * 5)
    assert not checker.all_valid([GOOD_EVENT, {**GOOD_EVENT, "paragraph": "0"}])


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([(SITE, GOOD_SITE), (EVENT, GOOD_EVENT)]), st.data())
def test_suspects_name_every_row_jsonschema_refuses(case, data):
    """The rows given as columns: each row not named a suspect has no error, and one
    of good rows alone is never named."""
    schema, good = case
    rows = [dict(good) for _ in range(4)]
    for i in range(data.draw(st.integers(0, 4))):
        key = data.draw(st.sampled_from(sorted(good)))
        rows[i % 3][key] = data.draw(json_values)
    columns = {key: [row[key] for row in rows] for key in good}
    strings = all(isinstance(v, str) for column in columns.values() for v in column)
    checker = SchemaChecker(Draft202012Validator(schema))
    suspects = checker.suspects(columns, 4, strings=strings)
    validator = Draft202012Validator(schema)
    for i, row in enumerate(rows):
        if i not in suspects:
            assert not list(validator.iter_errors(row)), row
    assert 3 not in suspects
    if strings:  # a column checked on its distinct values: the same answer
        distinct = {key: set(column) for key, column in columns.items()}
        assert checker.suspects(columns, 4, strings=True, distinct=distinct) == suspects


def test_suspects_of_number_and_array_columns():
    checker = SchemaChecker(Draft202012Validator(SITE))
    columns = {key: [value] * 3 for key, value in GOOD_SITE.items()}
    columns["location_precision_m"] = [250, 0, 100_000.0]  # 0: not > 0
    columns["source_refs"] = [["a.txt#1"], ["a.txt#1", "b.txt#x"], []]  # no item, minItems 1
    assert checker.suspects(columns, 3) == {1, 2}
    assert checker.all_valid([GOOD_SITE, {**GOOD_SITE, "location_precision_m": 99.5}])
    assert not checker.all_valid([GOOD_SITE, {**GOOD_SITE, "location_precision_m": float("nan")}])
