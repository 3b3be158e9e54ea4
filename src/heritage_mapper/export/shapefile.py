"""Shapefile: one zip per layer with ``.shp .shx .dbf .prj .cpg`` and ``fields.csv``.

Text is UTF-8 (the ``.cpg`` says so), so Vietnamese stays intact. Two dBASE limits
shape the file:

- field names hold at most 10 characters: :data:`SHAPEFILE_FIELD_NAMES` is the stable,
  documented mapping (README, "Shapefile field names"), and every zip carries it as
  ``fields.csv`` (``field,column``);
- a text value holds at most 254 bytes: longer texts (descriptions, summaries) are cut
  at a character boundary and end with ``…``; the other formats keep the full text.

ZIP entries have a fixed order, date and mode, so the zip is byte-identical for the
same data.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
import zipfile
from pathlib import Path

from heritage_mapper.atomic import TEMP_PREFIX, TEMP_SUFFIX
from heritage_mapper.export.ogr import FIXED_DATE, values_kind, write_layer
from heritage_mapper.export.tables import ExportData
from heritage_mapper.model import dbf_integer_fits, dbf_number_fits
from heritage_mapper.text import ascii_fold

__all__ = [
    "SHAPEFILE_FIELD_NAMES",
    "FIELDS_FILE",
    "DBF_TEXT_MAX_BYTES",
    "shapefile_field_names",
    "fit_dbf_text",
    "outputs",
    "write",
    "stable_field_name",
    "LOCALIZED_FIELD_STEMS",
    "geometry_parts",
    "exact_numbers",
]

# Column → dBASE field name. Stable: change a name only with a release note, since
# users' QGIS projects and scripts refer to these.
SHAPEFILE_FIELD_NAMES = {
    "id": "id",
    "layer": "layer",
    "category": "category",
    "period": "period",
    "period_start": "per_start",
    "period_end": "per_end",
    "location_precision_m": "precis_m",
    "source_refs": "src_refs",
    "event_id": "event_id",
    "site_id": "site_id",
    "site_ids": "site_ids",
    "date": "date",
    "date_start": "date_start",
    "date_end": "date_end",
    "date_end_excl": "end_excl",
    "approximate": "approx",
    "uncertain": "uncertain",
    "source": "source",
    "source_id": "source_id",
    "paragraph": "paragraph",
}
#: Per-language column base → the stem of its field names (``description_fr`` →
#: ``desc_fr``), for every language a project declares.
LOCALIZED_FIELD_STEMS = {
    "name": "name",
    "description": "desc",
    "location_basis": "basis",
    "admin_then": "admthen",
    "admin_now": "admnow",
    "title": "title",
    "summary": "summ",
    "site_name": "site_nm",
}
FIELD_NAME_MAX = 10
FIELDS_FILE = "fields.csv"
DBF_TEXT_MAX_BYTES = 254
ELLIPSIS = "…"
EXTENSION = ".shp.zip"
PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
DRIVER = "ESRI Shapefile"
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
ZIP_FILE_MODE = 0o644
ZIP_UNIX = 3
ZIP_BLOCK_BYTES = 1 << 20  # read into the zip a MiB at a time


def _ascii_name(name: str) -> str:
    folded = ascii_fold(name)
    cleaned = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in folded)
    return cleaned or "field"


def stable_field_name(column: str) -> str | None:
    """The stable field name of a known column, per-language ones included."""
    if column in SHAPEFILE_FIELD_NAMES:
        return SHAPEFILE_FIELD_NAMES[column]
    stem, _, lang = column.rpartition("_")
    if stem in LOCALIZED_FIELD_STEMS and lang.isascii() and lang.isalpha():
        return f"{LOCALIZED_FIELD_STEMS[stem]}_{lang}"[:FIELD_NAME_MAX]
    return None


def shapefile_field_names(columns) -> dict[str, str]:
    """Column → dBASE field name (at most 10 characters, unique ignoring case).

    Known columns use :data:`SHAPEFILE_FIELD_NAMES` and, per language,
    :data:`LOCALIZED_FIELD_STEMS`; any other column is folded to
    ASCII and cut to 10 characters, and on a clash cut further and numbered, in column
    order, so the names are stable.

    Examples
    --------
    >>> shapefile_field_names(["id", "description_vi", "a_very_long_x", "a_very_long_y"])
    {'id': 'id', 'description_vi': 'desc_vi', 'a_very_long_x': 'a_very_lon', 'a_very_long_y': 'a_very_lo1'}
    """  # noqa: E501
    columns = list(columns)
    names: dict[str, str] = {}
    # the documented names first: an extra column never takes one (``desc_vi``)
    stable: dict[str, str] = {}
    for column in columns:
        name = stable_field_name(column)
        if name and name.lower() not in {v.lower() for v in stable.values()}:
            stable[column] = name
    taken: set[str] = {name.lower() for name in stable.values()}
    for column in columns:
        if column in stable:
            names[column] = stable[column]
            continue
        base = stable_field_name(column) or _ascii_name(column)[:FIELD_NAME_MAX]
        candidate, n = base, 1
        while candidate.lower() in taken:
            suffix = str(n)
            candidate = base[: FIELD_NAME_MAX - len(suffix)] + suffix
            n += 1
        taken.add(candidate.lower())
        names[column] = candidate
    return names


def fit_dbf_text(text: str) -> str:
    """Cut text to the dBASE limit of 254 UTF-8 bytes at a character boundary, with '…'.

    Examples
    --------
    >>> short = fit_dbf_text("Hạ Long " * 60)
    >>> len(short.encode("utf-8")) <= 254, short.endswith("…")
    (True, True)
    """
    if len(text) <= DBF_TEXT_MAX_BYTES // 4:  # at most 4 bytes a character: it fits
        return text  # (nearly every value: no encoding; the reader left no lone surrogate)
    encoded = text.encode("utf-8")
    if len(encoded) <= DBF_TEXT_MAX_BYTES:
        return text
    room = DBF_TEXT_MAX_BYTES - len(ELLIPSIS.encode("utf-8"))
    return encoded[:room].decode("utf-8", errors="ignore") + ELLIPSIS


#: Shapefile geometry kinds, in file order: a shapefile holds one of them.
GEOMETRY_KINDS = {
    "Point": "point",
    "MultiPoint": "point",
    "LineString": "line",
    "MultiLineString": "line",
    "Polygon": "polygon",
    "MultiPolygon": "polygon",
}
KIND_ORDER = ("point", "line", "polygon")
#: :data:`GEOMETRY_KINDS` by shapely's geometry type id (``shapely.get_type_id``).
KIND_OF_TYPE_ID = {0: "point", 4: "point", 1: "line", 5: "line", 3: "polygon", 6: "polygon"}


def _kind_parts(geometry) -> dict[str, object]:
    """Shapefile kind → the part of ``geometry`` of that kind (a GeometryCollection,
    nested or not, is split into its points, lines and polygons, each kind as one
    Multi geometry)."""
    import shapely

    if geometry is None:
        return {}
    kind = GEOMETRY_KINDS.get(geometry.geom_type)
    if kind is not None:
        return {kind: geometry}
    found: dict[str, list] = {}
    stack = [geometry]
    while stack:
        item = stack.pop()
        if item.geom_type == "GeometryCollection":
            stack.extend(reversed(shapely.get_parts(item).tolist()))
        elif item.geom_type in GEOMETRY_KINDS:
            found.setdefault(GEOMETRY_KINDS[item.geom_type], []).extend(
                shapely.get_parts(item).tolist()
            )
    multi = {"point": shapely.MultiPoint, "line": shapely.MultiLineString}
    return {
        kind: multi.get(kind, shapely.MultiPolygon)(parts) if len(parts) > 1 else parts[0]
        for kind, parts in found.items()
    }


def geometry_parts(name: str, frame) -> list[tuple[str, object]]:
    """(file name, rows) for one frame: the frame itself when its geometries are of one
    shapefile kind (point, line, polygon), else one ``<stem>.<kind>.shp.zip`` per kind,
    in the order point, line, polygon (a shapefile holds one kind). A
    GeometryCollection's parts go to the files of their kinds, each with the row's
    attributes.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> frame = gpd.GeoDataFrame(geometry=[shapely.Point(0, 0), shapely.box(0, 0, 1, 1)])
    >>> [n for n, _ in geometry_parts("sites-a.shp.zip", frame)]
    ['sites-a.point.shp.zip', 'sites-a.polygon.shp.zip']
    """
    import numpy as np
    import shapely

    types = shapely.get_type_id(frame.geometry.to_numpy())  # -1: no geometry
    kinds = {KIND_OF_TYPE_ID.get(t) for t in np.unique(types[types >= 0]).tolist()}
    if None not in kinds and len(kinds) <= 1:  # one kind, no ring or collection
        return [(name, frame)]
    geometries = list(frame.geometry)
    split = [_kind_parts(g) for g in geometries]
    present = [k for k in KIND_ORDER if any(k in parts for parts in split)]
    stem = name.removesuffix(EXTENSION)
    files = []
    for kind in present:
        rows = [i for i, parts in enumerate(split) if kind in parts]
        part = frame.iloc[rows].reset_index(drop=True)
        part = part.set_geometry(
            type(frame.geometry)([split[i][kind] for i in rows], crs=frame.crs),
        )
        file_name = name if len(present) == 1 else f"{stem}.{kind}{EXTENSION}"
        files.append((file_name, part))
    return files


def _files(data: ExportData) -> list[tuple[str, object]]:
    return [
        part for name, frame in data.frame_files(EXTENSION) for part in geometry_parts(name, frame)
    ]


def outputs(data: ExportData) -> list[str]:
    return [name for name, _ in _files(data)]


def exact_numbers(frame):
    """``frame`` with every float column that has a value a dBASE number field cannot
    hold exactly (:func:`~heritage_mapper.model.dbf_number_fits`) turned into text, each
    value its shortest exact decimal (``1.23e+300``), and every integer column with a
    value GDAL would read back as a real (:func:`~heritage_mapper.model.dbf_integer_fits`:
    19 characters or more) turned into its digits; ``validate`` warns about these
    (``site-property-number-shapefile``)."""
    import pandas as pd

    changed = None
    for column in frame.columns:
        series = frame[column]
        if column == frame.geometry.name:
            continue
        if _has_fractions(series):
            values = series.to_numpy(dtype="float64", na_value=float("nan"))
            if all(dbf_number_fits(v) for v in values):
                continue
            text = [None if pd.isna(v) else repr(float(v)) for v in series]
        elif _has_integers(series):
            present = series[series.notna()]
            if present.empty or all(map(dbf_integer_fits, (present.min(), present.max()))):
                continue
            text = [None if pd.isna(v) else str(int(v)) for v in series]
        else:
            continue
        changed = frame.copy() if changed is None else changed
        changed[column] = pd.array(text, dtype=object)
    return frame if changed is None else changed


def _has_integers(series) -> bool:
    """A column written as a whole-number field: integers, or an object column of
    integers that :func:`~heritage_mapper.export.ogr.values_kind` reads as ``"int"``."""
    import pandas as pd

    if pd.api.types.is_integer_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return True
    return series.dtype == object and values_kind(series[series.notna()]) == "int"


def _has_fractions(series) -> bool:
    """A column written as a real field: float, or an object column of numbers that
    :func:`~heritage_mapper.export.ogr.values_kind` reads as ``"float"``."""
    import pandas as pd

    if pd.api.types.is_float_dtype(series):
        return True
    return series.dtype == object and values_kind(series[series.notna()]) == "float"


def _fields_csv(names: dict[str, str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["field", "column"])
    writer.writerows((field, column) for column, field in names.items())
    return buffer.getvalue().encode("utf-8")


def _zip_info(name: str, size: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = ZIP_UNIX  # the same bytes whichever system writes it
    info.external_attr = ZIP_FILE_MODE << 16
    info.file_size = size  # known before writing, as writestr() knows it: the same header
    return info


def _zip_entry(archive: zipfile.ZipFile, name: str, payload: bytes) -> None:
    archive.writestr(_zip_info(name, len(payload)), payload)


def _zip_file(archive: zipfile.ZipFile, name: str, path: Path) -> None:
    """``path`` into ``archive`` as ``name``, read a block at a time: the events' .dbf
    is 400 MB at 100,000 sites, which read whole sat in memory beside the loaded data.
    Deflate's output does not depend on how its input is split, so the entry has the
    same bytes as one :meth:`zipfile.ZipFile.writestr` writes."""
    with path.open("rb") as source, archive.open(_zip_info(name, path.stat().st_size), "w") as out:
        shutil.copyfileobj(source, out, ZIP_BLOCK_BYTES)


def write(data: ExportData, paths: dict) -> None:
    for name, frame in _files(data):
        frame = exact_numbers(frame)
        target = paths[name]
        stem = name.removesuffix(EXTENSION)
        names = shapefile_field_names(c for c in frame.columns if c != frame.geometry.name)
        # named like every temporary file, so a killed run's folder is found and removed
        with tempfile.TemporaryDirectory(
            dir=target.parent, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX
        ) as tmp:
            folder = Path(tmp)
            write_layer(
                folder / f"{stem}.shp",
                frame,
                stem,
                DRIVER,
                names=names,
                text=fit_dbf_text,
                encoding="UTF-8",
                layer_options={"DBF_DATE_LAST_UPDATE": FIXED_DATE},
            )
            with zipfile.ZipFile(target, "w") as archive:
                for part in PARTS:
                    _zip_file(archive, stem + part, folder / (stem + part))
                _zip_entry(archive, FIELDS_FILE, _fields_csv(names))
