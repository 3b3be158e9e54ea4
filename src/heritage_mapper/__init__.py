"""heritage-mapper: validated, joined, interactive maps and GIS layers of heritage sites."""

__version__ = "0.1.0"
