"""EDTF dates: parsing, bounds and natural-language labels.

Validity is decided by the ``edtf`` package (the Library of Congress Extended
Date/Time Format, levels 0-2). Bounds are computed here because ``edtf`` invents a
ten-year span for an unknown interval end (``/2025``) and fails on open ends
(``2025/..``): an open or unknown end has no bound (``None``).

Examples
--------
>>> d = parse_edtf("1964/1972")
>>> d.lower, d.upper
(datetime.date(1964, 1, 1), datetime.date(1972, 12, 31))
>>> format_edtf("1965-12", "vi"), format_edtf("1965-12", "en")
('tháng 12/1965', 'December 1965')
>>> format_edtf("1959~", "vi")
'khoảng 1959'
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass

from heritage_mapper.errors import HeritageError

__all__ = ["EdtfDate", "EdtfError", "parse_edtf", "format_edtf"]

OPEN = ".."
UNKNOWN = ""
EDTF_MAX_LENGTH = 64
MONTHS_PER_YEAR = 12
#: Distinct date strings whose parse is remembered (the parser is slow).
EDTF_CACHE_SIZE = 4096
_SIMPLE = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2}))?(?:-(?P<d>\d{2}))?(?P<q>[~?%]?)$")
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class EdtfError(HeritageError, ValueError):
    """A string is not a valid EDTF date."""


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


def _struct_to_date(value) -> dt.date:
    year = min(max(value.tm_year, dt.MINYEAR), dt.MAXYEAR)
    return dt.date(year, value.tm_mon, value.tm_mday)


def _parse_single(text: str, whole: str):
    """Parse one EDTF date (not an interval) and return (lower, upper, qualifiers).

    Plain years, months and days (with an optional ``~``, ``?`` or ``%``) are what
    curators write almost always, and a national layer has too many distinct days for
    a cache: :func:`_simple_bounds` reads them with a regular expression, with the
    same bounds as ``edtf``. Every other form, and a plain form that is not a real
    calendar date, goes to ``edtf`` (:func:`_strict_bounds`), which decides as before.
    """
    bounds = _simple_bounds(text) or _strict_bounds(text)
    if bounds is None:
        raise EdtfError(_explain(whole))
    return (
        *bounds,
        "~" in text or "%" in text,
        ("?" in text or "%" in text),
    )


def _simple_bounds(text: str) -> tuple[dt.date, dt.date] | None:
    """Bounds of ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` when a real date from year 1, else None.

    Examples
    --------
    >>> _simple_bounds("1965-12~")
    (datetime.date(1965, 12, 1), datetime.date(1965, 12, 31))
    >>> _simple_bounds("1955-02-30") is None, _simple_bounds("1964/1972") is None
    (True, True)
    """
    match = _SIMPLE.match(text)
    if match is None:
        return None
    year, month, day = int(match["y"]), match["m"], match["d"]
    if year < dt.MINYEAR:
        return None  # year 0000: edtf decides (and the bound is clamped), as before
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    m = int(month)
    if not 1 <= m <= MONTHS_PER_YEAR:
        return None
    last = calendar.monthrange(year, m)[1]
    if day is None:
        return dt.date(year, m, 1), dt.date(year, m, last)
    d = int(day)
    return (dt.date(year, m, d), dt.date(year, m, d)) if 1 <= d <= last else None


@functools.lru_cache(maxsize=EDTF_CACHE_SIZE)
def _strict_bounds(text: str) -> tuple[dt.date, dt.date] | None:
    """The ``edtf`` package's strict bounds of one date, or None if it is not EDTF.

    Cached: the parser takes milliseconds per call, and a big layer repeats the same
    few periods thousands of times.
    """
    import edtf  # heavy-ish import kept local

    try:
        parsed = edtf.parse_edtf(text)
        lower, upper = parsed.lower_strict(), parsed.upper_strict()
        # edtf accepts 29 February of any year (1900-02-29), which is no calendar date
        return _struct_to_date(lower), _struct_to_date(upper)
    except Exception:  # edtf raises several exception types on bad input
        return None


def _explain(text: str) -> str:
    return (
        f"{text!r} is not an EDTF date; write a year (1959), a month (1965-12), a day "
        "(1955-04-25), an interval (1964/1972, 1965-12/, 2025/..) or add ~ for "
        "'approximately' (1955~)"
    )


def parse_edtf(text: str) -> EdtfDate:
    """Parse an EDTF string into an :class:`EdtfDate`.

    Raises
    ------
    EdtfError
        When ``text`` is not valid EDTF; the message shows valid forms.

    Examples
    --------
    >>> parse_edtf("1965-12/").upper is None
    True
    >>> parse_edtf("1955-02-30")
    Traceback (most recent call last):
    ...
    heritage_mapper.dates.EdtfError: '1955-02-30' is not an EDTF date; ...
    """
    if not isinstance(text, str) or not text.strip() or len(text) > EDTF_MAX_LENGTH:
        raise EdtfError(_explain(text if isinstance(text, str) else str(text)))
    text = text.strip()
    if "/" not in text:
        lower, upper, approx, uncertain = _parse_single(text, text)
        return EdtfDate(text, lower, upper, False, approx, uncertain)
    start, _, end = text.partition("/")
    if "/" in end or (start in (OPEN, UNKNOWN) and end in (OPEN, UNKNOWN)):
        raise EdtfError(_explain(text))
    lower = upper = None
    approx = uncertain = False
    if start not in (OPEN, UNKNOWN):
        lower, _, a, u = _parse_single(start, text)
        approx, uncertain = approx or a, uncertain or u
    if end not in (OPEN, UNKNOWN):
        _, upper, a, u = _parse_single(end, text)
        approx, uncertain = approx or a, uncertain or u
    if lower and upper and lower > upper:
        raise EdtfError(f"{text!r} ends before it starts; swap the two dates")
    return EdtfDate(text, lower, upper, True, approx, uncertain)


_LABELS = {
    "vi": {
        "about": "khoảng {}",
        "uncertain": "{} (?)",
        "from": "từ {}",
        "until": "đến {}",
        "onwards": "từ {} đến nay",
        "month": "tháng {m}/{y}",
        "day": "{d}/{m}/{y}",
    },
    "en": {
        "about": "about {}",
        "uncertain": "{}?",
        "from": "from {}",
        "until": "until {}",
        "onwards": "{} onwards",
        "month": "{month} {y}",
        "day": "{d} {month} {y}",
    },
}


def _format_single(text: str, lang: str) -> str:
    labels = _LABELS[lang]
    match = _SIMPLE.match(text)
    if not match:
        return text  # seasons, unspecified digits and other rare forms stay as written
    y, m, d, q = match["y"], match["m"], match["d"], match["q"]
    values = {"y": y.lstrip("0") or "0"}
    if m:
        values.update(m=str(int(m)), month=_MONTHS_EN[int(m) - 1])
    if d:
        values["d"] = str(int(d))
    label = labels["day" if d else "month"].format(**values) if m else values["y"]
    if q in ("~", "%"):
        label = labels["about"].format(label)
    if q in ("?", "%"):
        label = labels["uncertain"].format(label)
    return label


def format_edtf(text: str, lang: str = "vi") -> str:
    """A reader-friendly label for an EDTF string in ``lang`` (``"vi"`` or ``"en"``).

    Examples
    --------
    >>> format_edtf("1955-04-25", "en")
    '25 April 1955'
    >>> format_edtf("1964/1972", "vi")
    '1964–1972'
    >>> format_edtf("2025/..", "en")
    '2025 onwards'
    >>> format_edtf("/2025", "vi")
    'đến 2025'
    """
    if lang not in _LABELS:
        lang = "en"
    labels = _LABELS[lang]
    if "/" not in text:
        return _format_single(text, lang)
    start, _, end = text.partition("/")
    if start in (OPEN, UNKNOWN):
        return labels["until"].format(_format_single(end, lang))
    if end == OPEN:
        return labels["onwards"].format(_format_single(start, lang))
    if end == UNKNOWN:
        return labels["from"].format(_format_single(start, lang))
    return f"{_format_single(start, lang)}–{_format_single(end, lang)}"
