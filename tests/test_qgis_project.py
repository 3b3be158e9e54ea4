"""The QGIS project (heritage.qgz) and the temporal fields, proven in real QGIS.

QGIS is not a dependency of heritage-mapper: Debian's ``python3-qgis`` (QGIS 3.22 on
Debian 12) runs ``tests/qgis_probe.py`` with ``/usr/bin/python3`` in a subprocess,
headless (``QT_QPA_PLATFORM=offscreen``), on the exports of the Quảng Ninh data. CI
installs it (scripts/setup.sh); on a machine without it these tests skip and say so, but
under CI a missing QGIS fails them.

What QGIS is asked: the project opens, every layer is valid with the right feature
count and CRS, the site layers are styled as on the map pages (categorized on
``category``, the layer's colour, the page's shape per category), labels are in the
chosen language, the events layer is temporal with the exclusive end; a Temporal
Controller stepped through days, months and years shows exactly the events of each
frame (one-day events on their day and not the day before), in the GeoPackage the
project opens and in the GeoJSON, FlatGeobuf and Shapefile exports; and the map renders.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from heritage_mapper.export import export_layers
from heritage_mapper.symbols import category_symbol, symbol_svg

from .conftest import REPO, SHARED

QGIS_PYTHON = "/usr/bin/python3"
PROBE = Path(__file__).with_name("qgis_probe.py")
NEEDS = (
    "needs python3-qgis (QGIS's Python bindings from Debian, run with /usr/bin/python3): "
    "apt-get install -y python3-qgis, as scripts/setup.sh does"
)

RALLY = "ev-1955-hon-gai-rally@hon-gai-rally-ground"
FIRST_VICTORY = "ev-1964-first-victory@bai-chay-first-victory"
VISIT = [
    "ev-1959-ho-chi-minh-visit@cat-ba-fishing-village",
    "ev-1959-ho-chi-minh-visit@tuan-chau-fishing-village",
]
MILITIA = "ev-1965-nam-hoa-militia@nam-hoa-battle-positions"
EVENTS_TABLE = "Sự kiện (bảng)"
#: Frame → the events a Temporal Controller frame must show (tests/qgis_probe.py FRAMES).
VILLAGES = "ev-1965-1968-combat-villages@yen-hung-combat-villages"
EXPECTED = {
    "1955-04-24": [],
    "1955-04-25": [RALLY],
    "1955-04-26": [],
    "1964-08-04": [],
    "1964-08-05": [FIRST_VICTORY],
    "1964-08-06": [],
    "1958": [],
    "1959": VISIT,
    "1960": [],
    "1965-11": [VILLAGES],  # 1965/1968: the whole of 1965 to the end of 1968
    "1965-12": [VILLAGES, MILITIA],
    "1968": [VILLAGES],  # its last year, and not the year after
    "1969": [],
    "2030": [],
}


def _has_qgis() -> bool:
    if not os.access(QGIS_PYTHON, os.X_OK):
        return False
    check = subprocess.run(
        [QGIS_PYTHON, "-c", "import qgis.core"], capture_output=True, timeout=120, check=False
    )
    return check.returncode == 0


@pytest.fixture(scope="module")
def qgis():
    if not _has_qgis():
        if os.environ.get("CI"):
            pytest.fail(NEEDS)  # CI installs it: a missing QGIS must not pass as a skip
        pytest.skip(NEEDS)
    return QGIS_PYTHON


@pytest.fixture(scope="module")
def quang_ninh():
    from heritage_mapper import load_geodata

    return load_geodata(REPO / "geodata", sources_dir=SHARED / "sources")


def probe(qgis, project: Path, png: Path, *files: tuple[str, str]) -> dict:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(project.parent),
        "XDG_RUNTIME_DIR": str(project.parent),
    }
    env.pop("PYTHONPATH", None)  # Debian's Python with its own packages, not the venv's
    env.pop("PYTHONHOME", None)
    args = [qgis, str(PROBE), str(project), str(png)]
    for path, end_field in files:
        args += [path, end_field]
    run = subprocess.run(
        args, capture_output=True, text=True, env=env, cwd=project.parent, timeout=300
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def wgs84(qgis, quang_ninh, tmp_path_factory):
    out = tmp_path_factory.mktemp("qgis")
    paths = export_layers(quang_ninh, out, ["qgis", "geojson", "fgb", "shapefile"])
    names = {p.name for p in paths}
    assert {"heritage.qgz", "heritage.gpkg"} <= names
    files = [
        (str(out / "events-at-sites.geojson"), "date_end_excl"),
        (str(out / "events-at-sites.fgb"), "date_end_excl"),
        (f"/vsizip/{out / 'events-at-sites.shp.zip'}/events-at-sites.shp", "end_excl"),
    ]
    result = probe(qgis, out / "heritage.qgz", out / "map.png", *files)
    return out, result


@pytest.fixture(scope="module")
def vn2000_en(qgis, quang_ninh, tmp_path_factory):
    out = tmp_path_factory.mktemp("qgis5899")
    paths = export_layers(quang_ninh, out, ["qgis"], crs="EPSG:5899", lang="en")
    assert sorted(p.name for p in paths) == ["heritage.epsg5899.gpkg", "heritage.epsg5899.qgz"]
    return out, probe(qgis, out / "heritage.epsg5899.qgz", out / "map.png")


def layers_by_name(result) -> dict:
    return {layer["name"]: layer for layer in result["layers"]}


def test_the_project_opens_with_every_layer_valid(wgs84, quang_ninh):
    out, result = wgs84
    assert result["read"] is True
    assert result["qgis"].startswith("3.")
    assert result["title"] == quang_ninh.project.title["vi"]
    assert result["crs"] == "EPSG:4326"
    assert result["language"] == "vi"
    assert result["background"] == "#d4e2e8"  # the page's sea
    counts = {layer["name"]: layer["count"] for layer in result["layers"]}
    for layer in result["layers"]:
        assert layer["valid"], layer["name"]
        if layer["name"] != EVENTS_TABLE:  # a table without geometry has no CRS
            assert layer["crs"] == "EPSG:4326", layer["name"]
        assert layer["source"].startswith(str(out / "heritage.gpkg") + "|layername=")
    for spec in quang_ninh.project.layers:
        assert counts[spec.title["vi"]] == len(quang_ninh.layers[spec.id])
    assert counts["Sự kiện tại di tích"] == 6
    assert counts[EVENTS_TABLE] == len(quang_ninh.events)
    basemap = {spec.id: len(quang_ninh.basemap[spec.id]) for spec in quang_ninh.project.basemap}
    assert {k: counts[k] for k in basemap} == basemap


def test_groups_and_order_follow_project_json(wgs84, quang_ninh):
    _, result = wgs84
    groups = dict((name, members) for name, members in result["groups"])
    assert list(groups) == ["Sự kiện tại di tích", "Di tích", "Bản đồ nền"]
    assert groups["Sự kiện tại di tích"] == ["Sự kiện tại di tích", EVENTS_TABLE]
    # the first layer of project.json is drawn first, so it is at the bottom of its group
    assert groups["Di tích"] == [s.title["vi"] for s in reversed(quang_ninh.project.layers)]
    assert groups["Bản đồ nền"] == [s.id for s in reversed(quang_ninh.project.basemap)]


def test_site_layers_are_styled_as_on_the_map_page(wgs84, quang_ninh):
    _, result = wgs84
    layers = layers_by_name(result)
    category_ids = [c.id for c in quang_ninh.project.categories]
    for spec in quang_ninh.project.layers:
        layer = layers[spec.title["vi"]]
        assert layer["renderer"] == "categorizedSymbol" and layer["field"] == "category"
        assert [c["value"] for c in layer["categories"]] == category_ids
        assert [c["label"] for c in layer["categories"]] == [
            c.label["vi"] for c in quang_ninh.project.categories
        ]
        # each category is the page's symbol: its shape and colour, embedded as SVG
        assert {c["kind"] for c in layer["categories"]} == {"SvgMarker"}
        for index, category in enumerate(layer["categories"]):
            assert category["shape"].startswith("base64:")
            svg = base64.b64decode(category["shape"].removeprefix("base64:")).decode()
            assert svg == symbol_svg(index)
            assert category["color"] == category_symbol(index)[1].lower()
        assert layer["labels"] and layer["label_field"] == "name_vi"
        assert layer["temporal"]["active"] is False


def test_events_layer_is_temporal_with_the_exclusive_end(wgs84):
    _, result = wgs84
    events = layers_by_name(result)["Sự kiện tại di tích"]
    assert events["temporal"] == {
        "active": True,
        "mode": 2,  # separate fields for start and end date/time
        "start": "date_start",
        "end": "date_end_excl",
        "limit_mode": 0,  # QGIS's default: include start, exclude end
    }
    # the first year of an event at a site to the year after the last (1965/1968: the
    # Yên Hưng combat villages)
    assert result["time_range"] == ["1955-01-01", "1969-01-01"]


def test_temporal_controller_shows_each_frames_events_in_the_geopackage(wgs84):
    """One-day events on their own day and not the day before; 1959 not in 1958."""
    _, result = wgs84
    assert result["frames"]["1955-04-25"][:2] == ["1955-04-25T00:00:00", "1955-04-26T00:00:00"]
    assert result["events"] == EXPECTED


@pytest.mark.parametrize("kind", ["geojson", "fgb", "shp"])
def test_temporal_fields_work_with_qgis_defaults_in_the_other_formats(wgs84, kind):
    _, result = wgs84
    (entry,) = [v for k, v in result["files"].items() if k.endswith("." + kind)]
    assert entry["valid"]
    assert entry["events"] == EXPECTED


def test_each_point_leads_to_its_event_and_each_site_to_its_points(wgs84, quang_ninh):
    """The texts events-at-sites leaves out are one relation away, both ways."""
    _, result = wgs84
    relations = result["relations"]
    layer_ids = [spec.id for spec in quang_ninh.project.layers]
    assert sorted(relations) == sorted(
        ["event-of-pair", *(f"events-at-sites-{layer_id}" for layer_id in layer_ids)]
    )
    assert all(relation["valid"] for relation in relations.values())

    # every point's event: the events table's row with the event's summaries
    events = quang_ninh.events.set_index("id")
    pairs = [
        f"{event_id}@{site_id}"
        for event_id, site_ids in zip(events.index, events["site_ids"], strict=True)
        for site_id in site_ids
    ]
    event = relations["event-of-pair"]
    assert (event["referencing"], event["referenced"]) == ("Sự kiện tại di tích", EVENTS_TABLE)
    assert event["fields"] == [["event_id", "id"]]
    assert sorted(event["parent_of"]) == sorted(pairs)
    for pair, (event_id, *summaries) in event["parent_of"].items():
        assert event_id == pair.split("@")[0]
        row = events.loc[event_id]
        assert summaries == [row["summary_vi"], row["summary_en"]]

    # every site's points: the events that name it, in each site layer
    for spec in quang_ninh.project.layers:
        relation = relations[f"events-at-sites-{spec.id}"]
        assert relation["referenced"] == spec.title["vi"]
        assert relation["fields"] == [["site_id", "id"]]
        sites = quang_ninh.layers[spec.id]["id"].tolist()
        assert relation["children_of"] == {
            site: sorted(p for p in pairs if p.endswith("@" + site)) for site in sites
        }
    rally = relations["events-at-sites-liberation-1955"]["children_of"]["hon-gai-rally-ground"]
    assert RALLY in rally

    # a point's form shows its event (embedded), and layers are named in the language
    assert result["widgets"]["Sự kiện tại di tích"] == {"event_id": "RelationReference"}
    assert result["display"]["Sự kiện tại di tích"] == '"title_vi"'
    assert result["display"][EVENTS_TABLE] == '"title_vi"'
    for spec in quang_ninh.project.layers:
        assert result["display"][spec.title["vi"]] == '"name_vi"'


def test_basemap_layers_carry_their_attribution(wgs84, quang_ninh):
    _, result = wgs84
    layers = layers_by_name(result)
    for spec in quang_ninh.project.basemap:
        layer = layers[spec.id]
        assert layer["attribution"] == spec.attribution["vi"]
        assert layer["attribution_url"] == (spec.licence_url or "")
        assert spec.licence in layer["rights"][0]
    boundaries = {c["value"]: c["render"] for c in layers["boundaries"]["categories"]}
    assert boundaries == {"national": True, "province": True, "former-province": False}


def test_the_map_renders_with_the_sites_colours(wgs84, quang_ninh):
    from PIL import Image

    out, result = wgs84
    assert result["png_saved"] is True
    image = Image.open(out / "map.png").convert("RGB")
    assert image.size == (1400, 1000)
    colours = {colour for _, colour in image.getcolors(maxcolors=1_000_000)}

    def near(hex_colour: str) -> bool:
        r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
        return any(abs(r - x) + abs(g - y) + abs(b - z) < 12 for x, y, z in colours)

    assert near("#d4e2e8") and near("#f3efe4")  # sea and land
    index = {c.id: i for i, c in enumerate(quang_ninh.project.categories)}
    used = {c for frame in quang_ninh.layers.values() for c in frame["category"]}
    assert len(used) > 1
    for category in used:  # the page's colour of every category on the map
        assert near(category_symbol(index[category])[1]), category


def test_vn2000_project_in_english(vn2000_en, quang_ninh):
    out, result = vn2000_en
    assert result["crs"] == "EPSG:5899"
    assert result["title"] == quang_ninh.project.title["en"]
    assert [name for name, _ in result["groups"]] == ["Events at sites", "Sites", "Basemap"]
    for layer in result["layers"]:
        assert layer["valid"], layer["name"]
        if layer["name"] != "Events (table)":
            assert layer["crs"] == "EPSG:5899", layer["name"]
        assert layer["source"].startswith(str(out / "heritage.epsg5899.gpkg"))
    assert result["display"]["Events (table)"] == '"title_en"'
    assert all(relation["valid"] for relation in result["relations"].values())
    sites = layers_by_name(result)[quang_ninh.project.layers[0].title["en"]]
    assert sites["label_field"] == "name_en"
    assert sites["categories"][0]["label"] == quang_ninh.project.categories[0].label["en"]
    assert result["events"] == EXPECTED
    xmin, ymin, xmax, ymax = result["view_extent"]
    assert 300_000 < xmin < xmax < 600_000 and 2_200_000 < ymin < ymax < 2_500_000  # metres


# --- without QGIS: the file itself ----------------------------------------------------


def qgs_root(path: Path) -> ET.Element:
    with zipfile.ZipFile(path) as archive:
        (name,) = archive.namelist()
        assert name.endswith(".qgs")
        return ET.fromstring(archive.read(name))


def test_qgz_is_deterministic_and_refers_to_the_geopackage_relatively(small_data, tmp_path):
    first = export_layers(small_data, tmp_path / "a", ["qgis"])
    second = export_layers(small_data, tmp_path / "b", ["qgis"])
    for one, two in zip(first, second, strict=True):
        assert one.read_bytes() == two.read_bytes(), one.name
    root = qgs_root(tmp_path / "a" / "heritage.qgz")
    sources = [e.text for e in root.iter("datasource")]
    assert sources and all(s.startswith("./heritage.gpkg|layername=") for s in sources)
    assert root.find("properties/Paths/Absolute").text == "false"
    with zipfile.ZipFile(tmp_path / "a" / "heritage.qgz") as archive:
        (info,) = archive.infolist()
        assert info.date_time == (1980, 1, 1, 0, 0, 0)


@pytest.mark.parametrize("layer_id", ["events-table", "events-at-sites", "basemap-land"])
def test_a_layer_named_like_another_keeps_its_own_layer_id(tmp_path, layer_id):
    """Site layers are identified by their table (``sites-<id>``), so no layer id of
    project.json can take the events', the events table's or a basemap layer's id."""
    import json

    from heritage_mapper import load_geodata

    from .fixtures import make_geodata

    folder = make_geodata(tmp_path)
    project = json.loads((folder / "project.json").read_text(encoding="utf-8"))
    project["layers"][0]["id"] = layer_id
    (folder / "project.json").write_text(json.dumps(project), encoding="utf-8")
    export_layers(load_geodata(folder), tmp_path / "out", ["qgis"])
    root = qgs_root(tmp_path / "out" / "heritage.qgz")
    ids = [e.text for e in root.iter("id") if e.text]
    assert len(ids) == len(set(ids)) and f"sites-{layer_id}" in ids
    for relation in root.iter("relation"):
        assert {relation.get("referencingLayer"), relation.get("referencedLayer")} <= set(ids)


def test_an_unknown_language_is_refused(small_data, tmp_path):
    from heritage_mapper.errors import UsageError

    with pytest.raises(UsageError, match="--lang de"):
        export_layers(small_data, tmp_path, ["qgis"], lang="de")


def test_debian_gdal_reads_the_geopackage_without_a_warning_and_validates_it(qgis, wgs84):
    """GDAL 3.6 (beside QGIS 3.22 on Debian 12) warned 'GeoPackage user_version ... 10400,
    v1.4.0 ... may only be partially supported' and its validate_gpkg.py failed the 1.4
    file (Req 75, an R-tree trigger of 1.4); the 1.2 file opens quietly and validates."""
    out, _ = wgs84
    gpkg = out / "heritage.gpkg"
    script = (
        "import sys; from osgeo import gdal; gdal.UseExceptions(); "
        "messages = []; gdal.PushErrorHandler(lambda c, n, m: messages.append(m)); "
        "ds = gdal.OpenEx(sys.argv[1]); print(gdal.__version__, ds.GetLayerCount(), messages)"
    )
    opened = subprocess.run(
        [qgis, "-c", script, str(gpkg)], capture_output=True, text=True, timeout=120
    )
    assert opened.returncode == 0, opened.stderr
    version, count, messages = opened.stdout.split(" ", 2)
    assert version.startswith("3.") and int(count) >= 7
    assert messages.strip() == "[]"
    validator = Path("/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py")
    if validator.exists():
        checked = subprocess.run(
            [qgis, str(validator), str(gpkg)], capture_output=True, text=True, timeout=300
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr


HOSTILE = "<b>&amp;</b> ]]> \"'</qgis><x/> \x01 Hòn Gai"


def test_every_data_string_is_escaped(tmp_path):
    """A title or label with markup, an XML end, quotes and a control character comes out
    as text in a well-formed project (the control character, which XML 1.0 cannot hold,
    as U+FFFD)."""
    from heritage_mapper import load_geodata

    from .fixtures import make_geodata

    root = make_geodata(tmp_path)
    project = json.loads((root / "project.json").read_text(encoding="utf-8"))
    project["title"]["vi"] = HOSTILE
    project["layers"][0]["title"]["vi"] = HOSTILE
    project["categories"][0]["label"]["vi"] = HOSTILE
    (root / "project.json").write_text(json.dumps(project, ensure_ascii=False), "utf-8")
    export_layers(load_geodata(root), tmp_path / "out", ["qgis"])
    path = tmp_path / "out" / "heritage.qgz"
    tree = qgs_root(path)  # parses: well-formed
    expected = HOSTILE.replace("\x01", "\ufffd")
    assert tree.get("projectname") == expected and tree.find("title").text == expected
    assert expected in {e.get("name") for e in tree.iter("layer-tree-layer")}
    assert expected in {e.get("label") for e in tree.iter("category")}
