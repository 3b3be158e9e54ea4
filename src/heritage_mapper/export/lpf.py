"""Linked Places Format (LPF) v1.1, the JSON-LD used by the World Historical Gazetteer.

The mapping (also in the README):

==========================  =====================================================
LPF                         heritage-mapper
==========================  =====================================================
``@context``                :data:`LPF_CONTEXT`
``@id``                     :data:`LPF_ID_BASE` + site id (replace the base with
                            your published address before uploading)
``properties.title``        name in the default language
``properties.layer``,       layer id and category (extra properties; LPF allows
``properties.category``     any)
``names[]``                 one per language: ``toponym`` = ``name_<lang>``,
                            ``lang``, ``citations`` = the site's ``source_refs``
                            (``label`` = source title and paragraph)
``when.timespans``          the site's ``period`` (EDTF): ``start.in`` /
                            ``end.in`` = the bounds as ISO dates; an unknown
                            start gives ``start.latest``; an open or unknown end
                            is left out; ``when.label`` keeps the EDTF text
``descriptions[]``          ``description_<lang>`` with ``lang``
``geometry``                a GeometryCollection (WGS84, RFC 7946 rounding) whose
                            members carry ``certainty`` from
                            ``location_precision_m`` (:func:`certainty`)
==========================  =====================================================
"""

from __future__ import annotations

from heritage_mapper.export.geojson import dumps, geometry_mapping
from heritage_mapper.export.tables import DATASET_STEM, ExportData, iso_date, plain
from heritage_mapper.model import SOURCE_REF_SEPARATOR

__all__ = [
    "LPF_CONTEXT",
    "LPF_ID_BASE",
    "CERTAIN_MAX_M",
    "LESS_CERTAIN_MAX_M",
    "certainty",
    "feature_collection",
    "outputs",
    "write",
]

LPF_CONTEXT = (
    "https://raw.githubusercontent.com/LinkedPasts/linked-places/master/"
    "linkedplaces-context-v1.1.jsonld"
)
LPF_ID_BASE = "https://heritage-mapper.example/places/"
CERTAIN_MAX_M = 100.0  # a building or a marked spot
LESS_CERTAIN_MAX_M = 2000.0  # a village, a ward, a commune
EXTENSION = ".lpf.json"


def certainty(precision_m) -> str | None:
    """LPF geometry certainty from a location precision radius in metres.

    ``certain`` up to 100 m, ``less-certain`` up to 2,000 m, ``uncertain`` beyond;
    ``None`` when the precision is unknown.

    Examples
    --------
    >>> certainty(50), certainty(1500), certainty(10000), certainty(None)
    ('certain', 'less-certain', 'uncertain', None)
    """
    value = plain(precision_m)
    if value is None:
        return None
    if value <= CERTAIN_MAX_M:
        return "certain"
    if value <= LESS_CERTAIN_MAX_M:
        return "less-certain"
    return "uncertain"


def _citations(data: ExportData, refs, lang: str) -> list[dict]:
    citations = []
    for ref in plain(refs) or []:
        file_name, _, paragraph = str(ref).partition(SOURCE_REF_SEPARATOR)
        label = data.source_title(file_name, lang)
        citations.append({"label": f"{label}, ¶{paragraph}" if paragraph else label})
    return citations


def _when(row) -> dict | None:
    period = plain(row.get("period"))
    start, end = iso_date(row.get("period_start")), iso_date(row.get("period_end"))
    span: dict = {}
    if start:
        span["start"] = {"in": start}
    elif end:
        span["start"] = {"latest": end}
    if start and end and end != start:
        span["end"] = {"in": end}
    if not span:
        return None
    when: dict = {"timespans": [span]}
    if period:
        when["label"] = period
    return when


def _feature(data: ExportData, layer_id: str, row: dict) -> dict:
    site_id = str(row["id"])
    refs = row.get("source_refs")
    names = []
    for lang in data.languages:
        toponym = plain(row.get(f"name_{lang}"))
        if toponym:
            names.append(
                {"toponym": toponym, "lang": lang, "citations": _citations(data, refs, lang)}
            )
    properties = {
        "title": names[0]["toponym"] if names else site_id,
        "layer": layer_id,
    }
    if plain(row.get("category")):
        properties["category"] = plain(row.get("category"))
    feature: dict = {
        "@id": LPF_ID_BASE + site_id,
        "type": "Feature",
        "properties": properties,
    }
    when = _when(row)
    if when:
        feature["when"] = when
    feature["names"] = names
    geometry = geometry_mapping(row.get("geometry"))
    members = []
    if geometry is not None:
        level = certainty(row.get("location_precision_m"))
        members.append({**geometry, **({"certainty": level} if level else {})})
    feature["geometry"] = {"type": "GeometryCollection", "geometries": members}
    descriptions = [
        {"value": plain(row.get(f"description_{lang}")), "lang": lang}
        for lang in data.languages
        if plain(row.get(f"description_{lang}"))
    ]
    if descriptions:
        feature["descriptions"] = descriptions
    return feature


def feature_collection(data: ExportData) -> dict:
    """The LPF FeatureCollection of every selected site."""
    features = [
        _feature(data, layer_id, row)
        for layer_id, frame in data.layers.items()
        for row in frame.to_dict("records")
    ]
    return {"type": "FeatureCollection", "@context": LPF_CONTEXT, "features": features}


def outputs(data: ExportData) -> list[str]:
    return [data.file_name(DATASET_STEM, EXTENSION)]


def write(data: ExportData, paths: dict) -> None:
    paths[outputs(data)[0]].write_bytes(dumps(feature_collection(data)))
