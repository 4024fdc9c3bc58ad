"""Board pages draw each card once per content and language (app.web.render._card) and
read the board once per change (the shared snapshot): a room that opens the link together
shares the work, and nobody ever sees a stale card or a card drawn for someone else."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from jinja2 import meta
from sqlalchemy import event

from app.web.render import _card, environment
from tests.conftest import join, post_note


def _variables(template: str) -> set[str]:
    env = environment("fi")
    source = env.loader.get_source(env, template)[0]  # type: ignore[union-attr]
    return set(meta.find_undeclared_variables(env.parse(source)))


def test_a_card_depends_only_on_what_its_cache_key_holds() -> None:
    """The key is the note's data, the board and the group filter (and the language):
    a card that read anything else (the viewer, the role) could be served to the wrong
    person."""
    assert _variables("_note.html") <= {"note", "board_id", "group_filter"}
    assert _variables("_comment.html") <= {"comment"}


def test_a_cached_card_is_the_card_drawn_afresh(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    sanna = join(client, board["id"], "Sanna")
    note = post_note(client, board, sanna, 'Ohjaus & "yhteistyö" <verkossa>')
    client.post(
        f"/api/v1/boards/{board['id']}/notes/{note['id']}/comments",
        json={"text": "Samaa mieltä"},
        headers=facilitator,
    )
    env = environment("fi")
    data = client.get(f"/api/v1/boards/{board['id']}", headers=sanna).json()["notes"][0]
    context = env.from_string("{{ card(note) }}").new_context(
        {"note": data, "board_id": board["id"]}
    )
    fresh = env.get_template("_note.html").render(note=data, board_id=board["id"])
    assert _card(context, data) == fresh
    assert _card(context, data) == fresh  # and from the cache
    assert "Samaa mieltä" in fresh


def test_the_page_shows_each_card_as_it_is_now(
    client: TestClient, app: Any, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    note = post_note(client, board, facilitator, "Ensimmäinen ajatus")
    with TestClient(app) as reader:
        reader.post(f"/b/{board['id']}/join", data={"name": "Lukija"})
        assert "Ensimmäinen ajatus" in reader.get(f"/b/{board['id']}").text
        client.patch(
            f"/api/v1/boards/{board['id']}/notes/{note['id']}",
            json={"text": "Korjattu ajatus"},
            headers=facilitator,
        )
        page = reader.get(f"/b/{board['id']}").text
    assert "Korjattu ajatus" in page
    assert "Ensimmäinen ajatus" not in page


def test_two_viewers_of_one_note_get_the_card_their_data_gives(
    client: TestClient, app: Any, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    """Private writing: the writer's own card says it is private; a facilitator's
    hidden note is not on a participant's page at all."""
    client.patch(
        f"/api/v1/boards/{board['id']}", json={"private_writing": True}, headers=facilitator
    )
    with TestClient(app) as writer, TestClient(app) as other:
        writer.post(f"/b/{board['id']}/join", data={"name": "Kirjoittaja"})
        other.post(f"/b/{board['id']}/join", data={"name": "Toinen"})
        column = board["columns"][0]["id"]
        writer.post(
            f"/b/{board['id']}/notes",
            data={"column_id": column, "text": "Vain minulle vielä"},
        )
        mine = writer.get(f"/b/{board['id']}").text
        theirs = other.get(f"/b/{board['id']}").text
    assert "Vain minulle vielä" in mine
    assert 'data-visibility="private"' in mine
    assert "Vain minulle vielä" not in theirs


def test_a_room_opening_the_link_reads_the_board_once_per_change(
    client: TestClient, app: Any, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    """Participants without unrevealed notes of their own share one read of the board
    per seq (app.hub.snapshots.SnapshotCache.board_for); a change is on the next page."""
    post_note(client, board, facilitator, "Ensimmäinen ajatus")
    statements: list[str] = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(app.state.db.engine, "before_cursor_execute", listen)
    try:
        comment_reads = []
        for name in ("Aino", "Bertta", "Cecilia"):
            person = TestClient(app)
            join_form = {"name": name}
            person.post(f"/b/{board['id']}/join", data=join_form, follow_redirects=False)
            statements.clear()
            assert "Ensimmäinen ajatus" in person.get(f"/b/{board['id']}").text
            comment_reads.append(sum("FROM comments" in s for s in statements))
        post_note(client, board, facilitator, "Toinen ajatus")
        statements.clear()
        assert "Toinen ajatus" in person.get(f"/b/{board['id']}").text
        after_change = sum("FROM comments" in s for s in statements)
    finally:
        event.remove(app.state.db.engine, "before_cursor_execute", listen)
    assert comment_reads == [1, 0, 0]
    assert after_change == 1
