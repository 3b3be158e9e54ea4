"""Write a synthetic, valid geodata folder of N heritage sites spread over Vietnam.

The folder has everything ``heritage-mapper validate`` checks: a project file whose
region is Vietnam's land box, several layers with categories, five events per site in
``events.csv`` with varied EDTF dates (years, months, days, intervals, open ends,
approximate and uncertain; a share before 1970), a sources registry with checksums and
a ``sources`` folder of small text files, so paragraph numbers are checked too. Names
are built from Vietnamese syllables with diacritics, in NFC.

The same seed gives the same bytes. Usage::

    python benchmarks/generate.py --sites 10000 --seed 1 --out benchmarks/out/vn-10000

or, from Python, ``generate(out_dir, sites=10_000, seed=1)``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from heritage_mapper.model import Columns

__all__ = ["VIETNAM_BBOX", "EVENTS_PER_SITE", "generate", "main"]

#: Vietnam's land box, [west, south, east, north] in WGS84 degrees.
LANGUAGES = ("vi", "en")
VIETNAM_BBOX = (102.14, 8.18, 109.46, 23.39)
EVENTS_PER_SITE = 5
#: Share of events that also name a second (neighbouring) site: the join is many to many.
SHARED_EVENT_SHARE = 0.1
SOURCE_COUNT = 24
PARAGRAPHS_PER_SOURCE = 60
#: Degrees of scatter around a province centre.
SCATTER_DEG = 0.22
COORDINATE_DECIMALS = 5
LATEST_YEAR = 2025

# Province centres (lat, lon) and a weight: relics are densest in the Red River delta.
PROVINCES = (
    ("Hà Nội", 21.03, 105.85, 10),
    ("Bắc Ninh", 21.19, 106.07, 5),
    ("Hưng Yên", 20.65, 106.05, 4),
    ("Hải Dương", 20.94, 106.33, 4),
    ("Hải Phòng", 20.86, 106.68, 4),
    ("Thái Bình", 20.45, 106.34, 4),
    ("Nam Định", 20.42, 106.17, 4),
    ("Ninh Bình", 20.25, 105.97, 3),
    ("Hà Nam", 20.54, 105.92, 3),
    ("Vĩnh Phúc", 21.31, 105.6, 3),
    ("Phú Thọ", 21.32, 105.2, 3),
    ("Bắc Giang", 21.27, 106.19, 3),
    ("Quảng Ninh", 21.0, 107.2, 2),
    ("Thái Nguyên", 21.59, 105.84, 2),
    ("Lạng Sơn", 21.85, 106.76, 1),
    ("Cao Bằng", 22.67, 106.26, 1),
    ("Hà Giang", 22.82, 104.98, 1),
    ("Lào Cai", 22.48, 103.97, 1),
    ("Điện Biên", 21.39, 103.02, 1),
    ("Sơn La", 21.33, 103.91, 1),
    ("Hòa Bình", 20.81, 105.34, 1),
    ("Thanh Hóa", 19.81, 105.78, 4),
    ("Nghệ An", 18.68, 105.68, 3),
    ("Hà Tĩnh", 18.34, 105.9, 2),
    ("Quảng Bình", 17.47, 106.6, 1),
    ("Quảng Trị", 16.75, 107.19, 2),
    ("Thừa Thiên Huế", 16.46, 107.59, 3),
    ("Đà Nẵng", 16.05, 108.2, 2),
    ("Quảng Nam", 15.57, 108.47, 2),
    ("Quảng Ngãi", 15.12, 108.8, 1),
    ("Bình Định", 13.78, 109.18, 2),
    ("Phú Yên", 13.09, 109.3, 1),
    ("Khánh Hòa", 12.24, 109.17, 1),
    ("Gia Lai", 13.98, 108.0, 1),
    ("Đắk Lắk", 12.67, 108.04, 1),
    ("Lâm Đồng", 11.94, 108.44, 1),
    ("Bình Thuận", 10.93, 108.1, 1),
    ("Đồng Nai", 10.95, 106.82, 1),
    ("Thành phố Hồ Chí Minh", 10.78, 106.68, 3),
    ("Tây Ninh", 11.31, 106.1, 1),
    ("Long An", 10.54, 106.41, 1),
    ("Tiền Giang", 10.36, 106.36, 1),
    ("Vĩnh Long", 10.25, 105.97, 1),
    ("Cần Thơ", 10.03, 105.78, 1),
    ("An Giang", 10.52, 105.13, 1),
    ("Sóc Trăng", 9.6, 105.97, 1),
    ("Cà Mau", 9.18, 105.15, 1),
)

SYLLABLES = [
    "An",
    "Bình",
    "Phú",
    "Mỹ",
    "Hưng",
    "Long",
    "Thành",
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Hòa",
    "Thuận",
    "Phước",
    "Lộc",
    "Tân",
    "Vĩnh",
    "Quang",
    "Đức",
    "Hải",
    "Sơn",
    "Thủy",
    "Trung",
    "Hạ",
    "Thượng",
    "Kim",
    "Ngọc",
    "Xuân",
    "Thu",
    "Hạnh",
    "Phúc",
    "Lạc",
    "Yên",
    "Định",
    "Khánh",
    "Thịnh",
    "Cường",
    "Nghĩa",
    "Lợi",
    "Hội",
    "Đồng",
    "Cẩm",
    "Lệ",
    "Diên",
    "Quế",
    "Tiến",
    "Trường",
    "Phong",
    "Vân",
    "Hương",
    "Giang",
    "Hà",
    "Ninh",
    "Châu",
    "Mai",
    "Liên",
    "Trà",
    "Cát",
    "Lâm",
    "Uyên",
    "Ấp",
    "Ứng",
    "Đạo",
    "Cổ",
    "Loa",
    "Dương",
    "Lý",
    "Ngô",
    "Đình",
    "Chiêu",
    "Ứng",
    "Khê",
    "Bồng",
    "Lai",
    "Thạch",
    "Tháp",
    "Bút",
    "Tháp",
    "Dâu",
    "Keo",
    "Mía",
    "Kiếp",
    "Bạc",
    "Sóc",
    "Gióng",
    "Hùng",
    "Vương",
    "Đằng",
]

# Layers: id, Vietnamese and English titles, colour, the categories its sites take.
LAYERS = (
    ("lich-su", "Di tích lịch sử", "Historical relics", "#c62828", ("temple", "shrine", "tomb")),
    (
        "kien-truc-nghe-thuat",
        "Di tích kiến trúc nghệ thuật",
        "Architectural and artistic relics",
        "#ef6c00",
        ("communal-house", "pagoda", "church"),
    ),
    ("khao-co", "Di tích khảo cổ", "Archaeological sites", "#6d4c41", ("archaeological-site",)),
    ("danh-lam", "Danh lam thắng cảnh", "Scenic landscapes", "#2e7d32", ("landscape",)),
    (
        "cach-mang",
        "Di tích lịch sử cách mạng",
        "Revolutionary history sites",
        "#1565c0",
        ("battle-site", "revolutionary-base"),
    ),
)
LAYER_WEIGHTS = (30, 40, 5, 5, 20)

# Categories: id, Vietnamese label (also the name prefix), English label (name suffix).
CATEGORIES = {
    "communal-house": ("Đình", "Communal house", "communal house"),
    "pagoda": ("Chùa", "Pagoda", "pagoda"),
    "church": ("Nhà thờ", "Church", "church"),
    "temple": ("Đền", "Temple", "temple"),
    "shrine": ("Miếu", "Shrine", "shrine"),
    "tomb": ("Lăng mộ", "Tomb", "tomb"),
    "archaeological-site": ("Di chỉ", "Archaeological site", "archaeological site"),
    "landscape": ("Thắng cảnh", "Scenic landscape", "landscape"),
    "battle-site": ("Địa điểm chiến thắng", "Battle site", "battle site"),
    "revolutionary-base": ("Căn cứ cách mạng", "Revolutionary base", "revolutionary base"),
}

# Event kinds: Vietnamese and English titles and a sentence of summary each.
EVENT_KINDS = (
    ("Khởi dựng", "Founded", "được khởi dựng", "was first built"),
    ("Trùng tu", "Restored", "được trùng tu lớn", "underwent a major restoration"),
    ("Lễ hội truyền thống", "Traditional festival", "mở hội truyền thống", "held its festival"),
    ("Xếp hạng di tích", "Listed as a relic", "được xếp hạng di tích", "was listed as a relic"),
    ("Khai quật khảo cổ", "Excavation", "được khai quật khảo cổ", "was excavated"),
    ("Trận đánh", "Battle", "là nơi diễn ra trận đánh", "saw a battle"),
    ("Thành lập chi bộ", "Party cell founded", "là nơi lập chi bộ", "hosted a new Party cell"),
    ("Bị hư hại", "Damaged", "bị hư hại do chiến tranh", "was damaged in the war"),
)
PRECISIONS_M = (30, 100, 250, 500, 1000, 2500, 5000)


@dataclass
class _Site:
    id: str
    name_vi: str
    name_en: str
    layer: int
    category: str
    lon: float
    lat: float
    province: str
    commune: str
    district: str
    start_year: int


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _slug(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    words = "".join(c if c.isalnum() else " " for c in bare).split()
    return "-".join(words)


def _place(rng: random.Random, words: int = 2) -> str:
    return " ".join(rng.choice(SYLLABLES) for _ in range(words))


def _point(rng: random.Random, lat0: float, lon0: float) -> tuple[float, float]:
    west, south, east, north = VIETNAM_BBOX
    lon = min(max(rng.gauss(lon0, SCATTER_DEG), west), east)
    lat = min(max(rng.gauss(lat0, SCATTER_DEG), south), north)
    return round(lon, COORDINATE_DECIMALS), round(lat, COORDINATE_DECIMALS)


def _sites(rng: random.Random, count: int) -> list[_Site]:
    provinces = [p[:3] for p in PROVINCES]
    weights = [p[3] for p in PROVINCES]
    layer_ids = list(range(len(LAYERS)))
    out = []
    for i in range(count):
        province, lat0, lon0 = rng.choices(provinces, weights)[0]
        layer = rng.choices(layer_ids, LAYER_WEIGHTS)[0]
        category = rng.choice(LAYERS[layer][4])
        prefix_vi, _, suffix_en = CATEGORIES[category]
        place = _place(rng)
        lon, lat = _point(rng, lat0, lon0)
        start = rng.choice((1010, 1200, 1400, 1600, 1700, 1800, 1858, 1900, 1930, 1945))
        start += rng.randrange(0, 40)
        out.append(
            _Site(
                id=f"{_slug(prefix_vi + ' ' + place)}-{i + 1:06d}",
                name_vi=_nfc(f"{prefix_vi} {place}"),
                name_en=_nfc(f"{place} {suffix_en}"),
                layer=layer,
                category=category,
                lon=lon,
                lat=lat,
                province=province,
                commune=_place(rng),
                district=_place(rng),
                start_year=start,
            )
        )
    return out


def _date(rng: random.Random, year: int) -> tuple[str, int]:
    """An EDTF date in a varied form that starts in ``year``; also its last year."""
    form = rng.randrange(10)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    if form <= 2:
        return f"{year:04d}", year
    if form == 3:
        return f"{year:04d}-{month:02d}", year
    if form == 4:
        return f"{year:04d}-{month:02d}-{day:02d}", year
    if form == 5:
        end = min(year + rng.randint(1, 12), LATEST_YEAR)
        return f"{year:04d}/{end:04d}", end
    if form == 6:
        end = min(year + rng.randint(0, 3), LATEST_YEAR)
        end_month = rng.randint(month if end == year else 1, 12)
        return f"{year:04d}-{month:02d}/{end:04d}-{end_month:02d}", end
    if form == 7:
        return f"{year:04d}~", year
    if form == 8:
        return f"{year:04d}?", year
    return (f"{year:04d}/.." if year >= 1990 else f"{year:04d}-{month:02d}/"), year


def _event_years(rng: random.Random, start: int) -> list[int]:
    """Five years from ``start`` on; most fall before 1970, as most relics are old."""
    years = []
    for _ in range(EVENTS_PER_SITE):
        if rng.random() < 0.7:
            years.append(rng.randint(start, max(start, 1969)))
        else:
            years.append(rng.randint(max(start, 1970), LATEST_YEAR))
    return sorted(years)


def _source_text(rng: random.Random, index: int) -> str:
    lines = [f"Tư liệu tổng hợp số {index + 1} về di tích Việt Nam"]
    for _ in range(PARAGRAPHS_PER_SOURCE - 1):
        words = " ".join(rng.choice(SYLLABLES).lower() for _ in range(rng.randint(12, 30)))
        lines.append(_nfc(words.capitalize() + "."))
    return "\n\n".join(lines) + "\n"


def _write_sources(rng: random.Random, root: Path) -> list[str]:
    folder = root / "sources"
    folder.mkdir(parents=True, exist_ok=True)
    registry, files = [], []
    for i in range(SOURCE_COUNT):
        name = f"tu-lieu-{i + 1:02d}.txt"
        data = _source_text(rng, i).encode("utf-8")
        (folder / name).write_bytes(data)
        files.append(name)
        registry.append(
            {
                "id": f"tu-lieu-{i + 1:02d}",
                "file": name,
                "sha256": hashlib.sha256(data).hexdigest(),
                "title_vi": f"Tư liệu tổng hợp số {i + 1}",
                "title_en": f"Compiled material no. {i + 1}",
                "language": "vi",
            }
        )
    _write_json(root / "sources.json", {"sources": registry})
    return files


def _write_json(path: Path, doc) -> None:
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _project(sites: int) -> dict:
    used = [c for layer in LAYERS for c in layer[4]]
    return {
        "title": {
            "vi": f"Di tích Việt Nam ({sites:,} điểm, dữ liệu thử)".replace(",", "."),
            "en": f"Heritage of Vietnam ({sites:,} sites, synthetic)",
        },
        "description": {
            "vi": "Dữ liệu tổng hợp để đo hiệu năng; không phải di tích thật.",
            "en": "Synthetic data for benchmarks; these are not real sites.",
        },
        "languages": list(LANGUAGES),
        "default_language": "vi",
        "region": {
            "name": {"vi": "Việt Nam", "en": "Vietnam"},
            "bbox": list(VIETNAM_BBOX),
            "margin_deg": 0.05,
        },
        "layers": [
            {
                "id": layer_id,
                "file": f"layers/{layer_id}.geojson",
                "title": {"vi": title_vi, "en": title_en},
                "color": color,
            }
            for layer_id, title_vi, title_en, color, _ in LAYERS
        ],
        "categories": [
            {"id": c, "label": {"vi": CATEGORIES[c][0], "en": CATEGORIES[c][1]}} for c in used
        ],
        "events": "events.csv",
        "sources": "sources.json",
        "sources_dir": "sources",
    }


def _feature(rng: random.Random, site: _Site, files: list[str]) -> dict:
    precision = rng.choice(PRECISIONS_M)
    refs = sorted(
        {
            f"{rng.choice(files)}#{rng.randint(1, PARAGRAPHS_PER_SOURCE)}"
            for _ in range(rng.randint(1, 2))
        }
    )
    approx = "~" if rng.random() < 0.2 else ""
    return {
        "type": "Feature",
        "id": site.id,
        "geometry": {"type": "Point", "coordinates": [site.lon, site.lat]},
        "properties": {
            "id": site.id,
            "name_vi": site.name_vi,
            "name_en": site.name_en,
            "category": site.category,
            "description_vi": _nfc(
                f"{site.name_vi} ở xã {site.commune}, {site.province}, gắn với lịch sử "
                f"địa phương từ năm {site.start_year}."
            ),
            "description_en": _nfc(
                f"{site.name_en} in {site.commune} commune, {site.province}, part of local "
                f"history since {site.start_year}."
            ),
            "period": f"{site.start_year:04d}{approx}/..",
            "location_precision_m": precision,
            "location_basis_vi": _nfc(f"Trung tâm xã {site.commune} (độ chính xác {precision} m)."),
            "location_basis_en": _nfc(f"Centre of {site.commune} commune (±{precision} m)."),
            "admin_then_vi": _nfc(f"xã {site.commune}, huyện {site.district}, {site.province}"),
            "admin_then_en": _nfc(
                f"{site.commune} commune, {site.district} district, {site.province}"
            ),
            "admin_now_vi": _nfc(f"xã {site.commune}, {site.province}"),
            "admin_now_en": _nfc(f"{site.commune} commune, {site.province}"),
            "source_refs": refs,
        },
    }


def _write_layers(rng: random.Random, root: Path, sites: list[_Site], files: list[str]) -> None:
    folder = root / "layers"
    folder.mkdir(parents=True, exist_ok=True)
    for index, (layer_id, *_rest) in enumerate(LAYERS):
        features = [_feature(rng, s, files) for s in sites if s.layer == index]
        doc = {"type": "FeatureCollection", "name": layer_id, "features": features}
        _write_json(folder / f"{layer_id}.geojson", doc)


def _write_events(rng: random.Random, root: Path, sites: list[_Site], files: list[str]) -> None:
    with open(root / "events.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(Columns.for_languages(LANGUAGES).event_columns)
        for i, site in enumerate(sites):
            for k, year in enumerate(_event_years(rng, site.start_year)):
                date, _last = _date(rng, year)
                site_ids = site.id
                neighbour = sites[i - 1] if i else None
                if (
                    neighbour is not None
                    and rng.random() < SHARED_EVENT_SHARE
                    and year >= neighbour.start_year
                ):
                    site_ids = f"{site.id};{neighbour.id}"
                kind_vi, kind_en, verb_vi, verb_en = rng.choice(EVENT_KINDS)
                writer.writerow(
                    (
                        f"ev-{i + 1:06d}-{k + 1}",
                        date,
                        site_ids,
                        _nfc(f"{kind_vi}: {site.name_vi}"),
                        f"{kind_en}: {site.name_en}",
                        _nfc(f"Năm {year}, {site.name_vi} {verb_vi}, theo tư liệu địa phương."),
                        f"In {year} the {site.name_en} {verb_en}, local records say.",
                        rng.choice(files),
                        str(rng.randint(1, PARAGRAPHS_PER_SOURCE)),
                    )
                )


def generate(out_dir: str | Path, sites: int, seed: int = 0) -> Path:
    """Write a geodata folder of ``sites`` sites into ``out_dir`` and return its path.

    The same ``seed`` gives byte-identical files; ``out_dir`` is created when missing
    and the files in it are replaced.

    Examples
    --------
    >>> import tempfile
    >>> root = generate(tempfile.mkdtemp(), sites=20, seed=1)
    >>> sorted(p.name for p in root.iterdir())
    ['events.csv', 'layers', 'project.json', 'sources', 'sources.json']
    """
    if sites < 1:
        raise ValueError(f"sites must be at least 1, not {sites}")
    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    site_list = _sites(rng, sites)
    files = _write_sources(rng, root)
    _write_json(root / "project.json", _project(sites))
    _write_layers(rng, root, site_list, files)
    _write_events(rng, root, site_list, files)
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, required=True, help="number of sites")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", type=Path, required=True, help="the folder to write")
    args = parser.parse_args(argv)
    root = generate(args.out, args.sites, args.seed)
    print(f"wrote {args.sites:,} sites to {root}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
