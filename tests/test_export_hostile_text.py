"""Markup and spreadsheet formulas in the data come out as text, never as code.

A copy of geodata/ gets site names and an event title made of HTML, a CDATA end, an
entity, and the formula prefixes OWASP lists for CSV injection; each export must give
those strings back unchanged as text (CSV: with the leading ``'`` guard).
"""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from heritage_mapper import load_geodata
from heritage_mapper.export import export_layers, neutralise_formula

MARKUP = "<img src=x onerror=alert(1)> ]]> &amp; <script>alert('x')</script>"
NAMES = {  # site id -> hostile Vietnamese name
    "hon-gai-rally-ground": MARKUP,
    "tuan-chau-fishing-village": '=HYPERLINK("http://evil.example","Làng cá")',
    "cat-ba-fishing-village": "+1 Cát Bà",
    "bai-chay-first-victory": "-1 Bãi Cháy",
    "nam-hoa-battle-positions": "@SUM(A1:A9) Nam Hòa",
    "cua-ong-screening-plant": "\tCửa Ông",
    "cong-to-dao-thanh-y-club": "\rCống To",
}
EVENT_TITLE = "</description><script>alert(2)</script>"
# XML parsers read a CR as a newline, so the XML formats write it as one.
XML_NAMES = sorted(name.replace("\r", "\n") for name in NAMES.values())
KML = "{http://www.opengis.net/kml/2.2}"
GPX = "{http://www.topografix.com/GPX/1/1}"


@pytest.fixture
def hostile(geodata_copy, tmp_path):
    for layer in (geodata_copy / "layers").glob("*.geojson"):
        doc = json.loads(layer.read_text(encoding="utf-8"))
        for feature in doc["features"]:
            feature["properties"]["name_vi"] = NAMES[feature["properties"]["id"]]
        layer.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    events = geodata_copy / "events.csv"
    with open(events, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["id"] == "ev-1955-hon-gai-rally":
            row["title_vi"] = EVENT_TITLE
    with open(events, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    data = load_geodata(geodata_copy)
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


def test_xml_files_hold_no_character_xml_forbids(geodata_copy, tmp_path):
    layer = geodata_copy / "layers" / "liberation-1955.geojson"
    doc = json.loads(layer.read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["description_vi"] = "Hòn Gai\x0bvà\x1bHạ Long"
    layer.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    for path in export_layers(load_geodata(geodata_copy), tmp_path, ["kml", "gpx"]):
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
    assert by_id["cat-ba-fishing-village"] == "'+1 Cát Bà"
    assert by_id["hon-gai-rally-ground"] == MARKUP  # not a formula: left as it is


def test_csv_events_keep_markup_as_text(hostile):
    with open(hostile / "events.csv", encoding="utf-8-sig", newline="") as handle:
        titles = [row["title_vi"] for row in csv.DictReader(handle)]
    assert EVENT_TITLE in titles
