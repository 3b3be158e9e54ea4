"""The year control in a real Chromium: typed years, decade keys, target size, the
highlighted range, and how open, unknown and undated periods filter.

The fixture folder spans 1014-2025 (a large range: one region event of 1014) and has
one site of each kind: a day with its event, an open end (1883/..), an unknown start
(/1972) and no known year at all (/..: start unknown, still today). A region plan
2025/2030 must not stretch the range past 2025.
"""

# The browser fixtures are imported from browser_support and used as arguments.
# ruff: noqa: F401, F811

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from heritage_mapper import load_geodata
from heritage_mapper.render import build_maps

from .browser_support import DESKTOP, PHONE, browser, built_maps, open_page
from .fixtures import EVENTS, SITES, make_geodata

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]
TARGET_PX = 24  # WCAG 2.2 AA target size (axe target-size)
FIRST, LAST = 1014, 2025
NAMES = {
    "old-pier": {"vi": "Bến tàu cũ Hòn Nét", "en": "Hòn Nét old pier"},
    "lighthouse": {"vi": "Hải đăng Đảo Ngọc", "en": "Lighthouse"},
    "screening-plant": {"vi": "Nhà sàng Mỏ Thử", "en": "Screening plant"},
    "pit-head": {"vi": "Miệng lò Giếng Một", "en": "Pit head"},
}
ERAS = [
    {"id": "war", "label": {"vi": "Chiến tranh", "en": "War"}, "period": "1964/1972"},
    {"id": "today", "label": {"vi": "Ngày nay", "en": "Today"}, "period": "2021/.."},
]
VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
LANGS = pytest.mark.parametrize("lang", ["vi", "en"])


def _site(site_id: str, period: str) -> dict:
    (site,) = [s for s in SITES if s["id"] == site_id]
    return {**site, "period": period}


def _event(event_id: str, **changes) -> dict:
    (event,) = [e for e in EVENTS if e["id"] == event_id]
    return {**event, **changes}


@pytest.fixture(scope="module")
def years_maps(tmp_path_factory) -> Path:
    sites = [
        _site("old-pier", "1955-04-25"),
        _site("lighthouse", "1883/.."),
        _site("screening-plant", "/.."),
        _site("pit-head", "/1972"),
    ]
    events = [
        _event("ev-1954-ceasefire"),
        _event("ev-1955-pier-rally"),
        _event("ev-1970-record", id="ev-2025-plan", date="2025/2030", site_ids=""),
        _event("ev-1965-shift", id="ev-1014-founding", date="1014", site_ids=""),
    ]
    folder = make_geodata(tmp_path_factory.mktemp("years"), sites=sites, events=events)
    project = json.loads((folder / "project.json").read_text(encoding="utf-8"))
    project["eras"] = ERAS
    (folder / "project.json").write_text(json.dumps(project, ensure_ascii=False), encoding="utf-8")
    out = tmp_path_factory.mktemp("years-maps")
    build_maps(load_geodata(folder), out)
    return out


def opened(open_page, folder: Path, viewport: dict, lang: str):
    page = open_page(folder / "index.html", viewport).page
    page.locator(f"button[data-lang='{lang}']").click()
    return page


def type_year(page, end: str, text: str) -> None:
    field = page.locator(f"#hm-year-{end}-input")
    field.fill(text)
    field.press("Enter")
    page.wait_for_timeout(150)


def output(page) -> str:
    return page.locator("#hm-year-output").inner_text()


def listed(page) -> set[str]:
    return set(page.locator(".hm-site-button .hm-site-name").all_inner_texts())


@VIEWPORTS
@LANGS
def test_typed_years_apply_on_enter_clamped_to_the_range(years_maps, open_page, viewport, lang):
    page = opened(open_page, years_maps, viewport, lang)
    assert output(page) == f"{FIRST} – {LAST}"  # the 2025/2030 plan stops nothing at 2030
    assert page.locator("#hm-year-to").get_attribute("max") == str(LAST)
    type_year(page, "from", "1964")  # 1014 to 1964: one typed value, not 950 key presses
    assert output(page) == f"1964 – {LAST}"
    assert page.locator("#hm-year-from").input_value() == "1964"
    type_year(page, "to", "99999")
    assert page.locator("#hm-year-to-input").input_value() == str(LAST)
    type_year(page, "from", "5")
    assert output(page) == f"{FIRST} – {LAST}"
    type_year(page, "to", "1500")
    type_year(page, "from", "1600")  # past "to": "to" follows the year just typed
    assert output(page) == "1600 – 1600"
    type_year(page, "from", "")  # not a year: refused and marked, the years kept
    assert page.locator("#hm-year-from-input").get_attribute("aria-invalid") == "true"
    assert output(page) == "1600 – 1600"
    page.locator("#hm-year-from-input").blur()
    assert page.locator("#hm-year-from-input").input_value() == "1600"
    labels = {"vi": ("Từ năm", "Đến năm"), "en": ("From", "To")}[lang]
    expect(page.get_by_role("spinbutton", name=labels[0], exact=True)).to_have_count(1)
    expect(page.get_by_role("slider", name=labels[1], exact=True)).to_have_count(1)


@VIEWPORTS
def test_sliders_move_a_year_per_arrow_and_a_decade_per_page_key(years_maps, open_page, viewport):
    page = opened(open_page, years_maps, viewport, "en")
    start = page.locator("#hm-year-from")
    start.focus()
    for key in ("PageUp", "PageUp", "PageUp", "ArrowRight"):
        page.keyboard.press(key)
    assert start.input_value() == str(FIRST + 31)
    page.keyboard.press("PageDown")
    assert start.input_value() == str(FIRST + 21)
    end = page.locator("#hm-year-to")
    end.focus()
    page.keyboard.press("PageDown")
    assert end.input_value() == str(LAST - 10)
    page.keyboard.press("Home")  # to the first year: "from" follows it down
    assert output(page) == f"{FIRST} – {FIRST}"
    page.keyboard.press("End")
    assert output(page) == f"{FIRST} – {LAST}"
    field = page.locator("#hm-year-from-input")
    field.focus()
    page.keyboard.press("PageUp")  # the typed field takes decade keys too
    assert output(page) == f"{FIRST + 10} – {LAST}"


@VIEWPORTS
def test_year_controls_are_large_targets(years_maps, open_page, viewport):
    page = opened(open_page, years_maps, viewport, "vi")
    for selector in ("#hm-year-from", "#hm-year-to", "#hm-year-from-input", "#hm-year-to-input"):
        box = page.locator(selector).bounding_box()
        assert box["width"] >= TARGET_PX and box["height"] >= TARGET_PX, (selector, box)
    thumb = page.evaluate(
        "getComputedStyle(document.getElementById('hm-year-from')).getPropertyValue('--hm-thumb')"
    )
    assert int(thumb.strip().removesuffix("px")) >= TARGET_PX


@VIEWPORTS
@LANGS
def test_era_buttons_set_the_years_and_show_which_is_chosen(years_maps, open_page, viewport, lang):
    page = opened(open_page, years_maps, viewport, lang)
    group = page.get_by_role("group", name={"vi": "Thời kỳ", "en": "Eras"}[lang])
    war = group.get_by_role("button", name=ERAS[0]["label"][lang])
    today = group.get_by_role("button", name=ERAS[1]["label"][lang])
    for button in (war, today):
        box = button.bounding_box()
        assert box["width"] >= TARGET_PX and box["height"] >= TARGET_PX, box
    war.click()
    expect(page.locator("#hm-year-output")).to_have_text("1964 – 1972")
    expect(war).to_have_attribute("aria-pressed", "true")
    expect(today).to_have_attribute("aria-pressed", "false")
    assert page.locator("#hm-year-from-input").input_value() == "1964"
    today.click()  # 2021/..: to the present, not past it
    expect(page.locator("#hm-year-output")).to_have_text(f"2021 – {LAST}")
    expect(war).to_have_attribute("aria-pressed", "false")
    type_year(page, "from", "1963")  # any other range presses none
    expect(today).to_have_attribute("aria-pressed", "false")
    other = "en" if lang == "vi" else "vi"
    page.locator(f"button[data-lang='{other}']").click()
    expect(page.locator("#hm-eras button").first).to_have_text(ERAS[0]["label"][other])


def _pixel(page, selector: str, fraction: float) -> tuple[int, int, int]:
    from PIL import Image

    shot = Image.open(io.BytesIO(page.locator(selector).screenshot())).convert("RGB")
    return shot.getpixel((round((shot.width - 1) * fraction), shot.height // 2))


@VIEWPORTS
def test_both_sliders_highlight_the_chosen_years_only(years_maps, open_page, viewport):
    page = opened(open_page, years_maps, viewport, "en")
    type_year(page, "from", "1500")
    type_year(page, "to", "1800")
    page.locator("#hm-year-to-input").blur()
    page.wait_for_timeout(100)
    gold = (0xF2, 0xC1, 0x4E)
    for selector in ("#hm-year-from", "#hm-year-to"):
        left, right = _pixel(page, selector, 0.02), _pixel(page, selector, 0.98)
        assert left != gold and right != gold, selector  # years left out: not coloured
        middle = _pixel(page, selector, (1650 - FIRST) / (LAST - FIRST))
        assert max(abs(a - b) for a, b in zip(middle, gold, strict=True)) < 40, (selector, middle)


@VIEWPORTS
@LANGS
def test_unknown_start_and_ongoing_periods_filter_as_what_they_are(
    years_maps, open_page, viewport, lang
):
    page = opened(open_page, years_maps, viewport, lang)
    names = {key: value[lang] for key, value in NAMES.items()}
    type_year(page, "from", "1883")
    type_year(page, "to", "1900")
    # 1883/.. reaches every year from 1883; /.. is not "always"; /1972 is 1972 alone
    assert listed(page) == {names["lighthouse"]}
    note = page.locator("#hm-year-note")
    expect(note).to_be_visible()
    assert "1" in note.inner_text() and str(LAST) in note.inner_text()
    type_year(page, "from", "1972")
    type_year(page, "to", "1972")
    assert listed(page) == {names["lighthouse"], names["pit-head"]}
    type_year(page, "to", str(LAST))  # today: the plant of unknown date, still working
    assert names["screening-plant"] in listed(page)
    expect(note).to_be_hidden()


@LANGS
def test_popups_read_unknown_and_open_periods_in_the_page_language(years_maps, open_page, lang):
    page = opened(open_page, years_maps, DESKTOP, lang)
    expected = {
        "screening-plant": {
            "vi": "chưa rõ thời điểm bắt đầu, vẫn còn đến nay",
            "en": "start unknown, still ongoing today",
        },
        "lighthouse": {"vi": "từ 1883 đến nay", "en": "since 1883"},
        "pit-head": {"vi": "chưa rõ thời điểm bắt đầu – 1972", "en": "start unknown – 1972"},
    }
    for site, label in expected.items():
        page.locator(".hm-site-button", has_text=NAMES[site][lang]).click()
        popup = page.locator(".leaflet-popup-content .hm-popup")
        expect(popup).to_contain_text(label[lang])


def _axe(page, include: list[str] | None = None) -> list[dict]:
    """axe's violations (WCAG 2.2 AA tags) in the page, or in the ``include`` parts."""
    page.add_script_tag(path=str(AXE))
    context = {"include": [[selector] for selector in include]} if include else "document"
    result = page.evaluate(
        "([context, tags]) => axe.run(context, {runOnly: {type: 'tag', values: tags}})",
        [context, AXE_TAGS],
    )
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


#: What this feature draws: the year control, the region timeline, a popup's timeline.
#: (The rest of the page has its own axe tests.)
TIMELINE_PARTS = ["#hm-years", "#hm-region", ".leaflet-popup-content .hm-timeline"]


@VIEWPORTS
@LANGS
def test_axe_finds_nothing_in_the_year_control_and_open_timelines(
    built_maps, open_page, viewport, lang
):
    page = opened(open_page, built_maps, viewport, lang)
    page.locator("#hm-region-toggle").click()
    expect(page.locator("#hm-region-body")).to_be_visible()
    page.locator("#hm-year-from-input").fill("1954")
    page.locator("#hm-year-from-input").press("Enter")
    page.locator(".hm-site-button").first.click()  # a popup with its site's timeline
    page.wait_for_selector(".leaflet-popup-content .hm-timeline")
    violations = _axe(page, TIMELINE_PARTS)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)


def test_back_to_a_page_shows_its_controls_as_the_map_is(built_maps, open_page):
    # Chromium put back the years typed and the layer box unticked before leaving, while
    # the page started afresh: "to 2015" and an unticked layer beside every site shown
    page = open_page(built_maps / "index.html").page
    state = """() => ({
      to: document.getElementById("hm-year-to-input").value,
      slider: document.getElementById("hm-year-to").value,
      shown: document.getElementById("hm-year-output").textContent,
      boxes: [...document.querySelectorAll(".hm-legend input[type=checkbox]")]
        .map((b) => b.checked),
      sites: document.querySelectorAll(".hm-site-button").length,
    })"""
    start = page.evaluate(state)
    page.fill("#hm-year-to-input", "1960")
    page.press("#hm-year-to-input", "Enter")
    page.locator(".hm-legend input[type=checkbox]").first.uncheck()
    changed = page.evaluate(state)
    assert changed["to"] == "1960" and not changed["boxes"][0]
    assert changed["sites"] < start["sites"]
    page.locator("a[href='story.html']").first.click()
    page.wait_for_selector("#hm-story[data-step]")
    page.go_back()
    page.wait_for_selector(".hm-site-button")
    page.wait_for_timeout(300)
    back = page.evaluate(state)
    assert back == start  # the controls as the map is: afresh, both
