"""Fuzzing whole-folder validation and the ``validate`` command with hostile files.

A copy of the real geodata gets one hostile file per case (a mutated layer, or
events.csv with random cells, broken quotes, NUL bytes, a BOM, CRLF, wrong column
counts or bytes that are not UTF-8); the file is put back after the case, so one
copy serves every case of a test. ``validate_geodata`` must return known findings
and never raise; ``heritage-mapper validate --format json`` must exit 0, 1 or 2 with
valid JSON and never print a traceback (exit 3 means an internal error: a bug).

Data: the real geodata/ for the Hypothesis tests and the clean run they start from,
since the strategies mutate the real layers and events.csv (tests/fuzz_support.py);
the small fixture folder (tests/fixtures.py) for the examples the fuzzing found, which
do not depend on the Quảng Ninh content.
"""

from __future__ import annotations

import json
from contextlib import contextmanager

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from heritage_mapper.cli import EXIT_ERRORS, EXIT_OK, EXIT_USAGE, main
from heritage_mapper.errors import ValidationFailed
from heritage_mapper.frames import load_geodata
from heritage_mapper.validate import PROJECT_CODES, validate_geodata
from heritage_mapper.validate.geojson import CODES

from .fixtures import SOURCE_FILE, edit_layer, layer_path, make_geodata, set_event, set_site
from .fuzz_support import (
    assert_findings,
    dump,
    events_csv_bytes,
    fuzz,
    layer_names,
    layers_with_extra_properties,
    mutated_layer_bytes,
)

ALL_CODES = {**CODES, **PROJECT_CODES}
LAYER_FILES = layer_names()

# A numpy RuntimeWarning reaches the user's terminal (and is an error under -W error).
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


@contextmanager
def replaced(path, data: bytes):
    """Write ``data`` to ``path`` for the duration of the block, then put it back."""
    original = path.read_bytes()
    path.write_bytes(data)
    try:
        yield path
    finally:
        path.write_bytes(original)


def _validate(folder):
    report = validate_geodata(folder)
    assert_findings(report.problems, ALL_CODES)
    return report


@fuzz(0.5, reuses_fixture=True)
@given(layer=st.sampled_from(LAYER_FILES), data=mutated_layer_bytes(sites=True))
def test_validate_geodata_mutated_layer(geodata_copy, layer, data):
    with replaced(geodata_copy / "layers" / f"{layer}.geojson", data):
        _validate(geodata_copy)


@fuzz(1, reuses_fixture=True)
@given(data=events_csv_bytes())
def test_validate_geodata_hostile_events_csv(geodata_copy, data):
    with replaced(geodata_copy / "events.csv", data):
        report = _validate(geodata_copy)
    if not data.strip():
        assert report.has_errors()


@fuzz(0.25, reuses_fixture=True)
@given(doc=layers_with_extra_properties())
def test_load_geodata_loads_whatever_validates(geodata_copy, doc):
    """Whatever passes validation must load: the maps and the exports start there."""
    layer = doc["name"]
    data = dump(doc).encode("utf-8", "surrogatepass")
    with replaced(geodata_copy / "layers" / f"{layer}.geojson", data):
        report = _validate(geodata_copy)
        if report.has_errors():
            with pytest.raises(ValidationFailed):
                load_geodata(geodata_copy)
        else:
            loaded = load_geodata(geodata_copy)
            assert len(loaded.layers[layer]) == len(doc["features"])


@fuzz(0.5, reuses_fixture=True)
@given(data=events_csv_bytes())
def test_load_geodata_loads_whatever_events_validate(geodata_copy, data):
    with replaced(geodata_copy / "events.csv", data):
        if _validate(geodata_copy).has_errors():
            with pytest.raises(ValidationFailed):
                load_geodata(geodata_copy)
        else:
            load_geodata(geodata_copy)


def _run_cli(folder):
    result = CliRunner().invoke(main, ["validate", "--geodata", str(folder), "--format", "json"])
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "internal error" not in output, output
    assert result.exit_code in (EXIT_OK, EXIT_ERRORS, EXIT_USAGE), output
    if result.exit_code != EXIT_USAGE:
        doc = json.loads(result.stdout)
        assert doc["summary"]["errors"] == 0 or result.exit_code == EXIT_ERRORS
    return result


@fuzz(0.25, reuses_fixture=True)
@given(
    layer=st.sampled_from(LAYER_FILES),
    layer_data=st.none() | mutated_layer_bytes(sites=True),
    events=st.none() | events_csv_bytes(),
)
def test_cli_validate_json_never_crashes(geodata_copy, layer, layer_data, events):
    layer_path = geodata_copy / "layers" / f"{layer}.geojson"
    events_path = geodata_copy / "events.csv"
    with (
        replaced(layer_path, layer_path.read_bytes() if layer_data is None else layer_data),
        replaced(events_path, events_path.read_bytes() if events is None else events),
    ):
        _run_cli(geodata_copy)


def test_cli_validate_json_on_the_real_data_is_clean(geodata_copy):
    result = _run_cli(geodata_copy)
    assert result.exit_code == EXIT_OK


# -- what the fuzzing found, kept as examples ---------------------------------------------


@pytest.fixture
def small(tmp_path):
    """The small fixture folder, written afresh for each example (examples change it)."""
    return make_geodata(tmp_path)


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_cli_lone_surrogate_escape_in_an_id_is_exit_1_not_an_internal_error(small):
    layer = layer_path(small, "mines")
    _edit(layer, '"id": "screening-plant",', '"id": "screening-plant\\udc80",')
    result = _run_cli(small)
    assert result.exit_code == EXIT_ERRORS
    assert "json-lone-surrogate" in result.stdout


@pytest.mark.parametrize(
    ("paragraph", "code"),
    [
        ("²", "event-field-invalid"),
        ("١٢", "event-field-invalid"),
        ("9" * 5000, "event-paragraph-missing"),
        ("1" * 30, "event-paragraph-missing"),
    ],
)
def test_event_paragraph_that_int_cannot_read_is_a_finding(small, paragraph, code):
    set_event(small, "ev-1955-pier-rally", paragraph=paragraph)
    report = _validate(small)
    assert code in {p.code for p in report.problems}


@pytest.mark.parametrize(
    ("paragraph", "code"),
    [("²", "site-property-invalid"), ("9" * 5000, "source-paragraph-missing")],
)
def test_source_ref_paragraph_that_int_cannot_read_is_a_finding(small, paragraph, code):
    set_site(small, "screening-plant", source_refs=[f"{SOURCE_FILE}#{paragraph}"])
    report = _validate(small)
    errors = [(p.code, p.location.pointer) for p in report.problems if p.severity == "error"]
    assert errors == [(code, "/features/0/properties/source_refs/0")]


def test_coordinate_integer_too_large_for_a_float_is_a_finding(small):
    """A 400-digit integer is read as an int; the region check must not call float() on it."""

    def change(features):
        features[0]["geometry"]["coordinates"][0] = 10**400  # json writes all 401 digits

    edit_layer(small, "mines", change)
    assert "1" + "0" * 400 + "," in layer_path(small, "mines").read_text(encoding="utf-8")
    result = _run_cli(small)
    assert result.exit_code == EXIT_ERRORS
    assert "geojson-position-not-number" in result.stdout


@pytest.mark.parametrize("name", ["layer", "geometry", "period_start", "period_end"])
def test_site_property_named_like_a_loader_column_is_refused(small, name):
    """A 'layer' property crashed load_geodata; the others were silently overwritten."""
    set_site(small, "screening-plant", **{name: "kept?"})
    report = _validate(small)
    refused = [p for p in report.problems if p.code == "site-property-reserved"]
    assert [p.location.pointer for p in refused] == [f"/features/0/properties/{name}"]
    with pytest.raises(ValidationFailed):
        load_geodata(small)
