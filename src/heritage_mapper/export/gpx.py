"""GPX 1.1 for GPS units and hiking apps: one waypoint per site, and the tours.

``heritage.gpx`` has the sites; ``tours.gpx`` (when the project has tours) one
``<rte>`` per tour with a ``<rtept>`` at each stop (see
:func:`heritage_mapper.export.tours.gpx_document`).

Each ``<wpt>`` has the name in the default language, a plain-text ``<desc>`` (other
names, descriptions, precision, timeline), ``<type>`` = the layer title, and the site
id in ``<extensions>``. A site that is not a point is placed at a point inside it
(shapely's ``point_on_surface``). Written with ElementTree, so every value is escaped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from heritage_mapper.export import tours
from heritage_mapper.export.tables import DATASET_STEM, ExportData, decimal_text
from heritage_mapper.export.timeline import site_name, site_text
from heritage_mapper.export.tours import TOURS_STEM
from heritage_mapper.export.xmlfile import sub_element, write_document

__all__ = ["GPX_NS", "GPX_EXTENSIONS_NS", "outputs", "write"]

GPX_NS = "http://www.topografix.com/GPX/1/1"
GPX_SCHEMA = "http://www.topografix.com/GPX/1/1/gpx.xsd"
GPX_EXTENSIONS_NS = "https://heritage-mapper.example/gpx/1"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
EXT_PREFIX = "hm"
EXTENSION = ".gpx"
COORDINATE_DECIMALS = 7


def root_attributes() -> dict[str, str]:
    """The ``<gpx>`` element's attributes. Namespaces are declared by hand (no
    ElementTree registry): GPX is the default, "hm" holds ids in ``<extensions>``."""
    return {
        "xmlns": GPX_NS,
        f"xmlns:{EXT_PREFIX}": GPX_EXTENSIONS_NS,
        "xmlns:xsi": XSI_NS,
        "version": "1.1",
        "creator": "heritage-mapper",
        "xsi:schemaLocation": f"{GPX_NS} {GPX_SCHEMA}",
    }


def document(data: ExportData) -> ET.ElementTree:
    """The GPX document of the sites as an ElementTree."""
    root = ET.Element("gpx", root_attributes())
    metadata = sub_element(root, "metadata")
    sub_element(metadata, "name", data.text(data.project.title))
    if data.project.description:
        sub_element(metadata, "desc", data.text(data.project.description))
    for layer_id, frame in data.layers.items():
        layer_title = data.text(data.layer_spec(layer_id).title)
        for row in frame.to_dict("records"):
            geometry = row.get("geometry")
            if geometry is None or geometry.is_empty:
                continue
            point = geometry if geometry.geom_type == "Point" else geometry.point_on_surface()
            wpt = sub_element(
                root,
                "wpt",
                lat=decimal_text(point.y, COORDINATE_DECIMALS),
                lon=decimal_text(point.x, COORDINATE_DECIMALS),
            )
            sub_element(wpt, "name", site_name(data, row))
            sub_element(wpt, "desc", site_text(data, row))
            sub_element(wpt, "type", layer_title)
            extensions = sub_element(wpt, "extensions")
            sub_element(extensions, f"{EXT_PREFIX}:id", str(row["id"]))
            sub_element(extensions, f"{EXT_PREFIX}:layer", layer_id)
    ET.indent(root, space="  ")
    return ET.ElementTree(root)


def outputs(data: ExportData) -> list[str]:
    tours = [data.file_name(TOURS_STEM, EXTENSION)] if data.tours else []
    return [data.file_name(DATASET_STEM, EXTENSION), *tours]


def write(data: ExportData, paths: dict) -> None:
    names = outputs(data)
    write_document(document(data), paths[names[0]])
    if data.tours:
        tour_doc = tours.gpx_document(data, root_attributes(), EXT_PREFIX)
        write_document(tour_doc, paths[names[1]])
