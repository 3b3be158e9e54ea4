"""Site descriptions with their event timelines, as plain text or as escaped HTML.

KML balloons render ``<description>`` as HTML, so every piece of data put there is
HTML-escaped first (and then XML-escaped by ElementTree when the file is written): a
site named ``<img src=x onerror=alert(1)>`` is shown as those characters, never run.
GPX descriptions are plain text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from heritage_mapper.dates import format_edtf
from heritage_mapper.export.tables import ExportData, plain, plain_column
from heritage_mapper.model import localized

__all__ = [
    "timeline",
    "site_text",
    "site_texts",
    "site_html",
    "site_name",
    "site_names",
    "description_rows",
]


def _label(data: ExportData, lang: str, key: str) -> str:
    """An export label (catalogue ``exports``) in ``lang``, by the one fallback rule."""
    from heritage_mapper.i18n import labels

    return labels("exports", data.chain(lang))[key]


def _get(row: dict, key: str) -> str:
    value = row.get(key)
    if isinstance(value, str):  # already plain: the common case, without plain's checks
        return value
    value = plain(value)
    return "" if value is None else str(value)


def site_name(data: ExportData, row, lang: str | None = None) -> str:
    """The site's name in ``lang`` by the one fallback rule, else its id."""
    return data.localized(row, "name", lang) or _get(row, "id")


def site_names(data: ExportData, frame) -> list[str]:
    """:func:`site_name` of every row of ``frame`` (in
    :attr:`~heritage_mapper.export.tables.ExportData.display_language`), column by column.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> data = SimpleNamespace(chain=lambda lang: ("vi", "en"), display_language="vi")
    >>> frame = pd.DataFrame({"id": ["a", "b"], "name_vi": [None, ""], "name_en": ["A", ""]})
    >>> site_names(data, frame)
    ['A', 'b']
    """
    columns = [
        plain_column(frame[column])
        for column in (localized("name", code) for code in data.chain(data.display_language))
        if column in frame.columns
    ]
    ids = ["" if value is None else str(value) for value in plain_column(frame["id"])]
    names = []
    for index, site_id in enumerate(ids):
        # i18n.pick's rule: the first non-empty text along the chain
        name = next((c[index] for c in columns if isinstance(c[index], str) and c[index]), None)
        names.append(name or site_id)
    return names


def description_rows(data: ExportData, frame) -> list[dict]:
    """Each row of ``frame`` as a dict of the columns :func:`site_text` and
    :func:`site_html` read (id, names, descriptions, location precision and basis), made
    column by column: cheaper than ``frame.to_dict("records")`` with every column."""
    wanted = [
        "id",
        "location_precision_m",
        *(
            localized(base, lang)
            for base in ("name", "description")
            for lang in data.display_languages
        ),
        localized("location_basis", data.display_language),
    ]
    keys = [key for key in dict.fromkeys(wanted) if key in frame.columns]
    columns = [plain_column(frame[key]) for key in keys]
    return [dict(zip(keys, values, strict=True)) for values in zip(*columns, strict=True)]


def timeline(data: ExportData, site_id: str, lang: str) -> list[tuple[str, str]]:
    """(date label, title) for each event at the site, in date order."""
    return data.memo(("timeline", lang), lambda: _timelines(data, lang)).get(site_id, [])


class _Timelines:
    """Every site's timeline in one language, kept as the events' columns (a label and a
    title per event) and made into a site's list of entries when asked for: at 100,000
    sites, a dict of 500,000 (label, title) tuples and 100,000 lists took seconds to
    build, mostly in garbage collection over the loaded data."""

    def __init__(self, site_event_rows: dict, dates: list[str], labels, titles):
        self._site_event_rows = site_event_rows  # site id -> its rows of the events table
        self._dates = dates
        self._labels = labels  # date -> its label
        self._titles = titles

    def get(self, site_id: str, default=None) -> list[tuple[str, str]] | None:
        """(date label, title) for each event at the site, in date order."""
        rows = self._site_event_rows.get(site_id)
        if rows is None:
            return default
        dates, labels, titles = self._dates, self._labels, self._titles
        return [(labels[dates[i]], titles[i]) for i in rows]

    def lines(self, rows: list[int]) -> list[str]:
        """:func:`site_text`'s line (``- <date label>: <title>``) of the events at
        ``rows`` of the events table (made when asked for, not kept: at 500,000 events
        the lines of every language would be some 170 MB)."""
        labels, dates, titles = self._labels, self._dates, self._titles
        return [f"- {labels[dates[i]]}: {titles[i]}" for i in rows]

    def site_lines(self, site_id: str) -> list[str]:
        """:meth:`lines` of the events at the site (none for a site without)."""
        rows = self._site_event_rows.get(site_id)
        return self.lines(rows) if rows else []


def _timelines(data: ExportData, lang: str) -> _Timelines:
    """Every site's timeline in ``lang``, from the events table's columns (not once per
    site and writer: a frame's ``to_dict`` per site took 67 s of a 10,000-site build),
    each distinct date labelled once, each column gone through in one comprehension."""
    events = data.events
    chain = data.chain(lang)
    # The title by the fallback rule: the first non-empty text along the chain; the
    # rows without one in the first language (few) look along the rest of the chain.
    columns = [localized("title", code) for code in chain]
    texts = [plain_column(events[c]) for c in columns if c in events.columns]
    titles = [""] * len(events)
    if texts:
        titles = [text if isinstance(text, str) and text else "" for text in texts[0]]
        for index in [i for i, title in enumerate(titles) if not title]:
            titles[index] = next(
                (t[index] for t in texts[1:] if isinstance(t[index], str) and t[index]), ""
            )
    dates = data.event_dates()  # the same for every language
    # the export's label table (shared with the other language and writers) when it
    # has this language; a date it lacks is labelled here, as it always was
    table = data.date_labels() if lang in data.languages else {}
    at = data.languages.index(lang) if table else 0
    labels = {
        date: table[date][at] if date in table else format_edtf(date, lang, fallbacks=chain[1:])
        for date in dict.fromkeys(dates)
    }
    return _Timelines(data.site_event_rows, dates, labels, titles)


def _precision(row) -> str | None:
    value = plain(row.get("location_precision_m"))
    return None if value is None else f"±{value:.0f} m"


@dataclass(frozen=True)
class _Texts:
    """What every site's description reads besides its own row, looked up once per
    export rather than once per site: the languages, the per-language columns, the
    labels and the timelines (a 10,000-site KML spent a fifth of its time in these)."""

    languages: tuple[str, ...]
    names: dict[str, str]  # language -> name column
    descriptions: dict[str, str]  # language -> description column
    basis: str  # the location-basis column, default language
    precision: str  # the "precision" label, default language
    timeline_labels: dict[str, str]  # language -> the "timeline" label
    timelines: dict[str, _Timelines]  # language -> every site's timeline


def _texts(data: ExportData) -> _Texts:
    def compute() -> _Texts:
        languages = tuple(data.display_languages)
        first = languages[0]
        return _Texts(
            languages=languages,
            names={lang: localized("name", lang) for lang in languages},
            descriptions={lang: localized("description", lang) for lang in languages},
            basis=localized("location_basis", first),
            precision=_label(data, first, "precision"),
            timeline_labels={lang: _label(data, lang, "timeline") for lang in languages},
            timelines={
                lang: data.memo(("timeline", lang), lambda lang=lang: _timelines(data, lang))
                for lang in languages
            },
        )

    return data.memo("site-texts", compute)


_HTML_SPECIAL = re.compile("[&<>\"']")


def _escape_html(text: str) -> str:
    """:func:`html.escape` (quotes too), with a shortcut for the common text that has
    nothing to escape: one regex search instead of five replacements."""
    return html.escape(text) if _HTML_SPECIAL.search(text) else text


def site_text(data: ExportData, row) -> str:
    """A plain-text description: other names, descriptions, precision and timeline."""
    texts = _texts(data)
    lines: list[str] = []
    for lang in texts.languages[1:]:
        other = _get(row, texts.names[lang])
        if other:
            lines.append(other)
    for lang in texts.languages:
        text = _get(row, texts.descriptions[lang])
        if text:
            lines.append(text)
    precision = _precision(row)
    if precision:
        lines.append(f"{texts.precision}: {precision}")
    site_id = _get(row, "id")
    for lang in texts.languages:
        entries = texts.timelines[lang].site_lines(site_id)
        if entries:
            lines.append(f"{texts.timeline_labels[lang]}:")
            lines.extend(entries)
    return "\n".join(lines)


def site_texts(data: ExportData, frame) -> list[str]:
    """:func:`site_text` of every row of ``frame``, column by column: each column read
    once, a site's timeline lines made straight from the events' label and title
    columns (:meth:`_Timelines.lines`) and its text joined once (a dict per site and a
    tuple per event took most of a 100,000-site GPX's time). ``tests/test_export_gpx.py`` holds the
    two to the same text, hostile values included.
    """
    texts = _texts(data)
    size = len(frame)

    def column(name: str) -> list[str]:  # _get of every row: "" for a gap
        if name not in frame.columns:
            return [""] * size
        return [
            v if type(v) is str else "" if v is None else str(v) for v in plain_column(frame[name])
        ]

    # the lines of site_text before the timelines, in its order, as columns
    columns = [column(texts.names[lang]) for lang in texts.languages[1:]]
    columns += [column(texts.descriptions[lang]) for lang in texts.languages]
    precision = [""] * size
    if "location_precision_m" in frame.columns:
        label = texts.precision
        precision = [
            "" if v is None else f"{label}: ±{v:.0f} m"
            for v in plain_column(frame["location_precision_m"])
        ]
    columns.append(precision)
    timelines = [
        (f"{texts.timeline_labels[lang]}:", texts.timelines[lang]) for lang in texts.languages
    ]
    site_event_rows = data.site_event_rows
    out = []
    for site_id, *cells in zip(column("id"), *columns, strict=True):
        lines = [cell for cell in cells if cell]
        rows = site_event_rows.get(site_id)
        if rows:
            for heading, events in timelines:
                lines.append(heading)
                lines.extend(events.lines(rows))
        out.append("\n".join(lines))
    return out


def site_html(data: ExportData, row) -> str:
    """An HTML description for KML balloons; every data value is HTML-escaped."""
    esc = _escape_html
    texts = _texts(data)
    parts: list[str] = []
    for lang in texts.languages[1:]:
        other = _get(row, texts.names[lang])
        if other:
            parts.append(f'<p lang="{esc(lang)}"><b>{esc(other)}</b></p>')
    for lang in texts.languages:
        text = _get(row, texts.descriptions[lang])
        if text:
            parts.append(f'<p lang="{esc(lang)}">{esc(text)}</p>')
    precision = _precision(row)
    if precision:
        basis = _get(row, texts.basis)
        tail = f" ({esc(basis)})" if basis else ""
        parts.append(f"<p>{esc(texts.precision)}: {esc(precision)}{tail}</p>")
    site_id = _get(row, "id")
    for lang in texts.languages:
        entries = texts.timelines[lang].get(site_id)
        if entries:
            items = "".join(f"<li>{esc(date)}: {esc(title)}</li>" for date, title in entries)
            label = esc(texts.timeline_labels[lang])
            parts.append(f'<h4 lang="{esc(lang)}">{label}</h4><ul>{items}</ul>')
    return "\n".join(parts)
