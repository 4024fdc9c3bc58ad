"""Grid boards in the browser's own forms (no JavaScript): cells, moves, the row forms."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.test_grid import GRID, cell, grid  # noqa: F401  (the fixture)
from tests.test_pages import HTMX, sign_in


@pytest.fixture
def signed_in_grid(client: TestClient, grid: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    sign_in(client)
    return grid


def snapshot(client: TestClient, board: dict[str, Any]) -> dict[str, Any]:
    return client.get(f"/api/v1/boards/{board['id']}").json()


def test_the_board_page_shows_a_cell_per_column_and_row(
    client: TestClient, signed_in_grid: dict[str, Any]
) -> None:
    board = signed_in_grid
    page = client.get(f"/b/{board['id']}").text
    for column in board["columns"]:
        for row in board["rows"]:
            assert f'id="cell-{column["id"]}-{row["id"]}"' in page
            assert f'id="note-text-{column["id"]}-{row["id"]}"' in page
    assert page.count("A. Mikä toimii hyvin?") >= len(board["columns"])
    projector = client.get(f"/b/{board['id']}/projector").text
    assert projector.count('class="cell"') == len(board["columns"]) * len(board["rows"])
    assert "note-form" not in projector


def test_a_note_written_in_a_cell_lands_there(
    client: TestClient, signed_in_grid: dict[str, Any]
) -> None:
    board = signed_in_grid
    column, row = board["columns"][2], board["rows"][1]
    response = client.post(
        f"/b/{board['id']}/notes",
        data={"column_id": column["id"], "row_id": row["id"], "text": "Laatukriteerit"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert cell(snapshot(client, board), 2, 1) == ["Laatukriteerit"]
    refused = client.post(
        f"/b/{board['id']}/notes",
        data={"column_id": column["id"], "row_id": "nope", "text": "X"},
        headers=HTMX,
    )
    assert refused.status_code == 422
    assert f'id="note-text-{column["id"]}-nope"' in refused.text


def test_the_move_menu_crosses_from_one_cell_to_the_next(
    client: TestClient, signed_in_grid: dict[str, Any]
) -> None:
    board = signed_in_grid
    columns, rows = board["columns"], board["rows"]

    def write(text: str, row: int) -> str:
        client.post(
            f"/b/{board['id']}/notes",
            data={"column_id": columns[0]["id"], "row_id": rows[row]["id"], "text": text},
        )
        return next(n["id"] for n in snapshot(client, board)["notes"] if n["text"] == text)

    first = write("A1", 0)
    write("B1", 1)

    def move(direction: str) -> None:
        response = client.post(
            f"/b/{board['id']}/notes/{first}/move",
            data={"direction": direction},
            follow_redirects=False,
        )
        assert response.status_code == 303

    move("down")  # the last of row A goes to the top of row B
    assert cell(snapshot(client, board), 0, 1) == ["A1", "B1"]
    move("down")
    assert cell(snapshot(client, board), 0, 1) == ["B1", "A1"]
    before = snapshot(client, board)["seq"]
    move("down")  # the bottom of the column: nothing changes
    assert snapshot(client, board)["seq"] == before
    move("up")
    move("up")  # the top of row B goes to the end of row A
    assert cell(snapshot(client, board), 0, 0) == ["A1"]
    move("right")  # the next column, same row
    assert cell(snapshot(client, board), 1, 0) == ["A1"]


def test_the_facilitator_adds_renames_and_removes_rows_by_form(
    client: TestClient, signed_in_grid: dict[str, Any]
) -> None:
    board = signed_in_grid
    added = client.post(f"/b/{board['id']}/rows", data={"title": "C. Seuraava askel"}, headers=HTMX)
    assert added.status_code == 200
    assert 'id="rows-admin"' in added.text and "C. Seuraava askel" in added.text
    row = snapshot(client, board)["rows"][2]
    renamed = client.post(
        f"/b/{board['id']}/rows/{row['id']}/edit",
        data={"title": "C. Askel", "position": "0"},
        follow_redirects=False,
    )
    assert renamed.status_code == 303
    assert snapshot(client, board)["rows"][0]["title"] == "C. Askel"
    client.post(
        f"/b/{board['id']}/notes",
        data={"column_id": board["columns"][0]["id"], "row_id": row["id"], "text": "Jää"},
    )
    before = snapshot(client, board)["seq"]
    refused = client.post(f"/b/{board['id']}/rows/{row['id']}/delete", headers=HTMX)
    assert refused.status_code == 409
    assert 'role="alert"' in refused.text
    assert snapshot(client, board)["seq"] == before
    blank = client.post(f"/b/{board['id']}/rows", data={"title": "  "}, headers=HTMX)
    assert blank.status_code == 422
    assert snapshot(client, board)["seq"] == before
    empty = board["rows"][1]["id"]
    removed = client.post(f"/b/{board['id']}/rows/{empty}/delete", follow_redirects=False)
    assert removed.status_code == 303
    assert [r["id"] for r in snapshot(client, board)["rows"]] == [row["id"], board["rows"][0]["id"]]


def test_participants_see_no_row_forms_and_are_refused(
    client: TestClient,
    grid: dict[str, Any],  # noqa: F811
) -> None:
    joined = client.post(f"/b/{grid['id']}/join", data={"name": "Anna"}, follow_redirects=False)
    assert joined.status_code == 303
    page = client.get(f"/b/{grid['id']}").text
    assert 'id="rows-admin"' not in page
    refused = client.post(f"/b/{grid['id']}/rows", data={"title": "X"}, headers=HTMX)
    assert refused.status_code == 403
    assert len(client.get(f"/api/v1/boards/{grid['id']}").json()["rows"]) == 2


def test_the_dashboard_offers_the_grid_template(
    client: TestClient, facilitator: dict[str, str]
) -> None:
    sign_in(client)
    assert "toimii hyvin / kehitettävää (5 × 2)" in client.get("/").text
    created = client.post(
        "/boards",
        data={"title": "Kaakko", "template": GRID, "language": "sv"},
        follow_redirects=False,
    )
    board_id = created.headers["location"].rsplit("/", 1)[-1]
    rows = client.get(f"/api/v1/boards/{board_id}").json()["rows"]
    assert [r["title"] for r in rows] == ["A. Vad fungerar bra?", "B. Vad behöver utvecklas?"]
