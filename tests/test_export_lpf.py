"""Linked Places Format export: the JSON-LD the World Historical Gazetteer reads.

Data: the small fixture folder (tests/fixtures.py); export behaviour does not depend on
the Quảng Ninh content.
"""

from __future__ import annotations

import json
import unicodedata

import pytest

from heritage_mapper.export import certainty, export_layers
from heritage_mapper.export.lpf import LPF_CONTEXT, LPF_ID_BASE

DEGREE_TOLERANCE = 1e-7


@pytest.fixture(scope="module")
def data(small_data):
    """The small fixture folder: what is checked here does not depend on the content."""
    return small_data


@pytest.fixture(scope="module")
def doc(data, tmp_path_factory):
    (path,) = export_layers(data, tmp_path_factory.mktemp("lpf"), ["lpf"])
    assert path.name == "heritage.lpf.json"
    return json.loads(path.read_text(encoding="utf-8"))


def features_by_id(doc) -> dict:
    return {f["@id"].removeprefix(LPF_ID_BASE): f for f in doc["features"]}


def test_feature_collection_with_the_lpf_context(doc):
    assert doc["type"] == "FeatureCollection"
    assert doc["@context"] == LPF_CONTEXT
    assert LPF_CONTEXT.endswith("linkedplaces-context-v1.1.jsonld")


def test_write_read_roundtrip_keeps_ids_titles_and_coordinates(data, doc):
    features = features_by_id(doc)
    assert list(features) == list(data.sites["id"])
    for _, site in data.sites.iterrows():
        feature = features[site["id"]]
        assert unicodedata.normalize("NFC", feature["properties"]["title"]) == site["name_vi"]
        (point,) = feature["geometry"]["geometries"]
        assert feature["geometry"]["type"] == "GeometryCollection"
        assert abs(point["coordinates"][0] - site.geometry.x) < DEGREE_TOLERANCE
        assert abs(point["coordinates"][1] - site.geometry.y) < DEGREE_TOLERANCE


def test_names_have_language_and_citations(data, doc):
    feature = features_by_id(doc)["old-pier"]
    assert [(n["toponym"], n["lang"]) for n in feature["names"]] == [
        ("Bến tàu cũ Hòn Nét", "vi"),
        ("Hòn Nét old pier", "en"),
    ]
    citations = feature["names"][0]["citations"]
    assert len(citations) == 1
    assert citations[0]["label"].startswith("Tư liệu thử")
    assert citations[0]["label"].endswith("¶1")
    assert feature["names"][1]["citations"][0]["label"].startswith("A test source")


@pytest.mark.parametrize(
    ("site_id", "span", "label"),
    [
        ("old-pier", {"start": {"in": "1955-04-25"}}, "1955-04-25"),
        (
            "pit-head",
            {"start": {"in": "1964-01-01"}, "end": {"in": "1972-12-31"}},
            "1964/1972",
        ),
        ("lighthouse", {"start": {"in": "1959-01-01"}}, "1959/.."),
        ("screening-plant", {"start": {"latest": "2025-12-31"}}, "/2025"),
    ],
)
def test_timespans_come_from_the_edtf_bounds(doc, site_id, span, label):
    when = features_by_id(doc)[site_id]["when"]
    assert when == {"timespans": [span], "label": label}


def test_geometry_certainty_follows_location_precision(data, doc):
    features = features_by_id(doc)
    for _, site in data.sites.iterrows():
        (point,) = features[site["id"]]["geometry"]["geometries"]
        assert point["certainty"] == certainty(site["location_precision_m"])
    assert features["pit-head"]["geometry"]["geometries"][0]["certainty"] == "uncertain"
    assert features["lighthouse"]["geometry"]["geometries"][0]["certainty"] == "less-certain"
    assert features["old-pier"]["geometry"]["geometries"][0]["certainty"] == "certain"


def test_certainty_thresholds():
    assert [certainty(m) for m in (1, 100, 101, 2000, 2001)] == [
        "certain",
        "certain",
        "less-certain",
        "less-certain",
        "uncertain",
    ]
    assert certainty(None) is None
