"""The quick scans for control characters answer exactly as the regular expressions."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from heritage_mapper.validate import texts
from heritage_mapper.validate.texts import (
    CONTROL_CHARACTER,
    JSON_MAY_HOLD_CONTROL,
    has_control_character,
    json_may_hold_control,
)

#: Characters around every edge of the scans: controls, their neighbours, the other
#: characters whose UTF-8 starts with 0xC2, the escapes' letters, a lone surrogate.
EDGES = "ab\\ubf\x00\x08\t\n\x0b\r\x1f \x7f\x80\x85\x9f\xa0°©ạ\u2028\ud800\U0001f600"


def test_every_character_alone_and_in_text():
    """Every character of the Basic Multilingual Plane (surrogates too), and a few beyond."""
    for code in [*range(0x10000), 0x10000, 0x1F600, 0x10FFFF]:
        for text in (chr(code), f"ab{chr(code)}ạ", f"\\{chr(code)}"):
            assert has_control_character(text) == (CONTROL_CHARACTER.search(text) is not None)
            assert json_may_hold_control(text) == (JSON_MAY_HOLD_CONTROL.search(text) is not None)


@settings(max_examples=500)
@given(st.text(alphabet=EDGES, max_size=40), st.integers(1, 8))
def test_texts_across_scan_chunks(text, chunk):
    old = texts._SCAN_CHARACTERS
    texts._SCAN_CHARACTERS = chunk  # chunks of a few characters: every boundary
    try:
        assert has_control_character(text) == (CONTROL_CHARACTER.search(text) is not None)
        assert json_may_hold_control(text) == (JSON_MAY_HOLD_CONTROL.search(text) is not None)
    finally:
        texts._SCAN_CHARACTERS = old


@settings(max_examples=500)
@given(st.text(alphabet=EDGES.replace("\ud800", ""), max_size=40), st.booleans())
def test_utf8_bytes_of_a_text_answer_as_the_text(text, bom):
    """An events file's bytes (with or without a BOM) are scanned as they are: the same
    answer as the scan of their text, and as the regular expression."""
    data = ("\ufeff" if bom else "").encode() + text.encode()
    expected = CONTROL_CHARACTER.search(text) is not None
    assert texts.utf8_has_control(data) == has_control_character(text) == expected


def test_decomposed_text_in_project_and_sources_is_a_warning_and_loaded_composed(geodata_copy):
    # the layers', events' and tours' texts were told and composed, but not these: the
    # page <title> came out decomposed
    import json
    import unicodedata

    from heritage_mapper import load_geodata
    from heritage_mapper.validate import validate_geodata

    nfd = "Ho\u0300n Gai"  # "Hòn Gai" with the grave accent apart
    project = geodata_copy / "project.json"
    doc = json.loads(project.read_text(encoding="utf-8"))
    doc["title"]["vi"] = nfd
    project.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    sources = geodata_copy / "sources.json"
    doc = json.loads(sources.read_text(encoding="utf-8"))
    doc["sources"][0]["title_vi"] = nfd
    sources.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    report = validate_geodata(geodata_copy)
    found = {(p.path, p.location.pointer) for p in report.problems if p.code == "text-not-nfc"}
    assert found == {(str(project), "/title/vi"), (str(sources), "/sources/0/title_vi")}
    assert report.error_count == 0
    loaded = load_geodata(geodata_copy)
    assert loaded.project.title["vi"] == unicodedata.normalize("NFC", nfd) == "Hòn Gai"
    assert "Hòn Gai" in set(loaded.sources["title_vi"])
