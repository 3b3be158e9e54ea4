"""The story pages as files: their names, the links to them, what a rebuild removes, and
their data (the tour's stops and legs as tour_routes measures them, each event of the
region's story told once, in its era)."""

from __future__ import annotations

import json

import pytest

from heritage_mapper import load_geodata
from heritage_mapper.errors import UsageError
from heritage_mapper.model import INDEX_PAGE, PAGE_SUFFIX, STORY_PAGE, TOUR_PAGE_PREFIX
from heritage_mapper.render import build_maps, page_names, render_pages
from heritage_mapper.tours import tour_routes

from .browser_support import GEODATA


def page_data(html: str) -> dict:
    start = html.index('<script type="application/json" id="hm-data">') + len(
        '<script type="application/json" id="hm-data">'
    )
    return json.loads(html[start : html.index("</script>", start)])


@pytest.fixture(scope="module")
def geodata():
    return load_geodata(GEODATA)


@pytest.fixture(scope="module")
def pages(geodata):
    return render_pages(geodata)


def test_page_names_end_with_the_story_and_one_page_per_tour(geodata):
    names = page_names(geodata)
    tours = [TOUR_PAGE_PREFIX + tour.id + PAGE_SUFFIX for tour in geodata.tours]
    layers = [spec.id + PAGE_SUFFIX for spec in geodata.project.layers]
    assert names == [INDEX_PAGE, *layers, STORY_PAGE, *tours]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("layer_id", ["story", "tour-resistance-around-quang-yen"])
def test_a_layer_id_that_would_overwrite_a_story_page_is_refused(geodata_copy, layer_id):
    project_file = geodata_copy / "project.json"
    project = json.loads(project_file.read_text(encoding="utf-8"))
    project["layers"][0]["id"] = layer_id
    project_file.write_text(json.dumps(project, ensure_ascii=False), encoding="utf-8")
    from heritage_mapper.model import read_project

    layers = read_project(geodata_copy).layers
    assert layers[0].id == layer_id
    geodata = load_geodata(GEODATA)
    fake = type("G", (), {"project": read_project(geodata_copy), "tours": geodata.tours})()
    with pytest.raises(UsageError, match="tour or story page"):
        page_names(fake)


def test_a_removed_tour_loses_its_page_on_rebuild(geodata_copy, tmp_path):
    out = tmp_path / "maps"
    build_maps(load_geodata(geodata_copy), out)
    tours_file = geodata_copy / "tours.json"
    tours = json.loads(tours_file.read_text(encoding="utf-8"))
    removed = tours["tours"].pop()["id"]
    tours_file.write_text(json.dumps(tours, ensure_ascii=False), encoding="utf-8")
    gone = out / (TOUR_PAGE_PREFIX + removed + PAGE_SUFFIX)
    assert gone.exists()
    build_maps(load_geodata(geodata_copy), out)
    assert not gone.exists()
    assert (out / STORY_PAGE).exists()
    index = (out / INDEX_PAGE).read_text(encoding="utf-8")
    assert gone.name not in index  # nor linked from any page


def test_every_page_links_to_the_story_and_the_tours(geodata, pages):
    for name, html in pages.items():
        links = page_data(html)["page"]["links"]
        hrefs = [link["href"] for link in links]
        assert hrefs == page_names(geodata)
        assert [link["href"] for link in links if link["current"]] == [name]


def test_tour_page_data_matches_tour_routes(geodata, pages):
    for route in tour_routes(geodata):
        story = page_data(pages[TOUR_PAGE_PREFIX + route.id + PAGE_SUFFIX])["story"]
        assert story["kind"] == "tour"
        assert abs(story["distance"] - route.distance_m) <= 0.1
        assert story["visitMinutes"] == route.visit_minutes
        assert [s["name"]["en"] for s in story["stops"]] == [s.name["en"] for s in route.stops]
        for leg, shown in zip(route.legs, story["legs"], strict=True):
            assert abs(shown["distance"] - leg.distance_m) <= 0.1
            assert shown["straight"] == leg.straight and shown["mode"] == leg.mode


def test_story_tells_every_event_once_in_era_order(geodata, pages):
    data = page_data(pages[STORY_PAGE])
    story = data["story"]
    assert [step["label"]["en"] for step in story["steps"]] == [
        era.label["en"] for era in geodata.project.eras
    ]
    told = [e for step in story["steps"] for e in step["events"]]
    assert sorted(told) == list(range(len(data["events"]["start"])))
    for k, step in enumerate(story["steps"]):
        starts = [data["events"]["start"][e] for e in step["events"]]
        assert starts == sorted(starts)
        first = step["years"][0]
        if k:  # only the first era takes what starts before every era
            assert all(first is None or s >= first for s in starts)


def test_story_pages_are_deterministic(geodata, pages):
    again = render_pages(geodata)
    for name in [STORY_PAGE] + [n for n in pages if n.startswith(TOUR_PAGE_PREFIX)]:
        assert again[name] == pages[name]


def test_an_era_outside_the_data_with_nothing_to_tell_has_no_step(geodata_copy):
    """An era wholly before or after every dated fact has no button on the map; the
    story gave it an empty step all the same ("Future", nothing on the map)."""
    project_file = geodata_copy / "project.json"
    project = json.loads(project_file.read_text(encoding="utf-8"))
    long_ago = {"id": "long-ago", "label": {"vi": "Xưa", "en": "Long ago"}, "period": "1700/1800"}
    future = {"id": "future", "label": {"vi": "Tương lai", "en": "Future"}, "period": "2040/.."}
    project["eras"] = [long_ago, *project["eras"], future]
    project_file.write_text(json.dumps(project, ensure_ascii=False), encoding="utf-8")
    data = page_data(render_pages(load_geodata(geodata_copy))[STORY_PAGE])
    labels = [step["label"]["en"] for step in data["story"]["steps"]]
    assert labels == [era["label"]["en"] for era in data["eras"]]  # the map's buttons
    assert "Long ago" not in labels and "Future" not in labels
    assert all(step["events"] for step in data["story"]["steps"])
    told = sorted(e for step in data["story"]["steps"] for e in step["events"])
    assert told == list(range(len(data["events"]["start"])))
