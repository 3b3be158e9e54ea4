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

from heritage_mapper.export.tables import ExportData, plain_column
from heritage_mapper.export.tours import TOURS_STEM
from heritage_mapper.geometry import RFC7946_MAX_DECIMALS, ring_turn

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


def outputs(data: ExportData) -> list[str]:
    tour_files = [data.file_name(TOURS_STEM, EXTENSION)] if data.tours else []
    return [*(name for name, _ in data.frame_files(EXTENSION)), *tour_files]


def write(data: ExportData, paths: dict) -> None:
    for name, frame in data.frame_files(EXTENSION):
        paths[name].write_bytes(dumps(feature_collection(frame)))
    if data.tours:
        from heritage_mapper.export.tours import geojson_document

        name = data.file_name(TOURS_STEM, EXTENSION)
        paths[name].write_bytes(dumps(to_rfc7946(geojson_document(data))))
