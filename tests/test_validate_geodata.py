"""The project validator on folders broken one mistake at a time, and on the real geodata.

Data: the small fixture folder (tests/fixtures.py) for every mistake, since the
findings do not depend on the content; the real geodata/ only for "it validates clean".
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from heritage_mapper.cli import main
from heritage_mapper.validate import validate_geodata

from .conftest import GEODATA, SHARED
from .fixtures import SOURCE_FILE, SOURCE_PARAGRAPHS, make_geodata, read_events, write_events

LAYER = "layers/harbour.geojson"  # old-pier (0) and lighthouse (1)
TWO_SITES = "layers/mines.geojson"  # screening-plant (0) and pit-head (1)


@pytest.fixture
def small(tmp_path):
    """The small fixture folder, written afresh for each test (tests may break it)."""
    return make_geodata(tmp_path)


def run_validate(folder, *extra):
    result = CliRunner().invoke(
        main, ["validate", "--geodata", str(folder), "--format", "json", *extra]
    )
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def problems_of(result):
    doc = json.loads(result.output)
    return [(f["path"], p) for f in doc["files"] for p in f["problems"]]


def find(result, code):
    found = [(path, p) for path, p in problems_of(result) if p["code"] == code]
    assert found, f"no {code} in {result.output}"
    return found[0]


def edit_json(path, change):
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")


SOURCES = SHARED / "sources"


def edit_events(folder, old, new):
    path = folder / "events.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_real_geodata_has_no_errors():
    report = validate_geodata(GEODATA, sources_dir=SOURCES)
    assert report.error_count == 0, report.to_text()
    assert report.warning_count == 0, report.to_text()


def test_real_geodata_validates_clean_from_the_cli_in_strict_mode():
    """With the texts named by the person running, as the README's first command does."""
    command = ["validate", "--geodata", str(GEODATA), "--strict", "--sources-dir", str(SOURCES)]
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output


def test_real_geodata_without_its_texts_says_they_were_not_read():
    """geodata/project.json names ../../shared/sources: outside, so only a warning."""
    report = validate_geodata(GEODATA)
    assert report.error_count == 0, report.to_text()
    assert [p.code for p in report.problems] == ["sources-dir-outside"]


@pytest.mark.parametrize("command", ["validate", "build", "export", "tiles", "print"])
def test_a_sources_dir_option_naming_no_folder_is_refused(small, tmp_path, monkeypatch, command):
    # a typo in --sources-dir was taken silently: no paragraph was checked, exit 0
    here = tmp_path / "here"  # where the default outputs would go
    here.mkdir()
    monkeypatch.chdir(here)
    args = [command, "--geodata", str(small), "--sources-dir", str(tmp_path / "nope")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "--sources-dir" in result.output and "does not exist" in result.output
    assert list(here.iterdir()) == []  # nothing written


def test_a_sources_folder_that_is_not_there_is_a_warning(small, tmp_path):
    report = validate_geodata(small, sources_dir=tmp_path / "nope")
    (found,) = [p for p in report.problems if p.code == "sources-dir-missing"]
    assert found.severity == "warning" and found.path == str(tmp_path / "nope")
    assert "were not checked" in found.message

    def elsewhere(doc):
        doc["sources_dir"] = "texts-not-here"

    edit_json(small / "project.json", elsewhere)
    result = run_validate(small)
    assert result.exit_code == 0
    _, problem = find(result, "sources-dir-missing")
    assert problem["location"]["pointer"] == "/sources_dir"


def test_an_empty_file_is_told_what_its_kind_holds(small):
    # a layer file named .json is GeoJSON too; project.json is not
    (small / "layers" / "harbour.json").write_text("")
    edit_json(small / "project.json", lambda d: d["layers"][0].update(file="layers/harbour.json"))
    _, problem = find(run_validate(small), "json-empty")
    assert '{"type": "FeatureCollection", "features": []}' in problem["message"]
    (small / "project.json").write_text("")
    _, problem = find(run_validate(small), "json-empty")
    assert "FeatureCollection" not in problem["message"]
    assert "README's data model" in problem["message"]


def _broken_json(folder):
    path = folder / LAYER
    path.write_text(path.read_text(encoding="utf-8")[:-40], encoding="utf-8")


def _swapped(folder):
    edit_json(
        folder / LAYER, lambda d: d["features"][0]["geometry"].update(coordinates=[20.95, 107.08])
    )


def _duplicate_id(folder):
    def change(doc):
        doc["features"][1]["id"] = doc["features"][1]["properties"]["id"] = "screening-plant"

    edit_json(folder / TWO_SITES, change)


def _dangling(folder):
    edit_events(folder, ",old-pier,", ",old-peir,")


def _bad_edtf(folder):
    edit_events(folder, "ev-1965-shift,1965-12,", "ev-1965-shift,1965-13,")


def _missing_field(folder):
    edit_json(folder / LAYER, lambda d: d["features"][0]["properties"].pop("name_en"))


def _nfd(folder):
    def change(doc):
        props = doc["features"][0]["properties"]
        props["name_vi"] = unicodedata.normalize("NFD", props["name_vi"])

    edit_json(folder / LAYER, change)


def _bom(folder):
    path = folder / LAYER
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())


def _empty(folder):
    (folder / LAYER).write_bytes(b"")


def _non_utf8(folder):
    path = folder / LAYER
    path.write_bytes(path.read_bytes().replace("Hòn Nét".encode(), "Hòn Nét".encode("latin-1"), 1))


def _latitude_200(folder):
    edit_json(
        folder / LAYER, lambda d: d["features"][0]["geometry"].update(coordinates=[107.08, 200.0])
    )


def _type_in_a_list(folder):
    # a layer of points but one whose type is ["Point"]: the region check's fast path
    # put the types in a set and stopped with "unhashable type: 'list'" (exit 3)
    edit_json(folder / LAYER, lambda d: d["features"][0]["geometry"].update(type=["Point"]))


# (mistake, file, code, expected location fields, extra CLI args)
BROKEN = {
    "broken-json": (_broken_json, LAYER, "json-syntax", {"line": int, "column": int}, ()),
    "swapped-lat-lon": (
        _swapped,
        LAYER,
        "coordinates-swapped",
        {
            "pointer": "/features/0/geometry/coordinates",
            "feature_index": 0,
            "feature_id": "old-pier",
            "line": int,
        },
        (),
    ),
    "duplicate-id": (
        _duplicate_id,
        TWO_SITES,
        "site-id-duplicate",
        {"pointer": "/features/1/properties/id", "feature_index": 1, "line": int},
        (),
    ),
    "dangling-site-id": (
        _dangling,
        "events.csv",
        "event-site-unknown",
        {"row": 3, "column_name": "site_ids", "feature_id": "ev-1955-pier-rally"},
        (),
    ),
    "bad-edtf": (
        _bad_edtf,
        "events.csv",
        "event-date-invalid",
        {"row": 5, "column_name": "date"},
        (),
    ),
    "missing-field": (
        _missing_field,
        LAYER,
        "site-property-missing",
        {"pointer": "/features/0/properties", "feature_index": 0, "line": int},
        (),
    ),
    "nfd-text": (
        _nfd,
        LAYER,
        "text-not-nfc",
        {"pointer": "/features/0/properties/name_vi", "feature_index": 0},
        ("--strict",),
    ),
    "bom": (_bom, LAYER, "json-bom", {"line": 1}, ()),
    "empty-file": (_empty, LAYER, "json-empty", {"line": 1}, ()),
    "non-utf8": (_non_utf8, LAYER, "json-encoding", {"line": int, "column": int}, ()),
    "geometry-type-in-a-list": (
        _type_in_a_list,
        LAYER,
        "geojson-type-not-string",
        {"pointer": "/features/0/geometry/type", "feature_index": 0, "line": int},
        (),
    ),
    "latitude-200": (
        _latitude_200,
        LAYER,
        "geojson-position-range",
        {"pointer": "/features/0/geometry/coordinates", "feature_index": 0},
        (),
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_one_mistake_gives_code_location_and_exit_1(small, case):
    mistake, file_name, code, expected, extra = BROKEN[case]
    mistake(small)
    result = run_validate(small, *extra)
    assert result.exit_code == 1, result.output
    path, problem = find(result, code)
    assert path == str(small / file_name)
    assert problem["message"]
    for key, value in expected.items():
        assert key in problem["location"], (key, problem)
        if isinstance(value, type):
            assert isinstance(problem["location"][key], value)
        else:
            assert problem["location"][key] == value, (key, problem)


def test_nfd_text_is_only_a_warning_without_strict(small):
    _nfd(small)
    result = run_validate(small)
    assert result.exit_code == 0, result.output
    _, problem = find(result, "text-not-nfc")
    assert problem["severity"] == "warning"
    assert "NFC" in problem["hint"]


def test_event_outside_site_period_is_a_warning(small):
    edit_events(small, "ev-1955-pier-rally,1955-04-25,", "ev-1955-pier-rally,1956,")
    result = run_validate(small)
    assert result.exit_code == 0
    _, problem = find(result, "event-outside-site-period")
    assert problem["severity"] == "warning"
    assert problem["location"]["row"] == 3


def test_site_outside_region_without_swap_hint(small):
    edit_json(
        small / LAYER,
        lambda d: d["features"][0]["geometry"].update(coordinates=[105.8, 21.0]),
    )  # Hà Nội: a real place, but not in the fixture's region
    result = run_validate(small)
    assert result.exit_code == 1
    find(result, "site-outside-region")
    assert not [p for _, p in problems_of(result) if p["code"] == "coordinates-swapped"]


def test_cited_paragraph_must_exist(small):
    edit_events(small, f"{SOURCE_FILE},9", f"{SOURCE_FILE},{SOURCE_PARAGRAPHS + 1}")
    _, problem = find(run_validate(small), "event-paragraph-missing")
    assert f"{SOURCE_PARAGRAPHS} paragraphs" in problem["message"]
    assert problem["location"]["column_name"] == "paragraph"  # it said 'source'


@pytest.mark.parametrize(
    ("first_period", "outside"),
    [("/2025", False), ("2000", True)],
    ids=["first-holds-the-shift", "first-does-not"],
)
def test_a_repeated_site_id_is_checked_against_its_first_site(small, first_period, outside):
    # pit-head takes screening-plant's id. The duplicate's message names the first
    # site, and the events are checked against that one's period: the 1965 shift is
    # outside 2000, within /2025 and 1964/1972, whichever comes second.
    def change(doc):
        first, second = doc["features"]
        first["properties"]["period"] = first_period
        second["id"] = second["properties"]["id"] = "screening-plant"
        second["properties"]["period"] = "2000" if first_period != "2000" else "1964/1972"

    edit_json(small / TWO_SITES, change)
    result = run_validate(small)
    find(result, "site-id-duplicate")
    found = [p for _, p in problems_of(result) if p["code"] == "event-outside-site-period"]
    assert [p["location"]["feature_id"] for p in found] == (["ev-1965-shift"] if outside else [])


def test_equal_layer_entries_are_each_located_at_their_own_place(small):
    def change(doc):
        doc["layers"][0]["file"] = "../outside.geojson"
        doc["layers"].append(dict(doc["layers"][0]))

    edit_json(small / "project.json", change)
    found = [p for _, p in problems_of(run_validate(small)) if p["code"] == "path-outside-folder"]
    assert [p["location"]["pointer"] for p in found] == ["/layers/0/file", "/layers/2/file"]


def test_unregistered_source_is_an_error(small):
    edit_events(small, f"{SOURCE_FILE},9", "999_unknown.txt,9")
    result = run_validate(small)
    assert result.exit_code == 1
    _, problem = find(result, "event-source-unknown")
    assert problem["location"]["column_name"] == "source"


def test_missing_folder_is_exit_2_with_a_message(tmp_path):
    result = CliRunner().invoke(main, ["validate", "--geodata", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "no such geodata folder" in result.output


def test_text_output_groups_by_file_and_says_how_to_fix(small):
    _swapped(small)
    result = CliRunner().invoke(main, ["validate", "--geodata", str(small)])
    assert result.exit_code == 1
    assert f"{small / LAYER}:" in result.output
    assert "fix: GeoJSON positions are [longitude, latitude]" in result.output


def test_quiet_prints_the_findings_only(small):
    """-q: nothing for a clean folder; for a broken one its findings and summary, no
    "ok" line for the files without any; the exit code as without it."""
    clean = CliRunner().invoke(main, ["validate", "--geodata", str(small), "-q"])
    assert clean.exit_code == 0 and clean.output == ""
    _swapped(small)
    result = CliRunner().invoke(main, ["validate", "--geodata", str(small), "--quiet"])
    assert result.exit_code == 1
    assert f"{small / LAYER}:" in result.output
    assert "fix: GeoJSON positions are [longitude, latitude]" in result.output
    assert ": ok" not in result.output
    assert "error(s)" in result.output.splitlines()[-1]
    loud = CliRunner().invoke(main, ["validate", "--geodata", str(small)])
    assert ": ok" in loud.output


def test_check_quiet_prints_nothing_for_a_valid_file(tmp_path):
    good = tmp_path / "good.geojson"
    good.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
        '"geometry": {"type": "Point", "coordinates": [107.1, 20.9]}}]}',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["check", str(good), "-q"])
    assert result.exit_code == 0 and result.output == ""
    assert ": ok" in CliRunner().invoke(main, ["check", str(good)]).output


def test_nfd_text_spelled_with_escapes_is_still_found(small):
    path = small / LAYER
    doc = json.loads(path.read_text(encoding="utf-8"))
    props = doc["features"][0]["properties"]
    props["name_en"] = unicodedata.normalize("NFD", props["name_en"])
    path.write_text(json.dumps(doc, ensure_ascii=True, indent=2), encoding="utf-8")
    result = run_validate(small)
    pointers = [p["location"]["pointer"] for _, p in problems_of(result)]
    assert pointers == ["/features/0/properties/name_en"], result.output


def test_nfd_text_in_events_is_found_by_row_and_column(small):
    edit_events(small, "Mít tinh ở bến tàu", unicodedata.normalize("NFD", "Mít tinh ở bến tàu"))
    result = run_validate(small)
    path, problem = find(result, "text-not-nfc")
    assert path.endswith("events.csv")
    assert problem["location"]["column_name"] == "title_vi"
    assert problem["location"]["row"] == 3


@pytest.mark.parametrize(
    "text",
    ["", "a", "a\n", "a\r\nb", "a\rb\n", "\n\n", 'x,"q\r\nr"\r\n', "a\u2028b\n", "a\r", "\r\n\r"],
)
def test_csv_lines_are_the_lines_stringio_gives(text):
    import io

    from heritage_mapper.read.csvfile import _csv_lines

    assert list(_csv_lines(text)) == list(io.StringIO(text, newline=""))


def test_an_unreadable_events_file_is_a_finding_not_a_crash(small, monkeypatch):
    import heritage_mapper.read.csvfile as csv_module

    def refuse(path, max_bytes):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(csv_module, "read_bytes_within", refuse)
    result = run_validate(small)
    assert result.exit_code == 1, result.output
    path, problem = find(result, "csv-unreadable")
    assert path == str(small / "events.csv")
    assert "Permission denied" in problem["message"]


def test_a_trailing_newline_does_not_pass_the_slug_pattern(small):
    def change(doc):
        doc["features"][0]["id"] = doc["features"][0]["properties"]["id"] = "old-pier\n"

    edit_json(small / LAYER, change)
    result = run_validate(small)
    assert result.exit_code == 1
    _, problem = find(result, "site-property-invalid")
    assert problem["location"]["pointer"] == "/features/0/properties/id"


# -- a layer id that build refuses is a validate error -----------------------------------


def _rename_first_layer(folder, new_id: str) -> None:
    edit_json(folder / "project.json", lambda d: d["layers"][0].update(id=new_id))


def test_a_layer_id_index_fails_validate_with_a_located_finding(geodata_copy):
    _rename_first_layer(geodata_copy, "index")
    result = run_validate(geodata_copy)
    assert result.exit_code == 1, result.output
    found = [p for _, p in problems_of(result) if p["code"] == "project-layer-id-reserved"]
    assert len(found) == 1, result.output
    path, problem = find(result, "project-layer-id-reserved")
    assert path == str(geodata_copy / "project.json")
    assert problem["severity"] == "error"
    assert problem["location"]["pointer"] == "/layers/0/id"
    assert "index.html" in problem["message"] and problem["hint"]


def test_build_refuses_a_layer_id_index_at_validation_before_writing(geodata_copy, tmp_path):
    _rename_first_layer(geodata_copy, "index")
    out = tmp_path / "maps"
    args = ["build", "--geodata", str(geodata_copy), "--out", str(out), "--no-exports"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert "project-layer-id-reserved" in result.output
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("layer_id", ["index-1955", "indexes", "map-index"])
def test_layer_ids_near_index_pass_validate_and_render(geodata_copy, layer_id):
    from heritage_mapper.frames import load_geodata
    from heritage_mapper.render import page_names

    _rename_first_layer(geodata_copy, layer_id)
    report = validate_geodata(geodata_copy)
    assert "project-layer-id-reserved" not in {p.code for p in report.problems}
    assert report.error_count == 0, report.to_text()
    assert f"{layer_id}.html" in page_names(load_geodata(geodata_copy))


def test_a_date_of_spaces_only_is_an_error_not_a_crash(tmp_path):
    """Found by tests/test_fuzz_project.py: ' ' passed validate and load_geodata failed."""
    from heritage_mapper import load_geodata
    from heritage_mapper.errors import ValidationFailed

    from .fixtures import make_geodata, set_event

    folder = make_geodata(tmp_path)
    set_event(folder, "ev-1954-ceasefire", date=" ")
    report = validate_geodata(folder)
    (found,) = [p for p in report.problems if p.code == "event-date-invalid"]
    assert found.location.column_name == "date" and "blank" in found.message
    with pytest.raises(ValidationFailed):
        load_geodata(folder)


def _event_mistakes(folder, text_mistakes: bool = False) -> None:
    """Clean rows and one row per event mistake, some repeated (the caches' second use);
    with ``text_mistakes``, also cells that are not NFC or hold control characters."""
    rows = read_events(folder)
    good = rows[1]
    variants = [
        {"date": "1955-02-30"},
        {"date": "banana"},
        {"date": "   "},
        {"date": ""},
        {"date": "1964/1960"},
        {"date": "1886?/.."},
        {"site_ids": "no-such-site"},
        {"site_ids": "old-pier;old-pier"},
        {"site_ids": " old-pier "},
        {"site_ids": "old-pier;;lighthouse"},
        {"site_ids": ""},
        {"id": rows[0]["id"]},
        {"id": "Bad Id"},
        {"id": ""},
        {"source": "nosuch.txt"},
        {"source": ""},
        {"paragraph": "99999"},
        {"paragraph": "1234567890123"},
        {"paragraph": "x"},
        {"title_vi": ""},
        {"date": "1700"},
    ]
    if text_mistakes:
        variants += [
            {"title_en": unicodedata.normalize("NFD", "Rallý")},
            {"summary_vi": "a\x0bb"},
            {"summary_en": "nul\x00"},
            {"title_vi": "c1\x85"},
        ]
    extra = []
    for n, change in enumerate(variants * 2):
        extra.append({**good, "id": f"ev-extra-{n}", **change})
        extra.append({**good, "id": f"ev-clean-{n}"})
    extra.append({**good, "id": "ev-extra-0"})  # an id used again, after clean rows
    write_events(folder, rows + extra)
    lines = (folder / "events.csv").read_bytes().decode("utf-8").split("\r\n")
    short, long = ",".join(lines[2].split(",")[:-2]), lines[2] + ",extra"
    # rows of the wrong length, a blank line and a blank row amid the others
    lines[3:3] = [short, "", ",,,,", long, lines[4].replace("ev-", "ev-again-", 1)]
    (folder / "events.csv").write_text("\r\n".join(lines), encoding="utf-8", newline="")


@pytest.mark.parametrize("text_mistakes", [False, True])
@pytest.mark.parametrize("nfd", [False, True])
def test_column_checks_find_what_the_row_checks_find(small, monkeypatch, nfd, text_mistakes):
    """validate.events checks the rules a column at a time and runs the row checks only
    on the rows a column check cannot clear: the report, its order and the parsed rows
    and dates equal those of checking every row in full."""
    from heritage_mapper.validate import events
    from heritage_mapper.validate.folder import parse_geodata

    _event_mistakes(small, text_mistakes)
    if nfd:  # a decomposed cell: the NFC check of every column runs
        edit_events(small, "Rally at the pier", unicodedata.normalize("NFD", "Rallý"))
    fast, fast_parsed = parse_geodata(small, sources_dir=SOURCES)

    def every_row(table, *args):
        every = set(range(len(table)))
        return every, every  # the schema asked of each row too

    monkeypatch.setattr(events, "_column_suspects", every_row)
    monkeypatch.setattr(events, "_site_suspects", lambda ctx, table, dates: set())
    full, full_parsed = parse_geodata(small, sources_dir=SOURCES)
    assert fast.to_json() == full.to_json()
    assert fast.to_text() == full.to_text()
    codes = {p.code for p in fast.problems if p.path.endswith("events.csv")}
    assert len(codes) >= 10 + 2 * text_mistakes, codes
    assert len(fast.problems) > 40
    assert fast_parsed.event_rows == full_parsed.event_rows
    assert list(fast_parsed.event_dates.items()) == list(full_parsed.event_dates.items())


@settings(max_examples=300)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.floats(102.0, 109.6), st.sampled_from([102.09, 109.51, float("nan")])),
            st.one_of(st.floats(8.0, 23.5), st.sampled_from([8.13, 23.44, float("inf")])),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_plain_region_test_agrees_with_numpy(positions):
    """Sites with few positions skip numpy when inside the box: same answer, edges too."""
    from heritage_mapper.model import Region
    from heritage_mapper.validate.sites import _first_outside, _inside_box

    region = Region(bbox=(102.14, 8.18, 109.46, 23.39), margin_deg=0.05)
    assert _inside_box(region, positions) == (_first_outside(region, positions) is None)


def _site_mistakes(folder, points: bool) -> None:
    """Clean sites and one site per site mistake in both layers; with ``points`` every
    geometry a plain [lon, lat] Point (the layer's positions read as one array) and
    every properties.id a string (the ids' set operations), else other shapes too."""
    from .fixtures import LAYERS, edit_layer

    def site(features, n, change=None, geometry=None):
        feature = json.loads(json.dumps(features[0]))
        feature["id"] = feature["properties"]["id"] = f"extra-{n}"
        if geometry is not None or not points:
            feature["geometry"] = geometry or {"type": "Point", "coordinates": [107.0, 21.0, 3]}
        if change:
            change(feature, feature["properties"])
        return feature

    def one(key, value):
        return lambda f, p: p.__setitem__(key, value)

    changes = [
        lambda f, p: f.__setitem__("id", p.__setitem__("id", "old-pier") or "old-pier"),
        lambda f, p: f.__setitem__("id", p.__setitem__("id", "Lighthouse") or "Lighthouse"),
        lambda f, p: f.__setitem__("id", "other"),
        lambda f, p: f.pop("id"),
        lambda f, p: f.__setitem__("id", 7),
        lambda f, p: f.__setitem__("id", p.__setitem__("id", "Not A Slug") or "Not A Slug"),
        one("period", "1955-02-30"),
        one("period", "1990/1980"),
        one("period", ""),
        one("period", 1959),
        lambda f, p: p.pop("period"),
        one("category", "no-such-category"),
        one("category", 3),
        one("source_refs", [f"{SOURCE_FILE}#99"]),  # (citations the schema lets pass)
        one("source_refs", ["nosuch.txt#1", f"{SOURCE_FILE}#1"]),
        one("source_refs", [f"{SOURCE_FILE}#99", "nosuch.txt#1", "plain", f"{SOURCE_FILE}#x"]),
        one("source_refs", [f"{SOURCE_FILE}#1", 5, None]),
        one("source_refs", "not a list"),
        one("layer", "x"),
        one("FID", 1),
        one("big", 2**70),
        one("ratio", 0.1234567890123456789e-30),
        one("location_precision_m", "1000"),
        one("location_precision_m", -5),
        one("name_en", ""),
        lambda f, p: f.__setitem__("geometry", None),
        lambda f, p: f.pop("geometry"),
        lambda f, p: f["geometry"].__setitem__("coordinates", [150.0, 40.0]),
        lambda f, p: f["geometry"].__setitem__("coordinates", [21.0, 107.0]),
        lambda f, p: f["geometry"].__setitem__("coordinates", [True, 21.0]),
        lambda f, p: f.__setitem__("properties", None),
    ]
    if not points:
        changes += [lambda f, p: p.pop("id"), one("id", 12)]

    def change(features):
        features.append(json.loads(json.dumps(features[0])))  # the same id again
        for n, mistake in enumerate(changes):
            features.append(site(features, n, mistake))
            features.append(site(features, f"clean-{n}"))
        features.append("not a feature")
        if not points:
            features.append(site(features, "multi", geometry={
                "type": "MultiPoint", "coordinates": [[107.0, 21.0], [21.0, 107.0]]
            }))  # fmt: skip

    for layer_id, _ in LAYERS:
        edit_layer(folder, layer_id, change)


@pytest.mark.parametrize("points", [False, True])
def test_site_column_checks_find_what_the_site_checks_find(small, monkeypatch, points):
    """validate.sites checks each rule of a layer's sites at once and runs the site
    checks only on the sites a column check cannot clear: the report, its order and
    the sites recorded equal those of checking every site in full."""
    from heritage_mapper.validate import sites
    from heritage_mapper.validate.folder import parse_geodata

    _site_mistakes(small, points)
    seen = []
    by_column = sites._check_sites_by_column
    monkeypatch.setattr(
        sites, "_check_sites_by_column", lambda *args: seen.append(1) or by_column(*args)
    )
    fast, fast_parsed = parse_geodata(small, sources_dir=SOURCES)
    assert len(seen) == 2  # both layers took the column checks

    def every_site(ctx, project, spec, path, features, site_schema):
        sites._check_every_site(ctx, project, spec, path, features, site_schema, False, False)

    monkeypatch.setattr(sites, "_check_sites_by_column", every_site)
    full, full_parsed = parse_geodata(small, sources_dir=SOURCES)
    assert fast.to_json() == full.to_json()
    assert fast.to_text() == full.to_text()
    codes = {p.code for p in fast.problems if "layers/" in p.path}
    assert len(codes) >= 15, codes
    assert list(fast_parsed.site_periods.items()) == list(full_parsed.site_periods.items())
    assert fast_parsed.event_rows == full_parsed.event_rows
    assert list(fast_parsed.event_dates.items()) == list(full_parsed.event_dates.items())


@pytest.mark.parametrize(
    ("ids", "texts"),
    [
        (("a", "b", "c"), ("1955", "1960", "1886?/..")),  # the usual: all pairs as they are
        (("a", "", "a", "b", "c"), ("1955", "1960", "1970", None, "1980")),
        (("a", "b", "a"), (None, "1955", "1960")),
        ((), ()),
    ],
)
def test_dated_ids_keep_what_a_loop_over_the_rows_keeps(ids, texts):
    """The event id -> date map the loader reads: each row with an id and a valid date,
    the last row's date for an id used again, ids in the order of first use."""
    from heritage_mapper.dates import parse_edtf
    from heritage_mapper.validate.events import _dated_ids

    dates = [None if text is None else parse_edtf(text) for text in texts]
    looped = {}
    for event_id, date in zip(ids, dates, strict=True):
        if date is not None and event_id:
            looped[event_id] = date
    found = {}
    found.update(_dated_ids(ids, dates))
    assert list(found.items()) == list(looped.items())


def _missing_layer(folder):
    (folder / LAYER).unlink()


@pytest.mark.parametrize(
    ("mistake", "code"),
    [(_broken_json, "json-syntax"), (_missing_layer, "layer-file-missing")],
    ids=["broken", "missing"],
)
def test_a_layer_that_cannot_be_read_is_one_error_not_one_per_event_at_its_sites(
    small, mistake, code
):
    """Its sites are unknown, so every event at them named an unknown site: one JSON
    mistake came with an error per such event (2,693 at 10,000 sites). Now those rows
    are one warning naming the layer, and a wrong id is an error again once it reads."""
    whole = (small / LAYER).read_text(encoding="utf-8")
    _dangling(small)  # an event names old-peir, a site of no layer
    mistake(small)
    result = run_validate(small)
    assert result.exit_code == 1, result.output
    codes = [p["code"] for _, p in problems_of(result)]
    assert codes.count(code) == 1 and "event-site-unknown" not in codes, codes
    path, unchecked = find(result, "event-site-unchecked")
    assert path == str(small / "events.csv")
    assert unchecked["severity"] == "warning"
    assert f"{LAYER} could not be read" in unchecked["message"]
    (small / LAYER).write_text(whole, encoding="utf-8")
    again = run_validate(small)
    assert "old-peir" in find(again, "event-site-unknown")[1]["message"]
    assert "event-site-unchecked" not in again.output


@pytest.mark.parametrize(("delimiter", "name"), [(";", "semicolons"), ("\t", "tabs")])
def test_an_events_file_saved_with_another_delimiter_is_named_as_such(small, delimiter, name):
    # Excel in a Vietnamese or European locale saves "CSV" with semicolons: the header
    # read as one unknown column and every column missing, which did not say why
    path = small / "events.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    result = run_validate(small)
    assert result.exit_code == 1
    found = [p for _, p in problems_of(result)]
    assert [p["code"] for p in found] == ["csv-delimiter"], found
    assert f"separated by {name}, not commas (id, date, site_ids, …)" in found[0]["message"]
    assert "comma delimited" in found[0]["hint"]


def test_a_header_with_one_column_missing_is_not_taken_for_another_delimiter(small):
    edit_events(small, "title_en,", "title_en;")  # a typo, not a semicolon-separated file
    codes = {p["code"] for _, p in problems_of(run_validate(small))}
    assert "csv-delimiter" not in codes and "csv-column-missing" in codes


def test_every_pattern_of_the_schemas_is_said_in_words():
    from heritage_mapper.model import packaged_schema
    from heritage_mapper.validate.context import PATTERN_FORMS

    def patterns(node):
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                yield node["pattern"]
            for value in node.values():
                yield from patterns(value)
        elif isinstance(node, list):
            for value in node:
                yield from patterns(value)

    found = {
        p
        for name in ("event", "site", "project", "sources", "tours")
        for p in patterns(packaged_schema(name))
    }
    assert found and found <= set(PATTERN_FORMS), found - set(PATTERN_FORMS)


def test_a_cell_or_citation_of_the_wrong_form_is_said_in_words_not_a_regex(small):
    # the messages quoted the schema's regular expression
    edit_events(small, ",old-pier,", ",old-pier; lighthouse,")
    edit_json(
        small / LAYER,
        lambda d: d["features"][0]["properties"].update(source_refs=[SOURCE_FILE]),
    )
    found = {p["code"]: p["message"] for _, p in problems_of(run_validate(small))}
    events = found["event-field-invalid"]
    assert "site ids are separated by ';' with no spaces" in events and "^(" not in events
    sites = [m for m in found.values() if "a citation is the source file, '#'" in m]
    assert sites and "[^#" not in sites[0], found


def test_a_project_label_missing_a_language_is_a_warning_at_its_place(small):
    # accepted without a word, and the English pages showed the Vietnamese text there
    def change(doc):
        del doc["title"]["en"]
        del doc["layers"][1]["title"]["en"]
        del doc["categories"][0]["label"]["vi"]

    edit_json(small / "project.json", change)
    result = run_validate(small)
    assert result.exit_code == 0  # warnings: the folder builds
    found = sorted(
        (p["location"]["pointer"], p["message"])
        for _, p in problems_of(result)
        if p["code"] == "project-text-missing"
    )
    assert [pointer for pointer, _ in found] == [
        "/categories/0/label/vi",
        "/layers/1/title/en",
        "/title/en",
    ]
    assert "title has no text in 'en' (given in vi)" in found[2][1]


def test_a_layer_file_named_in_vietnamese_is_told_an_ascii_name(small):
    # it was refused with "name a file inside the geodata folder with a relative path",
    # which it is
    (small / LAYER).rename(small / "layers" / "bến cảng.geojson")
    edit_json(
        small / "project.json",
        lambda d: d["layers"][0].update(file="layers/bến cảng.geojson"),
    )
    _, problem = find(run_validate(small), "path-outside-folder")
    assert "it holds a character that is not ASCII" in problem["message"]
    assert (
        "rename the file with ASCII letters only, e.g. 'layers/ben-cang.geojson'"
        in (problem["message"])
    )
