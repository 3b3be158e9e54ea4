"""GeoPackage: one file with every site layer, the events table and events-at-sites,
and the ``tours`` layer (one line per tour leg) when the project has tours.

Layers: ``sites-<layer>`` (points of each layer), ``events`` (an attribute table, no
geometry), ``events-at-sites`` (one point per event and site) and ``basemap-<id>`` for
each basemap layer of the project. Each layer's ``gpkg_contents`` row gets an identifier
(its title) and a description.

Dates in ``events-at-sites``, for QGIS's Temporal Controller ("Separate fields for start
and end date/time", start ``date_start``, end ``date_end_excl``, the default "Include
start, exclude end"): QGIS hands a GeoPackage its time filter as SQL, where a date is
compared as text with a literal ``'1959-01-01T00:00:00.000'`` (qgis/QGIS#41074). A
``DATE`` ``'1959-01-01'`` sorts before that literal, a ``DATETIME``
``'1959-01-01T00:00:00.000Z'`` after it. So ``date_start`` is a ``DATETIME`` at UTC
midnight (an event starting on a frame's end is not in that frame) and
``date_end_excl`` a ``DATE`` (an event ending at a frame's start is not in it): the text
comparison then gives the same answer as comparing the instants. ``date_end`` (the
inclusive last day) stays a ``DATE`` for people. ``last_change`` is fixed (see
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
    "GPKG_VERSION",
    "basemap_layer_name",
    "outputs",
    "write",
    "EVENTS_DESCRIPTION",
    "EVENTS_AT_SITES_DESCRIPTION",
    "TOURS_DESCRIPTION",
]

EXTENSION = ".gpkg"
BASEMAP_PREFIX = "basemap-"
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
TOURS_DESCRIPTION = (
    "One line per tour leg, id '<tour>@<order>': tour_id, order (1 = first stop to "
    "second), from_site, to_site, mode, distance_m (metres on the WGS84 ellipsoid); "
    "straight = true when the curator gave no route: the line is straight and its "
    "distance is as the crow flies, not a road distance"
)
EVENTS_AT_SITES_DESCRIPTION = (
    "One point per (event, site) pair, id '<event>@<site>', with the event's date and "
    "titles and the site's layer and names; its summaries and citation are in the "
    "events table (event_id = events.id); date_start (first day, "
    "DATETIME at UTC midnight) and date_end (last day, DATE) are the EDTF bounds, "
    "date_end_excl (DATE) the day after the last: for QGIS's Temporal Controller use "
    "'Separate fields for start and end date/time' with date_start and date_end_excl "
    "(NULL when open or unknown)"
)
#: Written as UTC date-times in events-at-sites (see the module's docstring).
UTC_DATETIME_COLUMNS = ("date_start",)


def outputs(data: ExportData) -> list[str]:
    return [data.file_name(DATASET_STEM, EXTENSION)]


def _layer_description(data: ExportData, layer_id: str, count: int) -> str:
    title = data.layer_spec(layer_id).title
    titles = dict.fromkeys(t for t in (data.text(title, lang) for lang in data.languages) if t)
    return " / ".join(titles) + f" ({count} site(s), {data.crs_label}, layer id '{layer_id}')"


def basemap_layer_name(basemap_id: str) -> str:
    """The GeoPackage layer of a basemap layer: ``basemap-<id>``."""
    return f"{BASEMAP_PREFIX}{basemap_id}"


def _basemap_description(data: ExportData, spec) -> str:
    texts = dict.fromkeys(
        t for t in (data.text(spec.attribution, lang) for lang in data.languages) if t
    )
    licence = f" Licence {spec.licence}" + (f" ({spec.licence_url})" if spec.licence_url else "")
    return f"Basemap ({spec.role}): " + " / ".join(texts) + "." + licence + "."


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
            utc_datetimes=UTC_DATETIME_COLUMNS,
        )
        if data.tours:
            write_layer(
                path,
                tours.legs_frame(data),
                tours.TOURS_LAYER,
                DRIVER,
                layer_options=options("tours", TOURS_DESCRIPTION),
            )
        for spec in data.project.basemap:
            frame = data.basemap.get(spec.id)
            if frame is None:
                continue
            write_layer(
                path,
                frame,
                basemap_layer_name(spec.id),
                DRIVER,
                layer_options=options(f"basemap {spec.id}", _basemap_description(data, spec)),
            )
