"""--crs: EPSG codes, the VN-2000 datum shift, refusals, and exports read back in metres.

Data: the small fixture folder (tests/fixtures.py); export behaviour does not depend on
the Quảng Ninh content.
"""

from __future__ import annotations

import numpy as np
import pyogrio
import pytest
import shapely
from pyproj import CRS, Transformer, network

from heritage_mapper.errors import UsageError
from heritage_mapper.export import export_layers, resolve_crs, select_formats
from heritage_mapper.export.crs import transform_points, transformer_for

# ../shared/reference/GAZETTEER.md, "Coordinate reference systems" (pyproj 3.7, PROJ 9.5)
VECTOR_WGS84 = (107.3, 21.0)  # lon, lat
VECTOR_EPSG5899 = (453022.694, 2323021.903)  # E, N
VECTOR_DECIMALS = 0.0005  # the vector is given to the millimetre
MILLIMETRE = 0.001
VN2000_SHIFT = 6960  # EPSG:6960, VN-2000 to WGS 84 (2), QĐ 05/2007/QĐ-BTNMT
PROJECTED = ["EPSG:5899", "EPSG:3405", "EPSG:32648"]


@pytest.fixture(scope="module")
def data(small_data):
    """The small fixture folder: what is checked here does not depend on the content."""
    return small_data


@pytest.fixture(autouse=True)
def no_proj_network():
    was = network.is_network_enabled()
    network.set_network_enabled(False)
    yield
    network.set_network_enabled(was)


def test_vn2000_test_vector():
    x, y = transform_points(resolve_crs("EPSG:5899"), [VECTOR_WGS84[0]], [VECTOR_WGS84[1]])
    assert abs(x[0] - VECTOR_EPSG5899[0]) < VECTOR_DECIMALS
    assert abs(y[0] - VECTOR_EPSG5899[1]) < VECTOR_DECIMALS


def test_vn2000_round_trip_within_a_millimetre():
    back = Transformer.from_crs(5899, 4326, always_xy=True, only_best=True, allow_ballpark=False)
    lon, lat = back.transform(*VECTOR_EPSG5899)
    x, y = transform_points(resolve_crs("EPSG:5899"), [lon], [lat])
    assert np.hypot(x[0] - VECTOR_EPSG5899[0], y[0] - VECTOR_EPSG5899[1]) < MILLIMETRE


def test_vn2000_uses_the_official_datum_shift_and_no_grid():
    transformer = transformer_for(resolve_crs("EPSG:5899"))
    transformer.transform(*VECTOR_WGS84)
    used = transformer.get_last_used_operation()
    codes = [step.to_json_dict().get("id", {}).get("code") for step in used.operations]
    assert VN2000_SHIFT in codes, used.description
    assert not [grid for step in used.operations for grid in step.grids]


def test_without_the_shift_the_point_would_be_about_225_m_off():
    # a WGS84 point taken as VN-2000 latitude/longitude: what a datum-less export does
    naive = Transformer.from_crs(4756, 5899, always_xy=True).transform(*VECTOR_WGS84)
    off = np.hypot(naive[0] - VECTOR_EPSG5899[0], naive[1] - VECTOR_EPSG5899[1])
    assert 200 < off < 250


@pytest.mark.parametrize("value", ["EPSG:5899", "epsg:5899", "5899", 5899, " EPSG:5899 "])
def test_epsg_codes_in_any_usual_spelling(value):
    assert resolve_crs(value).to_epsg() == 5899


def test_none_means_wgs84():
    assert resolve_crs(None).to_epsg() == 4326


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("EPSG:999999", "PROJ knows no such EPSG code"),
        ("EPSG:9999999", "an EPSG code has 4 to 6 digits, this one 7"),  # was "write it as EPSG:"
        ("12", "an EPSG code has 4 to 6 digits, this one 2"),
        ("VN-2000", "not an EPSG code"),
        ("+proj=longlat", "not an EPSG code"),
        ("EPSG:4978", "Geocentric CRS, not a 2D"),
        ("EPSG:5773", "Vertical CRS, not a 2D"),
    ],
)
def test_unknown_or_unsuitable_crs_is_a_usage_error(value, message):
    with pytest.raises(UsageError, match=message):
        resolve_crs(value)


def test_a_crs_meant_for_elsewhere_is_refused(data, tmp_path):
    with pytest.raises(UsageError, match=r"EPSG:2154 .*meant for France.*choose a CRS"):
        export_layers(data, tmp_path, ["gpkg"], crs="EPSG:2154")
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("fmt", ["geojson", "kml", "gpx", "lpf"])
def test_wgs84_only_formats_refuse_another_crs(fmt):
    with pytest.raises(UsageError, match=f"--format {fmt} cannot use --crs EPSG:5899"):
        select_formats([fmt], "EPSG:5899")


def test_wgs84_only_formats_accept_wgs84_spelled_out():
    chosen, skipped = select_formats(["geojson", "kml"], "EPSG:4326")
    assert [f.name for f in chosen] == ["geojson", "kml"] and not skipped


def test_all_with_a_crs_skips_the_wgs84_only_formats():
    chosen, skipped = select_formats(["all"], "EPSG:3405")
    assert [f.name for f in chosen] == ["gpkg", "shapefile", "csv", "fgb", "qgis"]
    assert [f.name for f in skipped] == ["geojson", "kml", "gpx", "lpf"]


@pytest.mark.parametrize("code", PROJECTED)
@pytest.mark.parametrize("fmt", ["gpkg", "shapefile", "fgb"])
def test_projected_exports_read_back_within_a_millimetre(data, tmp_path, code, fmt):
    paths = export_layers(data, tmp_path, [fmt], crs=code)
    tag = code.lower().replace(":", "")
    assert all(f".{tag}." in p.name for p in paths)
    expected_crs = CRS.from_user_input(code)
    for layer_id, sites in data.layers.items():
        if fmt == "gpkg":
            back = pyogrio.read_dataframe(paths[0], layer=f"sites-{layer_id}")
        else:
            back = pyogrio.read_dataframe(next(p for p in paths if layer_id in p.name))
        assert back.crs.equals(expected_crs) or back.crs.to_epsg() == expected_crs.to_epsg()
        back = back.set_index("id").loc[list(sites["id"])]
        x, y = transform_points(expected_crs, sites.geometry.x, sites.geometry.y)
        got = shapely.get_coordinates(back.geometry)
        assert np.allclose(got, np.column_stack([x, y]), rtol=0, atol=MILLIMETRE)


def test_gpkg_in_vn2000_puts_the_sites_where_the_vector_says(data, tmp_path):
    (path,) = export_layers(data, tmp_path, ["gpkg"], crs="EPSG:5899")
    back = pyogrio.read_dataframe(path, layer="sites-harbour")
    assert back.crs.to_epsg() == 5899
    # both harbour sites lie west of the TM-3 107-45 central meridian: easting below 500 km
    assert (back.geometry.x < 500_000).all() and (back.geometry.y > 2_290_000).all()
