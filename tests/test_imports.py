"""Imports: a JSON export comes back as an equal board, a Padlet CSV export becomes
columns and notes, connected browsers see what an import adds, and a file with anything
wrong in it is refused with nothing stored."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.exports.padlet import markdown_to_text
from app.main import create_app
from tests.conftest import PASSWORD, join, post_note
from tests.test_exports import add_note, comment, export, vote
from tests.wsutil import receive_events, stream_url, token_of


def normalised(backup: dict[str, Any]) -> Any:
    """A backup without what is new in every copy: ids and the export time."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("id", "exported_at")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(backup)


@pytest.fixture
def workshop(client: TestClient, facilitator: dict[str, str]) -> dict[str, Any]:
    board = client.post(
        "/api/v1/boards",
        json={
            "title": "Kainuun työpaja",
            "event": "Kajaani 3.2.",
            "question": "Kuka tekee mitä?",
            "language": "fi",
            "columns": [
                {"title": "Ohjaus on osuvaa", "description": "Asiakkaan tarpeesta."},
                {"title": "Verkosto on joustava"},
            ],
        },
        headers=facilitator,
    ).json()
    anna, ben, cecilia = (join(client, board["id"], n) for n in ("Anna", "Ben", ""))
    first = add_note(client, board, anna, "Yhteinen kalenteri\ntoinen rivi")
    comment(client, board, ben, first, "Hyvä idea")
    comment(client, board, cecilia, first, "Kuka ylläpitää?")
    second = add_note(client, board, ben, "Tutustumiskäynnit", column=1)
    add_note(client, board, cecilia, "Kevään tapaaminen", column=1, kind="next_step")
    for voter in (anna, ben, cecilia):
        vote(client, board, voter, second)
    vote(client, board, anna, first)
    return board


def new_board_from(
    client: TestClient, headers: dict[str, str], body: bytes, content_type: str, **params: str
) -> Any:
    return client.post(
        "/api/v1/boards/import",
        content=body,
        params=params,
        headers={**headers, "Content-Type": content_type},
    )


@pytest.mark.all_backends
def test_json_export_import_export_gives_the_same_board(
    client: TestClient, facilitator: dict[str, str], workshop: dict[str, Any]
) -> None:
    original = export(client, workshop, facilitator, "json", include_names="true").content
    response = new_board_from(client, facilitator, original, "application/json")
    assert response.status_code == 201, response.text
    copy = response.json()
    assert copy["id"] != workshop["id"]
    again = export(client, copy, facilitator, "json", include_names="true").json()
    assert normalised(again) == normalised(json.loads(original))
    # Restored votes are real votes: a new one adds to the count.
    newcomer = join(client, copy["id"], "Daniel")
    top = next(n for n in copy["notes"] if n["text"] == "Tutustumiskäynnit")
    response = client.put(f"/api/v1/boards/{copy['id']}/notes/{top['id']}/vote", headers=newcomer)
    assert response.json()["votes"] == 4


def test_new_board_from_file_form_on_the_dashboard(
    client: TestClient, facilitator: dict[str, str], workshop: dict[str, Any]
) -> None:
    backup = export(client, workshop, facilitator, "json").content
    client.post("/login", data={"email": "fasi@example.fi", "password": PASSWORD})
    assert 'action="/boards/import"' in client.get("/").text
    response = client.post(
        "/boards/import",
        files={"file": ("varmuuskopio.json", backup, "application/json")},
        data={"title": "", "language": "fi"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert "Kainuun työpaja" in page.text and "Yhteinen kalenteri" in page.text
    assert len(client.get("/api/v1/boards", headers=facilitator).json()) == 2


def test_new_board_from_file_form_says_what_is_wrong(
    client: TestClient, facilitator: dict[str, str]
) -> None:
    client.post("/login", data={"email": "fasi@example.fi", "password": PASSWORD})
    response = client.post(
        "/boards/import",
        files={"file": ("kuva.csv", b"foo,bar\n1,2\n", "text/csv")},
        data={"language": "fi"},
    )
    assert response.status_code == 422
    assert 'role="alert"' in response.text
    assert client.get("/api/v1/boards", headers=facilitator).json() == []


PADLET = """Section,Subject,Body,Author,Created At
Saavutettavasti,Näkyvyys,"**Tärkeää:** palvelut näkyviksi

- onnistumistarinat
- yhteiset työpajat

Katso [Ohjausta verkossa](https://ohjaustaverkossa.fi)",Anna,2020-11-24 10:15:00 UTC
Digitaalisesti,,Digipalveluja ei kukaan johda,Ben,2020-11-24 10:20:00 UTC
Saavutettavasti,,"Ohjaamo myös työikäisille
toinen rivi",,2020-11-24 10:25:00 UTC
Laadukkaasti,Osaaminen,<b>ei HTML:ää</b>,Cecilia,not a date
Digitaalisesti,,,,
"""


def test_padlet_csv_with_three_sections_becomes_three_columns(
    client: TestClient, facilitator: dict[str, str]
) -> None:
    response = new_board_from(
        client, facilitator, PADLET.encode(), "text/csv", title="TNO-foorumi 2020"
    )
    assert response.status_code == 201, response.text
    board = response.json()
    assert board["title"] == "TNO-foorumi 2020"
    assert [c["title"] for c in board["columns"]] == [
        "Saavutettavasti",
        "Digitaalisesti",
        "Laadukkaasti",
    ]
    notes = {n["text"].split("\n", 1)[0]: n for n in board["notes"]}
    assert len(board["notes"]) == 4  # the empty post is skipped
    assert notes["Näkyvyys"]["text"] == (
        "Näkyvyys\nTärkeää: palvelut näkyviksi\n\n- onnistumistarinat\n- yhteiset työpajat\n\n"
        "Katso Ohjausta verkossa (https://ohjaustaverkossa.fi)"
    )
    assert notes["Näkyvyys"]["author_name"] == "Anna"
    assert notes["Näkyvyys"]["created_at"].startswith("2020-11-24T10:15:00")
    assert notes["Ohjaamo myös työikäisille"]["text"] == "Ohjaamo myös työikäisille\ntoinen rivi"
    assert notes["Osaaminen"]["text"] == "Osaaminen\n<b>ei HTML:ää</b>"
    summary = export(client, board, facilitator, "md").content.decode()
    assert "## 1. Saavutettavasti" in summary and "## 3. Laadukkaasti" in summary


def test_padlet_csv_saved_by_finnish_excel(client: TestClient, facilitator: dict[str, str]) -> None:
    text = "Osio;Otsikko;Sisältö;Tekijä\nEnsimmäinen;Ääni;Öljyä;Åsa\nToinen;;Tämä;\n"
    response = new_board_from(client, facilitator, text.encode("cp1252"), "text/csv")
    assert response.status_code == 201, response.text
    board = response.json()
    assert [c["title"] for c in board["columns"]] == ["Ensimmäinen", "Toinen"]
    assert board["notes"][0]["text"] == "Ääni\nÖljyä"
    assert board["notes"][0]["author_name"] == "Åsa"


@pytest.mark.all_backends
def test_import_into_a_board_is_seen_live(
    client: TestClient, facilitator: dict[str, str], board: dict[str, Any]
) -> None:
    guest = join(client, board["id"], "Katsoja")
    backup = {
        "format": "paja.board",
        "version": 1,
        "board": {"title": "Toinen taulu"},
        "columns": [
            {"title": "Laadukkaasti", "notes": [{"text": "Laatukriteerit yhdessä"}]},
            {
                "title": "Uusi sarake",
                "notes": [{"text": "Uusi ajatus", "votes": 2, "comments": [{"text": "Samaa"}]}],
            },
        ],
    }
    with client.websocket_connect(stream_url(board["id"], token_of(guest), board["seq"])) as ws:
        response = client.post(
            f"/api/v1/boards/{board['id']}/import", json=backup, headers=facilitator
        )
        assert response.status_code == 200, response.text
        seen = receive_events(ws, 5)
    result = response.json()
    assert [c["title"] for c in result["columns_added"]] == ["Uusi sarake"]
    assert (result["notes_added"], result["comments_added"], result["votes_added"]) == (2, 1, 2)
    assert [e["type"] for e in seen] == [
        "column.created",
        "note.created",
        "note.created",
        "comment.created",
        "vote.changed",
    ]
    assert [e["seq"] for e in seen] == list(range(board["seq"] + 1, board["seq"] + 6))
    assert "Laatukriteerit yhdessä" in seen[1]["html"]
    snapshot = client.get(f"/api/v1/boards/{board['id']}", headers=guest).json()
    quality = next(c for c in snapshot["columns"] if c["title"] == "Laadukkaasti")
    assert [n["text"] for n in snapshot["notes"] if n["column_id"] == quality["id"]] == [
        "Laatukriteerit yhdessä"
    ]
    assert snapshot["columns"][-1]["title"] == "Uusi sarake"


def test_padlet_csv_into_a_board_as_a_form_field(
    client: TestClient, facilitator: dict[str, str], board: dict[str, Any]
) -> None:
    response = client.post(
        f"/api/v1/boards/{board['id']}/import",
        files={"file": ("padlet.csv", PADLET.encode(), "text/csv")},
        headers=facilitator,
    )
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["notes_added"] == 4
    # "Laadukkaasti" is one of the template's columns: its post joins that column.
    assert [c["title"] for c in result["columns_added"]] == ["Saavutettavasti", "Digitaalisesti"]
    snapshot = client.get(f"/api/v1/boards/{board['id']}", headers=facilitator).json()
    quality = next(c for c in snapshot["columns"] if c["title"] == "Laadukkaasti")
    assert [n["text"] for n in snapshot["notes"] if n["column_id"] == quality["id"]] == [
        "Osaaminen\n<b>ei HTML:ää</b>"
    ]


def note_count_and_seq(
    client: TestClient, board: dict[str, Any], headers: dict[str, str]
) -> tuple[int, int]:
    snapshot = client.get(f"/api/v1/boards/{board['id']}", headers=headers).json()
    return len(snapshot["notes"]), snapshot["seq"]


LONG_COMMENT = {"text": "y" * 2001}


def backup_with(columns: list[dict[str, Any]], **extra: Any) -> bytes:
    return json.dumps(
        {"format": "paja.board", "version": 1, "board": {"title": "T"}, "columns": columns, **extra}
    ).encode()


@pytest.mark.parametrize(
    ("body", "content_type", "status", "phrase"),
    [
        (b"", "application/json", 400, "empty"),
        (b"   \n", "text/csv", 400, "empty"),
        (b'{"format": "paja.board", ', "application/json", 400, "not valid JSON"),
        (b'{"hello": "world"}', "application/json", 422, "neither"),
        (b"[1, 2, 3]", "application/json", 422, "neither"),
        (b'{"format": "paja.board", "version": 3}', "application/json", 422, "version 3"),
        (b'{"format": "paja.board", "version": 1, "board": {}}', "application/json", 422, "title"),
        (b"foo,bar\n1,2\n", "text/csv", 422, "neither"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x81\x8d", "image/png", 400, "not text"),
        (b'Body\n"' + b"x" * 140_000 + b'"\n', "text/csv", 400, "could not be read"),
        (
            backup_with([{"title": "A", "notes": [{"text": "ok"}, {"text": "x" * 5001}]}]),
            "application/json",
            422,
            "Note 2 of the file is 5001 characters long",
        ),
        (
            backup_with(
                [{"title": "A", "notes": [{"text": "ok", "comments": [{"text": "y" * 2001}]}]}]
            ),
            "application/json",
            422,
            "A comment on note 1",
        ),
        (
            backup_with([{"title": f"Sarake {i}"} for i in range(51)]),
            "application/json",
            409,
            "at most 50 columns",
        ),
        (backup_with([{"title": "x" * 201}]), "application/json", 422, "Column title"),
        (backup_with([], surprise=1), "application/json", 422, "surprise"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(
    client: TestClient,
    facilitator: dict[str, str],
    board: dict[str, Any],
    body: bytes,
    content_type: str,
    status: int,
    phrase: str,
) -> None:
    before = note_count_and_seq(client, board, facilitator)
    response = client.post(
        f"/api/v1/boards/{board['id']}/import",
        content=body,
        headers={**facilitator, "Content-Type": content_type},
    )
    assert response.status_code == status, response.text
    assert phrase in response.json()["detail"]
    assert note_count_and_seq(client, board, facilitator) == before
    response = new_board_from(client, facilitator, body, content_type)
    assert response.status_code == status, response.text
    assert len(client.get("/api/v1/boards", headers=facilitator).json()) == 1


def test_participants_cannot_import(client: TestClient, board: dict[str, Any]) -> None:
    guest = join(client, board["id"], "Utelias")
    response = client.post(
        f"/api/v1/boards/{board['id']}/import", content=PADLET.encode(), headers=guest
    )
    assert response.status_code == 403
    assert client.post("/api/v1/boards/import", content=PADLET, headers=guest).status_code == 403
    assert note_count_and_seq(client, board, guest) == (0, board["seq"])


def test_a_locked_board_takes_no_import(
    client: TestClient, facilitator: dict[str, str], board: dict[str, Any]
) -> None:
    client.patch(f"/api/v1/boards/{board['id']}", json={"status": "locked"}, headers=facilitator)
    response = client.post(
        f"/api/v1/boards/{board['id']}/import", content=PADLET.encode(), headers=facilitator
    )
    assert response.status_code == 423


def test_imports_have_a_size_limit_of_their_own(
    client: TestClient, facilitator: dict[str, str], board: dict[str, Any], settings: Any
) -> None:
    notes = [{"text": f"Muistiinpano {i} " + "sanoja " * 20} for i in range(600)]
    body = backup_with([{"title": "Iso", "notes": notes}])
    assert len(body) > 64 * 1024
    response = client.post(
        f"/api/v1/boards/{board['id']}/import",
        content=body,
        headers={**facilitator, "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["notes_added"] == 600
    small = create_app(settings.model_copy(update={"max_import_bytes": 4096}))
    with TestClient(small) as other:
        response = other.post(
            f"/api/v1/boards/{board['id']}/import",
            content=body,
            headers={**facilitator, "Content-Type": "application/json"},
        )
    assert response.status_code == 413


def test_padlet_markdown_becomes_plain_text() -> None:
    source = "# Otsikko\n\n1. yksi\n2. kaksi\n\nrivi\nrivi 2  \nrivi 3 `koodi` ![kuva](k.png)"
    assert markdown_to_text(source) == (
        "Otsikko\n\n1. yksi\n2. kaksi\n\nrivi\nrivi 2\nrivi 3 koodi kuva"
    )
    assert markdown_to_text("<script>alert(1)</script> &amp;") == ("<script>alert(1)</script> &")


def test_discussion_groups_come_back_from_a_backup(
    client: TestClient, facilitator: dict[str, str], board: dict[str, Any]
) -> None:
    url = f"/api/v1/boards/{board['id']}"
    made = client.post(f"{url}/discussion-groups", json={"names": ["LUOVAT", "ENNAKOINTI"]},
                       headers=facilitator)  # fmt: skip
    luovat = made.json()["discussion_groups"][0]["id"]
    anna = join(client, board["id"], "Anna")
    client.put(f"{url}/me", json={"discussion_group_id": luovat}, headers=anna)
    post_note(client, board, anna, "Luovien alojen idea")
    backup = client.get(f"{url}/export?format=json", headers=facilitator).content
    restored = new_board_from(client, facilitator, backup, "application/json")
    assert restored.status_code == 201, restored.text
    copy = restored.json()
    assert [g["name"] for g in copy["discussion_groups"]] == ["LUOVAT", "ENNAKOINTI"]
    [note] = copy["notes"]
    assert note["discussion_group_name"] == "LUOVAT"
