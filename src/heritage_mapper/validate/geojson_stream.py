"""``check`` of a big FeatureCollection, streamed: memory bounded, the same findings.

:func:`check_streamed` reads the file with
:class:`~heritage_mapper.read.jsonstream.FeatureStream` and runs the checks of
:mod:`heritage_mapper.validate.geojson` on each chunk of features (the walk, then the
vectorised position checks), with the features' index in the whole file, so pointers,
feature indexes and lines are the whole file's.

The whole-file check reports its findings in steps (the reader's findings, the walk of
the root then of every feature, then each position check over all geometries), and a
:class:`~heritage_mapper.problems.Report` keeps the first ones found up to its caps. A
streamed check keeps, for each step, the first :data:`MAX_FINDINGS_PER_CODE` findings
of each code found in the chunks (no later one could be kept) and counts the others,
then hands them to the report in the whole-file order: the kept findings, and the
counts, are the same. The coordinate-precision finding, one for the whole file, is
summed over the chunks.

When the file holds something the streamed reading or checking does not reproduce
(:class:`~heritage_mapper.read.jsonstream.StreamFallback`: a syntax error, a root that
is not a FeatureCollection, a Feature with a ``crs`` that is not WGS 84, ...), nothing
has been reported yet and :func:`check_streamed` returns False: the caller checks the
file whole, with the same findings and the whole-file memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from heritage_mapper.problems import MAX_FINDINGS_PER_CODE, Problem, Report
from heritage_mapper.read.jsonfile import gc_paused, lines_of_pointers, with_lines
from heritage_mapper.read.jsonstream import (
    BLOCK_BYTES,
    FeatureChunk,
    FeatureStream,
    StreamFallback,
)
from heritage_mapper.text import pointer_join
from heritage_mapper.validate.geojson import (
    _check_positions,
    _Checker,
    _precision_message,
)

__all__ = ["check_streamed"]

#: The steps of a check, in the order the whole-file check reports their findings.
PHASES = (
    "reader",
    "walk",
    "numbers",
    "range",
    "antimeridian",
    "precision",
    "winding",
    "validity LineString",
    "validity MultiLineString",
    "validity Polygon",
    "validity MultiPolygon",
)


@dataclass
class _Capped:
    """The first findings of one step, at most MAX_FINDINGS_PER_CODE a code."""

    kept: list[Problem] = field(default_factory=list)
    per_code: dict[str, int] = field(default_factory=dict)
    dropped: dict[tuple[str, str], int] = field(default_factory=dict)

    def admit(self, problem: Problem) -> bool:
        n = self.per_code.get(problem.code, 0)
        if n >= MAX_FINDINGS_PER_CODE:
            key = (problem.code, problem.severity)
            self.dropped[key] = self.dropped.get(key, 0) + 1
            return False
        self.per_code[problem.code] = n + 1
        return True


class _StreamedCheck:
    def __init__(self, path: str, block_bytes: int):
        self.path = path
        self.stream = FeatureStream(path, block_bytes=block_bytes)
        self.steps = {phase: _Capped() for phase in PHASES}
        self.precision: list = []
        self.head_foreign: str | None = None

    def run(self) -> list[Problem]:
        chunks = iter(self.stream)
        first = next(chunks)  # sets stream.head
        head = _Checker(self.path)
        head.check_common(self.stream.head, "", "FeatureCollection", None)
        self.head_foreign = head.foreign_crs
        self.check_chunk(first)
        for chunk in chunks:
            self.check_chunk(chunk)
        return self.finish()

    def check_chunk(self, chunk: FeatureChunk) -> None:
        admitted = [p for p in chunk.problems if self.steps["reader"].admit(p)]
        self.steps["reader"].kept.extend(admitted)  # they have their lines already
        checker = _Checker(self.path)
        checker.foreign_crs = self.head_foreign
        checker.phases, checker.precision = [], []
        with gc_paused():
            for i, feature in enumerate(chunk.features):
                index = chunk.start + i
                checker.check_feature(feature, f"/features/{index}", index)
            if (checker.foreign_crs is None) != (self.head_foreign is None):
                raise StreamFallback("a Feature's crs changes how every position is checked")
            _check_positions(checker)
        found = [
            (phase, p)
            for phase, p in zip(checker.phases, checker.problems, strict=True)
            if self.steps[phase].admit(p)
        ]
        if checker.precision:
            count, owners, pointer, example, feature = checker.precision[0]
            line = _lines(chunk, [pointer]).get(pointer)
            self.precision.append((count, owners, pointer, example, feature, line))
        lines = _lines(chunk, [p.location.pointer for _, p in found])
        for phase, p in found:
            line = lines.get(p.location.pointer)
            if line is not None:
                p = replace(p, location=replace(p.location, line=line))
            self.steps[phase].kept.append(p)

    def finish(self) -> list[Problem]:
        skeleton = self.stream.skeleton
        root = _Checker(self.path)
        root.check_root(skeleton.document)
        if skeleton.document.get("type") != "FeatureCollection":
            raise StreamFallback("the root is not a FeatureCollection")
        if (root.foreign_crs is None) != (self.head_foreign is None):
            raise StreamFallback("a crs after the features changes how positions are checked")
        before, after = _split_at_features(skeleton.document, skeleton.problems)
        out = before + self.steps["reader"].kept + after
        out += with_lines(root.problems, skeleton.text)
        for phase in PHASES[1:]:
            if phase == "precision" and self.precision:
                out.append(self.precision_finding())
            out += self.steps[phase].kept
        return out

    def precision_finding(self) -> Problem:
        count = sum(p[0] for p in self.precision)
        owners = sum(p[1] for p in self.precision)
        _, _, pointer, example, feature, line = self.precision[0]
        checker = _Checker(self.path)
        message = _precision_message(count, owners, example)
        checker.report("geojson-coordinate-precision", pointer, message, feature)
        (problem,) = checker.problems
        return replace(problem, location=replace(problem.location, line=line))

    def count_dropped(self, report: Report) -> None:
        for step in self.steps.values():
            for (code, severity), n in step.dropped.items():
                for _ in range(n):
                    report.count_omitted(self.path, code, severity)


def _lines(chunk: FeatureChunk, pointers: list[str | None]) -> dict[str, int]:
    """Lines in the file of ``/features/N/...`` pointers of the chunk's features."""
    local = {p: chunk.local_pointer(p) for p in pointers if p is not None}
    found = lines_of_pointers(chunk.text, [q for q in local.values() if q is not None])
    return {p: found[q] + chunk.first_line - 1 for p, q in local.items() if q in found}


def _split_at_features(root: dict, problems: list[Problem]):
    """The root's reader findings found before the ``features`` array, and after it.

    The whole-file reader reports them walking the document in order: the root's
    duplicate keys first, then each member's findings in the order of the members.
    """
    keys = list(root)
    later = {pointer_join("", k) for k in keys[keys.index("features") + 1 :]}
    before, after = [], []
    for p in problems:
        pointer = p.location.pointer
        top = "/" + pointer[1:].split("/", 1)[0]
        own_key = p.code == "json-duplicate-key" and pointer == top
        (after if top in later and not own_key else before).append(p)
    return before, after


def check_streamed(path, report: Report, *, block_bytes: int = BLOCK_BYTES) -> bool:
    """Check a FeatureCollection file chunk by chunk into ``report``.

    Returns False, having reported nothing, when the file must be checked whole (see
    the module's docstring).
    """
    check = _StreamedCheck(str(path), block_bytes)
    try:
        problems = check.run()
    except (StreamFallback, StopIteration, OSError):
        return False
    report.extend(problems)
    check.count_dropped(report)
    return True
