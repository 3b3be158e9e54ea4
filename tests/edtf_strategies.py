"""Hypothesis strategies of EDTF-like strings: every form the grammar has (plain,
qualified, seasons, unspecified digits, sets, times, intervals with open and unknown
ends, out-of-range years) and junk. Used by test_dates.py and test_dates_build.py."""

from __future__ import annotations

from hypothesis import strategies as st

_years = st.integers(1, 9999).map("{:04d}".format) | st.sampled_from(
    ["0000", "-0500", "12000", "Y170000002", "Y-12000", "Y17E7", "1950S2"]
)
_months = st.integers(1, 12).map("{:02d}".format) | st.sampled_from(["00", "13", "XX"])
_days = st.integers(1, 28).map("{:02d}".format) | st.sampled_from(["00", "29", "30", "31", "XX"])
_qualifier = st.sampled_from(["", "", "~", "?", "%"])


@st.composite
def _single_dates(draw):
    year = draw(_years)
    kind = draw(st.sampled_from(["year", "month", "day", "season", "x-year", "partial", "odd"]))
    if kind == "year":
        text = year
    elif kind == "month":
        text = f"{year}-{draw(_months)}"
    elif kind == "day":
        text = f"{year}-{draw(_months)}-{draw(_days)}"
    elif kind == "season":
        text = f"{year}-{draw(st.integers(19, 43))}" + draw(st.sampled_from(["", "", "^x"]))
    elif kind == "x-year":
        digits = list(year[-4:])
        for i in draw(st.lists(st.integers(0, 3), max_size=4)):
            digits[i] = "X"
        text = year[:-4] + "".join(digits)
        if draw(st.booleans()):
            text += f"-{draw(_months)}"
    elif kind == "partial":  # level-2 qualifiers before or after components
        parts = [year, draw(_months), draw(_days)][: draw(st.integers(1, 3))]
        parts = [
            draw(st.sampled_from(["", "", "~", "?", "%"])) + p + draw(_qualifier) for p in parts
        ]
        return "-".join(parts)  # no qualifier after these: most would be doubled
    else:
        text = draw(
            st.sampled_from(["[1667,1668]", "{1667,1668}", "[..1760-12-03]", "1985-04-12T10:00:00"])
        )
    return text + draw(_qualifier)


_ends = _single_dates() | st.sampled_from(["", ".."])
edtf_like = st.one_of(
    _single_dates(),
    _single_dates(),
    st.builds("{}/{}".format, _ends, _ends),
    st.builds("{}/{}".format, _ends, _ends),
    st.builds("{}/{}/{}".format, _ends, _ends, _ends),
    st.text(max_size=20),
    st.text(alphabet="0123456789-/.~?%XYSE[]{},^T: ", max_size=24),
)
