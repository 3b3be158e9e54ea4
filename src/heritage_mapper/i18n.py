"""Languages: the one fallback rule and the catalogues of interface labels.

A project declares its ``languages`` and ``default_language`` in ``project.json``;
nothing else in the code names a language. Text in a language that is missing (a
site with no ``name_fr``, a catalogue with no French date labels) is taken by one rule,
:func:`fallback_chain`: the wanted language, then the project's default language, then
the project's other languages in their declared order, then English (the language
every shipped catalogue is complete in).

Interface labels live in JSON catalogues shipped as package data
(``heritage_mapper/catalogue/<name>.json``, one object per language).

Examples
--------
>>> fallback_chain("fr", ("vi", "en", "fr"), "vi")
('fr', 'vi', 'en')
>>> pick({"vi": "Hòn Gai", "en": ""}, fallback_chain("en", ("vi", "en"), "vi"))
'Hòn Gai'
>>> labels("dates", ("vi",))["about"]
'khoảng {}'
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from importlib import resources

__all__ = ["CATALOGUE_LANGUAGE", "fallback_chain", "pick", "catalogue", "labels"]

#: The language every shipped catalogue is complete in: the last resort of the rule.
CATALOGUE_LANGUAGE = "en"


def fallback_chain(
    lang: str | None, languages: Iterable[str] = (), default: str | None = None
) -> tuple[str, ...]:
    """The languages to try, in order, for text wanted in ``lang``.

    Examples
    --------
    >>> fallback_chain("en", ("vi", "en"), "vi")
    ('en', 'vi')
    >>> fallback_chain(None, (), None)
    ('en',)
    """
    chain = [lang, default, *languages, CATALOGUE_LANGUAGE]
    return tuple(dict.fromkeys(code for code in chain if code))


def pick(texts: Mapping[str, object], chain: Iterable[str]) -> str | None:
    """The first non-empty text of ``texts`` (language → text) along ``chain``.

    Examples
    --------
    >>> pick({"en": "Coal"}, ("vi", "en"))
    'Coal'
    >>> pick({}, ("vi",)) is None
    True
    """
    for code in chain:
        value = texts.get(code)
        if isinstance(value, str) and value:
            return value
    return None


@functools.cache
def catalogue(name: str) -> Mapping[str, Mapping[str, str]]:
    """The shipped catalogue ``name``: language → label key → label."""
    text = (
        resources.files("heritage_mapper")
        .joinpath("catalogue", f"{name}.json")
        .read_text(encoding="utf-8")
    )
    return json.loads(text)


def labels(name: str, chain: Iterable[str]) -> dict[str, str]:
    """Every label of catalogue ``name``, each in the first language of ``chain`` that has it.

    A key no language of the chain has comes in :data:`CATALOGUE_LANGUAGE`.
    """
    table = catalogue(name)
    merged: dict[str, str] = {}
    for code in (CATALOGUE_LANGUAGE, *reversed(tuple(chain))):
        merged.update(table.get(code, {}))
    return merged
