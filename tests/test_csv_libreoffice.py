"""The CSV exports opened in a spreadsheet keep every value (issue 14).

LibreOffice Calc (en-US) read the date label "5/8/1964" (5 August) as 8 May 1964 and
"December 1965" as 1 December 1965. Each CSV is opened here the way a double-click
does (comma separated, UTF-8, special numbers such as dates detected, en-US) and saved
back to CSV "as shown": every cell's displayed text must equal the file's.

Data: the real geodata (its labels are the ones a spreadsheet misread) and the small
fixture folder. Needs ``soffice`` (Debian ``libreoffice-calc``): skipped locally with
a message when missing, a failure in CI.
"""

from __future__ import annotations

import csv
import os
import subprocess

import pytest

from heritage_mapper import load_geodata
from heritage_mapper.export import export_layers
from heritage_mapper.export.csvfile import spreadsheet_label

from .fixtures import EVENTS, SITES, make_geodata
from .program_support import require_program

EN_US = 1033  # LibreOffice's language id for English (USA)
# separator ",", quote '"', UTF-8 (76), from line 1, standard cells, en-US, quoted
# fields not forced to text, detect special numbers (dates): what a double-click does
IMPORT_FILTER = f"CSV:44,34,76,1,,{EN_US},false,true"
# the same, saved with each cell's displayed text ("save cell contents as shown")
EXPORT_FILTER = f"csv:Text - txt - csv (StarCalc):44,34,76,1,,{EN_US},false,true,true"
TIMEOUT_SECONDS = 180


def read_cells(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def through_libreoffice(paths, tmp_path) -> dict:
    """Each CSV opened and saved again as displayed by LibreOffice Calc (en-US)."""
    soffice = require_program("soffice", "libreoffice-calc")
    out = tmp_path / "libreoffice"
    env = {**os.environ, "LANG": "en_US.UTF-8", "LC_ALL": "en_US.UTF-8", "HOME": str(tmp_path)}
    command = [
        soffice,
        "--headless",
        f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
        f"--infilter={IMPORT_FILTER}",
        "--convert-to",
        EXPORT_FILTER,
        "--outdir",
        str(out),
        *map(str, paths),
    ]
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=TIMEOUT_SECONDS)
    return {path.name: read_cells(out / path.name) for path in paths}


def changed_cells(original, shown) -> list[str]:
    """Every cell whose displayed text differs, as "row/column: 'was' → 'shown'"."""
    assert len(shown) == len(original)
    header = original[0]
    changes = []
    for row, (before, after) in enumerate(zip(original, shown, strict=True)):
        assert len(after) == len(before), f"row {row}: {before} → {after}"
        changes += [
            f"row {row} {header[col]}: {a!r} → {b!r}"
            for col, (a, b) in enumerate(zip(before, after, strict=True))
            if a != b
        ]
    return changes


@pytest.mark.parametrize("which", ["real", "small"])
def test_libreoffice_shows_every_cell_as_written(which, data, small_data, tmp_path):
    paths = export_layers(data if which == "real" else small_data, tmp_path / "csv", ["csv"])
    names = {path.name for path in paths}
    assert {"sites.csv", "events.csv"} <= names
    shown = through_libreoffice(paths, tmp_path)
    for path in paths:
        original = read_cells(path)
        assert len(original) > 1, path.name
        assert changed_cells(original, shown[path.name]) == [], path.name


def test_text_a_spreadsheet_reads_as_a_percentage_stays_text(tmp_path):
    # the EDTF year 1954% (approximate and uncertain) was read as 19.54 and shown
    # "1954.00%"; it is written with the guard a formula gets, and shown as written
    events = [{**e, "date": "1954%"} if e["id"] == "ev-1970-record" else e for e in EVENTS]
    sites = [{**s, "period": "1954%"} if s["id"] == "pit-head" else s for s in SITES]
    folder = make_geodata(tmp_path, events=events, sites=sites)
    paths = export_layers(load_geodata(folder), tmp_path / "csv", ["csv"])
    by_name = {path.name: path for path in paths}
    with open(by_name["events.csv"], encoding="utf-8-sig", newline="") as handle:
        dates = {row["id"]: row["date"] for row in csv.DictReader(handle)}
    assert dates["ev-1970-record"] == "'1954%"
    assert dates["ev-1965-shift"] == "1965-12"
    shown = through_libreoffice(paths, tmp_path)
    for path in paths:
        assert changed_cells(read_cells(path), shown[path.name]) == [], path.name


def test_the_dates_a_spreadsheet_misread_are_written_as_text(data, tmp_path):
    """The two labels of the issue, and the ISO columns kept as ISO dates."""
    (events,) = [p for p in export_layers(data, tmp_path, ["csv"]) if p.name == "events.csv"]
    with open(events, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    first = next(r for r in rows if r["date"] == "1964-08-05")
    assert (first["date_label_vi"], first["date_label_en"]) == ("ngày 5/8/1964", "5 August 1964")
    assert (first["date_start"], first["date_end"]) == ("1964-08-05", "1964-08-05")
    militia = next(r for r in rows if r["date"] == "1965-12")
    assert militia["date_label_en"] == "December of 1965"
    assert militia["date_label_vi"] == "tháng 12/1965"


@pytest.mark.parametrize(
    ("date", "lang", "label"),
    [
        ("1964-08-05", "vi", "ngày 5/8/1964"),
        ("1955-04-25", "vi", "ngày 25/4/1955"),  # 25/4 is a date where the day comes first
        ("1965-12", "en", "December of 1965"),
        ("1965-12/1965-12", "en", "December of 1965"),  # reads as one month
        ("1955-04-01", "fr", "le 1er avril 1955"),
        ("1965-12", "fr", "mois de décembre 1965"),
        ("1959", "en", "1959"),  # a number, shown as written
        ("1964-08-01/1964-08-05", "en", "1–5 August 1964"),
        ("1883~/1955-04-24", "vi", "khoảng 1883 – 24/4/1955"),
        ("/..", "en", "start unknown, still ongoing today"),
    ],
)
def test_spreadsheet_label(date, lang, label):
    assert spreadsheet_label(date, lang) == label
