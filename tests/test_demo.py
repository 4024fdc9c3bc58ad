"""`paja serve --demo`: an empty board to try, and a board caught mid-workshop."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from app.db import Database
from app.demo import DEMO_PASSWORD, ensure_demo


def test_the_demo_has_an_empty_board_and_one_mid_workshop(
    client: TestClient, db: Database, settings: Any
) -> None:
    with db.session() as session:
        demo = ensure_demo(session, settings)
    with db.session() as session:
        again = ensure_demo(session, settings)
    assert (again.board_id, again.workshop_id) == (demo.board_id, demo.workshop_id)

    token = client.post(
        "/api/v1/auth/token", json={"email": demo.email, "password": DEMO_PASSWORD}
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    empty = client.get(f"/api/v1/boards/{demo.board_id}", headers=headers).json()
    assert empty["notes"] == [] and len(empty["columns"]) == 6

    board = client.get(f"/api/v1/boards/{demo.workshop_id}", headers=headers).json()
    notes = board["notes"]
    assert len({n["column_id"] for n in notes}) >= 3  # several priorities
    assert any("onnistumistarinat" in n["text"] for n in notes)
    assert sum(n["votes"] for n in notes) > 0
    assert [g["title"] for g in board["themes"]] == ["Näkyvyys ja viestintä"]
    assert len(board["themes"][0]["note_ids"]) == 3
    steps = [n for n in notes if n["kind"] == "next_step"]
    assert steps and all(s["owner"] and s["partners"] and s["how"] and s["when"] for s in steps)
    assert [g["name"] for g in board["discussion_groups"]] == ["Pienryhmä 1", "Pienryhmä 2"]
    assert any(n["comments"] for n in notes)
