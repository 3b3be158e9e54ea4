"""The state of one validation run, and the reading and schema helpers every rule uses."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

from heritage_mapper.dates import EdtfDate
from heritage_mapper.model import (
    PROJECT_FILE,
    ParsedGeodata,
    Project,
    SiteRecord,
    expand_languages,
    schema_languages,
)
from heritage_mapper.problems import ERROR, Location, Problem, Report
from heritage_mapper.read.files import (
    MAX_SCHEMA_BYTES,
    InputRefused,
    read_regular,
    resolve_inside,
)
from heritage_mapper.read.jsonfile import (
    read_json,
    too_large_message,
    with_lines,
)
from heritage_mapper.rules import rule
from heritage_mapper.validate.geojson import check_document
from heritage_mapper.validate.schema import SchemaChecker, make_validator


class Context:
    """Shared state of one validation run."""

    def __init__(self, root: Path, sources_dir: Path | None = None):
        self.root = root
        # Given by the person running heritage-mapper (``--sources-dir``), not by the
        # folder: the one input allowed outside the folder, see validate.sources.
        self.sources_dir = sources_dir
        self.report = Report()
        self.parsed = ParsedGeodata()
        self.sites: dict[str, SiteRecord] = {}
        self.folded_ids: dict[str, str] = {}
        # each layer file's document by its path, as SiteRecord.path names it: layer ids
        # may repeat in a refused project, paths of read files do not
        self.layer_docs_by_path: dict[str, dict] = {}
        self.source_paragraphs: dict[str, int | None] = {}
        # event dates and site periods repeat: parse each text once
        self.dates: dict[str, EdtfDate] = {}
        self.suggestions: dict[str, str | None] = {}  # "did you mean", see validate.events
        #: The project's eras as (first, last) years, for event-outside-eras (set by
        #: validate.events.finish_events)
        self.era_spans: list[tuple[int | None, int | None]] = []
        # layer files there but unreadable (broken JSON, not a FeatureCollection): their
        # sites are unknown, so an event naming an unknown site is not an error of its
        # own (validate.events sums those rows up in one finding)
        self.unread_layers: list[Path] = []
        self.unchecked_site_rows = 0
        self._category_ids: frozenset[str] | None = None

    def category_ids(self, project: Project) -> frozenset[str]:
        """The ids of the project's categories (a set: one test per site)."""
        if self._category_ids is None:
            self._category_ids = frozenset(c.id for c in project.categories)
        return self._category_ids

    def problem(self, code, path, message, hint=None, *, severity=None, **location):
        """Add a finding of ``code``; its severity comes from the rules registry.

        Past the report's caps (:data:`~heritage_mapper.problems.MAX_FINDINGS_PER_CODE`)
        the finding is only counted, without building it."""
        path = str(path)
        if not self.report.wants(path, code):
            self.report.count_omitted(path, code, severity or rule(code).severity)
            return
        self.report.extend(
            [
                Problem.from_rule(
                    code, path, message, Location(**location), hint=hint, severity=severity
                )
            ]
        )

    def rel(self, path: Path) -> str:
        return str(path)


@contextlib.contextmanager
def apart(ctx: Context) -> Iterator[Report]:
    """Findings made inside go to a report of their own, given here, to be added to
    the run's report later (:meth:`~heritage_mapper.problems.Report.merge`): checks made
    out of the order in which their findings are reported, or in another process."""
    own, ctx.report = ctx.report, Report()
    try:
        yield ctx.report
    finally:
        ctx.report = own


def read_json_checked(ctx: Context, path: Path, max_bytes=None, geojson: bool | None = None):
    ctx.report.add_file(path)
    result = read_json(path, max_bytes=max_bytes, geojson=geojson)
    ctx.report.extend(result.problems)
    return result


def read_feature_collection(ctx: Context, path: Path, max_bytes, not_fc_code: str, what: str):
    """Read a GeoJSON file that must be a FeatureCollection (a site layer, a basemap
    file): its reading and RFC 7946 findings (positions out of range are errors).

    Returns the :class:`~heritage_mapper.read.jsonfile.JsonDocument`, or None when the
    file is unreadable or not a FeatureCollection (then ``not_fc_code`` is reported).
    """
    result = read_json_checked(ctx, path, max_bytes, geojson=True)
    doc = result.document
    if doc is None:
        return None
    found = check_document(
        doc, str(path), text=result.text, range_severity=ERROR, report=ctx.report
    )
    ctx.report.extend(found)
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        ctx.problem(
            not_fc_code,
            path,
            f"{what} must be a GeoJSON FeatureCollection",
            hint='wrap the features in {"type": "FeatureCollection", "features": [...]}',
            pointer="",
        )
        return None
    return result


def add_lines(ctx: Context, start: int, path: Path, text: str | None) -> None:
    """Give the findings in ``path`` from index ``start`` on a line number (one scan)."""
    problems = ctx.report.problems
    mine = [i for i in range(start, len(problems)) if problems[i].path == str(path)]
    for i, problem in zip(mine, with_lines([problems[i] for i in mine], text), strict=True):
        problems[i] = problem


def inside(ctx: Context, relative: str, pointer: str, named_in: Path | None = None) -> Path | None:
    """``relative`` under the geodata folder, or None after a ``path-outside-folder``
    finding at ``pointer`` of ``named_in`` (``project.json`` by default).

    The path stays as written (``root / relative``) for messages; it has been checked
    to resolve, symbolic links followed, inside the folder.
    """
    try:
        resolve_inside(ctx.root, relative)
    except InputRefused as exc:
        ctx.problem(exc.code, named_in or ctx.root / PROJECT_FILE, exc.message, pointer=pointer)
        return None
    return ctx.root / relative


def read_schema_file(path: Path, packaged: bool = False) -> dict:
    """A JSON Schema's document; a folder's own is read as a regular file of at most
    :data:`MAX_SCHEMA_BYTES`. Raises :class:`InputRefused` (not a regular file, too
    large) or ValueError, with a message that quotes nothing from the file."""
    if packaged:
        return json.loads(path.read_text(encoding="utf-8"))
    try:
        data, size = read_regular(path, MAX_SCHEMA_BYTES)
    except OSError as exc:
        raise ValueError(f"cannot read the file ({exc.strerror or type(exc).__name__})") from None
    if data is None:
        message = too_large_message(size, MAX_SCHEMA_BYTES).split(":")[0]
        raise InputRefused("file-too-large", f"the schema {message}")
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        # the position only: the parser's message could quote the file
        where = f" at line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise ValueError(f"the file is not UTF-8 JSON{where}") from None


def load_schema(ctx: Context, project: Project, kind: str):
    from jsonschema import Draft202012Validator

    own = kind in project.schemas
    if own:
        path = inside(ctx, project.schemas[kind], f"/schemas/{kind}")
        if path is None:
            return None
    else:
        path = project.schema_path(kind)
    try:
        schema = read_schema_file(path, packaged=not own)
        Draft202012Validator.check_schema(schema)
        if own:
            _check_schema_languages(ctx, path, schema, kind, project.languages)
        schema = expand_languages(schema, project.languages)
    except InputRefused as exc:
        ctx.problem(exc.code, path, exc.message)
        return None
    except Exception as exc:  # any unreadable or malformed schema is one finding
        ctx.problem(
            "schema-unreadable",
            path,
            f"the {kind} schema cannot be used: {short_message(exc)}",
            hint=f"fix the file, or remove schemas.{kind} from {PROJECT_FILE} to use the "
            "packaged schema",
        )
        return None
    return SchemaChecker(make_validator(schema))


def _check_schema_languages(ctx: Context, path, schema, kind: str, languages) -> None:
    """Warn when a folder's schema was expanded for other languages than the project's:
    the texts of a language it lacks are not checked by it (or refused by it)."""
    written_for = schema_languages(schema, kind)
    if not written_for or set(written_for) == set(languages):
        return
    missing = [lang for lang in languages if lang not in written_for]
    extra = [lang for lang in written_for if lang not in languages]
    said = []
    if missing:
        said.append(f"nothing for {', '.join(missing)}")
    if extra:
        said.append(f"properties for {', '.join(extra)}, which {PROJECT_FILE} no longer has")
    ctx.problem(
        "schema-languages-stale",
        path,
        f"the {kind} schema was written for the languages {', '.join(written_for)}, and "
        f"{PROJECT_FILE} declares {', '.join(languages)}: it has {' and '.join(said)}",
        hint="run `heritage-mapper schemas` to write the folder's schemas for "
        f"{PROJECT_FILE}'s languages (a schema with rules of its own: --force, or edit it)",
    )


def short_message(exc: Exception) -> str:
    """An exception's first line, cut to 200 characters (a schema error can quote the
    whole schema)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200] + ("…" if len(text) > 200 else "")


#: What the patterns of the packaged schemas (and of a folder's schemas made from
#: them) ask for, in words: a curator was shown the regular expression.
PATTERN_FORMS = {
    "^[a-z0-9]+(-[a-z0-9]+)*$": "an id is lower-case letters and digits, words joined by "
    "'-' (e.g. hon-gai-rally-ground)",
    "^([a-z0-9]+(-[a-z0-9]+)*(;[a-z0-9]+(-[a-z0-9]+)*)*)?$": "site ids are separated by ';' "
    "with no spaces (e.g. hon-gai-rally-ground;cua-ong-screening-plant)",
    "^[1-9][0-9]*$": "a paragraph is a whole number counted from 1 (e.g. 6)",
    "^[^#\\s]+#[1-9][0-9]*$": "a citation is the source file, '#' and the paragraph "
    "counted from 1, with no spaces (e.g. 000_429512ba85df644f.txt#6)",
    "^[a-z]{2,3}$": "a language is 2 or 3 lower-case letters (e.g. vi, en)",
    "^#[0-9a-fA-F]{6}$": "a colour is # and six hex digits (e.g. #b71c1c)",
    "^https://": "an address starts with https://",
    "^[^/\\\\#\\s]+$": "a file name has no '/', '\\', '#' or spaces",
    "^[0-9a-f]{64}$": "a SHA-256 is 64 lower-case hex digits",
}


def error_text(error) -> str:
    """A schema error's message, a pattern one in words (:data:`PATTERN_FORMS`).

    >>> import jsonschema
    >>> schema = {"pattern": "^[1-9][0-9]*$"}
    >>> error_text(next(jsonschema.Draft202012Validator(schema).iter_errors("0")))
    "'0' does not match: a paragraph is a whole number counted from 1 (e.g. 6)"
    """
    if error.validator == "pattern":
        form = PATTERN_FORMS.get(error.validator_value)
        if form is not None:
            return f"{error.instance!r} does not match: {form}"
    return error.message


def schema_message(error) -> str:
    where = "/".join(str(p) for p in error.absolute_path)
    subject = f"'{where}'" if where else "the object"
    return f"{subject}: {error_text(error)}"
