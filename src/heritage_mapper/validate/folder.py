"""Validate a whole geodata folder: layers, events, sources and how they fit together.

The RFC 7946 and geometry rules come from :mod:`heritage_mapper.validate.geojson`; this
module adds the project's rules: property schema, ids unique across layers, NFC text,
EDTF dates, categories and sources that exist, sites inside the declared region (with
a hint when latitude and longitude look swapped), events whose sites exist and whose
dates fall in the sites' periods.

Everything is collected as :class:`~heritage_mapper.problems.Problem` records; nothing
here raises on bad data. :func:`validate_geodata` returns a report; the loader uses
:func:`parse_geodata`, which also returns what was parsed, so files are read once.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial
from pathlib import Path

from heritage_mapper.errors import GeodataReadError
from heritage_mapper.model import (
    PROJECT_FILE,
    ParsedGeodata,
)
from heritage_mapper.parallel import default_jobs, fork_call
from heritage_mapper.problems import Report
from heritage_mapper.progress import count_rows
from heritage_mapper.read.files import InputRefused, resolve_inside
from heritage_mapper.read.jsonfile import (
    gc_paused,
)
from heritage_mapper.rules import RULES
from heritage_mapper.validate.basemap import check_basemap
from heritage_mapper.validate.context import Context, apart, load_schema
from heritage_mapper.validate.events import finish_events, read_events
from heritage_mapper.validate.geojson import CODES as CHECK_CODES
from heritage_mapper.validate.project_file import check_project
from heritage_mapper.validate.sites import check_layer
from heritage_mapper.validate.sources import check_sources
from heritage_mapper.validate.tours import check_tours

# code -> summary of the codes only ``validate`` emits (the others are ``check``'s CODES);
# derived from the one registry, heritage_mapper.rules.
PROJECT_CODES = {r.code: r.summary for r in RULES if r.code not in CHECK_CODES}
#: An events file this large is read in a forked process beside the layers (when there
#: are two cores): below it, starting the process costs about what it saves (a 16 MB
#: file, 10,000 sites, takes about 0.4 s to read and check).
PARALLEL_EVENTS_BYTES = 4 << 20


def validate_geodata(
    geodata_dir: str | Path,
    *,
    max_bytes: int | None = None,
    sources_dir: str | Path | None = None,
    jobs: int | None = None,
) -> Report:
    """Validate every file of a geodata folder and how they fit together.

    Parameters
    ----------
    geodata_dir
        The folder holding ``project.json``.
    max_bytes
        Refuse a layer file or events CSV larger than this many bytes, without reading
        it; default (``None``) :data:`~heritage_mapper.read.jsonfile.DEFAULT_MAX_JSON_BYTES`
        (64 MiB). A folder cannot be checked without a limit: raise it instead.
    sources_dir
        The folder of the source texts, trusted as given (the ``--sources-dir`` option).
        ``None``: ``sources_dir`` of ``project.json``, which must lie inside the folder.
    jobs
        How many processes may work at once (default: one a core): with two, a large
        events file is read beside the layers. The report is the same either way.

    Returns
    -------
    Report
        All findings, grouped by file; ``report.has_errors()`` decides the exit code.

    Raises
    ------
    GeodataReadError
        When the folder or its project file cannot be opened at all.

    Examples
    --------
    >>> report = validate_geodata("geodata")
    >>> report.error_count
    0
    """
    # the parsed documents are freed before the collector resumes: its first
    # collection would otherwise walk every parsed row, 0.5 s at 100,000 sites, only
    # for them to be freed on return
    with gc_paused():
        report, parsed = parse_geodata(
            geodata_dir, max_bytes=max_bytes, sources_dir=sources_dir, jobs=jobs
        )
        del parsed
    return report


def parse_geodata(
    geodata_dir: str | Path,
    *,
    max_bytes: int | None = None,
    sources_dir: str | Path | None = None,
    jobs: int | None = None,
    while_reading_events: Callable[[ParsedGeodata], object] | None = None,
    while_checking_events: Callable[[ParsedGeodata], object] | None = None,
) -> tuple[Report, ParsedGeodata]:
    """Like :func:`validate_geodata`, and also return what was parsed.

    ``while_reading_events(parsed)`` is called once the layers are read and found
    without error, while the events file is still being read in another process (only
    then): the loader makes the layers' frames in that time.
    ``while_checking_events(parsed)`` is called once the events file is read and found
    without error so far (its rows in ``parsed``), while another process checks the
    rows' sites and citations (only then): the loader makes the events' frame. Given,
    it also says the rows will be loaded: their repeated texts are then made one
    object each as they are read (see :func:`~heritage_mapper.validate.events.read_events`).
    """
    jobs = default_jobs() if jobs is None else jobs
    root = Path(geodata_dir)
    if not root.is_dir():
        raise GeodataReadError(
            f"{root}: no such geodata folder; pass --geodata with the folder that holds "
            f"{PROJECT_FILE}"
        )
    if not (root / PROJECT_FILE).is_file():
        raise GeodataReadError(
            f"{root / PROJECT_FILE}: not found; a geodata folder needs a project file "
            "(see README, 'The data model')"
        )
    ctx = Context(root, None if sources_dir is None else Path(sources_dir))
    project = check_project(ctx)
    if project is None:
        return ctx.report, ctx.parsed
    ctx.parsed.project = project
    check_sources(ctx, project)
    site_schema = load_schema(ctx, project, "site")
    with gc_paused():  # millions of small objects and no cycles: see gc_paused
        # The events file is read, and checked by every rule that needs no site, beside
        # the layers (in a forked process when it is large and there is a core to
        # spare); its findings, and the event schema's, join the report after the
        # layers', where they always were.
        with apart(ctx) as schema_found:
            event_schema = load_schema(ctx, project, "event")
        apart_jobs = jobs if jobs > 1 and _events_size(ctx, project) >= PARALLEL_EVENTS_BYTES else 1
        loading = while_checking_events is not None  # the rows become the events' frame
        with fork_call(
            partial(_read_events_apart, ctx, project, event_schema, max_bytes, loading),
            apart_jobs,
        ) as events:
            for position, spec in enumerate(project.layers):
                check_layer(ctx, project, spec, site_schema, max_bytes, position)
                count_rows(_feature_count(ctx.parsed.layer_docs.get(spec.id)))  # progress
            ctx.report.merge(schema_found)
            if while_reading_events is not None and events.forked and not ctx.report.has_errors():
                while_reading_events(ctx.parsed)
            events_found, events_read = events.result()
        ctx.report.merge(events_found)
        meanwhile = None
        if while_checking_events is not None and not ctx.report.has_errors():
            meanwhile = partial(while_checking_events, ctx.parsed)
        finish_events(ctx, project, event_schema, events_read, jobs=apart_jobs, meanwhile=meanwhile)
        del events_read
        count_rows(ctx.parsed.event_count)
        check_basemap(ctx, project, max_bytes)
        check_tours(ctx, project, max_bytes)
    return ctx.report, ctx.parsed


def _read_events_apart(ctx: Context, project, event_schema, max_bytes, loading=False):
    """(its findings, what it read): :func:`read_events` with a report of its own."""
    with apart(ctx) as found:
        read = read_events(ctx, project, event_schema, max_bytes, loading=loading)
    return found, read


def _events_size(ctx: Context, project) -> int:
    """The events file's size in bytes, 0 when it cannot be told (read_events says why)."""
    try:
        return os.stat(resolve_inside(ctx.root, project.events)).st_size
    except (OSError, InputRefused):
        return 0


def _feature_count(doc) -> int:
    """How many features a parsed layer document holds (0 for one that did not parse)."""
    features = doc.get("features") if isinstance(doc, dict) else None
    return len(features) if isinstance(features, list) else 0
