"""Languages: Vietnamese first, English on buyer, provenance and heritage pages.

The language comes from `?lang=vi|en` (then remembered in a cookie), else the `lang` cookie,
else the browser's Accept-Language, else Vietnamese. Every user-facing string goes through
`gettext`; message ids are the Vietnamese text and `translations/en/*.po` (one file per
feature) give the English.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources

from babel.messages.pofile import read_po

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
COOKIE = "lang"


@cache
def catalogue(language: str) -> dict[str, str]:
    """msgid → translation for `language` (empty for Vietnamese, the source language)."""
    if language == DEFAULT_LANGUAGE:
        return {}
    table: dict[str, str] = {}
    folder = resources.files("storefront") / "translations" / language
    for source in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if source.name.endswith(".po"):
            with source.open("rb") as handle:
                po = read_po(handle)
            table.update(
                {str(m.id): str(m.string) for m in po if m.id and m.string and not m.fuzzy}
            )
    return table


def gettext(language: str, message: str) -> str:
    return catalogue(language).get(message, message)


def translator(language: str) -> Callable[[str], str]:
    table = catalogue(language)
    return lambda message: table.get(message, message)


def negotiate(query_lang: str | None, cookie_lang: str | None, accept_language: str) -> str:
    """The language to answer in, by DESIGN's order of precedence."""
    for candidate in (query_lang, cookie_lang):
        if candidate in LANGUAGES:
            return candidate
    return _from_accept_language(accept_language)


def _from_accept_language(header: str) -> str:
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        quality = 1.0
        for param in pieces[1:]:
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.split("-")[0]
        if primary in LANGUAGES and quality > 0:
            weighted.append((-quality, position, primary))
    return sorted(weighted)[0][2] if weighted else DEFAULT_LANGUAGE
