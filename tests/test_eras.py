"""Named eras (project.json ``eras``): validated, clamped to a page's years, offered
as shortcut buttons by the year control (the browser side: test_browser_years.py)."""

from __future__ import annotations

import json

import pytest

from heritage_mapper import load_geodata
from heritage_mapper.join import join
from heritage_mapper.render.data import page_records
from heritage_mapper.validate import validate_geodata

from .browser_support import GEODATA
from .fixtures import make_geodata

ERAS = [
    {"id": "before", "label": {"vi": "Trước đó", "en": "Before"}, "period": "1800/1850"},
    {"id": "war", "label": {"vi": "Chiến tranh", "en": "War"}, "period": "1964/1972"},
    {"id": "early", "label": {"vi": "Từ xưa", "en": "Of old"}, "period": "../1956"},
    {"id": "today", "label": {"vi": "Ngày nay", "en": "Today"}, "period": "1968/.."},
    {"id": "plan", "label": {"vi": "Kế hoạch", "en": "Plan"}, "period": "2020/2030"},
]


def with_eras(folder, eras):
    path = folder / "project.json"
    project = json.loads(path.read_text(encoding="utf-8"))
    project["eras"] = eras
    path.write_text(json.dumps(project, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder


def test_eras_are_clamped_to_the_page_years_and_outside_ones_left_out(tmp_path):
    geodata = load_geodata(with_eras(make_geodata(tmp_path), ERAS))
    layers = [layer.id for layer in geodata.project.layers]
    records = page_records(join(geodata), layers, languages=["vi", "en"])
    first, last = records["years"]
    assert records["eras"] == [
        {"label": {"vi": "Chiến tranh", "en": "War"}, "years": [1964, 1972]},
        {"label": {"vi": "Từ xưa", "en": "Of old"}, "years": [first, 1956]},
        {"label": {"vi": "Ngày nay", "en": "Today"}, "years": [1968, last]},
        {"label": {"vi": "Kế hoạch", "en": "Plan"}, "years": [2020, last]},  # not to 2030
    ]  # 1800/1850 lies before the first year: no button that selects nothing


@pytest.mark.parametrize(
    ("period", "message"),
    [("1964/19", "is not an EDTF date"), ("/..", "has no known year"), ("1972/1964", "ends")],
)
def test_an_era_without_a_known_year_is_a_located_error(tmp_path, period, message):
    eras = [*ERAS[:1], {"id": "bad", "label": {"en": "Bad"}, "period": period}]
    report = validate_geodata(with_eras(make_geodata(tmp_path), eras))
    (problem,) = [p for p in report.problems if p.code == "project-era-period-invalid"]
    assert problem.severity == "error" and message in problem.message
    assert problem.location.pointer == "/eras/1/period"


def test_the_quang_ninh_eras_are_offered_in_both_languages():
    geodata = load_geodata(GEODATA)
    layers = [layer.id for layer in geodata.project.layers]
    records = page_records(join(geodata), layers, languages=["vi", "en"])
    labels = [era["label"]["en"] for era in records["eras"]]
    assert labels[0] == "French occupation" and labels[-1] == "Today"
    assert {
        "label": {"vi": "Chiến tranh 1964–1972", "en": "War, 1964–1972"},
        "years": [1964, 1972],
    } in records["eras"]
    assert records["eras"][-1]["years"][1] == records["years"][1]  # today: to the present


def test_an_era_id_given_twice_is_a_located_error(tmp_path):
    # accepted, it gave the story page two steps of one era
    eras = [*ERAS, {**ERAS[0], "period": "1990/1999"}]
    report = validate_geodata(with_eras(make_geodata(tmp_path), eras))
    (problem,) = [p for p in report.problems if p.code == "project-era-id-duplicate"]
    assert problem.severity == "error" and problem.location.pointer == f"/eras/{len(ERAS)}/id"
    assert f"{ERAS[0]['id']!r} is already the id of era 0" in problem.message


def test_an_event_starting_in_no_era_is_a_warning_on_its_row(tmp_path):
    # the story page tells such an event in the era before it (1960 in the war of
    # 1964-1972 here had it no era before): said by nothing until now
    eras = [
        {
            "id": "liberation",
            "label": {"vi": "Giải phóng", "en": "Liberation"},
            "period": "1954/1955",
        },
        {"id": "war", "label": {"vi": "Chiến tranh", "en": "War"}, "period": "1964/1972"},
    ]
    folder = with_eras(make_geodata(tmp_path), eras)
    report = validate_geodata(folder)
    found = [p for p in report.problems if p.code == "event-outside-eras"]
    assert [p.location.feature_id for p in found] == ["ev-1960-lighthouse-in-service"]
    (problem,) = found
    assert problem.severity == "warning" and problem.location.column_name == "date"
    assert "starts in 1960, which no era of project.json holds" in problem.message
    assert problem.path == str(folder / "events.csv") and problem.location.row is not None
    assert report.error_count == 0  # a warning: the folder still builds
    # every event inside an era (an open one holds the rest): nothing to say
    eras.append({"id": "after", "label": {"vi": "Sau", "en": "After"}, "period": "1956/.."})
    report = validate_geodata(with_eras(folder, eras))
    assert not [p for p in report.problems if p.code == "event-outside-eras"]
