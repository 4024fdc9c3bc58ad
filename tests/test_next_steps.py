"""Next steps keep who, with whom, how and when; notes take a colour from the palette."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import join, post_note
from tests.test_pages import HTMX, sign_in

STEP = {"owner": "Ohjaamo", "partners": "TE-toimisto", "how": "Yhteinen info", "when": "syksy"}


def _url(board: dict[str, Any], tail: str = "") -> str:
    return f"/api/v1/boards/{board['id']}{tail}"


def _step(client: TestClient, board: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    response = client.post(
        _url(board, "/notes"),
        json={
            "column_id": board["columns"][1]["id"],
            "text": "Yhteinen infotilaisuus",
            "kind": "next_step",
            **STEP,
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_a_next_step_keeps_its_four_fields_through_the_api(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna = join(client, board["id"], "Anna")
    step = _step(client, board, anna)
    assert {k: step[k] for k in STEP} == STEP
    snapshot = client.get(_url(board), headers=anna).json()
    [read] = [n for n in snapshot["notes"] if n["id"] == step["id"]]
    assert {k: read[k] for k in STEP} == STEP
    updated = client.patch(
        _url(board, f"/notes/{step['id']}"), json={"when": "keväällä 2025"}, headers=anna
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["when"] == "keväällä 2025"
    assert updated.json()["owner"] == "Ohjaamo"
    listed = client.get(_url(board, "/next-steps"), headers=anna).json()
    assert [(s["text"], s["owner"], s["when"]) for s in listed] == [
        ("Yhteinen infotilaisuus", "Ohjaamo", "keväällä 2025")
    ]
    assert listed[0]["column_title"] == board["columns"][1]["title"]
    markdown = client.get(_url(board, "/export"), params={"format": "md"}, headers=facilitator).text
    assert "| Mitä | Kuka | Kenen kanssa | Miten | Milloin |" in markdown  # the board's labels
    assert (
        "| Yhteinen infotilaisuus | Ohjaamo | TE-toimisto | Yhteinen info | keväällä 2025 |"
        in markdown
    )
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(
                    _url(board, "/export"), params={"format": "csv"}, headers=facilitator
                ).content.decode("utf-8-sig")
            )
        )
    )
    assert [(r["owner"], r["partners"], r["how"], r["when"]) for r in rows] == [
        ("Ohjaamo", "TE-toimisto", "Yhteinen info", "keväällä 2025")
    ]
    backup = client.get(_url(board, "/export"), params={"format": "json"}, headers=facilitator)
    [saved] = [n for c in backup.json()["columns"] for n in c["notes"]]
    assert saved["owner"] == "Ohjaamo" and saved["when"] == "keväällä 2025"


def test_a_facilitator_turns_a_note_into_a_next_step_and_the_author_fills_it(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna = join(client, board["id"], "Anna")
    note = post_note(client, board, anna, "Kootaan yhteystiedot")
    before = client.get(_url(board), headers=anna).json()["seq"]
    refused = client.patch(
        _url(board, f"/notes/{note['id']}"), json={"owner": "Anna"}, headers=anna
    )
    assert refused.status_code == 422
    assert client.get(_url(board), headers=anna).json()["seq"] == before
    made = client.patch(
        _url(board, f"/notes/{note['id']}"), json={"kind": "next_step"}, headers=facilitator
    )
    assert made.json()["kind"] == "next_step"
    page = client.post(
        f"/b/{board['id']}/notes/{note['id']}/next-step",
        data={"owner": "Anna", "partners": "", "how": "Taulukko", "when": "ensi viikolla"},
        headers=anna,
        follow_redirects=False,
    )
    assert page.status_code == 303
    read = client.get(_url(board, "/next-steps"), headers=anna).json()[0]
    assert (read["owner"], read["how"], read["when"]) == ("Anna", "Taulukko", "ensi viikolla")


def test_next_step_fields_have_a_length_limit(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    step = _step(client, board, facilitator)
    before = client.get(_url(board), headers=facilitator).json()["seq"]
    response = client.patch(
        _url(board, f"/notes/{step['id']}"), json={"how": "x" * 201}, headers=facilitator
    )
    assert response.status_code == 422
    assert "200" in response.json()["detail"]
    assert client.get(_url(board), headers=facilitator).json()["seq"] == before


def test_the_next_steps_page_lists_every_step_with_its_fields(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    _step(client, board, facilitator)
    sign_in(client)
    page = client.get(f"/b/{board['id']}/next-steps?lang=en")
    assert page.status_code == 200
    for text in ("Yhteinen infotilaisuus", "Ohjaamo", "TE-toimisto", "Yhteinen info", "syksy"):
        assert text in page.text
    assert "With whom" in page.text
    board_page = client.get(f"/b/{board['id']}?lang=en")
    assert f'href="/b/{board["id"]}/next-steps"' in board_page.text
    assert "Ohjaamo" in board_page.text and "<dt>Who</dt>" in board_page.text


def test_a_participant_cannot_see_another_boards_next_steps(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    other = client.post("/api/v1/boards", json={"title": "Muu"}, headers=facilitator).json()
    outsider = join(client, other["id"])
    assert client.get(_url(board, "/next-steps"), headers=outsider).status_code == 403


@pytest.mark.parametrize("color", ["red", "", "YELLOW"])
def test_an_unknown_colour_is_refused(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], color: str
) -> None:
    note = post_note(client, board, facilitator, "Väritön")
    before = client.get(_url(board), headers=facilitator).json()["seq"]
    response = client.patch(
        _url(board, f"/notes/{note['id']}"), json={"color": color}, headers=facilitator
    )
    assert response.status_code == 422
    assert client.get(_url(board), headers=facilitator).json()["seq"] == before


def test_authors_recolour_their_own_notes_and_facilitators_any(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna, ben = join(client, board["id"], "Anna"), join(client, board["id"], "Ben")
    note = post_note(client, board, anna, "Vihreä ajatus")
    assert note["color"] == "yellow"
    own = client.patch(_url(board, f"/notes/{note['id']}"), json={"color": "green"}, headers=anna)
    assert own.json()["color"] == "green"
    other = client.patch(_url(board, f"/notes/{note['id']}"), json={"color": "pink"}, headers=ben)
    assert other.status_code == 403
    any_ = client.patch(
        _url(board, f"/notes/{note['id']}"), json={"color": "blue"}, headers=facilitator
    )
    assert any_.json()["color"] == "blue"
    page = client.post(
        f"/b/{board['id']}/notes/{note['id']}/color", data={"color": "purple"}, headers=anna
    )
    assert page.status_code == 303 or page.status_code == 200
    board_page = client.get(f"/b/{board['id']}?lang=en", headers=anna).text
    assert "note--purple" in board_page
    assert "Colour: purple" in board_page  # the name, not only the colour, for screen readers
    backup = client.get(_url(board, "/export"), params={"format": "json"}, headers=facilitator)
    assert [n["color"] for c in backup.json()["columns"] for n in c["notes"]] == ["purple"]


def test_the_colour_form_refuses_an_unknown_colour_without_js(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    note = post_note(client, board, facilitator, "Väritön")
    sign_in(client)
    response = client.post(
        f"/b/{board['id']}/notes/{note['id']}/color", data={"color": "red"}, headers=HTMX
    )
    assert response.status_code == 422
