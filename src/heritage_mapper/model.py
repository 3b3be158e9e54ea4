"""The data model: the project file and the columns of sites and events, in one place.

Everything a later stage needs to know about the shape of the data comes from here,
and is derived from the shipped JSON Schemas (``schemas/*.schema.json``) and the
languages the project declares:

- :class:`Project` and its parts, built from ``project.json`` after validation;
- :func:`expand_languages`: a schema property marked ``"x-per-language": true``
  (``name``) stands for one property per declared language (``name_vi``,
  ``name_en``, ``name_fr``), in the schema's order;
- :class:`Columns`: the site and event columns, their per-language text fields;
- the separators and the reserved column names the loader adds.

Nothing here names a province or a language: another region is another folder.

Examples
--------
>>> columns = Columns.for_languages(("vi", "en", "fr"))
>>> columns.event_columns[:5]
('id', 'date', 'site_ids', 'title_vi', 'title_en')
>>> columns.localized("name")
('name_vi', 'name_en', 'name_fr')
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from heritage_mapper.dates import EdtfDate
from heritage_mapper.errors import GeodataReadError

__all__ = [
    "PROJECT_FILE",
    "Project",
    "LayerSpec",
    "Category",
    "Region",
    "read_project",
    "Columns",
    "expand_languages",
    "schema_languages",
    "packaged_schema",
    "localized",
    "BasemapLayer",
    "place_label",
    "BASEMAP_ROLES",
    "BOUNDARY_KINDS",
    "RESERVED_SITE_COLUMNS",
    "EXPORT_RESERVED_COLUMNS",
    "DBF_MAX_FIELDS",
    "dbf_number_fits",
    "dbf_integer_fits",
    "INDEX_PAGE",
    "PAGE_SUFFIX",
    "STORY_PAGE",
    "TOUR_PAGE_PREFIX",
    "SITE_IDS_SEPARATOR",
    "SOURCE_REF_SEPARATOR",
    "is_paragraph_number",
    "split_source_ref",
    "EVENT_SITE_SEPARATOR",
    "LIST_SEPARATOR",
    "WGS84",
    "DATE_DTYPE",
    "ParsedGeodata",
    "SiteRecord",
    "Tour",
    "TourStop",
    "TourLeg",
    "TRAVEL_MODES",
    "MAX_VISIT_MINUTES",
    "MAX_DAY_MINUTES",
    "ROUTE_END_TOLERANCE_M",
    "MIN_TOUR_STOPS",
    "tours_from_document",
]

PROJECT_FILE = "project.json"
DEFAULT_SCHEMAS = {
    "project": "project.schema.json",
    "site": "site.schema.json",
    "event": "event.schema.json",
    "sources": "sources.schema.json",
    "tours": "tours.schema.json",
}
#: A schema property with this keyword set to true is one property per language.
PER_LANGUAGE = "x-per-language"
#: Columns the loader adds to every site; a site property of the same name would be
#: overwritten (or break the frame), so validation refuses one.
RESERVED_SITE_COLUMNS = ("layer", "geometry", "period_start", "period_end")
#: Columns an export adds to every site row itself: GeoPackage's feature id and
#: geometry, CSV's coordinates and WKT. A property of the same name (any case) would
#: break the GeoPackage or give the CSV two columns of one name.
EXPORT_RESERVED_COLUMNS = ("fid", "geom", "longitude", "latitude", "easting", "northing", "wkt")
#: Columns a dBASE table (the Shapefile's .dbf) holds at most.
DBF_MAX_FIELDS = 255
#: A dBASE number field as GDAL writes a float: 24 characters, 15 decimals at most.
DBF_NUMBER_WIDTH = 24
DBF_NUMBER_DECIMALS = 15
#: The widest whole-number field GDAL reads back as an integer (Integer64): a field of
#: 19 characters or more, written exactly, is read as a real, its last digits lost.
DBF_INTEGER_WIDTH = 18


def dbf_integer_fits(value: int) -> bool:
    """Whether GDAL reads the integer ``value`` back from a Shapefile as the same integer:
    at most :data:`DBF_INTEGER_WIDTH` characters, its sign included.

    >>> dbf_integer_fits(10**18 - 1), dbf_integer_fits(10**18), dbf_integer_fits(-10**17)
    (True, False, False)
    """
    return len(str(int(value))) <= DBF_INTEGER_WIDTH


def dbf_number_fits(value: float) -> bool:
    """Whether a dBASE number field (24 characters, at most 15 decimals, as GDAL writes
    a float to a Shapefile) gives ``value`` back exactly; NaN (a missing value) fits.

    Examples
    --------
    >>> dbf_number_fits(3.14), dbf_number_fits(1.23e300), dbf_number_fits(1e-20)
    (True, False, False)
    >>> dbf_number_fits(123456789.12345679), dbf_number_fits(0.1 + 0.2)
    (True, False)
    """
    import math

    value = float(value)
    if math.isnan(value):
        return True
    if math.isinf(value):
        return False
    for decimals in range(DBF_NUMBER_DECIMALS, -1, -1):
        text = f"{value:.{decimals}f}"
        if len(text) <= DBF_NUMBER_WIDTH:
            return float(text) == value
    return False


#: The page of all layers; each layer's page is ``<layer id>`` + :data:`PAGE_SUFFIX`, so
#: the layer id ``index`` is reserved.
INDEX_PAGE = "index.html"
PAGE_SUFFIX = ".html"
#: A tour's page is :data:`TOUR_PAGE_PREFIX` + ``<tour id>`` + :data:`PAGE_SUFFIX`; the
#: region's story (its eras, one at a time) is :data:`STORY_PAGE`. A layer id that would
#: give one of these names is refused when the pages are built.
TOUR_PAGE_PREFIX = "tour-"
STORY_PAGE = "story.html"
#: Event cells the loader parses rather than keeps as text: a list of site ids and a
#: paragraph number.
EVENT_PARSED_COLUMNS = ("site_ids", "paragraph")
#: Between the site ids of one event in ``events.csv`` (``a;b``).
SITE_IDS_SEPARATOR = ";"
#: Between a source's file name and a paragraph number (``000_abc.txt#6``).
SOURCE_REF_SEPARATOR = "#"


def is_paragraph_number(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also takes '²' (which int() refuses) and '١٢'."""
    return text.isascii() and text.isdigit()


def split_source_ref(ref) -> tuple[str, str] | None:
    """The (file name, paragraph) a ``source_refs`` item cites, split at the last
    :data:`SOURCE_REF_SEPARATOR`; None unless the paragraph is ASCII digits (the site
    schema says what is wrong with such an item). The one reading of an item, for the
    validator, the page and the exports.

    Examples
    --------
    >>> split_source_ref("000_abc.txt#6"), split_source_ref("notes#2.txt#12")
    (('000_abc.txt', '6'), ('notes#2.txt', '12'))
    >>> split_source_ref("a.txt#x"), split_source_ref("a.txt#²"), split_source_ref(5)
    (None, None, None)
    """
    if not isinstance(ref, str) or SOURCE_REF_SEPARATOR not in ref:
        return None
    file_name, _, paragraph = ref.rpartition(SOURCE_REF_SEPARATOR)
    return (file_name, paragraph) if is_paragraph_number(paragraph) else None


#: Ids of the events-at-sites rows: ``<event id>@<site id>``.
EVENT_SITE_SEPARATOR = "@"
#: Between the items of a list in table formats (CSV, Shapefile, GeoPackage text).
LIST_SEPARATOR = "; "
WGS84 = "EPSG:4326"
DATE_DTYPE = "datetime64[s]"


@dataclass(frozen=True)
class LayerSpec:
    id: str
    file: str
    title: dict[str, str]
    color: str


#: What a basemap layer is drawn as (``project.json``, ``basemap.layers[].role``).
BASEMAP_ROLES = ("land", "areas", "boundaries", "places")
#: The geometry types each basemap role holds.
BASEMAP_GEOMETRY_TYPES = {
    "land": ("Polygon", "MultiPolygon"),
    "areas": ("Polygon", "MultiPolygon"),
    "boundaries": ("LineString", "MultiLineString"),
    "places": ("Point",),
}
#: The ``kind`` of a boundary line: the national border, a provincial boundary, and a
#: provincial boundary that no longer exists (shown on maps of the time before).
BOUNDARY_KINDS = ("national", "province", "former-province")


#: Where a place's label is looked for, in order: the label to show, then its names.
PLACE_LABEL_KEYS = ("label", "name_vi", "name")


def place_label(properties) -> str | None:
    """The label a basemap place shows (stripped), or None when it has none.

    Examples
    --------
    >>> place_label({"name": "Haiphong", "label": " Hải Phòng "})
    'Hải Phòng'
    >>> place_label({"population": 5}) is None
    True
    """
    for key in PLACE_LABEL_KEYS:
        value = properties.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


@dataclass(frozen=True)
class BasemapLayer:
    """One file of the basemap: its role, and the attribution its licence asks for."""

    id: str
    file: str
    role: str
    attribution: dict[str, str]
    licence: str
    licence_url: str | None = None


@dataclass(frozen=True)
class Category:
    id: str
    label: dict[str, str]


@dataclass(frozen=True)
class Era:
    """A named span of years the map offers as a shortcut for its year filter.

    ``period`` is EDTF (``1964/1972``, ``2021/..``: until today), read by
    :func:`heritage_mapper.dates.year_span`.
    """

    id: str
    label: dict[str, str]
    period: str


@dataclass(frozen=True)
class RegionException:
    name: dict[str, str]
    bbox: tuple[float, float, float, float]


@dataclass(frozen=True)
class Region:
    bbox: tuple[float, float, float, float]
    margin_deg: float = 0.0
    name: dict[str, str] = field(default_factory=dict)
    exceptions: tuple[RegionException, ...] = ()

    def contains(self, lon: float, lat: float) -> bool:
        """Whether a position lies in the box plus margin, or in a named exception."""
        w, s, e, n = self.bbox
        m = self.margin_deg
        if w - m <= lon <= e + m and s - m <= lat <= n + m:
            return True
        return any(_in_box(ex.bbox, lon, lat) for ex in self.exceptions)


def _in_box(bbox, lon, lat) -> bool:
    w, s, e, n = bbox
    return w <= lon <= e and s <= lat <= n


@dataclass(frozen=True)
class Project:
    """A parsed project file; relative paths are resolved against ``root``."""

    root: Path
    title: dict[str, str]
    languages: tuple[str, ...]
    default_language: str
    region: Region
    layers: tuple[LayerSpec, ...]
    categories: tuple[Category, ...]
    events: str
    sources: str
    sources_dir: str | None = None
    description: dict[str, str] = field(default_factory=dict)
    schemas: dict[str, str] = field(default_factory=dict)
    basemap: tuple[BasemapLayer, ...] = ()
    basemap_provenance: str | None = None
    eras: tuple[Era, ...] = ()
    tours: str | None = None

    def path(self, relative: str) -> Path:
        return self.root / relative

    @property
    def events_path(self) -> Path:
        return self.path(self.events)

    @property
    def sources_path(self) -> Path:
        return self.path(self.sources)

    @property
    def sources_dir_path(self) -> Path | None:
        return self.path(self.sources_dir) if self.sources_dir else None

    def schema_path(self, kind: str) -> Path:
        """The JSON Schema for ``kind``: the folder's own, else the packaged default."""
        if kind in self.schemas:
            return self.path(self.schemas[kind])
        return packaged_schema_path(kind)

    @property
    def columns(self) -> Columns:
        """The site and event columns for this project's languages."""
        return _columns_for(self.languages)

    @property
    def language_order(self) -> tuple[str, ...]:
        """The default language first, then the others in their declared order."""
        rest = tuple(lang for lang in self.languages if lang != self.default_language)
        return (self.default_language, *rest)

    def chain(self, lang: str | None) -> tuple[str, ...]:
        """The languages to try for text wanted in ``lang``: the one fallback rule
        (:func:`heritage_mapper.i18n.fallback_chain`) with this project's languages."""
        from heritage_mapper.i18n import fallback_chain

        return fallback_chain(lang, self.languages, self.default_language)

    def text(self, texts: dict, lang: str | None) -> str:
        """``{lang: text}`` (a title, a label) in ``lang`` by the one fallback rule; the
        first text there is when no language of the chain has one."""
        from heritage_mapper.i18n import pick

        return pick(texts, self.chain(lang)) or next(iter(texts.values()), "")

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)


def packaged_schema_path(kind: str) -> Path:
    from importlib.resources import files

    return Path(str(files("heritage_mapper") / "schemas" / DEFAULT_SCHEMAS[kind]))


def project_from_dict(root: Path, doc: dict) -> Project:
    """Build a :class:`Project` from an already-validated project document."""
    region = doc["region"]
    return Project(
        root=root,
        title=dict(doc["title"]),
        description=dict(doc.get("description", {})),
        languages=tuple(doc["languages"]),
        default_language=doc["default_language"],
        region=Region(
            bbox=tuple(region["bbox"]),
            margin_deg=float(region.get("margin_deg", 0.0)),
            name=dict(region.get("name", {})),
            exceptions=tuple(
                RegionException(dict(ex["name"]), tuple(ex["bbox"]))
                for ex in region.get("exceptions", [])
            ),
        ),
        layers=tuple(
            LayerSpec(spec["id"], spec["file"], dict(spec["title"]), spec["color"])
            for spec in doc["layers"]
        ),
        categories=tuple(Category(c["id"], dict(c["label"])) for c in doc["categories"]),
        events=doc["events"],
        sources=doc["sources"],
        sources_dir=doc.get("sources_dir"),
        schemas=dict(doc.get("schemas", {})),
        basemap=tuple(
            BasemapLayer(
                layer["id"],
                layer["file"],
                layer["role"],
                dict(layer["attribution"]),
                layer["licence"],
                layer.get("licence_url"),
            )
            for layer in doc.get("basemap", {}).get("layers", [])
        ),
        basemap_provenance=doc.get("basemap", {}).get("provenance"),
        eras=tuple(Era(e["id"], dict(e["label"]), e["period"]) for e in doc.get("eras", [])),
        tours=doc.get("tours"),
    )


def read_project(geodata_dir: str | Path) -> Project:
    """Read ``project.json`` from a geodata folder without validating it.

    Use :func:`heritage_mapper.validate.validate_geodata` for located findings; this
    raises :class:`~heritage_mapper.errors.GeodataReadError` when the file is missing
    or unreadable.
    """
    from heritage_mapper.read.files import (
        MAX_REGISTRY_BYTES,
        InputRefused,
        read_regular,
        resolve_inside,
    )

    root = Path(geodata_dir)
    path = root / PROJECT_FILE
    try:
        data, _ = read_regular(resolve_inside(root, PROJECT_FILE), MAX_REGISTRY_BYTES)
        if data is None:
            raise ValueError(f"over the limit of {MAX_REGISTRY_BYTES:,} bytes")
        doc = json.loads(data.decode("utf-8"))
        return project_from_dict(root, doc)
    except InputRefused as exc:
        raise GeodataReadError(f"{path}: {exc.message}") from None
    except FileNotFoundError as exc:
        raise GeodataReadError(
            f"{path}: no project file; a geodata folder needs {PROJECT_FILE} "
            "(see README, 'The data model')"
        ) from exc
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise GeodataReadError(
            f"{path}: cannot read the project file ({exc}); run 'heritage-mapper validate' "
            "for the exact place"
        ) from exc


@functools.cache
def _columns_for(languages: tuple[str, ...]) -> Columns:
    return Columns.for_languages(languages)


def localized(base: str, lang: str) -> str:
    """The column of a per-language field in one language.

    Examples
    --------
    >>> localized("location_basis", "en")
    'location_basis_en'
    """
    return f"{base}_{lang}"


def expand_languages(schema: dict, languages) -> dict:
    """A copy of ``schema`` with every per-language property expanded for ``languages``.

    Each object schema's ``properties`` entry marked ``"x-per-language": true`` becomes
    one property per language at the same place, and so does its name in ``required``.
    A schema without the marker (a folder's own, older schema) comes back unchanged.

    Examples
    --------
    >>> schema = {"properties": {"id": {}, "name": {"x-per-language": True}},
    ...           "required": ["id", "name"]}
    >>> expanded = expand_languages(schema, ("vi", "en"))
    >>> list(expanded["properties"]), expanded["required"]
    (['id', 'name_vi', 'name_en'], ['id', 'name_vi', 'name_en'])
    """
    return _expand(copy.deepcopy(schema), tuple(languages))


def _expand(node, languages):
    if isinstance(node, list):
        return [_expand(item, languages) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _expand(value, languages) for key, value in node.items()}
    props = out.get("properties")
    if isinstance(props, dict) and any(_per_language(v) for v in props.values()):
        bases = {name for name, value in props.items() if _per_language(value)}
        expanded = {}
        for name, value in props.items():
            if name in bases:
                plain = {k: v for k, v in value.items() if k != PER_LANGUAGE}
                expanded.update({localized(name, lang): dict(plain) for lang in languages})
            else:
                expanded[name] = value
        out["properties"] = expanded
        if isinstance(out.get("required"), list):
            out["required"] = [
                column
                for name in out["required"]
                for column in (
                    [localized(name, lang) for lang in languages] if name in bases else [name]
                )
            ]
    return out


def _per_language(value) -> bool:
    return isinstance(value, dict) and value.get(PER_LANGUAGE) is True


#: A language code in project.json (``languages``; project.schema.json says the same).
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")


def schema_languages(schema, kind: str) -> tuple[str, ...]:
    """The languages a schema of ``kind`` has per-language properties for.

    The packaged schema's per-language properties (``name``, ``title``, …) are looked
    for, expanded, in every ``properties`` of ``schema``; the codes come back in the
    order they first appear. A schema that still carries the ``x-per-language`` marks
    (expanded as it is read) or names none gives ``()``.

    Examples
    --------
    >>> schema_languages(expand_languages(packaged_schema("site"), ("vi", "en")), "site")
    ('vi', 'en')
    >>> schema_languages(packaged_schema("site"), "site")
    ()
    """
    bases = _per_language_names(packaged_schema(kind))
    found: dict[str, None] = {}
    for props in _property_maps(schema):
        for lang in _languages_of(props, bases):
            found.setdefault(lang)
    return tuple(found)


def _languages_of(props: dict, bases) -> list[str]:
    """The codes ``lang`` for which ``props`` has ``<base>_<lang>`` for every
    per-language base it has some language of, in the order first met: a property of
    the folder's own named like one (``name_alt`` beside ``name_vi``, ``name_en``,
    ``description_vi``, …) is not a language."""
    pairs: dict[str, set[str]] = {}
    for name in props:
        base, _, lang = str(name).rpartition("_")
        if base in bases and LANGUAGE_CODE.fullmatch(lang):
            pairs.setdefault(lang, set()).add(base)
    here = set().union(*pairs.values()) if pairs else set()
    return [lang for lang, with_bases in pairs.items() if with_bases == here]


def _per_language_names(schema) -> frozenset[str]:
    """Every property name marked ``x-per-language`` anywhere in ``schema``."""
    return frozenset(
        name
        for props in _property_maps(schema)
        for name, value in props.items()
        if _per_language(value)
    )


def _property_maps(schema):
    """Every ``properties`` mapping in ``schema``, at any depth, in document order."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            props = node.get("properties")
            if isinstance(props, dict):
                yield props
            stack.extend(reversed(list(node.values())))


@functools.cache
def packaged_schema(kind: str) -> dict:
    """The shipped JSON Schema of ``kind`` (``site``, ``event``, …), as written."""
    return json.loads(packaged_schema_path(kind).read_text(encoding="utf-8"))


def _fields(kind: str, languages) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(every column in schema order, the per-language bases) of a shipped schema."""
    schema = packaged_schema(kind)
    if kind == "sources":
        schema = schema["properties"]["sources"]["items"]
    props = schema["properties"]
    bases = tuple(name for name, value in props.items() if _per_language(value))
    columns = tuple(expand_languages(schema, languages)["properties"])
    return columns, bases


@dataclass(frozen=True)
class Columns:
    """The columns of sites and events for a project's languages.

    Attributes
    ----------
    languages
        The declared languages, in the project's order.
    site_columns
        Every site property the site schema names, per-language ones expanded.
    site_text_columns
        The site columns that hold text (typed as strings by the loader).
    event_columns
        The header of ``events.csv``, in order.
    event_text_columns
        The event columns the loader keeps as text.
    per_language
        Base name → its columns, for every per-language field of sites, events and
        sources (``name`` → ``("name_vi", "name_en")``).
    """

    languages: tuple[str, ...]
    site_columns: tuple[str, ...]
    site_text_columns: tuple[str, ...]
    event_columns: tuple[str, ...]
    event_text_columns: tuple[str, ...]
    per_language: dict

    @classmethod
    def for_languages(cls, languages) -> Columns:
        languages = tuple(languages)
        site, site_bases = _fields("site", languages)
        event, event_bases = _fields("event", languages)
        _, source_bases = _fields("sources", languages)
        schema = expand_languages(packaged_schema("site"), languages)["properties"]
        site_text = tuple(c for c in site if schema[c].get("type") == "string")
        per_language = {
            base: tuple(localized(base, lang) for lang in languages)
            for base in dict.fromkeys((*site_bases, *event_bases, *source_bases))
        }
        return cls(
            languages=languages,
            site_columns=site,
            site_text_columns=site_text,
            event_columns=event,
            event_text_columns=tuple(c for c in event if c not in EVENT_PARSED_COLUMNS),
            per_language=per_language,
        )

    def localized(self, base: str) -> tuple[str, ...]:
        """The columns of per-language field ``base``, in the languages' order."""
        return self.per_language.get(base) or tuple(
            localized(base, lang) for lang in self.languages
        )


@dataclass
class SiteRecord:
    """Where a site was found, for cross-checks and located messages."""

    id: str
    layer: str
    path: str
    index: int
    period: EdtfDate | None


@dataclass
class ParsedGeodata:
    """A geodata folder as validation parsed it, for the loader to build frames from.

    Filled by :func:`heritage_mapper.validate.parse_geodata` in the same pass as the
    checks (each file is read once); the typed frames come from it
    (:func:`heritage_mapper.frames.load_geodata`).
    """

    project: Project | None = None
    layer_docs: dict[str, dict] = field(default_factory=dict)
    basemap_docs: dict[str, dict] = field(default_factory=dict)
    #: The well-formed rows of the events file, a column at a time: column name (the
    #: known columns, in the header's order) → its cells, one per row.
    event_columns: Mapping[str, Sequence[str]] = field(default_factory=dict)
    #: Whether the whole events file is NFC, so every cell is (then normalising a
    #: cell gives it back as it is, and the loader need not ask).
    event_cells_nfc: bool = False
    event_dates: dict[str, EdtfDate] = field(default_factory=dict)
    site_periods: dict[str, EdtfDate] = field(default_factory=dict)
    sources: list[dict] = field(default_factory=list)
    tours: tuple[Tour, ...] = ()

    @property
    def event_count(self) -> int:
        """How many well-formed rows the events file has."""
        return len(next(iter(self.event_columns.values()), ()))

    @property
    def event_rows(self) -> list[dict[str, str]]:
        """Each well-formed row of the events file as a dict (made when asked for)."""
        names = list(self.event_columns)
        rows = zip(*self.event_columns.values(), strict=True)
        return [dict(zip(names, cells, strict=True)) for cells in rows]


#: How a tour gets from one stop to the next (``tours.json``, ``stops[].leg.mode``).
TRAVEL_MODES = ("walk", "bicycle", "road", "causeway", "boat", "rail")
#: A tour has at least this many stops.
MIN_TOUR_STOPS = 2
#: A suggested visit of one stop is at least a minute and at most 12 hours.
MAX_VISIT_MINUTES = 12 * 60
#: A tour whose visits add up to more than this (16 hours) is not a day: a warning.
MAX_DAY_MINUTES = 16 * 60
#: A route geometry must start and end within this many metres of its stops, or within
#: the stop site's ``location_precision_m`` when that is wider.
ROUTE_END_TOLERANCE_M = 500.0


@dataclass(frozen=True)
class TourLeg:
    """The way from the previous stop to a stop.

    Attributes
    ----------
    mode
        One of :data:`TRAVEL_MODES`.
    route
        The path as (longitude, latitude) pairs in WGS84 when the curator knows it;
        ``None`` for a straight line (distances "as the crow flies").
    note
        ``{language: text}``, empty when there is none.
    """

    mode: str
    route: tuple[tuple[float, float], ...] | None = None
    note: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TourStop:
    """One stop of a tour: a site, a suggested visit time, a note, the way there."""

    site: str
    visit_minutes: int
    note: dict[str, str] = field(default_factory=dict)
    leg: TourLeg | None = None


@dataclass(frozen=True)
class Tour:
    """A curated tour of ``tours.json``: titles and descriptions are ``{language: text}``."""

    id: str
    title: dict[str, str]
    description: dict[str, str]
    stops: tuple[TourStop, ...]

    @property
    def site_ids(self) -> tuple[str, ...]:
        """The sites of its stops, in order (as :class:`~heritage_mapper.tours.TourRoute`)."""
        return tuple(stop.site for stop in self.stops)


def _texts(item: dict, base: str, languages) -> dict[str, str]:
    import unicodedata

    found = {lang: item.get(localized(base, lang)) for lang in languages}
    return {
        lang: unicodedata.normalize("NFC", text)
        for lang, text in found.items()
        if isinstance(text, str) and text
    }


def tours_from_document(doc: dict, languages) -> tuple[Tour, ...]:
    """The tours of an already-validated ``tours.json`` document, text in NFC.

    Examples
    --------
    >>> doc = {"tours": [{"id": "day", "title_en": "A day", "description_en": "Two stops",
    ...     "stops": [{"site": "a", "visit_minutes": 30},
    ...               {"site": "b", "visit_minutes": 45, "leg": {"mode": "boat"}}]}]}
    >>> (tour,) = tours_from_document(doc, ("en",))
    >>> tour.title, [s.site for s in tour.stops], tour.stops[1].leg.mode
    ({'en': 'A day'}, ['a', 'b'], 'boat')
    """
    tours = []
    for item in doc.get("tours", []):
        stops = []
        for stop in item["stops"]:
            leg = stop.get("leg")
            if leg is not None:
                route = leg.get("route")
                leg = TourLeg(
                    mode=leg["mode"],
                    route=None
                    if route is None
                    else tuple((float(p[0]), float(p[1])) for p in route["coordinates"]),
                    note=_texts(leg, "note", languages),
                )
            stops.append(
                TourStop(
                    site=stop["site"],
                    visit_minutes=int(stop["visit_minutes"]),
                    note=_texts(stop, "note", languages),
                    leg=leg,
                )
            )
        tours.append(
            Tour(
                id=item["id"],
                title=_texts(item, "title", languages),
                description=_texts(item, "description", languages),
                stops=tuple(stops),
            )
        )
    return tuple(tours)
