"""Finding every site: no marker hidden under another, clusters named by what they hold,
one symbol per category, a legend that explains the map and covers no control, and list
rows that say where each site is. In Chromium, opened from disk, network blocked."""

# The browser fixtures are imported from browser_support and used as arguments.
# ruff: noqa: F401, F811

from __future__ import annotations

import importlib.util
import itertools
import json
import re
import sys

import numpy as np
import pytest
from playwright.sync_api import expect

from heritage_mapper import load_geodata
from heritage_mapper.render import INDEX_PAGE, build_maps

from .axe_support import axe_violations
from .browser_support import (
    DESKTOP,
    GEODATA,
    PHONE,
    REPO,
    SETTLE_MS,
    browser,
    built_maps,
    copy_geodata,
    open_page,
    set_language,
)

ZOOM_200 = {"width": 683, "height": 410}  # a 1366 x 820 window at 200 % browser zoom
LANGUAGES = ("vi", "en")
MARKER_SIZE = 24  # shapes.js: the icons are this many pixels square
HON_GAI = (107.079, 20.951)  # the rally ground, which another marker used to hide
CROWD = 4  # sites added at (or 30 m from) the rally ground
NATIONWIDE_SITES = 10_000
SHAPES_JS = REPO / "src" / "heritage_mapper" / "render" / "static" / "js" / "shapes.js"
MIN_SHAPES = 12
MAX_SILHOUETTE_IOU = 0.85  # two shapes share at most this much of their area
MIN_CVD_DELTA_E = 15  # CIE76 distance between two symbol colours, as seen with a CVD
# Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB.
CVD = {
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "tritanopia": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ],
}
MY_PARTS = [".leaflet-marker-pane", ".hm-legend", ".hm-panel"]

# In the page: every site marker in the marker pane, its centre and what is on top there.
MARKER_HITS = """() => {
  const view = HeritageMapper.map.getContainer().getBoundingClientRect();
  return Array.from(document.querySelectorAll('.leaflet-marker-pane .hm-marker')).map((m) => {
    const r = m.getBoundingClientRect();
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    const top = document.elementFromPoint(x, y);
    const inside = x > view.left && x < view.right && y > view.top && y < view.bottom;
    const onTop = Boolean(top) && top.closest('.hm-marker') === m;
    return {title: m.title, x: x, y: y, inside: inside, onTop: onTop};
  });
}"""
RESET_VIEW = """([lat, lng, zoom]) => {
  HeritageMapper.map.closePopup();
  HeritageMapper.map.setView([lat, lng], zoom, {animate: false});
}"""
VIEW = """(() => {
  const m = HeritageMapper.map, c = m.getCenter();
  return [c.lat, c.lng, m.getZoom()];
})()"""


@pytest.fixture(scope="module")
def geodata():
    return load_geodata(GEODATA)


def assert_each_marker_on_top_and_opens_its_popup(page, expected):
    """Every marker is in the map, on top at its centre, and a click there opens it."""
    view = page.evaluate(VIEW)
    hits = page.evaluate(MARKER_HITS)
    assert sorted(h["title"] for h in hits) == sorted(expected)
    for k in range(len(hits)):
        page.evaluate(RESET_VIEW, view)
        expect(page.locator(".leaflet-popup")).to_have_count(0)  # faded out and removed
        # on a loaded machine the last popup's pan may end after the reset: let the map
        # settle (the assertions below still fail if the marker never shows)
        page.wait_for_timeout(SETTLE_MS)
        page.evaluate(RESET_VIEW, view)
        hit = page.evaluate(MARKER_HITS)[k]
        assert hit["inside"], f"{hit['title']} is outside the map"
        assert hit["onTop"], f"{hit['title']} is covered at its centre"
        page.mouse.click(hit["x"], hit["y"])
        expect(page.locator(".leaflet-popup-content h2")).to_have_text(hit["title"])
    page.evaluate(RESET_VIEW, view)


# -- 1. every site visible and clickable at the opening view ---------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_site_is_on_top_and_opens_with_a_click_at_the_opening_view(
    built_maps, open_page, geodata, viewport, lang
):
    opened = open_page(built_maps / INDEX_PAGE, viewport)
    set_language(opened.page, lang)
    names = geodata.sites[f"name_{lang}"].tolist()
    assert_each_marker_on_top_and_opens_its_popup(opened.page, names)
    assert opened.errors == []


def crowd_sites(geodata_dir):
    """CROWD sites at the rally ground: three on its very point, one 30 m east."""
    project = json.loads((geodata_dir / "project.json").read_text(encoding="utf-8"))
    layer_file = geodata_dir / project["layers"][0]["file"]
    doc = json.loads(layer_file.read_text(encoding="utf-8"))
    template = doc["features"][0]
    for k in range(CROWD):
        feature = json.loads(json.dumps(template))
        lon = HON_GAI[0] + (0.0003 if k == CROWD - 1 else 0)
        feature["id"] = f"crowd-{k}"
        feature["geometry"]["coordinates"] = [lon, HON_GAI[1]]
        feature["properties"].update(
            id=f"crowd-{k}", name_vi=f"Điểm chen chúc {k}", name_en=f"Crowded site {k}"
        )
        doc["features"].append(feature)
    layer_file.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


@pytest.fixture(scope="module")
def crowded(tmp_path_factory):
    root = tmp_path_factory.mktemp("crowded")
    geodata = copy_geodata(GEODATA, root / "geodata")
    crowd_sites(geodata)
    build_maps(load_geodata(geodata), root / "maps")
    return root / "maps" / INDEX_PAGE


def marker_centres(page):
    return [(h["x"], h["y"]) for h in page.evaluate(MARKER_HITS)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_sites_at_one_place_are_spread_apart_with_lines_to_their_place_at_every_zoom(
    crowded, open_page, viewport
):
    opened = open_page(crowded, viewport)
    page = opened.page
    map_ = "HeritageMapper.map"
    first, last = page.evaluate(f"[{map_}.getZoom(), {map_}.getMaxZoom()]")
    for zoom in range(first, last + 1):
        page.evaluate(
            f"(z) => {map_}.setView([{HON_GAI[1]}, {HON_GAI[0]}], z, {{animate: false}})", zoom
        )
        centres = marker_centres(page)
        closest = min(abs(complex(*a) - complex(*b)) for a, b in itertools.combinations(centres, 2))
        assert closest >= MARKER_SIZE, f"two markers {closest:.1f} px apart at zoom {zoom}"
        # each spread marker has its line and its dot (an SVG path each) at the real place
        assert page.locator("path.hm-leader").count() % 2 == 0
    page.evaluate(f"{map_}.setView([{HON_GAI[1]}, {HON_GAI[0]}], {first}, {{animate: false}})")
    assert page.locator("path.hm-leader").count() >= 2 * (CROWD + 1)
    again = marker_centres(page)
    page.evaluate(f"{map_}.setView([{HON_GAI[1]}, {HON_GAI[0]}], {first}, {{animate: false}})")
    assert marker_centres(page) == again, "the layout is the same each time"
    assert opened.errors == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_crowded_sites_are_each_on_top_and_open_at_the_opening_view(crowded, open_page, lang):
    for viewport in (DESKTOP, PHONE):
        opened = open_page(crowded, viewport)
        set_language(opened.page, lang)
        titles = opened.page.locator(".hm-site-button .hm-site-name").all_text_contents()
        assert_each_marker_on_top_and_opens_its_popup(opened.page, titles)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_choosing_a_site_in_the_list_shows_its_marker_on_top_and_opens_it(
    crowded, open_page, viewport
):
    opened = open_page(crowded, viewport)
    page = opened.page
    rows = page.locator(".hm-site-button")
    for k in range(rows.count()):
        name = rows.nth(k).locator(".hm-site-name").inner_text()
        rows.nth(k).click()
        expect(page.locator(".leaflet-popup-content h2")).to_have_text(name)
        # the popup may still be panning the map into view: wait for the map to settle
        page.wait_for_function(
            f"(name) => ({MARKER_HITS})().some((h) => h.title === name && h.inside && h.onTop)",
            arg=name,
        )
        page.keyboard.press("Escape")
        expect(page.locator(".leaflet-popup")).to_have_count(0)  # faded out and removed
    assert opened.errors == []


# -- 2. clusters at scale: names, keyboard ---------------------------------------------


def _generate_module():
    path = REPO / "benchmarks" / "generate.py"
    spec = importlib.util.spec_from_file_location("benchmarks_generate_markers", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def nationwide(tmp_path_factory):
    """benchmarks/generate.py's 10,000 sites (ten categories), built into pages."""
    root = tmp_path_factory.mktemp("nationwide")
    folder = _generate_module().generate(root / "geodata", sites=NATIONWIDE_SITES, seed=1)
    build_maps(load_geodata(folder), root / "maps")
    return root / "maps" / INDEX_PAGE


CLUSTER_NAME = {
    "vi": re.compile(
        r"^Nhóm ([\d.]+) địa điểm: (.+)\. Nhấn Enter để (phóng to|tách các địa điểm ra)\.$"
    ),
    "en": re.compile(r"^([\d,]+) sites: (.+)\. Press Enter to (zoom in|spread them out)\.$"),
}
OTHERS = {"vi": "loại khác", "en": "other kinds"}


def open_nationwide(open_page, nationwide, viewport=DESKTOP, lang="vi"):
    opened = open_page(nationwide, viewport)
    page = opened.page
    expect(page.locator(".hm-cluster").first).to_be_visible()
    set_language(page, lang)
    return opened


@pytest.mark.parametrize("lang", LANGUAGES)
def test_clusters_are_named_by_what_they_hold_in_the_page_language(nationwide, open_page, lang):
    opened = open_nationwide(open_page, nationwide, lang=lang)
    page = opened.page
    page.evaluate("HeritageMapper.map.setZoom(7, {animate: false})")
    page.wait_for_timeout(600)
    project = json.loads((nationwide.parents[1] / "geodata" / "project.json").read_text("utf-8"))
    kinds = {c["label"][lang] for c in project["categories"]} | {OTHERS[lang]}
    clusters = page.locator(".hm-cluster")
    assert clusters.count() > 10
    for k in range(clusters.count()):
        cluster = clusters.nth(k)
        name = cluster.get_attribute("aria-label")
        match = CLUSTER_NAME[lang].match(name)
        assert match, name
        total = int(re.sub(r"\D", "", match.group(1)))
        assert re.sub(r"\D", "", cluster.inner_text()) == str(total)
        assert cluster.get_attribute("title") == name
        counted = 0
        for part in match.group(2).split("; "):
            kind, count = part.rsplit(": ", 1)
            assert kind in kinds, name
            counted += int(re.sub(r"\D", "", count))
        assert counted == total, name
    assert opened.errors == []


def test_the_map_is_one_tab_stop_arrows_move_and_enter_zooms_into_a_cluster(nationwide, open_page):
    opened = open_nationwide(open_page, nationwide, lang="en")
    page = opened.page
    pane = page.locator(".leaflet-marker-pane")
    stop = pane.locator("[tabindex='0']")
    expect(stop).to_have_count(1)
    assert pane.locator("[tabindex]").count() == pane.locator(".hm-cluster, .hm-marker").count()
    page.locator("#hm-search").focus()
    for _ in range(30):  # Tab reaches the map's stop, and a second Tab leaves the map
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('hm-cluster')"):
            break
    else:
        pytest.fail("Tab never reached the clusters")
    first = page.evaluate("document.activeElement.getAttribute('aria-label')")
    for key in ("ArrowDown", "ArrowRight", "End", "Home"):
        page.keyboard.press(key)
    moved = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert page.evaluate("document.activeElement.closest('.leaflet-marker-pane') !== null")
    assert moved == first, "Home goes back to the first in reading order"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") != first
    expect(stop).to_have_count(1)
    zoom = page.evaluate("HeritageMapper.map.getZoom()")
    page.keyboard.press("Enter")
    page.wait_for_function(f"HeritageMapper.map.getZoom() > {zoom}")
    page.wait_for_function(
        "document.activeElement && document.activeElement.closest('.leaflet-marker-pane') !== null"
    )
    expect(stop).to_have_count(1)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.leaflet-marker-pane') === null")
    assert opened.errors == []


# -- 3. a symbol per category ------------------------------------------------------------


def shapes_source():
    text = SHAPES_JS.read_text(encoding="utf-8")
    shapes = re.findall(r'^  "(M[^"]+)", // ', text, flags=re.M)
    colours = re.findall(
        r"#[0-9A-Fa-f]{6}", re.search(r"SYMBOL_COLORS = \[([^\]]+)\]", text).group(1)
    )
    return shapes, colours


def test_at_least_twelve_shapes_and_no_two_alike(built_maps, open_page):
    shapes, _ = shapes_source()
    assert len(shapes) >= MIN_SHAPES and len(set(shapes)) == len(shapes)
    page = open_page(built_maps / INDEX_PAGE).page
    # each shape's silhouette, filled on a canvas four times its size
    masks = page.evaluate(
        """(shapes) => shapes.map((d) => {
          const canvas = document.createElement('canvas');
          canvas.width = canvas.height = 96;
          const ctx = canvas.getContext('2d');
          ctx.scale(4, 4);
          ctx.fill(new Path2D(d), 'evenodd');
          const alpha = ctx.getImageData(0, 0, 96, 96).data.filter((_, k) => k % 4 === 3);
          return Array.from(alpha, (a) => (a > 127 ? 1 : 0));
        })""",
        shapes,
    )
    masks = np.array(masks, dtype=bool)
    assert masks.sum(axis=1).min() > 96 * 96 * 0.1, "every shape fills a good part of its box"
    for a, b in itertools.combinations(range(len(shapes)), 2):
        iou = (masks[a] & masks[b]).sum() / (masks[a] | masks[b]).sum()
        assert iou <= MAX_SILHOUETTE_IOU, f"shapes {a} and {b} overlap {iou:.2f}"


def _linear(rgb):
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


SRGB_TO_XYZ = [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]


def _to_lab(linear):
    xyz = np.array(SRGB_TO_XYZ) @ linear
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_symbol_colours_stay_apart_with_each_colour_vision_deficiency():
    _, colours = shapes_source()
    rgb = [np.array([int(c[i : i + 2], 16) for i in (1, 3, 5)]) / 255 for c in colours]
    for name, matrix in {"typical": np.eye(3), **CVD}.items():
        seen = [_to_lab(np.clip(np.array(matrix) @ _linear(c), 0, 1)) for c in rgb]
        for a, b in itertools.combinations(range(len(colours)), 2):
            distance = float(np.linalg.norm(seen[a] - seen[b]))
            assert distance >= MIN_CVD_DELTA_E, f"{colours[a]} / {colours[b]} with {name}"


def test_ten_categories_have_ten_distinct_symbols_on_map_legend_and_list(nationwide, open_page):
    page = open_nationwide(open_page, nationwide).page
    symbol = """(svg) => [svg.querySelector('.hm-shape').getAttribute('d'),
                         getComputedStyle(svg.querySelector('.hm-shape')).fill]"""
    legend = page.locator(".hm-legend-kinds li svg")
    assert legend.count() == 10
    symbols = [tuple(legend.nth(k).evaluate(symbol)) for k in range(10)]
    assert len({d for d, _ in symbols}) == 10, "ten shapes"
    assert len(set(symbols)) == 10
    # the list draws each site with its category's symbol, as the legend shows it
    labels = page.locator(".hm-legend-kinds li span").all_text_contents()
    by_label = dict(zip(labels, symbols, strict=True))
    for row in page.locator(".hm-site-button").all()[:40]:
        name = row.locator(".hm-site-name").inner_text()
        kind = next(label for label in labels if name.lower().startswith(label.lower()))
        assert tuple(row.locator("svg").evaluate(symbol)) == by_label[kind], name


# -- 4. and 5. the legend: clusters explained, closed on small maps, never covering ------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_legend_explains_cluster_counts_sizes_and_shades(nationwide, open_page, lang):
    page = open_nationwide(open_page, nationwide, lang=lang).page
    legend = page.locator(".hm-legend")
    expect(
        legend.locator("h3", has_text={"vi": "Nhóm địa điểm", "en": "Groups of sites"}[lang])
    ).to_have_count(1)
    help_text = legend.locator(".hm-legend-help").inner_text()
    assert {"vi": "con số cho biết", "en": "the number is how many"}[lang] in help_text
    samples = legend.locator(".hm-legend-clusters li")
    expect(samples).to_have_count(3)
    style = "(n) => [getComputedStyle(n).backgroundColor, getComputedStyle(n).color]"
    for size in ("small", "medium", "large"):
        sample = legend.locator(f".hm-cluster-sample.hm-cluster-{size}")
        on_map = page.locator(f".leaflet-marker-pane .hm-cluster-{size}")
        if on_map.count():
            assert sample.evaluate(style) == on_map.first.evaluate(style)
    classes = page.locator(".leaflet-marker-pane .hm-cluster").evaluate_all(
        "(ns) => ns.map((n) => n.className.match(/hm-cluster-(\\w+)/)[1])"
    )
    assert set(classes) <= {"small", "medium", "large"}


@pytest.mark.parametrize(
    ("viewport", "starts_open"),
    [(DESKTOP, True), (PHONE, False), (ZOOM_200, False)],
    ids=["desktop", "phone", "zoom200"],
)
def test_the_legend_starts_closed_on_small_maps(built_maps, open_page, viewport, starts_open):
    page = open_page(built_maps / INDEX_PAGE, viewport).page
    assert page.locator(".hm-legend details").evaluate("(d) => d.open") is starts_open


def boxes_overlap(a, b):
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def assert_open_legend_scrolls_and_covers_no_control(page):
    legend = page.locator(".hm-legend")
    details = legend.locator("details")
    if not details.evaluate("(d) => d.open"):
        legend.locator("summary").click()
    box = legend.bounding_box()
    map_box = page.locator("#hm-map-wrap").bounding_box()
    assert box["y"] + box["height"] <= map_box["y"] + map_box["height"]
    controls = page.locator(".leaflet-control:not(.hm-legend)")
    for k in range(controls.count()):
        other = controls.nth(k).bounding_box()
        if other and other["width"] and other["height"]:
            assert not boxes_overlap(box, other), controls.nth(k).get_attribute("class")
    assert legend.evaluate("(n) => getComputedStyle(n).overflowY") == "auto"
    scrolls = legend.evaluate("(n) => n.scrollHeight > n.clientHeight + 1")
    last = legend.locator("li").last
    legend.evaluate("(n) => { n.scrollTop = n.scrollHeight; }")
    seen = last.bounding_box()
    box = legend.bounding_box()
    assert box["y"] <= seen["y"] and seen["y"] + seen["height"] <= box["y"] + box["height"] + 1
    return scrolls


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    "viewport", [DESKTOP, PHONE, ZOOM_200], ids=["desktop", "phone", "zoom200"]
)
def test_the_open_legend_scrolls_and_covers_no_control(built_maps, open_page, viewport, lang):
    opened = open_page(built_maps / INDEX_PAGE, viewport)
    set_language(opened.page, lang)
    scrolls = assert_open_legend_scrolls_and_covers_no_control(opened.page)
    if viewport is ZOOM_200:
        assert scrolls, "at 200 % zoom the legend is taller than the map: it scrolls"
    assert opened.errors == []


@pytest.mark.parametrize(
    "viewport", [DESKTOP, PHONE, ZOOM_200], ids=["desktop", "phone", "zoom200"]
)
def test_the_long_legend_of_a_large_page_scrolls_and_covers_no_control(
    nationwide, open_page, viewport
):
    page = open_nationwide(open_page, nationwide, viewport, lang="en").page
    scrolls = assert_open_legend_scrolls_and_covers_no_control(page)
    if viewport is not DESKTOP:
        assert scrolls, "ten kinds and the clusters do not fit a phone's map: the legend scrolls"


# -- 6. list rows say where a site is ----------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_list_rows_with_the_same_name_say_where_each_site_is(nationwide, open_page, lang):
    page = open_nationwide(open_page, nationwide, lang=lang).page
    rows = page.locator(".hm-site-button").evaluate_all(
        """(rows) => rows.map((r) => [r.querySelector('.hm-site-name').textContent,
                                      r.querySelector('.hm-site-place').textContent])"""
    )
    by_name = {}
    for name, place in rows:
        by_name.setdefault(name, []).append(place)
    same = {name: places for name, places in by_name.items() if len(places) > 1}
    assert len(same) >= 5, "the first rows hold names shared by several sites"
    for name, places in same.items():
        assert len(set(places)) == len(places), f"{name}: {places}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_list_row_names_the_sites_unit_today(built_maps, open_page, geodata, lang):
    page = open_page(built_maps / INDEX_PAGE).page
    set_language(page, lang)
    sites = geodata.sites.set_index(f"name_{lang}")
    rows = page.locator(".hm-site-button")
    expect(rows).to_have_count(len(sites))
    for row in rows.all():
        name = row.locator(".hm-site-name").inner_text()
        place = row.locator(".hm-site-place")
        unit = str(sites.loc[name, f"admin_now_{lang}"])  # today's unit, in the page's language
        assert place.inner_text() == unit
        marked = place.locator("[lang='vi']")
        if lang == "vi":
            assert place.get_attribute("lang") is None and marked.count() == 0
        else:  # "Hồng Gai ward, Quảng Ninh province": the Vietnamese names marked
            assert marked.count() >= 1, "a Vietnamese name in English text"
            assert all(text in unit for text in marked.all_inner_texts())
        layer = row.locator(".hm-site-layer").inner_text()
        assert layer in {spec.title[lang] for spec in geodata.project.layers}


# -- axe on the parts these features draw ------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    "viewport", [DESKTOP, PHONE, ZOOM_200], ids=["desktop", "phone", "zoom200"]
)
def test_axe_finds_nothing_in_markers_legend_and_list(crowded, open_page, viewport, lang):
    page = open_page(crowded, viewport).page
    set_language(page, lang)
    if not page.locator(".hm-legend details").evaluate("(d) => d.open"):
        page.locator(".hm-legend summary").click()
    assert axe_violations(page, MY_PARTS) == []
    page.locator(".hm-site-button").first.click()
    expect(page.locator(".leaflet-popup-content h2")).to_be_visible()
    assert axe_violations(page, MY_PARTS) == []


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_finds_nothing_in_clusters_legend_and_list(nationwide, open_page, viewport, lang):
    page = open_nationwide(open_page, nationwide, viewport, lang).page
    if not page.locator(".hm-legend details").evaluate("(d) => d.open"):
        page.locator(".hm-legend summary").click()
    assert axe_violations(page, MY_PARTS) == []
    page.evaluate("HeritageMapper.map.setZoom(8, {animate: false})")
    page.wait_for_timeout(500)
    assert axe_violations(page, MY_PARTS) == []
