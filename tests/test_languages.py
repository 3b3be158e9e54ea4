"""Languages come from project.json: a folder in vi, en and fr validates, builds and
exports end to end. Uses the small fixture folder (tests/fixtures.py) in three
languages, with French names and titles of its own, and a real browser for the pages."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
import zipfile

import pyogrio
import pytest

from heritage_mapper import build, validate_geodata
from heritage_mapper.i18n import fallback_chain
from heritage_mapper.model import Columns

from .browser_support import browser, open_page  # noqa: F401 (fixtures)
from .fixtures import EVENTS, SITES, make_geodata

LANGUAGES = ("vi", "en", "fr")
FRENCH_NAMES = {"old-pier": "Ancienne jetée de Hòn Nét"}
FRENCH_TITLES = {"ev-1955-pier-rally": "Rassemblement à la jetée"}
KML = "{http://www.opengis.net/kml/2.2}"


@pytest.fixture(scope="module")
def three(tmp_path_factory):
    """The fixture in vi, en and fr, built once: (geodata folder, maps, exports)."""
    root = tmp_path_factory.mktemp("three")
    sites = [
        {**s, "name": {**s["name"], "fr": FRENCH_NAMES[s["id"]]}} if s["id"] in FRENCH_NAMES else s
        for s in SITES
    ]
    events = [
        {**e, "title": {**e["title"], "fr": FRENCH_TITLES[e["id"]]}}
        if e["id"] in FRENCH_TITLES
        else e
        for e in EVENTS
    ]
    folder = make_geodata(root, languages=LANGUAGES, sites=sites, events=events)
    maps, exports = root / "maps", root / "exports"
    build(folder, maps, exports_dir=exports)
    return folder, maps, exports


def test_the_columns_follow_the_declared_languages():
    columns = Columns.for_languages(LANGUAGES)
    assert columns.localized("name") == ("name_vi", "name_en", "name_fr")
    assert [c for c in columns.event_columns if c.startswith("title_")] == [
        "title_vi",
        "title_en",
        "title_fr",
    ]


def test_a_three_language_folder_validates_clean(three):
    folder, _, _ = three
    report = validate_geodata(folder)
    assert report.error_count == 0 and report.warning_count == 0, report.to_text()


def test_a_missing_french_column_is_a_located_finding(tmp_path):
    folder = make_geodata(tmp_path, languages=LANGUAGES)
    layer = folder / "layers" / "harbour.geojson"
    doc = json.loads(layer.read_text(encoding="utf-8"))
    del doc["features"][0]["properties"]["name_fr"]
    layer.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    events = folder / "events.csv"
    text = events.read_text(encoding="utf-8")
    events.write_text(text.replace(",title_fr,", ",titre,", 1), encoding="utf-8")
    problems = validate_geodata(folder).problems
    missing = next(p for p in problems if p.code == "site-property-missing")
    assert missing.location.pointer == "/features/0/properties"
    assert missing.location.feature_id == "old-pier" and "'name_fr'" in missing.message
    header = next(p for p in problems if p.code == "csv-column-missing")
    assert header.location.column_name == "title_fr" and header.location.row == 1


def test_every_export_carries_the_third_language(three):
    _, _, exports = three
    names = {p.name for p in exports.iterdir()}
    assert {"heritage.gpkg", "heritage.kml", "heritage.gpx", "heritage.lpf.json"} <= names

    geojson = json.loads((exports / "sites-harbour.geojson").read_text("utf-8"))
    props = {f["properties"]["id"]: f["properties"] for f in geojson["features"]}
    assert props["old-pier"]["name_fr"] == FRENCH_NAMES["old-pier"]

    gpkg = pyogrio.read_dataframe(exports / "heritage.gpkg", layer="events")
    assert "title_fr" in gpkg.columns and "summary_fr" in gpkg.columns
    at_sites = pyogrio.read_dataframe(exports / "heritage.gpkg", layer="events-at-sites")
    assert "site_name_fr" in at_sites.columns

    with zipfile.ZipFile(exports / "sites-harbour.shp.zip") as archive:
        fields = archive.read("fields.csv").decode("utf-8")
    assert "name_fr,name_fr" in fields and "desc_fr,description_fr" in fields

    rows = list(csv.DictReader(io.StringIO((exports / "events.csv").read_text("utf-8-sig"))))
    rally = next(r for r in rows if r["id"] == "ev-1955-pier-rally")
    assert rally["title_fr"] == FRENCH_TITLES["ev-1955-pier-rally"]
    # LibreOffice fr-FR reads "25 avril 1955" as the date 25/04/55; this form stays text
    assert rally["date_label_fr"] == "le 25 avril 1955"

    lpf = json.loads((exports / "heritage.lpf.json").read_text("utf-8"))
    toponyms = {(n["lang"], n["toponym"]) for f in lpf["features"] for n in f.get("names", [])}
    assert ("fr", FRENCH_NAMES["old-pier"]) in toponyms

    kml = ET.parse(exports / "heritage.kml").getroot()
    descriptions = " ".join(d.text or "" for d in kml.iter(f"{KML}description"))
    assert 'lang="fr"' in descriptions and "Chronologie" in descriptions


def test_a_language_with_no_text_falls_back_by_the_one_rule():
    assert fallback_chain("fr", LANGUAGES, "vi") == ("fr", "vi", "en")
    assert fallback_chain("de", LANGUAGES, "vi") == ("de", "vi", "en", "fr")


def test_the_page_switches_between_three_languages(three, open_page):  # noqa: F811
    _, maps, _ = three
    opened = open_page(maps / "index.html")
    page = opened.page
    buttons = page.locator("button[data-lang]")
    assert [buttons.nth(i).get_attribute("data-lang") for i in range(buttons.count())] == list(
        LANGUAGES
    )
    page.locator("button[data-lang='fr']").click()
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert page.locator("label[for='hm-search']").inner_text().lower() == "trouver un site"
    assert page.locator(".hm-legend summary").inner_text() == "Légende"
    names = page.locator(".hm-site-button").all_inner_texts()
    assert any(FRENCH_NAMES["old-pier"] in name for name in names)
    page.locator(".hm-site-button", has_text=FRENCH_NAMES["old-pier"]).first.click()
    popup = page.locator(".leaflet-popup-content").inner_text()
    assert FRENCH_TITLES["ev-1955-pier-rally"] in popup and "25 avril 1955" in popup
    page.locator("button[data-lang='en']").click()
    assert page.evaluate("document.documentElement.lang") == "en"
    assert not opened.errors, opened.errors
