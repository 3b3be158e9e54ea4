"""Unicode in ids and names: compared after normalisation, near-duplicates reported.

Site ids must be ASCII slugs (site.schema.json), so ``tuần-châu`` is an error in its
own right; the tests below check what else happens to such ids: ids equal after NFC
are duplicates, ids that differ only by case, accents, ``đ`` or invisible characters
are near-duplicates, events find their sites whatever the Unicode form, and text is
stored as NFC with every letter kept (no ASCII folding).

Data: the small fixture folder (tests/fixtures.py), whose mines layer holds two sites
cited together by one event; the Unicode rules do not depend on the Quảng Ninh content.
"""

from __future__ import annotations

import unicodedata

import pytest

from heritage_mapper.frames import load_geodata
from heritage_mapper.validate import validate_geodata

from . import fixtures
from .fixtures import make_geodata

TWO_SITES = "mines"  # the layer of screening-plant and pit-head, in that order
FIRST, SECOND = "screening-plant", "pit-head"
ZERO_WIDTH = {
    "zero-width-space": "\u200b",
    "zero-width-non-joiner": "\u200c",
    "zero-width-joiner": "\u200d",
    "byte-order-mark": "\ufeff",
    "word-joiner": "\u2060",
}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.fixture
def small(tmp_path):
    """The small fixture folder, written afresh for each test (tests change it)."""
    return make_geodata(tmp_path)


def edit_layer(folder, change) -> None:
    fixtures.edit_layer(folder, TWO_SITES, change)


def set_ids(folder, first: str, second: str | None = None) -> None:
    """Give the two sites new ids (the id member and properties.id alike)."""

    def change(features):
        for feature, new in zip(features, (first, second), strict=True):
            if new is not None:
                feature["id"] = feature["properties"]["id"] = new

    edit_layer(folder, change)


def cite_sites(folder, old: str, new: str) -> None:
    """Make events.csv cite ``new`` where it cited the site id ``old``."""
    path = folder / "events.csv"
    text = path.read_text(encoding="utf-8")
    assert f",{old};" in text
    path.write_text(text.replace(f",{old};", f",{new};"), encoding="utf-8")


def found(report, code: str) -> list:
    return [p for p in report.problems if p.code == code]


def test_non_slug_id_is_site_property_invalid(small):
    set_ids(small, nfc("tuần-châu"))
    invalid = found(validate_geodata(small), "site-property-invalid")
    assert [p.location.pointer for p in invalid] == ["/features/0/properties/id"]


def test_ids_equal_after_nfc_are_duplicates(small):
    set_ids(small, nfc("tuần-châu"), nfd("tuần-châu"))
    report = validate_geodata(small)
    duplicates = found(report, "site-id-duplicate")
    assert [p.location.feature_index for p in duplicates] == [1]
    assert not found(report, "site-id-near-duplicate")


@pytest.mark.parametrize(
    "second",
    [
        pytest.param(FIRST.upper(), id="case"),
        pytest.param("Screening-Plant", id="title-case"),
        pytest.param(nfc("scrêẽning-plânt"), id="accents"),
        pytest.param(nfd("scrêẽning-plânt"), id="accents-nfd"),
        pytest.param("ｓｃｒｅｅｎing-plant", id="fullwidth"),
        *(pytest.param(FIRST[:4] + char + FIRST[4:], id=name) for name, char in ZERO_WIDTH.items()),
        pytest.param(FIRST + "\u200b", id="zero-width-at-end"),
    ],
)
def test_ids_differing_only_by_form_are_near_duplicates(small, second):
    set_ids(small, FIRST, second)
    report = validate_geodata(small)
    near = found(report, "site-id-near-duplicate")
    assert [(p.location.feature_index, p.severity) for p in near] == [(1, "warning")]
    assert repr(FIRST) in near[0].message
    assert not found(report, "site-id-duplicate")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param("dao-co-to", nfc("đảo-cô-tô"), id="d-stroke"),
        pytest.param("dao-co-to", nfc("ĐẢO-CÔ-TÔ"), id="capital-d-stroke"),
        pytest.param(nfc("đảo-cô-tô"), nfd("đảo-cô-tô") + "\u2060", id="nfd-and-joiner"),
    ],
)
def test_d_with_stroke_folds_to_d(small, first, second):
    set_ids(small, first, second)
    near = found(validate_geodata(small), "site-id-near-duplicate")
    assert [p.location.feature_index for p in near] == [1]


@pytest.mark.parametrize(
    "mark",
    [
        pytest.param("\ufe0f", id="variation-selector-16"),
        pytest.param("\u034f", id="combining-grapheme-joiner"),
        pytest.param("\u20e3", id="enclosing-keycap"),
    ],
)
def test_emoji_ids_differing_only_by_an_unseen_mark_are_near_duplicates(small, mark):
    set_ids(small, "den-🏯", "den-🏯" + mark)
    report = validate_geodata(small)
    assert len(found(report, "site-property-invalid")) == 2  # emoji are not slugs
    assert [p.location.feature_index for p in found(report, "site-id-near-duplicate")] == [1]


def test_clearly_different_ids_are_not_near_duplicates(small):
    set_ids(small, "dao-co-to", "dau-co-to")
    assert not found(validate_geodata(small), "site-id-near-duplicate")


def test_emoji_and_combining_marks_in_names_are_fine(small):
    def change(features):
        props = features[0]["properties"]
        props["name_vi"] = nfc("Nhà sàng Mỏ Thử 🏯 👨‍👩‍👧")
        props["name_en"] = "Scre\u0300\u0301\u0302ening pla\u0323nt"  # stacked marks, no NFC form

    edit_layer(small, change)
    report = validate_geodata(small)
    assert not report.has_errors()
    nfc_warnings = [p.location.pointer for p in found(report, "text-not-nfc")]
    assert nfc_warnings == ["/features/0/properties/name_en"]


def test_nfd_name_is_a_warning_and_loads_as_nfc(small):
    name = "Đảo Cô Tô – đền thờ"

    def change(features):
        features[0]["properties"]["name_vi"] = nfd(name)

    edit_layer(small, change)
    data = load_geodata(small)
    assert [p.code for p in data.report.problems] == ["text-not-nfc"]
    loaded = data.sites.set_index("id").loc[FIRST, "name_vi"]
    assert loaded == nfc(name)
    assert "Đ" in loaded and "đ" in loaded  # no ASCII folding in stored text


def test_event_text_loads_as_nfc_whether_or_not_the_file_is(small, monkeypatch):
    """An NFC events file's cells are taken as they are (nothing to normalise): the
    same frame as normalising each; an NFD cell is normalised."""
    import pandas as pd

    from heritage_mapper import frames

    taken = load_geodata(small)
    assert (taken.events["title_vi"] == taken.events["title_vi"].map(nfc)).all()
    monkeypatch.setattr(frames, "_nfc", lambda normalize, cells: list(map(nfc, cells)))
    pd.testing.assert_frame_equal(load_geodata(small).events, taken.events, check_exact=True)
    monkeypatch.undo()

    path = small / "events.csv"
    text = path.read_text(encoding="utf-8")
    title = taken.events["title_vi"][0]
    assert title in text and nfd(title) != title
    path.write_text(text.replace(title, nfd(title), 1), encoding="utf-8")
    data = load_geodata(small)
    assert "text-not-nfc" in {p.code for p in data.report.problems}
    assert data.events["title_vi"][0] == title


def test_d_with_stroke_survives_load_in_names_and_events(small_data):
    assert small_data.sites["name_vi"].str.contains("đ|Đ").any()  # "Hải đăng Đảo Ngọc"
    assert small_data.events["title_vi"].str.contains("Đình chiến").any()


@pytest.mark.parametrize(("site_form", "event_form"), [(nfc, nfd), (nfd, nfc), (nfd, nfd)])
def test_event_site_ids_match_sites_after_normalisation(small, site_form, event_form):
    site_id = "tuần-châu"
    set_ids(small, site_form(site_id))
    cite_sites(small, FIRST, event_form(site_id))
    report = validate_geodata(small)
    assert not found(report, "event-site-unknown")
    # the id is still not a slug: the layer and the event row both say so
    assert found(report, "site-property-invalid")
    assert {p.location.column_name for p in found(report, "event-field-invalid")} == {"site_ids"}


@pytest.mark.parametrize("char", ZERO_WIDTH.values(), ids=ZERO_WIDTH.keys())
def test_event_citing_an_id_with_a_zero_width_character_is_unknown(small, char):
    cite_sites(small, FIRST, FIRST + char)
    unknown = found(validate_geodata(small), "event-site-unknown")
    assert len(unknown) == 1
    assert f"did you mean {FIRST!r}" in unknown[0].message


@pytest.mark.parametrize("site_form", [nfc, nfd], ids=["nfc-site", "nfd-site"])
def test_event_dates_are_checked_against_a_site_whose_id_is_not_nfc(small, site_form):
    """The site's period is found under its NFC id, whatever form the layer wrote."""

    def change(features):
        features[0]["id"] = features[0]["properties"]["id"] = site_form("tuần-châu")
        features[0]["properties"]["period"] = "1970"  # the 1965 shift is outside it

    edit_layer(small, change)
    cite_sites(small, FIRST, nfc("tuần-châu"))
    outside = found(validate_geodata(small), "event-outside-site-period")
    assert len(outside) == 1
    assert nfc("tuần-châu") in outside[0].message


def test_id_member_and_properties_id_in_different_forms_are_the_same_id(small):
    def change(features):
        features[0]["id"] = nfd("tuần-châu")
        features[0]["properties"]["id"] = nfc("tuần-châu")

    edit_layer(small, change)
    report = validate_geodata(small)
    assert not found(report, "site-id-mismatch")
    assert [p.location.pointer for p in found(report, "text-not-nfc")] == ["/features/0/id"]


def test_id_member_that_differs_after_normalisation_is_a_mismatch(small):
    def change(features):
        features[0]["id"] = "tuan-chau"

    edit_layer(small, change)
    assert found(validate_geodata(small), "site-id-mismatch")
