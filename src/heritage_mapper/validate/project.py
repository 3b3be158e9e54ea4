"""Validate a whole geodata folder: layers, events, sources and how they fit together.

The RFC 7946 and geometry rules come from :mod:`heritage_mapper.validate.geojson`; this
module adds the project's rules: property schema, ids unique across layers, NFC text,
EDTF dates, categories and sources that exist, sites inside the declared region (with
a hint when latitude and longitude look swapped), events whose sites exist and whose
dates fall in the sites' periods.

Everything is collected as :class:`~heritage_mapper.problems.Problem` records; nothing
here raises on bad data. :func:`validate_geodata` returns a report; the loader uses
:func:`parse_geodata`, which also returns what was parsed, so files are read once.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from heritage_mapper.dates import EdtfDate, EdtfError, parse_edtf
from heritage_mapper.errors import GeodataReadError
from heritage_mapper.model import (
    PROJECT_FILE,
    RESERVED_SITE_COLUMNS,
    SITE_IDS_SEPARATOR,
    SOURCE_REF_SEPARATOR,
    Project,
    expand_languages,
    packaged_schema_path,
    project_from_dict,
)
from heritage_mapper.problems import ERROR, WARNING, Location, Problem, Report
from heritage_mapper.read.csvfile import csv_line_numbers, csv_records, read_csv_text
from heritage_mapper.read.jsonfile import (
    gc_paused,
    read_json,
)
from heritage_mapper.text import fold, pointer, pointer_join
from heritage_mapper.validate.geojson import check_document
from heritage_mapper.validate.schema import SchemaChecker, make_validator

__all__ = ["validate_geodata", "parse_geodata", "ParsedGeodata", "PROJECT_CODES"]

MAX_SITES_FOR_SUGGESTIONS = 2000  # "did you mean" is linear in the number of sites
#: A cited paragraph number longer than this cannot exist (and would not fit an int64).
MAX_PARAGRAPH_DIGITS = 9
NFC_FIX = (
    "re-save the text as NFC (composed) Unicode, e.g. "
    "python -c \"import unicodedata,sys; p=sys.argv[1]; t=open(p,encoding='utf-8').read(); "
    "open(p,'w',encoding='utf-8').write(unicodedata.normalize('NFC',t))\" FILE"
)

# C0 controls but tab, line feed and carriage return; DEL; C1 controls. No name or
# description needs one; they come from pasting (Word's vertical tab, a stray escape).
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# How one can hide in JSON text: a \\u escape, \\b, \\f, or a raw DEL or C1 control.
JSON_MAY_HOLD_CONTROL = re.compile("\\\\[ubf]|[\x7f-\x9f]")
CONTROL_FIX = (
    "delete the character (most editors do not show it: search for it by its code); "
    "for a line break use a real new line"
)

PROJECT_CODES = {
    "project-schema": "project.json does not match project.schema.json",
    "schema-unreadable": "a JSON Schema named by project.json cannot be read",
    "layer-file-missing": "a layer named in project.json does not exist",
    "layer-not-featurecollection": "a layer file is not a GeoJSON FeatureCollection",
    "layer-id-duplicate": "two layers in project.json share an id",
    "site-property-missing": "a required site property is missing",
    "site-property-type": "a site property has the wrong JSON type",
    "site-property-invalid": "a site property breaks a rule of site.schema.json",
    "site-geometry-null": "a site has no geometry",
    "site-id-mismatch": "a feature's id member differs from properties.id",
    "site-id-duplicate": "a site id is used twice across the layers",
    "site-id-near-duplicate": "two site ids differ only by case, accents or Unicode form",
    "site-period-invalid": "a site's period is not EDTF",
    "site-category-unknown": "a site's category is not declared in project.json",
    "site-outside-region": "a site lies outside the declared region and its exceptions",
    "coordinates-swapped": "a site is outside the region but would be inside with lat/lon swapped",
    "source-ref-unknown": "a source reference names a file not in sources.json",
    "source-paragraph-missing": "a cited paragraph number is beyond the end of the source",
    "text-not-nfc": "text is not in Unicode NFC form",
    "text-control-character": "text holds a control character (U+0000 is an error)",
    "sources-schema": "sources.json does not match sources.schema.json",
    "source-id-duplicate": "two sources share an id or a file name",
    "source-text-missing": "a registered source file is not in sources_dir",
    "source-changed": "a source file's checksum differs from the one registered",
    "events-file-missing": "the events CSV named in project.json does not exist",
    "csv-empty": "the events CSV is empty",
    "csv-unreadable": "the events CSV cannot be opened or read",
    "csv-too-large": "the events CSV is larger than the size limit (--max-bytes)",
    "csv-encoding": "the events CSV is not UTF-8",
    "csv-syntax": "the events CSV cannot be parsed (quotes, NUL bytes)",
    "csv-column-missing": "a required column is missing from the events CSV header",
    "csv-column-unknown": "the events CSV has a column heritage-mapper does not know",
    "csv-row-length": "a CSV row has more or fewer cells than the header",
    "event-field-missing": "a required event cell is empty",
    "event-field-invalid": "an event cell breaks a rule of event.schema.json",
    "event-id-duplicate": "an event id is used twice",
    "event-date-invalid": "an event date is not EDTF",
    "event-site-unknown": "an event names a site id that no layer has",
    "event-source-unknown": "an event cites a file not in sources.json",
    "event-paragraph-missing": "an event cites a paragraph beyond the end of its source",
    "event-outside-site-period": "an event's date falls outside the period of one of its sites",
}


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
    """What :func:`parse_geodata` read, for the loader to build frames from."""

    project: Project | None = None
    layer_docs: dict[str, dict] = field(default_factory=dict)
    event_rows: list[dict[str, str]] = field(default_factory=list)
    event_dates: dict[str, EdtfDate] = field(default_factory=dict)
    site_periods: dict[str, EdtfDate] = field(default_factory=dict)
    sources: list[dict] = field(default_factory=list)


class _Context:
    """Shared state of one validation run."""

    def __init__(self, root: Path):
        self.root = root
        self.report = Report()
        self.parsed = ParsedGeodata()
        self.sites: dict[str, SiteRecord] = {}
        self.folded_ids: dict[str, str] = {}
        self.source_paragraphs: dict[str, int | None] = {}
        self.dates: dict[str, EdtfDate] = {}  # event dates repeat: parse each text once

    def problem(self, severity, code, path, message, hint=None, **location):
        self.report.extend(
            [Problem(severity, code, str(path), message, Location(**location), hint)]
        )

    def rel(self, path: Path) -> str:
        return str(path)


def validate_geodata(geodata_dir: str | Path, *, max_bytes: int | None = None) -> Report:
    """Validate every file of a geodata folder and how they fit together.

    Parameters
    ----------
    geodata_dir
        The folder holding ``project.json``.
    max_bytes
        Refuse a layer file or events CSV larger than this many bytes, without reading
        it; default (``None``) :data:`~heritage_mapper.read.jsonfile.DEFAULT_MAX_JSON_BYTES`
        (64 MiB). A folder cannot be checked without a limit: raise it instead.

    Returns
    -------
    Report
        All findings, grouped by file; ``report.has_errors()`` decides the exit code.

    Raises
    ------
    GeodataReadError
        When the folder or its project file cannot be opened at all.

    Examples
    --------
    >>> report = validate_geodata("geodata")
    >>> report.error_count
    0
    """
    return parse_geodata(geodata_dir, max_bytes=max_bytes)[0]


def parse_geodata(
    geodata_dir: str | Path, *, max_bytes: int | None = None
) -> tuple[Report, ParsedGeodata]:
    """Like :func:`validate_geodata`, and also return what was parsed."""
    root = Path(geodata_dir)
    if not root.is_dir():
        raise GeodataReadError(
            f"{root}: no such geodata folder; pass --geodata with the folder that holds "
            f"{PROJECT_FILE}"
        )
    if not (root / PROJECT_FILE).is_file():
        raise GeodataReadError(
            f"{root / PROJECT_FILE}: not found; a geodata folder needs a project file "
            "(see README, 'The data model')"
        )
    ctx = _Context(root)
    project = _check_project(ctx)
    if project is None:
        return ctx.report, ctx.parsed
    ctx.parsed.project = project
    _check_sources(ctx, project)
    site_schema = _load_schema(ctx, project, "site")
    with gc_paused():  # millions of small objects and no cycles: see gc_paused
        for spec in project.layers:
            _check_layer(ctx, project, spec, site_schema, max_bytes)
        _check_events(ctx, project, _load_schema(ctx, project, "event"), max_bytes)
    return ctx.report, ctx.parsed


# -- helpers -------------------------------------------------------------------------


def _read_json_checked(ctx: _Context, path: Path, max_bytes=None):
    ctx.report.add_file(path)
    result = read_json(path, max_bytes=max_bytes)
    ctx.report.extend(result.problems)
    return result


def _load_schema(ctx: _Context, project: Project, kind: str):
    from jsonschema import Draft202012Validator

    path = project.schema_path(kind)
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        schema = expand_languages(schema, project.languages)
    except Exception as exc:  # any unreadable or malformed schema is one finding
        ctx.problem(
            ERROR,
            "schema-unreadable",
            path,
            f"the {kind} schema cannot be used: {exc}",
            hint=f"fix the file, or remove schemas.{kind} from {PROJECT_FILE} to use the "
            "packaged schema",
        )
        return None
    return SchemaChecker(make_validator(schema))


def _schema_code(error, prefix: str) -> str:
    if error.validator == "required":
        return f"{prefix}-missing"
    if error.validator == "type":
        return f"{prefix}-type"
    return f"{prefix}-invalid"


def _schema_message(error) -> str:
    where = "/".join(str(p) for p in error.absolute_path)
    subject = f"'{where}'" if where else "the object"
    return f"{subject}: {error.message}"


def _non_nfc_strings(value, pointer=""):
    """Yield (pointer, text) for every string (values and keys) that is not NFC."""
    stack = [(pointer, value)]
    while stack:
        ptr, item = stack.pop()
        if isinstance(item, str):
            if not unicodedata.is_normalized("NFC", item):
                yield ptr, item
        elif isinstance(item, dict):
            for key, child in item.items():
                child_ptr = pointer_join(ptr, key)
                if isinstance(key, str) and not unicodedata.is_normalized("NFC", key):
                    yield child_ptr, key
                stack.append((child_ptr, child))
        elif isinstance(item, list):
            stack.extend((f"{ptr}/{i}", child) for i, child in enumerate(item))


def _control_character(text: str) -> tuple[str, str] | None:
    """(severity, message) when ``text`` holds a control character, else None.

    U+0000 is an error: GDAL's formats (GeoPackage, Shapefile, FlatGeobuf) cut the text
    there and XML cannot hold it. Other controls are a warning: KML and GPX show them
    as U+FFFD, the other formats keep an invisible character.
    """
    match = CONTROL_CHARACTER.search(text)
    if match is None:
        return None
    char, at, shown = match.group(), match.start(), text[:40]
    if char == "\x00":
        return ERROR, (
            f"text {shown!r} holds U+0000 (NUL) at character {at}: GeoPackage, Shapefile and "
            "FlatGeobuf would cut the text there, and KML and GPX cannot hold it"
        )
    return WARNING, (
        f"text {shown!r} holds the control character U+{ord(char):04X} at character {at}: "
        "KML and GPX show it as \ufffd, the other formats keep an invisible character"
    )


def _strings(value, pointer=""):
    """Yield (pointer, text) for every string in ``value`` (values and keys)."""
    stack = [(pointer, value)]
    while stack:
        ptr, item = stack.pop()
        if isinstance(item, str):
            yield ptr, item
        elif isinstance(item, dict):
            for key, child in item.items():
                child_ptr = pointer_join(ptr, key)
                if isinstance(key, str):
                    yield child_ptr, key
                stack.append((child_ptr, child))
        elif isinstance(item, list):
            stack.extend((f"{ptr}/{i}", child) for i, child in enumerate(item))


# -- project, sources ------------------------------------------------------------------


def _check_project(ctx: _Context) -> Project | None:
    path = ctx.root / PROJECT_FILE
    result = _read_json_checked(ctx, path)
    doc = result.document
    if doc is None:
        return None
    default_schema = packaged_schema_path("project")
    schemas = doc.get("schemas") if isinstance(doc, dict) else None
    schema_file = (
        ctx.root / schemas["project"]
        if isinstance(schemas, dict) and isinstance(schemas.get("project"), str)
        else default_schema
    )

    try:
        validator = make_validator(json.loads(schema_file.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        ctx.problem(ERROR, "schema-unreadable", schema_file, f"cannot read the schema: {exc}")
        return None
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    for error in errors:
        ctx.problem(
            ERROR,
            "project-schema",
            path,
            _schema_message(error),
            hint="see schemas/project.schema.json and the README's data model",
            pointer=pointer(*error.absolute_path),
        )
    if errors:
        return None
    project = project_from_dict(ctx.root, doc)
    _check_project_consistency(ctx, path, project)
    return project


def _check_project_consistency(ctx: _Context, path: Path, project: Project) -> None:
    seen: set[str] = set()
    for i, spec in enumerate(project.layers):
        if spec.id in seen:
            ctx.problem(
                ERROR,
                "layer-id-duplicate",
                path,
                f"layer id {spec.id!r} is declared twice",
                hint="give every layer its own id",
                pointer=f"/layers/{i}/id",
            )
        seen.add(spec.id)
    if project.default_language not in project.languages:
        ctx.problem(
            ERROR,
            "project-schema",
            path,
            f"default_language {project.default_language!r} is not in languages "
            f"{list(project.languages)}",
            hint="add it to languages or pick one of them",
            pointer="/default_language",
        )


def _check_sources(ctx: _Context, project: Project) -> None:
    path = project.sources_path
    if not path.is_file():
        ctx.problem(
            ERROR,
            "sources-schema",
            path,
            f"the sources registry {project.sources!r} named in {PROJECT_FILE} does not exist",
            hint="create it (see README) or fix 'sources' in project.json",
        )
        return
    doc = _read_json_checked(ctx, path).document
    if doc is None:
        return
    validator = _load_schema(ctx, project, "sources")
    if validator is not None:
        errors = list(validator.iter_errors(doc))
        for error in errors:
            ctx.problem(
                ERROR,
                "sources-schema",
                path,
                _schema_message(error),
                hint="see schemas/sources.schema.json",
                pointer=pointer(*error.absolute_path),
            )
        if errors:
            return
    ids: set[str] = set()
    for i, source in enumerate(doc["sources"]):
        for key in ("id", "file"):
            value = source[key]
            if value in ids:
                ctx.problem(
                    ERROR,
                    "source-id-duplicate",
                    path,
                    f"source {key} {value!r} is registered twice",
                    hint="register each document once",
                    pointer=f"/sources/{i}/{key}",
                )
            ids.add(value)
        ctx.source_paragraphs[source["file"]] = _count_paragraphs(ctx, project, path, i, source)
    ctx.parsed.sources = doc["sources"]


def _count_paragraphs(ctx, project: Project, path: Path, index: int, source: dict) -> int | None:
    """Paragraphs (non-empty lines) in the source text, or None when it is not at hand."""
    folder = project.sources_dir_path
    if folder is None or not folder.is_dir():
        return None
    text_path = folder / source["file"]
    try:
        data = text_path.read_bytes()
    except OSError:
        ctx.problem(
            WARNING,
            "source-text-missing",
            path,
            f"{source['file']!r} is not in {folder}; paragraph numbers cannot be checked",
            hint="put the document in sources_dir or fix the file name",
            pointer=f"/sources/{index}/file",
        )
        return None
    expected = source.get("sha256")
    if expected and hashlib.sha256(data).hexdigest() != expected:
        ctx.problem(
            WARNING,
            "source-changed",
            path,
            f"{text_path} differs from the version registered (sha256 {expected[:12]}…); "
            "cited paragraph numbers may now point elsewhere",
            hint="re-check the citations against the new text, then update sha256",
            pointer=f"/sources/{index}/sha256",
        )
    text = data.decode("utf-8", errors="replace")
    return sum(1 for line in text.splitlines() if line.strip())


def _is_paragraph_number(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also takes '²' (which int() refuses) and '١٢'."""
    return text.isascii() and text.isdigit()


def _check_source_ref(ctx, path, file_name: str, paragraph: str, code_prefix: str, **loc) -> None:
    """Check a citation; ``paragraph`` is a string of ASCII digits."""
    known = ctx.source_paragraphs
    if file_name not in known:
        ctx.problem(
            ERROR,
            f"{code_prefix}-unknown",
            path,
            f"source {file_name!r} is not registered in sources.json",
            hint=f"use one of {sorted(known)} or register the document",
            **loc,
        )
        return
    count = known[file_name]
    if len(paragraph) > MAX_PARAGRAPH_DIGITS:
        fact = (
            f"paragraph {paragraph[:MAX_PARAGRAPH_DIGITS]}… has {len(paragraph)} digits; "
            f"{file_name} cannot have that many paragraphs"
        )
    elif count is not None and int(paragraph) > count:
        fact = (
            f"{file_name} has {count} paragraphs (non-empty lines); paragraph "
            f"{int(paragraph)} does not exist"
        )
    else:
        return
    code = (
        "event-paragraph-missing" if code_prefix == "event-source" else "source-paragraph-missing"
    )
    ctx.problem(
        ERROR,
        code,
        path,
        fact,
        hint="count non-empty lines from 1 and cite the right one",
        **loc,
    )


# -- layers ----------------------------------------------------------------------------


def _check_layer(ctx: _Context, project: Project, spec, site_schema, max_bytes) -> None:
    path = project.path(spec.file)
    if not path.is_file():
        ctx.problem(
            ERROR,
            "layer-file-missing",
            path,
            f"layer {spec.id!r} names {spec.file!r}, which does not exist",
            hint=f"create the file or fix layers[].file in {PROJECT_FILE}",
        )
        return
    result = _read_json_checked(ctx, path, max_bytes)
    doc = result.document
    if doc is None:
        return
    before = len(ctx.report.problems)
    ctx.report.extend(check_document(doc, str(path), text=result.text, range_severity=ERROR))
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        ctx.problem(
            ERROR,
            "layer-not-featurecollection",
            path,
            "a site layer must be a GeoJSON FeatureCollection",
            hint='wrap the features in {"type": "FeatureCollection", "features": [...]}',
            pointer="",
        )
        return
    features = doc.get("features")
    if not isinstance(features, list):
        return
    ctx.parsed.layer_docs[spec.id] = doc
    if site_schema is not None and site_schema.all_valid(_property_objects(features)):
        site_schema = None  # every feature conforms: no need to ask one by one
    check_nfc = not _json_text_is_nfc(result.text)
    check_controls = result.text is None or bool(JSON_MAY_HOLD_CONTROL.search(result.text))
    for index, feature in enumerate(features):
        if isinstance(feature, dict):
            _check_site(
                ctx, project, spec, path, index, feature, site_schema, check_nfc, check_controls
            )
    _add_lines(ctx, before, path, result.text)


def _property_objects(features: list) -> list[dict]:
    """The ``properties`` objects that :func:`_check_site` checks against the schema."""
    return [
        f["properties"]
        for f in features
        if isinstance(f, dict) and isinstance(f.get("properties"), dict)
    ]


def _json_text_is_nfc(text: str | None) -> bool:
    """Whether every string in the JSON document ``text`` is surely NFC.

    NFC is decided between characters that never combine, such as the quotes, commas
    and brackets around each string, so a whole text in NFC has every string in NFC;
    one ``is_normalized`` over the file replaces one per string. A ``\\u`` escape
    could spell a decomposed accent, so a text with one is checked string by string.
    """
    return text is not None and "\\u" not in text and unicodedata.is_normalized("NFC", text)


def _add_lines(ctx: _Context, start: int, path: Path, text: str | None) -> None:
    """Give project-level findings in ``path`` a line number (one scan per file)."""
    from heritage_mapper.read.jsonfile import lines_of_pointers

    wanted = [
        i
        for i in range(start, len(ctx.report.problems))
        if ctx.report.problems[i].path == str(path)
        and ctx.report.problems[i].location.line is None
        and ctx.report.problems[i].location.pointer is not None
    ]
    if not wanted or text is None:
        return
    lines = lines_of_pointers(text, {ctx.report.problems[i].location.pointer for i in wanted})
    for i in wanted:
        p = ctx.report.problems[i]
        line = lines.get(p.location.pointer)
        if line is not None:
            loc = Location(**{**p.location.as_dict(), "line": line})
            ctx.report.problems[i] = Problem(p.severity, p.code, p.path, p.message, loc, p.hint)


def _check_site(
    ctx, project, spec, path, index, feature, site_schema, check_nfc=True, check_controls=True
) -> None:
    props = feature.get("properties")
    site_id = props.get("id") if isinstance(props, dict) else None
    fid = site_id if isinstance(site_id, str) else feature.get("id")
    fid = str(fid) if fid is not None else None
    base = f"/features/{index}"
    loc = {"feature_index": index, "feature_id": fid}

    def report(severity, code, message, hint=None, pointer=base):
        ctx.problem(severity, code, path, message, hint=hint, pointer=pointer, **loc)

    if feature.get("geometry", "absent") is None:
        report(
            ERROR,
            "site-geometry-null",
            "a heritage site needs a location, but its geometry is null",
            hint="give the site a Point at the best position the sources support and a "
            "matching location_precision_m",
            pointer=f"{base}/geometry",
        )
    if not isinstance(props, dict):
        return
    for ptr, text in _non_nfc_strings(props, f"{base}/properties") if check_nfc else ():
        report(
            WARNING,
            "text-not-nfc",
            f"text {text[:40]!r} is not NFC (decomposed accents); it will be normalised "
            "when loaded, but search and joins on the raw file may miss it",
            hint=NFC_FIX,
            pointer=ptr,
        )
    for ptr, text in _strings(props, f"{base}/properties") if check_controls else ():
        found = _control_character(text)
        if found:
            report(found[0], "text-control-character", found[1], hint=CONTROL_FIX, pointer=ptr)
    if site_schema is not None:
        for error in site_schema.iter_errors(props):
            report(
                ERROR,
                _schema_code(error, "site-property"),
                _schema_message(error),
                hint="see schemas/site.schema.json and the README's data model",
                pointer=f"{base}/properties{pointer(*error.absolute_path)}",
            )
    for name in RESERVED_SITE_COLUMNS:
        if name in props:
            report(
                ERROR,
                "site-property-invalid",
                f"a property named {name!r} would be lost: heritage-mapper gives every "
                f"loaded site a {name!r} column of its own",
                hint=f"rename the property, e.g. to 'source_{name}'",
                pointer=f"{base}/properties{pointer(name)}",
            )
    if isinstance(site_id, str):
        _check_site_id(ctx, spec, path, index, feature, site_id, report, base)
    _check_site_values(ctx, project, path, props, report, base, site_id, loc)
    _check_region(project, feature.get("geometry"), report, base)


def _check_site_id(ctx, spec, path, index, feature, site_id, report, base) -> None:
    member = feature.get("id")
    key = unicodedata.normalize("NFC", site_id)
    nfc_member = unicodedata.normalize("NFC", member) if isinstance(member, str) else member
    if member != site_id and nfc_member == key:
        report(
            WARNING,
            "text-not-nfc",
            f"feature id {member!r} and properties.id {site_id!r} are the same id in "
            "different Unicode forms (one is decomposed)",
            hint=NFC_FIX,
            pointer=f"{base}/id",
        )
    elif member is not None and member != site_id:
        report(
            ERROR,
            "site-id-mismatch",
            f"feature id {member!r} differs from properties.id {site_id!r}",
            hint="make the two equal (the id member is what GIS tools show)",
            pointer=f"{base}/id",
        )
    if key in ctx.sites:
        first = ctx.sites[key]
        report(
            ERROR,
            "site-id-duplicate",
            f"site id {site_id!r} is already used by feature {first.index} of {first.path}",
            hint="ids must be unique across all layers; rename one of them",
            pointer=f"{base}/properties/id",
        )
        return
    folded = fold(key)
    if folded in ctx.folded_ids:
        report(
            WARNING,
            "site-id-near-duplicate",
            f"site id {site_id!r} differs from {ctx.folded_ids[folded]!r} only by case, "
            "accents, Unicode form or invisible characters",
            hint="if they are the same place, merge them; otherwise choose clearly different ids",
            pointer=f"{base}/properties/id",
        )
    else:
        ctx.folded_ids[folded] = key
    ctx.sites[key] = SiteRecord(key, spec.id, str(path), index, None)


def _check_site_values(ctx, project, path, props, report, base, site_id, loc) -> None:
    period = props.get("period")
    if isinstance(period, str) and period:
        try:
            parsed = parse_edtf(period)
        except EdtfError as exc:
            report(ERROR, "site-period-invalid", str(exc), pointer=f"{base}/properties/period")
        else:
            key = unicodedata.normalize("NFC", site_id) if isinstance(site_id, str) else None
            if key in ctx.sites:  # sites are keyed by their NFC id
                ctx.sites[key].period = parsed
                ctx.parsed.site_periods[key] = parsed
    category = props.get("category")
    if isinstance(category, str) and project.category(category) is None:
        report(
            ERROR,
            "site-category-unknown",
            f"category {category!r} is not declared in {PROJECT_FILE}",
            hint=f"use one of {[c.id for c in project.categories]} or declare it",
            pointer=f"{base}/properties/category",
        )
    refs = props.get("source_refs")
    if isinstance(refs, list):
        for i, ref in enumerate(refs):
            if isinstance(ref, str) and SOURCE_REF_SEPARATOR in ref:
                file_name, _, para = ref.rpartition(SOURCE_REF_SEPARATOR)
                if _is_paragraph_number(para):
                    _check_source_ref(
                        ctx,
                        path,
                        file_name,
                        para,
                        "source-ref",
                        pointer=f"{base}/properties/source_refs/{i}",
                        **loc,
                    )


def _positions(geometry):
    """Yield every (lon, lat) in a geometry, iteratively (no recursion)."""
    stack = [geometry.get("coordinates") if isinstance(geometry, dict) else None]
    if isinstance(geometry, dict) and isinstance(geometry.get("geometries"), list):
        stack.extend(g.get("coordinates") for g in geometry["geometries"] if isinstance(g, dict))
    while stack:
        item = stack.pop()
        if not isinstance(item, list) or not item:
            continue
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in item[:2]):
            position = _lon_lat(item) if len(item) >= 2 else None
            if position is not None:
                yield position
        else:
            stack.extend(item)


def _lon_lat(position: list) -> tuple[float, float] | None:
    """The first two numbers as floats; None for an integer past the float range (such
    as a 400-digit one), which check_document reports as not a finite number."""
    try:
        return float(position[0]), float(position[1])
    except OverflowError:
        return None


def _check_region(project: Project, geometry, report, base) -> None:
    region = project.region
    for lon, lat in _positions(geometry):
        if region.contains(lon, lat):
            continue
        w, s, e, n = region.bbox
        if region.contains(lat, lon):
            report(
                ERROR,
                "coordinates-swapped",
                f"position [{lon}, {lat}] is outside the region, but [{lat}, {lon}] is "
                "inside: latitude and longitude look swapped",
                hint="GeoJSON positions are [longitude, latitude]; swap the two numbers",
                pointer=f"{base}/geometry/coordinates",
            )
        else:
            report(
                ERROR,
                "site-outside-region",
                f"position [{lon}, {lat}] is outside the region box [{w}, {s}, {e}, {n}] "
                f"(margin {region.margin_deg}°) and its named exceptions",
                hint="check the coordinates, or declare the place under region.exceptions "
                f"in {PROJECT_FILE}",
                pointer=f"{base}/geometry/coordinates",
            )
        return  # one finding per site is enough


# -- events ----------------------------------------------------------------------------


def _check_events(ctx: _Context, project: Project, event_schema, max_bytes=None) -> None:
    path = project.events_path
    if not path.is_file():
        ctx.problem(
            ERROR,
            "events-file-missing",
            path,
            f"the events file {project.events!r} named in {PROJECT_FILE} does not exist",
            hint="create it with the header " + ",".join(project.columns.event_columns),
        )
        return
    ctx.report.add_file(path)
    header_row = ",".join(project.columns.event_columns)
    found: list[Problem] = []
    text = read_csv_text(path, max_bytes, found, header=header_row)
    ctx.report.extend(found)
    if text is None:
        return
    check_nfc = not unicodedata.is_normalized("NFC", text)  # see _json_text_is_nfc
    check_controls = bool(CONTROL_CHARACTER.search(text))
    records = csv_records(path, text, found := [])
    ctx.report.extend(found)
    if records is None:
        return
    header = records[0] if records else []
    if not _check_header(ctx, path, header, project.columns.event_columns):
        return
    rows: list[tuple[int, list[str], dict[str, str] | None]] = []
    columns = project.columns.event_columns
    only_known = set(header) <= set(columns)
    for row_number, cells in enumerate(records[1:], start=2):
        if not any(map(str.strip, cells)):
            continue  # blank line at the end of a sheet
        if len(cells) != len(header):
            rows.append((row_number, cells, None))
            continue
        row = dict(zip(header, cells, strict=True))
        rows.append((row_number, cells, row if only_known else _known(row, columns)))
    lines = csv_line_numbers(text) if any(r is None for _, _, r in rows) else []
    del text, records  # the cells live on in rows; the text takes 2 or 4 bytes a character
    if event_schema is not None and event_schema.all_valid([r for _, _, r in rows if r]):
        event_schema = None  # every row conforms: no need to ask one by one
    seen: dict[str, int] = {}
    for row_number, cells, row in rows:
        if row is None:
            ctx.problem(
                ERROR,
                "csv-row-length",
                path,
                f"row has {len(cells)} cells, the header has {len(header)}",
                hint="a cell with a comma must be quoted; check for a missing or extra comma",
                row=row_number,
                line=lines[row_number - 1],
            )
            continue
        _check_event_row(ctx, path, row, row_number, event_schema, seen, check_nfc, check_controls)


def _known(row: dict[str, str], columns) -> dict[str, str]:
    return {k: v for k, v in row.items() if k in columns}


def _check_header(ctx, path, header, columns) -> bool:
    missing = [c for c in columns if c not in header]
    for column in missing:
        ctx.problem(
            ERROR,
            "csv-column-missing",
            path,
            f"the header has no {column!r} column",
            hint="the header must be: " + ",".join(columns),
            row=1,
            column_name=column,
        )
    for column in header:
        if column not in columns:
            ctx.problem(
                WARNING,
                "csv-column-unknown",
                path,
                f"column {column!r} is not used by heritage-mapper and will be ignored",
                hint="remove it or check its spelling",
                row=1,
                column_name=column,
            )
    return not missing


def _check_event_row(
    ctx, path, known, row_number, event_schema, seen, check_nfc=True, check_controls=True
) -> None:
    """Check one well-formed row; ``known`` holds its cells in the known columns."""
    event_id = known["id"]

    def report(severity, code, message, column, hint=None):
        ctx.problem(
            severity,
            code,
            path,
            message,
            hint=hint,
            row=row_number,
            column_name=column,
            feature_id=event_id or None,
        )

    for column, value in known.items() if check_nfc else ():
        if not unicodedata.is_normalized("NFC", value):
            report(WARNING, "text-not-nfc", f"{column} is not NFC: {value[:40]!r}", column, NFC_FIX)
    for column, value in known.items() if check_controls else ():
        found = _control_character(value)
        if found:
            report(found[0], "text-control-character", f"{column}: {found[1]}", column, CONTROL_FIX)
    if event_schema is not None:
        for error in event_schema.iter_errors(known):
            column = error.path[0] if error.path else _required_name(error)
            code = (
                "event-field-missing"
                if (
                    error.validator == "required"
                    or (error.validator == "minLength" and not known.get(column))
                )
                else "event-field-invalid"
            )
            report(
                ERROR,
                code,
                _schema_message(error),
                column,
                "see schemas/event.schema.json and the README's data model",
            )
    if event_id in seen:
        report(
            ERROR,
            "event-id-duplicate",
            f"event id {event_id!r} is already used in row {seen[event_id]}",
            "id",
            "give every event its own id",
        )
    seen.setdefault(event_id, row_number)
    date = _check_event_date(ctx, known, report)
    if date is not None and event_id:
        ctx.parsed.event_dates[event_id] = date
    _check_event_sites(ctx, known, date, report)
    if known["source"] and _is_paragraph_number(known["paragraph"]):
        _check_source_ref(
            ctx,
            path,
            known["source"],
            known["paragraph"],
            "event-source",
            row=row_number,
            column_name="source",
        )
    ctx.parsed.event_rows.append(known)


def _required_name(error) -> str | None:
    # jsonschema's message for 'required' is "'name' is a required property"
    return error.message.split("'")[1] if "'" in error.message else None


def _check_event_date(ctx, row, report) -> EdtfDate | None:
    text = row["date"]
    if not text.strip():
        return None
    date = ctx.dates.get(text)
    if date is None:
        try:
            date = parse_edtf(text)
        except EdtfError as exc:
            report(ERROR, "event-date-invalid", str(exc), "date")
            return None
        ctx.dates[text] = date
    return date


def _check_event_sites(ctx, row, date, report) -> None:
    for site_id in filter(None, row["site_ids"].split(SITE_IDS_SEPARATOR)):
        key = unicodedata.normalize("NFC", site_id.strip())
        site = ctx.sites.get(key)
        if site is None:
            close = (
                difflib.get_close_matches(key, list(ctx.sites), n=1)
                if len(ctx.sites) <= MAX_SITES_FOR_SUGGESTIONS
                else []
            )
            guess = f"; did you mean {close[0]!r}?" if close else ""
            report(
                ERROR,
                "event-site-unknown",
                f"site id {site_id!r} is not in any layer{guess}",
                "site_ids",
                "use the id of a site in one of the layers (ids separated by ';'), or add "
                "the site first",
            )
            continue
        if date is not None and site.period is not None and not site.period.contains(date):
            report(
                WARNING,
                "event-outside-site-period",
                f"event date {date.text} is outside the period {site.period.text} of site {key!r}",
                "date",
                "check the date, or widen the site's period",
            )
