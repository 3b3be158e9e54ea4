"""GeoJSON export: RFC 7946 winding, rounding and ids; read back with pyogrio.

Data: the small fixture folder (tests/fixtures.py); export behaviour does not depend on
the Quảng Ninh content.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely

from heritage_mapper import load_geodata
from heritage_mapper.export import RFC7946_MAX_DECIMALS, export_layers, rewind, to_rfc7946
from heritage_mapper.geometry import ring_turn

from .fixtures import make_geodata

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
REWIND = SHARED / "conformance" / "geojson-rewind"
REWIND_INPUTS = sorted(REWIND.glob("*.input.geojson"))
DEGREE_TOLERANCE = 1e-7


@pytest.fixture(scope="module")
def data(small_data):
    """The small fixture folder: what is checked here does not depend on the content."""
    return small_data


@pytest.fixture(scope="module")
def exported(data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("geojson")
    return folder, export_layers(data, folder, ["geojson"])


def rings(obj) -> list:
    """Every polygon ring of any GeoJSON object, in document order."""
    if isinstance(obj, list):
        return [ring for item in obj for ring in rings(item)]
    if not isinstance(obj, dict):
        return []
    kind = obj.get("type")
    if kind == "Polygon":
        return list(obj["coordinates"])
    if kind == "MultiPolygon":
        return [ring for polygon in obj["coordinates"] for ring in polygon]
    if kind == "GeometryCollection":
        return rings(obj["geometries"])
    if kind == "Feature":
        return rings(obj["geometry"])
    if kind == "FeatureCollection":
        return rings(obj["features"])
    return []


def orientation(ring) -> str:
    return {1: "+", -1: "-", 0: "0"}[ring_turn(ring)]


def test_the_rewind_fixtures_are_there():
    assert len(REWIND_INPUTS) >= 7, REWIND


@pytest.mark.parametrize("source", REWIND_INPUTS, ids=lambda p: p.name.split(".")[0])
def test_export_gives_the_rewind_fixture_orientation(source):
    expected = json.loads(source.with_name(source.name.replace(".input.", ".output.")).read_text())
    written = to_rfc7946(json.loads(source.read_text()))
    assert [orientation(r) for r in rings(written)] == [orientation(r) for r in rings(expected)]


@pytest.mark.parametrize("source", REWIND_INPUTS, ids=lambda p: p.name.split(".")[0])
def test_rewind_keeps_everything_but_the_ring_order(source):
    original = json.loads(source.read_text())
    rewound = rewind(original)
    assert set(rewound) == set(original)
    assert [sorted(map(tuple, r)) for r in rings(rewound)] == [
        sorted(map(tuple, r)) for r in rings(original)
    ]


def test_to_rfc7946_rounds_to_seven_decimals_and_drops_crs():
    doc = {
        "type": "Feature",
        "crs": {"type": "name", "properties": {"name": "EPSG:4326"}},
        "geometry": {"type": "Point", "coordinates": [107.123456789, 20.987654321]},
        "properties": {},
    }
    out = to_rfc7946(doc)
    assert "crs" not in out
    assert out["geometry"]["coordinates"] == [107.1234568, 20.9876543]


def test_one_file_per_layer_plus_events_at_sites(data, exported):
    folder, paths = exported
    expected = [f"sites-{layer}.geojson" for layer in data.layers] + ["events-at-sites.geojson"]
    assert [p.name for p in paths] == expected
    assert sorted(p.name for p in folder.iterdir()) == sorted(expected)


def test_files_follow_rfc7946(exported):
    _, paths = exported
    for path in paths:
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert doc["type"] == "FeatureCollection"
        assert "crs" not in doc
        for feature in doc["features"]:
            assert feature["id"], path.name
            for x in feature["geometry"]["coordinates"]:
                decimals = len(repr(x).split(".")[1]) if "." in repr(x) else 0
                assert decimals <= RFC7946_MAX_DECIMALS


def test_write_read_roundtrip_keeps_ids_names_and_coordinates(data, exported):
    folder, _ = exported
    for layer_id, sites in data.layers.items():
        back = pyogrio.read_dataframe(folder / f"sites-{layer_id}.geojson")
        assert len(back) == len(sites)
        assert list(back["id"]) == list(sites["id"])
        for got, want in zip(back["name_vi"], sites["name_vi"], strict=True):
            assert unicodedata.normalize("NFC", got) == want
        assert back.crs.to_epsg() == 4326
        got, want = shapely.get_coordinates(back.geometry), shapely.get_coordinates(sites.geometry)
        assert np.allclose(got, want, rtol=0, atol=DEGREE_TOLERANCE)


def test_events_at_sites_carry_event_and_site_and_dates(data, exported):
    folder, _ = exported
    doc = json.loads((folder / "events-at-sites.geojson").read_text(encoding="utf-8"))
    ids = [f["id"] for f in doc["features"]]
    assert "ev-1965-shift@pit-head" in ids
    assert len(ids) == len(set(ids)) == sum(len(s) for s in data.events["site_ids"])
    shift = next(f for f in doc["features"] if f["id"].startswith("ev-1965-shift@"))
    assert shift["properties"]["date_start"] == "1965-12-01"
    assert shift["properties"]["date_end"] == "1965-12-31"


def test_a_clockwise_polygon_site_is_written_counter_clockwise(tmp_path):
    folder = make_geodata(tmp_path)
    layer = folder / "layers" / "mines.geojson"
    doc = json.loads(layer.read_text(encoding="utf-8"))
    x, y = doc["features"][0]["geometry"]["coordinates"]
    clockwise = [[x, y], [x, y + 0.01], [x + 0.01, y + 0.01], [x + 0.01, y], [x, y]]
    doc["features"][0]["geometry"] = {"type": "Polygon", "coordinates": [clockwise]}
    layer.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    paths = export_layers(load_geodata(folder), tmp_path / "out", ["geojson"])
    written = json.loads(next(p for p in paths if "mines" in p.name).read_text(encoding="utf-8"))
    assert [orientation(r) for r in rings(written)] == ["+"]


#: Texts a curated name may hold that JSON must escape, or that a careless writer would
#: take for something else ("NaN", "1e400" stay text).
HOSTILE_TEXTS = [
    'Q"uote \\ back\\slash',
    "ctl\x00\x01\x1f\x7f\ttab\nnew\rret",
    "line\u2028sep\u2029para",
    "</script><img src=x onerror=alert(1)>",
    "]]> &amp; <b>",
    "NaN",
    "1e400",
    "-Infinity",
    "e\u0301 \U0001f600 ",
    "",
]


def hostile_frame(rows: int = 2 * len(HOSTILE_TEXTS) + 3):
    """A WGS84 frame of every column kind the writers meet, holding hostile texts."""
    import geopandas as gpd
    import pandas as pd

    texts = [HOSTILE_TEXTS[i % len(HOSTILE_TEXTS)] for i in range(rows)]
    geometries = [shapely.Point(107.123456789 + i, 20.5 - i / 3) for i in range(rows)]
    geometries[1] = shapely.Point(107, -21)  # whole degrees: written as integers
    geometries[2] = None
    geometries[3] = shapely.Polygon([(0, 0), (0, 1), (1, 1), (1, 0)])  # rewound
    geometries[4] = shapely.Point(107.1, 20.9, 12.5)
    geometries[5] = shapely.Point()
    return gpd.GeoDataFrame(
        {
            "id": [f"site-{i}" if i % 5 else texts[i] for i in range(rows)],
            "name": texts,
            "mixed": [t if i % 3 else None for i, t in enumerate(texts)],
            "count": pd.array([i if i % 4 else None for i in range(rows)], dtype="Int64"),
            "ratio": [i / 7 if i % 6 else float("nan") for i in range(rows)],
            "flag": [bool(i % 2) for i in range(rows)],
            "refs": [[t, "b.txt#2"] if i % 2 else [] for i, t in enumerate(texts)],
            "nested": [{"a": [i, None, t]} if i % 2 else [i, t] for i, t in enumerate(texts)],
            "big": [10**30 + i if i % 2 else 1e300 * i for i in range(rows)],
            "day": pd.to_datetime(["1964-08-05" if i % 3 else None for i in range(rows)]),
        },
        geometry=geometries,
        crs="EPSG:4326",
    )


@pytest.mark.parametrize("chunk", [1, 4, 4096])
def test_the_streamed_writer_gives_the_bytes_of_dumps_on_hostile_values(monkeypatch, chunk):
    import io

    from heritage_mapper.export import geojson

    monkeypatch.setattr(geojson, "CHUNK_FEATURES", chunk)
    frame = hostile_frame()
    file = io.BytesIO()
    members = {"type": "FeatureCollection"}
    geojson.write_collection(file, members, geojson.feature_texts(frame))
    assert file.getvalue() == geojson.dumps(geojson.feature_collection(frame))
    for part in ("\u2028", '"NaN"', '"1e400"', "\\u0000", "</script>", "[107,-21]"):
        assert part.encode() in file.getvalue()


def test_the_streamed_writer_of_no_features_gives_the_bytes_of_dumps():
    import io

    from heritage_mapper.export import geojson

    file = io.BytesIO()
    geojson.write_collection(file, {"type": "FeatureCollection"}, iter(()))
    assert file.getvalue() == geojson.dumps({"type": "FeatureCollection", "features": []})
    frame = hostile_frame().iloc[:0]
    file = io.BytesIO()
    geojson.write_collection(file, {"type": "FeatureCollection"}, geojson.feature_texts(frame))
    assert file.getvalue() == geojson.dumps(geojson.feature_collection(frame))


def test_the_streamed_writer_refuses_infinity_as_dumps_does():
    from heritage_mapper.export import geojson

    frame = hostile_frame()
    frame["big"] = [float("inf")] * len(frame)
    with pytest.raises(ValueError):
        geojson.dumps(geojson.feature_collection(frame))
    with pytest.raises(ValueError):
        list(geojson.feature_texts(frame))
