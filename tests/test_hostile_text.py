"""Every free text the facilitation tools added (theme titles, grid rows, discussion groups,
next-step fields, colours aside) stays text: escaped in the page and in the HTML
live events carry, literal in the Word document."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import join, post_note
from tests.test_exports import docx_text, export
from tests.test_pages import sign_in
from tests.wsutil import receive_events, stream_url, token_of

PAYLOAD = '<img src=x onerror=alert(1)>"><script>alert(2)</script>'
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


def api(board: dict[str, Any], tail: str) -> str:
    return f"/api/v1/boards/{board['id']}{tail}"


def test_facilitation_texts_stay_text_in_page_events_and_word(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna = join(client, board["id"], "Anna")
    first, second = (post_note(client, board, anna, f"Idea {n}") for n in (1, 2))
    step = client.post(
        api(board, "/notes"),
        json={
            "column_id": board["columns"][1]["id"],
            "text": "Seuraava askel",
            "kind": "next_step",
            "owner": PAYLOAD,
            "how": PAYLOAD,
        },
        headers=anna,
    )
    assert step.status_code == 201, step.text
    seq = client.get(api(board, ""), headers=anna).json()["seq"]
    with client.websocket_connect(stream_url(board["id"], token_of(anna), seq)) as ws:
        group = client.post(
            api(board, "/themes"),
            json={"title": PAYLOAD, "note_ids": [first["id"], second["id"]]},
            headers=facilitator,
        )
        assert group.status_code == 201, group.text
        row = client.post(api(board, "/rows"), json={"title": PAYLOAD}, headers=facilitator)
        assert row.status_code == 201, row.text
        discussion_group = client.post(
            api(board, "/discussion-groups"), json={"name": PAYLOAD}, headers=facilitator
        )
        assert discussion_group.status_code == 201, discussion_group.text
        events = receive_events(ws, 3)
    for event in events:
        html = event.get("html", "")
        assert "<script>" not in html and "<img" not in html, event["type"]
    assert [e["type"] for e in events] == [
        "theme.created",
        "row.created",
        "discussion_groups.changed",
    ]
    assert ESCAPED in events[0]["html"]  # the theme card's title

    sign_in(client)
    page = client.get(f"/b/{board['id']}").text
    assert "<script>alert(2)" not in page and "<img src=x" not in page
    assert page.count(ESCAPED) >= 3  # theme title, row heading, the next step's fields
    word = docx_text(export(client, board, facilitator, "docx").content)
    assert PAYLOAD in word  # a literal run of text, not markup
