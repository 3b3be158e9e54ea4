"""Rules of ``events.csv``: header, schema, EDTF dates, sites that exist, citations, and
dates within the periods of their sites."""

from __future__ import annotations

import difflib
import unicodedata

from heritage_mapper.dates import EdtfDate, EdtfError, parse_edtf
from heritage_mapper.model import (
    PROJECT_FILE,
    SITE_IDS_SEPARATOR,
    Project,
)
from heritage_mapper.problems import Problem
from heritage_mapper.read.csvfile import csv_line_numbers, csv_records, read_csv_text
from heritage_mapper.read.files import is_slug
from heritage_mapper.validate.context import Context, inside, schema_message
from heritage_mapper.validate.schema import _SUPPORTED, ANNOTATIONS
from heritage_mapper.validate.sources import (
    EVENT_CITATION_CODES,
    MAX_PARAGRAPH_DIGITS,
    check_source_ref,
    is_paragraph_number,
)
from heritage_mapper.validate.texts import (
    CONTROL_FIX,
    NFC_FIX,
    control_character,
    has_control_character,
)

#: "Did you mean" compares an unknown id with every site id (difflib, about 20 µs a
#: pair): no suggestion beyond this many sites.
MAX_SITES_FOR_SUGGESTIONS = 2000
#: Suggestions are computed for the first this-many distinct unknown ids of an events
#: file (the same id again reuses its answer); later ones get none. With
#: MAX_SITES_FOR_SUGGESTIONS this bounds the cost of suggestions to
#: 10 x 2,000 comparisons a file, about a second at worst (a row naming 1,000 unknown
#: ids took 100 s before).
MAX_SUGGESTIONS_PER_FILE = 10
#: The schema errors of a cell are remembered by (column, value), for values up to
#: this many characters and this many cells a file, when the schema is flat (one
#: subschema per column): a file of near-identical invalid rows (3 MB of empty rows,
#: 300,000 rows and 4.8 million findings) then walks the schema once per distinct
#: cell, not once per row. Memory: at most MAX_CACHED_CELLS short strings and findings.
MAX_CACHED_CELL_LENGTH = 256
MAX_CACHED_CELLS = 50_000
#: Top-level keywords of a flat row schema; anything else is walked whole, row by row.
_FLAT_KEYWORDS = ANNOTATIONS | {"type", "required", "properties", "additionalProperties"}


def check_events(ctx: Context, project: Project, event_schema, max_bytes=None) -> None:
    path = inside(ctx, project.events, "/events")
    if path is None:
        return
    if not path.exists():
        ctx.problem(
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
    check_nfc = not unicodedata.is_normalized("NFC", text)  # see json_text_is_nfc
    check_controls = has_control_character(text)
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
    if event_schema is not None:
        event_schema = _RowErrors(event_schema)
    seen: dict[str, int] = {}
    ctx.suggestions = {}  # unknown id -> suggestion (or None), for this file
    clean = _CleanRows(ctx, event_schema, seen) if not (check_nfc or check_controls) else None
    for row_number, cells, row in rows:
        if clean is not None and row is not None and clean.take(row, row_number):
            continue  # no finding: recorded as _check_event_row records it
        if row is None:
            ctx.problem(
                "csv-row-length",
                path,
                f"row has {len(cells)} cells, the header has {len(header)}",
                hint="a cell with a comma must be quoted; check for a missing or extra comma",
                row=row_number,
                line=lines[row_number - 1],
            )
            continue
        _check_event_row(ctx, path, row, row_number, event_schema, seen, check_nfc, check_controls)


class _CleanRows:
    """The fast path of the usual row, the one with no finding at all.

    :func:`_check_event_row` makes a closure and a dozen calls a row to look for
    findings that a clean row never has (half a million rows in a national folder).
    :meth:`take` answers True only for a row in which that function would find nothing,
    and then records the row as it does (its id seen, its date, the row itself); any
    doubt answers False and the row goes through :func:`_check_event_row`, so the
    findings, their order and their messages are unchanged. Only used when no cell of
    the file can need the NFC or control-character checks.

    What it remembers: the dates parsed (shared with the slow path, ``ctx.dates``), the
    periods of the sites of each distinct ``site_ids`` cell and the citations found
    valid, each keyed by the exact text of the cells.
    """

    def __init__(self, ctx: Context, event_schema: _RowErrors | None, seen: dict[str, int]):
        self.ctx = ctx
        self.seen = seen
        self.surely_valid = None if event_schema is None else event_schema.checker.surely_valid
        self.periods: dict[str, tuple | None] = {}  # site_ids cell -> the sites' periods
        self.citations: set[tuple[str, str]] = set()  # (source, paragraph) found valid

    def take(self, row: dict[str, str], row_number: int) -> bool:
        """Record ``row`` and answer True when it surely has no finding, else False."""
        event_id = row["id"]
        if event_id in self.seen or not is_slug(event_id):
            return False
        if self.surely_valid is not None and not self.surely_valid(row):
            return False
        date = self._date(row["date"])
        if date is None:
            return False
        periods = self._periods(row["site_ids"])
        if periods is None:
            return False
        for period in periods:
            if period is not None and not period.contains(date):
                return False
        source = row["source"]
        if source and not self._cited(source, row["paragraph"]):
            return False
        self.seen[event_id] = row_number
        self.ctx.parsed.event_dates[event_id] = date
        self.ctx.parsed.event_rows.append(row)
        return True

    def _date(self, text: str) -> EdtfDate | None:
        """The date :func:`_check_event_date` would give without a finding, or None."""
        date = self.ctx.dates.get(text)
        if date is None and text.strip():
            try:
                date = parse_edtf(text)
            except EdtfError:
                return None
            self.ctx.dates[text] = date
        return date

    def _periods(self, cell: str) -> tuple | None:
        """The periods of the sites named in ``cell`` (a site may have none), or None
        when :func:`_check_event_sites` would report something besides the dates."""
        if cell in self.periods:
            return self.periods[cell]
        sites = self.ctx.sites
        keys = [
            unicodedata.normalize("NFC", site_id.strip())
            for site_id in filter(None, cell.split(SITE_IDS_SEPARATOR))
        ]
        known = len(set(keys)) == len(keys) and all(key in sites for key in keys)
        periods = tuple(sites[key].period for key in keys) if known else None
        self.periods[cell] = periods
        return periods

    def _cited(self, source: str, paragraph: str) -> bool:
        """Whether the citation of a row has no finding (see :func:`check_source_ref`)."""
        if not is_paragraph_number(paragraph) or (source, paragraph) in self.citations:
            return True
        known = self.ctx.source_paragraphs  # file -> its paragraphs (None: not counted)
        if source not in known or len(paragraph) > MAX_PARAGRAPH_DIGITS:
            return False
        if known[source] is not None and int(paragraph) > known[source]:
            return False
        self.citations.add((source, paragraph))
        return True


def _field_code(validator: str, value) -> str:
    if validator == "required" or (validator == "minLength" and not value):
        return "event-field-missing"
    return "event-field-invalid"


class _RowErrors:
    """The schema errors of a row as (column, code, message), exactly as jsonschema
    finds them, with the cells of a flat schema cached (see MAX_CACHED_CELLS)."""

    def __init__(self, checker):
        self.checker = checker
        schema = checker.schema
        props = schema.get("properties") if isinstance(schema, dict) else None
        flat = (
            isinstance(props, dict)
            and schema.get("type") == "object"
            and set(schema) <= _FLAT_KEYWORDS
            and all(isinstance(sub, dict) and set(sub) <= _SUPPORTED for sub in props.values())
        )
        self.columns = tuple(props) if flat else None
        self.cells = (
            {column: checker.validator.evolve(schema=sub) for column, sub in props.items()}
            if flat
            else {}
        )
        self.cache: dict[tuple[str, str], list[tuple[str, str, str]]] = {}

    def errors(self, row: dict[str, str]) -> list[tuple[str, str, str]]:
        if self.columns is None or len(row) != len(self.columns) or not set(row) <= set(self.cells):
            return [self._finding(error, row) for error in self.checker.iter_errors(row)]
        out = []
        for column in self.columns:  # jsonschema's order: the schema's properties
            value = row[column]
            found = self.cache.get((column, value))
            if found is None:
                found = [
                    (column, _field_code(e.validator, value), f"'{column}': {e.message}")
                    for e in self.cells[column].iter_errors(value)
                ]
                if len(value) <= MAX_CACHED_CELL_LENGTH and len(self.cache) < MAX_CACHED_CELLS:
                    self.cache[column, value] = found
            out.extend(found)
        return out

    @staticmethod
    def _finding(error, row) -> tuple[str, str, str]:
        column = error.path[0] if error.path else _required_name(error)
        return column, _field_code(error.validator, row.get(column)), schema_message(error)


def _known(row: dict[str, str], columns) -> dict[str, str]:
    return {k: v for k, v in row.items() if k in columns}


def _check_header(ctx, path, header, columns) -> bool:
    missing = [c for c in columns if c not in header]
    for column in missing:
        ctx.problem(
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

    def report(code, message, column, hint=None, severity=None):
        ctx.problem(
            code,
            path,
            message,
            hint=hint,
            row=row_number,
            column_name=column,
            feature_id=event_id or None,
            severity=severity,
        )

    for column, value in known.items() if check_nfc else ():
        if not unicodedata.is_normalized("NFC", value):
            report("text-not-nfc", f"{column} is not NFC: {value[:40]!r}", column, NFC_FIX)
    for column, value in known.items() if check_controls else ():
        found = control_character(value)
        if found:
            report(
                "text-control-character",
                f"{column}: {found[1]}",
                column,
                CONTROL_FIX,
                severity=found[0],
            )
    id_flagged = False
    if event_schema is not None:
        for column, code, message in event_schema.errors(known):
            id_flagged = id_flagged or column == "id"
            report(
                code, message, column, "see schemas/event.schema.json and the README's data model"
            )
    if not id_flagged and not is_slug(event_id):
        # the package's rule, whatever a folder's own event schema allows
        report("id-unsafe", f"event id {event_id[:60]!r} is not a slug", "id")
    if event_id in seen:
        report(
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
    if known["source"] and is_paragraph_number(known["paragraph"]):
        check_source_ref(
            ctx,
            path,
            known["source"],
            known["paragraph"],
            EVENT_CITATION_CODES,
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
        if text:  # spaces only: the schema's minLength lets it through; it is no date
            report(
                "event-date-invalid",
                "the date is blank (spaces only); write an EDTF date such as 1955-04-25",
                "date",
            )
        return None
    date = ctx.dates.get(text)
    if date is None:
        try:
            date = parse_edtf(text)
        except EdtfError as exc:
            report("event-date-invalid", str(exc), "date")
            return None
        ctx.dates[text] = date
    return date


def _suggestion(ctx, key: str) -> str | None:
    """The site id closest to the unknown ``key``, within the bounds above."""
    if key in ctx.suggestions:
        return ctx.suggestions[key]
    close = None
    if len(ctx.suggestions) < MAX_SUGGESTIONS_PER_FILE and len(ctx.sites) <= (
        MAX_SITES_FOR_SUGGESTIONS
    ):
        found = difflib.get_close_matches(key, list(ctx.sites), n=1)
        close = found[0] if found else None
        ctx.suggestions[key] = close
    return close


def _check_event_sites(ctx, row, date, report) -> None:
    named: set[str] = set()
    for site_id in filter(None, row["site_ids"].split(SITE_IDS_SEPARATOR)):
        key = unicodedata.normalize("NFC", site_id.strip())
        if key in named:
            report(
                "event-site-repeated",
                f"site id {key!r} is named more than once in site_ids; it is kept once",
                "site_ids",
                "name each site once",
            )
            continue
        named.add(key)
        site = ctx.sites.get(key)
        if site is None:
            close = _suggestion(ctx, key)
            guess = f"; did you mean {close!r}?" if close else ""
            report(
                "event-site-unknown",
                f"site id {site_id!r} is not in any layer{guess}",
                "site_ids",
                "use the id of a site in one of the layers (ids separated by ';'), or add "
                "the site first",
            )
            continue
        if date is not None and site.period is not None and not site.period.contains(date):
            report(
                "event-outside-site-period",
                f"event date {date.text} is outside the period {site.period.text} of site {key!r}",
                "date",
                "check the date, or widen the site's period",
            )
