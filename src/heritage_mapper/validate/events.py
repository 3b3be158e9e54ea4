"""Rules of ``events.csv``: header, schema, EDTF dates, sites that exist, citations, and
dates within the periods of their sites."""

from __future__ import annotations

import datetime as dt
import difflib
import marshal
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from itertools import compress, count
from operator import eq, itemgetter, not_
from pathlib import Path
from typing import NamedTuple

from heritage_mapper.dates import EdtfDate, EdtfError, parse_edtf
from heritage_mapper.model import (
    EVENT_PARSED_COLUMNS,
    PROJECT_FILE,
    SITE_IDS_SEPARATOR,
    Project,
    is_paragraph_number,
)
from heritage_mapper.problems import Problem
from heritage_mapper.read.csvfile import csv_line_numbers, csv_records, read_csv_file
from heritage_mapper.read.files import SLUG, is_slug
from heritage_mapper.text import shared_texts
from heritage_mapper.validate.context import Context, error_text, inside, schema_message
from heritage_mapper.validate.schema import _SUPPORTED, ANNOTATIONS
from heritage_mapper.validate.sources import (
    EVENT_CITATION_CODES,
    check_source_ref,
    citation_is_sound,
)
from heritage_mapper.validate.texts import (
    CONTROL_CHARACTER,
    CONTROL_FIX,
    NFC_FIX,
    control_character,
    utf8_has_control,
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
#: From this many rows, the rows a build loads have their repeated texts made one object
#: each (:meth:`_Table.share_texts`): 150 MB less in each of the build's processes at
#: 500,000 events, for 0.7 s. At 50,000 (10,000 sites) it would save about 15 MB and
#: cost 50 ms of a 1.8 s map build.
SHARED_MIN_ROWS = 100_000
#: Top-level keywords of a flat row schema; anything else is walked whole, row by row.
_FLAT_KEYWORDS = ANNOTATIONS | {"type", "required", "properties", "additionalProperties"}


class EventsRead(NamedTuple):
    """What the events file gives before the sites are known (:func:`read_events`).

    ``table`` holds the well-formed rows and ``wrong`` the others (row number, cells);
    ``lines`` the line each record ends on (only when some row is wrong); ``suspects``
    the rows a rule that needs no site cannot clear, ``schema_suspects`` those the
    event schema may refuse (see :func:`_column_suspects`).
    """

    path: Path
    header: list[str]
    table: _Table
    wrong: list[tuple[int, list[str]]]
    lines: list[int]
    dates: _RowDates
    suspects: set[int]
    schema_suspects: set[int]
    check_nfc: bool
    check_controls: bool

    def __reduce__(self):
        # Sent back from a forked process (see read_events). Pickle would write each
        # cell apart and remember each (5 million at 100,000 sites: 2.6 s both ways):
        # each column goes as one marshal blob, read when first used (validation alone
        # reads the short ones), and the dates as plain values.
        table, dates = self.table, self.dates
        columns = {name: marshal.dumps(cells) for name, cells in table.by_column.items()}
        packed = (table.numbers, columns, dates.codes, _dates_packed(dates.distinct))
        return _unpacked, (packed, self[:2], self[3:5], self[6:])


def _unpacked(packed, head, middle, tail) -> EventsRead:
    numbers, columns, codes, distinct = packed
    distinct = _dates_unpacked(distinct)
    dates = _RowDates(list(map(distinct.__getitem__, codes)), codes, distinct)
    return EventsRead(*head, _Table(numbers, _MarshalledColumns(columns)), *middle, dates, *tail)


class _MarshalledColumns(Mapping):
    """Columns of cells as :func:`marshal.dumps` wrote them, each loaded when first read."""

    def __init__(self, blobs: dict[str, bytes]):
        self._blobs = blobs
        self._cells: dict[str, Sequence[str]] = {}

    def __getitem__(self, name: str) -> Sequence[str]:
        cells = self._cells.get(name)
        if cells is None:
            cells = self._cells[name] = marshal.loads(self._blobs[name])
            self._blobs[name] = b""  # the name stays, in its place
        return cells

    def __iter__(self):
        return iter(self._blobs)

    def __len__(self) -> int:
        return len(self._blobs)


def _dates_packed(dates: Sequence[EdtfDate | None]) -> bytes:
    """``dates`` as one marshal blob: each date's text, bounds as day ordinals (0: an
    open or unknown end) and flags, (None, 0, 0, 0) for no date."""
    rows = [
        (None, 0, 0, 0)
        if d is None
        else (
            d.text,
            d.lower.toordinal() if d.lower else 0,
            d.upper.toordinal() if d.upper else 0,
            d.is_interval | d.approximate << 1 | d.uncertain << 2,
        )
        for d in dates
    ]
    return marshal.dumps(rows)


def _dates_unpacked(blob: bytes) -> list[EdtfDate | None]:
    """The dates :func:`_dates_packed` wrote."""
    day = dt.date.fromordinal
    return [
        None
        if text is None
        else EdtfDate(
            text,
            day(low) if low else None,
            day(high) if high else None,
            bool(flags & 1),
            bool(flags & 2),
            bool(flags & 4),
        )
        for text, low, high, flags in marshal.loads(blob)
    ]


def read_events(
    ctx: Context, project: Project, event_schema, max_bytes=None, *, loading: bool = False
) -> EventsRead | None:
    """Read the events file and check every rule that needs no site, or None when
    there is nothing more to check (no file, unreadable, a column missing).

    ``loading``: the rows will be loaded into frames, so their repeated texts are made
    one object each (:meth:`_Table.share_texts`, from :data:`SHARED_MIN_ROWS` rows),
    which validation alone has no use for.

    Needs only what is known before the layers are read (the project, the sources, the
    event schema), so it can run beside them (see
    :func:`heritage_mapper.validate.folder.parse_geodata`); its findings (reading,
    syntax, header) are in ``ctx.report``, the rows' findings come in
    :func:`finish_events`.
    """
    path = inside(ctx, project.events, "/events")
    if path is None:
        return None
    if not path.exists():
        ctx.problem(
            "events-file-missing",
            path,
            f"the events file {project.events!r} named in {PROJECT_FILE} does not exist",
            hint="create it with the header " + ",".join(project.columns.event_columns),
        )
        return None
    ctx.report.add_file(path)
    header_row = ",".join(project.columns.event_columns)
    found: list[Problem] = []
    read = read_csv_file(path, max_bytes, found, header=header_row)
    ctx.report.extend(found)
    if read is None:
        return None
    text = read.text
    check_nfc = not unicodedata.is_normalized("NFC", text)  # see json_text_is_nfc
    check_controls = utf8_has_control(read.data)  # the file's bytes: no UTF-8 copy to make
    del read  # the bytes are not needed again
    records = csv_records(path, text, found := [])
    ctx.report.extend(found)
    if records is None:
        return None
    header = records[0] if records else []
    if not _check_header(ctx, path, header, project.columns.event_columns):
        return None
    columns = project.columns.event_columns
    numbers, cells, wrong = _split_rows(records, header)
    del records
    lines = csv_line_numbers(text) if wrong else []
    del text  # the cells live on in the rows; the text takes 2 or 4 bytes a character
    table = _Table.of(numbers, header, cells, columns)
    del cells
    dates = _row_dates(ctx, table.column("date"))
    if loading and len(table) >= SHARED_MIN_ROWS:
        table.share_texts(dates)
    suspects, schema_suspects = _column_suspects(
        table, dates, event_schema, check_nfc, check_controls, era_spans(project)
    )
    return EventsRead(
        path,
        header,
        table,
        wrong,
        lines,
        dates,
        suspects,
        schema_suspects,
        check_nfc,
        check_controls,
    )


def finish_events(
    ctx: Context,
    project: Project,
    event_schema,
    read: EventsRead | None,
    *,
    jobs: int = 1,
    meanwhile: Callable[[], object] | None = None,
) -> None:
    """The rows' findings, once the sites are known, and what the loader reads.

    ``meanwhile()`` is called while the rows' sites and citations are checked in a
    forked process (with ``jobs`` > 1, and only when every row is well-formed and
    conforms to the schema): the loader makes the events' frame in that time, at the
    risk of throwing it away when that check finds an error.
    """
    from heritage_mapper.parallel import fork_call

    if read is None:
        return
    path, header, table, wrong, lines, dates = read[:6]
    # what the loader reads: every well-formed row's cells, and the date of each that
    # has one (none of it depends on the findings below)
    ctx.parsed.event_columns = table.by_column
    ctx.parsed.event_cells_nfc = not read.check_nfc
    ctx.parsed.event_dates.update(_dated_ids(table.column("id"), dates.of_rows))
    clean = meanwhile is not None and not read.suspects and not wrong
    with fork_call(partial(_site_suspects, ctx, table, dates), jobs if clean else 1) as checked:
        if clean and checked.forked:
            meanwhile()
        suspects = sorted(read.suspects | checked.result())
    if event_schema is not None and not read.schema_suspects:
        event_schema = None  # every row conforms: no need to ask one by one
    if event_schema is not None:
        event_schema = _RowErrors(event_schema)
    ctx.suggestions = {}  # unknown id -> suggestion (or None), for this file
    ctx.era_spans = era_spans(project)
    first_rows = table.first_rows()
    numbers = table.numbers
    # the findings in row order: the rows of the wrong length and the suspect rows
    # (every other row has none, see _column_suspects and _site_suspects), merged by
    # row number
    todo = [(number, None, row) for number, row in wrong]
    todo += [(numbers[i], table.row(i), None) for i in suspects]
    for row_number, known, other in sorted(todo, key=itemgetter(0)):
        if known is None:
            ctx.problem(
                "csv-row-length",
                path,
                f"row has {len(other)} cells, the header has {len(header)}",
                hint="a cell with a comma must be quoted; check for a missing or extra comma",
                row=row_number,
                line=lines[row_number - 1],
            )
            continue
        _check_event_row(
            ctx,
            path,
            known,
            row_number,
            event_schema,
            first_rows,
            read.check_nfc,
            read.check_controls,
        )
    if ctx.unchecked_site_rows:
        unread = ", ".join(
            p.relative_to(ctx.root).as_posix() if p.is_relative_to(ctx.root) else str(p)
            for p in ctx.unread_layers
        )
        ctx.problem(
            "event-site-unchecked",
            path,
            f"{ctx.unchecked_site_rows:,} row(s) name sites not in the layers read; "
            f"{unread} could not be read, so whether those sites exist is not known",
            hint="fix the layer that could not be read (its finding above); these rows "
            "are checked then",
        )


def _split_rows(
    records: list[list[str]], header: list[str]
) -> tuple[Sequence[int], list[list[str]], list[tuple[int, list[str]]]]:
    """The numbers and cells of the well-formed rows, and the rows of another length.

    A blank row (every cell empty or spaces: the end of a sheet) is neither.
    """
    body = records[1:]
    width = len(header)
    if all(map(width.__eq__, map(len, body))) and all(map(str.strip, map(itemgetter(0), body))):
        return range(2, len(records) + 1), body, []  # the usual file: every row well-formed
    numbers, cells, wrong = [], [], []
    for row_number, row in enumerate(body, start=2):
        if not any(map(str.strip, row)):
            continue  # blank line at the end of a sheet
        if len(row) != width:
            wrong.append((row_number, row))
        else:
            numbers.append(row_number)
            cells.append(row)
    return numbers, cells, wrong


def _dated_ids(ids: Sequence[str], dates: Sequence[EdtfDate | None]) -> Iterable[tuple]:
    """(event id, date) of each row that has an id and a valid date, in row order (of
    rows sharing an id, the last one's date is kept by ``dict.update``).

    The usual file, where every row has both, gives the pairs as they are; otherwise
    the pairs are filtered by ``compress`` (C loops, no Python frame a row: a date is
    always true, None false).
    """
    if all(ids) and all(dates):
        return zip(ids, dates, strict=True)
    return compress(zip(ids, dates, strict=True), map(all, zip(ids, dates, strict=True)))


class _Table:
    """The well-formed rows of an events file, a column at a time.

    ``numbers[i]`` is the row number (the header is row 1) of the ``i``-th row;
    ``by_column`` holds its cells in the known columns, a tuple a column, and
    :meth:`row` makes a row's dict when one is needed (the rows the column checks
    cannot clear: a dict for every row took 0.6 s and 300 MB at 500,000 events). What
    the checks of the columns find and need again is remembered here.
    """

    def __init__(self, numbers: Sequence[int], by_column: dict):
        self.numbers = numbers
        self.by_column = by_column
        self._first_rows: dict[str, int] | None = None

    @classmethod
    def of(cls, numbers, header: list[str], cells: list[list[str]], columns) -> _Table:
        """The table of the rows ``cells`` under ``header``, in the known ``columns``."""
        if set(header) <= set(columns):
            by_column = dict.fromkeys(header, ())
            if cells:  # the cells a column at a time (one tuple a column)
                by_column = dict(zip(header, zip(*cells, strict=True), strict=True))
        else:
            rows = [_known(dict(zip(header, row, strict=True)), columns) for row in cells]
            by_column = {c: tuple(map(itemgetter(c), rows)) for c in rows[0]} if rows else {}
        return cls(numbers, by_column)

    def share_texts(self, dates: _RowDates) -> None:
        """Make a text repeated down a column one object (:func:`shared_texts`): the
        date column from its distinct texts, which ``dates`` read once, and every
        other column the loader keeps as text (a source, a title). Kept by the frames,
        and by marshal when the columns are sent from a forked process.

        At 100,000 sites this takes about 0.7 s and keeps 150 MB less in the frames
        (24 sources in 500,000 objects, 105,000 dates in 500,000, titles); the columns
        the loader parses (:data:`~heritage_mapper.model.EVENT_PARSED_COLUMNS`) are
        left as they are, their texts let go of once parsed.
        """
        for name, cells in self.by_column.items():
            if name == "date" and cells:
                self.by_column[name] = tuple(map(dates.texts.__getitem__, dates.codes))
            elif name not in EVENT_PARSED_COLUMNS:
                self.by_column[name] = shared_texts(cells)

    def row(self, i: int) -> dict[str, str]:
        """The ``i``-th row's cells by column, in the header's order."""
        return {name: cells[i] for name, cells in self.by_column.items()}

    def __len__(self) -> int:
        return len(self.numbers)

    def column(self, name: str) -> Sequence[str]:
        return self.by_column.get(name, ())

    def where(self, flags) -> list[int]:
        """The positions at which ``flags`` (one a row) is false: a C loop."""
        return list(compress(range(len(self)), map(not_, flags)))

    def first_rows(self) -> dict[str, int]:
        """Event id -> the number of the first row using it."""
        if self._first_rows is None:
            # reversed: of the numbers given to one id, the first row's is given last
            ids, numbers = reversed(self.column("id")), reversed(self.numbers)
            self._first_rows = dict(zip(ids, numbers, strict=True))
        return self._first_rows


class _RowDates(NamedTuple):
    """The dates of the rows as :func:`_check_event_date` reads them (None: no date or
    not a valid one): ``of_rows`` one a row; ``distinct`` each distinct text's, in
    the order of first use, and ``codes`` each row's place in ``distinct``; ``texts``
    the distinct texts themselves, in the same order (where the column was read: not
    sent back from a forked process)."""

    of_rows: list[EdtfDate | None]
    codes: list[int]
    distinct: list[EdtfDate | None]
    texts: Sequence[str] = ()


def _row_dates(ctx: Context, texts: Sequence[str]) -> _RowDates:
    """The date of each of ``texts`` (a date column), each distinct text parsed once.

    Each row is looked up by its text once (``codes``); its date is then found by
    its place in a list, and :func:`_outside_periods` uses the same places.
    """
    places = dict(zip(dict.fromkeys(texts), count()))  # distinct text -> its place
    codes = list(map(places.__getitem__, texts))
    distinct = [_valid_date(ctx, text) for text in places]
    return _RowDates(list(map(distinct.__getitem__, codes)), codes, distinct, list(places))


def _valid_date(ctx: Context, text: str) -> EdtfDate | None:
    """:func:`_check_event_date`'s date for ``text``, without its findings."""
    if not text.strip():
        return None
    date = ctx.dates.get(text)
    if date is None:
        try:
            date = parse_edtf(text)
        except EdtfError:
            return None
        ctx.dates[text] = date
    return date


def _column_suspects(
    table: _Table, dates: _RowDates, event_schema, check_nfc, check_controls, eras=()
) -> tuple[set[int], set[int]]:
    """The positions of the rows in which :func:`_check_event_row` may find something
    by a rule that needs no site, and of those the ones the event schema may refuse
    (none: the schema need not be asked).

    Each rule is checked a column at a time (a set of the distinct values, C-level
    ``map`` and ``compress``), and only the rows it cannot clear are named: the row
    checks then run on those alone (with :func:`_site_suspects`'s), in row order, so
    the findings, their order and their messages are those of checking every row. A
    rule that fails here for a row that has no finding after all only costs time.
    """
    found: set[int] = set()
    schema_suspects: set[int] = set()
    for values in table.by_column.values():
        if check_nfc:
            found.update(table.where(map(_is_nfc, values)))
        if check_controls:
            found.update(table.where(map(not_, map(CONTROL_CHARACTER.search, values))))
    if event_schema is not None:  # the patterns of site_ids and paragraph on distinct cells
        paragraphs = set(table.column("paragraph"))
        distinct = {"site_ids": set(table.column("site_ids")), "paragraph": paragraphs}
        schema_suspects = event_schema.suspects(
            table.by_column, len(table), strings=True, distinct=distinct
        )
        found |= schema_suspects
    ids = table.column("id")
    found.update(table.where(map(SLUG.fullmatch, ids)))  # is_slug: every cell is a str
    first = table.first_rows()
    if len(first) != len(ids):  # an id used again
        found.update(table.where(map(eq, map(first.__getitem__, ids), table.numbers)))
    found.update(table.where(dates.of_rows))  # a date is always true, None false
    if eras:  # a date starting in no era (each distinct date once)
        outside = {k for k, date in enumerate(dates.distinct) if _era_missing(date, eras)}
        if outside:
            found.update(table.where(map(not_, map(outside.__contains__, dates.codes))))
    return found, schema_suspects


def era_spans(project) -> list[tuple[int | None, int | None]]:
    """The (first, last) years of each of the project's eras that has them (an invalid
    period is project-era-period-invalid's); None for an open end."""
    from heritage_mapper.dates import EdtfError, year_span

    spans = []
    for era in project.eras:
        try:
            span = year_span(era.period)
        except EdtfError:
            continue
        if span is not None:
            spans.append(span)
    return spans


def _era_missing(date: EdtfDate | None, eras) -> int | None:
    """The year ``date`` starts in, when no era of ``eras`` (:func:`era_spans`) holds
    it; None when one does, or the date has no known start."""
    if date is None or date.lower is None:
        return None
    from heritage_mapper.dates import span_holds

    year = date.lower.year
    return None if any(span_holds(span, year) for span in eras) else year


def _site_suspects(ctx, table: _Table, dates: _RowDates) -> set[int]:
    """The positions of the rows in which :func:`_check_event_row` may find something
    about their sites (unknown, or a date outside a period) or their citation: see
    :func:`_column_suspects`."""
    found: set[int] = set()
    cells = table.column("site_ids")
    periods = _site_periods(ctx, set(cells))  # the usual cell names one site
    unknown = {cell for cell, spans in periods.items() if spans is None}
    if unknown:
        found.update(table.where(map(not_, map(unknown.__contains__, cells))))
    found.update(_outside_periods(table, dates, periods))
    pairs = set(zip(table.column("source"), table.column("paragraph"), strict=True))
    bad = {pair for pair in pairs if not _cited(ctx, *pair)}
    if bad:
        pairs = zip(table.column("source"), table.column("paragraph"), strict=True)
        found.update(table.where(map(not_, map(bad.__contains__, pairs))))
    return found


def _is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


def _site_periods(ctx: Context, distinct: set[str]) -> dict[str, tuple | None]:
    """Each distinct ``site_ids`` cell -> the periods of its sites (a site may have
    none), or None when :func:`_check_event_sites` reports something besides dates."""
    sites = ctx.sites
    periods: dict[str, tuple | None] = {}
    # the usual cell, one site's id as the site has it (a key of ctx.sites is NFC),
    # found in one set operation; the others split and normalised as the row check does
    for cell in distinct & sites.keys():
        if cell and SITE_IDS_SEPARATOR not in cell and cell == cell.strip():
            periods[cell] = (sites[cell].period,)
    for cell in distinct.difference(periods):
        keys = [
            unicodedata.normalize("NFC", site_id.strip())
            for site_id in filter(None, cell.split(SITE_IDS_SEPARATOR))
        ]
        known = len(set(keys)) == len(keys) and all(key in sites for key in keys)
        periods[cell] = tuple(sites[key].period for key in keys) if known else None
    return periods


#: Stand-ins for an open or unknown end in :func:`_outside_periods`: before and after
#: every day's ordinal (``date.toordinal()`` is 1 to 3,652,059).
_BEFORE_ALL, _AFTER_ALL = 0, 4_000_000


def _outside_periods(
    table: _Table, dates: _RowDates, periods: dict[str, tuple | None]
) -> list[int]:
    """The positions of the rows whose date falls outside one of their sites' periods.

    ``EdtfDate.contains`` for every (row, site) pair at once: the periods' bounds are
    laid out cell after distinct cell, each row's pairs found from its cell with
    numpy, and the bounds compared as day ordinals (an open end is never outside).
    ``dates`` are the rows' dates and ``periods`` each distinct ``site_ids`` cell's
    (see :func:`_site_periods`).
    """
    import numpy as np

    starts, lower, upper = [0], [], []
    # cell -> its place; id(period) -> its bounds (an id is safe as a key here: every
    # period is held by ``periods`` for the whole loop, so no id is reused; and
    # cheaper than hashing the frozen dates themselves)
    index, memo = {}, {}
    for i, (cell, spans) in enumerate(periods.items()):
        index[cell] = i
        for span in spans or ():
            if span is not None:
                low, high = memo.get(id(span)) or memo.setdefault(id(span), _bounds(span))
                lower.append(low)
                upper.append(high)
        starts.append(len(lower))
    if not lower:
        return []
    date_bounds = np.array(list(map(_bounds, dates.distinct)), np.int64).reshape(-1, 2)
    rows = len(table)
    row_date = np.array(dates.codes, dtype=np.int64)
    row_cell = np.fromiter(map(index.__getitem__, table.column("site_ids")), np.int64, rows)
    starts_a = np.array(starts, dtype=np.int64)
    first, counts = starts_a[row_cell], starts_a[row_cell + 1] - starts_a[row_cell]
    row = np.repeat(np.arange(rows), counts)  # one entry per (row, site) pair
    span = np.repeat(first - np.cumsum(counts) + counts, counts) + np.arange(len(row))
    low, high = date_bounds[row_date[row], 0], date_bounds[row_date[row], 1]
    outside = (np.asarray(lower)[span] > high) | (low > np.asarray(upper)[span])
    return np.unique(row[outside]).tolist()


def _bounds(date: EdtfDate | None) -> tuple[int, int]:
    """The first and last day of ``date`` as ordinals, an open or unknown end (or no
    date at all) as a day before or after every other."""
    if date is None:
        return _BEFORE_ALL, _AFTER_ALL
    return _ordinal(date.lower, _BEFORE_ALL), _ordinal(date.upper, _AFTER_ALL)


def _ordinal(day, missing: int) -> int:
    return missing if day is None else day.toordinal()


def _cited(ctx: Context, source: str, paragraph: str) -> bool:
    """Whether the citation of a row has no finding (see :func:`check_source_ref`)."""
    if not source or not is_paragraph_number(paragraph):
        return True  # no citation to check (the schema says what is wrong)
    return citation_is_sound(ctx, source, paragraph)


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
                    (column, _field_code(e.validator, value), f"'{column}': {error_text(e)}")
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


#: Field delimiters a spreadsheet may save a "CSV" with, and their names.
OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs"}


def _check_header(ctx, path, header, columns) -> bool:
    missing = [c for c in columns if c not in header]
    # Excel in a Vietnamese or European locale saves "CSV" with semicolons: the header
    # then reads as one unknown column and every known one missing, which says nothing
    # of the cause
    joined = ",".join(header)
    for delimiter, name in OTHER_DELIMITERS.items():
        cells = [cell.strip() for cell in joined.split(delimiter)]
        if missing and 2 * sum(cell in columns for cell in cells) >= len(columns):
            ctx.problem(
                "csv-delimiter",
                path,
                f"the header is separated by {name}, not commas ({', '.join(cells[:3])}, …)",
                hint="save the sheet as 'CSV UTF-8 (comma delimited)', or choose ',' as the "
                "field delimiter when saving",
                row=1,
            )
            return False
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
    ctx, path, known, row_number, event_schema, first_rows, check_nfc=True, check_controls=True
) -> None:
    """Check one well-formed row; ``known`` holds its cells in the known columns and
    ``first_rows`` maps each event id to the number of the first row using it."""
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
    if first_rows[event_id] < row_number:
        report(
            "event-id-duplicate",
            f"event id {event_id!r} is already used in row {first_rows[event_id]}",
            "id",
            "give every event its own id",
        )
    date = _check_event_date(ctx, known, report)
    _check_event_sites(ctx, known, date, report)
    year = _era_missing(date, ctx.era_spans) if ctx.era_spans else None
    if year is not None:
        report(
            "event-outside-eras",
            f"the date {date.text} starts in {year}, which no era of {PROJECT_FILE} holds; "
            "the story page tells the event in the era before it",
            "date",
            "check the date, or add or widen an era in project.json that holds it",
        )
    if known["source"] and is_paragraph_number(known["paragraph"]):
        check_source_ref(
            ctx,
            path,
            known["source"],
            known["paragraph"],
            EVENT_CITATION_CODES,
            columns=("source", "paragraph"),  # a source not registered, a paragraph it lacks
            row=row_number,
        )


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
    unchecked = False  # a site not found while a layer could not be read
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
        if site is None and ctx.unread_layers:  # perhaps in the layer not read
            unchecked = True
            continue
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
    ctx.unchecked_site_rows += unchecked
