"""The region timeline (events that name no site) in a real Chromium, opened from disk."""

# The browser fixtures are imported from browser_support and used as arguments.
# ruff: noqa: F401, F811

from __future__ import annotations

import pandas as pd
import pytest
from playwright.sync_api import expect

from heritage_mapper import load_geodata
from heritage_mapper.dates import format_edtf
from heritage_mapper.join import timeline_order
from heritage_mapper.render import build_maps

from .browser_support import DESKTOP, GEODATA, PHONE, browser, built_maps, copy_geodata, open_page

BOMBING = "ev-1964-1972-bombing"
HOSTILE = ("<img src=x onerror=alert(5)>", "</script><script>alert(6)</script>")
SOURCE_VI = "Tư liệu kỷ niệm 70 năm Giải phóng Vùng mỏ (1955–2025)"
TAB_LIMIT = 40  # Tab presses allowed to reach the region timeline from the top of the page


@pytest.fixture(scope="module")
def geodata():
    return load_geodata(GEODATA)


@pytest.fixture(scope="module")
def region(geodata):
    """The events that name no site, in timeline order (what the panel must list)."""
    ordered = timeline_order(geodata.events)
    return ordered[[not ids for ids in ordered["site_ids"]]].reset_index(drop=True)


@pytest.fixture
def index(built_maps, open_page):
    return open_page(built_maps / "index.html")


def open_region(page):
    toggle = page.locator("#hm-region-toggle")
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    expect(page.locator("#hm-region-body")).to_be_visible()


def region_titles(page) -> list[str]:
    return page.locator("#hm-region-events .hm-event-title").all_text_contents()


def set_years(page, first, last):
    page.locator("#hm-year-from").fill(str(first))
    page.locator("#hm-year-to").fill(str(last))
    page.wait_for_timeout(250)


def overlaps(row, first, last) -> bool:
    """What the page does: an event shows when [start, end] meets the years (NaT = open)."""
    start, end = row["date_start"], row["date_end"]
    return (pd.isna(start) or start.year <= last) and (pd.isna(end) or end.year >= first)


def test_region_timeline_lists_every_event_without_a_site_in_date_order(index, region):
    page = index.page
    toggle = page.locator("#hm-region-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.locator("#hm-region-count").inner_text() == f"{len(region)} sự kiện"
    open_region(page)
    assert toggle.get_attribute("aria-expanded") == "true"
    assert region_titles(page) == list(region["title_vi"])
    dates = page.locator("#hm-region-events .hm-event-date").all_text_contents()
    assert dates == [format_edtf(d, "vi") for d in region["date"]]
    assert dates[0] == "khoảng 1883 – 24/4/1955"
    first = page.locator("#hm-region-events .hm-event").first
    assert first.locator(".hm-event-summary").inner_text() == region["summary_vi"][0]
    cite = first.locator(".hm-cite").inner_text()
    assert cite == f"Nguồn: {SOURCE_VI}, đoạn {region['paragraph'][0]}"
    assert index.errors == []


def test_year_range_hides_the_2025_region_events_and_keeps_1964_1972(index, region):
    page = index.page
    open_region(page)
    set_years(page, 1954, 1972)
    assert page.locator("#hm-year-output").inner_text() == "1954 – 1972"
    titles = region_titles(page)
    expected = [row["title_vi"] for _, row in region.iterrows() if overlaps(row, 1954, 1972)]
    assert titles == expected
    bombing = region.loc[region["id"] == BOMBING, "title_vi"].item()
    assert bombing in titles
    later = region.loc[region["date_start"].dt.year >= 2021, "title_vi"]
    assert len(later) == 5 and not set(later) & set(titles)
    hidden = len(region) - len(expected)
    note = page.locator("#hm-region-events .hm-note").inner_text()
    assert note == f"Còn {hidden} sự kiện ngoài khoảng năm đã chọn."
    assert (
        page.locator("#hm-region-count").inner_text()
        == f"{len(expected)} trên {len(region)} sự kiện"
    )
    set_years(page, 2025, 2025)  # the 2021/2025 span stays with the 2025 events
    expected = [row["title_vi"] for _, row in region.iterrows() if overlaps(row, 2025, 2025)]
    assert region_titles(page) == expected and bombing not in expected
    span = region.loc[region["id"] == "ev-2021-2025-provincial-models", "title_vi"].item()
    assert span in expected


def test_year_range_starts_at_the_first_region_event(index, geodata):
    # and ends at 2025, the latest year something starts in: not at a plan's 2030
    years = index.page.locator("#hm-year-from")
    assert (years.get_attribute("min"), years.get_attribute("max")) == ("1883", "2025")
    assert index.page.locator("#hm-year-output").inner_text() == "1883 – 2025"
    years.focus()
    index.page.keyboard.press("ArrowRight")
    assert years.input_value() == "1884"  # one year per step, across the wider range


def test_language_switch_changes_the_heading_dates_and_citations(index, region):
    page = index.page
    open_region(page)
    heading = page.locator("#hm-region-heading .hm-region-title")
    assert heading.inner_text() == "Dòng thời gian toàn vùng"
    page.locator("button[data-lang='en']").click()
    assert heading.inner_text() == "Region timeline"
    assert page.locator("#hm-region-count").inner_text() == f"{len(region)} events"
    assert region_titles(page) == list(region["title_en"])
    dates = page.locator("#hm-region-events .hm-event-date").all_text_contents()
    assert dates == [format_edtf(d, "en") for d in region["date"]]
    assert dates[0] == "about 1883 – 24 April 1955"
    cite = page.locator("#hm-region-events .hm-cite").first.inner_text()
    assert cite.startswith("Source: Material for the 70th anniversary")
    assert cite.endswith(f", paragraph {region['paragraph'][0]}")
    page.locator("button[data-lang='vi']").click()
    assert heading.inner_text() == "Dòng thời gian toàn vùng"
    assert region_titles(page)[0] == region["title_vi"][0]


def test_region_timeline_works_with_the_keyboard_alone(index, region):
    page = index.page
    for _ in range(TAB_LIMIT):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "hm-region-toggle":
            break
    else:
        pytest.fail("Tab never reached the region timeline")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused toggle needs a visible focus ring"
    assert page.evaluate("document.activeElement.closest('h2') !== null")
    page.keyboard.press("Enter")
    expect(page.locator("#hm-region-body")).to_be_visible()
    assert len(region_titles(page)) == len(region)
    page.keyboard.press("Tab")  # into the scrollable list of events
    assert page.evaluate("document.activeElement.id") == "hm-region-body"
    page.keyboard.press("End")
    page.wait_for_timeout(200)
    assert page.evaluate("document.getElementById('hm-region-body').scrollTop") > 0
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")
    expect(page.locator("#hm-region-body")).to_be_hidden()
    assert page.locator("#hm-region-toggle").get_attribute("aria-expanded") == "false"


def test_every_layer_page_has_the_same_region_timeline(built_maps, open_page, geodata, region):
    for spec in geodata.project.layers:
        opened = open_page(built_maps / f"{spec.id}.html")
        open_region(opened.page)
        assert region_titles(opened.page) == list(region["title_vi"]), spec.id
        assert opened.errors == [], spec.id


def test_hostile_region_event_text_shows_literally(tmp_path, open_page):
    geodata = copy_geodata(GEODATA, tmp_path / "geodata")
    events = geodata / "events.csv"
    text = events.read_text(encoding="utf-8")
    text = text.replace("Ký Hiệp định Giơ-ne-vơ", HOSTILE[0])
    text = text.replace("Quảng Ninh dưới bom đạn Mỹ, 1964–1972", HOSTILE[1])
    events.write_text(text, encoding="utf-8")
    build_maps(load_geodata(geodata), tmp_path / "maps")
    opened = open_page(tmp_path / "maps" / "index.html")
    open_region(opened.page)
    titles = region_titles(opened.page)
    assert HOSTILE[0] in titles and HOSTILE[1] in titles
    assert opened.page.locator("#hm-region-events img").count() == 0
    assert opened.dialogs == [] and opened.errors == []


def test_region_screenshots_on_desktop_and_phone(built_maps, open_page, tmp_path):
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        opened = open_page(built_maps / "index.html", viewport)
        open_region(opened.page)
        shot = tmp_path / f"region-{name}.png"
        opened.page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000
        assert opened.errors == []
    map_box = opened.page.locator("#hm-map-wrap").bounding_box()
    timeline = opened.page.locator("#hm-region").bounding_box()
    assert timeline["y"] >= map_box["y"] + map_box["height"] - 1, "on a phone it is below the map"
