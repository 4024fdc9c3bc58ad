"""A facilitator removes a participant, optionally with their notes, live: through the
API and through the participants page, with the removed person's token refused at once
and no silent way back in with the same cookie."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import PASSWORD, join, make_facilitator, post_note
from tests.wsutil import receive_events, stream_url, token_of


def url_of(board: dict[str, Any], person: dict[str, str] | str, client: TestClient) -> str:
    pid = person if isinstance(person, str) else me(client, board, person)
    return f"/api/v1/boards/{board['id']}/participants/{pid}"


def me(client: TestClient, board: dict[str, Any], person: dict[str, str]) -> str:
    return client.get(f"/api/v1/boards/{board['id']}/me", headers=person).json()["participant_id"]


def texts(client: TestClient, board: dict[str, Any], headers: dict[str, str]) -> list[str]:
    notes = client.get(f"/api/v1/boards/{board['id']}", headers=headers).json()["notes"]
    return sorted(note["text"] for note in notes)


def test_a_removed_participants_token_stops_working_at_once(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    mallory, anna = join(client, board["id"], "Mallory"), join(client, board["id"], "Anna")
    post_note(client, board, mallory, "Roskaa")
    removed = client.delete(url_of(board, mallory, client), headers=facilitator)
    assert removed.status_code == 200, removed.text
    assert removed.json()["notes_removed"] == 0
    for answer in (
        client.get(f"/api/v1/boards/{board['id']}", headers=mallory),
        client.post(
            f"/api/v1/boards/{board['id']}/notes",
            json={"column_id": board["columns"][0]["id"], "text": "Vielä"},
            headers=mallory,
        ),
    ):
        assert answer.status_code == 403
        assert answer.json()["detail"].startswith("A facilitator removed you from this board.")
    # Without their notes, what they wrote stays; the list no longer has them.
    assert texts(client, board, anna) == ["Roskaa"]
    people = client.get(f"/api/v1/boards/{board['id']}/participants", headers=facilitator)
    assert [p["name"] for p in people.json() if p["role"] == "participant"] == ["Anna"]


def test_removing_with_notes_takes_them_off_everyones_board_live(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    mallory, anna = join(client, board["id"], "Mallory"), join(client, board["id"], "Anna")
    for n in range(3):
        post_note(client, board, mallory, f"Roskaa {n}")
    post_note(client, board, anna, "Hyvä ajatus")
    seq = client.get(f"/api/v1/boards/{board['id']}", headers=anna).json()["seq"]
    with (
        client.websocket_connect(stream_url(board["id"], token_of(anna), seq)) as annas,
        client.websocket_connect(stream_url(board["id"], token_of(facilitator), seq)) as own,
    ):
        removed = client.delete(
            url_of(board, mallory, client), params={"with_notes": "true"}, headers=facilitator
        )
        assert removed.json()["notes_removed"] == 3
        seen = receive_events(annas, 4)
        assert [event["type"] for event in seen] == ["note.deleted"] * 3 + ["withheld"]
        assert seen[-1]["data"] == {}  # never the removed person's id
        facilitators = receive_events(own, 4)
    assert facilitators[-1]["type"] == "participant.removed"
    assert facilitators[-1]["data"] == {"participant_id": removed.json()["participant_id"]}
    assert texts(client, board, anna) == ["Hyvä ajatus"]


@pytest.mark.parametrize("who", ["participant", "outsider"])
def test_only_the_boards_facilitators_remove_people(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], db: Any, who: str
) -> None:
    anna, ben = join(client, board["id"], "Anna"), join(client, board["id"], "Ben")
    if who == "outsider":
        make_facilitator(db, "toinen@example.fi")
        token = client.post(
            "/api/v1/auth/token", json={"email": "toinen@example.fi", "password": PASSWORD}
        ).json()["access_token"]
        ben = {"Authorization": f"Bearer {token}"}
    answer = client.delete(url_of(board, me(client, board, anna), client), headers=ben)
    assert answer.status_code == 403
    assert texts(client, board, anna) == []
    assert client.get(f"/api/v1/boards/{board['id']}", headers=anna).status_code == 200


def test_what_cannot_be_removed_is_refused_and_changes_nothing(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna = join(client, board["id"], "Anna")
    anna_id = me(client, board, anna)
    own_id = me(client, board, facilitator)
    assert client.delete(url_of(board, own_id, client), headers=facilitator).status_code == 409
    assert client.delete(url_of(board, "nobody", client), headers=facilitator).status_code == 404
    assert client.delete(url_of(board, anna_id, client), headers=facilitator).status_code == 200
    again = client.delete(url_of(board, anna_id, client), headers=facilitator)
    assert again.status_code == 404
    assert again.json()["detail"] == "There is no such participant on this board."


def test_removing_frees_the_seat(
    app: Any, client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    app.state.settings.max_participants_per_board = 3  # the facilitator and two more
    bots = [join(client, board["id"], f"botti {n}") for n in range(2)]
    url = f"/api/v1/boards/{board['id']}/participants"
    assert client.post(url, json={"name": "Aino"}).status_code == 409
    client.delete(url_of(board, bots[0], client), headers=facilitator)
    assert client.post(url, json={"name": "Aino"}).status_code == 201


def test_the_participants_page_removes_someone_with_their_notes(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    """The facilitator's page lists who joined; its form removes one, notes too. The
    removed browser sees why on the board's page and can only join again as someone new."""
    browser = TestClient(client.app)
    joined = browser.post(
        f"/b/{board['id']}/join", data={"name": "Mallory"}, follow_redirects=False
    )
    assert joined.status_code == 303
    mallory = {"Authorization": f"Bearer {browser.cookies['paja_b_' + board['id']]}"}
    post_note(client, board, mallory, "Roskaa")
    mallory_id = me(client, board, mallory)
    listing = client.get(f"/b/{board['id']}/participants", headers=facilitator)
    assert listing.status_code == 200
    assert "Mallory" in listing.text
    assert f"/b/{board['id']}/participants/{mallory_id}/remove" in listing.text
    done = client.post(
        f"/b/{board['id']}/participants/{mallory_id}/remove",
        data={"with_notes": "true"},
        headers=facilitator,
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert client.get(done.headers["location"], headers=facilitator).text.count("Mallory") == 0
    assert texts(client, board, facilitator) == []
    # Mallory's browser, same cookie: the board says why, and shows the join form.
    page = browser.get(f"/b/{board['id']}")
    assert "Fasilitaattori poisti sinut tältä taululta" in page.text
    assert f'action="/b/{board["id"]}/join"' in page.text
    rejoined = browser.post(f"/b/{board['id']}/join", data={"name": "M"}, follow_redirects=False)
    assert rejoined.status_code == 303
    again = {"Authorization": f"Bearer {browser.cookies['paja_b_' + board['id']]}"}
    assert me(client, board, again) != mallory_id


def test_the_participants_page_is_the_facilitators(
    client: TestClient, board: dict[str, Any]
) -> None:
    anna = join(client, board["id"], "Anna")
    assert client.get(f"/b/{board['id']}/participants", headers=anna).status_code == 403
    anna_id = me(client, board, anna)
    refused = client.post(
        f"/b/{board['id']}/participants/{anna_id}/remove", headers=anna, follow_redirects=False
    )
    assert refused.status_code == 403
    assert client.get(f"/api/v1/boards/{board['id']}", headers=anna).status_code == 200
