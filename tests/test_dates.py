import datetime as dt
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from heritage_mapper.dates import EdtfError, format_edtf, parse_edtf, year_span

from .edtf_strategies import edtf_like


@pytest.mark.parametrize(
    ("text", "lower", "upper"),
    [
        ("1959", dt.date(1959, 1, 1), dt.date(1959, 12, 31)),
        ("1965-12", dt.date(1965, 12, 1), dt.date(1965, 12, 31)),
        ("1955-04-25", dt.date(1955, 4, 25), dt.date(1955, 4, 25)),
        ("1964/1972", dt.date(1964, 1, 1), dt.date(1972, 12, 31)),
        ("1955~", dt.date(1955, 1, 1), dt.date(1955, 12, 31)),
        ("1965-12/", dt.date(1965, 12, 1), None),
        ("/2025", None, dt.date(2025, 12, 31)),
        ("2025/..", dt.date(2025, 1, 1), None),
        ("1883~/1955-04-24", dt.date(1883, 1, 1), dt.date(1955, 4, 24)),
    ],
)
def test_parse_edtf_gives_bounds_and_none_for_open_ends(text, lower, upper):
    parsed = parse_edtf(text)
    assert (parsed.lower, parsed.upper) == (lower, upper)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1959-13",
        "1955-02-30",
        "abc",
        "1972/1964",
        "../..",
        "../",
        "/",
        "1900-02-29",
        "2100-02-29~",
    ],
)
def test_parse_edtf_rejects_invalid_with_a_hint(text):
    with pytest.raises(EdtfError, match="EDTF|ends before"):
        parse_edtf(text)


def test_parse_edtf_marks_approximate_dates():
    assert parse_edtf("1959~").approximate
    assert not parse_edtf("1959").approximate
    assert parse_edtf("1959?").uncertain


@pytest.mark.parametrize(
    ("text", "vi", "en"),
    [
        ("1965-12", "tháng 12/1965", "December 1965"),
        ("1964/1972", "1964–1972", "1964–1972"),
        ("1959~", "khoảng 1959", "about 1959"),
        ("1955-04-25", "25/4/1955", "25 April 1955"),
        ("1965-12/", "tháng 12/1965 – chưa rõ thời điểm kết thúc", "December 1965 – end unknown"),
        ("/2025", "chưa rõ thời điểm bắt đầu – 2025", "start unknown – 2025"),
        ("2025/..", "từ 2025 đến nay", "since 2025"),
    ],
)
def test_format_edtf_reads_naturally_in_both_languages(text, vi, en):
    assert format_edtf(text, "vi") == vi
    assert format_edtf(text, "en") == en


def test_contains_handles_open_periods():
    assert parse_edtf("1965-12/").contains(parse_edtf("1968"))
    assert not parse_edtf("1965-12/").contains(parse_edtf("1964"))
    assert parse_edtf("/2025").contains(parse_edtf("1900"))


def _fast_path_cases():
    for year in ("0001", "0004", "1900", "1955", "2000", "9999"):
        for qualifier in ("", "~", "?", "%"):
            yield year + qualifier
            for month in ("00", "01", "02", "04", "12", "13"):
                yield f"{year}-{month}{qualifier}"
                for day in ("00", "01", "28", "29", "30", "31", "32"):
                    if qualifier in ("", "%"):
                        yield f"{year}-{month}-{day}{qualifier}"


def test_plain_dates_read_without_edtf_get_the_edtf_bounds():
    from heritage_mapper.dates import _edtf_point, _fast_point

    checked = 0
    for text in _fast_path_cases():
        fast = _fast_point(text)
        if fast is None:
            continue  # edtf decides these, exactly as before
        edtf_point = _edtf_point.__wrapped__(text)
        assert (fast.lower, fast.upper) == (edtf_point.lower, edtf_point.upper), text
        checked += 1
    assert checked > 300


# -- every form edtf accepts: a label in every language, or a clear refusal -----------

LANGUAGES = ("vi", "en", "fr")
D = dt.date


@pytest.mark.parametrize(
    ("text", "lower", "upper", "vi", "en", "fr"),
    [
        (
            "1965-12",
            D(1965, 12, 1),
            D(1965, 12, 31),
            "tháng 12/1965",
            "December 1965",
            "décembre 1965",
        ),
        ("1955-04-01", D(1955, 4, 1), D(1955, 4, 1), "1/4/1955", "1 April 1955", "1er avril 1955"),
        (
            "1959%",
            D(1959, 1, 1),
            D(1959, 12, 31),
            "khoảng 1959 (?)",
            "about 1959?",
            "vers 1959 (?)",
        ),
        ("0476", D(476, 1, 1), D(476, 12, 31), "476", "476", "476"),
        # seasons: edtf's months (winter is December of its year only)
        (
            "1965-21",
            D(1965, 3, 1),
            D(1965, 5, 31),
            "mùa xuân 1965",
            "spring 1965",
            "printemps 1965",
        ),
        ("1965-22", D(1965, 6, 1), D(1965, 8, 31), "mùa hè 1965", "summer 1965", "été 1965"),
        ("1965-23", D(1965, 9, 1), D(1965, 11, 30), "mùa thu 1965", "autumn 1965", "automne 1965"),
        ("1965-24", D(1965, 12, 1), D(1965, 12, 31), "mùa đông 1965", "winter 1965", "hiver 1965"),
        (
            "1965-29",
            D(1965, 9, 1),
            D(1965, 11, 30),
            "mùa xuân 1965 (Nam bán cầu)",
            "spring 1965 (Southern Hemisphere)",
            "printemps 1965 (hémisphère sud)",
        ),
        (
            "1965-33",
            D(1965, 1, 1),
            D(1965, 3, 31),
            "quý 1/1965",
            "first quarter of 1965",
            "1er trimestre 1965",
        ),
        (
            "1965-41",
            D(1965, 7, 1),
            D(1965, 12, 31),
            "6 tháng cuối năm 1965",
            "second half of 1965",
            "2e semestre 1965",
        ),
        # unspecified digits
        ("196X", D(1960, 1, 1), D(1969, 12, 31), "thập niên 1960", "1960s", "années 1960"),
        ("19XX", D(1900, 1, 1), D(1999, 12, 31), "thế kỷ 20", "20th century", "20e siècle"),
        ("20XX", D(2000, 1, 1), D(2099, 12, 31), "thế kỷ 21", "21st century", "21e siècle"),
        (
            "1XXX",
            D(1000, 1, 1),
            D(1999, 12, 31),
            "thiên niên kỷ 2",
            "2nd millennium",
            "2e millénaire",
        ),
        (
            "196X~",
            D(1960, 1, 1),
            D(1969, 12, 31),
            "khoảng thập niên 1960",
            "about 1960s",
            "vers années 1960",
        ),
        ("1965-XX", D(1965, 1, 1), D(1965, 12, 31), "1965", "1965", "1965"),
        ("1965-XX-XX", D(1965, 1, 1), D(1965, 12, 31), "1965", "1965", "1965"),
        (
            "1965-12-XX",
            D(1965, 12, 1),
            D(1965, 12, 31),
            "tháng 12/1965",
            "December 1965",
            "décembre 1965",
        ),
        (
            "1965-02-XX?",
            D(1965, 2, 1),
            D(1965, 2, 28),
            "tháng 2/1965 (?)",
            "February 1965?",
            "février 1965 (?)",
        ),
        # level-2 qualifiers on a component qualify the whole date
        (
            "2004-06-~11",
            D(2004, 6, 11),
            D(2004, 6, 11),
            "khoảng 11/6/2004",
            "about 11 June 2004",
            "vers 11 juin 2004",
        ),
        (
            "?2004-06",
            D(2004, 6, 1),
            D(2004, 6, 30),
            "tháng 6/2004 (?)",
            "June 2004?",
            "juin 2004 (?)",
        ),
        (
            "2004-?06-%11",
            D(2004, 6, 11),
            D(2004, 6, 11),
            "khoảng 11/6/2004 (?)",
            "about 11 June 2004?",
            "vers 11 juin 2004 (?)",
        ),
        # intervals, with open and unknown ends
        (
            "1965-21/1966-23",
            D(1965, 3, 1),
            D(1966, 11, 30),
            "mùa xuân 1965 – mùa thu 1966",
            "spring 1965 – autumn 1966",
            "printemps 1965 – automne 1966",
        ),
        (
            "196X/",
            D(1960, 1, 1),
            None,
            "thập niên 1960 – chưa rõ thời điểm kết thúc",
            "1960s – end unknown",
            "années 1960 – fin inconnue",
        ),
        (
            "../1965-12-XX",
            None,
            D(1965, 12, 31),
            "đến tháng 12/1965",
            "until December 1965",
            "jusqu’à décembre 1965",
        ),
        (
            "1921-XX/..",
            D(1921, 1, 1),
            None,
            "từ 1921 đến nay",
            "since 1921",
            "depuis 1921",
        ),
    ],
)
def test_each_edtf_form_has_edtf_bounds_and_a_label_in_every_language(
    text, lower, upper, vi, en, fr
):
    parsed = parse_edtf(text)
    assert (parsed.lower, parsed.upper) == (lower, upper)
    assert [format_edtf(text, lang) for lang in LANGUAGES] == [vi, en, fr]


@pytest.mark.parametrize("season", range(21, 42))
def test_every_season_edtf_accepts_is_labelled_in_every_language(season):
    text = f"1965-{season}"
    parsed = parse_edtf(text)
    assert parsed.lower.year == parsed.upper.year == 1965
    labels = {format_edtf(text, lang) for lang in LANGUAGES}
    assert len(labels) == len(LANGUAGES)
    assert all("1965" in label and str(season) not in label for label in labels)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-0500", "years before 1 or after 9999 are not supported"),
        ("0000", "years before 1 or after 9999 are not supported"),
        ("12000", "years before 1 or after 9999 are not supported"),
        ("Y170000002", "years before 1 or after 9999 are not supported"),
        ("Y-170000", "years before 1 or after 9999 are not supported"),
        ("Y17E7", "years before 1 or after 9999 are not supported"),
        ("0XXX", "years before 1 or after 9999 are not supported"),
        ("1950/12000", "years before 1 or after 9999 are not supported"),
        ("-0500/1950", "years before 1 or after 9999 are not supported"),
        ("1950S2", r"significant digits \(S…\) are not supported; write unspecified digits"),
        ("1950S2-24", r"significant digits \(S…\) are not supported"),
        ("[1667,1668]", r"sets of dates .* are not supported; write the interval"),
        ("{1667,1668}", r"sets of dates .* are not supported; write the interval"),
        ("[..1760-12-03]", r"sets of dates .* are not supported"),
        (
            "1965-21^x",
            r"season qualifier \(\^…\) is not supported; write the season alone \(1965-21\)",
        ),
        (
            "1985-04-12T10:00:00",
            r"time of day is not supported; write the day alone \(1985-04-12\)",
        ),
        ("19X5", r"unspecified digits \(X\) are supported only at the end of a year"),
        ("1965-XX-25", r"unspecified digits \(X\) are supported only at the end of a year"),
        ("196X-12", r"unspecified digits \(X\) are supported only at the end of a year"),
        ("1900-02-29", "not in the calendar"),
        ("1965-1X", "is not an EDTF date; write a year"),
        ("1965-21?", "is not an EDTF date; write a year"),
        ("١٩٥٩", "is not an EDTF date; write a year"),  # Arabic-Indic digits: edtf refuses
        ("1" * 65, "is not an EDTF date"),  # over EDTF_MAX_LENGTH
    ],
)
def test_unsupported_edtf_forms_are_refused_saying_what_to_write(text, message):
    with pytest.raises(EdtfError, match=message):
        parse_edtf(text)
    with pytest.raises(EdtfError):
        format_edtf(text, "en")


def test_an_interval_end_refusal_names_the_whole_interval():
    with pytest.raises(EdtfError, match=r"^'1950/Y12000': 'Y12000': years before 1"):
        parse_edtf("1950/Y12000")


def test_date_catalogue_is_complete_in_every_language():
    from heritage_mapper.i18n import catalogue

    table = catalogue("dates")
    assert set(LANGUAGES) <= set(table)
    keys = set(table["en"])
    for lang in LANGUAGES:
        assert set(table[lang]) == keys, lang  # labels() merges key by key: no gaps
        assert len(table[lang]["months"]) == 12
        assert set(table[lang]["seasons"]) == {str(s) for s in range(21, 42)}


def test_format_edtf_takes_labels_along_the_one_fallback_rule():
    assert format_edtf("1965-21", "de") == "spring 1965"  # English last, as i18n says
    assert format_edtf("1965-21", "de", fallbacks=("fr", "vi")) == "printemps 1965"
    assert format_edtf("1965-21", "vi", fallbacks=("fr",)) == "mùa xuân 1965"
    assert format_edtf("1955-04-01", "vi", fallbacks=("fr",)) == "1/4/1955"


# -- intervals: collapsed ends, shared parts, and the four kinds of missing end -------


@pytest.mark.parametrize(
    ("text", "vi", "en", "fr"),
    [
        # identical ends read once
        ("1965-12/1965-12", "tháng 12/1965", "December 1965", "décembre 1965"),
        ("1964-08-05/1964-08-05", "5/8/1964", "5 August 1964", "5 août 1964"),
        ("1959/1959", "1959", "1959", "1959"),
        ("1959~/1959~", "khoảng 1959", "about 1959", "vers 1959"),
        # days of one month, days of one year, months of one year share what they can
        ("1964-08-01/1964-08-05", "1–5/8/1964", "1–5 August 1964", "1er–5 août 1964"),
        (
            "1964-07-30/1964-08-05",
            "30/7–5/8/1964",
            "30 July – 5 August 1964",
            "30 juillet – 5 août 1964",
        ),
        ("1964-08/1964-12", "tháng 8–12/1964", "August–December 1964", "août–décembre 1964"),
        # nothing shared across years, nor with a qualifier (its scope would be unclear)
        (
            "1964-08-05/1965-08-05",
            "5/8/1964–5/8/1965",
            "5 August 1964 – 5 August 1965",
            "5 août 1964 – 5 août 1965",
        ),
        (
            "1964-08~/1964-12",
            "khoảng tháng 8/1964 – tháng 12/1964",
            "about August 1964 – December 1964",
            "vers août 1964 – décembre 1964",
        ),
        ("1964/1972", "1964–1972", "1964–1972", "1964–1972"),
        (
            "1954-07/1955-04-25",
            "tháng 7/1954 – 25/4/1955",
            "July 1954 – 25 April 1955",
            "juillet 1954 – 25 avril 1955",
        ),
    ],
)
def test_interval_labels_collapse_identical_ends_and_share_month_and_year(text, vi, en, fr):
    assert [format_edtf(text, lang) for lang in LANGUAGES] == [vi, en, fr]


@pytest.mark.parametrize(
    ("text", "vi", "en", "fr"),
    [
        (
            "/2025",
            "chưa rõ thời điểm bắt đầu – 2025",
            "start unknown – 2025",
            "début inconnu – 2025",
        ),
        ("../2025", "đến 2025", "until 2025", "jusqu’à 2025"),
        ("1883/..", "từ 1883 đến nay", "since 1883", "depuis 1883"),
        ("1883/", "1883 – chưa rõ thời điểm kết thúc", "1883 – end unknown", "1883 – fin inconnue"),
        (
            "/..",
            "chưa rõ thời điểm bắt đầu, vẫn còn đến nay",
            "start unknown, still ongoing today",
            "début inconnu, toujours en cours aujourd’hui",
        ),
    ],
)
def test_unknown_and_open_ends_each_read_as_what_they_are(text, vi, en, fr):
    assert [format_edtf(text, lang) for lang in LANGUAGES] == [vi, en, fr]


def test_no_known_start_still_ongoing_parses_without_bounds():
    parsed = parse_edtf("/..")
    assert (parsed.lower, parsed.upper, parsed.is_interval) == (None, None, True)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("1959", (1959, 1959)),
        ("1965-12", (1965, 1965)),
        ("196X", (1960, 1969)),
        ("1964/1972", (1964, 1972)),
        ("1883~/1955-04-24", (1883, 1955)),
        ("../2025", (None, 2025)),  # open start: every year up to 2025
        ("1883/..", (1883, None)),  # open end: every year from 1883, today included
        ("/2025", (2025, 2025)),  # unknown start: only the known year
        ("1965-12/", (1965, 1965)),  # unknown end: only the known year
        ("/..", None),  # no known year: today only (the page decides which year that is)
    ],
)
def test_year_span_counts_only_known_or_open_years(text, span):
    assert year_span(text) == span


# -- properties -----------------------------------------------------------------------

_plain_dates = st.builds(
    lambda y, m, d, q, shape: (y, f"{y}-{m}", f"{y}-{m}-{d}")[shape] + q,
    st.integers(0, 9999).map("{:04d}".format) | st.sampled_from(["0000", "1900", "2000", "0004"]),
    st.integers(0, 13).map("{:02d}".format),
    st.integers(0, 32).map("{:02d}".format),
    st.sampled_from(["", "~", "?", "%"]),
    st.integers(0, 2),
)


@given(_plain_dates | st.text(alphabet="0123456789-~?%١٩", min_size=4, max_size=11))
def test_fast_path_is_the_edtf_reading_of_plain_dates(text):
    """The fast path gives edtf's bounds, parts, qualifiers and labels, or leaves it to edtf."""
    from heritage_mapper.dates import _edtf_point, _fast_point, _labels, _point_label, _Refused

    fast = _fast_point(text)
    slow = _edtf_point.__wrapped__(text)
    if fast is None:
        # not a plain calendar date from year 1: edtf refuses it too, or it is no plain form
        assert isinstance(slow, _Refused) or not re.fullmatch(r"[0-9-]+[~?%]?", text)
        return
    assert fast == slow
    for lang in LANGUAGES:
        labels = _labels((lang,))
        assert _point_label(fast, labels) == _point_label(slow, labels)


_RAW_SYNTAX = re.compile(r"X|~|%|\^|\.\.|[0-9]-[0-9]|-[0-9]{2}\b|[\[\]{}]|\bY[0-9]|[0-9]S[0-9]")


@given(edtf_like)
def test_whatever_validates_builds(text):
    """A date either is refused with EdtfError, or has day bounds and a label everywhere."""
    try:
        parsed = parse_edtf(text)
    except EdtfError as exc:
        assert str(exc)
        return
    for bound in (parsed.lower, parsed.upper):
        assert bound is None or type(bound) is dt.date
    bounds = [b for b in (parsed.lower, parsed.upper) if b is not None]
    assert bounds or text.strip() == "/.."  # ../.., ../ and / are refused
    assert np.array(bounds, dtype="datetime64[s]").shape == (len(bounds),)
    if parsed.lower and parsed.upper:
        assert parsed.lower <= parsed.upper
    assert parsed.is_interval == ("/" in text)
    for lang in LANGUAGES:
        label = format_edtf(text, lang)
        assert isinstance(label, str) and label.strip(), (text, lang)
        assert not _RAW_SYNTAX.search(label), (text, lang, label)


def test_a_label_table_gives_format_edtf_of_each_date_in_each_chain():
    """format_edtf_table, which parses each date once for every language, is format_edtf."""
    from heritage_mapper.dates import format_edtf_table

    texts = ["1965-12", "1965-12", "1964-08-01/1964-08-05", "/..", "../2025", "1883/", ""]
    texts += ["196X", "1965-21", "1959~", "1965-12/1965-12", "2004-06-~11", None]
    chains = [("vi", "en"), ("en",), ("fr", "vi", "en")]
    table = format_edtf_table(texts, chains)
    assert list(table) == list(dict.fromkeys(t for t in texts if t))
    for text, labels in table.items():
        assert labels == tuple(format_edtf(text, c[0], fallbacks=c[1:]) for c in chains)
    with pytest.raises(EdtfError, match="1955-02-30"):
        format_edtf_table(["1959", "1955-02-30"], chains)


@given(
    st.tuples(_plain_dates, _plain_dates).map("/".join)
    | st.tuples(_plain_dates, st.sampled_from(["..", "", " 1970", "1970/1980", "197X"])).map(
        "/".join
    )
    | edtf_like
)
def test_fast_interval_is_the_general_reading_of_two_plain_dates(text):
    """A closed interval of two plain dates read without _parts' checks: the same date
    as the general reading, or left to it (which may refuse the text)."""
    from heritage_mapper.dates import _fast_interval, _read_parts

    fast = _fast_interval(text)
    if fast is None:
        return
    assert fast == _read_parts(text)
