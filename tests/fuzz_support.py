"""Hypothesis profiles and strategies for the fuzz tests of hostile input (issue 6).

Two profiles, registered from ``conftest.py`` so that ``--hypothesis-profile`` can
name them:

- ``ci`` (the default): enough cases per target for the whole fuzz suite to run in
  well under two minutes on two cores;
- ``long``: twenty times more, for a deeper run before a release:
  ``.venv/bin/pytest tests/test_fuzz_*.py --hypothesis-profile=long``.

Each fuzz test asks for a share of the profile's ``max_examples`` with
:func:`fuzz` (cheap targets more, whole-folder validation fewer), so both
profiles keep the same proportions. ``--hypothesis-show-statistics`` prints how many
cases each target ran.

The strategies build hostile input from the real geodata: random JSON values, the
real layers with a few mutations (dropped keys, swapped types, NaN, Infinity, huge
numbers, strings where numbers belong, nested GeometryCollections, odd Unicode),
JSON text with text-level damage, very deep nesting and events CSV content.
"""

from __future__ import annotations

import copy
import csv
import functools
import io
import json
import math
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from heritage_mapper.problems import SEVERITIES, Problem
from heritage_mapper.rules import RULE_BY_CODE

GEODATA = Path(__file__).resolve().parents[1] / "geodata"

CI_PROFILE = "ci"
LONG_PROFILE = "long"
#: Cases per fuzz target in the ci profile (before each test's share).
CI_EXAMPLES = 200
#: The long profile runs this many times more cases.
LONG_FACTOR = 20
#: The long profile's bound on one case (a slow input shows up there); the ci profile
#: has none: on a loaded CI machine a 1 s case took 2.9 s once, and tests never
#: assert wall-clock times (the cost bounds are in tests/test_security_bounds.py).
FUZZ_DEADLINE_MS = 2000


def register_profiles() -> None:
    """Register the ``ci`` and ``long`` profiles and load ``ci`` as the default.

    ``--hypothesis-profile=long`` loads the other one after this runs.
    """
    settings.register_profile(
        CI_PROFILE,
        max_examples=CI_EXAMPLES,
        deadline=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    settings.register_profile(
        LONG_PROFILE,
        settings.get_profile(CI_PROFILE),
        max_examples=CI_EXAMPLES * LONG_FACTOR,
        deadline=FUZZ_DEADLINE_MS,
    )
    settings.load_profile(CI_PROFILE)


def examples(share: float) -> int:
    """This test's number of cases: ``share`` of the loaded profile's ``max_examples``."""
    return max(1, round(settings.default.max_examples * share))


def fuzz(share: float, *, reuses_fixture: bool = False) -> settings:
    """Settings for one fuzz test: ``share`` of the profile's cases.

    ``reuses_fixture`` allows a function-scoped fixture (such as ``geodata_copy``)
    that every case shares; the test must then undo what each case changes.
    """
    checks = list(settings.default.suppress_health_check)
    if reuses_fixture:
        checks.append(HealthCheck.function_scoped_fixture)
    return settings(max_examples=examples(share), suppress_health_check=checks)


def assert_findings(problems, codes, *, printable: bool = True) -> None:
    """``problems`` is a list of well-formed findings whose codes are all known.

    With ``printable`` (for findings about files), each must also survive being
    printed: its JSON form encodes as UTF-8 (a lone surrogate crashed ``click.echo``).
    Findings about Python values may quote strings that no file could hold.
    """
    assert isinstance(problems, list)
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.code in codes, problem
        assert problem.severity in SEVERITIES
        assert problem.severity in RULE_BY_CODE[problem.code].severities, problem
        assert isinstance(problem.message, str) and problem.message
        if printable:
            json.dumps(problem.as_dict(), ensure_ascii=False).encode("utf-8")


# -- values ---------------------------------------------------------------------------

HUGE_INT = 10**400  # more than a float can hold, fewer digits than int() refuses
#: JSON text of an integer with more digits than CPython converts (4300 by default).
HUGE_INT_LITERAL = "1" + "0" * 5000
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\ufeff", "\u2060")

#: Values that broke or could break a numeric or text check somewhere.
SPECIAL_VALUES = (
    math.nan,
    math.inf,
    -math.inf,
    1e308,
    -1e308,
    5e-324,
    -0.0,
    0,
    HUGE_INT,
    -HUGE_INT,
    2**63,
    2**64 + 1,
    True,
    False,
    None,
    "",
    "107.5",
    "21",
    "NaN",
    "1e400",
    "²",
    "\ud800",
    "\x00",
    "tuần-châu",
    unicodedata.normalize("NFD", "tuần-châu"),
    "đảo-\u200bcô-tô",
    "🏯",
    "x" * 100_000,
    [],
    {},
    [[]],
    [1],
    [[1, 2]],
    {"type": "Point"},
    {"type": "GeometryCollection", "geometries": []},
)

#: A fresh copy every time: a drawn list or dict may be mutated later, and a shared
#: one would carry the mutation into the next case (and grow from case to case).
special_values = st.sampled_from(SPECIAL_VALUES).map(copy.deepcopy)
#: The numbers (and booleans) among them, for positions.
special_numbers = st.sampled_from([v for v in SPECIAL_VALUES if type(v) in (int, float, bool)])

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | special_values
)
#: Any JSON value (with NaN, Infinity, huge numbers and odd text in it).
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=40,
)
#: GeoJSON-shaped values: the right keys and type names with random contents.
geojson_types = st.sampled_from(
    [
        "FeatureCollection",
        "Feature",
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
        "point",
        "Polygon ",
        "Topology",
    ]
)
geojson_keys = st.sampled_from(
    ["type", "features", "geometry", "properties", "coordinates", "geometries", "bbox", "crs", "id"]
)
geojson_like = st.recursive(
    scalars | st.lists(st.floats(-200, 200), min_size=0, max_size=4),
    lambda children: (
        st.lists(children, max_size=6)
        | st.dictionaries(geojson_keys, children | geojson_types, max_size=6)
    ),
    max_leaves=60,
)


# -- mutated real layers ----------------------------------------------------------------


def layer_names() -> list[str]:
    """The file names (without ``.geojson``) of the real layers, sorted."""
    return sorted(p.stem for p in (GEODATA / "layers").glob("*.geojson"))


@functools.cache
def _layer_texts() -> tuple[str, ...]:
    return tuple(
        (GEODATA / "layers" / f"{name}.geojson").read_text(encoding="utf-8")
        for name in layer_names()
    )


def real_layers() -> list[dict]:
    """Fresh parsed copies of the real layer files, in file name order."""
    return [json.loads(text) for text in _layer_texts()]


def _slots(root: list) -> list[tuple[object, object]]:
    """Every (container, key) in the document held by ``root`` (iteratively)."""
    slots, stack = [], [root]
    while stack:
        container = stack.pop()
        keys = list(container) if isinstance(container, dict) else range(len(container))
        for key in keys:
            slots.append((container, key))
            if isinstance(container[key], dict | list):
                stack.append(container[key])
    return slots


def _drop(draw, container, key):
    if isinstance(container, dict):
        del container[key]
    elif len(container) > 1:
        container.pop(key)


def _special(draw, container, key):
    container[key] = draw(special_values)


def _random(draw, container, key):
    container[key] = draw(json_values)


def _retype(draw, container, key):
    value = container[key]
    container[key] = draw(
        st.sampled_from(
            [str(value)[:50], [value], {"value": value}, None, len(str(value)), bool(value)]
        )
    )


def _collection(draw, container, key):
    """Wrap the value in GeometryCollections, a few or many levels deep."""
    value = container[key]
    for _ in range(draw(st.integers(1, 40))):
        sibling = draw(st.sampled_from([[], [{"type": "Point", "coordinates": [107.1, 21.1]}]]))
        value = {"type": "GeometryCollection", "geometries": [value, *copy.deepcopy(sibling)]}
    container[key] = value


def _coordinates(draw, container, key):
    """Put hostile numbers (or strings) into a position or a longer list."""
    value = container[key]
    if isinstance(value, list) and value:
        index = draw(st.integers(0, len(value) - 1))
        value[index] = draw(special_numbers | st.floats() | st.text())
    else:
        container[key] = draw(st.lists(special_numbers, max_size=4))


def _list_shape(draw, container, key):
    value = container[key]
    if isinstance(value, list):
        how = draw(st.sampled_from(["empty", "reverse", "double", "nest", "cut"]))
        container[key] = {
            "empty": [],
            "reverse": value[::-1],
            "double": value + value,
            "nest": [value],
            "cut": value[:1],
        }[how]


def _text(draw, container, key):
    """Odd Unicode in a string: NFD, zero-width characters, emoji, lone surrogates."""
    value = container[key]
    if not isinstance(value, str):
        return
    how = draw(st.sampled_from(["nfd", "zero-width", "emoji", "surrogate", "upper"]))
    if how == "nfd":
        container[key] = unicodedata.normalize("NFD", value)
    elif how == "zero-width":
        at = draw(st.integers(0, len(value)))
        container[key] = value[:at] + draw(st.sampled_from(ZERO_WIDTH)) + value[at:]
    elif how == "emoji":
        container[key] = value + "🏯\u0301"
    elif how == "surrogate":
        container[key] = value + "\udc80"
    else:
        container[key] = value.upper()


MUTATIONS = (_drop, _special, _random, _retype, _collection, _coordinates, _list_shape, _text)


SOURCE = "000_429512ba85df644f.txt"
#: Hostile values for the site properties the project rules read.
PROPERTY_VALUES = {
    "id": ("tuần-châu", "Hon-Gai", "hon-gai\u200b", "", "a" * 10_000, 7, None),
    "period": ("1955-02-30", "2025/..", "../..", "/", "1964/1972/1980", "99999", "1959~?", ""),
    "category": ("", "Industrial-Heritage", "industrial-heritage\u200b", 3),
    "location_precision_m": (0, -1, 1e400, HUGE_INT, math.nan, "3000", 100_001, True),
    "source_refs": (
        [f"{SOURCE}#²"],
        [f"{SOURCE}#١٢"],
        [f"{SOURCE}#" + "9" * 5000],
        [f"{SOURCE}#0"],
        [f"{SOURCE}#99999"],
        ["nope.txt#1"],
        ["#"],
        [f"{SOURCE}#1#2"],
        [],
        "000.txt#1",
        [None],
    ),
    "name_vi": (unicodedata.normalize("NFD", "Hòn Gai"), "", "🏯\u0301", "\u200b"),
}
#: Names for extra site properties (the schema allows any): some are also columns
#: that the loader adds to a layer's frame.
EXTRA_PROPERTY_NAMES = (
    "layer",
    "geometry",
    "period_start",
    "period_end",
    "",
    "id ",
    "ID",
    "name_vi\u200b",
    "note",
    "🏯",
)


@st.composite
def _property_mutation(draw, doc: dict) -> None:
    """A hostile value in one property of a site, or in its position."""
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        return
    feature = draw(st.sampled_from(features))
    props = feature.get("properties") if isinstance(feature, dict) else None
    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    name = draw(st.sampled_from(["coordinates", *sorted(PROPERTY_VALUES)]))
    if name == "coordinates" and isinstance(geometry, dict):
        geometry["coordinates"] = draw(st.lists(special_numbers | st.floats(), max_size=3))
    elif name != "coordinates" and isinstance(props, dict):
        props[name] = copy.deepcopy(draw(st.sampled_from(PROPERTY_VALUES[name])))


@st.composite
def mutated_layers(draw, *, sites: bool = False):
    """A real layer with one to four mutations anywhere in it.

    With ``sites``, first one to three of the site properties the project rules read
    get a hostile value, then up to two mutations go anywhere.
    """
    root = [draw(st.sampled_from(real_layers()))]
    if sites:
        for _ in range(draw(st.integers(1, 3))):
            draw(_property_mutation(root[0]))
    for _ in range(draw(st.integers(0, 2) if sites else st.integers(1, 4))):
        container, key = draw(st.sampled_from(_slots(root)))
        draw(st.sampled_from(MUTATIONS))(draw, container, key)
    return root[0]


@st.composite
def layers_with_extra_properties(draw):
    """A real layer whose sites get one to three extra properties of any JSON value."""
    doc = draw(st.sampled_from(real_layers()))
    for _ in range(draw(st.integers(1, 3))):
        feature = draw(st.sampled_from(doc["features"]))
        name = draw(st.sampled_from(EXTRA_PROPERTY_NAMES) | st.text(max_size=8))
        feature["properties"].setdefault(name, draw(json_values.filter(_finite)))
    return doc


def _finite(value) -> bool:
    """No NaN or infinity anywhere in a value (they make a file invalid JSON)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return False
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


#: Values no JSON file can hold, planted by :func:`plant_in_memory_value`: an
#: integer too long for repr() and nesting far past the recursion limit.
IN_MEMORY_LEAVES = ("keep", 1.0, "x", 10**5000, {"a": 1})
in_memory_plans = st.fixed_dictionaries(
    {
        "slot": st.integers(0, 10**6),
        "leaf": st.sampled_from(range(len(IN_MEMORY_LEAVES))),
        "depth": st.integers(0, 50_000),
        "as_dict": st.booleans(),
        "twice": st.booleans(),
    }
)


def plant_in_memory_value(doc, plan: dict):
    """Put a value from ``plan`` (drawn from ``in_memory_plans``) into ``doc``.

    Built outside the strategy: Hypothesis itself could not copy or print it.
    """
    root = [doc]
    container, key = (slots := _slots(root))[plan["slot"] % len(slots)]
    leaf = IN_MEMORY_LEAVES[plan["leaf"]]
    value = container[key] if leaf == "keep" else leaf
    for _ in range(plan["depth"]):
        value = {"v": value} if plan["as_dict"] else [value]
    container[key] = [value, value] if plan["twice"] else value
    return root[0]


def dump(doc, *, ensure_ascii: bool = False) -> str:
    """JSON text of a document, with NaN and Infinity literals where it holds them."""
    return json.dumps(doc, ensure_ascii=ensure_ascii, allow_nan=True, indent=1)


#: Number tokens a text mutation may put in place of another number.
NUMBER_LITERALS = ("NaN", "Infinity", "-Infinity", "1e400", "-1e400", HUGE_INT_LITERAL, "1E+2")


@st.composite
def damaged_text(draw, text: str) -> bytes:
    """``text`` as bytes with text-level damage a broken tool or editor might cause."""
    how = draw(
        st.sampled_from(
            ["none", "cut", "flip", "bom", "latin-1", "number", "dup-key", "nul", "crlf"]
        )
    )
    data = text.encode("utf-8", "surrogatepass")
    at = draw(st.integers(0, len(data)))
    if how == "cut":
        return data[:at]
    if how == "flip":
        return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
    if how == "bom":
        return b"\xef\xbb\xbf" + data
    if how == "latin-1":
        return text.encode("latin-1", "replace")
    if how == "number":
        digits = [i for i, c in enumerate(text) if c.isdigit() and not text[i - 1].isdigit()]
        if digits:
            i = draw(st.sampled_from(digits))
            j = i
            while j < len(text) and (text[j].isdigit() or text[j] in ".eE+-"):
                j += 1
            text = text[:i] + draw(st.sampled_from(NUMBER_LITERALS)) + text[j:]
        return text.encode("utf-8", "surrogatepass")
    if how == "dup-key":
        return text.replace('"type": ', '"type": "x", "type": ', 1).encode("utf-8", "surrogatepass")
    if how == "nul":
        return data[:at] + b"\x00" + data[at:]
    if how == "crlf":
        return data.replace(b"\n", b"\r\n")
    return data


@st.composite
def mutated_layer_bytes(draw, *, sites: bool = False):
    """A mutated real layer written as JSON text, maybe with text-level damage."""
    doc = draw(mutated_layers(sites=sites))
    return draw(damaged_text(dump(doc, ensure_ascii=draw(st.booleans()))))


JSON_ALPHABET = '[]{}",:0123456789.eE+-tfnulNaIy \n\t\\/u\u00e1\ud800'
json_like_text = st.text(alphabet=JSON_ALPHABET, max_size=200)


@st.composite
def deep_nesting(draw) -> bytes:
    """Arrays or objects nested up to 200,000 levels, closed or not, valid or not."""
    depth = draw(st.integers(1, 200_000) | st.sampled_from([63, 64, 65, 1000, 100_000]))
    opener, closer = draw(
        st.sampled_from([(b"[", b"]"), (b'{"a":', b"}"), (b'{"geometries": [', b"]}")])
    )
    inside = draw(st.sampled_from([b"", b"1", b"null", b'"["', b"NaN", b"[" * 3]))
    closed = draw(st.booleans())
    return opener * depth + inside + (closer * depth if closed else b"")


# -- events CSV -------------------------------------------------------------------------


def real_events() -> tuple[list[str], list[list[str]]]:
    """Header and rows of the real events.csv."""
    with (GEODATA / "events.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


SPECIAL_CELLS = (
    "",
    " ",
    '"',
    'a "quoted" word',
    "line\nbreak",
    "cr\rcell",
    "\x00",
    "²",
    "١٢",  # Arabic-Indic digits: str.isdigit() but not [0-9]
    "9" * 5000,
    "0",
    "-1",
    "1" * 30,
    "1955-02-30",
    "1964/1972/1980",
    "../..",
    "2025/..",
    "99999-12-31",
    "-9999",
    "1959~?%",
    "x" * 70,
    "hon-gai-rally-ground;;",
    ";",
    "tuần-châu",
    unicodedata.normalize("NFD", "hòn-gai"),
    "hon-gai-rally-ground\u200b",
    "HON-GAI-RALLY-GROUND",
    "🏯",
    "\ufeff",
    "x" * 140_000,  # over the csv module's field size limit
    "000_429512ba85df644f.txt",
    "nope.txt",
)

csv_cells = st.text(max_size=30) | st.sampled_from(SPECIAL_CELLS)
#: Hostile cells for the columns the project rules read.
COLUMN_CELLS = {
    "paragraph": ("²", "١٢", "𝟓", "9" * 5000, "0", "-1", " 5", "5\n", "1" * 30, ""),
    "date": ("1955-02-30", "../..", "/", "1964/1972/1980", "99999", "1959~?", "-0", "Y170000002"),
    "site_ids": (
        "hon-gai-rally-ground;;",
        ";",
        unicodedata.normalize("NFD", "hòn-gai"),
        "hon-gai-rally-ground\u200b",
        "HON-GAI-RALLY-GROUND",
        " hon-gai-rally-ground ; tuan-chau-fishing-village",
    ),
    "source": ("nope.txt", "", " 000_429512ba85df644f.txt", "../../etc/passwd"),
    "id": ("", "ev-1954-geneva-accords", "Ev-X", "ev\u200b"),
}


def _cell(column: str):
    return st.sampled_from(COLUMN_CELLS.get(column, SPECIAL_CELLS)) | csv_cells


@st.composite
def events_csv_bytes(draw) -> bytes:
    """events.csv content: real rows with random cells, odd headers and broken bytes."""
    header, rows = real_events()
    header = list(header)
    how = draw(st.sampled_from(["cells", "columns", "header", "random-rows", "bytes", "damage"]))
    if how == "bytes":
        return draw(st.binary(max_size=500))
    rows = [list(r) for r in draw(st.lists(st.sampled_from(rows), max_size=6))]
    if how == "columns" and rows:  # a hostile value in every column the rules read
        row = rows[draw(st.integers(0, len(rows) - 1))]
        for column, cells in COLUMN_CELLS.items():
            row[header.index(column)] = draw(st.sampled_from(cells))
    if how == "header":
        header = draw(st.permutations(header))[: draw(st.integers(0, len(header)))] + draw(
            st.lists(csv_cells, max_size=2)
        )
    for row in rows:
        for _ in range(draw(st.integers(0, 3))):
            if row:
                i = draw(st.integers(0, len(row) - 1))
                row[i] = draw(_cell(header[i] if i < len(header) else ""))
        if draw(st.integers(0, 4)) == 0:
            row[:] = row[: draw(st.integers(0, len(row) + 1))] + draw(st.lists(csv_cells))
    if how == "random-rows":
        rows += draw(st.lists(st.lists(csv_cells, max_size=12), max_size=4))
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(header)
    writer.writerows(rows)
    text = out.getvalue()
    if how != "damage":
        return text.encode("utf-8", "surrogatepass")
    return draw(
        damaged_text(text)
        | st.just(text.replace('"', "", 1).encode())
        | st.just(text.encode("cp1258", "replace"))
    )
