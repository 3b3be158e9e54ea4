"""CSV for spreadsheets: ``sites.csv`` (coordinates and WKT), ``events.csv``, and the
itinerary ``tours.csv`` (one row per tour stop) when the project has tours.

UTF-8 with a byte-order mark, so Excel shows Vietnamese; CRLF line ends; RFC 4180
quoting. Sites carry ``longitude``/``latitude`` (or ``easting``/``northing`` in a
projected CRS) and ``wkt``; a site that is not a point gets the coordinates of a
point inside it (shapely's ``point_on_surface``).

Formula neutralisation (OWASP "CSV injection"): a text cell that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return is written with a leading ``'``, so a
spreadsheet shows it as text and never runs it. Numbers are written as numbers and
are not touched (a negative longitude stays ``-70.5``).
"""

from __future__ import annotations

import csv
import io

from heritage_mapper.dates import format_edtf
from heritage_mapper.export.tables import EVENTS_STEM, SITES_STEM, ExportData, flat
from heritage_mapper.export.tours import TOURS_STEM, csv_table

__all__ = ["FORMULA_PREFIXES", "neutralise_formula", "outputs", "write"]

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
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return neutralise_formula(value)


def _csv_bytes(header: list[str], rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise_formula(h) for h in header])
    writer.writerows(rows)
    return buffer.getvalue().encode(ENCODING)


def _number(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


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
        for record in frame.to_dict("records"):
            geometry = record[frame.geometry.name]
            cells = [_cell(record.get(column)) for column in header]
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
    for record in events.to_dict("records"):
        cells = [_cell(record[c]) for c in columns]
        date = str(record.get("date") or "")
        cells[at:at] = [
            neutralise_formula(format_edtf(date, lang, fallbacks=data.chain(lang)[1:]))
            for lang in data.languages
        ]
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
