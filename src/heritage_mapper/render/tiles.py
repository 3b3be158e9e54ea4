"""``heritage-mapper tiles``: every site as one PMTiles archive and a page that reads it.

A single map page embeds every site (:mod:`heritage_mapper.render`); past
:data:`TILES_THRESHOLD` sites it is too big to be reasonable (measured with
``benchmarks/run.py``: 100,000 sites make a 41.3 MB ``index.html`` that Chromium needs
6.9 s to show; 10,000 sites, 4.6 MB and 1.1 s; 200,000 sites, 81.7 MB and 59 s on a
busy machine, ``benchmarks/tiles_scale.py --single-page``). For such folders
:func:`build_tiles` writes, into one output folder:

- ``sites.pmtiles``: every site as a point in one vector tile layer ``sites``,
  written by GDAL's PMTiles driver (through pyogrio) from the zoom where no tile holds
  more than :data:`TILE_SITES_BUDGET` sites (:func:`archive_min_zoom`) to
  :data:`MAX_ZOOM`, with the few properties a popup needs (id, layer and category
  indexes, name, period and present-day place in each page language). The long
  texts (descriptions, event timelines, sources) stay on the single pages and in
  the exports: at a million sites they would be gigabytes;
- ``search-<hex>.json``: the search index, one chunk per first two characters of a
  folded name (:func:`heritage_mapper.text.fold`), each entry ``[folded name, name,
  id, lon, lat]``, sorted; the page loads only the chunk a query needs;
- ``index.html``: one page with Leaflet, the PMTiles reader and the vector tile
  decoder inlined (``static/vendor/``), the embedded basemap and a density grid for
  the zooms below the archive's; it reads the tiles in view with HTTP range
  requests, so the folder can be served from any static host that answers
  ``Range`` (not opened from disk: the page then says it must be served).

The same folder gives byte-identical files (GDAL's PMTiles writer is deterministic
for the same features in the same order; the tests check it).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from heritage_mapper.errors import HeritageError

__all__ = [
    "ARCHIVE_NAME",
    "MAX_ZOOM",
    "TILES_THRESHOLD",
    "advice",
    "advise_tiles",
    "archive_min_zoom",
    "build_tiles",
    "is_tiles_file",
    "is_tiles_output",
    "tiles_page",
]

ARCHIVE_NAME = "sites.pmtiles"
PAGE_NAME = "index.html"
SEARCH_PREFIX = "search-"
TILE_LAYER = "sites"
#: The archive starts at the lowest zoom whose fullest tile holds at most this many
#: sites (:func:`archive_min_zoom`); below it the page draws the density grid.
TILE_SITES_BUDGET = 3000
#: The deepest tiles; the page over-zooms them past it.
MAX_ZOOM = 14
#: GDAL drops features from a tile past these (its defaults are 200,000 and 500 kB):
#: large enough that no site is dropped at MAX_ZOOM for the data measured.
MAX_FEATURES = 200_000
MAX_SIZE = 4_000_000
#: Cell of the density grid, in degrees (drawn below the archive's first zoom).
DENSITY_CELL_DEG = 0.1
#: More sites than this: the single page is past reasonable (see the module docstring).
TILES_THRESHOLD = 100_000
#: Bytes of single page per site, measured at 100,000 sites (41,269,183 bytes, the
#: benchmark of 2026-11-30).
PAGE_BYTES_PER_SITE = 413
SEARCH_KEY_CHARS = 2  # the shortest query, and the first cut of the index
#: A search chunk holds at most this many entries unless they share a long prefix.
SEARCH_CHUNK_ENTRIES = 1000
SEARCH_MAX_PREFIX = 48
VENDOR_SCRIPTS = ("vendor/pmtiles.js", "vendor/vector-tile.js")
PAGE_SCRIPTS = ("js/text.js", "js/shapes.js", "js/basemap.js", "tiles.js")


class TilesError(HeritageError, OSError):
    """GDAL could not write the PMTiles archive."""


def advice(site_count: int) -> str | None:
    """What ``build`` says past :data:`TILES_THRESHOLD` sites, else ``None``.

    Examples
    --------
    >>> advice(10) is None
    True
    >>> advice(1_000_000)
    '1,000,000 sites: the single page is about 413 MB; publish with `heritage-mapper tiles`'
    """
    if site_count <= TILES_THRESHOLD:
        return None
    megabytes = round(site_count * PAGE_BYTES_PER_SITE / 1_000_000)
    return (
        f"{site_count:,} sites: the single page is about {megabytes} MB; "
        "publish with `heritage-mapper tiles`"
    )


def advise_tiles(site_count: int, progress=None) -> None:
    """Print :func:`advice` to the progress stream (standard error) when there is one."""
    import sys

    text = advice(site_count)
    if text:
        stream = getattr(progress, "stream", None) or sys.stderr
        print(f"note: {text}", file=stream)


def build_tiles(
    geodata_dir: str | Path,
    out_dir: str | Path,
    *,
    strict: bool = False,
    max_bytes: int | None = None,
    sources_dir: str | Path | None = None,
    progress=None,
    jobs: int | None = None,
) -> list[Path]:
    """Validate ``geodata_dir`` and write the archive, search index and page to ``out_dir``.

    ``jobs``: how many processes validation may use
    (:func:`~heritage_mapper.frames.load_geodata`).

    Returns the files written (the page first). The set replaces the previous one
    in ``out_dir`` atomically (:func:`heritage_mapper.atomic.publish_set`): search
    chunks the new set lacks are removed; other files stay.
    """
    from heritage_mapper.atomic import (
        check_output_folders,
        ensure_writable_dir,
        refuse_foreign_outputs,
    )
    from heritage_mapper.frames import load_geodata
    from heritage_mapper.progress import Progress

    check_output_folders(geodata_dir, out=out_dir)
    refuse_foreign_outputs(out_dir, _is_build_page, "--out")
    progress = progress if progress is not None else Progress(quiet=True)
    with progress.step("Validating and loading geodata", unit="sites and events read"):
        geodata = load_geodata(  # the tiles show sites only: events are checked, not kept
            geodata_dir,
            strict=strict,
            max_bytes=max_bytes,
            sources_dir=sources_dir,
            jobs=jobs,
            with_events=False,
        )
    if geodata.report.warning_count:  # they pass, but a curator should know
        progress.note(geodata.report.to_text(ok_files=False))
    ensure_writable_dir(out_dir)
    with progress.step("Preparing the sites"):
        sites, meta = site_table(geodata)
        search = search_chunks(sites, meta["languages"])
        page = tiles_page(geodata, sites, meta, [_prefix(name) for name in search])
    with progress.step("Writing the tiles, the search index and the page"):
        return _publish(out_dir, sites, search, page)


def site_table(geodata):
    """The sites as a GeoDataFrame of tile properties, and the page's metadata."""
    import geopandas as gpd
    import numpy as np

    from heritage_mapper.render.assets import messages
    from heritage_mapper.render.data import (
        _pick,
        _site_columns,
        page_languages,
    )

    project = geodata.project
    labels = messages(project.languages, project.default_language)
    languages, default = page_languages(project, labels["messages"])
    frame = geodata.sites.reset_index(drop=True)
    columns = _site_columns(frame, project, languages)
    layer_index = {spec.id: i for i, spec in enumerate(project.layers)}
    properties = {
        "id": columns["id"].tolist(),
        "l": [layer_index.get(v, -1) for v in frame["layer"].astype(str).tolist()],
        "c": columns["category"].tolist(),
    }
    for lang in languages:
        properties[f"n_{lang}"] = columns["name"][lang].tolist()
        properties[f"p_{lang}"] = columns["period"][lang].tolist()
        properties[f"a_{lang}"] = columns["adminNow"][lang].tolist()
    lon = np.asarray(columns["lon"].tolist(), dtype=float)
    lat = np.asarray(columns["lat"].tolist(), dtype=float)
    table = gpd.GeoDataFrame(properties, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    table["search"] = columns["search"].tolist()
    meta = {
        "languages": languages,
        "defaultLanguage": default,
        "messages": {lang: labels["messages"][lang] for lang in languages},
        "title": _pick(project, project.title, languages),
        "layers": [
            {"id": spec.id, "title": _pick(project, spec.title, languages)}
            for spec in project.layers
        ],
        "categories": [
            {"id": c.id, "label": _pick(project, c.label, languages)} for c in project.categories
        ],
    }
    return table, meta


def archive_min_zoom(lon, lat, budget: int | None = None) -> int:
    """The lowest zoom (at most :data:`MAX_ZOOM`) at which no tile holds more than
    ``budget`` (:data:`TILE_SITES_BUDGET`) sites: 8 sites get every zoom from 0, a
    million over Vietnam start at 13 (``benchmarks/tiles_scale.py``). Past it the page
    would draw too many symbols per tile, and GDAL would drop features from full tiles
    (``MAX_FEATURES``).

    Examples
    --------
    >>> archive_min_zoom([105.85], [21.03])
    0
    """
    import numpy as np

    budget = TILE_SITES_BUDGET if budget is None else budget
    lon = np.asarray(lon, dtype=float)
    lat = np.clip(np.asarray(lat, dtype=float), -85.05, 85.05)
    if len(lon) <= budget:
        return 0
    mercator_y = np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))
    for zoom in range(MAX_ZOOM + 1):
        n = 2**zoom
        x = np.clip(np.floor((lon + 180) / 360 * n), 0, n - 1).astype(np.int64)
        y = np.clip(np.floor((1 - mercator_y / np.pi) / 2 * n), 0, n - 1).astype(np.int64)
        if np.unique(x * n + y, return_counts=True)[1].max() <= budget:
            return zoom
    return MAX_ZOOM


def density_grid(lon, lat, cell: float = DENSITY_CELL_DEG) -> dict:
    """Sites per grid cell: ``{"cell": deg, "lon": [...], "lat": [...], "count": [...]}``,
    cell centres in sorted order (what the page draws below the archive's zooms)."""
    import numpy as np

    if len(lon) == 0:
        return {"cell": cell, "lon": [], "lat": [], "count": []}
    ix = np.floor(np.asarray(lon) / cell).astype(np.int64)
    iy = np.floor(np.asarray(lat) / cell).astype(np.int64)
    cells, counts = np.unique(np.stack([ix, iy], axis=1), axis=0, return_counts=True)
    return {
        "cell": cell,
        "lon": [round((x + 0.5) * cell, 4) for x in cells[:, 0].tolist()],
        "lat": [round((y + 0.5) * cell, 4) for y in cells[:, 1].tolist()],
        "count": counts.tolist(),
    }


def search_chunks(sites, languages) -> dict[str, bytes]:
    """File name → JSON bytes of each chunk of the search index, in index order.

    One entry per distinct folded name of a site (its name in each language),
    ``[folded, name, id, lon, lat]``, sorted by folded name then id; where sites share
    a folded name, each such entry also carries the site's present-day place in the
    name's language (``[..., lat, place]``), so the results tell them apart. The sorted
    entries are cut into chunks by prefix: entries sharing a prefix stay in one chunk
    while it holds at most :data:`SEARCH_CHUNK_ENTRIES`, else they are split by one
    more character (a trie cut). A chunk is named by its prefix's UTF-8 hex
    (``search-6861.json`` for ``ha``); the page lists the prefixes in index order and
    loads only the chunks whose prefix and the query start one another.
    """
    from heritage_mapper.text import fold_all

    names = {lang: sites[f"n_{lang}"].tolist() for lang in languages}
    places = {lang: sites[f"a_{lang}"].tolist() for lang in languages}
    # a site's key holds each distinct folded name once, so the k-th part is not the
    # k-th language's: each part is shown by the first language whose name folds to it
    folded = [
        fold_all([v if isinstance(v, str) else "" for v in names[lang]]) for lang in languages
    ]
    ids = sites["id"].tolist()
    lons = sites.geometry.x.round(5).tolist()
    lats = sites.geometry.y.round(5).tolist()
    entries = []
    for row, key in enumerate(sites["search"].tolist()):
        shown = [names[lang][row] for lang in languages]
        where = [places[lang][row] for lang in languages]
        for fold_key in key.split("\n") if key else []:
            if not fold_key:
                continue
            k = next((j for j, f in enumerate(folded) if f[row] == fold_key and shown[j]), None)
            if k is None:  # not a name's fold (cannot happen with render.data's keys)
                k = next((j for j, s in enumerate(shown) if s), 0)
            place = where[k] or next((p for p in where if p), None)
            entries.append((fold_key, shown[k] or "", ids[row], lons[row], lats[row], place))
    entries.sort(key=lambda e: (e[0], e[2]))
    shared = {key for key, n in Counter(e[0] for e in entries).items() if n > 1}
    rows = [list(e) if e[0] in shared and e[5] else list(e[:5]) for e in entries]
    return {
        chunk_name(prefix): json.dumps(
            rows[lo:hi], ensure_ascii=False, separators=(",", ":")
        ).encode("utf-8")
        for prefix, lo, hi in _cut(entries, 0, len(entries), SEARCH_KEY_CHARS)
    }


def _cut(entries, lo: int, hi: int, depth: int):
    """``(prefix, lo, hi)`` of the chunks of ``entries[lo:hi]`` (sharing ``depth - 1``
    characters), each cut by its first ``depth`` characters, in order."""
    start = lo
    while start < hi:
        prefix = entries[start][0][:depth]
        end = start
        while end < hi and entries[end][0][:depth] == prefix:
            end += 1
        exact = len(prefix) < depth  # keys no longer than the prefix: nothing to split by
        if end - start <= SEARCH_CHUNK_ENTRIES or exact or depth >= SEARCH_MAX_PREFIX:
            yield prefix, start, end
        else:
            short = start
            while short < end and len(entries[short][0]) == depth:  # the key is the prefix
                short += 1
            if short > start:
                yield prefix, start, short
            yield from _cut(entries, short, end, depth + 1)
        start = end


def chunk_name(prefix: str) -> str:
    """The search chunk's file name for a folded prefix.

    Examples
    --------
    >>> chunk_name("ha")
    'search-6861.json'
    """
    return SEARCH_PREFIX + prefix.encode("utf-8").hex() + ".json"


def tiles_page(geodata, sites, meta, search_prefixes: list[str]) -> str:
    """The HTML of the tiles page."""
    from heritage_mapper.render.assets import load_assets, static_text
    from heritage_mapper.render.basemap import basemap_records
    from heritage_mapper.render.data import embed_json

    assets = load_assets(cluster=False)
    lon = sites.geometry.x.to_numpy()
    lat = sites.geometry.y.to_numpy()
    min_zoom = archive_min_zoom(lon, lat)
    bounds = (
        [[float(lat.min()), float(lon.min())], [float(lat.max()), float(lon.max())]]
        if len(lon)
        else [[8.18, 102.14], [23.39, 109.46]]
    )
    data = {
        **meta,
        "archive": ARCHIVE_NAME,
        "layerName": TILE_LAYER,
        "minZoom": min_zoom,
        "maxZoom": MAX_ZOOM,
        "siteCount": len(sites),
        "searchKeyChars": SEARCH_KEY_CHARS,
        "searchChunks": search_prefixes,
        "bounds": [[round(v, 5) for v in corner] for corner in bounds],
        "density": density_grid(lon, lat),
        "basemap": basemap_records(geodata),
    }
    default = meta["defaultLanguage"]
    msg = meta["messages"][default]
    scripts = [assets.js[0]] + [static_text(name) for name in VENDOR_SCRIPTS + PAGE_SCRIPTS]
    for name, text in zip(VENDOR_SCRIPTS + PAGE_SCRIPTS, scripts[1:], strict=True):
        if "</script" in text.lower() or "<!--" in text:
            raise TilesError(f"render/static/{name}: cannot be inlined in a <script>")
    css = assets.css[0] + static_text("tiles.css")
    script_html = "\n".join(
        f"<script>\n{text}\n</script>" for text in scripts[:1] + [_app_script(scripts[1:])]
    )
    return _PAGE.format(
        lang=default,
        title=_html(meta["title"][default]),
        css=css,
        data=embed_json(data),
        scripts=script_html,
        search=_html(msg.get("searchLabel", "Search")),
    )


def _prefix(name: str) -> str:
    """The folded prefix a chunk's file name stands for (:func:`chunk_name` undone)."""
    return bytes.fromhex(name[len(SEARCH_PREFIX) : -len(".json")]).decode("utf-8")


def _app_script(parts: list[str]) -> str:
    vendor = parts[: len(VENDOR_SCRIPTS)]
    own = parts[len(VENDOR_SCRIPTS) :]
    return (
        "\n".join(vendor)
        + '\n(function () {\n"use strict";\n'
        + "\n".join(own)
        + "\nHeritageTiles.start();\n})();"
    )


def _html(text: str) -> str:
    import html

    return html.escape(str(text), quote=True)


def _publish(out_dir, sites, search: dict[str, bytes], page: str) -> list[Path]:
    from heritage_mapper.atomic import output_lock, publish_set

    names = [PAGE_NAME, ARCHIVE_NAME, *search]
    with (
        output_lock(out_dir) as lock,
        publish_set(lock.parent, names, owned=is_tiles_output) as temps,
    ):
        temps[0].write_bytes(page.encode("utf-8"))
        lon, lat = sites.geometry.x.to_numpy(), sites.geometry.y.to_numpy()
        write_archive(sites.drop(columns=["search"]), temps[1], archive_min_zoom(lon, lat))
        for tmp, payload in zip(temps[2:], search.values(), strict=True):
            tmp.write_bytes(payload)
    return [Path(out_dir) / name for name in names]


def is_tiles_output(name: str) -> bool:
    """Whether ``name`` is a file :func:`build_tiles` writes (its page, archive or a
    search index): what a rebuild may remove, and what ``build`` finds in its way."""
    return name in (PAGE_NAME, ARCHIVE_NAME) or (
        name.startswith(SEARCH_PREFIX) and name.endswith(".json")
    )


def _is_build_page(name: str) -> bool:
    """A page of ``build`` that the tiles do not write (a layer's, a story's): what
    :func:`build_tiles` finds in its way."""
    from heritage_mapper.render import is_page_name

    return is_page_name(name) and not is_tiles_output(name)


def is_tiles_file(name: str) -> bool:
    """A file of the tiles that ``build`` does not write (the archive, a search
    index): what ``build`` finds in its way."""
    from heritage_mapper.render import is_page_name

    return is_tiles_output(name) and not is_page_name(name)


def write_archive(sites, path: str | Path, min_zoom: int) -> None:
    """Write ``sites`` (a GeoDataFrame in WGS84) as the PMTiles archive ``path``."""
    import pyogrio

    path = Path(path)
    path.unlink(missing_ok=True)  # the driver refuses to overwrite
    try:
        pyogrio.write_dataframe(
            sites,
            path,
            driver="PMTiles",
            layer=TILE_LAYER,
            dataset_options={
                "MINZOOM": str(min_zoom),
                "MAXZOOM": str(MAX_ZOOM),
                "MAX_FEATURES": str(MAX_FEATURES),
                "MAX_SIZE": str(MAX_SIZE),
                "NAME": TILE_LAYER,
            },
        )
    except Exception as exc:  # pyogrio raises its own DataSourceError and others
        raise TilesError(f"{path}: GDAL could not write the PMTiles archive ({exc})") from exc


_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{title}</title>
<style>
{css}
</style>
</head>
<body>
<header class="hmt-header">
<h1 class="hmt-title">{title}</h1>
<div class="hmt-tools">
<div class="hmt-search" role="search">
<label for="hmt-query" class="hmt-search-label">{search}</label>
<input id="hmt-query" type="search" autocomplete="off">
<ul id="hmt-results" class="hmt-results"></ul>
</div>
<div class="hmt-langs" id="hmt-langs"></div>
</div>
</header>
<p id="hmt-notice" class="hmt-notice" role="alert" hidden></p>
<main class="hmt-main">
<div id="hmt-map" class="hmt-map"></div>
<aside id="hmt-filters" class="hmt-filters"></aside>
</main>
<p id="hmt-status" class="hmt-status" aria-live="polite"></p>
<script type="application/json" id="hmt-data">{data}</script>
{scripts}
</body>
</html>
"""
