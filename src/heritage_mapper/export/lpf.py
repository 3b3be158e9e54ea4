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
``properties.fclasses``     the GeoNames feature class of the category
                            (:data:`CATEGORY_TYPES`; ``S`` spot, building)
``types[]``                 the category's Getty AAT concept (``identifier``,
                            ``label``) and its label in each language
                            (``sourceLabels``)
``names[]``                 one per language: ``toponym`` = ``name_<lang>``,
                            ``lang``, ``citations`` = the site's ``source_refs``
                            (``label`` = source title and paragraph)
``when.timespans``          the site's ``period`` (EDTF): ``start.in`` /
                            ``end.in`` = the bounds as ISO dates; an unknown
                            start gives ``start.latest`` (= the end, since the
                            start is no later) and the ``end``; an open or
                            unknown end is left out; ``/..`` (start unknown,
                            still there) gives ``start.latest`` = the last day
                            of the data's present year and no end;
                            ``when.label`` keeps the EDTF text
``descriptions[]``          ``description_<lang>`` with ``lang``
``geometry``                a GeometryCollection (WGS84, RFC 7946 rounding) whose
                            members carry ``certainty`` from
                            ``location_precision_m`` (:func:`certainty`)
==========================  =====================================================
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from json.encoder import encode_basestring
from typing import NamedTuple

from heritage_mapper.dates import ONGOING
from heritage_mapper.export.geojson import (
    CHUNK_FEATURES,
    geometry_mappings,
    geometry_texts,
    write_collection,
)
from heritage_mapper.export.tables import (
    DATASET_STEM,
    ExportData,
    iso_date,
    plain,
    plain_column,
)
from heritage_mapper.model import split_source_ref

__all__ = [
    "LPF_CONTEXT",
    "LPF_ID_BASE",
    "CERTAIN_MAX_M",
    "LESS_CERTAIN_MAX_M",
    "certainty",
    "CATEGORY_TYPES",
    "DEFAULT_TYPE",
    "PlaceType",
    "place_type",
    "features",
    "feature_texts",
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


class PlaceType(NamedTuple):
    """A category as World Historical Gazetteer classes places: a GeoNames feature class
    (``fclasses``) and a Getty AAT concept (``types[].identifier`` and its label)."""

    fclass: str
    aat: str
    label: str


#: Every concept is in WHG's own AAT subset for place types (LinkedPasts/linked-places-format,
#: ``aat_whg-subset.tsv``), under "sites (locations)" 300000809. GeoNames class ``S`` is
#: "spot, building, farm" (class ``P``, populated place, would claim a settlement, which a
#: rally ground, a battle position or a club is not). A category not named here gets
#: :data:`DEFAULT_TYPE`: the broad concept is true of every heritage site, a narrower one
#: would be a guess.
DEFAULT_TYPE = PlaceType("S", "aat:300000809", "sites (locations)")
CATEGORY_TYPES = {
    "historic-event-site": DEFAULT_TYPE,
    "battle-site": PlaceType("S", "aat:300000835", "battlefields"),
    "visit-site": DEFAULT_TYPE,
    "industrial-heritage": DEFAULT_TYPE,
    "living-culture": DEFAULT_TYPE,
}


def place_type(category) -> PlaceType:
    """The WHG place type of a category id (:data:`DEFAULT_TYPE` when not in the table).

    Examples
    --------
    >>> place_type("battle-site").aat, place_type("no-such-category").fclass
    ('aat:300000835', 'S')
    """
    return CATEGORY_TYPES.get(str(category), DEFAULT_TYPE)


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


def _citations(data: ExportData, refs, lang: str, cache: dict) -> list[dict]:
    """The citations of a site's ``refs`` in ``lang``. ``cache`` keeps each source's
    title and each reference's citation once made (a few sources, cited by every site):
    sites citing the same paragraph share its citation's dict."""
    citations = []
    for ref in refs or []:
        key = ("citation", str(ref), lang)
        if key not in cache:
            file_name, paragraph = split_source_ref(key[1]) or (key[1], "")
            if ("title", file_name, lang) not in cache:
                cache["title", file_name, lang] = data.source_title(file_name, lang)
            label = cache["title", file_name, lang]
            cache[key] = {"label": f"{label}, ¶{paragraph}" if paragraph else label}
        citations.append(cache[key])
    return citations


def _when(period, start: str | None, end: str | None, present: int | None) -> dict | None:
    """``when`` of a site from its ``period`` and the ISO days of its bounds."""
    span: dict = {}
    if start:
        span["start"] = {"in": start}
    elif end:
        span["start"] = {"latest": end}
    elif period == ONGOING and present is not None:
        # start unknown, still there: it had begun by the data's present, no end
        span["start"] = {"latest": f"{present:04d}-12-31"}
    if end and end != start:
        span["end"] = {"in": end}
    if not span:
        return None
    when: dict = {"timespans": [span]}
    if period:
        when["label"] = period
    return when


def _type(data: ExportData, kind: PlaceType, category) -> dict:
    entry: dict = {"identifier": kind.aat, "label": kind.label}
    spec = data.project.category(category) if category else None
    if spec is not None:  # the project's own words, only in the languages it wrote them in
        labels = [(lang, spec.label.get(lang)) for lang in data.languages]
        entry["sourceLabels"] = [{"label": text, "lang": lang} for lang, text in labels if text]
    return entry


class _Context:
    """What every feature reads besides its own row, looked up once per export: the
    languages, the data's present, the ``types`` of each category and the citations
    (each a lookup per site before)."""

    def __init__(self, data: ExportData):
        self.data = data
        self.languages = data.languages
        self.present = data.present_year()
        self.cache: dict = {}  # citations and source titles (see _citations)
        self._types: dict = {}  # category -> (its PlaceType, its types[] entry)
        self._type_texts: dict = {}  # category -> its types[] entry's JSON
        self._citation_texts: dict = {}  # (references, language) -> their citations' JSON
        self.language_texts = [(lang, _json(lang)) for lang in self.languages]

    def kind(self, category) -> tuple[PlaceType, dict]:
        if category not in self._types:
            kind = place_type(category)
            self._types[category] = kind, _type(self.data, kind, category)
        return self._types[category]

    def type_text(self, category) -> str:
        if category not in self._type_texts:
            self._type_texts[category] = _ENCODE(self.kind(category)[1])
        return self._type_texts[category]

    def citations_text(self, refs, lang: str) -> str:
        """The JSON of :func:`_citations`, made once per list of references of texts."""
        if type(refs) is not list or not all(type(ref) is str for ref in refs):
            return _ENCODE(_citations(self.data, refs, lang, self.cache))
        key = (tuple(refs), lang)
        if key not in self._citation_texts:
            citations = _citations(self.data, refs, lang, self.cache)
            self._citation_texts[key] = _ENCODE(citations)
        return self._citation_texts[key]


def _feature(context: _Context, layer_id: str, row: dict, geometry: dict | None) -> dict:
    """The LPF feature of one site: ``row`` is a row of :func:`_records` (its values
    are ``plain`` already), ``geometry`` its RFC 7946 mapping."""
    feature = _feature_head(context, layer_id, row)
    members = []
    if geometry is not None:
        level = certainty(row.get("location_precision_m"))
        members.append({**geometry, **({"certainty": level} if level else {})})
    feature["geometry"] = {"type": "GeometryCollection", "geometries": members}
    descriptions = _descriptions(context, row)
    if descriptions:
        feature["descriptions"] = descriptions
    return feature


def _feature_head(context: _Context, layer_id: str, row: dict) -> dict:
    """The members of a feature before its ``geometry``."""
    site_id = str(row["id"])
    refs = row.get("source_refs")
    names = []
    for lang in context.languages:
        toponym = row.get(f"name_{lang}")
        if toponym:
            names.append(
                {
                    "toponym": toponym,
                    "lang": lang,
                    "citations": _citations(context.data, refs, lang, context.cache),
                }
            )
    properties = {
        "title": names[0]["toponym"] if names else site_id,
        "layer": layer_id,
    }
    category = row.get("category")
    if category:
        properties["category"] = category
    kind, entry = context.kind(category)
    properties["fclasses"] = [kind.fclass]
    feature: dict = {
        "@id": LPF_ID_BASE + site_id,
        "type": "Feature",
        "properties": properties,
        "types": [entry],
    }
    start, end = iso_date(row.get("period_start")), iso_date(row.get("period_end"))
    when = _when(row.get("period"), start, end, context.present)
    if when:
        feature["when"] = when
    feature["names"] = names
    return feature


def _descriptions(context: _Context, row: dict) -> list[dict]:
    return [
        {"value": row.get(f"description_{lang}"), "lang": lang}
        for lang in context.languages
        if row.get(f"description_{lang}")
    ]


def features(data: ExportData) -> Iterator[dict]:
    """The LPF feature of each selected site, made a chunk of rows at a time (the
    geometries of a chunk in one pass: :func:`.geojson.geometry_mappings`)."""
    context = _Context(data)
    for layer_id, frame in data.layers.items():
        for start in range(0, len(frame), CHUNK_FEATURES):
            chunk = frame.iloc[start : start + CHUNK_FEATURES]
            geometries = geometry_mappings(chunk.geometry.to_numpy())
            rows = _records(chunk, skip=(chunk.geometry.name,))
            for row, geometry in zip(rows, geometries, strict=True):
                yield _feature(context, layer_id, row, geometry)


#: The encoder of :func:`write` (compact, no ASCII escapes, no NaN): stateless, shared.
_ENCODE = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode
#: The columns :func:`feature_texts` reads besides the per-language names and
#: descriptions (the others are not read into rows at all).
READ_COLUMNS = (
    "id",
    "source_refs",
    "category",
    "period",
    "period_start",
    "period_end",
    "location_precision_m",
)


def feature_texts(data: ExportData) -> Iterator[str]:
    """The JSON text of each of :func:`features`, as :func:`write` writes it, built as
    text from each value's JSON (each feature a dict encoded took most of the time):
    the geometry from its coordinates (:func:`.geojson.geometry_texts`), the parts every
    site shares (``types``, citations) encoded once. ``tests/test_export_lpf.py`` holds
    it to ``dumps(feature_collection(data))`` on hostile text."""
    context = _Context(data)
    keep = set(READ_COLUMNS)
    keep |= {f"{base}_{lang}" for base in ("name", "description") for lang in context.languages}
    for layer_id, frame in data.layers.items():
        layer = _json(layer_id)
        for start in range(0, len(frame), CHUNK_FEATURES):
            chunk = frame.iloc[start : start + CHUNK_FEATURES]
            geometries = geometry_texts(chunk.geometry.to_numpy())
            rows = _records(chunk, keep=keep, days=True)
            for row, geometry in zip(rows, geometries, strict=True):
                yield _feature_text(context, layer, row, geometry)


def _json(value) -> str:
    """``value``'s JSON text as :func:`write`'s encoder writes it inside a document."""
    return encode_basestring(value) if type(value) is str else _ENCODE(value)


def _feature_text(context: _Context, layer: str, row: dict, geometry: str) -> str:
    """:func:`_feature` as JSON text: ``layer`` is the layer id's JSON, ``row`` a row of
    :func:`_records` with ISO days, ``geometry`` the geometry's JSON (``null``: none)."""
    site_id = str(row["id"])
    refs = row.get("source_refs")
    names = []
    title = site_id
    for lang, lang_text in context.language_texts:
        toponym = row.get(f"name_{lang}")
        if toponym:
            if not names:
                title = toponym
            citations = context.citations_text(refs, lang)
            names.append(
                f'{{"toponym":{_json(toponym)},"lang":{lang_text},"citations":{citations}}}'
            )
    category = row.get("category")
    kind, entry = context.kind(category)
    properties = f'{{"title":{_json(title)},"layer":{layer}'
    if category:
        properties += f',"category":{_json(category)}'
    properties += f',"fclasses":[{_json(kind.fclass)}]}}'
    when = _when(row.get("period"), row.get("period_start"), row.get("period_end"), context.present)
    member = ""
    if geometry != "null":  # an object: its certainty goes in before its "}"
        level = certainty(row.get("location_precision_m"))
        member = f'{geometry[:-1]},"certainty":{_json(level)}}}' if level else geometry
    descriptions = [
        f'{{"value":{_json(row.get(f"description_{lang}"))},"lang":{lang_text}}}'
        for lang, lang_text in context.language_texts
        if row.get(f"description_{lang}")
    ]
    return "".join(
        (
            f'{{"@id":{_json(LPF_ID_BASE + site_id)},"type":"Feature",',
            f'"properties":{properties},"types":[{context.type_text(category)}],',
            f'"when":{_ENCODE(when)},' if when else "",
            f'"names":[{",".join(names)}],',
            f'"geometry":{{"type":"GeometryCollection","geometries":[{member}]}}',
            f',"descriptions":[{",".join(descriptions)}]}}' if descriptions else "}",
        )
    )


def _records(frame, skip: tuple = (), keep=None, days: bool = False) -> list[dict]:
    """The rows of ``frame`` as dicts without the ``skip`` columns (the geometry, read
    apart), each column read in one pass by ``plain_column``
    (``plain`` of a value it gives is that value, so ``_feature`` reads the same values
    as from ``to_dict("records")``); date columns keep their stamps, for ``iso_date``.

    Examples
    --------
    >>> import pandas as pd
    >>> _records(pd.DataFrame({"a": ["x", None], "d": pd.to_datetime(["1955-04-25", None])}))
    [{'a': 'x', 'd': Timestamp('1955-04-25 00:00:00')}, {'a': None, 'd': NaT}]
    """
    names = [c for c in frame.columns if c not in skip and (keep is None or c in keep)]
    columns = [_column_values(frame[c], days) for c in names]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def _column_values(series, days: bool = False) -> list:
    """The values of a column as :func:`_records` gives them: date stamps as they are,
    a list of texts as it is (what ``plain`` makes of it, without a call per item),
    anything else by ``plain_column``.
    """
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(series) and not days:
        return series.tolist()
    if series.dtype == object and pd.api.types.infer_dtype(series, skipna=True) == "mixed":
        values = series.tolist()
        return [
            v if type(v) is list and all(type(x) is str for x in v) else plain(v) for v in values
        ]
    return plain_column(series)


def feature_collection(data: ExportData) -> dict:
    """The LPF FeatureCollection of every selected site (:func:`write` streams it)."""
    return {"type": "FeatureCollection", "@context": LPF_CONTEXT, "features": list(features(data))}


def outputs(data: ExportData) -> list[str]:
    return [data.file_name(DATASET_STEM, EXTENSION)]


def write(data: ExportData, paths: dict) -> None:
    """Write the LPF file feature by feature: the bytes of ``dumps(feature_collection(data))``
    without the whole document in memory."""
    members = {"type": "FeatureCollection", "@context": LPF_CONTEXT}
    with open(paths[outputs(data)[0]], "wb") as file:
        write_collection(file, members, feature_texts(data))
