"""What the XML writers (KML, GPX) share: safe text elements and the file layout."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from heritage_mapper.export.tables import xml_text

__all__ = ["XML_DECLARATION", "sub_element", "write_document"]

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def sub_element(parent, tag: str, text: str | None = None, **attrib) -> ET.Element:
    """Append ``<tag>`` to ``parent``; ``text`` is made safe for XML 1.0 and escaped by
    ElementTree, so data text always arrives as text, never as markup."""
    element = ET.SubElement(parent, tag, attrib)
    if text is not None:
        element.text = xml_text(text)
    return element


def write_document(tree: ET.ElementTree, path) -> None:
    """Write ``tree`` as UTF-8 with a fixed declaration and a final newline."""
    with open(path, "wb") as handle:
        handle.write(XML_DECLARATION)
        tree.write(handle, encoding="UTF-8", xml_declaration=False)
        handle.write(b"\n")
