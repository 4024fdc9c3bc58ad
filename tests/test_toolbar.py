"""The facilitator's toolbar and the rules behind it: a locked board stops participants
only, the toolbar's live state is for facilitators, a board's language is chosen when it
is made (Finnish unless picked) and a bad choice changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import join, post_note
from tests.test_pages import sign_in


def lock(client: TestClient, board: dict[str, Any], facilitator: dict[str, str]) -> str:
    base = f"/api/v1/boards/{board['id']}"
    assert client.patch(base, json={"status": "locked"}, headers=facilitator).status_code == 200
    return base


def test_a_locked_board_stops_participants_but_not_the_facilitators_sorting(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna = join(client, board["id"], "Anna")
    first = post_note(client, board, anna, "Ensimmäinen")
    second = post_note(client, board, anna, "Toinen")
    client.put(f"/api/v1/boards/{board['id']}/notes/{first['id']}/vote", headers=anna)
    base = lock(client, board, facilitator)

    refused = client.post(f"{base}/notes/{second['id']}/comments", json={"text": "x"}, headers=anna)
    assert refused.status_code == 423
    assert "lukittu" in refused.json()["detail"] or "locked" in refused.json()["detail"]
    assert client.put(f"{base}/notes/{second['id']}/vote", headers=anna).status_code == 423

    theme = {"title": "Yhteinen teema", "note_ids": [first["id"], second["id"]]}
    assert client.post(f"{base}/groups", json=theme, headers=facilitator).status_code == 201
    step = client.patch(
        f"{base}/notes/{second['id']}", json={"kind": "next_step"}, headers=facilitator
    )
    assert step.status_code == 200 and step.json()["kind"] == "next_step"
    hidden = client.patch(f"{base}/notes/{first['id']}", json={"hidden": True}, headers=facilitator)
    assert hidden.status_code == 200
    assert client.get(f"{base}/export?format=md", headers=facilitator).status_code == 200

    seen = client.get(base, headers=anna).json()
    assert [n["votes"] for n in seen["notes"] if n["id"] == second["id"]] == [0]


def test_an_archived_board_stays_read_only_for_facilitators_too(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna = join(client, board["id"], "Anna")
    note = post_note(client, board, anna, "Arkistoon")
    base = f"/api/v1/boards/{board['id']}"
    client.patch(base, json={"status": "archived"}, headers=facilitator)
    step = client.patch(
        f"{base}/notes/{note['id']}", json={"kind": "next_step"}, headers=facilitator
    )
    assert step.status_code == 423


def test_the_board_page_says_it_is_locked(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    lock(client, board, facilitator)
    sign_in(client)
    page = client.get(f"/b/{board['id']}").text
    assert 'data-mode="locked"' in page and "Taulu on lukittu" in page


def test_the_toolbar_fragment_is_the_facilitators_and_counts_the_phases(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    base = f"/api/v1/boards/{board['id']}"
    client.patch(base, json={"private_writing": True}, headers=facilitator)
    anna = join(client, board["id"], "Anna")
    join(client, board["id"], "Ben")
    note = post_note(client, board, anna, "Yksityinen")
    client.post(f"{base}/voting", json={"budget": 2, "max_per_note": 1}, headers=facilitator)
    client.put(f"{base}/notes/{note['id']}/vote", headers=anna)

    assert client.get(f"/b/{board['id']}/toolbar", headers=anna).status_code == 403
    sign_in(client)
    toolbar = client.get(f"/b/{board['id']}/toolbar").text
    assert "yksityinen · 1 odottaa" in toolbar
    assert "2/hlö · 1/2 äänestänyt" in toolbar
    assert 'id="quick-reveal"' in toolbar


def test_a_new_board_is_finnish_unless_the_facilitator_picks_another(
    client: TestClient, facilitator: dict[str, str]
) -> None:
    sign_in(client)
    english = {"Accept-Language": "en-GB,en;q=0.9"}
    form = client.get("/", headers=english).text
    assert '<option value="fi" lang="fi" selected>' in form
    made = client.post(
        "/boards",
        data={"title": "Työpaja", "language": "fi"},
        headers=english,
        follow_redirects=False,
    )
    board_id = made.headers["location"].rsplit("/", 1)[1]
    assert client.get(f"/api/v1/boards/{board_id}", headers=facilitator).json()["language"] == "fi"
    listed = client.get("/", headers=english).text
    assert '<td lang="fi">Suomeksi</td>' in listed


@pytest.mark.parametrize("language", ["xx", "", "fi-evil"])
def test_a_bad_board_language_changes_nothing(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], language: str
) -> None:
    sign_in(client)
    response = client.post(
        f"/b/{board['id']}/language", data={"language": language}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    snapshot = client.get(f"/api/v1/boards/{board['id']}", headers=facilitator).json()
    assert snapshot["language"] == "fi" and snapshot["seq"] == board["seq"]


def test_the_board_language_can_be_changed_from_the_settings(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    sign_in(client)
    changed = client.post(
        f"/b/{board['id']}/language", data={"language": "sv"}, follow_redirects=False
    )
    assert changed.status_code == 303
    snapshot = client.get(f"/api/v1/boards/{board['id']}", headers=facilitator).json()
    assert snapshot["language"] == "sv"
