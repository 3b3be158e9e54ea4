"""A print-ready map (PDF and PNG) for an exhibition panel or a brochure.

``heritage-mapper print`` draws, on an A4 or A3 page in either orientation and in one
language: the basemap of the geodata folder (land, province boundaries, places), the
sites as numbered symbols in their category's shape and colour (the web map's,
mirrored from ``render/static/js/shapes.js``), a legend by category, a numbered list
of the sites with their period and location precision, a scale bar measured on the
WGS 84 ellipsoid at the map's middle latitude, a north arrow, the title, the sources,
the data attributions the basemap licences require, and the date of the data (its
present year: :func:`heritage_mapper.dates.present_year`, never the clock).

The PDF is vector with its text as text (TrueType fonts embedded, ``pdf.fonttype``
42: searchable and selectable), in DejaVu Sans, which carries Vietnamese. The same
input gives the same bytes: no creation date, a fixed producer, and fixed PNG
metadata.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from pathlib import Path

from heritage_mapper.atomic import (
    atomic_files,
    check_output_folders,
    ensure_writable_dir,
    output_lock,
)
from heritage_mapper.dates import format_edtf, present_year
from heritage_mapper.errors import UsageError
from heritage_mapper.symbols import category_symbol

__all__ = ["PAPERS", "PrintOptions", "print_geodata", "print_map"]

#: Paper sizes in millimetres (portrait width, height).
PAPERS = {"A4": (210, 297), "A3": (297, 420)}
ORIENTATIONS = ("portrait", "landscape")
DEFAULT_DPI = 150
MM_PER_INCH = 25.4
CHAR_EM = 0.6  # DejaVu Sans' mean character width, in ems, for wrapping lines
WGS84_A = 6_378_137.0  # semi-major axis, metres
WGS84_E2 = 0.006_694_379_990_14  # first eccentricity squared
FONT = "DejaVu Sans"  # ships with matplotlib; carries Vietnamese (ă ơ ư đ and tone marks)
PRODUCER = "heritage-mapper"
#: The same producer and no dates: byte-identical files for the same input.
PDF_METADATA = {"Creator": PRODUCER, "Producer": PRODUCER, "CreationDate": None, "ModDate": None}
PNG_METADATA = {"Software": PRODUCER}

# The web map's shapes (heritage_mapper.symbols) for matplotlib. Polygons are the SVG
# paths' corners in their 24 x 24 box (y down); matplotlib markers where the SVG shape is round.
_SVG_POLYGONS = {
    "square": [(4, 4), (20, 4), (20, 20), (4, 20)],
    "diamond": [(12, 2.2), (21.8, 12), (12, 21.8), (2.2, 12)],
    "triangle": [(12, 2.8), (21.6, 20.4), (2.4, 20.4)],
    "plus": [
        (8.8, 3),
        (15.2, 3),
        (15.2, 8.8),
        (21, 8.8),
        (21, 15.2),
        (15.2, 15.2),
        (15.2, 21),
        (8.8, 21),
        (8.8, 15.2),
        (3, 15.2),
        (3, 8.8),
        (8.8, 8.8),
    ],  # fmt: skip
    "triangle-down": [(2.4, 3.6), (21.6, 3.6), (12, 21.2)],
    "house": [(12, 3), (20.5, 10.5), (20.5, 21), (3.5, 21), (3.5, 10.5)],
    "cross": [
        (5.4, 2.2),
        (12, 8.6),
        (18.6, 2.2),
        (21.8, 5.4),
        (15.4, 12),
        (21.8, 18.6),
        (18.6, 21.8),
        (12, 15.4),
        (5.4, 21.8),
        (2.2, 18.6),
        (8.6, 12),
        (2.2, 5.4),
    ],  # fmt: skip
    "hourglass": [(4, 3), (20, 3), (12, 12), (20, 21), (4, 21), (12, 12)],
}
OUTLINE = "#1a1a1a"
LAND, SEA, BOUNDARY, AREA_EDGE = "#f3efe4", "#dcebf5", "#7a6f62", "#c9c0b0"

#: The few words of the page itself, by language (English last in every fallback).
WORDS = {
    "en": {
        "legend": "Categories",
        "sites": "Sites",
        "sources": "Sources",
        "attributions": "Map data",
        "data_date": "Data as of {year}",
        "no_period": "date unknown",
        "precision": "location ±{value}",
        "north": "N",
    },
    "vi": {
        "legend": "Loại di tích",
        "sites": "Các địa điểm",
        "sources": "Nguồn tư liệu",
        "attributions": "Dữ liệu bản đồ",
        "data_date": "Dữ liệu tính đến năm {year}",
        "no_period": "chưa rõ thời gian",
        "precision": "vị trí ±{value}",
        "north": "B",
    },
    "fr": {
        "legend": "Catégories",
        "sites": "Lieux",
        "sources": "Sources",
        "attributions": "Données cartographiques",
        "data_date": "Données à jour en {year}",
        "no_period": "date inconnue",
        "precision": "position ±{value}",
        "north": "N",
    },
}


@dataclass(frozen=True)
class PrintOptions:
    """What to print: paper, orientation, language, DPI of the PNG, layers (None: all)."""

    paper: str = "A4"
    orientation: str = "landscape"
    lang: str | None = None
    dpi: int = DEFAULT_DPI
    layers: tuple[str, ...] | None = None


def _marker(shape: str):
    """A matplotlib marker for one of the web map's shapes."""
    from matplotlib.path import Path as MplPath

    if shape in _SVG_POLYGONS:
        corners = [(x - 12, 12 - y) for x, y in _SVG_POLYGONS[shape]]  # SVG y points down
        return MplPath([*corners, corners[0]], closed=True)
    return {"circle": "o", "star": "*", "dome": "^", "ring": "o"}.get(shape, "o")


def metres_per_degree_longitude(latitude: float) -> float:
    """Metres along one degree of longitude at ``latitude``, on the WGS 84 ellipsoid:
    the parallel's radius a·cos φ / √(1 − e² sin² φ) times π/180.

    Examples
    --------
    >>> round(metres_per_degree_longitude(21.2)), round(metres_per_degree_longitude(0))
    (103831, 111319)
    """
    phi = math.radians(latitude)
    radius = WGS84_A * math.cos(phi) / math.sqrt(1 - WGS84_E2 * math.sin(phi) ** 2)
    return radius * math.pi / 180


def nice_length(maximum_m: float) -> float:
    """The longest 1, 2 or 5 × 10^k metres not above ``maximum_m``.

    Examples
    --------
    >>> nice_length(37_000), nice_length(9_999), nice_length(120)
    (20000, 5000, 100)
    """
    power = 10 ** math.floor(math.log10(maximum_m))
    return max(step * power for step in (1, 2, 5) if step * power <= maximum_m)


def _distance_label(metres: float) -> str:
    return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"


def _precision_label(metres) -> str | None:
    if metres is None or metres != metres:  # None or NaN
        return None
    return _distance_label(float(metres)) if metres >= 1000 else f"{float(metres):g} m"


def _words(lang: str) -> dict:
    return {**WORDS["en"], **WORDS.get(lang, {})}


def _sites(geodata, layer_ids, lang: str):
    """The printed sites, numbered from 1 in layer order: rows of plain values."""
    import shapely

    project = geodata.project
    chain = project.chain(lang)
    category_index = {c.id: i for i, c in enumerate(project.categories)}
    rows = []
    for layer_id in layer_ids:
        frame = geodata.layers[layer_id]
        for record in frame.to_dict("records"):
            geometry = record[frame.geometry.name]
            if geometry is None or geometry.is_empty:
                continue
            point = geometry if geometry.geom_type == "Point" else geometry.point_on_surface()
            name = next(
                (record.get(f"name_{c}") for c in chain if _present(record.get(f"name_{c}"))),
                record.get("id"),
            )
            period = record.get("period")
            rows.append(
                {
                    "number": len(rows) + 1,
                    "name": str(name),
                    "x": float(shapely.get_x(point)),
                    "y": float(shapely.get_y(point)),
                    "category": record.get("category"),
                    "symbol": category_symbol(category_index.get(record.get("category"), -1)),
                    "period": format_edtf(str(period), lang, fallbacks=chain[1:])
                    if _present(period)
                    else None,
                    "precision": _precision_label(record.get("location_precision_m")),
                }
            )
    return rows


def _present(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def data_year(geodata) -> int | None:
    """The data's present year: the latest year a dated site period or event starts."""
    texts = [str(t) for t in geodata.sites.get("period", []) if _present(t)]
    texts += [str(t) for t in geodata.events.get("date", []) if _present(t)]
    return present_year(texts)


def _extent(geodata, sites):
    """The map's lon/lat box: the project region with its margin, grown to the sites."""
    region = geodata.project.region
    west, south, east, north = region.bbox
    margin = getattr(region, "margin_deg", 0.0) or 0.0
    xs = [s["x"] for s in sites] + [west - margin, east + margin]
    ys = [s["y"] for s in sites] + [south - margin, north + margin]
    return min(xs), min(ys), max(xs), max(ys)


def _within(extent, geodata):
    """``extent`` moved (not resized) to lie inside the basemap's box where it fits, so
    that no band beyond the basemap's data shows as sea."""
    frames = [frame for frame in geodata.basemap.values() if len(frame)]
    if not frames:
        return extent
    bounds = [frame.total_bounds for frame in frames]
    limits = (
        min(b[0] for b in bounds),
        min(b[1] for b in bounds),
        max(b[2] for b in bounds),
        max(b[3] for b in bounds),
    )
    west, south, east, north = extent
    dx = _shift(west, east, limits[0], limits[2])
    dy = _shift(south, north, limits[1], limits[3])
    return west + dx, south + dy, east + dx, north + dy


def _shift(low: float, high: float, lower: float, upper: float) -> float:
    """How far to move ``[low, high]`` into ``[lower, upper]`` (0 when it does not fit).

    >>> _shift(0, 2, 0.5, 10), _shift(5, 11, 0, 10), _shift(-1, 20, 0, 10)
    (0.5, -1, 0)
    """
    if high - low > upper - lower:
        return 0
    if low < lower:
        return lower - low
    if high > upper:
        return upper - high
    return 0


def _fit(extent, box_ratio: float):
    """Grow ``extent`` (lon/lat) around its middle to the map box's width/height ratio,
    a degree of longitude drawn cos(latitude) as long as a degree of latitude (true
    to scale at the middle latitude, as a local equirectangular projection).

    Examples
    --------
    >>> [round(v, 3) for v in _fit((0.0, 0.0, 1.0, 1.0), 2.0)]
    [-0.5, 0.0, 1.5, 1.0]
    """
    west, south, east, north = extent
    stretch = math.cos(math.radians((south + north) / 2))
    width, height = (east - west) * stretch, north - south
    if width / height < box_ratio:
        grow = (height * box_ratio / stretch - (east - west)) / 2
        west, east = west - grow, east + grow
    else:
        grow = (width / box_ratio - height) / 2
        south, north = south - grow, north + grow
    return west, south, east, north


def print_map(geodata, targets: dict[str, Path], options: PrintOptions) -> None:
    """Draw the print map of ``geodata`` and save it to ``targets`` (``pdf``, ``png``)."""
    import matplotlib

    layer_ids = _layer_ids(geodata, options.layers)
    lang = options.lang or geodata.project.default_language
    rc = {
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "font.family": "sans-serif",
        "font.sans-serif": [FONT],
        "svg.hashsalt": PRODUCER,
        "path.simplify": True,
        "axes.unicode_minus": False,
    }
    with matplotlib.rc_context(rc):
        figure = _draw(geodata, layer_ids, lang, options)
        figure.savefig(targets["pdf"], format="pdf", metadata=PDF_METADATA)
        figure.savefig(targets["png"], format="png", dpi=options.dpi, metadata=PNG_METADATA)


def _layer_ids(geodata, wanted) -> list[str]:
    known = list(geodata.layers)
    if not wanted:
        return known
    unknown = [layer for layer in wanted if layer not in geodata.layers]
    if unknown:
        raise UsageError(
            f"--layer {', '.join(unknown)}: no such layer; the layers are {', '.join(known)}"
        )
    return [layer for layer in known if layer in wanted]


def _draw(geodata, layer_ids, lang, options):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    project = geodata.project
    words = _words(lang)
    width_mm, height_mm = PAPERS[options.paper]
    if options.orientation == "landscape":
        width_mm, height_mm = height_mm, width_mm
    scale = width_mm / PAPERS["A4"][0] if options.orientation == "portrait" else height_mm / 210
    figure = Figure(figsize=(width_mm / MM_PER_INCH, height_mm / MM_PER_INCH))
    FigureCanvasAgg(figure)
    size = 7.5 * scale  # body text, points

    def fx(mm):  # figure fractions from millimetres
        return mm / width_mm

    def fy(mm):
        return mm / height_mm

    margin = 10 * scale
    title = project.text(project.title, lang)
    figure.text(
        fx(margin),
        1 - fy(margin),
        title,
        fontsize=16 * scale,
        fontweight="bold",
        va="top",
        ha="left",
        wrap=True,
    )
    footer_mm = 24 * scale
    top = height_mm - margin - 12 * scale
    if options.orientation == "landscape":
        map_box = (margin, margin + footer_mm, width_mm * 0.6 - margin, top - margin - footer_mm)
        panel = (
            width_mm * 0.6 + 4 * scale,
            margin + footer_mm,
            width_mm * 0.4 - 4 * scale - margin,
        )
        panel_top = top
    else:
        map_h = (top - margin - footer_mm) * 0.6
        map_box = (margin, top - map_h, width_mm - 2 * margin, map_h)
        panel = (margin, margin + footer_mm, width_mm - 2 * margin)
        panel_top = top - map_h - 6 * scale
    axes = figure.add_axes((fx(map_box[0]), fy(map_box[1]), fx(map_box[2]), fy(map_box[3])))
    sites = _sites(geodata, layer_ids, lang)
    _draw_map(axes, geodata, sites, lang, size, words, map_box[2] / map_box[3])
    _draw_panel(figure, project, sites, lang, words, size, panel, panel_top, fx, fy, width_mm)
    _draw_footer(figure, geodata, lang, words, size, margin, footer_mm, fx, fy, width_mm)
    return figure


def _draw_map(axes, geodata, sites, lang, size, words, box_ratio):
    west, south, east, north = _within(_fit(_extent(geodata, sites), box_ratio), geodata)
    axes.set_facecolor(SEA)
    axes.set_xlim(west, east)
    axes.set_ylim(south, north)
    axes.set_xticks([])
    axes.set_yticks([])
    for spine in axes.spines.values():
        spine.set_linewidth(0.6)
    roles = {layer.id: layer.role for layer in geodata.project.basemap}
    for layer_id, frame in geodata.basemap.items():
        role = roles.get(layer_id)
        if role == "land":
            frame.plot(ax=axes, color=LAND, linewidth=0.2, edgecolor="#b8b0a0", zorder=1)
        elif role == "areas":
            frame.boundary.plot(ax=axes, color=AREA_EDGE, linewidth=0.3, zorder=2)
        elif role == "boundaries":
            frame.plot(ax=axes, color=BOUNDARY, linewidth=0.7, linestyle=(0, (4, 2)), zorder=3)
    figure = axes.figure
    canvas = figure.canvas
    figure.draw_without_rendering()  # final limits after the aspect adjustment
    renderer = canvas.get_renderer()
    x0, x1 = axes.get_xlim()
    y0, y1 = axes.get_ylim()
    taken = []  # window boxes already used: markers, numbers, labels
    # sites first: their markers and numbers win over place names
    markers = []
    for site in sites:
        shape, color = site["symbol"]
        (line,) = axes.plot(
            site["x"],
            site["y"],
            marker=_marker(shape),
            markersize=size * 1.5,
            markerfacecolor=color,
            markeredgecolor=OUTLINE,
            markeredgewidth=0.6,
            linestyle="none",
            zorder=6,
        )
        markers.append(line)
    for line in markers:
        taken.append(line.get_window_extent(renderer).expanded(1.05, 1.05))
    offsets = [(1, 1), (1, -1), (-1, 1), (-1, -1), (1.6, 0), (-1.6, 0), (0, 1.6), (0, -1.6)]
    for site in sites:
        placed = None
        for dx, dy in offsets:
            for reach in (1.0, 1.8, 2.6):
                label = axes.annotate(
                    str(site["number"]),
                    (site["x"], site["y"]),
                    xytext=(dx * size * reach, dy * size * reach),
                    textcoords="offset points",
                    ha="center",
                    va="center",
                    fontsize=size,
                    fontweight="bold",
                    zorder=8,
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": OUTLINE, "lw": 0.4},
                    arrowprops={"arrowstyle": "-", "lw": 0.4, "color": OUTLINE, "shrinkA": 0}
                    if reach > 1.0
                    else None,
                )
                box = label.get_window_extent(renderer)
                if not any(box.overlaps(other) for other in taken):
                    placed = box
                    break
                label.remove()
            if placed is not None:
                break
        if placed is None:  # every place is taken: keep the first, still readable
            label = axes.annotate(
                str(site["number"]),
                (site["x"], site["y"]),
                xytext=(size, size),
                textcoords="offset points",
                ha="center",
                va="center",
                fontsize=size,
                fontweight="bold",
                zorder=8,
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": OUTLINE, "lw": 0.4},
            )
            placed = label.get_window_extent(renderer)
        taken.append(placed)
    axes.set_xlabel("")
    axes.set_ylabel("")
    furniture = [
        *_draw_scale_bar(axes, size, (x0, x1, y0, y1)),
        _draw_north_arrow(axes, size, words),
    ]
    taken += [artist.get_window_extent(renderer).expanded(1.1, 1.3) for artist in furniture]
    _draw_places(axes, geodata, lang, size, renderer, taken, (x0, x1, y0, y1))


def _draw_places(axes, geodata, lang, size, renderer, taken, limits):
    from heritage_mapper.model import place_label

    x0, x1, y0, y1 = limits
    roles = {layer.id: layer.role for layer in geodata.project.basemap}
    for layer_id, frame in geodata.basemap.items():
        if roles.get(layer_id) != "places":
            continue
        rows = []
        for record in frame.to_dict("records"):
            point = record["geometry"]
            if point is None or point.geom_type != "Point":
                continue
            if not (x0 <= point.x <= x1 and y0 <= point.y <= y1):
                continue
            properties = {k: v for k, v in record.items() if _present(v)}
            name = properties.get(f"name_{lang}") if lang != "en" else None
            name = name or place_label(properties)
            if name:
                population = record.get("population") or 0
                rows.append((-float(population), name, point.x, point.y))
        for _, name, x, y in sorted(rows):
            dot = axes.plot(x, y, marker="o", markersize=size * 0.3, color="#555555", zorder=4)[0]
            text = axes.annotate(
                name,
                (x, y),
                xytext=(size * 0.4, size * 0.2),
                textcoords="offset points",
                fontsize=size * 0.8,
                color="#444444",
                style="italic",
                zorder=5,
            )
            box = text.get_window_extent(renderer)
            inside = axes.get_window_extent(renderer)
            if any(box.overlaps(other) for other in taken) or not (
                inside.contains(box.x0, box.y0) and inside.contains(box.x1, box.y1)
            ):
                text.remove()
                dot.remove()
                continue
            taken.append(box)


def scale_bar(limits) -> tuple[float, float, float, float]:
    """Where the scale bar goes on a map of ``limits`` (x0, x1, y0, y1 in degrees), and
    how long it is: ``(left, latitude, length in degrees of longitude, metres)``.

    The metres are measured on the WGS 84 ellipsoid along the bar's own parallel (near
    the bottom of the map), a round 1, 2 or 5 × 10^k close to a third of the map width.

    Examples
    --------
    >>> left, latitude, degrees, metres = scale_bar((106.2, 108.3, 20.4, 21.9))
    >>> metres, round(degrees, 4), round(latitude, 2)
    (50000, 0.4793, 20.49)
    """
    x0, x1, y0, y1 = limits
    latitude = y0 + (y1 - y0) * 0.06
    per_degree = metres_per_degree_longitude(latitude)
    length_m = nice_length((x1 - x0) * 0.3 * per_degree)
    return x0 + (x1 - x0) * 0.04, latitude, length_m / per_degree, length_m


def _draw_scale_bar(axes, size, limits) -> list:
    """The bar, in four black and white quarters, labelled 0, half and its length."""
    x0, x1, y0, y1 = limits
    left, latitude, length_deg, length_m = scale_bar(limits)
    height = (y1 - y0) * 0.008
    artists = []
    for k, color in enumerate(("#222222", "white", "#222222", "white")):
        artists.append(
            axes.add_patch(
                _rectangle(left + k * length_deg / 4, latitude, length_deg / 4, height, color)
            )
        )
    for k in (0, 2, 4):
        label = _distance_label(length_m * k / 4) if k else "0"
        artists.append(
            axes.text(
                left + k * length_deg / 4,
                latitude + height * 1.8,
                label,
                ha="center",
                va="bottom",
                fontsize=size * 0.85,
                zorder=9,
            )
        )
    return artists


def _rectangle(x, y, width, height, color):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), width, height, facecolor=color, edgecolor="#222222", lw=0.5, zorder=9)


def _draw_north_arrow(axes, size, words):
    """An arrow pointing up: the map's meridians are vertical (lon/lat axes)."""
    return axes.annotate(
        words["north"],
        xy=(0.95, 0.95),
        xytext=(0.95, 0.84),
        xycoords="axes fraction",
        textcoords="axes fraction",
        ha="center",
        va="top",
        fontsize=size * 1.3,
        fontweight="bold",
        arrowprops={
            "arrowstyle": "-|>,head_width=0.4,head_length=0.8",
            "lw": 1.4,
            "color": "#222222",
        },
        zorder=9,
    )


def _draw_panel(figure, project, sites, lang, words, size, panel, panel_top, fx, fy, width_mm):
    from matplotlib.lines import Line2D

    left, bottom, width = panel
    points_per_mm = 72 / MM_PER_INCH
    line_mm = size * 1.35 / points_per_mm
    chars = max(20, int(width * points_per_mm / (size * CHAR_EM)))
    y = panel_top
    figure.text(fx(left), fy(y), words["legend"], fontsize=size * 1.2, fontweight="bold", va="top")
    y -= line_mm * 1.4
    used = {site["category"] for site in sites}
    for index, category in enumerate(project.categories):
        if category.id not in used:
            continue
        shape, color = category_symbol(index)
        handle = Line2D(
            [0], [0], marker=_marker(shape), markersize=size * 1.3, markerfacecolor=color,
            markeredgecolor=OUTLINE, markeredgewidth=0.6, linestyle="none",
        )  # fmt: skip
        figure.add_artist(handle)
        handle.set_transform(figure.transFigure)
        handle.set_data([fx(left + 2)], [fy(y - line_mm * 0.45)])
        figure.text(
            fx(left + 6), fy(y), project.text(category.label, lang), fontsize=size, va="top"
        )
        y -= line_mm * 1.2
    y -= line_mm * 0.6
    figure.text(fx(left), fy(y), words["sites"], fontsize=size * 1.2, fontweight="bold", va="top")
    y -= line_mm * 1.4
    for site in sites:
        details = " · ".join(
            part
            for part in (
                site["period"] or words["no_period"],
                words["precision"].format(value=site["precision"]) if site["precision"] else None,
            )
            if part
        )
        lines = textwrap.wrap(f"{site['name']} — {details}", width=chars - 4)
        figure.text(
            fx(left), fy(y), f"{site['number']}.", fontsize=size, fontweight="bold", va="top"
        )
        for line in lines:
            figure.text(fx(left + 5), fy(y), line, fontsize=size, va="top")
            y -= line_mm
        y -= line_mm * 0.3


def _draw_footer(figure, geodata, lang, words, size, margin, footer_mm, fx, fy, width_mm):
    project = geodata.project
    chain = project.chain(lang)
    points_per_mm = 72 / MM_PER_INCH
    small = size * 0.85
    chars = int((width_mm - 2 * margin) * points_per_mm / (small * CHAR_EM))
    titles = []
    for record in geodata.sources.to_dict("records"):
        title = next(
            (record.get(f"title_{c}") for c in chain if _present(record.get(f"title_{c}"))), None
        )
        titles.append(title or str(record.get("id")))
    attributions = list(
        dict.fromkeys(project.text(layer.attribution, lang) for layer in project.basemap)
    )
    year = data_year(geodata)
    lines = textwrap.wrap(f"{words['sources']}: " + "; ".join(titles), width=chars)
    lines += textwrap.wrap(f"{words['attributions']}: " + " · ".join(attributions), width=chars)
    if year is not None:
        lines.append(words["data_date"].format(year=year))
    line_mm = small * 1.3 / points_per_mm
    y = margin + footer_mm - 4 * size / 7.5  # 4 mm below the map on A4
    for line in lines:
        figure.text(fx(margin), fy(y), line, fontsize=small, va="top", color="#222222")
        y -= line_mm


def output_paths(out: str | Path, options: PrintOptions, lang: str) -> dict[str, Path]:
    """The PDF and PNG paths for ``--out``: a folder (one that exists, or a name with no
    suffix) gets ``map-<paper>-<orientation>-<lang>``; a ``.pdf``/``.png`` file name
    names both (same stem). Any other name is a UsageError: ``map.svg`` became a
    folder of that name, and an existing file a "cannot create the folder" error.
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if not out.is_dir() and suffix in (".pdf", ".png"):
        stem = out.with_suffix("")
    elif out.is_dir() or (not suffix and not out.exists()):
        stem = out / f"map-{options.paper.lower()}-{options.orientation}-{lang}"
    else:
        what = "is a file" if out.exists() else f"ends {out.suffix}"
        raise UsageError(
            f"--out {out}: {what}; a print is a PDF and a PNG: give a name ending .pdf or "
            ".png, or a folder (create it first if its name has a dot)"
        )
    return {"pdf": stem.with_suffix(".pdf"), "png": stem.with_suffix(".png")}


def print_geodata(
    geodata_dir: str | Path,
    out: str | Path = "exports",
    *,
    paper: str = "A4",
    orientation: str = "landscape",
    lang: str | None = None,
    dpi: int = DEFAULT_DPI,
    layers=None,
    max_bytes: int | None = None,
    sources_dir: str | Path | None = None,
    jobs: int | None = None,
) -> list[Path]:
    """Validate and load ``geodata_dir`` and print its map to ``out``: the PDF and the
    PNG written (:func:`output_paths`). What ``heritage-mapper print`` calls.

    Raises
    ------
    UsageError
        An unknown paper, orientation, language or layer, a DPI out of range, or an
        output folder inside the geodata folder (exit code 2).
    OutputError
        The output folder cannot be created or written (exit code 1).
    """
    options = PrintOptions(
        paper=paper,
        orientation=orientation,
        lang=lang,
        dpi=dpi,
        layers=tuple(layers) if layers else None,
    )
    from heritage_mapper.frames import load_geodata

    if options.paper not in PAPERS:
        raise UsageError(f"--paper {options.paper}: unknown paper; use {' or '.join(PAPERS)}")
    if options.orientation not in ORIENTATIONS:
        raise UsageError(f"--orientation {options.orientation}: use portrait or landscape")
    if options.dpi < 30 or options.dpi > 1200:
        raise UsageError(f"--dpi {options.dpi}: choose between 30 and 1200")
    paths_guess = output_paths(out, options, "xx")
    folder = paths_guess["pdf"].parent
    check_output_folders(geodata_dir, out=folder)
    geodata = load_geodata(geodata_dir, max_bytes=max_bytes, sources_dir=sources_dir, jobs=jobs)
    lang = options.lang or geodata.project.default_language
    if lang not in geodata.project.languages:
        raise UsageError(
            f"--lang {lang}: not a language of this project; "
            f"use {', '.join(geodata.project.languages)}"
        )
    _layer_ids(geodata, options.layers)
    targets = output_paths(out, options, lang)
    ensure_writable_dir(folder)
    # the folder's lock, as build and export take it: their clean-up of temporary
    # files would otherwise remove this one's, and a build's exports go here by default
    with (
        output_lock(folder),
        atomic_files([targets["pdf"], targets["png"]]) as (pdf, png),
    ):
        print_map(geodata, {"pdf": pdf, "png": png}, options)
    return [targets["pdf"], targets["png"]]
