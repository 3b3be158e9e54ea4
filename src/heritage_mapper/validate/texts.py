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


#: A \\u, \\b or \\f escape: the other part.
_CONTROL_ESCAPE = re.compile("\\\\[ubf]")
#: Every byte but the C0 controls CONTROL_CHARACTER matches and DEL. In UTF-8 each of
#: those is a byte of its own (the bytes of other characters are 0x80 or more), so
#: deleting these bytes leaves nothing when the text has none.
_NOT_C0_OR_DEL = bytes(b for b in range(256) if b >= 0x80 or not CONTROL_CHARACTER.match(chr(b)))
#: A C1 control (U+0080 to U+009F) in UTF-8: 0xC2 then 0x80 to 0x9F. No other
#: character's bytes hold this pair (0xC2 only ever starts a character), and a regular
#: expression over bytes that starts with a literal byte skips ahead to it quickly.
_C1_UTF8 = re.compile(b"\xc2[\x80-\x9f]")
#: The characters encoded per scan (1 Mi): the UTF-8 copy stays small.
_SCAN_CHARACTERS = 1 << 20


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


def nfc_texts(ctx, path, doc):
    """Warn of each text of the JSON value ``doc`` not in NFC (``text-not-nfc``, at its
    pointer) and return ``doc`` with every string in NFC, keys too (``doc`` itself
    when all are): what project.json and sources.json say reaches the pages as NFC,
    as the layers', events' and tours' texts do.

    >>> class Found:
    ...     def problem(self, code, path, message, **where): print(code, where["pointer"])
    >>> doc = nfc_texts(Found(), "p.json", {"title": {"vi": "Ho\u0300n Gai"}})
    text-not-nfc /title/vi
    >>> doc == {"title": {"vi": "Hòn Gai"}}
    True
    """
    return _nfc(doc) if warn_non_nfc(ctx, path, doc) else doc


def warn_non_nfc(ctx, path, doc) -> int:
    """``text-not-nfc`` at the pointer of each text of the JSON value ``doc`` not in
    NFC (the loader composes them); how many there are."""
    found = 0
    for ptr, text in non_nfc_strings(doc):
        found += 1
        ctx.problem(
            "text-not-nfc",
            path,
            f"text {text[:40]!r} is not NFC (decomposed accents); it will be normalised "
            "when loaded",
            hint=NFC_FIX,
            pointer=ptr,
        )
    return found


def _nfc(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {_nfc(key): _nfc(child) for key, child in value.items()}
    if isinstance(value, list):
        return [_nfc(child) for child in value]
    return value


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


def _utf8_chunks(text: str):
    """``text`` in UTF-8, a chunk of :data:`_SCAN_CHARACTERS` characters at a time."""
    for start in range(0, len(text), _SCAN_CHARACTERS):
        yield text[start : start + _SCAN_CHARACTERS].encode("utf-8", "surrogatepass")


def has_control_character(text: str) -> bool:
    """``CONTROL_CHARACTER.search(text) is not None``, three times faster on a big text.

    The regular expression tests its character class at every character: 0.45 s over
    the 140 million characters of the events of 100,000 sites. In UTF-8 a C0 control
    or DEL is a byte of its own and a C1 control (U+0080 to U+009F) is byte 0xC2 then
    one of 0x80 to 0x9F (:data:`_C1_UTF8`), which only the other characters up to
    U+00BF share (``°``, ``±``, ``©``). Deleting the other bytes and looking for 0xC2
    are plain byte loops; only a chunk holding a 0xC2 is searched for the pair.

    Examples
    --------
    >>> has_control_character("Hạ Long\tbay"), has_control_character("a\x0bb")
    (False, True)
    >>> has_control_character("45°"), has_control_character("a\x85b")
    (False, True)
    """
    return any(map(utf8_has_control, _utf8_chunks(text)))


def utf8_has_control(data: bytes) -> bool:
    """:func:`has_control_character` of the text whose UTF-8 bytes are ``data`` (a BOM
    may lead them: it holds no control), read from the bytes themselves.

    Examples
    --------
    >>> utf8_has_control("45° Hạ Long".encode()), utf8_has_control("a\x85b".encode())
    (False, True)
    """
    return bool(data.translate(None, _NOT_C0_OR_DEL)) or (
        b"\xc2" in data and _C1_UTF8.search(data) is not None
    )


def json_may_hold_control(text: str) -> bool:
    """``JSON_MAY_HOLD_CONTROL.search(text) is not None``, faster on a big text.

    A backslash is looked for first (one quick scan; most files have none), then raw
    DEL, and C1 controls in UTF-8 as in :func:`has_control_character`.

    Examples
    --------
    >>> json_may_hold_control('{"a": "b"}'), json_may_hold_control('{"a": "\\\\u0007"}')
    (False, True)
    >>> json_may_hold_control('{"a": "\x9f"}'), json_may_hold_control('{"a": "°"}')
    (True, False)
    """
    if "\\" in text and _CONTROL_ESCAPE.search(text):
        return True
    if "\x7f" in text:
        return True
    return any(b"\xc2" in data and _C1_UTF8.search(data) for data in _utf8_chunks(text))
