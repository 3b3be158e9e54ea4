"""Read the features of a big GeoJSON FeatureCollection a chunk at a time.

:class:`FeatureStream` reads a file in blocks of :data:`BLOCK_BYTES` and yields
:class:`FeatureChunk` objects: the features found in a block, parsed by the same
``json.loads`` and hooks as :func:`~heritage_mapper.read.jsonfile.read_json` (so the
same duplicate-key and NaN findings, big integers read the same way), with their index
in the whole ``features`` array, and each finding with the pointer and line it has in
the whole file. Memory is bounded by the block size (and the largest single feature),
never by the number of features.

Feature boundaries are found with one vectorised pass a block over the bytes (quotes
that are not escaped, then brackets and commas outside strings with their depth). Each
chunk is parsed as a JSON array: the first from the ``features`` array's ``[``, the
next ones as ``[0`` followed by the bytes from the comma before their first feature,
so the parser sees the same text, in the same state, as when it parses the whole file.

After the last chunk, :attr:`FeatureStream.skeleton` is the whole file without the
features (``"features": []``, the removed lines kept as newlines, so the line of every
other member is its line in the file), read by
:func:`~heritage_mapper.read.jsonfile.read_json_bytes`.

The streamed reading gives the same findings as the whole-file reading on every file it
accepts. For what it does not reproduce exactly it raises :class:`StreamFallback`
(before or after some chunks), and the caller reads the file whole: a byte-order mark,
bytes that are not UTF-8, a syntax error, nesting deeper than the limit, an escaped
half surrogate pair, a root that is not an object with a ``features`` array (or with
two), a ``features`` member after more than :data:`HEAD_LIMIT_BYTES` of other members
or followed by more than that, and a duplicate key whose object a later duplicate
replaced (its finding names the line of the key's second occurrence in the whole file).
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import numpy as np

from heritage_mapper.problems import Location, Problem
from heritage_mapper.read.files import _OPEN_FLAGS
from heritage_mapper.read.jsonfile import (
    MAX_JSON_DEPTH,
    UTF8_BOM,
    JsonDocument,
    _loads,
    _located_hook_problems,
    _replace_lone_surrogates,
    gc_paused,
    read_json_bytes,
)

__all__ = ["BLOCK_BYTES", "FeatureChunk", "FeatureStream", "StreamFallback"]

#: Bytes read at a time; a chunk holds the features that end in one block (about
#: 30,000 points), which takes about 100 MB to parse and check.
BLOCK_BYTES = 8 * 2**20
#: Most bytes of members before ``features`` (or after it) that are read whole.
HEAD_LIMIT_BYTES = 16 * 2**20

_QUOTE, _BACKSLASH, _COMMA, _COLON = ord('"'), ord("\\"), ord(","), ord(":")
_STRUCTURAL = np.zeros(256, dtype=bool)
_STRUCTURAL[list(b"[]{},:")] = True
_STEP = np.zeros(256, dtype=np.int64)
_STEP[list(b"[{")] = 1
_STEP[list(b"]}")] = -1
_SPACE = re.compile(rb"[ \t\r\n]*")


class StreamFallback(Exception):
    """The file holds something the streamed reading does not reproduce: read it whole."""


@dataclass
class FeatureChunk:
    """Consecutive features of the ``features`` array.

    ``start`` is the index of ``features[0]`` in the whole array; ``text`` the JSON
    text they were parsed from, where feature ``i`` is element ``i + shift``, and
    whose line 1 is line ``first_line`` of the file; ``problems`` the reader's
    findings in them (duplicate keys, NaN), with the whole file's pointers and lines.
    """

    start: int
    features: list
    text: str
    shift: int
    first_line: int
    problems: list[Problem] = field(default_factory=list)

    def local_pointer(self, pointer: str) -> str | None:
        """The pointer in :attr:`text` of a ``/features/N/...`` pointer of the file."""
        head, _, rest = pointer.removeprefix("/features/").partition("/")
        if not pointer.startswith("/features/") or not head.isdigit():
            return None
        local = f"/{int(head) - self.start + self.shift}"
        return f"{local}/{rest}" if rest else local


def _real_quotes(data: bytes, codes: np.ndarray) -> np.ndarray:
    """Offsets of the quotes that open or close strings (not escaped ones)."""
    quotes = np.flatnonzero(codes == _QUOTE)
    suspects = quotes[(quotes > 0) & (codes[np.maximum(quotes - 1, 0)] == _BACKSLASH)]
    escaped = []
    for q in suspects.tolist():
        k = q - 1
        while k >= 0 and data[k] == _BACKSLASH:
            k -= 1
        if (q - 1 - k) % 2:
            escaped.append(q)
    return np.setdiff1d(quotes, escaped, assume_unique=True) if escaped else quotes


def _structure(data: bytes, depth_before: int):
    """Offsets, bytes and depths (after each) of ``[]{},:`` outside strings.

    ``data`` must start outside a string, nested ``depth_before`` deep. After an
    unterminated last string, nothing is reported (it is not known yet).
    """
    codes = np.frombuffer(data, dtype=np.uint8)
    quotes = _real_quotes(data, codes)
    candidates = np.flatnonzero(_STRUCTURAL[codes])
    outside = quotes.searchsorted(candidates) % 2 == 0
    if len(quotes) % 2:
        outside &= candidates < quotes[-1]
    pos = candidates[outside]
    chars = codes[pos]
    depth = depth_before + np.cumsum(_STEP[chars])
    return pos, chars, depth, quotes


class FeatureStream:
    """Iterate over the features of a FeatureCollection file in chunks.

    Parameters
    ----------
    path : str or os.PathLike
        A regular file holding one FeatureCollection.
    block_bytes : int
        Bytes read at a time (tests make it tiny to get many chunks).
    max_depth : int
        The nesting limit of :func:`~heritage_mapper.read.jsonfile.read_json`.

    Attributes
    ----------
    head : dict
        The root object's members before ``features`` (set before the first chunk).
    skeleton : JsonDocument
        The whole root object with ``"features": []`` (set after the last chunk).
    """

    def __init__(self, path, *, block_bytes: int = BLOCK_BYTES, max_depth: int = MAX_JSON_DEPTH):
        self.path = str(path)
        self.block_bytes = block_bytes
        self.max_depth = max_depth
        self.head: dict | None = None
        self.skeleton: JsonDocument | None = None

    def __iter__(self) -> Iterator[FeatureChunk]:
        fd = os.open(self.path, _OPEN_FLAGS)
        with os.fdopen(fd, "rb", buffering=0) as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                raise StreamFallback("not a regular file")
            yield from self._chunks(file)

    def _read(self, file) -> bytes:
        return file.read(self.block_bytes)

    def _find_features(self, file) -> tuple[bytes, int]:
        """Read until the ``[`` of the root's ``features``: the bytes read, its offset."""
        data = b""
        while True:
            block = self._read(file)
            data += block
            found = self._features_bracket(data)
            if found is not None:
                return data, found
            if not block or len(data) > HEAD_LIMIT_BYTES:
                raise StreamFallback("no 'features' array near the start of the root object")

    def _features_bracket(self, data: bytes) -> int | None:
        if data.startswith(UTF8_BOM):
            raise StreamFallback("a byte-order mark")
        start = _SPACE.match(data).end()
        if start >= len(data):
            return None
        if data[start] != ord("{"):
            raise StreamFallback("the root is not an object")
        pos, chars, depth, quotes = _structure(data, 0)
        for t in np.flatnonzero((chars == _COLON) & (depth == 1)).tolist():
            colon = int(pos[t])
            i = int(quotes.searchsorted(colon)) - 1
            if i < 1:
                raise StreamFallback("a member without a key")
            try:
                key = json.loads(data[quotes[i - 1] : quotes[i] + 1])
            except ValueError as exc:
                raise StreamFallback("a key that is not JSON") from exc
            if key != "features":
                continue
            value = _SPACE.match(data, colon + 1).end()
            if value >= len(data):
                return None
            if data[value] != ord("["):
                raise StreamFallback("'features' is not an array")
            return value
        return None

    def _chunks(self, file) -> Iterator[FeatureChunk]:
        data, bracket = self._find_features(file)
        prefix = data[: bracket + 1]
        self.head = self._parse_head(prefix)
        buf = data[bracket:]
        line = prefix.count(b"\n") + 1
        first_line_of_features = line
        index, first, at_eof = 0, True, False
        while True:
            pos, chars, depth, _ = _structure(buf, 1 if first else 2)
            if depth.size and int(depth.max()) > self.max_depth:
                raise StreamFallback("nesting too deep")
            closing = np.flatnonzero(depth <= 1)
            if closing.size:
                cut, last = int(pos[closing[0]]), True
            else:
                seps = pos[(chars == _COMMA) & (depth == 2) & (pos > 0)]
                cut, last = (int(seps[-1]) if seps.size else 0), False
            if cut == 0 and not last:
                if at_eof:
                    raise StreamFallback("the features array does not end")
                block = self._read(file)
                at_eof = not block
                buf += block
                continue
            chunk = self._parse_chunk(buf[:cut], first, index, line)
            yield chunk
            index += len(chunk.features)
            line += buf.count(b"\n", 0, cut)
            buf, first = buf[cut:], False
            if last:
                break
            block = self._read(file)
            at_eof = not block
            buf += block
        self.skeleton = self._parse_skeleton(prefix, line - first_line_of_features, buf, file)

    def _parse_head(self, prefix: bytes) -> dict:
        try:
            head, _ = _loads((prefix + b"]}").decode("utf-8"))
        except (ValueError, RecursionError) as exc:
            raise StreamFallback("the members before 'features' are not read as they are") from exc
        return head

    def _parse_chunk(self, data: bytes, first: bool, start: int, line: int) -> FeatureChunk:
        shift = 0 if first else 1
        raw = data + b"]" if first else b"[0" + data + b"]"
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise StreamFallback("bytes that are not UTF-8") from exc
        try:
            with gc_paused():
                doc, hooks = _loads(text)
        except (ValueError, RecursionError) as exc:
            raise StreamFallback("a syntax error") from exc
        chunk = FeatureChunk(start, doc[shift:], text, shift, line)
        escapes = "\\ud" in text or "\\uD" in text
        if escapes and _replace_lone_surrogates(JsonDocument(self.path, document=doc, text=text)):
            raise StreamFallback("an escaped half surrogate pair")
        if hooks.duplicates or hooks.constants:
            found = _located_hook_problems(JsonDocument(self.path, document=doc, text=text), hooks)
            chunk.problems = [self._global(p, chunk) for p in found]
        return chunk

    def _global(self, problem: Problem, chunk: FeatureChunk) -> Problem:
        where = problem.location
        if where.pointer is None:
            raise StreamFallback("a duplicate key in an object replaced by a later duplicate")
        head, _, rest = where.pointer[1:].partition("/")
        pointer = f"/features/{int(head) - chunk.shift + chunk.start}" + (
            f"/{rest}" if rest else ""
        )
        line = where.line + chunk.first_line - 1 if where.line is not None else None
        message = problem.message
        if problem.code == "json-duplicate-key":
            message = _rewrite_duplicate(problem, pointer)
        return replace(problem, message=message, location=Location(pointer=pointer, line=line))

    def _parse_skeleton(self, prefix: bytes, newlines: int, suffix: bytes, file) -> JsonDocument:
        while True:
            block = self._read(file)
            if not block:
                break
            suffix += block
            if len(suffix) > HEAD_LIMIT_BYTES:
                raise StreamFallback("more than 16 MiB after the features")
        skeleton = read_json_bytes(self.path, prefix + b"\n" * newlines + suffix)
        for p in skeleton.problems:
            if p.code not in ("json-duplicate-key", "json-nan") or p.location.pointer in (
                None,
                "/features",
            ):
                raise StreamFallback(f"{p.code} outside the features")
        if not isinstance(skeleton.document, dict) or skeleton.document.get("features") != []:
            raise StreamFallback("not one features array")
        return skeleton


def _rewrite_duplicate(problem: Problem, pointer: str) -> str:
    """The duplicate-key message names its object's pointer: give the file's one."""
    local = problem.location.pointer
    obj_local, _, _ = local.rpartition("/")
    obj_global, _, _ = pointer.rpartition("/")
    return problem.message.replace(
        f"the object at {obj_local or '/'} ", f"the object at {obj_global or '/'} ", 1
    )
