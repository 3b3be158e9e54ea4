"""Export layers for GIS users and planners: one table of formats, one writer per format.

=============  ======================================================  ===============
format         files (``.epsgNNNN`` before the extension off WGS84)    CRS
=============  ======================================================  ===============
``geojson``    ``sites-<layer>.geojson`` each, ``events-at-sites``     WGS84 only
``gpkg``       ``heritage.gpkg``: site layers, ``events``,             any EPSG
               ``events-at-sites``, ``basemap-<id>``
``shapefile``  ``sites-<layer>.shp.zip`` each, ``events-at-sites``     any EPSG
``kml``        ``heritage.kml``                                        WGS84 only
``csv``        ``sites.csv``, ``events.csv``                           any EPSG
``gpx``        ``heritage.gpx``                                        WGS84 only
``fgb``        ``sites-<layer>.fgb`` each, ``events-at-sites.fgb``     any EPSG
``lpf``        ``heritage.lpf.json``                                   WGS84 only
``qgis``       ``heritage.qgz`` (and the ``heritage.gpkg`` it opens)   any EPSG
=============  ======================================================  ===============

Examples
--------
>>> [f.name for f in FORMATS]
['geojson', 'gpkg', 'shapefile', 'kml', 'csv', 'gpx', 'fgb', 'lpf', 'qgis']
"""

from heritage_mapper.export.core import (
    ALL,
    DEFAULT_OUT_DIR,
    FORMAT_NAMES,
    FORMATS,
    ExportFormat,
    ExportResult,
    export_geodata,
    export_layers,
    select_formats,
)
from heritage_mapper.export.crs import resolve_crs
from heritage_mapper.export.csvfile import FORMULA_PREFIXES, neutralise_formula
from heritage_mapper.export.geojson import RFC7946_MAX_DECIMALS, rewind, to_rfc7946
from heritage_mapper.export.lpf import certainty
from heritage_mapper.export.shapefile import SHAPEFILE_FIELD_NAMES, shapefile_field_names

__all__ = [
    "ALL",
    "DEFAULT_OUT_DIR",
    "FORMATS",
    "FORMAT_NAMES",
    "FORMULA_PREFIXES",
    "RFC7946_MAX_DECIMALS",
    "SHAPEFILE_FIELD_NAMES",
    "ExportFormat",
    "ExportResult",
    "certainty",
    "export_geodata",
    "export_layers",
    "neutralise_formula",
    "resolve_crs",
    "rewind",
    "select_formats",
    "shapefile_field_names",
    "to_rfc7946",
]
