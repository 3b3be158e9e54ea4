"""Every finding code, in one table: its severity, what it means and how to fix it.

A validation finding (a :class:`~heritage_mapper.problems.Problem`) names a stable
code. This module is the one place codes are declared: :data:`RULES` lists them in the
order the README shows them, :data:`RULE_BY_CODE` finds one, and
:func:`markdown_table` renders the README's table of codes, so the docs cannot drift
from the code. Call sites build findings with
:meth:`~heritage_mapper.problems.Problem.from_rule`, which takes the severity from here.

A rule has one severity. Where a caller deliberately reports a code at the other
severity, the rule says when and why in ``override`` (for instance
``geojson-position-range``: a warning in ``check``, an error in ``validate``); a rule
without an ``override`` cannot be reported at any severity but its own.

Examples
--------
>>> rule = RULE_BY_CODE["json-bom"]
>>> rule.severity, rule.summary
('error', 'The file starts with a UTF-8 byte-order mark')
>>> RULE_BY_CODE["geojson-position-range"].severities
('error', 'warning')
>>> print(markdown_table().splitlines()[0])
| code | severity | meaning | fix |
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "ERROR",
    "WARNING",
    "SEVERITIES",
    "Rule",
    "RULES",
    "RULE_BY_CODE",
    "rule",
    "markdown_table",
]

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)

_SITE_SCHEMA_HINT = "see schemas/site.schema.json and the README's data model"
_EVENT_SCHEMA_HINT = "see schemas/event.schema.json and the README's data model"
_EDTF_HINT = (
    "write a year (1959), a month (1965-12), a day (1955-04-25), an interval (1964/1972, "
    "1965-12/) or add ~ for 'approximately' (1955~)"
)
_CITATION_HINT = "count non-empty lines from 1 and cite the right one"
_UNKNOWN_SOURCE_HINT = "use a file registered in sources.json, or register the document"
_MAX_BYTES_HINT = (
    "if the file is meant to be this big, raise the limit with --max-bytes (max_bytes= in Python)"
)


@dataclass(frozen=True)
class Rule:
    """One finding code.

    Attributes
    ----------
    code : str
        The stable code, e.g. ``geojson-ring-not-closed``.
    severity : {"error", "warning"}
        The severity every finding of this code has, unless ``override`` says otherwise.
    summary : str
        One line: what the finding means.
    hint : str
        One line: how to fix it, in general (each finding's message names the value).
    override : str or None
        When a caller reports the code at the other severity, and why; ``None`` (the
        usual case) when it never does.
    """

    code: str
    severity: str
    summary: str
    hint: str
    override: str | None = None

    @property
    def severities(self) -> tuple[str, ...]:
        """The severities a finding of this code may have (both with an override)."""
        return SEVERITIES if self.override else (self.severity,)


def _e(code: str, summary: str, hint: str) -> Rule:
    return Rule(code, ERROR, summary, hint)


def _w(code: str, summary: str, hint: str) -> Rule:
    return Rule(code, WARNING, summary, hint)


#: Every finding code, in the order of the README's table: reading JSON
#: (:mod:`heritage_mapper.read.jsonfile`), RFC 7946 and geometry (``check``,
#: :mod:`heritage_mapper.validate.geojson`), then the project's own rules (``validate``,
#: the modules of :mod:`heritage_mapper.validate`).
RULES: tuple[Rule, ...] = (
    # -- reading a JSON file ------------------------------------------------------------
    _e("json-unreadable", "The file cannot be opened or read", "check the path and permissions"),
    _e("json-too-large", "The file is larger than the max_bytes limit", _MAX_BYTES_HINT),
    _e(
        "json-empty",
        "The file is empty or only whitespace",
        'write a JSON value into it: a layer, e.g. {"type": "FeatureCollection", '
        '"features": []}; project.json and the others, as the README\'s data model shows',
    ),
    _e(
        "json-bom",
        "The file starts with a UTF-8 byte-order mark",
        "re-save the file as UTF-8 without BOM",
    ),
    _e(
        "json-encoding",
        "The file has bytes that are not UTF-8",
        "re-save the file as UTF-8 (it was probably written in a legacy encoding)",
    ),
    _e(
        "json-lone-surrogate",
        "A string has half of a UTF-16 surrogate pair (an escape in \\uD800-\\uDFFF "
        "without its other half), read as U+FFFD",
        "write the character itself, or both halves of the pair (e.g. \\ud83c\\udfef)",
    ),
    _e(
        "json-syntax",
        "The file is not valid JSON",
        "fix the syntax at the line and column given (usually a missing comma, quote or "
        "bracket, or a trailing comma)",
    ),
    _e(
        "json-duplicate-key",
        "An object has the same key more than once",
        "delete the duplicates: readers disagree on which value wins",
    ),
    _e(
        "json-too-deep",
        "Arrays and objects are nested deeper than the reader allows",
        "the file is probably corrupt or not GeoJSON (which needs about 10 levels): check "
        "how it was produced",
    ),
    _e(
        "json-nan",
        "NaN or Infinity literal, which JSON does not have",
        "write null, or a real number",
    ),
    # -- RFC 7946 structure -------------------------------------------------------------
    _e(
        "geojson-root-not-object",
        "The top-level value is not a JSON object",
        'make the file one object, e.g. {"type": "FeatureCollection", "features": [...]}',
    ),
    _e(
        "geojson-type-missing",
        "A GeoJSON object has no 'type' member",
        'add one, e.g. "type": "Feature"',
    ),
    _e(
        "geojson-type-not-string",
        "A 'type' member is not a string",
        'write the type name as a string, e.g. "Point"',
    ),
    _e(
        "geojson-type-unknown",
        "A 'type' is not one of the nine RFC 7946 types (case-sensitive)",
        "use one of the RFC 7946 type names, spelled with its capitals",
    ),
    _e(
        "geojson-type-unexpected",
        "A known type where another is required (e.g. a Point in features)",
        "wrap a geometry in a Feature, or put the right kind of object there",
    ),
    _e(
        "geojson-member-forbidden",
        "A member that changes the object's meaning (RFC 7946 7.1)",
        "remove or rename the member",
    ),
    _w(
        "geojson-crs-member",
        "A 'crs' member, removed in RFC 7946",
        "reproject the data to WGS 84 longitude/latitude (EPSG:4326) and delete 'crs'",
    ),
    _e(
        "geojson-bbox-not-array",
        "A 'bbox' member is not an array",
        "write [west, south, east, north] (or 6 numbers with min and max altitude)",
    ),
    _e(
        "geojson-bbox-not-number",
        "A 'bbox' element is not a number",
        "write every bbox element as a number",
    ),
    _e(
        "geojson-bbox-length",
        "A 'bbox' does not have 2*n numbers (4 for 2D, 6 for 3D)",
        "write [west, south, east, north] (or 6 numbers with min and max altitude)",
    ),
    _e(
        "geojson-bbox-order",
        "A 'bbox' has its south edge north of its north edge",
        "write all minima, then all maxima: [west, south, east, north]",
    ),
    _e(
        "geojson-features-missing",
        "A FeatureCollection has no 'features' member",
        'add "features": [...] (an empty array if there are none)',
    ),
    _e(
        "geojson-features-not-array",
        "A FeatureCollection's 'features' is not an array",
        "make 'features' an array of Feature objects",
    ),
    _e(
        "geojson-feature-not-object",
        "An element of 'features' is not an object",
        'make it a Feature {"type": "Feature", "geometry": ..., "properties": ...}',
    ),
    _e(
        "geojson-feature-id-type",
        "A Feature 'id' is neither a string nor a number",
        'write it as a string or a number, e.g. "id": "site-1", or remove it',
    ),
    _e(
        "geojson-feature-properties-missing",
        "A Feature has no 'properties' member",
        'add "properties": {} (or null)',
    ),
    _e(
        "geojson-feature-properties-type",
        "A Feature's 'properties' is neither an object nor null",
        'put the values under names, e.g. {"name": ...}',
    ),
    _e(
        "geojson-feature-geometry-missing",
        "A Feature has no 'geometry' member",
        'add one ("geometry": null if the feature has no location)',
    ),
    _e(
        "geojson-feature-geometry-type",
        "A Feature's 'geometry' is neither an object nor null",
        "write a geometry object, or null",
    ),
    _e(
        "geojson-geometries-missing",
        "A GeometryCollection has no 'geometries' member",
        'add "geometries": [...]',
    ),
    _e(
        "geojson-geometries-not-array",
        "A GeometryCollection's 'geometries' is not an array",
        "make 'geometries' an array of geometry objects",
    ),
    _e(
        "geojson-geometry-not-object",
        "An element of 'geometries' is not a geometry object",
        "remove it, or write a geometry object there",
    ),
    _w(
        "geojson-geometrycollection-nested",
        "A GeometryCollection inside another",
        "merge its members into the outer GeometryCollection",
    ),
    _w(
        "geojson-geometrycollection-single",
        "A GeometryCollection with one member",
        "use the member geometry directly",
    ),
    # -- coordinates and positions ------------------------------------------------------
    _e(
        "geojson-coordinates-missing",
        "A geometry has no 'coordinates' member",
        'add one, e.g. "coordinates": [105.8, 21.0] for a Point',
    ),
    _e(
        "geojson-coordinates-not-array",
        "'coordinates' (or a part of it) is not an array",
        "write the coordinates as nested arrays of positions, as the geometry type needs",
    ),
    _e(
        "geojson-coordinates-depth",
        "'coordinates' is nested too shallowly or too deeply",
        "nest the arrays as the type needs, or change 'type' to the one the nesting fits",
    ),
    _e(
        "geojson-position-not-number",
        "A position element is not a finite number",
        "write real longitude/latitude numbers (no quotes, NaN or Infinity)",
    ),
    _e(
        "geojson-position-too-short",
        "A position has fewer than two numbers",
        "write at least longitude and latitude, [lon, lat]",
    ),
    _w(
        "geojson-position-too-long",
        "A position has more than three numbers",
        "keep longitude, latitude and an optional altitude; drop the extra values",
    ),
    _e(
        "geojson-linestring-too-short",
        "A LineString has fewer than two positions",
        "add positions or remove the line",
    ),
    _e(
        "geojson-ring-too-short",
        "A linear ring has fewer than four positions",
        "a ring needs three corners and the first position repeated at the end",
    ),
    _e(
        "geojson-ring-not-closed",
        "A linear ring's first and last positions differ",
        "append the first position at the end of the ring",
    ),
    _e(
        "geojson-polygon-empty",
        "A MultiPolygon member has no rings",
        "remove it or add its exterior ring",
    ),
    Rule(
        "geojson-position-range",
        WARNING,
        "Longitude outside -180..180 or latitude outside -90..90",
        "write WGS 84 [lon, lat] in degrees: swap swapped numbers, reproject projected data",
        override="error in validate (range_severity='error'), since a heritage site must be "
        "a real place",
    ),
    _w(
        "geojson-antimeridian",
        "A geometry crosses the antimeridian without being cut",
        "cut the geometry at ±180 into a Multi geometry (RFC 7946 section 3.1.9)",
    ),
    _w(
        "geojson-winding",
        "Rings do not follow the right-hand rule",
        "reverse the ring (exterior rings counter-clockwise, holes clockwise), e.g. with "
        "shapely.orient_polygons",
    ),
    _w(
        "geojson-coordinate-precision",
        "Coordinates with more decimals than useful",
        "round coordinates to 7 decimals (about 1 cm) or fewer",
    ),
    _e(
        "geometry-invalid",
        "Not a valid simple-features geometry (GEOS is_valid_reason)",
        "repair it in a GIS (e.g. QGIS 'Fix geometries' or shapely.make_valid)",
    ),
    # -- project.json and schemas -------------------------------------------------------
    _e(
        "project-schema",
        "project.json does not match project.schema.json",
        "see schemas/project.schema.json and the README's data model",
    ),
    _w(
        "project-text-missing",
        "A title or label in project.json lacks one of its languages (the pages show "
        "another language's text there)",
        "add the text in that language, in our own words",
    ),
    _e(
        "project-default-language-unknown",
        "project.json's default_language is not one of its languages",
        "add it to languages or pick one of them",
    ),
    _e(
        "schema-unreadable",
        "A JSON Schema named by project.json cannot be read",
        "fix the schema file, or remove it from project.json's schemas to use the packaged one",
    ),
    _w(
        "schema-languages-stale",
        "A folder's own JSON Schema has per-language properties for other languages than "
        "project.json (a language was added or removed since it was written)",
        "run heritage-mapper schemas to write the folder's schemas for project.json's languages",
    ),
    # -- confinement: what a folder may make heritage-mapper read (README, Security) -----
    _e(
        "path-outside-folder",
        "A path a geodata file names is absolute, goes up with '..', or leads outside the folder",
        "name a file inside the geodata folder with a relative path (copy the file there)",
    ),
    _e(
        "path-not-regular-file",
        "A path names a pipe, a device, a socket or a folder, which is never read",
        "name an ordinary file",
    ),
    _e(
        "file-too-large",
        "A source text, schema or registry file is larger than its size limit",
        "keep source texts under 16 MiB, schemas under 1 MiB, project.json and sources.json "
        "under 16 MiB",
    ),
    _e(
        "id-unsafe",
        "An id is not a slug (lowercase ASCII letters and digits joined by '-')",
        "use an id like 'old-pier': ids become file names and links, whatever the folder's "
        "own schemas allow",
    ),
    # -- the basemap (project.json basemap.layers) ---------------------------------------
    _e(
        "basemap-layer-id-duplicate",
        "Two basemap layers share an id",
        "give each basemap layer its own id",
    ),
    _e(
        "basemap-file-missing",
        "A basemap file named in project.json does not exist",
        "copy the file there, or fix basemap.layers[].file in project.json",
    ),
    _w(
        "basemap-provenance-missing",
        "The provenance file named in basemap.provenance does not exist",
        "keep the files' origin, licence and date beside them, and name that file",
    ),
    _e(
        "basemap-attribution-missing",
        "A basemap layer has no attribution in one of the project's languages",
        "write the attribution the data's provenance gives, in every project language",
    ),
    _w(
        "basemap-too-large",
        "A basemap file is larger than a map page should carry (every page embeds it)",
        "clip the file to the region and simplify it (e.g. to 50 m)",
    ),
    _e(
        "basemap-not-featurecollection",
        "A basemap file is not a GeoJSON FeatureCollection",
        'wrap the features in {"type": "FeatureCollection", "features": [...]}',
    ),
    _e(
        "basemap-geometry-type",
        "A basemap feature's geometry is not one its layer's role draws",
        "land and areas hold polygons, boundaries lines, places points",
    ),
    _e(
        "basemap-boundary-kind",
        "A boundary line has no known kind (national, province, former-province)",
        "set properties.kind on every boundary line",
    ),
    _e(
        "basemap-place-label",
        "A place has no label to show",
        "give the place the name to show on the map in properties.label",
    ),
    _e(
        "layer-file-missing",
        "A layer named in project.json does not exist",
        "create the file or fix layers[].file in project.json",
    ),
    _e(
        "layer-not-featurecollection",
        "A layer file is not a GeoJSON FeatureCollection",
        'wrap the features in {"type": "FeatureCollection", "features": [...]}',
    ),
    _e(
        "layer-id-duplicate",
        "Two layers in project.json share an id",
        "give every layer its own id",
    ),
    _e(
        "project-layer-id-reserved",
        "A layer id whose page would overwrite another page of build (index: index.html "
        "shows all layers)",
        "rename the layer in project.json",
    ),
    _e(
        "project-era-id-duplicate",
        "Two eras in project.json have the same id",
        "give every era its own id (the story page has one step per era)",
    ),
    _e(
        "project-era-period-invalid",
        "An era in project.json has a period that is not EDTF, or none with a known year",
        "write its years as EDTF: 1964/1972, 1955-04-25, or 2021/.. for an era lasting until today",
    ),
    # -- sites --------------------------------------------------------------------------
    _e("site-property-missing", "A required site property is missing", _SITE_SCHEMA_HINT),
    _e("site-property-type", "A site property has the wrong JSON type", _SITE_SCHEMA_HINT),
    _e(
        "site-property-invalid",
        "A site property breaks a rule of site.schema.json",
        _SITE_SCHEMA_HINT,
    ),
    _e(
        "site-property-reserved",
        "A site property has a name heritage-mapper gives a column of its own (layer, "
        "geometry, period_start, period_end), so its value would be lost",
        "rename the property, e.g. to 'source_layer'",
    ),
    _e(
        "site-property-name-case",
        "Two site property names differ only by case (or one differs only by case from a "
        "column heritage-mapper adds: layer, geometry, period_start, period_end); "
        "GeoPackage and dBASE column names ignore case, so they cannot both be exported",
        "rename one of them, or merge the two",
    ),
    _e(
        "site-property-name-export",
        "A site property is named like a column an export adds itself (GeoPackage's fid "
        "and geom, CSV's longitude, latitude, easting, northing and wkt)",
        "rename the property, e.g. 'fid' to 'source_fid'",
    ),
    _e(
        "site-properties-too-many",
        "A layer has more property names than a dBASE table holds (255 columns, "
        "heritage-mapper's own included)",
        "keep the extra data in fewer properties (a list or an object is one column), or "
        "split the layer",
    ),
    _w(
        "site-property-integer-text",
        "An integer beyond the 64-bit range: GeoPackage, Shapefile and FlatGeobuf write "
        "this property's column as text, every digit kept (GeoJSON and CSV keep the number)",
        "nothing to do if text is fine there; otherwise store it as a string or rescale it",
    ),
    _w(
        "site-property-number-shapefile",
        "A number a dBASE number field cannot hold exactly, or an integer of 19 characters "
        "or more, which GDAL reads back as a real: the Shapefile export writes this "
        "property's column as text (the other formats keep the number)",
        "nothing to do if text in the Shapefile is fine; otherwise round the number "
        "(at most 15 decimals, at most 24 characters) or store the integer as a string",
    ),
    _e(
        "site-geometry-null",
        "A site has no geometry",
        "give the site a Point at the best position the sources support and a matching "
        "location_precision_m",
    ),
    _e(
        "site-id-mismatch",
        "A feature's id member differs from properties.id",
        "make the two equal (the id member is what GIS tools show)",
    ),
    _e(
        "site-id-duplicate",
        "A site id is used twice across the layers",
        "ids must be unique across all layers; rename one of them",
    ),
    _w(
        "site-id-near-duplicate",
        "Two site ids differ only by case, accents or Unicode form",
        "if they are the same place, merge them; otherwise choose clearly different ids",
    ),
    _e("site-period-invalid", "A site's period is not EDTF", _EDTF_HINT),
    _e(
        "site-category-unknown",
        "A site's category is not declared in project.json",
        "use a category declared in project.json, or declare it",
    ),
    _e(
        "site-outside-region",
        "A site lies outside the declared region and its exceptions",
        "check the coordinates, or declare the place under region.exceptions in project.json",
    ),
    _e(
        "coordinates-swapped",
        "A site is outside the region but would be inside with lat/lon swapped",
        "GeoJSON positions are [longitude, latitude]; swap the two numbers",
    ),
    _e(
        "source-ref-unknown",
        "A source reference names a file not in sources.json",
        _UNKNOWN_SOURCE_HINT,
    ),
    _e(
        "source-paragraph-missing",
        "A cited paragraph number is beyond the end of the source",
        _CITATION_HINT,
    ),
    # -- text in any file ---------------------------------------------------------------
    _w(
        "text-not-nfc",
        "Text is not in Unicode NFC form",
        "re-save the text as NFC (composed) Unicode",
    ),
    Rule(
        "text-control-character",
        WARNING,
        "Text holds a control character other than tab and line breaks (KML and GPX show "
        "it as U+FFFD, the other formats keep an invisible character)",
        "delete the character (search for it by its code); for a line break use a real new line",
        override="error for U+0000 (NUL), at which GeoPackage, Shapefile and FlatGeobuf cut "
        "the text and which KML and GPX cannot hold",
    ),
    # -- sources registry ---------------------------------------------------------------
    _e(
        "sources-file-missing",
        "The sources registry named in project.json does not exist",
        "create it (see the README's data model) or fix 'sources' in project.json",
    ),
    _e(
        "sources-schema",
        "sources.json does not match sources.schema.json",
        "fix it (see schemas/sources.schema.json)",
    ),
    _e(
        "source-id-duplicate",
        "Two sources share an id or a file name",
        "register each document once",
    ),
    _w(
        "sources-dir-outside",
        "sources_dir in project.json leads outside the geodata folder, so the source texts "
        "were not read and paragraph numbers were not checked",
        "pass --sources-dir PATH (a folder you trust) to check the citations against texts "
        "kept elsewhere, or copy the texts into the geodata folder",
    ),
    _w(
        "sources-dir-missing",
        "The folder of the source texts (--sources-dir, or sources_dir in project.json) "
        "does not exist, so the texts were not read and paragraph numbers were not checked",
        "pass --sources-dir with the folder that holds the source texts, or fix sources_dir "
        "in project.json",
    ),
    _w(
        "source-text-missing",
        "A registered source file is not in sources_dir",
        "put the document in sources_dir or fix the file name",
    ),
    _w(
        "source-changed",
        "A source file's checksum differs from the one registered",
        "re-check the citations against the new text, then update sha256",
    ),
    # -- events CSV ---------------------------------------------------------------------
    _e(
        "events-file-missing",
        "The events CSV named in project.json does not exist",
        "create it with the header row of the README's data model",
    ),
    _e("csv-empty", "The events CSV is empty", "add the header row of the README's data model"),
    _e(
        "csv-unreadable",
        "The events CSV cannot be opened or read",
        "check that it is a readable file, not a folder, and its permissions",
    ),
    _e(
        "csv-too-large",
        "The events CSV is larger than the size limit (--max-bytes)",
        _MAX_BYTES_HINT,
    ),
    _e(
        "csv-encoding",
        "The events CSV is not UTF-8",
        "save the sheet as 'CSV UTF-8 (comma delimited)'",
    ),
    _e(
        "csv-syntax",
        "The events CSV cannot be parsed (quotes, NUL bytes)",
        "check quotes: a cell with a comma or line break must be in double quotes",
    ),
    _e(
        "csv-delimiter",
        "The events CSV is separated by semicolons or tabs, not commas",
        "save the sheet as 'CSV UTF-8 (comma delimited)', or choose ',' as the field "
        "delimiter when saving",
    ),
    _e(
        "csv-column-missing",
        "A required column is missing from the events CSV header",
        "the header must list every column of the README's data model",
    ),
    _w(
        "csv-column-unknown",
        "The events CSV has a column heritage-mapper does not know",
        "remove it or check its spelling",
    ),
    _e(
        "csv-row-length",
        "A CSV row has more or fewer cells than the header",
        "a cell with a comma must be quoted; check for a missing or extra comma",
    ),
    _e("event-field-missing", "A required event cell is empty", _EVENT_SCHEMA_HINT),
    _e(
        "event-field-invalid",
        "An event cell breaks a rule of event.schema.json",
        _EVENT_SCHEMA_HINT,
    ),
    _e("event-id-duplicate", "An event id is used twice", "give every event its own id"),
    _e("event-date-invalid", "An event date is not EDTF", _EDTF_HINT),
    _e(
        "event-site-unknown",
        "An event names a site id that no layer has",
        "use the id of a site in one of the layers (ids separated by ';'), or add the site first",
    ),
    _w(
        "event-site-unchecked",
        "Events name sites not in the layers read, while a layer could not be read",
        "fix the layer that could not be read; its sites' events are checked then",
    ),
    _w(
        "event-site-repeated",
        "An event names the same site twice in site_ids (it is kept once)",
        "name each site once",
    ),
    _e(
        "event-source-unknown",
        "An event cites a file not in sources.json",
        _UNKNOWN_SOURCE_HINT,
    ),
    _e(
        "event-paragraph-missing",
        "An event cites a paragraph beyond the end of its source",
        _CITATION_HINT,
    ),
    _w(
        "event-outside-site-period",
        "An event's date falls outside the period of one of its sites",
        "check the date, or widen the site's period",
    ),
    _w(
        "event-outside-eras",
        "An event starts in a year that no era of project.json holds (the story page "
        "tells it in the era before)",
        "check the date, or add or widen an era in project.json that holds it",
    ),
    # -- tours.json -------------------------------------------------------------------
    _e(
        "tours-file-missing",
        "The tours file named in project.json does not exist",
        "create it (see the README's tours file) or remove 'tours' from project.json",
    ),
    _e(
        "tours-schema",
        "tours.json does not match tours.schema.json",
        "fix it at the pointer given (see schemas/tours.schema.json and the README's tours file)",
    ),
    _e(
        "tour-text-missing",
        "A tour's title, description or a note lacks one of the project's languages",
        "write the text in every language of project.json (title_vi, title_en, …); a note "
        "is optional, but once given it is needed in every language",
    ),
    _e(
        "tour-id-duplicate",
        "Two tours have the same id",
        "give every tour its own id: the id names the tour's files",
    ),
    _e(
        "tour-stops-too-few",
        "A tour has fewer than two stops",
        "add stops, or remove the tour",
    ),
    _e(
        "tour-stop-unknown",
        "A tour stop names a site that is not in any layer",
        "use the id of a site in one of the layers, or add the site first",
    ),
    _e(
        "tour-stop-repeated",
        "A tour stop is the same site as the stop before it",
        "remove one of the two stops, or put another stop between them",
    ),
    _e(
        "tour-leg-missing",
        "A tour stop after the first has no leg (the way from the previous stop)",
        'add "leg": {"mode": "road"} (or walk, bicycle, causeway, boat, rail) to the stop',
    ),
    _e(
        "tour-leg-first-stop",
        "The first stop of a tour has a leg, but there is no previous stop to come from",
        "remove the leg from the first stop",
    ),
    _e(
        "tour-route-invalid",
        "A leg's route is not a usable LineString (positions out of range, or fewer than "
        "two distinct positions)",
        "give [longitude, latitude] positions in WGS84 degrees, at least two distinct, or "
        "remove the route (the leg is then a straight line)",
    ),
    _e(
        "tour-route-far",
        "A leg's route does not start at the previous stop or does not end at its stop "
        "(farther than max(500 m, the site's location precision))",
        "make the route run from the previous stop's site to this stop's site (is it "
        "reversed, or are longitude and latitude swapped?), or remove it",
    ),
    _e(
        "tour-visit-time-invalid",
        "A stop's suggested visit time is not between 1 minute and 12 hours",
        "give visit_minutes as a whole number of minutes from 1 to 720",
    ),
    _w(
        "tour-day-long",
        "A tour's suggested visit times add up to more than 16 hours",
        "shorten the visits, or split the tour into two days",
    ),
)

#: code -> :class:`Rule`, read-only.
RULE_BY_CODE: Mapping[str, Rule] = MappingProxyType({r.code: r for r in RULES})


def rule(code: str) -> Rule:
    """The rule of ``code``.

    Raises
    ------
    KeyError
        When no rule has that code: every code must be declared in :data:`RULES`.

    Examples
    --------
    >>> rule("json-nan").hint
    'write null, or a real number'
    """
    try:
        return RULE_BY_CODE[code]
    except KeyError:
        raise KeyError(
            f"no rule for the finding code {code!r}; declare it in heritage_mapper/rules.py"
        ) from None


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _severity_cell(r: Rule) -> str:
    return f"{r.severity}; {r.override}" if r.override else r.severity


def markdown_table(rules: Iterable[Rule] = RULES) -> str:
    """The README's table of codes: code, severity, meaning and fix, one rule a row.

    Examples
    --------
    >>> print(markdown_table([rule("json-bom")]))  # doctest: +NORMALIZE_WHITESPACE
    | code | severity | meaning | fix |
    | --- | --- | --- | --- |
    | `json-bom` | error | The file starts with a UTF-8 byte-order mark | re-save the file
      as UTF-8 without BOM |
    """
    lines = ["| code | severity | meaning | fix |", "| --- | --- | --- | --- |"]
    lines += [
        f"| `{r.code}` | {_cell(_severity_cell(r))} | {_cell(r.summary)} | {_cell(r.hint)} |"
        for r in rules
    ]
    return "\n".join(lines)
