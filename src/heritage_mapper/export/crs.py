"""Coordinate reference systems for exports: parse ``--crs``, reproject with the datum shift.

Data is stored in WGS84 (EPSG:4326). An export in another CRS is reprojected with the
single best PROJ operation, never a "ballpark" one: for VN-2000 codes (EPSG:5899,
EPSG:3405, ...) that is the official 7-parameter Helmert shift (EPSG:6960). PROJ's
network is switched off while the transformer is built, so an export never downloads
a grid and never silently falls back to a less accurate operation: if the best one
needs a grid that is not installed, the export refuses with a clear message.

Examples
--------
>>> crs = resolve_crs("EPSG:5899")
>>> crs.name
'VN-2000 / TM-3 107-45'
>>> x, y = transform_points(crs, [107.3], [21.0])
>>> round(float(x[0]), 3), round(float(y[0]), 3)
(453022.694, 2323021.903)
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

from heritage_mapper.errors import UsageError

__all__ = [
    "WGS84_EPSG",
    "resolve_crs",
    "crs_label",
    "is_wgs84",
    "transform_points",
    "reproject",
    "check_area_of_use",
    "transformer_for",
]

WGS84_EPSG = 4326
EPSG_CODE = re.compile(r"^\s*(?:EPSG:)?(\d{4,6})\s*$", re.IGNORECASE)
#: Written as an EPSG code, but with a number no EPSG code has (1 to 3 or 7+ digits).
EPSG_LIKE = re.compile(r"^\s*(?:EPSG:)?\d+\s*$", re.IGNORECASE)
CRS_EXAMPLES = "EPSG:5899 (VN-2000 / TM-3 107-45), EPSG:3405 (VN-2000 / UTM 48N), EPSG:32648"


def resolve_crs(value=None):
    """Parse an EPSG code (``"EPSG:5899"``, ``"5899"`` or ``5899``) into a pyproj CRS.

    ``None`` means WGS84. Raises :class:`~heritage_mapper.errors.UsageError` for a code
    that is not an EPSG code, that PROJ does not know, or that is not a 2D horizontal
    (geographic or projected) CRS.

    Examples
    --------
    >>> resolve_crs(None).to_epsg()
    4326
    >>> resolve_crs("epsg:3405").name
    'VN-2000 / UTM zone 48N'
    >>> resolve_crs("EPSG:999999")
    Traceback (most recent call last):
    ...
    heritage_mapper.errors.UsageError: --crs EPSG:999999: PROJ knows no such EPSG code; ...
    """
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    if value is None:
        return CRS.from_epsg(WGS84_EPSG)
    match = EPSG_CODE.match(str(value))
    if not match and EPSG_LIKE.match(str(value)):
        digits = sum(c.isdigit() for c in str(value))
        raise UsageError(
            f"--crs {value}: an EPSG code has 4 to 6 digits, this one {digits}; e.g. {CRS_EXAMPLES}"
        )
    if not match:
        raise UsageError(
            f"--crs {value}: not an EPSG code; write it as EPSG:NNNN, e.g. {CRS_EXAMPLES}"
        )
    code = int(match.group(1))
    try:
        crs = CRS.from_epsg(code)
    except CRSError as exc:
        raise UsageError(
            f"--crs EPSG:{code}: PROJ knows no such EPSG code; check it, e.g. {CRS_EXAMPLES}"
        ) from exc
    if not (crs.is_geographic or crs.is_projected) or len(crs.axis_info) != 2:
        raise UsageError(
            f"--crs EPSG:{code} ({crs.name}) is a {crs.type_name}, not a 2D map projection "
            f"or latitude/longitude system; choose one such as {CRS_EXAMPLES}"
        )
    return crs


def crs_label(crs) -> str:
    """``"EPSG:5899"`` for a CRS with an EPSG code, else its name."""
    code = crs.to_epsg()
    return f"EPSG:{code}" if code else crs.name


def is_wgs84(crs) -> bool:
    """Whether ``crs`` is WGS84 longitude/latitude (EPSG:4326)."""
    return crs.to_epsg() == WGS84_EPSG


def check_area_of_use(crs, bounds) -> None:
    """Refuse a CRS whose area of use does not cover ``bounds`` (west, south, east, north).

    A projection used far outside its area (Lambert-93 for Vietnam) gives numbers that
    no GIS user should trust; better to say so than to write them.
    """
    area = crs.area_of_use
    if area is None:
        return
    west, south, east, north = bounds
    a_west, a_south, a_east, a_north = area.bounds
    if a_west <= west and east <= a_east and a_south <= south and north <= a_north:
        return
    raise UsageError(
        f"--crs {crs_label(crs)} ({crs.name}) is meant for {area.name.rstrip('.')} "
        f"(longitude {a_west}..{a_east}, latitude {a_south}..{a_north}), but the sites span "
        f"longitude {west:.4f}..{east:.4f}, latitude {south:.4f}..{north:.4f}; choose a CRS "
        f"that covers them, e.g. {CRS_EXAMPLES}"
    )


@contextlib.contextmanager
def _proj_network_off() -> Iterator[None]:
    from pyproj import network

    was_enabled = network.is_network_enabled()
    network.set_network_enabled(False)
    try:
        yield
    finally:
        network.set_network_enabled(was_enabled)


def transformer_for(crs):
    """The WGS84 → ``crs`` transformer (longitude/latitude and x/y order, best operation only).

    Built with PROJ's network off, ``only_best=True`` and ``allow_ballpark=False``, so a
    missing datum shift is an error rather than a 225 m error in the output.
    """
    from pyproj import CRS, Transformer
    from pyproj.exceptions import ProjError

    try:
        with _proj_network_off():
            return Transformer.from_crs(
                CRS.from_epsg(WGS84_EPSG),
                crs,
                always_xy=True,
                allow_ballpark=False,
                only_best=True,
            )
    except ProjError as exc:
        raise UsageError(
            f"--crs {crs_label(crs)}: PROJ has no exact transformation from WGS84 on this "
            f"machine ({exc}); install the PROJ grid it needs or choose another CRS"
        ) from exc


def transform_points(crs, xs, ys):
    """Transform WGS84 longitudes/latitudes to ``crs`` and return two numpy arrays."""
    import numpy as np

    xs = np.asarray(xs, dtype="float64")
    ys = np.asarray(ys, dtype="float64")
    if is_wgs84(crs):
        return xs, ys
    with _proj_network_off():
        out_x, out_y = transformer_for(crs).transform(xs, ys, errcheck=True)
    return np.asarray(out_x, dtype="float64"), np.asarray(out_y, dtype="float64")


def reproject(frame, crs):
    """A copy of a WGS84 GeoDataFrame in ``crs`` (the same frame when ``crs`` is WGS84)."""
    import geopandas as gpd
    import shapely
    from pyproj.exceptions import ProjError

    if is_wgs84(crs):
        return frame
    transformer = transformer_for(crs)

    def move(coords):
        x, y = transformer.transform(coords[:, 0], coords[:, 1], errcheck=True)
        moved = coords.copy()
        moved[:, 0], moved[:, 1] = x, y
        return moved

    try:
        with _proj_network_off():
            geometry = shapely.transform(frame.geometry.to_numpy(), move)
    except ProjError as exc:
        raise UsageError(
            f"--crs {crs_label(crs)}: some sites cannot be transformed ({exc}); choose a CRS "
            "whose area covers them"
        ) from exc
    moved = frame.copy()
    moved[frame.geometry.name] = gpd.GeoSeries(geometry, index=frame.index, crs=crs)
    return moved.set_crs(crs, allow_override=True)
