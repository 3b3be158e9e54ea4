"""GeoPackage: one file with every site layer, the events table and events-at-sites,
and the ``tours`` layer (one line per tour leg) when the project has tours.

Layers: ``sites-<layer>`` (points of each layer), ``events`` (an attribute table, no
geometry) and ``events-at-sites`` (one point per event and site, with ``date_start``
and ``date_end`` as ``DATE`` columns for QGIS's Temporal Controller: "Separate fields
for start and end date/time"). Each layer's ``gpkg_contents`` row gets an identifier
(its title) and a description. ``last_change`` is fixed (see
:mod:`heritage_mapper.export.ogr`) so the file is byte-identical for the same data.
"""

from __future__ import annotations

from heritage_mapper.export import tours
from heritage_mapper.export.ogr import FIXED_TIMESTAMP, gdal_config, write_layer
from heritage_mapper.export.tables import (
    DATASET_STEM,
    EVENTS_AT_SITES_STEM,
    EVENTS_STEM,
    ExportData,
)

__all__ = [
    "outputs",
    "write",
    "EVENTS_DESCRIPTION",
    "EVENTS_AT_SITES_DESCRIPTION",
    "TOURS_DESCRIPTION",
]

EXTENSION = ".gpkg"
DRIVER = "GPKG"
EVENTS_DESCRIPTION = (
    "Events (no geometry): EDTF date and its bounds date_start/date_end, site_ids "
    "('; '-separated), titles, summaries, source file and paragraph"
)
TOURS_DESCRIPTION = (
    "One line per tour leg, id '<tour>@<order>': tour_id, order (1 = first stop to "
    "second), from_site, to_site, mode, distance_m (metres on the WGS84 ellipsoid); "
    "straight = true when the curator gave no route: the line is straight and its "
    "distance is as the crow flies, not a road distance"
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

    with gdal_config(OGR_CURRENT_DATE=FIXED_TIMESTAMP):
        for layer_id, frame in data.layers.items():
            title = data.text(data.layer_spec(layer_id).title)
            description = _layer_description(data, layer_id, len(frame))
            layer = data.layer_stem(layer_id)
            write_layer(path, frame, layer, DRIVER, layer_options=options(title, description))
        write_layer(
            path,
            data.events,
            EVENTS_STEM,
            DRIVER,
            layer_options=options("events", EVENTS_DESCRIPTION),
        )
        write_layer(
            path,
            data.events_at_sites,
            EVENTS_AT_SITES_STEM,
            DRIVER,
            layer_options=options("events at sites", EVENTS_AT_SITES_DESCRIPTION),
        )
        if data.tours:
            write_layer(
                path,
                tours.legs_frame(data),
                tours.TOURS_LAYER,
                DRIVER,
                layer_options=options("tours", TOURS_DESCRIPTION),
            )
