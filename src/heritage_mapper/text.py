"""Text helpers every stage shares: the one diacritic fold, JSON-pointer escaping, and
one object for each repeated text of a column (:func:`shared_texts`).

:func:`fold` is the project's only folding rule. Search keys on the map pages, the
near-duplicate check of ids and the ASCII names of Shapefile fields all use it, and the
page script's ``fold`` (``render/static/js/text.js``) mirrors it; a browser test holds
the two together over a large sample of Vietnamese text.

Examples
--------
>>> fold("Cửa  Ông")
'cua ong'
>>> fold("Đảo Tuần Châu") == fold("dao tuan chau")
True
>>> pointer("features", 3, "a/b~c")
'/features/3/a~1b~0c'
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "fold",
    "fold_all",
    "ascii_fold",
    "without_accents",
    "pointer",
    "pointer_join",
    "shared_texts",
]

#: Unicode categories a fold drops: marks (accents, variation selectors such as U+FE0F,
#: the combining grapheme joiner) and format characters (zero-width space, joiners,
#: U+FEFF, the word joiner). Text that differs only by them looks the same.
DROPPED_CATEGORIES = ("M", "Cf")
#: NFKD does not decompose the Vietnamese đ/Đ (a letter of its own, not d + a mark).
LETTER_FOLDS = {"đ": "d", "Đ": "D"}
_SEPARATOR = "\x00"  # joins texts for fold_all; no folded text keeps one
_SPACES = re.compile(r"\s+")
#: :func:`shared_texts` reads this many cells first, and shares a column's texts only
#: when at most :data:`SHARED_AT_MOST` of them are distinct (hashing every text of a
#: column of unique ones, a summary's, would cost time and save nothing).
SHARED_SAMPLE = 4096
SHARED_AT_MOST = 0.9


def _dropped(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] == "M" or category == "Cf"


def fold(text: str) -> str:
    """Fold text for comparison: case-, accent-, form- and invisible-insensitive.

    NFKD, drop every mark and format character (:data:`DROPPED_CATEGORIES`), map
    ``đ``/``Đ`` to ``d``/``D``, lower-case and collapse white space.

    Examples
    --------
    >>> fold("Nam Hòa") == fold("nam  hoa ")
    True
    >>> fold("hon\\u200bgai") == fold("hongai")
    True
    """
    if text.isascii():
        return " ".join(text.lower().split())
    return " ".join(without_accents(text).lower().split())


def without_accents(text: str) -> str:
    """``text`` in NFKD without its marks and format characters, ``đ``/``Đ`` as
    ``d``/``D``: :func:`fold` before its lower-casing and spacing.

    >>> without_accents("Đảo Tuần Châu")
    'Dao Tuan Chau'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not _dropped(c))
    for letter, plain in LETTER_FOLDS.items():
        bare = bare.replace(letter, plain)
    return bare


def fold_all(texts: list[str]) -> list[str]:
    """:func:`fold` of each text, in a few passes over all of them at once.

    Examples
    --------
    >>> fold_all(["Hòn Gai", "Cửa  Ông"])
    ['hon gai', 'cua ong']
    >>> fold_all([])
    []
    """
    if not texts:
        return []
    if any(_SEPARATOR in text for text in texts):
        return [fold(text) for text in texts]
    decomposed = unicodedata.normalize("NFKD", _SEPARATOR.join(texts))
    dropped = {ord(c): None for c in set(decomposed) if _dropped(c)}
    bare = decomposed.translate(dropped)
    for letter, plain in LETTER_FOLDS.items():
        bare = bare.replace(letter, plain)
    return [" ".join(piece.split()) for piece in bare.lower().split(_SEPARATOR)]


def ascii_fold(text: str) -> str:
    """:func:`fold` without lower-casing or spacing, then only the ASCII that is left.

    Examples
    --------
    >>> ascii_fold("Tiên Yên Đông")
    'Tien Yen Dong'
    """
    return without_accents(text).encode("ascii", "ignore").decode("ascii")


def _escape(token) -> str:
    text = str(token)
    if "~" in text or "/" in text:
        text = text.replace("~", "~0").replace("/", "~1")
    return text


def pointer(*tokens) -> str:
    """An RFC 6901 JSON pointer from its reference tokens (``""`` for none).

    Examples
    --------
    >>> pointer()
    ''
    >>> pointer("properties", "name_vi")
    '/properties/name_vi'
    """
    return "".join("/" + _escape(t) for t in tokens)


def pointer_join(base: str, token: str | int) -> str:
    """``base`` extended by one reference token, escaped per RFC 6901.

    Examples
    --------
    >>> pointer_join("/features/0", "properties")
    '/features/0/properties'
    >>> pointer_join("", "a/b")
    '/a~1b'
    """
    return base + "/" + _escape(token)


def shared_texts(cells):
    """``cells`` (a tuple or list of values) with equal texts made one object, when at
    most :data:`SHARED_AT_MOST` of the texts in the first :data:`SHARED_SAMPLE` cells
    are distinct; else ``cells`` as given. Other values (numbers, lists, None) stay as
    they are: only a ``str`` is shared, with an equal ``str``.

    A parser makes a new object for every cell, so a column of 500,000 events that
    name 24 sources held 500,000 copies of 24 texts (30 MB). Shared, each is kept
    once, and a process forked from this one that reads them copies fewer memory
    pages on write (CPython writes the reference count of every object it reads).
    :mod:`marshal` keeps the sharing (an object it meets again is written as a
    reference), so a column sent between processes stays shared.

    >>> cells = shared_texts(["Hòn Gai", "".join(["Hòn ", "Gai"]), None, 1])
    >>> cells[0] is cells[1], cells[2:]
    (True, [None, 1])
    """
    texts = [cell for cell in cells[:SHARED_SAMPLE] if type(cell) is str]
    if not texts or len(set(texts)) > SHARED_AT_MOST * len(texts):
        return cells
    seen: dict[str, str] = {}
    shared = [seen.setdefault(cell, cell) if type(cell) is str else cell for cell in cells]
    return tuple(shared) if isinstance(cells, tuple) else shared
