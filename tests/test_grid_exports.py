"""A grid board's summary: per column, a sub-heading per row with that cell's notes."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from docx import Document
from fastapi.testclient import TestClient

from tests.test_exports import export
from tests.test_grid import add, grid  # noqa: F401  (the fixture)
from tests.test_imports import new_board_from, normalised

WORKS, DEVELOP = "A. Mikä toimii hyvin?", "B. Kehitettävää?"


@pytest.fixture
def filled(
    client: TestClient,
    grid: dict[str, Any],  # noqa: F811
    facilitator: dict[str, str],
) -> dict[str, Any]:
    """Two priorities answered in both rows, the second row first (order must not leak)."""
    add(client, grid, facilitator, "Tiedotus hajanaista", column=0, row=1)
    add(client, grid, facilitator, "Ohjaamot toimivat", column=0, row=0)
    add(client, grid, facilitator, "Yhteistyö yritysten kanssa", column=1, row=0)
    add(client, grid, facilitator, "Työnjako epäselvä", column=1, row=1)
    return grid


def test_markdown_groups_notes_by_column_then_row(
    client: TestClient, filled: dict[str, Any], facilitator: dict[str, str]
) -> None:
    text = export(client, filled, facilitator, "md").text
    first, second = filled["columns"][0]["title"], filled["columns"][1]["title"]
    expected = [
        f"## 1. {first}",
        f"### {WORKS}",
        "- Ohjaamot toimivat",
        f"### {DEVELOP}",
        "- Tiedotus hajanaista",
        f"## 2. {second}",
        f"### {WORKS}",
        "- Yhteistyö yritysten kanssa",
        f"### {DEVELOP}",
        "- Työnjako epäselvä",
    ]
    lines = [line for line in text.splitlines() if line.strip()]
    start = lines.index(expected[0])
    assert lines[start : start + len(expected)] == expected


def test_word_has_a_heading_2_per_row(
    client: TestClient, filled: dict[str, Any], facilitator: dict[str, str]
) -> None:
    document = Document(io.BytesIO(export(client, filled, facilitator, "docx").content))
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    first = filled["columns"][0]["title"]
    start = headings.index(("Heading 1", f"1. {first}"))
    assert headings[start + 1 : start + 3] == [("Heading 2", WORKS), ("Heading 2", DEVELOP)]


def test_csv_names_each_notes_row(
    client: TestClient, filled: dict[str, Any], facilitator: dict[str, str]
) -> None:
    content = export(client, filled, facilitator, "csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert {(r["text"], r["row"]) for r in rows} == {
        ("Ohjaamot toimivat", WORKS),
        ("Tiedotus hajanaista", DEVELOP),
        ("Yhteistyö yritysten kanssa", WORKS),
        ("Työnjako epäselvä", DEVELOP),
    }


def test_the_json_backup_round_trips_the_rows(
    client: TestClient, filled: dict[str, Any], facilitator: dict[str, str]
) -> None:
    original = export(client, filled, facilitator, "json").content
    assert [r["title"] for r in json.loads(original)["rows"]] == [WORKS, DEVELOP]
    response = new_board_from(client, facilitator, original, "application/json")
    assert response.status_code == 201, response.text
    copy = response.json()
    assert [r["title"] for r in copy["rows"]] == [WORKS, DEVELOP]
    again = export(client, copy, facilitator, "json").json()
    assert normalised(again) == normalised(json.loads(original))


def test_an_old_backup_without_rows_still_imports(
    client: TestClient, facilitator: dict[str, str]
) -> None:
    old = {
        "format": "paja.board",
        "version": 1,
        "board": {"title": "Vanha"},
        "columns": [{"title": "Sarake", "notes": [{"text": "Muistiinpano"}]}],
    }
    response = new_board_from(client, facilitator, json.dumps(old).encode(), "application/json")
    assert response.status_code == 201, response.text
    assert response.json()["rows"] == []
    assert [n["row_id"] for n in response.json()["notes"]] == [None]


def test_a_backup_without_rows_imported_into_a_grid_fills_the_first_row(
    client: TestClient, filled: dict[str, Any], facilitator: dict[str, str]
) -> None:
    old = {
        "format": "paja.board",
        "version": 1,
        "board": {"title": "Vanha"},
        "columns": [{"title": filled["columns"][0]["title"], "notes": [{"text": "Tuotu"}]}],
    }
    response = client.post(f"/api/v1/boards/{filled['id']}/import", json=old, headers=facilitator)
    assert response.status_code == 200, response.text
    snapshot = client.get(f"/api/v1/boards/{filled['id']}", headers=facilitator).json()
    [note] = [n for n in snapshot["notes"] if n["text"] == "Tuotu"]
    assert note["row_id"] == filled["rows"][0]["id"]
