"""Geometry rules shared by the validator and the exports: precision and ring winding.

RFC 7946 wants exterior rings counter-clockwise and holes clockwise (section 3.1.6)
and advises no more than about 1 cm of precision (section 11.2). The validator warns
about rings that break the rule (vectorised over every ring of a layer, in
``validate/geojson.py``) and the GeoJSON export rewinds them (``export/geojson.py``);
both decide a ring's turn by :func:`ring_turn`'s rule, and a property test holds the
vectorised form to it.

Examples
--------
>>> ring_turn([[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]])
1
>>> ring_turn([[0, 0], [0, 1], [1, 1], [0, 0]])
-1
>>> ring_turn([[0, 0], [1, 1], [2, 2], [0, 0]])
0
"""

from __future__ import annotations

__all__ = ["RFC7946_MAX_DECIMALS", "WINDING_TOLERANCE", "ring_turn"]

#: Seven decimals of a degree are about 1 cm; RFC 7946 section 11.2 advises fewer.
RFC7946_MAX_DECIMALS = 7
#: A ring whose doubled signed area is at most this share of the sum of its terms'
#: magnitudes has no usable orientation (it is degenerate, or lost in rounding).
WINDING_TOLERANCE = 1e-9


def ring_turn(ring) -> int:
    """The turn of a closed ring: 1 counter-clockwise, -1 clockwise, 0 none usable.

    The shoelace sum is taken relative to the ring's first position, which keeps the
    terms small (and the sum exact enough) far from the origin.
    """
    x0, y0 = ring[0][0], ring[0][1]
    area2 = scale = 0.0
    for (x1, y1, *_), (x2, y2, *_) in zip(ring, ring[1:], strict=False):
        a = (x1 - x0) * (y2 - y0)
        b = (x2 - x0) * (y1 - y0)
        area2 += a - b
        scale += abs(a) + abs(b)
    if abs(area2) <= WINDING_TOLERANCE * scale:
        return 0
    return 1 if area2 > 0 else -1
