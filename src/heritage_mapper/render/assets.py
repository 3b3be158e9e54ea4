"""Inline assets: Leaflet, leaflet.markercluster and the page's own script and styles.

The page's own script is a few small modules in ``render/static/js/``, listed in
:data:`APP_SCRIPTS` in the order they are assembled (each may use what the ones
before it define; ``main.js`` comes last and wires them). :func:`app_script` joins
them, in that order, into one script inside one function that exposes the global
``HeritageMapper``: no bundler, and the same bytes on every build.

A page must work opened from disk with no network, so every script and style sheet
comes from an installed Python package (``xstatic-leaflet``,
``xstatic-leaflet-markercluster``, and ``render/static`` of this package) and is
written into the page. Images a style sheet refers to become ``data:`` URIs; source
map comments are dropped (a browser would fetch them when its developer tools are
open). Text that would end its ``<script>`` or ``<style>`` element early is refused
rather than silently altered.

Examples
--------
>>> assets = load_assets(cluster=False)
>>> "L.version" in assets.js[0] or "1.9.3" in assets.js[0]
True
>>> any("url(images/" in css for css in assets.css)
False
>>> assets.js[-1] == app_script()
True
"""

from __future__ import annotations

import base64
import mimetypes
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from heritage_mapper.errors import HeritageError

__all__ = [
    "APP_SCRIPTS",
    "Assets",
    "AssetError",
    "app_script",
    "load_assets",
    "static_text",
    "messages",
]

STATIC_PACKAGE = "heritage_mapper.render"
LEAFLET_FILES = {"css": ("leaflet.css",), "js": ("leaflet.js",)}
CLUSTER_FILES = {
    "css": ("MarkerCluster.css", "MarkerCluster.Default.css"),
    "js": ("leaflet.markercluster.js",),
}
APP_FILES = {"css": ("app.css",)}
#: The page script's modules in ``render/static/js/``, in assembly order.
APP_SCRIPTS = (
    "text.js",  # fold, el, mixed, appendText (data text as text only), ?lang= in the address
    "shapes.js",  # marker shapes and SiteIcon
    "language.js",  # messages, localized columns, numbers, switching language
    "spread.js",  # overlapping markers spread apart, with leader lines
    "clusters.js",  # cluster icons and names; the map's markers as one Tab stop
    "markers.js",  # markers, uncertainty circles, applying the filters to the map
    "popup.js",  # a site's popup
    "timeline.js",  # event timelines: a popup's and the region's
    "list.js",  # the list of sites
    "search.js",  # the search box
    "years.js",  # the time filter (year sliders)
    "legend.js",  # the legend control: layers and kinds of site
    "mapview.js",  # map setup: controls, fitting and framing the sites
    "panels.js",  # popups and corner panels clear of each other's controls
    "pages.js",  # the page in the current language: introduction, links between pages, meta tags
    "basemap.js",  # the embedded basemap: land, boundaries, sources, extent, online tiles
    "labels.js",  # the basemap's place and area labels, thinned without overlaps
    "itinerary.js",  # a tour's distances, times and printed itinerary
    "route.js",  # a tour's route: legs, their labels where they fit, numbered stops
    "story.js",  # story pages: a tour one stop at a time, the region's history era by era
    "data.js",  # reading the page data (JSON, or gzip in base64)
    "main.js",  # HeritageMap: wires the modules; HeritageMapper.start
)
SCRIPT_DIR = "js"
APP_GLOBAL = "HeritageMapper"
_SCRIPT_HEAD = (
    "/* heritage-mapper page script: render/static/js/ modules assembled by\n"
    " * heritage_mapper.render.assets (APP_SCRIPTS order) into one function. */\n"
    '(function () {\n"use strict";\n'
)
_SCRIPT_TAIL = "})();\n"
_SOURCE_MAP = re.compile(r"^\s*(//|/\*)# sourceMappingURL=.*$", re.M)
_CSS_URL = re.compile(r"url\((['\"]?)([^)'\"]+)\1\)")
_SCRIPT_END = re.compile(r"</script|<!--", re.I)
_STYLE_END = re.compile(r"</style", re.I)


class AssetError(HeritageError, OSError):
    """An inlined asset is missing or cannot be inlined safely."""


@dataclass(frozen=True)
class Assets:
    """Style sheets and scripts to inline, in load order."""

    css: tuple[str, ...]
    js: tuple[str, ...]


def load_assets(*, cluster: bool) -> Assets:
    """Read Leaflet (plus markercluster when ``cluster``) and the app, ready to inline."""
    import xstatic.pkg.leaflet as leaflet

    groups = [(Path(leaflet.BASE_DIR), LEAFLET_FILES)]
    if cluster:
        import xstatic.pkg.leaflet_markercluster as markercluster

        groups.append((Path(markercluster.BASE_DIR), CLUSTER_FILES))
    css, js = [], []
    for base, names in groups:
        css += [_style(_read(base / name), base) for name in names["css"]]
        js += [_script(_read(base / name), name) for name in names["js"]]
    css += [_style(static_text(name), None) for name in APP_FILES["css"]]
    js.append(app_script())
    return Assets(tuple(css), tuple(js))


def app_script() -> str:
    """The page's own script: the :data:`APP_SCRIPTS` modules in order, in one function.

    Each module is marked by a comment with its file name. Only the module files
    decide the result, so every build gives the same text.
    """
    parts = [_SCRIPT_HEAD]
    for name in APP_SCRIPTS:
        path = f"{SCRIPT_DIR}/{name}"
        parts.append(f"\n// ---- {path} ----\n")
        parts.append(_script(static_text(path), path))
    parts.append(_SCRIPT_TAIL)
    return "".join(parts)


def static_text(name: str) -> str:
    """A text file from ``heritage_mapper/render/static`` (``name`` may be ``js/x.js``)."""
    try:
        resource = files(STATIC_PACKAGE) / "static"
        for part in name.split("/"):
            resource = resource / part
        return resource.read_text(encoding="utf-8")
    except OSError as exc:
        raise AssetError(
            f"render/static/{name}: cannot read ({exc}); reinstall heritage-mapper"
        ) from exc


def messages(languages=None, default: str | None = None) -> dict:
    """The page's own labels: ``{"languageNames": {...}, "messages": {lang: {...}}}``.

    From the catalogues ``page`` and ``language-names``
    (:func:`heritage_mapper.i18n.catalogue`). For ``languages`` (a project's), each
    language gets every label by the one fallback rule, so a language the catalogue
    lacks still has a whole page; without, the languages the catalogue ships.
    """
    from heritage_mapper import i18n

    shipped = i18n.catalogue("page")
    languages = list(languages) if languages is not None else list(shipped)
    names = i18n.catalogue("language-names")
    return {
        "languageNames": {lang: names.get(lang, {}).get("name", lang) for lang in languages},
        "messages": {
            lang: i18n.labels("page", i18n.fallback_chain(lang, languages, default))
            for lang in languages
        },
    }


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise AssetError(
            f"{path}: cannot read an asset to inline ({exc}); reinstall the xstatic package"
        ) from exc


def _script(text: str, name: str) -> str:
    text = _SOURCE_MAP.sub("", text).rstrip() + "\n"
    if _SCRIPT_END.search(text):
        raise AssetError(f"{name}: contains '</script' or '<!--' and cannot be inlined")
    return text


def _style(text: str, base: Path | None) -> str:
    text = _SOURCE_MAP.sub("", text)
    text = _CSS_URL.sub(lambda match: _inline_url(match, base), text)
    if _STYLE_END.search(text):
        raise AssetError("a style sheet contains '</style' and cannot be inlined")
    return text


def _inline_url(match: re.Match, base: Path | None) -> str:
    """``url(images/x.png)`` → ``url("data:image/png;base64,...")``; fragments stay."""
    target = match.group(2).strip()
    if target.startswith(("data:", "#")):
        return match.group(0)
    if base is None or "://" in target or target.startswith("/"):
        raise AssetError(f"a style sheet refers to {target!r}, which would need a request")
    path = base / target
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    try:
        payload = base64.b64encode(path.read_bytes()).decode("ascii")
    except OSError as exc:
        raise AssetError(f"{path}: cannot read an image to inline ({exc})") from exc
    return f'url("data:{mime};base64,{payload}")'
