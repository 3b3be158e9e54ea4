"""The compact records a map page embeds: folding, rounding, dates, years, escaping."""

from __future__ import annotations

import base64
import dataclasses
import gzip
import json
from types import SimpleNamespace

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heritage_mapper import load_geodata
from heritage_mapper.dates import format_edtf
from heritage_mapper.join import Joined, join, timeline_order
from heritage_mapper.parallel import can_fork, fork_call, in_forked_process
from heritage_mapper.render.assets import messages
from heritage_mapper.render.data import (
    _SCRIPT_ESCAPES,
    _plain_json,
    coordinate_decimals,
    embed_data,
    embed_json,
    page_languages,
    page_records,
)
from heritage_mapper.text import fold as fold_for_search

from .browser_support import GEODATA


@pytest.fixture(scope="module")
def geodata():
    return load_geodata(GEODATA)


def records_of(geodata, layer_ids):
    languages, _ = page_languages(geodata.project, messages()["messages"])
    return page_records(join(geodata), layer_ids, languages=languages)


def site_event_ids(geodata) -> dict[str, list[str]]:
    """Site id → ids of its events, from the join's positions."""
    joined = join(geodata)
    offsets, positions = joined.site_event_positions
    ids = list(joined.events["id"])
    return {
        site: [ids[p] for p in positions[offsets[i] : offsets[i + 1]]]
        for i, site in enumerate(geodata.sites["id"])
    }


@pytest.fixture(scope="module")
def records(geodata):
    return records_of(geodata, [spec.id for spec in geodata.project.layers])


def no_site_events(geodata):
    """The events with an empty ``site_ids``, in timeline order."""
    ordered = timeline_order(geodata.events)
    return ordered[[not ids for ids in ordered["site_ids"]]]


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Hòn Gai", "hon gai"),
        ("Cửa Ông", "cua ong"),
        ("Nam Hòa", "nam hoa"),
        ("Tuần Châu", "tuan chau"),
        ("Đảo  Đầu Gỗ", "dao dau go"),
        ("Ho\u0300n Gai", "hon gai"),  # NFD input folds the same as NFC
    ],
)
def test_fold_for_search_drops_diacritics_and_maps_d_bar(text, folded):
    assert fold_for_search(text) == folded


@pytest.mark.parametrize(
    ("precision_m", "decimals"),
    [(1, 5), (10, 5), (100, 5), (1000, 4), (1500, 3), (3000, 3), (10_000, 3), (100_000, 2)],
)
def test_coordinate_decimals_follow_the_stated_precision(precision_m, decimals):
    assert coordinate_decimals(precision_m) == decimals


def test_embed_json_escapes_what_could_end_a_script_and_round_trips():
    value = {"name": "</script><script>alert(3)</script>", "x": "a & b > c\u2028\u2029"}
    text = embed_json(value)
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in text
    assert json.loads(text) == value


def test_embed_json_sorts_keys():
    assert embed_json({"b": 1, "a": 2}) == '{"a":2,"b":1}'


def test_sites_are_columnar_with_rounded_coordinates(records):
    sites = records["sites"]
    i = sites["id"].index("tuan-chau-fishing-village")
    assert (sites["lat"][i], sites["lon"][i]) == (20.931, 106.987)  # ±1,500 m → 3 decimals
    assert sites["precision"][i] == 1500
    assert set(sites) >= {"name", "description", "basis", "adminThen", "adminNow", "events"}
    assert all(
        len(column) == len(sites["id"]) for column in sites.values() if isinstance(column, list)
    )
    assert "bbox" not in json.dumps(records)


def test_event_dates_are_labelled_in_both_languages(records):
    events = records["events"]
    i = events["id"].index("ev-1965-nam-hoa-militia")
    assert events["date"]["vi"][i] == "tháng 12/1965"
    assert events["date"]["en"][i] == "December 1965"
    assert (events["start"][i], events["end"][i]) == (1965, 1965)


def test_site_and_region_events_are_embedded_once_with_their_sources(records, geodata):
    events = records["events"]
    assert "ev-1965-1968-combat-villages" in events["id"]  # at the Yên Hưng site
    assert "ev-1954-geneva-accords" in events["id"]  # names no site: the region timeline
    assert len(events["id"]) == len(set(events["id"])) == len(geodata.events)
    assert events["id"] == list(timeline_order(geodata.events)["id"])
    titles = [s["title"]["vi"] for s in records["sources"]]
    assert len(titles) == len(set(titles)) == 3
    assert all(0 <= s < len(records["sources"]) for s in events["source"])


def test_region_timeline_is_every_event_naming_no_site_in_timeline_order(records, geodata):
    expected = no_site_events(geodata)
    assert len(expected) == 14  # of the 19 curated events, 5 name a site
    region = [records["events"]["id"][e] for e in records["region"]]
    assert region == list(expected["id"]) == join(geodata).region_event_ids
    assert region[0] == "ev-1883-french-occupation" and region[-1] == "ev-2025-liberation-70th"
    assert records["region"] == sorted(records["region"])  # the events are in timeline order
    linked = {e for ids in records["sites"]["events"] for e in ids}
    assert not linked & set(records["region"])


def test_region_events_carry_date_labels_and_citations_in_both_languages(records, geodata):
    events = records["events"]
    e = events["id"].index("ev-1883-french-occupation")
    label = format_edtf("1883~/1955-04-24", "vi")
    assert events["date"]["vi"][e] == label == "khoảng 1883 – 24/4/1955"
    assert events["date"]["en"][e] == "about 1883 – 24 April 1955"
    assert (events["start"][e], events["end"][e]) == (1883, 1955)
    e = events["id"].index("ev-1954-ceasefire-struggle")
    assert events["date"]["en"][e] == "July 1954 – 25 April 1955"  # ends at liberation (000 ¶7)
    assert (events["start"][e], events["end"][e]) == (1954, 1955)
    assert events["title"]["en"][e] == "The mining region presses for the Accords to be kept"
    assert records["sources"][events["source"][e]]["title"]["vi"]
    assert events["paragraph"][e] > 0


def test_a_join_made_by_hand_matches_ids_that_are_not_text_by_their_text():
    """Ids read from a string column are compared as they are; others (a ``Joined``
    made by hand with numbers) by their ``str()``, as the links hold them."""
    sites = pd.DataFrame({"id": [1, "b", 3]})
    events = pd.DataFrame({"id": [10, "e2", 30, 40]})
    links = pd.DataFrame({"event_id": ["10", "30", "40"], "site_id": ["3", "1", "3"]})
    joined = Joined(SimpleNamespace(sites=sites, events=events), links, events)
    assert joined.region_event_ids == ["e2"]
    offsets, positions = joined.site_event_positions
    assert offsets.tolist() == [0, 1, 1, 3]
    assert positions.tolist() == [2, 0, 3]


def test_the_join_of_string_ids_gives_str_region_ids(geodata):
    region = join(geodata).region_event_ids
    assert region and all(type(i) is str for i in region)


def test_layer_pages_show_the_same_region_timeline(geodata, records):
    for spec in geodata.project.layers:
        layer = records_of(geodata, [spec.id])
        region = [layer["events"]["id"][e] for e in layer["region"]]
        assert region == list(no_site_events(geodata)["id"]), spec.id
        assert layer["years"] == records["years"], spec.id


def test_a_page_without_region_events_embeds_an_empty_region(geodata):
    languages, _ = page_languages(geodata.project, messages()["messages"])
    layer_ids = [spec.id for spec in geodata.project.layers]
    at_sites = geodata.events[[bool(ids) for ids in geodata.events["site_ids"]]]
    without_region = dataclasses.replace(geodata, events=at_sites.reset_index(drop=True))
    records = page_records(join(without_region), layer_ids, languages=languages)
    assert records["region"] == []
    assert "ev-1954-geneva-accords" not in records["events"]["id"]
    # from the site events alone, to the data's present: 1965, the latest start (the
    # 1965/1968 combat villages start then; nothing later starts on this page)
    assert records["years"] == [1955, 1965]


def test_year_span_runs_from_the_first_event_to_the_present_year(records):
    # 1883~/1955-04-24 (the region's first event) to 2025, the latest year something
    # starts in: the 2025/2030 plan does not stretch the range to 2030
    assert records["years"] == [1883, 2025]


def test_search_keys_hold_both_names_folded(records):
    sites = records["sites"]
    key = sites["search"][sites["id"].index("hon-gai-rally-ground")]
    names = key.split("\n")
    assert names == [fold_for_search(name) for name in names] and len(names) == 2
    assert "hon gai" in names[0] and "hon gai" in names[1]


def test_site_event_ids_are_in_timeline_order():
    events = pd.DataFrame(
        {
            "id": ["late", "early", "open-start", "other"],
            "site_ids": [["a"], ["a"], ["a"], ["b"]],
            "date_start": pd.to_datetime(["2025-01-01", "1955-04-25", None, "1960-01-01"]),
            "date_end": pd.to_datetime(["2025-12-31", "1955-04-25", "1950-12-31", "1960-12-31"]),
        }
    )
    geodata = SimpleNamespace(events=events, sites=pd.DataFrame({"id": ["a", "b", "c"]}))
    assert site_event_ids(geodata) == {
        "a": ["open-start", "early", "late"],
        "b": ["other"],
        "c": [],
    }


def test_the_catalogue_made_partly_in_another_process_gives_the_same_pages(geodata, monkeypatch):
    """The date labels and search keys made in a forked process (jobs 2): every page's
    records equal those made in one process, in the same key order."""
    from heritage_mapper.parallel import can_fork
    from heritage_mapper.render import data

    if not can_fork():
        pytest.skip("needs fork")
    monkeypatch.setattr(data, "PARALLEL_CATALOGUE_SITES", 0)
    joined = join(geodata)
    langs, _ = page_languages(geodata.project, messages()["messages"])
    alone = data.Catalogue(joined, langs, jobs=1)
    apart = data.Catalogue(joined, langs, jobs=2)
    assert list(apart.sites) == list(alone.sites)
    assert list(apart.events) == list(alone.events)
    for layers in [[spec.id for spec in geodata.project.layers]] + [
        [spec.id] for spec in geodata.project.layers
    ]:
        one, two = alone.page(layers), apart.page(layers)
        assert json.dumps(two, ensure_ascii=False) == json.dumps(one, ensure_ascii=False)
        assert two["sites"]["period"] and two["sites"]["search"] and two["events"]["date"]


def _json_dumps(value) -> str:
    """What a page's JSON has always been: json.dumps, compact, sorted, not ASCII-only."""
    return json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )


def test_orjson_writes_every_code_point_as_json_dumps_does():
    """The page columns of text go through orjson: each character, alone and among
    others, must come out as json.dumps writes it, or the pages' bytes would change."""
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    assert _plain_json(chars).decode("utf-8") == _json_dumps(chars)
    joined = ["".join(chars[i : i + 4096]) for i in range(0, len(chars), 4096)]
    assert _plain_json(joined).decode("utf-8") == _json_dumps(joined)


@pytest.mark.parametrize(
    "value",
    [
        [],
        ["Hòn Gai", None, "", '"\\</script>\u2028\x00\x1f\x7f'],
        [0, -1, 2**63 - 1, -(2**63), 2**64 - 1, True, False, None],
        [[1, 2], [], [[3, "ba"], None]],
    ],
)
def test_plain_columns_are_written_by_orjson_as_json_dumps_would(value):
    assert _plain_json(value).decode("utf-8") == _json_dumps(value)


class _Text(str):
    pass


@pytest.mark.parametrize(
    "value",
    [
        [1e-05, 21.5],  # orjson: 1e-5
        ["a", [0.5]],
        [{"b": 1, "a": 2}],
        [_Text("a")],
        [2**64],  # past what orjson writes
        ["\ud800"],  # a lone surrogate: json.dumps's text, which cannot be UTF-8
        "text",
        {"a": ["b"]},
    ],
)
def test_other_values_are_left_to_json_dumps(value):
    assert _plain_json(value) is None


def test_embedded_data_is_the_json_dumps_text_compressed_or_not():
    """Both encodings hold exactly json.dumps's text, pieces from orjson and from
    json.dumps alike, whichever piece crosses the size at which compression starts."""
    value = {
        "sites": {"name": {"vi": ["Cửa Ông", "<b>x</b>"] * 400, "en": ["Cua Ong", None] * 400}},
        "bounds": [[1e-05, 107.1], [21.0, 1e16]],
        "years": [1883, 2025],
        "flags": [True, False, None],
        "nested": [[0, 1], [2, [3]]],
    }
    text = _json_dumps(value)
    for orjson in (True, False):
        assert embed_data(value, orjson=orjson)[0] == text.translate(str.maketrans(_SCRIPT_ESCAPES))
        for size in (0, 10, 100, 20_000, len(text) - 5, len(text) + 1):
            data, encoding = embed_data(value, compress_min_bytes=size, orjson=orjson)
            if size > len(text):
                assert encoding == "json"
                continue
            assert encoding == "gzip-base64"
            assert gzip.decompress(base64.b64decode(data)).decode("utf-8") == text


def test_a_long_column_is_written_a_chunk_at_a_time_as_one_list(monkeypatch):
    from heritage_mapper.render import data

    monkeypatch.setattr(data, "JSON_CHUNK_ITEMS", 3)
    value = {"a": ["x", None, 1, 1.5e-05, "é", [2, 0.5], "z"], "b": list(range(7))}
    pieces = list(data._json_pieces(value, plain=True))
    assert len(pieces) > 10 and any(type(p) is bytes for p in pieces)
    text = "".join(p.decode("utf-8") if type(p) is bytes else p for p in pieces)
    assert text == _json_dumps(value)
    for size in (0, len(text) + 1):
        data_text, encoding = embed_data(value, compress_min_bytes=size, orjson=True)
        if encoding == "json":
            assert data_text == text
        else:
            assert gzip.decompress(base64.b64decode(data_text)).decode("utf-8") == text


@pytest.mark.skipif(not can_fork(), reason="needs fork")
def test_orjson_writes_page_data_only_in_a_forked_process(monkeypatch):
    """orjson leaves a UTF-8 copy in each text it writes, for as long as the text
    lives: by default only a process that ends with its page uses it."""
    from heritage_mapper.render import data

    used = []
    plain_json = data._plain_json
    monkeypatch.setattr(data, "_plain_json", lambda v: used.append(1) or plain_json(v))
    value = {"name": ["Cửa Ông", "Hòn Gai"]}
    here = embed_data(value)
    assert used == [] and not in_forked_process()

    def in_a_fork():
        return embed_data(value), bool(used), in_forked_process()

    assert fork_call(in_a_fork, jobs=2).result() == (here, True, True)


_DAYS = [None, "1883-01-01", "1954-07-20", "1955-04-25", "1955-04-25", "2025-12-31"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_DAYS), st.sampled_from(_DAYS), st.sampled_from(["b", "a", "ev-é", "c"])
        ),
        max_size=12,
    ),
    st.booleans(),
)
def test_the_timeline_order_is_a_stable_sort_of_start_end_and_id(rows, text_ids):
    """Unknown dates last, equal keys in file order: what sort_values(kind="stable") of
    the three keys gives, whichever way the order is found (numpy codes for text ids
    and datetime64 dates, pandas otherwise)."""
    events = pd.DataFrame(
        {
            "id": [i if text_ids else len(i) for _, _, i in rows],
            "date_start": pd.to_datetime([s for s, _, _ in rows]).astype("datetime64[s]"),
            "date_end": pd.to_datetime([e for _, e, _ in rows]).astype("datetime64[s]"),
            "n": range(len(rows)),
        },
        index=pd.RangeIndex(len(rows)) * 10,
    )
    if text_ids:
        events["id"] = events["id"].astype("string")
    expected = (
        events.assign(_key=events["date_start"].fillna(events["date_end"]))
        .sort_values(["_key", "date_end", "id"], kind="stable")
        .drop(columns="_key")
    )
    pd.testing.assert_frame_equal(timeline_order(events), expected)


def test_a_list_in_itself_is_left_to_json_dumps():
    looped: list = [1]
    looped.append(looped)
    assert _plain_json(looped) is None
    with pytest.raises(ValueError, match="Circular"):
        embed_data({"a": looped}, orjson=True)


def test_the_timeline_order_of_dates_with_a_time_zone_is_pandas_own():
    events = pd.DataFrame(
        {
            "id": pd.array(["b", "a", "c"], dtype="string"),
            "date_start": pd.to_datetime(["1955-04-25", "1955-04-25", None]).tz_localize("UTC"),
            "date_end": pd.to_datetime(["1955-04-25", "1955-04-25", "1883-01-01"]).tz_localize(
                "UTC"
            ),
        }
    )
    assert list(timeline_order(events)["id"]) == ["c", "a", "b"]
