"""Tours joined to the sites: each stop with its position, each leg with its geometry and
its length on the ellipsoid, for the tour pages and the exports alike.

A leg with a route (the curator knows the path) is that LineString and its length along
it; a leg without one is the straight line between the two stops, flagged ``straight``,
and its distance is "as the crow flies". Every length is geodesic on the WGS84
ellipsoid (pyproj's ``Geod``), never a road distance.

Examples
--------
>>> from heritage_mapper import load_geodata
>>> routes = tour_routes(load_geodata("geodata"))
>>> route = routes[0]
>>> [stop.site_id for stop in route.stops][:2]
['hon-gai-rally-ground', 'bai-chay-first-victory']
>>> leg = route.legs[0]
>>> leg.order, leg.straight, leg.distance_m == geodesic_length(leg.coordinates)
(1, True, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from heritage_mapper.model import Tour, localized

__all__ = [
    "RouteStop",
    "RouteLeg",
    "TourRoute",
    "tour_routes",
    "geodesic_length",
]


@dataclass(frozen=True)
class RouteStop:
    """A stop with its site's position.

    Attributes
    ----------
    order
        1 for the first stop.
    site_id, layer
        The site and its layer.
    name
        The site's name, ``{language: text}``.
    lon, lat
        The site's position in WGS84 (a point inside it when it is not a point).
    location_precision_m
        The site's location precision (``None`` when it has none).
    visit_minutes
        The suggested time at the stop.
    note
        ``{language: text}``, empty when the stop has no note.
    """

    order: int
    site_id: str
    layer: str
    name: dict[str, str]
    lon: float
    lat: float
    location_precision_m: float | None
    visit_minutes: int
    note: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RouteLeg:
    """The way from stop ``order`` to stop ``order + 1``.

    ``coordinates`` are (longitude, latitude) pairs: the curator's route, or the two
    stops when ``straight``; ``distance_m`` is their geodesic length on WGS84.
    """

    order: int
    from_site: str
    to_site: str
    mode: str
    coordinates: tuple[tuple[float, float], ...]
    straight: bool
    distance_m: float
    note: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TourRoute:
    """A tour with its stops placed and its legs measured."""

    tour: Tour
    stops: tuple[RouteStop, ...]
    legs: tuple[RouteLeg, ...]

    @property
    def id(self) -> str:
        return self.tour.id

    @property
    def title(self) -> dict[str, str]:
        return self.tour.title

    @property
    def description(self) -> dict[str, str]:
        return self.tour.description

    @property
    def distance_m(self) -> float:
        """The length of every leg added up (metres on the ellipsoid)."""
        return math.fsum(leg.distance_m for leg in self.legs)

    @property
    def straight_distance_m(self) -> float:
        """The part of :attr:`distance_m` that is as the crow flies (legs without a route)."""
        return math.fsum(leg.distance_m for leg in self.legs if leg.straight)

    @property
    def straight(self) -> bool:
        """Whether every leg is a straight line (the whole distance is as the crow flies)."""
        return all(leg.straight for leg in self.legs)

    @property
    def visit_minutes(self) -> int:
        """The suggested visits added up (travel not counted)."""
        return sum(stop.visit_minutes for stop in self.stops)

    @property
    def site_ids(self) -> tuple[str, ...]:
        return tuple(stop.site_id for stop in self.stops)


def geodesic_length(coordinates) -> float:
    """The length in metres of a line of (longitude, latitude) pairs on WGS84.

    Examples
    --------
    >>> round(geodesic_length([(107.0, 21.0), (107.0, 21.01)]), 1)
    1107.2
    """
    from pyproj import Geod

    lons = [float(c[0]) for c in coordinates]
    lats = [float(c[1]) for c in coordinates]
    return float(Geod(ellps="WGS84").line_length(lons, lats))


def tour_routes(data) -> tuple[TourRoute, ...]:
    """Every tour of a loaded folder with its stops placed and its legs measured.

    Parameters
    ----------
    data
        A :class:`~heritage_mapper.frames.Geodata`, or a
        :class:`~heritage_mapper.join.Joined` (its ``geodata`` is used).

    Returns
    -------
    tuple of TourRoute
        In the order of ``tours.json``; empty when the project has no tours.
    """
    geodata = getattr(data, "geodata", data)
    tours = getattr(geodata, "tours", ())
    if not tours:
        return ()
    languages = geodata.project.languages
    sites = _site_table(geodata.sites, languages)
    return tuple(_route(tour, sites) for tour in tours)


def _site_table(frame, languages) -> dict[str, dict]:
    table = {}
    names = {lang: localized("name", lang) for lang in languages}
    for record in frame.to_dict("records"):
        geometry = record.get("geometry")
        if geometry is None or geometry.is_empty:
            continue
        point = geometry if geometry.geom_type == "Point" else geometry.point_on_surface()
        precision = record.get("location_precision_m")
        try:
            precision = float(precision)
            precision = precision if math.isfinite(precision) else None
        except (TypeError, ValueError):
            precision = None
        table[str(record["id"])] = {
            "layer": str(record.get("layer")),
            "name": {
                lang: str(record[column])
                for lang, column in names.items()
                if isinstance(record.get(column), str) and record[column]
            },
            "lon": float(point.x),
            "lat": float(point.y),
            "precision": precision,
        }
    return table


def _route(tour: Tour, sites: dict[str, dict]) -> TourRoute:
    stops = []
    legs = []
    for order, stop in enumerate(tour.stops, start=1):
        site = sites[stop.site]
        stops.append(
            RouteStop(
                order=order,
                site_id=stop.site,
                layer=site["layer"],
                name=site["name"],
                lon=site["lon"],
                lat=site["lat"],
                location_precision_m=site["precision"],
                visit_minutes=stop.visit_minutes,
                note=dict(stop.note),
            )
        )
        if order == 1:
            continue
        previous = stops[-2]
        leg = stop.leg
        straight = leg is None or leg.route is None
        coordinates = (
            ((previous.lon, previous.lat), (site["lon"], site["lat"]))
            if straight
            else tuple(leg.route)
        )
        legs.append(
            RouteLeg(
                order=order - 1,
                from_site=previous.site_id,
                to_site=stop.site,
                mode=leg.mode if leg is not None else "road",
                coordinates=coordinates,
                straight=straight,
                distance_m=geodesic_length(coordinates),
                note=dict(leg.note) if leg is not None else {},
            )
        )
    return TourRoute(tour=tour, stops=tuple(stops), legs=tuple(legs))
