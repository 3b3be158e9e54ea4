"""heritage-mapper: validated, joined, interactive maps and GIS layers of heritage sites.

The pipeline is read → model → validate → frames → join → render / export; each stage
is a module or a package (see the README's "Architecture"). Each CLI command calls one
function listed here: ``validate`` → :func:`validate_geodata`, ``check`` →
:func:`check_files`, ``export`` → :func:`export_geodata`, ``build`` → :func:`build`,
``derive-basemap`` → :func:`derive_basemap`, ``print`` → :func:`print_geodata`,
``tiles`` → :func:`build_tiles`, ``schemas`` → :func:`write_folder_schemas`.
"""

from heritage_mapper.build import build
from heritage_mapper.dates import format_edtf, parse_edtf
from heritage_mapper.derive import derive_basemap
from heritage_mapper.errors import (
    GeodataReadError,
    HeritageError,
    OutputError,
    UsageError,
    ValidationFailed,
)
from heritage_mapper.export import ExportResult, export_geodata, export_layers
from heritage_mapper.folder_schemas import write_folder_schemas
from heritage_mapper.frames import Geodata, load_geodata
from heritage_mapper.join import (
    Joined,
    event_site_links,
    events_with_geometry,
    join,
    site_timelines,
)
from heritage_mapper.printmap import print_geodata
from heritage_mapper.problems import Location, Problem, Report
from heritage_mapper.render import build_maps
from heritage_mapper.render.tiles import build_tiles
from heritage_mapper.tours import TourRoute, tour_routes
from heritage_mapper.validate import check_files, validate_geodata

__version__ = "0.1.0"

__all__ = [
    "ExportResult",
    "Geodata",
    "GeodataReadError",
    "HeritageError",
    "Joined",
    "Location",
    "OutputError",
    "Problem",
    "Report",
    "UsageError",
    "TourRoute",
    "ValidationFailed",
    "build",
    "build_maps",
    "build_tiles",
    "check_files",
    "derive_basemap",
    "event_site_links",
    "events_with_geometry",
    "export_geodata",
    "export_layers",
    "format_edtf",
    "join",
    "load_geodata",
    "parse_edtf",
    "print_geodata",
    "site_timelines",
    "tour_routes",
    "validate_geodata",
    "write_folder_schemas",
]
