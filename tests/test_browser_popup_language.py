"""A site's popup in the page's language: administrative units per language, dates
written unambiguously, and Vietnamese names in other languages marked lang="vi" (so a
screen reader pronounces them as Vietnamese), in a real Chromium at phone and desktop
sizes."""

# The browser fixtures are imported from browser_support and used as arguments.
# ruff: noqa: F401, F811

from __future__ import annotations

import json

import pytest

from heritage_mapper import load_geodata
from heritage_mapper.render import build_maps

from .browser_support import DESKTOP, GEODATA, PHONE, browser, built_maps, open_page
from .fixtures import make_geodata

HON_GAI = "hon-gai-rally-ground"
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
#: What the popup shows, read in the page: each fact's text and its lang="vi" spans.
POPUP = """() => {
  const c = document.querySelector(".leaflet-popup-content .hm-popup");
  const spans = (node) => [...node.querySelectorAll("span[lang='vi']")].map((s) => s.textContent);
  const part = (selector) => {
    const node = c.querySelector(selector);
    return { text: node.textContent, vi: spans(node) };
  };
  return {
    name: part("h2"),
    description: part(":scope > p:not([class])"),
    basis: part(".hm-basis"),
    adminThen: part("dd.hm-fact-adminThen"),
    adminNow: part("dd.hm-fact-adminNow"),
    title: part(".hm-event-title"),
    summary: part(".hm-event-summary"),
    langs: [...c.querySelectorAll("[lang]")].map((n) => n.lang),
  };
}"""


@pytest.fixture(scope="module")
def geodata():
    return load_geodata(GEODATA)


def site(geodata, site_id) -> dict:
    sites = geodata.sites
    return sites.loc[sites["id"] == site_id].iloc[0].to_dict()


def open_popup(page, name: str) -> dict:
    page.locator(".hm-site-button", has_text=name).click()
    page.wait_for_selector(".leaflet-popup-content .hm-popup")
    return page.evaluate(POPUP)


def in_view(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return bool(box) and box["x"] >= 0 and box["x"] + box["width"] <= size["width"]


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_english_popup_shows_english_admin_units_with_vietnamese_names_marked(
    built_maps, open_page, geodata, viewport
):
    opened = open_page(built_maps / "index.html", VIEWPORTS[viewport])
    page = opened.page
    page.locator("button[data-lang='en']").click()
    hon_gai = site(geodata, HON_GAI)
    shown = open_popup(page, hon_gai["name_en"])
    assert (
        shown["adminThen"]["text"]
        == hon_gai["admin_then_en"]
        == (
            "Hòn Gai town (officially Hồng Gai), Hồng Quảng zone "
            "(before 1 July 2025: Hồng Gai ward, Hạ Long city)"
        )
    )
    assert shown["adminNow"]["text"] == "Hồng Gai ward, Quảng Ninh province"
    # each Vietnamese name is one span, the English words around it are not
    assert shown["adminThen"]["vi"] == ["Hòn Gai", "Hồng Gai", "Hồng Quảng", "Hồng Gai", "Hạ Long"]
    assert shown["adminNow"]["vi"] == ["Hồng Gai", "Quảng Ninh"]
    assert shown["name"] == {"text": hon_gai["name_en"], "vi": ["Hòn Gai"]}
    assert shown["description"]["vi"] == ["Hồng Quảng", "Hòn Gai", "Hồng Gai", "Hồng Quảng"]
    assert shown["basis"]["vi"] == ["Hòn Gai", "Bài Thơ", "Báo Quảng Ninh"]
    assert shown["title"]["vi"] == ["Hòn Gai"] and "Hòn Gai" in shown["summary"]["vi"]
    popup = page.locator(".leaflet-popup-content").inner_text()
    assert "1/7/2025" not in popup  # 7 January to an English reader
    assert set(shown["langs"]) == {"vi"}
    assert in_view(page, ".leaflet-popup-content h2")
    assert opened.errors == []


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_vietnamese_popup_shows_vietnamese_admin_units_and_marks_nothing(
    built_maps, open_page, geodata, viewport
):
    opened = open_page(built_maps / "index.html", VIEWPORTS[viewport])
    hon_gai = site(geodata, HON_GAI)
    shown = open_popup(opened.page, hon_gai["name_vi"])
    assert shown["adminThen"]["text"] == hon_gai["admin_then_vi"]
    assert "(trước 1/7/2025: phường Hồng Gai, thành phố Hạ Long)" in shown["adminThen"]["text"]
    assert shown["adminNow"]["text"] == "phường Hồng Gai, tỉnh Quảng Ninh"
    assert shown["langs"] == []  # the page is Vietnamese: <html lang="vi"> covers it all
    assert opened.errors == []


def test_switching_language_with_the_popup_open_redraws_the_units(built_maps, open_page, geodata):
    opened = open_page(built_maps / "index.html")
    page = opened.page
    cat_ba = site(geodata, "cat-ba-fishing-village")
    assert open_popup(page, cat_ba["name_vi"])["adminThen"]["text"] == (
        "thị trấn Cát Bà, huyện Cát Bà, thành phố Hải Phòng"
    )
    page.locator("button[data-lang='en']").click()
    shown = open_popup(page, cat_ba["name_en"])
    assert shown["adminThen"] == {
        "text": "Cát Bà township, Cát Bà district, Hải Phòng city",
        "vi": ["Cát Bà", "Cát Bà", "Hải Phòng"],
    }
    assert shown["adminNow"]["text"] == "Cát Hải special zone, Hải Phòng city"


def test_a_third_language_gets_its_own_units_and_marks_only_vietnamese_words(tmp_path, open_page):
    folder = make_geodata(tmp_path, languages=("vi", "en", "fr"))
    layer = folder / "layers" / "harbour.geojson"
    doc = json.loads(layer.read_text(encoding="utf-8"))
    props = doc["features"][0]["properties"]
    props["description_fr"] = "Un été à Hòn Gai, près du Bến tàu, où l’on vit la fête."
    props["admin_then_fr"] = "ville de Hòn Gai, zone de Hồng Quảng"
    layer.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    out = tmp_path / "maps"
    build_maps(load_geodata(folder), out)
    opened = open_page(out / "index.html")
    page = opened.page
    page.locator("button[data-lang='fr']").click()
    shown = open_popup(page, props["name_fr"])
    assert shown["adminThen"] == {
        "text": "ville de Hòn Gai, zone de Hồng Quảng",
        "vi": ["Hòn Gai", "Hồng Quảng"],
    }
    # French words with accents (été, à, où, fête) stay French; the names are marked
    assert shown["description"]["vi"] == ["Hòn Gai", "Bến"]
    assert shown["adminNow"]["text"] == "Hồng Gai ward (fr)"  # the fixture's text in fr
    assert opened.errors == []


def test_a_category_named_as_its_layer_is_not_said_twice(built_maps, open_page, geodata):
    # "Văn hóa đương đại · Văn hóa đương đại": the living-culture layer and category
    page = open_page(built_maps / "index.html").page
    sites = geodata.sites
    culture = sites.loc[sites["category"] == "living-culture"].iloc[0]
    other = sites.loc[sites["category"] == "battle-site"].iloc[0]
    meta = ".leaflet-popup-content .hm-popup-meta"
    page.locator(".hm-site-button", has_text=culture["name_vi"]).click()
    assert page.locator(meta).inner_text().strip() == "Văn hóa đương đại"
    page.keyboard.press("Escape")
    # a category that says more than its layer: kept
    page.locator(".hm-site-button", has_text=other["name_vi"]).click()
    assert page.locator(meta).inner_text().strip() == "Kháng chiến chống Mỹ 1964–1972 · Trận địa"
