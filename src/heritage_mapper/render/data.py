"""Compact page records: what a map page embeds, once, as JSON.

The embedded object (these records plus the ``page`` and ``messages`` keys that
:func:`heritage_mapper.render.render_page` adds) is described, key by key, by the JSON
Schema ``render/page-data.schema.json``, the contract between this module and the
page script (``render/static/js/``); tests validate every built page against it.

The page builds its markers, list and popups in the browser from these records, so
the HTML grows by a few hundred bytes per site and per event rather than by a
rendered popup per site. Records are columnar (one array per field), so no key is
repeated per site, and no feature carries a bounding box.

Every rule that needs deciding is decided here, in Python, where it is tested:

- coordinates are rounded to the decimals the site's ``location_precision_m``
  supports (:func:`coordinate_decimals`);
- search keys are folded by :func:`heritage_mapper.text.fold`, which the page
  script's ``fold`` (``render/static/js/text.js``) mirrors for the query;
- dates are labelled by :func:`heritage_mapper.dates.format_edtf` in every page
  language, so the page never parses EDTF;
- the time filter works on plain integer years (``None`` = open: no limit that
  side), the years each date is known to cover (:func:`heritage_mapper.dates.year_span`):
  an open start or end (``../1950``, ``1883/..``) reaches every year that side, an
  unknown one (``/2025``, ``1965-12/``) counts only the known end's years, and a date
  with no known year (``/..``: start unknown, still today) counts for the data's
  **present** year only, the latest year in which something on any page starts
  (``_present_year``). A site shows when one of its events overlaps the chosen
  years; a site with no events is filtered by its own ``period`` instead;
- events that name no site concern the whole region: they make the page's **region
  timeline** (:attr:`heritage_mapper.join.Joined.region_event_ids`), in the same
  order as a site's timeline (:func:`heritage_mapper.join.timeline_order`) and
  filtered by the same years.
  Every page shows all of them, the layer pages too: they are tied to no site, so
  to no layer, and they are the context every layer's story sits in. They share the
  ``events`` columns with the site events (``region`` holds their indexes), so a
  region event is drawn by the same code as a popup's;
- the year range runs from the first year of every event on the page, site and
  region events alike (and the periods of sites with no events), to the present
  year: a plan to 2030 does not stretch it to 2030.
  ``undated`` counts the page's sites whose only date is ``/..`` (shown for the
  present year alone), so the page can say why they leave an earlier range;
  ``eras`` are the project's named eras in those years, shortcuts for the range.

Examples
--------
>>> fold_all(["  Đảo Tuần  Châu "])
['dao tuan chau']
>>> coordinate_decimals(1500), coordinate_decimals(1)
(3, 5)
>>> embed_json({"name": "</script>"})
'{"name":"\\\\u003c/script\\\\u003e"}'
"""

from __future__ import annotations

import json
import marshal
import math
from functools import partial
from itertools import chain, pairwise

from heritage_mapper.dates import format_edtf_table, span_within, year_span
from heritage_mapper.model import split_source_ref
from heritage_mapper.text import fold_all

#: A catalogue of this many sites or more has its date labels and search keys made in
#: another process (with jobs > 1): below it, starting one costs about what it saves
#: (measured even at 2,000 and 5,000 sites, 0.1-0.3 s faster at 10,000).
PARALLEL_CATALOGUE_SITES = 5_000

__all__ = [
    "coordinate_decimals",
    "embed_data",
    "embed_json",
    "embed_page_data",
    "Catalogue",
    "page_languages",
    "page_records",
]

METRES_PER_DEGREE = 111_320  # one degree of latitude, and of longitude at the equator
ROUNDING_SHARE = 10  # the rounding step stays below a tenth of the stated precision
MAX_DECIMALS = 5  # about 1 m; RFC 7946 recommends no more than 6
MIN_DECIMALS = 1
PRECISION_DIGITS = 1  # location_precision_m is shown to 0.1 m at most
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
# Page data of this many characters of JSON or more is embedded gzip-compressed in
# base64 (a third of the size, or less, and decompressed by the browser's own
# DecompressionStream); smaller pages keep plain JSON, readable in the HTML.
COMPRESS_MIN_BYTES = 1 << 20
#: The events' columns a large page carries apart from its data, in chunks
#: (:func:`embed_page_data`): most of its bytes, and read only where shown.
EVENT_TEXT_COLUMNS = ("title", "summary")
EVENT_TEXT_CHUNK = 2000  # events a chunk holds: about 530 kB of JSON at 10,000 sites
GZIP_LEVEL = 4  # at 216 MB of JSON: 3.5 s for 38.6 MB of base64 (level 6: 9.1 s, 34.4 MB)
GZIP_WBITS = 31  # zlib with a gzip header and trailer (header time 0, no file name)
JSON_CHUNK_ITEMS = 1 << 16  # items of a page column written at once (_json_pieces)
PLAIN_JSON_DEPTH = 8  # lists in lists _plain_json looks into (a page column has 2)
#: What :func:`_plain_json` hands to orjson (``bool`` and ``NoneType`` spelled out: a
#: subclass of ``int`` or ``str`` is not one of these, and goes to json.dumps).
_PLAIN_TYPES = frozenset({str, int, bool, type(None)})


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


def embed_data(
    value, *, compress_min_bytes: int | None = None, orjson: bool | None = None
) -> tuple[str, str]:
    """The page data as the text of its ``<script>`` element, and how it is encoded.

    Below ``compress_min_bytes`` (default :data:`COMPRESS_MIN_BYTES`) characters of
    JSON: :func:`embed_json`, encoding ``"json"``.
    From there on: the same JSON (unescaped: it is not written as text) compressed
    with gzip (no file name, time 0, so the bytes only depend on the data) and in
    base64, encoding ``"gzip-base64"``; base64 has no ``<``, ``>`` or ``&``. The JSON
    is serialised a column at a time and each piece compressed as it comes, so no
    string of the whole JSON is built.

    ``orjson``: write the columns of text and whole numbers with orjson (the same
    characters, in a fraction of the time: :func:`_plain_json`). It leaves a UTF-8
    copy of each non-ASCII text it writes in that text's object, kept as long as the
    text lives (about 150 MB more at 100,000 sites), so by default (None) only where
    that memory costs nothing after (:func:`~heritage_mapper.parallel.keeps_nothing_after`):
    in a forked process, which ends with the pages, or where the pages are the run's
    last step.

    Examples
    --------
    >>> embed_data({"name": "<b>"})
    ('{"name":"\\\\u003cb\\\\u003e"}', 'json')
    >>> import base64, gzip, json
    >>> text, encoding = embed_data({"name": "<b>"}, compress_min_bytes=0)
    >>> encoding, json.loads(gzip.decompress(base64.b64decode(text)))
    ('gzip-base64', {'name': '<b>'})
    """
    import base64
    import zlib

    from heritage_mapper.parallel import keeps_nothing_after

    if compress_min_bytes is None:
        compress_min_bytes = COMPRESS_MIN_BYTES
    plain = keeps_nothing_after() if orjson is None else orjson
    pieces: list[str] = []
    size = 0
    compressor = None
    out: list[bytes] = []
    for piece in _json_pieces(value, plain):
        if compressor is None:
            if type(piece) is bytes:  # counted in characters, as it always was
                piece = piece.decode("utf-8")
            pieces.append(piece)
            size += len(piece)
            if size < compress_min_bytes:
                continue
            compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, GZIP_WBITS)
            piece, pieces = "".join(pieces), []
        out.append(compressor.compress(piece if type(piece) is bytes else piece.encode("utf-8")))
    if compressor is None:
        return "".join(pieces).translate(_SCRIPT_TABLE), "json"
    out.append(compressor.flush())
    return base64.b64encode(b"".join(out)).decode("ascii"), "gzip-base64"


def embed_page_data(records: dict) -> tuple[str, str, list[str]]:
    """:func:`embed_data` of a page's ``records``, and the events' texts apart where
    they are many: ``(data text, its encoding, text chunks)``.

    When the events' titles and summaries (:data:`EVENT_TEXT_COLUMNS`) come to
    :data:`COMPRESS_MIN_BYTES` characters or more, those columns leave the records:
    each :data:`EVENT_TEXT_CHUNK` events' worth becomes a chunk (``{"title": {lang:
    [...]}, "summary": {...}}``, gzip in base64, as :func:`embed_data` writes it) and
    ``records["eventTexts"]`` says how they are cut (``{"chunk": events a chunk,
    "count": chunks}``); the rest is embedded by :func:`embed_data`'s own rule. The
    page inflates a chunk the first time one of its events is shown: at 10,000 sites
    the texts are 58 % of the JSON a page would otherwise inflate, decode and parse
    before its map is ready. Fewer texts stay in the records, and the list of chunks
    is empty.

    ``records["events"]`` loses the columns it carries apart.

    Examples
    --------
    >>> records = {"events": {"date": ["1955"], "title": {"vi": ["Giải phóng"]}}}
    >>> embed_page_data(records)
    ('{"events":{"date":["1955"],"title":{"vi":["Giải phóng"]}}}', 'json', [])
    >>> import base64, gzip, json
    >>> records["events"]["title"]["vi"] *= 120_000  # 1.2 million characters of titles
    >>> text, encoding, chunks = embed_page_data(records)
    >>> text, encoding, len(chunks)
    ('{"eventTexts":{"chunk":2000,"count":60},"events":{"date":["1955"]}}', 'json', 60)
    >>> json.loads(gzip.decompress(base64.b64decode(chunks[0])))["title"]["vi"][:2]
    ['Giải phóng', 'Giải phóng']
    """
    events = records["events"]
    texts = {name: events[name] for name in EVENT_TEXT_COLUMNS if name in events}
    columns = [values for column in texts.values() for values in column.values()]
    count = len(columns[0]) if columns else 0
    size = 0
    for text in chain.from_iterable(columns):  # counted until there are enough
        size += len(text) if type(text) is str else 0
        if size >= COMPRESS_MIN_BYTES:
            break
    if not count or size < COMPRESS_MIN_BYTES:
        return (*embed_data(records), [])
    for name in texts:
        del events[name]
    starts = range(0, count, EVENT_TEXT_CHUNK)
    records["eventTexts"] = {"chunk": EVENT_TEXT_CHUNK, "count": len(starts)}
    chunks = [
        embed_data(
            {
                name: {
                    lang: values[start : start + EVENT_TEXT_CHUNK]
                    for lang, values in column.items()
                }
                for name, column in texts.items()
            },
            compress_min_bytes=0,
        )[0]
        for start in starts
    ]
    return (*embed_data(records), chunks)


def _json_pieces(value, plain: bool = False):
    """``json.dumps(value, sort_keys=True)`` (compact) in pieces: one per leaf of the
    dicts, and one per :data:`JSON_CHUNK_ITEMS` items of a longer list; each a ``str``
    or, with ``plain``, from :func:`_plain_json` where it can: UTF-8 ``bytes``.

    A list's items written a chunk at a time, each chunk's brackets left out, joined
    by commas, are the list's JSON; a column of 500,000 summaries is then never one
    100 MB string (its memory would stay with the process after it is freed).
    """
    if not isinstance(value, dict):
        if type(value) is not list or len(value) <= JSON_CHUNK_ITEMS:
            yield _leaf_json(value, plain)
            return
        yield "["
        for start in range(0, len(value), JSON_CHUNK_ITEMS):
            if start:
                yield ","
            yield _leaf_json(value[start : start + JSON_CHUNK_ITEMS], plain)[1:-1]
        yield "]"
        return
    yield "{"
    for n, key in enumerate(sorted(value)):
        yield ("," if n else "") + json.dumps(str(key), ensure_ascii=False) + ":"
        yield from _json_pieces(value[key], plain)
    yield "}"


def _leaf_json(value, plain: bool) -> str | bytes:
    """The JSON of a value that is not a dict: :func:`_plain_json` (with ``plain``), or
    json.dumps."""
    return (plain and _plain_json(value)) or json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )


def _plain_json(value) -> bytes | None:
    """``json.dumps(value)`` (compact, ``ensure_ascii=False``) as UTF-8, made by orjson,
    for a list of text, whole numbers, booleans and ``None`` (or lists of them): the
    page's columns of names and summaries. None for any other value, json.dumps's job.

    For these types orjson writes the same characters as json.dumps (every code point
    is checked by a test) in a fraction of the time (at 100,000 sites the index page's
    227 MB of JSON: 2.0 s with json.dumps). Not for floats, which it writes otherwise
    (``1e-5`` for json.dumps's ``1e-05``), nor for dicts; a text with a lone surrogate
    or a number past 64 bits is left to json.dumps too, which fails as it always did.
    """
    import orjson

    if type(value) is not list:
        return None
    kinds = set(map(type, value))
    level = value
    for depth in range(PLAIN_JSON_DEPTH + 1):
        if list not in kinds:
            break
        if depth == PLAIN_JSON_DEPTH:  # deeper than a page column (or a list in itself)
            return None
        kinds.discard(list)  # the items of nested lists (a site's events, its references)
        level = list(chain.from_iterable(v for v in level if type(v) is list))
        kinds |= set(map(type, level))
    if not kinds <= _PLAIN_TYPES:
        return None
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        return None


def page_languages(project, messages: dict) -> tuple[list[str], str]:
    """The project's languages that the page has labels for, and the default one."""
    from heritage_mapper.i18n import CATALOGUE_LANGUAGE

    languages = [lang for lang in project.languages if lang in messages] or [CATALOGUE_LANGUAGE]
    default = project.default_language
    return languages, default if default in languages else languages[0]


def page_records(joined, layer_ids, *, languages, catalogue=None) -> dict:
    """The records of one page: its sites, their events, the region's, and their sources.

    Parameters
    ----------
    joined
        A :class:`~heritage_mapper.join.Joined` geodata (or a loaded
        :class:`~heritage_mapper.frames.Geodata`, joined here).
    layer_ids
        The layers shown on the page, in project order.
    languages
        The page languages; every text field gets one array per language.
    catalogue
        A :class:`Catalogue` of ``joined`` in ``languages``, shared between pages;
        built here when not given.

    Returns
    -------
    dict
        ``layers``, ``categories``, ``sources``, ``sites``, ``events`` (columnar, in
        timeline order: the sites' events and the region's), ``region`` (indexes
        into ``events`` of the region timeline, in order), ``bounds`` (``[[south,
        west], [north, east]]``), ``years`` (``[first, last]`` or ``None`` when
        nothing is dated), ``undated`` (how many sites are dated ``/..`` alone)
        and ``eras`` (``{label, years}`` within ``years``).
    """
    if catalogue is None:
        catalogue = Catalogue(joined, languages)
    return catalogue.page(layer_ids)


class Catalogue:
    """Every site and event of a geodata as page columns, built once for all pages.

    A page takes its rows from these columns (:meth:`page`), so the per-row work
    (date labels, search keys, rounding) is done once, not once per page, and in
    vectorised passes rather than per value.
    """

    def __init__(self, joined, languages, jobs: int = 1):
        import numpy as np
        import pandas as pd

        from heritage_mapper.join import ensure_joined
        from heritage_mapper.parallel import fork_call

        joined = ensure_joined(joined)
        geodata = joined.geodata
        self.project = geodata.project
        self.languages = list(languages)
        self.source_frame = geodata.sources
        events = joined.events
        self.event_count = len(events)
        event_index = pd.Index(_strings(events["id"]))
        sites = geodata.sites.reset_index(drop=True)
        self.site_layers = np.asarray(_strings(sites["layer"]), dtype=object)
        source_rows = _SourceRows(geodata.sources)
        periods, dates = _texts(sites["period"]), _strings(events["date"])
        # The labels of every distinct date and the sites' search keys, a third of the
        # work, are made in another process meanwhile (with jobs > 1; else here, when
        # asked for): see _made_apart.
        made_apart = partial(_made_apart, sites, periods, dates, self.project, self.languages)
        with fork_call(made_apart, jobs if len(sites) >= PARALLEL_CATALOGUE_SITES else 1) as apart:
            self.sites = _site_columns(
                sites, self.project, self.languages, later=True, period=periods
            )
            self.site_refs = [source_rows.refs(v) for v in _column(sites, "source_refs")]
            self.events = _event_columns(
                events, self.project, self.languages, later=True, dates=dates
            )
            self.event_sources = source_rows.rows_of_ids(_text_array(events["source_id"]))
            # what needs no label, also before the other process answers
            self.site_events = joined.site_event_positions
            self.present = _present_year(self.sites, self.events)
            self.site_dateless = _fill_present(self.sites, self.present)
            self.event_dateless = _fill_present(self.events, self.present)
            region_ids = joined.region_event_ids
            self.region = event_index.get_indexer(pd.Index(region_ids, dtype=object))
            period_table, date_table, search = marshal.loads(apart.result())
        # the places left for them (a dict keeps a key's place when its value changes)
        self.sites["period"] = _date_labels(periods, self.languages, table=period_table)
        self.sites["search"] = _objects(search)
        self.events["date"] = _date_labels(dates, self.languages, table=date_table)

    def page(self, layer_ids) -> dict:
        """The records of the page showing ``layer_ids`` (see :func:`page_records`)."""
        import numpy as np

        project = self.project
        layers = [spec for spec in project.layers if spec.id in set(layer_ids)]
        layer_index = {spec.id: i for i, spec in enumerate(layers)}
        rows = np.flatnonzero(np.isin(self.site_layers, list(layer_index)))
        offsets, positions = self.site_events
        starts, ends = offsets[rows], offsets[rows + 1]
        linked = positions[_ranges(starts, ends)]  # the rows' events, row after row
        shown = np.zeros(self.event_count, dtype=bool)  # sorted, without repeats
        shown[linked] = shown[self.region] = True
        used = np.flatnonzero(shown).astype(np.int64)
        renumber = np.full(self.event_count + 1, -1, dtype=np.int64)
        renumber[used] = np.arange(len(used))
        flat = renumber[linked].tolist()
        bounds = np.cumsum(ends - starts).tolist()
        site_events = [flat[a:b] for a, b in pairwise([0, *bounds])]
        numbers = self._source_numbers(rows, used)
        site_columns = _take(self.sites, rows)
        site_columns["layer"] = [layer_index[v] for v in self.site_layers[rows]]
        site_columns["refs"] = [
            [[numbers[r], paragraph] for r, paragraph in self.site_refs[i]] for i in rows
        ]
        site_columns["events"] = site_events
        event_columns = _take(self.events, used)
        event_columns["source"] = [numbers[r] for r in self.event_sources[used].tolist()]
        years = _year_span(site_columns, event_columns, self.present)
        return {
            "layers": [
                {"id": spec.id, "title": _pick(project, spec.title, self.languages)}
                for spec in layers
            ],
            "categories": [
                {"id": c.id, "label": _pick(project, c.label, self.languages)}
                for c in project.categories
            ],
            "sources": self._source_records(numbers),
            "sites": site_columns,
            "events": event_columns,
            "region": renumber[self.region].tolist(),
            "bounds": _bounds(site_columns, project.region.bbox),
            "years": years,
            "undated": self._undated_count(rows),
            "eras": self._eras(years),
        }

    def _eras(self, years) -> list[dict]:
        """The project's eras as ``{label, years}``, clamped to the page's ``years``; an
        era wholly outside them is left out (its button would select nothing)."""
        if years is None:
            return []
        eras = []
        for era in self.project.eras:
            # validate refuses eras with no year
            shown = span_within(year_span(era.period), years)
            if shown is not None:
                label = _pick(self.project, era.label, self.languages)
                eras.append({"label": label, "years": list(shown)})
        return eras

    def _undated_count(self, rows) -> int:
        """How many of the sites ``rows`` are dated ``/..`` alone (by period or events):
        a site with events when every one is, a site without by its own period."""
        import numpy as np

        offsets, positions = self.site_events
        starts, ends = offsets[rows], offsets[rows + 1]
        running = np.concatenate([[0], np.cumsum(self.event_dateless[positions])])
        all_dateless = running[ends] - running[starts] == ends - starts
        return int(np.where(ends > starts, all_dateless, self.site_dateless[rows]).sum())

    def _source_numbers(self, rows, used) -> list[int]:
        """Registry row → the page's source number, in first-use order; row -1 → -1."""
        import pandas as pd

        cited = [r for i in rows for r, _ in self.site_refs[i]]
        cited += self.event_sources[used].tolist()
        order = [r for r in pd.unique(pd.Series(cited, dtype="int64")).tolist() if r >= 0]
        numbers = [-1] * (len(self.source_frame) + 1)  # numbers[-1] is the unknown source
        for number, row in enumerate(order):
            numbers[row] = number
        return numbers

    def _source_records(self, numbers) -> list[dict]:
        rows = sorted((n, row) for row, n in enumerate(numbers[:-1]) if n >= 0)
        frame = self.source_frame
        return [
            {
                "file": _text(frame["file"].iloc[row]),
                "title": {
                    lang: _text(_localized_value(frame, "title", lang, row))
                    for lang in self.languages
                },
            }
            for _, row in rows
        ]


def _ranges(starts, ends):
    """The integers of every ``range(start, end)``, one range after the other.

    >>> import numpy as np
    >>> _ranges(np.array([5, 0, 2]), np.array([7, 0, 3])).tolist()
    [5, 6, 2]
    """
    import numpy as np

    counts = ends - starts
    before = np.cumsum(counts) - counts  # where each range begins in the result
    return np.repeat(starts - before, counts) + np.arange(int(counts.sum()), dtype=np.int64)


def _take(columns: dict, rows) -> dict:
    """The ``rows`` of every column (numpy object arrays, or dicts of them) as lists."""
    return {
        key: _take(column, rows) if isinstance(column, dict) else column[rows].tolist()
        for key, column in columns.items()
    }


def _made_apart(sites, periods, dates, project, languages) -> bytes:
    """What :class:`Catalogue` has made in another process: the labels of each distinct
    site period and event date (:func:`format_edtf_table`) and the sites' search keys,
    as one marshal blob (texts and tuples only: quick to send and to read back)."""
    chains = _chains(project, languages)
    return marshal.dumps(
        (
            format_edtf_table(periods, chains),
            format_edtf_table(dates, chains),
            _search_keys(sites, languages),
        )
    )


def _site_columns(sites, project, languages, *, later: bool = False, period=None) -> dict:
    """The sites' page columns; with ``later``, ``period`` and ``search`` are left None
    (in their places) for the caller to fill. ``period``: the sites' period texts
    (:func:`_texts`), when the caller has read them already."""
    import numpy as np
    import shapely

    points = _representative_points(sites.geometry.values)
    precision_values = sites["location_precision_m"].to_numpy(dtype=float, na_value=np.nan)
    known = precision_values[~np.isnan(precision_values)].tolist()
    decided = {p: coordinate_decimals(p) for p in set(known)}  # each distinct one once
    unknown = coordinate_decimals(None)  # NaN: not in decided
    decimals = np.array([decided.get(p, unknown) for p in precision_values.tolist()], dtype=int)
    category_index = {c.id: i for i, c in enumerate(project.categories)}
    period = _texts(sites["period"]) if period is None else period
    return {
        "id": _objects(_strings(sites["id"])),
        "lat": _objects(_round_each(shapely.get_y(points), decimals)),
        "lon": _objects(_round_each(shapely.get_x(points), decimals)),
        "category": _objects([category_index.get(v, -1) for v in _strings(sites["category"])]),
        "precision": _objects(_precisions(precision_values)),
        "name": _localized(sites, "name", languages),
        "description": _localized(sites, "description", languages),
        "basis": _localized(sites, "location_basis", languages),
        "period": None if later else _date_labels(period, languages, project),
        "adminThen": _localized(sites, "admin_then", languages),
        "adminNow": _localized(sites, "admin_now", languages),
        **_filter_years(period, sites["period_start"], sites["period_end"]),
        "search": None if later else _objects(_search_keys(sites, languages)),
    }


def _event_columns(events, project, languages, *, later: bool = False, dates=None) -> dict:
    """The events' page columns; with ``later``, ``date`` is left None (in its place)
    for the caller to fill. ``dates``: the events' date texts (:func:`_strings`), when
    the caller has read them already."""
    dates = _strings(events["date"]) if dates is None else dates
    return {
        "id": _objects(_strings(events["id"])),
        "date": None if later else _date_labels(dates, languages, project),
        **_filter_years(dates, events["date_start"], events["date_end"]),
        "title": _localized(events, "title", languages),
        "summary": _localized(events, "summary", languages),
        "paragraph": _objects([int(v) for v in events["paragraph"].tolist()]),
    }


def _objects(values: list):
    """A 1-D numpy object array of ``values`` (taken by row index, page by page)."""
    import numpy as np

    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _date_labels(texts: list, languages, project=None, *, table=None) -> dict:
    """``{lang: labels}``: :func:`format_edtf` of each EDTF text in each language, as
    object arrays (``None`` and ``""`` give ``None``); each distinct text is parsed once
    for every language (:func:`format_edtf_table`), or its labels are taken from
    ``table`` (that function's answer for ``texts``, made already).

    Labels the ``dates`` catalogue lacks in a language fall back by the one rule.
    """
    import numpy as np
    import pandas as pd

    if table is None:
        table = format_edtf_table(texts, _chains(project, languages))
    codes, distinct = pd.factorize(np.asarray(texts, dtype=object))  # None: code -1
    none = (None,) * len(languages)
    rows = [table.get(text, none) for text in distinct.tolist()]
    return {
        lang: _objects([row[k] for row in rows] + [None])[codes]  # -1 takes the last
        for k, lang in enumerate(languages)
    }


def _chains(project, languages) -> list[tuple[str, ...]]:
    """Each page language with its fallbacks, as :func:`format_edtf_table` takes them."""
    return [(lang, *project.chain(lang)[1:]) for lang in languages]


def _round_each(values, decimals) -> list[float]:
    import numpy as np

    out = np.asarray(values, dtype=float).copy()
    for d in np.unique(decimals).tolist():
        chosen = decimals == d
        out[chosen] = np.round(out[chosen], d)
    return out.tolist()


def _precisions(values) -> list:
    import numpy as np

    rounded = np.round(values, PRECISION_DIGITS).tolist()
    return [None if math.isnan(v) else int(v) if v.is_integer() else v for v in rounded]


def _strings(series) -> list[str]:
    import pandas as pd

    if isinstance(series.dtype, pd.StringDtype) and not series.hasnans:
        return series.tolist()  # already str, every one (no per-value str())
    return [str(v) for v in series.tolist()]


def _texts(series) -> list:
    """The values as ``str``, missing ones as ``None``."""
    return _text_array(series).tolist()


def _text_array(series):
    """:func:`_texts` as a numpy object array (what a page's rows are taken from)."""
    import pandas as pd

    if isinstance(series.dtype, pd.StringDtype):  # str or missing: one pass in C
        return series.to_numpy(dtype=object, na_value=None)
    values = series.astype(object)
    return _objects(
        [None if v is None else str(v) for v in values.where(values.notna(), None).tolist()]
    )


def _years(series):
    """Years of a datetime column as an object array of ``int``, ``None`` where missing."""
    import numpy as np

    missing = series.isna().to_numpy()
    years = series.dt.year.to_numpy(dtype=float, na_value=0.0)
    out = _objects(years.astype(np.int64).tolist())
    out[missing] = None
    return out


def _representative_points(geometries):
    """Points as they are; any other geometry by a point on its surface."""
    import numpy as np
    import shapely

    geometries = np.asarray(geometries, dtype=object)
    is_point = shapely.get_type_id(geometries) == POINT_TYPE_ID
    if is_point.all():
        return geometries
    return np.where(is_point, geometries, shapely.point_on_surface(geometries))


class _SourceRows:
    """Rows of the sources registry, by source id and by file name (-1 = unknown)."""

    def __init__(self, frame):
        self._by_id = {str(v): i for i, v in enumerate(frame["id"])} if len(frame) else {}
        self._by_file = {str(v): i for i, v in enumerate(frame["file"])} if len(frame) else {}

    def rows_of_ids(self, source_ids):
        """The registry row of each of ``source_ids`` (an object array; -1 for an
        unknown or missing id), in one lookup.

        >>> import pandas as pd
        >>> rows = _SourceRows(pd.DataFrame({"id": ["a", "b"], "file": ["a.txt", "b.txt"]}))
        >>> import numpy as np
        >>> rows.rows_of_ids(np.array(["b", None, "x", "a"], dtype=object)).tolist()
        [1, -1, -1, 0]
        """
        import numpy as np
        import pandas as pd

        ids = pd.Index(list(self._by_id), dtype=object)
        rows = np.array([*self._by_id.values(), -1], dtype=np.int64)  # rows[-1]: unknown
        return rows[ids.get_indexer(pd.Index(source_ids, dtype=object))]

    def refs(self, refs) -> list[tuple[int, int]]:
        """``["file.txt#6", ...]`` → ``[(row, 6), ...]``."""
        out = []
        for ref in refs if isinstance(refs, list | tuple) else ():
            cited = split_source_ref(ref)
            if cited is not None:
                out.append((self._by_file.get(cited[0], -1), int(cited[1])))
        return out


def _localized(frame, base: str, languages) -> dict:
    return {lang: _text_array(frame[_localized_column(frame, base, lang)]) for lang in languages}


def _localized_column(frame, base: str, lang: str) -> str:
    """The column of ``base`` in ``lang``; a frame without it (a source registry that
    names fewer languages) gives the first of its languages by the one fallback rule."""
    from heritage_mapper.i18n import fallback_chain
    from heritage_mapper.model import localized

    languages = [c.rpartition("_")[2] for c in frame.columns if c.startswith(base + "_")]
    for code in fallback_chain(lang, languages):
        if localized(base, code) in frame:
            return localized(base, code)
    raise KeyError(f"no column {localized(base, lang)}")


def _localized_value(frame, base: str, lang: str, row: int):
    return frame[_localized_column(frame, base, lang)].iloc[row]


def _search_keys(sites, languages) -> list[str]:
    names = [
        fold_all([v or "" for v in _texts(sites[_localized_column(sites, "name", lang)])])
        for lang in languages
    ]
    return [SEARCH_SEPARATOR.join(dict.fromkeys(folded)) for folded in zip(*names, strict=True)]


def _pick(project, labels: dict, languages) -> dict:
    """``{lang: text}`` for each page language, by the one fallback rule."""
    return {lang: project.text(labels, lang) for lang in languages}


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


def _bounds(sites: dict, region_bbox) -> list[list[float]]:
    if not sites["lat"]:
        west, south, east, north = region_bbox
        return [[south, west], [north, east]]
    return [[min(sites["lat"]), min(sites["lon"])], [max(sites["lat"]), max(sites["lon"])]]


def _year_span(sites: dict, events: dict, present: int | None) -> list[int] | None:
    """From the first year of every event on the page and of the event-less sites'
    periods to the data's present (their last year when nothing gives a present).

    Ending at the present on every page keeps ``/..`` dates (shown for the present
    year alone) reachable, and a plan's later end (``2025/2030``) out of the range.
    """
    undated = [i for i, ids in enumerate(sites["events"]) if not ids]
    years = [y for y in events["start"] + events["end"] if y is not None]
    years += [y for i in undated for y in (sites["start"][i], sites["end"][i]) if y is not None]
    if not years:
        return None
    first = min(years)
    last = max(years) if present is None else present
    return [min(first, last), last]


def _filter_years(texts: list, starts, ends) -> dict:
    """``start`` and ``end`` columns: the years each EDTF text is known to cover.

    A plain date's years are those of its bounds (``starts``, ``ends``: the
    datetime columns); an interval's come from :func:`year_span`, once per distinct
    text. ``/..`` (no known year) gets ``(None, None)`` here, and ``dateless`` marks
    it; :func:`_fill_present` then gives it the present year.
    """
    import numpy as np
    import pandas as pd

    first, last = _years(starts), _years(ends)
    spans = {t: year_span(t) for t in dict.fromkeys(texts) if t and "/" in t}
    dateless = np.zeros(len(first), dtype=bool)
    if spans:  # each row of an interval takes its text's span, in one step per column
        which = pd.Index(list(spans), dtype=object).get_indexer(pd.Index(texts, dtype=object))
        rows = np.flatnonzero(which >= 0)
        which = which[rows]
        dateless[rows] = np.array([span is None for span in spans.values()])[which]
        first[rows] = _objects([span and span[0] for span in spans.values()])[which]
        last[rows] = _objects([span and span[1] for span in spans.values()])[which]
    return {"start": first, "end": last, "dateless": dateless}


def _present_year(*columns: dict) -> int | None:
    """The data's present: the latest year in which a dated site period or event starts.

    :func:`heritage_mapper.dates.present_year`'s rule (the KML export uses that one),
    read from the year columns at once rather than by parsing each text again: a
    span's first known year (its end's, when the start is open or unknown) says
    something had happened by then; a later end may be a plan (``2025/2030``), so it
    does not count. Derived from the data alone, the same for every page and build.
    """
    years = [
        s if s is not None else e
        for column in columns
        for s, e in zip(column["start"].tolist(), column["end"].tolist(), strict=True)
        if s is not None or e is not None
    ]
    return max(years) if years else None


def _fill_present(columns: dict, present: int | None):
    """Give the ``/..`` rows of ``columns`` the span ``[present, open]``; their mask."""
    dateless = columns.pop("dateless")
    if present is not None:
        columns["start"][dateless] = present
    return dateless
