"""Private writing, approval before a note is shown, and hidden notes: what others may
not see is withheld by the API and the WebSocket, not only by the page."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import join, post_note
from tests.wsutil import receive_events, stream_url, token_of

pytestmark = pytest.mark.all_backends

SECRET = "Annan oma ajatus ennen paljastusta"


def board_url(board: dict[str, Any], tail: str = "") -> str:
    return f"/api/v1/boards/{board['id']}{tail}"


def snapshot_of(client: TestClient, board: dict[str, Any], headers: dict[str, str]) -> Any:
    response = client.get(board_url(board), headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def set_modes(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], **modes: bool
) -> dict[str, Any]:
    response = client.patch(board_url(board), json=modes, headers=facilitator)
    assert response.status_code == 200, response.text
    return response.json()


def texts(snapshot: dict[str, Any]) -> set[str]:
    return {note["text"] for note in snapshot["notes"]}


def test_private_writing_hides_others_text_from_the_snapshot_until_reveal(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna, ben = join(client, board["id"], "Anna"), join(client, board["id"], "Ben")
    set_modes(client, board, facilitator, private_writing=True)
    note = post_note(client, board, anna, SECRET)
    assert note["visibility"] == "private"

    assert SECRET not in json.dumps(snapshot_of(client, board, ben))
    assert texts(snapshot_of(client, board, anna)) == {SECRET}
    assert snapshot_of(client, board, anna)["viewer"]["withheld_note_ids"] == [note["id"]]
    assert texts(snapshot_of(client, board, facilitator)) == {SECRET}

    revealed = client.post(board_url(board, "/reveal"), headers=facilitator)
    assert revealed.status_code == 200, revealed.text
    assert revealed.json()["private_writing"] is False
    seen_by_ben = snapshot_of(client, board, ben)
    assert texts(seen_by_ben) == {SECRET}
    assert seen_by_ben["notes"][0]["visibility"] == "public"


def test_private_writing_withholds_text_on_the_websocket_until_reveal(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna, ben = join(client, board["id"], "Anna"), join(client, board["id"], "Ben")
    start = set_modes(client, board, facilitator, private_writing=True)["seq"]
    with (
        client.websocket_connect(stream_url(board["id"], token_of(ben), start)) as ben_ws,
        client.websocket_connect(stream_url(board["id"], token_of(anna), start)) as anna_ws,
        client.websocket_connect(stream_url(board["id"], token_of(facilitator), start)) as fac_ws,
    ):
        note = post_note(client, board, anna, SECRET)
        client.post(board_url(board, f"/notes/{note['id']}/comments"), json={"text": "Lisäys"},
                    headers=anna)  # fmt: skip
        [withheld, withheld_comment] = receive_events(ben_ws, 2)
        [created, commented] = receive_events(anna_ws, 2)
        [seen_by_facilitator, _] = receive_events(fac_ws, 2)
        assert withheld == {
            "seq": start + 1,
            "type": "note.withheld",
            "data": {"id": note["id"], "column_id": note["column_id"]},
        }
        assert withheld_comment["type"] == "note.withheld"
        assert created["type"] == "note.created" and SECRET in created["html"]
        assert commented["type"] == "comment.created"
        assert seen_by_facilitator["data"]["text"] == SECRET

        client.post(board_url(board, "/reveal"), headers=facilitator)
        revealed, board_updated = receive_events(ben_ws, 2)
    assert revealed["type"] == "notes.revealed"
    assert [n["text"] for n in revealed["data"]["notes"]] == [SECRET]
    assert SECRET in revealed["html"]
    assert board_updated["data"]["private_writing"] is False


def test_catching_up_or_a_snapshot_frame_withholds_private_notes_too(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna, ben = join(client, board["id"], "Anna"), join(client, board["id"], "Ben")
    start = set_modes(client, board, facilitator, private_writing=True)["seq"]
    post_note(client, board, anna, SECRET)
    with client.websocket_connect(stream_url(board["id"], token_of(ben), start)) as ws:
        [missed] = receive_events(ws, 1)
    assert missed["type"] == "note.withheld" and SECRET not in json.dumps(missed)
    # A since ahead of the log gets a snapshot frame instead of events.
    with client.websocket_connect(stream_url(board["id"], token_of(ben), 10**6)) as ws:
        frame = json.loads(ws.receive_text())
    assert frame["type"] == "snapshot" and SECRET not in json.dumps(frame)
    with client.websocket_connect(stream_url(board["id"], token_of(anna), 10**6)) as ws:
        own = json.loads(ws.receive_text())
    assert [n["text"] for n in own["data"]["notes"]] == [SECRET]


def test_others_cannot_vote_on_or_comment_a_note_they_cannot_see(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna, ben = join(client, board["id"], "Anna"), join(client, board["id"], "Ben")
    set_modes(client, board, facilitator, private_writing=True)
    note = post_note(client, board, anna, SECRET)
    seq = snapshot_of(client, board, facilitator)["seq"]
    vote = client.put(board_url(board, f"/notes/{note['id']}/vote"), headers=ben)
    comment = client.post(
        board_url(board, f"/notes/{note['id']}/comments"), json={"text": "x"}, headers=ben
    )
    assert (vote.status_code, comment.status_code) == (404, 404)
    assert snapshot_of(client, board, facilitator)["seq"] == seq


def test_approval_before_shown(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna, ben = join(client, board["id"], "Anna"), join(client, board["id"], "Ben")
    set_modes(client, board, facilitator, approval_required=True)
    note = post_note(client, board, anna, SECRET)
    assert note["visibility"] == "pending"
    assert texts(snapshot_of(client, board, ben)) == set()

    by_participant = client.post(board_url(board, f"/notes/{note['id']}/approve"), headers=anna)
    assert by_participant.status_code == 403
    approved = client.post(board_url(board, f"/notes/{note['id']}/approve"), headers=facilitator)
    assert approved.status_code == 200, approved.text
    assert approved.json()["visibility"] == "public"
    assert texts(snapshot_of(client, board, ben)) == {SECRET}
    again = client.post(board_url(board, f"/notes/{note['id']}/approve"), headers=facilitator)
    assert again.status_code == 409


def test_approving_a_note_of_another_board_is_refused(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    other = client.post("/api/v1/boards", json={"title": "Toinen"}, headers=facilitator).json()
    set_modes(client, other, facilitator, approval_required=True)
    stranger = post_note(client, other, join(client, other["id"]), "Toisen taulun idea")
    seq = snapshot_of(client, board, facilitator)["seq"]
    response = client.post(
        board_url(board, f"/notes/{stranger['id']}/approve"), headers=facilitator
    )
    assert response.status_code == 404
    assert snapshot_of(client, board, facilitator)["seq"] == seq
    assert snapshot_of(client, other, facilitator)["notes"][0]["visibility"] == "pending"


def test_a_facilitator_hides_a_note_and_shows_it_again(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna, ben = join(client, board["id"], "Anna"), join(client, board["id"], "Ben")
    note = post_note(client, board, anna, "Asiaton kommentti")
    url = board_url(board, f"/notes/{note['id']}")
    seq = snapshot_of(client, board, facilitator)["seq"]
    assert client.patch(url, json={"hidden": True}, headers=anna).status_code == 403
    assert snapshot_of(client, board, facilitator)["seq"] == seq

    hidden = client.patch(url, json={"hidden": True}, headers=facilitator)
    assert hidden.json()["visibility"] == "hidden"
    assert snapshot_of(client, board, ben)["notes"] == []
    assert snapshot_of(client, board, anna)["notes"][0]["visibility"] == "hidden"
    shown = client.patch(url, json={"hidden": False}, headers=facilitator)
    assert shown.json()["visibility"] == "public"
    assert texts(snapshot_of(client, board, ben)) == {"Asiaton kommentti"}


def test_the_projector_stream_shows_only_what_the_room_may_see(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna = join(client, board["id"], "Anna")
    start = set_modes(client, board, facilitator, private_writing=True)["seq"]
    url = stream_url(board["id"], token_of(facilitator), start) + "&view=public"
    with client.websocket_connect(url) as projector:
        post_note(client, board, anna, SECRET)
        [event] = receive_events(projector, 1)
    assert event["type"] == "note.withheld"


def test_summaries_leave_out_hidden_and_waiting_notes(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna = join(client, board["id"], "Anna")
    hidden = post_note(client, board, anna, "Piilotettu")
    client.patch(board_url(board, f"/notes/{hidden['id']}"), json={"hidden": True},
                 headers=facilitator)  # fmt: skip
    set_modes(client, board, facilitator, approval_required=True)
    post_note(client, board, anna, "Odottaa hyväksyntää")
    set_modes(client, board, facilitator, approval_required=False, private_writing=True)
    post_note(client, board, anna, "Kirjoitettu yksin")
    markdown = client.get(board_url(board, "/export?format=md"), headers=facilitator).text
    # The summary is what the room saw: a note written alone shows once it is revealed.
    assert "Kirjoitettu yksin" not in markdown
    assert "Piilotettu" not in markdown and "Odottaa hyväksyntää" not in markdown
    assert client.post(board_url(board, "/reveal"), headers=facilitator).status_code == 200
    markdown = client.get(board_url(board, "/export?format=md"), headers=facilitator).text
    assert "Kirjoitettu yksin" in markdown and "Piilotettu" not in markdown


def test_the_board_page_runs_private_writing_without_javascript(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    from tests.test_pages import sign_in

    anna = join(client, board["id"], "Anna")
    sign_in(client)
    page = client.get(f"/b/{board['id']}")
    assert "Aloita yksityinen kirjoittaminen" in page.text  # the Writing tool, in Finnish
    switched = client.post(
        f"/b/{board['id']}/modes", data={"private_writing": "true"}, follow_redirects=False
    )
    assert switched.status_code == 303
    note = post_note(client, board, anna, SECRET)
    facilitator_view = client.get(f"/b/{board['id']}").text
    assert SECRET in facilitator_view and "note--private" in facilitator_view
    projector = client.get(f"/b/{board['id']}/projector").text
    assert SECRET not in projector
    hidden = client.post(
        f"/b/{board['id']}/notes/{note['id']}/hide", data={"hidden": "true"}, follow_redirects=False
    )
    assert hidden.status_code == 303
    client.post(f"/b/{board['id']}/reveal", follow_redirects=False)
    assert snapshot_of(client, board, anna)["notes"][0]["visibility"] == "hidden"


def test_a_group_card_does_not_show_participants_a_note_they_may_not_see(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna, ben = join(client, board["id"], "Anna"), join(client, board["id"], "Ben")
    shown = [post_note(client, board, anna, f"Näkyvä {n}")["id"] for n in (1, 2)]
    start = set_modes(client, board, facilitator, private_writing=True)["seq"]
    secret = post_note(client, board, anna, SECRET)
    with client.websocket_connect(stream_url(board["id"], token_of(ben), start + 1)) as ws:
        response = client.post(
            board_url(board, "/themes"),
            json={"title": "Yhdessä", "note_ids": [*shown, secret["id"]]},
            headers=facilitator,
        )
        assert response.status_code == 201, response.text
        [event] = receive_events(ws, 1)
    assert event["type"] == "theme.created"
    assert SECRET not in json.dumps(event)
    assert event["data"]["note_ids"] == shown
    [group] = snapshot_of(client, board, ben)["themes"]
    assert group["note_ids"] == shown


def test_a_reveal_is_drawn_from_what_the_viewer_receives_and_nothing_else(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], db: Any
) -> None:
    """The card's HTML depends only on the projected note and the language (per-viewer
    tools are the page's, from its own snapshot): facilitators and participants who
    receive the same notes get the same bytes."""
    from app.audience import EVERYONE, FACILITATORS
    from app.services import events
    from app.web.render import encode_events

    anna = join(client, board["id"], "Anna")
    set_modes(client, board, facilitator, private_writing=True)
    post_note(client, board, anna, SECRET)
    seq = snapshot_of(client, board, facilitator)["seq"]
    client.post(board_url(board, "/reveal"), headers=facilitator)
    with db.session() as session:
        [revealed, _] = events.since(session, board["id"], seq, 10)
    assert revealed.type == "notes.revealed"
    for_facilitators = json.loads(encode_events([revealed], "fi", FACILITATORS))
    for_participants = json.loads(encode_events([revealed], "fi", EVERYONE))
    assert for_facilitators == for_participants
    # Cards carry no tools for anyone (the page's menu holds them).
    assert 'class="note-edit"' not in for_participants["html"]
    assert SECRET in for_participants["html"]
    assert "_facts" not in json.dumps(for_participants)
