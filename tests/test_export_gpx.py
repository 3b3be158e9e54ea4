"""GPX export: one waypoint per site, with name and description.

Data: the small fixture folder (tests/fixtures.py); export behaviour does not depend on
the Quảng Ninh content.
"""

from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ET

import pytest

from heritage_mapper.export import export_layers
from heritage_mapper.export.gpx import GPX_EXTENSIONS_NS

GPX = "{http://www.topografix.com/GPX/1/1}"
HM = "{" + GPX_EXTENSIONS_NS + "}"
DEGREE_TOLERANCE = 1e-7


@pytest.fixture(scope="module")
def data(small_data):
    """The small fixture folder: what is checked here does not depend on the content."""
    return small_data


@pytest.fixture(scope="module")
def root(data, tmp_path_factory):
    (path,) = export_layers(data, tmp_path_factory.mktemp("gpx"), ["gpx"])
    assert path.name == "heritage.gpx"
    return ET.parse(path).getroot()


def test_gpx_1_1_document(root):
    assert root.tag == f"{GPX}gpx"
    assert root.get("version") == "1.1" and root.get("creator") == "heritage-mapper"
    assert root.find(f"{GPX}metadata/{GPX}name").text


def test_write_read_roundtrip_keeps_ids_names_and_coordinates(data, root):
    waypoints = root.findall(f"{GPX}wpt")
    ids = [w.find(f"{GPX}extensions/{HM}id").text for w in waypoints]
    assert ids == list(data.sites["id"])
    sites = data.sites.set_index("id")
    for site_id, wpt in zip(ids, waypoints, strict=True):
        site = sites.loc[site_id]
        assert unicodedata.normalize("NFC", wpt.find(f"{GPX}name").text) == site["name_vi"]
        assert abs(float(wpt.get("lon")) - site.geometry.x) < DEGREE_TOLERANCE
        assert abs(float(wpt.get("lat")) - site.geometry.y) < DEGREE_TOLERANCE


def test_description_has_the_other_name_and_the_timeline(root):
    wpt = next(
        w for w in root.findall(f"{GPX}wpt") if w.find(f"{GPX}extensions/{HM}id").text == "pit-head"
    )
    desc = wpt.find(f"{GPX}desc").text
    assert desc.startswith("Pit head\n")  # the name in the other language
    assert "Timeline:" in desc and "Dòng thời gian:" in desc
    assert "- tháng 12/1965: Ca làm việc dưới bom" in desc
    assert "- December 1965: A shift under the bombs" in desc
    assert wpt.find(f"{GPX}type").text  # the layer title


def test_child_order_follows_the_gpx_schema(root):
    order = ["name", "desc", "type", "extensions"]
    for wpt in root.findall(f"{GPX}wpt"):
        assert [child.tag.removeprefix(GPX) for child in wpt] == order


HOSTILE_TEXTS = [
    "<img src=x onerror=alert(1)>",
    "a ]]> b",
    "ctl\x01 tab\t\r\nCRLF\rCR",
    "sep\u2028line",
    "=cmd|' /C calc'!A0",
    "",
    None,
]


def test_site_texts_column_by_column_equal_site_text_row_by_row(data):
    """The column-wise descriptions GPX writes are site_text's, gaps and hostile text
    included (a NaN precision, a missing name, markup and control characters)."""
    import numpy as np

    from heritage_mapper.export.crs import resolve_crs
    from heritage_mapper.export.tables import prepare
    from heritage_mapper.export.timeline import description_rows, site_text, site_texts

    export_data = prepare(data, resolve_crs(None))
    checked = 0
    for frame in export_data.layers.values():
        frame = frame.copy()
        for n, column in enumerate(c for c in frame.columns if c.startswith(("name_", "desc"))):
            frame[column] = [HOSTILE_TEXTS[(n + i) % len(HOSTILE_TEXTS)] for i in range(len(frame))]
        frame["location_precision_m"] = [np.nan if i % 2 else 12.5 for i in range(len(frame))]
        rows = description_rows(export_data, frame)
        assert site_texts(export_data, frame) == [site_text(export_data, row) for row in rows]
        checked += len(frame)
    assert checked == len(data.sites)


def test_timeline_titles_fall_back_along_the_language_chain(data):
    """An event without a title in a language takes the next one of its chain, and
    one with no title at all an empty one."""
    import dataclasses

    from heritage_mapper.export.crs import resolve_crs
    from heritage_mapper.export.tables import prepare
    from heritage_mapper.export.timeline import timeline

    export_data = prepare(data, resolve_crs(None))
    at_sites = list(dict.fromkeys(e for ids in export_data.site_events.values() for e in ids))
    first, second = at_sites[:2]
    events = export_data.events.copy()
    events["title_vi"] = events["title_vi"].astype(object)
    row = {event_id: i for i, event_id in enumerate(events["id"])}
    events.loc[row[first], "title_vi"] = None
    events.loc[row[second], ["title_vi", "title_en"]] = ""
    bare = dataclasses.replace(export_data, events=events, cache={})
    seen = set()
    for site_id, ids in bare.site_events.items():
        for event_id, (_, title) in zip(ids, timeline(bare, site_id, "vi"), strict=True):
            if event_id == first:
                assert title == events.loc[row[first], "title_en"] != ""
            elif event_id == second:
                assert title == ""
            else:
                assert title == events.loc[row[event_id], "title_vi"] != ""
            seen.add(event_id)
    assert {first, second} <= seen


@pytest.mark.parametrize("made", ["join", "by hand", "other events"])
@pytest.mark.parametrize("layers", [None, "first", "last"])
def test_site_event_rows_are_the_joined_timelines(data, layers, made):
    """Each site's rows of the export's events table are its events in timeline order,
    whole or narrowed by --layer: mapped from the join's sort, or found from the ids
    when the Joined was made by hand or given its events in another order."""
    import dataclasses

    from heritage_mapper.export.crs import resolve_crs
    from heritage_mapper.export.tables import prepare
    from heritage_mapper.join import Joined, join

    joined = join(data)
    if made == "by hand":
        joined = Joined(data, joined.links, joined.events)
    elif made == "other events":  # the join's rows no longer fit: not to be used
        joined = dataclasses.replace(joined, events=joined.events[::-1].reset_index(drop=True))
    layer_ids = [spec.id for spec in data.project.layers]
    chosen = {None: None, "first": layer_ids[:1], "last": layer_ids[-1:]}[layers]
    export_data = prepare(joined, resolve_crs(None), chosen)
    ids = export_data.events["id"].tolist()
    sites = [s for frame in export_data.layers.values() for s in frame["id"]]
    assert sites and set(export_data.site_event_rows) == set(sites)
    linked = 0
    for site_id in sites:
        expected = joined.timelines[site_id]["id"].tolist()
        assert [ids[row] for row in export_data.site_event_rows[site_id]] == expected, site_id
        linked += len(expected)
    assert linked, "no site of the chosen layers has an event"
    if chosen is not None:
        assert len(ids) < len(data.events)  # the table was narrowed, rows renumbered


@pytest.mark.parametrize("fmt", ["gpx", "kml", "csv"])
def test_a_layer_of_a_folder_without_events(tmp_path, fmt):
    """--layer on a folder whose events file has only its header: the export is written
    (the empty selection of events stays a table with its columns)."""
    from heritage_mapper import load_geodata

    from .fixtures import make_geodata

    geodata = load_geodata(make_geodata(tmp_path / "geodata", events=()))
    assert len(geodata.events) == 0
    first = geodata.project.layers[0].id
    paths = export_layers(geodata, tmp_path / "out", [fmt], layers=[first])
    assert paths and all(path.stat().st_size > 0 for path in paths)
