"""Shapefile export: one zip per layer, UTF-8 .cpg, a stable 10-character field table.

Data: the small fixture folder (tests/fixtures.py); export behaviour does not depend on
the Quảng Ninh content.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely

from heritage_mapper import load_geodata
from heritage_mapper.export import SHAPEFILE_FIELD_NAMES, export_layers, shapefile_field_names
from heritage_mapper.export.shapefile import (
    DBF_TEXT_MAX_BYTES,
    LOCALIZED_FIELD_STEMS,
    fit_dbf_text,
    stable_field_name,
)

from .fixtures import make_geodata

DEGREE_TOLERANCE = 1e-7


@pytest.fixture(scope="module")
def data(small_data):
    """The small fixture folder: what is checked here does not depend on the content."""
    return small_data


@pytest.fixture(scope="module")
def zips(data, tmp_path_factory):
    return export_layers(data, tmp_path_factory.mktemp("shp"), ["shapefile"])


def test_one_zip_per_layer_plus_events_at_sites(data, zips):
    expected = [f"sites-{layer}.shp.zip" for layer in data.layers] + ["events-at-sites.shp.zip"]
    assert [z.name for z in zips] == expected


def test_each_zip_holds_the_shapefile_parts_and_the_field_table(zips):
    for path in zips:
        stem = path.name.removesuffix(".shp.zip")
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            assert names == [f"{stem}{ext}" for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg")] + [
                "fields.csv"
            ]
            assert archive.read(f"{stem}.cpg").strip() == b"UTF-8"
            assert b"GCS_WGS_1984" in archive.read(f"{stem}.prj")
            assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_fields_csv_matches_the_dbf_and_the_documented_table(zips):
    for path in zips:
        with zipfile.ZipFile(path) as archive:
            rows = list(csv.DictReader(io.StringIO(archive.read("fields.csv").decode("utf-8"))))
        back = pyogrio.read_dataframe(path)
        assert [r["field"] for r in rows] == [c for c in back.columns if c != "geometry"]
        for row in rows:
            assert len(row["field"]) <= 10
            assert stable_field_name(row["column"]) == row["field"]


def test_field_name_table_is_stable():
    # Users' QGIS projects refer to these names: changing one needs a release note.
    assert {
        "description_vi": "desc_vi",
        "location_precision_m": "precis_m",
        "period_start": "per_start",
        "site_name_vi": "site_nm_vi",
        "approximate": "approx",
        "admin_then_en": "admthen_en",
        "admin_now_fr": "admnow_fr",
    }.items() <= {c: stable_field_name(c) for c in (*SHAPEFILE_FIELD_NAMES, *LOCALIZED)}.items()
    documented = [stable_field_name(c) for c in (*SHAPEFILE_FIELD_NAMES, *LOCALIZED)]
    assert all(len(v) <= 10 for v in documented)
    assert len({v.lower() for v in documented}) == len(documented)


LOCALIZED = [f"{base}_{lang}" for base in LOCALIZED_FIELD_STEMS for lang in ("vi", "en", "fr")]


def test_unknown_columns_get_unique_short_names():
    names = shapefile_field_names(["id", "ghi_chú_dài_hơn_mười", "ghi_chú_dài_hơn_mười_hai"])
    assert names == {
        "id": "id",
        "ghi_chú_dài_hơn_mười": "ghi_chu_da",
        "ghi_chú_dài_hơn_mười_hai": "ghi_chu_d1",
    }


def test_write_read_roundtrip_keeps_ids_vietnamese_and_coordinates(data, zips):
    for layer_id, sites in data.layers.items():
        back = pyogrio.read_dataframe(zips[0].parent / f"sites-{layer_id}.shp.zip")
        assert list(back["id"]) == list(sites["id"])
        assert [unicodedata.normalize("NFC", n) for n in back["name_vi"]] == list(sites["name_vi"])
        assert list(back["admnow_vi"]) == list(sites["admin_now_vi"])
        assert list(back["admthen_en"]) == list(sites["admin_then_en"])
        got, want = shapely.get_coordinates(back.geometry), shapely.get_coordinates(sites.geometry)
        assert np.allclose(got, want, rtol=0, atol=DEGREE_TOLERANCE)
        assert str(back["per_start"].dtype).startswith("datetime64")


def test_long_text_is_cut_at_a_character_boundary(data, zips):
    sites = data.sites.set_index("id")
    back = pyogrio.read_dataframe(zips[0].parent / "sites-harbour.shp.zip")
    cut = 0
    for site_id, text in zip(back["id"], back["desc_vi"], strict=True):
        full = sites.loc[site_id, "description_vi"]
        assert len(text.encode("utf-8")) <= DBF_TEXT_MAX_BYTES
        if len(full.encode("utf-8")) > DBF_TEXT_MAX_BYTES:
            assert text.endswith("…") and full.startswith(text[:-1])
            cut += 1
        else:
            assert text == full
    assert cut == 1  # the lighthouse's description is longer than a DBF field


def test_fit_dbf_text_never_splits_a_vietnamese_letter():
    for n in range(240, 260):
        cut = fit_dbf_text("ễ" * n)
        assert len(cut.encode("utf-8")) <= DBF_TEXT_MAX_BYTES
        assert set(cut) <= {"ễ", "…"}


def test_fit_dbf_text_keeps_what_fits_and_cuts_what_does_not_around_the_short_cut():
    # up to 63 characters is kept without encoding (at most 4 UTF-8 bytes each)
    for text in ("ễ" * 63, "🏯" * 63, "a" * 254, "ễ" * 84):  # 252, 252, 254, 252 bytes
        assert fit_dbf_text(text) == text
    for text in ("🏯" * 64, "a" * 255, "ễ" * 85):  # 256, 255, 255 bytes
        cut = fit_dbf_text(text)
        assert cut.endswith("…") and len(cut.encode("utf-8")) <= DBF_TEXT_MAX_BYTES


def test_shapefile_kinds_by_type_id_are_the_kinds_by_geometry_type():
    import shapely

    from heritage_mapper.export.shapefile import GEOMETRY_KINDS, KIND_OF_TYPE_ID

    samples = [
        shapely.Point(0, 0),
        shapely.LineString([(0, 0), (1, 1)]),
        shapely.LinearRing([(0, 0), (1, 0), (1, 1)]),
        shapely.box(0, 0, 1, 1),
        shapely.MultiPoint([(0, 0)]),
        shapely.MultiLineString([[(0, 0), (1, 1)]]),
        shapely.MultiPolygon([shapely.box(0, 0, 1, 1)]),
        shapely.GeometryCollection([shapely.Point(0, 0)]),
    ]
    for geometry in samples:
        kind = KIND_OF_TYPE_ID.get(int(shapely.get_type_id(geometry)))
        assert kind == GEOMETRY_KINDS.get(geometry.geom_type), geometry.geom_type


def test_events_at_sites_have_date_fields(zips):
    back = pyogrio.read_dataframe(zips[-1])
    assert str(back["date_start"].dtype).startswith("datetime64")
    assert "ev-1965-shift@screening-plant" in set(back["id"])


def test_zips_are_byte_identical_for_the_same_data(data, zips, tmp_path):
    again = export_layers(data, tmp_path, ["shapefile"])
    assert [a.read_bytes() for a in again] == [z.read_bytes() for z in zips]


def test_an_extra_property_gets_a_short_field(tmp_path):
    folder = make_geodata(tmp_path)
    layer = folder / "layers" / "mines.geojson"
    doc = json.loads(layer.read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["heritage_ranking_note"] = "Di tích cấp tỉnh"
    layer.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    paths = export_layers(load_geodata(folder), tmp_path, ["shapefile"])
    back = pyogrio.read_dataframe(next(p for p in paths if "mines" in p.name))
    assert back.loc[0, "heritage_r"] == "Di tích cấp tỉnh"


def test_readme_documents_the_field_name_table():
    readme = Path(__file__).resolve().parents[1] / "README.md"
    text = readme.read_text(encoding="utf-8")
    documented = {
        **SHAPEFILE_FIELD_NAMES,
        **{f"{base}_<lang>": f"{stem}_<lang>" for base, stem in LOCALIZED_FIELD_STEMS.items()},
    }
    missing = [
        (field, column)
        for column, field in documented.items()
        if f"| `{field}` | `{column}` |" not in text
    ]
    assert not missing, f"README 'Shapefile field names' lacks {missing}"


def _zipped(tmp_path, name, add) -> bytes:
    target = tmp_path / name
    with zipfile.ZipFile(target, "w") as archive:
        add(archive)
    return target.read_bytes()


def test_a_part_streamed_into_the_zip_has_the_bytes_writestr_gives(tmp_path):
    from heritage_mapper.export.shapefile import ZIP_BLOCK_BYTES, _zip_entry, _zip_file

    rng = np.random.default_rng(7)  # text-like and random runs, across several blocks
    words = rng.choice([b"Ha Long ", b"\xe1\xbb\x99i ", b"1955 ", b"\x00" * 9], 800_000)
    payload = b"".join(words) + rng.bytes(ZIP_BLOCK_BYTES // 3)
    assert len(payload) > 3 * ZIP_BLOCK_BYTES
    part = tmp_path / "events.dbf"
    part.write_bytes(payload)
    whole = _zipped(tmp_path, "whole.zip", lambda a: _zip_entry(a, "x.dbf", payload))
    streamed = _zipped(tmp_path, "streamed.zip", lambda a: _zip_file(a, "x.dbf", part))
    assert streamed == whole
    with zipfile.ZipFile(io.BytesIO(streamed)) as archive:
        assert archive.read("x.dbf") == payload


_ZIP_PEAK = """
import sys, zipfile
from pathlib import Path
from heritage_mapper.export.shapefile import _zip_file
part = Path(sys.argv[1])
with part.open("wb") as out:  # 192 MiB, written a MiB at a time
    for _ in range(192):
        out.write(b"Quang Ninh \\x00" * 87_381)
with zipfile.ZipFile(sys.argv[2], "w") as archive:
    _zip_file(archive, "big.dbf", part)
# this process's own peak (ru_maxrss can carry the peak of the process that started it)
print(next(line for line in open("/proc/self/status") if line.startswith("VmHWM")))
"""


def test_a_large_part_goes_into_the_zip_without_being_read_whole(tmp_path):
    # the events' .dbf is 400 MB at 100,000 sites: read whole, it sat in memory beside
    # the loaded data (the build's largest moment); a block at a time, the process
    # stays near the interpreter's size
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", _ZIP_PEAK, str(tmp_path / "big.dbf"), str(tmp_path / "big.zip")],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(repo / "src"), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    assert int(done.stdout.split()[-2]) < 96 * 1024, done.stdout  # kB
    with zipfile.ZipFile(tmp_path / "big.zip") as archive:
        assert archive.getinfo("big.dbf").file_size == 192 * 87_381 * 12
