"""Grid boards: rows across the columns, notes in cells, live and through the API."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import join
from tests.wsutil import receive_events, stream_url, token_of

GRID = "kaakkois-suomi-2021-grid"


@pytest.fixture
def grid(client: TestClient, facilitator: dict[str, str]) -> dict[str, Any]:
    """The Kaakkois-Suomi priorities × "A. Mikä toimii hyvin?" / "B. Kehitettävää?"."""
    response = client.post(
        "/api/v1/boards", json={"title": "Kaakon työpaja", "template": GRID}, headers=facilitator
    )
    assert response.status_code == 201, response.text
    return response.json()


def url(board: dict[str, Any], tail: str = "") -> str:
    return f"/api/v1/boards/{board['id']}{tail}"


def add(
    client: TestClient,
    board: dict[str, Any],
    headers: dict[str, str],
    text: str,
    column: int = 0,
    row: int | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"column_id": board["columns"][column]["id"], "text": text}
    if row is not None:
        body["row_id"] = board["rows"][row]["id"]
    response = client.post(url(board, "/notes"), json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def seq_of(client: TestClient, board: dict[str, Any], headers: dict[str, str]) -> int:
    return client.get(url(board), headers=headers).json()["seq"]


def cell(snapshot: dict[str, Any], column: int, row: int) -> list[str]:
    column_id, row_id = snapshot["columns"][column]["id"], snapshot["rows"][row]["id"]
    return [
        n["text"]
        for n in snapshot["notes"]
        if n["column_id"] == column_id and n["row_id"] == row_id
    ]


def test_the_grid_template_makes_every_priority_a_column_with_both_rows(
    grid: dict[str, Any],
) -> None:
    assert len(grid["columns"]) == 5
    assert [r["title"] for r in grid["rows"]] == ["A. Mikä toimii hyvin?", "B. Kehitettävää?"]
    assert [r["position"] for r in grid["rows"]] == [0, 1]


def test_an_english_board_from_the_grid_template_gets_english_rows(
    client: TestClient, facilitator: dict[str, str]
) -> None:
    created = client.post(
        "/api/v1/boards",
        json={"title": "Workshop", "template": GRID, "language": "en"},
        headers=facilitator,
    ).json()
    assert [r["title"] for r in created["rows"]] == [
        "A. What works well?",
        "B. What should be developed?",
    ]


def test_a_board_without_rows_has_none_and_its_notes_no_row(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    assert board["rows"] == []
    note = add(client, board, facilitator, "Tavallinen")
    assert note["row_id"] is None


def test_rows_given_at_creation(client: TestClient, facilitator: dict[str, str]) -> None:
    created = client.post(
        "/api/v1/boards",
        json={"title": "Oma", "rows": [{"title": "Nyt"}, {"title": "Tulevaisuus"}]},
        headers=facilitator,
    ).json()
    assert [r["title"] for r in created["rows"]] == ["Nyt", "Tulevaisuus"]


def test_notes_go_into_cells_and_a_note_without_row_into_the_first(
    client: TestClient, grid: dict[str, Any]
) -> None:
    anna = join(client, grid["id"], "Anna")
    add(client, grid, anna, "Yhteistyö toimii", column=1, row=0)
    add(client, grid, anna, "Tiedotus", column=1, row=1)
    first = add(client, grid, anna, "Ilman riviä", column=1)
    assert first["row_id"] == grid["rows"][0]["id"]
    snapshot = client.get(url(grid), headers=anna).json()
    assert cell(snapshot, 1, 0) == ["Yhteistyö toimii", "Ilman riviä"]
    assert cell(snapshot, 1, 1) == ["Tiedotus"]


def test_a_note_moves_to_another_cell_and_both_cells_are_numbered_densely(
    client: TestClient, grid: dict[str, Any]
) -> None:
    anna = join(client, grid["id"], "Anna")
    a = [add(client, grid, anna, f"A{i}", row=0) for i in range(3)]
    add(client, grid, anna, "B0", row=1)
    moved = client.patch(
        url(grid, f"/notes/{a[1]['id']}"),
        json={"row_id": grid["rows"][1]["id"], "position": 0},
        headers=anna,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["row_id"] == grid["rows"][1]["id"]
    snapshot = client.get(url(grid), headers=anna).json()
    assert cell(snapshot, 0, 0) == ["A0", "A2"]
    assert cell(snapshot, 0, 1) == ["A1", "B0"]
    positions = {n["text"]: n["position"] for n in snapshot["notes"]}
    assert (positions["A1"], positions["B0"]) == (0, 1)
    # A move to another column keeps the note's row.
    across = client.patch(
        url(grid, f"/notes/{a[1]['id']}"),
        json={"column_id": grid["columns"][2]["id"]},
        headers=anna,
    ).json()
    assert (across["column_id"], across["row_id"]) == (
        grid["columns"][2]["id"],
        grid["rows"][1]["id"],
    )


@pytest.mark.parametrize("row_id", ["nope", "", "x" * 300])
def test_a_bad_row_id_is_refused_and_changes_nothing(
    client: TestClient, grid: dict[str, Any], row_id: str
) -> None:
    anna = join(client, grid["id"], "Anna")
    note = add(client, grid, anna, "Oma")
    before = seq_of(client, grid, anna)
    created = client.post(
        url(grid, "/notes"),
        json={"column_id": grid["columns"][0]["id"], "text": "Väärä", "row_id": row_id},
        headers=anna,
    )
    moved = client.patch(url(grid, f"/notes/{note['id']}"), json={"row_id": row_id}, headers=anna)
    assert created.status_code == 422 and moved.status_code == 422
    assert "row" in created.json()["detail"]
    assert seq_of(client, grid, anna) == before


def test_a_row_of_another_board_is_refused(
    client: TestClient, grid: dict[str, Any], facilitator: dict[str, str]
) -> None:
    other = client.post(
        "/api/v1/boards", json={"title": "Toinen", "template": GRID}, headers=facilitator
    ).json()
    before = seq_of(client, grid, facilitator)
    response = client.post(
        url(grid, "/notes"),
        json={"column_id": grid["columns"][0]["id"], "text": "X", "row_id": other["rows"][0]["id"]},
        headers=facilitator,
    )
    assert response.status_code == 422
    assert seq_of(client, grid, facilitator) == before


def test_facilitator_adds_renames_reorders_and_removes_rows(
    client: TestClient, grid: dict[str, Any], facilitator: dict[str, str]
) -> None:
    created = client.post(
        url(grid, "/rows"), json={"title": "C. Seuraava askel", "position": 0}, headers=facilitator
    )
    assert created.status_code == 201, created.text
    row = created.json()
    assert row["position"] == 0
    renamed = client.patch(
        url(grid, f"/rows/{row['id']}"),
        json={"title": "C. Askel", "position": 5},
        headers=facilitator,
    ).json()
    assert (renamed["title"], renamed["position"]) == ("C. Askel", 2)
    assert client.delete(url(grid, f"/rows/{row['id']}"), headers=facilitator).status_code == 204
    titles = [r["title"] for r in client.get(url(grid), headers=facilitator).json()["rows"]]
    assert titles == ["A. Mikä toimii hyvin?", "B. Kehitettävää?"]


def test_a_row_with_notes_cannot_be_removed(
    client: TestClient, grid: dict[str, Any], facilitator: dict[str, str]
) -> None:
    add(client, grid, facilitator, "Jää", row=1)
    before = seq_of(client, grid, facilitator)
    response = client.delete(url(grid, f"/rows/{grid['rows'][1]['id']}"), headers=facilitator)
    assert response.status_code == 409
    assert "Move or delete" in response.json()["detail"]
    assert seq_of(client, grid, facilitator) == before


def test_participants_cannot_change_rows(client: TestClient, grid: dict[str, Any]) -> None:
    anna = join(client, grid["id"], "Anna")
    row_id = grid["rows"][0]["id"]
    assert client.post(url(grid, "/rows"), json={"title": "X"}, headers=anna).status_code == 403
    assert (
        client.patch(url(grid, f"/rows/{row_id}"), json={"title": "X"}, headers=anna).status_code
        == 403
    )
    assert client.delete(url(grid, f"/rows/{row_id}"), headers=anna).status_code == 403


def test_bad_rows_are_refused(
    client: TestClient, grid: dict[str, Any], facilitator: dict[str, str]
) -> None:
    before = seq_of(client, grid, facilitator)
    for body in ({"title": "  "}, {"title": "x" * 201}, {"title": "X", "position": -1}, {}):
        assert client.post(url(grid, "/rows"), json=body, headers=facilitator).status_code == 422
    assert (
        client.patch(url(grid, "/rows/nope"), json={"title": "X"}, headers=facilitator).status_code
        == 422
    )
    assert seq_of(client, grid, facilitator) == before


def test_rows_per_board_are_limited(
    client: TestClient, grid: dict[str, Any], facilitator: dict[str, str]
) -> None:
    for number in range(8):
        response = client.post(
            url(grid, "/rows"), json={"title": f"R{number}"}, headers=facilitator
        )
        assert response.status_code == 201
    before = seq_of(client, grid, facilitator)
    response = client.post(url(grid, "/rows"), json={"title": "Liikaa"}, headers=facilitator)
    assert response.status_code == 409
    assert "10 rows" in response.json()["detail"]
    assert seq_of(client, grid, facilitator) == before
    too_many = client.post(
        "/api/v1/boards",
        json={"title": "X", "rows": [{"title": f"R{i}"} for i in range(11)]},
        headers=facilitator,
    )
    assert too_many.status_code == 409


def test_the_first_row_takes_the_notes_already_on_the_board(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    note = add(client, board, facilitator, "Ennen rivejä")
    row = client.post(url(board, "/rows"), json={"title": "A"}, headers=facilitator).json()
    snapshot = client.get(url(board), headers=facilitator).json()
    assert [n["row_id"] for n in snapshot["notes"] if n["id"] == note["id"]] == [row["id"]]


def test_moves_between_cells_arrive_live(
    client: TestClient, grid: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna, ben = join(client, grid["id"], "Anna"), join(client, grid["id"], "Ben")
    note = add(client, grid, anna, "Liikkuu", row=0)
    with client.websocket_connect(
        stream_url(grid["id"], token_of(ben), seq_of(client, grid, anna))
    ) as ws:
        client.patch(
            url(grid, f"/notes/{note['id']}"), json={"row_id": grid["rows"][1]["id"]}, headers=anna
        )
        client.post(url(grid, "/rows"), json={"title": "C. Uusi"}, headers=facilitator)
        moved, row = receive_events(ws, 2)
    assert moved["type"] == "note.updated"
    assert moved["data"]["row_id"] == grid["rows"][1]["id"]
    assert f'data-row-id="{grid["rows"][1]["id"]}"' in moved["html"]
    assert row["type"] == "row.created"
    assert row["data"]["title"] == "C. Uusi"
    for column in grid["columns"]:
        assert f'id="notes-{column["id"]}-{row["data"]["id"]}"' in row["html"]


def test_a_column_added_to_a_grid_arrives_with_its_cells(
    client: TestClient, grid: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna = join(client, grid["id"], "Anna")
    with client.websocket_connect(stream_url(grid["id"], token_of(anna), grid["seq"])) as ws:
        client.post(url(grid, "/columns"), json={"title": "Uusi painopiste"}, headers=facilitator)
        [event] = receive_events(ws, 1)
    assert event["type"] == "column.created"
    assert [r["id"] for r in event["data"]["rows"]] == [r["id"] for r in grid["rows"]]
    for row in grid["rows"]:
        assert f'id="notes-{event["data"]["id"]}-{row["id"]}"' in event["html"]
        assert f'name="row_id" value="{row["id"]}"' in event["html"]


def test_removing_the_last_row_gives_every_column_its_plain_list_back(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    row = client.post(url(board, "/rows"), json={"title": "A"}, headers=facilitator).json()
    seq = seq_of(client, board, facilitator)
    with client.websocket_connect(stream_url(board["id"], token_of(facilitator), seq)) as ws:
        client.delete(url(board, f"/rows/{row['id']}"), headers=facilitator)
        [event] = receive_events(ws, 1)
    assert event["type"] == "row.deleted"
    assert event["data"]["rows_left"] == 0
    for column in board["columns"]:
        assert f'id="notes-{column["id"]}"' in event["html"]
        assert f'id="note-form-{column["id"]}"' in event["html"]
    assert "row_id" not in event["html"]
    note = add(client, board, facilitator, "Taas ilman riviä")
    assert note["row_id"] is None
