"""Finding one's way: the view follows the filters, "show all" frames what they let
through, the pages link to each other and say what they are in the language chosen,
the map's own controls speak that language, and popups and panels never cover each
other's buttons, on a phone, a desktop and both at 200 % browser zoom."""

# The browser fixtures are imported from browser_support and used as arguments.
# ruff: noqa: F401, F811

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from heritage_mapper import i18n, load_geodata
from heritage_mapper.model import INDEX_PAGE, PAGE_SUFFIX

from .browser_support import (
    DESKTOP,
    GEODATA,
    PHONE,
    browser,
    built_maps,
    open_page,
    set_language,
    wait_for_popup,
)

LANGUAGES = ("vi", "en")
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
# What a browser zoomed to 200 % lays out: DESKTOP and PHONE at half their CSS pixels.
ZOOMED = {"desktop-200": {"width": 683, "height": 410}, "phone-200": {"width": 195, "height": 422}}
FIT_MAX_ZOOM = 12  # mapview.js: framing never zooms in further
CAT_BA = "cat-ba-fishing-village"
FAR_NORTH_EAST = [21.45, 107.6]  # Tiên Yên's hills: far from every site but one
MESSAGES = i18n.catalogue("page")


@pytest.fixture(scope="module")
def geodata():
    return load_geodata(GEODATA)


def page_files(geodata) -> list[str]:
    return [INDEX_PAGE] + [spec.id + PAGE_SUFFIX for spec in geodata.project.layers]


def linked_files(geodata) -> list[str]:
    """Every page the navigation links to: the map pages, the story, the tours."""
    from heritage_mapper.render import page_names

    return page_names(geodata)


def set_years(page, first, last):
    page.locator("#hm-year-from").fill(str(first))
    page.locator("#hm-year-to").fill(str(last))
    page.wait_for_timeout(250)


def search(page, text):
    page.locator("#hm-search").fill(text)
    page.wait_for_timeout(300)


def look_elsewhere(page, zoom=13):
    """Zoom in far from the sites, as a visitor who wandered off would be."""
    page.evaluate(
        "([at, z]) => { HeritageMapper.map.setView(at, z, { animate: false }); }",
        [FAR_NORTH_EAST, zoom],
    )


# Where site `id`'s marker is: "visible" when its centre is inside the map and the
# element there is the marker itself (nothing covers it).
MARKER_STATE = """(id) => HeritageMapper.ready.then((app) => {
  const i = app.sites.id.indexOf(id);
  const node = app.markers[i].getElement();
  if (!node || !node.isConnected) return "not on the map";
  app.map.getContainer().scrollIntoView({ block: "nearest" });
  const r = node.getBoundingClientRect();
  const m = app.map.getContainer().getBoundingClientRect();
  const x = r.left + r.width / 2, y = r.top + r.height / 2;
  if (x < m.left || x > m.right || y < m.top || y > m.bottom) return "outside the view";
  const hit = document.elementFromPoint(x, y);
  return node.contains(hit) ? "visible" : "covered by " + (hit ? hit.className : "nothing");
})"""

SHOWN_IDS = (
    """() => HeritageMapper.ready.then((app) => app.sites.id.filter((_, i) => app.shown[i]))"""
)


def marker_state(page, site_id) -> str:
    return page.evaluate(MARKER_STATE, site_id)


def shown_in_view(page) -> dict:
    """Every shown site → where its marker is, judged by its position in the view."""
    return page.evaluate(
        """() => HeritageMapper.ready.then((app) => {
          const view = app.map.getBounds();
          const out = {};
          app.sites.id.forEach((id, i) => {
            if (app.shown[i]) out[id] = view.contains([app.sites.lat[i], app.sites.lon[i]]);
          });
          return out;
        })"""
    )


def set_zoom(page, level):
    page.evaluate("(z) => { HeritageMapper.map.setZoom(z, { animate: false }); }", level)


def zoom(page) -> float:
    return page.evaluate("HeritageMapper.map.getZoom()")


# ---------- the view follows the visitor ----------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_a_search_brings_cat_ba_into_view(built_maps, open_page, lang, viewport):
    page = open_page(built_maps / INDEX_PAGE, viewport).page
    set_language(page, lang)
    look_elsewhere(page)
    assert marker_state(page, CAT_BA) != "visible", "the test must start with Cát Bà off screen"
    search(page, "cat ba")
    assert page.evaluate(SHOWN_IDS) == [CAT_BA]
    assert marker_state(page, CAT_BA) == "visible"
    assert zoom(page) <= FIT_MAX_ZOOM, "framing one site does not zoom in to the street"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_the_year_filter_frames_the_sites_it_leaves(built_maps, open_page, geodata, lang, viewport):
    page = open_page(built_maps / INDEX_PAGE, viewport).page
    set_language(page, lang)
    look_elsewhere(page)
    set_years(page, 1959, 1959)
    shown = shown_in_view(page)
    assert CAT_BA in shown and len(shown) < len(geodata.sites), "1959 leaves some sites"
    assert all(shown.values()), shown
    assert marker_state(page, CAT_BA) == "visible"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_show_all_frames_every_shown_site_after_choosing_one(built_maps, open_page, lang, viewport):
    page = open_page(built_maps / INDEX_PAGE, viewport).page
    set_language(page, lang)
    page.locator(".hm-site-button").first.click()
    page.wait_for_selector(".leaflet-popup-content .hm-popup")
    set_zoom(page, 15)
    assert not all(shown_in_view(page).values()), "zoomed on one site, the others are off screen"
    button = page.locator(".hm-show-all button")
    label = MESSAGES[lang]["showAll"]
    assert button.get_attribute("aria-label") == label and button.get_attribute("title") == label
    button.focus()  # a real button: reachable by Tab, pressed with Enter
    assert page.evaluate("document.activeElement.tabIndex") == 0
    page.keyboard.press("Enter")
    page.wait_for_timeout(100)
    assert all(shown_in_view(page).values())
    assert zoom(page) <= FIT_MAX_ZOOM
    expect(page.locator(".leaflet-popup")).to_have_count(0)  # an overview: the popup goes
    assert page.evaluate("document.activeElement.closest('.hm-show-all') !== null")


def test_show_all_frames_only_what_the_filters_let_through(built_maps, open_page):
    page = open_page(built_maps / INDEX_PAGE).page
    search(page, "cat ba")
    look_elsewhere(page, 8)
    page.locator(".hm-show-all button").click()
    assert marker_state(page, CAT_BA) == "visible"
    assert zoom(page) == FIT_MAX_ZOOM, "one site is framed at the framing zoom, not the world"


def test_panning_and_zooming_are_left_alone(built_maps, open_page):
    page = open_page(built_maps / INDEX_PAGE).page
    look_elsewhere(page)
    centre = page.evaluate("HeritageMapper.map.getCenter()")
    set_language(page, "en")  # nothing the visitor does besides filtering moves the map
    page.locator("#hm-region-toggle").click()
    search(page, "  ")  # the same results: no framing
    page.wait_for_timeout(200)
    assert page.evaluate("HeritageMapper.map.getCenter()") == centre
    assert zoom(page) == 13


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_the_zoom_range_is_bounded(built_maps, open_page, viewport):
    page = open_page(built_maps / INDEX_PAGE, viewport).page
    low, high, start = page.evaluate(
        "((m) => [m.getMinZoom(), m.getMaxZoom(), m.getZoom()])(HeritageMapper.map)"
    )
    assert 7 <= low <= start <= FIT_MAX_ZOOM, "no zooming out to the whole world"
    assert high == 17, "no zooming in past what the basemap holds"
    set_zoom(page, 2)
    assert zoom(page) == low
    set_zoom(page, 20)
    assert zoom(page) == high


# ---------- pages that link to each other and say what they are ----------


def test_every_page_links_to_the_index_and_every_layer_page(built_maps, open_page, geodata):
    files = linked_files(geodata)
    for current in files:
        page = open_page(built_maps / current).page
        for lang in LANGUAGES:
            set_language(page, lang)
            nav = page.get_by_role("navigation", name=MESSAGES[lang]["pagesNav"])
            links = nav.get_by_role("link")
            hrefs = links.evaluate_all("(as) => as.map((a) => a.getAttribute('href'))")
            # the links carry a language other than the default (test below)
            query = "" if lang == geodata.project.default_language else f"?lang={lang}"
            assert hrefs == [name + query for name in files]
            texts = links.all_inner_texts()
            assert texts[0] == MESSAGES[lang]["allLayers"]
            layers = geodata.project.layers
            assert texts[1 : len(layers) + 1] == [spec.title[lang] for spec in layers]
            assert texts[len(layers) + 1] == MESSAGES[lang]["storyPage"]
            tours = [
                MESSAGES[lang]["tourLink"].replace("{title}", t.title[lang]) for t in geodata.tours
            ]
            assert texts[len(layers) + 2 :] == tours
            assert nav.locator("[aria-current='page']").evaluate_all(
                "(as) => as.map((a) => a.getAttribute('href'))"
            ) == [current + query]


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_following_a_link_opens_the_sibling_page(built_maps, open_page, geodata, viewport):
    opened = open_page(built_maps / INDEX_PAGE, viewport)
    page = opened.page
    layer = geodata.project.layers[-1]
    link = page.locator(f"#hm-nav a[href='{layer.id}{PAGE_SUFFIX}']")
    link.scroll_into_view_if_needed()
    link.click()
    page.wait_for_selector(".hm-site-button")
    assert page.url.endswith(f"/{layer.id}{PAGE_SUFFIX}")
    assert layer.title["vi"] in page.title()
    page.locator(f"#hm-nav a[href='{INDEX_PAGE}']").click()
    page.wait_for_selector(".hm-site-button")
    assert page.url.endswith(f"/{INDEX_PAGE}")
    assert opened.errors == [] and opened.aborted == []


def page_language(page) -> dict:
    """What the page shows as its language: <html lang>, the pressed button, the title."""
    return page.evaluate(
        """() => ({
          lang: document.documentElement.lang,
          pressed: Array.from(document.querySelectorAll(".hm-lang-buttons button"))
            .filter((b) => b.getAttribute("aria-pressed") === "true").map((b) => b.dataset.lang),
          title: document.getElementById("hm-title").textContent,
          query: window.location.search,
        })"""
    )


def test_the_chosen_language_follows_the_visitor_to_the_next_page_and_back(
    built_maps, open_page, geodata
):
    """A visitor who chose English stays in English on the next page, after a reload
    and after Back; choosing Vietnamese again takes ?lang off the address."""
    opened = open_page(built_maps / INDEX_PAGE)
    page = opened.page
    set_language(page, "en")
    assert page.url.endswith(f"/{INDEX_PAGE}?lang=en")
    story = linked_files(geodata)[len(geodata.project.layers) + 1]
    for name in (geodata.project.layers[0].id + PAGE_SUFFIX, story):
        page.locator("#hm-nav a").nth(linked_files(geodata).index(name)).click()
        page.wait_for_selector(".hm-site-button, #hm-story[data-step]")
        page.wait_for_timeout(300)
        assert page.url.endswith(f"/{name}?lang=en")
        shown = page_language(page)
        assert shown["lang"] == "en" and shown["pressed"] == ["en"]
        assert shown["title"] == geodata.project.title["en"]
        page.reload()
        page.wait_for_selector(".hm-site-button, #hm-story[data-step]")
        assert page_language(page)["lang"] == "en"
    page.go_back()
    page.wait_for_selector(".hm-site-button")
    page.wait_for_timeout(300)
    assert page.url.endswith(f"/{geodata.project.layers[0].id}{PAGE_SUFFIX}?lang=en")
    assert page_language(page)["lang"] == "en"
    set_language(page, "vi")
    assert page_language(page)["query"] == ""
    hrefs = page.locator("#hm-nav a").evaluate_all("(as) => as.map((a) => a.getAttribute('href'))")
    assert hrefs == linked_files(geodata)
    assert opened.errors == [] and opened.aborted == []


@pytest.mark.parametrize(
    ("query", "lang", "kept"),
    [
        ("?lang=en", "en", "?lang=en"),
        ("?lang=EN", "en", "?lang=en"),
        ("?lang=de", "vi", ""),
        ("?lang=vi", "vi", ""),
        ("?lang=constructor", "vi", ""),
    ],
)
def test_an_address_with_lang_opens_the_page_in_that_language(
    built_maps, open_page, geodata, query, lang, kept
):
    opened = open_page(built_maps / INDEX_PAGE)
    page = opened.page
    page.goto((built_maps / INDEX_PAGE).resolve().as_uri() + query)
    page.wait_for_selector(".hm-site-button")
    page.wait_for_timeout(300)
    shown = page_language(page)
    assert shown["lang"] == lang and shown["pressed"] == [lang]
    assert shown["title"] == geodata.project.title[lang]
    assert page.evaluate("document.title") == geodata.project.title[lang]
    assert shown["query"] == kept
    first = page.locator(".hm-site-button").first.inner_text()
    assert any(name in first for name in geodata.sites[f"name_{lang}"])
    assert opened.errors == [] and opened.aborted == []


HEAD = """() => ({
  title: document.title,
  lang: document.documentElement.lang,
  description: document.querySelector('meta[name="description"]').content,
  ogTitle: document.querySelector('meta[property="og:title"]').content,
  ogDescription: document.querySelector('meta[property="og:description"]').content,
  ogLocale: document.querySelector('meta[property="og:locale"]').content,
  ogAlternates: Array.from(document.querySelectorAll('meta[property="og:locale:alternate"]'))
    .map((m) => m.content),
  ogType: document.querySelector('meta[property="og:type"]').content,
  intro: document.getElementById("hm-intro").textContent,
})"""
LOCALES = {"vi": "vi_VN", "en": "en_GB"}


@pytest.mark.parametrize("file_index", [0, 3])
def test_title_description_and_language_follow_the_language(
    built_maps, open_page, geodata, file_index
):
    project = geodata.project
    name = page_files(geodata)[file_index]
    page = open_page(built_maps / name).page
    for lang in ("en", "vi"):
        set_language(page, lang)
        head = page.evaluate(HEAD)
        title = project.title[lang]
        if file_index:
            title += " — " + project.layers[file_index - 1].title[lang]
        assert head["title"] == head["ogTitle"] == title
        assert head["lang"] == lang
        assert head["description"] == head["ogDescription"] == project.description[lang]
        assert head["intro"] == project.description[lang]
        assert head["ogLocale"] == LOCALES[lang]
        assert head["ogAlternates"] == [LOCALES[other] for other in LANGUAGES if other != lang]
        assert head["ogType"] == "website"


def test_the_written_page_already_carries_what_a_shared_link_shows(built_maps, geodata):
    """A link preview reads the HTML without running the script: the default language."""
    html = (built_maps / INDEX_PAGE).read_text(encoding="utf-8")
    head = html.split("</head>")[0]
    project = geodata.project
    assert '<html lang="vi">' in html
    assert f"<title>{project.title['vi']}</title>" in head
    assert f'<meta name="description" content="{project.description["vi"]}">' in head
    assert f'<meta property="og:description" content="{project.description["vi"]}">' in head
    assert '<meta property="og:locale" content="vi_VN">' in head
    assert '<meta property="og:locale:alternate" content="en_GB">' in head


# ---------- the map's own controls in the page's language ----------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_map_controls_and_credit_speak_the_page_language(built_maps, open_page, lang):
    page = open_page(built_maps / INDEX_PAGE).page
    set_language(page, lang)
    labels = MESSAGES[lang]
    for selector, key in (
        (".leaflet-control-zoom-in", "zoomIn"),
        (".leaflet-control-zoom-out", "zoomOut"),
        (".hm-show-all button", "showAll"),
        (".hm-fullscreen button", "fullscreen"),
    ):
        control = page.locator(selector)
        assert control.get_attribute("title") == labels[key], selector
        assert control.get_attribute("aria-label") == labels[key], selector
    credit = page.locator(".leaflet-control-attribution a.hm-leaflet-credit")
    assert credit.get_attribute("title") == labels["leafletTitle"]
    assert credit.get_attribute("href") == "https://leafletjs.com"
    assert page.locator(".leaflet-control-attribution svg").count() == 0, "no untranslated flag"
    page.locator(".hm-site-button").first.click()
    close = page.locator(".leaflet-popup-close-button")
    assert close.get_attribute("aria-label") == labels["closePopup"]


def test_every_control_label_is_in_each_shipped_language():
    keys = ("showAll", "leafletTitle", "pagesNav", "allLayers", "zoomIn", "zoomOut", "closePopup")
    for lang in ("vi", "en", "fr"):
        assert all(MESSAGES[lang].get(key) for key in keys), lang
    assert len({MESSAGES[lang]["leafletTitle"] for lang in ("vi", "en", "fr")}) == 3


# ---------- popups and panels clear of each other's controls ----------

CLOSE_BUTTON_HIT = """() => {
  const close = document.querySelector(".leaflet-popup-close-button");
  const r = close.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  if (close.contains(hit)) return "close button";
  const where = " at " + [r.left, r.top].map(Math.round).join() + " scrolled " + window.scrollY;
  return (hit ? hit.tagName + "." + hit.className : "outside the window") + where;
}"""

ALL_VIEWPORTS = {**VIEWPORTS, **ZOOMED}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("viewport", ALL_VIEWPORTS.values(), ids=ALL_VIEWPORTS.keys())
def test_a_popup_close_button_is_never_under_another_control(built_maps, open_page, lang, viewport):
    page = open_page(built_maps / INDEX_PAGE, viewport).page
    set_language(page, lang)
    buttons = page.locator(".hm-site-button")
    for k in range(buttons.count()):
        buttons.nth(k).click()
        wait_for_popup(page)
        assert page.evaluate(CLOSE_BUTTON_HIT) == "close button", buttons.nth(k).inner_text()
        heading = page.locator(".leaflet-popup-content h2").bounding_box()
        assert heading["x"] >= 0 and heading["x"] + 40 <= viewport["width"], (
            "the popup is on screen"
        )


@pytest.mark.parametrize("viewport", ZOOMED.values(), ids=ZOOMED.keys())
def test_legend_and_popup_take_turns_when_there_is_no_room_for_both(
    built_maps, open_page, viewport
):
    page = open_page(built_maps / INDEX_PAGE, viewport).page
    legend = page.locator(".hm-legend details")
    summary = page.locator(".hm-legend summary")
    if legend.get_attribute("open") is None:
        summary.click()
    page.locator(".hm-site-button").first.click()
    page.wait_for_selector(".leaflet-popup-content .hm-popup")
    expect(legend).not_to_have_attribute("open", "")
    summary.click()  # the legend again: the popup makes way
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    expect(legend).to_have_attribute("open", "")


PANEL_FITS = """(selector) => {
  const panel = document.querySelector(selector);
  const map = HeritageMapper.map.getContainer().getBoundingClientRect();
  const r = panel.getBoundingClientRect();
  return { inside: r.top >= map.top - 1 && r.bottom <= map.bottom + 1 };
}"""


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("viewport", ZOOMED.values(), ids=ZOOMED.keys())
def test_at_200_percent_the_panels_scroll_instead_of_being_cut_off(
    built_maps, open_page, lang, viewport
):
    page = open_page(built_maps / INDEX_PAGE, viewport).page
    set_language(page, lang)
    page.evaluate("HeritageMapper.map.getContainer().scrollIntoView()")
    if page.locator(".hm-legend details").get_attribute("open") is None:
        page.locator(".hm-legend summary").click()
    page.wait_for_timeout(100)
    fits = page.evaluate(PANEL_FITS, ".hm-legend")
    assert fits["inside"], "the open legend stays inside the map"
    last = page.locator(".hm-legend input[type='checkbox']").last
    last.scroll_into_view_if_needed()
    last.click()  # reachable: the legend scrolls to it
    page.locator(".hm-legend summary").click()  # closed again
    # the basemap sources (a notice folded behind its summary on a small map)
    sources = page.locator(".hm-sources summary")
    if sources.count():
        sources.click()
        assert page.evaluate(PANEL_FITS, ".hm-sources")["inside"]
        page.locator(".hm-sources a").last.scroll_into_view_if_needed()
        expect(page.locator(".hm-sources a").last).to_be_in_viewport()
    # the list and the region timeline: the page scrolls to them
    toggle = page.locator("#hm-region-toggle")
    toggle.scroll_into_view_if_needed()
    toggle.click()
    last_event = page.locator("#hm-region-events li").last
    last_event.scroll_into_view_if_needed()
    expect(last_event).to_be_in_viewport()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= viewport["width"], (
        "no sideways scroll"
    )
