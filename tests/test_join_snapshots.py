"""Joining costs little (#11): everyone of one audience joining at one seq shares one
encoded board, and each person's own part comes from the same cache. It must be exactly
what the database says that person has, however little or much that is."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from app.services import public
from app.services.accounts import resolve_token
from app.services.members import Actor, actor_for
from tests.conftest import join, post_note
from tests.wsutil import events_of, stream_url, token_of


def snapshot_of(client: TestClient, board: dict[str, Any], headers: dict[str, str]) -> dict:
    url = stream_url(board["id"], token_of(headers), 10_000)  # ahead of the log: a snapshot
    with client.websocket_connect(url) as ws:
        [frame] = events_of(ws.receive_text())
    assert frame["type"] == "snapshot"
    return frame


def viewer_in_database(app: Any, board_id: str, headers: dict[str, str]) -> dict[str, Any]:
    settings, db = app.state.settings, app.state.db
    with db.session() as session:
        principal = resolve_token(session, settings.secret(), token_of(headers))
        actor: Actor = actor_for(session, principal, board_id)
        return public.viewer_of(session, actor).model_dump(mode="json")


def test_every_viewer_part_matches_the_database(
    app: Any, client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    board_id = board["id"]
    anna, ben = join(client, board_id, "Anna"), join(client, board_id, "Ben")
    notes = [post_note(client, board, anna, text) for text in ("Yksi", "Kaksi")]
    post_note(client, board, ben, "Bennin")
    client.post(f"/api/v1/boards/{board_id}/voting", json={"budget": 3}, headers=facilitator)
    client.put(f"/api/v1/boards/{board_id}/notes/{notes[0]['id']}/vote", headers=ben)
    client.put(f"/api/v1/boards/{board_id}/notes/{notes[1]['id']}/reactions/heart", headers=ben)
    client.put(f"/api/v1/boards/{board_id}/me/done", headers=anna)
    client.patch(f"/api/v1/boards/{board_id}", json={"private_writing": True}, headers=facilitator)
    post_note(client, board, anna, "Vielä piilossa")  # withheld: Anna's own snapshot
    cecilia = join(client, board_id, "Cecilia")  # after everything: fresh

    frames = {}
    for name, person in [("anna", anna), ("ben", ben), ("cecilia", cecilia), ("f", facilitator)]:
        frames[name] = snapshot_of(client, board, person)
        expected = viewer_in_database(app, board_id, person)
        received = dict(frames[name]["data"]["viewer"])
        for field in ("own_note_ids", "voted_note_ids", "withheld_note_ids"):
            assert sorted(received.pop(field)) == sorted(expected.pop(field)), (name, field)
        assert received == expected, name
    # Ben and Cecilia share the participants' board; Anna sees her own withheld note.
    assert frames["ben"]["data"]["notes"] == frames["cecilia"]["data"]["notes"]
    texts = {n["text"] for n in frames["anna"]["data"]["notes"]}
    assert "Vielä piilossa" in texts
    assert "Vielä piilossa" not in {n["text"] for n in frames["ben"]["data"]["notes"]}
    ben_viewer, anna_viewer = frames["ben"]["data"]["viewer"], frames["anna"]["data"]["viewer"]
    assert (ben_viewer["votes"], ben_viewer["votes_left"]) == ({notes[0]["id"]: 1}, 2)
    assert ben_viewer["reactions"] == {notes[1]["id"]: ["heart"]}
    assert anna_viewer["done"] and len(anna_viewer["own_note_ids"]) == 3
    assert frames["cecilia"]["data"]["viewer"]["own_note_ids"] == []
