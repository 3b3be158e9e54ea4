"""CSV for spreadsheets: ``sites.csv`` (coordinates and WKT), ``events.csv``, and the
itinerary ``tours.csv`` (one row per tour stop) when the project has tours.

UTF-8 with a byte-order mark, so Excel shows Vietnamese; CRLF line ends; RFC 4180
quoting. Sites carry ``longitude``/``latitude`` (or ``easting``/``northing`` in a
projected CRS) and ``wkt``; a site that is not a point gets the coordinates of a
point inside it (shapely's ``point_on_surface``).

Spreadsheets must not change a value when they open the file (LibreOffice en-US read
"5/8/1964", 5 August, as 8 May 1964, and "December 1965" as 1 December 1965):

- a date label that is a plain day or month is written in its ``spreadsheet_day`` /
  ``spreadsheet_month`` form of the dates catalogue ("ngày 5/8/1964", "December of
  1965"), which no spreadsheet reads as a date; every other label is text already;
- ISO dates (``date_start``, ``date_end``) stay ISO: a spreadsheet that makes them
  date values keeps the same day;
- booleans are ``TRUE`` / ``FALSE``, as spreadsheets show them;
- coordinates carry no trailing zeros (``107.4``, not ``107.4000000``), as a
  spreadsheet shows the number.

``tests/test_csv_libreoffice.py`` opens each file in LibreOffice (en-US) and compares
every cell's displayed text with the file's.

Formula neutralisation (OWASP "CSV injection"): a text cell that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return is written with a leading ``'``, so a
spreadsheet shows it as text and never runs it. So is a text cell a spreadsheet reads
as a percentage (:data:`PERCENT_TEXT`): the EDTF date ``1954%`` (a year approximate
and uncertain) became the number 19.54, shown "1954.00%" in LibreOffice. Numbers
are written as numbers and are not touched (a negative longitude stays ``-70.5``).
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import re
from collections.abc import Iterable, Iterator

from heritage_mapper import i18n
from heritage_mapper.dates import CATALOGUE, format_edtf, parse_edtf
from heritage_mapper.export.tables import EVENTS_STEM, SITES_STEM, ExportData, flat, plain_column
from heritage_mapper.export.tours import TOURS_STEM, csv_table
from heritage_mapper.model import LIST_SEPARATOR
from heritage_mapper.progress import count_rows

__all__ = ["FORMULA_PREFIXES", "neutralise_formula", "outputs", "spreadsheet_label", "write"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "'"
#: Text that spreadsheets read as a percentage, a number then ``%`` ("1954%", "12,5 %"):
#: written with :data:`FORMULA_GUARD` too, so it stays text.
PERCENT_TEXT = re.compile(r"[0-9][0-9.,]*[ \u00a0]?%")
EXTENSION = ".csv"
ENCODING = "utf-8-sig"  # UTF-8 with BOM
GEOGRAPHIC_DECIMALS = 7
PROJECTED_DECIMALS = 3  # millimetres
#: Rows whose cells are computed (column by column) and written at a time: a layer's or
#: the events' whole table is never in memory.
CHUNK_ROWS = 4096


def neutralise_formula(value):
    """Prefix ``'`` to a text cell a spreadsheet would read as a formula, or as a
    percentage (:data:`PERCENT_TEXT`); others unchanged.

    Examples
    --------
    >>> neutralise_formula('=HYPERLINK("http://x")'), neutralise_formula("@SUM(A1)")
    ('\\'=HYPERLINK("http://x")', "'@SUM(A1)")
    >>> neutralise_formula("1954%"), neutralise_formula("1954%/1956")
    ("'1954%", '1954%/1956')
    >>> neutralise_formula("Hòn Gai"), neutralise_formula(-70.5)
    ('Hòn Gai', -70.5)
    """
    if isinstance(value, str) and _guarded(value):
        return FORMULA_GUARD + value
    return value


def _guarded(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES) or _is_percent(text)


def _is_percent(text: str) -> bool:
    """Whether ``text`` is one spreadsheets read as a percentage (:data:`PERCENT_TEXT`)."""
    return text.endswith("%") and PERCENT_TEXT.fullmatch(text) is not None


def _cell(value):
    value = flat(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return neutralise_formula(value)


def _column_cells(series) -> list:
    """``[_cell(v) for v in series]`` in one pass: text (nearly every cell) is guarded
    here, other values go by their type (:func:`_other_cell`); a percentage's guard
    comes in :func:`_write_csv`."""
    guard = FORMULA_GUARD
    values = plain_column(series)
    if series.dtype == "bool":  # numpy's: no gaps (an events table's flags)
        return ["TRUE" if value else "FALSE" for value in values]
    if series.dtype == "int64":  # no gaps either: Python ints, written as they are
        return values
    return [
        (guard + value if value.startswith(FORMULA_PREFIXES) else value)
        if type(value) is str
        else ""
        if value is None
        else _other_cell(value)
        for value in values
    ]


def _percent_guarded(cell):
    """``cell``, with :data:`FORMULA_GUARD` when it is text a spreadsheet reads as a
    percentage (:data:`PERCENT_TEXT`)."""
    return FORMULA_GUARD + cell if type(cell) is str and _is_percent(cell) else cell


def _other_cell(value):
    """``_cell(value)`` for a value of :func:`plain_column` that is not text, without
    taking it through ``plain`` again when its type says what ``_cell`` gives."""
    kind = type(value)
    if value is None:
        return ""
    if kind is int:
        return value
    if kind is bool:
        return "TRUE" if value else "FALSE"
    if kind is float:  # never NaN here: plain_column made NaN None
        return int(value) if value.is_integer() else value
    if kind is list:
        return _list_cell(value)
    return _cell(value)


def _list_cell(values: list):
    """``_cell(values)`` for a list :func:`plain_column` made, without taking each item
    through ``plain`` again when they are all text (source references, site ids).

    >>> _list_cell(["a.txt#1", "b.txt#2"]), _list_cell(["-1"]), _list_cell([1, None])
    ('a.txt#1; b.txt#2', "'-1", '1; ')
    """
    try:
        text = LIST_SEPARATOR.join(values)  # a TypeError at the first item not text
    except TypeError:
        return _cell(values)
    return neutralise_formula(text)


def _write_csv(path, header: list[str], rows: Iterable) -> None:
    """Write the header and ``rows`` (an iterable of cell sequences) to ``path``, a chunk
    of :data:`CHUNK_ROWS` rows at a time: the same bytes as one ``csv.writer`` over a
    ``StringIO`` encoded at the end, without the whole text or its bytes in memory.
    The text file is opened with ``newline=""`` so that the writer's CRLF stays CRLF,
    and the ``utf-8-sig`` codec writes the BOM once, at the start."""
    # The writer writes to a buffer that goes to the file a chunk at a time: writing
    # each row to the encoding file object was a third of the CSV's time.
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    with open(path, "w", encoding=ENCODING, newline="") as handle:
        writer.writerow([neutralise_formula(h) for h in header])
        handle.write(buffer.getvalue())  # the header alone: a chunk may be written again
        buffer.seek(0)
        buffer.truncate()
        rows = iter(rows)
        while chunk := list(itertools.islice(rows, CHUNK_ROWS)):
            writer.writerows(chunk)
            text = buffer.getvalue()
            if "%" in text:  # rare: written again, each percentage guarded
                buffer.seek(0)
                buffer.truncate()
                writer.writerows([tuple(map(_percent_guarded, row)) for row in chunk])
                text = buffer.getvalue()
            handle.write(text)
            buffer.seek(0)
            buffer.truncate()
            count_rows(len(chunk))  # a progress display's rows written


def _number(value: float, decimals: int) -> str:
    """``value`` rounded to ``decimals``, without trailing zeros (as a spreadsheet shows it).

    >>> _number(107.4, 7), _number(-0.00000001, 7), _number(21.3333, 7)
    ('107.4', '0', '21.3333')
    """
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@functools.lru_cache(maxsize=32)
def _labels(chain: tuple[str, ...]) -> dict[str, str]:
    """The dates catalogue's labels for a language chain, merged once per chain (an
    inventory labels tens of thousands of dates); read only."""
    return i18n.labels(CATALOGUE, chain)


@functools.lru_cache(maxsize=32)
def _day_or_month(chain: tuple[str, ...]) -> re.Pattern:
    """A pattern that every plain day or month label of the chain's catalogue matches
    (``day`` and ``month`` with any day, month and year): a label that does not match
    it is left as it is by :func:`_spreadsheet_form`, without parsing its date.

    >>> bool(_day_or_month(("en",)).fullmatch("December 1965"))
    True
    >>> bool(_day_or_month(("en",)).fullmatch("since 1883"))
    False
    """
    labels = _labels(chain)
    names = "|".join(map(re.escape, labels["months"]))
    days = "|".join(map(re.escape, map(str, labels["day_numbers"].values())))
    fields = {"{y}": r"\d+", "{m}": r"\d+", "{month}": f"(?:{names})", "{d}": rf"(?:\d+|{days})"}
    forms = []
    for kind in ("day", "month"):
        parts = re.split(r"(\{[^{}]*\})", labels[kind])  # literal text and {fields}
        # a field this does not know (a format spec) may be anything
        forms.append("".join(fields.get(p, ".*") if p[:1] == "{" else re.escape(p) for p in parts))
    return re.compile("|".join(f"(?:{form})" for form in forms), re.DOTALL)


def spreadsheet_label(date: str, lang: str, fallbacks: tuple[str, ...] = ()) -> str:
    """The readable label of the EDTF ``date`` that a spreadsheet keeps as text.

    :func:`~heritage_mapper.dates.format_edtf`'s label, except a plain day or month,
    which spreadsheets parse as a date (and change): it takes the catalogue's
    ``spreadsheet_day`` / ``spreadsheet_month`` form.

    Examples
    --------
    >>> spreadsheet_label("1964-08-05", "vi"), spreadsheet_label("1965-12", "en")
    ('ngày 5/8/1964', 'December of 1965')
    >>> spreadsheet_label("1964-08-05", "en"), spreadsheet_label("1964/1972", "vi")
    ('5 August 1964', '1964–1972')
    """
    label = format_edtf(date, lang, fallbacks=fallbacks)
    return _spreadsheet_form(label, parse_edtf(date), (lang, *fallbacks))


def _spreadsheet_form(label: str, parsed, chain: tuple[str, ...]) -> str:
    """:func:`spreadsheet_label` from the date's ``format_edtf`` label and its parse (a
    table of events parses each date once for all its languages)."""
    lower = getattr(parsed, "lower", None)
    if lower is None:
        return label
    labels = _labels(chain)
    values = {
        "d": labels["day_numbers"].get(str(lower.day), lower.day),
        "m": lower.month,
        "month": labels["months"][lower.month - 1],
        "y": lower.year,
    }
    for kind in ("day", "month"):
        if label == labels[kind].format(**values):
            return labels[f"spreadsheet_{kind}"].format(**values)
    return label


def sites_table(data: ExportData) -> tuple[list[str], Iterator[tuple]]:
    """Header and rows of ``sites.csv``; the rows are made a chunk at a time, as read."""
    geographic = data.crs.is_geographic
    x_name, y_name = ("longitude", "latitude") if geographic else ("easting", "northing")
    header: list[str] = []
    for frame in data.layers.values():
        for column in frame.columns:
            if column != frame.geometry.name and column not in header:
                header.append(column)
    return [*header, x_name, y_name, "wkt"], _sites_rows(data, header)


def _sites_rows(data: ExportData, header: list[str]) -> Iterator[tuple]:
    decimals = GEOGRAPHIC_DECIMALS if data.crs.is_geographic else PROJECTED_DECIMALS
    for frame in data.layers.values():
        geometries = frame.geometry.to_numpy()
        for start in range(0, len(frame), CHUNK_ROWS):
            rows = slice(start, start + CHUNK_ROWS)
            missing = [""] * len(geometries[rows])
            columns = [
                _column_cells(frame[c].iloc[rows]) if c in frame.columns else missing
                for c in header
            ]
            yield from zip(*columns, *_place_columns(geometries[rows], decimals), strict=True)


def _place_columns(geometries, decimals: int) -> tuple[list, list, list]:
    """The x, y and WKT cells of an array of geometries: a point's own coordinates, a
    point inside any other geometry (``point_on_surface``), empty cells for a missing or
    empty geometry. Shapely's array functions give each element what the same function
    gives it alone."""
    import numpy as np
    import shapely

    absent = shapely.is_missing(geometries) | shapely.is_empty(geometries)
    points = geometries.copy()
    others = ~absent & (shapely.get_type_id(geometries) != 0)
    points[others] = shapely.point_on_surface(geometries[others])
    xs, ys, wkts = [""] * len(geometries), [""] * len(geometries), [""] * len(geometries)
    present = np.flatnonzero(~absent)
    x = shapely.get_x(points[present]).tolist()
    y = shapely.get_y(points[present]).tolist()
    wkt = shapely.to_wkt(geometries[present], rounding_precision=decimals, trim=True).tolist()
    for i, x_value, y_value, text in zip(present.tolist(), x, y, wkt, strict=True):
        xs[i], ys[i], wkts[i] = _number(x_value, decimals), _number(y_value, decimals), text
    return xs, ys, wkts


def events_table(data: ExportData) -> tuple[list[str], Iterator[tuple]]:
    """Header and rows of ``events.csv`` (with a readable date label per language); the
    rows are made a chunk at a time, as read."""
    labels = [f"date_label_{lang}" for lang in data.languages]
    columns = list(data.events.columns)
    at = columns.index("date") + 1 if "date" in columns else len(columns)
    return [*columns[:at], *labels, *columns[at:]], _events_rows(data, columns, at)


def _events_rows(data: ExportData, columns: list[str], at: int) -> Iterator[tuple]:
    events = data.events
    labelled: dict[str, tuple[str, ...]] = {}  # an inventory repeats its dates: label each once
    chains = [(lang, *data.chain(lang)[1:]) for lang in data.languages]
    # format_edtf's labels, shared with KML and GPX
    table = data.date_labels() if "date" in columns else {}

    forms = [_day_or_month(chain) for chain in chains]

    def labels_of(date: str) -> tuple[str, ...]:
        if not date:
            return ("",) * len(chains)
        parsed = None  # parsed when a label may be a plain day or month, once
        cells = []
        for label, chain, form in zip(table[date], chains, forms, strict=True):
            if form.fullmatch(label):
                if parsed is None:
                    parsed = parse_edtf(date)
                label = _spreadsheet_form(label, parsed, chain)
            cells.append(neutralise_formula(label))
        return tuple(cells)

    # the dates as the label table read them, not converted again a chunk at a time
    all_dates = data.event_dates() if "date" in columns else [""] * len(events)
    for start in range(0, len(events), CHUNK_ROWS):
        rows = slice(start, start + CHUNK_ROWS)
        cells = [_column_cells(events[c].iloc[rows]) for c in columns]
        dates = all_dates[rows]
        for date in dict.fromkeys(dates):
            if date not in labelled:
                labelled[date] = labels_of(date)
        label_cells = zip(*map(labelled.__getitem__, dates), strict=True)
        if not data.languages:
            label_cells = iter(())
        yield from zip(*cells[:at], *label_cells, *cells[at:], strict=True)


def outputs(data: ExportData) -> list[str]:
    tour_files = [data.file_name(TOURS_STEM, EXTENSION)] if data.tours else []
    return [
        data.file_name(SITES_STEM, EXTENSION),
        data.file_name(EVENTS_STEM, EXTENSION),
        *tour_files,
    ]


def write(data: ExportData, paths: dict) -> None:
    sites_name, events_name, *tour_files = outputs(data)
    _write_csv(paths[sites_name], *sites_table(data))
    _write_csv(paths[events_name], *events_table(data))
    for name in tour_files:
        header, rows = csv_table(data)
        _write_csv(paths[name], header, ([neutralise_formula(c) for c in row] for row in rows))
