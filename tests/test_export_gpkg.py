"""GeoPackage export: one file, site layers + events table + events-at-sites, for QGIS.

Data: the small fixture folder (tests/fixtures.py); export behaviour does not depend on
the Quảng Ninh content.
"""

from __future__ import annotations

import sqlite3
import unicodedata

import numpy as np
import pyogrio
import pytest
import shapely

from heritage_mapper.export import export_layers

DEGREE_TOLERANCE = 1e-7


@pytest.fixture(scope="module")
def data(small_data):
    """The small fixture folder: what is checked here does not depend on the content."""
    return small_data


@pytest.fixture(scope="module")
def gpkg(data, tmp_path_factory):
    (path,) = export_layers(data, tmp_path_factory.mktemp("gpkg"), ["gpkg"])
    return path


def contents(path) -> dict:
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT table_name, data_type, identifier, description, last_change FROM gpkg_contents"
        ).fetchall()
    return {row[0]: row[1:] for row in rows}


def column_types(path, table) -> dict:
    with sqlite3.connect(path) as db:
        return {row[1]: row[2] for row in db.execute(f'PRAGMA table_info("{table}")')}


def test_one_file_holds_every_site_layer_and_both_event_layers(data, gpkg):
    assert gpkg.name == "heritage.gpkg"
    layers = dict(pyogrio.list_layers(gpkg).tolist())
    expected = {f"sites-{layer}": "Point" for layer in data.layers}
    expected |= {"events": None, "events-at-sites": "Point"}
    assert layers == expected


def test_every_layer_has_an_identifier_and_a_description(data, gpkg):
    table = contents(gpkg)
    assert table["events"][0] == "attributes"
    for name, (_kind, identifier, description, _changed) in table.items():
        assert identifier and description, name
    title = data.project.layers[0].title
    identifier, description = table[f"sites-{data.project.layers[0].id}"][1:3]
    assert identifier == title["vi"]
    assert title["en"] in description


def test_event_bounds_are_date_columns_for_the_temporal_controller(gpkg):
    """QGIS compares GeoPackage dates as text with '1965-12-01T00:00:00.000' (#41074):
    a DATETIME start ('...Z') sorts just after that instant, a DATE end just before it,
    so the text comparison agrees with the instants (tests/test_qgis_project.py runs it)."""
    types = column_types(gpkg, "events-at-sites")
    assert types["date_start"] == "DATETIME"
    assert types["date_end"] == "DATE" and types["date_end_excl"] == "DATE"
    assert column_types(gpkg, "events")["date_start"] == "DATE"
    with sqlite3.connect(gpkg) as db:
        rows = db.execute(
            'SELECT id, date_start, date_end, date_end_excl FROM "events-at-sites"'
        ).fetchall()
    by_id = {row[0]: row[1:] for row in rows}
    assert by_id["ev-1965-shift@pit-head"] == (
        "1965-12-01T00:00:00.000Z",
        "1965-12-31",
        "1966-01-01",
    )


def test_open_event_ends_are_null(data, gpkg):
    events = pyogrio.read_dataframe(gpkg, layer="events")
    open_ids = set(data.events.loc[data.events["date_end"].isna(), "id"])
    assert open_ids, "the data has an open-ended event"
    assert set(events.loc[events["date_end"].isna(), "id"]) == open_ids


def test_write_read_roundtrip_keeps_ids_names_and_coordinates(data, gpkg):
    for layer_id, sites in data.layers.items():
        back = pyogrio.read_dataframe(gpkg, layer=f"sites-{layer_id}")
        assert list(back["id"]) == list(sites["id"])
        assert [unicodedata.normalize("NFC", n) for n in back["name_vi"]] == list(sites["name_vi"])
        assert back.crs.to_epsg() == 4326
        got, want = shapely.get_coordinates(back.geometry), shapely.get_coordinates(sites.geometry)
        assert np.allclose(got, want, rtol=0, atol=DEGREE_TOLERANCE)
    events = pyogrio.read_dataframe(gpkg, layer="events", read_geometry=False)
    assert list(events["id"]) == list(data.events["id"])
    assert list(events["summary_vi"]) == list(data.events["summary_vi"])


def test_events_at_sites_leave_the_texts_and_the_citation_to_the_events_table(data, gpkg, tmp_path):
    """One point per (event, site) pair would repeat each event's summary once per site:
    the points carry the dates and titles, the events table the rest, by event_id."""
    long_fields = {"summary_vi", "summary_en", "source", "source_id", "paragraph"}
    events = pyogrio.read_dataframe(gpkg, layer="events", read_geometry=False).set_index("id")
    assert long_fields <= set(events.columns)
    export_layers(data, tmp_path, ["geojson", "fgb", "shapefile"])
    for where, kwargs in [
        (gpkg, {"layer": "events-at-sites"}),
        (tmp_path / "events-at-sites.geojson", {}),
        (tmp_path / "events-at-sites.fgb", {}),
        (f"/vsizip/{tmp_path / 'events-at-sites.shp.zip'}/events-at-sites.shp", {}),
    ]:
        points = pyogrio.read_dataframe(where, **kwargs)
        fields = set(points.columns)
        assert not fields & (long_fields | {"summ_vi", "summ_en"}), (where, fields)
        assert {"event_id", "site_id", "date_start"} <= fields, where
        assert len(points) and set(points["event_id"]) <= set(events.index), where
        for title in ("title_vi", "title_en"):
            expected = [events.loc[e, title] for e in points["event_id"]]
            assert [unicodedata.normalize("NFC", t) for t in points[title]] == expected, where


def test_the_same_data_gives_a_byte_identical_file(data, gpkg, tmp_path):
    (again,) = export_layers(data, tmp_path, ["gpkg"])
    assert again.read_bytes() == gpkg.read_bytes()
    assert {row[3] for row in contents(again).values()} == {"1980-01-01T00:00:00.000Z"}


def test_layer_selection_keeps_only_those_sites_and_their_events(data, tmp_path):
    (path,) = export_layers(data, tmp_path, ["gpkg"], layers=["harbour"])
    names = {name for name, _ in pyogrio.list_layers(path)}
    assert names == {"sites-harbour", "events", "events-at-sites"}
    events = pyogrio.read_dataframe(path, layer="events", read_geometry=False)
    assert list(events["id"]) == ["ev-1955-pier-rally", "ev-1960-lighthouse-in-service"]


def test_the_file_is_geopackage_1_2_which_gdal_3_6_reads_without_a_warning(gpkg):
    """application_id 'GPKG' (0x47504B47) and user_version 10200: GeoPackage 1.2.

    GDAL 3.6 (Debian 12's QGIS 3.22) warns on a 1.4 file (user_version 10400).
    """
    with sqlite3.connect(gpkg) as db:
        application_id = db.execute("PRAGMA application_id").fetchone()[0]
        user_version = db.execute("PRAGMA user_version").fetchone()[0]
    assert application_id.to_bytes(4, "big") == b"GPKG"
    assert user_version == 10200


def test_a_one_layer_export_is_1_2_too(data, tmp_path):
    """The version is set when the first layer creates the file, whichever it is."""
    (path,) = export_layers(data, tmp_path, ["gpkg"], layers=[next(iter(data.layers))])
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 10200
