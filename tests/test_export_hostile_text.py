"""Markup and spreadsheet formulas in the data come out as text, never as code.

A folder gets site names and an event title made of HTML, a CDATA end, an entity, and
the formula prefixes OWASP lists for CSV injection; each export must give those
strings back unchanged as text (CSV: with the leading ``'`` guard).

Data: the small fixture folder (tests/fixtures.py) with three more sites, one per
payload; escaping does not depend on the Quảng Ninh content.
"""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from heritage_mapper import load_geodata
from heritage_mapper.export import export_layers, neutralise_formula

from .fixtures import EVENTS, SITES, make_geodata, set_site

MARKUP = "<img src=x onerror=alert(1)> ]]> &amp; <script>alert('x')</script>"
NAMES = {  # site id -> hostile Vietnamese name
    "old-pier": MARKUP,
    "lighthouse": '=HYPERLINK("http://evil.example","Hải đăng")',
    "screening-plant": "+1 Nhà sàng",
    "pit-head": "-1 Miệng lò",
    "ferry-landing": "@SUM(A1:A9) Bến phà",
    "boatyard": "\tXưởng thuyền",
    "air-shaft": "\rGiếng gió",
}
#: Three more sites than the fixture's four, so that each payload has its own site.
EXTRA_SITES = (
    {**SITES[0], "id": "ferry-landing", "coordinates": [107.1, 20.96]},
    {**SITES[1], "id": "boatyard", "coordinates": [107.15, 20.92]},
    {**SITES[3], "id": "air-shaft", "coordinates": [107.32, 21.06]},
)
RALLY = "ev-1955-pier-rally"  # the event at old-pier
EVENT_TITLE = "</description><script>alert(2)</script>"
# XML parsers read a CR as a newline, so the XML formats write it as one.
XML_NAMES = sorted(name.replace("\r", "\n") for name in NAMES.values())
KML = "{http://www.opengis.net/kml/2.2}"
GPX = "{http://www.topografix.com/GPX/1/1}"


@pytest.fixture
def hostile(tmp_path):
    sites = [
        {**site, "name": {**site["name"], "vi": NAMES[site["id"]]}}
        for site in (*SITES, *EXTRA_SITES)
    ]
    events = [
        {**event, "title": {**event["title"], "vi": EVENT_TITLE}} if event["id"] == RALLY else event
        for event in EVENTS
    ]
    data = load_geodata(make_geodata(tmp_path, sites=sites, events=events))
    assert dict(zip(data.sites["id"], data.sites["name_vi"], strict=True)) == NAMES
    out = tmp_path / "out"
    export_layers(data, out, ["kml", "gpx", "csv", "geojson"])
    return out


class Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_kml_names_and_descriptions_are_text(hostile):
    root = ET.parse(hostile / "heritage.kml").getroot()
    names = [p.find(f"{KML}name").text for p in root.iter(f"{KML}Placemark")]
    assert sorted(names) == XML_NAMES
    rally = next(p for p in root.iter(f"{KML}Placemark") if p.find(f"{KML}name").text == MARKUP)
    html = Collect()
    html.feed(rally.find(f"{KML}description").text)
    html.close()
    assert "img" not in html.tags and "script" not in html.tags
    assert EVENT_TITLE in "".join(html.text)


def test_gpx_names_and_descriptions_are_text(hostile):
    root = ET.parse(hostile / "heritage.gpx").getroot()
    waypoints = root.findall(f"{GPX}wpt")
    assert sorted(w.find(f"{GPX}name").text for w in waypoints) == XML_NAMES
    rally = next(w for w in waypoints if w.find(f"{GPX}name").text == MARKUP)
    assert EVENT_TITLE in rally.find(f"{GPX}desc").text


def test_xml_files_hold_no_character_xml_forbids(tmp_path):
    geodata = make_geodata(tmp_path)
    set_site(geodata, "old-pier", description_vi="Hòn Gai\x0bvà\x1bHạ Long")
    for path in export_layers(load_geodata(geodata), tmp_path / "out", ["kml", "gpx"]):
        ET.parse(path)  # would raise on a raw control character
        assert "Hòn Gai\ufffdvà\ufffdHạ Long" in path.read_text(encoding="utf-8")


def test_geojson_names_are_text(hostile):
    names = []
    for path in hostile.glob("sites-*.geojson"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        names += [f["properties"]["name_vi"] for f in doc["features"]]
    assert sorted(names) == sorted(NAMES.values())
    doc = json.loads((hostile / "events-at-sites.geojson").read_text(encoding="utf-8"))
    assert EVENT_TITLE in [f["properties"]["title_vi"] for f in doc["features"]]


def test_csv_cells_never_start_a_formula(hostile):
    with open(hostile / "sites.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_id = {row["id"]: row["name_vi"] for row in rows}
    for site_id, name in NAMES.items():
        assert by_id[site_id] == neutralise_formula(name)
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), value
            assert not value.startswith("-") or value.lstrip("-").replace(".", "").isdigit()
    assert by_id["screening-plant"] == "'+1 Nhà sàng"
    assert by_id["old-pier"] == MARKUP  # not a formula: left as it is


def test_csv_events_keep_markup_as_text(hostile):
    with open(hostile / "events.csv", encoding="utf-8-sig", newline="") as handle:
        titles = [row["title_vi"] for row in csv.DictReader(handle)]
    assert EVENT_TITLE in titles
