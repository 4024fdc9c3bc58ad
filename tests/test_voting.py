"""Voting rounds: a budget per person, several votes on one note, results hidden from
participants until the round closes, and free voting as it always was."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import join, post_note
from tests.wsutil import receive_events, stream_url, token_of


def board_url(board: dict[str, Any], tail: str = "") -> str:
    return f"/api/v1/boards/{board['id']}{tail}"


def vote_url(board: dict[str, Any], note: dict[str, Any]) -> str:
    return board_url(board, f"/notes/{note['id']}/vote")


def snapshot_of(client: TestClient, board: dict[str, Any], headers: dict[str, str]) -> Any:
    response = client.get(board_url(board), headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def seq_of(client: TestClient, board: dict[str, Any], headers: dict[str, str]) -> int:
    return snapshot_of(client, board, headers)["seq"]


def open_round(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], **rules: Any
) -> dict[str, Any]:
    response = client.post(board_url(board, "/voting"), json=rules, headers=facilitator)
    assert response.status_code == 200, response.text
    return response.json()


def counts(snapshot: dict[str, Any]) -> dict[str, Any]:
    return {note["text"]: note["votes"] for note in snapshot["notes"]}


@pytest.mark.all_backends
def test_a_participant_with_a_budget_of_three_cannot_cast_a_fourth_vote(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna = join(client, board["id"], "Anna")
    notes = [post_note(client, board, facilitator, f"Idea {n}") for n in range(4)]
    assert open_round(client, board, facilitator, budget=3) == {
        "state": "open",
        "budget": 3,
        "max_per_note": 1,
        "hide_results": False,
    }
    left = [client.put(vote_url(board, note), headers=anna).json() for note in notes[:3]]
    assert [answer["votes_left"] for answer in left] == [2, 1, 0]
    seq = seq_of(client, board, facilitator)

    fourth = client.put(vote_url(board, notes[3]), headers=anna)

    assert fourth.status_code == 409
    assert fourth.json()["detail"] == "You have used all your 3 votes."
    assert seq_of(client, board, facilitator) == seq
    assert counts(snapshot_of(client, board, facilitator))["Idea 3"] == 0
    viewer = snapshot_of(client, board, anna)["viewer"]
    assert viewer["votes_left"] == 0
    assert viewer["votes"] == {note["id"]: 1 for note in notes[:3]}
    # Taking one back frees it for another note.
    back = client.delete(vote_url(board, notes[0]), headers=anna).json()
    assert (back["mine"], back["votes_left"]) == (0, 1)
    assert client.put(vote_url(board, notes[3]), headers=anna).status_code == 200


def test_several_votes_on_one_note_up_to_the_maximum(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna = join(client, board["id"], "Anna")
    note = post_note(client, board, facilitator, "Ohjauksen saatavuus")
    open_round(client, board, facilitator, budget=5, max_per_note=2)
    first = client.put(vote_url(board, note), headers=anna).json()
    second = client.put(vote_url(board, note), headers=anna).json()
    assert (first["votes"], second["votes"], second["mine"], second["votes_left"]) == (1, 2, 2, 3)
    seq = seq_of(client, board, facilitator)

    third = client.put(vote_url(board, note), headers=anna)

    assert third.status_code == 409
    assert "2" in third.json()["detail"]
    assert seq_of(client, board, facilitator) == seq
    removed = client.delete(vote_url(board, note), headers=anna).json()
    assert (removed["votes"], removed["mine"], removed["voted"]) == (1, 1, True)


def test_no_votes_while_the_round_is_closed_and_closing_keeps_them(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna = join(client, board["id"], "Anna")
    note = post_note(client, board, facilitator, "Yhteistyö")
    open_round(client, board, facilitator, budget=2)
    client.put(vote_url(board, note), headers=anna)
    closed = client.delete(board_url(board, "/voting"), headers=facilitator)
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    seq = seq_of(client, board, facilitator)

    again = client.put(vote_url(board, note), headers=anna)
    withdraw = client.delete(vote_url(board, note), headers=anna)
    close_twice = client.delete(board_url(board, "/voting"), headers=facilitator)

    assert (again.status_code, withdraw.status_code, close_twice.status_code) == (409, 409, 409)
    assert again.json()["detail"] == "No voting round is open."
    assert seq_of(client, board, facilitator) == seq
    assert counts(snapshot_of(client, board, anna)) == {"Yhteistyö": 1}


def test_opening_a_round_clears_earlier_votes(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna = join(client, board["id"], "Anna")
    note = post_note(client, board, facilitator, "Tykkäys")
    client.put(vote_url(board, note), headers=anna)
    open_round(client, board, facilitator, budget=1)
    snapshot = snapshot_of(client, board, anna)
    assert counts(snapshot) == {"Tykkäys": 0}
    assert snapshot["voting"]["state"] == "open"
    assert (snapshot["viewer"]["votes"], snapshot["viewer"]["votes_left"]) == ({}, 1)


def test_bad_rounds_are_refused_and_change_nothing(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna = join(client, board["id"], "Anna")
    seq = seq_of(client, board, facilitator)
    url = board_url(board, "/voting")
    for body in ({"budget": 0}, {"budget": 51}, {"budget": 3, "max_per_note": 0}, {}):
        assert client.post(url, json=body, headers=facilitator).status_code == 422, body
    too_many = client.post(url, json={"budget": 2, "max_per_note": 3}, headers=facilitator)
    assert too_many.status_code == 422 and "(2)" in too_many.json()["detail"]
    assert client.post(url, json={"budget": 3}, headers=anna).status_code == 403
    assert client.delete(url, headers=anna).status_code == 403
    assert client.post(url + "/free", headers=anna).status_code == 403
    assert seq_of(client, board, facilitator) == seq
    assert snapshot_of(client, board, anna)["voting"]["state"] == "free"


def test_hidden_results_are_withheld_from_participants_over_rest(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna, ben = join(client, board["id"], "Anna"), join(client, board["id"], "Ben")
    note = post_note(client, board, anna, "Salainen suosikki")
    open_round(client, board, facilitator, budget=3, max_per_note=3, hide_results=True)
    client.put(vote_url(board, note), headers=ben)
    cast = client.put(vote_url(board, note), headers=anna).json()
    assert (cast["votes"], cast["mine"], cast["votes_left"]) == (None, 1, 2)

    assert counts(snapshot_of(client, board, ben)) == {"Salainen suosikki": None}
    assert snapshot_of(client, board, ben)["viewer"]["votes"] == {note["id"]: 1}
    assert counts(snapshot_of(client, board, facilitator)) == {"Salainen suosikki": 2}
    edited = client.patch(
        board_url(board, f"/notes/{note['id']}"), json={"text": "Muokattu"}, headers=anna
    )
    assert edited.json()["votes"] is None
    sorting = client.post(
        board_url(board, f"/columns/{note['column_id']}/sort-by-votes"), headers=facilitator
    )
    assert sorting.status_code == 409  # the order would give the counts away

    client.delete(board_url(board, "/voting"), headers=facilitator)
    assert counts(snapshot_of(client, board, ben)) == {"Muokattu": 2}


@pytest.mark.all_backends
def test_hidden_results_are_withheld_on_the_websocket_until_the_round_closes(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna, ben = join(client, board["id"], "Anna"), join(client, board["id"], "Ben")
    note = post_note(client, board, facilitator, "Jatkuva oppiminen")
    start = open_round(client, board, facilitator, budget=3, hide_results=True) and seq_of(
        client, board, facilitator
    )
    with (
        client.websocket_connect(stream_url(board["id"], token_of(ben), start)) as ben_ws,
        client.websocket_connect(stream_url(board["id"], token_of(anna), start)) as anna_ws,
        client.websocket_connect(stream_url(board["id"], token_of(facilitator), start)) as fac_ws,
    ):
        client.put(vote_url(board, note), headers=anna)
        [seen_by_ben] = receive_events(ben_ws, 1)
        [seen_by_anna] = receive_events(anna_ws, 1)
        [seen_by_facilitator] = receive_events(fac_ws, 1)
        assert seen_by_ben["data"] == {"note_id": note["id"], "votes": None}
        assert seen_by_anna["data"] == {
            "note_id": note["id"],
            "votes": None,
            "mine": 1,
            "votes_left": 2,
        }
        assert seen_by_facilitator["data"] == {"note_id": note["id"], "votes": 1}

        client.delete(board_url(board, "/voting"), headers=facilitator)
        [closed] = receive_events(ben_ws, 1)
    assert closed["type"] == "voting.changed"
    assert closed["data"]["voting"]["state"] == "closed"
    assert closed["data"]["votes"] == {note["id"]: 1}
    assert "html" in closed
    # Catching up from before the vote gives a participant no count either.
    with client.websocket_connect(stream_url(board["id"], token_of(ben), start)) as ws:
        [missed_vote, _closed] = receive_events(ws, 2)
    assert missed_vote["data"]["votes"] is None


def test_a_snapshot_frame_withholds_hidden_counts(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna, ben = join(client, board["id"], "Anna"), join(client, board["id"], "Ben")
    note = post_note(client, board, facilitator, "Laatu")
    open_round(client, board, facilitator, budget=3, hide_results=True)
    client.put(vote_url(board, note), headers=anna)
    with client.websocket_connect(stream_url(board["id"], token_of(ben), 10**6)) as ws:
        frame = json.loads(ws.receive_text())
    assert frame["type"] == "snapshot"
    assert [n["votes"] for n in frame["data"]["notes"]] == [None]


def test_back_to_free_voting_keeps_the_votes(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna = join(client, board["id"], "Anna")
    note = post_note(client, board, facilitator, "Digitaaliset palvelut")
    open_round(client, board, facilitator, budget=3, max_per_note=2)
    client.put(vote_url(board, note), headers=anna)
    client.put(vote_url(board, note), headers=anna)
    freed = client.post(board_url(board, "/voting/free"), headers=facilitator)
    assert freed.status_code == 200 and freed.json()["state"] == "free"
    # Free voting: a vote more is harmless and changes nothing; a removal takes one back.
    assert client.put(vote_url(board, note), headers=anna).json()["votes"] == 2
    assert client.delete(vote_url(board, note), headers=anna).json()["votes"] == 1
    assert snapshot_of(client, board, anna)["viewer"]["votes_left"] is None


def test_sort_a_column_by_votes_for_everyone(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna, ben = join(client, board["id"], "Anna"), join(client, board["id"], "Ben")
    few, many, some = (post_note(client, board, facilitator, t) for t in ("Yksi", "Kolme", "Kaksi"))
    for voter in (anna, ben, facilitator):
        client.put(vote_url(board, many), headers=voter)
    for voter in (anna, ben):
        client.put(vote_url(board, some), headers=voter)
    url = board_url(board, f"/columns/{few['column_id']}/sort-by-votes")
    assert client.post(url, headers=anna).status_code == 403

    sorted_ = client.post(url, headers=facilitator)

    assert sorted_.status_code == 200
    assert sorted_.json()["note_ids"] == [many["id"], some["id"], few["id"]]
    assert [n["text"] for n in snapshot_of(client, board, ben)["notes"]] == [
        "Kolme",
        "Kaksi",
        "Yksi",
    ]
    unknown = client.post(board_url(board, "/columns/nope/sort-by-votes"), headers=facilitator)
    assert unknown.status_code == 404


def test_summaries_show_the_final_counts(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna = join(client, board["id"], "Anna")
    note = post_note(client, board, anna, "Ohjaajien osaaminen")
    open_round(client, board, facilitator, budget=3, max_per_note=3, hide_results=True)
    for _ in range(3):
        client.put(vote_url(board, note), headers=anna)
    client.delete(board_url(board, "/voting"), headers=facilitator)
    markdown = client.get(board_url(board, "/export?format=md"), headers=facilitator).text
    assert "Ohjaajien osaaminen" in markdown and "3 ääntä" in markdown


@pytest.mark.parametrize("hide", [False, True])
def test_the_board_page_runs_a_round_without_javascript(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], hide: bool
) -> None:
    from tests.test_pages import sign_in

    anna = join(client, board["id"], "Anna")
    note = post_note(client, board, anna, "Äänestettävä")
    sign_in(client)
    form = {"budget": "2", "max_per_note": "2"} | ({"hide_results": "true"} if hide else {})
    opened = client.post(f"/b/{board['id']}/voting", data=form, follow_redirects=False)
    assert opened.status_code == 303
    bad = client.post(f"/b/{board['id']}/voting", data={"budget": "kolme"})
    assert bad.status_code == 422
    voted = client.post(
        f"/b/{board['id']}/notes/{note['id']}/vote", data={"on": "true"}, follow_redirects=False
    )
    assert voted.status_code == 303
    page = client.get(f"/b/{board['id']}").text
    assert "Ääniä jäljellä: 1/2" in page  # votes left, in Finnish
    projector = client.get(f"/b/{board['id']}/projector").text
    hidden_count = re.search(rf'data-note-id="{note["id"]}"[^>]*data-votes="–"', projector)
    assert (hidden_count is not None) is hide
    client.post(f"/b/{board['id']}/voting/close", follow_redirects=False)
    assert snapshot_of(client, board, anna)["voting"]["state"] == "closed"
    client.post(f"/b/{board['id']}/voting/free", follow_redirects=False)
    assert snapshot_of(client, board, anna)["voting"]["state"] == "free"
