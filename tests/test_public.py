"""The read side's fast paths build exactly what the slow ones did."""

from __future__ import annotations

import gc
from datetime import UTC, datetime

import pytest
from pydantic import BaseModel, Field

from app.exports.base import (
    DEFERRED_FULL_COLLECTIONS,
    collector_paused,
    full_collections_deferred,
)
from app.models import NoteColor, NoteKind, NoteVisibility
from app.schemas import CommentPublic, NotePublic
from app.services.public import trusted

NOW = datetime(2026, 12, 1, 10, 30, tzinfo=UTC)


def test_a_trusted_note_is_the_one_model_construct_builds() -> None:
    comment = {"id": "c", "note_id": "n", "text": "Hyvä", "author_name": "", "created_at": NOW}
    # Deliberately out of field order: the JSON must still come out in field order.
    note = {
        "reactions": {"👍": 2},
        "id": "n",
        "board_id": "b",
        "column_id": "k",
        "text": "Näkyvyyttä",
        "author_name": "Aino",
        "kind": NoteKind.next_step,
        "position": 3,
        "votes": None,
        "comments": [trusted(CommentPublic, comment)],
        "created_at": NOW,
        "updated_at": NOW,
        "visibility": NoteVisibility.private,
        "row_id": None,
        "theme_id": "t",
        "owner": "Elo",
        "partners": "",
        "how": "",
        "when": "2027",
        "color": NoteColor.blue,
        "discussion_group_id": None,
        "discussion_group_name": "",
    }
    fast = trusted(NotePublic, dict(note))
    slow = NotePublic.model_construct(**{**note, "comments": [CommentPublic(**comment)]})
    assert fast == slow
    assert fast.model_dump_json() == slow.model_dump_json()
    assert fast.model_fields_set == slow.model_fields_set
    fast.votes = 4  # a built note is changed as any other (the read hides counts so)
    assert fast.votes == 4 and slow.votes is None


def test_trusted_refuses_a_model_it_would_build_wrongly() -> None:
    class Aliased(BaseModel):
        name: str = Field(alias="nimi")

    with pytest.raises(TypeError):
        trusted(Aliased, {"name": "x"})


def test_the_collector_resumes_when_the_last_export_ends() -> None:
    assert gc.isenabled()
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # it was off before: left off
    finally:
        gc.enable()


def test_a_slow_export_puts_off_only_full_collections_until_the_last_one_ends() -> None:
    before = gc.get_threshold()
    with full_collections_deferred():
        with full_collections_deferred():
            assert gc.isenabled()
            assert gc.get_threshold() == (*before[:2], DEFERRED_FULL_COLLECTIONS)
        assert gc.get_threshold()[2] == DEFERRED_FULL_COLLECTIONS
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), full_collections_deferred():
        raise RuntimeError
    assert gc.get_threshold() == before
