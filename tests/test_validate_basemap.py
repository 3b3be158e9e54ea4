"""The basemap files are validated like every other file: RFC 7946, the geometry of
their role, boundary kinds, place labels, attribution in every language, size.
Data: the small fixture folder with a small basemap of its own (tests/fixtures.py)."""

from __future__ import annotations

import json

import pytest

from heritage_mapper import load_geodata, validate_geodata
from heritage_mapper.validate import basemap as basemap_rules

from .fixtures import add_basemap, make_geodata


@pytest.fixture
def folder(tmp_path):
    return add_basemap(make_geodata(tmp_path))


def edit(path, change):
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def findings(folder, code):
    return [p for p in validate_geodata(folder).problems if p.code == code]


def test_a_folder_with_a_basemap_validates_clean_and_loads_it(folder):
    report = validate_geodata(folder)
    assert report.error_count == report.warning_count == 0, report.to_text()
    data = load_geodata(folder)
    assert list(data.basemap) == ["land", "boundaries", "places"]
    assert len(data.basemap["places"]) == 2


def test_a_missing_basemap_file_is_named(folder):
    (folder / "basemap" / "land.geojson").unlink()
    (problem,) = findings(folder, "basemap-file-missing")
    assert problem.path.endswith("land.geojson") and "'land'" in problem.message


def test_a_line_in_the_land_layer_is_a_located_error(folder):
    def change(doc):
        doc["features"][0]["geometry"] = {
            "type": "LineString",
            "coordinates": [[107, 21], [108, 21]],
        }

    edit(folder / "basemap" / "land.geojson", change)
    (problem,) = findings(folder, "basemap-geometry-type")
    assert problem.location.pointer == "/features/0/geometry/type"
    assert problem.location.line is not None and "LineString" in problem.message


def test_a_boundary_without_a_known_kind(folder):
    edit(
        folder / "basemap" / "boundaries.geojson",
        lambda doc: doc["features"][1]["properties"].update(kind="county"),
    )
    (problem,) = findings(folder, "basemap-boundary-kind")
    assert (
        problem.location.pointer == "/features/1/properties/kind" and "'county'" in problem.message
    )


def test_a_place_without_a_label(folder):
    edit(
        folder / "basemap" / "places.geojson",
        lambda doc: doc["features"][0].update(properties={"population": 3}),
    )
    (problem,) = findings(folder, "basemap-place-label")
    assert problem.location.pointer == "/features/0/properties"


def test_rfc_7946_applies_to_basemap_files(folder):
    def change(doc):
        doc["features"][0]["geometry"]["coordinates"] = [[21.0, 107.0], [21.8, 108.0]]

    edit(folder / "basemap" / "boundaries.geojson", change)
    found = validate_geodata(folder).problems
    assert any(p.code == "geojson-position-range" and p.severity == "error" for p in found)


def test_an_attribution_missing_in_one_language(folder):
    def change(doc):
        doc["basemap"]["layers"][2]["attribution"] = {"vi": "Địa danh: GeoNames"}

    edit(folder / "project.json", change)
    (problem,) = findings(folder, "basemap-attribution-missing")
    assert problem.location.pointer == "/basemap/layers/2/attribution" and "en" in problem.message


def test_a_role_the_map_cannot_draw_is_a_schema_error(folder):
    edit(folder / "project.json", lambda doc: doc["basemap"]["layers"][0].update(role="roads"))
    assert findings(folder, "project-schema")


def test_duplicate_ids_and_a_missing_provenance(folder):
    def change(doc):
        doc["basemap"]["layers"][1]["id"] = "land"
        doc["basemap"]["provenance"] = "basemap/NOWHERE.md"

    edit(folder / "project.json", change)
    assert findings(folder, "basemap-layer-id-duplicate")[0].location.pointer == (
        "/basemap/layers/1/id"
    )
    assert findings(folder, "basemap-provenance-missing")[0].severity == "warning"


def test_a_basemap_too_large_for_a_page_is_a_warning(folder, monkeypatch):
    monkeypatch.setattr(basemap_rules, "BASEMAP_WARN_BYTES", 100)
    (problem,) = [p for p in findings(folder, "basemap-too-large") if "land" in p.path]
    assert problem.severity == "warning"


def test_many_bad_features_are_summarised(folder):
    def change(doc):
        doc["features"] = [
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "Point", "coordinates": [107, 21]},
            }
        ] * 8

    edit(folder / "basemap" / "boundaries.geojson", change)
    found = findings(folder, "basemap-geometry-type")
    assert len(found) == basemap_rules.MAX_FINDINGS_PER_KIND + 1
    assert "3 more feature(s)" in found[-1].message
