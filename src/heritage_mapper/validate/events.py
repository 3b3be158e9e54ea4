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
from heritage_mapper.validate.context import Context, schema_message
from heritage_mapper.validate.sources import (
    EVENT_CITATION_CODES,
    check_source_ref,
    is_paragraph_number,
)
from heritage_mapper.validate.texts import (
    CONTROL_CHARACTER,
    CONTROL_FIX,
    NFC_FIX,
    control_character,
)

MAX_SITES_FOR_SUGGESTIONS = 2000  # "did you mean" is linear in the number of sites


def check_events(ctx: Context, project: Project, event_schema, max_bytes=None) -> None:
    path = project.events_path
    if not path.is_file():
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
                code,
                schema_message(error),
                column,
                "see schemas/event.schema.json and the README's data model",
            )
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
            close = (
                difflib.get_close_matches(key, list(ctx.sites), n=1)
                if len(ctx.sites) <= MAX_SITES_FOR_SUGGESTIONS
                else []
            )
            guess = f"; did you mean {close[0]!r}?" if close else ""
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
