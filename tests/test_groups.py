"""Grouping notes: merge, rename, add, take out, split; live; refusals change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import join, post_note
from tests.test_pages import HTMX, sign_in
from tests.wsutil import receive_events, stream_url, token_of


def _url(board: dict[str, Any], tail: str = "") -> str:
    return f"/api/v1/boards/{board['id']}{tail}"


def _snapshot(client: TestClient, board: dict[str, Any], headers: dict[str, str]) -> Any:
    response = client.get(_url(board), headers=headers)
    assert response.status_code == 200, response.text
    return {k: v for k, v in response.json().items() if k != "server_time"}  # the clock moves


def _notes_kept(snapshot: dict[str, Any]) -> list[tuple[str, str, tuple[str, ...], int]]:
    """What merging and splitting must never lose: every note, its text, comments, votes."""
    return sorted(
        (n["id"], n["text"], tuple(c["text"] for c in n["comments"]), n["votes"])
        for n in snapshot["notes"]
    )


@pytest.fixture
def three(client: TestClient, board: dict[str, Any]) -> dict[str, Any]:
    """Three notes of one participant, the third in the second column, with votes and a
    comment."""
    anna = join(client, board["id"], "Anna")
    notes = [
        post_note(client, board, anna, "Yhteinen kanava"),
        post_note(client, board, anna, "Yhteiset sivut"),
        post_note(client, board, anna, "Yhteinen chat", column=1),
    ]
    ben = join(client, board["id"], "Ben")
    for headers in (anna, ben):
        client.put(_url(board, f"/notes/{notes[0]['id']}/vote"), headers=headers)
    client.put(_url(board, f"/notes/{notes[2]['id']}/vote"), headers=ben)
    client.post(
        _url(board, f"/notes/{notes[1]['id']}/comments"), json={"text": "Hyvä"}, headers=ben
    )
    return {"anna": anna, "notes": notes}


def test_merge_and_split_keep_every_note(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], three: dict[str, Any]
) -> None:
    before = _notes_kept(_snapshot(client, board, facilitator))
    ids = [n["id"] for n in three["notes"]]
    response = client.post(
        _url(board, "/groups"),
        json={"title": "Yksi kanava", "note_ids": [ids[0], ids[2], ids[1]]},
        headers=facilitator,
    )
    assert response.status_code == 201, response.text
    group = response.json()
    assert group["title"] == "Yksi kanava"
    assert group["note_ids"] == [ids[0], ids[2], ids[1]]
    assert group["votes"] == 3
    assert group["column_id"] == board["columns"][0]["id"]
    grouped = _snapshot(client, board, three["anna"])
    assert grouped["groups"][0]["note_ids"] == group["note_ids"]
    assert {n["column_id"] for n in grouped["notes"]} == {board["columns"][0]["id"]}
    assert {n["group_id"] for n in grouped["notes"]} == {group["id"]}
    assert _notes_kept(grouped) == before

    response = client.delete(_url(board, f"/groups/{group['id']}"), headers=facilitator)
    assert response.status_code == 204
    split = _snapshot(client, board, facilitator)
    assert split["groups"] == []
    assert {n["group_id"] for n in split["notes"]} == {None}
    assert _notes_kept(split) == before
    assert [n["position"] for n in split["notes"]] == [0, 1, 2]


def test_rename_add_and_take_out(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], three: dict[str, Any]
) -> None:
    ids = [n["id"] for n in three["notes"]]
    group = client.post(
        _url(board, "/groups"), json={"title": "Kanavat", "note_ids": ids[:2]}, headers=facilitator
    ).json()
    patched = client.patch(
        _url(board, f"/groups/{group['id']}"),
        json={"title": "Digikanavat", "add_note_ids": [ids[2]], "remove_note_ids": [ids[0]]},
        headers=facilitator,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["title"] == "Digikanavat"
    assert patched.json()["note_ids"] == [ids[1], ids[2]]
    assert patched.json()["votes"] == 1
    snapshot = _snapshot(client, board, facilitator)
    taken_out = next(n for n in snapshot["notes"] if n["id"] == ids[0])
    assert taken_out["group_id"] is None
    assert taken_out["column_id"] == group["column_id"]


def test_everyone_sees_the_group_form_and_split_live(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], three: dict[str, Any]
) -> None:
    ids = [n["id"] for n in three["notes"]]
    start = _snapshot(client, board, facilitator)["seq"]
    with client.websocket_connect(stream_url(board["id"], token_of(three["anna"]), start)) as ws:
        group = client.post(
            _url(board, "/groups"), json={"title": "Kanavat", "note_ids": ids}, headers=facilitator
        ).json()
        [created] = receive_events(ws, 1)
        client.delete(_url(board, f"/groups/{group['id']}"), headers=facilitator)
        deleted, *released = receive_events(ws, 4)
    assert created["type"] == "group.created"
    assert created["data"]["note_ids"] == ids
    assert 'id="group-' + group["id"] in created["html"]
    assert "Kanavat" in created["html"] and "Yhteinen chat" in created["html"]
    assert deleted["type"] == "group.deleted"
    assert deleted["data"]["note_ids"] == ids
    assert [e["type"] for e in released] == ["note.updated"] * 3
    assert [e["data"]["id"] for e in released] == ids
    assert all(e["data"]["group_id"] is None for e in released)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"title": "Ryhmä", "note_ids": ["FIRST"]}, 422),
        ({"title": "Ryhmä", "note_ids": ["FIRST", "FIRST"]}, 422),
        ({"title": "   ", "note_ids": ["FIRST", "SECOND"]}, 422),
        ({"title": "x" * 201, "note_ids": ["FIRST", "SECOND"]}, 422),
        ({"title": "Ryhmä", "note_ids": ["FIRST", "nosuchnote"]}, 422),
        ({"title": "Ryhmä", "note_ids": ["FIRST", "ELSEWHERE"]}, 422),
        ({"title": "Ryhmä", "note_ids": ["FIRST", "GROUPED"]}, 409),
    ],
)
def test_bad_groups_are_refused_and_change_nothing(
    client: TestClient,
    board: dict[str, Any],
    facilitator: dict[str, str],
    three: dict[str, Any],
    body: dict[str, Any],
    status: int,
) -> None:
    ids = [n["id"] for n in three["notes"]]
    client.post(
        _url(board, "/groups"), json={"title": "Vanha", "note_ids": ids[1:]}, headers=facilitator
    )
    other = client.post("/api/v1/boards", json={"title": "Muu"}, headers=facilitator).json()
    elsewhere = post_note(client, other, facilitator, "Muualla")
    names = {"FIRST": ids[0], "GROUPED": ids[2], "ELSEWHERE": elsewhere["id"]}
    body = {**body, "note_ids": [names.get(i, i) for i in body["note_ids"]]}
    before = _snapshot(client, board, facilitator)
    response = client.post(_url(board, "/groups"), json=body, headers=facilitator)
    assert response.status_code == status, response.text
    assert response.json()["detail"]
    assert _snapshot(client, board, facilitator) == before


def test_a_participant_cannot_group(
    client: TestClient, board: dict[str, Any], three: dict[str, Any]
) -> None:
    ids = [n["id"] for n in three["notes"]]
    response = client.post(
        _url(board, "/groups"), json={"title": "Oma", "note_ids": ids}, headers=three["anna"]
    )
    assert response.status_code == 403
    assert _snapshot(client, board, three["anna"])["groups"] == []


def test_a_group_whose_last_note_goes_goes_too(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], three: dict[str, Any]
) -> None:
    ids = [n["id"] for n in three["notes"]]
    group = client.post(
        _url(board, "/groups"), json={"title": "Kaksi", "note_ids": ids[:2]}, headers=facilitator
    ).json()
    client.delete(_url(board, f"/notes/{ids[0]}"), headers=facilitator)
    assert _snapshot(client, board, facilitator)["groups"][0]["note_ids"] == [ids[1]]
    moved = client.patch(
        _url(board, f"/notes/{ids[1]}"),
        json={"column_id": board["columns"][2]["id"]},
        headers=facilitator,
    )
    assert moved.json()["group_id"] is None
    assert _snapshot(client, board, facilitator)["groups"] == []
    response = client.patch(_url(board, f"/groups/{group['id']}"), json={}, headers=facilitator)
    assert response.status_code == 404


def test_the_summary_shows_a_group_with_its_notes_and_summed_votes(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], three: dict[str, Any]
) -> None:
    ids = [n["id"] for n in three["notes"]]
    client.post(
        _url(board, "/groups"), json={"title": "Yksi kanava", "note_ids": ids}, headers=facilitator
    )
    markdown = client.get(
        _url(board, "/export"), params={"format": "md", "votes": "on"}, headers=facilitator
    ).text
    lead = markdown.index("- **Yksi kanava** (3 ääntä)")
    for text in (
        "  - Yhteinen kanava (2 ääntä)",
        "  - Yhteiset sivut",
        "  - Yhteinen chat (1 ääni)",
    ):
        assert markdown.index(text) > lead
    assert "\n    - Hyvä" in markdown
    rows = client.get(_url(board, "/export"), params={"format": "csv"}, headers=facilitator)
    assert rows.content.decode("utf-8-sig").count("Yksi kanava") == 3
    printed = client.get(f"/b/{board['id']}/print?votes=on", headers=facilitator).text
    assert (
        '<strong class="theme-title">Yksi kanava</strong> <span class="votes">(3 ääntä)' in printed
    )


def test_a_backup_keeps_its_groups_through_an_import(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], three: dict[str, Any]
) -> None:
    ids = [n["id"] for n in three["notes"]]
    client.post(
        _url(board, "/groups"), json={"title": "Kanavat", "note_ids": ids[:2]}, headers=facilitator
    )
    backup = client.get(_url(board, "/export"), params={"format": "json"}, headers=facilitator)
    copy = client.post(
        "/api/v1/boards/import",
        content=backup.content,
        headers={**facilitator, "Content-Type": "application/json"},
    )
    assert copy.status_code == 201, copy.text
    restored = copy.json()
    [group] = restored["groups"]
    assert group["title"] == "Kanavat" and group["votes"] == 2
    texts = {n["id"]: n["text"] for n in restored["notes"]}
    assert [texts[i] for i in group["note_ids"]] == ["Yhteinen kanava", "Yhteiset sivut"]
    assert len(restored["notes"]) == 3
    old = {"format": "paja.board", "version": 1, "board": {"title": "Vanha"},
           "columns": [{"title": "A", "notes": [{"text": "Ilman ryhmiä"}]}]}  # fmt: skip
    response = client.post("/api/v1/boards/import", json=old, headers=facilitator)
    assert response.status_code == 201 and response.json()["groups"] == []


def test_facilitators_group_and_split_with_plain_forms(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], three: dict[str, Any]
) -> None:
    ids = [n["id"] for n in three["notes"]]
    sign_in(client)
    page = client.get(f"/b/{board['id']}?lang=en").text
    assert 'id="group-form"' in page
    # Without JavaScript, a note's own page starts a theme with another note of its column.
    note_page = client.get(f"/b/{board['id']}/notes/{ids[0]}?lang=en").text
    assert 'class="stack note-theme-new"' in note_page
    assert f'<option value="{ids[1]}">' in note_page  # the same column
    assert f'<option value="{ids[2]}">' not in note_page  # another column
    response = client.post(
        f"/b/{board['id']}/groups",
        data={"title": "Kanavat", "note_ids": ids[:2]},
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = client.get(f"/b/{board['id']}?lang=en").text
    group = client.get(_url(board), headers=facilitator).json()["groups"][0]
    assert f'id="group-{group["id"]}"' in page and "Split the group" in page
    added = client.post(
        f"/b/{board['id']}/groups",
        data={"title": "", "note_ids": [ids[2]], "group_id": group["id"]},
        follow_redirects=False,
    )
    assert added.status_code == 303
    renamed = client.post(
        f"/b/{board['id']}/groups/{group['id']}/rename", data={"title": "Uusi"}, headers=HTMX
    )
    assert renamed.status_code == 204
    taken = client.post(
        f"/b/{board['id']}/groups/{group['id']}/remove", data={"note_id": ids[0]}, headers=HTMX
    )
    assert taken.status_code == 204
    [after] = client.get(_url(board), headers=facilitator).json()["groups"]
    assert after["title"] == "Uusi" and after["note_ids"] == [ids[1], ids[2]]
    blank = client.post(
        f"/b/{board['id']}/groups", data={"title": " ", "note_ids": ids[:1]}, headers=HTMX
    )
    assert blank.status_code == 422 and 'role="alert"' in blank.text
    split = client.post(f"/b/{board['id']}/groups/{group['id']}/split", follow_redirects=False)
    assert split.status_code == 303
    assert client.get(_url(board), headers=facilitator).json()["groups"] == []
