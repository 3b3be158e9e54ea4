"""Many sites: clustering and canvas, data embedded compactly, still usable."""

# The browser fixtures are imported from browser_support and used as arguments.
# ruff: noqa: F401, F811

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

import heritage_mapper.render.data
from heritage_mapper import load_geodata
from heritage_mapper.render import CLUSTER_MIN_SITES, INDEX_PAGE, build_maps

from .browser_support import GEODATA, browser, copy_geodata, open_page, set_language

EXTRA_SITES = CLUSTER_MIN_SITES + 100
BYTES_PER_SITE_BUDGET = 700  # these sites have short texts; the records stay compact
GRID = 25  # extra sites on a GRID x GRID lattice inside the region


def add_sites(geodata_dir, count):
    """Add ``count`` sites with short texts to the first layer."""
    project = json.loads((geodata_dir / "project.json").read_text(encoding="utf-8"))
    layer_file = geodata_dir / project["layers"][0]["file"]
    doc = json.loads(layer_file.read_text(encoding="utf-8"))
    template = doc["features"][0]
    for k in range(count):
        feature = json.loads(json.dumps(template))
        site_id = f"generated-site-{k}"
        lon = round(106.9 + 0.02 * (k % GRID), 4)
        lat = round(20.9 + 0.02 * (k // GRID), 4)
        feature["id"] = site_id
        feature["geometry"]["coordinates"] = [lon, lat]
        feature["properties"].update(
            id=site_id,
            name_vi=f"Điểm thử số {k}",
            name_en=f"Test point {k}",
            description_vi="Mô tả ngắn.",
            description_en="A short description.",
            location_basis_vi="Điểm thử.",
            location_basis_en="A test point.",
            location_precision_m=500,
        )
        doc["features"].append(feature)
    layer_file.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


@pytest.fixture(scope="module")
def many_sites(tmp_path_factory):
    root = tmp_path_factory.mktemp("scale")
    geodata = copy_geodata(GEODATA, root / "geodata")
    add_sites(geodata, EXTRA_SITES)
    out = root / "maps"
    build_maps(load_geodata(geodata), out)
    return out


def test_many_sites_are_clustered_on_canvas_and_embedded_once(many_sites):
    html = (many_sites / INDEX_PAGE).read_text(encoding="utf-8")
    assert '"cluster":true' in html and '"preferCanvas": true' in html
    assert "MarkerClusterGroup" in html
    assert html.count('"Điểm thử số 17"') == 1 and '"bbox"' not in html
    data = html[html.index('id="hm-data">') :]
    # the basemap is a fixed cost per page, whatever the number of sites
    start = html.index('id="hm-data">') + len('id="hm-data">')
    records = json.loads(html[start : html.index("</script>", start)])
    basemap = len(json.dumps(records["basemap"], ensure_ascii=False, separators=(",", ":")))
    per_sites = len(data.encode("utf-8")) - basemap
    assert per_sites < BYTES_PER_SITE_BUDGET * (EXTRA_SITES + 7) + 40_000


def test_clustered_page_searches_and_opens_a_popup(many_sites, open_page):
    opened = open_page(many_sites / INDEX_PAGE)
    page = opened.page
    assert page.locator(".hm-cluster").count() > 0
    assert page.locator(".hm-marker").count() < EXTRA_SITES
    page.locator("#hm-search").fill("diem thu so 123")
    expect(page.locator(".hm-site-button")).to_have_count(1)
    page.locator("#hm-search").press("Enter")
    expect(page.locator(".leaflet-popup-content h2")).to_have_text("Điểm thử số 123")
    assert opened.errors == []


@pytest.fixture(scope="module")
def compressed_maps(tmp_path_factory):
    """The real maps with every page's data embedded compressed, as large pages are,
    their events' texts apart in chunks of 3 events."""
    out = tmp_path_factory.mktemp("compressed")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(heritage_mapper.render.data, "COMPRESS_MIN_BYTES", 0)
        patch.setattr(heritage_mapper.render.data, "EVENT_TEXT_CHUNK", TEXT_CHUNK)
        build_maps(load_geodata(GEODATA), out)
    return out


TEXT_CHUNK = 3
#: The title and summary of each event shown in ``root``, and how many wait for theirs.
SHOWN_TEXTS = """(root) => ({
  texts: [...document.querySelectorAll(root + " .hm-event")].map((item) => [
    item.querySelector(".hm-event-title").textContent,
    item.querySelector(".hm-event-summary").textContent,
  ]),
  busy: document.querySelectorAll(root + " [aria-busy]").length,
})"""


def shown_texts(page, root: str) -> list[list[str]]:
    """The texts of the events shown in ``root``, once every chunk they need is read."""
    expect(page.locator(root + " .hm-event").first).to_be_visible()
    expect(page.locator(root + " [aria-busy]")).to_have_count(0)
    state = page.evaluate(SHOWN_TEXTS, root)
    assert state["busy"] == 0
    return state["texts"]


def test_compressed_page_keeps_the_focus_in_the_popup_when_its_texts_come(
    compressed_maps, open_page
):
    """A site chosen from the list by keyboard: its popup's heading has the focus, and
    keeps it once the texts are in (the popup is laid out again), so Escape closes it."""
    page = open_page(compressed_maps / INDEX_PAGE).page
    page.locator(".hm-site-button").first.focus()
    name = page.evaluate("document.activeElement.querySelector('.hm-site-name').textContent")
    page.keyboard.press("Enter")
    expect(page.locator(".leaflet-popup-content h2")).to_have_text(name)
    expect(page.locator(".hm-leaflet-popup .hm-event-title").first).not_to_be_empty()
    expect(page.locator(".hm-leaflet-popup [aria-busy]")).to_have_count(0)
    assert page.evaluate("document.activeElement.tagName") == "H2"
    page.keyboard.press("Escape")
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    assert name in page.evaluate("document.activeElement.textContent")


#: The page's JSON read 0.4 s late (the page data, then each chunk of texts).
SLOW_JSON = """const json = Response.prototype.json;
Response.prototype.json = function () {
  return new Promise((done) => setTimeout(done, 400)).then(() => json.call(this));
};"""


def test_compressed_page_keeps_the_popup_scrolled_where_it_was_when_its_texts_come(
    compressed_maps, open_page
):
    opened = open_page(
        compressed_maps / INDEX_PAGE, {"width": 1000, "height": 500}, init_script=SLOW_JSON
    )
    page = opened.page
    page.evaluate(
        "(id) => HeritageMapper.ready.then((app) => app.selectSite(app.sites.id.indexOf(id)))",
        "tuan-chau-fishing-village",
    )
    expect(page.locator(".leaflet-popup-content h2")).to_contain_text("Tuần Châu")
    content = ".hm-leaflet-popup .leaflet-popup-content"
    scrolled = f"""() => {{
      const node = document.querySelector("{content}");
      node.scrollTop = 60;
      return [node.scrollTop, document.querySelectorAll("{content} [aria-busy]").length];
    }}"""
    assert page.evaluate(scrolled) == [60, 2]  # scrolled before its texts came
    expect(page.locator(content + " [aria-busy]")).to_have_count(0)
    assert page.evaluate(f"document.querySelector('{content}').scrollTop") == 60
    assert opened.errors == []


def test_compressed_page_shows_no_text_for_a_chunk_it_cannot_read(compressed_maps, open_page):
    """A chunk's element gone: its events show no title or summary, wait for nothing,
    and the page says why once."""
    opened = open_page(compressed_maps / INDEX_PAGE)
    page = opened.page
    gone = """(id) => HeritageMapper.ready.then((app) => {
      const i = app.sites.id.indexOf(id);
      const e = app.sites.events[i][0];
      document.getElementById("hm-texts-" + Math.floor(e / app.data.eventTexts.chunk)).remove();
      app.selectSite(i);
    })"""
    page.evaluate(gone, "tuan-chau-fishing-village")
    expect(page.locator(".leaflet-popup-content h2")).to_contain_text("Tuần Châu")
    expect(page.locator(".hm-leaflet-popup .hm-event")).to_have_count(1)
    expect(page.locator(".hm-leaflet-popup [aria-busy]")).to_have_count(0)
    assert page.locator(".hm-leaflet-popup .hm-event-title").inner_text() == ""
    assert page.locator(".hm-leaflet-popup .hm-event-summary").inner_text() == ""
    set_language(page, "en")  # shown again: no new error
    expect(page.locator(".hm-leaflet-popup .hm-event-summary")).to_have_count(1)
    assert len(opened.errors) == 1 and "#hm-texts-" in opened.errors[0], opened.errors


def test_compressed_page_reads_the_texts_of_the_events_it_shows(compressed_maps, open_page):
    """A popup, the same popup in English, and the region timeline show the titles and
    summaries of their events, read from the chunks they are in."""
    from heritage_mapper.join import join

    geodata = load_geodata(GEODATA)
    joined = join(geodata)
    events = geodata.events.set_index("id")
    site = "tuan-chau-fishing-village"
    timeline = joined.timelines[site]
    assert len(timeline) == 1
    html = (compressed_maps / INDEX_PAGE).read_text(encoding="utf-8")
    assert html.count('id="hm-texts-') == -(-len(geodata.events) // TEXT_CHUNK)
    opened = open_page(compressed_maps / INDEX_PAGE)
    page = opened.page
    read = "() => HeritageMapper.ready.then((app) => [...app.textChunks.keys()])"
    assert page.evaluate(read) == []  # nothing read before an event is shown
    choose = """(id) => HeritageMapper.ready.then((app) => {
      const update = app.popup.update;  // each layout: how many texts it still waits for
      window.popupLayouts = [];
      app.popup.update = function () {
        const node = app.popup.getElement();
        window.popupLayouts.push(node ? node.querySelectorAll("[aria-busy]").length : -1);
        return update.apply(this, arguments);
      };
      app.selectSite(app.sites.id.indexOf(id));
    })"""
    page.evaluate(choose, site)
    name = geodata.sites.set_index("id").loc[site, "name_vi"]
    expect(page.locator(".leaflet-popup-content h2")).to_have_text(name)
    popup = ".hm-leaflet-popup"
    expected = [[r.title_vi, r.summary_vi] for r in timeline.itertuples()]
    assert shown_texts(page, popup) == expected
    assert len(page.evaluate(read)) == 1  # only the chunk of its one event
    # laid out (Leaflet's popup.update) when it opened, its texts still to come, and
    # once more when they came
    layouts = page.evaluate("window.popupLayouts")
    assert max(layouts) > 0 and layouts[-1] == 0, layouts
    set_language(page, "en")
    assert shown_texts(page, popup) == [[r.title_en, r.summary_en] for r in timeline.itertuples()]
    page.locator("#hm-region-toggle").click()
    region = events.loc[joined.region_event_ids]
    assert len(region) > TEXT_CHUNK  # in several chunks
    assert shown_texts(page, "#hm-region-events") == [
        [r.title_en, r.summary_en] for r in region.itertuples()
    ]
    assert opened.errors == []


def test_large_page_data_is_gzip_in_base64_and_decodes_to_the_plain_records(compressed_maps):
    import base64
    import gzip
    import re

    html = (compressed_maps / INDEX_PAGE).read_text(encoding="utf-8")
    match = re.search(
        r'<script type="application/octet-stream" id="hm-data" '
        r'data-encoding="gzip-base64">([A-Za-z0-9+/=]+)</script>',
        html,
    )
    assert match, "the data element holds base64 only"
    records = json.loads(gzip.decompress(base64.b64decode(match.group(1))))
    geodata = load_geodata(GEODATA)
    assert len(records["sites"]["id"]) == len(geodata.sites)
    assert "Tuần Châu" not in html  # data text is only in the compressed block


def test_compressed_page_searches_opens_a_popup_and_its_region_timeline(compressed_maps, open_page):
    opened = open_page(compressed_maps / INDEX_PAGE)
    page = opened.page
    geodata = load_geodata(GEODATA)
    expect(page.locator(".hm-site-button")).to_have_count(len(geodata.sites))
    page.locator("#hm-search").fill("tuan chau")
    page.locator("#hm-search").press("Enter")
    expect(page.locator(".leaflet-popup-content h2")).to_contain_text("Tuần Châu")
    page.locator("#hm-region-toggle").click()
    assert page.locator("#hm-region-events > *").count() > 0
    assert opened.errors == []
    assert opened.aborted == []  # the basemap is in the page: no request at all
    # this Chromium decoded the base64 itself (data.js falls back to atob without it)
    assert page.evaluate("typeof Uint8Array.fromBase64") == "function"


def test_compressed_page_decodes_in_a_browser_without_uint8array_from_base64(
    compressed_maps, open_page
):
    """Browsers older than Uint8Array.fromBase64 (Chromium 140, Firefox 133, Safari
    18.2) decode the page data with atob, a chunk at a time."""
    opened = open_page(compressed_maps / INDEX_PAGE, init_script="delete Uint8Array.fromBase64;")
    page = opened.page
    assert page.evaluate("typeof Uint8Array.fromBase64") == "undefined"
    expect(page.locator(".hm-site-button")).to_have_count(len(load_geodata(GEODATA).sites))
    page.locator("#hm-search").fill("tuan chau")
    page.locator("#hm-search").press("Enter")
    expect(page.locator(".leaflet-popup-content h2")).to_contain_text("Tuần Châu")
    assert opened.errors == []


#: Sites a few metres apart, inside the lattice of generated sites: a cluster that
#: never splits (the same spot) and one that splits only at a high zoom.
NEAR = [("same-spot-a", 107.0401, 21.0003), ("same-spot-b", 107.0401, 21.0003),
        ("near-a", 107.1003, 20.9801), ("near-b", 107.10036, 20.98013)]  # fmt: skip

#: For the site chosen in the list: the map's zoom, the last zoom, and whether its
#: marker stands on the map by itself (not inside a cluster), through markercluster's
#: public getVisibleParent.
CHOSEN = """async (id) => {
  const app = await HeritageMapper.ready;
  const i = app.sites.id.indexOf(id);
  const marker = app.markers[i];
  return [app.map.getZoom(), app.map.getMaxZoom(),
          app.group.getVisibleParent(marker) === marker, app.openIndex === i];
}"""


@pytest.fixture(scope="module")
def dense_sites(tmp_path_factory):
    root = tmp_path_factory.mktemp("dense")
    geodata = copy_geodata(GEODATA, root / "geodata")
    add_sites(geodata, EXTRA_SITES)
    project = json.loads((geodata / "project.json").read_text(encoding="utf-8"))
    layer_file = geodata / project["layers"][0]["file"]
    doc = json.loads(layer_file.read_text(encoding="utf-8"))
    for site_id, lon, lat in NEAR:
        feature = json.loads(json.dumps(doc["features"][-1]))
        feature["id"] = site_id
        feature["geometry"]["coordinates"] = [lon, lat]
        name = "A " + site_id  # first in the list (it draws the first rows by name)
        feature["properties"].update(id=site_id, name_vi=name, name_en=name)
        doc["features"].append(feature)
    layer_file.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    out = root / "maps"
    build_maps(load_geodata(geodata), out)
    return out


@pytest.mark.parametrize("site_id", ["near-b", "same-spot-a"])
def test_a_site_chosen_in_a_clustered_list_stands_alone_or_is_spread(
    dense_sites, open_page, site_id
):
    """Choosing a site in the list of a clustered page shows it by itself: at the zoom
    where its marker leaves every cluster, or, at one spot with another, at the last
    zoom with the cluster spread out; its popup opens either way."""
    opened = open_page(dense_sites / INDEX_PAGE)
    page = opened.page
    # from the whole list (a search would leave the site alone on the map)
    button = page.locator(".hm-site-button").filter(has_text="A " + site_id)
    expect(button).to_have_count(1)
    button.click()
    expect(page.locator(".leaflet-popup-content h2")).to_have_text("A " + site_id)
    zoom, last, alone, open_ = page.evaluate(CHOSEN, site_id)
    assert open_ and alone
    if site_id.startswith("same-spot"):
        assert zoom == last  # they never part: spread out at the last zoom
    else:
        assert zoom >= 15  # some 6 m apart: only the highest zooms part them
    assert opened.errors == []
