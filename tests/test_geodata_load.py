"""The loading API: typed layers and events, joins and timelines.

Data: the small fixture folder (``small_data``, tests/fixtures.py) for the API's
behaviour; the real geodata/ (``data``) only for facts about the curated Quảng Ninh
sites (which sites exist, their stated precision, NFC text).
"""

from __future__ import annotations

import json
import unicodedata

import pandas as pd
import pytest

from heritage_mapper import load_geodata
from heritage_mapper.errors import ValidationFailed
from heritage_mapper.join import event_site_links, events_with_geometry, site_timelines

from .fixtures import EVENTS, make_geodata, read_events, write_events


def test_layers_follow_the_project_order(small_data):
    assert list(small_data.layers) == [spec.id for spec in small_data.project.layers]
    assert list(small_data.layers) == ["harbour", "mines"]


def test_sites_have_typed_columns_and_wgs84(small_data):
    sites = small_data.sites
    assert sites.crs.to_epsg() == 4326
    assert sites["location_precision_m"].dtype == "float64"
    assert str(sites["name_vi"].dtype) == "string"
    assert str(sites["period_start"].dtype).startswith("datetime64")
    assert sites["id"].is_unique
    assert set(sites.geometry.geom_type) == {"Point"}


def test_required_sites_are_present(data):
    ids = set(data.sites["id"])
    assert {
        "hon-gai-rally-ground",
        "cua-ong-screening-plant",
        "nam-hoa-battle-positions",
        "tuan-chau-fishing-village",
        "cat-ba-fishing-village",
        "bai-chay-first-victory",
        "cong-to-dao-thanh-y-club",
        "yen-hung-combat-villages",
    } <= ids


def test_no_site_claims_more_precision_than_the_gazetteer(data):
    # GAZETTEER.md gives ±1,000 m at best for these sites
    assert (data.sites["location_precision_m"] >= 1000).all()


def test_text_is_nfc(data):
    for column in ("name_vi", "description_vi", "admin_then_vi", "admin_then_en", "admin_now_en"):
        assert all(unicodedata.is_normalized("NFC", v) for v in data.sites[column])
    assert all(unicodedata.is_normalized("NFC", v) for v in data.events["summary_vi"])


def test_events_have_edtf_bounds_as_dates(small_data):
    events = small_data.events.set_index("id")
    row = events.loc["ev-1965-shift"]
    assert row["date"] == "1965-12"
    assert row["date_start"] == pd.Timestamp("1965-12-01")
    assert row["date_end"] == pd.Timestamp("1965-12-31")
    assert pd.isna(events.loc["ev-1960-lighthouse-in-service", "date_end"])  # 1960/..
    assert events.loc["ev-1970-record", "approximate"]  # 1970~
    assert not events.loc["ev-1965-shift", "approximate"]


def test_every_event_cites_a_registered_source_and_paragraph(small_data):
    assert len(small_data.events) == len(EVENTS)
    assert small_data.events["source"].isin(small_data.sources["file"]).all()
    assert (small_data.events["paragraph"] >= 1).all()


def test_join_is_many_to_many(small_data):
    links = event_site_links(small_data.events)
    shift = links[links["event_id"] == "ev-1965-shift"]
    assert list(shift["site_id"]) == ["screening-plant", "pit-head"]
    pit_head = links[links["site_id"] == "pit-head"]
    assert list(pit_head["event_id"]) == ["ev-1965-shift", "ev-1970-record"]
    assert set(links["site_id"]) <= set(small_data.sites["id"])


def test_timelines_are_sorted_by_date_and_cover_every_site(small_data):
    timelines = site_timelines(small_data)
    assert set(timelines) == set(small_data.sites["id"])
    for events in timelines.values():
        starts = events["date_start"].fillna(events["date_end"])
        assert starts.is_monotonic_increasing
    assert list(timelines["pit-head"]["id"]) == ["ev-1965-shift", "ev-1970-record"]


def test_events_with_geometry_has_one_row_per_pair(small_data):
    joined = events_with_geometry(small_data)
    assert len(joined) == len(event_site_links(small_data.events))
    assert {"event_id", "site_id", "date_start", "date_end", "geometry"} <= set(joined.columns)


def test_load_refuses_a_folder_with_errors(tmp_path):
    folder = make_geodata(tmp_path)
    path = folder / "layers/harbour.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["period"] = "not a date"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ValidationFailed, match="error") as info:
        load_geodata(folder)
    assert any(p.code == "site-period-invalid" for p in info.value.report.problems)


def test_timelines_are_numbered_from_zero_keep_columns_and_repeat_a_doubled_site(small_data):
    import dataclasses

    data = small_data
    events = data.events.copy()
    first_site = data.sites["id"].iloc[0]
    events.at[events.index[0], "site_ids"] = [first_site, first_site]
    timelines = site_timelines(dataclasses.replace(data, events=events))
    for frame in timelines.values():
        assert list(frame.columns) == list(events.columns)
        assert frame.index.equals(pd.RangeIndex(len(frame)))
        assert list(frame.dtypes) == list(events.dtypes)
    ids = list(timelines[first_site]["id"])
    assert ids.count(events["id"].iloc[0]) == 2


def test_text_columns_are_python_strings_even_with_pyarrow(tmp_path):
    """With pyarrow installed pandas 3 stores text in Arrow; the loader keeps Python
    strings, which every later stage reads (Arrow storage made a 100,000-site build
    slower and larger). Skipped where pyarrow is not installed (CI): there pandas
    stores Python strings anyway."""
    pytest.importorskip("pyarrow")
    with pd.option_context("mode.string_storage", "pyarrow"):  # as "auto" is with pyarrow
        loaded = load_geodata(make_geodata(tmp_path))
        assert pd.Series(["a"], dtype="string").array.__class__.__name__ == "ArrowStringArray"
    texts = {
        "sites": [c for c in loaded.sites.columns if str(loaded.sites[c].dtype) == "string"],
        "events": [c for c in loaded.events.columns if str(loaded.events[c].dtype) == "string"],
    }
    assert texts["sites"] and texts["events"]
    for table, columns in texts.items():
        frame = getattr(loaded, table)
        for column in columns:
            assert frame[column].dtype.storage == "python", (table, column)


def test_site_id_lists_read_each_cell_once_and_give_each_row_its_own_list():
    from heritage_mapper.frames import _site_id_lists, _site_ids
    from heritage_mapper.model import SITE_IDS_SEPARATOR as SEP

    cells = ["a", f"a{SEP}b", f" b {SEP}a{SEP}b", f"a{SEP}b", "", "a", f"{SEP}c{SEP}", "a"]
    lists = _site_id_lists(cells)
    assert lists == [_site_ids(cell, SEP) for cell in cells]
    assert lists[1] == ["a", "b"] and lists[2] == ["b", "a"] and lists[6] == ["c"]
    assert len({id(ids) for ids in lists}) == len(lists)  # none shared between rows


def test_without_events_the_sites_are_the_same_and_events_an_empty_frame(data):
    from .conftest import GEODATA

    sites_only = load_geodata(GEODATA, with_events=False)
    assert list(sites_only.layers) == list(data.layers)
    for layer_id, frame in data.layers.items():
        pd.testing.assert_frame_equal(sites_only.layers[layer_id], frame)
    assert sites_only.events.empty and len(data.events) > 0
    assert list(sites_only.events.columns) == list(data.events.columns)
    assert list(sites_only.events.dtypes) == list(data.events.dtypes)
    assert sites_only.report.problems == data.report.problems


def test_without_events_the_events_file_is_still_validated(tmp_path):
    events = [dict(event) for event in EVENTS]
    events[1]["site_ids"] = "no-such-site"
    folder = make_geodata(tmp_path, events=events)
    with pytest.raises(ValidationFailed) as info:
        load_geodata(folder, with_events=False)
    assert any(p.code == "event-site-unknown" for p in info.value.report.problems)


def test_an_events_file_without_rows_gives_lists_of_sites_as_objects(tmp_path):
    data = load_geodata(make_geodata(tmp_path, events=()))
    assert data.events.empty
    assert data.events["site_ids"].dtype == object  # as with rows (pandas said float64)


def _objects_per_text(series) -> dict[str, int]:
    """Each text of ``series`` → how many distinct objects hold it."""
    objects: dict[str, set[int]] = {}
    for value in series.to_numpy(dtype=object):
        if isinstance(value, str):
            objects.setdefault(value, set()).add(id(value))
    return {text: len(ids) for text, ids in objects.items()}


def with_a_repeated_date(tmp_path):
    """The small fixture folder, its second event on its first one's date."""
    folder = make_geodata(tmp_path)
    rows = read_events(folder)
    rows[1]["date"] = rows[0]["date"]
    write_events(folder, rows)
    return folder


def test_a_repeated_text_is_one_object_in_the_frames(tmp_path, share_always):
    # a parser makes an object per cell: shared, a text repeated down a column is held
    # once, and a forked page or writer process copies fewer pages of memory
    geodata = load_geodata(with_a_repeated_date(tmp_path), jobs=1)
    for column in ("source", "date"):
        assert geodata.events[column].duplicated().any(), column
        assert set(_objects_per_text(geodata.events[column]).values()) == {1}, column
    category = geodata.layers["mines"]["category"]
    assert category.duplicated().any()
    assert set(_objects_per_text(category).values()) == {1}


def test_shared_texts_shares_only_equal_texts():
    from heritage_mapper.text import SHARED_SAMPLE, shared_texts

    parts = ["Hòn ", "Gai"]
    cells = ("".join(parts), "".join(parts), 1, True, 1.0, None, ["a"], "Cẩm Phả")
    shared = shared_texts(cells)
    assert type(shared) is tuple and shared == cells
    assert shared[0] is shared[1] and cells[0] is not cells[1]
    # 1, True and 1.0 are equal keys of a dict: each stays the value it was
    assert [type(v) for v in shared[2:5]] == [int, bool, float]
    unique = [f"event {i}" for i in range(SHARED_SAMPLE + 10)]  # a summary's column
    assert shared_texts(unique) is unique
    assert shared_texts([]) == [] and shared_texts([None, 3]) == [None, 3]
