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
