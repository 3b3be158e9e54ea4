"""One symbol per category everywhere: the page's shapes.js and app.css agree with
``heritage_mapper.symbols``, which the QGIS project and the print map draw from."""

from __future__ import annotations

import re

import pytest

from heritage_mapper import symbols
from heritage_mapper.printmap import _SVG_POLYGONS

from .conftest import REPO

STATIC = REPO / "src" / "heritage_mapper" / "render" / "static"


def js_constant(name: str) -> str:
    text = (STATIC / "js" / "shapes.js").read_text(encoding="utf-8")
    return re.search(rf"const {name} = (\[.*?\]|\"[^\"]*\");", text, re.S).group(1)


def test_the_page_draws_the_same_shapes_in_the_same_order():
    paths = re.findall(r'^\s*"([^"]+)", // (.+)$', js_constant("SHAPES"), re.M)
    assert [path for path, _ in paths] == list(symbols.SHAPE_PATHS.values())
    assert len(paths) == len(symbols.SHAPES) == 12


def test_the_page_uses_the_same_colours():
    assert re.findall(r'"(#[0-9A-Fa-f]{6})"', js_constant("SYMBOL_COLORS")) == list(
        symbols.SYMBOL_COLORS
    )
    assert js_constant("FALLBACK_COLOR").strip('"') == symbols.FALLBACK_COLOR


def test_the_page_draws_the_same_halo_and_outline():
    css = (STATIC / "app.css").read_text(encoding="utf-8")
    ink = re.search(r"--hm-ink: (#[0-9a-f]{6});", css).group(1)
    halo = re.search(r"\.hm-halo \{([^}]*)\}", css).group(1)
    shape = re.search(r"\.hm-shape \{([^}]*)\}", css).group(1)
    assert ink == symbols.OUTLINE_COLOR and "stroke: var(--hm-ink)" in shape
    assert f"stroke-width: {symbols.OUTLINE_WIDTH:g};" in shape
    assert f"stroke-width: {symbols.HALO_WIDTH:g};" in halo
    assert "fill: #fff" in halo and symbols.HALO_COLOR == "#ffffff"


def polygon_corners(path: str) -> list[tuple[float, float]]:
    """The corners of an SVG path made of straight lines only (M, L, H, V, z and their
    relative forms, an implicit line after a move)."""
    tokens = re.findall(r"[MLHVZmlhvz]|-?\d*\.?\d+", path)
    corners, x, y, command, i = [], 0.0, 0.0, None, 0
    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i]
            i += 1
            if command in "Zz":
                continue
        if command in "Hh":
            x = float(tokens[i]) + (x if command == "h" else 0)
            i += 1
        elif command in "Vv":
            y = float(tokens[i]) + (y if command == "v" else 0)
            i += 1
        else:
            dx, dy = float(tokens[i]), float(tokens[i + 1])
            x, y = (x + dx, y + dy) if command in "ml" else (dx, dy)
            i += 2
            command = {"M": "L", "m": "l"}.get(command, command)
        corners.append((round(x, 6), round(y, 6)))
    return corners


@pytest.mark.parametrize("shape", sorted(_SVG_POLYGONS))
def test_the_print_map_draws_the_pages_polygons(shape):
    expected = [(round(x, 6), round(y, 6)) for x, y in _SVG_POLYGONS[shape]]
    assert polygon_corners(symbols.SHAPE_PATHS[shape]) == expected


def test_the_qgis_svg_is_the_pages_symbol():
    for index in range(len(symbols.SHAPES)):
        shape, color = symbols.category_symbol(index)
        svg = symbols.symbol_svg(index)
        assert svg.count(f'd="{symbols.SHAPE_PATHS[shape]}"') == 2  # the halo, the shape
        assert f'fill="param(fill) {color}"' in svg
    assert symbols.category_symbol(-1) == ("circle", symbols.FALLBACK_COLOR)
    assert symbols.category_symbol(12) == ("circle", symbols.SYMBOL_COLORS[4])
