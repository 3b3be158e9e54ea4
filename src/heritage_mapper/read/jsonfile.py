"""A JSON reader that reports problems instead of raising.

:func:`read_json` reads one file and returns a :class:`JsonDocument`: the parsed value
(or ``None`` when it cannot be parsed), the decoded text and a list of
:class:`~heritage_mapper.problems.Problem` findings (empty file, byte-order mark, bytes
that are not UTF-8, escapes of half a surrogate pair, syntax errors, duplicate keys,
nesting too deep, ``NaN`` literals, file too large). Every finding has a line and
column or a JSON pointer.

:func:`line_of_pointer` and :func:`lines_of_pointers` map RFC 6901 JSON pointers back to
1-based line numbers with one linear scan of the text, so findings of later checks can
name a line.
"""

from __future__ import annotations

import gc
import json
import math
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import numpy as np

from heritage_mapper.problems import Location, Problem
from heritage_mapper.read.files import InputRefused, read_regular
from heritage_mapper.text import pointer_join

__all__ = [
    "DEFAULT_MAX_JSON_BYTES",
    "MAX_JSON_DEPTH",
    "JsonDocument",
    "read_json",
    "read_json_bytes",
    "line_of_pointer",
    "lines_of_pointers",
    "with_lines",
    "pointer_join",
    "gc_paused",
    "read_bytes_within",
    "too_large_message",
]

#: Deepest nesting of arrays and objects accepted. GeoJSON needs about ten levels
#: (a MultiPolygon in a GeometryCollection in a Feature in a FeatureCollection).
MAX_JSON_DEPTH = 64
#: Largest file read when no ``max_bytes`` is given (64 MiB). Checking a layer takes
#: about 6 (points) to 15 (polygons) times the file's size in memory, so this bounds
#: a check to about 1 GB; measured for a 300 MB layer: 1.7 GB and 33 s (points) to
#: 4.4 GB and 57 s (polygons). Site layers are kilobytes; raise the limit with
#: ``--max-bytes`` (``max_bytes=`` in Python) for a file that is meant to be big.
DEFAULT_MAX_JSON_BYTES = 64 * 1024 * 1024

UTF8_BOM = b"\xef\xbb\xbf"
#: How many characters of the offending line a syntax error quotes.
SYNTAX_CONTEXT_CHARS = 30

_OPENERS = frozenset(b"[{")
_CLOSERS = frozenset(b"]}")
# For the depth pre-scan: escape sequences, every byte but quotes and brackets, and
# strings once escapes are gone.
_ESCAPE_BYTES = re.compile(rb"\\.", re.DOTALL)
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'"[]{}')
_BARE_STRING_BYTES = re.compile(rb'"[^"]*"')
# A \uD800-\uDFFF escape decodes to half a UTF-16 pair, which cannot be written out.
_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT_CHARACTER = "\ufffd"


@dataclass
class JsonDocument:
    """The outcome of :func:`read_json`.

    ``document`` is the parsed value, or ``None`` when the file could not be parsed
    (``parsed`` tells that apart from a file holding the JSON literal ``null``);
    ``text`` is the decoded text (``None`` if the file could not be read) and
    ``problems`` the findings, all errors.
    """

    path: str
    document: object | None = None
    text: str | None = None
    problems: list[Problem] = field(default_factory=list)
    parsed: bool = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for an allocation-heavy step.

    Parsing or walking a large document allocates millions of lists and floats but no
    reference cycles; without this, CPython runs the cycle collector over and over and
    the step takes about twice as long. The previous state is restored on exit.

    Examples
    --------
    >>> with gc_paused():
    ...     gc.isenabled()
    False
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _empty_example(name, geojson: bool | None = None) -> str:
    """What to write into the empty file ``name``: a GeoJSON layer can start as an empty
    FeatureCollection; project.json and the other files have a shape of their own.
    ``geojson`` says which the caller reads (None: a ``.geojson`` name is GeoJSON).

    >>> _empty_example("layers/a.geojson") == _empty_example("layers/a.json", geojson=True)
    True
    >>> _empty_example("layers/a.json", geojson=True)
    'e.g. {"type": "FeatureCollection", "features": []}'
    >>> _empty_example("geodata/project.json")
    "as the README's data model shows for this file"
    """
    if geojson or (geojson is None and str(name).lower().endswith(".geojson")):
        return 'e.g. {"type": "FeatureCollection", "features": []}'
    return "as the README's data model shows for this file"


def read_json(
    path,
    *,
    max_depth: int = MAX_JSON_DEPTH,
    max_bytes: int | None = None,
    geojson: bool | None = None,
) -> JsonDocument:
    """Read a JSON file, collecting problems instead of raising.

    Parameters
    ----------
    path : str or os.PathLike
        The file to read.
    max_depth : int, optional
        Deepest nesting of arrays and objects accepted; deeper files get a
        ``json-too-deep`` finding and are not parsed (so no ``RecursionError``).
    max_bytes : int, optional
        Larger files get a ``json-too-large`` finding and are not read (their size is
        checked first, and no more than this many bytes are ever read). Default
        :data:`DEFAULT_MAX_JSON_BYTES`.
    geojson : bool, optional
        Whether the file should be GeoJSON (a layer, a file given to ``check``): an
        empty one is told to hold an empty FeatureCollection. Default: by its suffix.

    Returns
    -------
    JsonDocument
        The parsed value (``None`` if unparseable), the text and the findings.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> tmp = pathlib.Path(tempfile.mkdtemp()) / "dup.json"
    >>> _ = tmp.write_text('{"a": 1, "a": 2}')
    >>> doc = read_json(tmp)
    >>> doc.document, [p.code for p in doc.problems]
    ({'a': 2}, ['json-duplicate-key'])
    """
    name = str(path)
    out = JsonDocument(path=name)
    data = _read_bytes(name, max_bytes, out.problems)
    if data is None:
        return out
    return _read_data(out, data, max_depth, geojson)


def read_json_bytes(path, data: bytes, *, max_depth: int = MAX_JSON_DEPTH) -> JsonDocument:
    """:func:`read_json` of bytes already read (``path`` only names them in findings).

    Examples
    --------
    >>> doc = read_json_bytes("a.json", b'{"a": NaN}')
    >>> doc.document, [(p.code, p.location.pointer) for p in doc.problems]
    ({'a': nan}, [('json-nan', '/a')])
    """
    return _read_data(JsonDocument(path=str(path)), data, max_depth)


def _read_data(
    out: JsonDocument, data: bytes, max_depth: int, geojson: bool | None = None
) -> JsonDocument:
    name = out.path
    bom = data.startswith(UTF8_BOM)
    if bom:
        data = data[len(UTF8_BOM) :]
        out.problems.append(_bom_problem(name))
    out.text = _decode(name, data, out.problems)
    if not data or data.isspace():  # not data.strip(), which copies the whole file
        out.problems.append(
            _finding(
                name,
                "json-empty",
                "the file is empty (or only whitespace); write a JSON value into it, "
                + _empty_example(name, geojson),
                line=1,
                column=1,
            )
        )
        return out
    too_deep = _too_deep_problem(name, data, max_depth)
    if too_deep is not None:
        out.problems.append(too_deep)
        return out
    _parse(out, max_depth, first_line_shift=int(bom))
    return out


def _finding(path: str, code: str, message: str, **where) -> Problem:
    """A finding of ``code`` (every reader code is an error: see heritage_mapper.rules)."""
    return Problem.from_rule(code, path, message, Location(**where))


def too_large_message(size: int | None, max_bytes: int) -> str:
    """Say that a file is over the size limit, and how to raise the limit.

    ``size`` is None when it is not known (a device or a file still growing).

    Examples
    --------
    >>> too_large_message(300_000_000, 67_108_864)[:75]
    'the file is 300,000,000 bytes, over the limit of 67,108,864 bytes (64 MiB):'
    """
    mib = f" ({max_bytes / 2**20:.4g} MiB)" if max_bytes >= 2**20 else ""
    limit = f"the limit of {max_bytes:,} bytes{mib}"
    if size is None:
        what, at_least = f"the file holds more than {limit} (a device, or a growing file)", ""
    else:
        what, at_least = f"the file is {size:,} bytes, over {limit}", f" {size}"
    return (
        f"{what}: checking it would take several times its size in memory; if it is meant "
        f"to be this big, raise the limit with --max-bytes{at_least} (max_bytes= in Python)"
    )


def read_bytes_within(path, max_bytes: int | None) -> tuple[bytes | None, int | None]:
    """Read a file unless it is larger than ``max_bytes``; never read more than that.

    The size is checked before reading, so a file of gigabytes is refused at once; a
    file that grows while read is cut off at the limit. Only a regular file is read
    (:func:`heritage_mapper.read.files.read_regular`): a pipe or device is refused.

    Returns
    -------
    data : bytes or None
        The content, or None when the file is over the limit.
    size : int or None
        The file's size when it is over the limit (None if that is not known).

    Raises
    ------
    InputRefused
        ``path-not-regular-file`` for a pipe, a device or a folder.
    OSError
        When the file cannot be opened or read.
    """
    limit = DEFAULT_MAX_JSON_BYTES if max_bytes is None else max_bytes
    return read_regular(path, limit)


def _read_bytes(path: str, max_bytes: int | None, problems: list[Problem]) -> bytes | None:
    limit = DEFAULT_MAX_JSON_BYTES if max_bytes is None else max_bytes
    try:
        data, size = read_bytes_within(path, limit)
        if data is None:
            message = too_large_message(size, limit)
            problems.append(_finding(path, "json-too-large", message, pointer=""))
        return data
    except InputRefused as exc:
        problems.append(_finding(path, exc.code, exc.message, pointer=""))
        return None
    except OSError as exc:
        problems.append(
            _finding(
                path,
                "json-unreadable",
                f"cannot read the file: {exc.strerror or exc}; check the path and permissions",
                pointer="",
            )
        )
        return None


def _bom_problem(path: str) -> Problem:
    return _finding(
        path,
        "json-bom",
        "the file starts with a UTF-8 byte-order mark (EF BB BF), which JSON forbids "
        "(RFC 8259 section 8.1); re-save the file as UTF-8 without BOM",
        line=1,
        column=1,
    )


def _decode(path: str, data: bytes, problems: list[Problem]) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = exc.start
        line_start = data.rfind(b"\n", 0, start) + 1
        line = data.count(b"\n", 0, start) + 1
        column = len(data[line_start:start].decode("utf-8", "replace")) + 1
        problems.append(
            _finding(
                path,
                "json-encoding",
                f"byte 0x{data[start]:02X} at byte offset {start} (line {line}, column "
                f"{column}) is not UTF-8; the file is probably in a legacy encoding such as "
                "Windows-1258 or Latin-1: re-save it as UTF-8",
                line=line,
                column=column,
            )
        )
        return data.decode("utf-8", "replace")


def _max_depth_of(data: bytes) -> int:
    """Deepest bracket nesting of JSON bytes, ignoring brackets inside strings.

    Linear and mostly in C: drop escape sequences, keep only quotes and brackets, drop
    the (now bracket-only) strings, then a cumulative sum over what is left.

    Most strings hold no bracket and leave ``""``; those pairs go first with one
    ``bytes.replace`` (the regular expression took 0.25 s per 50 MB replacing them one
    match at a time). When every string is closed (an even number of quotes), two
    quotes side by side are a string's own or one string's end and the next one's start
    (nothing but string content between), so taking them out keeps every other quote
    paired and drops only string content. An odd number (an unclosed string) keeps the
    regular expression's pairing alone.
    """
    if b"\\" in data:
        data = _ESCAPE_BYTES.sub(b"", data)
    quotes_and_brackets = data.translate(None, _NOT_STRUCTURE)
    if quotes_and_brackets.count(b'"') % 2 == 0:
        quotes_and_brackets = quotes_and_brackets.replace(b'""', b"")
    skeleton = _BARE_STRING_BYTES.sub(b"", quotes_and_brackets)
    codes = np.frombuffer(skeleton, dtype=np.uint8)
    if codes.size == 0:
        return 0
    steps = np.where((codes == ord("[")) | (codes == ord("{")), 1, -1)
    return int(np.cumsum(steps, dtype=np.int64).max())


def _position_of_depth(data: bytes, max_depth: int) -> tuple[int, int]:
    """Line and column of the first bracket nested deeper than ``max_depth``.

    A byte loop, but it stops at that bracket, which is near the start for the
    pathological files this is used for.
    """
    depth, line, line_start, in_string, escaped = 0, 1, 0, False, False
    for offset, byte in enumerate(data):
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in _OPENERS:
            depth += 1
            if depth > max_depth:
                return line, offset - line_start + 1
        elif byte in _CLOSERS:
            depth -= 1
        if byte == 0x0A:
            line, line_start = line + 1, offset + 1
    return line, 1


def _too_deep_problem(path: str, data: bytes, max_depth: int) -> Problem | None:
    depth = _max_depth_of(data)
    if depth <= max_depth:
        return None
    line, column = _position_of_depth(data, max_depth)
    return _finding(
        path,
        "json-too-deep",
        f"arrays and objects are nested {depth} levels deep, more than the "
        f"{max_depth} allowed (GeoJSON needs about 10); the file is probably corrupt or "
        "not GeoJSON: check how it was produced",
        line=line,
        column=column,
    )


#: The json module's messages that end "... at" (it adds the place after them), in
#: words that stand alone: the finding gives the place itself.
_SYNTAX_MESSAGES = {
    "Unterminated string starting at": "a string starts there and is never closed",
    "Invalid control character at": "a control character (a raw tab or line break) "
    "inside a string, which JSON writes \\t or \\n",
}


def _syntax_problem(path: str, text: str, exc: json.JSONDecodeError, shift: int) -> Problem:
    column = exc.colno + (shift if exc.lineno == 1 else 0)
    snippet = " ".join(text[max(0, exc.pos - SYNTAX_CONTEXT_CHARS) : exc.pos].split())
    near = f" after {snippet!r}" if snippet else ""
    message = _SYNTAX_MESSAGES.get(exc.msg, exc.msg.removesuffix(" at"))
    return _finding(
        path,
        "json-syntax",
        f"invalid JSON at line {exc.lineno}, column {column}{near}: {message}; "
        "fix the syntax there (a missing comma, quote or bracket, or a trailing comma, "
        "is the usual cause)",
        line=exc.lineno,
        column=column,
    )


class _Hooks:
    """``json.loads`` hooks that note duplicate keys and non-standard constants."""

    def __init__(self):
        self.duplicates: list[tuple[dict, list[str]]] = []
        # The floats read from NaN/Infinity literals, by id (1e400 is inf too, but it is
        # JSON); holding them keeps their ids from being reused.
        self.constants: dict[int, float] = {}

    def object_pairs(self, pairs: list[tuple[str, object]]) -> dict:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            dups = [k for k, _ in pairs if k in seen or seen.add(k)]
            self.duplicates.append((obj, list(dict.fromkeys(dups))))
        return obj

    def constant(self, name: str) -> float:
        value = float(name.replace("Infinity", "inf"))
        self.constants[id(value)] = value
        return value


def _loads(text: str) -> tuple[object, _Hooks]:
    """``json.loads`` with the hooks; integers too long for ``int()`` become floats."""
    hooks = _Hooks()
    try:
        return json.loads(
            text, object_pairs_hook=hooks.object_pairs, parse_constant=hooks.constant
        ), hooks
    except json.JSONDecodeError:
        raise
    except ValueError:
        # CPython's int() refuses more than sys.get_int_max_str_digits() digits (4300
        # by default). Such a number is still JSON: read it as a float (±inf, like
        # 1e400), which the GeoJSON checks report as too large where it matters.
        hooks = _Hooks()
        return json.loads(
            text,
            object_pairs_hook=hooks.object_pairs,
            parse_constant=hooks.constant,
            parse_int=_int_or_float,
        ), hooks


def _int_or_float(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)


def _parse(out: JsonDocument, max_depth: int, first_line_shift: int) -> None:
    try:
        with gc_paused():
            out.document, hooks = _loads(out.text)
    except json.JSONDecodeError as exc:
        out.problems.append(_syntax_problem(out.path, out.text, exc, first_line_shift))
        return
    except RecursionError:  # pragma: no cover - the depth pre-scan catches this first
        out.problems.append(
            _finding(
                out.path,
                "json-too-deep",
                f"arrays and objects are nested more than {max_depth} levels deep; the file "
                "is probably corrupt or not GeoJSON",
                line=1,
                column=1,
            )
        )
        return
    out.parsed = True
    if hooks.duplicates or hooks.constants:
        out.problems.extend(_located_hook_problems(out, hooks))
    if "\\ud" in out.text or "\\uD" in out.text:
        out.problems.extend(_replace_lone_surrogates(out))


def _scrub(text: str) -> str:
    return _SURROGATE.sub(REPLACEMENT_CHARACTER, text)


def _replace_lone_surrogates(out: JsonDocument) -> list[Problem]:
    """Replace unpaired surrogates (from escapes like ``\\udc80``) with U+FFFD.

    JSON escapes UTF-16 code units, so an escaped surrogate without its other half
    decodes to a string that no UTF-8 output (a report, a map, an export) can hold.
    Strings and keys are fixed in place, and so are the findings already made from
    them; one more finding names one such string and the count.
    """
    holder = [out.document]
    found: list[str] = []
    stack: list[tuple[str, list | dict, int | str]] = [("", holder, 0)]
    while stack:
        pointer, container, key = stack.pop()
        value = container[key]
        if isinstance(value, str):
            if _SURROGATE.search(value):
                container[key] = _scrub(value)
                found.append(pointer)
        elif isinstance(value, dict):
            if any(_SURROGATE.search(k) for k in value):
                fixed = [(_scrub(k), v) for k, v in value.items()]
                found.extend(pointer_join(pointer, k) for k, _ in fixed if k not in value)
                value.clear()
                value.update(fixed)
            stack.extend((pointer_join(pointer, k), value, k) for k in reversed(list(value)))
        elif isinstance(value, list):
            stack.extend((pointer_join(pointer, i), value, i) for i in reversed(range(len(value))))
    out.document = holder[0]
    if not found:
        return []
    for i, p in enumerate(out.problems):
        if _SURROGATE.search(p.message + (p.location.pointer or "")):
            pointer = _scrub(p.location.pointer) if p.location.pointer is not None else None
            where = replace(p.location, pointer=pointer)
            out.problems[i] = replace(p, message=_scrub(p.message), location=where)
    line = lines_of_pointers(out.text, found[:1]).get(found[0])
    more = f" ({len(found)} strings in the file)" if len(found) > 1 else ""
    return [
        _finding(
            out.path,
            "json-lone-surrogate",
            f"the string at {found[0] or '/'} has a \\uD800-\\uDFFF escape without its other "
            f"half{more}: half a UTF-16 surrogate pair is not a character, so it was read as "
            "U+FFFD; write the character itself, or both halves (e.g. \\ud83c\\udfef)",
            pointer=found[0],
            line=line,
        )
    ]


def _walk(document):
    """Yield ``(pointer, value)`` for every value, iteratively (depth-safe)."""
    stack = [("", document)]
    while stack:
        pointer, value = stack.pop()
        yield pointer, value
        if isinstance(value, dict):
            items = value.items()
        elif isinstance(value, list):
            items = enumerate(value)
        else:
            continue
        stack.extend((pointer_join(pointer, k), v) for k, v in reversed(list(items)))


def _located_hook_problems(out: JsonDocument, hooks: _Hooks) -> list[Problem]:
    wanted = {id(obj): keys for obj, keys in hooks.duplicates}
    problems: list[Problem] = []
    for pointer, value in _walk(out.document):
        if isinstance(value, dict) and id(value) in wanted:
            for key in wanted.pop(id(value)):
                problems.append(_duplicate_problem(out.path, pointer, key, value[key]))
        elif isinstance(value, float) and id(value) in hooks.constants:
            literal = "NaN" if math.isnan(value) else f"{'-' if value < 0 else ''}Infinity"
            problems.append(
                _finding(
                    out.path,
                    "json-nan",
                    f"{literal} is not a JSON value (JSON has no NaN or Infinity literals); "
                    "write null, or a real number",
                    pointer=pointer,
                )
            )
    located = with_lines(problems, out.text)
    # Objects that a later duplicate key replaced are no longer in the document.
    for obj, keys in hooks.duplicates:
        if id(obj) in wanted:
            for key in keys:
                orphan = _duplicate_problem(out.path, None, key, obj[key])
                line = _line_of_repeated_key(out.text, key)
                located.append(replace(orphan, location=Location(line=line)))
    return located


def _line_of_repeated_key(text: str, key: str) -> int:
    """Line of the second ``"key":`` in the text: a best guess for an orphan duplicate."""
    pattern = re.compile(re.escape(json.dumps(key, ensure_ascii=False)) + r"\s*:")
    matches = pattern.finditer(text)
    first = next(matches, None)
    second = next(matches, first)
    return text.count("\n", 0, second.start()) + 1 if second else 1


def _duplicate_problem(path: str, pointer: str | None, key: str, kept) -> Problem:
    where = f"the object at {pointer or '/'}" if pointer is not None else "an object"
    shown = json.dumps(kept, ensure_ascii=False)
    if len(shown) > SYNTAX_CONTEXT_CHARS:
        shown = shown[:SYNTAX_CONTEXT_CHARS] + "..."
    return _finding(
        path,
        "json-duplicate-key",
        f"{where} has the key {key!r} more than once; readers disagree on which value "
        f"wins (this one keeps the last, {shown}): delete the duplicates",
        pointer=pointer_join(pointer, key) if pointer is not None else None,
    )


def with_lines(problems: list[Problem], text: str | None) -> list[Problem]:
    """``problems`` with the line of their pointer in ``text`` (one scan for all).

    A finding that has a line already, or no pointer, or whose pointer is not in the
    text, is kept as it is: the one place findings get their line from a pointer.

    Examples
    --------
    >>> found = [Problem("error", "x-y", "f.json", "m", Location(pointer="/a"))]
    >>> with_lines(found, '{\\n "a": 1\\n}')[0].location.line
    2
    """
    wanted = {
        p.location.pointer
        for p in problems
        if p.location.line is None and p.location.pointer is not None
    }
    if not wanted or text is None:
        return list(problems)
    lines = lines_of_pointers(text, wanted)
    return [
        replace(p, location=replace(p.location, line=lines[p.location.pointer]))
        if p.location.line is None and p.location.pointer in lines
        else p
        for p in problems
    ]


def line_of_pointer(text: str, pointer: str) -> int | None:
    """Return the 1-based line where the value at a JSON pointer starts.

    An O(n) scan of the text; ``None`` if the pointer is not in it.

    Examples
    --------
    >>> line_of_pointer('{\\n "a": [1,\\n  2]\\n}', "/a/1")
    3
    """
    return lines_of_pointers(text, [pointer]).get(pointer)


def lines_of_pointers(text: str, pointers: Iterable[str | None]) -> dict[str, int]:
    """Map many JSON pointers to 1-based line numbers.

    One vectorised pass indexes the text's structure (brackets, commas and colons
    outside strings, with their nesting depth); each pointer is then resolved with
    binary searches, so the cost is linear in the text plus a few microseconds per
    pointer. Pointers that do not occur in the text are left out of the result.

    Examples
    --------
    >>> text = '{"a": 1,\\n "b": [true,\\n false]}'
    >>> sorted(lines_of_pointers(text, ["/b/1", "/a", "/c", None]).items())
    [('/a', 1), ('/b/1', 3)]
    """
    wanted = {p for p in pointers if p is not None}
    if not wanted:
        return {}
    index = _StructureIndex(text)
    lines = {p: index.line_of(p) for p in sorted(wanted)}
    return {p: line for p, line in lines.items() if line is not None}


_STRUCTURAL = np.zeros(256, dtype=bool)
_STRUCTURAL[list(b"[]{},:")] = True
_OPEN_CODES = (ord("["), ord("{"))
_CLOSE_CODES = (ord("]"), ord("}"))
_WHITESPACE_BYTES = re.compile(rb"[ \t\r\n]*")


def _unescape_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


class _StructureIndex:
    """Positions and depths of the structural characters of a JSON text.

    ``pos[t]`` is the byte offset of token ``t`` (one of ``[]{},:`` outside strings),
    ``depth[t]`` the number of containers open after it: for ``,`` and ``:`` that is
    the depth of the container they separate, for an opener its own depth.
    """

    def __init__(self, text: str):
        self.data = text.encode("utf-8", "surrogatepass")
        codes = np.frombuffer(self.data, dtype=np.uint8)
        self.newlines = np.flatnonzero(codes == ord("\n"))
        self.quotes = self._real_quotes(codes)
        candidates = np.flatnonzero(_STRUCTURAL[codes])
        outside = self.quotes.searchsorted(candidates) % 2 == 0
        self.pos = candidates[outside]
        self.chars = codes[self.pos]
        steps = np.isin(self.chars, _OPEN_CODES).astype(np.int64)
        steps -= np.isin(self.chars, _CLOSE_CODES)
        self.depth = np.cumsum(steps)
        self._by_kind: dict[tuple[str, int], np.ndarray] = {}
        self._openers: dict[str, int | None] = {}
        self._needles: dict[str, bytes] = {}

    def _real_quotes(self, codes: np.ndarray) -> np.ndarray:
        """Offsets of the quotes that open or close strings (not escaped ones)."""
        quotes = np.flatnonzero(codes == ord('"'))
        suspects = quotes[(quotes > 0) & (codes[np.maximum(quotes - 1, 0)] == ord("\\"))]
        escaped = []
        for q in suspects.tolist():
            k = q - 1
            while k >= 0 and self.data[k] == ord("\\"):
                k -= 1
            if (q - 1 - k) % 2:
                escaped.append(q)
        return np.setdiff1d(quotes, escaped, assume_unique=True) if escaped else quotes

    def _tokens(self, kind: str, depth: int) -> np.ndarray:
        """Sorted token indices of one kind (``,`` ``:`` or ``close``) at one depth."""
        key = (kind, depth)
        if key not in self._by_kind:
            match = (
                np.isin(self.chars, _CLOSE_CODES) if kind == "close" else self.chars == ord(kind)
            )
            self._by_kind[key] = np.flatnonzero(match & (self.depth == depth))
        return self._by_kind[key]

    def _skip_space(self, offset: int) -> int:
        return _WHITESPACE_BYTES.match(self.data, offset).end()

    def line_of(self, pointer: str) -> int | None:
        offset = self.offset_of(pointer)
        if offset is None:
            return None
        return int(self.newlines.searchsorted(offset)) + 1

    def offset_of(self, pointer: str) -> int | None:
        """Byte offset where the value at ``pointer`` starts, or None (iterative)."""
        start = self._skip_space(0)
        if start >= len(self.data):
            return None
        if pointer == "":
            return start
        tokens = pointer.split("/")[1:]
        prefix, opener = "", self._opener_at("", start)
        for n, token in enumerate(tokens):
            if opener is None:
                return None
            prefix = f"{prefix}/{token}"
            cached = self._openers.get(prefix, False)
            if cached is not False and n < len(tokens) - 1:
                opener = cached
                continue
            start = self._child_offset(opener, _unescape_token(token))
            if start is None:
                return None
            opener = self._opener_at(prefix, start)
        return start

    def _opener_at(self, prefix: str, start: int) -> int | None:
        """Token index of the ``[`` or ``{`` at byte ``start`` (None if a scalar)."""
        t = int(self.pos.searchsorted(start))
        is_open = t < len(self.pos) and self.pos[t] == start and self.chars[t] in _OPEN_CODES
        self._openers[prefix] = t if is_open else None
        return self._openers[prefix]

    def _closer(self, opener: int) -> int:
        closers = self._tokens("close", int(self.depth[opener]) - 1)
        i = int(closers.searchsorted(opener, side="right"))
        return int(closers[i]) if i < len(closers) else len(self.pos)

    def _child_offset(self, opener: int, key: str) -> int | None:
        closer = self._closer(opener)
        depth = int(self.depth[opener])
        if self.chars[opener] == ord("["):
            separator = self._array_separator(opener, closer, depth, key)
        else:
            separator = self._object_separator(opener, closer, depth, key)
        if separator is None:
            return None
        start = self._skip_space(int(self.pos[separator]) + 1)
        if closer < len(self.pos) and start >= self.pos[closer]:
            return None  # an empty array has no element 0
        return start

    def _array_separator(self, opener: int, closer: int, depth: int, key: str):
        if not key.isdigit() or (len(key) > 1 and key[0] == "0"):
            return None
        k = int(key)
        if k == 0:
            return opener
        commas = self._tokens(",", depth)
        i = int(commas.searchsorted(opener, side="right")) + k - 1
        return int(commas[i]) if i < len(commas) and commas[i] < closer else None

    def _object_separator(self, opener: int, closer: int, depth: int, key: str):
        """The ``:`` token after ``key`` in the object (the last one if repeated)."""
        found = self._find_key(opener, closer, depth, key)
        if found is not None:
            return found
        # Keys written with escapes (e.g. "\\u00e1") do not match their plain bytes.
        colons = self._tokens(":", depth)
        lo = int(colons.searchsorted(opener, side="right"))
        hi = int(colons.searchsorted(closer))
        for colon in colons[lo:hi].tolist():
            if self._key_before(int(self.pos[colon])) == key:
                found = colon
        return found

    def _find_key(self, opener: int, closer: int, depth: int, key: str) -> int | None:
        """Look for the key's plain JSON bytes between the brackets, last first."""
        needle = self._needles.get(key)
        if needle is None:
            needle = json.dumps(key, ensure_ascii=False).encode("utf-8", "surrogatepass")
            self._needles[key] = needle
        lo = int(self.pos[opener])
        hi = int(self.pos[closer]) if closer < len(self.pos) else len(self.data)
        at = self.data.rfind(needle, lo, hi)
        while at >= 0:
            colon = self._skip_space(at + len(needle))
            t = int(self.pos.searchsorted(colon))
            if t < len(self.pos) and self.pos[t] == colon and self._is_colon(t, depth):
                return t
            at = self.data.rfind(needle, lo, at)
        return None

    def _is_colon(self, t: int, depth: int) -> bool:
        return self.chars[t] == ord(":") and self.depth[t] == depth

    def _key_before(self, colon_offset: int) -> str | None:
        i = int(self.quotes.searchsorted(colon_offset)) - 1
        if i < 1:
            return None
        raw = self.data[self.quotes[i - 1] : self.quotes[i] + 1]
        if b"\\" not in raw:
            return raw[1:-1].decode("utf-8", "replace")
        try:
            return json.loads(raw)
        except ValueError:
            return None
