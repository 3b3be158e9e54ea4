"""KML 2.2 for Google Earth and Google My Maps: one Document, one Folder per layer.

``heritage.kml`` has the sites; ``tours.kml`` (when the project has tours) a Folder per
tour with its stops, its legs and a Google Earth tour (see
:func:`heritage_mapper.export.tours.kml_document`).

Each site is a Placemark with its name, an HTML description (other-language name,
descriptions, location precision and the event timeline), a TimeSpan from the site's
period (Google Earth's time slider uses it; the years it spans follow the map page's
rule, :func:`heritage_mapper.dates.filter_bounds`: an unknown end is the known end's
own year, ``/..`` starts in the data's present year), a per-layer icon colour, ExtendedData
with the site id and properties, and its geometry. The sites file is written as text, a
chunk of sites at a time (:class:`heritage_mapper.export.xmlfile.XmlStream`), every value
escaped as ElementTree escapes it; description HTML is escaped a second time (see
:mod:`heritage_mapper.export.timeline`). The small tours file is an ElementTree.
"""

from __future__ import annotations

from heritage_mapper.dates import filter_bounds
from heritage_mapper.export import tours
from heritage_mapper.export.tables import (
    DATASET_STEM,
    ExportData,
    decimal_text,
    plain_column,
)
from heritage_mapper.export.timeline import description_rows, site_html, site_names
from heritage_mapper.export.tours import TOURS_STEM
from heritage_mapper.export.xmlfile import (
    XmlStream,
    escape_attribute,
    escape_text,
    indentation,
    leaf,
    write_document,
)
from heritage_mapper.model import localized
from heritage_mapper.progress import count_rows

__all__ = ["KML_NS", "outputs", "write", "write_sites", "kml_color"]

KML_NS = "http://www.opengis.net/kml/2.2"
EXTENSION = ".kml"
COORDINATE_DECIMALS = 7
#: Sites made into Placemarks at a time (column by column) before they are written.
CHUNK_ROWS = 2000
PLACEMARK_LEVEL = 3  # kml > Document > Folder > Placemark
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


def _geometry(geom, level: int) -> str:
    """``geom`` as KML ``level`` deep, with its indentation (coordinates need no escaping:
    they are digits, signs, points, commas and spaces)."""
    kind = geom.geom_type
    if kind in ("Point", "LineString"):
        coordinates = leaf("coordinates", _coordinates(geom.coords), level + 1)
        return f"{indentation(level)}<{kind}>{coordinates}{indentation(level)}</{kind}>"
    if kind == "Polygon":
        rings = [("outerBoundaryIs", geom.exterior)]
        rings += [("innerBoundaryIs", ring) for ring in geom.interiors]
        parts = [
            f"{indentation(level + 1)}<{boundary}>{indentation(level + 2)}<LinearRing>"
            + leaf("coordinates", _coordinates(ring.coords), level + 3)
            + f"{indentation(level + 2)}</LinearRing>{indentation(level + 1)}</{boundary}>"
            for boundary, ring in rings
        ]
        return f"{indentation(level)}<Polygon>{''.join(parts)}{indentation(level)}</Polygon>"
    # Multi* and GeometryCollection
    parts = "".join(_geometry(part, level + 1) for part in geom.geoms)
    if not parts:
        return f"{indentation(level)}<MultiGeometry />"
    return f"{indentation(level)}<MultiGeometry>{parts}{indentation(level)}</MultiGeometry>"


def _geometries(frame, level: int) -> list[str]:
    """Each row's geometry as KML (``""`` when it has none). Points, nearly all sites,
    are formatted from coordinate arrays rather than one shapely object at a time."""
    import shapely

    if "geometry" not in frame.columns:
        return [""] * len(frame)
    geoms = frame["geometry"].to_numpy(dtype=object)
    missing = shapely.is_missing(geoms)
    empty = missing | shapely.is_empty(geoms)
    point = (shapely.get_type_id(geoms) == 0) & ~empty
    xs = shapely.get_x(geoms[point]).tolist()
    ys = shapely.get_y(geoms[point]).tolist()
    point_open = f"{indentation(level)}<Point>{indentation(level + 1)}<coordinates>"
    point_close = f"</coordinates>{indentation(level)}</Point>"
    points = iter(
        f"{point_open}{decimal_text(x, COORDINATE_DECIMALS)},"
        f"{decimal_text(y, COORDINATE_DECIMALS)}{point_close}"
        for x, y in zip(xs, ys, strict=True)
    )
    return [
        next(points) if is_point else ("" if is_empty else _geometry(geom, level))
        for geom, is_point, is_empty in zip(geoms, point.tolist(), empty.tolist(), strict=True)
    ]


def _extended_keys(data: ExportData) -> list[str]:
    """The ExtendedData columns: id, the names, then :data:`EXTENDED_DATA`."""
    names = [localized("name", lang) for lang in data.display_languages]
    keys = [
        column
        for key in EXTENDED_DATA
        for column in (
            [localized(key, lang) for lang in data.display_languages]
            if key in EXTENDED_PER_LANGUAGE
            else [key]
        )
    ]
    return ["id", *names, *keys]


def _extended_column(frame, key: str, level: int) -> list[str]:
    """One ExtendedData ``<Data>`` per row of ``frame`` for column ``key`` (``""`` where
    the value is missing), escaped and indented ``level`` deep."""
    if key not in frame.columns:
        return [""] * len(frame)
    head = f'{indentation(level)}<Data name="{escape_attribute(key)}">{indentation(level + 1)}'
    tail = indentation(level) + "</Data>"
    empty = f"{head}<value />{tail}"  # leaf("value", "", ...) inlined: once per value
    items = []
    for value in plain_column(frame[key]):
        if value is None:
            items.append("")
            continue
        text = "; ".join(str(v) for v in value) if isinstance(value, list) else str(value)
        escaped = escape_text(text)
        items.append(f"{head}<value>{escaped}</value>{tail}" if escaped else empty)
    return items


def _time_span(period, present, level: int) -> str:
    """The TimeSpan of a site's period (``""`` when it has no bounds)."""
    begin, end = filter_bounds(period, present) if period else (None, None)
    if not (begin or end):
        return ""
    parts = [indentation(level), "<TimeSpan>"]
    if begin:
        parts.append(leaf("begin", begin.isoformat(), level + 1))
    if end:
        parts.append(leaf("end", end.isoformat(), level + 1))
    parts += [indentation(level), "</TimeSpan>"]
    return "".join(parts)


def _placemarks(data: ExportData, frame, style_id: str, present, spans: dict) -> list[str]:
    """The Placemarks of ``frame``'s rows, three levels deep (kml, Document, Folder),
    each made of column-wise pieces. ``spans`` memoises TimeSpans by period."""
    level = PLACEMARK_LEVEL
    names = [leaf("name", escape_text(name), level + 1) for name in site_names(data, frame)]
    descriptions = [
        leaf("description", escape_text(site_html(data, row)), level + 1)
        for row in description_rows(data, frame)
    ]
    periods = plain_column(frame["period"]) if "period" in frame.columns else [None] * len(frame)
    times = []
    for period in periods:
        if period not in spans:
            spans[period] = _time_span(period, present, level + 1)
        times.append(spans[period])
    style = leaf("styleUrl", escape_text(f"#{style_id}"), level + 1)
    extended = [_extended_column(frame, key, level + 2) for key in _extended_keys(data)]
    geometries = _geometries(frame, level + 1)
    placemarks = []
    for index, name in enumerate(names):
        items = "".join(column[index] for column in extended)
        if items:
            items = f"{indentation(level + 1)}<ExtendedData>{items}"
            items += f"{indentation(level + 1)}</ExtendedData>"
        else:
            items = f"{indentation(level + 1)}<ExtendedData />"
        placemarks.append(
            f"{indentation(level)}<Placemark>{name}{descriptions[index]}{times[index]}{style}"
            f"{items}{geometries[index]}{indentation(level)}</Placemark>"
        )
    return placemarks


def write_sites(data: ExportData, path) -> None:
    """Write ``heritage.kml``: a Folder per layer, the Placemarks written to ``path``
    :data:`CHUNK_ROWS` sites at a time, so memory stays bounded at any number of sites."""
    with XmlStream(path) as out:
        out.write(f'<kml xmlns="{escape_attribute(KML_NS)}">{indentation(1)}<Document>')
        out.write(
            leaf("name", escape_text(data.text(data.project.title, data.display_language)), 2)
        )
        description = (
            data.text(data.project.description, data.display_language)
            if data.project.description
            else ""
        )
        if description:
            out.write(leaf("description", escape_text(description), 2))
        for layer_id in data.layers:
            color = leaf("color", escape_text(kml_color(data.layer_spec(layer_id).color)), 4)
            out.write(
                f'{indentation(2)}<Style id="{escape_attribute(f"layer-{layer_id}")}">'
                f"{indentation(3)}<IconStyle>{color}{indentation(3)}</IconStyle>"
                f"{indentation(2)}</Style>"
            )
        present = data.present_year()
        spans: dict = {}
        for layer_id, frame in data.layers.items():
            out.write(indentation(2) + "<Folder>")
            title = data.layer_spec(layer_id).title
            out.write(leaf("name", escape_text(data.text(title, data.display_language)), 3))
            others = [data.text(title, lang) for lang in data.display_languages[1:]]
            if any(others):
                text = " / ".join(o for o in others if o)
                out.write(leaf("description", escape_text(text), 3))
            for start in range(0, len(frame), CHUNK_ROWS):
                chunk = frame.iloc[start : start + CHUNK_ROWS]
                for placemark in _placemarks(data, chunk, f"layer-{layer_id}", present, spans):
                    out.write(placemark)
                count_rows(len(chunk))  # a progress display's features written
            out.write(indentation(2) + "</Folder>")
        out.write(f"{indentation(1)}</Document>{indentation(0)}</kml>")


def outputs(data: ExportData) -> list[str]:
    tour_files = [data.file_name(TOURS_STEM, EXTENSION)] if data.tours else []
    return [data.file_name(DATASET_STEM, EXTENSION), *tour_files]


def write(data: ExportData, paths: dict) -> None:
    names = outputs(data)
    write_sites(data, paths[names[0]])
    if data.tours:
        write_document(tours.kml_document(data, KML_NS), paths[names[1]])
