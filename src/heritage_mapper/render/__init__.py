"""Interactive maps that work from disk with no network, in every project language.

:func:`build_maps` writes ``index.html`` (every layer) and ``<layer-id>.html`` (one
layer each), then the story pages (:mod:`.story`): ``story.html`` (the region's history,
era by era) and ``tour-<tour-id>.html`` (one per tour). Each page is one
self-contained HTML file:

- Leaflet, leaflet.markercluster (on pages with more than
  :data:`CLUSTER_MIN_SITES` sites), the page's own script (the modules of
  ``static/js/``, assembled into one) and ``static/app.css`` are inlined
  (:mod:`.assets`), and so is the basemap (:mod:`.basemap`), drawn by the page
  script: opened from disk, a page makes no request at all. Served over http(s), it
  offers OpenStreetMap tiles as an option, off by default;
- the data is embedded once, as compact columnar records (:mod:`.data`), and the
  page builds markers, list, popups and the region timeline (the events that name
  no site) from them with DOM calls, never from HTML strings, so any text in the
  data is shown as text;
- the skeleton comes from folium and branca with deterministic element names
  (:mod:`.page`); dict keys are sorted, so the same geodata gives byte-identical
  files whatever ``PYTHONHASHSEED`` is.

All pages are rendered in memory first; only then are they written, to temporary
files moved into place together (:func:`~heritage_mapper.atomic.atomic_files`), so a
failure while writing any page leaves every old page as it was.

Examples
--------
>>> from heritage_mapper import load_geodata
>>> pages = render_pages(load_geodata("geodata"))
>>> sorted(pages)[:2]
['coal-industry.html', 'ho-chi-minh-1959.html']
"""

from __future__ import annotations

import functools
from pathlib import Path

from heritage_mapper.errors import UsageError
from heritage_mapper.model import INDEX_PAGE, PAGE_SUFFIX, STORY_PAGE, TOUR_PAGE_PREFIX

__all__ = ["CLUSTER_MIN_SITES", "INDEX_PAGE", "build_maps", "render_page", "render_pages"]

CLUSTER_MIN_SITES = 500  # above this many sites a page clusters markers and draws on canvas


def build_maps(joined, out_dir: str | Path, advance=None, jobs: int = 1) -> list[Path]:
    """Render every page of ``joined`` and write them into ``out_dir``.

    Parameters
    ----------
    joined
        A :class:`~heritage_mapper.join.Joined` geodata (a loaded
        :class:`~heritage_mapper.frames.Geodata` is joined here).
    out_dir
        The folder to write into; created when missing.
    advance
        Called once per page rendered (a progress display's ``advance``).
    jobs
        How many pages to render at once, this process and ``jobs - 1`` forked ones
        (:func:`heritage_mapper.parallel.fork_map`); the same HTML as one by one.

    Returns
    -------
    list of Path
        The files written: ``index.html`` first, then one page per layer, the story
        page and one page per tour (:func:`page_names`). Pages the
        previous build wrote (listed in the folder's manifest) for layers or tours no
        longer in the project are removed once the new set is in place; other files stay.

    Raises
    ------
    UsageError
        A page name is not a plain file name (a layer id with ``/`` or ``..``), or
        ``out_dir`` is or lies in the geodata folder: nothing is written.
    OutputError
        When the folder or a file cannot be written (every old page stays).
    """
    from heritage_mapper.atomic import (
        check_output_folders,
        output_lock,
        output_targets,
        publish_set,
    )
    from heritage_mapper.join import ensure_joined

    joined = ensure_joined(joined)
    # the API too: never into the geodata folder; plain names only; before anything else
    check_output_folders(joined.geodata.project.root, out=out_dir, may_contain=True)
    targets = output_targets(out_dir, page_names(joined.geodata))
    # compressed data keeps even 100,000 sites' pages small
    pages = dict(iter_pages(joined, jobs=jobs, advance=advance))
    # one run at a time; the pages replace the old set together (a removed layer's page
    # goes with it)
    with (
        output_lock(out_dir) as lock,
        publish_set(lock.parent, pages, owned=is_page_name) as temps,
    ):
        for tmp, html in zip(temps, pages.values(), strict=True):
            tmp.write_bytes(html.encode("utf-8"))
    return targets


def is_page_name(name: str) -> bool:
    """Whether ``name`` is one heritage-mapper would give a page (what a rebuild may remove)."""
    return name.endswith(PAGE_SUFFIX) and not name.startswith(".")


def page_names(geodata) -> list[str]:
    """The file names of every page: ``index.html``, one per layer, then the story
    page (when the project has eras) and one page per tour (``tour-<id>.html``)."""
    layer_ids = [spec.id for spec in geodata.project.layers]
    clash = [i for i in layer_ids if i + PAGE_SUFFIX == INDEX_PAGE]
    if clash:
        raise UsageError(
            f"layer id {clash[0]!r} would overwrite {INDEX_PAGE}, the page of all layers; "
            "rename the layer in project.json"
        )
    story = [name for name, _ in story_pages(geodata)]
    clash = [i for i in layer_ids if i + PAGE_SUFFIX in story]
    if clash:
        raise UsageError(
            f"layer id {clash[0]!r} would overwrite {clash[0] + PAGE_SUFFIX}, a tour or "
            "story page; rename the layer in project.json"
        )
    return [INDEX_PAGE] + [layer_id + PAGE_SUFFIX for layer_id in layer_ids] + story


def story_pages(geodata) -> list[tuple[str, str | None]]:
    """``(file name, tour id)`` of the story pages: the region's story (tour id None)
    when the project has eras, then one page per tour."""
    pages = [(STORY_PAGE, None)] if geodata.project.eras else []
    tours = getattr(geodata, "tours", ()) or ()
    return pages + [(TOUR_PAGE_PREFIX + tour.id + PAGE_SUFFIX, tour.id) for tour in tours]


def render_pages(joined) -> dict[str, str]:
    """File name → HTML of every page: ``index.html``, then each layer's page."""
    return dict(iter_pages(joined))


def iter_pages(joined, *, jobs: int = 1, advance=None):
    """``(file name, HTML)`` of every page in :func:`page_names` order, one at a time.

    The rows of every page come from one :class:`~heritage_mapper.render.data.Catalogue`
    built here, so each site and event is prepared once, whatever the number of pages.
    With ``jobs`` > 1 the pages are rendered that many at once, here and in forked
    processes (all of them before the first is yielded); ``advance()`` is called per page.
    """
    from heritage_mapper.join import ensure_joined
    from heritage_mapper.parallel import fork_map

    joined = ensure_joined(joined)
    names = page_names(joined.geodata)
    if jobs > 1:
        sizes = _page_sizes(joined.geodata, names)  # the largest first: no core waits long
        order = sorted(range(len(names)), key=lambda i: -sizes[i])
        tasks = list(_page_tasks(joined, jobs))
        html = fork_map(_render, tasks, jobs, order=order, advance=advance)
        yield from zip(names, html, strict=True)
        return
    for name, task in zip(names, _page_tasks(joined), strict=True):
        yield name, _render(task)
        if advance is not None:
            advance()


def _page_sizes(geodata, names: list[str]) -> list[int]:
    """How many sites each page of ``names`` (:func:`page_names`) shows: a layer's page
    its layer's, every other page (the index, story and tour pages) all of them."""
    counts = geodata.sites["layer"].value_counts().to_dict()
    layer_pages = {spec.id + PAGE_SUFFIX: spec.id for spec in geodata.project.layers}
    total = len(geodata.sites)
    return [counts.get(layer_pages[name], 0) if name in layer_pages else total for name in names]


def _render(task) -> str:
    """A page's HTML, made with the cyclic collector paused: a page's records are
    hundreds of thousands of new lists and dicts, and each full collection on the way
    walked every loaded object again (at 100,000 sites, 2 s of 19 s of rendering)."""
    from heritage_mapper.read.jsonfile import gc_paused

    with gc_paused():
        return task()


def _page_tasks(joined, jobs: int = 1):
    """A function per page, in :func:`page_names` order, each returning its HTML; what
    the pages share (the catalogue, the basemap, the labels) is made once, first."""
    from heritage_mapper.join import ensure_joined
    from heritage_mapper.read.jsonfile import gc_paused
    from heritage_mapper.render.assets import messages
    from heritage_mapper.render.basemap import basemap_records
    from heritage_mapper.render.data import Catalogue, page_languages

    joined = ensure_joined(joined)
    geodata = joined.geodata
    labels = messages(geodata.project.languages, geodata.project.default_language)
    languages, _ = page_languages(geodata.project, labels["messages"])
    with gc_paused():  # as in _render: the catalogue is every page's rows, made once
        shared = {
            "basemap": basemap_records(geodata),
            "catalogue": Catalogue(joined, languages, jobs=jobs),
            "labels": labels,
            "assets": {},
        }
    layer_ids = [spec.id for spec in geodata.project.layers]
    yield functools.partial(render_page, joined, layer_ids, **shared)
    for layer_id in layer_ids:
        yield functools.partial(render_page, joined, [layer_id], **shared)
    stories = story_pages(geodata)
    if stories:
        from heritage_mapper.tours import tour_routes

        routes = {route.id: route for route in tour_routes(geodata)}
        for name, tour_id in stories:
            story = ("tour", routes[tour_id]) if tour_id else ("history", None)
            yield functools.partial(
                render_page, joined, layer_ids, story=story, page_name=name, **shared
            )


def render_page(
    joined,
    layer_ids=None,
    *,
    labels=None,
    assets=None,
    catalogue=None,
    basemap=False,
    story=None,
    page_name=None,
) -> str:
    """The HTML of one page showing ``layer_ids`` (default: every layer).

    Parameters
    ----------
    joined
        A :class:`~heritage_mapper.join.Joined` geodata (a loaded
        :class:`~heritage_mapper.frames.Geodata` is joined here).
    layer_ids
        Layers to show, in any order (pages follow the project order).
    labels, assets, catalogue, basemap
        Computed once by :func:`iter_pages` and shared between pages; computed
        here when not given. ``assets`` is a dict used as a cache, keyed by
        whether the page clusters; ``catalogue`` is a
        :class:`~heritage_mapper.render.data.Catalogue` in the page languages;
        ``basemap`` is :func:`~heritage_mapper.render.basemap.basemap_records` (``None``
        for a project without one).
    """
    from heritage_mapper.join import ensure_joined
    from heritage_mapper.render import assets as asset_files
    from heritage_mapper.render.data import embed_page_data, page_languages, page_records
    from heritage_mapper.render.page import PageFigure, page_figure, page_links, page_meta

    joined = ensure_joined(joined)
    project = joined.project
    layer_ids = list(layer_ids) if layer_ids is not None else [s.id for s in project.layers]
    labels = (
        labels
        if labels is not None
        else asset_files.messages(project.languages, project.default_language)
    )
    languages, default = page_languages(project, labels["messages"])
    records = page_records(joined, layer_ids, languages=languages, catalogue=catalogue)
    cluster = len(records["sites"]["id"]) > CLUSTER_MIN_SITES
    cache = assets if assets is not None else {}
    if cluster not in cache:
        cache[cluster] = asset_files.load_assets(cluster=cluster)
    title, subtitle = _titles(project, layer_ids, languages)
    records["messages"] = {lang: labels["messages"][lang] for lang in languages}
    index_label = {lang: records["messages"][lang]["allLayers"] for lang in languages}
    extra = _story_links(joined.geodata, records["messages"], languages)
    links = page_links(project, layer_ids, languages, index_label, extra, page_name)
    if story is not None:
        records["story"] = _story_records(project, story, records, languages)
        subtitle = records["story"]["title"]
    description, locales = page_meta(project, languages)
    records["page"] = {
        "cluster": cluster,
        "defaultLanguage": default,
        "description": description,
        "languages": languages,
        "links": links,
        "locales": locales,
        "subtitle": subtitle,
        "title": title,
    }
    if basemap is False:  # not shared by iter_pages: this page's own
        from heritage_mapper.render.basemap import basemap_records

        basemap = basemap_records(joined.geodata)
    records["basemap"] = basemap
    del records["events"]["id"]  # the page never shows an event's id
    data_text, data_encoding, text_chunks = embed_page_data(records)
    del records["sites"], records["events"]  # only the embedded text is needed from here
    figure = PageFigure(
        lang=default,
        title=title[default],
        subtitle=subtitle[default] if subtitle else None,
        msg=records["messages"][default],
        language_names=[(lang, labels["languageNames"].get(lang, lang)) for lang in languages],
        years=records["years"],
        region_events=len(records["region"]),
        assets=cache[cluster],
        data_text=data_text,
        data_encoding=data_encoding,
        text_chunks=text_chunks,
        description=description[default] if description else None,
        links=[{**link, "title": link["title"][default]} for link in links],
        locale=locales[default],
        alternate_locales=[locales[lang] for lang in languages if lang != default],
        story=records.get("story"),
    )
    view = {"location": _centre(records["bounds"]), "prefer_canvas": cluster}
    page_figure(figure=figure, view=view)
    return figure.render()


def _story_links(geodata, messages, languages) -> list[dict]:
    """The links to the story page and the tour pages, for the navigation of every page."""
    links = []
    for name, tour_id in story_pages(geodata):
        if tour_id is None:
            title = {lang: messages[lang]["storyPage"] for lang in languages}
        else:
            tour = next(t for t in geodata.tours if t.id == tour_id)
            title = {
                lang: messages[lang]["tourLink"].replace(
                    "{title}", geodata.project.text(tour.title, lang)
                )
                for lang in languages
            }
        links.append({"href": name, "title": title})
    return links


def _story_records(project, story, records, languages) -> dict:
    from heritage_mapper.render.story import history_story, tour_story

    kind, route = story
    if kind == "tour":
        return tour_story(project, route, records, languages)
    title = {lang: records["messages"][lang]["storyPage"] for lang in languages}
    description = {lang: records["messages"][lang]["storyIntro"] for lang in languages}
    return history_story(project, records, languages, title, description)


def _titles(project, layer_ids, languages) -> tuple[dict, dict | None]:
    def pick(labels):
        return {lang: project.text(labels, lang) for lang in languages}

    title = pick(project.title)
    all_layers = [spec.id for spec in project.layers]
    if sorted(layer_ids) == sorted(all_layers) or len(layer_ids) != 1:
        return title, None
    spec = next(spec for spec in project.layers if spec.id == layer_ids[0])
    return title, pick(spec.title)


def _centre(bounds) -> list[float]:
    (south, west), (north, east) = bounds
    return [round((south + north) / 2, 5), round((west + east) / 2, 5)]
