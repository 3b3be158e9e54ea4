"""CSV export: UTF-8 with BOM, coordinates and WKT, a second file of events.

Data: the small fixture folder (tests/fixtures.py); export behaviour does not depend on
the Quảng Ninh content.
"""

from __future__ import annotations

import csv
import unicodedata

import pytest
import shapely

from heritage_mapper.export import FORMULA_PREFIXES, export_layers, neutralise_formula

DEGREE_TOLERANCE = 1e-7
BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def data(small_data):
    """The small fixture folder: what is checked here does not depend on the content."""
    return small_data


@pytest.fixture(scope="module")
def exported(data, tmp_path_factory):
    return export_layers(data, tmp_path_factory.mktemp("csv"), ["csv"])


def read_rows(path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_two_files_with_a_bom_and_crlf(exported):
    assert [p.name for p in exported] == ["sites.csv", "events.csv"]
    for path in exported:
        raw = path.read_bytes()
        assert raw.startswith(BOM) and not raw.startswith(BOM * 2)
        assert raw.count(b"\r\n") >= 2


def test_sites_roundtrip_keeps_ids_names_and_coordinates(data, exported):
    rows = read_rows(exported[0])
    assert [r["id"] for r in rows] == list(data.sites["id"])
    sites = data.sites.set_index("id")
    for row in rows:
        site = sites.loc[row["id"]]
        assert unicodedata.normalize("NFC", row["name_vi"]) == site["name_vi"]
        assert row["layer"] == site["layer"]
        assert abs(float(row["longitude"]) - site.geometry.x) < DEGREE_TOLERANCE
        assert abs(float(row["latitude"]) - site.geometry.y) < DEGREE_TOLERANCE
        assert shapely.from_wkt(row["wkt"]).distance(site.geometry) < DEGREE_TOLERANCE


def test_events_file_has_every_event_with_dates_and_labels(data, exported):
    rows = read_rows(exported[1])
    assert [r["id"] for r in rows] == list(data.events["id"])
    militia = next(r for r in rows if r["id"] == "ev-1965-shift")
    assert militia["date"] == "1965-12"
    assert (militia["date_start"], militia["date_end"]) == ("1965-12-01", "1965-12-31")
    assert (militia["date_label_vi"], militia["date_label_en"]) == (
        "tháng 12/1965",
        "December of 1965",  # "December 1965" is a date to a spreadsheet
    )
    visit = next(r for r in rows if r["id"] == "ev-1965-shift")
    assert visit["site_ids"] == "screening-plant; pit-head"


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_every_formula_prefix_is_neutralised(prefix):
    assert neutralise_formula(prefix + "1+1") == "'" + prefix + "1+1"


def test_plain_text_and_numbers_are_left_alone():
    assert neutralise_formula("Hòn Gai") == "Hòn Gai"
    assert neutralise_formula(-70.5) == -70.5
    assert neutralise_formula("a=b") == "a=b"


def test_projected_csv_has_easting_and_northing_in_metres(data, tmp_path):
    sites_csv, _ = export_layers(data, tmp_path, ["csv"], crs="EPSG:5899")
    assert sites_csv.name == "sites.epsg5899.csv"
    rows = read_rows(sites_csv)
    assert {"easting", "northing", "wkt"} <= set(rows[0])
    assert "longitude" not in rows[0]
    assert all(len(r["easting"].split(".")[1]) == 3 for r in rows)  # millimetres


@pytest.mark.parametrize("chunk", [1, 3, 4096])
def test_rows_written_in_chunks_give_the_bytes_of_one_writer(tmp_path, monkeypatch, chunk):
    import io

    from heritage_mapper.export import csvfile

    monkeypatch.setattr(csvfile, "CHUNK_ROWS", chunk)
    header = ["id", "=name", "n"]
    texts = ['Q"uote, comma', "line\r\nbreak", "\u2028", "</script>", "NaN", "1e400", ""]
    rows = [(f"r{i}", csvfile.neutralise_formula(t), i) for i, t in enumerate(texts)]
    csvfile._write_csv(tmp_path / "t.csv", header, iter(rows))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise_formula(h) for h in header])
    writer.writerows(rows)
    assert (tmp_path / "t.csv").read_bytes() == buffer.getvalue().encode("utf-8-sig")


def test_a_label_left_unparsed_is_one_no_spreadsheet_reads_as_a_date():
    """The events' labels skip parsing a date whose label matches no plain day or month
    of the catalogue: every label that the spreadsheet form changes does match it."""
    import datetime as dt

    from heritage_mapper.dates import format_edtf, parse_edtf
    from heritage_mapper.export.csvfile import _day_or_month, _spreadsheet_form

    days = [dt.date(1964, 1, 1) + dt.timedelta(days=n) for n in range(0, 366, 7)]
    dates = [d.isoformat() for d in days] + [d.isoformat()[:7] for d in days]
    dates += ["1965-12/1965-12", "1964-08-01/1964-08-01", "1959", "1959~", "1965-12?", "/.."]
    dates += ["1883/..", "1964-08-01/1964-08-05", "196X", "1965-21", "1936/1944"]
    for chain in [("vi", "en"), ("en",), ("fr", "vi", "en")]:
        changed = 0
        for date in dates:
            label = format_edtf(date, chain[0], fallbacks=chain[1:])
            if _spreadsheet_form(label, parse_edtf(date), chain) != label:
                changed += 1
                assert _day_or_month(chain).fullmatch(label), (date, chain, label)
        assert changed >= len(days)  # the plain days (and, but in vi, the months)
