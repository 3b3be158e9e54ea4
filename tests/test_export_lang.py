"""`export --lang`: the names in KML and GPX (sites, layers, the project, tours) in the
language asked for, the other languages in the descriptions; the formats with a column
per language are the same bytes whatever the language.

Data: the real geodata folder (English and Vietnamese names differ there).
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

import pytest

from heritage_mapper import load_geodata
from heritage_mapper.export import export_layers

from .conftest import GEODATA, SHARED

KML = "{http://www.opengis.net/kml/2.2}"
GPX = "{http://www.topografix.com/GPX/1/1}"
GPX_XSD = SHARED / "thirdparty" / "gpx" / "gpx.xsd"
KML_XSDS = [SHARED / "thirdparty" / "kml" / name for name in ("ogckml22.xsd", "kml22gx.xsd")]
FILES = ("heritage.kml", "heritage.gpx", "tours.kml", "tours.gpx")


@pytest.fixture(scope="module")
def geodata():
    return load_geodata(GEODATA)


@pytest.fixture(scope="module")
def exported(geodata, tmp_path_factory):
    """language (None: the default) → the folder of an export of every format."""
    out = {}
    for lang in (None, "vi", "en"):
        folder = tmp_path_factory.mktemp(f"lang-{lang}")
        export_layers(geodata, folder, ["all"], lang=lang)
        out[lang] = folder
    return out


def names(path, ns, tag):
    root = ET.parse(path).getroot()
    return [node.findtext(f"{ns}name") for node in root.iter(f"{ns}{tag}")]


def test_kml_names_sites_layers_and_the_project_in_the_language_asked_for(geodata, exported):
    sites = geodata.sites.set_index("id")
    path = exported["en"] / "heritage.kml"
    root = ET.parse(path).getroot()
    document = root.find(f"{KML}Document")
    assert document.findtext(f"{KML}name") == geodata.project.title["en"]
    folders = document.findall(f"{KML}Folder")
    assert [f.findtext(f"{KML}name") for f in folders] == [
        spec.title["en"] for spec in geodata.project.layers
    ]
    count = 0
    for placemark in root.iter(f"{KML}Placemark"):
        site_id = next(
            d.findtext(f"{KML}value") for d in placemark.iter(f"{KML}Data") if d.get("name") == "id"
        )
        assert placemark.findtext(f"{KML}name") == sites.loc[site_id, "name_en"]
        description = html.unescape(placemark.findtext(f"{KML}description"))  # HTML text
        # the other language's name, then the descriptions; the English one first
        assert sites.loc[site_id, "name_vi"] in description
        assert description.index(sites.loc[site_id, "description_en"]) < description.index(
            sites.loc[site_id, "description_vi"]
        )
        count += 1
    assert count == len(sites)
    # and the default export still names everything in Vietnamese
    default = ET.parse(exported[None] / "heritage.kml").getroot()
    assert {p.findtext(f"{KML}name") for p in default.iter(f"{KML}Placemark")} == set(
        sites["name_vi"]
    )


def test_gpx_names_waypoints_and_tours_in_the_language_asked_for(geodata, exported):
    folder = exported["en"]
    waypoints = names(folder / "heritage.gpx", GPX, "wpt")
    assert sorted(waypoints) == sorted(geodata.sites["name_en"])
    routes = names(folder / "tours.gpx", GPX, "rte")
    assert routes == [tour.title["en"] for tour in geodata.tours]
    tour_folders = [
        n for n in names(folder / "tours.kml", KML, "Folder") if n is not None and n in routes
    ]
    assert tour_folders == routes
    assert names(exported[None] / "tours.gpx", GPX, "rte") == [
        tour.title["vi"] for tour in geodata.tours
    ]


def test_the_default_language_asked_for_gives_the_default_export(exported):
    for name in FILES:
        assert (exported["vi"] / name).read_bytes() == (exported[None] / name).read_bytes()


def test_formats_with_a_column_per_language_do_not_change_with_it(exported):
    """Only KML, GPX and the QGIS project have a language of their own."""
    changed = sorted(
        path.name
        for path in exported[None].iterdir()
        if path.read_bytes() != (exported["en"] / path.name).read_bytes()
    )
    assert changed == sorted([*FILES, "heritage.qgz"])


def test_the_english_kml_and_gpx_are_valid_against_their_schemas(exported):
    xmlschema = pytest.importorskip("xmlschema")  # in the test extra (requirements.lock)
    folder = exported["en"]
    gpx = xmlschema.XMLSchema(str(GPX_XSD))
    kml = xmlschema.XMLSchema([str(p) for p in KML_XSDS])
    gpx.validate(str(folder / "heritage.gpx"))
    gpx.validate(str(folder / "tours.gpx"))
    kml.validate(str(folder / "heritage.kml"))
    kml.validate(str(folder / "tours.kml"))
