"""The accessibility statement and its feedback channel, the privacy notice, the footer
that links them from every page, the projector view, and the keyboard moves (the Move
menu's form posts, which work without JavaScript too)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from tests.conftest import post_note
from tests.test_pages import HTMX, sign_in


@pytest.mark.parametrize(
    ("language", "title", "date"),
    [
        ("fi", "Saavutettavuusseloste", "22. marraskuuta 2026"),
        ("sv", "Tillgänglighetsutlåtande", "22 november 2026"),
        ("en", "Accessibility statement", "22 November 2026"),
    ],
)
def test_the_accessibility_statement_in_every_language(
    client: TestClient, language: str, title: str, date: str
) -> None:
    page = client.get(f"/accessibility?lang={language}")
    assert page.status_code == 200
    assert f"<h1>{title}</h1>" in page.text
    assert date in page.text, "the review date in the local format"
    assert 'action="/accessibility/feedback"' in page.text
    assert "saavutettavuusvaatimukset.fi" in page.text


def test_feedback_is_kept_for_the_operator(client: TestClient, settings: Settings) -> None:
    sent = client.post(
        "/accessibility/feedback",
        data={"message": " Kontrasti on heikko ", "contact": "a@example.fi", "address": "/join"},
    )
    assert sent.status_code == 200 and 'role="status"' in sent.text
    lines = (settings.data_dir / "accessibility-feedback.jsonl").read_text().splitlines()
    record = json.loads(lines[-1])
    assert record["message"] == "Kontrasti on heikko"
    assert record["contact"] == "a@example.fi" and record["address"] == "/join"


def test_blank_feedback_is_refused_next_to_the_field(
    client: TestClient, settings: Settings
) -> None:
    refused = client.post("/accessibility/feedback", data={"message": "   "})
    assert refused.status_code == 422
    assert 'id="feedback-error"' in refused.text and 'aria-invalid="true"' in refused.text
    assert "Palaute ei saa olla tyhjä." in refused.text
    assert not (settings.data_dir / "accessibility-feedback.jsonl").exists()


@pytest.mark.parametrize(
    ("language", "title"),
    [("fi", "Tietosuojaseloste"), ("sv", "Dataskyddsbeskrivning"), ("en", "Privacy notice")],
)
def test_the_privacy_notice_in_every_language(
    client: TestClient, language: str, title: str
) -> None:
    page = client.get(f"/privacy?lang={language}")
    assert f"<h1>{title}</h1>" in page.text
    for cookie in ("paja_session", "paja_b_", "paja_lang"):
        assert cookie in page.text


def test_every_page_links_both_from_its_footer(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anonymous = [
        "/login",
        "/join",
        f"/b/{board['id']}",
        "/accessibility",
        "/privacy",
        "/teams/config",
        "/nowhere",
    ]
    for path in anonymous:
        assert 'href="/accessibility"' in client.get(path).text, path
        assert 'href="/privacy"' in client.get(path).text, path
    sign_in(client)
    for path in ("/", f"/b/{board['id']}", f"/b/{board['id']}/projector"):
        text = client.get(path).text
        assert 'href="/accessibility"' in text and 'href="/privacy"' in text, path


def test_the_projector_view_is_for_members_and_has_no_editing(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    post_note(client, board, facilitator, "Näkyy isolla")
    assert 'action="/b/' in client.get(f"/b/{board['id']}/projector").text  # the join form
    sign_in(client)
    page = client.get(f"/b/{board['id']}/projector")
    assert 'class="board-page projector"' in page.text
    assert "Näkyy isolla" in page.text
    assert 'class="note-form"' not in page.text
    assert board["join_code"] in page.text


def order(client: TestClient, board: dict[str, Any], headers: dict[str, str]) -> list[list[str]]:
    snapshot = client.get(f"/api/v1/boards/{board['id']}", headers=headers).json()
    return [
        [n["text"] for n in snapshot["notes"] if n["column_id"] == column["id"]]
        for column in snapshot["columns"]
    ]


def test_the_move_menu_moves_one_step_at_a_time(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    notes = [post_note(client, board, facilitator, text) for text in ("A", "B", "C")]
    sign_in(client)

    def move(note: dict[str, Any], direction: str) -> int:
        url = f"/b/{board['id']}/notes/{note['id']}/move"
        return client.post(url, data={"direction": direction}, follow_redirects=False).status_code

    assert move(notes[2], "up") == 303  # without JavaScript: back to the board
    assert order(client, board, facilitator)[0] == ["A", "C", "B"]
    assert move(notes[0], "down") == 303
    assert order(client, board, facilitator)[0] == ["C", "A", "B"]
    assert move(notes[1], "right") == 303
    assert order(client, board, facilitator)[:2] == [["C", "A"], ["B"]]
    assert move(notes[1], "left") == 303
    assert order(client, board, facilitator)[0] == ["B", "C", "A"], "at its place in the column"
    assert move(notes[1], "up") == 303, "at the top: nothing to do"
    assert move(notes[1], "left") == 303, "the first column: nothing to do"
    assert order(client, board, facilitator)[0] == ["B", "C", "A"]
    refused = client.post(
        f"/b/{board['id']}/notes/{notes[0]['id']}/move", data={"direction": "sideways"}
    )
    assert refused.status_code == 422


def test_a_blank_edit_is_refused_next_to_the_field(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    note = post_note(client, board, facilitator, "Alkuperäinen")
    sign_in(client)
    response = client.post(
        f"/b/{board['id']}/notes/{note['id']}/edit", data={"text": "  "}, headers=HTMX
    )
    assert response.status_code == 422
    assert f'id="note-edit-error-{note["id"]}"' in response.text
    assert "Muistiinpano ei saa olla tyhjä." in response.text


def test_an_unknown_language_code_is_not_remembered(client: TestClient) -> None:
    response = client.get("/login?lang=xx")
    assert '<html lang="fi">' in response.text
    assert "paja_lang" not in response.headers.get("set-cookie", "")
    assert "paja_lang=sv" in client.get("/login?lang=sv").headers["set-cookie"]
