"""Whatever validates, builds: an event or a site period in any EDTF form that
``validate`` accepts is rendered on the map pages and written by every export; any
other form is a located finding. Uses the small fixture folder (tests/fixtures.py)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
from hypothesis import HealthCheck, given, settings

from heritage_mapper import build, validate_geodata
from heritage_mapper.dates import EdtfError, parse_edtf
from heritage_mapper.errors import ValidationFailed

from .edtf_strategies import edtf_like
from .fixtures import make_geodata

#: One of each form the README and dates.py describe, with the English label the
#: events CSV must carry for it.
FORMS = {
    "1965-21": "spring 1965",
    "196X": "1960s",
    "19XX": "20th century",
    "1965-12-XX": "December 1965",
    "1965-XX": "1965",
    "1959?": "1959?",
    "1955~": "about 1955",
    "1954%": "about 1954?",
    "1965-12/": "December 1965 – end unknown",
    "/2025": "start unknown – 2025",
    "../2025": "until 2025",
    "2025/..": "since 2025",
    "/..": "start unknown, still ongoing today",
    "1964-08-01/1964-08-05": "1–5 August 1964",
    "1965-12/1965-12": "December 1965",
    "../1965-12-XX": "until December 1965",
    "1965-33": "first quarter of 1965",
}
#: The CSV writes a plain month as a spreadsheet keeps it (README "CSV columns"):
#: "December 1965" would become the date 1965-12-01.
CSV_FORMS = {"1965-12-XX": "December of 1965", "1965-12/1965-12": "December of 1965"}
#: Forms validate refuses, each with the code of its finding.
REFUSED = ("-0500", "12000", "1950S2", "[1667,1668]", "1985-04-12T10:00:00", "19X5")
EVENT = "ev-1970-record"


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    return make_geodata(tmp_path_factory.mktemp("dates"))


def with_event_date(base: Path, target: Path, date: str, site_ids: str = "") -> Path:
    """A copy of the fixture whose event EVENT has ``date`` (and no site, so the
    site's period does not matter, or the sites ``site_ids``)."""
    folder = shutil.copytree(base, target / "geodata")
    events = folder / "events.csv"
    rows = list(csv.DictReader(io.StringIO(events.read_text("utf-8"))))
    for row in rows:
        if row["id"] == EVENT:
            row["date"], row["site_ids"] = date, site_ids
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    events.write_text(buffer.getvalue(), encoding="utf-8")
    return folder


def build_all(folder: Path, out: Path) -> Path:
    build(folder, out / "maps", exports_dir=out / "exports")
    return out / "exports"


def csv_label(exports: Path, lang: str = "en") -> str:
    rows = csv.DictReader(io.StringIO((exports / "events.csv").read_text("utf-8-sig")))
    return next(r for r in rows if r["id"] == EVENT)[f"date_label_{lang}"]


@pytest.mark.parametrize(("date", "label"), FORMS.items())
def test_each_accepted_form_builds_with_its_label(base, tmp_path, date, label):
    folder = with_event_date(base, tmp_path, date)
    assert validate_geodata(folder).error_count == 0
    exports = build_all(folder, tmp_path / "out")
    assert csv_label(exports) == CSV_FORMS.get(date, label)
    page = (tmp_path / "out" / "maps" / "index.html").read_text("utf-8")
    assert json.dumps(label, ensure_ascii=False) in page  # the page data, plain JSON here


@pytest.mark.parametrize("date", ["9999", "2020/9999", "9999-12-31~"])
def test_an_event_at_a_site_ending_in_9999_has_an_open_exclusive_end(base, tmp_path, date):
    # its last day, 9999-12-31, has no next day in a date: the build stopped with an
    # internal error writing events-at-sites (date_end_excl)
    folder = with_event_date(base, tmp_path, date, site_ids="pit-head")
    exports = build_all(folder, tmp_path / "out")
    frame = pyogrio.read_dataframe(exports / "heritage.gpkg", layer="events-at-sites")
    (row,) = frame[frame["event_id"] == EVENT].itertuples()
    assert str(row.date_end)[:10] == "9999-12-31"
    assert pd.isna(row.date_end_excl)
    # the QGIS project's time range, in whole years, cannot end in the year 10000
    with zipfile.ZipFile(exports / "heritage.qgz") as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".qgs")]
        span = ET.fromstring(archive.read(name)).find("ProjectTimeSettings/TemporalRange")
    # (it ends after the last start's day and the last exclusive end, rounded up to a
    # year: the event from 2020 on shows in the frame of 2020)
    last = "9999-12-31T23:59:59" if date.startswith("9999") else "2021-01-01T00:00:00"
    assert span.findtext("end") == last


@pytest.mark.parametrize("date", REFUSED)
def test_each_refused_form_is_a_located_finding_and_nothing_is_built(base, tmp_path, date):
    folder = with_event_date(base, tmp_path, date)
    found = [p for p in validate_geodata(folder).problems if p.code == "event-date-invalid"]
    assert len(found) == 1 and found[0].location.column_name == "date", found
    assert found[0].location.row is not None
    with pytest.raises(ValidationFailed, match="1 error"):
        build_all(folder, tmp_path / "out")
    assert not (tmp_path / "out" / "maps").exists()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
@given(edtf_like)
def test_whatever_validates_builds(base, tmp_path_factory, date):
    try:
        parse_edtf(date)
    except EdtfError:
        return  # refused: test_dates.py checks the message, the test above the finding
    work = tmp_path_factory.mktemp("case")
    folder = with_event_date(base, work, date, site_ids="pit-head")  # events-at-sites too
    report = validate_geodata(folder)
    if report.error_count:  # a date that is EDTF but not one a CSV cell can hold
        assert {p.code for p in report.problems if p.severity == "error"} <= {
            "event-date-invalid",
            "event-property-invalid",
            "text-control-character",
        }, report.to_text()
        return
    exports = build_all(folder, work / "out")
    assert csv_label(exports)
