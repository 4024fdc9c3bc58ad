"""Theme suggestions through the API and the pages: who may ask, what comes back,
refusals that change nothing, and a suggestion accepted live for everyone."""

from __future__ import annotations

import os
import time
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.db import BoardEvent, Database
from app.models import Note, NoteEmbedding
from app.themes import model
from app.themes.worker import EmbeddingWorker
from tests.conftest import join, post_note
from tests.test_pages import sign_in
from tests.wsutil import receive_events, stream_url, token_of

NEEDS_MODEL = pytest.mark.skipif(
    not model.available() and os.environ.get("CI") != "true",
    reason="the embedding engine's extra (pip install -e '.[themes]') is not installed",
)
ENGINES = [
    "lexical",
    pytest.param("embedding", marks=NEEDS_MODEL),
]
TWICE = "Lisää yhteistyötä oppilaitosten ja työllisyyspalveluiden välille"
NOTES = [
    TWICE,
    TWICE + " (ryhmän 3 ehdotus)",
    "Maahanmuuttajien ohjaus omalla kielellä",
    "Maahanmuuttajien ohjaukseen tulkkipalvelut",
    "Pysyvää rahoitusta ohjaukselle",
    "Rahoitus on hankepohjaista, pysyvää rahoitusta tarvitaan",
]


@pytest.fixture(params=ENGINES)
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """Every test here runs once per engine (the embedding one when its extra is there)."""
    settings.theme_engine = request.param
    return settings


def _suggest(
    client: TestClient, board: dict[str, Any], headers: dict[str, str], **body: Any
) -> Any:
    return client.post(
        f"/api/v1/boards/{board['id']}/theme-suggestions", json=body, headers=headers
    )


def _snapshot(client: TestClient, board: dict[str, Any], headers: dict[str, str]) -> Any:
    response = client.get(f"/api/v1/boards/{board['id']}", headers=headers)
    assert response.status_code == 200
    return {k: v for k, v in response.json().items() if k != "server_time"}


@pytest.fixture
def written(client: TestClient, board: dict[str, Any]) -> dict[str, Any]:
    anna = join(client, board["id"], "Anna")
    notes = [post_note(client, board, anna, text) for text in NOTES]
    return {"anna": anna, "ids": [note["id"] for note in notes]}


def test_participants_get_403_and_facilitators_an_answer(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], written: Any
) -> None:
    assert _suggest(client, board, written["anna"]).status_code == 403
    assert (
        client.get(f"/b/{board['id']}/theme-suggestions", headers=written["anna"]).status_code
        == 403
    )
    response = _suggest(client, board, facilitator)
    assert response.status_code == 200, response.text
    assert set(response.json()) >= {"themes", "duplicates"}


def test_a_note_posted_twice_with_a_group_tag_is_a_duplicate(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], written: Any
) -> None:
    body = _suggest(client, board, facilitator).json()
    assert written["ids"][:2] in body["duplicates"]
    assert all(written["ids"][2] not in group for group in body["duplicates"])


def test_themes_gather_alike_notes_once_each_with_a_title_from_their_words(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], written: Any
) -> None:
    ids = written["ids"]
    body = _suggest(client, board, facilitator).json()
    placed = [note_id for theme in body["themes"] for note_id in theme["note_ids"]]
    assert len(placed) == len(set(placed)), "a note is in at most one suggested theme"
    assert all(len(theme["note_ids"]) >= 2 for theme in body["themes"])
    together = {frozenset(theme["note_ids"]) for theme in body["themes"]}
    assert frozenset(ids[:2]) in together or any(ids[0] in t and ids[1] in t for t in together)
    words = " ".join(NOTES).lower()
    for theme in body["themes"]:
        assert theme["title"]
        assert all(word.strip(",").lower() in words for word in theme["title"].split())


def test_a_column_of_another_board_is_422_and_unknown_fields_too(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], written: Any
) -> None:
    other = client.post("/api/v1/boards", json={"title": "Toinen"}, headers=facilitator).json()
    before = _snapshot(client, board, facilitator)
    response = _suggest(client, board, facilitator, column_id=other["columns"][0]["id"])
    assert response.status_code == 422 and "column" in response.json()["detail"]
    assert _suggest(client, board, facilitator, columns="x").status_code == 422
    assert _snapshot(client, board, facilitator) == before


def test_fewer_than_two_notes_without_a_theme_answer_empty_lists(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], written: Any
) -> None:
    second = board["columns"][1]["id"]
    assert _suggest(client, board, facilitator, column_id=second).json()["themes"] == []
    anna = written["anna"]
    a, b = (post_note(client, board, anna, TWICE, column=1)["id"] for _ in range(2))
    assert _suggest(client, board, facilitator, column_id=second).json()["duplicates"] == [[a, b]]
    themed = client.post(
        f"/api/v1/boards/{board['id']}/groups",
        json={"title": "Yhteistyö", "note_ids": [a, b]},
        headers=facilitator,
    )
    assert themed.status_code == 201
    body = _suggest(client, board, facilitator, column_id=second).json()
    assert body == {"themes": [], "duplicates": [], "engine": ""}


def test_more_notes_than_the_limit_is_a_clear_409(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], written: Any
) -> None:
    client.app.state.settings.theme_max_notes = 5
    response = _suggest(client, board, facilitator)
    assert response.status_code == 409
    assert "Choose one column" in response.json()["detail"]


@pytest.mark.all_backends
def test_accepting_a_suggestion_makes_a_theme_live_for_everyone(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], written: Any
) -> None:
    body = _suggest(client, board, facilitator).json()
    suggestion = body["themes"][0]
    ben = join(client, board["id"], "Ben")
    start = _snapshot(client, board, facilitator)["seq"]
    with client.websocket_connect(stream_url(board["id"], token_of(ben), start)) as ws:
        created = client.post(
            f"/api/v1/boards/{board['id']}/groups",
            json={"title": suggestion["title"], "note_ids": suggestion["note_ids"]},
            headers=facilitator,
        )
        assert created.status_code == 201
        [event] = receive_events(ws, 1)
    assert event["type"] == "theme.created"
    assert event["data"]["note_ids"] == suggestion["note_ids"]
    assert suggestion["title"] in event["html"]
    again = _suggest(client, board, facilitator).json()
    placed = {n for theme in again["themes"] for n in theme["note_ids"]}
    assert not placed & set(suggestion["note_ids"]), "themed notes are not suggested again"


def test_without_javascript_the_page_lists_suggestions_and_creates_the_theme(
    client: TestClient, board: dict[str, Any], written: Any
) -> None:
    sign_in(client)
    page = client.get(f"/b/{board['id']}/theme-suggestions")
    assert page.status_code == 200
    assert NOTES[2] in page.text and 'name="note_ids"' in page.text
    ids = written["ids"]
    accepted = client.post(
        f"/b/{board['id']}/theme-suggestions/accept",
        data={"title": "Sama asia", "note_ids": ids[:2]},
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    assert accepted.headers["location"] == f"/b/{board['id']}/theme-suggestions"
    groups = client.get(f"/api/v1/boards/{board['id']}").json()["themes"]
    assert [(g["title"], g["note_ids"]) for g in groups] == [("Sama asia", ids[:2])]
    refused = client.post(
        f"/b/{board['id']}/theme-suggestions/accept", data={"title": "Yksi", "note_ids": ids[2:3]}
    )
    assert refused.status_code == 422


def test_the_board_shows_the_suggestion_tool_to_facilitators_only(
    client: TestClient, board: dict[str, Any], written: Any
) -> None:
    participant_page = client.get(f"/b/{board['id']}", headers=written["anna"])
    assert 'id="theme-suggestions"' not in participant_page.text
    sign_in(client)
    page = client.get(f"/b/{board['id']}")
    assert 'id="theme-suggestions"' in page.text and "theme-suggestions.js" in page.text


ONLY_EMBEDDING = pytest.mark.parametrize(
    "settings", [pytest.param("embedding", marks=NEEDS_MODEL)], indirect=True
)


@ONLY_EMBEDDING
@pytest.mark.all_backends
def test_embeddings_are_computed_in_the_background_and_follow_edits(
    client: TestClient, board: dict[str, Any], db: Database, facilitator: dict[str, str]
) -> None:
    note = post_note(client, board, facilitator, "Ohjaajien täydennyskoulutus")
    first = _wait_for_vector(db, note["id"], None)
    client.patch(
        f"/api/v1/boards/{board['id']}/notes/{note['id']}",
        json={"text": "Opinto-ohjaajien täydennyskoulutus"},
        headers=facilitator,
    )
    assert _wait_for_vector(db, note["id"], first) != first


def _wait_for_vector(db: Database, note_id: str, old: str | None) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with db.session() as session:
            row = session.get(NoteEmbedding, note_id)
            if row is not None and row.text_hash != old:
                return row.text_hash
        time.sleep(0.05)
    raise AssertionError("the worker stored no embedding")


def _write_behind_the_workers_back(db: Database, board: dict[str, Any], texts: list[str]) -> None:
    """Notes no event announced (as after an import or a restart): no embeddings yet."""
    with db.session() as session:
        for position, text in enumerate(texts):
            column = board["columns"][2]["id"]
            session.add(Note(board_id=board["id"], column_id=column, text=text, position=position))
        session.commit()


@ONLY_EMBEDDING
def test_missing_embeddings_beyond_the_bound_never_hang_a_request(
    client: TestClient, board: dict[str, Any], db: Database, facilitator: dict[str, str]
) -> None:
    settings = client.app.state.settings
    settings.theme_embed_on_demand = 1
    _write_behind_the_workers_back(db, board, NOTES)
    column = {"column_id": board["columns"][2]["id"]}
    busy = _suggest(client, board, facilitator, **column)
    assert busy.status_code == 503 and busy.headers["Retry-After"]
    settings.theme_engine = "auto"
    answered = _suggest(client, board, facilitator, **column)
    assert answered.status_code == 200
    settings.theme_engine = "embedding"
    deadline = time.monotonic() + 60
    while (response := _suggest(client, board, facilitator, **column)).status_code == 503:
        assert time.monotonic() < deadline, "the worker never caught up"
        time.sleep(0.2)
    assert response.json()["engine"] == "embedding"


def test_the_embedding_worker_lets_a_burst_of_writing_pass_first(
    client: TestClient, board: dict[str, Any], db: Database, facilitator: dict[str, str]
) -> None:
    """Embedding a note costs far more CPU than storing it: while the room is writing,
    the worker waits, and it catches up once writing pauses."""
    embedded: list[tuple[float, int]] = []

    def embed(texts: Any) -> Any:
        embedded.append((time.monotonic(), len(texts)))
        return np.ones((len(texts), model.DIMENSIONS), dtype=np.float32)

    quiet = 0.5
    worker = EmbeddingWorker(db, embed)
    worker.start()
    try:
        ids = []
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("app.themes.worker.QUIET_SECONDS", quiet)
            for number in range(6):
                note = post_note(client, board, facilitator, f"Ajatus {number}")
                ids.append(note["id"])
                worker.notice([BoardEvent(board["id"], number + 1, "note.created", note)])
                last_write = time.monotonic()
                time.sleep(0.2)
            assert embedded == []  # still writing: nothing embedded yet
            deadline = last_write + 10
            while not embedded and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        worker.stop()
    assert embedded and embedded[0][0] >= last_write + quiet * 0.9
    assert sum(count for _, count in embedded) == len(ids)
