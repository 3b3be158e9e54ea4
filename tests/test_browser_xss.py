"""Text from the data is shown as text: markup in names, titles and labels runs nothing."""

# The browser fixtures are imported from browser_support and used as arguments.
# ruff: noqa: F401, F811

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from heritage_mapper import load_geodata
from heritage_mapper.render import build_maps

from .browser_support import GEODATA, browser, copy_geodata, open_page

PAYLOADS = (
    "<img src=x onerror=alert(1)>",
    "${alert(2)}",
    "</script><script>alert(3)</script>",
    "{{ 7*7 }}{% raw %}{# x",  # Jinja syntax: must not be evaluated at build time
)
SITES = (
    "hon-gai-rally-ground",
    "cua-ong-screening-plant",
    "tuan-chau-fishing-village",
    "nam-hoa-battle-positions",
)


def inject(geodata_dir):
    """Give four sites (both languages), a layer, a category and an event hostile text."""
    for path in sorted((geodata_dir / "layers").glob("*.geojson")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for feature in doc["features"]:
            props = feature["properties"]
            if props["id"] in SITES:
                payload = PAYLOADS[SITES.index(props["id"])]
                props["name_vi"] = props["name_en"] = payload
                hostile = payload + " <b>mô tả</b> Hòn Gai"
                props["description_vi"] = props["description_en"] = hostile
                props["admin_then_vi"] = props["admin_then_en"] = hostile
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    project_file = geodata_dir / "project.json"
    project = json.loads(project_file.read_text(encoding="utf-8"))
    project["title"]["vi"] = PAYLOADS[2]
    project["layers"][0]["title"]["vi"] = PAYLOADS[0]
    project["categories"][0]["label"]["vi"] = PAYLOADS[1]
    project_file.write_text(json.dumps(project, ensure_ascii=False, indent=2), encoding="utf-8")
    events = geodata_dir / "events.csv"
    text = events.read_text(encoding="utf-8")
    events.write_text(
        text.replace("Mít tinh mừng giải phóng ở thị xã Hòn Gai", "<svg onload=alert(4)>"),
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def hostile_maps(tmp_path_factory):
    root = tmp_path_factory.mktemp("xss")
    geodata = copy_geodata(GEODATA, root / "geodata")
    inject(geodata)
    out = root / "maps"
    build_maps(load_geodata(geodata), out)
    return out


def test_hostile_names_run_no_script_and_show_literally(hostile_maps, open_page):
    opened = open_page(hostile_maps / "index.html")
    page = opened.page
    names = page.locator(".hm-site-button .hm-site-name").all_text_contents()
    for payload in PAYLOADS:
        assert payload in names
        page.locator(".hm-site-button", has_text=payload).click()
        heading = page.locator(".leaflet-popup-content h2")
        expect(heading).to_have_text(payload)
        assert payload + " <b>mô tả</b>" in page.locator(".leaflet-popup-content").inner_text()
    assert page.locator("#hm-title").inner_text() == PAYLOADS[2]
    assert page.title() == PAYLOADS[2]
    assert page.locator(".hm-legend", has_text=PAYLOADS[0]).count() == 1
    assert page.locator(".hm-legend", has_text=PAYLOADS[1]).count() == 1
    page.locator("#hm-search").fill("${alert")
    page.wait_for_timeout(500)
    assert opened.dialogs == []
    assert opened.errors == []
    assert page.locator("img[src='x'], svg[onload], b").count() == 0
    # Leaflet, app.js, the JSON data and the start statement: nothing was added.
    assert page.evaluate("document.scripts.length") == 4


def test_hostile_event_title_shows_literally(hostile_maps, open_page):
    opened = open_page(hostile_maps / "index.html")
    page = opened.page
    page.locator(".hm-site-button", has_text=PAYLOADS[0]).click()
    title = page.locator(".leaflet-popup-content .hm-event-title")
    expect(title).to_have_text("<svg onload=alert(4)>")
    assert opened.dialogs == [] and opened.errors == []


def test_hostile_text_is_escaped_in_the_html_itself(hostile_maps):
    html = (hostile_maps / "index.html").read_text(encoding="utf-8")
    for payload in PAYLOADS:
        if "<" in payload:
            assert payload not in html
    assert "<title>&lt;/script&gt;&lt;script&gt;alert(3)&lt;/script&gt;</title>" in html


def test_hostile_text_in_english_shows_literally_with_the_name_marked(hostile_maps, open_page):
    # In English, data text goes through the lang="vi" marking (text.js appendText): it
    # is split into text nodes and <span lang="vi">, still never parsed as HTML.
    opened = open_page(hostile_maps / "index.html")
    page = opened.page
    page.locator("button[data-lang='en']").click()
    for payload in PAYLOADS:
        page.locator(".hm-site-button", has_text=payload).click()
        expect(page.locator(".leaflet-popup-content h2")).to_have_text(payload)
        hostile = payload + " <b>mô tả</b> Hòn Gai"
        for selector in (".hm-popup > p:not([class])", "dd.hm-fact-adminThen"):
            node = page.locator(f".leaflet-popup-content {selector}")
            assert node.text_content() == hostile, (payload, selector)
            assert node.locator("span[lang='vi']").all_text_contents()[-1] == "Hòn Gai"
    assert page.locator("img[src='x'], svg[onload], b, script[src]").count() == 0
    assert opened.dialogs == [] and opened.errors == []
    assert page.evaluate("document.scripts.length") == 4
