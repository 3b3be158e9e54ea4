"""KML 2.2 for Google Earth and Google My Maps: one Document, one Folder per layer.

``heritage.kml`` has the sites; ``tours.kml`` (when the project has tours) a Folder per
tour with its stops, its legs and a Google Earth tour (see
:func:`heritage_mapper.export.tours.kml_document`).

Each site is a Placemark with its name, an HTML description (other-language name,
descriptions, location precision and the event timeline), a TimeSpan from the site's
period (Google Earth's time slider uses it; the years it spans follow the map page's
rule, :func:`heritage_mapper.dates.filter_bounds`: an unknown end is the known end's
own year, ``/..`` starts in the data's present year), a per-layer icon colour, ExtendedData
with the site id and properties, and its geometry. The document is built with
:mod:`xml.etree.ElementTree`, so every value is escaped; description HTML is escaped a
second time (see :mod:`heritage_mapper.export.timeline`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from heritage_mapper.dates import filter_bounds
from heritage_mapper.export import tours
from heritage_mapper.export.tables import (
    DATASET_STEM,
    ExportData,
    decimal_text,
    plain,
)
from heritage_mapper.export.timeline import site_html, site_name
from heritage_mapper.export.tours import TOURS_STEM
from heritage_mapper.export.xmlfile import sub_element, write_document
from heritage_mapper.model import localized

__all__ = ["KML_NS", "outputs", "write", "kml_color"]

KML_NS = "http://www.opengis.net/kml/2.2"
EXTENSION = ".kml"
COORDINATE_DECIMALS = 7
EXTENDED_DATA = (  # after "id" and the names; a per-language column once per language
    "layer",
    "category",
    "period",
    "location_precision_m",
    "admin_then",
    "admin_now",
    "source_refs",
)
#: The per-language columns of :data:`EXTENDED_DATA` (``admin_then`` → ``admin_then_vi``, …).
EXTENDED_PER_LANGUAGE = ("admin_then", "admin_now")


def kml_color(hex_color: str, alpha: str = "ff") -> str:
    """``#rrggbb`` as KML's ``aabbggrr``.

    Examples
    --------
    >>> kml_color("#c62828")
    'ff2828c6'
    """
    value = hex_color.lstrip("#").lower()
    if len(value) != 6:
        return alpha + "ffffff"
    return alpha + value[4:6] + value[2:4] + value[0:2]


def _coordinates(coords) -> str:
    return " ".join(",".join(decimal_text(v, COORDINATE_DECIMALS) for v in xy[:2]) for xy in coords)


def _geometry(parent, geom) -> None:
    kind = geom.geom_type
    if kind == "Point":
        sub_element(sub_element(parent, "Point"), "coordinates", _coordinates(geom.coords))
    elif kind == "LineString":
        sub_element(sub_element(parent, "LineString"), "coordinates", _coordinates(geom.coords))
    elif kind == "Polygon":
        polygon = sub_element(parent, "Polygon")
        outer = sub_element(sub_element(polygon, "outerBoundaryIs"), "LinearRing")
        sub_element(outer, "coordinates", _coordinates(geom.exterior.coords))
        for ring in geom.interiors:
            inner = sub_element(sub_element(polygon, "innerBoundaryIs"), "LinearRing")
            sub_element(inner, "coordinates", _coordinates(ring.coords))
    else:  # Multi* and GeometryCollection
        multi = sub_element(parent, "MultiGeometry")
        for part in geom.geoms:
            _geometry(multi, part)


def _placemark(folder, data: ExportData, row: dict, style_id: str, present) -> None:
    placemark = sub_element(folder, "Placemark")
    sub_element(placemark, "name", site_name(data, row))
    sub_element(placemark, "description", site_html(data, row))
    period = plain(row.get("period"))
    begin, end = filter_bounds(period, present) if period else (None, None)
    if begin or end:
        span = sub_element(placemark, "TimeSpan")
        if begin:
            sub_element(span, "begin", begin.isoformat())
        if end:
            sub_element(span, "end", end.isoformat())
    sub_element(placemark, "styleUrl", f"#{style_id}")
    extended = sub_element(placemark, "ExtendedData")
    names = [localized("name", lang) for lang in data.languages]
    keys = [
        column
        for key in EXTENDED_DATA
        for column in (
            [localized(key, lang) for lang in data.languages]
            if key in EXTENDED_PER_LANGUAGE
            else [key]
        )
    ]
    for key in ("id", *names, *keys):
        value = plain(row.get(key))
        if value is None:
            continue
        if isinstance(value, list):
            value = "; ".join(str(v) for v in value)
        sub_element(sub_element(extended, "Data", name=key), "value", str(value))
    geometry = row.get("geometry")
    if geometry is not None and not geometry.is_empty:
        _geometry(placemark, geometry)


def document(data: ExportData) -> ET.ElementTree:
    """The KML document as an ElementTree."""
    root = ET.Element("kml", xmlns=KML_NS)  # children inherit the default namespace
    doc = sub_element(root, "Document")
    sub_element(doc, "name", data.text(data.project.title))
    description = data.text(data.project.description) if data.project.description else ""
    if description:
        sub_element(doc, "description", description)
    for layer_id in data.layers:
        style = sub_element(doc, "Style", id=f"layer-{layer_id}")
        icon = sub_element(style, "IconStyle")
        sub_element(icon, "color", kml_color(data.layer_spec(layer_id).color))
    present = data.present_year()
    for layer_id, frame in data.layers.items():
        folder = sub_element(doc, "Folder")
        title = data.layer_spec(layer_id).title
        sub_element(folder, "name", data.text(title))
        others = [data.text(title, lang) for lang in data.languages[1:]]
        if any(others):
            sub_element(folder, "description", " / ".join(o for o in others if o))
        for row in frame.to_dict("records"):
            _placemark(folder, data, row, f"layer-{layer_id}", present)
    ET.indent(root, space="  ")
    return ET.ElementTree(root)


def outputs(data: ExportData) -> list[str]:
    tour_files = [data.file_name(TOURS_STEM, EXTENSION)] if data.tours else []
    return [data.file_name(DATASET_STEM, EXTENSION), *tour_files]


def write(data: ExportData, paths: dict) -> None:
    names = outputs(data)
    write_document(document(data), paths[names[0]])
    if data.tours:
        write_document(tours.kml_document(data, KML_NS), paths[names[1]])
