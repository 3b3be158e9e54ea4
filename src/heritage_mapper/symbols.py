"""The symbol of each site category: one definition for the web map, QGIS and print.

A category's symbol is a shape and a colour, both chosen by the category's index in the
project, so the same project always gives the same symbols wherever it is drawn. The
twelve shapes and the eight Okabe-Ito colours cycle independently: up to 24 categories get
different symbols, and up to 12 differ by shape alone. The web map draws them in
``render/static/js/shapes.js``; ``tests/test_symbols.py`` checks that file against this
one, and the QGIS project (``export/qgis.py``) and the print map (``printmap.py``) draw
from here.

Examples
--------
>>> category_symbol(0), category_symbol(8), category_symbol(-1)
(('circle', '#0072B2'), ('cross', '#0072B2'), ('circle', '#546e7a'))
>>> symbol_svg(1, "#D55E00")[:40]
'<svg xmlns="http://www.w3.org/2000/svg" '
"""

from __future__ import annotations

__all__ = [
    "FALLBACK_COLOR",
    "HALO_COLOR",
    "HALO_WIDTH",
    "OUTLINE_COLOR",
    "OUTLINE_WIDTH",
    "SHAPES",
    "SHAPE_PATHS",
    "SYMBOL_COLORS",
    "category_symbol",
    "symbol_svg",
]

#: The twelve shapes, in order, each one SVG path in a 24 x 24 box (y down; even-odd
#: fill, so the ring has a hole).
SHAPE_PATHS = {
    "circle": "M12 3.5a8.5 8.5 0 1 1 0 17a8.5 8.5 0 1 1 0-17z",
    "square": "M4 4h16v16H4z",
    "diamond": "M12 2.2 21.8 12 12 21.8 2.2 12z",
    "triangle": "M12 2.8 21.6 20.4H2.4z",
    "star": "M12 2.2l2.9 6.2 6.8.7-5.1 4.6 1.5 6.7L12 17l-6.1 3.4 1.5-6.7-5.1-4.6 6.8-.7z",
    "plus": "M8.8 3h6.4v5.8H21v6.4h-5.8V21H8.8v-5.8H3V8.8h5.8z",
    "triangle-down": "M2.4 3.6h19.2L12 21.2z",
    "house": "M12 3 20.5 10.5V21h-17V10.5z",
    "cross": (
        "M5.4 2.2 12 8.6 18.6 2.2 21.8 5.4 15.4 12 21.8 18.6 18.6 21.8 12 15.4 5.4 21.8 "
        "2.2 18.6 8.6 12 2.2 5.4z"
    ),
    "hourglass": "M4 3h16l-8 9 8 9H4l8-9z",
    "dome": "M3 16.5a9 9 0 0 1 18 0z",
    "ring": "M12 3a9 9 0 1 1 0 18a9 9 0 1 1 0-18zm0 5a4 4 0 1 0 0 8a4 4 0 1 0 0-8z",
}
SHAPES = tuple(SHAPE_PATHS)
#: Okabe & Ito (2008), "Color Universal Design": black last, as it is the darkest.
SYMBOL_COLORS = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000",
)  # fmt: skip
#: The colour of a site whose category the project does not know.
FALLBACK_COLOR = "#546e7a"
#: Every symbol has a dark outline inside a white halo (app.css ``.hm-shape``/``.hm-halo``):
#: it stands out from land, sea and the symbols beside it whatever its colour.
OUTLINE_COLOR, OUTLINE_WIDTH = "#1d262c", 1.3
HALO_COLOR, HALO_WIDTH = "#ffffff", 4.4


def category_symbol(index: int) -> tuple[str, str]:
    """The shape name and colour of the category at ``index`` (-1: an unknown category)."""
    k = max(index, 0)
    color = SYMBOL_COLORS[k % len(SYMBOL_COLORS)] if index >= 0 else FALLBACK_COLOR
    return SHAPES[k % len(SHAPES)], color


def symbol_svg(index: int, fill: str | None = None) -> str:
    """The category's symbol as an SVG document for QGIS, halo and outline included.

    The fill is QGIS's parametric ``param(fill)`` with the category's colour (or
    ``fill``) as its default, so a QGIS user can recolour the symbol in its dialog.
    """
    shape, color = category_symbol(index)
    path = SHAPE_PATHS[shape]
    fill = fill or color
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24">'
        f'<path d="{path}" fill-rule="evenodd" fill="{HALO_COLOR}" stroke="{HALO_COLOR}" '
        f'stroke-width="{HALO_WIDTH}" stroke-linejoin="round"/>'
        f'<path d="{path}" fill-rule="evenodd" fill="param(fill) {fill}" '
        f'stroke="{OUTLINE_COLOR}" stroke-width="{OUTLINE_WIDTH}" stroke-linejoin="round"/>'
        "</svg>"
    )
