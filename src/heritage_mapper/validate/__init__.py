"""Validation: RFC 7946 structure and geometry of GeoJSON files."""

from heritage_mapper.validate.geojson import check_document, check_file, check_files

__all__ = ["check_document", "check_file", "check_files"]
