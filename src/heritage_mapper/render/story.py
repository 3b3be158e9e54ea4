"""The story pages: a tour, one stop at a time, and the region's history, era by era.

Both are the map page (every layer, the same basemap, popups and languages) with a
story panel in place of the list: ``data.story`` (see ``page-data.schema.json``) holds
the steps, and ``static/js/story.js`` walks them (next / previous buttons, arrow keys,
a swipe on a touch screen), moving the map to each step.

- :func:`tour_story`: an overview (the whole route, the numbered stops) then each stop,
  with its note, the leg that leads to it (mode, geodesic distance, "as the crow
  flies" when the leg has no route) and its dated events; the route is drawn whole.
- :func:`history_story`: an overview then one step per project era
  (``project.json`` ``eras``), with the events of the era in date order: events that
  name sites highlight those sites, events that name none (region events) the region.

Steps refer to sites and events by their row in the page records, so the page shows
them with the code that draws a popup's timeline.
"""

from __future__ import annotations

__all__ = ["STOP_ZOOM", "history_story", "tour_story"]

#: The zoom a tour page shows each stop at.
STOP_ZOOM = 14
COORDINATE_DECIMALS = 6  # about 0.1 m: the stop positions the map centres on


def _pick(project, labels: dict, languages) -> dict:
    return {lang: project.text(labels, lang) for lang in languages}


def _texts(labels: dict, languages) -> dict:
    """``{lang: text}`` for the languages a stop or leg note has (possibly none)."""
    return {lang: labels[lang] for lang in languages if labels.get(lang)}


def tour_story(project, route, records, languages) -> dict:
    """``data.story`` of a tour page, from a :class:`~heritage_mapper.tours.TourRoute`."""
    site_index = {site_id: i for i, site_id in enumerate(records["sites"]["id"])}
    site_events = records["sites"]["events"]
    stops = []
    for stop in route.stops:
        i = site_index.get(stop.site_id, -1)
        stops.append(
            {
                "site": i,
                "lat": round(stop.lat, COORDINATE_DECIMALS),
                "lon": round(stop.lon, COORDINATE_DECIMALS),
                "name": {lang: stop.name.get(lang) or stop.site_id for lang in languages},
                "note": _texts(stop.note, languages),
                "minutes": stop.visit_minutes,
                "events": list(site_events[i]) if i >= 0 else [],
            }
        )
    legs = [
        {
            "coordinates": [
                [round(lat, COORDINATE_DECIMALS), round(lon, COORDINATE_DECIMALS)]
                for lon, lat in leg.coordinates
            ],
            "straight": leg.straight,
            "mode": leg.mode,
            "distance": round(leg.distance_m, 1),
            "note": _texts(leg.note, languages),
        }
        for leg in route.legs
    ]
    return {
        "kind": "tour",
        "title": _pick(project, route.title, languages),
        "description": _pick(project, route.description, languages),
        "zoom": STOP_ZOOM,
        "distance": round(route.distance_m, 1),
        "straightDistance": round(route.straight_distance_m, 1),
        "visitMinutes": route.visit_minutes,
        "stops": stops,
        "legs": legs,
    }


def history_story(project, records, languages, title: dict, description: dict) -> dict:
    """``data.story`` of the region's story page: one step per project era.

    Each event goes to one era: the narrowest era holding the year it starts in, or,
    when none holds it, the last era starting before it (the first era for an
    earlier one), so every event of the page is told once, in date order.
    """
    from heritage_mapper.dates import span_within, year_span

    eras = []
    for era in project.eras:
        start, end = year_span(era.period)
        eras.append((era, start, end))
    events = records["events"]
    starts = events["start"]
    by_event: dict[int, list[int]] = {}
    for site, ids in enumerate(records["sites"]["events"]):
        for e in ids:
            by_event.setdefault(e, []).append(site)
    steps = [{"events": [], "sites": [], "region": False} for _ in eras]
    for e in sorted(range(len(starts)), key=lambda e: (_year(starts[e]), e)):
        k = _era_of(_year(starts[e]), eras)
        if k is None:
            continue
        step = steps[k]
        step["events"].append(e)
        for site in by_event.get(e, []):
            if site not in step["sites"]:
                step["sites"].append(site)
        if e not in by_event:
            step["region"] = True
    for step, (era, start, end) in zip(steps, eras, strict=True):
        step["label"] = _pick(project, era.label, languages)
        step["years"] = [start, end]
    # an era with nothing to tell that lies wholly outside the page's years has no
    # button on the map (Catalogue._eras): no step either, rather than an empty one
    years = records.get("years")
    steps = [
        step
        for step, (_, start, end) in zip(steps, eras, strict=True)
        if step["events"] or (years is not None and span_within((start, end), years) is not None)
    ]
    return {
        "kind": "history",
        "title": title,
        "description": description,
        "region": [
            [project.region.bbox[1], project.region.bbox[0]],
            [project.region.bbox[3], project.region.bbox[2]],
        ],
        "steps": steps,
    }


def _year(value) -> int:
    return value if isinstance(value, int) else 10**6  # dateless: after everything


def _era_of(year: int, eras) -> int | None:
    if not eras:
        return None
    from heritage_mapper.dates import span_holds

    inside = [
        (_width(start, end, year), k)
        for k, (_, start, end) in enumerate(eras)
        if span_holds((start, end), year)
    ]
    if inside:
        return min(inside)[1]
    before = [k for k, (_, start, _end) in enumerate(eras) if start is not None and start <= year]
    return before[-1] if before else 0


def _width(start, end, year) -> int:
    return (year if end is None else end) - (year if start is None else start)
