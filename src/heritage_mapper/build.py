"""``heritage-mapper build``: validate, join, and write everything the project publishes.

One public function, :func:`build`, runs the steps in order. Validation comes first
and refuses the folder on errors before anything is written, so the previous output
stays as it was; each later step renders in memory and writes atomically.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["DEFAULT_EXPORTS_DIR", "DEFAULT_MAPS_DIR", "build"]

DEFAULT_MAPS_DIR = "maps"
DEFAULT_EXPORTS_DIR = "exports"
DEFAULT_EXPORT_FORMATS = ("all",)


def build(
    geodata_dir: str | Path,
    maps_dir: str | Path = DEFAULT_MAPS_DIR,
    *,
    exports_dir: str | Path | None = DEFAULT_EXPORTS_DIR,
    strict: bool = False,
    max_bytes: int | None = None,
    sources_dir: str | Path | None = None,
    progress=None,
    formats=DEFAULT_EXPORT_FORMATS,
    jobs: int | None = None,
    max_memory: int | None = None,
) -> list[Path]:
    """Validate ``geodata_dir``, write its interactive maps and its default exports.

    Parameters
    ----------
    geodata_dir
        Folder with ``project.json``.
    maps_dir
        Where ``index.html`` and one ``<layer-id>.html`` per layer go.
    exports_dir
        Where the default layer exports go (every format, WGS84, replacing the previous
        set atomically); ``None`` skips them. This folder is not committed.
    strict
        Refuse the folder on validation warnings too.
    max_bytes
        Refuse a layer or events file larger than this (``None``: the 64 MiB default).
    sources_dir
        The source texts' folder, trusted as given (``--sources-dir``); ``None``: the
        ``sources_dir`` of ``project.json``, confined to the geodata folder.
    progress
        A :class:`heritage_mapper.progress.Progress` to show the steps on a terminal;
        ``None`` shows nothing.
    formats
        The export formats (names of :data:`heritage_mapper.export.FORMAT_NAMES`, or
        ``"all"``, the default); checked before the folder is read.
    jobs
        How many pages and formats are made at once (this process and ``jobs - 1``
        forked ones); ``None``: one per CPU this process may use
        (:func:`heritage_mapper.parallel.default_jobs`).
    max_memory
        The bytes the build's processes may use together: a forked process starts only
        where it fits (:func:`heritage_mapper.parallel.jobs_within_memory`), else the
        work is done in this one; ``None``: what the machine has available. The files
        are the same either way.

    Returns
    -------
    list of Path
        Every file written, in order: the maps, then the exports.

    Raises
    ------
    UsageError
        ``maps_dir`` or ``exports_dir`` is, holds or lies in ``geodata_dir``, or they
        overlap each other (checked first, after resolving symlinks); a layer id that
        would make an output name outside its folder.
    ValidationFailed
        When validation finds errors (nothing is written).
    OutputError
        When an output folder or file cannot be written. The maps and the exports are
        each replaced as a whole or not at all (the maps first); a folder that cannot
        be created is found before either is touched.

    Examples
    --------
    >>> import tempfile
    >>> written = build("geodata", tempfile.mkdtemp(), exports_dir=None)  # doctest: +SKIP
    >>> written[0].name  # doctest: +SKIP
    'index.html'
    """
    from heritage_mapper.atomic import (
        check_output_folders,
        ensure_writable_dir,
        refuse_foreign_outputs,
    )
    from heritage_mapper.frames import load_geodata
    from heritage_mapper.join import join
    from heritage_mapper.progress import Progress
    from heritage_mapper.render import build_maps, page_names
    from heritage_mapper.render.tiles import advise_tiles, is_tiles_file

    # before anything is read or written: no output may land on the curated files,
    # nor the pages on another command's set (heritage-mapper tiles)
    check_output_folders(geodata_dir, out=maps_dir, exports=exports_dir)
    refuse_foreign_outputs(maps_dir, is_tiles_file, "--out")
    from heritage_mapper.export import select_formats

    # an unknown format fails before reading, with --no-exports too (it was ignored)
    chosen, _ = select_formats(list(formats), option="--formats")
    from heritage_mapper.parallel import default_jobs, last_step, memory_limit

    jobs = default_jobs() if jobs is None else max(1, jobs)
    progress = progress if progress is not None else Progress(quiet=True)
    with memory_limit(max_memory):
        with progress.step("Validating and loading geodata", unit="sites and events read"):
            geodata = load_geodata(
                geodata_dir, strict=strict, max_bytes=max_bytes, sources_dir=sources_dir, jobs=jobs
            )
        if geodata.report.warning_count:  # they pass, but a curator should know
            progress.note(geodata.report.to_text(ok_files=False))
        advise_tiles(len(geodata.sites), progress)  # past one page: heritage-mapper tiles
        with progress.step("Joining events to sites"):
            joined = join(geodata)
        for folder, option in ((maps_dir, "--out"), (exports_dir, "--exports")):
            if folder is not None:  # both, before the maps are replaced
                ensure_writable_dir(folder, option)
        with (
            progress.step("Rendering the map pages", total=len(page_names(geodata))) as advance,
            last_step(exports_dir is None),  # the pages may keep memory: nothing follows
        ):
            written = build_maps(joined, maps_dir, advance=advance, jobs=jobs)
        if exports_dir is not None:
            from heritage_mapper.export import export_layers

            with progress.step(
                "Writing the exports (formats done)", total=len(chosen), unit="features written"
            ) as advance:
                written += export_layers(
                    joined,
                    exports_dir,
                    formats=list(formats),
                    overwrite=True,
                    replace_previous=True,
                    jobs=jobs,
                    advance=advance,
                )
        return written
