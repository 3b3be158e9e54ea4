"""RFC 7946 GeoJSON: one FeatureCollection per site layer plus the events-at-sites layer,
and ``tours.geojson`` (one LineString per tour leg) when the project has tours.

What RFC 7946 asks of a writer, and what :func:`to_rfc7946` does to any GeoJSON object
(geometry, Feature, FeatureCollection, GeometryCollection):

- WGS84 longitude/latitude only, and no ``crs`` member (it is removed);
- polygon rings follow the right-hand rule: exterior rings counter-clockwise, holes
  clockwise (:func:`rewind`, the same result as mapbox/geojson-rewind);
- coordinates carry at most :data:`RFC7946_MAX_DECIMALS` decimals (about 1 cm).

Every feature gets an ``id`` (the site id, or ``"<event>@<site>"``).

Examples
--------
>>> square = {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]}
>>> to_rfc7946(square)["coordinates"][0]
[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from json.encoder import encode_basestring

from heritage_mapper.export.tables import ExportData, plain_column
from heritage_mapper.export.tours import TOURS_STEM
from heritage_mapper.geometry import RFC7946_MAX_DECIMALS, ring_turn
from heritage_mapper.progress import count_rows

__all__ = [
    "RFC7946_MAX_DECIMALS",
    "to_rfc7946",
    "rewind",
    "geometry_mappings",
    "dumps",
    "outputs",
    "write",
]

EXTENSION = ".geojson"


def _orient(ring, counter_clockwise: bool):
    turn = ring_turn(ring) if ring else 0
    if turn == 0 or (turn > 0) == counter_clockwise:
        return ring
    return ring[::-1]


def _rewind_polygon(rings):
    return [_orient(ring, counter_clockwise=(i == 0)) for i, ring in enumerate(rings)]


def rewind(obj: dict) -> dict:
    """A copy of any GeoJSON object with RFC 7946 winding (exterior CCW, holes CW).

    Other members (properties, ids, foreign members) are kept as they are; degenerate
    rings of zero area are left alone.

    Examples
    --------
    >>> cw = {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]}
    >>> ring_turn(rewind(cw)["coordinates"][0])
    1
    """
    if not isinstance(obj, dict):
        return obj
    kind = obj.get("type")
    out = dict(obj)
    if kind == "Polygon" and obj.get("coordinates"):
        out["coordinates"] = _rewind_polygon(obj["coordinates"])
    elif kind == "MultiPolygon" and obj.get("coordinates"):
        out["coordinates"] = [_rewind_polygon(polygon) for polygon in obj["coordinates"]]
    elif kind == "GeometryCollection":
        out["geometries"] = [rewind(g) for g in obj.get("geometries") or []]
    elif kind == "Feature":
        out["geometry"] = rewind(obj.get("geometry"))
    elif kind == "FeatureCollection":
        out["features"] = [rewind(f) for f in obj.get("features") or []]
    return out


def _round_coordinates(value, decimals: int):
    if isinstance(value, list | tuple):
        return [_round_coordinates(v, decimals) for v in value]
    if isinstance(value, float):
        rounded = round(value, decimals)
        return int(rounded) if rounded.is_integer() and abs(rounded) < 2**53 else rounded
    return value


def _round(obj, decimals: int):
    if not isinstance(obj, dict):
        return obj
    out = dict(obj)
    if "coordinates" in obj:
        out["coordinates"] = _round_coordinates(obj["coordinates"], decimals)
    if obj.get("type") == "GeometryCollection":
        out["geometries"] = [_round(g, decimals) for g in obj.get("geometries") or []]
    elif obj.get("type") == "Feature":
        out["geometry"] = _round(obj.get("geometry"), decimals)
    elif obj.get("type") == "FeatureCollection":
        out["features"] = [_round(f, decimals) for f in obj.get("features") or []]
    if "bbox" in obj:
        out["bbox"] = _round_coordinates(obj["bbox"], decimals)
    return out


def to_rfc7946(obj: dict, decimals: int = RFC7946_MAX_DECIMALS) -> dict:
    """Any GeoJSON object made RFC 7946: rounded, rewound, without a ``crs`` member.

    Rounding comes first so that the winding is decided on the coordinates written.
    The input must already be WGS84 longitude/latitude; this does not reproject.

    Examples
    --------
    >>> to_rfc7946({"type": "Point", "coordinates": [107.079000001, 20.95], "crs": {}})
    {'type': 'Point', 'coordinates': [107.079, 20.95]}
    """
    out = rewind(_round(obj, decimals))
    _drop_crs(out)
    return out


def _drop_crs(obj) -> None:
    if not isinstance(obj, dict):
        return
    obj.pop("crs", None)
    for key in ("geometry",):
        _drop_crs(obj.get(key))
    for key in ("features", "geometries"):
        for child in obj.get(key) or []:
            _drop_crs(child)


def geometry_mapping(geometry) -> dict | None:
    """A shapely geometry as an RFC 7946 GeoJSON geometry mapping (``None`` stays ``None``)."""
    import shapely

    if geometry is None or shapely.is_empty(geometry):
        return None
    return to_rfc7946(json.loads(shapely.to_geojson(geometry)))


def geometry_mappings(geometries) -> list[dict | None]:
    """:func:`geometry_mapping` of each geometry of an array; 2D points (nearly every site)
    are read in one pass and rounded as :func:`to_rfc7946` rounds, not through GEOS's
    GeoJSON text one by one."""
    import numpy as np
    import shapely

    geometries = np.asarray(geometries, dtype=object)
    out: list[dict | None] = [None] * len(geometries)
    points = (shapely.get_type_id(geometries) == 0) & ~shapely.is_empty(geometries)
    points &= ~shapely.has_z(geometries)
    where = np.flatnonzero(points)
    if len(where):
        xy = shapely.get_coordinates(geometries[where]).tolist()
        for i, coordinates in zip(where.tolist(), xy, strict=True):
            point = {"type": "Point", "coordinates": coordinates}
            out[i] = _round(point, RFC7946_MAX_DECIMALS)
    for i in np.flatnonzero(~points).tolist():
        out[i] = geometry_mapping(geometries[i])
    return out


def feature_collection(frame, columns=None) -> dict:
    """A GeoDataFrame (WGS84, with an ``id`` column) as an RFC 7946 FeatureCollection."""
    geometry_name = frame.geometry.name
    columns = columns or [c for c in frame.columns if c != geometry_name]
    geometries = geometry_mappings(frame.geometry.to_numpy())
    values = [plain_column(frame[c]) for c in columns]
    features = []
    for row, geometry in zip(zip(*values, strict=True), geometries, strict=True):
        properties = dict(zip(columns, row, strict=True))
        features.append(
            {
                "type": "Feature",
                "id": properties["id"],
                "geometry": geometry,
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def dumps(doc: dict) -> bytes:
    """Deterministic, compact UTF-8 JSON text (no ASCII escaping, final newline), with
    one feature per line when ``doc`` has a ``features`` list: a change to one site is a
    one-line diff, and the file is a third of the indented one and written by CPython's
    C encoder (``indent`` forces the pure-Python one).

    Examples
    --------
    >>> print(dumps({"type": "FeatureCollection", "features": [{"id": 1}, {"id": "ă"}]}).decode())
    {"type":"FeatureCollection",
    "features":[
    {"id":1},
    {"id":"ă"}
    ]}
    <BLANKLINE>
    """
    encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        return (encode(doc) + "\n").encode("utf-8")
    members = []
    for key, value in doc.items():
        if key == "features":
            lines = "".join(f"\n{encode(f)}," for f in value).removesuffix(",")
            members.append(f"{encode(key)}:[{lines}\n]")
        else:
            members.append(f"{encode(key)}:{encode(value)}")
    return ("{" + ",\n".join(members) + "}\n").encode("utf-8")


#: Features encoded and written at a time by :func:`write_collection` and
#: :func:`feature_texts`: large enough that the per-chunk work is nothing, small enough
#: that a chunk's text is a few MB however large the layer.
CHUNK_FEATURES = 4096


def _encoder():
    return json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode


def write_collection(file, members: dict, features: Iterable[str]) -> None:
    """Write to the binary ``file`` the bytes :func:`dumps` gives for ``members`` with a
    last ``features`` member, from the features' JSON texts, a chunk at a time (no copy of
    the whole document in memory).

    Examples
    --------
    >>> import io
    >>> file = io.BytesIO()
    >>> write_collection(file, {"type": "FeatureCollection"}, ['{"id":1}', '{"id":"ă"}'])
    >>> doc = {"type": "FeatureCollection", "features": [{"id": 1}, {"id": "ă"}]}
    >>> file.getvalue() == dumps(doc)
    True
    """
    encode = _encoder()
    head = "".join(f"{encode(key)}:{encode(value)},\n" for key, value in members.items())
    file.write(f'{{{head}"features":['.encode())
    separator = "\n"
    chunk: list[str] = []
    for text in features:
        chunk.append(separator)
        chunk.append(text)
        separator = ",\n"
        if len(chunk) >= 2 * CHUNK_FEATURES:
            file.write("".join(chunk).encode())
            count_rows(len(chunk) // 2)  # a progress display's features written
            chunk.clear()
    count_rows(len(chunk) // 2)
    chunk.append("\n]}\n")
    file.write("".join(chunk).encode())


def _coordinate_text(value: float, encode) -> str:
    """A coordinate's JSON text as :func:`to_rfc7946` rounds it and :func:`dumps` writes it
    (whole numbers as integers, as :func:`_round_coordinates` makes them)."""
    rounded = round(value, RFC7946_MAX_DECIMALS)
    if rounded.is_integer() and abs(rounded) < 2**53:
        return str(int(rounded))
    if math.isfinite(rounded):
        return float.__repr__(rounded)  # what the C encoder writes for a float
    return encode(rounded)  # NaN and infinity raise ValueError, as in dumps


def geometry_texts(geometries) -> list[str]:
    """``encode(geometry_mapping(g))`` for each geometry of an array: 2D points (nearly
    every site) are written from their coordinates, without a mapping per point."""
    import numpy as np
    import shapely

    encode = _encoder()
    geometries = np.asarray(geometries, dtype=object)
    out = ["null"] * len(geometries)
    points = (shapely.get_type_id(geometries) == 0) & ~shapely.is_empty(geometries)
    points &= ~shapely.has_z(geometries)
    where = np.flatnonzero(points)
    if len(where):
        xy = shapely.get_coordinates(geometries[where]).tolist()
        for i, (x, y) in zip(where.tolist(), xy, strict=True):
            out[i] = (
                '{"type":"Point","coordinates":['
                f"{_coordinate_text(x, encode)},{_coordinate_text(y, encode)}]}}"
            )
    for i in np.flatnonzero(~points).tolist():
        out[i] = encode(geometry_mapping(geometries[i]))
    return out


def json_texts(values: list, encode) -> list[str]:
    r"""The JSON text of each value of a column, as ``encode`` writes it inside a document.

    Strings go to the C string encoder that ``encode`` itself calls for a string (one call
    per value: splitting the text of a whole encoded list would break on a value holding
    ``","``); other values go through ``encode``.

    Examples
    --------
    >>> json_texts(['a"b', None, 3, True, ["x"]], _encoder())
    ['"a\\"b"', 'null', '3', 'true', '["x"]']
    """
    string = encode_basestring
    return [string(v) if type(v) is str else _json_text(v, encode) for v in values]


def _json_text(value, encode) -> str:
    r"""``encode(value)`` for a value that is not text, written directly for the kinds a
    column holds (what CPython's C encoder writes for each: ``null``, ``true``/``false``,
    ``int.__repr__``, ``float.__repr__`` of a finite float, ``[`` items ``,`` ``]`` for a
    list of texts); anything else, and NaN or infinity (an error), through ``encode``.

    >>> [_json_text(v, _encoder()) for v in (None, False, -3, 0.1, ["a", 'b"'], [])]
    ['null', 'false', '-3', '0.1', '["a","b\\""]', '[]']
    """
    kind = type(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float and math.isfinite(value):
        return float.__repr__(value)
    if kind is list and all(type(v) is str for v in value):
        return "[" + ",".join(map(encode_basestring, value)) + "]"
    return encode(value)


def feature_texts(frame, columns=None) -> Iterator[str]:
    """The JSON text of each feature of :func:`feature_collection`, as :func:`dumps`
    writes it, built a chunk of :data:`CHUNK_FEATURES` rows at a time column by column:
    each property is its key's text and its value's, joined in the column order (the
    order of the dict :func:`feature_collection` builds)."""
    geometry_name = frame.geometry.name
    columns = columns or [c for c in frame.columns if c != geometry_name]
    if len(set(columns)) != len(columns) or "id" not in columns:  # not worth a template
        features = feature_collection(frame, columns)["features"]
        encode = _encoder()
        yield from (encode(feature) for feature in features)
        return
    encode = _encoder()
    keys = [f"{encode(str(c))}:" for c in columns]
    at_id = columns.index("id")
    geometry = frame.geometry.to_numpy()
    for start in range(0, len(frame), CHUNK_FEATURES):
        stop = start + CHUNK_FEATURES
        texts = [json_texts(plain_column(frame[c].iloc[start:stop]), encode) for c in columns]
        properties = [
            [key + text for text in column] for key, column in zip(keys, texts, strict=True)
        ]
        rows = zip(
            texts[at_id],
            geometry_texts(geometry[start:stop]),
            zip(*properties, strict=True),
            strict=True,
        )
        for id_text, geometry_text, cells in rows:
            yield (
                f'{{"type":"Feature","id":{id_text},"geometry":{geometry_text},'
                f'"properties":{{{",".join(cells)}}}}}'
            )


def outputs(data: ExportData) -> list[str]:
    tour_files = [data.file_name(TOURS_STEM, EXTENSION)] if data.tours else []
    return [*(name for name, _ in data.frame_files(EXTENSION)), *tour_files]


def write(data: ExportData, paths: dict) -> None:
    for name, frame in data.frame_files(EXTENSION):
        with open(paths[name], "wb") as file:
            write_collection(file, {"type": "FeatureCollection"}, feature_texts(frame))
    if data.tours:
        from heritage_mapper.export.tours import geojson_document

        name = data.file_name(TOURS_STEM, EXTENSION)
        paths[name].write_bytes(dumps(to_rfc7946(geojson_document(data))))
