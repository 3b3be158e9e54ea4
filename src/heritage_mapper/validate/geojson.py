"""RFC 7946 GeoJSON checks: structure, positions and geometry validity.

:func:`check_document` walks any GeoJSON object (FeatureCollection, Feature, geometry,
GeometryCollection) and returns :class:`~heritage_mapper.problems.Problem` findings.
The policy:

- what RFC 7946 says MUST is an error (missing ``type``/``properties``/``geometry``,
  wrong coordinate nesting, unclosed rings, members that change an object's meaning);
- what it says SHOULD is a warning (right-hand winding, no ``crs`` member, cutting at
  the antimeridian, at most three numbers per position, no nested or single-member
  GeometryCollection), as are more than :data:`RFC7946_MAX_DECIMALS` decimals;
- a geometry that is not a valid simple feature (GEOS ``is_valid_reason``) is an error;
- positions outside longitude -180..180 or latitude -90..90 are errors, with two
  exceptions: a ``crs`` member that declares another CRS (the positions are then not
  lon/lat, and the ``crs`` warning says to reproject), and a line or polygon that
  crosses the antimeridian written with continuous longitudes (e.g. -190 for 170 E),
  which gets the antimeridian warning instead.

The walk is iterative (GeometryCollections nest on an explicit stack), every pass is
linear in the size of the document, and the position checks run vectorised in numpy
and shapely over all geometries at once.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import re
import reprlib
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import compress, repeat
from operator import eq, itemgetter, not_
from pathlib import Path

import numpy as np

from heritage_mapper.geometry import RFC7946_MAX_DECIMALS, WINDING_TOLERANCE
from heritage_mapper.problems import Location, Problem, Report
from heritage_mapper.read.jsonfile import (
    DEFAULT_MAX_JSON_BYTES,
    gc_paused,
    read_json,
    with_lines,
)
from heritage_mapper.rules import RULES, rule
from heritage_mapper.text import pointer_join

__all__ = ["CHECK_MAX_BYTES", "CODES", "check_document", "check_file", "check_files"]

#: ``check``'s size limit (``check_files``, ``heritage-mapper check``): it streams big
#: files, so its limit is not the readers' 64 MiB (``validate`` and ``build`` keep that).
CHECK_MAX_BYTES = 2**30
#: Files larger than this are checked streamed by :func:`check_files`; smaller ones are
#: read whole (the old limit: any file ``check`` read whole by default is still read so).
STREAM_MIN_BYTES = DEFAULT_MAX_JSON_BYTES

#: Prefixes of the codes ``check`` can emit: reading JSON, RFC 7946, geometry validity.
CHECK_CODE_PREFIXES = ("json-", "geojson-", "geometry-")
#: code -> summary of every code :func:`check_file` can emit; the rules themselves (with
#: severity and fix) are in :mod:`heritage_mapper.rules`.
CODES: dict[str, str] = {r.code: r.summary for r in RULES if r.code.startswith(CHECK_CODE_PREFIXES)}

#: Nesting depth of ``coordinates`` for each geometry type (1 = one position).
COORDINATE_DEPTH = {
    "Point": 1,
    "MultiPoint": 2,
    "LineString": 2,
    "MultiLineString": 3,
    "Polygon": 3,
    "MultiPolygon": 4,
}
GEOMETRY_COLLECTION = "GeometryCollection"
GEOMETRY_TYPES = (*COORDINATE_DEPTH, GEOMETRY_COLLECTION)
GEOJSON_TYPES = ("FeatureCollection", "Feature", *GEOMETRY_TYPES)
#: Members that would change an object's meaning (RFC 7946 section 7.1).
FORBIDDEN_MEMBERS = {
    "FeatureCollection": ("coordinates", "geometries", "geometry", "properties"),
    "Feature": ("coordinates", "geometries", "features"),
    "geometry": ("geometry", "properties", "features"),
}
#: ``check``'s severity for positions out of range: the rule's own; ``validate`` uses
#: the documented override (see ``range_severity`` of :func:`check_document`).
RANGE_SEVERITY_CHECK = rule("geojson-position-range").severity
MAX_LONGITUDE = 180.0
MAX_LATITUDE = 90.0
#: A segment spanning more than this many degrees of longitude crosses the antimeridian.
ANTIMERIDIAN_SPAN = 180.0
FULL_TURN = 360.0
MIN_POSITION_LENGTH = 2
MAX_POSITION_LENGTH = 3
MIN_LINE_POSITIONS = 2
MIN_RING_POSITIONS = 4
#: Structural problems reported per geometry before the rest are summarised.
MAX_COORDINATE_PROBLEMS = 10
#: How alike a key must be to a missing member's name to be suggested (difflib ratio).
SIMILAR_NAME_CUTOFF = 0.6
#: ``crs`` names that still mean WGS 84 longitude/latitude.
WGS84_CRS_SUFFIXES = ("CRS84", "4326")

_NUMBER_TYPES = (int, float)  # bool is excluded by the ``type(x) in`` checks
_NUMBER_SET = frozenset(_NUMBER_TYPES)
_JSON_TYPE_NAMES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    type(None): "null",
}
_REASON = re.compile(r"^(?P<name>.*?)\[(?P<x>\S+) (?P<y>\S+)(?: \S+)?\]$")
_KIND_POINT, _KIND_LINE, _KIND_RING = 0, 1, 2
#: Integers longer than this are described, not printed (CPython's repr stops at 4300
#: digits); and the digits of an integer of n bits are about n * LOG10_2.
MAX_SHOWN_INT_BITS = 4000
LOG10_2 = 0.30103


class _ShortRepr(reprlib.Repr):
    """``repr`` bounded in depth and length, for quoting any value in a message.

    A value handed to :func:`check_document` may be nested past the recursion limit
    or hold an integer too long for ``repr`` (more than 4300 digits); neither may
    turn a finding into a crash.
    """

    def __init__(self):
        super().__init__()
        self.maxlevel, self.maxstring, self.maxother = 3, 60, 60

    def repr_int(self, x, level):
        if x.bit_length() > MAX_SHOWN_INT_BITS:
            return f"<an integer of about {round(x.bit_length() * LOG10_2)} digits>"
        return super().repr_int(x, level)


def _shown(value) -> str:
    """A short repr of ``value`` for messages (see :class:`_ShortRepr`)."""
    return _ShortRepr().repr(value)


def _not_a_number(value) -> str:
    """What ``value`` is, in JSON's words: ``null`` and ``true`` as written there (not
    Python's None and True), anything else with a short view of it."""
    if value is None or type(value) is bool:
        return json.dumps(value)
    return f"{_json_type(value)} ({_shown(value)})"


def _number_fix(value) -> str:
    """How to write ``value`` (an element of a position) as the number it should be."""
    if isinstance(value, str):
        example = f", e.g. {value}" if _looks_numeric(value) else ""
        return f"remove the quotes{example}"
    if value is None:
        return "write the coordinate, or remove the feature if its place is not known"
    return "write the coordinate as a number"


def _json_type(value) -> str:
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def _is_number(value) -> bool:
    return type(value) in _NUMBER_TYPES


def _is_plain_position(p) -> bool:
    """True for a list of two or three numbers (no bool), checked without a loop."""
    if type(p) is not list:
        return False
    if len(p) == MIN_POSITION_LENGTH:
        x, y = p
        return type(x) in _NUMBER_SET and type(y) in _NUMBER_SET
    if len(p) == MAX_POSITION_LENGTH:
        x, y, z = p
        return type(x) in _NUMBER_SET and type(y) in _NUMBER_SET and type(z) in _NUMBER_SET
    return False


#: Members :meth:`_Checker.check_common` looks at in a Feature and in a geometry.
_FEATURE_CHECKED = frozenset((*FORBIDDEN_MEMBERS["Feature"], "crs", "bbox"))
_GEOMETRY_CHECKED = frozenset((*FORBIDDEN_MEMBERS["geometry"], "crs", "bbox"))
#: The types of a Feature's ``id`` (str when it has none) and ``properties`` (int when
#: it has none) that :meth:`_Checker.check_feature` lets pass.
_ID_TYPES = frozenset((str, *_NUMBER_TYPES))
_PROPERTIES_TYPES = frozenset((dict, type(None)))


def _plain_points(features: list) -> list[bool]:
    """Whether each element of ``features`` is a plain Point feature, one in which
    :meth:`_Checker.check_feature` finds nothing and records only its position.

    That is a Feature object with no member the RFC forbids there, no ``crs`` or
    ``bbox``, an ``id`` (if any) that is a string or a number, ``properties`` that are
    an object or null, and a Point geometry with none of those members either and a
    plain position (:func:`_is_plain_position`). Each condition is asked of every
    feature at once with C-level ``map`` (no Python frame a feature but for the
    position); an element that is not an object, or a geometry that is not one, is
    stood for by an empty object, which fails the type test.
    """
    empty: dict = {}  # stands for anything that is not an object
    objects = [f if type(f) is dict else empty for f in features]
    get = dict.get
    geometries = [g if type(g) is dict else empty for g in map(get, objects, repeat("geometry"))]
    ids = map(type, map(get, objects, repeat("id"), repeat("")))
    properties = map(type, map(get, objects, repeat("properties"), repeat(0)))
    tests = (
        map(eq, map(get, objects, repeat("type")), repeat("Feature")),
        map(_FEATURE_CHECKED.isdisjoint, objects),
        map(_ID_TYPES.__contains__, ids),
        map(_PROPERTIES_TYPES.__contains__, properties),
        map(eq, map(get, geometries, repeat("type")), repeat("Point")),
        map(_GEOMETRY_CHECKED.isdisjoint, geometries),
        map(_is_plain_position, map(get, geometries, repeat("coordinates"))),
    )
    return list(map(all, zip(*tests, strict=True)))


def _feature_id(feature: dict | None) -> str | None:
    """The feature's ``id`` member, else ``properties.id``, as text."""
    if feature is None:
        return None
    value = feature.get("id")
    if value is None or not (type(value) is str or _is_number(value)):
        props = feature.get("properties")
        value = props.get("id") if isinstance(props, dict) else None
    return str(value) if type(value) is str or _is_number(value) else None


@dataclass
class _Geometries:
    """Positions of every coordinate-bearing geometry, gathered for vectorised checks.

    Each geometry ``g`` has a pointer, a feature and a type; its positions are stored in
    parts (a point, a line, a ring or the point list of a MultiPoint), each part with
    the pointer suffix under ``coordinates``, a kind and, for rings, whether it is an
    exterior ring and which polygon it belongs to.
    """

    pointers: list[str] = field(default_factory=list)
    features: list[tuple[int, dict] | None] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    xy: list[list] = field(default_factory=list)  # one [x, y] row per position
    part_geometry: list[int] = field(default_factory=list)
    part_length: list[int] = field(default_factory=list)
    part_suffix: list[str | None] = field(default_factory=list)  # None: a bare Point
    part_kind: list[int] = field(default_factory=list)
    part_polygon: list[int] = field(default_factory=list)  # -1 unless a ring
    part_exterior: list[bool] = field(default_factory=list)
    polygon_count: int = 0

    def add_geometry(self, pointer: str, feature, gtype: str) -> int:
        self.pointers.append(pointer)
        self.features.append(feature)
        self.types.append(gtype)
        return len(self.pointers) - 1

    def add_point(self, g: int, position: list) -> None:
        self.xy.append(position if len(position) == MIN_POSITION_LENGTH else position[:2])
        self.part_geometry.append(g)
        self.part_length.append(1)
        self.part_suffix.append(None)
        self.part_kind.append(_KIND_POINT)
        self.part_polygon.append(-1)
        self.part_exterior.append(False)

    def add_plain_points(self, features: list, start: int, stop: int) -> None:
        """What :meth:`_Checker.check_feature` records of each of the plain Point
        features ``features[start:stop]`` (see :func:`_plain_points`), a list at a time:
        the same as :meth:`add_geometry` and :meth:`add_point` for one after another."""
        count = stop - start
        if count <= 0:
            return
        first = len(self.pointers)
        chunk = features[start:stop]
        self.pointers.extend(map("/features/{}/geometry".format, range(start, stop)))
        self.features.extend(zip(range(start, stop), chunk, strict=True))
        self.types.extend(repeat("Point", count))
        positions = map(itemgetter("coordinates"), map(itemgetter("geometry"), chunk))
        self.xy.extend(p if len(p) == MIN_POSITION_LENGTH else p[:2] for p in positions)
        self.part_geometry.extend(range(first, first + count))
        self.part_length.extend(repeat(1, count))
        self.part_suffix.extend(repeat(None, count))
        self.part_kind.extend(repeat(_KIND_POINT, count))
        self.part_polygon.extend(repeat(-1, count))
        self.part_exterior.extend(repeat(False, count))

    def add_part(self, g: int, positions: list, suffix, kind: int, polygon=-1, exterior=False):
        if suffix is None:
            self.xy.append(positions[0][:2])
        else:
            self.xy.extend(p[:2] for p in positions)
        self.part_geometry.append(g)
        self.part_length.append(len(positions))
        self.part_suffix.append(suffix)
        self.part_kind.append(kind)
        self.part_polygon.append(polygon)
        self.part_exterior.append(exterior)


class _Checker:
    """Collects the problems of one document."""

    def __init__(
        self, path: str, range_severity: str = RANGE_SEVERITY_CHECK, report: Report | None = None
    ):
        self.path = path
        self.range_severity = range_severity
        self.problems: list[Problem] = []
        # the report the findings will go to: past its caps a finding is only counted
        # there, never built, so a file of millions of bad features costs no memory
        self.sink = report
        self.pending: dict[str, int] = {}
        self.geometries = _Geometries()
        self.foreign_crs: str | None = None  # set when a crs declares non-lon/lat
        # For a streamed check (check_files on a big file): the step each finding comes
        # from, in ``phases`` beside ``problems``, and the precision finding's figures
        # kept in ``precision`` (it sums over the whole file) instead of reported.
        self.phase = "walk"
        self.phases: list[str] | None = None
        self.precision: list | None = None

    def report(self, code: str, pointer: str, message: str, feature=None, *, severity=None):
        """Add a finding of ``code``, with the severity of its rule in heritage_mapper.rules."""
        sink = self.sink
        if sink is not None:
            pending = self.pending.get(code, 0)
            if not sink.wants(self.path, code, pending, len(self.problems)):
                sink.count_omitted(self.path, code, severity or rule(code).severity)
                return
            self.pending[code] = pending + 1
        index = feature[0] if feature is not None else None
        fid = _feature_id(feature[1]) if feature is not None else None
        location = Location(pointer=pointer, feature_index=index, feature_id=fid)
        self.problems.append(
            Problem.from_rule(code, self.path, message, location, severity=severity)
        )
        if self.phases is not None:
            self.phases.append(self.phase)

    # -- dispatch -------------------------------------------------------------------

    def check_root(self, doc) -> None:
        if not isinstance(doc, dict):
            self.report(
                "geojson-root-not-object",
                "",
                f"the file holds {_json_type(doc)}, but a GeoJSON file must hold one "
                'object such as {"type": "FeatureCollection", "features": [...]}',
            )
            return
        gtype = self.check_type(doc, "", GEOJSON_TYPES, "a GeoJSON object")
        if gtype == "FeatureCollection":
            self.check_collection(doc)
        elif gtype == "Feature":
            self.check_feature(doc, "", None)
        elif gtype is not None:
            self.check_geometry_tree(doc, "", None)

    def check_type(self, obj: dict, pointer: str, allowed, what: str, feature=None):
        """Check ``obj["type"]``; return it if it is one of ``allowed``, else None."""
        where = f"{pointer}/type"
        if "type" not in obj:
            self.report(
                "geojson-type-missing",
                pointer,
                f'{what} has no \'type\' member; add one, e.g. "type": "{_guess_type(obj)}"',
                feature,
            )
            return None
        value = obj["type"]
        if type(value) is not str:
            self.report(
                "geojson-type-not-string",
                where,
                f"'type' is {_json_type(value)}, but must be a string such as "
                f'"{_guess_type(obj)}"',
                feature,
            )
            return None
        if value in allowed:
            return value
        self.report_bad_type(value, where, allowed, what, feature)
        return None

    def report_bad_type(self, value: str, where: str, allowed, what: str, feature) -> None:
        names = ", ".join(allowed)
        if value in GEOJSON_TYPES:
            self.report(
                "geojson-type-unexpected",
                where,
                f"found type {_shown(value)} where {what} is required (one of {names}); "
                f"{_wrap_hint(value, allowed)}",
                feature,
            )
            return
        same = [t for t in GEOJSON_TYPES if t.lower() == value.lower()]
        if same:
            fix = f"type names are case-sensitive: write {same[0]!r}"
        elif len(allowed) == 1:
            fix = f"write {allowed[0]!r}"
        else:
            fix = f"use one of {names}"
        self.report("geojson-type-unknown", where, f"unknown type {_shown(value)}; {fix}", feature)

    def check_common(self, obj: dict, pointer: str, kind: str, feature) -> None:
        """Members every GeoJSON object may have: foreign members, crs, bbox."""
        for member in FORBIDDEN_MEMBERS[kind]:
            if member in obj:
                self.report(
                    "geojson-member-forbidden",
                    pointer_join(pointer, member),
                    f"a {kind} must not have a {member!r} member (RFC 7946 section 7.1: it "
                    "would change what the object means); remove or rename it",
                    feature,
                )
        if "crs" in obj:
            self.check_crs(obj["crs"], f"{pointer}/crs", feature)
        if "bbox" in obj:
            self.check_bbox(obj["bbox"], f"{pointer}/bbox", feature)

    # -- FeatureCollection and Feature -----------------------------------------------

    def check_collection(self, doc: dict) -> None:
        self.check_common(doc, "", "FeatureCollection", None)
        if "features" not in doc:
            self.report(
                "geojson-features-missing",
                "",
                "the FeatureCollection has no 'features' member; add \"features\": [...] "
                f"(an empty array if there are none){_did_you_mean(doc, 'features')}",
            )
            return
        features = doc["features"]
        if not isinstance(features, list):
            self.report(
                "geojson-features-not-array",
                "/features",
                f"'features' is {_json_type(features)}, but must be an array of Feature objects",
            )
            return
        # the plain Point features (a layer of sites: nearly all) are found a column at
        # a time and recorded a run at a time; each other feature is checked in turn
        plain = _plain_points(features)
        start = 0
        for index in (*compress(range(len(features)), map(not_, plain)), len(features)):
            self.geometries.add_plain_points(features, start, index)
            if index < len(features):
                self.check_feature(features[index], f"/features/{index}", index)
            start = index + 1

    def check_feature(self, feature, pointer: str, index: int | None) -> None:
        if not isinstance(feature, dict):
            self.report(
                "geojson-feature-not-object",
                pointer,
                f"a feature is {_json_type(feature)}, but every element of 'features' must "
                'be a Feature object {"type": "Feature", "geometry": ..., "properties": ...}',
            )
            return
        ref = (index, feature)
        # Even with a wrong type, an element of 'features' is checked as a Feature.
        self.check_type(feature, pointer, ("Feature",), "a Feature", ref)
        self.check_common(feature, pointer, "Feature", ref)
        if "id" in feature:
            self.check_feature_id(feature["id"], f"{pointer}/id", ref)
        self.check_properties(feature, pointer, ref)
        if "geometry" not in feature:
            self.report(
                "geojson-feature-geometry-missing",
                pointer,
                "the Feature has no 'geometry' member; add one (\"geometry\": null if the "
                f"feature has no location){_did_you_mean(feature, 'geometry')}",
                ref,
            )
            return
        geometry = feature["geometry"]
        if geometry is None:
            return
        if not isinstance(geometry, dict):
            self.report(
                "geojson-feature-geometry-type",
                f"{pointer}/geometry",
                f"'geometry' is {_json_type(geometry)}, but must be a geometry object or null",
                ref,
            )
            return
        self.check_geometry_tree(geometry, f"{pointer}/geometry", ref)

    def check_feature_id(self, value, pointer: str, feature) -> None:
        if type(value) is str or _is_number(value):
            return
        self.report(
            "geojson-feature-id-type",
            pointer,
            f"the Feature 'id' is {_json_type(value)}, but must be a string or a number "
            '(RFC 7946 section 3.2); write it as e.g. "id": "site-1" or remove it',
            feature,
        )

    def check_properties(self, feature: dict, pointer: str, ref) -> None:
        if "properties" not in feature:
            self.report(
                "geojson-feature-properties-missing",
                pointer,
                "the Feature has no 'properties' member (RFC 7946 section 3.2); add "
                f'"properties": {{}} (or null){_did_you_mean(feature, "properties")}',
                ref,
            )
            return
        props = feature["properties"]
        if props is not None and not isinstance(props, dict):
            self.report(
                "geojson-feature-properties-type",
                f"{pointer}/properties",
                f"'properties' is {_json_type(props)}, but must be an object or null; put "
                'the values under names, e.g. {"name": ...}',
                ref,
            )

    # -- geometries ------------------------------------------------------------------

    def check_geometry_tree(self, geometry: dict, pointer: str, feature) -> None:
        """Check a geometry and, iteratively, the members of GeometryCollections."""
        stack = [(geometry, pointer, 0)]
        while stack:
            obj, ptr, nesting = stack.pop()
            if not isinstance(obj, dict):
                self.report(
                    "geojson-geometry-not-object",
                    ptr,
                    f"a GeometryCollection member is {_json_type(obj)}, but must be a "
                    "geometry object; remove it",
                    feature,
                )
                continue
            gtype = self.check_type(obj, ptr, GEOMETRY_TYPES, "a geometry", feature)
            self.check_common(obj, ptr, "geometry", feature)
            if gtype == GEOMETRY_COLLECTION:
                members = self.check_collection_members(obj, ptr, nesting, feature)
                stack.extend(
                    (m, pointer_join(f"{ptr}/geometries", i), nesting + 1)
                    for i, m in reversed(list(enumerate(members)))
                )
            elif gtype is not None:
                self.check_coordinates_member(obj, ptr, gtype, feature)

    def check_collection_members(self, obj: dict, ptr: str, nesting: int, feature) -> list:
        if nesting:
            self.report(
                "geojson-geometrycollection-nested",
                ptr,
                "a GeometryCollection inside another GeometryCollection (RFC 7946 "
                "section 3.1.8 says to avoid it); merge its members into the outer one",
                feature,
            )
        if "geometries" not in obj:
            self.report(
                "geojson-geometries-missing",
                ptr,
                "the GeometryCollection has no 'geometries' member; add \"geometries\": "
                f"[...]{_did_you_mean(obj, 'geometries')}",
                feature,
            )
            return []
        members = obj["geometries"]
        if not isinstance(members, list):
            self.report(
                "geojson-geometries-not-array",
                f"{ptr}/geometries",
                f"'geometries' is {_json_type(members)}, but must be an array of geometry objects",
                feature,
            )
            return []
        if len(members) == 1:
            self.report(
                "geojson-geometrycollection-single",
                ptr,
                "a GeometryCollection with a single member (RFC 7946 section 3.1.8 says "
                "to avoid it); use the member geometry directly",
                feature,
            )
        return members

    def check_coordinates_member(self, obj: dict, ptr: str, gtype: str, feature) -> None:
        if "coordinates" not in obj:
            self.report(
                "geojson-coordinates-missing",
                ptr,
                f"the {gtype} has no 'coordinates' member; add one, e.g. "
                f"{_coordinates_example(gtype)}{_did_you_mean(obj, 'coordinates')}",
                feature,
            )
            return
        coords = obj["coordinates"]
        if gtype == "Point" and _is_plain_position(coords):  # the fast, common case
            self.geometries.add_point(self.geometries.add_geometry(ptr, feature, gtype), coords)
            return
        walk = _CoordinateWalk(gtype)
        walk.run(coords)
        cpointer = f"{ptr}/coordinates"
        kept_before = len(self.problems)
        for code, suffix, message in walk.problems[:MAX_COORDINATE_PROBLEMS]:
            self.report(code, cpointer + suffix, message, feature)
        if len(walk.problems) > MAX_COORDINATE_PROBLEMS and len(self.problems) > kept_before:
            hidden = len(walk.problems) - MAX_COORDINATE_PROBLEMS
            last = self.problems.pop()
            self.problems.append(
                replace(last, message=f"{last.message} ({hidden} more in this {gtype})")
            )
        if walk.too_long is not None:
            self.report(
                "geojson-position-too-long",
                cpointer + walk.too_long,
                f"a position has {walk.too_long_size} numbers; RFC 7946 section 3.1.1 "
                "allows longitude, latitude and an optional altitude only: drop the extra "
                "values",
                feature,
            )
        if not walk.problems and walk.parts:
            g = self.geometries.add_geometry(ptr, feature, gtype)
            for positions, suffix, kind, ring in walk.parts:
                self.add_part(g, positions, suffix, kind, ring)

    def add_part(self, g: int, positions, suffix, kind: int, ring: int | None) -> None:
        geoms = self.geometries
        if kind != _KIND_RING:
            geoms.add_part(g, positions, suffix, kind)
            return
        if ring == 0:
            geoms.polygon_count += 1
        geoms.add_part(g, positions, suffix, kind, geoms.polygon_count - 1, ring == 0)

    # -- crs and bbox ----------------------------------------------------------------

    def check_crs(self, crs, pointer: str, feature) -> None:
        name = _crs_name(crs)
        foreign = crs is not None and not (name and name.upper().endswith(WGS84_CRS_SUFFIXES))
        if foreign:
            self.foreign_crs = name or "an unnamed CRS"
        declared = f" declares {name}" if name else ""
        skipped = "; positions were not range-checked as longitude/latitude" if foreign else ""
        self.report(
            "geojson-crs-member",
            pointer,
            f"the 'crs' member{declared}, but RFC 7946 removed 'crs' (section 4): all "
            "positions are WGS 84 longitude/latitude; reproject the data to EPSG:4326 and "
            f"delete 'crs'{skipped}",
            feature,
        )

    def check_bbox(self, bbox, pointer: str, feature) -> None:
        if not isinstance(bbox, list):
            self.report(
                "geojson-bbox-not-array",
                pointer,
                f"'bbox' is {_json_type(bbox)}, but must be an array "
                "[west, south, east, north] (or with min/max altitude: 6 numbers)",
                feature,
            )
            return
        bad = [i for i, v in enumerate(bbox) if not _is_number(v)]
        if bad:
            self.report(
                "geojson-bbox-not-number",
                pointer_join(pointer, bad[0]),
                f"bbox element {bad[0]} is {_json_type(bbox[bad[0]])} ({_shown(bbox[bad[0]])}); "
                "every bbox element must be a number",
                feature,
            )
            return
        half = len(bbox) // 2
        if len(bbox) % 2 or half < MIN_POSITION_LENGTH:
            self.report(
                "geojson-bbox-length",
                pointer,
                f"'bbox' has {len(bbox)} numbers; it needs 4 (west, south, east, north) "
                "or 6 (with min and max altitude)",
                feature,
            )
        elif bbox[1] > bbox[half + 1]:
            self.report(
                "geojson-bbox-order",
                pointer,
                f"the bbox south edge {bbox[1]} is north of its north edge {bbox[half + 1]};"
                " write [west, south, east, north] (all minima, then all maxima)",
                feature,
            )


def _did_you_mean(obj: dict, member: str) -> str:
    """`` (is 'geomtry' a misspelling of it?)`` when ``obj`` has a similar key."""
    keys = [k for k in obj if k != member]
    close = difflib.get_close_matches(member, keys, n=1, cutoff=SIMILAR_NAME_CUTOFF)
    return f" (is {close[0]!r} a misspelling of it?)" if close else ""


def _guess_type(obj: dict) -> str:
    for member, guess in (
        ("features", "FeatureCollection"),
        ("geometry", "Feature"),
        ("properties", "Feature"),
        ("geometries", GEOMETRY_COLLECTION),
    ):
        if member in obj:
            return guess
    return "Point" if "coordinates" in obj else "FeatureCollection"


def _wrap_hint(found: str, allowed) -> str:
    if "Feature" in allowed and found in GEOMETRY_TYPES:
        return 'wrap the geometry: {"type": "Feature", "geometry": ..., "properties": {}}'
    if "Feature" in allowed:
        return "FeatureCollections do not nest: move its features into this array"
    if found == "Feature":
        return "put the Feature's geometry object here instead"
    return "a FeatureCollection cannot stand for a geometry: use a GeometryCollection"


def _coordinates_example(gtype: str) -> str:
    position = "[105.8, 21.0]"
    return (
        '"coordinates": '
        + "[" * (COORDINATE_DEPTH[gtype] - 1)
        + position
        + "]" * (COORDINATE_DEPTH[gtype] - 1)
    )


def _crs_name(crs) -> str | None:
    if not isinstance(crs, dict):
        return None
    props = crs.get("properties")
    if not isinstance(props, dict):
        return None
    name = props.get("name", props.get("href"))
    return name if isinstance(name, str) else None


# -- coordinates structure ------------------------------------------------------------

_STRUCTURE = {
    "Point": "one position [lon, lat]",
    "MultiPoint": "an array of positions",
    "LineString": "an array of two or more positions",
    "MultiLineString": "an array of LineStrings, each an array of positions",
    "Polygon": "an array of linear rings, each an array of positions",
    "MultiPolygon": "an array of Polygons, each an array of linear rings",
}


def _nesting(value) -> int | None:
    """How deeply ``value`` nests arrays down to its first number (None if unknown)."""
    depth = 0
    while type(value) is list:
        if not value:
            return None
        value = value[0]
        depth += 1
    return depth if _is_number(value) else None


def _at(suffix: str, index: int | None) -> str:
    return suffix if index is None else f"{suffix}/{index}"


class _CoordinateWalk:
    """Checks the nesting and positions of one ``coordinates`` value.

    ``problems`` holds ``(code, pointer suffix, message)`` errors; ``parts`` the
    position lists worth a geometry check, as ``(positions, suffix, kind, ring index)``.
    """

    def __init__(self, gtype: str):
        self.gtype = gtype
        self.problems: list[tuple[str, str, str]] = []
        self.parts: list[tuple[list, str | None, int, int | None]] = []
        self.too_long: str | None = None
        self.too_long_size = 0

    def problem(self, code: str, suffix: str, message: str) -> None:
        self.problems.append((code, suffix, message))

    def run(self, coords) -> None:
        gtype = self.gtype
        if not isinstance(coords, list):
            self.problem(
                "geojson-coordinates-not-array",
                "",
                f"'coordinates' is {_json_type(coords)}, but a {gtype} needs "
                f"{_STRUCTURE[gtype]}, e.g. {_coordinates_example(gtype)}",
            )
            return
        found, wanted = _nesting(coords), COORDINATE_DEPTH[gtype]
        if found is not None and found != wanted:
            self.depth_problem(found, wanted)
        elif gtype == "Point":
            if self.position(coords, "", None):
                self.parts.append(([coords], None, _KIND_POINT, None))
        elif gtype == "MultiPoint":
            self.points(coords)
        elif gtype == "LineString":
            self.line(coords, "")
        elif gtype == "MultiLineString":
            for i, line in enumerate(coords):
                self.line(line, f"/{i}")
        elif gtype == "Polygon":
            self.polygon(coords, "", member=False)
        else:
            for i, polygon in enumerate(coords):
                self.polygon(polygon, f"/{i}", member=True)

    def depth_problem(self, found: int, wanted: int) -> None:
        gtype = self.gtype
        how = "shallowly" if found < wanted else "deeply"
        alike = [t for t, d in COORDINATE_DEPTH.items() if d == found]
        relabel = f"; if it is a {' or '.join(alike)}, change 'type'" if alike else ""
        self.problem(
            "geojson-coordinates-depth",
            "",
            f"the {gtype} coordinates are nested too {how} ({found} array level(s) down to "
            f"the first number, a {gtype} needs {wanted}: {_STRUCTURE[gtype]}){relabel}",
        )

    def not_array(self, value, suffix: str, what: str) -> None:
        if _is_number(value):
            self.problem(
                "geojson-coordinates-depth",
                suffix,
                f"found the number {_shown(value)} where {what} was expected: the coordinates are "
                f"nested too shallowly for a {self.gtype} ({_STRUCTURE[self.gtype]})",
            )
        else:
            self.problem(
                "geojson-coordinates-not-array",
                suffix,
                f"found {_json_type(value)} where {what} was expected; write {what}",
            )

    def position(self, p, suffix: str, index: int | None) -> bool:
        if type(p) is not list:
            self.not_array(p, _at(suffix, index), "a position [lon, lat]")
            return False
        if len(p) < MIN_POSITION_LENGTH:
            self.problem(
                "geojson-position-too-short",
                _at(suffix, index),
                f"the position {_shown(p)} has {len(p)} number(s); it needs at least longitude "
                "and latitude, [lon, lat]",
            )
            return False
        for i, c in enumerate(p):
            if type(c) is not float and type(c) is not int:
                return self.bad_element(c, _at(suffix, index), i)
        if len(p) > MAX_POSITION_LENGTH and self.too_long is None:
            self.too_long, self.too_long_size = _at(suffix, index), len(p)
        return True

    def bad_element(self, value, where: str, i: int) -> bool:
        if type(value) is list:
            self.problem(
                "geojson-coordinates-depth",
                where,
                f"a position holds an array instead of numbers: the coordinates are nested "
                f"too deeply for a {self.gtype} ({_STRUCTURE[self.gtype]})",
            )
        else:
            self.problem(
                "geojson-position-not-number",
                f"{where}/{i}",
                f"position element {i} is {_not_a_number(value)}; every element of a "
                f"position must be a number: {_number_fix(value)}",
            )
        return False

    def points(self, coords: list) -> None:
        ok = True
        for i, p in enumerate(coords):
            ok = self.position(p, "", i) and ok
        if ok and coords:
            self.parts.append((coords, "", _KIND_POINT, None))

    def sequence(self, value, suffix: str, what: str) -> bool:
        """Check that ``value`` is an array of valid positions."""
        if type(value) is not list:
            self.not_array(value, suffix, what)
            return False
        if all(map(_is_plain_position, value)):  # the fast, common case
            return True
        ok = True
        for i, p in enumerate(value):
            ok = self.position(p, suffix, i) and ok
        return ok

    def line(self, coords, suffix: str) -> None:
        ok = self.sequence(coords, suffix, "an array of positions")
        if type(coords) is list and len(coords) < MIN_LINE_POSITIONS:
            self.problem(
                "geojson-linestring-too-short",
                suffix,
                f"a LineString needs two or more positions, this one has {len(coords)}; "
                "add positions or remove the line",
            )
        elif ok:
            self.parts.append((coords, suffix, _KIND_LINE, None))

    def polygon(self, rings, suffix: str, *, member: bool) -> None:
        if type(rings) is not list:
            self.not_array(rings, suffix, "an array of linear rings")
            return
        if member and not rings:
            self.problem(
                "geojson-polygon-empty",
                suffix,
                "a MultiPolygon member has no rings; remove it or add its exterior ring",
            )
        for j, ring in enumerate(rings):
            self.ring(ring, f"{suffix}/{j}", j)

    def ring(self, ring, suffix: str, j: int) -> None:
        ok = self.sequence(ring, suffix, "a linear ring (an array of positions)")
        if type(ring) is not list:
            return
        if len(ring) < MIN_RING_POSITIONS:
            self.problem(
                "geojson-ring-too-short",
                suffix,
                f"a linear ring needs four or more positions (three corners and the first "
                f"repeated at the end), this one has {len(ring)}",
            )
            ok = False
        if ring and type(ring[0]) is list and ring[0] != ring[-1]:
            self.problem(
                "geojson-ring-not-closed",
                suffix,
                f"the ring starts at {_shown(ring[0])} but ends at {_shown(ring[-1])}; a "
                "linear ring must end with exactly its first position: append it (RFC 7946 "
                "section 3.1.6)",
            )
            ok = False
        if ok:
            self.parts.append((ring, suffix, _KIND_RING, j))


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# -- vectorised position checks -------------------------------------------------------


def _float_rows(rows: list[list]) -> np.ndarray:
    """``rows`` of two numbers as an (n, 2) float array; too-large integers become NaN."""
    try:
        return np.array(rows, dtype=float).reshape(-1, 2)
    except OverflowError:
        out = np.full((len(rows), 2), np.nan)
        for i, row in enumerate(rows):
            with contextlib.suppress(OverflowError):
                out[i] = row
        return out


class _Positions:
    """All gathered positions as numpy arrays, with pointers back into the document."""

    def __init__(self, geoms: _Geometries):
        self.geoms = geoms
        self.xy = _float_rows(geoms.xy)
        self.part_length = np.array(geoms.part_length, dtype=np.int64)
        self.part_start = np.concatenate(([0], np.cumsum(self.part_length)[:-1]))
        self.part_geometry = np.array(geoms.part_geometry, dtype=np.int64)
        self.part_kind = np.array(geoms.part_kind, dtype=np.int8)
        self.vertex_part = np.repeat(np.arange(len(self.part_length)), self.part_length)
        self.vertex_geometry = self.part_geometry[self.vertex_part]

    def vertex_pointer(self, vertex: int) -> str:
        part = int(self.vertex_part[vertex])
        cpointer = pointer_join(self.geoms.pointers[self.part_geometry[part]], "coordinates")
        suffix = self.geoms.part_suffix[part]
        if suffix is None:
            return cpointer
        return f"{cpointer}{suffix}/{vertex - int(self.part_start[part])}"

    def part_pointer(self, part: int) -> str:
        g = int(self.part_geometry[part])
        return pointer_join(self.geoms.pointers[g], "coordinates") + (
            self.geoms.part_suffix[part] or ""
        )

    def first_per_geometry(self, vertex_mask: np.ndarray):
        """Yield ``(geometry, first vertex, count)`` for geometries with a masked vertex."""
        vertices = np.flatnonzero(vertex_mask)
        owners = self.vertex_geometry[vertices]
        unique, first, counts = np.unique(owners, return_index=True, return_counts=True)
        for g, i, n in zip(unique.tolist(), first.tolist(), counts.tolist(), strict=True):
            yield g, int(vertices[i]), n

    def vertices_of(self, g: int) -> slice:
        lo = np.searchsorted(self.vertex_geometry, g, side="left")
        hi = np.searchsorted(self.vertex_geometry, g, side="right")
        return slice(int(lo), int(hi))

    def segment_mask(self) -> np.ndarray:
        """True at vertex i if (i, i+1) is an edge of a line or ring."""
        same_part = self.vertex_part[:-1] == self.vertex_part[1:]
        edged = self.part_kind[self.vertex_part[:-1]] != _KIND_POINT
        return np.append(same_part & edged, False)


def _check_positions(checker: _Checker) -> None:
    """Every check that looks at coordinate values, vectorised over all geometries."""
    geoms = checker.geometries
    if not geoms.pointers:
        return
    table = _Positions(geoms)
    finite = np.isfinite(table.xy).all(axis=1)
    broken: set[int] = set()
    checker.phase = "numbers"
    for g, vertex, n in table.first_per_geometry(~finite):
        broken.add(g)
        checker.report(
            "geojson-position-not-number",
            table.vertex_pointer(vertex),
            f"{n} position(s) of this {geoms.types[g]} are not finite numbers (NaN, Infinity "
            "or too large); write real longitude/latitude values",
            geoms.features[g],
        )
    long_edges = table.segment_mask()
    with np.errstate(invalid="ignore"):
        long_edges[:-1] &= np.abs(np.diff(table.xy[:, 0])) > ANTIMERIDIAN_SPAN
    if checker.foreign_crs is None:
        checker.phase = "range"
        broken |= _check_ranges(checker, table, finite, long_edges)
        checker.phase = "antimeridian"
        _check_antimeridian(checker, table, long_edges, broken)
        checker.phase = "precision"
        _check_precision(checker, table, finite)
    checker.phase = "winding"
    _check_winding(checker, table, broken)
    _check_validity(checker, table, broken)


def _check_ranges(checker, table: _Positions, finite, long_edges) -> set[int]:
    """Range errors; returns the geometries that got one or an antimeridian warning."""
    x, y = table.xy[:, 0], table.xy[:, 1]
    with np.errstate(invalid="ignore"):
        bad_lat = finite & (np.abs(y) > MAX_LATITUDE)
        bad = bad_lat | (finite & (np.abs(x) > MAX_LONGITUDE))
    done: set[int] = set()
    geoms = checker.geometries
    for g, vertex, n in table.first_per_geometry(bad):
        done.add(g)
        span = table.vertices_of(g)
        if not bad_lat[span].any() and _unwrapped_crossing(table, span, long_edges):
            _warn_unwrapped(checker, table, g, vertex)
            continue
        lon, lat = x[vertex], y[vertex]
        of = f" ({n} of {span.stop - span.start} positions)" if span.stop - span.start > 1 else ""
        checker.report(
            "geojson-position-range",
            table.vertex_pointer(vertex),
            f"{_range_message(float(lon), float(lat))}{of}",
            geoms.features[g],
            severity=checker.range_severity,  # the rule's documented override
        )
    return done


def _range_message(lon: float, lat: float) -> str:
    if abs(lat) > MAX_LATITUDE:
        what = f"latitude {lat!r} is outside -90..90"
    else:
        what = f"longitude {lon!r} is outside -180..180"
    if abs(lon) <= MAX_LATITUDE and abs(lat) <= MAX_LONGITUDE:
        fix = "if latitude and longitude are swapped, write [lon, lat]"
    else:
        fix = (
            "positions must be WGS 84 longitude/latitude in degrees; if the data is in a "
            "projected CRS, reproject it to EPSG:4326"
        )
    return f"{what}; {fix}"


def _unwrapped_crossing(table: _Positions, span: slice, long_edges) -> bool:
    """A line/polygon crossing ±180 written with continuous longitudes (e.g. -190)."""
    kinds = table.part_kind[table.vertex_part[span]]
    if (kinds == _KIND_POINT).any() or long_edges[span].any():
        return False
    lon = table.xy[span, 0]
    lo, hi = float(lon.min()), float(lon.max())
    west = lo < -MAX_LONGITUDE < hi
    east = lo < MAX_LONGITUDE < hi
    return west != east and hi - lo < FULL_TURN


def _warn_unwrapped(checker, table: _Positions, g: int, vertex: int) -> None:
    lon = float(table.xy[vertex, 0])
    checker.report(
        "geojson-antimeridian",
        table.vertex_pointer(vertex),
        f"the {checker.geometries.types[g]} crosses the antimeridian with longitudes past "
        f"±180 (e.g. {lon!r}); RFC 7946 section 3.1.9 says to cut it at ±180 into a Multi "
        "geometry with all longitudes in -180..180",
        checker.geometries.features[g],
    )


def _check_antimeridian(checker, table: _Positions, long_edges, skip: set[int]) -> None:
    geoms = checker.geometries
    for g, vertex, _n in table.first_per_geometry(long_edges):
        if g in skip:
            continue
        a, b = table.xy[vertex, 0], table.xy[vertex + 1, 0]
        checker.report(
            "geojson-antimeridian",
            table.vertex_pointer(vertex),
            f"an edge of this {geoms.types[g]} jumps from longitude {float(a)!r} to "
            f"{float(b)!r} (more than 180 degrees), so it crosses the antimeridian; RFC 7946 "
            "section 3.1.9 says to cut the geometry at ±180 into a Multi geometry",
            geoms.features[g],
        )


def _check_precision(checker, table: _Positions, finite) -> None:
    xy = table.xy[finite]
    with np.errstate(over="ignore"):  # beyond ~1e300 rounding overflows to inf
        rounded = np.round(xy, RFC7946_MAX_DECIMALS)
    # A float that large has no decimals at all; the range check reports it.
    fine = ((rounded != xy) & np.isfinite(rounded)).any(axis=1)
    count = int(fine.sum())
    if not count:
        return
    first = int(np.flatnonzero(finite)[np.argmax(fine)])
    owners = len(np.unique(table.vertex_geometry[np.flatnonzero(finite)[fine]]))
    geoms = checker.geometries
    g = int(table.vertex_geometry[first])
    pointer, example = table.vertex_pointer(first), table.xy[first].tolist()
    if checker.precision is not None:  # a chunk of a streamed check: sum them up
        checker.precision.append((count, owners, pointer, example, geoms.features[g]))
        return
    checker.report(
        "geojson-coordinate-precision",
        pointer,
        _precision_message(count, owners, example),
        geoms.features[g],
    )


def _precision_message(count: int, owners: int, example: list) -> str:
    return (
        f"{count} position(s) in {owners} geometr{'y' if owners == 1 else 'ies'} have more "
        f"than {RFC7946_MAX_DECIMALS} decimals (about 1 cm), e.g. {example}; round "
        f"coordinates to {RFC7946_MAX_DECIMALS} or fewer decimals (RFC 7946 section 11.2)"
    )


def _check_winding(checker, table: _Positions, skip: set[int]) -> None:
    """Right-hand rule from signed ring areas: exterior rings CCW, holes CW (warnings).

    :func:`heritage_mapper.geometry.ring_turn` vectorised over every ring at once.
    """
    is_ring = table.part_kind == _KIND_RING
    if not is_ring.any():
        return
    ring_vertex = is_ring[table.vertex_part]
    shifted = table.xy - table.xy[table.part_start[table.vertex_part]]
    edges = np.flatnonzero(table.segment_mask() & ring_vertex)
    x, y = shifted[:, 0], shifted[:, 1]
    a, b = x[edges] * y[edges + 1], x[edges + 1] * y[edges]
    parts = table.vertex_part[edges]
    count = len(table.part_length)
    area2 = np.bincount(parts, weights=a - b, minlength=count)
    tolerance = WINDING_TOLERANCE * np.bincount(
        parts, weights=np.abs(a) + np.abs(b), minlength=count
    )
    exterior = np.array(checker.geometries.part_exterior, dtype=bool)
    wrong = is_ring & ((exterior & (area2 < -tolerance)) | (~exterior & (area2 > tolerance)))
    wrong_parts = np.flatnonzero(wrong)
    owners = table.part_geometry[wrong_parts]
    geoms = checker.geometries
    unique, first, counts = np.unique(owners, return_index=True, return_counts=True)
    for g, i, n in zip(unique.tolist(), first.tolist(), counts.tolist(), strict=True):
        if g in skip:
            continue
        part = int(wrong_parts[i])
        role = "exterior ring" if exterior[part] else "hole"
        turn = "clockwise" if exterior[part] else "counter-clockwise"
        checker.report(
            "geojson-winding",
            table.part_pointer(part),
            f"{n} ring(s) of this {geoms.types[g]} break the right-hand rule: this {role} "
            f"runs {turn}; RFC 7946 section 3.1.6 wants exterior rings counter-clockwise and "
            "holes clockwise: reverse its positions (e.g. shapely.orient_polygons)",
            geoms.features[g],
        )


def _rank(sorted_ids: np.ndarray) -> np.ndarray:
    """Dense 0-based ranks of a sorted id array: [4, 4, 7, 9, 9] -> [0, 0, 1, 2, 2]."""
    if not sorted_ids.size:
        return sorted_ids
    return np.concatenate(([0], np.cumsum(sorted_ids[1:] != sorted_ids[:-1])))


def _build_parts(make, table: _Positions, part_mask: np.ndarray):
    """One shapely geometry per selected part, built in one vectorised call."""
    vertices = part_mask[table.vertex_part]
    if not vertices.any():
        return np.empty(0, dtype=object)
    return make(table.xy[vertices], indices=_rank(table.vertex_part[vertices]))


def _assemble(make_multi, single_type: str, parts, owners: np.ndarray, types: np.ndarray):
    """Geometries of one family: single parts as they are, Multi ones grouped."""
    if not owners.size:
        return [], []
    single = types[owners] == single_type
    objects, ids = [parts[single]], [owners[single]]
    multi = ~single
    if multi.any():
        objects.append(make_multi(parts[multi], indices=_rank(owners[multi])))
        ids.append(np.unique(owners[multi]))
    return objects, ids


def _check_validity(checker, table: _Positions, skip: set[int]) -> None:
    """GEOS validity of every line and polygon geometry (errors)."""
    import shapely

    geoms = checker.geometries
    keep = ~np.isin(table.part_geometry, np.fromiter(skip, dtype=np.int64, count=len(skip)))
    types = np.array(geoms.types, dtype=object)
    line_mask = keep & (table.part_kind == _KIND_LINE)
    lines = _build_parts(shapely.linestrings, table, line_mask)
    line_owners = table.part_geometry[line_mask]
    ring_mask = keep & (table.part_kind == _KIND_RING)
    rings = _build_parts(shapely.linearrings, table, ring_mask)
    ring_polygon = np.array(geoms.part_polygon, dtype=np.int64)[ring_mask]
    objects, owners = _assemble(shapely.multilinestrings, "LineString", lines, line_owners, types)
    if rings.size:
        polygons = shapely.polygons(rings, indices=_rank(ring_polygon))
        firsts = np.flatnonzero(np.diff(ring_polygon, prepend=-1) != 0)
        polygon_owners = table.part_geometry[ring_mask][firsts]
        more = _assemble(shapely.multipolygons, "Polygon", polygons, polygon_owners, types)
        objects += more[0]
        owners += more[1]
    if not objects:
        return
    shapes, ids = np.concatenate(objects), np.concatenate(owners)
    reasons = shapely.is_valid_reason(shapes)
    for g, reason in zip(ids.tolist(), reasons.tolist(), strict=True):
        if reason != "Valid Geometry":
            # in the order of the geometry families above (a streamed check keeps it)
            checker.phase = f"validity {geoms.types[g]}"
            checker.report(
                "geometry-invalid",
                geoms.pointers[g],
                _invalid_message(geoms.types[g], reason),
                geoms.features[g],
            )


_REASON_FIXES = {
    "Self-intersection": "edges cross there: move the vertices so the boundary does not "
    "cross itself, or split the shape into a MultiPolygon",
    "Ring Self-intersection": "the ring touches itself there: split it into separate rings",
    "Too few points in geometry component": "fewer distinct positions than the shape "
    "needs (a line needs 2, a ring 3): remove the repeated positions or the geometry",
    "Hole lies outside shell": "a hole is not inside its exterior ring: make it a separate "
    "polygon or fix the ring order",
    "Interior is disconnected": "holes cut the polygon in pieces: split it into a MultiPolygon",
    "Nested shells": "one polygon of the MultiPolygon lies inside another: merge them or "
    "make the inner one a hole",
    "Nested holes": "a hole lies inside another hole: remove one of them",
}


def _invalid_message(gtype: str, reason: str) -> str:
    match = _REASON.match(reason)
    name = match["name"] if match else reason
    where = f" at ({match['x']}, {match['y']})" if match else ""
    fix = _REASON_FIXES.get(
        name, "repair it in a GIS (e.g. QGIS 'Fix geometries' or shapely.make_valid)"
    )
    return f"the {gtype} is not a valid simple-features geometry: {name}{where}; {fix}"


# -- public API -----------------------------------------------------------------------


def check_document(
    doc,
    path: str,
    *,
    text: str | None = None,
    range_severity: str = RANGE_SEVERITY_CHECK,
    report: Report | None = None,
) -> list[Problem]:
    """Check one parsed GeoJSON document against RFC 7946 and geometry validity.

    Parameters
    ----------
    doc : object
        The parsed JSON value (any GeoJSON object, or anything else, which is an error).
    path : str
        The file name to put in each problem.
    text : str, optional
        The JSON text ``doc`` was parsed from; if given, problems get line numbers.
    range_severity : {"warning", "error"}
        Severity of a position outside -180..180 / -90..90. RFC 7946 states the CRS
        (section 4) but has no MUST about ranges, and the conformance suite expects
        geojsonhint's out-of-range ``issue82`` to pass, so the generic ``check`` warns;
        ``validate`` passes ``"error"``, since a heritage site must be a real place.
    report : Report, optional
        The report the returned findings will be added to: findings past its caps
        (:data:`~heritage_mapper.problems.MAX_FINDINGS_PER_CODE`, ``_PER_FILE``) are
        counted in it at once and not returned, so memory stays bounded.

    Returns
    -------
    list of Problem
        Errors and warnings, each with a code from :data:`CODES` and a JSON pointer.

    Examples
    --------
    >>> doc = {"type": "Feature", "properties": {}, "geometry":
    ...        {"type": "Point", "coordinates": [21.0, 105.8]}}
    >>> [(p.severity, p.code, p.location.pointer) for p in check_document(doc, "site.geojson")]
    [('warning', 'geojson-position-range', '/geometry/coordinates')]
    """
    checker = _Checker(str(path), range_severity, report)
    with gc_paused():
        checker.check_root(doc)
        _check_positions(checker)
    problems = checker.problems
    return with_lines(problems, text)


def check_file(path, *, max_bytes: int | None = None) -> tuple[object | None, list[Problem]]:
    """Read a GeoJSON file and check it.

    Parameters
    ----------
    path : str or os.PathLike
        The file to check.
    max_bytes : int, optional
        Refuse (with a ``json-too-large`` error, before reading) files larger than
        this; default :data:`~heritage_mapper.read.jsonfile.DEFAULT_MAX_JSON_BYTES` (64 MiB).

    Returns
    -------
    document : object or None
        The parsed document, for further checks on the same parse; None if the file
        could not be read or parsed.
    problems : list of Problem
        The reader's findings followed by :func:`check_document`'s.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> tmp = pathlib.Path(tempfile.mkdtemp()) / "empty.geojson"
    >>> _ = tmp.write_text('{"type": "FeatureCollection", "features": []}')
    >>> check_file(tmp)
    ({'type': 'FeatureCollection', 'features': []}, [])
    """
    return _check_file(path, max_bytes, None)


def _check_file(path, max_bytes, report):
    read = read_json(path, max_bytes=max_bytes, geojson=True)
    if not read.parsed:
        return None, read.problems
    found = check_document(read.document, read.path, text=read.text, report=report)
    return read.document, read.problems + found


def check_files(
    paths: Iterable[str | Path],
    *,
    max_bytes: int | None = None,
    stream_min_bytes: int = STREAM_MIN_BYTES,
    block_bytes: int | None = None,
) -> Report:
    """Check GeoJSON files; the report lists every file, with or without problems.

    A file larger than ``max_bytes`` (default :data:`CHECK_MAX_BYTES`, 1 GiB) is refused
    with a ``json-too-large`` error. A file larger than ``stream_min_bytes`` (default
    :data:`STREAM_MIN_BYTES`, 64 MiB) that holds a FeatureCollection is checked streamed,
    a chunk of features at a time (:mod:`heritage_mapper.validate.geojson_stream`): the
    same findings, in memory that does not grow with the number of features (about
    350 MB for a file of 1,000,000 points); ``block_bytes`` sets the chunk size (tests
    make it tiny). Every other file is read whole, as :func:`check_file` does.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> tmp = pathlib.Path(tempfile.mkdtemp()) / "bad.geojson"
    >>> _ = tmp.write_text('{"type": "Feature", "geometry": null}')
    >>> report = check_files([tmp])
    >>> report.error_count, report.problems[0].code
    (1, 'geojson-feature-properties-missing')
    """
    from heritage_mapper.validate.geojson_stream import check_streamed

    limit = CHECK_MAX_BYTES if max_bytes is None else max_bytes
    chunking = {} if block_bytes is None else {"block_bytes": block_bytes}
    report = Report()
    for path in paths:
        report.add_file(path)
        if _streamable(path, stream_min_bytes, limit) and check_streamed(path, report, **chunking):
            continue
        _, problems = _check_file(path, limit, report)
        report.extend(problems)
    return report


def _streamable(path, min_bytes: int, max_bytes: int) -> bool:
    """A regular file larger than ``min_bytes`` and within the limit."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and min_bytes < info.st_size <= max_bytes
