"""Rules on text anywhere in the data: NFC composition and control characters."""

from __future__ import annotations

import re
import unicodedata

from heritage_mapper.problems import ERROR, WARNING
from heritage_mapper.text import pointer_join

NFC_FIX = (
    "re-save the text as NFC (composed) Unicode, e.g. "
    "python -c \"import unicodedata,sys; p=sys.argv[1]; t=open(p,encoding='utf-8').read(); "
    "open(p,'w',encoding='utf-8').write(unicodedata.normalize('NFC',t))\" FILE"
)


# C0 controls but tab, line feed and carriage return; DEL; C1 controls. No name or
# description needs one; they come from pasting (Word's vertical tab, a stray escape).
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# How one can hide in JSON text: a \\u escape, \\b, \\f, or a raw DEL or C1 control.
JSON_MAY_HOLD_CONTROL = re.compile("\\\\[ubf]|[\x7f-\x9f]")


CONTROL_FIX = (
    "delete the character (most editors do not show it: search for it by its code); "
    "for a line break use a real new line"
)


def non_nfc_strings(value, pointer=""):
    """Yield (pointer, text) for every string (values and keys) that is not NFC."""
    stack = [(pointer, value)]
    while stack:
        ptr, item = stack.pop()
        if isinstance(item, str):
            if not unicodedata.is_normalized("NFC", item):
                yield ptr, item
        elif isinstance(item, dict):
            for key, child in item.items():
                child_ptr = pointer_join(ptr, key)
                if isinstance(key, str) and not unicodedata.is_normalized("NFC", key):
                    yield child_ptr, key
                stack.append((child_ptr, child))
        elif isinstance(item, list):
            stack.extend((f"{ptr}/{i}", child) for i, child in enumerate(item))


def control_character(text: str) -> tuple[str, str] | None:
    """(severity, message) when ``text`` holds a control character, else None.

    U+0000 is an error: GDAL's formats (GeoPackage, Shapefile, FlatGeobuf) cut the text
    there and XML cannot hold it. Other controls are a warning: KML and GPX show them
    as U+FFFD, the other formats keep an invisible character.
    """
    match = CONTROL_CHARACTER.search(text)
    if match is None:
        return None
    char, at, shown = match.group(), match.start(), text[:40]
    if char == "\x00":
        return ERROR, (
            f"text {shown!r} holds U+0000 (NUL) at character {at}: GeoPackage, Shapefile and "
            "FlatGeobuf would cut the text there, and KML and GPX cannot hold it"
        )
    return WARNING, (
        f"text {shown!r} holds the control character U+{ord(char):04X} at character {at}: "
        "KML and GPX show it as \ufffd, the other formats keep an invisible character"
    )


def strings(value, pointer=""):
    """Yield (pointer, text) for every string in ``value`` (values and keys)."""
    stack = [(pointer, value)]
    while stack:
        ptr, item = stack.pop()
        if isinstance(item, str):
            yield ptr, item
        elif isinstance(item, dict):
            for key, child in item.items():
                child_ptr = pointer_join(ptr, key)
                if isinstance(key, str):
                    yield child_ptr, key
                stack.append((child_ptr, child))
        elif isinstance(item, list):
            stack.extend((f"{ptr}/{i}", child) for i, child in enumerate(item))


def json_text_is_nfc(text: str | None) -> bool:
    """Whether every string in the JSON document ``text`` is surely NFC.

    NFC is decided between characters that never combine, such as the quotes, commas
    and brackets around each string, so a whole text in NFC has every string in NFC;
    one ``is_normalized`` over the file replaces one per string. A ``\\u`` escape
    could spell a decomposed accent, so a text with one is checked string by string.
    """
    return text is not None and "\\u" not in text and unicodedata.is_normalized("NFC", text)
