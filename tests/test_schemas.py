"""The JSON Schemas shipped beside the data are the package's, for the folder's languages.

The package ships schemas whose per-language properties are marked
``"x-per-language": true``; the copies in ``geodata/schemas/`` are those schemas
expanded for the languages of ``geodata/project.json``, so that any JSON Schema tool
can validate the folder's files with them.
"""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from heritage_mapper.model import (
    DEFAULT_SCHEMAS,
    expand_languages,
    packaged_schema,
    packaged_schema_path,
)

from .conftest import GEODATA


@pytest.mark.parametrize("kind", sorted(DEFAULT_SCHEMAS))
def test_geodata_schemas_are_the_packaged_ones_for_the_folders_languages(kind):
    languages = json.loads((GEODATA / "project.json").read_text("utf-8"))["languages"]
    shipped = json.loads((GEODATA / "schemas" / DEFAULT_SCHEMAS[kind]).read_text("utf-8"))
    assert shipped == expand_languages(packaged_schema(kind), languages)


def test_expanding_languages_names_one_property_per_language():
    site = expand_languages(packaged_schema("site"), ("vi", "en", "fr"))
    assert [p for p in site["properties"] if p.startswith("name")] == [
        "name_vi",
        "name_en",
        "name_fr",
    ]
    assert {"description_fr", "location_basis_fr"} <= set(site["required"])
    assert not any("x-per-language" in json.dumps(v) for v in site["properties"].values())
    assert expand_languages(site, ("vi",)) == site  # an expanded schema stays as it is


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
