"""The curated data says what its sources say, and no more (issue 12, "Trusting it").

Each test holds one correction made after a close reading of geodata/ against the three
source texts and ../shared/reference/GAZETTEER.md (its corrected Bãi Cháy row and its
section "Corrections and additions"), so that the data cannot drift back.
"""

from __future__ import annotations

import math
import re

import pytest

from heritage_mapper import load_geodata
from heritage_mapper.dates import parse_edtf

from .conftest import GEODATA

EARTH_RADIUS_M = 6_371_000
#: A summary or description may share at most this many words in a row with the
#: paragraph it cites (text in quotation marks, a marked quotation, not counted): the
#: runs left are names of bodies and places and numbers ("Ủy ban Quân chính Hồng
#: Quảng", "1.100 mô hình cấp tỉnh").
MAX_SHARED_WORDS = 6
QUOTED = re.compile(r'"[^"]*"|“[^”]*”')
WORD = re.compile(r"\w+")
#: A day and month written with slashes: 1/7/2025 reads 7 January to an English reader.
SLASH_DATE = re.compile(r"\b\d{1,2}/\d{1,2}(/\d{2,4})?\b")


@pytest.fixture(scope="module")
def data():
    return load_geodata(GEODATA)


def site(data, site_id) -> dict:
    return data.sites.loc[data.sites["id"] == site_id].iloc[0].to_dict()


def event(data, event_id) -> dict:
    return data.events.loc[data.events["id"] == event_id].iloc[0].to_dict()


def metres(a, b) -> float:
    (lon1, lat1), (lon2, lat2) = (map(math.radians, p) for p in (a, b))
    h = math.sin((lat2 - lat1) / 2) ** 2
    h += math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def position(data, site_id) -> tuple[float, float]:
    point = site(data, site_id)["geometry"]
    return point.x, point.y


def texts(data):
    """(where, text) of every site and event text, in every language."""
    for _, row in data.sites.iterrows():
        for base in ("name", "description", "location_basis", "admin_then", "admin_now"):
            for lang in data.project.languages:
                yield f"{row['id']}.{base}_{lang}", row[f"{base}_{lang}"]
    for _, row in data.events.iterrows():
        for base in ("title", "summary"):
            for lang in data.project.languages:
                yield f"{row['id']}.{base}_{lang}", row[f"{base}_{lang}"]


def test_first_victory_is_at_bai_chay_not_at_the_hon_gai_rally_ground(data):
    # GAZETTEER, corrected Bãi Cháy row: 20.966 N, 107.035 E, ±3,000 m (the old point,
    # 20.95 N 107.08 E, was Hạ Long city's label point in Hòn Gai)
    assert position(data, "bai-chay-first-victory") == (107.035, 20.966)
    first = site(data, "bai-chay-first-victory")
    assert first["location_precision_m"] == 3000
    assert first["location_basis_en"].startswith("Ward-level point at Bãi Cháy")
    apart = metres(position(data, "bai-chay-first-victory"), position(data, "hon-gai-rally-ground"))
    assert apart > 4_000  # it was 150 m


def test_first_victory_was_won_together_with_the_whole_country(data):
    # 001 ¶1: "vùng mỏ đã cùng cả nước viết lên ... 'Chiến thắng trận đầu'"
    won = event(data, "ev-1964-first-victory")
    assert "Together with the whole country" in won["summary_en"]
    assert '"cùng cả nước"' in won["summary_vi"]
    described = site(data, "bai-chay-first-victory")
    assert "Together with the whole country" in described["description_en"]


def test_administrative_units_are_those_of_the_time(data):
    cat_ba = site(data, "cat-ba-fishing-village")
    assert cat_ba["admin_then_vi"] == "thị trấn Cát Bà, huyện Cát Bà, thành phố Hải Phòng"
    assert cat_ba["admin_then_en"] == "Cát Bà township, Cát Bà district, Hải Phòng city"
    tuan_chau = site(data, "tuan-chau-fishing-village")
    assert tuan_chau["admin_then_vi"].startswith("xã Tuần Châu, thị xã Hòn Gai (Hồng Gai)")
    assert tuan_chau["admin_then_en"].startswith("Tuần Châu commune, Hòn Gai town")
    rally = site(data, "hon-gai-rally-ground")
    for lang in ("vi", "en"):  # the sources' Hòn Gai and the official Hồng Gai, both
        assert "Hòn Gai" in rally[f"admin_then_{lang}"]
        assert "Hồng Gai" in rally[f"admin_then_{lang}"]


def test_english_text_writes_no_day_and_month_with_slashes(data):
    english = [(where, text) for where, text in texts(data) if where.endswith("_en")]
    assert [where for where, text in english if SLASH_DATE.search(text)] == []
    assert "before 1 July 2025" in site(data, "hon-gai-rally-ground")["admin_then_en"]


def test_undated_facts_targets_and_plans_are_not_events(data):
    ids = set(data.events["id"])
    # 002 ¶4 dates no club; 002 ¶3 (coal targets) and ¶8 (plans) are not events
    assert not ids & {"ev-2025-dao-thanh-y-club", "ev-2025-coal-targets", "ev-2025-propaganda-plan"}
    linked = {s for site_ids in data.events["site_ids"] for s in site_ids}
    assert "cong-to-dao-thanh-y-club" not in linked
    assert "cong-to-dao-thanh-y-club" in set(data.sites["id"])  # the site stays
    # the movement's planned end (2030) is not a date of what happened
    assert event(data, "ev-2025-emulation-movement")["date"] == "2025"


@pytest.mark.parametrize("site_id", ["cua-ong-screening-plant", "cong-to-dao-thanh-y-club"])
def test_a_start_no_source_gives_and_a_place_still_there_read_as_such(data, site_id):
    # EDTF level 1: empty = unknown, .. = open: "/.." claims neither a start nor 2025
    period = site(data, site_id)["period"]
    assert period == "/.."
    parsed = parse_edtf(period)
    assert (parsed.lower, parsed.upper) == (None, None)


def test_the_ceasefire_struggle_runs_until_liberation(data):
    # 000 ¶2: from the ceasefire taking effect (July 1954); 000 ¶7: liberated 25/4/1955
    assert event(data, "ev-1954-ceasefire-struggle")["date"] == "1954-07/1955-04-25"


def test_the_last_french_soldier_is_one_soldier(data):
    # 000 ¶6: "tên lính Pháp cuối cùng"
    plural = re.compile(r"last French (soldiers|troops)|những người lính Pháp cuối cùng", re.I)
    assert [where for where, text in texts(data) if plural.search(text)] == []
    assert event(data, "ev-1955-french-withdrawal")["title_en"] == (
        "The last French soldier leaves the mining area"
    )


def test_eight_years_under_the_bombs_is_the_sources_phrase(data):
    # 001 ¶2 "suốt 8 năm trời"; the bombing of the North largely paused 11/1968–4/1972
    bombing = event(data, "ev-1964-1972-bombing")
    assert bombing["summary_en"].startswith(
        'In the source\'s words, Quảng Ninh spent "eight years"'
    )
    assert '"suốt 8 năm trời"' in bombing["summary_vi"]
    assert not re.match(r"(eight|tám) (years|năm)", bombing["title_en"] + bombing["title_vi"], re.I)


def test_yen_hung_combat_villages_have_a_district_level_site(data):
    # 001 ¶5; GAZETTEER: the former district seat, Quảng Yên, ±10,000 m
    villages = site(data, "yen-hung-combat-villages")
    assert villages["layer"] == "resistance-1964-1972"
    assert position(data, "yen-hung-combat-villages") == (106.8027, 20.9421)
    assert villages["location_precision_m"] == 10_000
    assert villages["location_basis_en"].startswith("District level only")
    assert event(data, "ev-1965-1968-combat-villages")["site_ids"] == ["yen-hung-combat-villages"]


def test_cat_ba_lies_inside_the_region_box_without_an_exception(data):
    region = data.project.region
    west, south, east, north = region.bbox
    lon, lat = position(data, "cat-ba-fishing-village")
    assert west <= lon <= east and south <= lat <= north  # 20.72 N > 20.68 S
    assert region.exceptions == ()


def _words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(QUOTED.sub(" ", text))]


def _shared_run(text: str, paragraph: str) -> int:
    mine, theirs = _words(text), _words(paragraph)
    n = 0
    while True:
        grams = {tuple(theirs[i : i + n + 1]) for i in range(len(theirs) - n)}
        if not any(tuple(mine[i : i + n + 1]) in grams for i in range(len(mine) - n)):
            return n
        n += 1


def test_summaries_and_descriptions_are_in_our_own_words(data):
    sources = data.project.sources_dir_path
    paragraphs = {
        path.name: [line.strip() for line in path.read_text("utf-8").splitlines() if line.strip()]
        for path in sources.glob("*.txt")
    }
    cited = [
        (row["id"], row["summary_vi"], [(row["source"], row["paragraph"])])
        for _, row in data.events.iterrows()
    ]
    for _, row in data.sites.iterrows():
        refs = [ref.split("#") for ref in row["source_refs"]]
        cited.append((row["id"], row["description_vi"], [(f, int(n)) for f, n in refs]))
    runs = {
        item: max(_shared_run(text, paragraphs[file][n - 1]) for file, n in refs)
        for item, text, refs in cited
    }
    assert {item: n for item, n in runs.items() if n > MAX_SHARED_WORDS} == {}
