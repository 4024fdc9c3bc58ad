"""Discussion groups, "I'm done", reactions and follow me: over REST and the live stream, and
never revealing who did what."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import join, post_note
from tests.wsutil import receive_events, stream_url, token_of


def url_of(board: dict[str, Any]) -> str:
    return f"/api/v1/boards/{board['id']}"


def seq_of(client: TestClient, board: dict[str, Any], headers: dict[str, str]) -> int:
    return client.get(url_of(board), headers=headers).json()["seq"]


def make_groups(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], *names: str
) -> list[dict[str, Any]]:
    response = client.post(
        f"{url_of(board)}/discussion-groups", json={"names": list(names)}, headers=facilitator
    )
    assert response.status_code == 201, response.text
    return response.json()["discussion_groups"]


def pick(client: TestClient, board: dict[str, Any], headers: dict[str, str], group_id: str) -> None:
    response = client.put(
        f"{url_of(board)}/me", json={"discussion_group_id": group_id}, headers=headers
    )
    assert response.status_code == 200, response.text


# --- discussion groups ---------------------------------------------------------------------


def test_groups_are_made_in_one_go_and_listed_in_order(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna = join(client, board["id"], "Anna")
    made = make_groups(client, board, facilitator, *(f"Ryhmä {n}" for n in range(1, 7)))
    assert [g["name"] for g in made] == [f"Ryhmä {n}" for n in range(1, 7)]
    one = client.post(
        f"{url_of(board)}/discussion-groups", json={"name": "LUOVAT"}, headers=facilitator
    ).json()
    listed = client.get(f"{url_of(board)}/discussion-groups", headers=anna).json()
    assert listed == one
    assert [g["name"] for g in listed["discussion_groups"]][-1] == "LUOVAT"


def test_a_note_carries_its_authors_group_and_the_board_counts_progress(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    first, second = make_groups(client, board, facilitator, "Ryhmä 1", "Ryhmä 2")
    anna, ben, cecilia = (join(client, board["id"], n) for n in ("Anna", "Ben", "Cecilia"))
    pick(client, board, anna, first["id"])
    pick(client, board, ben, second["id"])
    note = post_note(client, board, anna, "Onnistumistarinat näkyviin")
    ungrouped = post_note(client, board, cecilia, "Ilman ryhmää")
    assert (note["discussion_group_id"], note["discussion_group_name"]) == (first["id"], "Ryhmä 1")
    assert ungrouped["discussion_group_id"] is None
    client.put(f"{url_of(board)}/me/done", headers=ben)
    progress = client.get(f"{url_of(board)}/discussion-groups", headers=facilitator).json()
    assert (progress["done"], progress["total"]) == (1, 3)
    counts = {
        g["name"]: (g["members"], g["notes"], g["done"]) for g in progress["discussion_groups"]
    }
    assert counts == {"Ryhmä 1": (1, 1, 0), "Ryhmä 2": (1, 0, 1)}
    snapshot = client.get(url_of(board), headers=cecilia).json()
    [shown] = [n for n in snapshot["notes"] if n["id"] == note["id"]]
    assert shown["discussion_group_name"] == "Ryhmä 1"


def test_renaming_and_deleting_a_group_keeps_its_notes(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    [group] = make_groups(client, board, facilitator, "Ryhmä 1")
    anna = join(client, board["id"], "Anna")
    pick(client, board, anna, group["id"])
    note = post_note(client, board, anna, "Yhteinen kanava")
    renamed = client.patch(
        f"{url_of(board)}/discussion-groups/{group['id']}",
        json={"name": "ENNAKOINTI"},
        headers=facilitator,
    )
    assert renamed.json()["discussion_groups"][0]["name"] == "ENNAKOINTI"
    notes = client.get(url_of(board), headers=anna).json()["notes"]
    assert notes[0]["discussion_group_name"] == "ENNAKOINTI"
    deleted = client.delete(f"{url_of(board)}/discussion-groups/{group['id']}", headers=facilitator)
    assert deleted.status_code == 200 and deleted.json()["discussion_groups"] == []
    [kept] = client.get(url_of(board), headers=anna).json()["notes"]
    assert (kept["id"], kept["discussion_group_id"], kept["discussion_group_name"]) == (
        note["id"],
        None,
        "",
    )
    assert client.get(f"{url_of(board)}/me", headers=anna).json()["discussion_group_id"] is None


def test_a_facilitator_gives_a_participant_a_group(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    [group] = make_groups(client, board, facilitator, "YRITTÄJYYS")
    anna = join(client, board["id"], "Anna")
    listed = client.get(f"{url_of(board)}/participants", headers=facilitator).json()
    [member] = [p for p in listed if p["name"] == "Anna"]
    assert "done" not in member
    answer = client.put(
        f"{url_of(board)}/participants/{member['id']}",
        json={"discussion_group_id": group["id"]},
        headers=facilitator,
    )
    assert answer.json()["discussion_group_id"] == group["id"]
    assert post_note(client, board, anna, "Yrittäjyys")["discussion_group_name"] == "YRITTÄJYYS"
    refused = client.put(
        f"{url_of(board)}/participants/{member['id']}",
        json={"discussion_group_id": None},
        headers=anna,
    )
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("body", "status", "phrase"),
    [
        ({"name": ""}, 422, "must not be empty"),
        ({"name": "x" * 201}, 422, "the limit is 200"),
        ({}, 422, "Give the discussion group a name"),
        ({"names": ["Ryhmä 1", "ryhmä 1"]}, 422, "already a discussion group called"),
        ({"name": "Ryhmä", "colour": "red"}, 422, "colour"),
        ({"names": [f"R{n}" for n in range(51)]}, 409, "at most 50 discussion groups"),
    ],
)
def test_bad_groups_are_refused_and_nothing_changes(
    client: TestClient,
    board: dict[str, Any],
    facilitator: dict[str, str],
    body: dict[str, Any],
    status: int,
    phrase: str,
) -> None:
    before = seq_of(client, board, facilitator)
    response = client.post(f"{url_of(board)}/discussion-groups", json=body, headers=facilitator)
    assert response.status_code == status
    assert phrase in response.json()["detail"]
    assert seq_of(client, board, facilitator) == before
    assert (
        client.get(f"{url_of(board)}/discussion-groups", headers=facilitator).json()[
            "discussion_groups"
        ]
        == []
    )


def test_a_group_of_another_board_cannot_be_picked(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    other = client.post("/api/v1/boards", json={"title": "Toinen"}, headers=facilitator).json()
    [foreign] = make_groups(client, other, facilitator, "Vieras")
    anna = join(client, board["id"])
    before = seq_of(client, board, anna)
    for group_id in (foreign["id"], "no-such-group"):
        response = client.put(
            f"{url_of(board)}/me", json={"discussion_group_id": group_id}, headers=anna
        )
        assert response.status_code == 422
        assert "not on this board" in response.json()["detail"]
    assert seq_of(client, board, anna) == before
    missing = client.patch(
        f"{url_of(board)}/discussion-groups/{foreign['id']}",
        json={"name": "X"},
        headers=facilitator,
    )
    assert missing.status_code == 404


# --- I'm done ------------------------------------------------------------------------


def test_done_is_counted_toggled_and_reset(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    people = [join(client, board["id"]) for _ in range(3)]
    assert client.put(f"{url_of(board)}/me/done", headers=people[0]).json()["done"] is True
    client.put(f"{url_of(board)}/me/done", headers=people[1])
    before = seq_of(client, board, facilitator)
    client.put(f"{url_of(board)}/me/done", headers=people[1])  # again: nothing new
    assert seq_of(client, board, facilitator) == before
    progress = client.get(f"{url_of(board)}/discussion-groups", headers=facilitator).json()
    assert (progress["done"], progress["total"]) == (2, 3)
    assert client.delete(f"{url_of(board)}/me/done", headers=people[1]).json()["done"] is False
    viewer = client.get(url_of(board), headers=people[0]).json()["viewer"]
    assert viewer["done"] is True
    assert client.delete(f"{url_of(board)}/done", headers=people[0]).status_code == 403
    reset = client.delete(f"{url_of(board)}/done", headers=facilitator).json()
    assert (reset["done"], reset["total"]) == (0, 3)
    assert client.get(f"{url_of(board)}/me", headers=people[0]).json()["done"] is False


def test_done_is_live_as_counts_only(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna = join(client, board["id"], "Anna")
    join(client, board["id"], "Ben")
    seq = seq_of(client, board, facilitator)
    with client.websocket_connect(stream_url(board["id"], token_of(facilitator), seq)) as ws:
        client.put(f"{url_of(board)}/me/done", headers=anna)
        [event] = receive_events(ws, 1)
    assert event["type"] == "participants.progress"
    assert (event["data"]["done"], event["data"]["total"]) == (1, 2)
    assert "1/2 valmiina" in event["html"]
    assert "Anna" not in json.dumps(event) and "Ben" not in json.dumps(event)
    anna_id = client.get(f"{url_of(board)}/me", headers=anna).json()["participant_id"]
    assert anna_id not in json.dumps(event)


# --- reactions -----------------------------------------------------------------------


def test_reactions_toggle_once_per_person_and_are_not_votes(
    client: TestClient, board: dict[str, Any]
) -> None:
    anna, ben = join(client, board["id"], "Anna"), join(client, board["id"], "Ben")
    note = post_note(client, board, anna, "Kohtaamispaikat")
    reactions = f"{url_of(board)}/notes/{note['id']}/reactions"
    client.put(f"{reactions}/thumbs_up", headers=anna)
    client.put(f"{reactions}/thumbs_up", headers=anna)  # one of each per person
    answer = client.put(f"{reactions}/thumbs_up", headers=ben).json()
    client.put(f"{reactions}/bulb", headers=ben)
    assert answer == {"note_id": note["id"], "reactions": {"thumbs_up": 2}, "mine": ["thumbs_up"]}
    snapshot = client.get(url_of(board), headers=ben).json()
    assert snapshot["notes"][0]["reactions"] == {"thumbs_up": 2, "bulb": 1}
    assert snapshot["notes"][0]["votes"] == 0
    assert snapshot["viewer"]["reactions"] == {note["id"]: ["thumbs_up", "bulb"]}
    taken = client.delete(f"{reactions}/thumbs_up", headers=ben).json()
    assert taken["reactions"] == {"thumbs_up": 1, "bulb": 1}
    assert taken["mine"] == ["bulb"]


def test_an_unknown_reaction_is_refused_and_nothing_changes(
    client: TestClient, board: dict[str, Any]
) -> None:
    anna = join(client, board["id"])
    note = post_note(client, board, anna, "Teksti")
    before = seq_of(client, board, anna)
    for name in ("poop", "👍", "THUMBS_UP"):
        response = client.put(f"{url_of(board)}/notes/{note['id']}/reactions/{name}", headers=anna)
        assert response.status_code == 422
    missing = client.put(f"{url_of(board)}/notes/nope/reactions/heart", headers=anna)
    assert missing.status_code == 404
    assert seq_of(client, board, anna) == before


@pytest.mark.all_backends
def test_a_reaction_reaches_everyone_as_counts_and_the_note_keeps_them(
    client: TestClient, board: dict[str, Any]
) -> None:
    anna, ben = join(client, board["id"], "Anna"), join(client, board["id"], "Ben")
    note = post_note(client, board, anna, "Yhteinen digikanava")
    seq = seq_of(client, board, anna)
    with client.websocket_connect(stream_url(board["id"], token_of(anna), seq)) as ws:
        client.put(f"{url_of(board)}/notes/{note['id']}/reactions/heart", headers=ben)
        client.patch(f"{url_of(board)}/notes/{note['id']}", json={"text": "Muokattu"}, headers=anna)
        reacted, updated = receive_events(ws, 2)
    assert reacted == {
        "seq": seq + 1,
        "type": "reaction.changed",
        "data": {"note_id": note["id"], "reactions": {"heart": 1}},
    }
    assert updated["data"]["reactions"] == {"heart": 1}
    carried = re.search(r'data-reactions="([^"]*)"', updated["html"])
    assert carried is not None and json.loads(html.unescape(carried[1])) == {"heart": 1}


# --- follow me -----------------------------------------------------------------------


def test_follow_me_points_everyone_at_a_column(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna = join(client, board["id"])
    column = board["columns"][2]["id"]
    seq = seq_of(client, board, anna)
    with client.websocket_connect(stream_url(board["id"], token_of(anna), seq)) as ws:
        answer = client.put(
            f"{url_of(board)}/follow", json={"column_id": column}, headers=facilitator
        )
        client.put(f"{url_of(board)}/follow", json={"column_id": None}, headers=facilitator)
        shown, stopped = receive_events(ws, 2)
    assert answer.json() == {"column_id": column}
    assert (shown["type"], shown["data"]) == ("board.follow", {"column_id": column})
    assert stopped["data"] == {"column_id": None}
    client.put(f"{url_of(board)}/follow", json={"column_id": column}, headers=facilitator)
    assert client.get(url_of(board), headers=anna).json()["follow_column_id"] == column


def test_only_a_facilitator_leads_and_only_to_a_column_of_the_board(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna = join(client, board["id"])
    before = seq_of(client, board, anna)
    column = board["columns"][0]["id"]
    mine = client.put(f"{url_of(board)}/follow", json={"column_id": column}, headers=anna)
    assert mine.status_code == 403
    bad = client.put(f"{url_of(board)}/follow", json={"column_id": "nope"}, headers=facilitator)
    assert bad.status_code == 422 and "not on this board" in bad.json()["detail"]
    assert seq_of(client, board, anna) == before


# --- anonymity -----------------------------------------------------------------------


def test_nothing_links_an_anonymous_note_or_a_signal_to_a_person(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    [group] = make_groups(client, board, facilitator, "Ryhmä 1")
    writer = join(client, board["id"])  # no name: their notes are anonymous
    named = join(client, board["id"], "Anna")
    ids = {
        client.get(f"{url_of(board)}/me", headers=h).json()["participant_id"]
        for h in (writer, named)
    }
    seq = seq_of(client, board, named)
    with client.websocket_connect(stream_url(board["id"], token_of(named), seq)) as ws:
        pick(client, board, writer, group["id"])
        note = post_note(client, board, writer, "Nimetön ajatus")
        client.put(f"{url_of(board)}/notes/{note['id']}/reactions/bulb", headers=named)
        client.put(f"{url_of(board)}/notes/{note['id']}/reactions/party", headers=writer)
        client.put(f"{url_of(board)}/me/done", headers=writer)
        client.put(f"{url_of(board)}/me/done", headers=named)
        seen = receive_events(ws, 6)
    stream = json.dumps(seen, ensure_ascii=False)
    assert "Anna" not in stream
    assert not any(participant_id in stream for participant_id in ids)
    for headers in (named, facilitator):
        snapshot = client.get(url_of(board), headers=headers).json()
        others = json.dumps({k: v for k, v in snapshot.items() if k != "viewer"})
        assert not any(participant_id in others for participant_id in ids)
        assert snapshot["notes"][0]["author_name"] == ""
    # What a viewer sees of themselves is only their own.
    named_viewer = client.get(url_of(board), headers=named).json()["viewer"]
    assert named_viewer["reactions"] == {note["id"]: ["bulb"]}
    assert note["id"] not in named_viewer["own_note_ids"]


# --- exports -------------------------------------------------------------------------


def test_the_summary_and_the_csv_show_each_notes_group(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    [group] = make_groups(client, board, facilitator, "Ryhmä 2")
    anna = join(client, board["id"], "Anna")
    pick(client, board, anna, group["id"])
    post_note(client, board, anna, "Ohjaamot vahvoiksi")
    markdown = client.get(f"{url_of(board)}/export?format=md", headers=facilitator).text
    assert "Ohjaamot vahvoiksi (Ryhmä 2)" in markdown
    raw = client.get(f"{url_of(board)}/export?format=csv", headers=facilitator).content
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0]["discussion_group"] == "Ryhmä 2"
