"""The years a page filters by: open, unknown and no-year dates, and the range's end."""

from __future__ import annotations

import pytest

from heritage_mapper import load_geodata
from heritage_mapper.join import join
from heritage_mapper.render.data import page_records

from .fixtures import EVENTS, SITES, make_geodata


def _site(site_id: str, period: str) -> dict:
    (site,) = [s for s in SITES if s["id"] == site_id]
    return {**site, "period": period}


def _event(event_id: str, **changes) -> dict:
    (event,) = [e for e in EVENTS if e["id"] == event_id]
    return {**event, **changes}


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    sites = [
        _site("old-pier", "1955-04-25"),  # filtered by its event
        _site("lighthouse", "1959/.."),  # open end: every year from 1959
        _site("screening-plant", "/.."),  # no known year, still today
        _site("pit-head", "/1972"),  # unknown start: 1972 alone
    ]
    events = [
        _event("ev-1954-ceasefire"),
        _event("ev-1955-pier-rally"),
        _event("ev-1970-record", id="ev-2025-plan", date="2025/2030", site_ids=""),
        _event("ev-1965-shift", id="ev-1900-before", date="../1900", site_ids=""),
    ]
    folder = make_geodata(tmp_path_factory.mktemp("years"), sites=sites, events=events)
    geodata = load_geodata(folder)
    layers = [layer.id for layer in geodata.project.layers]
    return page_records(join(geodata), layers, languages=["vi", "en"])


def _span(columns: dict, key: str) -> tuple:
    i = columns["id"].index(key)
    return columns["start"][i], columns["end"][i]


def test_each_kind_of_end_gives_the_years_it_is_known_to_cover(records):
    sites, events = records["sites"], records["events"]
    assert _span(sites, "lighthouse") == (1959, None)  # open end: matches to today
    assert _span(sites, "pit-head") == (1972, 1972)  # unknown start: the known year only
    assert _span(events, "ev-1900-before") == (None, 1900)  # open start
    assert _span(events, "ev-2025-plan") == (2025, 2030)


def test_a_date_with_no_known_year_counts_for_the_present_year_only(records):
    # /..: start unknown, still today. It is not "always": the present is 2025, the
    # latest year something starts in (the plan's 2030 end does not count)
    assert _span(records["sites"], "screening-plant") == (2025, None)
    assert records["undated"] == 1


def test_the_year_range_ends_at_the_present_not_at_a_planned_year(records):
    # from the earliest known year (1900: the open-start event's end; the ceasefire
    # 1954) to 2025, not 2030
    assert records["years"] == [1900, 2025]


def test_the_page_and_the_exports_share_one_present_year(records, tmp_path):
    from heritage_mapper.dates import present_year

    from .browser_support import GEODATA

    texts = [e["date"] for e in EVENTS] + [s["period"] for s in SITES]
    geodata = load_geodata(make_geodata(tmp_path))
    page = page_records(
        join(geodata), [layer.id for layer in geodata.project.layers], languages=["vi", "en"]
    )
    # the screening plant's /2025 period: 2025 had come, although its site's events
    # are earlier; the range ends there on every page
    assert page["years"][1] == present_year(texts) == 2025
    real = load_geodata(GEODATA)
    page = page_records(join(real), [layer.id for layer in real.project.layers], languages=["vi"])
    texts = list(real.events["date"]) + list(real.sites["period"])
    assert page["years"][1] == present_year(texts)
