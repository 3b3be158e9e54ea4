"""The format table and :func:`export_layers`, the one entry point for every format.

Each row of :data:`FORMATS` names a format, says whether it is WGS84 by definition,
and points at the two functions of its writer: ``outputs(data)`` (the file names it
will write) and ``write(data, paths)`` (write them to the temporary paths given).
:func:`export_layers` checks the whole request first (formats, CRS, layers, folder,
existing files), takes the folder's lock (:func:`~heritage_mapper.atomic.output_lock`),
then writes every file to a temporary file beside its target and moves them all into
place only when every writer has succeeded (:func:`~heritage_mapper.atomic.atomic_files`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from heritage_mapper.atomic import (
    check_output_folders,
    ensure_writable_dir,
    output_lock,
    output_targets,
    publish_set,
    write_fix,
)
from heritage_mapper.errors import HeritageError, OutputError, UsageError
from heritage_mapper.export import csvfile, fgb, geojson, gpkg, gpx, kml, lpf, qgis, shapefile
from heritage_mapper.export.crs import crs_label, is_wgs84, resolve_crs
from heritage_mapper.export.tables import ExportData, prepare, tours_left_out
from heritage_mapper.parallel import fork_map
from heritage_mapper.read.jsonfile import gc_paused

__all__ = [
    "ALL",
    "DEFAULT_OUT_DIR",
    "ExportFormat",
    "FORMATS",
    "FORMAT_NAMES",
    "select_formats",
    "export_layers",
    "export_geodata",
    "ExportResult",
]

ALL = "all"
#: The formats that write the tours too (tours.geojson, tours.kml, tours.csv, tours.gpx,
#: a tours layer in the GeoPackage, which the QGIS project opens).
TOUR_FORMATS = ("geojson", "gpkg", "kml", "csv", "gpx", "qgis")
DEFAULT_OUT_DIR = "exports"
#: The names the writers give their files (what a rebuild may remove from the folder).
EXPORT_NAME = re.compile(
    r"(heritage|sites|events|events-at-sites|tours|sites-[^/\\\x00]+)(\.epsg\d+)?"
    r"\.(geojson|gpkg|shp\.zip|kml|csv|gpx|fgb|lpf\.json|qgz)"
)


def is_export_name(name: str) -> bool:
    """Whether ``name`` is one the export writers would give a file.

    Examples
    --------
    >>> is_export_name("sites-mines.epsg5899.fgb"), is_export_name("notes.txt")
    (True, False)
    """
    return EXPORT_NAME.fullmatch(name) is not None


@dataclass(frozen=True)
class ExportFormat:
    """One row of the format table.

    ``writer`` is a module with ``outputs(data) -> list[str]`` (the file names) and
    ``write(data, paths)`` (write each name to the temporary path ``paths[name]``).
    ``wgs84_only`` says why the format cannot hold another CRS, or is empty.
    """

    name: str
    title: str
    writer: ModuleType
    wgs84_only: str = ""


FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("geojson", "GeoJSON (RFC 7946)", geojson, "RFC 7946 makes GeoJSON WGS84"),
    ExportFormat("gpkg", "GeoPackage", gpkg),
    ExportFormat("shapefile", "Shapefile (zipped)", shapefile),
    ExportFormat("kml", "KML", kml, "KML 2.2 is WGS84 longitude/latitude by definition"),
    ExportFormat("csv", "CSV", csvfile),
    ExportFormat("gpx", "GPX", gpx, "GPX is WGS84 latitude/longitude by definition"),
    ExportFormat("fgb", "FlatGeobuf", fgb),
    ExportFormat("lpf", "Linked Places Format", lpf, "Linked Places is GeoJSON-LD, WGS84"),
    ExportFormat("qgis", "QGIS project (with the GeoPackage it opens)", qgis),
)
#: Formats that need another one written beside them: the QGIS project opens the GeoPackage.
NEEDS = {"qgis": "gpkg"}
FORMAT_NAMES: tuple[str, ...] = tuple(f.name for f in FORMATS)


def select_formats(
    formats, crs=None, option: str = "--format"
) -> tuple[list[ExportFormat], list[ExportFormat]]:
    """The formats to write and those skipped, for ``formats`` (names or ``"all"``) and ``crs``;
    ``option`` is the command-line option that named them, for the messages.

    A format named explicitly that cannot hold ``crs`` is a
    :class:`~heritage_mapper.errors.UsageError`; with ``"all"`` such formats are
    skipped instead (and returned second, so the caller can say so).

    Examples
    --------
    >>> chosen, skipped = select_formats(["all"], "EPSG:5899")
    >>> [f.name for f in chosen], [f.name for f in skipped]
    (['gpkg', 'shapefile', 'csv', 'fgb', 'qgis'], ['geojson', 'kml', 'gpx', 'lpf'])
    >>> [f.name for f in select_formats(["qgis"])[0]]
    ['gpkg', 'qgis']
    >>> select_formats(["kml"], "EPSG:5899")
    Traceback (most recent call last):
    ...
    heritage_mapper.errors.UsageError: --format kml cannot use --crs EPSG:5899: ...
    """
    if isinstance(formats, str):
        formats = [formats]
    names = [str(name).strip().lower() for name in formats]
    if not names:
        choices = ", ".join(FORMAT_NAMES)
        raise UsageError(f"{option} names no format; choose from {choices} or {ALL}")
    unknown = [n for n in names if n != ALL and n not in FORMAT_NAMES]
    if unknown:
        raise UsageError(
            f"{option} {unknown[0]}: unknown format; choose from {', '.join(FORMAT_NAMES)} or {ALL}"
        )
    target = resolve_crs(crs)
    wanted_all = ALL in names
    chosen, skipped = [], []
    needed = {NEEDS[n] for n in names if n in NEEDS}
    for fmt in FORMATS:
        if not wanted_all and fmt.name not in names and fmt.name not in needed:
            continue
        if fmt.wgs84_only and not is_wgs84(target):
            if not wanted_all:
                capable = ", ".join(f.name for f in FORMATS if not f.wgs84_only)
                raise UsageError(
                    f"--format {fmt.name} cannot use --crs {crs_label(target)}: {fmt.wgs84_only}; "
                    f"drop --crs, or choose {capable} for {crs_label(target)}"
                )
            skipped.append(fmt)
            continue
        chosen.append(fmt)
    return chosen, skipped


def export_layers(
    joined,
    out_dir: str | Path = DEFAULT_OUT_DIR,
    formats: Iterable[str] | str = (ALL,),
    crs=None,
    layers: Iterable[str] | None = None,
    overwrite: bool = False,
    replace_previous: bool = False,
    lang: str | None = None,
    jobs: int = 1,
    advance=None,
) -> list[Path]:
    """Write the layers of a loaded geodata folder in one or more formats.

    Parameters
    ----------
    joined
        A :class:`~heritage_mapper.join.Joined` geodata, or a
        :class:`~heritage_mapper.frames.Geodata` from
        :func:`~heritage_mapper.frames.load_geodata` (joined here).
    out_dir
        The output folder, created when missing (default ``exports``).
    formats
        Names from :data:`FORMAT_NAMES`, or ``"all"``.
    crs
        An EPSG code (``"EPSG:5899"``, ``5899``); ``None`` for WGS84. With ``"all"``,
        formats that are WGS84 by definition are skipped (see :func:`select_formats`).
    layers
        Layer ids to export; ``None`` for every layer.
    overwrite
        Replace existing files. Without it, an existing output is an
        :class:`~heritage_mapper.errors.OutputError` and nothing is written.
    replace_previous
        Publish these files as the folder's set (what ``build`` does): the folder's
        manifest lists them, and export files the previous set listed that this one
        lacks (a removed layer's) are removed once the new set is in place.
    lang
        The language of the QGIS project's labels and names (a project language;
        ``None`` for the project's default).
    jobs
        How many formats to write at once, this process and ``jobs - 1`` forked ones
        (see :func:`run_writers`); 1 writes them one after the other in this process.
    advance
        Called once per format written (a progress display's ``advance``).

    Returns
    -------
    list of Path
        The files written, in format-table order.

    Raises
    ------
    UsageError
        Unknown format, layer or CRS, a CRS a format cannot hold, ``out_dir``
        being or lying in the geodata folder, or an output name that is not a plain file
        name (exit code 2).
    OutputError
        The folder cannot be written, or an output exists without ``overwrite``
        (exit code 1). Earlier files are left as they were.

    Examples
    --------
    >>> from heritage_mapper import load_geodata
    >>> data = load_geodata("geodata")  # doctest: +SKIP
    >>> paths = export_layers(data, "exports", ["gpkg"], crs="EPSG:5899")  # doctest: +SKIP
    >>> [p.name for p in paths]  # doctest: +SKIP
    ['heritage.epsg5899.gpkg']
    """
    chosen, _skipped = select_formats(formats, crs)
    data = prepare(joined, resolve_crs(crs), None if layers is None else list(layers), lang)
    # the API too: never into the geodata folder (export_geodata also refuses a parent)
    check_output_folders(data.project.root, out=out_dir, may_contain=True)
    folder = ensure_writable_dir(out_dir)
    plan = [(fmt, output_targets(folder, fmt.writer.outputs(data))) for fmt in chosen]
    targets = [path for _, paths in plan for path in paths]
    _refuse_duplicates(targets)
    with output_lock(folder):  # another run cannot write here until these are in place
        existing = [path for path in targets if path.exists()]
        if existing and not overwrite:
            more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
            raise OutputError(
                f"{existing[0]}: already exists{more}; pass --overwrite to replace it; "
                "nothing was written"
            )
        _write_all(data, plan, folder, replace_previous, jobs, advance)
    return targets


@dataclass(frozen=True)
class ExportResult:
    """What :func:`export_geodata` wrote, and the formats it skipped for the CRS."""

    paths: list[Path]
    skipped: list[ExportFormat]
    crs_label: str
    #: the folder's validation report: no error, perhaps warnings for the caller to show
    report: object = None
    #: the tours left out of the formats that carry tours: with ``layers``, a tour with
    #: stops in another layer (its ids, in the tours file's order)
    tours_left_out: tuple[str, ...] = ()


def export_geodata(
    geodata_dir: str | Path,
    out_dir: str | Path = DEFAULT_OUT_DIR,
    formats: Iterable[str] | str = (ALL,),
    *,
    crs: str | None = None,
    layers: Iterable[str] | None = None,
    overwrite: bool = False,
    max_bytes: int | None = None,
    sources_dir: str | Path | None = None,
    lang: str | None = None,
    jobs: int | None = None,
) -> ExportResult:
    """Validate and load a geodata folder, join it, and write its layers in ``formats``.

    The ``heritage-mapper export`` command. A bad format or CRS is refused before the
    folder is read; the rest is :func:`export_layers`. ``jobs``: how many processes
    validation may use (:func:`~heritage_mapper.frames.load_geodata`); the formats are
    written one after the other.

    Raises
    ------
    UsageError
        An unknown format, CRS or layer, or ``out_dir`` overlapping ``geodata_dir``.
    ValidationFailed
        When the folder has validation errors (nothing is written).
    OutputError
        When the output cannot be written (nothing is replaced).

    Examples
    --------
    >>> result = export_geodata("geodata", "exports", ["gpkg"], overwrite=True)  # doctest: +SKIP
    >>> [p.name for p in result.paths]  # doctest: +SKIP
    ['heritage.gpkg']
    """
    from heritage_mapper.frames import load_geodata
    from heritage_mapper.join import join

    names = [formats] if isinstance(formats, str) else list(formats)
    chosen, skipped = select_formats(names, crs)  # a bad request fails before reading
    check_output_folders(geodata_dir, out=out_dir)  # before anything is read or written
    geodata = load_geodata(geodata_dir, max_bytes=max_bytes, sources_dir=sources_dir, jobs=jobs)
    joined = join(geodata)
    paths = export_layers(
        joined, out_dir, names, crs=crs, layers=layers, overwrite=overwrite, lang=lang
    )
    carries_tours = any(fmt.name in TOUR_FORMATS for fmt in chosen)
    left_out = tours_left_out(joined, layers) if carries_tours else ()
    return ExportResult(paths, skipped, crs_label(resolve_crs(crs)), geodata.report, left_out)


class _Abort(Exception):
    """Carries a writer's failure through the atomic_files context unchanged."""


def _write_all(
    data: ExportData, plan, folder: Path, replace_previous: bool = False, jobs=1, advance=None
) -> None:
    """Write to temporary files; move them all into place only if every writer succeeds."""
    targets = [path for _, paths in plan for path in paths]
    names = [path.name for path in targets]
    try:
        with publish_set(
            folder, names, owned=is_export_name, replace_previous=replace_previous
        ) as temp_list:
            temps = dict(zip(targets, temp_list, strict=True))
            tasks = [
                (fmt.name, fmt.writer, {path.name: temps[path] for path in paths})
                for fmt, paths in plan
            ]
            failure = run_writers(data, tasks, jobs, advance)
            if failure is not None:  # every temp file is removed on the way out
                raise _Abort() from failure
    except _Abort as abort:
        cause = abort.__cause__
        if isinstance(cause, HeritageError):
            raise cause from None
        if isinstance(cause, OSError):
            raise OutputError(
                f"{folder}: cannot write ({cause.strerror or cause}); nothing was replaced"
                f"{write_fix(cause)}"
            ) from cause
        raise cause from None


#: The formats' relative cost at national scale (CPU seconds of each format exported
#: alone at 100,000 sites / 500,000 events, rounded; ``qgis`` beside ``gpkg`` writes only
#: the project): the parallel run starts the longest first, so the last to finish is a
#: short one.
WRITER_COST = {
    "shapefile": 19,
    "gpkg": 17,
    "csv": 11,
    "fgb": 10,
    "kml": 10,
    "geojson": 9,
    "gpx": 5,
    "lpf": 4,
}


#: The formats whose writers read :attr:`ExportData.events_at_sites` (made when first
#: read): the file-per-layer formats, the GeoPackage and the QGIS project's time range.
READS_EVENTS_AT_SITES = frozenset({"fgb", "geojson", "shapefile", "gpkg", "qgis"})


def run_writers(data: ExportData, tasks, jobs: int = 1, advance=None) -> BaseException | None:
    """Run each ``(name, writer, paths)`` task; the first failure in task order, or None.

    With ``jobs`` > 1 up to ``jobs`` tasks run at once, here and in forked processes
    (:func:`heritage_mapper.parallel.fork_map`) that share ``data`` with this one,
    longest first (:data:`WRITER_COST`). Each writer writes only its own temporary
    files, the same bytes as in this process; this process publishes them.
    """

    def write(task) -> None:
        _, writer, paths = task
        # a writer makes texts, tuples and lists by the hundred thousand and no
        # reference cycles: without the pause each full collection walked every
        # loaded object again
        with gc_paused():
            writer.write(data, paths)

    readers = [name for name, _, _ in tasks if name in READS_EVENTS_AT_SITES]
    if jobs > 1 and len(readers) > 1:  # made once here, not once in each writer's process
        data.events_at_sites  # noqa: B018 - the property makes and keeps it
    order = sorted(range(len(tasks)), key=lambda i: -WRITER_COST.get(tasks[i][0], 1))
    try:
        fork_map(write, tasks, jobs, order=order, advance=advance)
    except Exception as exc:
        return exc
    return None


def _refuse_duplicates(targets: list[Path]) -> None:
    seen: set[Path] = set()
    for path in targets:
        if path in seen:
            raise UsageError(f"{path}: two outputs would share this name; rename a layer")
        seen.add(path)
