"""EDTF dates: parsing, bounds and natural-language labels, all from one parser.

The ``edtf`` package (the Library of Congress Extended Date/Time Format, levels
0-2) decides what a date is: its parsed object gives the bounds (``lower_strict``
and ``upper_strict``), the qualifiers and the parts a label is made of (year, month,
day, season, unspecified digits). Plain years, months and days with an optional
``~``, ``?`` or ``%`` -- almost every date curators write -- are read by a fast path
that gives the very same result without the parser (a property test holds it to
that), because a national layer has hundreds of thousands of them.

An interval is split at ``/`` and each end read as one date; an open (``..``) or
unknown (empty) end has no bound (``None``), since ``edtf`` invents a ten-year span
for an unknown end and (edtf 5.0) fails with a TypeError on an open one (``../2025``,
``1883/..``, ``/..``) although its grammar accepts them. Labels come from the ``dates`` catalogue
(``catalogue/dates.json``) through :func:`heritage_mapper.i18n.labels`.

What each form gives (labels in vi / en / fr):

- ``1959``, ``1965-12``, ``1955-04-25``: the year, month or day;
  ``1965-12`` → "tháng 12/1965" / "December 1965" / "décembre 1965".
- ``~`` (approximate), ``?`` (uncertain), ``%`` (both) after a date: "khoảng 1959",
  "about 1959", "vers 1959"; ``?`` adds "(?)" / "?" / "(?)". A level-2 qualifier on
  one component (``2004-06-~11``, ``?2004-06-11``) is read as qualifying the whole
  date: same flags, same label as ``2004-06-11~``.
- seasons ``21``-``24`` (spring, summer, autumn, winter) and level-2 ``25``-``41``
  (northern and southern hemisphere seasons, quarters, thirds, halves of a year):
  ``1965-21`` → "mùa xuân 1965" / "spring 1965" / "printemps 1965". The bounds are
  edtf's months (spring March-May; winter only December of its year). A season
  qualifier (``1965-21^x``) is refused: edtf drops its text.
- unspecified digits at the end of a year: ``196X`` → "thập niên 1960" / "1960s" /
  "années 1960"; ``19XX`` (1900-1999) → "thế kỷ 20" / "20th century" /
  "20e siècle"; ``1XXX`` → the 2nd millennium. An unspecified month or day reads as
  the precision above it: ``1965-XX`` and ``1965-XX-XX`` as ``1965``, ``1965-12-XX``
  as ``1965-12``; the bounds are edtf's. ``X`` anywhere else (``19X5``,
  ``1965-XX-25``) is refused: there is no honest short label for it.
- intervals: ``1964/1972`` → "1964–1972"; ends that read the same are read once
  (``1965-12/1965-12`` → "December 1965") and plain days or months of one year share
  their month and year ("1–5/8/1964" / "1–5 August 1964" / "1er–5 août 1964",
  "tháng 8–12/1964" / "August–December 1964"). The four kinds of missing end of
  EDTF 2019 level 1 each read as what they are: ``/2025`` unknown start ("start
  unknown – 2025"), ``../2025`` open start ("until 2025"), ``1883/..`` open end,
  still going on ("since 1883" / "từ 1883 đến nay"), ``1883/`` unknown end ("1883 –
  end unknown"); ``/..`` (start unknown, still going on: "start unknown, still
  ongoing today") is the one interval with no date, and ``/``, ``../`` and ``../..``
  are refused. Each end may be any form above and is read alone, so a qualified
  season end (``1965-21~/1966``), which edtf takes only inside an interval, is
  refused like ``1965-21~``. :func:`year_span` gives the years a year filter reads.
- :func:`format_edtf` raises :class:`EdtfError` on what :func:`parse_edtf` refuses
  (it used to return such text as typed).
- refused with an :class:`EdtfError` saying what to write instead: years before 1
  or after 9999 (``-0500``, ``0000``, ``12000``, ``Y170000002``, ``Y17E7``), which
  Python dates and the ``datetime64`` exports cannot hold; significant digits
  (``1950S2``, also on a season: ``1950S2-24``); sets (``[1667,1668]``,
  ``{1667,1668}``); times of day (``1985-04-12T10:00:00``); days that are not in the
  calendar (``1955-02-30``, ``1900-02-29``, which edtf accepts); digits other than
  ASCII 0-9 (``١٩٥٩``); text longer than :data:`EDTF_MAX_LENGTH`.

Examples
--------
>>> d = parse_edtf("1964/1972")
>>> d.lower, d.upper
(datetime.date(1964, 1, 1), datetime.date(1972, 12, 31))
>>> format_edtf("1965-12", "vi"), format_edtf("1965-12", "en")
('tháng 12/1965', 'December 1965')
>>> format_edtf("1959~", "vi")
'khoảng 1959'
>>> format_edtf("1965-21", "vi"), format_edtf("1965-21", "en"), format_edtf("1965-21", "fr")
('mùa xuân 1965', 'spring 1965', 'printemps 1965')
>>> parse_edtf("1965-21").upper
datetime.date(1965, 5, 31)
>>> format_edtf("196X", "en"), format_edtf("19XX", "en"), format_edtf("1965-12-XX", "vi")
('1960s', '20th century', 'tháng 12/1965')
>>> parse_edtf("-0500")
Traceback (most recent call last):
...
heritage_mapper.dates.EdtfError: '-0500': years before 1 or after 9999 are not supported; ...
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import functools
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from heritage_mapper import i18n
from heritage_mapper.errors import HeritageError

__all__ = [
    "EdtfDate",
    "EdtfError",
    "filter_bounds",
    "format_edtf",
    "format_edtf_table",
    "parse_edtf",
    "present_year",
    "span_holds",
    "span_within",
    "year_span",
]

OPEN = ".."
UNKNOWN = ""
#: The one interval with no date at all: start unknown, still going on (open end).
ONGOING = "/.."
EDTF_MAX_LENGTH = 64
MONTHS_PER_YEAR = 12
#: Distinct date strings whose parse is remembered (the parser is slow).
EDTF_CACHE_SIZE = 4096
#: The label catalogue (``catalogue/dates.json``).
CATALOGUE = "dates"

# precisions of a single date (edtf's names, and "season")
DAY, MONTH, YEAR, SEASON = "day", "month", "year", "season"
DECADE, CENTURY, MILLENNIUM = "decade", "century", "millennium"
#: Precision of a year with 1, 2 or 3 unspecified last digits (196X, 19XX, 1XXX).
_YEAR_X_PRECISION = {1: DECADE, 2: CENTURY, 3: MILLENNIUM}

#: ASCII digits only: ``\d`` would take Arabic-Indic digits (١٩٥٩), which edtf refuses.
_PLAIN = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?([~?%]?)\Z")
_TRAILING_X_YEAR = re.compile(r"[0-9]{1,3}X{1,3}\Z")
_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class EdtfError(HeritageError, ValueError):
    """A string is not a valid EDTF date, or is one this project does not support."""


@dataclass(frozen=True)
class EdtfDate:
    """A parsed EDTF value.

    ``lower`` and ``upper`` are the earliest and latest days the value can mean, or
    ``None`` for an open (``..``) or unknown (empty) interval end.
    """

    text: str
    lower: dt.date | None
    upper: dt.date | None
    is_interval: bool
    approximate: bool
    uncertain: bool

    def contains(self, other: EdtfDate) -> bool:
        """Whether ``other`` can lie within this span (open ends contain everything)."""
        if self.lower and other.upper and other.upper < self.lower:
            return False
        return not (self.upper and other.lower and other.lower > self.upper)


class _Point(NamedTuple):
    """One EDTF date (not an interval) as read from its parsed structure.

    ``year`` is the first year the date can mean (1960 for ``196X``); ``month``,
    ``day`` and ``season`` are None when the date has none (or they are unspecified).
    A label is a function of these fields alone.
    """

    lower: dt.date
    upper: dt.date
    precision: str
    year: int
    month: int | None
    day: int | None
    season: int | None
    approximate: bool
    uncertain: bool


#: Builds a :class:`_Point` from a tuple without NamedTuple's Python-level ``__new__``
#: (the fast path makes hundreds of thousands of them).
_new_point = tuple.__new__

# -- reading one date -----------------------------------------------------------------


def _fast_point(text: str) -> _Point | None:
    """A plain ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (+ ``~ ? %``) read without edtf.

    None when ``text`` is not of that form or is not a calendar day from year 1:
    then :func:`_edtf_point` decides. Where this returns a point, it equals
    :func:`_edtf_point`'s (a property test checks it).

    Examples
    --------
    >>> _fast_point("1965-12~")[:3]
    (datetime.date(1965, 12, 1), datetime.date(1965, 12, 31), 'month')
    >>> _fast_point("1955-02-30") is None, _fast_point("1964/1972") is None
    (True, True)
    """
    match = _PLAIN.match(text)
    if match is None:
        return None
    y, m, d, q = match.groups()
    year = int(y)
    if year < dt.MINYEAR:
        return None  # year 0000: edtf reads it, and it is refused there
    approximate = q == "~" or q == "%"
    uncertain = q == "?" or q == "%"
    if m is None:
        return _new_point(_Point, (
            dt.date(year, 1, 1), dt.date(year, 12, 31), YEAR, year, None, None, None,
            approximate, uncertain,
        ))  # fmt: skip
    month = int(m)
    if not 1 <= month <= MONTHS_PER_YEAR:
        return None
    last = _DAYS_IN_MONTH[month]
    if month == 2 and calendar.isleap(year):
        last = 29
    if d is None:
        return _new_point(_Point, (
            dt.date(year, month, 1), dt.date(year, month, last), MONTH, year, month, None,
            None, approximate, uncertain,
        ))  # fmt: skip
    day = int(d)
    if not 1 <= day <= last:
        return None
    one = dt.date(year, month, day)
    return _new_point(_Point, (one, one, DAY, year, month, day, None, approximate, uncertain))


class _Refused(NamedTuple):
    """Why edtf's reading of a date is not supported; ``None`` text = not EDTF at all."""

    message: str | None


def _years_message(text: str) -> str:
    return (
        f"{text!r}: years before 1 or after 9999 are not supported; Python dates and the "
        "datetime64 exports cannot hold them. Write a year from 0001 to 9999 (or an open "
        "interval such as ../0001) and describe the deeper past in the description"
    )


@functools.lru_cache(maxsize=EDTF_CACHE_SIZE)
def _edtf_point(text: str) -> _Point | _Refused:
    """One date as the ``edtf`` package reads it, or why it is refused.

    Cached: the parser takes milliseconds per call, and a big layer repeats the same
    few periods thousands of times.
    """
    import edtf  # heavy-ish import kept local

    try:
        # edtf prints to stdout when one of its classes fails on odd input (1965-1X)
        with contextlib.redirect_stdout(io.StringIO()):
            parsed = edtf.parse_edtf(text)
    except Exception:  # edtf raises several exception types on bad input
        if re.search(r"\d{5}|^-\d", text):
            return _Refused(_years_message(text))
        return _Refused(None)
    if "^" in text:  # 1965-21^x: edtf reads the season and drops the qualifier
        return _Refused(
            f"{text!r}: a season qualifier (^…) is not supported; write the season alone "
            f"({text.partition('^')[0]}) and put the note in the description"
        )
    return _read_parsed(parsed, text)


def _read_parsed(parsed, text: str) -> _Point | _Refused:
    """A :class:`_Point` from an edtf object of one date, or why it is refused."""
    from edtf import (
        DateAndTime,
        LongYear,
        MultipleDates,
        OneOfASet,
        Season,
        UncertainOrApproximate,
        Unspecified,
    )
    from edtf.parser.parser_classes import Date

    if isinstance(parsed, LongYear):  # Y170000002, Y17E7: five digits or more
        return _Refused(_years_message(text))
    if isinstance(parsed, DateAndTime):
        return _Refused(
            f"{text!r}: a time of day is not supported; write the day alone "
            f"({text.partition('T')[0]})"
        )
    if isinstance(parsed, OneOfASet | MultipleDates):
        return _Refused(
            f"{text!r}: sets of dates ([…] one of, {{…}} all of) are not supported; write "
            "the interval that covers them (1667/1672) and list the dates in the description"
        )
    core = parsed.date if isinstance(parsed, UncertainOrApproximate) else parsed
    if not isinstance(core, Date):
        return _Refused(f"{text!r}: this EDTF form is not supported; write a date or an interval")
    if "S" in text:  # 1950S2; a season drops the digits (1950S2-24 read as 1950-24)
        return _Refused(
            f"{text!r}: significant digits (S…) are not supported; write unspecified digits "
            "(19XX) or an approximate year (1950~)"
        )
    lower, upper = parsed.lower_strict(), parsed.upper_strict()
    if not dt.MINYEAR <= lower.tm_year <= upper.tm_year <= dt.MAXYEAR:
        return _Refused(_years_message(text))
    try:
        # edtf accepts 29 February of any year (1900-02-29), which is no calendar date
        lower = dt.date(lower.tm_year, lower.tm_mon, lower.tm_mday)
        upper = dt.date(upper.tm_year, upper.tm_mon, upper.tm_mday)
    except ValueError:
        return _Refused(
            f"{text!r} is not an EDTF date: that day is not in the calendar (check the "
            "number of days of the month, and 29 February in leap years only)"
        )
    approximate = parsed.is_approximate or parsed.is_uncertain_and_approximate
    uncertain = parsed.is_uncertain or parsed.is_uncertain_and_approximate
    year, month, day = core.year, None, None
    if isinstance(core, Season):
        season = int(core.season)
        return _Point(lower, upper, SEASON, int(year), None, None, season, approximate, uncertain)
    month, day = core.month, core.day
    if isinstance(core, Unspecified):
        if "X" in year:
            if month is not None or not _TRAILING_X_YEAR.match(year):
                return _Refused(_unspecified_message(text))
            precision = _YEAR_X_PRECISION[year.count("X")]
            return _Point(
                lower, upper, precision, int(year.replace("X", "0")), None, None, None,
                approximate, uncertain,
            )  # fmt: skip
        if month == "XX":
            if day not in (None, "XX"):
                return _Refused(_unspecified_message(text))
            month = day = None
        elif day == "XX":
            day = None
        if "X" in (month or "") + (day or ""):
            return _Refused(_unspecified_message(text))
    precision = DAY if day else MONTH if month else YEAR
    month = int(month) if month else None
    day = int(day) if day else None
    return _Point(lower, upper, precision, int(year), month, day, None, approximate, uncertain)


def _unspecified_message(text: str) -> str:
    return (
        f"{text!r}: unspecified digits (X) are supported only at the end of a year "
        "(196X, 19XX) or for a whole month or day (1965-XX, 1965-12-XX); write an "
        "interval instead (1905/1995)"
    )


def _explain(text: str) -> str:
    return (
        f"{text!r} is not an EDTF date; write a year (1959), a month (1965-12), a day "
        "(1955-04-25), an interval (1964/1972, 1965-12/, 2025/..) or add ~ for "
        "'approximately' (1955~)"
    )


#: Interval ends repeat far more than whole dates (the events of 100,000 sites: 56,000
#: distinct intervals, 12,000 distinct ends): :func:`_point` remembers this many plain
#: ends' points (immutable tuples of a few hundred bytes each).
POINT_CACHE_SIZE = 1 << 14
_cached_fast_point = functools.lru_cache(maxsize=POINT_CACHE_SIZE)(_fast_point)


def _point(text: str, whole: str) -> _Point:
    """One date of ``whole`` (the date itself or an interval end), or EdtfError."""
    point = _cached_fast_point(text) or _edtf_point(text)
    if isinstance(point, _Refused):
        if point.message is None:
            raise EdtfError(_explain(whole))
        raise EdtfError(point.message if whole == text else f"{whole!r}: {point.message}")
    return point


def _parts(text: str) -> tuple[_Point | str, _Point | str | None]:
    """``(point, None)`` for one date, ``(start, end)`` for an interval.

    An interval end is a :class:`_Point`, :data:`OPEN` or :data:`UNKNOWN`.
    """
    if not isinstance(text, str) or not text.strip() or len(text) > EDTF_MAX_LENGTH:
        raise EdtfError(_explain(text if isinstance(text, str) else str(text)))
    text = text.strip()
    if "/" not in text:
        return _point(text, text), None
    start, _, end = text.partition("/")
    if "/" in end or (start in (OPEN, UNKNOWN) and end in (OPEN, UNKNOWN) and text != ONGOING):
        raise EdtfError(_explain(text))
    if start not in (OPEN, UNKNOWN):
        start = _point(start, text)
    if end not in (OPEN, UNKNOWN):
        end = _point(end, text)
    if isinstance(start, _Point) and isinstance(end, _Point) and start.lower > end.upper:
        raise EdtfError(f"{text!r} ends before it starts; swap the two dates")
    return start, end


def parse_edtf(text: str) -> EdtfDate:
    """Parse an EDTF string into an :class:`EdtfDate`.

    Raises
    ------
    EdtfError
        When ``text`` is not valid EDTF, or a form this project refuses (see the
        module docstring); the message says what to write instead.

    Examples
    --------
    >>> parse_edtf("1965-12/").upper is None
    True
    >>> parse_edtf("1955-02-30")
    Traceback (most recent call last):
    ...
    heritage_mapper.dates.EdtfError: '1955-02-30' is not an EDTF date; ...
    """
    point = _fast_point(text) if type(text) is str else None
    if point is not None:  # the common case, without the checks a plain date passes
        return EdtfDate(text, point[0], point[1], False, point[7], point[8])
    closed = _fast_interval(text) if type(text) is str else None
    return closed if closed is not None else _read_parts(text)


def _fast_interval(text: str) -> EdtfDate | None:
    """A closed interval of two plain dates (``1964/1972``, ``1965-12~/1966-03``) read
    without the checks of :func:`_parts`, which such a text passes.

    None for any other text: then :func:`_read_parts` decides, refusals included (an
    interval that ends before it starts, an open or unknown end, spaces). Where this
    returns a date, it equals :func:`_read_parts`'s (a property test checks it). The
    events of 100,000 sites hold 56,000 distinct intervals, nearly all of this form.

    Examples
    --------
    >>> _fast_interval("1964/1972~").upper, _fast_interval("1964/..") is None
    (datetime.date(1972, 12, 31), True)
    """
    start, slash, end = text.partition("/")
    if not slash:
        return None
    first, last = _cached_fast_point(start), _cached_fast_point(end)  # (a "/" fails)
    if first is None or last is None or first.lower > last.upper:
        return None
    approximate = first.approximate or last.approximate
    return EdtfDate(
        text, first.lower, last.upper, True, approximate, first.uncertain or last.uncertain
    )


def _read_parts(text: str) -> EdtfDate:
    """:func:`parse_edtf`'s reading of any text, through :func:`_parts`."""
    start, end = _parts(text)
    text = text.strip()
    if end is None:
        return EdtfDate(text, start.lower, start.upper, False, start.approximate, start.uncertain)
    lower = start.lower if isinstance(start, _Point) else None
    upper = end.upper if isinstance(end, _Point) else None
    ends = [p for p in (start, end) if isinstance(p, _Point)]
    approximate = any(p.approximate for p in ends)
    uncertain = any(p.uncertain for p in ends)
    return EdtfDate(text, lower, upper, True, approximate, uncertain)


# -- labels ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _labels(chain: tuple[str, ...]) -> Mapping[str, object]:
    return i18n.labels(CATALOGUE, chain)


def _ordinal(n: int, suffixes: Mapping[str, str]) -> str:
    """``n`` with the suffix of its longest ending in ``suffixes`` (21 → "21st" in en)."""
    digits = str(n)
    for ending in (digits[-2:], digits[-1:], ""):
        if ending in suffixes:
            return digits + suffixes[ending]
    return digits


def _point_label(point: _Point, labels: Mapping[str, object]) -> str:
    """The label of one date, from its parsed parts and the catalogue ``labels``."""
    precision = point.precision
    values: dict[str, object] = {"y": point.year}
    if precision == SEASON:
        label = labels["seasons"][str(point.season)].format(**values)
    elif precision in (DECADE, CENTURY, MILLENNIUM):
        span = 10 if precision == DECADE else 100 if precision == CENTURY else 1000
        n = point.year // span + 1
        values.update(n=n, nth=_ordinal(n, labels["ordinal_suffixes"]), last=point.year + span - 1)
        label = labels[precision].format(**values)
    elif precision == YEAR:
        label = labels["year"].format(**values)
    else:
        values.update(m=point.month, month=labels["months"][point.month - 1])
        if precision == DAY:
            values["d"] = labels["day_numbers"].get(str(point.day), point.day)
        label = labels[precision].format(**values)
    if point.approximate:
        label = labels["about"].format(label)
    if point.uncertain:
        label = labels["uncertain"].format(label)
    return label


def format_edtf(text: str, lang: str = "vi", *, fallbacks: tuple[str, ...] = ()) -> str:
    """A reader-friendly label for an EDTF string in ``lang``.

    The labels come from the ``dates`` catalogue along ``(lang, *fallbacks)`` by the
    one rule of :func:`heritage_mapper.i18n.labels` (English last). An interval whose
    two ends read the same is read once (``1965-12/1965-12`` → "December 1965"), and
    two plain days or months of one year share their month and year ("1–5 August
    1964", "August–December 1964"). Each kind of missing end reads as what it is: an
    unknown start or end (empty) says it is unknown, an open start (``../``) reads
    "until", an open end (``/..``) "since … (still today)".

    Raises
    ------
    EdtfError
        When ``text`` does not parse (:func:`parse_edtf`).

    Examples
    --------
    >>> format_edtf("1955-04-25", "en")
    '25 April 1955'
    >>> format_edtf("1955-04-01", "fr")
    '1er avril 1955'
    >>> format_edtf("1964/1972", "vi")
    '1964–1972'
    >>> format_edtf("1964-08-01/1964-08-05", "en"), format_edtf("1965-12/1965-12", "vi")
    ('1–5 August 1964', 'tháng 12/1965')
    >>> format_edtf("1883/..", "en"), format_edtf("../2025", "en")
    ('since 1883', 'until 2025')
    >>> format_edtf("/2025", "en"), format_edtf("1883/", "en")
    ('start unknown – 2025', '1883 – end unknown')
    >>> format_edtf("/..", "vi")
    'chưa rõ thời điểm bắt đầu, vẫn còn đến nay'
    """
    start, end = _parts(text)
    return _parts_label(start, end, _labels((lang, *fallbacks)))


def format_edtf_table(texts, chains) -> dict[str, tuple[str, ...]]:
    """:func:`format_edtf` of each distinct text of ``texts`` in each language chain of
    ``chains`` (``(lang, *fallbacks)`` tuples): text → its labels, in ``chains`` order.

    Each distinct text is parsed once for all the chains, not once per label (a
    national layer has a hundred thousand distinct dates, each labelled in every
    language by several writers). Empty texts and ``None`` are left out.

    Raises
    ------
    EdtfError
        When a text does not parse (:func:`parse_edtf`).

    Examples
    --------
    >>> format_edtf_table(["1965-12", "1883/..", "1965-12", ""], [("vi", "en"), ("en",)])
    {'1965-12': ('tháng 12/1965', 'December 1965'), '1883/..': ('từ 1883 đến nay', 'since 1883')}
    """
    catalogues = [_labels(tuple(chain)) for chain in chains]
    table = {}
    for text in dict.fromkeys(texts):
        if text:
            start, end = _parts(text)
            table[text] = tuple(_parts_label(start, end, labels) for labels in catalogues)
    return table


def _parts_label(start, end, labels: Mapping[str, object]) -> str:
    """:func:`format_edtf`'s label of a text read by :func:`_parts` into ``start, end``."""
    if end is None:
        return _point_label(start, labels)
    if not isinstance(start, _Point):
        if end == OPEN:  # /.. (the only interval without a date)
            return labels["unknown_ongoing"]
        key = "until" if start == OPEN else "unknown_start"
        return labels[key].format(_point_label(end, labels))
    if end == OPEN:
        return labels["since"].format(_point_label(start, labels))
    if end == UNKNOWN:
        return labels["unknown_end"].format(_point_label(start, labels))
    return _range_label(start, end, labels)


def _range_label(start: _Point, end: _Point, labels: Mapping[str, object]) -> str:
    """Two dates as one span: once when they read the same, sharing month and year."""
    first, last = _point_label(start, labels), _point_label(end, labels)
    if first == last:
        return first
    shared = _shared_span_label(start, end, labels)
    if shared is not None:
        return shared
    # a spaced dash when an end has spaces of its own ("July 1954 – 25 April 1955")
    key = "range_spaced" if " " in first + last else "range"
    return labels[key].format(first, last)


def _shared_span_label(start: _Point, end: _Point, labels: Mapping[str, object]) -> str | None:
    """Two plain days or months of one year, written with their year (and month) once.

    None for anything else: other precisions, other years, or a qualifier, whose
    scope a shared label would blur ("about 1–5 August" about which end?).
    """
    qualified = start.approximate or start.uncertain or end.approximate or end.uncertain
    if qualified or start.year != end.year or start.precision != end.precision:
        return None
    if start.precision not in (DAY, MONTH):
        return None
    months = labels["months"]
    values = {
        "y": start.year,
        "m1": start.month,
        "m2": end.month,
        "month1": months[start.month - 1],
        "month2": months[end.month - 1],
    }
    if start.precision == MONTH:
        return labels["month_span"].format(**values)
    days = labels["day_numbers"]
    values.update(d1=days.get(str(start.day), start.day), d2=days.get(str(end.day), end.day))
    key = "day_span" if start.month == end.month else "day_span_months"
    return labels[key].format(**values)


def span_holds(span: tuple[int | None, int | None], year: int) -> bool:
    """Whether a span of years (:func:`year_span`'s ``(first, last)``, None for an open
    end) holds ``year``: the one test for "this era holds this year" that validation's
    ``event-outside-eras`` and the story page's eras share.

    Examples
    --------
    >>> span_holds((1964, 1972), 1965), span_holds((None, 1950), 1951)
    (True, False)
    >>> span_holds((2021, None), 2030)
    True
    """
    start, end = span
    return (start is None or start <= year) and (end is None or year <= end)


def span_within(
    span: tuple[int | None, int | None], bounds: tuple[int, int] | list[int]
) -> tuple[int, int] | None:
    """The part of a span of years (as in :func:`span_holds`) within ``bounds``
    (``[first, last]``), or None when they do not overlap: an era's years on a page, as
    its era button and its story step count them.

    Examples
    --------
    >>> span_within((1964, 1972), (1930, 1966)), span_within((None, 1950), (1955, 1975))
    ((1964, 1966), None)
    >>> span_within((1975, None), (1930, 2020))
    (1975, 2020)
    """
    first, last = bounds
    start, end = span
    start = first if start is None else max(start, first)
    end = last if end is None else min(end, last)
    return (start, end) if start <= end else None


def year_span(text: str) -> tuple[int | None, int | None] | None:
    """The years ``text`` is known to cover, as a year filter reads it.

    ``(first, last)``: ``None`` for an open end (``../1950`` has no first year,
    ``1950/..`` no last one: it still holds today). An unknown end is no bound at
    all, so only the known end's years count (``/2025`` and ``2025/`` give
    ``(2025, 2025)``: nothing says the span held before or after). ``/..`` (start
    unknown, still today) has no known year: ``None``, and a filter shows it for
    "today" only.

    Examples
    --------
    >>> year_span("1964/1972"), year_span("1965-12/"), year_span("../2025")
    ((1964, 1972), (1965, 1965), (None, 2025))
    >>> year_span("1883/.."), year_span("/..") is None
    ((1883, None), True)
    """
    start, end = _parts(text)
    if end is None:
        return start.lower.year, start.upper.year
    if not isinstance(start, _Point):
        if end == OPEN:
            return None
        return (None if start == OPEN else end.lower.year), end.upper.year
    if end == OPEN:
        return start.lower.year, None
    if end == UNKNOWN:
        return start.lower.year, start.upper.year
    return start.lower.year, end.upper.year


def present_year(texts) -> int | None:
    """The data's present: the latest year in which one of the EDTF ``texts`` starts.

    A date's first known year (its end's, when the start is open or unknown: ``/2025``
    had happened by 2025) says something had happened by then; a later end may be a
    plan (``2025/2030``), so it does not count. ``None`` and ``/..`` are skipped; None
    when no text has a year. Derived from the data alone, so the same for every build.

    Examples
    --------
    >>> present_year(["1964/1972", "2025/2030", "/..", None, "../2021"])
    2025
    """
    years = []
    for text in dict.fromkeys(texts):
        span = year_span(text) if text else None
        if span is not None:
            years.append(span[0] if span[0] is not None else span[1])
    return max(years) if years else None


def filter_bounds(text: str, present: int | None) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day a time filter shows ``text`` for (``None``: no limit).

    The same rule as :func:`year_span`, in days, for exports read by time sliders
    (KML's ``TimeSpan``): an open end has no limit, an unknown end is the known end's
    own bound (``/2025`` → 2025-01-01 to 2025-12-31), and ``/..`` starts on the first
    day of the ``present`` year (:func:`present_year`), with no end.

    Examples
    --------
    >>> filter_bounds("/2025", 2025), filter_bounds("1959/..", 2025)
    ((datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)), (datetime.date(1959, 1, 1), None))
    >>> filter_bounds("/..", 2025)
    (datetime.date(2025, 1, 1), None)
    """
    start, end = _parts(text)
    if end is None:
        return start.lower, start.upper
    if not isinstance(start, _Point):
        if end == OPEN:
            return (dt.date(present, 1, 1) if present else None), None
        return (None if start == OPEN else end.lower), end.upper
    if end == OPEN:
        return start.lower, None
    if end == UNKNOWN:
        return start.lower, start.upper
    return start.lower, end.upper
