"""Hostile text in every field reaches every output as text: never markup, formula or code.

A geodata folder gets one extra site per payload, every text field of which (names,
descriptions, location basis, administrative units) is that payload, and one event
at that site whose titles and summaries are the payload too. One build writes the
maps and every export; then each target is read back with its own parser:

- GeoJSON, Linked Places (json), GeoPackage, FlatGeobuf, Shapefile (pyogrio): the
  exact text;
- KML and GPX (xml.etree, so they must be well-formed): the text as XML 1.0 can hold
  it (U+FFFD for the C0 controls it forbids, LF for CR), and the HTML inside KML
  descriptions holds no element from the data;
- CSV: the exact text, with one leading ``'`` when it starts with ``= + - @``, a tab
  or a CR (formula neutralisation), nothing else changed;
- the map pages: no ``<script`` or raw markup from the data in the file, the data
  back intact from the JSON island, and in Chromium no dialog, no canary set, the
  text literally in the list and the popup in both languages, and right-to-left
  overrides kept inside the data text (the interface text around it still reads
  left to right).

U+0000 is refused by validate (text-control-character, an error), so a NUL never
reaches an output; the other control characters are a warning and are checked above.

Data: the small fixture folder (tests/fixtures.py) with the hostile sites and events
added; escaping does not depend on the Quảng Ninh content.
"""

# The browser fixtures are imported from browser_support and used as arguments.
# ruff: noqa: F401, F811

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from heritage_mapper import load_geodata
from heritage_mapper.build import build
from heritage_mapper.cli import main
from heritage_mapper.errors import ValidationFailed
from heritage_mapper.validate import validate_geodata

from .browser_support import browser, open_page
from .fixtures import edit_layer, make_geodata, read_events, set_event, set_site, write_events

C0 = "".join(chr(i) for i in range(1, 32))  # U+0000 is refused: see the NUL tests
PAYLOADS = {
    "img": "<img src=x onerror=alert(1)>",
    "img-canary": '<img src=x onerror="window.__pwned=1">',
    "template": "${alert(2)}",
    "template-canary": "`${window.__pwned=2}`",
    "script": "</script><script>alert(3)</script>",
    "script-canary": "</script><script>window.__pwned=3</script>",
    "svg": "<svg onload=alert(4)>",
    "jinja": "{{7*7}}{% raw %}{#",
    "entities": "&amp; &lt; &#x3C;",
    "cdata-end": "]]>",
    "cdata": "<![CDATA[x]]>",
    "controls": f"c0:{C0}:end",
    "rlo": "evil\u202egnp.exe",
    "rlo-open": "Hòn Gai\u202e",
    "isolates": "\u2066a\u2067b\u2068c\u2069d",
    "isolate-open": "\u2067Cẩm Phả",
    "hyperlink": '=HYPERLINK("http://x","y")',
    "plus": "+1",
    "minus": "-1",
    "at": "@SUM(A1)",
    "tab": "\t=1+1",
    "cr": "\r=1+1",
}
BIDI = ("rlo", "rlo-open", "isolates", "isolate-open")
SITE_FIELDS = (
    "name_vi",
    "name_en",
    "description_vi",
    "description_en",
    "location_basis_vi",
    "location_basis_en",
    "admin_then_vi",
    "admin_then_en",
    "admin_now_vi",
    "admin_now_en",
)
EVENT_FIELDS = ("title_vi", "title_en", "summary_vi", "summary_en")
# events-at-sites carries the titles; the summaries stay in the events table (issue 15)
EVENT_AT_SITE_FIELDS = ("title_vi", "title_en", "site_name_vi", "site_name_en")
SHAPEFILE_FIELDS = {  # column -> dBASE field (README, "Shapefile field names")
    "name_vi": "name_vi",
    "name_en": "name_en",
    "description_vi": "desc_vi",
    "description_en": "desc_en",
    "location_basis_vi": "basis_vi",
    "location_basis_en": "basis_en",
    "admin_then_vi": "admthen_vi",
    "admin_then_en": "admthen_en",
    "admin_now_vi": "admnow_vi",
    "admin_now_en": "admnow_en",
    "title_vi": "title_vi",
    "title_en": "title_en",
    "summary_vi": "summ_vi",
    "summary_en": "summ_en",
    "site_name_vi": "site_nm_vi",
    "site_name_en": "site_nm_en",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
KML = "{http://www.opengis.net/kml/2.2}"
GPX = "{http://www.topografix.com/GPX/1/1}"
LAYER = "harbour"
MODEL = "old-pier"  # a site of LAYER: the hostile sites copy it, their events copy its event


def site_id(key: str) -> str:
    return f"hostile-{key}"


def event_id(key: str) -> str:
    return f"ev-hostile-{key}"


def xml_expected(text: str) -> str:
    """What an XML 1.0 parser can read back: CR as LF, other forbidden controls as U+FFFD."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join("\ufffd" if ord(c) < 32 and c not in "\t\n" else c for c in text)


def csv_expected(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def make_hostile(geodata: Path) -> Path:
    """One site per payload in the first layer (every text field = payload), one event each."""

    def add_sites(features):
        (model,) = [f for f in features if f["properties"]["id"] == MODEL]
        for key, payload in PAYLOADS.items():
            feature = json.loads(json.dumps(model))
            feature["id"] = feature["properties"]["id"] = site_id(key)
            feature["properties"].update(dict.fromkeys(SITE_FIELDS, payload))
            features.append(feature)

    edit_layer(geodata, LAYER, add_sites)
    rows = read_events(geodata)
    model_row = next(r for r in rows if MODEL in r["site_ids"].split(";"))
    for key, payload in PAYLOADS.items():
        row = {**model_row, "id": event_id(key), "site_ids": site_id(key)}
        row.update(dict.fromkeys(EVENT_FIELDS, payload))
        rows.append(row)
    write_events(geodata, rows)
    return geodata


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The hostile geodata built: root/maps and root/exports (every format)."""
    root = tmp_path_factory.mktemp("injection")
    geodata = make_hostile(make_geodata(root))
    build(geodata, root / "maps", exports_dir=root / "exports")
    return root


def by_id(records, key="id") -> dict:
    return {record[key]: record for record in records}


def read_table(path, layer=None):
    import pyogrio

    return pyogrio.read_dataframe(path, layer=layer).to_dict("records")


# -- the data is accepted, with a warning only for the control characters ----------------


def test_hostile_text_is_valid_data_and_only_control_characters_warn(tmp_path):
    geodata = make_hostile(make_geodata(tmp_path))
    report = validate_geodata(geodata)
    assert not report.has_errors()
    found = {(p.code, p.location.feature_id) for p in report.problems}
    assert found == {
        ("text-control-character", site_id("controls")),
        ("text-control-character", event_id("controls")),
    }


@pytest.mark.parametrize("where", ["site", "event"])
def test_a_nul_character_is_an_error_and_nothing_is_written(tmp_path, where):
    geodata = make_geodata(tmp_path)
    if where == "site":
        set_site(geodata, MODEL, name_en="Hòn Nét\x00 old pier")  # /features/0 of LAYER
        pointer = "/features/0/properties/name_en"
    else:
        set_event(geodata, "ev-1954-ceasefire", title_en="Cease\x00fire")
        pointer = None
    report = validate_geodata(geodata)
    (problem,) = [p for p in report.problems if p.code == "text-control-character"]
    assert problem.severity == "error" and "U+0000 (NUL)" in problem.message
    assert problem.location.pointer == pointer
    maps, exports = tmp_path / "maps", tmp_path / "exports"  # one folder each (README "Security")
    args = ["build", "--geodata", str(geodata), "--out", str(maps), "--exports", str(exports)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1 and "text-control-character" in result.stderr
    assert not maps.exists() and not exports.exists()
    with pytest.raises(ValidationFailed):
        load_geodata(geodata)


# -- exports ------------------------------------------------------------------------------


def test_geojson_gives_back_every_payload_exactly(built):
    sites = by_id(
        f["properties"]
        for f in json.loads((built / "exports" / f"sites-{LAYER}.geojson").read_bytes())["features"]
    )
    events = by_id(
        f["properties"]
        for f in json.loads((built / "exports" / "events-at-sites.geojson").read_bytes())[
            "features"
        ]
    )
    for key, payload in PAYLOADS.items():
        assert {f: sites[site_id(key)][f] for f in SITE_FIELDS} == dict.fromkeys(
            SITE_FIELDS, payload
        )
        event = events[f"{event_id(key)}@{site_id(key)}"]
        assert {f: event[f] for f in EVENT_AT_SITE_FIELDS} == dict.fromkeys(
            EVENT_AT_SITE_FIELDS, payload
        )


def test_linked_places_gives_back_names_and_descriptions_exactly(built):
    doc = json.loads((built / "exports" / "heritage.lpf.json").read_bytes())
    places = {f["@id"].rsplit("/", 1)[1]: f for f in doc["features"]}
    for key, payload in PAYLOADS.items():
        place = places[site_id(key)]
        assert [n["toponym"] for n in place["names"]] == [payload, payload]
        assert [d["value"] for d in place["descriptions"]] == [payload, payload]
        assert place["properties"]["title"] == payload


ROW_IDS = {
    "site": site_id,
    "event": event_id,
    "event-at-site": lambda key: f"{event_id(key)}@{site_id(key)}",
}


@pytest.mark.parametrize(
    "name, layer, rows, fields",
    [
        ("heritage.gpkg", f"sites-{LAYER}", "site", SITE_FIELDS),
        ("heritage.gpkg", "events", "event", EVENT_FIELDS),
        ("heritage.gpkg", "events-at-sites", "event-at-site", EVENT_AT_SITE_FIELDS),
        (f"sites-{LAYER}.fgb", None, "site", SITE_FIELDS),
        ("events-at-sites.fgb", None, "event-at-site", EVENT_AT_SITE_FIELDS),
        (f"sites-{LAYER}.shp.zip", None, "site", SITE_FIELDS),
        ("events-at-sites.shp.zip", None, "event-at-site", EVENT_AT_SITE_FIELDS),
    ],
)
def test_gis_formats_give_back_every_payload_exactly(built, name, layer, rows, fields):
    path = built / "exports" / name
    shapefile = name.endswith(".shp.zip")
    table = by_id(read_table(f"/vsizip/{path}" if shapefile else path, layer))
    for key, payload in PAYLOADS.items():
        row = table[ROW_IDS[rows](key)]
        got = {f: row[SHAPEFILE_FIELDS[f] if shapefile else f] for f in fields}
        assert got == dict.fromkeys(fields, payload), key


def test_csv_neutralises_formulas_and_changes_nothing_else(built):
    with open(built / "exports" / "sites.csv", encoding="utf-8-sig", newline="") as handle:
        sites = by_id(csv.DictReader(handle))
    with open(built / "exports" / "events.csv", encoding="utf-8-sig", newline="") as handle:
        events = by_id(csv.DictReader(handle))
    for key, payload in PAYLOADS.items():
        expected = csv_expected(payload)
        assert {f: sites[site_id(key)][f] for f in SITE_FIELDS} == dict.fromkeys(
            SITE_FIELDS, expected
        )
        assert {f: events[event_id(key)][f] for f in EVENT_FIELDS} == dict.fromkeys(
            EVENT_FIELDS, expected
        )
    for row in [*sites.values(), *events.values()]:
        for value in row.values():
            assert not value.startswith(FORMULA_START) or _is_number(value), value


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


class HtmlText(HTMLParser):
    """The elements and the text of an HTML fragment (character references decoded)."""

    def __init__(self, fragment: str):
        super().__init__(convert_charrefs=True)
        self.tags, self.chunks = [], []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return "".join(self.chunks)


def test_kml_is_well_formed_and_every_payload_is_text(built):
    root = ET.parse(built / "exports" / "heritage.kml").getroot()
    placemarks = {}
    for placemark in root.iter(f"{KML}Placemark"):
        data = {
            d.get("name"): d.find(f"{KML}value").text
            for d in placemark.iter(f"{KML}Data")
            if d.find(f"{KML}value") is not None
        }
        placemarks[data["id"]] = (placemark, data)
    for key, payload in PAYLOADS.items():
        placemark, data = placemarks[site_id(key)]
        expected = xml_expected(payload)
        assert placemark.find(f"{KML}name").text == expected
        for field in ("name_vi", "name_en", "admin_then_vi", "admin_then_en", "admin_now_en"):
            assert data[field] == expected, field
        balloon = HtmlText(placemark.find(f"{KML}description").text)
        assert set(balloon.tags) <= {"p", "b", "h4", "ul", "li"}, balloon.tags
        # name_en, description_vi/en, location_basis_vi, event title_vi/en
        assert balloon.text.count(expected) >= 6, (key, balloon.text)


def test_gpx_is_well_formed_and_every_payload_is_text(built):
    root = ET.parse(built / "exports" / "heritage.gpx").getroot()
    waypoints = {w.find(f"{GPX}extensions")[0].text: w for w in root.findall(f"{GPX}wpt")}
    for key, payload in PAYLOADS.items():
        waypoint = waypoints[site_id(key)]
        expected = xml_expected(payload)
        assert waypoint.find(f"{GPX}name").text == expected
        # name_en, description_vi/en, event title_vi/en
        assert waypoint.find(f"{GPX}desc").text.count(expected) >= 5, key


# -- map pages: the file ------------------------------------------------------------------


class PageParts(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.scripts, self.json_text, self._in_json = [], [], False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            attrs = dict(attrs)
            self.scripts.append(attrs)
            self._in_json = attrs.get("type") == "application/json"

    def handle_endtag(self, tag):
        self._in_json = False

    def handle_data(self, data):
        if self._in_json:
            self.json_text.append(data)


@pytest.fixture(scope="module")
def clean_page(tmp_path_factory) -> str:
    from heritage_mapper.render import render_pages

    return render_pages(load_geodata(make_geodata(tmp_path_factory.mktemp("clean"))))["index.html"]


@pytest.mark.parametrize("page", ["index.html", f"{LAYER}.html"])
def test_pages_hold_no_markup_from_the_data_and_give_it_back_intact(built, clean_page, page):
    html = (built / "maps" / page).read_text(encoding="utf-8")
    for payload in PAYLOADS.values():
        if "<" in payload or "]]>" in payload:
            assert payload not in html
    assert html.count("<script") == clean_page.count("<script")
    assert html.lower().count("</script") == clean_page.lower().count("</script")
    parts = PageParts(html)
    assert len(parts.scripts) == len(PageParts(clean_page).scripts)
    data = json.loads("".join(parts.json_text))
    index = data["sites"]["id"].index(site_id("script"))
    assert data["sites"]["name"]["vi"][index] == PAYLOADS["script"]
    for key, payload in PAYLOADS.items():
        i = data["sites"]["id"].index(site_id(key))
        for field in ("name", "description", "basis"):
            assert [data["sites"][field][lang][i] for lang in ("vi", "en")] == [payload] * 2
        for field in ("adminThen", "adminNow"):
            assert [data["sites"][field][lang][i] for lang in ("vi", "en")] == [payload] * 2


# -- map pages: in Chromium ---------------------------------------------------------------

POPUP = """() => {
  const c = document.querySelector(".leaflet-popup-content .hm-popup");
  return {
    name: c.querySelector("h2").textContent,
    description: c.querySelector(":scope > p:not([class])").textContent,
    basis: c.querySelector(".hm-basis").textContent,
    admin_then: c.querySelector("dd.hm-fact-adminThen").textContent,
    admin_now: c.querySelector("dd.hm-fact-adminNow").textContent,
    title: [...c.querySelectorAll(".hm-event-title")].map((n) => n.textContent),
    summary: [...c.querySelectorAll(".hm-event-summary")].map((n) => n.textContent),
  };
}"""
CLICK_SITE = """(payload) => {
  const names = [...document.querySelectorAll(".hm-site-button .hm-site-name")];
  const found = names.filter((n) => n.textContent === payload);
  if (found.length !== 1) return found.length;
  found[0].closest(".hm-site-button").click();
  return 1;
}"""
# The first two adjacent letters of each text node laid out right to left: an
# override has leaked into the node. With ``tails``, a node holding bidi controls is
# checked after its last one (data here ends in an open override, so what follows
# in the same node is interface text); without, such nodes are skipped (the
# data's own override may reorder the rest of its own text).
REVERSED_TEXT = """([selector, tails]) => {
  const bidi = /[\\u202a-\\u202e\\u2066-\\u2069]/g;
  const reversed = [];
  document.querySelectorAll(selector).forEach((root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const text = node.data;
      const controls = [...text.matchAll(bidi)];
      if (controls.length && !tails) continue;
      const from = controls.length ? controls[controls.length - 1].index + 1 : 0;
      const pair = /\\p{L}\\p{L}/u.exec(text.slice(from));
      if (!pair) continue;
      const at = from + pair.index;
      const range = document.createRange();
      range.setStart(node, at); range.setEnd(node, at + 1);
      const first = range.getBoundingClientRect();
      range.setStart(node, at + 1); range.setEnd(node, at + 2);
      const second = range.getBoundingClientRect();
      if (Math.abs(first.top - second.top) < 2 && first.left > second.left) reversed.push(text);
    }
  });
  return reversed;
}"""


def show_site(page, payload: str) -> dict:
    assert page.evaluate(CLICK_SITE, payload) == 1, payload
    page.wait_for_selector(".leaflet-popup-content .hm-popup")
    return page.evaluate(POPUP)


def test_in_the_browser_nothing_runs_and_every_payload_shows_literally(built, open_page):
    opened = open_page(built / "maps" / "index.html")
    page = opened.page
    scripts = page.evaluate("document.scripts.length")
    names = page.locator(".hm-site-button .hm-site-name").evaluate_all(
        "(nodes) => nodes.map((n) => n.textContent)"
    )
    for payload in PAYLOADS.values():
        assert names.count(payload) == 1, payload
    for lang, suffix in (("vi", "_vi"), ("en", "_en")):
        if lang == "en":
            page.locator(".hm-lang-buttons button[data-lang='en']").click()
        for key, payload in PAYLOADS.items():
            shown = show_site(page, payload)
            assert shown == {
                "name": payload,
                "description": payload,
                "basis": payload,
                "admin_then": payload,
                "admin_now": payload,
                "title": [payload],
                "summary": [payload],
            }, (key, lang, suffix)
            if key in BIDI:
                selectors = ".hm-list, .leaflet-popup-content, .hm-header"
                assert page.evaluate(REVERSED_TEXT, [selectors, False]) == [], key
    page.locator("#hm-search").fill("${alert")
    page.wait_for_timeout(300)
    assert opened.dialogs == []
    assert opened.errors == []
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("document.scripts.length") == scripts
    assert page.locator("img[src='x'], svg[onload]").count() == 0


@pytest.fixture(scope="module")
def overridden_titles(tmp_path_factory) -> Path:
    """Maps whose first source, first layer and first category titles end in an open RLO."""
    root = tmp_path_factory.mktemp("bidi-titles")
    geodata = make_geodata(root)
    sources_file = geodata / "sources.json"
    sources = json.loads(sources_file.read_text(encoding="utf-8"))
    for source in sources["sources"]:
        source["title_vi"] += "\u202e"
    sources_file.write_text(json.dumps(sources, ensure_ascii=False), encoding="utf-8")
    project_file = geodata / "project.json"
    project = json.loads(project_file.read_text(encoding="utf-8"))
    for layer in project["layers"]:
        layer["title"]["vi"] += "\u202e"
    for category in project["categories"]:
        category["label"]["vi"] += "\u202e"
    project_file.write_text(json.dumps(project, ensure_ascii=False), encoding="utf-8")
    build(geodata, root / "maps", exports_dir=None)
    return root / "maps"


def test_an_override_in_a_source_or_layer_title_stays_inside_it(overridden_titles, open_page):
    """Source and layer titles sit inside interface text (", đoạn 6"); <bdi> holds them."""
    opened = open_page(overridden_titles / "index.html")
    page = opened.page
    for index in range(page.locator(".hm-site-button").count()):
        page.locator(".hm-site-button").nth(index).click()
        page.wait_for_selector(".leaflet-popup-content .hm-cite")
        cites = page.locator(".leaflet-popup-content .hm-cite").all_text_contents()
        assert all("\u202e, đoạn " in cite for cite in cites), cites
        assert page.evaluate(REVERSED_TEXT, [".leaflet-popup-content, .hm-list", True]) == []
    assert opened.errors == []
