"""The embedded basemap in a real Chromium: no request, land and sea where they are,
labels without overlaps, sources credited, tiles only online, position links."""

from __future__ import annotations

import functools
import http.server
import io
import threading
from itertools import combinations

import pytest

from heritage_mapper import load_geodata
from heritage_mapper.render.data import coordinate_decimals

from .browser_support import (
    DESKTOP,
    GEODATA,
    PHONE,
    TILE_URL_PREFIX,
    browser,
    built_maps,
    open_page,
)

__all__ = ["browser", "built_maps", "open_page"]  # fixtures, used by name

LAND = (243, 239, 228)  # --hm-land, BASEMAP_STYLE.land.fillColor
SEA = (212, 226, 232)  # --hm-sea, the map's background
TOLERANCE = 8
#: (name, lon, lat, zoom): points well inside land (checked against land.geojson:
#: Tuần Châu 600 m from its shore, Cát Bà 1.4 km, the island ~230 m, its
#: representative point) and a point of open sea 2.8 km from any land.
LAND_POINTS = [
    ("Tuần Châu", 106.9866, 20.9311, 13),
    ("Cát Bà", 107.03, 20.80, 12),
    ("island of 0.94 km² in Hạ Long Bay", 107.00508, 20.88817, 14),
]
SEA_POINT = ("open sea", 107.35, 20.75, 11)
HIDE_OVERLAYS = """
.leaflet-marker-pane, .leaflet-overlay-pane, .leaflet-shadow-pane, .leaflet-popup-pane,
.leaflet-hm-labels-pane, .leaflet-control-container { visibility: hidden !important; }
"""


@pytest.fixture(scope="module")
def geodata():
    return load_geodata(GEODATA)


@pytest.fixture
def index(built_maps, open_page):
    return open_page(built_maps / "index.html")


def app(page, expression):
    """Evaluate ``expression`` with ``app`` (the page's HeritageMap) in scope."""
    return page.evaluate(f"HeritageMapper.ready.then((app) => {expression})")


def colour_at(page, lon, lat, zoom):
    """The colour of the screen pixel at (lon, lat) with the map centred there at ``zoom``."""
    from PIL import Image

    app(page, f"app.map.setView([{lat}, {lon}], {zoom}, {{animate: false}})")
    page.wait_for_timeout(250)
    x, y = app(page, f"(p => [p.x, p.y])(app.map.latLngToContainerPoint([{lat}, {lon}]))")
    box = page.locator("#hm-map-wrap .folium-map").bounding_box()
    image = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    px, py = round(box["x"] + x), round(box["y"] + y)
    pixels = [image.getpixel((px + dx, py + dy)) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
    return tuple(sorted(channel)[4] for channel in zip(*pixels, strict=True))  # median of 3×3


def near(colour, expected):
    return all(abs(a - b) <= TOLERANCE for a, b in zip(colour, expected, strict=True))


def assert_land_and_sea(page):
    page.add_style_tag(content=HIDE_OVERLAYS)
    for name, lon, lat, zoom in LAND_POINTS:
        colour = colour_at(page, lon, lat, zoom)
        assert near(colour, LAND), f"{name} at z{zoom} is {colour}, not land {LAND}"
    name, lon, lat, zoom = SEA_POINT
    colour = colour_at(page, lon, lat, zoom)
    assert near(colour, SEA), f"{name} at z{zoom} is {colour}, not sea {SEA}"


def visible_labels(page):
    """``(text, [left, top, right, bottom])`` of every basemap label inside the map."""
    return page.evaluate(
        """() => {
          const map = document.querySelector('#hm-map-wrap .folium-map').getBoundingClientRect();
          return Array.from(document.querySelectorAll('.hm-label span')).map((s) => {
            const r = s.getBoundingClientRect();
            return [s.textContent, [r.left, r.top, r.right, r.bottom]];
          }).filter(([, b]) => b[2] > map.left && b[0] < map.right
            && b[3] > map.top && b[1] < map.bottom);
        }"""
    )


def test_no_request_leaves_the_page_even_after_zooming_and_panning(index):
    page = index.page
    assert index.aborted == []
    box = page.locator("#hm-map-wrap .folium-map").bounding_box()
    for _ in range(3):
        page.locator(".leaflet-control-zoom-in").click()
        page.wait_for_timeout(300)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 - 300, box["y"] + box["height"] / 2 - 200, steps=8)
    page.mouse.up()
    app(page, "app.map.setView([21.2, 107.4], 8, {animate: false})")
    page.mouse.wheel(0, 600)
    page.wait_for_timeout(600)
    assert index.aborted == []
    assert index.errors == []
    assert page.locator("#hm-offline").count() == 0


def test_islands_are_land_and_open_sea_is_sea(index):
    assert_land_and_sea(index.page)


def test_extent_is_bounded_to_the_basemap(index):
    page = index.page
    assert app(page, "app.map.getMaxZoom()") == 17
    min_zoom = app(page, "app.map.getMinZoom()")
    assert min_zoom >= 8, "no zooming out to the world"
    app(page, "app.map.setView([0, 0], 3, {animate: false})")
    page.wait_for_timeout(200)
    assert app(page, "app.map.getZoom()") == min_zoom
    south, west, north, east = app(
        page, "(b => [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()])(app.map.getBounds())"
    )
    assert south > 20.3 and north < 22.1 and west > 106.0 and east < 108.5


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_popup_of_a_site_near_the_edge_opens_whole_then_the_map_goes_back(
    browser, built_maps, viewport
):
    # held on the basemap, the map could not pan for the popup of the northernmost site
    # (Tiên Yên, tapped at the first zoom): its title and close button opened under the
    # header, 34 px on a desktop and 170 px on a phone
    options = {"viewport": DESKTOP}
    if viewport == "phone":
        options = {"viewport": PHONE, "has_touch": True, "is_mobile": True}
    context = browser.new_context(**options)
    try:
        page = context.new_page()
        page.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
        )
        page.goto((built_maps / "index.html").resolve().as_uri())
        page.wait_for_selector(".hm-site-button")
        page.wait_for_timeout(300)
        markers = page.locator(".leaflet-marker-icon.hm-marker")
        boxes = [markers.nth(k).bounding_box() for k in range(markers.count())]
        north = min(range(len(boxes)), key=lambda k: boxes[k]["y"])
        marker = markers.nth(north)
        marker.tap() if viewport == "phone" else marker.click()
        page.wait_for_selector(".leaflet-popup-content .hm-popup h2")
        page.wait_for_timeout(600)  # the pan that makes room for it
        popup = page.locator(".leaflet-popup-content-wrapper").bounding_box()
        map_box = page.locator(".leaflet-container").bounding_box()
        assert popup["y"] >= map_box["y"], (popup, map_box)
        assert page.locator(".leaflet-popup-close-button").is_visible()
        page.keyboard.press("Escape")
        page.wait_for_timeout(600)  # closed: back onto the basemap
        north_edge = app(page, "app.map.getBounds().getNorth()")
        assert north_edge <= app(page, "app.mapBounds.getNorth()") + 1e-6
    finally:
        context.close()


def test_a_tapped_marker_s_popup_on_a_phone_is_clear_of_the_legend_button(browser, built_maps):
    # held on the basemap, the map could not pan the popup below the legend's button:
    # 7 sites of 8 opened under "Chú giải" (the list's choice, zooming in, did not)
    def overlap(a, b):
        return not (
            a["x"] + a["width"] <= b["x"]
            or b["x"] + b["width"] <= a["x"]
            or a["y"] + a["height"] <= b["y"]
            or b["y"] + b["height"] <= a["y"]
        )

    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    try:
        page = context.new_page()
        page.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
        )
        uri = (built_maps / "index.html").resolve().as_uri()
        page.goto(uri)
        page.wait_for_selector(".hm-site-button")
        count = page.locator(".leaflet-marker-icon.hm-marker").count()
        assert count >= 8
        under = []
        for k in range(count):
            page.goto(uri)
            page.wait_for_selector(".hm-site-button")
            page.wait_for_timeout(300)
            marker = page.locator(".leaflet-marker-icon.hm-marker").nth(k)
            marker.scroll_into_view_if_needed()
            marker.tap()
            page.wait_for_selector(".leaflet-popup-content .hm-popup h2")
            page.wait_for_timeout(600)
            popup = page.locator(".leaflet-popup-content-wrapper").bounding_box()
            if overlap(popup, page.locator(".hm-legend").bounding_box()):
                under.append(page.locator(".leaflet-popup-content h2").inner_text())
        assert under == []
    finally:
        context.close()


def test_town_labels_show_without_overlaps(index):
    page = index.page
    for zoom in (9, 10, 11, 12):
        app(page, f"app.map.setView([21.0, 107.15], {zoom}, {{animate: false}})")
        page.wait_for_timeout(200)
        labels = visible_labels(page)
        texts = [text for text, _ in labels]
        if zoom in (10, 11):
            assert "Hạ Long" in texts and "Cẩm Phả" in texts, (zoom, texts)
        for (a, box_a), (b, box_b) in combinations(labels, 2):
            disjoint = (
                box_a[2] <= box_b[0]
                or box_b[2] <= box_a[0]
                or box_a[3] <= box_b[1]
                or box_b[3] <= box_a[1]
            )
            assert disjoint, f"z{zoom}: {a!r} {box_a} overlaps {b!r} {box_b}"
    assert page.locator(".hm-label").first.evaluate("(n) => getComputedStyle(n).pointerEvents") == (
        "none"
    )


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_attribution_names_every_source_and_licence(index, lang):
    page = index.page
    page.locator(f"button[data-lang='{lang}']").click()
    sources = page.locator(".hm-sources").text_content()
    for name in ("OpenStreetMap", "ODbL", "Open Development Vietnam", "CC BY-SA 4.0"):
        assert name in sources, (lang, name)
    assert "GeoNames" in sources and "CC BY 4.0" in sources
    assert ("Đất liền và đảo" if lang == "vi" else "Land and islands") in sources
    hrefs = page.locator(".hm-sources a").evaluate_all("(xs) => xs.map((a) => a.href)")
    assert "https://creativecommons.org/licenses/by/4.0/" in hrefs
    assert "Leaflet" in page.locator(".leaflet-control-attribution").last.text_content()


def test_popup_gives_the_rounded_position_and_map_links(index, geodata):
    page = index.page
    site = geodata.sites.set_index("id").loc["tuan-chau-fishing-village"]
    decimals = coordinate_decimals(site["location_precision_m"])
    lat, lon = round(site.geometry.y, decimals), round(site.geometry.x, decimals)
    page.locator(".hm-site-button", has_text=site["name_vi"]).click()
    popup = page.locator(".leaflet-popup-content .hm-popup")
    popup.wait_for()
    assert f"{lat}, {lon}" in popup.locator(".hm-position").text_content()
    geo = popup.locator("a[href^='geo:']")
    assert geo.get_attribute("href") == f"geo:{lat},{lon}"
    assert geo.text_content() == "Mở trong ứng dụng bản đồ"
    osm = popup.locator("a", has_text="OpenStreetMap")
    assert osm.get_attribute("href") == (
        f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=15/{lat}/{lon}"
    )
    google = popup.locator("a", has_text="Google Maps")
    assert google.get_attribute("href") == (
        f"https://www.google.com/maps/search/?api=1&query={lat},{lon}"
    )
    for a in (osm, google):
        assert a.get_attribute("rel") == "noopener" and a.get_attribute("target") == "_blank"
    page.locator("button[data-lang='en']").click()
    assert popup.locator("a[href^='geo:']").text_content() == "Open in a map app"
    assert index.aborted == []


def test_former_boundaries_are_hidden_until_asked_for(index):
    page = index.page
    former = "app.map.hasLayer(app.boundaries['former-province'])"
    assert app(page, former) is False
    assert app(page, "app.map.hasLayer(app.boundaries['national'])") is True
    box = page.locator(".hm-legend label", has_text="Ranh giới trước 1/7/2025").locator("input")
    assert not box.is_checked()
    box.check()
    assert app(page, former) is True
    page.locator("button[data-lang='en']").click()
    box = page.locator(".hm-legend label", has_text="Boundaries before 1 July 2025").locator(
        "input"
    )
    assert box.is_checked()
    box.uncheck()
    assert app(page, former) is False
    assert page.locator(".hm-legend label", has_text="OpenStreetMap").count() == 0, (
        "from file:// the page offers no tiles"
    )


@pytest.fixture(scope="module")
def served_maps(built_maps):
    """``built_maps`` served over http on 127.0.0.1, in a thread."""
    handler = functools.partial(_QuietHandler, directory=str(built_maps))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_online_tiles_are_an_option_with_a_referer(browser, served_maps):
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        tiles, others = [], []

        def route(route):
            url = route.request.url
            if url.startswith(served_maps):
                route.continue_()
            elif url.startswith(TILE_URL_PREFIX):
                tiles.append((url, route.request.all_headers()))
                route.abort()
            else:
                others.append(url)
                route.abort()

        page.route("**/*", route)
        page.goto(served_maps + "/index.html")
        page.wait_for_selector(".hm-site-button")
        page.wait_for_timeout(300)
        assert tiles == [] and others == [], "tiles are off by default"
        box = page.locator(".hm-legend label", has_text="OpenStreetMap (trực tuyến)")
        box.locator("input").check()
        page.wait_for_timeout(800)
        assert tiles, "switching the online layer on asks for tiles"
        for url, headers in tiles:
            assert headers.get("referer", "").startswith(served_maps), (url, headers)
        assert others == []
        assert "OpenStreetMap" in page.locator(".leaflet-control-attribution").last.text_content()
        assert_land_and_sea(page)  # the tiles failed: the embedded basemap still shows
    finally:
        context.close()


def test_screenshots_in_both_languages(built_maps, open_page, tmp_path):
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        for lang in ("vi", "en"):
            opened = open_page(built_maps / "index.html", viewport)
            opened.page.locator(f"button[data-lang='{lang}']").click()
            opened.page.wait_for_timeout(200)
            shot = tmp_path / f"basemap-{name}-{lang}.png"
            opened.page.screenshot(path=str(shot))
            assert shot.stat().st_size > 20_000
            assert opened.errors == [] and opened.aborted == []
