"""GPX 1.1 for GPS units and hiking apps: one waypoint per site, and the tours.

``heritage.gpx`` has the sites; ``tours.gpx`` (when the project has tours) one
``<rte>`` per tour with a ``<rtept>`` at each stop (see
:func:`heritage_mapper.export.tours.gpx_document`).

Each ``<wpt>`` has the name in the default language, a plain-text ``<desc>`` (other
names, descriptions, precision, timeline), ``<type>`` = the layer title, and the site
id in ``<extensions>``. A site that is not a point is placed at a point inside it
(shapely's ``point_on_surface``). The sites file is written as text, a chunk of sites at
a time (:class:`heritage_mapper.export.xmlfile.XmlStream`), every value escaped as
ElementTree escapes it; the small tours file is an ElementTree.
"""

from __future__ import annotations

from heritage_mapper.export import tours
from heritage_mapper.export.tables import DATASET_STEM, ExportData, decimal_text, plain_column
from heritage_mapper.export.timeline import site_names, site_texts
from heritage_mapper.export.tours import TOURS_STEM
from heritage_mapper.export.xmlfile import (
    XmlStream,
    escape_attribute,
    escape_text,
    indentation,
    leaf,
    write_document,
)
from heritage_mapper.progress import count_rows

__all__ = ["GPX_NS", "GPX_EXTENSIONS_NS", "outputs", "write", "write_sites"]

GPX_NS = "http://www.topografix.com/GPX/1/1"
GPX_SCHEMA = "http://www.topografix.com/GPX/1/1/gpx.xsd"
GPX_EXTENSIONS_NS = "https://heritage-mapper.example/gpx/1"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
EXT_PREFIX = "hm"
EXTENSION = ".gpx"
COORDINATE_DECIMALS = 7
#: Sites made into waypoints at a time (column by column) before they are written.
CHUNK_ROWS = 2000


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


def _points(frame) -> tuple[list[bool], list[float], list[float]]:
    """Where each row of ``frame`` is placed: (has a geometry, lat, lon). A point is
    itself; any other geometry its ``point_on_surface``; all computed as arrays."""
    import numpy as np
    import shapely

    if "geometry" not in frame.columns:
        return [False] * len(frame), [], []
    geoms = frame["geometry"].to_numpy(dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    points = geoms.copy()
    other = present & (shapely.get_type_id(geoms) != 0)
    points[other] = shapely.point_on_surface(geoms[other])
    ys = np.where(present, shapely.get_y(points), 0.0).tolist()
    xs = np.where(present, shapely.get_x(points), 0.0).tolist()
    return present.tolist(), ys, xs


def _waypoints(data: ExportData, frame, layer_id: str, layer_title: str) -> list[str]:
    """The ``<wpt>`` of each row of ``frame`` that has a geometry, one level deep, made
    column by column (names, descriptions, ids), a row's text joined once."""
    present, ys, xs = _points(frame)
    names = site_names(data, frame)
    descriptions = site_texts(data, frame)
    ids = [str(value) for value in plain_column(frame["id"])]  # as str(row["id"]) was
    kind = leaf("type", escape_text(layer_title), 2)
    extensions = f"{indentation(2)}<extensions>"
    tail = (
        leaf(f"{EXT_PREFIX}:layer", escape_text(layer_id), 3)
        + f"{indentation(2)}</extensions>{indentation(1)}</wpt>"
    )
    head = f'{indentation(1)}<wpt lat="'
    waypoints = []
    rows = zip(present, names, descriptions, ids, strict=True)
    for index, (placed, name, description, site_id) in enumerate(rows):
        if not placed:
            continue
        # coordinates are digits, signs and points: nothing to escape
        lat = decimal_text(ys[index], COORDINATE_DECIMALS)
        lon = decimal_text(xs[index], COORDINATE_DECIMALS)
        waypoints.append(
            f'{head}{lat}" lon="{lon}">'
            + leaf("name", escape_text(name), 2)
            + leaf("desc", escape_text(description), 2)
            + kind
            + extensions
            + leaf(f"{EXT_PREFIX}:id", escape_text(site_id), 3)
            + tail
        )
    return waypoints


def write_sites(data: ExportData, path) -> None:
    """Write ``heritage.gpx``: metadata, then a waypoint per site, written to ``path``
    :data:`CHUNK_ROWS` sites at a time, so memory stays bounded at any number of sites."""
    with XmlStream(path) as out:
        attributes = "".join(
            f' {key}="{escape_attribute(value)}"' for key, value in root_attributes().items()
        )
        out.write(f"<gpx{attributes}>{indentation(1)}<metadata>")
        out.write(
            leaf("name", escape_text(data.text(data.project.title, data.display_language)), 2)
        )
        if data.project.description:
            out.write(
                leaf(
                    "desc",
                    escape_text(data.text(data.project.description, data.display_language)),
                    2,
                )
            )
        out.write(f"{indentation(1)}</metadata>")
        for layer_id, frame in data.layers.items():
            layer_title = data.text(data.layer_spec(layer_id).title, data.display_language)
            for start in range(0, len(frame), CHUNK_ROWS):
                chunk = frame.iloc[start : start + CHUNK_ROWS]
                for waypoint in _waypoints(data, chunk, layer_id, layer_title):
                    out.write(waypoint)
                count_rows(len(chunk))  # a progress display's features written
        out.write(f"{indentation(0)}</gpx>")


def outputs(data: ExportData) -> list[str]:
    tours = [data.file_name(TOURS_STEM, EXTENSION)] if data.tours else []
    return [data.file_name(DATASET_STEM, EXTENSION), *tours]


def write(data: ExportData, paths: dict) -> None:
    names = outputs(data)
    write_sites(data, paths[names[0]])
    if data.tours:
        tour_doc = tours.gpx_document(data, root_attributes(), EXT_PREFIX)
        write_document(tour_doc, paths[names[1]])
