"""FlatGeobuf: one file (with its packed R-tree index) per site layer and for events-at-sites.

FlatGeobuf has no date-only type, so ``date_start``/``date_end`` are DateTime values
at midnight.
"""

from __future__ import annotations

from heritage_mapper.export.ogr import write_layer
from heritage_mapper.export.tables import ExportData

__all__ = ["outputs", "write"]

EXTENSION = ".fgb"
DRIVER = "FlatGeobuf"


def outputs(data: ExportData) -> list[str]:
    return [name for name, _ in data.frame_files(EXTENSION)]


def write(data: ExportData, paths: dict) -> None:
    for name, frame in data.frame_files(EXTENSION):
        write_layer(paths[name], frame, name.removesuffix(EXTENSION), DRIVER)
