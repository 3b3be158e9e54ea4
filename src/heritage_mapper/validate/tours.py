"""Rules of ``tours.json``: the schema, ids, stops at sites that exist, legs, routes that
start and end at their stops, text in every language, sensible visit times.

A tour names sites by id; its legs are straight lines unless a route is given, and a
route must start within :data:`~heritage_mapper.model.ROUTE_END_TOLERANCE_M` (or the
site's ``location_precision_m``, when wider) of the previous stop and end as near its
own stop. Distances are measured on the WGS84 ellipsoid (pyproj's ``Geod``).
"""

from __future__ import annotations

import difflib
import math
from dataclasses import replace
from pathlib import Path

from heritage_mapper.model import (
    MAX_DAY_MINUTES,
    MAX_VISIT_MINUTES,
    MIN_TOUR_STOPS,
    PROJECT_FILE,
    ROUTE_END_TOLERANCE_M,
    Project,
    expand_languages,
    localized,
    packaged_schema,
    tours_from_document,
)
from heritage_mapper.read.files import MAX_REGISTRY_BYTES, is_slug
from heritage_mapper.read.jsonfile import lines_of_pointers
from heritage_mapper.text import pointer
from heritage_mapper.validate.context import (
    Context,
    add_lines,
    inside,
    load_schema,
    read_json_checked,
    schema_message,
)
from heritage_mapper.validate.events import MAX_SITES_FOR_SUGGESTIONS, MAX_SUGGESTIONS_PER_FILE
from heritage_mapper.validate.schema import make_validator
from heritage_mapper.validate.texts import (
    CONTROL_FIX,
    control_character,
    strings,
    warn_non_nfc,
)

__all__ = ["check_tours", "TEXT_BASES"]

#: The per-language texts of a tour (``title_vi``, ``note_en``, …).
TEXT_BASES = ("title", "description", "note")


def check_tours(ctx: Context, project: Project, max_bytes=None) -> None:
    """Check the tours file the project names (none: nothing to check), after the
    layers, so stops can be looked up; fills ``ctx.parsed.tours`` when it is usable."""
    if project.tours is None:
        return
    path = inside(ctx, project.tours, "/tours")
    if path is None:
        return
    if not path.exists():
        ctx.problem(
            "tours-file-missing",
            path,
            f"the tours file {project.tours!r} named in {PROJECT_FILE} does not exist",
            hint="create it (see the README's tours file) or remove 'tours' from project.json",
            pointer="/tours",
        )
        return
    before = len(ctx.report.problems)
    limit = MAX_REGISTRY_BYTES if max_bytes is None else min(max_bytes, MAX_REGISTRY_BYTES)
    result = read_json_checked(ctx, path, limit)
    doc = result.document
    broken = _schema_errors(ctx, project, path, doc) if doc is not None else None
    if broken is not None:  # None: the document's own shape is wrong
        # the tours the schema passes are checked too: an error in one tour hid every
        # finding in the others until it was fixed
        _check_texts(ctx, path, doc)
        _check_tour_list(ctx, project, path, doc, skip=broken)
        if not broken:
            ctx.parsed.tours = tours_from_document(doc, project.languages)
    add_lines(ctx, before, path, result.text)
    _lines_of_parents(ctx, before, path, result.text)


def _lines_of_parents(ctx: Context, before: int, path: Path, text: str | None) -> None:
    """A finding at a member that is missing (``/tours/0/title_en``) gets the line of
    the object that lacks it."""
    problems = ctx.report.problems
    todo = [
        i
        for i in range(before, len(problems))
        if problems[i].path == str(path)
        and problems[i].location.line is None
        and problems[i].location.pointer
    ]
    if not todo or text is None:
        return
    parents = {i: problems[i].location.pointer.rsplit("/", 1)[0] for i in todo}
    lines = lines_of_pointers(text, set(parents.values()))
    for i in todo:
        line = lines.get(parents[i])
        if line is not None:
            problems[i] = replace(problems[i], location=replace(problems[i].location, line=line))


def _schema_errors(ctx: Context, project: Project, path: Path, doc) -> set[int] | None:
    """Report the document's schema errors; the positions of the tours that have any
    (the others can be checked further), or None when the document itself is wrong
    (not an object with a list of tours, or a folder schema that cannot be read).

    The packaged schema always applies (a folder's own may add rules, not loosen the
    shape the checks below rely on); a missing per-language text is its own code."""
    checkers = [make_validator(expand_languages(packaged_schema("tours"), project.languages))]
    if "tours" in project.schemas:
        own = load_schema(ctx, project, "tours")
        if own is None:
            return None
        checkers.append(own)
    seen: set[tuple[str, str]] = set()
    broken: set[int] | None = set()
    for checker in checkers:
        for error in checker.iter_errors(doc):
            where = pointer(*error.absolute_path)
            key = (where, error.message)
            if key in seen:
                continue
            seen.add(key)
            at = list(error.absolute_path)
            if len(at) >= 2 and at[0] == "tours" and isinstance(at[1], int):
                if broken is not None:
                    broken.add(at[1])
            else:
                broken = None  # the document's own shape
            missing = _missing_text(error, project.languages)
            if missing is not None:
                ctx.problem(
                    "tour-text-missing",
                    path,
                    f"{missing!r} is missing: every language of {PROJECT_FILE} "
                    f"({', '.join(project.languages)}) needs its text",
                    hint=f"add {missing!r} in our own words",
                    pointer=f"{where}/{missing}",
                )
                continue
            ctx.problem(
                "tours-schema",
                path,
                schema_message(error),
                hint="see schemas/tours.schema.json and the README's tours file",
                pointer=where,
            )
    return broken


def _missing_text(error, languages) -> str | None:
    """The per-language property a ``required`` error misses, or None.

    jsonschema gives one error per missing property, each with the whole ``required``
    list: the error's own property is the one its message names (taking the first
    missing one reported the first text twice and never the second).
    """
    if error.validator != "required" or not isinstance(error.instance, dict):
        return None
    texts = {localized(base, lang) for base in TEXT_BASES for lang in languages}
    for name in error.validator_value:
        if name not in error.instance and error.message == f"{name!r} is a required property":
            return name if name in texts else None
    return None


def _check_texts(ctx: Context, path: Path, doc) -> None:
    warn_non_nfc(ctx, path, doc)
    for ptr, text in strings(doc):
        found = control_character(text)
        if found:
            ctx.problem(
                "text-control-character",
                path,
                found[1],
                hint=CONTROL_FIX,
                pointer=ptr,
                severity=found[0],
            )


def _check_tour_list(
    ctx: Context, project: Project, path: Path, doc: dict, skip: set[int] = frozenset()
) -> None:
    """The checks of each tour the schema passed (``skip``: the positions of those it
    did not)."""
    seen: dict[str, int] = {}
    ctx.suggestions = {}  # unknown id -> suggestion, for this file (bounded as for events)
    positions = _SitePositions(ctx)
    for i, tour in enumerate(doc["tours"]):
        if i in skip:
            continue
        base = f"/tours/{i}"
        tour_id = tour["id"]
        if not is_slug(tour_id):  # the package's rule, whatever a folder's own schema says
            ctx.problem(
                "id-unsafe",
                path,
                f"tour id {str(tour_id)[:60]!r} is not a slug",
                pointer=f"{base}/id",
            )
        elif tour_id in seen:
            ctx.problem(
                "tour-id-duplicate",
                path,
                f"tour id {tour_id!r} is already the id of tour {seen[tour_id]}",
                hint="give every tour its own id",
                pointer=f"{base}/id",
            )
        else:
            seen[tour_id] = i
        stops = tour["stops"]
        if len(stops) < MIN_TOUR_STOPS:
            ctx.problem(
                "tour-stops-too-few",
                path,
                f"tour {tour_id!r} has {len(stops)} stop(s); a tour needs at least "
                f"{MIN_TOUR_STOPS}",
                hint="add stops, or remove the tour",
                pointer=f"{base}/stops",
            )
        for j, stop in enumerate(stops):
            previous = stops[j - 1]["site"] if j else None
            _check_stop(ctx, project, path, f"{base}/stops/{j}", stop, previous, positions)
        total = sum(stop["visit_minutes"] for stop in stops)
        if total > MAX_DAY_MINUTES:
            ctx.problem(
                "tour-day-long",
                path,
                f"the suggested visits of tour {tour_id!r} add up to {_hours(total)}, more "
                f"than {_hours(MAX_DAY_MINUTES)} (travel not counted)",
                hint="shorten the visits, or split the tour into two days",
                pointer=f"{base}/stops",
            )


def _hours(minutes: int) -> str:
    return f"{minutes // 60} h {minutes % 60:02d} min"


def _check_stop(ctx, project, path, base, stop, previous, positions) -> None:
    site_id = stop["site"]
    known = site_id in ctx.sites
    if not known:
        close = _suggestion(ctx, site_id)
        guess = f"; did you mean {close!r}?" if close else ""
        ctx.problem(
            "tour-stop-unknown",
            path,
            f"site id {site_id!r} is not in any layer{guess}",
            hint="use the id of a site in one of the layers, or add the site first",
            pointer=f"{base}/site",
        )
    if previous is not None and site_id == previous:
        ctx.problem(
            "tour-stop-repeated",
            path,
            f"site {site_id!r} is also the stop before: a tour does not stop twice in a row "
            "at one site",
            hint="remove one of the two stops, or put another stop between them",
            pointer=f"{base}/site",
        )
    minutes = stop["visit_minutes"]
    if not 1 <= minutes <= MAX_VISIT_MINUTES:
        ctx.problem(
            "tour-visit-time-invalid",
            path,
            f"visit_minutes {minutes} is not between 1 and {MAX_VISIT_MINUTES} (12 hours)",
            hint="give the suggested time at the stop in whole minutes, e.g. 45",
            pointer=f"{base}/visit_minutes",
        )
    _check_note(ctx, project, path, base, stop)
    leg = stop.get("leg")
    if previous is None:
        if leg is not None:
            ctx.problem(
                "tour-leg-first-stop",
                path,
                "the first stop has a leg, but there is no previous stop to come from",
                hint="remove the leg from the first stop",
                pointer=f"{base}/leg",
            )
        return
    if leg is None:
        ctx.problem(
            "tour-leg-missing",
            path,
            f"stop {site_id!r} has no leg: say how to get here from {previous!r}",
            hint='add "leg": {"mode": "road"} (or walk, bicycle, causeway, boat, rail)',
            pointer=base,
        )
        return
    _check_note(ctx, project, path, f"{base}/leg", leg)
    if "route" in leg:
        _check_route(ctx, path, f"{base}/leg/route", leg["route"], previous, site_id, positions)


def _check_note(ctx, project, path, base, item: dict) -> None:
    """A note is optional; once given, it is needed in every language."""
    given = [lang for lang in project.languages if localized("note", lang) in item]
    for lang in project.languages if given else ():
        name = localized("note", lang)
        if name not in item:
            ctx.problem(
                "tour-text-missing",
                path,
                f"{name!r} is missing: the note is given in {', '.join(given)}, and every "
                f"language of {PROJECT_FILE} needs it",
                hint=f"add {name!r}, or remove the note in every language",
                pointer=f"{base}/{name}",
            )


def _suggestion(ctx: Context, key: str) -> str | None:
    """The site id closest to ``key``, bounded as in :mod:`heritage_mapper.validate.events`."""
    if key in ctx.suggestions:
        return ctx.suggestions[key]
    close = None
    if len(ctx.suggestions) < MAX_SUGGESTIONS_PER_FILE and len(ctx.sites) <= (
        MAX_SITES_FOR_SUGGESTIONS
    ):
        found = difflib.get_close_matches(key, list(ctx.sites), n=1)
        close = found[0] if found else None
        ctx.suggestions[key] = close
    return close


class _SitePositions:
    """A site's position (a point inside it when it is not a point) and precision, from
    the layer documents already read; None when the site has no usable geometry."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.cache: dict[str, tuple[float, float, float] | None] = {}

    def __call__(self, site_id: str) -> tuple[float, float, float] | None:
        if site_id not in self.cache:
            self.cache[site_id] = self._find(site_id)
        return self.cache[site_id]

    def _find(self, site_id: str):
        record = self.ctx.sites.get(site_id)
        if record is None:
            return None
        doc = self.ctx.layer_docs_by_path.get(record.path)
        try:
            feature = doc["features"][record.index]
            lon, lat = site_point(feature["geometry"])
            precision = feature["properties"].get("location_precision_m")
        except (KeyError, IndexError, TypeError, ValueError):
            return None
        ok = isinstance(precision, int | float) and math.isfinite(precision)
        return lon, lat, float(precision) if ok else 0.0


def site_point(geometry: dict) -> tuple[float, float]:
    """(longitude, latitude) of a site: the Point itself, else shapely's
    ``point_on_surface`` (the point every export gives a site that is not a point)."""
    if geometry.get("type") == "Point":
        lon, lat = geometry["coordinates"][:2]
        return float(lon), float(lat)
    import shapely.geometry

    point = shapely.geometry.shape(geometry).point_on_surface()
    if point.is_empty:
        raise ValueError("empty geometry")
    return point.x, point.y


def _check_route(ctx, path, base, route, previous, site_id, positions) -> None:
    coordinates = route["coordinates"]
    for k, position in enumerate(coordinates):
        lon, lat = position[0], position[1]
        if not (
            math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90
        ):
            ctx.problem(
                "tour-route-invalid",
                path,
                f"position {k} [{lon}, {lat}] is not a WGS84 longitude and latitude",
                hint="write [longitude, latitude] in degrees (longitude first, as in GeoJSON)",
                pointer=f"{base}/coordinates/{k}",
            )
            return
    if len({(p[0], p[1]) for p in coordinates}) < 2:
        ctx.problem(
            "tour-route-invalid",
            path,
            "the route has fewer than two distinct positions: it is not a line",
            hint="give the path from the previous stop to this one, or remove the route",
            pointer=f"{base}/coordinates",
        )
        return
    start, end = positions(previous), positions(site_id)
    if start is None or end is None:
        return  # an unknown stop is reported already
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    first, last = coordinates[0], coordinates[-1]
    ends = (("starts", 0, first, start, previous), ("ends", -1, last, end, site_id))
    reversed_ = _distance(geod, first, end) < _distance(geod, first, start) and _distance(
        geod, last, start
    ) < _distance(geod, last, end)
    for verb, index, position, (lon, lat, precision), name in ends:
        distance = _distance(geod, position, (lon, lat))
        tolerance = max(ROUTE_END_TOLERANCE_M, precision)
        if distance > tolerance:
            k = index % len(coordinates)
            why = "; it seems to run backwards" if reversed_ else ""
            ctx.problem(
                "tour-route-far",
                path,
                f"the route {verb} {distance:,.0f} m from site {name!r} (tolerance "
                f"{tolerance:,.0f} m: max({ROUTE_END_TOLERANCE_M:.0f} m, the site's "
                f"location precision)){why}",
                hint="make the route run from the previous stop to this one, or remove it",
                pointer=f"{base}/coordinates/{k}",
            )


def _distance(geod, a, b) -> float:
    return float(geod.inv(a[0], a[1], b[0], b[1])[2])
