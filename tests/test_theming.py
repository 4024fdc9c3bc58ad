"""Themes: merge notes, rename, add, take out, split; live; refusals change nothing; the
names API v1 and the backups had before (groups, work groups) still work."""

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
        _url(board, "/themes"),
        json={"title": "Yksi kanava", "note_ids": [ids[0], ids[2], ids[1]]},
        headers=facilitator,
    )
    assert response.status_code == 201, response.text
    theme = response.json()
    assert theme["title"] == "Yksi kanava"
    assert theme["note_ids"] == [ids[0], ids[2], ids[1]]
    assert theme["votes"] == 3
    assert theme["column_id"] == board["columns"][0]["id"]
    themed = _snapshot(client, board, three["anna"])
    assert themed["themes"][0]["note_ids"] == theme["note_ids"]
    assert {n["column_id"] for n in themed["notes"]} == {board["columns"][0]["id"]}
    assert {n["theme_id"] for n in themed["notes"]} == {theme["id"]}
    assert _notes_kept(themed) == before

    response = client.delete(_url(board, f"/themes/{theme['id']}"), headers=facilitator)
    assert response.status_code == 204
    split = _snapshot(client, board, facilitator)
    assert split["themes"] == []
    assert {n["theme_id"] for n in split["notes"]} == {None}
    assert _notes_kept(split) == before
    assert [n["position"] for n in split["notes"]] == [0, 1, 2]


def test_rename_add_and_take_out(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], three: dict[str, Any]
) -> None:
    ids = [n["id"] for n in three["notes"]]
    theme = client.post(
        _url(board, "/themes"), json={"title": "Kanavat", "note_ids": ids[:2]}, headers=facilitator
    ).json()
    patched = client.patch(
        _url(board, f"/themes/{theme['id']}"),
        json={"title": "Digikanavat", "add_note_ids": [ids[2]], "remove_note_ids": [ids[0]]},
        headers=facilitator,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["title"] == "Digikanavat"
    assert patched.json()["note_ids"] == [ids[1], ids[2]]
    assert patched.json()["votes"] == 1
    snapshot = _snapshot(client, board, facilitator)
    taken_out = next(n for n in snapshot["notes"] if n["id"] == ids[0])
    assert taken_out["theme_id"] is None
    assert taken_out["column_id"] == theme["column_id"]


def test_everyone_sees_the_theme_form_and_split_live(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], three: dict[str, Any]
) -> None:
    ids = [n["id"] for n in three["notes"]]
    start = _snapshot(client, board, facilitator)["seq"]
    with client.websocket_connect(stream_url(board["id"], token_of(three["anna"]), start)) as ws:
        theme = client.post(
            _url(board, "/themes"), json={"title": "Kanavat", "note_ids": ids}, headers=facilitator
        ).json()
        [created] = receive_events(ws, 1)
        client.delete(_url(board, f"/themes/{theme['id']}"), headers=facilitator)
        deleted, *released = receive_events(ws, 4)
    assert created["type"] == "theme.created"
    assert created["data"]["note_ids"] == ids
    assert 'id="theme-' + theme["id"] in created["html"]
    assert "Kanavat" in created["html"] and "Yhteinen chat" in created["html"]
    assert deleted["type"] == "theme.deleted"
    assert deleted["data"]["note_ids"] == ids
    assert [e["type"] for e in released] == ["note.updated"] * 3
    assert [e["data"]["id"] for e in released] == ids
    assert all(e["data"]["theme_id"] is None for e in released)


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
def test_bad_themes_are_refused_and_change_nothing(
    client: TestClient,
    board: dict[str, Any],
    facilitator: dict[str, str],
    three: dict[str, Any],
    body: dict[str, Any],
    status: int,
) -> None:
    ids = [n["id"] for n in three["notes"]]
    client.post(
        _url(board, "/themes"), json={"title": "Vanha", "note_ids": ids[1:]}, headers=facilitator
    )
    other = client.post("/api/v1/boards", json={"title": "Muu"}, headers=facilitator).json()
    elsewhere = post_note(client, other, facilitator, "Muualla")
    names = {"FIRST": ids[0], "GROUPED": ids[2], "ELSEWHERE": elsewhere["id"]}
    body = {**body, "note_ids": [names.get(i, i) for i in body["note_ids"]]}
    before = _snapshot(client, board, facilitator)
    response = client.post(_url(board, "/themes"), json=body, headers=facilitator)
    assert response.status_code == status, response.text
    assert response.json()["detail"]
    assert _snapshot(client, board, facilitator) == before


def test_a_participant_cannot_make_a_theme(
    client: TestClient, board: dict[str, Any], three: dict[str, Any]
) -> None:
    ids = [n["id"] for n in three["notes"]]
    response = client.post(
        _url(board, "/themes"), json={"title": "Oma", "note_ids": ids}, headers=three["anna"]
    )
    assert response.status_code == 403
    assert _snapshot(client, board, three["anna"])["themes"] == []


def test_a_theme_whose_last_note_goes_goes_too(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], three: dict[str, Any]
) -> None:
    ids = [n["id"] for n in three["notes"]]
    theme = client.post(
        _url(board, "/themes"), json={"title": "Kaksi", "note_ids": ids[:2]}, headers=facilitator
    ).json()
    client.delete(_url(board, f"/notes/{ids[0]}"), headers=facilitator)
    assert _snapshot(client, board, facilitator)["themes"][0]["note_ids"] == [ids[1]]
    moved = client.patch(
        _url(board, f"/notes/{ids[1]}"),
        json={"column_id": board["columns"][2]["id"]},
        headers=facilitator,
    )
    assert moved.json()["theme_id"] is None
    assert _snapshot(client, board, facilitator)["themes"] == []
    response = client.patch(_url(board, f"/themes/{theme['id']}"), json={}, headers=facilitator)
    assert response.status_code == 404


@pytest.mark.parametrize("how", ["renamed", "split", "emptied"])
def test_a_catch_up_replays_a_theme_with_its_title_of_now(
    client: TestClient,
    board: dict[str, Any],
    facilitator: dict[str, str],
    three: dict[str, Any],
    how: str,
) -> None:
    """Someone who catches up after a theme was renamed replays its events with the new
    title only; after it was split (or lost its last note), with no title at all: a
    title the board no longer shows is not sent again. The notes keep their text."""
    ids = [n["id"] for n in three["notes"]]
    before = client.get(_url(board), headers=facilitator).json()["seq"]
    old, new = "Hylätty otsikko", "Yhteiset kanavat"
    theme = client.post(
        _url(board, "/themes"), json={"title": old, "note_ids": ids[:2]}, headers=facilitator
    ).json()
    renamed = client.patch(
        _url(board, f"/themes/{theme['id']}"), json={"title": new}, headers=facilitator
    )
    assert renamed.status_code == 200, renamed.text
    ends = {"renamed": [], "split": ["theme.deleted"], "emptied": ["theme.deleted"]}[how]
    if how == "split":
        gone = client.delete(_url(board, f"/themes/{theme['id']}"), headers=facilitator)
        assert gone.status_code == 204
    elif how == "emptied":
        for note_id in ids[:2]:
            client.delete(_url(board, f"/notes/{note_id}"), headers=facilitator)
    head = client.get(_url(board), headers=facilitator).json()["seq"]
    with client.websocket_connect(
        stream_url(board["id"], token_of(three["anna"]), before)
    ) as stream:
        replayed = receive_events(stream, head - before)
    themed = [e for e in replayed if e["type"].startswith("theme.")]
    assert [e["type"] for e in themed] == ["theme.created", "theme.updated", *ends]
    titles = [e["data"]["title"] for e in themed if "title" in e["data"]]
    assert titles == ([new, new] if how == "renamed" else ["", ""])
    assert old not in str(replayed)
    if how != "emptied":
        assert "Yhteinen kanava" in str(replayed) and "Yhteiset sivut" in str(replayed)


def test_the_summary_shows_a_theme_with_its_notes_and_summed_votes(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], three: dict[str, Any]
) -> None:
    ids = [n["id"] for n in three["notes"]]
    client.post(
        _url(board, "/themes"), json={"title": "Yksi kanava", "note_ids": ids}, headers=facilitator
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


def test_a_backup_keeps_its_themes_through_an_import(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], three: dict[str, Any]
) -> None:
    ids = [n["id"] for n in three["notes"]]
    client.post(
        _url(board, "/themes"), json={"title": "Kanavat", "note_ids": ids[:2]}, headers=facilitator
    )
    backup = client.get(_url(board, "/export"), params={"format": "json"}, headers=facilitator)
    copy = client.post(
        "/api/v1/boards/import",
        content=backup.content,
        headers={**facilitator, "Content-Type": "application/json"},
    )
    assert copy.status_code == 201, copy.text
    restored = copy.json()
    [theme] = restored["themes"]
    assert theme["title"] == "Kanavat" and theme["votes"] == 2
    texts = {n["id"]: n["text"] for n in restored["notes"]}
    assert [texts[i] for i in theme["note_ids"]] == ["Yhteinen kanava", "Yhteiset sivut"]
    assert len(restored["notes"]) == 3
    old = {"format": "paja.board", "version": 1, "board": {"title": "Vanha"},
           "columns": [{"title": "A", "notes": [{"text": "Ilman ryhmiä"}]}]}  # fmt: skip
    response = client.post("/api/v1/boards/import", json=old, headers=facilitator)
    assert response.status_code == 201 and response.json()["themes"] == []


def test_facilitators_theme_and_split_with_plain_forms(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], three: dict[str, Any]
) -> None:
    ids = [n["id"] for n in three["notes"]]
    sign_in(client)
    page = client.get(f"/b/{board['id']}?lang=en").text
    assert 'id="theme-form"' in page
    # Without JavaScript, a note's own page starts a theme with another note of its column.
    note_page = client.get(f"/b/{board['id']}/notes/{ids[0]}?lang=en").text
    assert 'class="stack note-theme-new"' in note_page
    assert f'<option value="{ids[1]}">' in note_page  # the same column
    assert f'<option value="{ids[2]}">' not in note_page  # another column
    response = client.post(
        f"/b/{board['id']}/themes",
        data={"title": "Kanavat", "note_ids": ids[:2]},
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = client.get(f"/b/{board['id']}?lang=en").text
    theme = client.get(_url(board), headers=facilitator).json()["themes"][0]
    assert f'id="theme-{theme["id"]}"' in page and "Split the theme" in page
    added = client.post(
        f"/b/{board['id']}/themes",
        data={"title": "", "note_ids": [ids[2]], "theme_id": theme["id"]},
        follow_redirects=False,
    )
    assert added.status_code == 303
    renamed = client.post(
        f"/b/{board['id']}/themes/{theme['id']}/rename", data={"title": "Uusi"}, headers=HTMX
    )
    assert renamed.status_code == 204
    taken = client.post(
        f"/b/{board['id']}/themes/{theme['id']}/remove", data={"note_id": ids[0]}, headers=HTMX
    )
    assert taken.status_code == 204
    [after] = client.get(_url(board), headers=facilitator).json()["themes"]
    assert after["title"] == "Uusi" and after["note_ids"] == [ids[1], ids[2]]
    blank = client.post(
        f"/b/{board['id']}/themes", data={"title": " ", "note_ids": ids[:1]}, headers=HTMX
    )
    assert blank.status_code == 422 and 'role="alert"' in blank.text
    split = client.post(f"/b/{board['id']}/themes/{theme['id']}/split", follow_redirects=False)
    assert split.status_code == 303
    assert client.get(_url(board), headers=facilitator).json()["themes"] == []


def test_the_old_group_paths_still_answer_with_the_new_names(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], three: dict[str, Any]
) -> None:
    """API v1 called themes "groups" and discussion groups "work groups": those paths and a
    body's work_group_id still work, and every answer uses the new names."""
    ids = [n["id"] for n in three["notes"]]
    made = client.post(
        _url(board, "/groups"), json={"title": "Vanha", "note_ids": ids[:2]}, headers=facilitator
    )
    assert made.status_code == 201, made.text
    theme = made.json()
    renamed = client.patch(
        _url(board, f"/groups/{theme['id']}"), json={"title": "Uusi"}, headers=facilitator
    )
    assert renamed.status_code == 200 and renamed.json()["title"] == "Uusi"
    snapshot = _snapshot(client, board, facilitator)
    assert [t["title"] for t in snapshot["themes"]] == ["Uusi"] and "groups" not in snapshot
    assert {n["theme_id"] for n in snapshot["notes"] if n["id"] in ids[:2]} == {theme["id"]}
    split = client.delete(_url(board, f"/groups/{theme['id']}"), headers=facilitator)
    assert split.status_code == 204
    assert _snapshot(client, board, facilitator)["themes"] == []

    made = client.post(_url(board, "/work-groups"), json={"name": "Ryhmä 1"}, headers=facilitator)
    assert made.status_code == 201, made.text
    [group] = made.json()["discussion_groups"]
    listed = client.get(_url(board, "/work-groups"), headers=facilitator).json()
    assert [g["id"] for g in listed["discussion_groups"]] == [group["id"]]
    me = client.put(_url(board, "/me"), json={"work_group_id": group["id"]}, headers=three["anna"])
    assert me.status_code == 200 and me.json()["discussion_group_id"] == group["id"]
    patched = client.patch(
        _url(board, f"/work-groups/{group['id']}"), json={"name": "LUOVAT"}, headers=facilitator
    )
    assert patched.json()["discussion_groups"][0]["name"] == "LUOVAT"
    gone = client.delete(_url(board, f"/work-groups/{group['id']}"), headers=facilitator)
    assert gone.status_code == 200 and gone.json()["discussion_groups"] == []
    paths = client.get("/openapi.json").json()["paths"]
    assert not any("/groups" in path or "/work-groups" in path for path in paths)


def test_a_version_1_backup_with_the_old_keys_still_imports(
    client: TestClient, facilitator: dict[str, str]
) -> None:
    """Before version 2 a backup said "groups", "group_id", "work_group" and "work_groups"."""
    old = {
        "format": "paja.board",
        "version": 1,
        "board": {"title": "Vanha varmuuskopio"},
        "work_groups": ["Ryhmä 1", "Ryhmä 2"],
        "columns": [
            {
                "title": "A",
                "groups": [{"id": "g1", "title": "Kanavat"}],
                "notes": [
                    {"text": "Yhteinen kanava", "group_id": "g1", "work_group": "Ryhmä 2"},
                    {"text": "Yhteiset sivut", "group_id": "g1"},
                    {"text": "Yksin", "work_group": "Ryhmä 3"},
                ],
            }
        ],
    }
    response = client.post("/api/v1/boards/import", json=old, headers=facilitator)
    assert response.status_code == 201, response.text
    board = response.json()
    [theme] = board["themes"]
    assert theme["title"] == "Kanavat"
    texts = {n["id"]: n for n in board["notes"]}
    assert [texts[i]["text"] for i in theme["note_ids"]] == ["Yhteinen kanava", "Yhteiset sivut"]
    names = [g["name"] for g in board["discussion_groups"]]
    assert names == ["Ryhmä 1", "Ryhmä 2", "Ryhmä 3"]
    by_text = {n["text"]: n["discussion_group_name"] for n in board["notes"]}
    assert by_text == {"Yhteinen kanava": "Ryhmä 2", "Yhteiset sivut": "", "Yksin": "Ryhmä 3"}

    backup = client.get(
        f"/api/v1/boards/{board['id']}/export", params={"format": "json"}, headers=facilitator
    ).json()
    assert backup["version"] == 2 and backup["discussion_groups"] == names
    [column] = backup["columns"]
    assert [t["title"] for t in column["themes"]] == ["Kanavat"] and "groups" not in column
    assert {n["theme_id"] for n in column["notes"][:2]} == {column["themes"][0]["id"]}
    assert column["notes"][0]["discussion_group"] == "Ryhmä 2"
    assert not {"group_id", "work_group"} & column["notes"][0].keys()
