"""GeoPackage: one file with every site layer, the events table and events-at-sites.

Layers: ``sites-<layer>`` (points of each layer), ``events`` (an attribute table, no
geometry) and ``events-at-sites`` (one point per event and site, with ``date_start``
and ``date_end`` as ``DATE`` columns for QGIS's Temporal Controller: "Separate fields
for start and end date/time"). Each layer's ``gpkg_contents`` row gets an identifier
(its title) and a description. ``last_change`` is fixed (see
:mod:`heritage_mapper.export.ogr`) so the file is byte-identical for the same data.
"""

from __future__ import annotations

from heritage_mapper.export.ogr import FIXED_TIMESTAMP, gdal_config, write_layer
from heritage_mapper.export.tables import (
    DATASET_STEM,
    EVENTS_AT_SITES_STEM,
    EVENTS_STEM,
    ExportData,
)

__all__ = ["GPKG_VERSION", "outputs", "write", "EVENTS_DESCRIPTION", "EVENTS_AT_SITES_DESCRIPTION"]

EXTENSION = ".gpkg"
DRIVER = "GPKG"
#: GeoPackage 1.2 (application_id "GPKG", user_version 10200): GDAL 3.6 (Debian 12,
#: QGIS 3.22) and older read 1.4 files with a warning and check them against older
#: triggers; 1.2 is read without one by every GDAL from 2.2 on, and nothing this file
#: holds needs 1.3 or 1.4.
GPKG_VERSION = "1.2"
EVENTS_DESCRIPTION = (
    "Events (no geometry): EDTF date and its bounds date_start/date_end, site_ids "
    "('; '-separated), titles, summaries, source file and paragraph"
)
EVENTS_AT_SITES_DESCRIPTION = (
    "One point per (event, site) pair, id '<event>@<site>'; date_start/date_end are the "
    "EDTF bounds (DATE, NULL when open or unknown) for QGIS's Temporal Controller "
    "('Separate fields for start and end date/time')"
)


def outputs(data: ExportData) -> list[str]:
    return [data.file_name(DATASET_STEM, EXTENSION)]


def _layer_description(data: ExportData, layer_id: str, count: int) -> str:
    title = data.layer_spec(layer_id).title
    titles = dict.fromkeys(t for t in (data.text(title, lang) for lang in data.languages) if t)
    return " / ".join(titles) + f" ({count} site(s), {data.crs_label}, layer id '{layer_id}')"


def write(data: ExportData, paths: dict) -> None:
    path = paths[outputs(data)[0]]
    used: set[str] = set()

    def identifier(title: str) -> str:  # gpkg_contents.identifier must be unique
        name, n = title, 2
        while name in used:
            name, n = f"{title} ({n})", n + 1
        used.add(name)
        return name

    def options(title: str, description: str) -> dict:
        return {"IDENTIFIER": identifier(title), "DESCRIPTION": description}

    created = {"dataset_options": {"VERSION": GPKG_VERSION}}  # for the first layer only

    with gdal_config(OGR_CURRENT_DATE=FIXED_TIMESTAMP):
        for layer_id, frame in data.layers.items():
            title = data.text(data.layer_spec(layer_id).title)
            description = _layer_description(data, layer_id, len(frame))
            layer = data.layer_stem(layer_id)
            write_layer(
                path, frame, layer, DRIVER, layer_options=options(title, description), **created
            )
            created = {}
        write_layer(
            path,
            data.events,
            EVENTS_STEM,
            DRIVER,
            layer_options=options("events", EVENTS_DESCRIPTION),
            **created,
        )
        write_layer(
            path,
            data.events_at_sites,
            EVENTS_AT_SITES_STEM,
            DRIVER,
            layer_options=options("events at sites", EVENTS_AT_SITES_DESCRIPTION),
        )
