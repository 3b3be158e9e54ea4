"""Whatever ``validate`` accepts, ``build`` and every export handle.

Each case is data that used to pass ``validate`` and then break ``build`` or change a
value on the way out. Now each is either a ``validate`` finding (code, location, exit
code; ``build`` writes nothing when it is an error) or a build whose exports read back
with the exact value, with no traceback and no Python warning on stderr.

Data: the small fixture folder (tests/fixtures.py), one change per case.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pyogrio
import pytest
import shapely
from click.testing import CliRunner

from heritage_mapper import load_geodata, validate_geodata
from heritage_mapper.cli import main
from heritage_mapper.join import join
from heritage_mapper.model import dbf_number_fits
from heritage_mapper.render.assets import messages
from heritage_mapper.render.data import page_languages, page_records

from .fixtures import edit_layer, make_geodata, set_event, set_site

SRC = Path(__file__).resolve().parents[1] / "src"
PIER = [107.08, 20.95]  # the fixture's old-pier
PIER_POLYGON = {
    "type": "Polygon",
    "coordinates": [
        [
            [107.08, 20.95],
            [107.09, 20.95],
            [107.09, 20.96],
            [107.08, 20.96],
            [107.08, 20.95],
        ]
    ],
}


def build_cli(folder: Path, tmp_path: Path):
    """``heritage-mapper build`` through click, any Python warning turned into an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = CliRunner().invoke(
            main,
            [
                "build",
                "--geodata",
                str(folder),
                "--out",
                str(tmp_path / "maps"),
                "--exports",
                str(tmp_path / "exports"),
                "-q",
            ],
        )
    return result


def build_process(folder: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """The real command in its own process: what a user's terminal would show."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "heritage_mapper",
            "build",
            "--geodata",
            str(folder),
            "--out",
            str(tmp_path / "maps"),
            "--exports",
            str(tmp_path / "exports"),
            "-q",
        ],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
        timeout=300,
        check=False,
    )


def findings(folder: Path, code: str) -> list:
    return [p for p in validate_geodata(folder).problems if p.code == code]


def assert_refused(folder: Path, tmp_path: Path, code: str) -> None:
    """``validate`` exits 1 and ``build`` writes nothing."""
    runner = CliRunner()
    result = runner.invoke(main, ["validate", "--geodata", str(folder)])
    assert result.exit_code == 1, result.output
    assert f"[{code}]" in result.output
    built = build_cli(folder, tmp_path)
    assert built.exit_code == 1, built.output
    assert "nothing was written" in built.output + built.stderr
    assert "Traceback" not in built.output + built.stderr
    for out in ("maps", "exports"):
        assert not (tmp_path / out).exists() or not any((tmp_path / out).iterdir())


# -- 1. a site that is a Polygon, with events -------------------------------------------


@pytest.fixture(scope="module")
def polygon_build(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("polygon")
    folder = make_geodata(tmp_path)

    def to_polygon(features):
        (pier,) = [f for f in features if f["id"] == "old-pier"]
        pier["geometry"] = PIER_POLYGON

    edit_layer(folder, "harbour", to_polygon)
    assert not validate_geodata(folder).has_errors()
    result = build_cli(folder, tmp_path)
    assert result.exit_code == 0, (result.output, result.stderr, result.exception)
    assert "Warning" not in result.stderr and "Traceback" not in result.stderr
    return tmp_path / "exports", tmp_path / "maps"


def read_zip(path: Path):
    return pyogrio.read_dataframe(f"/vsizip/{path}")


def test_a_polygon_site_splits_the_shapefile_by_geometry_kind(polygon_build):
    exports, _ = polygon_build
    names = {p.name for p in exports.iterdir()}
    assert {
        "sites-harbour.point.shp.zip",
        "sites-harbour.polygon.shp.zip",
        "events-at-sites.point.shp.zip",
        "events-at-sites.polygon.shp.zip",
        "sites-mines.shp.zip",  # one kind: the usual name
    } <= names
    assert "sites-harbour.shp.zip" not in names
    polygons = read_zip(exports / "sites-harbour.polygon.shp.zip")
    points = read_zip(exports / "sites-harbour.point.shp.zip")
    assert list(polygons["id"]) == ["old-pier"] and list(points["id"]) == ["lighthouse"]
    assert polygons.geometry[0].equals(shapely.geometry.shape(PIER_POLYGON))
    at_polygon = read_zip(exports / "events-at-sites.polygon.shp.zip")
    at_points = read_zip(exports / "events-at-sites.point.shp.zip")
    assert list(at_polygon["id"]) == ["ev-1955-pier-rally@old-pier"]
    assert "ev-1955-pier-rally@old-pier" not in set(at_points["id"])
    assert all(g.geom_type == "Point" for g in at_points.geometry)


@pytest.mark.parametrize("suffix", [".gpkg", ".fgb"])
def test_a_polygon_site_keeps_its_geometry_in_gpkg_and_fgb(polygon_build, suffix):
    exports, _ = polygon_build
    polygon = shapely.geometry.shape(PIER_POLYGON)
    if suffix == ".gpkg":
        sites = pyogrio.read_dataframe(exports / "heritage.gpkg", layer="sites-harbour")
        at = pyogrio.read_dataframe(exports / "heritage.gpkg", layer="events-at-sites")
    else:
        sites = pyogrio.read_dataframe(exports / "sites-harbour.fgb")
        at = pyogrio.read_dataframe(exports / "events-at-sites.fgb")
    pier = sites[sites["id"] == "old-pier"].geometry.iloc[0]
    assert pier.equals(polygon)
    rally = at[at["id"] == "ev-1955-pier-rally@old-pier"].geometry.iloc[0]
    assert rally.equals(polygon)


def test_a_polygon_site_in_the_text_formats_and_the_page(polygon_build):
    exports, maps = polygon_build
    polygon = shapely.geometry.shape(PIER_POLYGON)
    doc = json.loads((exports / "sites-harbour.geojson").read_text(encoding="utf-8"))
    (pier,) = [f for f in doc["features"] if f["id"] == "old-pier"]
    assert shapely.geometry.shape(pier["geometry"]).equals(polygon)
    kml = (exports / "heritage.kml").read_text(encoding="utf-8")
    assert "<Polygon>" in kml or ":Polygon>" in kml
    gpx = ET.parse(exports / "heritage.gpx").getroot()
    ns = {"g": "http://www.topografix.com/GPX/1/1"}
    names = [w.findtext("g:name", namespaces=ns) for w in gpx.findall("g:wpt", ns)]
    assert len(names) == 4  # every site has a waypoint, the polygon a point inside it
    inside = [
        shapely.Point(float(w.get("lon")), float(w.get("lat"))) for w in gpx.findall("g:wpt", ns)
    ]
    assert any(polygon.contains(p) for p in inside)
    text = (exports / "sites.csv").read_text(encoding="utf-8-sig")
    (row,) = [r for r in csv.DictReader(io.StringIO(text)) if r["id"] == "old-pier"]
    assert shapely.from_wkt(row["wkt"]).equals(polygon)
    assert polygon.contains(shapely.Point(float(row["longitude"]), float(row["latitude"])))
    lpf = json.loads((exports / "heritage.lpf.json").read_text(encoding="utf-8"))
    (place,) = [f for f in lpf["features"] if f["@id"].endswith("/old-pier")]
    (geometry,) = place["geometry"]["geometries"]
    assert geometry["type"] == "Polygon"
    page = (maps / "index.html").read_text(encoding="utf-8")
    assert "old-pier" in page


def test_a_geometry_collection_site_goes_to_the_shapefile_of_each_part(tmp_path):
    folder = make_geodata(tmp_path)
    collection = {
        "type": "GeometryCollection",
        "geometries": [
            {"type": "Point", "coordinates": PIER},
            {"type": "LineString", "coordinates": [PIER, [107.09, 20.96]]},
        ],
    }

    def to_collection(features):
        (pier,) = [f for f in features if f["id"] == "old-pier"]
        pier["geometry"] = collection

    edit_layer(folder, "harbour", to_collection)
    assert not validate_geodata(folder).has_errors()
    result = build_cli(folder, tmp_path)
    assert result.exit_code == 0, (result.output, result.exception)
    exports = tmp_path / "exports"
    points = read_zip(exports / "sites-harbour.point.shp.zip")
    lines = read_zip(exports / "sites-harbour.line.shp.zip")
    assert list(points["id"]) == ["old-pier", "lighthouse"] and list(lines["id"]) == ["old-pier"]
    assert points.geometry[0].equals(shapely.Point(PIER))
    assert lines.geometry[0].equals(shapely.LineString([PIER, [107.09, 20.96]]))
    gpkg = pyogrio.read_dataframe(exports / "heritage.gpkg", layer="sites-harbour")
    pier = gpkg[gpkg["id"] == "old-pier"].geometry.iloc[0]
    assert pier.equals(shapely.geometry.shape(collection))


# -- 2. site property names an export cannot hold ----------------------------------------


@pytest.mark.parametrize(
    ("properties", "code", "name"),
    [
        ({"note": "a", "NOTE": "b"}, "site-property-name-case", "NOTE"),
        ({"Layer": "x"}, "site-property-name-case", "Layer"),
        ({"geom": "x"}, "site-property-name-export", "geom"),
        ({"fid": "x"}, "site-property-name-export", "fid"),
        ({"fid": 3}, "site-property-name-export", "fid"),
        ({"FID": 3}, "site-property-name-export", "FID"),
        ({"wkt": "POINT (0 0)"}, "site-property-name-export", "wkt"),
        ({"longitude": 107.1}, "site-property-name-export", "longitude"),
    ],
)
def test_property_names_an_export_cannot_hold_are_refused(tmp_path, properties, code, name):
    folder = make_geodata(tmp_path)
    set_site(folder, "old-pier", **properties)
    (found,) = findings(folder, code)
    assert found.severity == "error"
    assert found.location.pointer == f"/features/0/properties/{name}"
    assert found.location.feature_id == "old-pier"
    assert found.path.endswith("harbour.geojson")
    assert_refused(folder, tmp_path, code)


def test_thousands_of_property_names_are_refused_once_per_layer(tmp_path):
    folder = make_geodata(tmp_path)
    set_site(folder, "old-pier", **{f"extra_{i}": i for i in range(3000)})
    (found,) = findings(folder, "site-properties-too-many")
    assert found.location.pointer == "/features/0/properties"
    assert found.location.feature_id == "old-pier"
    assert_refused(folder, tmp_path, "site-properties-too-many")


def test_many_property_names_within_the_dbase_limit_export_exactly(tmp_path):
    folder = make_geodata(tmp_path)
    extra = {f"extra_property_{i}": i for i in range(200)}  # long names: cut and numbered
    set_site(folder, "old-pier", **extra)
    assert not validate_geodata(folder).has_errors()
    result = build_cli(folder, tmp_path)
    assert result.exit_code == 0, (result.output, result.exception)
    exports = tmp_path / "exports"
    gpkg = pyogrio.read_dataframe(exports / "heritage.gpkg", layer="sites-harbour")
    fgb = pyogrio.read_dataframe(exports / "sites-harbour.fgb")
    for frame in (gpkg, fgb):
        pier = frame[frame["id"] == "old-pier"].iloc[0]
        assert {k: int(pier[k]) for k in extra} == extra
    with zipfile.ZipFile(exports / "sites-harbour.shp.zip") as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("fields.csv").decode("utf-8"))))
    field_of = {r["column"]: r["field"] for r in rows}
    shp = read_zip(exports / "sites-harbour.shp.zip")
    pier = shp[shp["id"] == "old-pier"].iloc[0]
    assert {k: int(pier[field_of[k]]) for k in extra} == extra


# -- 3. an event naming the same site twice ----------------------------------------------


def test_an_event_naming_a_site_twice_is_a_warning_and_one_pair(tmp_path):
    folder = make_geodata(tmp_path)
    set_event(folder, "ev-1970-record", site_ids="pit-head;pit-head")
    (found,) = findings(folder, "event-site-repeated")
    assert found.severity == "warning"
    assert (found.location.row, found.location.column_name) == (6, "site_ids")
    assert found.location.feature_id == "ev-1970-record"
    data = load_geodata(folder)
    (ids,) = data.events[data.events["id"] == "ev-1970-record"]["site_ids"]
    assert list(ids) == ["pit-head"]
    result = build_cli(folder, tmp_path)
    assert result.exit_code == 0, (result.output, result.exception)
    exports = tmp_path / "exports"
    for frame in (
        pyogrio.read_dataframe(exports / "heritage.gpkg", layer="events-at-sites"),
        pyogrio.read_dataframe(exports / "events-at-sites.fgb"),
        read_zip(exports / "events-at-sites.shp.zip"),
    ):
        assert frame["id"].is_unique
        assert list(frame["id"]).count("ev-1970-record@pit-head") == 1
    doc = json.loads((exports / "events-at-sites.geojson").read_text(encoding="utf-8"))
    ids = [f["id"] for f in doc["features"]]
    assert len(ids) == len(set(ids))


# -- 4. a number a format cannot hold exactly --------------------------------------------


@pytest.mark.parametrize("value", [1.23e300, 1e-20, 0.1 + 0.2])
def test_a_number_dbase_cannot_hold_is_a_warning_and_text_in_the_shapefile(tmp_path, value):
    folder = make_geodata(tmp_path)
    set_site(folder, "old-pier", measure=value)
    (found,) = findings(folder, "site-property-number-shapefile")
    assert found.severity == "warning"
    assert found.location.pointer == "/features/0/properties/measure"
    assert not validate_geodata(folder).has_errors()
    result = build_process(folder, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr and "Traceback" not in result.stderr
    exports = tmp_path / "exports"
    shp = read_zip(exports / "sites-harbour.shp.zip")
    pier = shp[shp["id"] == "old-pier"].iloc[0]
    assert isinstance(pier["measure"], str) and float(pier["measure"]) == value
    gpkg = pyogrio.read_dataframe(exports / "heritage.gpkg", layer="sites-harbour")
    fgb = pyogrio.read_dataframe(exports / "sites-harbour.fgb")
    for frame in (gpkg, fgb):
        assert frame[frame["id"] == "old-pier"]["measure"].iloc[0] == value
    doc = json.loads((exports / "sites-harbour.geojson").read_text(encoding="utf-8"))
    (pier,) = [f for f in doc["features"] if f["id"] == "old-pier"]
    assert pier["properties"]["measure"] == value
    text = (exports / "sites.csv").read_text(encoding="utf-8-sig")
    (row,) = [r for r in csv.DictReader(io.StringIO(text)) if r["id"] == "old-pier"]
    assert float(row["measure"]) == value


@pytest.mark.parametrize("value", [2**63 - 1, 10**18, -(10**17)])
def test_an_integer_of_19_characters_is_a_warning_and_text_in_the_shapefile(tmp_path, value):
    # the .dbf held it exactly, but GDAL reads a whole-number field of 19 characters or
    # more as a real: 9223372036854775807 came back as 9.223372036854776e18
    folder = make_geodata(tmp_path)
    set_site(folder, "old-pier", count=value)
    set_site(folder, "lighthouse", count=10**18 - 1)  # 18 characters: no finding
    (found,) = findings(folder, "site-property-number-shapefile")
    assert found.location.pointer == "/features/0/properties/count"
    result = build_process(folder, tmp_path)
    assert result.returncode == 0, result.stderr
    exports = tmp_path / "exports"
    shp = read_zip(exports / "sites-harbour.shp.zip").set_index("id")
    assert shp.loc["old-pier", "count"] == str(value)
    assert shp.loc["lighthouse", "count"] == str(10**18 - 1)
    gpkg = pyogrio.read_dataframe(exports / "heritage.gpkg", layer="sites-harbour")
    assert gpkg.set_index("id").loc["old-pier", "count"] == value  # an integer there


def test_a_wide_integer_beside_a_decimal_keeps_every_digit_in_every_format(tmp_path):
    # a column of 2**63 - 1 and 0.5 was a real field in GeoPackage, FlatGeobuf and
    # Shapefile alike: 9.223372036854776e18 came back, though validate said exact
    folder = make_geodata(tmp_path)
    set_site(folder, "old-pier", count=2**63 - 1)
    set_site(folder, "lighthouse", count=0.5)
    (found,) = findings(folder, "site-property-number-shapefile")
    assert "GeoPackage and FlatGeobuf where the column also holds decimals" in found.message
    result = build_process(folder, tmp_path)
    assert result.returncode == 0, result.stderr
    exports = tmp_path / "exports"
    for frame in (
        pyogrio.read_dataframe(exports / "heritage.gpkg", layer="sites-harbour"),
        pyogrio.read_dataframe(exports / "sites-harbour.fgb"),
        read_zip(exports / "sites-harbour.shp.zip"),
    ):
        counts = frame.set_index("id")["count"]
        assert counts["old-pier"] == str(2**63 - 1) and float(counts["lighthouse"]) == 0.5


def test_integers_of_18_characters_stay_integers_in_the_shapefile(tmp_path):
    folder = make_geodata(tmp_path)
    set_site(folder, "old-pier", count=10**18 - 1)
    set_site(folder, "lighthouse", count=-(10**16))
    assert not findings(folder, "site-property-number-shapefile")
    result = build_cli(folder, tmp_path)
    assert result.exit_code == 0, (result.output, result.exception)
    shp = read_zip(tmp_path / "exports" / "sites-harbour.shp.zip").set_index("id")
    assert shp.loc["old-pier", "count"] == 10**18 - 1
    assert shp.loc["lighthouse", "count"] == -(10**16)


def test_numbers_dbase_holds_stay_numbers_in_the_shapefile(tmp_path):
    folder = make_geodata(tmp_path)
    set_site(folder, "old-pier", measure=123456789.12345679)
    assert dbf_number_fits(123456789.12345679)
    assert not findings(folder, "site-property-number-shapefile")
    result = build_cli(folder, tmp_path)
    assert result.exit_code == 0, (result.output, result.exception)
    shp = read_zip(tmp_path / "exports" / "sites-harbour.shp.zip")
    assert shp[shp["id"] == "old-pier"]["measure"].iloc[0] == 123456789.12345679


# -- 5. years outside 1..9999 and the page's year slider ---------------------------------


def test_a_year_beyond_9999_is_refused(tmp_path):
    folder = make_geodata(tmp_path)
    set_event(folder, "ev-1970-record", date="Y-170000002")
    (found,) = findings(folder, "event-date-invalid")
    assert (found.location.row, found.location.column_name) == (6, "date")
    assert_refused(folder, tmp_path, "event-date-invalid")


def test_open_and_unknown_ends_never_stretch_the_year_slider(tmp_path):
    folder = make_geodata(tmp_path)
    set_event(folder, "ev-1954-ceasefire", date="../1956")  # open start
    set_event(folder, "ev-1970-record", date="1970/..")  # open end
    set_event(folder, "ev-1955-pier-rally", date="/1955-04-25")  # unknown start
    assert not validate_geodata(folder).has_errors()
    geodata = load_geodata(folder)
    languages, _ = page_languages(geodata.project, messages()["messages"])
    layer_ids = [spec.id for spec in geodata.project.layers]
    records = page_records(join(geodata), layer_ids, languages=languages)
    first, last = records["years"]
    # from the first known year to the data's present: 2025, the year of the fixture
    # screening plant's /2025 period (its latest start), not 9999 for the open end
    assert (first, last) == (1955, 2025)
    assert 1 not in records["events"]["start"] + records["events"]["end"]
    assert 9999 not in records["events"]["start"] + records["events"]["end"]


def test_an_extra_property_never_takes_a_documented_shapefile_field_name():
    from heritage_mapper.export.shapefile import shapefile_field_names

    names = shapefile_field_names(["id", "desc_vi", "description_vi", "src_refs", "source_refs"])
    assert names["description_vi"] == "desc_vi" and names["source_refs"] == "src_refs"
    assert names["desc_vi"] != "desc_vi" and names["src_refs"] != "src_refs"
    assert len({n.lower() for n in names.values()}) == len(names)


def test_an_object_property_is_json_text_in_the_table_formats(tmp_path):
    folder = make_geodata(tmp_path)
    value = {"ghi_chú": "Hạ Long", "n": [1, None]}
    set_site(folder, "old-pier", extra=value)
    assert not validate_geodata(folder).has_errors()
    result = build_cli(folder, tmp_path)
    assert result.exit_code == 0, (result.output, result.exception)
    exports = tmp_path / "exports"
    for frame in (
        pyogrio.read_dataframe(exports / "heritage.gpkg", layer="sites-harbour"),
        pyogrio.read_dataframe(exports / "sites-harbour.fgb"),
        read_zip(exports / "sites-harbour.shp.zip"),
    ):
        assert json.loads(frame[frame["id"] == "old-pier"]["extra"].iloc[0]) == value
    text = (exports / "sites.csv").read_text(encoding="utf-8-sig")
    (row,) = [r for r in csv.DictReader(io.StringIO(text)) if r["id"] == "old-pier"]
    assert json.loads(row["extra"]) == value
    doc = json.loads((exports / "sites-harbour.geojson").read_text(encoding="utf-8"))
    (pier,) = [f for f in doc["features"] if f["id"] == "old-pier"]
    assert pier["properties"]["extra"] == value


def test_names_differing_by_case_across_features_are_refused_once(tmp_path):
    folder = make_geodata(tmp_path)
    set_site(folder, "old-pier", note="a")
    set_site(folder, "lighthouse", NOTE="b")
    (found,) = findings(folder, "site-property-name-case")
    assert found.location.pointer == "/features/1/properties/NOTE"
    assert found.location.feature_id == "lighthouse"
    assert_refused(folder, tmp_path, "site-property-name-case")


def test_an_integer_beyond_64_bits_is_a_warning_and_exact_text(tmp_path):
    folder = make_geodata(tmp_path)
    value = 2**70
    set_site(folder, "old-pier", count=value)
    set_site(folder, "lighthouse", count=2**63 - 1)  # the largest 64-bit integer: no finding
    (found,) = findings(folder, "site-property-integer-text")
    assert found.severity == "warning"
    assert found.location.pointer == "/features/0/properties/count"
    result = build_process(folder, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr and "Traceback" not in result.stderr
    exports = tmp_path / "exports"
    for frame in (
        pyogrio.read_dataframe(exports / "heritage.gpkg", layer="sites-harbour"),
        pyogrio.read_dataframe(exports / "sites-harbour.fgb"),
        read_zip(exports / "sites-harbour.shp.zip"),
    ):
        assert int(frame[frame["id"] == "old-pier"]["count"].iloc[0]) == value
    doc = json.loads((exports / "sites-harbour.geojson").read_text(encoding="utf-8"))
    (pier,) = [f for f in doc["features"] if f["id"] == "old-pier"]
    assert pier["properties"]["count"] == value


def test_an_integer_beyond_64_bits_beside_a_real_keeps_every_digit_in_every_format(tmp_path):
    """The GDAL writers and the Shapefile's exact-number pass read a column alike: a
    whole number past int64 beside a real makes a text field, so no digit is lost."""
    folder = make_geodata(tmp_path)
    set_site(folder, "old-pier", count=2**70 + 1)
    set_site(folder, "lighthouse", count=1.5)
    result = build_process(folder, tmp_path)
    assert result.returncode == 0, result.stderr
    exports = tmp_path / "exports"
    for frame in (
        pyogrio.read_dataframe(exports / "heritage.gpkg", layer="sites-harbour"),
        pyogrio.read_dataframe(exports / "sites-harbour.fgb"),
        read_zip(exports / "sites-harbour.shp.zip"),
    ):
        rows = frame.set_index("id")["count"]
        assert str(rows["old-pier"]) == str(2**70 + 1)
        assert float(rows["lighthouse"]) == 1.5


# -- extra properties that only some sites have keep their type -------------------------


def test_an_extra_boolean_or_integer_on_one_site_keeps_its_type_in_every_format(tmp_path):
    """A property on one site only: the others have NULL, and the field stays boolean or
    integer (not the text "True", not the real 1200.0)."""
    folder = make_geodata(tmp_path)
    set_site(folder, "old-pier", open_to_public=True, visitors=1200, height_m=12.5)
    result = build_cli(folder, tmp_path)
    assert result.exit_code == 0, (result.output, result.exception)
    exports = tmp_path / "exports"
    stem = "sites-harbour"
    shp = f"/vsizip/{exports / (stem + '.shp.zip')}/{stem}.shp"
    for where, kwargs in [
        (exports / "heritage.gpkg", {"layer": stem}),
        (exports / f"{stem}.fgb", {}),
        (shp, {}),
    ]:
        info = pyogrio.read_info(where, **kwargs)
        types = dict(zip(info["fields"], info["dtypes"], strict=True))
        names = {"open_to_pu": "open_to_public"} if "open_to_pu" in types else {}
        types = {names.get(k, k): v for k, v in types.items()}
        assert types["open_to_public"] == "bool", (where, types)
        assert types["visitors"] == "int64", (where, types)
        assert types["height_m"] == "float64", (where, types)
        frame = pyogrio.read_dataframe(where, **kwargs).rename(columns=names)
        rows = frame.set_index("id")
        assert rows.loc["old-pier", "open_to_public"] == 1
        assert rows.loc["old-pier", "visitors"] == 1200
        others = rows.drop(index="old-pier")
        if not str(where).startswith("/vsizip"):  # dBASE has no NULL for logical fields
            assert others["open_to_public"].isna().all(), where
            assert others["visitors"].isna().all(), where
    geojson = json.loads((exports / f"{stem}.geojson").read_text("utf-8"))
    props = {f["properties"]["id"]: f["properties"] for f in geojson["features"]}
    assert props["old-pier"]["visitors"] == 1200 and isinstance(props["old-pier"]["visitors"], int)
    assert props["old-pier"]["open_to_public"] is True
    rows = list(csv.DictReader(io.StringIO((exports / "sites.csv").read_text("utf-8-sig"))))
    (pier,) = [r for r in rows if r["id"] == "old-pier"]
    assert (pier["open_to_public"], pier["visitors"], pier["height_m"]) == ("TRUE", "1200", "12.5")


def test_an_extra_list_or_object_property_beside_numbers_still_exports(tmp_path):
    folder = make_geodata(tmp_path)
    set_site(folder, "old-pier", mixed=[1, 2.5], note_obj={"a": 1})
    set_site(folder, "lighthouse", mixed=3.5)
    result = build_cli(folder, tmp_path)
    assert result.exit_code == 0, (result.output, result.exception)
    shp = read_zip(tmp_path / "exports" / "sites-harbour.shp.zip").set_index("id")
    assert shp.loc["old-pier", "mixed"] == "1; 2.5"
    assert shp.loc["lighthouse", "mixed"] == "3.5"
