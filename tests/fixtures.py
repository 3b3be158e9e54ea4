"""A tiny, valid geodata folder written by code, for tests that are not about Quảng Ninh.

:func:`make_geodata` writes ``project.json`` (no ``schemas`` key, so the packaged
schemas apply), two layers of point sites, ``events.csv`` with the columns the
packaged event schema gives for the languages, ``sources.json`` and the one source
text it registers (in ``sources/``, so paragraph and checksum checks run). The folder
validates with no errors and no warnings for any list of languages
(``tests/test_fixtures.py``). Tests change one thing in it to see one finding;
:func:`edit_layer`, :func:`set_site` and :func:`set_event` rewrite a layer, one site's
properties or one event row of a written folder.

>>> import tempfile
>>> from pathlib import Path
>>> folder = make_geodata(Path(tempfile.mkdtemp()))
>>> sorted(p.name for p in folder.iterdir())
['events.csv', 'layers', 'project.json', 'sources', 'sources.json']
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Sequence
from pathlib import Path

from heritage_mapper.model import Columns

SOURCE_FILE = "000_fixture.txt"
#: Ten paragraphs (non-empty lines); events and sites cite them by number.
SOURCE_TEXT = "".join(f"Đoạn {n}: nội dung của đoạn thứ {n}.\n\n" for n in range(1, 11))
SOURCE_PARAGRAPHS = 10
REGION_BBOX = [106.0, 20.5, 108.0, 21.8]

#: (id, file) of the two layers, in project order.
LAYERS = (("harbour", "layers/harbour.geojson"), ("mines", "layers/mines.geojson"))
CATEGORIES = ("landmark", "workplace")

#: The sites: layer, id, [lon, lat], category, period, paragraph cited, location
#: precision (certain, less-certain, uncertain), names (vi, en), optional description.
#: Periods: a day, an open end, an unknown start, a closed interval.
SITES: tuple[dict, ...] = (
    {
        "layer": "harbour",
        "id": "old-pier",
        "coordinates": [107.08, 20.95],
        "category": "landmark",
        "period": "1955-04-25",
        "paragraph": 1,
        "location_precision_m": 50,
        "name": {"vi": "Bến tàu cũ Hòn Nét", "en": "Hòn Nét old pier"},
    },
    {
        "layer": "harbour",
        "id": "lighthouse",
        "coordinates": [107.2, 20.9],
        "category": "landmark",
        "period": "1959/..",
        "paragraph": 2,
        "location_precision_m": 1500,
        "name": {"vi": "Hải đăng Đảo Ngọc", "en": "Lighthouse"},
        # longer than a DBF text field (254 bytes) in Vietnamese: Shapefile cuts it
        "description": {
            "vi": "Ngọn hải đăng trên đảo Ngọc được dựng lại sau năm 1959 và thắp sáng từ"
            " năm 1960; người giữ đèn ghi nhật ký mỗi đêm, kể cả những đêm bão lớn, và"
            " con tàu nào vào cảng cũng nhìn thấy ánh đèn của nó từ rất xa ngoài khơi.",
            "en": "The lighthouse on Ngọc island, rebuilt after 1959 and lit since 1960.",
        },
    },
    {
        "layer": "mines",
        "id": "screening-plant",
        "coordinates": [107.36, 21.02],
        "category": "workplace",
        "period": "/2025",
        "paragraph": 3,
        "location_precision_m": 500,
        "name": {"vi": "Nhà sàng Mỏ Thử", "en": "Screening plant"},
    },
    {
        "layer": "mines",
        "id": "pit-head",
        "coordinates": [107.3, 21.05],
        "category": "workplace",
        "period": "1964/1972",
        "paragraph": 4,
        "location_precision_m": 10000,
        "name": {"vi": "Miệng lò Giếng Một", "en": "Pit head"},
    },
)

#: The events: id, date (EDTF), site ids (";"-joined, "" for a region event),
#: paragraph cited, titles (vi, en). Each date lies in its sites' periods; one is a
#: region event, one names two sites, one has an open end and one is approximate.
EVENTS: tuple[dict, ...] = (
    {
        "id": "ev-1954-ceasefire",
        "date": "1954-07-20",
        "site_ids": "",
        "paragraph": 5,
        "title": {"vi": "Đình chiến", "en": "Ceasefire"},
    },
    {
        "id": "ev-1955-pier-rally",
        "date": "1955-04-25",
        "site_ids": "old-pier",
        "paragraph": 6,
        "title": {"vi": "Mít tinh ở bến tàu", "en": "Rally at the pier"},
    },
    {
        "id": "ev-1960-lighthouse-in-service",
        "date": "1960/..",
        "site_ids": "lighthouse",
        "paragraph": 7,
        "title": {"vi": "Hải đăng hoạt động", "en": "The lighthouse in service"},
    },
    {
        "id": "ev-1965-shift",
        "date": "1965-12",
        "site_ids": "screening-plant;pit-head",
        "paragraph": 8,
        "title": {"vi": "Ca làm việc dưới bom", "en": "A shift under the bombs"},
    },
    {
        "id": "ev-1970-record",
        "date": "1970~",
        "site_ids": "pit-head",
        "paragraph": 9,
        "title": {"vi": "Kỷ lục sản lượng", "en": "An output record"},
    },
)


#: The administrative units of a site, by default (a Vietnamese name in English text).
ADMIN_THEN = {"vi": "thị xã Hòn Gai", "en": "Hòn Gai town"}
ADMIN_NOW = {"vi": "phường Hồng Gai", "en": "Hồng Gai ward"}


#: A valid tour over the fixture sites: a boat leg without a route (a straight line,
#: as the crow flies) and a road leg with a route from the lighthouse to the plant.
TOURS: tuple[dict, ...] = (
    {
        "id": "harbour-day",
        "title": {"vi": "Một ngày ở cảng", "en": "A day at the harbour"},
        "description": {"vi": "Bến tàu, hải đăng và nhà sàng.", "en": "Pier, lighthouse, plant."},
        "stops": [
            {
                "site": "old-pier",
                "visit_minutes": 45,
                "note": {"vi": "Bắt đầu ở bến tàu.", "en": "Start at the pier."},
            },
            {
                "site": "lighthouse",
                "visit_minutes": 60,
                "leg": {"mode": "boat", "note": {"vi": "Đi thuyền.", "en": "By boat."}},
            },
            {
                "site": "screening-plant",
                "visit_minutes": 30,
                "leg": {
                    "mode": "road",
                    "route": {
                        "type": "LineString",
                        "coordinates": [[107.2, 20.9], [107.3, 20.95], [107.36, 21.02]],
                    },
                },
            },
        ],
    },
)


def tours_document(tours: Sequence[dict], languages: Sequence[str]) -> dict:
    """``tours.json`` for tours shaped like :data:`TOURS`: each per-language text (a
    ``{lang: text}`` dict) becomes one property per language (``title_vi``, …); other
    values are copied as they are."""

    def flat(item: dict) -> dict:
        out = {}
        for key, value in item.items():
            if key in ("title", "description", "note") and isinstance(value, dict):
                out.update({f"{key}_{lang}": value[lang] for lang in languages if lang in value})
            elif key == "leg" and isinstance(value, dict):
                out[key] = flat(value)
            elif key == "stops" and isinstance(value, list):
                out[key] = [flat(stop) if isinstance(stop, dict) else stop for stop in value]
            else:
                out[key] = value
        return out

    return {"tours": [flat(tour) for tour in tours]}


def text(value: dict | str, language: str) -> str:
    """``value`` in ``language``: a dict's entry, else its English text tagged with it."""
    if isinstance(value, str):
        return f"{value} ({language})"
    return value.get(language) or f"{value['en']} ({language})"


def per_language(name: str, value, languages: Sequence[str]) -> dict[str, str]:
    """One property per language: ``name_vi``, ``name_en``, …"""
    return {f"{name}_{lang}": text(value, lang) for lang in languages}


def by_language(value, languages: Sequence[str]) -> dict[str, str]:
    """A project.json text: ``{"vi": …, "en": …}``."""
    return {lang: text(value, lang) for lang in languages}


def site_feature(site: dict, languages: Sequence[str]) -> dict:
    properties = {
        "id": site["id"],
        **per_language("name", site["name"], languages),
        "category": site["category"],
        **per_language(
            "description", site.get("description", f"About {site['name']['en']}"), languages
        ),
        "period": site["period"],
        "location_precision_m": site.get("location_precision_m", 100),
        **per_language("location_basis", "Placed from the source's description", languages),
        **per_language("admin_then", site.get("admin_then", ADMIN_THEN), languages),
        **per_language("admin_now", site.get("admin_now", ADMIN_NOW), languages),
        "source_refs": [f"{SOURCE_FILE}#{site['paragraph']}"],
    }
    return {
        "type": "Feature",
        "id": site["id"],
        "geometry": {"type": "Point", "coordinates": list(site["coordinates"])},
        "properties": properties,
    }


def event_row(event: dict, languages: Sequence[str]) -> dict[str, str]:
    return {
        "id": event["id"],
        "date": event["date"],
        "site_ids": event["site_ids"],
        **per_language("title", event["title"], languages),
        **per_language("summary", f"What happened: {event['title']['en'].lower()}", languages),
        "source": event.get("source", SOURCE_FILE),
        "paragraph": str(event["paragraph"]),
    }


def write_json(path: Path, doc) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def make_geodata(
    tmp_path: Path,
    *,
    languages: Sequence[str] = ("vi", "en"),
    sites: Sequence[dict] = SITES,
    events: Sequence[dict] = EVENTS,
    name: str = "geodata",
    tours: Sequence[dict] | None = None,
) -> Path:
    """Write a small valid geodata folder ``tmp_path / name`` and return its path.

    ``sites`` and ``events`` take dicts shaped like :data:`SITES` and :data:`EVENTS`;
    the first language is the default one. ``tours`` (shaped like :data:`TOURS`) adds
    ``tours.json`` and names it in ``project.json``; ``None`` (the default) has none.
    """
    languages = tuple(languages)
    root = tmp_path / name
    root.mkdir(parents=True)
    project = {
        "title": by_language({"vi": "Bản đồ thử", "en": "Test map"}, languages),
        "description": by_language(
            {"vi": "Dữ liệu nhỏ cho kiểm thử.", "en": "Small data for tests."}, languages
        ),
        "languages": list(languages),
        "default_language": languages[0],
        "region": {
            "name": by_language({"vi": "Vùng thử", "en": "Test region"}, languages),
            "bbox": REGION_BBOX,
            "margin_deg": 0.05,
        },
        "layers": [
            {
                "id": layer_id,
                "file": file,
                "title": by_language({"vi": f"Lớp {layer_id}", "en": layer_id}, languages),
                "color": color,
            }
            for (layer_id, file), color in zip(LAYERS, ("#c62828", "#37474f"), strict=True)
        ],
        "categories": [
            {"id": category, "label": by_language(category, languages)} for category in CATEGORIES
        ],
        "events": "events.csv",
        "sources": "sources.json",
        "sources_dir": "sources",
    }
    if tours is not None:
        project["tours"] = "tours.json"
        write_json(root / "tours.json", tours_document(tours, languages))
    write_json(root / "project.json", project)

    for layer_id, file in LAYERS:
        features = [site_feature(s, languages) for s in sites if s["layer"] == layer_id]
        layer = {"type": "FeatureCollection", "name": layer_id, "features": features}
        write_json(root / file, layer)

    columns = Columns.for_languages(languages).event_columns
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(event_row(event, languages) for event in events)
    (root / "events.csv").write_text(buffer.getvalue(), encoding="utf-8")

    source_bytes = SOURCE_TEXT.encode("utf-8")
    (root / "sources").mkdir()
    (root / "sources" / SOURCE_FILE).write_bytes(source_bytes)
    source = {
        "id": "fixture-source",
        "file": SOURCE_FILE,
        "sha256": hashlib.sha256(source_bytes).hexdigest(),
        **per_language("title", {"vi": "Tư liệu thử", "en": "A test source"}, languages),
        **per_language("covers", "Everything the fixture cites", languages),
        "language": "vi",
    }
    write_json(root / "sources.json", {"sources": [source]})
    return root


def layer_path(folder: Path, layer_id: str) -> Path:
    """The file of the fixture layer ``layer_id`` ("harbour" or "mines") in ``folder``."""
    return folder / dict(LAYERS)[layer_id]


def edit_layer(folder: Path, layer_id: str, change: Callable[[list[dict]], None]) -> None:
    """Call ``change`` on the features of a layer of ``folder`` and write the layer back."""
    path = layer_path(folder, layer_id)
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc["features"])
    write_json(path, doc)


def set_site(folder: Path, site_id: str, **properties) -> None:
    """Set ``properties`` of the site ``site_id``, in whichever fixture layer holds it."""
    for layer_id, _ in LAYERS:
        path = layer_path(folder, layer_id)
        doc = json.loads(path.read_text(encoding="utf-8"))
        for feature in doc["features"]:
            if feature["properties"]["id"] == site_id:
                feature["properties"].update(properties)
                write_json(path, doc)
                return
    raise KeyError(site_id)


def read_events(folder: Path) -> list[dict[str, str]]:
    """The rows of ``folder/events.csv``."""
    with open(folder / "events.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_events(folder: Path, rows: Sequence[dict[str, str]]) -> None:
    """Write ``folder/events.csv`` (CRLF, so a CR inside a value is quoted too)."""
    with open(folder / "events.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def set_event(folder: Path, event_id: str, **fields: str) -> None:
    """Set ``fields`` (column -> text) of the event row ``event_id``."""
    rows = read_events(folder)
    (row,) = [r for r in rows if r["id"] == event_id]
    row.update(fields)
    write_events(folder, rows)


#: A small basemap for the fixture region: one island and the mainland, a national
#: border and a provincial boundary, two towns.
BASEMAP_FILES = {
    "land": {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [
                        [
                            [
                                [106.0, 21.0],
                                [108.0, 21.0],
                                [108.0, 21.8],
                                [106.0, 21.8],
                                [106.0, 21.0],
                            ]
                        ],
                        [
                            [
                                [107.1, 20.8],
                                [107.3, 20.8],
                                [107.3, 20.9],
                                [107.1, 20.9],
                                [107.1, 20.8],
                            ]
                        ],
                    ],
                },
            }
        ],
    },
    "boundaries": {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"kind": "national", "a": "Việt Nam", "b": "Trung Quốc"},
                "geometry": {"type": "LineString", "coordinates": [[107.0, 21.8], [108.0, 21.5]]},
            },
            {
                "type": "Feature",
                "properties": {"kind": "province", "a": "A", "b": "B"},
                "geometry": {"type": "LineString", "coordinates": [[106.5, 21.0], [106.6, 21.8]]},
            },
        ],
    },
    "places": {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"label": "Hạ Long", "population": 270054},
                "geometry": {"type": "Point", "coordinates": [107.08, 20.95]},
            },
            {
                "type": "Feature",
                "properties": {"label": "Cẩm Phả", "population": 190000},
                "geometry": {"type": "Point", "coordinates": [107.3, 21.01]},
            },
        ],
    },
}
BASEMAP_ROLES = {"land": "land", "boundaries": "boundaries", "places": "places"}


def add_basemap(root: Path, languages: Sequence[str] = ("vi", "en")) -> Path:
    """Give the folder at ``root`` the small basemap: its files and project.json's
    ``basemap`` section (with a provenance file)."""
    layers = []
    for name, doc in BASEMAP_FILES.items():
        write_json(root / "basemap" / f"{name}.geojson", doc)
        layers.append(
            {
                "id": name,
                "file": f"basemap/{name}.geojson",
                "role": BASEMAP_ROLES[name],
                "attribution": by_language(f"{name} © test data", languages),
                "licence": "CC0-1.0",
            }
        )
    (root / "basemap" / "PROVENANCE.md").write_text("Test data drawn by hand.\n", "utf-8")
    project_file = root / "project.json"
    project = json.loads(project_file.read_text(encoding="utf-8"))
    project["basemap"] = {"provenance": "basemap/PROVENANCE.md", "layers": layers}
    write_json(project_file, project)
    return root
