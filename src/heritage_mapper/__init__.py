"""heritage-mapper: validated, joined, interactive maps and GIS layers of heritage sites.

The pipeline is load → validate → join → render / export; each stage is a module and
each public function here is one CLI command.
"""

from heritage_mapper.build import build
from heritage_mapper.dates import format_edtf, parse_edtf
from heritage_mapper.errors import (
    GeodataReadError,
    HeritageError,
    OutputError,
    UsageError,
    ValidationFailed,
)
from heritage_mapper.export import export_layers
from heritage_mapper.geodata import Geodata, load_geodata
from heritage_mapper.join import event_site_links, events_with_geometry, site_timelines
from heritage_mapper.problems import Location, Problem, Report

__version__ = "0.1.0"

__all__ = [
    "Geodata",
    "GeodataReadError",
    "HeritageError",
    "Location",
    "OutputError",
    "Problem",
    "Report",
    "UsageError",
    "ValidationFailed",
    "build",
    "event_site_links",
    "events_with_geometry",
    "export_layers",
    "format_edtf",
    "load_geodata",
    "parse_edtf",
    "site_timelines",
]
