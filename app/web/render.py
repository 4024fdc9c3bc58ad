"""Jinja2 environments (one per language) and the renderers built on them: full pages,
htmx fragments, and the HTML that live events carry."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_time
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup

from app import __version__
from app.audience import project
from app.db import Audience, BoardEvent
from app.i18n import LANGUAGE_NAMES, LANGUAGES, translations
from app.services.signals import REACTIONS

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
HELSINKI = ZoneInfo("Europe/Helsinki")
BABEL_LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}

# Which partial shows each event type; events without one carry data only.
EVENT_PARTIALS = {
    "note.created": "_note.html",
    "note.updated": "_note.html",
    "notes.revealed": "_notes_revealed.html",
    "comment.created": "_comment.html",
    "column.created": "_column.html",
    "column.updated": "_column_header.html",
    "row.created": "_row_event.html",
    "row.updated": "_row_event.html",
    "row.deleted": "_row_event.html",
    "board.updated": "_board_header.html",
    "theme.created": "_theme.html",
    "theme.updated": "_theme.html",
    "timer.changed": "_timer.html",
    "voting.changed": "_voting.html",
    "participants.progress": "_progress.html",
    "discussion_groups.changed": "_progress.html",
}


@lru_cache
def environment(language: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        # The templates ship with the package: checking their files' times on every
        # include (a stat per card of a 300-note page) found nothing new to load.
        auto_reload=False,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        lang=language,
        languages=LANGUAGES,
        language_names=LANGUAGE_NAMES,
        static=static_url,
        new_client_key=lambda: secrets.token_urlsafe(12),
        reaction_set=REACTIONS,
        card=_card,
    )
    env.filters["when"] = lambda value: _format_when(value, language)
    env.filters["clock"] = lambda value: _format_clock(value, language)
    return env


# A board page draws every card; most are unchanged since the last page anyone opened.
# Enough for a few busy boards in three languages, both as participants and as
# facilitators see them.
CARD_CACHE_SIZE = 5_000  # some 2.5 KB each (key and HTML): at most ~12 MB


@pass_context
def _card(context: Context, note: Any) -> Markup:
    """A note's card (_note.html). Its HTML depends only on the note's data as this
    viewer may see it, the board and the discussion-group filter (templates test:
    tests/test_card_cache.py), so a room joining at once shares one rendering per card
    and language."""
    board_id = context.get("board_id")
    group_filter = context.get("group_filter")
    if not isinstance(note, dict):  # a model: drawn as it is, not worth a key
        template = context.environment.get_template("_note.html")
        return Markup(template.render(note=note, board_id=board_id, group_filter=group_filter))
    data = json.dumps(note, ensure_ascii=False, separators=(",", ":"), default=str)
    return _cached_card(context.environment.globals["lang"], board_id, group_filter, data)


@lru_cache(maxsize=CARD_CACHE_SIZE)
def _cached_card(language: str, board_id: str, group_filter: str | None, data: str) -> Markup:
    template = environment(language).get_template("_note.html")
    return Markup(
        template.render(note=json.loads(data), board_id=board_id, group_filter=group_filter)
    )


def static_url(path: str) -> str:
    """Versioned so a new release is not served from a stale browser cache."""
    return f"/static/{path}?v={__version__}"


def _format_when(value: datetime | str, language: str) -> str:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return format_datetime(
        moment, "short", tzinfo="Europe/Helsinki", locale=BABEL_LOCALES[language]
    )


def _format_clock(value: datetime | str, language: str) -> str:
    """Hours and minutes in Finnish time: when a timer ends, for pages without JavaScript."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return format_time(moment, "short", tzinfo=HELSINKI, locale=BABEL_LOCALES[language])


def render(language: str, template: str, **context: Any) -> str:
    return environment(language).get_template(template).render(**context)


def encode_events(events: Sequence[BoardEvent], language: str, audience: Audience) -> str:
    """The WebSocket frame for consecutive events, as `audience` may see them
    (app.audience.project): one object, or an array for a batch. An event nobody of this
    audience may receive still keeps its seq, as a `note.withheld` or an empty `withheld`."""
    items = [_event_payload(event, language, audience) for event in events]
    payload: Any = items[0] if len(items) == 1 else items
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _event_payload(event: BoardEvent, language: str, audience: Audience) -> dict[str, Any]:
    """The event as projected, with its partial drawn from the projected data alone: the
    HTML is the same for every viewer who receives the same data."""
    projected = project(event, audience)
    if projected is None:
        return {"seq": event.seq, "type": "withheld", "data": {}}
    type_, data = projected
    payload: dict[str, Any] = {"seq": event.seq, "type": type_, "data": data}
    partial = EVENT_PARTIALS.get(type_)
    if partial is not None:
        payload["html"] = render(language, partial, **_partial_context(type_, data, event))
    return payload


def _partial_context(type_: str, data: dict[str, Any], event: BoardEvent) -> dict[str, Any]:
    if type_ == "notes.revealed":
        return {"notes": data["notes"], "board_id": event.board_id}
    if type_ in ("participants.progress", "discussion_groups.changed"):
        return {"progress": data, "board_id": event.board_id}
    if type_.startswith("note."):
        return {"note": data, "board_id": event.board_id}
    if type_.startswith("theme."):
        return {"theme": data, "board_id": event.board_id}
    if type_.startswith("comment."):
        return {"comment": data}
    if type_.startswith("timer."):
        return {"timer": data}
    if type_.startswith("column."):
        rows = data.get("rows", [])
        return {"column": data, "notes": [], "rows": rows, "board_id": event.board_id}
    if type_.startswith("row."):
        return {"row": data, "event_type": type_, "board_id": event.board_id}
    return {"board": data}
