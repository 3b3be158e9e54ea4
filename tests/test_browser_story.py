"""The story pages in a real Chromium, opened from disk with no network: a page per tour
(one stop at a time, the map flying to each stop, the distances of pyproj's Geod, the
printed itinerary) and the region's story (era by era, the sites of each era's events
highlighted), on a desktop and a phone, in Vietnamese and English, and axe on both."""

# The browser fixtures are imported from browser_support and used as arguments.
# ruff: noqa: F401, F811

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from heritage_mapper import i18n, load_geodata
from heritage_mapper.model import PAGE_SUFFIX, STORY_PAGE, TOUR_PAGE_PREFIX
from heritage_mapper.tours import tour_routes

from .axe_support import axe_violations
from .browser_support import (
    DESKTOP,
    GEODATA,
    PHONE,
    browser,
    built_maps,
    open_page,
    set_language,
)
from .test_browser_a11y import PENDING_ELSEWHERE

MESSAGES = i18n.catalogue("page")
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
ROUTES = tour_routes(load_geodata(GEODATA))
# The map's centre at a stop: within a few metres. Leaflet centres on a whole pixel,
# about 8.9 m at zoom 14 at 21° N, so the centre can be half a pixel's diagonal away.
STOP_TOLERANCE_M = 6.5
DISTANCE_TOLERANCE_M = 1.0  # a distance shown against Geod

MAP_STATE = """() => {
  const map = HeritageMapper.map;
  const c = map.getCenter();
  return { lat: c.lat, lon: c.lng, zoom: map.getZoom() };
}"""
# Resolves once the map's centre is within `tolerance` metres of [lat, lon] at `zoom`.
AT_STOP = """([lat, lon, zoom, tolerance]) => {
  const map = HeritageMapper.map;
  return map.getZoom() === zoom && map.distance(map.getCenter(), [lat, lon]) <= tolerance;
}"""


def tour_page(route) -> str:
    return TOUR_PAGE_PREFIX + route.id + PAGE_SUFFIX


def step(page) -> int:
    return int(page.locator("#hm-story").get_attribute("data-step"))


def distances(locator) -> list[float]:
    return [float(v) for v in locator.evaluate_all("(nodes) => nodes.map((n) => n.value)")]


def check_tour_by_keyboard(page, route, lang):
    messages = MESSAGES[lang]
    assert step(page) == 0
    total = len(route.stops) + 1
    count = messages["storyCount"].replace("{total}", str(total))
    assert page.locator("#hm-story-count").inner_text() == count.replace("{n}", "1")
    # the overview: every stop in order, the totals as Geod measures them
    names = page.locator(".hm-story-steps li").all_inner_texts()
    assert names == [stop.name[lang] for stop in route.stops]
    shown_total = distances(page.locator(".hm-tour-totals .hm-distance"))
    assert abs(shown_total[0] - route.distance_m) <= DISTANCE_TOLERANCE_M
    assert len(page.locator(".leaflet-overlay-pane path").all()) >= len(route.legs)
    for stop in route.stops:
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            AT_STOP, arg=[stop.lat, stop.lon, 14, STOP_TOLERANCE_M], timeout=5000
        )
        assert step(page) == stop.order
        heading = page.locator("#hm-story-heading").inner_text()
        assert heading == f"{stop.order}. {stop.name[lang]}"
        if stop.note.get(lang):
            assert stop.note[lang] in page.locator("#hm-story-body").inner_text()
        if stop.order > 1:
            leg = route.legs[stop.order - 2]
            shown = distances(page.locator(".hm-story-leg .hm-distance"))
            assert len(shown) == 1 and abs(shown[0] - leg.distance_m) <= DISTANCE_TOLERANCE_M
            text = page.locator(".hm-story-leg").inner_text()
            assert messages["mode_" + leg.mode] in text
            assert (messages["crowFlies"] in text) == leg.straight
    assert page.locator("#hm-story-next").is_disabled()
    page.keyboard.press("ArrowRight")  # nothing after the last stop
    assert step(page) == len(route.stops)
    for _ in route.stops:
        page.keyboard.press("ArrowLeft")
    assert step(page) == 0
    assert page.locator("#hm-story-prev").is_disabled()


TOUR_CASES = [(route.id, "desktop", "vi") for route in ROUTES] + [
    (ROUTES[0].id, "desktop", "en"),
    (ROUTES[0].id, "phone", "vi"),
    (ROUTES[-1].id, "phone", "en"),
]


@pytest.mark.parametrize(("tour_id", "viewport", "lang"), TOUR_CASES)
def test_tour_page_steps_through_every_stop_by_keyboard(
    built_maps, open_page, tour_id, viewport, lang
):
    route = next(r for r in ROUTES if r.id == tour_id)
    opened = open_page(
        built_maps / tour_page(route), {"desktop": DESKTOP, "phone": PHONE}[viewport]
    )
    page = opened.page
    set_language(page, lang)
    page.evaluate("document.activeElement.blur()")  # the arrow keys are the page's
    check_tour_by_keyboard(page, route, lang)
    assert opened.aborted == [] and opened.errors == []


# Each leg label shown (.hm-leg-label) and each stop disc (.hm-stop-number) on screen,
# as boxes; the labels hidden are not in the DOM.
LEG_LABELS = """() => {
  const box = (n) => {
    const r = n.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom];
  };
  return {
    labels: Array.from(document.querySelectorAll(".leaflet-tooltip.hm-leg-label")).map(box),
    stops: Array.from(document.querySelectorAll(".hm-stop-number")).map(box),
  };
}"""


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("tour_id", [route.id for route in ROUTES])
def test_a_leg_label_never_covers_a_stop(built_maps, open_page, tour_id, viewport):
    """The "as the crow flies" label of a short leg covered the next stop's number (the
    overview of the Hạ Long tour: stop 2); it shows only where the leg can hold it."""
    route = next(r for r in ROUTES if r.id == tour_id)
    page = open_page(built_maps / tour_page(route), VIEWPORTS[viewport]).page
    straight = sum(1 for leg in route.legs if leg.straight)
    shown_somewhere = 0
    for k in range(len(route.stops) + 1):  # the overview, then each stop
        if k:
            page.locator("#hm-story-next").click()
        page.wait_for_timeout(900)  # the flight to the stop
        drawn = page.evaluate(LEG_LABELS)
        assert len(drawn["labels"]) <= straight
        for label in drawn["labels"]:
            covered = [stop for stop in drawn["stops"] if overlap(label, stop)]
            assert covered == [], (k, label, covered)
        shown_somewhere += len(drawn["labels"])
    assert shown_somewhere > 0  # zoomed in on a stop, a long enough leg has its label


def test_tour_page_buttons_and_swipe_on_a_phone(built_maps, open_page):
    route = ROUTES[0]
    page = open_page(built_maps / tour_page(route), PHONE).page
    page.locator("#hm-story-next").click()
    assert step(page) == 1
    swipe = """([dx]) => {
      const node = document.getElementById("hm-story");
      const touch = (x) => new Touch({ identifier: 1, target: node, clientX: x, clientY: 500 });
      const fire = (type, x) => node.dispatchEvent(
        new TouchEvent(type, { changedTouches: [touch(x)], bubbles: true }));
      fire("touchstart", 200);
      fire("touchend", 200 + dx);
    }"""
    page.evaluate(swipe, [-120])  # to the left: the next stop
    assert step(page) == 2
    page.evaluate(swipe, [120])
    assert step(page) == 1
    page.evaluate(swipe, [20])  # too short to be a swipe
    assert step(page) == 1
    page.locator("#hm-story-prev").click()
    assert step(page) == 0


def test_a_real_swipe_back_on_a_phone_goes_one_stop_back_not_one_page_back(built_maps, browser):
    # a touch swipe to the right across the panel made Chromium go back in history (the
    # page before, or about:blank), the gesture being the browser's as well as the page's
    context = browser.new_context(
        viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=3
    )
    try:
        page = context.new_page()
        page.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
        )
        page.goto((built_maps / "index.html").resolve().as_uri())
        page.goto((built_maps / tour_page(ROUTES[0])).resolve().as_uri())
        page.wait_for_selector("#hm-story[data-step]")
        page.locator("#hm-story-next").tap()
        assert step(page) == 1
        url = page.url
        page.locator("#hm-story").scroll_into_view_if_needed()  # below the map on a phone
        box = page.locator("#hm-story").bounding_box()
        y = min(box["y"] + 60, PHONE["height"] - 40)  # on the panel, in the window
        cdp = context.new_cdp_session(page)

        def touch(kind, x):
            points = [] if kind == "touchEnd" else [{"x": x, "y": y}]
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

        touch("touchStart", box["x"] + 60)
        for x in range(80, 321, 20):  # a finger moving right, as a visitor swipes
            touch("touchMove", box["x"] + x)
            page.wait_for_timeout(16)
        touch("touchEnd", 0)
        page.wait_for_timeout(800)
        assert page.url == url  # still the tour page
        assert step(page) == 0  # and one stop back
    finally:
        context.close()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_history_frames_the_whole_region_where_a_step_shows_it(built_maps, open_page, viewport):
    # the map's least zoom was the one at which the basemap fills the view: on a
    # desktop the overview left out the Cát Bà site, and the eras whose events name no
    # site showed only the right edge of the region's outline
    page = open_page(built_maps / STORY_PAGE, {"desktop": DESKTOP, "phone": PHONE}[viewport]).page
    seen = """HeritageMapper.ready.then((app) => {
      const view = app.map.getBounds();
      const story = app.data.story;
      const step = app.step ? story.steps[app.step - 1] : null;
      const inView = (i) => view.contains([app.sites.lat[i], app.sites.lon[i]]);
      return {
        step: app.step,
        region: !step || step.region ? view.contains(L.latLngBounds(story.region)) : true,
        sites: (step ? step.sites : app.sites.lat.map((_, i) => i)).every(inView),
        last: app.step === app.stepCount() - 1,
      };
    })"""
    while True:
        shown = page.evaluate(seen)
        assert shown["region"] and shown["sites"], shown
        if shown["last"]:
            break
        page.locator("#hm-story-next").click()
        page.wait_for_timeout(300)
    assert shown["step"] >= 2


def pdf_text(pdf_path) -> str:
    """The text of a PDF: pdftotext (poppler-utils) when installed, else pypdf."""
    if shutil.which("pdftotext"):
        result = subprocess.run(
            ["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, check=True
        )
        return result.stdout.decode("utf-8")
    pypdf = pytest.importorskip("pypdf")
    return "\f".join(page.extract_text() for page in pypdf.PdfReader(str(pdf_path)).pages)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("tour_id", [route.id for route in ROUTES])
def test_printed_itinerary_lists_the_stops_in_order(built_maps, open_page, tmp_path, tour_id, lang):
    route = next(r for r in ROUTES if r.id == tour_id)
    page = open_page(built_maps / tour_page(route), DESKTOP).page
    set_language(page, lang)
    page.locator("#hm-story-next").click()  # printing goes back to the overview
    pdf = tmp_path / "itinerary.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    text = pdf_text(pdf)
    pages = text.rstrip("\f").count("\f") + 1
    assert pages <= 2, f"the itinerary takes {pages} pages"
    flat = re.sub(r"\s+", " ", text)
    assert MESSAGES[lang]["itinerary"] in flat
    at = 0
    for stop in route.stops:  # numbered, in order
        found = flat.find(f"{stop.order}. {stop.name[lang]}", at)
        assert found >= 0, f"stop {stop.order} {stop.name[lang]!r} missing or out of order"
        at = found
    assert MESSAGES[lang]["totalDistance"] in flat
    # the print shows the overview: every stop inside the printed map
    assert step(page) == 0
    # and the map on paper is the route: the same DOM in print media
    page.emulate_media(media="print")
    assert page.locator("#hm-itinerary").is_visible()
    assert not page.locator("#hm-story-body").is_visible()
    items = page.locator(".hm-itinerary-name").all_inner_texts()
    assert items == [stop.name[lang] for stop in route.stops]
    shown = distances(page.locator("#hm-itinerary .hm-leg .hm-distance"))
    expected = [leg.distance_m for leg in route.legs]
    assert all(abs(a - b) <= DISTANCE_TOLERANCE_M for a, b in zip(shown, expected, strict=True))
    inside = page.evaluate(
        """(stops) => { const b = HeritageMapper.map.getBounds();
           return stops.every((s) => b.contains(s)); }""",
        [[stop.lat, stop.lon] for stop in route.stops],
    )
    assert inside


STORY_STEP = """() => HeritageMapper.ready.then((app) => {
  const story = app.story;
  const k = app.step;
  const s = story.steps[k - 1];
  const events = new Set(s.events);
  const named = [];
  app.sites.id.forEach((id, i) => {
    if (app.sites.events[i].some((e) => events.has(e))) named.push(i);
  });
  const bounds = app.map.getBounds();
  return {
    events: s.events,
    region: s.region,
    named: named.sort((a, b) => a - b),
    highlighted: app.highlighted.slice().sort((a, b) => a - b),
    ids: app.highlighted.map((i) => app.sites.id[i]).sort(),
    inView: app.highlighted.every((i) => bounds.contains([app.sites.lat[i], app.sites.lon[i]])),
    regionInView: bounds.contains(L.latLngBounds(story.region).getCenter()),
    starts: s.events.map((e) => app.events.start[e]),
    shownEvents: document.querySelectorAll("#hm-story-body .hm-event").length,
    totalEvents: app.events.start.length,
  };
})"""


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_story_page_steps_through_every_era(built_maps, open_page, viewport, lang):
    geodata = load_geodata(GEODATA)
    eras = geodata.project.eras
    opened = open_page(built_maps / STORY_PAGE, {"desktop": DESKTOP, "phone": PHONE}[viewport])
    page = opened.page
    set_language(page, lang)
    names = page.locator(".hm-story-steps li").all_inner_texts()
    assert names == [era.label[lang] for era in eras]
    page.evaluate("document.activeElement.blur()")
    told = []
    last_start = None
    by_era = {}
    for k, era in enumerate(eras, start=1):
        page.keyboard.press("ArrowRight")
        assert step(page) == k
        assert page.locator("#hm-story-heading").inner_text() == era.label[lang]
        state = page.evaluate(STORY_STEP)
        # the sites highlighted are exactly those the era's events name, all in view
        assert state["highlighted"] == state["named"]
        assert state["inView"]
        if state["region"]:  # an event naming no site: the region is in view
            assert state["regionInView"]
        assert state["shownEvents"] == len(state["events"])
        starts = [s for s in state["starts"] if s is not None]
        assert starts == sorted(starts)  # in date order within the era
        if starts and last_start is not None:
            assert starts[0] >= min(last_start, starts[0])
        told += state["events"]
        by_era[era.id] = state["ids"]
        last_start = starts[-1] if starts else last_start
    # every event of the page told once
    assert sorted(told) == list(range(state["totalEvents"]))
    # the facts of the sources: Ho Chi Minh visited Tuần Châu and Cát Bà in 1959; the
    # 1964-1972 war names Bãi Cháy's first victory
    assert by_era["visit-1959"] == ["cat-ba-fishing-village", "tuan-chau-fishing-village"]
    assert "bai-chay-first-victory" in by_era["war-1964-1972"]
    assert "hon-gai-rally-ground" in by_era["liberation"]
    assert page.locator("#hm-story-next").is_disabled()
    assert opened.aborted == [] and opened.errors == []


def story_pages():
    return [STORY_PAGE] + [tour_page(route) for route in ROUTES]


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("name", story_pages())
def test_axe_finds_no_violation_on_story_pages(built_maps, open_page, name, viewport, lang):
    page = open_page(built_maps / name, {"desktop": DESKTOP, "phone": PHONE}[viewport]).page
    set_language(page, lang)
    found = []
    for _ in range(2):  # the overview, then the first stop or era
        found += [
            (rule, impact, targets)
            for rule, impact, targets in axe_violations(page)
            if not all(
                any(rule == r and piece in target for r, piece in PENDING_ELSEWHERE)
                for target in targets
            )
        ]
        page.locator("#hm-story-next").click()
        page.wait_for_timeout(1000)  # the flight to the stop
    assert found == []
