"""Read a geodata folder into typed layers and events.

This is the one tested place every later stage (maps, exports) starts from:
:func:`load_geodata` validates the folder, refuses it when there are errors, and
returns GeoDataFrames of sites (one per layer, NFC text, typed columns) and a
DataFrame of events with their EDTF string and its bounds as dates.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path

from heritage_mapper.errors import ValidationFailed
from heritage_mapper.model import DATE_DTYPE, SITE_IDS_SEPARATOR, WGS84, Project
from heritage_mapper.problems import Report
from heritage_mapper.text import shared_texts

__all__ = ["Geodata", "load_geodata"]


def nfc(value):
    """NFC-normalise strings, recursively through lists; other values pass through."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [nfc(v) for v in value]
    return value


@dataclass
class Geodata:
    """A loaded geodata folder.

    Attributes
    ----------
    project
        The parsed ``project.json``.
    layers
        Layer id → GeoDataFrame of its sites, in the project's layer order.
    events
        One row per event: ``id``, ``date`` (EDTF), ``date_start``/``date_end`` (the
        EDTF bounds, NaT where open or unknown), ``approximate``, ``uncertain``,
        ``site_ids`` (list), titles and summaries, ``source``, ``source_id``,
        ``paragraph``; no rows when loaded ``with_events=False``.
    sources
        The sources registry as a DataFrame.
    report
        The validation report (warnings only, since errors refuse the load).
    basemap
        Basemap layer id → GeoDataFrame of its features, in ``project.basemap`` order
        (empty when the project declares no basemap).
    tours
        The curated tours of ``tours.json`` (:class:`~heritage_mapper.model.Tour`), in
        the file's order; empty when the project declares none. Their stops joined to
        the sites' positions, with leg distances: :func:`heritage_mapper.tours.tour_routes`.
    """

    project: Project
    layers: dict
    events: object
    sources: object
    report: Report = field(default_factory=Report)
    basemap: dict = field(default_factory=dict)
    tours: tuple = ()

    @cached_property
    def sites(self):
        """All sites of all layers in one GeoDataFrame, with a ``layer`` column."""
        import geopandas as gpd
        import pandas as pd

        frames = [frame for frame in self.layers.values()]
        if not frames:
            return gpd.GeoDataFrame({"id": [], "layer": []}, geometry=[], crs=WGS84)
        return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=WGS84)


def load_geodata(
    geodata_dir: str | Path,
    *,
    strict: bool = False,
    max_bytes: int | None = None,
    sources_dir: str | Path | None = None,
    jobs: int | None = None,
    with_events: bool = True,
) -> Geodata:
    """Validate and load a geodata folder.

    Parameters
    ----------
    geodata_dir
        Folder with ``project.json``.
    strict
        Refuse the folder on warnings too.
    max_bytes
        Refuse a layer file or events CSV larger than this many bytes; default
        :data:`~heritage_mapper.read.jsonfile.DEFAULT_MAX_JSON_BYTES` (64 MiB).
    sources_dir
        The source texts' folder, trusted as given; see
        :func:`~heritage_mapper.validate.validate_geodata`.
    jobs
        How many processes validation may use at once (default: one a core).
    with_events
        ``False``: the events file is validated as always, but not loaded:
        ``events`` is an empty frame with the usual columns. For a caller that needs
        only the sites (``heritage-mapper tiles``): at 100,000 sites the load peaks at
        0.9 GB instead of 1.3 GB.

    Raises
    ------
    ValidationFailed
        When validation finds errors (or warnings with ``strict``); ``.report`` has them.
    GeodataReadError
        When the folder or its project file cannot be opened.

    Examples
    --------
    >>> data = load_geodata("geodata")
    >>> data.sites[["id", "layer"]].head(1)
                         id            layer
    0  hon-gai-rally-ground  liberation-1955
    """
    import pandas as pd

    from heritage_mapper.read.jsonfile import gc_paused
    from heritage_mapper.validate.folder import parse_geodata

    layers: dict = {}
    made: dict = {}

    def layer_frames(parsed) -> None:
        # the layers' frames, made while another process still reads the events file
        # (validation waits for it here): about 0.9 s at 100,000 sites, no longer after
        with pd.option_context("mode.string_storage", "python"):
            layers.update(_layer_frames(parsed))

    def events_frame(parsed) -> None:
        # the events' frame, made while another process checks the rows' sites and
        # citations (0.8 s at 100,000 sites); a row that check will refuse (a source
        # file not in the registry) may fail here first: then it is made after
        # validation, as it was, or never, when validation finds an error
        try:
            with pd.option_context("mode.string_storage", "python"):
                made["events"] = _events_frame(parsed)
        except Exception:  # made again below, failing there if it must
            made.clear()

    # gc paused as in parsing, from parsing to the frames: they add millions of objects
    # (site lists, tuples) and no cycles, and each full collection walked every parsed
    # row again. The parsed documents are let go before it resumes, so its first
    # collection walks the frames' objects only, not every parsed row too.
    with gc_paused():
        report, parsed = parse_geodata(
            geodata_dir,
            max_bytes=max_bytes,
            sources_dir=sources_dir,
            jobs=jobs,
            while_reading_events=layer_frames,
            while_checking_events=events_frame if with_events else None,
        )
        if report.has_errors(strict=strict):
            del parsed
            raise ValidationFailed(report)
        if not with_events:  # let the rows go before the frames are made
            parsed.event_columns = {name: [] for name in parsed.event_columns}
            parsed.event_dates = {}
        # Text columns hold Python str objects whether or not pyarrow is installed
        # (pandas 3 stores them in Arrow when it is): every later stage reads them as
        # Python text, which Arrow storage makes anew at each read. With it, a
        # 100,000-site build held 1.97 GB before its writers started instead of
        # 1.35 GB, and took longer.
        with pd.option_context("mode.string_storage", "python"):
            geodata = _frames(report, parsed, layers or None, made.get("events"))
        del parsed
    return geodata


def _frames(report: Report, parsed, layers: dict | None = None, events=None) -> Geodata:
    """The typed frames of a parsed, validated folder (``layers``: its layers' frames,
    ``events``: its events' frame, when they were made already)."""
    project = parsed.project
    return Geodata(
        project=project,
        layers=_layer_frames(parsed) if layers is None else layers,
        events=_events_frame(parsed) if events is None else events,
        sources=_sources_frame(parsed.sources),
        report=report,
        basemap={spec.id: _basemap_frame(parsed.basemap_docs[spec.id]) for spec in project.basemap},
        tours=parsed.tours,
    )


def _nfc(normalize, cells: list) -> list:
    """``cells`` in NFC: normalised one by one, or as they are (``normalize`` None)."""
    return cells if normalize is None else list(map(normalize, cells))


def _layer_frames(parsed) -> dict:
    """Layer id -> the frame of its sites, in the project's order.

    A layer with no site yet (an empty FeatureCollection passes validation) gets the
    columns and types of the first layer that has sites, or the site schema's columns
    when none has: made from its features alone it had no ``id`` column, and every
    export failed on it.
    """
    columns = parsed.project.columns
    frames = {
        spec.id: _layer_frame(
            spec.id,
            parsed.layer_docs[spec.id],
            parsed.site_periods,
            columns.site_text_columns,
            columns.site_columns,
        )
        for spec in parsed.project.layers
    }
    shape = next((frame for frame in frames.values() if len(frame)), None)
    if shape is not None:
        for layer_id, frame in frames.items():
            if not len(frame):  # the columns of one with sites, no more: none of its rows
                frames[layer_id] = shape.iloc[:0].copy()
    return frames


def _basemap_frame(doc: dict):
    """A basemap file as a GeoDataFrame (its properties as columns, WGS84)."""
    import geopandas as gpd

    return gpd.GeoDataFrame.from_features(doc["features"], crs=WGS84)


def _layer_frame(layer_id: str, doc: dict, periods: dict, text_columns, schema_columns=()):
    """The frame of one layer's sites: a column per property its features have, or per
    ``schema_columns`` when it has none."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely

    features = doc["features"]
    properties = [feature["properties"] for feature in features]
    keys = list(dict.fromkeys(key for props in properties for key in props))
    keys = keys or list(schema_columns)
    normalize = partial(unicodedata.normalize, "NFC")
    columns = {  # a column at a time: NFC text, lists NFC item by item (nfc), and a
        # repeated text (a category, a period, a name) one object (shared_texts)
        key: shared_texts(
            [
                normalize(v) if type(v) is str else nfc(v)
                for v in [props.get(key) for props in properties]
            ]
        )
        for key in keys
    }
    geoms = _geometries(features, shapely, np)
    # object columns: pandas would turn whole numbers with a gap into floats (1200 →
    # 1200.0) and booleans with a gap into objects anyway; the writers type them
    frame = gpd.GeoDataFrame(
        {key: pd.Series(values, dtype=object) for key, values in columns.items()},
        geometry=geoms,
        crs=WGS84,
    )
    frame.insert(1, "layer", layer_id)
    for column in text_columns:
        if column in frame:
            frame[column] = frame[column].astype("string")
    if "location_precision_m" in frame:
        frame["location_precision_m"] = frame["location_precision_m"].astype("float64")
    start, end = (  # the ids as loaded (iterating the string column took 1 s at 100,000)
        zip(*(_bounds(periods.get(i)) for i in columns["id"]), strict=True)
        if len(frame)
        else ((), ())
    )
    frame["period_start"] = _date_series(start, len(frame))
    frame["period_end"] = _date_series(end, len(frame))
    return frame


def _geometries(features, shapely, np):
    types = {f["geometry"]["type"] for f in features}
    if types == {"Point"}:  # the common case, vectorised
        coords = np.array([f["geometry"]["coordinates"][:2] for f in features], dtype="float64")
        return shapely.points(coords)
    from shapely.geometry import shape

    return [shape(f["geometry"]) for f in features]


def _bounds(date):
    return (date.lower, date.upper) if date is not None else (None, None)


def _date_series(values, length):
    """Dates (``datetime.date`` or None) as a ``datetime64[s]`` Series, NaT for None.

    numpy converts the dates in one C loop (days, then seconds: midnight), where a
    ``pd.Timestamp`` per value took 9 s for a million bounds; each distinct date once
    (the events of 100,000 sites: a million bounds, 60,000 distinct), since numpy
    reads a date object in about a microsecond.
    """
    import numpy as np
    import pandas as pd

    values = list(values)
    position = {value: i for i, value in enumerate(dict.fromkeys(values))}
    distinct = np.array(list(position), dtype="datetime64[D]").reshape(len(position))
    codes = np.fromiter(map(position.__getitem__, values), dtype=np.intp, count=len(values))
    days = distinct[codes].reshape(length)
    return pd.Series(days.astype(DATE_DTYPE), dtype=DATE_DTYPE, index=pd.RangeIndex(length))


def _events_frame(parsed):
    import pandas as pd

    cells = parsed.event_columns
    text_columns = parsed.project.columns.event_text_columns
    by_file = {s["file"]: s["id"] for s in parsed.sources}
    column = {c: list(cells.get(c, ())) for c in (*text_columns, "site_ids", "paragraph")}
    count = parsed.event_count
    dates = [parsed.event_dates[i] for i in column["id"]]
    # every cell of a CSV row is a str; when the whole file is NFC each one would come
    # back as it is (the same object), so none is asked
    normalize = None if parsed.event_cells_nfc else partial(unicodedata.normalize, "NFC")
    frame = pd.DataFrame(
        {
            "id": _nfc(normalize, column["id"]),
            "date": list(map(str.strip, column["date"])),
            "date_start": _date_series([d.lower for d in dates], count),
            "date_end": _date_series([d.upper for d in dates], count),
            "approximate": pd.array([d.approximate for d in dates], dtype="bool"),
            "uncertain": pd.array([d.uncertain for d in dates], dtype="bool"),
            # lists, so objects (with no rows pandas would say float64)
            "site_ids": pd.Series(_site_id_lists(column["site_ids"]), dtype=object),
            **{
                c: _nfc(normalize, column[c])
                for c in text_columns
                if c not in ("id", "date")  # both above, in their own way
            },
            "source_id": [by_file[v] for v in column["source"]],
            "paragraph": pd.array(list(map(int, column["paragraph"])), dtype="int64"),
        }
    )
    for column in (*text_columns, "source_id"):
        frame[column] = frame[column].astype("string")
    return frame


def _site_id_lists(cells: list[str]) -> list[list[str]]:
    """:func:`_site_ids` of every cell, each distinct cell read once (500,000 events
    name 132,000 distinct lists of sites); every row gets a list of its own."""
    parsed: dict[str, tuple[str, ...]] = {}
    lists = []
    for cell in cells:
        ids = parsed.get(cell)
        if ids is None:
            ids = parsed[cell] = tuple(_site_ids(cell, SITE_IDS_SEPARATOR))
        lists.append(list(ids))
    return lists


def _site_ids(cell: str, separator: str) -> list[str]:
    """``"a;b;a"`` → ``["a", "b"]``: stripped, NFC, empty parts and repeats dropped
    (``validate`` warns ``event-site-repeated``), so an (event, site) pair is one row."""
    if separator not in cell and cell == cell.strip():
        return [unicodedata.normalize("NFC", cell)] if cell else []
    parts = (unicodedata.normalize("NFC", s.strip()) for s in cell.split(separator))
    return list(dict.fromkeys(p for p in parts if p))


def _sources_frame(sources):
    import pandas as pd

    frame = pd.DataFrame([{k: nfc(v) for k, v in s.items()} for s in sources])
    return frame.astype("string")
