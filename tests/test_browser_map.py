"""The map pages in a real Chromium, opened from disk with every network request aborted."""

# The browser fixtures are imported from browser_support and used as arguments.
# ruff: noqa: F401, F811

from __future__ import annotations

import csv
import json
import re
import unicodedata

import pytest
from playwright.sync_api import expect

from heritage_mapper import load_geodata
from heritage_mapper.text import fold as fold_for_search

from .browser_support import (
    DESKTOP,
    GEODATA,
    PHONE,
    browser,
    built_maps,
    open_page,
)

HON_GAI = "hon-gai-rally-ground"
CONG_TO = "cong-to-dao-thanh-y-club"
CUA_ONG = "cua-ong-screening-plant"
FIRST_VICTORY = "bai-chay-first-victory"
YEN_HUNG = "yen-hung-combat-villages"


@pytest.fixture(scope="module")
def geodata():
    return load_geodata(GEODATA)


@pytest.fixture
def index(built_maps, open_page):
    return open_page(built_maps / "index.html")


def site_name(geodata, site_id, lang="vi"):
    sites = geodata.sites
    return str(sites.loc[sites["id"] == site_id, f"name_{lang}"].iloc[0])


def list_names(page) -> list[str]:
    return page.locator(".hm-site-button .hm-site-name").all_text_contents()


def choose(page, name):
    page.locator(".hm-site-button", has_text=name).click()
    page.wait_for_selector(".leaflet-popup-content .hm-popup")


def set_years(page, first, last):
    page.locator("#hm-year-from").fill(str(first))
    page.locator("#hm-year-to").fill(str(last))
    page.wait_for_timeout(250)


def test_index_runs_without_errors_and_asks_for_nothing(index):
    assert index.errors == []
    assert index.aborted == [], "opened from disk, the page draws its own basemap"


def test_every_layer_page_runs_with_its_own_sites(built_maps, open_page, geodata):
    for layer_id, frame in geodata.layers.items():
        opened = open_page(built_maps / f"{layer_id}.html")
        assert opened.errors == [], layer_id
        assert opened.page.locator(".hm-marker").count() == len(frame), layer_id


def test_one_marker_and_one_uncertainty_circle_per_site(index, geodata):
    count = len(geodata.sites)
    assert index.page.locator(".hm-marker").count() == count
    assert index.page.locator("path.hm-uncertainty").count() == count
    assert index.page.locator(".hm-site-button").count() == count
    dash = index.page.locator("path.hm-uncertainty").first.get_attribute("stroke-dasharray")
    assert dash, "the uncertainty circle is dashed, unlike the marker"


def test_popup_shows_place_facts_and_timeline_with_citation(index, geodata):
    page = index.page
    choose(page, site_name(geodata, HON_GAI))
    popup = page.locator(".leaflet-popup-content")
    text = popup.inner_text()
    assert site_name(geodata, HON_GAI) in text
    assert "±1.500 m" in text
    assert "Các nguồn không nêu địa điểm cụ thể" in text  # the location basis
    assert "thị xã Hòn Gai" in text and "phường Hồng Gai, tỉnh Quảng Ninh" in text
    events = popup.locator(".hm-timeline li")
    assert events.count() == 1
    assert events.first.locator(".hm-event-date").inner_text() == "25/4/1955"
    cite = events.first.locator(".hm-cite").inner_text()
    assert cite == "Nguồn: Tư liệu kỷ niệm 70 năm Giải phóng Vùng mỏ (1955–2025), đoạn 6"


def test_clicking_a_marker_opens_its_popup(index, geodata):
    name = site_name(geodata, "cua-ong-screening-plant")
    index.page.locator(f".hm-marker[title='{name}']").click()
    assert name in index.page.locator(".leaflet-popup-content h2").inner_text()


@pytest.mark.parametrize(
    ("query", "site_id"),
    [
        ("Hon Gai", HON_GAI),
        ("cua ong", "cua-ong-screening-plant"),
        ("nam hoa", "nam-hoa-battle-positions"),
        ("Tuần Châu", "tuan-chau-fishing-village"),
        ("TUAN CHAU", "tuan-chau-fishing-village"),
    ],
)
def test_search_finds_sites_with_or_without_diacritics(index, geodata, query, site_id):
    page = index.page
    page.locator("#hm-search").fill(query)
    page.wait_for_timeout(300)
    assert list_names(page) == [site_name(geodata, site_id)]
    expect(page.locator(".hm-marker")).to_have_count(1)
    page.locator("#hm-search").press("Enter")
    assert page.locator(".leaflet-popup-content h2").inner_text() == site_name(geodata, site_id)


@pytest.mark.parametrize(
    ("query", "where"),
    [
        ("quang ninh", "Quảng Ninh"),  # every site of the province, by its place
        ("Quảng Ninh province", "Quảng Ninh"),  # the place in English
        ("hai phong", "Hải Phòng"),  # Cát Bà, now in Hải Phòng city
        ("bai chay quang ninh", "Bãi Cháy"),  # a word of the name, words of the place
    ],
)
def test_search_finds_sites_by_their_place_too(index, geodata, query, where):
    """A visitor looks for the sites of a place: "quang ninh" found nothing, since only
    the names were searched. Each word may be in the name or in the place today."""
    page = index.page
    page.locator("#hm-search").fill(query)
    page.wait_for_timeout(300)
    sites = geodata.sites
    inside = sites["admin_now_vi"].str.contains(where) | sites["name_vi"].str.contains(where)
    if where == "Bãi Cháy":
        inside = sites["name_vi"].str.contains(where)
    expected = sorted(sites.loc[inside, "name_vi"])
    assert 0 < len(expected) < len(sites)
    assert sorted(list_names(page)) == expected
    expect(page.locator(".hm-marker")).to_have_count(len(expected))
    page.locator("#hm-search").fill("")
    page.wait_for_timeout(300)
    assert len(list_names(page)) == len(sites)


VOWELS = "aăâeêioôơuưy"
TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")  # grave acute tilde hook dot
INVISIBLES = (
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u034f\u180e"  # zero-width, joiners, BOM, CGJ
    + "".join(chr(c) for c in range(0xFE00, 0xFE10))  # variation selectors 1-16
    + "\U000e0100\U000e01ef"  # variation selectors 17 and 256
)
SPACES = " \t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u00a0\u1680\u2028\u2029\u202f\u205f\u3000" + "".join(
    chr(c) for c in range(0x2000, 0x200B)
)
#: Text fields of the layers and events.csv whose folds a search compares.
TEXT_FIELD = re.compile(r"^(name|description|summary|title|location_basis)(_|$)")


def geodata_texts() -> list[str]:
    """Every name, description, title, summary and location basis, as written."""
    texts = []
    for path in sorted((GEODATA / "layers").glob("*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            props = feature.get("properties") or {}
            texts += [v for k, v in props.items() if TEXT_FIELD.match(k) and isinstance(v, str)]
    with (GEODATA / "events.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            texts += [v for k, v in row.items() if TEXT_FIELD.match(k) and v]
    return texts


def fold_samples() -> list[str]:
    """Thousands of texts: every toned Vietnamese vowel in both cases and normal forms,
    invisible characters and Unicode spaces inside words, single letters of the Latin
    blocks, and every text field of geodata/ whole, word by word and altered."""
    samples = []
    for vowel in VOWELS + VOWELS.upper():
        for tone in TONES:
            toned = unicodedata.normalize("NFC", vowel + tone)
            for form in ("NFC", "NFD"):
                letter = unicodedata.normalize(form, toned)
                samples += [letter, "H" + letter + "n", "đ" + letter + "Đ", letter.upper()]
    samples += ["đ", "Đ", "Đầm Hà", "đảo ĐÁ", "Hòn Gai", "CỬA ÔNG", "Đầm Hà  ", "Ho\u0300n"]
    for char in INVISIBLES:
        samples += [char, "Hòn" + char + "Gai", "ho" + char + "\u0300n", "a" + char + " " + char]
    for char in SPACES:
        samples += [char, "Cửa" + char + "Ông", char + "Hạ" + char * 2 + "Long" + char]
    samples += [chr(c) for c in range(0xC0, 0x250)] + [chr(c) for c in range(0x1E00, 0x1F00)]
    samples += ["e" + chr(c) for c in range(0x300, 0x370)]  # every combining diacritic
    samples += ["ΟΔΟΣ ΣΑΣ", "İstanbul", "ﬁ ﬀ", "①②", "Ｈòｎ　Ｇａｉ", "ǅ", "ẞ", "K"]
    for text in geodata_texts():
        words = text.split()
        samples += [text, text.upper(), words[0] if words else text]
        samples += [unicodedata.normalize(form, text) for form in ("NFD", "NFKC", "NFKD")]
        samples += ["\u200b".join(words), "\u00a0\u00a0".join(words), " \u2003 ".join(words)]
        samples += words
    return samples


def test_search_folds_the_query_like_python_folds_the_data(index):
    samples = fold_samples()
    assert len(samples) > 3000
    folded = index.page.evaluate("(xs) => xs.map(HeritageMapper.fold)", samples)
    mismatches = [
        (text, js, fold_for_search(text))
        for text, js in zip(samples, folded, strict=True)
        if js != fold_for_search(text)
    ]
    assert not mismatches, f"{len(mismatches)} of {len(samples)} differ, e.g. {mismatches[:5]!r}"


def test_language_switch_changes_labels_popup_and_lang(index, geodata):
    page = index.page
    choose(page, site_name(geodata, HON_GAI))
    page.locator("button[data-lang='en']").click()
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("#hm-title").inner_text() == geodata.project.title["en"]
    assert page.title() == geodata.project.title["en"]
    assert page.locator("label[for='hm-search']").inner_text().lower() == "find a site"
    assert site_name(geodata, HON_GAI, "en") in list_names(page)
    popup = page.locator(".leaflet-popup-content").inner_text()
    assert "±1,500 m" in popup and "25 April 1955" in popup and "paragraph 6" in popup
    assert page.locator(".hm-legend summary").inner_text() == "Legend"
    layer_title = geodata.project.layers[0].title["en"]
    assert page.locator(".hm-legend label", has_text=layer_title).count() == 1
    assert page.locator(".leaflet-control-zoom-in").get_attribute("title") == "Zoom in"
    assert "a site with no events" in page.locator("#hm-years").get_attribute("title")
    page.locator("button[data-lang='vi']").click()
    assert page.evaluate("document.documentElement.lang") == "vi"
    assert page.locator(".hm-legend summary").inner_text() == "Chú giải"


def test_year_range_hides_later_events_and_their_sites(index, geodata):
    page = index.page
    count = len(geodata.sites)
    # 1954-1960: the 1964-1968 sites are out, and so are the plant (start unknown,
    # still working: shown for the present only, an unknown start is not "always")
    # and the club (no date in its source)
    later = [
        site_name(geodata, s)
        for s in (FIRST_VICTORY, "nam-hoa-battle-positions", YEN_HUNG, CUA_ONG, CONG_TO)
    ]
    set_years(page, 1954, 1960)
    assert page.locator("#hm-year-output").inner_text() == "1954 – 1960"
    assert not set(later) & set(list_names(page))
    assert site_name(geodata, HON_GAI) in list_names(page)
    expect(page.locator(".hm-marker")).to_have_count(count - len(later))
    years = page.locator("#hm-year-from")
    set_years(page, years.get_attribute("min"), years.get_attribute("max"))  # the whole range
    assert set(later) <= set(list_names(page))
    expect(page.locator(".hm-marker")).to_have_count(count)


def test_year_range_filters_the_open_timeline(index, geodata):
    page = index.page
    choose(page, site_name(geodata, YEN_HUNG))
    assert page.locator(".hm-timeline li").count() == 1
    set_years(page, 1966, 1966)
    assert page.locator(".leaflet-popup-content .hm-event-date").inner_text() == "1965–1968"
    set_years(page, 1969, 1972)
    expect(page.locator(".leaflet-popup")).to_have_count(0)  # its site is hidden now


def test_list_works_with_the_keyboard_alone(index):
    page = index.page
    # the header comes first: page links (layers, story, tours), search, years, eras
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('hm-site-button')"):
            break
    else:
        pytest.fail("Tab never reached the list of sites")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused list row needs a visible focus ring"
    page.keyboard.press("ArrowDown")
    second = page.evaluate("document.activeElement.querySelector('.hm-site-name').textContent")
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup-content .hm-popup")
    assert page.locator(".leaflet-popup-content h2").inner_text() == second
    assert page.evaluate("document.activeElement.tagName") == "H2"
    page.keyboard.press("Escape")
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    assert page.evaluate("document.activeElement.textContent").find(second) >= 0


@pytest.mark.parametrize(
    "control", [".leaflet-control-zoom-in", ".hm-fullscreen button", ".hm-marker[tabindex='0']"]
)
def test_escape_on_a_map_control_closes_the_popup_and_leaves_the_focus(index, control):
    """Escape closes the popup wherever the keyboard is on the map, not only in the
    popup: Leaflet listens only while its container itself has the focus."""
    page = index.page
    page.locator(".hm-site-button").first.click()
    page.wait_for_selector(".leaflet-popup-content .hm-popup")
    button = page.locator(control).first
    button.focus()
    page.keyboard.press("Escape")
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    assert button.evaluate("(node) => node === document.activeElement")


def test_markers_open_with_the_keyboard(index):
    page = index.page
    marker = page.locator(".hm-marker[tabindex='0']")
    expect(marker).to_have_count(1)  # the map's markers are one Tab stop (see test_browser_markers)
    marker.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup-content .hm-popup")
    assert page.locator(".leaflet-popup-content h2").inner_text() == marker.get_attribute("title")


def test_layer_checkbox_hides_its_sites(index, geodata):
    page = index.page
    first = geodata.project.layers[0]
    page.locator(".hm-legend label", has_text=first.title["vi"]).locator("input").uncheck()
    expected = len(geodata.sites) - len(geodata.layers[first.id])
    expect(page.locator(".hm-marker")).to_have_count(expected)
    assert len(list_names(page)) == expected


def test_no_offline_notice_and_no_request_without_network(index, geodata):
    page = index.page
    assert page.locator("#hm-offline").count() == 0
    assert "Internet" not in page.locator("#hm-map-wrap").inner_text()
    assert page.locator(".hm-marker").count() == len(geodata.sites)
    assert index.aborted == []


def test_map_has_scale_bar_fullscreen_and_attribution(index):
    page = index.page
    assert page.locator(".leaflet-control-scale").count() == 1
    assert "OpenStreetMap" in page.locator(".hm-sources").inner_text()
    assert "Leaflet" in page.locator(".leaflet-control-attribution").last.inner_text()
    button = page.locator(".hm-fullscreen button")
    assert button.get_attribute("aria-label") == "Toàn màn hình"
    button.click()
    page.wait_for_timeout(200)
    assert button.get_attribute("aria-pressed") == "true"
    assert button.get_attribute("aria-label") == "Thoát toàn màn hình"
    button.click()
    page.wait_for_timeout(200)
    assert button.get_attribute("aria-pressed") == "false"


def test_screenshots_on_desktop_and_phone(built_maps, open_page, tmp_path):
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        opened = open_page(built_maps / "index.html", viewport)
        shot = tmp_path / f"index-{name}.png"
        opened.page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000
        assert opened.errors == []
    map_box = opened.page.locator("#hm-map-wrap").bounding_box()
    list_box = opened.page.locator(".hm-panel").bounding_box()
    assert list_box["y"] >= map_box["y"] + map_box["height"] - 1, "on a phone the list is below"


def test_marker_titles_follow_the_language_when_markers_come_back(index, geodata):
    page = index.page
    first = geodata.project.layers[0]
    first_ids = set(geodata.layers[first.id]["id"])
    english = sorted(site_name(geodata, i, "en") for i in geodata.sites["id"])
    page.locator("button[data-lang='en']").click()
    titles = page.locator(".hm-marker").evaluate_all("(ms) => ms.map((m) => m.title)")
    assert sorted(titles) == english
    box = page.locator(".hm-legend label", has_text=first.title["en"]).locator("input")
    box.uncheck()
    expect(page.locator(".hm-marker")).to_have_count(len(geodata.sites) - len(first_ids))
    box.check()  # Leaflet draws these markers again: still with their English names
    expect(page.locator(".hm-marker")).to_have_count(len(geodata.sites))
    titles = page.locator(".hm-marker").evaluate_all("(ms) => ms.map((m) => m.title)")
    assert sorted(titles) == english


def test_an_empty_list_says_why_every_layer_unticked_or_nothing_matching(built_maps, open_page):
    # with every layer unticked it said "clear the search or widen the years", which
    # would bring back nothing
    page = open_page(built_maps / "index.html").page
    titles = [layer.title["vi"] for layer in load_geodata(GEODATA).project.layers]
    boxes = [page.locator(".hm-legend label", has_text=t).locator("input") for t in titles]
    for box in boxes:
        box.uncheck()
    assert page.locator("#hm-list .hm-empty").inner_text() == (
        "Chưa chọn lớp nào. Hãy đánh dấu một lớp trong chú giải."
    )
    boxes[0].check()
    page.fill("#hm-search", "zzzz")
    assert page.locator("#hm-list .hm-empty").inner_text().startswith("Không có địa điểm nào khớp.")


# ---------- printing a map page ----------

SHOWN_MARKERS = """() => {
  const map = document.querySelector(".leaflet-container").getBoundingClientRect();
  return Array.from(document.querySelectorAll(".hm-marker")).map((node) => {
    const r = node.getBoundingClientRect();
    const x = (r.left + r.right) / 2 - map.left;
    const y = (r.top + r.bottom) / 2 - map.top;
    const inside = x >= 0 && y >= 0 && x <= map.width && y <= map.height;
    return { title: node.getAttribute("title"), inside: inside };
  });
}"""
VIEW = """() => {
  const m = HeritageMapper.map;
  return [m.getCenter().lat, m.getCenter().lng, m.getZoom()];
}"""


@pytest.mark.parametrize("viewport", [{"width": 2400, "height": 1400}, DESKTOP, PHONE])
def test_printing_frames_every_shown_site_and_gives_the_view_back(
    built_maps, open_page, geodata, tmp_path, viewport
):
    """A visitor zoomed in on one corner prints the page: the printed map showed that
    corner at the paper's size, leaving sites out. It is framed on every site the
    filters show, the list follows it whole, and the screen's view comes back.

    As Ctrl+P does: beforeprint while the page is laid out for the screen (whatever its
    size), then the print media."""
    from .test_browser_story import pdf_text

    opened = open_page(built_maps / "index.html", viewport)
    page = opened.page
    page.evaluate("HeritageMapper.map.setView([21.3, 107.7], 13, { animate: false })")
    page.wait_for_timeout(300)
    before = page.evaluate(VIEW)
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    page.wait_for_timeout(500)
    markers = page.evaluate(SHOWN_MARKERS)
    assert len(markers) == len(geodata.sites)
    assert [m["title"] for m in markers if not m["inside"]] == []
    pdf = tmp_path / "index.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = " ".join(pdf_text(pdf).split())
    for name in geodata.sites["name_vi"]:
        assert " ".join(name.split()) in text  # the list, whole
    page.emulate_media(media="screen")
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    page.wait_for_timeout(500)
    after = page.evaluate(VIEW)
    assert after[2] == before[2] and abs(after[0] - before[0]) < 1e-3
    assert abs(after[1] - before[1]) < 1e-3
    assert page.locator("#hm-map-wrap.hm-printing").count() == 0
    assert opened.errors == []
