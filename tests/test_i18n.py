"""Every string a person can see is translated into Finnish and Swedish (English is the
source language), and a translation keeps its {placeholders}."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.i18n import LOCALES_DIR, from_accept_language, pick_language

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {
    name: None
    for name in (
        "_",
        "gettext",
        "N_",
        "PajaError",
        "InvalidInput",
        "NotAuthenticated",
        "Forbidden",
        "NotFound",
        "Conflict",
        "TooLarge",
        "BoardLocked",
        "LimitReached",
        "RateLimited",
    )
}
METHODS = [("app/**.py", "python"), ("app/templates/**.html", "jinja2")]
OPTIONS = {"app/templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def source_messages() -> set[str]:
    messages = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, METHODS, keywords=KEYWORDS, options_map=OPTIONS
    ):
        messages.add(message if isinstance(message, str) else message[0])
    return messages


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_message_is_translated(language: str) -> None:
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    translated = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(source_messages() - translated.keys())
    assert not missing, f"untranslated in {language} (run scripts/i18n-update.sh): {missing}"
    for msgid, msgstr in translated.items():
        assert set(re.findall(r"\{\w+\}", msgid)) == set(re.findall(r"\{\w+\}", msgstr)), msgid


def test_language_choice() -> None:
    assert pick_language("xx", None, "sv") == "sv"
    assert pick_language(None, "EN") == "en"
    assert pick_language("zz") == "fi"
    assert from_accept_language("de-DE,sv;q=0.8,en;q=0.5") == "sv"
    assert from_accept_language("de") is None
