"""Validation: RFC 7946 structure and geometry of any GeoJSON file (``check``), and the
project's own rules over a whole geodata folder (``validate``)."""

from heritage_mapper.validate.folder import PROJECT_CODES, parse_geodata, validate_geodata
from heritage_mapper.validate.geojson import CODES, check_document, check_file, check_files

__all__ = [
    "CODES",
    "PROJECT_CODES",
    "check_document",
    "check_file",
    "check_files",
    "parse_geodata",
    "validate_geodata",
]
