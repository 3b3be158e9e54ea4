"""Tours: tours.json validated (every finding located), joined to the sites with leg
distances on the ellipsoid, and exported (GPX routes, KML with a Google Earth tour, a
GeoJSON layer, a GeoPackage layer, an itinerary CSV), each read back.

Data: the small fixture folder with the tour of ``tests/fixtures.py`` (a straight boat
leg and a road leg with a route), and the curated tours of ``geodata/tours.json``.
"""

from __future__ import annotations

import copy
import csv
import io
import itertools
import json
import xml.etree.ElementTree as ET

import pytest
from pyproj import Geod

from heritage_mapper import load_geodata, tour_routes, validate_geodata
from heritage_mapper.export import export_layers
from heritage_mapper.export.gpx import GPX_EXTENSIONS_NS

from .conftest import GEODATA, SHARED
from .fixtures import TOURS, make_geodata, tours_document, write_json

GPX = "{http://www.topografix.com/GPX/1/1}"
KML = "{http://www.opengis.net/kml/2.2}"
GX = "{http://www.google.com/kml/ext/2.2}"
HM = "{" + GPX_EXTENSIONS_NS + "}"
GEOD = Geod(ellps="WGS84")
HOSTILE = '<img src=x onerror=alert(1)> ]]> & "quoted"'
GPX_XSD = SHARED / "thirdparty" / "gpx" / "gpx.xsd"
KML_XSDS = [SHARED / "thirdparty" / "kml" / name for name in ("ogckml22.xsd", "kml22gx.xsd")]


def crow(a, b) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


def findings(folder, code=None):
    report = validate_geodata(folder)
    return [p for p in report.problems if code is None or p.code == code]


def broken(tmp_path, change):
    """The fixture folder with its tour changed by ``change(tours)`` (a list of dicts)."""
    tours = copy.deepcopy(list(TOURS))
    change(tours)
    return make_geodata(tmp_path, tours=tours)


# -- validation -----------------------------------------------------------------------


def test_the_fixture_tour_is_valid(tmp_path):
    folder = make_geodata(tmp_path, tours=TOURS)
    assert findings(folder) == []


def test_the_curated_tours_are_valid():
    report = validate_geodata(GEODATA, sources_dir=SHARED / "sources")
    assert [p for p in report.problems if "tours" in p.path] == []
    assert str(GEODATA / "tours.json") in report.files


def _stop(index, **values):
    def change(tours):
        tours[0]["stops"][index].update(values)

    return change


def _drop(index, key):
    def change(tours):
        tours[0]["stops"][index].pop(key)

    return change


def _route(coordinates):
    def change(tours):
        tours[0]["stops"][2]["leg"]["route"]["coordinates"] = coordinates

    return change


CASES = [
    # (code, pointer, change, words in the message)
    (
        "tour-stop-unknown",
        "/tours/0/stops/0/site",
        _stop(0, site="old-peir"),
        "did you mean 'old-pier'",
    ),
    (
        "tour-stop-repeated",
        "/tours/0/stops/1/site",
        _stop(1, site="old-pier"),
        "stop before",
    ),
    (
        "tour-stops-too-few",
        "/tours/0/stops",
        lambda t: t[0].update(stops=t[0]["stops"][:1]),
        "1 stop(s)",
    ),
    (
        "tour-text-missing",
        "/tours/0/title_en",
        lambda t: t[0]["title"].pop("en"),
        "'title_en' is missing",
    ),
    (
        "tour-text-missing",
        "/tours/0/stops/0/note_en",
        lambda t: t[0]["stops"][0]["note"].pop("en"),
        "given in vi",
    ),
    (
        "tour-text-missing",
        "/tours/0/stops/1/leg/note_vi",
        lambda t: t[0]["stops"][1]["leg"]["note"].pop("vi"),
        "given in en",
    ),
    ("tour-visit-time-invalid", "/tours/0/stops/0/visit_minutes", _stop(0, visit_minutes=0), "0"),
    (
        "tour-visit-time-invalid",
        "/tours/0/stops/1/visit_minutes",
        _stop(1, visit_minutes=721),
        "721",
    ),
    (
        "tour-day-long",
        "/tours/0/stops",
        lambda t: [s.update(visit_minutes=400) for s in t[0]["stops"]],
        "20 h 00 min",
    ),
    ("tour-leg-missing", "/tours/0/stops/1", _drop(1, "leg"), "'old-pier'"),
    ("tour-leg-first-stop", "/tours/0/stops/0/leg", _stop(0, leg={"mode": "walk"}), "first"),
    (
        "tours-schema",
        "/tours/0/stops/1/leg/mode",
        lambda t: t[0]["stops"][1]["leg"].update(mode="helicopter"),
        "helicopter",
    ),
    (
        "tours-schema",
        "/tours/0/stops/0/visit_minutes",
        _stop(0, visit_minutes="45"),
        "integer",
    ),
    (
        "tour-id-duplicate",
        "/tours/1/id",
        lambda t: t.append(copy.deepcopy(t[0])),
        "already the id of tour 0",
    ),
    ("tours-schema", "/tours/0/id", lambda t: t[0].update(id="../evil"), "does not match"),
    (
        "tour-route-far",
        "/tours/0/stops/2/leg/route/coordinates/2",
        _route([[107.2, 20.9], [107.3, 20.95], [107.36, 21.07]]),
        "ends 5,5",  # 0.05° of latitude ≈ 5.5 km
    ),
    (
        "tour-route-far",
        "/tours/0/stops/2/leg/route/coordinates/0",
        _route([[107.36, 21.02], [107.3, 20.95], [107.2, 20.9]]),
        "backwards",
    ),
    (
        "tour-route-invalid",
        "/tours/0/stops/2/leg/route/coordinates/1",
        _route([[107.2, 20.9], [20.95, 107.3], [107.36, 21.02]]),
        "not a WGS84",
    ),
    (
        "tour-route-invalid",
        "/tours/0/stops/2/leg/route/coordinates",
        _route([[107.2, 20.9], [107.2, 20.9]]),
        "fewer than two distinct",
    ),
]


@pytest.mark.parametrize(
    ("code", "pointer", "change", "words"),
    CASES,
    ids=[f"{c[0]}:{c[1]}" for c in CASES],
)
def test_each_tour_finding_is_located(tmp_path, code, pointer, change, words):
    folder = broken(tmp_path, change)
    found = findings(folder, code)
    assert found, [str(p) for p in findings(folder)]
    problem = found[0]
    assert problem.path == str(folder / "tours.json")
    assert problem.location.pointer == pointer
    assert problem.location.line is not None  # a line in the file, for the editor
    assert problem.hint
    assert words in problem.message, problem.message


def test_each_missing_text_of_a_tour_is_named_once(tmp_path):
    # one error per missing property: the first missing text was named twice, the
    # second never, until the first was fixed
    def change(tours):
        tours[0]["title"].pop("en")
        tours[0]["description"].pop("en")
        tours[0]["description"].pop("vi")

    found = findings(broken(tmp_path, change), "tour-text-missing")
    assert sorted(p.location.pointer for p in found) == [
        "/tours/0/description_en",
        "/tours/0/description_vi",
        "/tours/0/title_en",
    ]


def test_a_schema_error_in_one_tour_leaves_the_others_checked(tmp_path):
    # one tour's "45" (a text, not a number) hid every finding of the other tours until
    # it was fixed: a curator needed a run per round of errors
    def change(tours):
        other = copy.deepcopy(tours[0])
        other["id"] = "second-day"
        other["stops"][0]["visit_minutes"] = "45"
        tours.append(other)
        tours[0]["stops"][0]["site"] = "old-peir"

    found = findings(broken(tmp_path, change))
    codes = {(p.code, p.location.pointer) for p in found}
    assert ("tours-schema", "/tours/1/stops/0/visit_minutes") in codes
    assert ("tour-stop-unknown", "/tours/0/stops/0/site") in codes
    assert not [
        p for p in found if p.location.pointer.startswith("/tours/1/") and p.code != "tours-schema"
    ]


def test_a_tours_file_of_the_wrong_shape_is_only_told_so(tmp_path):
    folder = make_geodata(tmp_path, tours=TOURS)
    write_json(folder / "tours.json", {"tours": {"harbour-day": {}}})
    assert [p.code for p in findings(folder)] == ["tours-schema"]


def test_route_far_gives_the_distance_in_metres_and_the_tolerance(tmp_path):
    end = (107.36, 21.07)
    folder = broken(tmp_path, _route([[107.2, 20.9], [107.3, 20.95], list(end)]))
    (problem,) = findings(folder, "tour-route-far")
    metres = crow(end, (107.36, 21.02))
    assert f"{metres:,.0f} m from site 'screening-plant'" in problem.message
    assert "tolerance 500 m" in problem.message  # the plant's precision is 500 m too


def test_a_repeated_layer_id_does_not_move_the_stops(tmp_path):
    # the mines layer takes the harbour's id: its sites must still be found in its own
    # file (the lighthouse was looked up in mines.geojson, and the valid route from it
    # was reported 10 km away)
    folder = make_geodata(tmp_path, tours=TOURS)
    project = folder / "project.json"
    doc = json.loads(project.read_text(encoding="utf-8"))
    doc["layers"][1]["id"] = doc["layers"][0]["id"]
    write_json(project, doc)
    assert [p.code for p in findings(folder)] == ["layer-id-duplicate"]


def test_route_end_tolerance_grows_with_the_site_precision(tmp_path):
    # pit-head has a precision of 10 km: a route ending 5.5 km away is within it
    def change(tours):
        tours[0]["stops"].append(
            {
                "site": "pit-head",
                "visit_minutes": 20,
                "leg": {
                    "mode": "road",
                    "route": {
                        "type": "LineString",
                        "coordinates": [[107.36, 21.02], [107.3, 21.1]],
                    },
                },
            }
        )

    assert findings(broken(tmp_path, change)) == []


def test_a_missing_tours_file_is_a_finding(tmp_path):
    folder = make_geodata(tmp_path, tours=TOURS)
    (folder / "tours.json").unlink()
    (problem,) = findings(folder)
    assert problem.code == "tours-file-missing" and problem.location.pointer == "/tours"


@pytest.mark.parametrize("name", ["../outside.json", "/etc/passwd", "link.json"])
def test_a_tours_path_outside_the_folder_is_refused(tmp_path, name):
    folder = make_geodata(tmp_path, tours=TOURS)
    (tmp_path / "outside.json").write_text('{"tours": []}', encoding="utf-8")
    (folder / "link.json").symlink_to(tmp_path / "outside.json")
    project = json.loads((folder / "project.json").read_text("utf-8"))
    project["tours"] = name
    write_json(folder / "project.json", project)
    found = findings(folder)
    assert [p.code for p in found] == ["path-outside-folder"], [str(p) for p in found]
    assert found[0].location.pointer == "/tours"


def test_a_tours_file_that_is_not_a_regular_file_is_refused(tmp_path):
    folder = make_geodata(tmp_path, tours=TOURS)
    (folder / "tours.json").unlink()
    (folder / "tours.json").mkdir()
    assert [p.code for p in findings(folder) if p.severity == "error"]


def test_a_folder_without_tours_has_none(small_data):
    assert small_data.tours == () and tour_routes(small_data) == ()


# -- the join: positions, legs, distances ---------------------------------------------


@pytest.fixture(scope="module")
def tour_data(tmp_path_factory):
    return load_geodata(make_geodata(tmp_path_factory.mktemp("tours"), tours=TOURS))


def test_routes_place_the_stops_and_measure_the_legs_on_the_ellipsoid(tour_data):
    (route,) = tour_routes(tour_data)
    assert route.id == "harbour-day" and route.site_ids == (
        "old-pier",
        "lighthouse",
        "screening-plant",
    )
    assert (route.stops[0].lon, route.stops[0].lat) == (107.08, 20.95)
    boat, road = route.legs
    assert boat.straight and boat.mode == "boat" and boat.order == 1
    assert boat.coordinates == ((107.08, 20.95), (107.2, 20.9))
    assert boat.distance_m == pytest.approx(crow((107.08, 20.95), (107.2, 20.9)), abs=1e-6)
    assert not road.straight and road.mode == "road"
    along = crow((107.2, 20.9), (107.3, 20.95)) + crow((107.3, 20.95), (107.36, 21.02))
    assert road.distance_m == pytest.approx(along, abs=1e-6)
    assert route.distance_m == pytest.approx(boat.distance_m + road.distance_m)
    assert route.straight_distance_m == pytest.approx(boat.distance_m)
    assert not route.straight and route.visit_minutes == 135
    assert route.stops[0].note == {"vi": "Bắt đầu ở bến tàu.", "en": "Start at the pier."}


def test_the_curated_tours_are_three_days_with_water_legs_said_plainly(data):
    routes = {route.id: route for route in tour_routes(data)}
    assert len(routes) == 3
    for route in routes.values():
        assert len(route.stops) >= 2 and route.visit_minutes <= 16 * 60
        assert set(route.title) == set(route.description) == {"vi", "en"}
        for leg, (a, b) in zip(route.legs, itertools.pairwise(route.stops), strict=True):
            assert leg.distance_m == pytest.approx(crow((a.lon, a.lat), (b.lon, b.lat)), abs=1e-6)
    modes = {
        (leg.to_site, leg.mode) for route in routes.values() for leg in route.legs if leg.straight
    }
    assert ("tuan-chau-fishing-village", "causeway") in modes
    assert ("cat-ba-fishing-village", "boat") in modes
    assert "nam-hoa-battle-positions" in routes["resistance-around-quang-yen"].site_ids


# -- exports ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exported(tour_data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("tour-exports")
    paths = export_layers(tour_data, folder, ["geojson", "gpkg", "kml", "csv", "gpx"])
    return folder, {p.name for p in paths}


def test_tour_files_are_written_beside_the_others(exported):
    _, names = exported
    assert {"tours.gpx", "tours.kml", "tours.geojson", "tours.csv", "heritage.gpkg"} <= names


def test_gpx_has_one_route_per_tour_with_the_stops_in_order(exported, tour_data):
    folder, _ = exported
    root = ET.parse(folder / "tours.gpx").getroot()
    (rte,) = root.findall(f"{GPX}rte")
    assert rte.find(f"{GPX}name").text == "Một ngày ở cảng"
    assert rte.find(f"{GPX}extensions/{HM}tour").text == "harbour-day"
    points = rte.findall(f"{GPX}rtept")
    assert [p.find(f"{GPX}extensions/{HM}id").text for p in points] == [
        "old-pier",
        "lighthouse",
        "screening-plant",
    ]
    assert [p.find(f"{GPX}name").text for p in points] == [
        "Bến tàu cũ Hòn Nét",
        "Hải đăng Đảo Ngọc",
        "Nhà sàng Mỏ Thử",
    ]
    assert (float(points[1].get("lon")), float(points[1].get("lat"))) == (107.2, 20.9)
    desc = points[1].find(f"{GPX}desc").text
    assert "as the crow flies, by boat" in desc and "đường chim bay, đi thuyền" in desc
    assert "Suggested visit: 1 h" in desc and "By boat." in desc
    assert "along the route, by road" in points[2].find(f"{GPX}desc").text
    assert [child.tag.removeprefix(GPX) for child in rte][:4] == [
        "name",
        "desc",
        "number",
        "extensions",
    ]


def test_kml_has_a_folder_per_tour_with_legs_and_a_google_earth_tour(exported):
    folder, _ = exported
    root = ET.parse(folder / "tours.kml").getroot()
    (tour_folder,) = root.findall(f"{KML}Document/{KML}Folder")
    placemarks = tour_folder.findall(f"{KML}Placemark")
    names = [p.find(f"{KML}name").text for p in placemarks]
    assert names[:3] == ["1. Bến tàu cũ Hòn Nét", "2. Hải đăng Đảo Ngọc", "3. Nhà sàng Mỏ Thử"]
    lines = [p for p in placemarks if p.find(f"{KML}LineString") is not None]
    assert [p.find(f"{KML}styleUrl").text for p in lines] == ["#leg-straight", "#leg-route"]
    route_coords = lines[1].find(f"{KML}LineString/{KML}coordinates").text
    assert route_coords == "107.2,20.9 107.3,20.95 107.36,21.02"
    playlist = tour_folder.find(f"{GX}Tour/{GX}Playlist")
    steps = [child.tag for child in playlist]
    assert steps == [f"{GX}FlyTo", f"{GX}Wait"] * 3
    looks = [
        (
            float(fly.find(f"{KML}LookAt/{KML}longitude").text),
            float(fly.find(f"{KML}LookAt/{KML}latitude").text),
        )
        for fly in playlist.findall(f"{GX}FlyTo")
    ]
    assert looks == [(107.08, 20.95), (107.2, 20.9), (107.36, 21.02)]


def test_gpx_and_kml_are_valid_against_their_schemas(exported):
    xmlschema = pytest.importorskip("xmlschema")  # in the test extra (requirements.lock)
    folder, _ = exported
    xmlschema.XMLSchema(str(GPX_XSD)).validate(str(folder / "tours.gpx"))
    xmlschema.XMLSchema([str(p) for p in KML_XSDS]).validate(str(folder / "tours.kml"))


def test_geojson_has_one_line_per_leg_with_its_distance_and_flag(exported, tour_data):
    folder, _ = exported
    doc = json.loads((folder / "tours.geojson").read_text("utf-8"))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    (route,) = tour_routes(tour_data)
    features = doc["features"]
    assert [f["id"] for f in features] == ["harbour-day@1", "harbour-day@2"]
    for feature, leg in zip(features, route.legs, strict=True):
        props = feature["properties"]
        assert feature["geometry"]["type"] == "LineString"
        assert (props["tour_id"], props["order"], props["from_site"], props["to_site"]) == (
            "harbour-day",
            leg.order,
            leg.from_site,
            leg.to_site,
        )
        assert props["mode"] == leg.mode and props["straight"] is leg.straight
        assert abs(props["distance_m"] - leg.distance_m) <= 0.05
    assert features[1]["geometry"]["coordinates"] == [
        [107.2, 20.9],
        [107.3, 20.95],
        [107.36, 21.02],
    ]


def test_geopackage_has_a_tours_layer(exported, tour_data):
    import pyogrio

    folder, _ = exported
    frame = pyogrio.read_dataframe(folder / "heritage.gpkg", layer="tours")
    (route,) = tour_routes(tour_data)
    assert list(frame["id"]) == ["harbour-day@1", "harbour-day@2"]
    assert list(frame["straight"]) == [True, False]
    assert list(frame["mode"]) == ["boat", "road"]
    for value, leg in zip(frame["distance_m"], route.legs, strict=True):
        assert abs(value - leg.distance_m) <= 0.05


def test_csv_is_an_itinerary_a_spreadsheet_keeps_as_it_is(exported, tour_data):
    folder, _ = exported
    raw = (folder / "tours.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    (route,) = tour_routes(tour_data)
    assert [(r["tour_id"], r["stop"], r["site_id"]) for r in rows] == [
        ("harbour-day", "1", "old-pier"),
        ("harbour-day", "2", "lighthouse"),
        ("harbour-day", "3", "screening-plant"),
    ]
    assert [r["visit_minutes"] for r in rows] == ["45", "60", "30"]
    assert [r["visit_time_en"] for r in rows] == ["45 min", "1 h", "30 min"]
    assert [r["visit_time_vi"] for r in rows] == ["45 phút", "1 giờ", "30 phút"]
    assert [r["leg_mode"] for r in rows] == ["", "boat", "road"]
    assert [r["as_the_crow_flies"] for r in rows] == ["", "yes", "no"]
    assert rows[1]["leg_distance_m"] == str(round(route.legs[0].distance_m))
    assert rows[0]["name_en"] == "Hòn Nét old pier" and rows[0]["note_vi"] == "Bắt đầu ở bến tàu."
    assert (rows[1]["longitude"], rows[1]["latitude"]) == ("107.2", "20.9")


def test_tour_exports_are_deterministic(tour_data, tmp_path):
    names = ["tours.gpx", "tours.kml", "tours.geojson", "tours.csv"]
    first = export_layers(tour_data, tmp_path / "a", ["gpx", "kml", "geojson", "csv"])
    second = export_layers(tour_data, tmp_path / "b", ["gpx", "kml", "geojson", "csv"])
    assert [p.name for p in first] == [p.name for p in second]
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_projected_csv_and_geopackage_carry_the_tours_in_that_crs(tour_data, tmp_path):
    import pyogrio

    paths = export_layers(tour_data, tmp_path, ["csv", "gpkg"], crs="EPSG:5899")
    assert "tours.epsg5899.csv" in {p.name for p in paths}
    rows = list(
        csv.DictReader(io.StringIO((tmp_path / "tours.epsg5899.csv").read_text("utf-8-sig")))
    )
    assert float(rows[0]["easting"]) > 100_000 and "longitude" not in rows[0]
    info = pyogrio.read_info(tmp_path / "heritage.epsg5899.gpkg", layer="tours")
    assert info["crs"] == "EPSG:5899"


def test_narrowing_to_layers_keeps_only_tours_whose_stops_are_all_there(tour_data, tmp_path):
    paths = export_layers(tour_data, tmp_path, ["gpx"], layers=["harbour"])
    assert [p.name for p in paths] == ["heritage.gpx"]


def test_no_tour_files_without_tours(small_data, tmp_path):
    paths = export_layers(small_data, tmp_path, ["gpx", "kml", "geojson", "csv"])
    assert not [p.name for p in paths if p.name.startswith("tours")]


# -- hostile text ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_exports(tmp_path_factory):
    tours = copy.deepcopy(list(TOURS))
    tours[0]["title"] = {"vi": HOSTILE, "en": HOSTILE}
    tours[0]["stops"][0]["note"] = {"vi": HOSTILE, "en": '=HYPERLINK("http://x")'}
    root = tmp_path_factory.mktemp("hostile")
    data = load_geodata(make_geodata(root, tours=tours))
    export_layers(data, root / "out", ["gpx", "kml", "csv", "geojson"])
    return root / "out"


def test_hostile_text_is_text_in_gpx(hostile_exports):
    root = ET.parse(hostile_exports / "tours.gpx").getroot()
    rte = root.find(f"{GPX}rte")
    assert rte.find(f"{GPX}name").text == HOSTILE
    assert HOSTILE in rte.find(f"{GPX}rtept/{GPX}desc").text
    assert b"<img" not in (hostile_exports / "tours.gpx").read_bytes()


def test_hostile_text_is_escaped_twice_in_kml_descriptions(hostile_exports):
    raw = (hostile_exports / "tours.kml").read_bytes()
    assert b"<img" not in raw and b"]]>" not in raw
    root = ET.fromstring(raw)
    folder = root.find(f"{KML}Document/{KML}Folder")
    assert folder.find(f"{KML}name").text == HOSTILE  # a plain-text element: the text itself
    stop = folder.find(f"{KML}Placemark/{KML}description").text
    assert "&lt;img src=x onerror=alert(1)&gt;" in stop  # HTML: shown, never run
    assert "<img" not in stop


def test_hostile_text_in_csv_is_neutralised(hostile_exports):
    rows = list(csv.DictReader(io.StringIO((hostile_exports / "tours.csv").read_text("utf-8-sig"))))
    assert rows[0]["note_en"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["tour_title_vi"] == HOSTILE


def test_tours_document_helper_flattens_texts():
    doc = tours_document(TOURS, ("vi", "en"))
    stop = doc["tours"][0]["stops"][1]
    assert stop["leg"]["note_en"] == "By boat." and "note" not in stop["leg"]


# -- an export of some layers ------------------------------------------------------------


@pytest.mark.parametrize(
    ("formats", "layers", "said"),
    [
        ("gpx", "harbour", True),  # the tour's third stop is in mines
        ("kml,csv", "harbour", True),
        ("gpkg", "harbour", True),  # its tours layer
        ("gpx", "harbour,mines", False),  # every stop is there: the tour is written
        ("fgb", "harbour", False),  # no format that carries tours
        ("gpx", None, False),
    ],
)
def test_an_export_of_some_layers_says_which_tours_it_leaves_out(tmp_path, formats, layers, said):
    from click.testing import CliRunner

    from heritage_mapper import export_geodata
    from heritage_mapper.cli import main

    folder = make_geodata(tmp_path / "geodata", tours=TOURS)
    args = ["export", "--geodata", str(folder), "--format", formats, "--out", str(tmp_path / "x")]
    if layers:
        args += ["--layer", layers]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    note = (
        "left out 1 tour (harbour-day): it has stops in layers not asked for with --layer; "
        "add those layers, or leave --layer out to write every tour"
    )
    assert (note in result.stderr) is said
    written = {p.name for p in (tmp_path / "x").iterdir()}
    assert any(name.startswith("tours.") for name in written) is (not said and formats != "fgb")
    api = export_geodata(
        folder,
        tmp_path / "y",
        formats.split(","),
        layers=layers.split(",") if layers else None,
    )
    assert api.tours_left_out == (("harbour-day",) if said else ())
