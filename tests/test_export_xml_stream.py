"""The streamed KML and GPX site files are the bytes ElementTree wrote before.

The writers build their files as text (:class:`heritage_mapper.export.xmlfile.XmlStream`);
the reference here is the ElementTree tree the writers built until then, serialised
the same way. Both are run on the small fixture folder with hostile text in every kind
of value (markup, a CDATA end, entities, quotes, tabs, CR and LF, control characters,
Vietnamese) and with lines, polygons with holes and multi-part geometries.

Data: the small fixture folder (tests/fixtures.py); escaping does not depend on the
Quảng Ninh content.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from pyproj import CRS

from heritage_mapper import load_geodata
from heritage_mapper.dates import filter_bounds
from heritage_mapper.export import gpx, kml
from heritage_mapper.export.tables import XML_ILLEGAL, decimal_text, plain, prepare
from heritage_mapper.export.timeline import site_html, site_name, site_text
from heritage_mapper.export.xmlfile import (
    TEXT_SPECIAL,
    escape_attribute,
    escape_text,
    sub_element,
    write_document,
)
from heritage_mapper.join import join
from heritage_mapper.model import localized

from .fixtures import edit_layer, make_geodata, set_site

HOSTILE = (
    "<img src=x onerror=alert(1)>",
    "a]]>b",
    "\"quotes\" & 'apostrophes' &amp; &#x41;",
    "tab\there\nnew line\r\nCRLF\rCR",
    "ctrl\x0b\x1b\ufffe end",  # validation refuses NUL; the others are warnings
    "Nhà sàng Mỏ Thử — Hạ Long ",
)
GEOMETRIES = {  # site id -> a geometry that is not a point
    "lighthouse": {"type": "LineString", "coordinates": [[107.2, 20.9], [107.25, 20.93]]},
    "screening-plant": {
        "type": "Polygon",
        "coordinates": [
            [[107.3, 21.0], [107.4, 21.0], [107.4, 21.1], [107.3, 21.1], [107.3, 21.0]],
            [[107.33, 21.03], [107.35, 21.05], [107.35, 21.03], [107.33, 21.03]],
        ],
    },
    "pit-head": {"type": "MultiPoint", "coordinates": [[107.3, 21.05], [107.31, 21.06]]},
}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """The fixture folder with a hostile value in each text field of each site."""
    folder = make_geodata(tmp_path_factory.mktemp("hostile-stream"))
    for index, site_id in enumerate(("old-pier", "lighthouse", "screening-plant", "pit-head")):
        pick = HOSTILE[index:] + HOSTILE[:index]
        set_site(
            folder,
            site_id,
            name_vi=pick[0],
            name_en=pick[1],
            description_vi=pick[2],
            description_en=pick[3],
            location_basis_vi=pick[4],
            admin_then_vi=pick[5],
            admin_now_en=pick[0],
        )

    def geometries(features):
        for feature in features:
            if feature["properties"]["id"] in GEOMETRIES:
                feature["geometry"] = GEOMETRIES[feature["properties"]["id"]]

    for layer_id in ("harbour", "mines"):
        edit_layer(folder, layer_id, geometries)
    return prepare(join(load_geodata(folder)), CRS.from_epsg(4326))


# The reference: the ElementTree writers as they were before the streamed ones.


def _coordinates(coords) -> str:
    return " ".join(",".join(decimal_text(v, 7) for v in xy[:2]) for xy in coords)


def _kml_geometry(parent, geom) -> None:
    kind = geom.geom_type
    if kind in ("Point", "LineString"):
        sub_element(sub_element(parent, kind), "coordinates", _coordinates(geom.coords))
    elif kind == "Polygon":
        polygon = sub_element(parent, "Polygon")
        outer = sub_element(sub_element(polygon, "outerBoundaryIs"), "LinearRing")
        sub_element(outer, "coordinates", _coordinates(geom.exterior.coords))
        for ring in geom.interiors:
            inner = sub_element(sub_element(polygon, "innerBoundaryIs"), "LinearRing")
            sub_element(inner, "coordinates", _coordinates(ring.coords))
    else:
        multi = sub_element(parent, "MultiGeometry")
        for part in geom.geoms:
            _kml_geometry(multi, part)


def _kml_placemark(folder, data, row, style_id, present) -> None:
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
        for key in kml.EXTENDED_DATA
        for column in (
            [localized(key, lang) for lang in data.languages]
            if key in kml.EXTENDED_PER_LANGUAGE
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
        _kml_geometry(placemark, geometry)


def kml_reference(data) -> ET.ElementTree:
    root = ET.Element("kml", xmlns=kml.KML_NS)
    doc = sub_element(root, "Document")
    sub_element(doc, "name", data.text(data.project.title))
    description = data.text(data.project.description) if data.project.description else ""
    if description:
        sub_element(doc, "description", description)
    for layer_id in data.layers:
        style = sub_element(doc, "Style", id=f"layer-{layer_id}")
        icon = sub_element(style, "IconStyle")
        sub_element(icon, "color", kml.kml_color(data.layer_spec(layer_id).color))
    present = data.present_year()
    for layer_id, frame in data.layers.items():
        folder = sub_element(doc, "Folder")
        title = data.layer_spec(layer_id).title
        sub_element(folder, "name", data.text(title))
        others = [data.text(title, lang) for lang in data.languages[1:]]
        if any(others):
            sub_element(folder, "description", " / ".join(o for o in others if o))
        for row in frame.to_dict("records"):
            _kml_placemark(folder, data, row, f"layer-{layer_id}", present)
    ET.indent(root, space="  ")
    return ET.ElementTree(root)


def gpx_reference(data) -> ET.ElementTree:
    root = ET.Element("gpx", gpx.root_attributes())
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
                root, "wpt", lat=decimal_text(point.y, 7), lon=decimal_text(point.x, 7)
            )
            sub_element(wpt, "name", site_name(data, row))
            sub_element(wpt, "desc", site_text(data, row))
            sub_element(wpt, "type", layer_title)
            extensions = sub_element(wpt, "extensions")
            sub_element(extensions, f"{gpx.EXT_PREFIX}:id", str(row["id"]))
            sub_element(extensions, f"{gpx.EXT_PREFIX}:layer", layer_id)
    ET.indent(root, space="  ")
    return ET.ElementTree(root)


def test_the_fixture_has_hostile_text_and_other_geometries(data):
    frames = list(data.layers.values())
    columns = ("name_vi", "name_en", "description_vi", "location_basis_vi", "admin_then_vi")
    texts = {text for frame in frames for column in columns for text in frame[column]}
    assert set(HOSTILE) <= texts
    kinds = {geom.geom_type for frame in frames for geom in frame.geometry}
    assert kinds == {"Point", "LineString", "Polygon", "MultiPoint"}


@pytest.mark.parametrize(
    "value", [*HOSTILE, "", "plain", "]]>", "\r", "\t\n\r\"'<>&", "\x00", "lone \ud800 surrogate"]
)
def test_escaping_matches_elementtree(value):
    element = ET.Element("e", {"a": value})
    sub_element(element, "t", value)
    expected = ET.tostring(element, encoding="unicode")
    text = escape_text(value)
    child = f"<t>{text}</t>" if text else "<t />"
    assert f'<e a="{escape_attribute(value)}">{child}</e>' == expected


def test_the_clean_text_shortcut_misses_no_character_to_replace():
    for code in range(0x10000):
        char = chr(code)
        if XML_ILLEGAL.match(char) or char in "\r&<>":
            assert TEXT_SPECIAL.match(char), hex(code)
        else:
            assert escape_text(char) == char, hex(code)


def test_streamed_kml_is_the_elementtree_document(data, tmp_path):
    write_document(kml_reference(data), tmp_path / "reference.kml")
    kml.write_sites(data, tmp_path / "streamed.kml")
    assert (tmp_path / "streamed.kml").read_bytes() == (tmp_path / "reference.kml").read_bytes()


def test_streamed_kml_in_small_chunks_is_the_same(data, tmp_path, monkeypatch):
    kml.write_sites(data, tmp_path / "whole.kml")
    monkeypatch.setattr(kml, "CHUNK_ROWS", 1)
    kml.write_sites(data, tmp_path / "chunked.kml")
    assert (tmp_path / "chunked.kml").read_bytes() == (tmp_path / "whole.kml").read_bytes()


def test_streamed_gpx_is_the_elementtree_document(data, tmp_path):
    write_document(gpx_reference(data), tmp_path / "reference.gpx")
    gpx.write_sites(data, tmp_path / "streamed.gpx")
    assert (tmp_path / "streamed.gpx").read_bytes() == (tmp_path / "reference.gpx").read_bytes()


def test_streamed_gpx_in_small_chunks_is_the_same(data, tmp_path, monkeypatch):
    gpx.write_sites(data, tmp_path / "whole.gpx")
    monkeypatch.setattr(gpx, "CHUNK_ROWS", 1)
    gpx.write_sites(data, tmp_path / "chunked.gpx")
    assert (tmp_path / "chunked.gpx").read_bytes() == (tmp_path / "whole.gpx").read_bytes()
