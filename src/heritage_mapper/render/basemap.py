"""The basemap a page embeds: land, boundaries, place labels and area labels, compact.

Every page draws the project's basemap (``project.json``, ``basemap``) under the sites
from this data, with no tile server: the page works offline and from ``file://``.
Coordinates are quantised to :data:`BASEMAP_DECIMALS` decimals of a degree (about
1 m, well inside the sources' ~50 m generalisation) and written as integer deltas,
so a ring of ``n`` positions is ``2n`` small integers:
``[x0, y0, x1 - x0, y1 - y0, …]`` in units of ``10**-BASEMAP_DECIMALS`` degrees.
Leaflet simplifies what it draws to the zoom (``smoothFactor``), so one level of
detail serves every zoom.

The embedded object (key ``basemap`` of the page data; ``render/page-data.schema.json``
describes it):

- ``scale``: ``10**BASEMAP_DECIMALS``;
- ``land``: polygons, each a list of rings (delta-encoded);
- ``boundaries``: ``{"kind": [...], "lines": [...]}``, kinds from
  :data:`heritage_mapper.model.BOUNDARY_KINDS`;
- ``places``: ``{"label": [...], "lon": [...], "lat": [...], "rank": [...]}``, ranked
  by population (0 the largest), for thinning labels by zoom;
- ``areas``: ``{"name": [...], "lon": [...], "lat": [...]}``, one label point per area;
- ``attribution``: one ``{"text": {lang: ...}, "licence": ..., "url": ...}`` per
  distinct attribution, in project order;
- ``bounds``: ``[[south, west], [north, east]]`` of everything embedded.

Examples
--------
>>> delta_ring([(107.0, 21.0), (107.00002, 21.0), (107.0, 21.00001)])
[10700000, 2100000, 2, 0, -2, 1]
"""

from __future__ import annotations

from heritage_mapper.model import place_label

__all__ = ["BASEMAP_DECIMALS", "basemap_records", "delta_ring"]

#: Decimals of a degree kept in the embedded basemap (1e-5° is about 1.1 m).
BASEMAP_DECIMALS = 5


def delta_ring(positions, decimals: int = BASEMAP_DECIMALS) -> list[int]:
    """Positions as quantised integers, each after the first as a delta to the one before."""
    scale = 10**decimals
    out: list[int] = []
    last_x = last_y = 0
    for x, y, *_ in positions:
        qx, qy = round(x * scale), round(y * scale)
        out += (qx - last_x, qy - last_y)
        last_x, last_y = qx, qy
    return out


def _rings(polygon) -> list[list[int]]:
    return [delta_ring(polygon.exterior.coords)] + [
        delta_ring(ring.coords) for ring in polygon.interiors
    ]


def _polygons(geometry) -> list:
    kind = geometry.geom_type
    parts = list(geometry.geoms) if kind == "MultiPolygon" else [geometry]
    return [_rings(p) for p in parts if not p.is_empty]


def _lines(geometry) -> list:
    kind = geometry.geom_type
    parts = list(geometry.geoms) if kind == "MultiLineString" else [geometry]
    return [delta_ring(p.coords) for p in parts if not p.is_empty]


def basemap_records(geodata) -> dict | None:
    """The page's ``basemap`` object for a loaded geodata, or None without a basemap."""
    project = geodata.project
    if not project.basemap:
        return None
    land: list = []
    boundaries: dict = {"kind": [], "lines": []}
    places: dict = {"label": [], "lon": [], "lat": [], "population": []}
    areas: dict = {"name": [], "lon": [], "lat": []}
    bounds: list[float] | None = None
    for spec in project.basemap:
        frame = geodata.basemap.get(spec.id)
        if frame is None or frame.empty:
            continue
        west, south, east, north = (float(v) for v in frame.total_bounds)
        bounds = (
            [west, south, east, north]
            if bounds is None
            else [min(bounds[0], west), min(bounds[1], south), max(bounds[2], east)]
            + [max(bounds[3], north)]
        )
        if spec.role == "land":
            for geometry in frame.geometry:
                land += _polygons(geometry)
        elif spec.role == "boundaries":
            for kind, geometry in zip(frame["kind"], frame.geometry, strict=True):
                for line in _lines(geometry):
                    boundaries["kind"].append(str(kind))
                    boundaries["lines"].append(line)
        elif spec.role == "places":
            _add_places(places, frame)
        elif spec.role == "areas":
            _add_areas(areas, frame)
    population = places.pop("population")
    order = sorted(range(len(population)), key=lambda i: (-population[i], places["label"][i]))
    rank = [0] * len(order)
    for position, i in enumerate(order):
        rank[i] = position
    places["rank"] = rank
    return {
        "scale": 10**BASEMAP_DECIMALS,
        "land": land,
        "boundaries": boundaries,
        "places": places,
        "areas": areas,
        "attribution": _attribution(project),
        "bounds": None if bounds is None else [[bounds[1], bounds[0]], [bounds[3], bounds[2]]],
    }


def _add_places(places: dict, frame) -> None:
    import math

    rows = frame.drop(columns="geometry").to_dict("records")
    for row, geometry in zip(rows, frame.geometry, strict=True):
        label = place_label(row)
        if label is None or geometry is None or geometry.is_empty:
            continue
        value = row.get("population")
        population = float(value) if isinstance(value, int | float) else 0.0
        places["label"].append(label)
        places["lon"].append(round(geometry.x, BASEMAP_DECIMALS))
        places["lat"].append(round(geometry.y, BASEMAP_DECIMALS))
        places["population"].append(0.0 if math.isnan(population) else population)


def _add_areas(areas: dict, frame) -> None:
    names = frame["name"] if "name" in frame else [None] * len(frame)
    for name, geometry in zip(names, frame.geometry, strict=True):
        if not isinstance(name, str) or geometry is None or geometry.is_empty:
            continue
        point = geometry.representative_point()
        areas["name"].append(name)
        areas["lon"].append(round(point.x, BASEMAP_DECIMALS))
        areas["lat"].append(round(point.y, BASEMAP_DECIMALS))


def _attribution(project) -> list[dict]:
    seen: dict[tuple, dict] = {}
    for spec in project.basemap:
        key = (tuple(sorted(spec.attribution.items())), spec.licence)
        if key not in seen:
            seen[key] = {
                "text": {lang: project.text(spec.attribution, lang) for lang in project.languages},
                "licence": spec.licence,
                "url": spec.licence_url,
            }
    return list(seen.values())
