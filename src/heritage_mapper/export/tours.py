"""The tours in every format that carries them: GPX routes, KML folders with a Google
Earth tour, a GeoJSON layer of legs, a GeoPackage layer and an itinerary CSV.

Each writer takes the tours as :func:`heritage_mapper.tours.tour_routes` gives them
(``ExportData.tours``): stops placed at their sites, legs measured on the WGS84
ellipsoid. A leg without a route is a straight line, and every text that gives its
distance says "as the crow flies" (``tour_crow_flies`` in ``catalogue/exports.json``).
XML is built with ElementTree (every value escaped); KML descriptions are HTML, so their
data is HTML-escaped first, as for the sites (:mod:`heritage_mapper.export.timeline`).
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

from heritage_mapper.export.tables import ExportData, decimal_text
from heritage_mapper.export.xmlfile import sub_element

__all__ = [
    "TOURS_STEM",
    "TOURS_LAYER",
    "format_distance",
    "format_minutes",
    "gpx_document",
    "kml_document",
    "geojson_document",
    "legs_frame",
    "csv_table",
]

TOURS_STEM = "tours"
TOURS_LAYER = "tours"
COORDINATE_DECIMALS = 7
#: Distances in the GeoJSON and GeoPackage layers: metres to one decimal.
DISTANCE_DECIMALS = 1
GX_NS = "http://www.google.com/kml/ext/2.2"
#: Google Earth tour: seconds to fly to a stop, and to stay there.
FLY_SECONDS = 4
WAIT_SECONDS = 4
#: How far the camera is from a stop: this, or four times the stop's precision.
MIN_VIEW_RANGE_M = 1500.0
VIEW_TILT = 45
#: KML colours (aabbggrr): known routes solid and wide, straight legs thin and grey.
ROUTE_COLOR = "ff2828c6"
STRAIGHT_COLOR = "ff9e9e9e"


def _labels(data: ExportData, lang: str) -> dict[str, str]:
    from heritage_mapper.i18n import labels

    return labels("exports", data.chain(lang))


def format_minutes(minutes: int, labels: dict[str, str]) -> str:
    """A plain-text duration: ``45 min``, ``1 h 30 min``, ``2 h``.

    Examples
    --------
    >>> en = {"unit_minutes": "min", "unit_hours": "h"}
    >>> format_minutes(45, en), format_minutes(90, en), format_minutes(120, en)
    ('45 min', '1 h 30 min', '2 h')
    """
    hours, rest = divmod(int(minutes), 60)
    parts = ([f"{hours} {labels['unit_hours']}"] if hours else []) + (
        [f"{rest} {labels['unit_minutes']}"] if rest or not hours else []
    )
    return " ".join(parts)


def format_distance(metres: float, labels: dict[str, str]) -> str:
    """A distance for reading: metres under 1 km, else km to one decimal.

    Examples
    --------
    >>> format_distance(152.4, {"decimal_separator": "."})
    '152 m'
    >>> format_distance(9937.5, {"decimal_separator": ","})
    '9,9 km'
    """
    if metres < 1000:
        return f"{metres:.0f} m"
    return f"{metres / 1000:.1f} km".replace(".", labels.get("decimal_separator", "."))


def leg_text(leg, labels: dict[str, str]) -> str:
    """``9.9 km as the crow flies, over a causeway``: the distance always says how it
    was measured."""
    how = labels["tour_crow_flies"] if leg.straight else labels["tour_along_route"]
    mode = labels.get(f"mode_{leg.mode}", leg.mode)
    return f"{format_distance(leg.distance_m, labels)} {how}, {mode}"


def _pick(data: ExportData, texts: dict, lang: str) -> str:
    return data.text(texts, lang) if texts else ""


def totals_text(data: ExportData, route, lang: str) -> str:
    """One line: the total distance (how measured) and the time at the stops."""
    labels = _labels(data, lang)
    how = labels["tour_crow_flies"] if route.straight else labels["tour_along_route"]
    if not route.straight and route.straight_distance_m > 0:
        straight = format_distance(route.straight_distance_m, labels)
        how = f"{how}; {straight} {labels['tour_crow_flies']}"
    visits = format_minutes(route.visit_minutes, labels)
    return (
        f"{labels['tour_distance']}: {format_distance(route.distance_m, labels)} ({how}). "
        f"{labels['tour_time']}: {visits} ({labels['tour_travel_not_counted']})."
    )


def _tour_paragraphs(data: ExportData, route) -> list[str]:
    """Title in the other languages, description and totals in every language."""
    out = [_pick(data, route.title, lang) for lang in data.display_languages[1:]]
    for lang in data.display_languages:
        out.append(_pick(data, route.description, lang))
        out.append(totals_text(data, route, lang))
    if any(leg.straight for leg in route.legs):
        out.append(_labels(data, data.display_language)["tour_straight_lines"])
    return [p for p in dict.fromkeys(out) if p]


def _stop_paragraphs(data: ExportData, route, stop) -> list[str]:
    """Per language: the other names, the visit time, the leg here, the notes."""
    leg = route.legs[stop.order - 2] if stop.order > 1 else None
    out = [_pick(data, stop.name, lang) for lang in data.display_languages[1:]]
    for lang in data.display_languages:
        labels = _labels(data, lang)
        out.append(f"{labels['tour_visit']}: {format_minutes(stop.visit_minutes, labels)}")
        if leg is not None:
            out.append(f"{labels['tour_leg']}: {leg_text(leg, labels)}")
            out.append(_pick(data, leg.note, lang))
        out.append(_pick(data, stop.note, lang))
    return [p for p in dict.fromkeys(out) if p]


def _stop_name(data: ExportData, stop) -> str:
    return _pick(data, stop.name, data.display_language) or stop.site_id


# -- GPX ---------------------------------------------------------------------------------


def gpx_document(data: ExportData, attributes: dict, prefix: str) -> ET.ElementTree:
    """``tours.gpx``: one ``<rte>`` per tour, a ``<rtept>`` per stop (name, desc);
    ``attributes`` of the ``<gpx>`` element, ``prefix`` of the extension namespace."""
    root = ET.Element("gpx", attributes)
    metadata = sub_element(root, "metadata")
    sub_element(metadata, "name", data.text(data.project.title, data.display_language))
    sub_element(metadata, "desc", _labels(data, data.display_language)["tour_straight_lines"])
    for number, route in enumerate(data.tours, start=1):
        rte = sub_element(root, "rte")
        sub_element(rte, "name", _pick(data, route.title, data.display_language) or route.id)
        sub_element(rte, "desc", "\n\n".join(_tour_paragraphs(data, route)))
        sub_element(rte, "number", str(number))
        extensions = sub_element(rte, "extensions")
        sub_element(extensions, f"{prefix}:tour", route.id)
        sub_element(extensions, f"{prefix}:distance_m", f"{route.distance_m:.0f}")
        sub_element(extensions, f"{prefix}:visit_minutes", str(route.visit_minutes))
        for stop in route.stops:
            leg = route.legs[stop.order - 2] if stop.order > 1 else None
            point = sub_element(
                rte,
                "rtept",
                lat=decimal_text(stop.lat, COORDINATE_DECIMALS),
                lon=decimal_text(stop.lon, COORDINATE_DECIMALS),
            )
            sub_element(point, "name", _stop_name(data, stop))
            sub_element(point, "desc", "\n\n".join(_stop_paragraphs(data, route, stop)))
            if leg is not None:
                sub_element(point, "type", leg.mode)
            ext = sub_element(point, "extensions")
            sub_element(ext, f"{prefix}:id", stop.site_id)
            sub_element(ext, f"{prefix}:visit_minutes", str(stop.visit_minutes))
            if leg is not None:
                sub_element(ext, f"{prefix}:leg_mode", leg.mode)
                sub_element(ext, f"{prefix}:leg_distance_m", f"{leg.distance_m:.0f}")
                sub_element(ext, f"{prefix}:leg_straight", _yes(leg.straight))
    ET.indent(root, space="  ")
    return ET.ElementTree(root)


def _yes(value: bool) -> str:
    return "true" if value else "false"


# -- KML ---------------------------------------------------------------------------------


def _html(paragraphs: list[str]) -> str:
    return "\n".join(f"<p>{html.escape(p).replace(chr(10), '<br/>')}</p>" for p in paragraphs)


def _coordinates(coords) -> str:
    return " ".join(",".join(decimal_text(v, COORDINATE_DECIMALS) for v in xy[:2]) for xy in coords)


def _style(doc, style_id: str, color: str, width: str) -> None:
    style = sub_element(doc, "Style", id=style_id)
    line = sub_element(style, "LineStyle")
    sub_element(line, "color", color)
    sub_element(line, "width", width)


def kml_document(data: ExportData, kml_ns: str) -> ET.ElementTree:
    """``tours.kml``: per tour a Folder with its stops, its legs (LineStrings) and a
    Google Earth tour (``gx:Tour``: a fly-to and a wait per stop, in order)."""
    root = ET.Element("kml", {"xmlns": kml_ns, "xmlns:gx": GX_NS})
    doc = sub_element(root, "Document")
    sub_element(doc, "name", data.text(data.project.title, data.display_language))
    sub_element(doc, "description", _labels(data, data.display_language)["tour_straight_lines"])
    _style(doc, "leg-route", ROUTE_COLOR, "4")
    _style(doc, "leg-straight", STRAIGHT_COLOR, "2")
    for route in data.tours:
        folder = sub_element(doc, "Folder", id=f"tour-{route.id}")
        sub_element(folder, "name", _pick(data, route.title, data.display_language) or route.id)
        sub_element(folder, "description", _html(_tour_paragraphs(data, route)))
        for stop in route.stops:
            placemark = sub_element(folder, "Placemark")
            sub_element(placemark, "name", f"{stop.order}. {_stop_name(data, stop)}")
            sub_element(placemark, "description", _html(_stop_paragraphs(data, route, stop)))
            extended = sub_element(placemark, "ExtendedData")
            for key, value in (("site_id", stop.site_id), ("order", str(stop.order))):
                sub_element(sub_element(extended, "Data", name=key), "value", value)
            point = sub_element(placemark, "Point")
            sub_element(point, "coordinates", _coordinates([(stop.lon, stop.lat)]))
        for leg in route.legs:
            _leg_placemark(data, folder, route, leg)
        _gx_tour(data, folder, route)
    ET.indent(root, space="  ")
    return ET.ElementTree(root)


def _leg_placemark(data: ExportData, folder, route, leg) -> None:
    names = {stop.site_id: _stop_name(data, stop) for stop in route.stops}
    placemark = sub_element(folder, "Placemark")
    labels = _labels(data, data.display_language)
    sub_element(
        placemark,
        "name",
        f"{leg.order} → {leg.order + 1}: {names[leg.from_site]} → {names[leg.to_site]}",
    )
    paragraphs = []
    for lang in data.display_languages:
        lang_labels = _labels(data, lang)
        paragraphs += [leg_text(leg, lang_labels), _pick(data, leg.note, lang)]
    if leg.straight:
        paragraphs.append(labels["tour_straight_lines"])
    sub_element(placemark, "description", _html([p for p in dict.fromkeys(paragraphs) if p]))
    sub_element(placemark, "styleUrl", "#leg-straight" if leg.straight else "#leg-route")
    extended = sub_element(placemark, "ExtendedData")
    for key, value in (
        ("mode", leg.mode),
        ("distance_m", f"{leg.distance_m:.0f}"),
        ("straight", _yes(leg.straight)),
    ):
        sub_element(sub_element(extended, "Data", name=key), "value", value)
    line = sub_element(placemark, "LineString")
    sub_element(line, "tessellate", "1")
    sub_element(line, "coordinates", _coordinates(leg.coordinates))


def _gx_tour(data: ExportData, folder, route) -> None:
    tour = sub_element(folder, "gx:Tour")
    sub_element(tour, "name", _pick(data, route.title, data.display_language) or route.id)
    playlist = sub_element(tour, "gx:Playlist")
    for stop in route.stops:
        fly = sub_element(playlist, "gx:FlyTo")
        sub_element(fly, "gx:duration", str(FLY_SECONDS))
        sub_element(fly, "gx:flyToMode", "smooth")
        look = sub_element(fly, "LookAt")
        sub_element(look, "longitude", decimal_text(stop.lon, COORDINATE_DECIMALS))
        sub_element(look, "latitude", decimal_text(stop.lat, COORDINATE_DECIMALS))
        sub_element(look, "altitude", "0")
        sub_element(look, "heading", "0")
        sub_element(look, "tilt", str(VIEW_TILT))
        view = max(MIN_VIEW_RANGE_M, 4 * (stop.location_precision_m or 0))
        sub_element(look, "range", f"{view:.0f}")
        sub_element(look, "altitudeMode", "relativeToGround")
        wait = sub_element(playlist, "gx:Wait")
        sub_element(wait, "gx:duration", str(WAIT_SECONDS))


# -- GeoJSON, GeoPackage -----------------------------------------------------------------


def _leg_records(data: ExportData) -> list[dict]:
    """One record per leg: the tour, its order, the stops it joins, mode, distance."""
    rows = []
    for route in data.tours:
        for leg in route.legs:
            row = {
                "id": f"{route.id}@{leg.order}",
                "tour_id": route.id,
                **{f"tour_title_{lang}": route.title.get(lang) for lang in data.languages},
                "order": leg.order,
                "from_site": leg.from_site,
                "to_site": leg.to_site,
                "mode": leg.mode,
                "distance_m": round(leg.distance_m, DISTANCE_DECIMALS),
                "straight": leg.straight,
                **{f"note_{lang}": leg.note.get(lang) for lang in data.languages},
            }
            rows.append((row, leg.coordinates))
    return rows


def geojson_document(data: ExportData) -> dict:
    """``tours.geojson``: an RFC 7946 FeatureCollection, one LineString per leg."""
    features = []
    for row, coordinates in _leg_records(data):
        features.append(
            {
                "type": "Feature",
                "id": row["id"],
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[float(lon), float(lat)] for lon, lat in coordinates],
                },
                "properties": row,
            }
        )
    return {"type": "FeatureCollection", "name": TOURS_LAYER, "features": features}


def legs_frame(data: ExportData):
    """The legs as a GeoDataFrame in the export's CRS (the GeoPackage's ``tours`` layer)."""
    import geopandas as gpd
    import shapely

    from heritage_mapper.export.crs import reproject
    from heritage_mapper.model import WGS84

    records = _leg_records(data)
    rows = [row for row, _ in records]
    geometry = [shapely.LineString(coordinates) for _, coordinates in records]
    frame = gpd.GeoDataFrame(rows, geometry=geometry, crs=WGS84)
    frame["order"] = frame["order"].astype("int32")
    frame["straight"] = frame["straight"].astype(bool)
    return reproject(frame, data.crs)


# -- CSV ---------------------------------------------------------------------------------


def csv_table(data: ExportData) -> tuple[list[str], list[list]]:
    """Header and rows of ``tours.csv``: one row per stop, in tour and stop order.

    Numbers are plain (``visit_minutes``, ``leg_distance_m`` in whole metres), durations
    are text a spreadsheet keeps as it is (``45 min``), the crow-flies flag is
    ``yes``/``no`` (empty on a first stop, which has no leg).
    """
    langs = data.languages
    geographic = data.crs.is_geographic
    x_name, y_name = ("longitude", "latitude") if geographic else ("easting", "northing")
    decimals = 7 if geographic else 3
    header = [
        "tour_id",
        *(f"tour_title_{lang}" for lang in langs),
        "stop",
        "site_id",
        *(f"name_{lang}" for lang in langs),
        "visit_minutes",
        *(f"visit_time_{lang}" for lang in langs),
        "leg_mode",
        "leg_distance_m",
        "as_the_crow_flies",
        *(f"note_{lang}" for lang in langs),
        *(f"leg_note_{lang}" for lang in langs),
        "location_precision_m",
        x_name,
        y_name,
    ]
    rows = []
    for route in data.tours:
        xs, ys = _project([(s.lon, s.lat) for s in route.stops], data.crs)
        for stop, x, y in zip(route.stops, xs, ys, strict=True):
            leg = route.legs[stop.order - 2] if stop.order > 1 else None
            precision = stop.location_precision_m
            rows.append(
                [
                    route.id,
                    *(route.title.get(lang, "") for lang in langs),
                    stop.order,
                    stop.site_id,
                    *(stop.name.get(lang, "") for lang in langs),
                    stop.visit_minutes,
                    *(format_minutes(stop.visit_minutes, _labels(data, lang)) for lang in langs),
                    leg.mode if leg else "",
                    round(leg.distance_m) if leg else "",
                    ("yes" if leg.straight else "no") if leg else "",
                    *(stop.note.get(lang, "") for lang in langs),
                    *((leg.note.get(lang, "") if leg else "") for lang in langs),
                    "" if precision is None else _number(precision),
                    round(x, decimals),  # numbers: never taken for a formula
                    round(y, decimals),
                ]
            )
    return header, rows


def _number(value: float):
    return int(value) if float(value).is_integer() else value


def _project(points, crs) -> tuple[list[float], list[float]]:
    """The stops' positions in the export's CRS, moved as the sites are (``reproject``)."""
    import geopandas as gpd
    import shapely

    from heritage_mapper.export.crs import reproject
    from heritage_mapper.model import WGS84

    frame = gpd.GeoDataFrame(geometry=[shapely.Point(p) for p in points], crs=WGS84)
    moved = reproject(frame, crs).geometry
    return [float(g.x) for g in moved], [float(g.y) for g in moved]
