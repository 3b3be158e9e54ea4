"""FlatGeobuf export: one file per site layer and for events-at-sites.

Data: the small fixture folder (tests/fixtures.py); export behaviour does not depend on
the Quảng Ninh content.
"""

from __future__ import annotations

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
def exported(data, tmp_path_factory):
    return export_layers(data, tmp_path_factory.mktemp("fgb"), ["fgb"])


def test_every_layer_and_events_at_sites(data, exported):
    expected = [f"sites-{layer}.fgb" for layer in data.layers] + ["events-at-sites.fgb"]
    assert [p.name for p in exported] == expected


def test_write_read_roundtrip_keeps_ids_names_and_coordinates(data, exported):
    for path, (layer_id, sites) in zip(exported, data.layers.items(), strict=False):
        info = pyogrio.read_info(path)
        assert info["layer_name"] == f"sites-{layer_id}"
        # the packed R-tree orders features along a Hilbert curve: compare by id
        back = pyogrio.read_dataframe(path).set_index("id").loc[list(sites["id"])]
        assert len(back) == len(sites)
        assert [unicodedata.normalize("NFC", n) for n in back["name_vi"]] == list(sites["name_vi"])
        assert back.crs.to_epsg() == 4326
        got, want = shapely.get_coordinates(back.geometry), shapely.get_coordinates(sites.geometry)
        assert np.allclose(got, want, rtol=0, atol=DEGREE_TOLERANCE)


def test_events_at_sites_keep_one_row_per_event_and_site(data, exported):
    back = pyogrio.read_dataframe(exported[-1])
    assert len(back) == sum(len(ids) for ids in data.events["site_ids"])
    assert back["id"].is_unique
    assert str(back["date_start"].dtype).startswith("datetime64")


def test_same_data_gives_byte_identical_files(data, exported, tmp_path):
    again = export_layers(data, tmp_path, ["fgb"])
    assert [a.read_bytes() for a in again] == [p.read_bytes() for p in exported]
