"""What the XML writers (KML, GPX) share: safe text elements and the file layout.

Small documents (the tours) are ElementTree trees written by :func:`write_document`.
The site files are written as text, feature by feature, by an :class:`XmlStream`: a
tree of 100,000 sites and its serialisation took most of a writer's time and held the
whole document in memory. The text helpers below escape exactly as ElementTree's
serialiser does (``_escape_cdata`` and ``_escape_attrib``, Python 3.11), and the
indentation is :func:`xml.etree.ElementTree.indent`'s, so both ways give the same bytes
(``tests/test_export_xml_stream.py`` compares them on hostile values).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from heritage_mapper.export.tables import xml_text

__all__ = [
    "XML_DECLARATION",
    "XmlStream",
    "escape_attribute",
    "escape_text",
    "indentation",
    "leaf",
    "sub_element",
    "write_document",
]

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
INDENT = "  "  # one level of ElementTree.indent(space="  ")
#: :func:`indentation` of the levels the writers use, made once (it is called per element).
INDENTATIONS = tuple("\n" + INDENT * level for level in range(10))
#: Characters written before :meth:`XmlStream.write` hands its chunk to the file.
CHUNK_CHARS = 1 << 20


#: The characters :func:`escape_text` changes: those :func:`xml_text` replaces (its
#: XML_ILLEGAL and CR) and those ElementTree escapes. A value without them is written as
#: it is (tests/test_export_xml_stream.py checks this covers XML_ILLEGAL).
TEXT_SPECIAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff\r&<>]")


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


def escape_text(value: str) -> str:
    """``value`` as element text: :func:`xml_text` (XML 1.0 characters, LF line ends),
    then ``&``, ``<`` and ``>`` escaped as ElementTree escapes text.

    Examples
    --------
    >>> escape_text("a]]>b & <c>\\r\\n")
    'a]]&gt;b &amp; &lt;c&gt;\\n'
    """
    if not TEXT_SPECIAL.search(value):  # the common, clean value: one C call
        return value
    text = xml_text(value)
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def escape_attribute(value: str) -> str:
    """``value`` as a double-quoted attribute value, escaped as ElementTree escapes one
    (:func:`sub_element` does not pass attributes through :func:`xml_text`, so neither
    does this).

    Examples
    --------
    >>> escape_attribute('"a"\\t<b>\\n')
    '&quot;a&quot;&#09;&lt;b&gt;&#10;'
    """
    text = value
    for char, entity in (
        ("&", "&amp;"),
        ("<", "&lt;"),
        (">", "&gt;"),
        ('"', "&quot;"),
        ("\r", "&#13;"),
        ("\n", "&#10;"),
        ("\t", "&#09;"),
    ):
        if char in text:
            text = text.replace(char, entity)
    return text


def indentation(level: int) -> str:
    """The line break and spaces before an element ``level`` deep (the root is 0).

    Examples
    --------
    >>> indentation(2)
    '\\n    '
    """
    if level < len(INDENTATIONS):
        return INDENTATIONS[level]
    return "\n" + INDENT * level


def leaf(tag: str, escaped: str, level: int) -> str:
    """A childless element ``level`` deep with its indentation before it; ``escaped`` is
    already escaped text, and an empty text gives ElementTree's ``<tag />``.

    Examples
    --------
    >>> leaf("name", "A &amp; B", 1), leaf("desc", "", 2)
    ('\\n  <name>A &amp; B</name>', '\\n    <desc />')
    """
    if escaped:
        return f"{indentation(level)}<{tag}>{escaped}</{tag}>"
    return f"{indentation(level)}<{tag} />"


class XmlStream:
    """An XML file written piece by piece, in chunks of about :data:`CHUNK_CHARS`.

    UTF-8 with ElementTree's error handler (a character UTF-8 cannot carry, such as a
    lone surrogate in an attribute, becomes a character reference) and LF line ends,
    after :data:`XML_DECLARATION`; closing it adds the final newline, as
    :func:`write_document` does.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "a.xml"
    >>> with XmlStream(path) as out:
    ...     out.write("<a>")
    ...     out.write(leaf("b", escape_text("x < y"), 1))
    ...     out.write(indentation(0) + "</a>")
    >>> path.read_bytes()
    b'<?xml version="1.0" encoding="UTF-8"?>\\n<a>\\n  <b>x &lt; y</b>\\n</a>\\n'
    """

    def __init__(self, path):
        self.path = path
        self._handle = None
        self._pieces: list[str] = []
        self._size = 0

    def __enter__(self) -> XmlStream:
        with open(self.path, "wb") as handle:
            handle.write(XML_DECLARATION)
        self._handle = open(  # noqa: SIM115 - closed by __exit__
            self.path, "a", encoding="utf-8", errors="xmlcharrefreplace", newline="\n"
        )
        return self

    def write(self, text: str) -> None:
        """Add ``text`` (already escaped markup); a full chunk goes to the file."""
        self._pieces.append(text)
        self._size += len(text)
        if self._size >= CHUNK_CHARS:
            self.flush()

    def flush(self) -> None:
        self._handle.write("".join(self._pieces))
        self._pieces.clear()
        self._size = 0

    def __exit__(self, *exc) -> None:
        try:
            if exc[0] is None:
                self._pieces.append("\n")
                self.flush()
        finally:
            self._handle.close()
