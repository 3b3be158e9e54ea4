"""What every export writer starts from: the selected layers, events and timelines in one CRS.

:func:`prepare` is run once per export; each writer then only formats. Column values
are turned into plain Python or numpy values here too, so the writers agree on how a
list, a missing value or a date is written.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
from dataclasses import dataclass, field

from heritage_mapper.errors import UsageError
from heritage_mapper.export.crs import check_area_of_use, crs_label, is_wgs84, reproject
from heritage_mapper.model import EVENT_SITE_SEPARATOR, LIST_SEPARATOR

__all__ = [
    "ExportData",
    "prepare",
    "SITES_STEM",
    "EVENTS_STEM",
    "EVENTS_AT_SITES_STEM",
    "DATASET_STEM",
    "END_EXCLUSIVE",
    "with_exclusive_end",
    "plain",
    "flat",
    "plain_column",
    "iso_date",
    "decimal_text",
    "xml_text",
]

SITES_STEM = "sites"
EVENTS_STEM = "events"
EVENTS_AT_SITES_STEM = "events-at-sites"
DATASET_STEM = "heritage"
#: The exclusive end of an event at a site: the day after ``date_end`` (the inclusive
#: last day), i.e. the midnight at which the event is over. QGIS reads a date as that
#: day's midnight and, by default ("Include start, exclude end"), shows a feature while
#: ``start <= t < end``: with this field as the end, an event of one day shows on that day.
END_EXCLUSIVE = "date_end_excl"
#: The last day a date column holds (year 9999): it has no exclusive end.
LAST_DAY = "9999-12-31"
# Characters XML 1.0 cannot hold at all (C0 controls but tab and newlines, surrogates,
# U+FFFE/U+FFFF): a file containing one would not open in Google Earth.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


@dataclass(frozen=True)
class ExportData:
    """The inputs of every writer, already selected and reprojected.

    Attributes
    ----------
    project
        The project (titles, languages, layer specs).
    crs
        The target pyproj CRS.
    layers
        Layer id → GeoDataFrame of its sites in ``crs`` (selected layers only).
    events
        The events table (one row per event; only events at the selected sites when
        ``--layer`` narrows the export).
    make_events_at_sites
        Makes :attr:`events_at_sites` when it is first read (once: see :meth:`memo`).
    site_event_rows
        Site id → the rows of ``events`` that are its events, in timeline order (rows,
        not ids: the writers read the events' columns by row).
    sources
        The sources registry.
    tours
        The tours (:class:`heritage_mapper.tours.TourRoute`, WGS84, legs measured on the
        ellipsoid) whose stops are all in the selected layers; empty when the project
        has none.
    basemap
        Basemap layer id → GeoDataFrame in ``crs`` (``project.basemap`` order; empty
        when the project has no basemap).
    lang
        The language asked for (the QGIS project's labels, the names in KML and GPX:
        :attr:`display_languages`); ``None`` for the project's
        default.
    """

    project: object
    crs: object
    layers: dict
    events: object
    make_events_at_sites: object  # () -> GeoDataFrame
    site_event_rows: dict
    sources: object
    tours: tuple = ()
    basemap: dict = field(default_factory=dict)
    lang: str | None = None
    #: Values derived once and shared by the writers (see :meth:`memo`).
    cache: dict = field(default_factory=dict, compare=False, repr=False)

    def memo(self, key, compute):
        """``compute()``, once per ``key`` for this data: the site timelines that KML and
        GPX both write, the sources by file name."""
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]

    @property
    def events_at_sites(self):
        """One row per (event, site) pair with the site's geometry in ``crs``; its ``id``
        is ``"<event id>@<site id>"``.

        Made when first read (``make_events_at_sites``), not by :func:`prepare`: the
        writers of one file per layer, GeoPackage and the QGIS project read it, while
        GPX, Linked Places and CSV never do, and it took a fifth of their time at
        100,000 sites. A parallel export makes it before the writers' processes start
        when more than one of them reads it
        (:data:`heritage_mapper.export.core.READS_EVENTS_AT_SITES`), so it is
        made once and shared.
        """
        return self.memo("events-at-sites", self.make_events_at_sites)

    @property
    def site_events(self) -> dict[str, list[str]]:
        """Site id → the ids of its events in timeline order (from :attr:`site_event_rows`)."""

        def compute() -> dict[str, list[str]]:
            ids = [str(v) for v in self.events["id"].tolist()]
            return {site: [ids[i] for i in rows] for site, rows in self.site_event_rows.items()}

        return self.memo("site-events", compute)

    def event_dates(self) -> list[str]:
        """The ``date`` of every row of :attr:`events` as text (``""`` for a gap), made
        once for the date labels and every language's timeline."""

        def compute() -> list[str]:
            return ["" if d is None else str(d) for d in plain_column(self.events["date"])]

        return self.memo("event-dates", compute)

    def present_year(self) -> int | None:
        """The exported data's present (:func:`heritage_mapper.dates.present_year`): the
        latest year in which a site period or an event starts."""
        from heritage_mapper.dates import present_year

        def compute() -> int | None:
            texts = [v for frame in self.layers.values() for v in plain_column(frame["period"])]
            return present_year(texts + plain_column(self.events["date"]))

        return self.memo("present-year", compute)

    def date_labels(self) -> dict[str, tuple[str, ...]]:
        """Each distinct event date → its :func:`~heritage_mapper.dates.format_edtf` label
        in each of :attr:`languages` (by that language's fallback chain), each date parsed
        once and the table made once per export: the timelines of KML and GPX and the CSV
        date labels all read it."""
        from heritage_mapper.dates import format_edtf_table

        def compute() -> dict[str, tuple[str, ...]]:
            chains = [(lang, *self.chain(lang)[1:]) for lang in self.languages]
            return format_edtf_table(self.event_dates(), chains)

        return self.memo("date-labels", compute)

    @property
    def wgs84(self) -> bool:
        return is_wgs84(self.crs)

    @property
    def crs_label(self) -> str:
        return crs_label(self.crs)

    @property
    def languages(self) -> tuple[str, ...]:
        """The default language first, then the others in their declared order."""
        return self.project.language_order

    @property
    def display_languages(self) -> tuple[str, ...]:
        """The language asked for (:attr:`lang`) first, then the others as in
        :attr:`languages`: the order in which KML and GPX name things (the first in a
        ``<name>``, the others in the description). The formats with a column per
        language keep :attr:`languages`."""
        if self.lang is None:
            return self.languages
        return (self.lang, *(code for code in self.languages if code != self.lang))

    @property
    def display_language(self) -> str:
        """The first of :attr:`display_languages`: the language of a KML or GPX name."""
        return self.display_languages[0]

    def chain(self, lang: str | None = None) -> tuple[str, ...]:
        """The one fallback rule (:func:`heritage_mapper.i18n.fallback_chain`) for ``lang``."""
        return self.project.chain(lang)

    def file_name(self, stem: str, extension: str) -> str:
        """``stem`` + a CRS tag when not WGS84 + ``extension``: ``sites.epsg5899.csv``."""
        tag = "" if self.wgs84 else "." + self.crs_label.lower().replace(":", "")
        return f"{stem}{tag}{extension}"

    def layer_stem(self, layer_id: str) -> str:
        return f"{SITES_STEM}-{layer_id}"

    def frame_files(self, extension: str) -> list[tuple[str, object]]:
        """(file name, frame) for the file-per-layer formats: each site layer, then the
        events joined to their sites."""
        stems = [self.layer_stem(layer_id) for layer_id in self.layers]
        names = [self.file_name(stem, extension) for stem in (*stems, EVENTS_AT_SITES_STEM)]
        return list(zip(names, [*self.layers.values(), self.events_at_sites], strict=True))

    def layer_spec(self, layer_id: str):
        return next(spec for spec in self.project.layers if spec.id == layer_id)

    def text(self, mapping: dict, lang: str | None = None) -> str:
        """The text in ``lang`` from a ``{lang: text}`` mapping, by the one fallback rule."""
        return self.project.text(mapping, lang)

    def localized(self, row, base: str, lang: str | None = None) -> str | None:
        """Per-language field ``base`` of a row (``name`` → ``name_<lang>``), by the rule."""
        from heritage_mapper.i18n import pick
        from heritage_mapper.model import localized

        chain = self.chain(lang)
        return pick({code: plain(row.get(localized(base, code))) for code in chain}, chain)

    def source_title(self, file_name: str, lang: str) -> str:
        def titles():  # file name → (its first row's) title, per language, once
            rows = {}
            for record in self.sources.to_dict("records"):
                rows.setdefault(record.get("file"), record)
            return rows

        row = self.memo("sources-by-file", titles).get(file_name)
        if row is None:
            return file_name
        return self.localized(row, "title", lang) or file_name


def prepare(joined, crs, layers=None, lang: str | None = None) -> ExportData:
    """Select ``layers`` (ids; ``None`` = all), reproject to ``crs`` and join the events.

    Raises
    ------
    UsageError
        For a layer id that is not in the project, a language it does not have, or a CRS
        whose area of use does not cover the selected sites.
    """
    import numpy as np

    from heritage_mapper.join import ensure_joined
    from heritage_mapper.tours import tour_routes

    joined_data = ensure_joined(joined)
    geodata = joined_data.geodata
    if lang is not None and lang not in geodata.project.languages:
        raise UsageError(
            f"--lang {lang}: not a language of this project; "
            f"choose from {', '.join(geodata.project.languages)}"
        )
    selected = _select_layers(geodata, layers)
    frames = {layer_id: geodata.layers[layer_id] for layer_id in selected}
    site_ids = {s for frame in frames.values() for s in frame["id"]}
    if frames and not is_wgs84(crs):
        check_area_of_use(crs, _bounds(frames.values()))
    events = geodata.events
    rows = joined_data.loaded_rows()  # joined_data.events row -> events row
    if layers is not None:
        keep = events["site_ids"].map(lambda ids: any(i in site_ids for i in ids))
        keep = keep.to_numpy(dtype=bool)  # a mask even when there are no events
        events = events[keep].reset_index(drop=True)
        kept = np.full(len(keep), -1)  # a row of geodata.events -> its row in events
        kept[np.flatnonzero(keep)] = np.arange(len(events))
        rows = kept[rows]
    site_event_rows = _site_event_rows(joined_data, rows, site_ids)
    tours, _ = split_tours(tour_routes(joined_data), site_ids)
    return ExportData(
        project=geodata.project,
        crs=crs,
        layers={layer_id: reproject(frame, crs) for layer_id, frame in frames.items()},
        events=events,
        make_events_at_sites=functools.partial(_events_at_sites, joined_data, selected, crs),
        site_event_rows=site_event_rows,
        sources=geodata.sources,
        tours=tours,
        basemap={key: reproject(frame, crs) for key, frame in geodata.basemap.items()},
        lang=lang,
    )


def split_tours(tours, site_ids) -> tuple[tuple, tuple[str, ...]]:
    """(the tours whose every stop is a site among ``site_ids``, the ids of the others):
    an export of some layers writes the tours those layers hold whole. ``tours`` are
    :class:`~heritage_mapper.tours.TourRoute` or :class:`~heritage_mapper.model.Tour`."""
    kept, left = [], []
    for tour in tours:
        if set(tour.site_ids) <= site_ids:
            kept.append(tour)
        else:
            left.append(tour.id)
    return tuple(kept), tuple(left)


def tours_left_out(joined, layers) -> tuple[str, ...]:
    """The ids of the tours an export of ``layers`` (``None``: all) leaves out, since
    some of their stops are in other layers (read from the tours themselves: their
    routes, which :func:`prepare` measures, are not needed for that)."""
    from heritage_mapper.join import ensure_joined

    if layers is None:
        return ()
    geodata = ensure_joined(joined).geodata
    selected = _select_layers(geodata, list(layers))
    site_ids = {s for layer_id in selected for s in geodata.layers[layer_id]["id"]}
    return split_tours(geodata.tours, site_ids)[1]


def _events_at_sites(joined_data, selected: list[str], crs):
    """:attr:`ExportData.events_at_sites` of the ``selected`` layers, in ``crs``."""
    import geopandas as gpd

    geodata = joined_data.geodata
    joined = joined_data.events_at_sites_without(
        _event_text_columns(geodata.project, geodata.events)
    )
    joined = joined[joined["layer"].isin(selected)].reset_index(drop=True)
    joined.insert(0, "id", joined["event_id"] + EVENT_SITE_SEPARATOR + joined["site_id"])
    joined = with_exclusive_end(joined)
    joined = gpd.GeoDataFrame(joined, geometry="geometry", crs=geodata.sites.crs)
    return reproject(joined, crs)


def _site_event_rows(joined, rows, site_ids: set) -> dict[str, list[int]]:
    """Site id → the rows of the export's events table that are its events, in timeline
    order, for the sites in ``site_ids``, from the join's positions and ``rows`` (the
    table's row of each row of ``joined.events``): no frame per site, and no id → row
    map per writer (at 100,000 sites that lookup was a tenth of GPX's time).

    The table holds every event of the sites in ``site_ids`` (see :func:`prepare`), so
    none of theirs is -1 in ``rows``.
    """
    offsets, positions = joined.site_event_positions  # rows of joined.events
    taken = rows[positions].tolist()
    ids = map(str, joined.sites["id"].tolist())
    bounds = offsets.tolist()
    return {
        site_id: taken[start:stop]
        for site_id, start, stop in zip(ids, bounds, bounds[1:], strict=False)  # n + 1 bounds
        if site_id in site_ids
    }


#: Event fields that ``events-at-sites`` leaves to the events table (joined by
#: ``event_id``): the long texts and the citation, which one point per (event, site) pair
#: would repeat once per site (at 100,000 sites they made 2.5 GB of exports).
EVENT_TEXT_FIELDS = ("summary",)
EVENT_CITATION_COLUMNS = ("source", "source_id", "paragraph")


def _event_text_columns(project, frame) -> list[str]:
    names = [c for base in EVENT_TEXT_FIELDS for c in project.columns.localized(base)]
    return [c for c in (*names, *EVENT_CITATION_COLUMNS) if c in frame.columns]


def with_exclusive_end(frame):
    """A copy of ``frame`` with :data:`END_EXCLUSIVE` (``date_end`` + 1 day, NaT when the
    end is open or unknown) right after ``date_end``.

    An end on 9999-12-31, the last day a date can hold (EDTF years stop at 9999), has
    no day after it: its exclusive end is NaT, an open end, which QGIS shows as "still
    going" as it does an event with no end.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"date_end": pd.to_datetime(["1955-04-25", None, "9999-12-31"])})
    >>> with_exclusive_end(frame)["date_end_excl"].dt.strftime("%Y-%m-%d").tolist()
    ['1955-04-26', nan, nan]
    """
    import pandas as pd

    out = frame.copy()
    ends = out["date_end"]
    after = (ends + pd.Timedelta(days=1)).where(ends < LAST_DAY)
    out.insert(out.columns.get_loc("date_end") + 1, END_EXCLUSIVE, after)
    return out


def _select_layers(geodata, layers) -> list[str]:
    known = list(geodata.layers)
    if layers is None:
        return known
    wanted = list(dict.fromkeys(layers))
    unknown = [name for name in wanted if name not in geodata.layers]
    if unknown:
        raise UsageError(f"--layer {unknown[0]}: no such layer; the project has {', '.join(known)}")
    return [name for name in known if name in wanted]  # project order


def _bounds(frames) -> tuple[float, float, float, float]:
    boxes = [frame.total_bounds for frame in frames if len(frame)]
    if not boxes:
        return (0.0, 0.0, 0.0, 0.0)
    return (
        float(min(b[0] for b in boxes)),
        float(min(b[1] for b in boxes)),
        float(max(b[2] for b in boxes)),
        float(max(b[3] for b in boxes)),
    )


def plain(value):
    """A pandas cell as a JSON-able Python value: NA → None, dates → ISO, numpy → Python.

    Examples
    --------
    >>> import pandas as pd, numpy as np
    >>> plain(pd.NaT), plain(pd.Timestamp("1965-12-01")), plain(np.int64(3)), plain(["a"])
    (None, '1965-12-01', 3, ['a'])
    """
    import numpy as np
    import pandas as pd

    if isinstance(value, list | tuple | np.ndarray):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp | dt.date | np.datetime64):
        return iso_date(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if math.isnan(value) else float(value)
    return value


def plain_column(series) -> list:
    """``[plain(v) for v in series]``, in one pass for the common column kinds: text,
    booleans and whole numbers without gaps, reals (a gap is ``None``), dates (a column
    of mixed or nested values goes value by value).

    Examples
    --------
    >>> import pandas as pd
    >>> plain_column(pd.Series(["a", None, pd.NA], dtype=object))
    ['a', None, None]
    >>> plain_column(pd.Series(pd.to_datetime(["1955-04-25", None])))
    ['1955-04-25', None]
    >>> import numpy as np
    >>> plain_column(pd.Series([["a.txt#1", "b"], None, [np.int64(1), pd.NaT]], dtype=object))
    [['a.txt#1', 'b'], None, [1, None]]
    """
    import pandas as pd

    if pd.api.types.is_datetime64_dtype(series):  # naive: the day is the stamp's own
        days = series.to_numpy().astype("datetime64[D]").tolist()
        return [None if d is None else d.isoformat() for d in days]
    if pd.api.types.is_bool_dtype(series) and not series.isna().any():
        return series.to_numpy(dtype=bool).tolist()
    if pd.api.types.is_integer_dtype(series) and not series.isna().any():
        return series.to_numpy(dtype="int64").tolist()
    if series.dtype == "float64":
        return [None if v != v else v for v in series.to_numpy().tolist()]  # NaN: a gap
    textual = series.dtype == object or pd.api.types.is_string_dtype(series)
    if textual and pd.api.types.infer_dtype(series, skipna=True) == "string":
        return series.to_numpy(dtype=object, na_value=None).tolist()
    # a list of texts (site ids, source references) is what plain makes of it: kept,
    # without a call of plain per item (a table of lists spent seconds there)
    return [v if type(v) is list and all(type(x) is str for x in v) else plain(v) for v in series]


def flat(value):
    """Like :func:`plain`, but lists become one ``"; "``-joined string (for table formats);
    an object, or a list holding objects or lists, becomes its JSON text (never Python's
    ``repr``).

    Examples
    --------
    >>> flat(["000_a.txt#6", "000_a.txt#7"])
    '000_a.txt#6; 000_a.txt#7'
    >>> flat({"a": [1, None]}), flat([{"b": True}])
    ('{"a": [1, null]}', '[{"b": true}]')
    """
    value = plain(value)
    if isinstance(value, dict) or (
        isinstance(value, list) and any(isinstance(v, dict | list) for v in value)
    ):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return LIST_SEPARATOR.join("" if v is None else str(v) for v in value)
    return value


def iso_date(value) -> str | None:
    """``YYYY-MM-DD`` for a date-like value, ``None`` when missing."""
    import pandas as pd

    if value is None or value is pd.NaT:
        return None
    stamp = pd.Timestamp(value)
    if pd.isna(stamp):
        return None
    return stamp.date().isoformat()


def decimal_text(value: float, decimals: int) -> str:
    """A coordinate with at most ``decimals`` decimals and no trailing zeros.

    Examples
    --------
    >>> decimal_text(107.07900000001, 7), decimal_text(-70.5, 7), decimal_text(3.0, 3)
    ('107.079', '-70.5', '3')
    """
    text = f"{round(float(value), decimals):.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def xml_text(value: str) -> str:
    r"""Text an XML 1.0 file can carry: illegal characters become U+FFFD, and CR or CRLF
    become LF (what any XML parser would read them as anyway).

    Examples
    --------
    >>> xml_text("a\x00b\r\nc\rd") == "a\ufffdb\nc\nd"
    True
    """
    return XML_ILLEGAL.sub(REPLACEMENT, value.replace("\r\n", "\n").replace("\r", "\n"))
