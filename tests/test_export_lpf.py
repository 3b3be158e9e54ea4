"""Linked Places Format export: the JSON-LD the World Historical Gazetteer reads.

Data: the small fixture folder (tests/fixtures.py); export behaviour does not depend on
the Quảng Ninh content.
"""

from __future__ import annotations

import json
import unicodedata

import pytest

from heritage_mapper.export import certainty, export_layers
from heritage_mapper.export.lpf import CATEGORY_TYPES, DEFAULT_TYPE, LPF_CONTEXT, LPF_ID_BASE

from .conftest import SHARED

#: World Historical Gazetteer's schemas, copied unchanged (shared/thirdparty/SOURCES.md):
#: v2 validates each feature with lpf_v1.2, v3's uploader the whole collection with lpf_v2.0.
WHG_SCHEMAS = SHARED / "thirdparty" / "lpf"

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
        (
            "screening-plant",
            {"start": {"latest": "2025-12-31"}, "end": {"in": "2025-12-31"}},
            "/2025",
        ),
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


def _whg3_validator():
    import jsonschema
    from referencing import Registry, Resource

    schema = json.loads((WHG_SCHEMAS / "whg3_lpf_v2.0.json").read_text(encoding="utf-8"))
    citation = json.loads((WHG_SCHEMAS / "whg3_csl-citation.json").read_text(encoding="utf-8"))
    registry = Registry().with_resource(
        "https://whgazetteer.org/schema/csl-citation.json", Resource.from_contents(citation)
    )
    return jsonschema.Draft7Validator(schema, registry=registry)


def _whg2_validator():
    import jsonschema

    schema = json.loads(
        (WHG_SCHEMAS / "whgazetteer_schema_lpf_v1.2.json").read_text(encoding="utf-8")
    )
    return jsonschema.Draft7Validator(schema)


def _errors(validator, instance) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for e in validator.iter_errors(instance)
    ]


def test_the_whg_schemas_refuse_a_feature_without_types_or_fclasses(doc):
    """The check has teeth: the v1.1 export's feature (no fclasses, no types) fails v3."""
    feature = json.loads(json.dumps(doc["features"][0]))
    feature["properties"].pop("fclasses")
    feature.pop("types")
    collection = {"type": "FeatureCollection", "features": [feature]}
    assert _errors(_whg3_validator(), collection)


def test_whg_v3_uploader_schema_accepts_the_whole_collection(doc):
    assert _errors(_whg3_validator(), doc) == []


def test_whg_v2_schema_accepts_every_feature(doc):
    validator = _whg2_validator()
    assert doc["features"]
    for feature in doc["features"]:
        assert _errors(validator, feature) == [], feature["@id"]


def test_the_real_data_passes_both_whg_schemas(tmp_path):
    """Quảng Ninh's eight places, as WHG's uploaders would read them."""
    from heritage_mapper import load_geodata

    from .conftest import REPO

    data = load_geodata(REPO / "geodata", sources_dir=SHARED / "sources")
    (path,) = export_layers(data, tmp_path, ["lpf"])
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert len(doc["features"]) == 8
    assert _errors(_whg3_validator(), doc) == []
    v2 = _whg2_validator()
    assert [e for f in doc["features"] for e in _errors(v2, f)] == []
    plant = features_by_id(doc)["cua-ong-screening-plant"]
    # /..: start unknown, still working: begun by the data's present (2025), no end
    assert plant["when"] == {"timespans": [{"start": {"latest": "2025-12-31"}}], "label": "/.."}
    battle = features_by_id(doc)["nam-hoa-battle-positions"]
    assert battle["properties"]["fclasses"] == ["S"]
    assert battle["types"][0]["identifier"] == "aat:300000835"


def test_fclasses_and_types_come_from_the_category(data, doc):
    for _, site in data.sites.iterrows():
        feature = features_by_id(doc)[site["id"]]
        kind = CATEGORY_TYPES.get(site["category"], DEFAULT_TYPE)
        assert feature["properties"]["fclasses"] == [kind.fclass]
        (entry,) = feature["types"]
        assert (entry["identifier"], entry["label"]) == (kind.aat, kind.label)
        label = data.project.category(site["category"]).label
        assert entry["sourceLabels"] == [
            {"label": label[lang], "lang": lang} for lang in ("vi", "en") if lang in label
        ]


@pytest.mark.parametrize("chunk", [1, 2, 4096])
def test_the_streamed_file_gives_the_bytes_of_dumps_on_hostile_names(tmp_path, monkeypatch, chunk):
    from heritage_mapper import load_geodata
    from heritage_mapper.export import lpf
    from heritage_mapper.export.crs import resolve_crs
    from heritage_mapper.export.geojson import dumps
    from heritage_mapper.export.tables import prepare

    from .fixtures import SITES, make_geodata
    from .test_export_geojson import HOSTILE_TEXTS

    texts = [t.replace("\x00", "") for t in HOSTILE_TEXTS]  # validation refuses a NUL
    sites = [
        {
            **site,
            "name": {**site["name"], "vi": texts[i]},
            "description": {"vi": texts[-1 - i], "en": texts[i + 4]},
        }
        for i, site in enumerate(SITES)
    ]
    data = prepare(load_geodata(make_geodata(tmp_path, sites=sites)), resolve_crs(None))
    monkeypatch.setattr(lpf, "CHUNK_FEATURES", chunk)
    path = tmp_path / "out.lpf.json"
    lpf.write(data, {lpf.outputs(data)[0]: path})
    assert path.read_bytes() == dumps(lpf.feature_collection(data))
    assert "\u2028".encode() in path.read_bytes()
