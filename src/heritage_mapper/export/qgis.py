"""QGIS project: ``heritage.qgz`` beside the GeoPackage it opens, styled like the map pages.

A GIS user opens one file and sees the map: the project references ``heritage.gpkg``
(the same CRS tag, ``heritage.epsg5899.qgz`` → ``heritage.epsg5899.gpkg``) by a
relative path, so the two files move together. It holds:

- the site layers, in ``project.json``'s order (the first at the bottom, as the pages
  draw them) in a group, each drawn as on the page: a categorized renderer on
  ``category`` with the categories' labels, each category the page's symbol
  (:mod:`heritage_mapper.symbols`: its shape and Okabe-Ito colour, a dark outline in a
  white halo) embedded as an SVG marker; labelled with ``name_<lang>`` in the chosen
  language;
- ``events-at-sites`` on top, temporal: "Separate fields for start and end date/time",
  start ``date_start``, end ``date_end_excl`` (the exclusive end, see
  :mod:`heritage_mapper.export.gpkg`), QGIS's default "Include start, exclude end";
  the project's time range runs from the first start to the last end, a year a step;
- the events table (no geometry) beneath it, and two kinds of relations so that
  nothing is lost by keeping the texts out of events-at-sites: a point's ``event_id``
  is a relation reference to its event (its form shows the event's titles, summaries
  and source), and each site's form lists its events-at-sites points
  (``site_id`` → the site layer's ``id``); every layer's display name is its title
  or name in the chosen language;
- the basemap layers of ``project.json`` in a group beneath (land, province areas and
  boundaries, places), styled like the page's basemap, each with its attribution and
  licence as layer attribution and metadata rights;
- the project's CRS (the export's), title, description, language, the sources and
  attributions as metadata rights, the sea colour as background and the region as the
  default view.

QGIS is not a dependency: the ``.qgs`` XML is written with ElementTree (every data
string is escaped by it; characters XML 1.0 cannot hold become U+FFFD) and zipped with
a fixed entry date, so the same data gives the same bytes. Written for QGIS 3.22
(Debian 12) and later; ``tests/test_qgis_project.py`` opens it in real QGIS.
"""

from __future__ import annotations

import base64
import io
import zipfile
from xml.etree import ElementTree as ET

from heritage_mapper.export.gpkg import (
    EVENTS_AT_SITES_DESCRIPTION,
    EVENTS_DESCRIPTION,
    basemap_layer_name,
)
from heritage_mapper.export.gpkg import EXTENSION as GPKG_EXTENSION
from heritage_mapper.export.tables import (
    DATASET_STEM,
    END_EXCLUSIVE,
    EVENTS_AT_SITES_STEM,
    EVENTS_STEM,
    ExportData,
    xml_text,
)
from heritage_mapper.symbols import FALLBACK_COLOR, HALO_COLOR, category_symbol, symbol_svg

__all__ = [
    "EXTENSION",
    "QGIS_VERSION",
    "project_xml",
    "outputs",
    "write",
]

EXTENSION = ".qgz"
#: The version the project says it was written by: QGIS 3.22 reads it as its own, and
#: later versions upgrade it as they do any older project.
QGIS_VERSION = "3.22.0-Białowieża"
MARKER_SIZE_MM = 5.0
EVENT_SIZE_MM = 7.0
SEA = "#d4e2e8"  # app.css --hm-sea: the page's background under the land
LAND_FILL, LAND_STROKE = "#f3efe4", "#a9bcc4"  # basemap.js BASEMAP_STYLE.land
#: basemap.js BASEMAP_STYLE: boundary kind → (colour, width mm, dash pattern mm, drawn);
#: the boundaries before 1/7/2025 are off at first, as on the page.
BOUNDARY_STYLE = {
    "national": ("#6f5f73", 0.7, "2.6;1;0.5;1", True),
    "province": ("#8c949a", 0.3, "1.3;0.8", True),
    "former-province": ("#b0806a", 0.32, "0.5;1", False),
}
#: Group names, in the catalogue's languages (the chosen one, then the fallback rule).
GROUP_TITLES = {
    "events": {"vi": "Sự kiện tại di tích", "en": "Events at sites", "fr": "Événements"},
    "sites": {"vi": "Di tích", "en": "Sites", "fr": "Sites"},
    "basemap": {"vi": "Bản đồ nền", "en": "Basemap", "fr": "Fond de carte"},
}
#: The events table's layer name (no geometry: it is read through the relations).
EVENTS_TABLE_TITLE = {"vi": "Sự kiện (bảng)", "en": "Events (table)", "fr": "Événements (table)"}
#: The relation from an event-at-site point to its row of the events table.
EVENT_RELATION = "event-of-pair"
#: The relation from a site to its events-at-sites points, one per site layer.
SITE_RELATION_PREFIX = "events-at-"  # + the site layer's table: events-at-sites-<layer>
NO_GEOMETRY = "No geometry"
EVENTS_TABLE_ID = "events-table"  # its layer id (a site layer's is its table, sites-<id>)
YEAR_STEP = ("1", "y")  # the Temporal Controller's step: a year
LAST_YEAR = 9999  # the last year a date holds (EDTF years stop there too)


def outputs(data: ExportData) -> list[str]:
    return [data.file_name(DATASET_STEM, EXTENSION)]


def gpkg_name(data: ExportData) -> str:
    """The GeoPackage the project opens (written by the gpkg format, in the same folder)."""
    return data.file_name(DATASET_STEM, GPKG_EXTENSION)


def write(data: ExportData, paths: dict) -> None:
    name = outputs(data)[0]
    document = project_xml(data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        entry = name.removesuffix(EXTENSION) + ".qgs"
        info = zipfile.ZipInfo(entry, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        archive.writestr(info, document)
    paths[name].write_bytes(buffer.getvalue())


# --- small XML helpers ------------------------------------------------------------------


def _el(parent, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: xml_text(str(v)) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_text(str(text))
    return element


def _rgba(color: str, alpha: int = 255) -> str:
    color = color if _is_hex(color) else FALLBACK_COLOR
    return f"{int(color[1:3], 16)},{int(color[3:5], 16)},{int(color[5:7], 16)},{alpha}"


def _is_hex(color) -> bool:
    return (
        isinstance(color, str)
        and len(color) == 7
        and color[0] == "#"
        and all(c in "0123456789abcdefABCDEF" for c in color[1:])
    )


def _options(parent, values: dict) -> ET.Element:
    element = _el(parent, "Option", type="Map")
    for key, value in values.items():
        if isinstance(value, bool):
            _el(element, "Option", name=key, type="bool", value="true" if value else "false")
        else:
            _el(element, "Option", name=key, type="QString", value=value)
    return element


def _symbol(parent, kind: str, name: str, layers: list[tuple[str, dict]]) -> ET.Element:
    symbol = _el(
        parent, "symbol", type=kind, name=name, alpha="1", clip_to_extent="1", force_rhr="0"
    )
    for class_name, values in layers:
        attrs = {"class": class_name, "enabled": "1", "pass": "0", "locked": "0"}
        layer = _el(symbol, "layer", **attrs)
        _options(layer, values)
    return symbol


def _marker(shape: str, fill: str, stroke: str, size: float, stroke_width: float) -> tuple:
    return (
        "SimpleMarker",
        {
            "name": shape,
            "color": fill,
            "outline_color": stroke,
            "outline_style": "solid",
            "outline_width": f"{stroke_width:g}",
            "outline_width_unit": "MM",
            "size": f"{size:g}",
            "size_unit": "MM",
            "scale_method": "diameter",
            "joinstyle": "round",
            "angle": "0",
            "offset": "0,0",
            "offset_unit": "MM",
            "horizontal_anchor_point": "1",
            "vertical_anchor_point": "1",
        },
    )


def _svg_marker(index: int, size: float) -> tuple:
    """The page's symbol of category ``index``, embedded (QGIS 3.6+ reads ``base64:``)."""
    _, color = category_symbol(index)
    svg = base64.b64encode(symbol_svg(index).encode("ascii")).decode("ascii")
    return (
        "SvgMarker",
        {
            "name": f"base64:{svg}",
            "color": _rgba(color),
            "outline_color": _rgba(HALO_COLOR),
            "outline_width": "0",
            "outline_width_unit": "MM",
            "size": f"{size:g}",
            "size_unit": "MM",
            "scale_method": "diameter",
            "fixedAspectRatio": "0",
            "angle": "0",
            "offset": "0,0",
            "offset_unit": "MM",
            "horizontal_anchor_point": "1",
            "vertical_anchor_point": "1",
        },
    )


def _line(color: str, width: float, dash: str | None) -> tuple:
    return (
        "SimpleLine",
        {
            "line_color": color,
            "line_width": f"{width:g}",
            "line_width_unit": "MM",
            "line_style": "solid",
            "use_custom_dash": "1" if dash else "0",
            "customdash": dash or "5;2",
            "customdash_unit": "MM",
            "capstyle": "flat",
            "joinstyle": "round",
            "offset": "0",
        },
    )


def _fill(color: str, stroke: str | None, stroke_width: float = 0.2) -> tuple:
    return (
        "SimpleFill",
        {
            "color": color,
            "style": "solid" if color else "no",
            "outline_color": stroke or "0,0,0,0",
            "outline_style": "solid" if stroke else "no",
            "outline_width": f"{stroke_width:g}",
            "outline_width_unit": "MM",
            "joinstyle": "round",
            "offset": "0,0",
        },
    )


def _categorized(parent, field: str, categories: list[tuple[str, str, bool, str, list]]):
    """``categories``: (value, label, drawn, symbol kind, symbol layers)."""
    renderer = _el(
        parent,
        "renderer-v2",
        type="categorizedSymbol",
        attr=field,
        forceraster="0",
        symbollevels="0",
        enableorderby="0",
        referencescale="-1",
    )
    listing = _el(renderer, "categories")
    symbols = _el(renderer, "symbols")
    for index, (value, label, drawn, kind, layers) in enumerate(categories):
        _el(
            listing,
            "category",
            value=value,
            label=label,
            symbol=str(index),
            render="true" if drawn else "false",
        )
        _symbol(symbols, kind, str(index), layers)
    return renderer


def _single(parent, kind: str, layers: list) -> ET.Element:
    renderer = _el(
        parent,
        "renderer-v2",
        type="singleSymbol",
        forceraster="0",
        symbollevels="0",
        enableorderby="0",
        referencescale="-1",
    )
    _symbol(_el(renderer, "symbols"), kind, "0", layers)
    return renderer


def _labels(
    parent, field: str, size: float, color: str, placement: str, dist: float = 0, priority=5
):
    labeling = _el(parent, "labeling", type="simple")
    settings = _el(labeling, "settings", calloutType="simple")
    style = _el(
        settings,
        "text-style",
        fieldName=field,
        isExpression="0",
        fontFamily="Noto Sans",
        fontSize=f"{size:g}",
        fontSizeUnit="Point",
        textColor=_rgba(color),
        textOpacity="1",
        fontWeight="50",
        namedStyle="Regular",
        multilineHeight="1",
        allowHtml="0",
    )
    _el(
        style,
        "text-buffer",
        bufferDraw="1",
        bufferSize="0.8",
        bufferSizeUnits="MM",
        bufferColor="255,255,255,255",
        bufferOpacity="0.9",
        bufferNoFill="1",
        bufferJoinStyle="128",
    )
    _el(settings, "text-format", wrapChar="", autoWrapLength="0", multilineAlign="3")
    _el(
        settings,
        "placement",
        placement=placement,
        dist=f"{dist:g}",
        distUnits="MM",
        offsetType="1",
        predefinedPositionOrder="TR,TL,BR,BL,R,L,TSR,BSR",
        priority=str(priority),
        placementFlags="10",
        centroidWhole="0",
        centroidInside="1",
    )
    _el(
        settings,
        "rendering",
        drawLabels="1",
        obstacle="1",
        obstacleFactor="1",
        obstacleType="1",
        displayAll="0",
        upsidedownLabels="0",
        scaleVisibility="0",
        fontLimitPixelSize="0",
        labelPerPart="0",
        zIndex="0",
    )
    return labeling


def _crs(parent, crs) -> ET.Element:
    from pyproj.enums import WktVersion

    srs = _el(parent, "spatialrefsys", nativeFormat="Wkt")
    _el(srs, "wkt", crs.to_wkt(WktVersion.WKT2_2019))
    authority = crs.to_authority()
    if authority:
        _el(srs, "authid", f"{authority[0]}:{authority[1]}")
        if authority[0] == "EPSG":
            _el(srs, "srid", authority[1])
    _el(srs, "description", crs.name)
    _el(srs, "geographicflag", "true" if crs.is_geographic else "false")
    return srs


def _metadata(parent, title: str, abstract: str, rights: list[str], lang: str, kind: str):
    meta = _el(parent, "resourceMetadata")
    _el(meta, "identifier", "")
    _el(meta, "parentidentifier", "")
    _el(meta, "language", lang)
    _el(meta, "type", kind)
    _el(meta, "title", title)
    _el(meta, "abstract", abstract)
    for text in rights:
        _el(meta, "rights", text)
    _el(meta, "links")
    return meta


# --- the project ------------------------------------------------------------------------


class _Layer:
    """One map layer: its id, GeoPackage layer, geometry kind and how to write its style."""

    def __init__(
        self,
        layer_id,
        table,
        name,
        geometry,
        style,
        *,
        abstract="",
        rights=(),
        attr=None,
        display="",
        widgets=None,
    ):
        self.id, self.table, self.name, self.geometry = layer_id, table, name, geometry
        self.style, self.abstract, self.rights, self.attribution = style, abstract, rights, attr
        #: the expression QGIS names a feature by (forms, relation widgets, identify)
        self.display = display
        #: field name → (editor widget type, its options) for the attribute form
        self.widgets = widgets or {}


def project_xml(data: ExportData) -> bytes:
    """The ``.qgs`` document (UTF-8 bytes) of the export ``data`` in its language."""
    lang = _language(data)
    project = data.project
    title = data.text(project.title, lang)
    source = "./" + gpkg_name(data)

    events = _events_layer(data, lang)
    events_table = _events_table_layer(data, lang)
    sites = [_site_layer(data, layer_id, lang) for layer_id in reversed(list(data.layers))]
    basemap = [
        _basemap_layer(data, spec, lang)
        for spec in reversed(project.basemap)
        if spec.id in data.basemap
    ]
    groups = [
        ("events", [events, events_table]),
        ("sites", sites),
        ("basemap", basemap),
    ]

    root = ET.Element("qgis", {"projectname": xml_text(title), "version": QGIS_VERSION})
    _el(root, "homePath", path="")
    _el(root, "title", title)
    _crs(_el(root, "projectCrs"), data.crs)

    tree = _el(root, "layer-tree-group")
    _el(_el(tree, "customproperties"), "Option")
    order = []
    for key, members in groups:
        if not members:
            continue
        group = _el(
            tree,
            "layer-tree-group",
            name=data.text(GROUP_TITLES[key], lang) or key,
            checked="Qt::Checked",
            expanded="1",
        )
        _el(_el(group, "customproperties"), "Option")
        for layer in members:
            checked = "Qt::Checked"
            node = _el(
                group,
                "layer-tree-layer",
                id=layer.id,
                name=layer.name,
                source=f"{source}|layername={layer.table}",
                providerKey="ogr",
                checked=checked,
                expanded="1" if key != "basemap" else "0",
            )
            _el(_el(node, "customproperties"), "Option")
            order.append(layer)

    layers_element = _el(root, "projectlayers")
    for layer in order:
        _map_layer(layers_element, data, layer, source, lang)

    layer_order = _el(root, "layerorder")
    for layer in order:
        _el(layer_order, "layer", id=layer.id)

    properties = _el(root, "properties")
    paths = _el(properties, "Paths")
    _el(paths, "Absolute", "false", type="bool")  # the GeoPackage beside the project
    _el(_el(properties, "SpatialRefSys"), "ProjectionsEnabled", "1", type="int")  # read projectCrs
    gui = _el(properties, "Gui")
    red, green, blue, _ = _rgba(SEA).split(",")
    _el(gui, "CanvasColorRedPart", red, type="int")
    _el(gui, "CanvasColorGreenPart", green, type="int")
    _el(gui, "CanvasColorBluePart", blue, type="int")

    meta = _el(root, "projectMetadata")
    _el(meta, "identifier", "")
    _el(meta, "parentidentifier", "")
    _el(meta, "language", lang)
    _el(meta, "type", "")
    _el(meta, "title", title)
    _el(meta, "abstract", data.text(project.description, lang) if project.description else "")
    for text in _project_rights(data, lang):
        _el(meta, "rights", text)
    _el(meta, "links")

    _relations(root, data, events, events_table, sites)
    _view_settings(root, data)
    _time_settings(root, data)

    body = ET.tostring(root, encoding="unicode")
    header = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
    return (header + body + "\n").encode("utf-8")


def _language(data: ExportData) -> str:
    wanted = getattr(data, "lang", None)
    chain = data.chain(wanted)
    return next((code for code in chain if code in data.project.languages), chain[0])


def _events_layer(data: ExportData, lang: str) -> _Layer:
    colors = {spec.id: spec.color for spec in data.project.layers if spec.id in data.layers}

    def style(element):
        categories = [
            (
                layer_id,
                data.text(data.layer_spec(layer_id).title, lang),
                True,
                "marker",
                [_marker("circle", "0,0,0,0", _rgba(color), EVENT_SIZE_MM, 0.6)],
            )
            for layer_id, color in colors.items()
        ]
        _categorized(element, "layer", categories)
        temporal = _el(
            element,
            "temporal",
            enabled="1",
            mode="2",  # ModeFeatureDateTimeStartAndEndFromFields
            startField="date_start",
            endField=END_EXCLUSIVE,
            limitMode="0",  # IncludeBeginExcludeEnd, QGIS's default
            accumulate="0",
            fixedDuration="0",
            durationField="",
            durationUnit="min",
            startExpression="",
            endExpression="",
        )
        fixed = _el(temporal, "fixedRange")
        _el(fixed, "start", "")
        _el(fixed, "end", "")

    name = data.text(GROUP_TITLES["events"], lang)
    # the point's event shown by the relation, its form embedded (summaries, source)
    event = {
        "AllowAddFeatures": False,
        "AllowNULL": False,
        "MapIdentification": False,
        "ReadOnly": True,
        "Relation": EVENT_RELATION,
        "ShowForm": True,
        "ShowOpenFormButton": True,
    }
    return _Layer(
        EVENTS_AT_SITES_STEM,
        EVENTS_AT_SITES_STEM,
        name,
        "Point",
        style,
        abstract=EVENTS_AT_SITES_DESCRIPTION,
        display=_field_expression(f"title_{lang}"),
        widgets={"event_id": ("RelationReference", event)},
    )


def _events_table_layer(data: ExportData, lang: str) -> _Layer:
    """The events table: no geometry, read through the relations."""
    return _Layer(
        EVENTS_TABLE_ID,
        EVENTS_STEM,
        data.text(EVENTS_TABLE_TITLE, lang),
        NO_GEOMETRY,
        lambda element: None,
        abstract=EVENTS_DESCRIPTION,
        display=_field_expression(f"title_{lang}"),
    )


def _field_expression(field: str) -> str:
    """A QGIS expression reading ``field`` (a double-quoted name; ``"`` doubled).

    Examples
    --------
    >>> _field_expression("title_vi")
    '"title_vi"'
    """
    return '"' + field.replace('"', '""') + '"'


def _site_layer(data: ExportData, layer_id: str, lang: str) -> _Layer:
    spec = data.layer_spec(layer_id)
    field = f"name_{lang}"

    def style(element):
        categories = [
            (
                category.id,
                data.text(category.label, lang),
                True,
                "marker",
                [_svg_marker(index, MARKER_SIZE_MM)],
            )
            for index, category in enumerate(data.project.categories)
        ]
        _categorized(element, "category", categories)
        _labels(element, field, 9, "#263238", "6", 1.2, priority=9)  # before place names

    frame = data.layers[layer_id]
    abstract = f"{data.text(spec.title, lang)}: {len(frame)} site(s), {data.crs_label}"
    # its table's name as its id: "sites-" keeps it apart from the events' and basemap's
    return _Layer(
        data.layer_stem(layer_id),
        data.layer_stem(layer_id),
        data.text(spec.title, lang),
        "Point",
        style,
        abstract=abstract,
        display=_field_expression(field),
    )


def _basemap_layer(data: ExportData, spec, lang: str) -> _Layer:
    frame = data.basemap[spec.id]
    attribution = data.text(spec.attribution, lang)
    licence = spec.licence + (f", {spec.licence_url}" if spec.licence_url else "")
    rights = [f"{attribution} ({licence})"]

    if spec.role == "land":
        geometry = "Polygon"

        def style(element):
            _single(element, "fill", [_fill(_rgba(LAND_FILL), _rgba(LAND_STROKE), 0.2)])

    elif spec.role == "areas":
        geometry = "Polygon"
        label = "name" if "name" in frame else None

        def style(element):
            _single(element, "fill", [_fill("0,0,0,0", None)])
            if label:
                _labels(element, label, 11, "#6d6e70", "1")

    elif spec.role == "boundaries":
        geometry = "Line"

        def style(element):
            categories = [
                (kind, kind, drawn, "line", [_line(color, width, dash)])
                for kind, (color, width, dash, drawn) in BOUNDARY_STYLE.items()
            ]
            _categorized(element, "kind", categories)

    else:  # places: names only, as on the page
        geometry = "Point"
        field = "label" if "label" in frame else ("name" if "name" in frame else None)

        def style(element):
            _el(element, "renderer-v2", type="nullSymbol")
            if field:
                _labels(element, field, 8.5, "#3d4a52", "1", priority=2)

    return _Layer(
        f"basemap-{spec.id}",
        basemap_layer_name(spec.id),
        spec.id,
        geometry,
        style,
        abstract=attribution,
        rights=rights,
        attr=(attribution, spec.licence_url or ""),
    )


def _map_layer(parent, data: ExportData, layer: _Layer, source: str, lang: str) -> None:
    labelled = layer.geometry == "Point" and layer.table != EVENTS_AT_SITES_STEM
    element = _el(
        parent,
        "maplayer",
        type="vector",
        geometry=layer.geometry,
        labelsEnabled="1" if labelled or layer.table.endswith("provinces") else "0",
        hasScaleBasedVisibilityFlag="0",
        minScale="100000000",
        maxScale="0",
        readOnly="1",
    )
    _el(element, "id", layer.id)
    _el(element, "datasource", f"{source}|layername={layer.table}")
    _el(element, "layername", layer.name)
    if layer.geometry != NO_GEOMETRY:
        _crs(_el(element, "srs"), data.crs)
    _metadata(element, layer.name, layer.abstract, list(layer.rights), lang, "dataset")
    if layer.attribution:
        text, href = layer.attribution
        _el(element, "attribution", text, href=href)
    _el(element, "provider", "ogr", encoding="UTF-8")
    if layer.widgets:
        fields = _el(element, "fieldConfiguration")
        for field, (kind, options) in layer.widgets.items():
            widget = _el(_el(fields, "field", name=field), "editWidget", type=kind)
            _options(_el(widget, "config"), options)
    layer.style(element)
    _el(element, "previewExpression", layer.display)
    _el(element, "blendMode", "0")
    _el(element, "featureBlendMode", "0")
    _el(element, "layerOpacity", "1")


def _relations(root, data: ExportData, events: _Layer, table: _Layer, sites) -> None:
    """Each events-at-sites point to its event, and each site to its points."""
    relations = _el(root, "relations")
    pairs = [(EVENT_RELATION, table.name, table, "event_id")]
    pairs += [(SITE_RELATION_PREFIX + site.id, events.name, site, "site_id") for site in sites]
    for relation_id, name, referenced, field in pairs:
        relation = _el(
            relations,
            "relation",
            id=relation_id,
            name=name,
            strength="Association",
            referencingLayer=events.id,
            referencedLayer=referenced.id,
        )
        _el(relation, "fieldRef", referencingField=field, referencedField="id")


def _project_rights(data: ExportData, lang: str) -> list[str]:
    rights = []
    for spec in data.project.basemap:
        text = data.text(spec.attribution, lang)
        if text and text not in rights:
            rights.append(text)
    for _, row in data.sources.iterrows():
        title = data.localized(row, "title", lang)
        if title:
            rights.append(title)
    return rights


def _view_settings(root, data: ExportData) -> None:
    view = _el(root, "ProjectViewSettings", UseProjectScales="0", rotation="0")
    _el(view, "Scales")
    sites = [f for f in data.layers.values() if len(f)]
    if not sites:
        return
    bounds = [f.total_bounds for f in sites]
    xmin, ymin = min(b[0] for b in bounds), min(b[1] for b in bounds)
    xmax, ymax = max(b[2] for b in bounds), max(b[3] for b in bounds)
    pad_x, pad_y = max((xmax - xmin) * 0.15, _pad(data)), max((ymax - ymin) * 0.15, _pad(data))
    extent = _el(
        view,
        "DefaultViewExtent",
        xmin=repr(float(xmin - pad_x)),
        ymin=repr(float(ymin - pad_y)),
        xmax=repr(float(xmax + pad_x)),
        ymax=repr(float(ymax + pad_y)),
    )
    _crs(extent, data.crs)


def _pad(data: ExportData) -> float:
    return 0.05 if data.crs.is_geographic else 5000.0


def _time_settings(root, data: ExportData) -> None:
    import pandas as pd

    events = data.events_at_sites
    starts = pd.to_datetime(events["date_start"]).dropna()
    ends = pd.to_datetime(events[END_EXCLUSIVE]).dropna()
    every = pd.concat([starts, ends])
    if every.empty:
        return
    step, unit = YEAR_STEP
    settings = _el(
        root,
        "ProjectTimeSettings",
        timeStep=step,
        timeStepUnit=unit,
        frameRate="1",
        cumulativeTemporalRange="0",
    )
    span = _el(settings, "TemporalRange")
    first = pd.Timestamp(year=every.min().year, month=1, day=1)  # whole years, a year a step
    # the range holds each start's own day: an event from 1 January of the last year
    # (2020/..) began just as the range ended, and showed in no frame
    last = every.max()
    if not starts.empty and starts.max().year < LAST_YEAR:
        last = max(last, starts.max() + pd.Timedelta(days=1))
    if last.year == LAST_YEAR:  # no next year to round up to: the last second there is
        last = pd.Timestamp(year=LAST_YEAR, month=12, day=31, hour=23, minute=59, second=59)
    elif last != pd.Timestamp(year=last.year, month=1, day=1):
        last = pd.Timestamp(year=last.year + 1, month=1, day=1)
    _el(span, "start", first.strftime("%Y-%m-%dT%H:%M:%S"))
    _el(span, "end", last.strftime("%Y-%m-%dT%H:%M:%S"))
