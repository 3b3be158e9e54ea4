"""``heritage-mapper tiles``: the PMTiles archive, the search index and the page, as files."""

from __future__ import annotations

import json
import urllib.request

import pyogrio
import pytest
from click.testing import CliRunner

from heritage_mapper.cli import main
from heritage_mapper.render import tiles

from .browser_support import GEODATA
from .range_server import serve


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("tiles")
    written = tiles.build_tiles(GEODATA, out)
    return out, written


def _files(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_writes_page_archive_and_search_chunks(built):
    out, written = built
    names = [p.name for p in written]
    assert names[:2] == ["index.html", "sites.pmtiles"]
    assert all(n.startswith("search-") and n.endswith(".json") for n in names[2:])
    assert (out / "sites.pmtiles").read_bytes()[:7] == b"PMTiles"
    page = (out / "index.html").read_text(encoding="utf-8")
    assert 'id="hmt-data"' in page and "pmtiles" in page and "VectorTile" in page


def test_archive_holds_every_site_at_min_and_max_zoom(built):
    from heritage_mapper import load_geodata

    out, _ = built
    ids = set(load_geodata(GEODATA).sites["id"])
    for zoom in (0, tiles.MAX_ZOOM):  # 8 sites: every zoom
        frame = pyogrio.read_dataframe(out / "sites.pmtiles", layer="sites", ZOOM_LEVEL=zoom)
        assert set(frame["id"]) == ids
        assert {"l", "c", "n_vi", "n_en", "p_vi", "p_en", "a_vi", "a_en"} <= set(frame.columns)
    info = pyogrio.read_info(out / "sites.pmtiles", layer="sites")
    assert info["dataset_metadata"]["minzoom"] == "0"
    assert info["dataset_metadata"]["maxzoom"] == str(tiles.MAX_ZOOM)


def test_search_index_is_sorted_folded_and_lists_every_site(built):
    out, written = built
    entries = []
    for path in written[2:]:
        entries += json.loads(path.read_text(encoding="utf-8"))
    keys = [(e[0], e[2]) for e in entries]
    assert keys == sorted(keys)
    from heritage_mapper.text import fold

    assert all(e[0] == fold(e[0]) for e in entries)
    assert {e[2] for e in entries} == set(
        pyogrio.read_dataframe(out / "sites.pmtiles", layer="sites", ZOOM_LEVEL=tiles.MAX_ZOOM)[
            "id"
        ]
    )


def test_same_input_gives_byte_identical_output(built, tmp_path):
    out, _ = built
    tiles.build_tiles(GEODATA, tmp_path / "again")
    first, second = _files(out), _files(tmp_path / "again")
    assert first.keys() == second.keys()
    for name in first:
        assert first[name] == second[name], name


def test_search_chunks_are_cut_by_prefix_and_stay_small(monkeypatch):
    """A prefix with more entries than the limit is split by one more character; the
    chunks, in order, are the sorted index cut in pieces."""
    monkeypatch.setattr(tiles, "SEARCH_CHUNK_ENTRIES", 3)
    keys = ["ba", "ba", "bac", "bach a", "bach b", "bach c", "bai", "co", "dinh"]
    entries = [(k, k, f"id{i}", 0.0, 0.0) for i, k in enumerate(sorted(keys))]
    cuts = list(tiles._cut(entries, 0, len(entries), 2))
    assert [lo for _, lo, _ in cuts] == sorted(lo for _, lo, _ in cuts)
    assert cuts[0][1] == 0 and cuts[-1][2] == len(entries)
    assert all(a[2] == b[1] for a, b in zip(cuts, cuts[1:], strict=False))
    for prefix, lo, hi in cuts:
        assert all(e[0].startswith(prefix) for e in entries[lo:hi])
        assert hi - lo <= 3 or all(e[0] == prefix for e in entries[lo:hi])
    assert [p for p, _, _ in cuts] == ["ba", "bac", "bach", "bai", "co", "di"]


def test_sites_of_the_same_name_carry_their_place_in_the_index():
    """Two "Đình làng" in different communes are told apart by their place, in the
    language of the name; a name no other site has stays without one."""
    import geopandas as gpd

    sites = gpd.GeoDataFrame(
        {
            "id": ["dinh-a", "dinh-b", "chua-c"],
            "n_vi": ["Đình làng", "Đình làng", "Chùa Cả"],
            "n_en": ["Village hall", None, "Great pagoda"],
            "a_vi": ["xã An, tỉnh Bắc Ninh", "<b>xã</b> Bình", "xã Cẩm"],
            "a_en": ["An commune", "Bình commune", None],
            "search": ["dinh lang\nvillage hall", "dinh lang", "chua ca\ngreat pagoda"],
        },
        geometry=gpd.points_from_xy([106.1, 106.2, 106.3], [21.1, 21.2, 21.3]),
        crs="EPSG:4326",
    )
    entries = []
    for chunk in tiles.search_chunks(sites, ["vi", "en"]).values():
        entries += json.loads(chunk)
    assert entries == [
        ["chua ca", "Chùa Cả", "chua-c", 106.3, 21.3],
        ["dinh lang", "Đình làng", "dinh-a", 106.1, 21.1, "xã An, tỉnh Bắc Ninh"],
        ["dinh lang", "Đình làng", "dinh-b", 106.2, 21.2, "<b>xã</b> Bình"],
        ["great pagoda", "Great pagoda", "chua-c", 106.3, 21.3],
        ["village hall", "Village hall", "dinh-a", 106.1, 21.1],
    ]


def test_each_search_entry_shows_the_name_of_its_own_language():
    """A name two languages share is one key; the next key is the third language's,
    shown with that language's name and place (not the second's)."""
    import geopandas as gpd

    sites = gpd.GeoDataFrame(
        {
            "id": ["s1", "s2"],
            "n_vi": ["Hạ Long", "Vịnh"],
            "n_en": ["Ha Long", "Bay"],
            "n_fr": ["Baie", "Baie"],
            "a_vi": ["QN VI", "HP VI"],
            "a_en": ["QN EN", "HP EN"],
            "a_fr": ["QN FR", "HP FR"],
            "search": ["ha long\nbaie", "vinh\nbay\nbaie"],
        },
        geometry=gpd.points_from_xy([107.0, 106.7], [20.9, 20.8]),
        crs="EPSG:4326",
    )
    entries = []
    for chunk in tiles.search_chunks(sites, ["vi", "en", "fr"]).values():
        entries += json.loads(chunk)
    assert [(e[0], e[1], e[2], e[5:]) for e in entries] == [
        ("baie", "Baie", "s1", ["QN FR"]),
        ("baie", "Baie", "s2", ["HP FR"]),
        ("bay", "Bay", "s2", []),
        ("ha long", "Hạ Long", "s1", []),
        ("vinh", "Vịnh", "s2", []),
    ]


def test_archive_starts_where_no_tile_is_too_full():
    import numpy as np

    rng = np.random.default_rng(1)
    lon = 105.85 + rng.normal(0, 0.2, 20_000)
    lat = 21.03 + rng.normal(0, 0.2, 20_000)
    zoom = tiles.archive_min_zoom(lon, lat, budget=1000)
    assert 0 < zoom < tiles.MAX_ZOOM
    assert tiles.archive_min_zoom(lon, lat, budget=20_000) == 0
    assert tiles.archive_min_zoom(lon, lat, budget=2000) < zoom + 1


def test_advice_past_the_threshold_only():
    assert tiles.advice(tiles.TILES_THRESHOLD) is None
    text = tiles.advice(200_000)
    assert text.startswith("200,000 sites: the single page is about 83 MB")
    assert "heritage-mapper tiles" in text


def test_build_prints_the_advice_past_the_threshold(monkeypatch, tmp_path, capsys):
    from heritage_mapper import build

    monkeypatch.setattr(tiles, "TILES_THRESHOLD", 5)
    build(GEODATA, tmp_path / "maps", exports_dir=None)
    err = capsys.readouterr().err
    assert "note: 8 sites: the single page is about 0 MB; publish with" in err


def test_cli_tiles_command(tmp_path):
    result = CliRunner().invoke(
        main, ["tiles", "--geodata", str(GEODATA), "--out", str(tmp_path / "t")]
    )
    assert result.exit_code == 0, result.output
    assert "index.html" in result.output
    assert (tmp_path / "t" / "sites.pmtiles").is_file()


def test_cli_tiles_refuses_the_geodata_folder():
    result = CliRunner().invoke(
        main, ["tiles", "--geodata", str(GEODATA), "--out", str(GEODATA / "tiles")]
    )
    assert result.exit_code != 0


def test_tiles_and_build_each_refuse_the_others_folder(built, tmp_path):
    """tiles --out maps put its page in place of build's index and left the layer
    pages linking to it; build into a tiles folder, the reverse. Each is refused."""
    from heritage_mapper import build

    maps = tmp_path / "maps"
    build(GEODATA, maps, exports_dir=None)
    before = _files(maps)
    result = CliRunner().invoke(main, ["tiles", "--geodata", str(GEODATA), "--out", str(maps)])
    assert result.exit_code == 2, result.output
    assert "written by another heritage-mapper command" in result.output
    assert "choose another --out" in result.output
    assert _files(maps) == before
    folder, _ = built
    before = _files(folder)
    result = CliRunner().invoke(
        main, ["build", "--geodata", str(GEODATA), "--out", str(folder), "--no-exports"]
    )
    assert result.exit_code == 2, result.output
    assert "written by another heritage-mapper command" in result.output
    assert _files(folder) == before


def test_range_server_answers_206_with_content_range(built):
    out, _ = built
    size = (out / "sites.pmtiles").stat().st_size
    with serve(out) as (url, log):
        request = urllib.request.Request(url + "sites.pmtiles", headers={"Range": "bytes=0-6"})
        with urllib.request.urlopen(request) as response:
            assert response.status == 206
            assert response.headers["Content-Range"] == f"bytes 0-6/{size}"
            assert response.read() == b"PMTiles"
        with urllib.request.urlopen(url + "index.html") as response:
            assert response.status == 200
    assert [(entry[0], entry[1]) for entry in log] == [
        ("/sites.pmtiles", 206),
        ("/index.html", 200),
    ]


def test_page_script_never_parses_data_as_html():
    from heritage_mapper.render.assets import static_text

    code = static_text("tiles.js")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "bindPopup("):
        assert sink not in code, sink
    # the one HTML string: Leaflet's credit, a constant
    assert code.count("setPrefix(") == 1 and 'setPrefix(\'<a class="hm-leaflet-credit"' in code


def test_vendored_readers_have_their_licences():
    from importlib.resources import files

    vendor = files("heritage_mapper.render") / "static" / "vendor"
    assert "BSD-3" in (vendor / "pmtiles.LICENSE.txt").read_text(encoding="utf-8")
    licences = (vendor / "vector-tile.LICENSES.txt").read_text(encoding="utf-8")
    for name in ("pbf 3.3.0", "@mapbox/point-geometry 0.1.0", "@mapbox/vector-tile 1.3.1"):
        assert name in licences


def test_the_tiles_load_the_sites_and_only_validate_the_events(tmp_path, monkeypatch):
    from heritage_mapper import frames

    calls = []
    load = frames.load_geodata

    def spied(*args, **kwargs):
        calls.append(kwargs.get("with_events", True))
        return load(*args, **kwargs)

    monkeypatch.setattr(frames, "load_geodata", spied)
    tiles.build_tiles(GEODATA, tmp_path / "tiles")
    assert calls == [False]
