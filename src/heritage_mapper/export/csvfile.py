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
spreadsheet shows it as text and never runs it. Numbers are written as numbers and
are not touched (a negative longitude stays ``-70.5``).
"""

from __future__ import annotations

import csv
import io

from heritage_mapper import i18n
from heritage_mapper.dates import CATALOGUE, format_edtf, parse_edtf
from heritage_mapper.export.tables import EVENTS_STEM, SITES_STEM, ExportData, flat, plain_column
from heritage_mapper.export.tours import TOURS_STEM, csv_table

__all__ = ["FORMULA_PREFIXES", "neutralise_formula", "outputs", "spreadsheet_label", "write"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "'"
EXTENSION = ".csv"
ENCODING = "utf-8-sig"  # UTF-8 with BOM
GEOGRAPHIC_DECIMALS = 7
PROJECTED_DECIMALS = 3  # millimetres


def neutralise_formula(value):
    """Prefix ``'`` to a text cell a spreadsheet would read as a formula; others unchanged.

    Examples
    --------
    >>> neutralise_formula('=HYPERLINK("http://x")'), neutralise_formula("@SUM(A1)")
    ('\\'=HYPERLINK("http://x")', "'@SUM(A1)")
    >>> neutralise_formula("Hòn Gai"), neutralise_formula(-70.5)
    ('Hòn Gai', -70.5)
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return FORMULA_GUARD + value
    return value


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
    """``[_cell(v) for v in series]``, the text of a text column taken in one pass."""
    cells = []
    for value in plain_column(series):
        if value is None:
            cells.append("")
        elif isinstance(value, str):
            cells.append(neutralise_formula(value))
        else:
            cells.append(_cell(value))
    return cells


def _csv_bytes(header: list[str], rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise_formula(h) for h in header])
    writer.writerows(rows)
    return buffer.getvalue().encode(ENCODING)


def _number(value: float, decimals: int) -> str:
    """``value`` rounded to ``decimals``, without trailing zeros (as a spreadsheet shows it).

    >>> _number(107.4, 7), _number(-0.00000001, 7), _number(21.3333, 7)
    ('107.4', '0', '21.3333')
    """
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


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
    lower = getattr(parse_edtf(date), "lower", None)
    if lower is None:
        return label
    labels = i18n.labels(CATALOGUE, (lang, *fallbacks))
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


def sites_table(data: ExportData) -> tuple[list[str], list[list]]:
    """Header and rows of ``sites.csv``."""
    import shapely

    geographic = data.crs.is_geographic
    decimals = GEOGRAPHIC_DECIMALS if geographic else PROJECTED_DECIMALS
    x_name, y_name = ("longitude", "latitude") if geographic else ("easting", "northing")
    header: list[str] = []
    for frame in data.layers.values():
        for column in frame.columns:
            if column != frame.geometry.name and column not in header:
                header.append(column)
    rows = []
    for frame in data.layers.values():
        missing = [""] * len(frame)
        columns = [_column_cells(frame[c]) if c in frame.columns else missing for c in header]
        for geometry, cells in zip(frame.geometry, zip(*columns, strict=True), strict=True):
            cells = list(cells)
            if geometry is None or geometry.is_empty:
                cells += ["", "", ""]
            else:
                point = geometry if geometry.geom_type == "Point" else geometry.point_on_surface()
                cells += [
                    _number(point.x, decimals),
                    _number(point.y, decimals),
                    shapely.to_wkt(geometry, rounding_precision=decimals, trim=True),
                ]
            rows.append(cells)
    return [*header, x_name, y_name, "wkt"], rows


def events_table(data: ExportData) -> tuple[list[str], list[list]]:
    """Header and rows of ``events.csv`` (with a readable date label per language)."""
    events = data.events
    labels = [f"date_label_{lang}" for lang in data.languages]
    columns = list(events.columns)
    at = columns.index("date") + 1 if "date" in columns else len(columns)
    header = [*columns[:at], *labels, *columns[at:]]
    rows = []
    dates = [str(d or "") for d in plain_column(events["date"])] if "date" in columns else None
    labelled: dict[str, list[str]] = {}  # an inventory repeats its dates: label each once
    for index, cells in enumerate(zip(*(_column_cells(events[c]) for c in columns), strict=True)):
        cells = list(cells)
        date = dates[index] if dates is not None else ""
        if date not in labelled:
            labelled[date] = [
                neutralise_formula(spreadsheet_label(date, lang, data.chain(lang)[1:]))
                if date
                else ""
                for lang in data.languages
            ]
        cells[at:at] = labelled[date]
        rows.append(cells)
    return header, rows


def outputs(data: ExportData) -> list[str]:
    tour_files = [data.file_name(TOURS_STEM, EXTENSION)] if data.tours else []
    return [
        data.file_name(SITES_STEM, EXTENSION),
        data.file_name(EVENTS_STEM, EXTENSION),
        *tour_files,
    ]


def write(data: ExportData, paths: dict) -> None:
    sites_name, events_name, *tour_files = outputs(data)
    paths[sites_name].write_bytes(_csv_bytes(*sites_table(data)))
    paths[events_name].write_bytes(_csv_bytes(*events_table(data)))
    for name in tour_files:
        header, rows = csv_table(data)
        cells = [[neutralise_formula(cell) for cell in row] for row in rows]
        paths[name].write_bytes(_csv_bytes(header, cells))
