"""Writing one layer through GDAL (pyogrio), shared by the GeoPackage, Shapefile and
FlatGeobuf writers.

Columns are handed to GDAL as numpy arrays so their types are exact: the EDTF bounds
become ``DATE`` fields (QGIS's Temporal Controller plays them), lists become
``"; "``-joined text, missing values become NULL.

Determinism: timestamps GDAL would take from the clock are fixed
(:data:`FIXED_TIMESTAMP`, through GDAL's ``OGR_CURRENT_DATE`` option for GeoPackage
and ``DBF_DATE_LAST_UPDATE`` for Shapefile), so the same data gives byte-identical
files. They do not record when the export ran.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

from heritage_mapper.errors import OutputError
from heritage_mapper.export.tables import flat
from heritage_mapper.progress import count_rows

__all__ = ["FIXED_TIMESTAMP", "FIXED_DATE", "gdal_config", "write_layer"]

# 1980-01-01 is also the earliest date a ZIP entry can carry.
FIXED_TIMESTAMP = "1980-01-01T00:00:00.000Z"
FIXED_DATE = "1980-01-01"


@contextlib.contextmanager
def gdal_config(**options) -> Iterator[None]:
    """Set GDAL config options for the block and put the old values back after."""
    import pyogrio

    before = {key: pyogrio.get_gdal_config_option(key) for key in options}
    pyogrio.set_gdal_config_options(options)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(before)


def _column_array(series, text=None):
    """``(array, mask)`` for one column; ``mask`` is None or True where the value is NULL.

    A column of an extra property holds Python values, with None where a site lacks
    it: ``true``/``false`` stays a boolean field and whole numbers an integer field
    (NULL where missing), never the text ``"True"`` or a real ``1200.0``.
    """
    import numpy as np
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(series):
        return series.to_numpy().astype("datetime64[D]"), None
    if pd.api.types.is_bool_dtype(series) and not series.isna().any():
        return series.to_numpy(dtype=bool), None
    if pd.api.types.is_integer_dtype(series) and not series.isna().any():
        return series.to_numpy(dtype="int64"), None
    if pd.api.types.is_float_dtype(series):
        return series.to_numpy(dtype="float64", na_value=np.nan), None
    if pd.api.types.infer_dtype(series, skipna=True) == "string":  # text only: no per-value pass
        values = series.to_numpy(dtype=object, na_value=None)
        if text is not None:
            values = np.array([None if v is None else text(v) for v in values], dtype=object)
        return values, None
    missing = series.isna().to_numpy()
    kind = values_kind(series[~missing])
    if kind == "bool":
        values = [bool(v) if not m else False for v, m in zip(series, missing, strict=True)]
        return np.array(values, dtype=bool), missing
    if kind == "int":
        values = [int(v) if not m else 0 for v, m in zip(series, missing, strict=True)]
        return np.array(values, dtype="int64"), missing
    if kind == "float":
        return series.to_numpy(dtype="float64", na_value=np.nan), None
    text = text or str
    values = [flat(v) for v in series]
    return np.array([None if v is None else text(str(v)) for v in values], dtype=object), None


INT64_RANGE = (-(2**63), 2**63 - 1)
FLOAT_EXACT_MAX = 2**53  # every whole number up to this is exact as a double


def values_kind(present) -> str:
    """The field an object column's present (non-NULL) values are written as: ``"bool"``,
    ``"int"`` (every value fits int64), ``"float"`` (whole numbers and reals, each
    whole number exact as a double), else ``"text"`` (a mix, a whole number beyond
    int64, or beyond 2**53 beside a real, lists, objects, or no value at all: text
    keeps every digit).

    >>> values_kind([1, 2]), values_kind([1, 0.5]), values_kind([2**53 + 1, 0.5])
    ('int', 'float', 'text')
    """
    kinds = {_scalar_kind(v) for v in present}
    if kinds == {"bool"} or kinds == {"int"}:
        return kinds.pop()
    if kinds and kinds <= {"int", "float"}:
        # a real field holds a whole number beyond 2**53 rounded: 2**63 - 1 came back
        # as 9.223372036854776e18 beside a 0.5
        wide = any(_scalar_kind(v) == "int" and abs(int(v)) > FLOAT_EXACT_MAX for v in present)
        return "text" if wide else "float"
    return "text"


def _scalar_kind(value) -> str:
    """``"bool"``, ``"int"`` (fits int64), ``"float"`` or ``"other"``, for one value."""
    import numpy as np

    if isinstance(value, bool | np.bool_):
        return "bool"
    if isinstance(value, int | np.integer) and INT64_RANGE[0] <= value <= INT64_RANGE[1]:
        return "int"
    if isinstance(value, float | np.floating):
        return "float"
    return "other"


def _geometry_type(geometries) -> str:
    kinds = {g.geom_type for g in geometries if g is not None}
    if len(kinds) == 1:
        return kinds.pop()
    bases = {k.removeprefix("Multi") for k in kinds}
    if len(bases) == 1:
        return "Multi" + bases.pop()  # pyogrio promotes the single parts
    return "Unknown"


def write_layer(
    path, frame, layer: str, driver: str, *, names=None, text=None, utc_datetimes=(), **options
):
    """Write a DataFrame or GeoDataFrame as one layer of ``path``.

    ``names`` maps column → field name; ``text`` transforms every text value (the
    Shapefile writer cuts to the dBASE limit); the date columns named in
    ``utc_datetimes`` are written as UTC date-times (midnight, ``Z``) rather than dates;
    ``options`` go to ``pyogrio.raw.write`` (``layer_options``, ``encoding``, ...). GDAL
    failures become :class:`~heritage_mapper.errors.OutputError`. The rows written are
    counted (:func:`~heritage_mapper.progress.count_rows`) once the layer is written.
    """
    import geopandas as gpd
    import pyogrio.errors
    import shapely
    from pyogrio.raw import write

    geometry_name = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    columns = [c for c in frame.columns if c != geometry_name]
    import numpy as np

    pairs = [_column_array(frame[c], text) for c in columns]
    arrays = [array for array, _ in pairs]
    offsets = {}
    for i, column in enumerate(columns):
        if column in utc_datetimes:
            arrays[i] = arrays[i].astype("datetime64[ms]")
            offsets[names[column] if names else column] = np.full(len(frame), 100, np.int32)
    if offsets:  # GDAL's time zone flag: 100 is UTC
        options["gdal_tz_offsets"] = offsets
    masks = [mask for _, mask in pairs]
    field_mask = masks if any(m is not None for m in masks) else None
    fields = [names[c] if names else c for c in columns]
    if geometry_name:
        geoms = frame.geometry.to_numpy()
        geometry = shapely.to_wkb(geoms, output_dimension=2)
        geometry_type, crs = _geometry_type(geoms), frame.crs.to_wkt()
    else:
        geometry = geometry_type = crs = None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            write(
                str(path),
                geometry,
                arrays,
                fields,
                field_mask=field_mask,
                layer=layer,
                driver=driver,
                geometry_type=geometry_type,
                crs=crs,
                **options,
            )
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise OutputError(f"{path}: GDAL ({driver}) cannot write layer {layer!r}: {exc}") from exc
    if caught:  # GDAL wrote something other than what it was given: never silently
        raise OutputError(
            f"{path}: GDAL ({driver}) did not write layer {layer!r} exactly: "
            f"{str(caught[0].message).splitlines()[0]}"
        )
    count_rows(len(frame))  # a progress display's features written
