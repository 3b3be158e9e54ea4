"""The page skeleton, built with folium and branca, with nothing fetched from a CDN.

folium provides the Leaflet map, and nothing else: the page script draws the
basemap from the page data (``render/static/js/basemap.js``), so a page opened from
disk makes no request at all; tiles are only an option the script offers when the
page is served over http(s). What folium would load from CDNs is switched off,
and the rest of the page is branca elements with this package's own templates:

- :class:`PageFigure`: the HTML document (``<html lang>``, header, list, region
  timeline, map wrapper) from ``render/templates/page.html``;
- :class:`OfflineMap`: ``folium.Map`` without CDN links, and without folium's
  ``user-scalable=no`` viewport, which stops people from zooming the page;
- :class:`StartApp`: the one statement that hands the map to the page script;
- :func:`page_links` and :func:`page_meta`: the links between the pages (the index and
  every layer page) and what a shared link shows (description, Open Graph locale).

Inlined assets and the page records are attributes of :class:`PageFigure`, written by
its template and never passed through branca's child elements: branca parses the
output of every ``MacroElement`` macro again as a Jinja template, so data text such
as ``{{ 7*7 }}`` would be evaluated at build time (template injection). Only
elements whose output holds no data text (the map, ``StartApp``)
take that path.

branca names every element after a random id. These classes do not draw one, and
:func:`number_elements` numbers the tree in order just before rendering, so the same
page always reads ``map_1``, whatever the process or hash seed.
"""

from __future__ import annotations

import functools
from importlib.resources import files

import folium
from branca.element import Figure, MacroElement
from folium.template import Template

__all__ = [
    "OfflineMap",
    "PageFigure",
    "StartApp",
    "number_elements",
    "page_figure",
    "page_links",
    "page_meta",
]

DATA_ELEMENT_ID = "hm-data"
TEXT_ELEMENT_PREFIX = "hm-texts-"  # + the chunk's number: the events' texts apart
PAGE_TEMPLATE = "page.html"
PLACEHOLDER_ID = "0"  # replaced by number_elements before rendering
INITIAL_ZOOM = 9  # the page script fits the map to the sites as soon as it starts


class _NumberedId:
    """Mixin: no random id; :func:`number_elements` gives the real one."""

    @classmethod
    def _generate_id(cls) -> str:
        return PLACEHOLDER_ID


class PageFigure(_NumberedId, Figure):
    """The whole HTML document, in the page's default language.

    ``title``/``subtitle`` and every label are written HTML-escaped so the page reads
    right before its script runs; the page script switches them to another language.
    ``assets`` are inlined in ``<head>``; ``data_text`` (already script-safe, see
    :func:`~heritage_mapper.render.data.embed_data`) becomes the data element, of type
    ``application/json`` when ``data_encoding`` is ``"json"``, else
    ``application/octet-stream`` with ``data-encoding`` saying how the script reads it.
    ``text_chunks`` (base64 of gzip, from
    :func:`~heritage_mapper.render.data.embed_page_data`) become one such element each,
    ``hm-texts-0``, ``hm-texts-1``, ...
    ``region_events`` is how many events the region timeline holds; with none, the
    page has no region timeline section. ``description`` (or None) is the project's
    introduction, shown under the title and in the meta description; ``links`` are
    :func:`page_links` in the page's language (``href``, ``title``, ``current``);
    ``locale`` and ``alternate_locales`` are the Open Graph locales. ``story`` (a
    tour or the region's story, :mod:`.story`) puts the story panel in place of the
    list, and hides the search and the year filter.
    """

    def __init__(
        self,
        *,
        lang,
        title,
        subtitle,
        msg,
        language_names,
        years,
        region_events,
        assets,
        data_text,
        data_encoding="json",
        text_chunks=(),
        description=None,
        links=(),
        locale=None,
        alternate_locales=(),
        story=None,
    ):
        super().__init__()
        self.header._children.pop("meta_http", None)  # the template declares the charset
        self._template = _page_template()
        self.lang = lang
        self.title = title
        self.subtitle = subtitle
        self.page_title = f"{title} — {subtitle}" if subtitle else title
        self.msg = msg
        self.language_names = language_names
        self.years = years
        self.region_events = region_events
        self.assets = assets
        self.data_text = data_text
        self.data_encoding = data_encoding
        self.text_chunks = text_chunks
        self.text_element_prefix = TEXT_ELEMENT_PREFIX
        self.data_element_id = DATA_ELEMENT_ID
        self.description = description
        self.links = links
        self.locale = locale or lang
        self.alternate_locales = alternate_locales
        self.story = story


@functools.cache
def _page_template() -> Template:
    """The page template, compiled once a process: it is the same for every page, and
    compiling it took 14 ms a page (a build writes one page per layer and story)."""
    return Template(
        (files("heritage_mapper.render") / "templates" / PAGE_TEMPLATE).read_text("utf-8")
    )


class OfflineMap(_NumberedId, folium.Map):
    """``folium.Map`` with no CDN assets and a viewport that lets people zoom."""

    default_js: list = []
    default_css: list = []
    _template = Template(
        """
        {% macro header(this, kwargs) %}
            <style>#{{ this.get_name() }} { position: relative; width: 100%; height: 100%; }</style>
        {% endmacro %}

        {% macro html(this, kwargs) %}
            <div class="folium-map" id={{ this.get_name()|tojson }}></div>
        {% endmacro %}

        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.map(
                {{ this.get_name()|tojson }},
                {
                    center: {{ this.location|tojson }},
                    crs: L.CRS.{{ this.crs }},
                    ...{{ this.options|tojavascript }}
                }
            );
        {% endmacro %}
        """
    )


class StartApp(_NumberedId, MacroElement):
    """Start the page script with the map and the data element."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            HeritageMapper.start(
                {{ this._parent.get_name() }},
                {{ this.element_id|tojson }}
            );
        {% endmacro %}
        """
    )

    def __init__(self, element_id: str = DATA_ELEMENT_ID):
        super().__init__()
        self._name = "StartApp"
        self.element_id = element_id


def page_figure(*, figure: PageFigure, view: dict) -> Figure:
    """Add the map and the app start to ``figure``, and number the tree.

    ``view`` holds ``location`` (``[lat, lon]``) and ``prefer_canvas``.
    """
    m = OfflineMap(
        location=view["location"],
        zoom_start=INITIAL_ZOOM,
        tiles=None,
        prefer_canvas=view["prefer_canvas"],
    )
    figure.add_child(m)
    m.add_child(StartApp())
    number_elements(figure)
    return figure


def number_elements(root) -> None:
    """Give every element under ``root`` an id from its position in the tree."""
    counter = 0

    def visit(element):
        nonlocal counter
        element._id = str(counter)
        counter += 1
        for child in element._children.values():
            visit(child)

    visit(root)


def page_links(
    project, layer_ids, languages, index_label: dict, extra=(), current: str | None = None
) -> list[dict]:
    """The links between the pages: the index (all layers), then each layer's page.

    Each link is ``{"href", "title": {lang: text}, "current"}``; ``href`` is the file
    name (:data:`~heritage_mapper.model.INDEX_PAGE`, ``<layer id>`` +
    :data:`~heritage_mapper.model.PAGE_SUFFIX`), relative, so the pages link to each
    other wherever they are copied. ``current`` marks the page showing ``layer_ids``:
    the index for every layer, a layer's page for that one layer. ``extra`` links (the
    story page, the tour pages: ``{"href", "title"}``) follow; when ``current`` (a file
    name) is given, it alone is marked current.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> layers = [NS(id="a", title={"en": "A"}), NS(id="b", title={"en": "B"})]
    >>> project = NS(layers=layers, text=lambda texts, lang: texts["en"])
    >>> links = page_links(project, ["b"], ["en"], {"en": "All"})
    >>> [(link["href"], link["current"]) for link in links]
    [('index.html', False), ('a.html', False), ('b.html', True)]
    """
    from heritage_mapper.model import INDEX_PAGE, PAGE_SUFFIX

    shown = sorted(layer_ids)
    every = [spec.id for spec in project.layers]
    links = [
        {
            "current": shown == sorted(every),
            "href": INDEX_PAGE,
            "title": {lang: index_label[lang] for lang in languages},
        }
    ]
    for spec in project.layers:
        links.append(
            {
                "current": shown == [spec.id],
                "href": spec.id + PAGE_SUFFIX,
                "title": {lang: project.text(spec.title, lang) for lang in languages},
            }
        )
    links += [{"current": False, **link} for link in extra]
    if current is not None:
        for link in links:
            link["current"] = link["href"] == current
    return links


def page_meta(project, languages) -> tuple[dict | None, dict]:
    """The project's description per language (or None) and the Open Graph locales.

    The description follows the one fallback rule (:meth:`Project.text
    <heritage_mapper.model.Project.text>`); a locale comes from the catalogue
    ``language-names`` (``vi`` → ``vi_VN``), or is the language code itself.
    """
    from heritage_mapper import i18n

    names = i18n.catalogue("language-names")
    description = (
        {lang: project.text(project.description, lang) for lang in languages}
        if any(project.description.values())
        else None
    )
    locales = {lang: names.get(lang, {}).get("locale", lang) for lang in languages}
    return description, locales
