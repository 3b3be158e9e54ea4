"""The JSON Schemas shipped beside the data are the ones the package uses."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from heritage_mapper.project import DEFAULT_SCHEMAS, packaged_schema_path

from .conftest import GEODATA


@pytest.mark.parametrize("kind", sorted(DEFAULT_SCHEMAS))
def test_geodata_schemas_match_the_packaged_ones(kind):
    shipped = GEODATA / "schemas" / DEFAULT_SCHEMAS[kind]
    assert shipped.read_bytes() == packaged_schema_path(kind).read_bytes()


@pytest.mark.parametrize("kind", sorted(DEFAULT_SCHEMAS))
def test_schemas_are_valid_draft_2020_12(kind):
    Draft202012Validator.check_schema(json.loads(packaged_schema_path(kind).read_text("utf-8")))


def test_other_tools_can_validate_a_site_with_the_shipped_schema():
    schema = json.loads((GEODATA / "schemas" / "site.schema.json").read_text("utf-8"))
    layer = json.loads((GEODATA / "layers" / "coal-industry.geojson").read_text("utf-8"))
    props = layer["features"][0]["properties"]
    Draft202012Validator(schema).validate(props)
    bad = {k: v for k, v in props.items() if k != "name_en"}
    assert not Draft202012Validator(schema).is_valid(bad)
