"""The tiles page in Chromium, served by a local range server: tiles read by range
requests, sites drawn, popups, search, languages, filters, hostile text, file://."""

# The browser fixture is imported from browser_support and used as an argument.
# ruff: noqa: F401, F811

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from heritage_mapper.render import tiles

from .axe_support import axe_violations
from .browser_support import (
    DESKTOP,
    GEODATA,
    PHONE,
    POPUP_SETTLED,
    REPO,
    browser,
    copy_geodata,
)
from .range_server import serve
from .test_browser_xss import PAYLOADS, SITES, inject

GENERATED_SITES = 5000
HANOI = (21.03, 105.85)
SITES_DRAWN = (
    "() => Array.from(document.querySelectorAll('.leaflet-tile-container canvas'))"
    ".some((c) => Number(c.dataset.sites) > 0)"
)
TILES_LOADED = (
    "() => document.querySelector('.leaflet-tile-container canvas') &&"
    " !document.querySelector('.leaflet-tile-container canvas:not(.leaflet-tile-loaded)')"
)
DRAWN_COUNT = (
    "() => Array.from(document.querySelectorAll("
    "'.leaflet-tile-container canvas.leaflet-tile-loaded'))"
    ".reduce((n, c) => n + Number(c.dataset.sites || 0), 0)"
)
SETTLE_MS = 300


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    out = tmp_path_factory.mktemp("tiles")
    tiles.build_tiles(GEODATA, out)
    with serve(out) as (url, log):
        yield url, log, out


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    geodata = copy_geodata(GEODATA, root / "geodata")
    inject(geodata)
    twin(geodata)
    out = root / "tiles"
    tiles.build_tiles(geodata, out)
    with serve(out) as (url, log):
        yield url, log


#: A site given Cát Bà's names and a hostile present-day place: search must tell the two
#: apart by their places, shown as text.
TWIN, TWIN_PLACE = "bai-chay-first-victory", "<img src=x onerror=alert(5)> phường Bãi Cháy"


def twin(geodata_dir):
    by_id = {}
    for path in sorted((geodata_dir / "layers").glob("*.geojson")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        by_id.update({f["properties"]["id"]: (path, doc, f) for f in doc["features"]})
    _, _, original = by_id["cat-ba-fishing-village"]
    path, doc, feature = by_id[TWIN]
    props = feature["properties"]
    for lang in ("vi", "en"):
        props[f"name_{lang}"] = original["properties"][f"name_{lang}"]
        props[f"admin_now_{lang}"] = TWIN_PLACE
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    spec = importlib.util.spec_from_file_location(
        "bench_generate", REPO / "benchmarks" / "generate.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    root = tmp_path_factory.mktemp("generated")
    module.generate(root / "geodata", sites=GENERATED_SITES, seed=3)
    out = root / "tiles"
    tiles.build_tiles(root / "geodata", out)
    with serve(out) as (url, log):
        yield url, log


@pytest.fixture
def open_served(browser):
    """``open_served(url, viewport)`` → (page, errors, dialogs): only ``url``'s server
    is reachable; the page is ready when its status line is written."""
    contexts = []

    def opener(url: str, viewport: dict = DESKTOP, ready: str = "#hmt-status:not(:empty)"):
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        errors, dialogs, aborted = [], [], []

        def route(r):
            if r.request.url.startswith(url) or r.request.url.startswith("file:"):
                r.continue_()
            else:
                aborted.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
        page.on(
            "console",
            lambda m: errors.append(f"{m.type}: {m.text}") if m.type == "error" else None,
        )
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(url if url.startswith("file:") else url + "index.html")
        page.wait_for_selector(ready)
        page.wait_for_timeout(SETTLE_MS)
        return page, errors, dialogs

    yield opener
    for context in contexts:
        context.close()


def wait_drawn(page):
    page.wait_for_function(SITES_DRAWN)
    page.wait_for_function(TILES_LOADED)
    page.wait_for_timeout(SETTLE_MS)


def site_point(page, site_id):
    """The page coordinates of a drawn site's symbol centre."""
    point = page.evaluate(
        """async (id) => {
          const app = HeritageTiles.app;
          const site = (await app.featuresInView()).find((f) => f.props.id === id);
          const p = app.map.latLngToContainerPoint([site.lat, site.lon]);
          const box = document.getElementById('hmt-map').getBoundingClientRect();
          return [box.left + p.x, box.top + p.y];
        }""",
        site_id,
    )
    return point


def click_site(page, site_id):
    x, y = site_point(page, site_id)
    page.mouse.click(x, y)
    page.wait_for_selector(".leaflet-popup-content .hmt-popup")
    page.evaluate(POPUP_SETTLED)  # faded in and no longer moving


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_sites_are_drawn_from_range_requests(served, open_served, viewport):
    url, log, _ = served
    start = len(log)
    page, errors, _ = open_served(url, viewport)
    wait_drawn(page)
    archive = [entry for entry in log[start:] if entry[0] == "/sites.pmtiles"]
    assert archive and all(entry[1] == 206 for entry in archive)
    assert all(entry[2].startswith("bytes=") for entry in archive)
    assert page.evaluate(DRAWN_COUNT) >= 8
    assert page.text_content("#hmt-status") == "8 địa điểm trong khung nhìn"
    assert page.is_hidden("#hmt-notice")
    assert errors == []


def test_clicking_a_site_opens_its_popup(served, open_served):
    url, _, _ = served
    page, errors, _ = open_served(url)
    wait_drawn(page)
    click_site(page, "hon-gai-rally-ground")
    popup = page.locator(".leaflet-popup-content .hmt-popup")
    assert popup.locator("h2").text_content() == (
        "Nơi mít tinh mừng giải phóng Vùng mỏ, thị xã Hòn Gai"
    )
    text = popup.text_content()
    assert "Thời kỳ" in text and "hon-gai-rally-ground" in text
    page.click("#hmt-langs button[data-lang='en']")
    assert popup.locator("h2").text_content() == "Hòn Gai liberation rally ground"
    assert "Period" in popup.text_content()
    assert errors == []


def test_hostile_names_show_as_text(hostile, open_served):
    url, _ = hostile
    page, errors, dialogs = open_served(url)
    wait_drawn(page)
    for site_id, payload in zip(SITES, PAYLOADS, strict=True):
        click_site(page, site_id)
        popup = page.locator(".leaflet-popup-content .hmt-popup")
        assert popup.locator("h2").text_content() == payload
        assert popup.locator("img, script, svg, b").count() == 0
        page.click(".leaflet-popup-close-button")
        page.wait_for_selector(".leaflet-popup", state="detached")
    assert page.title() == PAYLOADS[2]
    assert page.locator("#hmt-filters img").count() == 0
    assert "<img" in page.text_content("#hmt-filters")  # the layer title, as text
    assert dialogs == [] and errors == []


def test_search_finds_a_site_and_flies_to_it(served, open_served):
    url, log, _ = served
    page, errors, _ = open_served(url)
    wait_drawn(page)
    page.fill("#hmt-query", "h")
    page.wait_for_selector(".hmt-result-note")
    assert page.text_content(".hmt-results") == "Hãy gõ ít nhất hai chữ."
    start = len(log)
    page.fill("#hmt-query", "noi mit TINH")  # folded: case and accents optional
    page.wait_for_selector(".hmt-result")
    assert [e[0] for e in log[start:]] == ["/" + tiles.chunk_name("no")]
    results = page.locator(".hmt-result")
    assert results.count() == 1
    assert results.text_content() == "Nơi mít tinh mừng giải phóng Vùng mỏ, thị xã Hòn Gai"
    results.click()
    page.wait_for_selector(".leaflet-popup-content .hmt-popup")
    assert page.evaluate("HeritageTiles.app.map.getZoom()") >= 16
    centre = page.evaluate("HeritageTiles.app.map.getCenter()")
    assert abs(centre["lat"] - 20.9506) < 0.01 and abs(centre["lng"] - 107.0846) < 0.01
    popup_name = page.text_content(".leaflet-popup-content h2")
    assert popup_name == "Nơi mít tinh mừng giải phóng Vùng mỏ, thị xã Hòn Gai"
    page.fill("#hmt-query", "zz")
    page.wait_for_selector(".hmt-result-note")
    assert page.text_content(".hmt-results") == "Không có tên địa điểm nào bắt đầu như vậy."
    assert errors == []


def test_search_tells_sites_of_the_same_name_apart_by_place(hostile, open_served):
    url, _ = hostile
    page, errors, dialogs = open_served(url)
    page.fill("#hmt-query", "lang ca cat")
    page.wait_for_selector(".hmt-result")
    results = page.locator(".hmt-result")
    assert results.count() == 2
    assert [results.nth(k).locator(".hmt-result-place").text_content() for k in (0, 1)] == [
        TWIN_PLACE,
        "đặc khu Cát Hải, thành phố Hải Phòng",
    ]
    # the place is on its own line, and a screen reader hears it after the name
    cat_ba = "Làng cá Cát Bà đặc khu Cát Hải, thành phố Hải Phòng"
    assert page.get_by_role("button", name=cat_ba, exact=True).count() == 1
    assert page.locator("#hmt-results img").count() == 0
    results.nth(0).click()  # the twin: its own popup, at its own place
    page.wait_for_selector(".leaflet-popup-content .hmt-popup")
    popup = page.locator(".leaflet-popup-content .hmt-popup")
    assert popup.locator("h2").text_content() == "Làng cá Cát Bà"
    assert TWIN_PLACE in popup.text_content()
    assert popup.locator("img").count() == 0
    assert dialogs == [] and errors == []


def test_language_switch(served, open_served):
    url, _, _ = served
    page, errors, _ = open_served(url)
    wait_drawn(page)
    page.click("#hmt-langs button[data-lang='en']")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.get_attribute("#hmt-langs button[data-lang='en']", "aria-pressed") == "true"
    assert page.text_content("#hmt-status") == "8 sites in view"
    assert page.text_content(".hmt-search-label") == "Find a site"
    legends = page.locator(".hmt-filter-title").all_text_contents()
    assert legends == ["Map layers", "Kinds of site"]
    page.click("#hmt-langs button[data-lang='vi']")
    assert page.text_content("#hmt-status") == "8 địa điểm trong khung nhìn"
    assert errors == []


def test_the_address_keeps_the_language(served, open_served):
    """?lang=en opens the page in English; a choice is kept in the address (reload)."""
    url, _, _ = served
    page, errors, _ = open_served(url)
    page.goto(url + "index.html?lang=en")
    page.wait_for_selector("#hmt-status:not(:empty)")
    wait_drawn(page)
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.text_content(".hmt-search-label") == "Find a site"
    page.click("#hmt-langs button[data-lang='vi']")
    assert page.evaluate("window.location.search") == ""
    page.click("#hmt-langs button[data-lang='en']")
    assert page.evaluate("window.location.search") == "?lang=en"
    page.reload()
    page.wait_for_selector("#hmt-status:not(:empty)")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.get_attribute("#hmt-langs button[data-lang='en']", "aria-pressed") == "true"
    assert errors == []


def test_filters_hide_a_layer_and_a_kind(served, open_served):
    url, _, _ = served
    page, errors, _ = open_served(url)
    wait_drawn(page)
    layer = page.locator(".hmt-filter input[data-kind='layer']").nth(2)  # 3 sites
    label = page.locator(".hmt-filter").nth(2)
    assert label.locator(".hmt-filter-count").text_content() == " (3)"
    layer.uncheck()
    page.wait_for_function(
        "() => document.getElementById('hmt-status').textContent.startsWith('5 ')"
    )
    wait_drawn(page)
    assert page.text_content("#hmt-status") == "5 địa điểm trong khung nhìn"
    counts = page.locator(".hmt-filter-count").all_text_contents()
    assert counts[2] == " (3)"  # the hidden layer still says what it holds in view
    assert sum(int(c.strip(" ()")) for c in counts[5:]) == 5  # the kinds: shown layers only
    layer.check()
    page.wait_for_function(
        "() => document.getElementById('hmt-status').textContent.startsWith('8 ')"
    )
    page.locator(".hmt-filter input[data-kind='category']").first.uncheck()
    page.wait_for_function(
        "() => document.getElementById('hmt-status').textContent.startsWith('6 ')"
    )
    assert errors == []


def test_generated_sites_density_then_tiles(generated, open_served):
    url, log = generated
    page, errors, _ = open_served(url)
    # the whole country: below the archive's zooms, the density grid, and no tile read
    assert page.evaluate("HeritageTiles.app.map.getZoom() < HeritageTiles.app.data.minZoom")
    assert page.evaluate("HeritageTiles.app.map.hasLayer(HeritageTiles.app.density)")
    assert page.text_content("#hmt-status").startswith("Hãy phóng to để thấy các địa điểm")
    page.evaluate(f"HeritageTiles.app.map.setView([{HANOI[0]}, {HANOI[1]}], 13)")
    wait_drawn(page)
    assert not page.evaluate("HeritageTiles.app.map.hasLayer(HeritageTiles.app.density)")
    assert page.evaluate(DRAWN_COUNT) > 50
    assert any(e[0] == "/sites.pmtiles" and e[1] == 206 for e in log)
    assert not any(e[0] == "/sites.pmtiles" and e[1] == 200 for e in log)
    page.fill("#hmt-query", "den")
    page.wait_for_selector(".hmt-result")
    assert 1 <= page.locator(".hmt-result").count() <= 20
    first = page.evaluate("document.querySelector('.hmt-result').firstChild.textContent")
    page.locator(".hmt-result").first.click()
    page.wait_for_selector(".leaflet-popup-content .hmt-popup")
    assert page.text_content(".leaflet-popup-content h2") == first
    assert errors == []


def test_opened_from_disk_says_it_must_be_served(served, open_served):
    _, log, out = served
    start = len(log)
    page, errors, _ = open_served((out / "index.html").as_uri(), ready="#hmt-notice:not([hidden])")
    notice = page.text_content("#hmt-notice")
    assert notice.startswith("Trang này đọc các ô bản đồ bằng yêu cầu HTTP")
    assert page.is_visible("#hmt-notice")
    page.click("#hmt-langs button[data-lang='en']")
    assert "must be served over HTTP" in page.text_content("#hmt-notice")
    assert log[start:] == []
    assert errors == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_axe_finds_no_violation(served, open_served, viewport, lang):
    url, _, _ = served
    page, _, _ = open_served(url, viewport)
    wait_drawn(page)
    page.click(f"#hmt-langs button[data-lang='{lang}']")
    click_site(page, "cat-ba-fishing-village")
    assert axe_violations(page) == []
    page.fill("#hmt-query", "lang")
    page.wait_for_selector(".hmt-result")
    # the open list covers the map's corner (its zoom buttons) on a phone: only the list
    assert axe_violations(page, include=[".hmt-header"]) == []


def test_search_works_from_the_keyboard(served, open_served):
    # typed, then ArrowDown and Enter did nothing: only Tab to a result, or a click
    url, _, _ = served
    page, errors, _ = open_served(url)
    wait_drawn(page)
    name = "Nơi mít tinh mừng giải phóng Vùng mỏ, thị xã Hòn Gai"
    page.fill("#hmt-query", "noi mit")
    page.wait_for_selector(".hmt-result")
    page.press("#hmt-query", "ArrowDown")  # into the list, on the first result
    assert page.evaluate("document.activeElement.className") == "hmt-result"
    page.keyboard.press("Escape")  # and back to the box
    assert page.evaluate("document.activeElement.id") == "hmt-query"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # the focused result: flown to, its popup open
    page.wait_for_selector(".leaflet-popup-content .hmt-popup")
    assert page.text_content(".leaflet-popup-content h2") == name
    page.evaluate("HeritageTiles.app.map.closePopup()")
    # Enter in the box at once, before the pause after typing: the first result
    page.fill("#hmt-query", "noi mit TINH")
    page.press("#hmt-query", "Enter")
    page.wait_for_selector(".leaflet-popup-content .hmt-popup")
    assert page.text_content(".leaflet-popup-content h2") == name
    assert errors == []
