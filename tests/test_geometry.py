"""Ring winding: one rule (geometry.ring_turn), used by the export and held to the
validator's vectorised check by a property test. Uses generated rings only."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from heritage_mapper.export import rewind
from heritage_mapper.geometry import ring_turn
from heritage_mapper.validate import check_document

longitude = st.floats(min_value=-179, max_value=179, allow_nan=False, allow_infinity=False)
latitude = st.floats(min_value=-89, max_value=89, allow_nan=False, allow_infinity=False)
#: Open rings of 3 to 7 positions, closed below; some nearly degenerate, some crossing
#: themselves (judged by their signed area all the same).
open_rings = st.lists(st.tuples(longitude, latitude), min_size=3, max_size=7)


def closed(positions) -> list[list[float]]:
    ring = [[round(x, 6), round(y, 6)] for x, y in positions]
    return [*ring, ring[0]]


def polygon(ring) -> dict:
    return {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def findings(ring) -> set[str]:
    return {p.code for p in check_document(polygon(ring), "ring.geojson")}


def winding_warned(ring) -> bool:
    return "geojson-winding" in findings(ring)


@settings(max_examples=300, deadline=None)
@given(open_rings)
def test_the_validator_warns_exactly_on_clockwise_exterior_rings(positions):
    ring = closed(positions)
    codes = findings(ring)
    assert ("geojson-winding" in codes) == (ring_turn(ring) == -1), codes


@settings(max_examples=300, deadline=None)
@given(open_rings)
def test_a_rewound_exterior_ring_is_never_warned_about(positions):
    ring = closed(positions)
    rewound = rewind(polygon(ring))["geometry"]["coordinates"][0]
    assert ring_turn(rewound) in (0, 1)
    assert not winding_warned(rewound)


def test_turns_of_simple_rings():
    square = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    assert ring_turn(square) == 1
    assert ring_turn(square[::-1]) == -1
    assert ring_turn([[107, 21], [107.5, 21.5], [108, 22], [107, 21]]) == 0  # a line
