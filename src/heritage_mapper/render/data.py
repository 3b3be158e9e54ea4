"""Compact page records: what a map page embeds, once, as JSON.

The page builds its markers, list and popups in the browser from these records, so
the HTML grows by a few hundred bytes per site and per event rather than by a
rendered popup per site. Records are columnar (one array per field), so no key is
repeated per site, and no feature carries a bounding box.

Every rule that needs deciding is decided here, in Python, where it is tested:

- coordinates are rounded to the decimals the site's ``location_precision_m``
  supports (:func:`coordinate_decimals`);
- search keys are folded by :func:`fold_for_search`, which ``app.js`` mirrors for the
  query;
- dates are labelled by :func:`heritage_mapper.dates.format_edtf` in every page
  language, so the page never parses EDTF;
- the time filter works on plain integer years of the EDTF bounds (``None`` = open).
  A site shows when one of its events overlaps the chosen years; a site with no
  events is filtered by its own ``period`` instead;
- events that name no site concern the whole region: they make the page's **region
  timeline** (:func:`region_event_ids`), in the same order as a site's timeline
  (:func:`heritage_mapper.join.timeline_order`) and filtered by the same years.
  Every page shows all of them, the layer pages too: they are tied to no site, so
  to no layer, and they are the context every layer's story sits in. They share the
  ``events`` columns with the site events (``region`` holds their indexes), so a
  region event is drawn by the same code as a popup's;
- the year range runs from the first to the last year of every event on the page,
  site and region events alike (and the periods of sites with no events).

Examples
--------
>>> fold_for_search("  Đảo Tuần  Châu ")
'dao tuan chau'
>>> coordinate_decimals(1500), coordinate_decimals(1)
(3, 5)
>>> embed_json({"name": "</script>"})
'{"name":"\\\\u003c/script\\\\u003e"}'
"""

from __future__ import annotations

import json
import math
import unicodedata

from heritage_mapper.dates import format_edtf

__all__ = [
    "coordinate_decimals",
    "embed_json",
    "fold_for_search",
    "page_languages",
    "page_records",
    "region_event_ids",
    "site_event_ids",
]

METRES_PER_DEGREE = 111_320  # one degree of latitude, and of longitude at the equator
ROUNDING_SHARE = 10  # the rounding step stays below a tenth of the stated precision
MAX_DECIMALS = 5  # about 1 m; RFC 7946 recommends no more than 6
MIN_DECIMALS = 1
PRECISION_DIGITS = 1  # location_precision_m is shown to 0.1 m at most
FALLBACK_LANGUAGE = "en"
POINT_TYPE_ID = 0  # shapely.get_type_id of a Point
SEARCH_SEPARATOR = "\n"  # between the names of one site in its search key
# Characters that must not appear raw inside <script>: the HTML parser would end or
# confuse the element (<, >, &), and old JavaScript engines end lines at U+2028/9.
_SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_SCRIPT_TABLE = str.maketrans(_SCRIPT_ESCAPES)


def fold_for_search(text: str) -> str:
    """Fold text for diacritic-insensitive search: what ``app.js`` does to the query.

    NFD, drop every combining mark (Unicode category M), map ``đ``/``Đ`` to
    ``d``/``D`` (NFD does not decompose them), lower-case, and collapse white space.

    Examples
    --------
    >>> fold_for_search("Cửa Ông")
    'cua ong'
    >>> fold_for_search("Nam Hòa") == fold_for_search("nam hoa")
    True
    """
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    bare = bare.replace("đ", "d").replace("Đ", "D").lower()
    return " ".join(bare.split())


def coordinate_decimals(precision_m: float | None) -> int:
    """Decimals of a degree worth keeping for a point known to ``precision_m`` metres.

    The rounding step (``10**-d`` degrees, about ``111,320 * 10**-d`` m) is kept below a
    tenth of the precision, between one and five decimals.

    Examples
    --------
    >>> [coordinate_decimals(m) for m in (100_000, 10_000, 1000, 100, None)]
    [2, 3, 4, 5, 5]
    """
    if precision_m is None or not precision_m > 0 or math.isnan(precision_m):
        return MAX_DECIMALS
    needed = math.ceil(math.log10(METRES_PER_DEGREE * ROUNDING_SHARE / precision_m))
    return min(max(needed, MIN_DECIMALS), MAX_DECIMALS)


def embed_json(value) -> str:
    """Compact, sorted JSON that is safe as the text of a ``<script>`` element.

    ``<``, ``>``, ``&`` and U+2028/U+2029 only occur inside JSON strings, where their
    ``\\uXXXX`` escapes mean the same, so ``JSON.parse`` gives back the same value.
    """
    text = json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )
    return text.translate(_SCRIPT_TABLE)


def page_languages(project, messages: dict) -> tuple[list[str], str]:
    """The project's languages that the page has labels for, and the default one."""
    languages = [lang for lang in project.languages if lang in messages] or [FALLBACK_LANGUAGE]
    default = project.default_language
    return languages, default if default in languages else languages[0]


def site_event_ids(geodata) -> dict[str, list[str]]:
    """Site id → ids of its events in timeline order (every site has an entry).

    The light form of :func:`heritage_mapper.join.site_timelines`: ids, not one
    DataFrame per site, so it stays fast for 100,000 sites.
    """
    from heritage_mapper.join import event_site_links, timeline_order

    position = {event_id: i for i, event_id in enumerate(timeline_order(geodata.events)["id"])}
    by_site: dict[str, list[str]] = {site_id: [] for site_id in geodata.sites["id"]}
    links = event_site_links(geodata.events)
    for event_id, site_id in zip(links["event_id"], links["site_id"], strict=True):
        by_site.setdefault(site_id, []).append(event_id)
    return {site_id: sorted(ids, key=position.__getitem__) for site_id, ids in by_site.items()}


def region_event_ids(events) -> list[str]:
    """Ids of the events that name no site, in timeline order: the region timeline.

    Examples
    --------
    >>> import pandas as pd
    >>> events = pd.DataFrame(
    ...     {
    ...         "id": ["late", "at-a-site", "early"],
    ...         "site_ids": [[], ["a"], []],
    ...         "date_start": pd.to_datetime(["2025-01-01", "1955-04-25", "1954-07-20"]),
    ...         "date_end": pd.to_datetime(["2025-12-31", "1955-04-25", "1954-07-20"]),
    ...     }
    ... )
    >>> region_event_ids(events)
    ['early', 'late']
    """
    from heritage_mapper.join import event_site_links, timeline_order

    linked = set(event_site_links(events)["event_id"])
    return [str(e) for e in timeline_order(events)["id"] if str(e) not in linked]


def page_records(geodata, layer_ids, *, event_ids, languages, region_ids=None) -> dict:
    """The records of one page: its sites, their events, the region's, and their sources.

    Parameters
    ----------
    geodata
        A loaded :class:`~heritage_mapper.geodata.Geodata`.
    layer_ids
        The layers shown on the page, in project order.
    event_ids
        :func:`site_event_ids` of the whole geodata.
    languages
        The page languages; every text field gets one array per language.
    region_ids
        :func:`region_event_ids` of the whole geodata; computed when not given.

    Returns
    -------
    dict
        ``layers``, ``categories``, ``sources``, ``sites``, ``events`` (columnar, in
        timeline order: the sites' events and the region's), ``region`` (indexes
        into ``events`` of the region timeline, in order), ``bounds`` (``[[south,
        west], [north, east]]``) and ``years`` (``[first, last]`` or ``None`` when
        nothing is dated).
    """
    project = geodata.project
    layers = [spec for spec in project.layers if spec.id in set(layer_ids)]
    sites = geodata.sites[geodata.sites["layer"].isin([spec.id for spec in layers])]
    sites = sites.reset_index(drop=True)
    if region_ids is None:
        region_ids = region_event_ids(geodata.events)
    events = _used_events(geodata.events, sites["id"], event_ids, region_ids)
    sources = _SourceIndex(geodata.sources)
    event_index = {event_id: i for i, event_id in enumerate(events["id"])}
    site_columns = _site_columns(sites, layers, project, languages, sources)
    site_columns["events"] = [[event_index[e] for e in event_ids[s]] for s in sites["id"]]
    event_columns = _event_columns(events, languages, sources)
    return {
        "layers": [
            {"id": spec.id, "title": _pick(spec.title, languages), "color": spec.color}
            for spec in layers
        ],
        "categories": [
            {"id": c.id, "label": _pick(c.label, languages)} for c in project.categories
        ],
        "sources": sources.records(languages),
        "sites": site_columns,
        "events": event_columns,
        "region": [event_index[e] for e in region_ids],
        "bounds": _bounds(site_columns, project.region.bbox),
        "years": _year_span(site_columns, event_columns),
    }


def _used_events(events, site_ids, event_ids, region_ids):
    """The events of these sites and of the region, in timeline order."""
    from heritage_mapper.join import timeline_order

    wanted = {e for site_id in site_ids for e in event_ids.get(site_id, ())}
    wanted.update(region_ids)
    ordered = timeline_order(events)
    return ordered[ordered["id"].isin(wanted)].reset_index(drop=True)


def _site_columns(sites, layers, project, languages, sources) -> dict:
    import shapely

    points = _representative_points(sites.geometry.values)
    precision = [_optional_number(v) for v in sites["location_precision_m"]]
    decimals = [coordinate_decimals(p) for p in precision]
    layer_index = {spec.id: i for i, spec in enumerate(layers)}
    category_index = {c.id: i for i, c in enumerate(project.categories)}
    return {
        "id": [str(v) for v in sites["id"]],
        "lat": [round(float(y), d) for y, d in zip(shapely.get_y(points), decimals, strict=True)],
        "lon": [round(float(x), d) for x, d in zip(shapely.get_x(points), decimals, strict=True)],
        "layer": [layer_index[v] for v in sites["layer"]],
        "category": [category_index.get(str(v), -1) for v in sites["category"]],
        "precision": precision,
        "name": _localized(sites, "name", languages),
        "description": _localized(sites, "description", languages),
        "basis": _localized(sites, "location_basis", languages),
        "period": {
            lang: [format_edtf(_text(v), lang) if _text(v) else None for v in sites["period"]]
            for lang in languages
        },
        "adminThen": [_text(v) for v in sites["admin_then"]],
        "adminNow": [_text(v) for v in sites["admin_now"]],
        "refs": [sources.refs(v) for v in _column(sites, "source_refs")],
        "start": [_year(v) for v in sites["period_start"]],
        "end": [_year(v) for v in sites["period_end"]],
        "search": _search_keys(sites, languages),
    }


def _event_columns(events, languages, sources) -> dict:
    return {
        "id": [str(v) for v in events["id"]],
        "date": {lang: [format_edtf(str(d), lang) for d in events["date"]] for lang in languages},
        "start": [_year(v) for v in events["date_start"]],
        "end": [_year(v) for v in events["date_end"]],
        "title": _localized(events, "title", languages),
        "summary": _localized(events, "summary", languages),
        "source": [sources.index_of_id(_text(v)) for v in events["source_id"]],
        "paragraph": [int(v) for v in events["paragraph"]],
    }


def _representative_points(geometries):
    """Points as they are; any other geometry by a point on its surface."""
    import numpy as np
    import shapely

    geometries = np.asarray(geometries, dtype=object)
    is_point = shapely.get_type_id(geometries) == POINT_TYPE_ID
    if is_point.all():
        return geometries
    return np.where(is_point, geometries, shapely.point_on_surface(geometries))


class _SourceIndex:
    """Numbers the sources a page cites, in the order of the sources registry."""

    def __init__(self, frame):
        self._frame = frame
        self._by_id = {str(v): i for i, v in enumerate(frame["id"])} if len(frame) else {}
        self._by_file = {str(v): i for i, v in enumerate(frame["file"])} if len(frame) else {}
        self._used: dict[int, int] = {}

    def _number(self, row: int | None) -> int:
        if row is None:
            return -1
        return self._used.setdefault(row, len(self._used))

    def index_of_id(self, source_id: str | None) -> int:
        return self._number(self._by_id.get(source_id))

    def refs(self, refs) -> list[list[int]]:
        """``["file.txt#6", ...]`` → ``[[source, 6], ...]``."""
        out = []
        for ref in refs if isinstance(refs, list | tuple) else ():
            file, _, paragraph = str(ref).partition("#")
            if paragraph.isascii() and paragraph.isdigit():
                out.append([self._number(self._by_file.get(file)), int(paragraph)])
        return out

    def records(self, languages) -> list[dict]:
        """The cited sources, numbered in first-use order."""
        rows = sorted(self._used, key=self._used.__getitem__)
        frame = self._frame
        return [
            {
                "file": _text(frame["file"].iloc[row]),
                "title": {
                    lang: _text(_localized_value(frame, "title", lang, row)) for lang in languages
                },
            }
            for row in rows
        ]


def _localized(frame, base: str, languages) -> dict[str, list]:
    return {
        lang: [_text(v) for v in frame[_localized_column(frame, base, lang)]] for lang in languages
    }


def _localized_column(frame, base: str, lang: str) -> str:
    for candidate in (f"{base}_{lang}", f"{base}_{FALLBACK_LANGUAGE}", f"{base}_vi"):
        if candidate in frame:
            return candidate
    raise KeyError(f"no column {base}_{lang}")


def _localized_value(frame, base: str, lang: str, row: int):
    return frame[_localized_column(frame, base, lang)].iloc[row]


def _search_keys(sites, languages) -> list[str]:
    names = [sites[_localized_column(sites, "name", lang)] for lang in languages]
    keys = []
    for values in zip(*names, strict=True):
        folded = dict.fromkeys(fold_for_search(_text(v) or "") for v in values)
        keys.append(SEARCH_SEPARATOR.join(folded))
    return keys


def _pick(labels: dict, languages) -> dict:
    fallback = labels.get(FALLBACK_LANGUAGE) or next(iter(labels.values()), "")
    return {lang: labels.get(lang, fallback) for lang in languages}


def _column(frame, name: str):
    return frame[name] if name in frame else [None] * len(frame)


def _text(value) -> str | None:
    if value is None or (not isinstance(value, str) and _is_missing(value)):
        return None
    return str(value)


def _is_missing(value) -> bool:
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _optional_number(value) -> float | int | None:
    if value is None or _is_missing(value):
        return None
    value = round(float(value), PRECISION_DIGITS)
    return int(value) if value.is_integer() else value


def _year(value) -> int | None:
    return None if value is None or _is_missing(value) else int(value.year)


def _bounds(sites: dict, region_bbox) -> list[list[float]]:
    if not sites["lat"]:
        west, south, east, north = region_bbox
        return [[south, west], [north, east]]
    return [[min(sites["lat"]), min(sites["lon"])], [max(sites["lat"]), max(sites["lon"])]]


def _year_span(sites: dict, events: dict) -> list[int] | None:
    """First and last year of every event on the page and of the undated sites' periods."""
    undated = [i for i, ids in enumerate(sites["events"]) if not ids]
    years = [y for y in events["start"] + events["end"] if y is not None]
    years += [y for i in undated for y in (sites["start"][i], sites["end"][i]) if y is not None]
    return [min(years), max(years)] if years else None
