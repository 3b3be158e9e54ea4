"""The small fixture folder (tests/fixtures.py) is valid for any languages: no findings at all."""

from __future__ import annotations

import pytest

from heritage_mapper import join, load_geodata, validate_geodata

from .fixtures import EVENTS, SITES, make_geodata


@pytest.mark.parametrize("languages", [("vi", "en"), ("vi", "en", "fr"), ("en",)])
def test_the_fixture_validates_with_no_errors_and_no_warnings(tmp_path, languages):
    report = validate_geodata(make_geodata(tmp_path, languages=languages))
    assert list(report.problems) == [], report.to_text()
    assert report.error_count == 0 and report.warning_count == 0


@pytest.mark.parametrize("languages", [("vi", "en"), ("vi", "en", "fr")])
def test_the_fixture_loads_every_site_and_event(tmp_path, languages):
    data = load_geodata(make_geodata(tmp_path, languages=languages), strict=True)
    assert sorted(data.sites["id"]) == sorted(s["id"] for s in SITES)
    assert list(data.events["id"]) == [e["id"] for e in EVENTS]
    assert f"title_{languages[-1]}" in data.events.columns
    assert join(data).region_event_ids == ["ev-1954-ceasefire"]
