"""FlatGeobuf: one file (with its packed R-tree index) per site layer and for events-at-sites.

FlatGeobuf has no date-only type, so ``date_start``/``date_end`` are DateTime values
at midnight.
"""

from __future__ import annotations

from heritage_mapper.export.ogr import write_layer
from heritage_mapper.export.tables import EVENTS_AT_SITES_STEM, ExportData

__all__ = ["outputs", "write"]

EXTENSION = ".fgb"
DRIVER = "FlatGeobuf"


def outputs(data: ExportData) -> list[str]:
    stems = [data.layer_stem(layer_id) for layer_id in data.layers]
    return [data.file_name(stem, EXTENSION) for stem in (*stems, EVENTS_AT_SITES_STEM)]


def write(data: ExportData, paths: dict) -> None:
    frames = [*data.layers.values(), data.events_at_sites]
    for name, frame in zip(outputs(data), frames, strict=True):
        write_layer(paths[name], frame, name.removesuffix(EXTENSION), DRIVER)
