import datetime as dt

import pytest

from heritage_mapper.dates import EdtfError, format_edtf, parse_edtf


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
    ["", "1959-13", "1955-02-30", "abc", "1972/1964", "../..", "/", "1900-02-29", "2100-02-29~"],
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
        ("1965-12/", "từ tháng 12/1965", "from December 1965"),
        ("/2025", "đến 2025", "until 2025"),
        ("2025/..", "từ 2025 đến nay", "2025 onwards"),
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
