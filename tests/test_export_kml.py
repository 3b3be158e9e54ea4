"""KML export: one Document, a Folder per layer, Placemarks with the event timeline.

Data: the small fixture folder (tests/fixtures.py); export behaviour does not depend on
the Quảng Ninh content.
"""

from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from heritage_mapper.export import export_layers
from heritage_mapper.export.kml import kml_color

KML = "{http://www.opengis.net/kml/2.2}"
DEGREE_TOLERANCE = 1e-7


@pytest.fixture(scope="module")
def data(small_data):
    """The small fixture folder: what is checked here does not depend on the content."""
    return small_data


@pytest.fixture(scope="module")
def kml(data, tmp_path_factory):
    (path,) = export_layers(data, tmp_path_factory.mktemp("kml"), ["kml"])
    return path


class Tags(HTMLParser):
    """Collects the tags and the text of an HTML fragment."""

    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def parse_html(fragment: str) -> Tags:
    parser = Tags()
    parser.feed(fragment)
    parser.close()
    return parser


def placemarks(root):
    for folder in root.iter(f"{KML}Folder"):
        for placemark in folder.iter(f"{KML}Placemark"):
            yield folder, placemark


def data_value(placemark, name):
    for item in placemark.iter(f"{KML}Data"):
        if item.get("name") == name:
            return item.find(f"{KML}value").text
    return None


def test_one_document_with_a_folder_per_layer(data, kml):
    root = ET.parse(kml).getroot()
    assert root.tag == f"{KML}kml"
    (document,) = root.findall(f"{KML}Document")
    folders = document.findall(f"{KML}Folder")
    assert [f.find(f"{KML}name").text for f in folders] == [
        spec.title["vi"] for spec in data.project.layers
    ]
    assert kml.read_bytes().startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns=')


def test_write_read_roundtrip_keeps_ids_names_and_coordinates(data, kml):
    root = ET.parse(kml).getroot()
    sites = data.sites.set_index("id")
    found = []
    for _folder, placemark in placemarks(root):
        site_id = data_value(placemark, "id")
        found.append(site_id)
        name = placemark.find(f"{KML}name").text
        assert unicodedata.normalize("NFC", name) == sites.loc[site_id, "name_vi"]
        lon, lat = map(float, placemark.find(f".//{KML}coordinates").text.split(","))
        point = sites.loc[site_id, "geometry"]
        assert abs(lon - point.x) < DEGREE_TOLERANCE and abs(lat - point.y) < DEGREE_TOLERANCE
    assert found == list(data.sites["id"])


def test_descriptions_carry_the_event_timeline_as_html(kml):
    root = ET.parse(kml).getroot()
    for _folder, placemark in placemarks(root):
        if data_value(placemark, "id") == "pit-head":
            html = parse_html(placemark.find(f"{KML}description").text)
            text = " ".join(html.text)
            assert "Dòng thời gian" in text and "Timeline" in text
            assert "tháng 12/1965: Ca làm việc dưới bom" in text
            assert set(html.tags) <= {"p", "b", "h4", "ul", "li"}
            return
    pytest.fail("no pit-head placemark")


def test_placemarks_have_a_layer_style_and_a_time_span(kml):
    root = ET.parse(kml).getroot()
    styles = {s.get("id") for s in root.iter(f"{KML}Style")}
    for _folder, placemark in placemarks(root):
        assert placemark.find(f"{KML}styleUrl").text.lstrip("#") in styles
        assert placemark.find(f"{KML}TimeSpan") is not None


def test_an_open_period_has_a_begin_and_no_end(kml):
    # the lighthouse has the period "1959/.."
    root = ET.parse(kml).getroot()
    spans = {data_value(p, "id"): p.find(f"{KML}TimeSpan") for _f, p in placemarks(root)}
    span = spans["lighthouse"]
    assert span.find(f"{KML}begin").text == "1959-01-01"
    assert span.find(f"{KML}end") is None


def _spans(path) -> dict:
    root = ET.parse(path).getroot()
    spans = {data_value(p, "id"): p.find(f"{KML}TimeSpan") for _f, p in placemarks(root)}
    return {
        site: tuple(
            None
            if span is None or span.find(f"{KML}{tag}") is None
            else span.find(f"{KML}{tag}").text
            for tag in ("begin", "end")
        )
        for site, span in spans.items()
    }


def test_time_spans_follow_the_map_pages_year_rule(kml, tmp_path):
    # /2025 (unknown start) is known for 2025 alone, as on the page: Google Earth's
    # slider must not show it for every earlier year
    assert _spans(kml)["screening-plant"] == ("2025-01-01", "2025-12-31")
    from heritage_mapper import load_geodata

    from .fixtures import make_geodata, set_site

    folder = make_geodata(tmp_path)
    set_site(folder, "screening-plant", period="/..")
    set_site(folder, "pit-head", period="1964/")
    (path,) = export_layers(load_geodata(folder), tmp_path / "out", ["kml"])
    spans = _spans(path)
    # /..: no known year, still today: from the data's present year (1970, the latest
    # year an event or a period starts in), no end
    assert spans["screening-plant"] == ("1970-01-01", None)
    assert spans["pit-head"] == ("1964-01-01", "1964-12-31")  # unknown end
    assert spans["lighthouse"] == ("1959-01-01", None)  # open end: still today


def test_kml_color_is_aabbggrr():
    assert kml_color("#c62828") == "ff2828c6"
    assert kml_color("#00ff00", alpha="80") == "8000ff00"
