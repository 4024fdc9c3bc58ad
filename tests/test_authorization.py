"""Walks docs/authorization.md: every route, as every kind of caller."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.api.routes import ws
from tests.conftest import PASSWORD, bearer, facilitator_token, join, make_facilitator, post_note

TABLE = Path(__file__).resolve().parent.parent / "docs" / "authorization.md"
ROLES = ("anonymous", "participant", "outsider", "facilitator", "other facilitator")


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    expected: dict[str, str]


def documented_rows() -> list[Row]:
    rows = []
    for line in TABLE.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 + len(ROLES) and cells[0] in {
            "GET",
            "POST",
            "PUT",
            "PATCH",
            "DELETE",
            "WS",
        }:
            rows.append(Row(cells[0], cells[1], dict(zip(ROLES, cells[2:], strict=True))))
    return rows


ROWS = documented_rows()


def test_every_route_is_in_the_table(app: Any) -> None:
    documented = {(row.method, row.path) for row in ROWS}
    served = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    }
    served |= {("WS", "/api/v1" + route.path) for route in ws.router.routes}
    assert served - documented == set(), "routes missing from docs/authorization.md"
    assert documented - served == set(), "docs/authorization.md lists routes that do not exist"


@pytest.fixture
def world(client: TestClient, db: Any) -> dict[str, Any]:
    """Two facilitators with a board each; a participant (with a note) on the first board
    and an outsider on the second."""
    make_facilitator(db, "fasi@example.fi")
    make_facilitator(db, "toinen@example.fi")
    owner = bearer(facilitator_token(client, "fasi@example.fi"))
    other = bearer(facilitator_token(client, "toinen@example.fi"))
    board = client.post("/api/v1/boards", json={"title": "Oma"}, headers=owner).json()
    elsewhere = client.post("/api/v1/boards", json={"title": "Muu"}, headers=other).json()
    participant = join(client, board["id"], "Anna")
    note = post_note(client, board, participant, "Annan muistiinpano")
    rows = f"/api/v1/boards/{board['id']}/rows"
    client.post(rows, json={"title": "A"}, headers=owner)  # takes the note
    empty = client.post(rows, json={"title": "B"}, headers=owner).json()
    second = post_note(client, board, participant, "Toinen muistiinpano")
    third = post_note(client, board, participant, "Kolmas muistiinpano")
    loose = post_note(client, board, participant, "Neljäs muistiinpano")
    comment = client.post(
        f"/api/v1/boards/{board['id']}/notes/{note['id']}/comments",
        json={"text": "Annan kommentti"},
        headers=participant,
    ).json()
    group = client.post(
        f"/api/v1/boards/{board['id']}/groups",
        json={"title": "Ryhmä", "note_ids": [second["id"], third["id"]]},
        headers=owner,
    ).json()
    co_id = make_facilitator(db, "kolmas@example.fi", "Kolmas")
    added = client.post(
        f"/api/v1/boards/{board['id']}/facilitators",
        json={"email": "kolmas@example.fi"},
        headers=owner,
    )
    assert added.status_code == 201, added.text
    template = client.post(
        f"/api/v1/boards/{board['id']}/template", json={"title": "Pohja"}, headers=owner
    ).json()
    url = f"/api/v1/boards/{board['id']}"
    groups = client.post(f"{url}/work-groups", json={"name": "Ryhmä 1"}, headers=owner).json()
    participant_id = client.get(f"{url}/me", headers=participant).json()["participant_id"]
    return {
        "headers": {
            "anonymous": {},
            "participant": participant,
            "outsider": join(client, elsewhere["id"]),
            "facilitator": owner,
            "other facilitator": other,
        },
        "ids": {
            "board_id": board["id"],
            "note_id": note["id"],
            "comment_id": comment["id"],
            "column_id": board["columns"][0]["id"],
            "row_id": empty["id"],
            "group_id": group["id"],
            "loose_id": loose["id"],
            "facilitator_id": co_id,
            "template_id": template["id"],
            "work_group_id": groups["work_groups"][0]["id"],
            "participant_id": participant_id,
            "name": "thumbs_up",
        },
    }


def body_for(row: Row, ids: dict[str, str]) -> dict[str, Any] | None:
    bodies: dict[tuple[str, str], dict[str, Any]] = {
        ("POST", "/api/v1/auth/token"): {"email": "fasi@example.fi", "password": PASSWORD},
        ("POST", "/api/v1/boards"): {"title": "Uusi"},
        ("PATCH", "/api/v1/boards/{board_id}"): {"title": "Uusi nimi"},
        ("POST", "/api/v1/boards/{board_id}/columns"): {"title": "Uusi sarake"},
        ("PATCH", "/api/v1/boards/{board_id}/columns/{column_id}"): {"title": "Nimetty"},
        ("POST", "/api/v1/boards/{board_id}/participants"): {"name": "Ben"},
        ("POST", "/api/v1/boards/{board_id}/rows"): {"title": "C"},
        ("PATCH", "/api/v1/boards/{board_id}/rows/{row_id}"): {"title": "B2"},
        ("POST", "/api/v1/boards/{board_id}/notes"): {
            "column_id": ids["column_id"],
            "text": "Uusi",
        },
        ("PATCH", "/api/v1/boards/{board_id}/notes/{note_id}"): {"text": "Muokattu"},
        ("POST", "/api/v1/boards/{board_id}/notes/{note_id}/comments"): {"text": "Kommentti"},
        ("POST", "/api/v1/boards/{board_id}/groups"): {
            "title": "Uusi ryhmä",
            "note_ids": [ids["note_id"], ids["loose_id"]],
        },
        ("PATCH", "/api/v1/boards/{board_id}/groups/{group_id}"): {"title": "Nimetty"},
        ("POST", "/api/v1/boards/{board_id}/template"): {"title": "Oma pohja"},
        ("POST", "/api/v1/boards/{board_id}/duplicate"): {"with_notes": True},
        ("PUT", "/api/v1/boards/{board_id}/timer"): {"seconds": 180},
        ("POST", "/api/v1/boards/{board_id}/facilitators"): {"email": "toinen@example.fi"},
        ("POST", "/api/v1/boards/{board_id}/voting"): {"budget": 3},
        ("POST", "/api/v1/boards/{board_id}/work-groups"): {"name": "Ryhmä 2"},
        ("PATCH", "/api/v1/boards/{board_id}/work-groups/{work_group_id}"): {"name": "LUOVAT"},
        ("PUT", "/api/v1/boards/{board_id}/me"): {"work_group_id": ids["work_group_id"]},
        ("PUT", "/api/v1/boards/{board_id}/participants/{participant_id}"): {
            "work_group_id": ids["work_group_id"]
        },
        ("PUT", "/api/v1/boards/{board_id}/follow"): {"column_id": ids["column_id"]},
    }
    backup = {
        "format": "paja.board",
        "version": 1,
        "board": {"title": "Tuotu"},
        "columns": [{"title": "Tuotu sarake", "notes": [{"text": "Tuotu"}]}],
    }
    bodies[("POST", "/api/v1/boards/{board_id}/import")] = backup
    bodies[("POST", "/api/v1/boards/import")] = backup
    return bodies.get((row.method, row.path))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.method} {row.path}")
def test_route_answers_each_role_as_documented(
    client: TestClient, world: dict[str, Any], row: Row, role: str
) -> None:
    url = re.sub(r"\{(\w+)\}", lambda m: world["ids"][m.group(1)], row.path)
    headers = world["headers"][role]
    expected = row.expected[role]
    if row.method == "WS":
        assert ws_outcome(client, url, headers) == expected
        return
    response = client.request(row.method, url, json=body_for(row, world["ids"]), headers=headers)
    assert str(response.status_code) == expected, response.text


def ws_outcome(client: TestClient, url: str, headers: dict[str, str]) -> str:
    token = headers.get("Authorization", "").removeprefix("Bearer ")
    target = f"{url}?token={token}" if token else url
    with client.websocket_connect(target) as ws:
        ws.send_json({"type": "ping"})
        try:
            ws.receive_text()
        except WebSocketDisconnect as closed:
            return str(closed.code)
    return "open"
