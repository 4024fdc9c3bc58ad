"""Finnish, Swedish and English. Catalogues are gettext .po files under app/locales/,
compiled in memory at start-up so no binary .mo file has to be built or committed."""

from __future__ import annotations

import gettext
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANGUAGE = "fi"
LOCALES_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGE_NAMES = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}


def N_(message: str) -> str:
    """Marks a string for the catalogue without translating it here (Babel keyword N_)."""
    return message


def pick_language(*candidates: str | None) -> str:
    """The first supported language among the candidates; Finnish when none is."""
    for candidate in candidates:
        if candidate:
            code = candidate.strip().lower()[:2]
            if code in LANGUAGES:
                return code
    return DEFAULT_LANGUAGE


def from_accept_language(header: str | None) -> str | None:
    """The most preferred supported language of an Accept-Language header."""
    if not header:
        return None
    weighted: list[tuple[float, str]] = []
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        code = tag.strip().lower()[:2]
        if code in LANGUAGES and weight > 0:
            weighted.append((weight, code))
    return max(weighted)[1] if weighted else None


@lru_cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue for a language; English is the source language of the msgids."""
    path = LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
    if language == "en" or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)
