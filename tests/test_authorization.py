"""Walks docs/authorization.md: every route, as every kind of caller."""

from __future__ import annotations

import re
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.api.routes import ws
from app.ratelimit import RateLimits
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
        f"/api/v1/boards/{board['id']}/themes",
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
    groups = client.post(f"{url}/discussion-groups", json={"name": "Ryhmä 1"}, headers=owner).json()
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
            "theme_id": group["id"],
            "theme_note_id": second["id"],
            "loose_id": loose["id"],
            "facilitator_id": co_id,
            "template_id": template["id"],
            "discussion_group_id": groups["discussion_groups"][0]["id"],
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
        ("POST", "/api/v1/boards/{board_id}/themes"): {
            "title": "Uusi ryhmä",
            "note_ids": [ids["note_id"], ids["loose_id"]],
        },
        ("PATCH", "/api/v1/boards/{board_id}/themes/{theme_id}"): {"title": "Nimetty"},
        ("POST", "/api/v1/boards/{board_id}/template"): {"title": "Oma pohja"},
        ("POST", "/api/v1/boards/{board_id}/duplicate"): {"with_notes": True},
        ("PUT", "/api/v1/boards/{board_id}/timer"): {"seconds": 180},
        ("POST", "/api/v1/boards/{board_id}/facilitators"): {"email": "toinen@example.fi"},
        ("POST", "/api/v1/boards/{board_id}/voting"): {"budget": 3},
        ("POST", "/api/v1/boards/{board_id}/discussion-groups"): {"name": "Ryhmä 2"},
        ("PATCH", "/api/v1/boards/{board_id}/discussion-groups/{discussion_group_id}"): {
            "name": "LUOVAT"
        },
        ("PUT", "/api/v1/boards/{board_id}/me"): {
            "discussion_group_id": ids["discussion_group_id"]
        },
        ("PUT", "/api/v1/boards/{board_id}/participants/{participant_id}"): {
            "discussion_group_id": ids["discussion_group_id"]
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


# --- pages: every form and page route, as every kind of caller ------------------------

PAGE_ROLES = (
    "anonymous",
    "participant",
    "outsider",
    "facilitator",
    "co-facilitator",
    "other facilitator",
)
PAGE_METHODS = {"GET", "POST"}


def documented_page_rows() -> list[Row]:
    """The rows of the table under "## Pages" in docs/authorization.md."""
    section = TABLE.read_text().split("\n## Pages", 1)[1]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 + len(PAGE_ROLES) and cells[0] in PAGE_METHODS:
            rows.append(Row(cells[0], cells[1], dict(zip(PAGE_ROLES, cells[2:], strict=True))))
    return rows


PAGE_ROWS = documented_page_rows()
# Served outside any router, or documented in the API table above.
NOT_PAGES = {("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/openapi.json"), ("GET", "/metrics")}


def served_pages(app: Any) -> set[tuple[str, str]]:
    """Every (method, path) the app answers outside /api/, however routers are nested."""
    served = set()
    for route in app.routes:
        contexts = (
            route.effective_route_contexts() if hasattr(route, "original_router") else [route]
        )
        for context in contexts:
            path = getattr(context, "path", "")
            for method in getattr(context, "methods", None) or ():
                if method != "HEAD" and not path.startswith(("/api/", "/static")):
                    served.add((method, path))
    return served - NOT_PAGES


def test_every_page_route_is_in_the_table(app: Any) -> None:
    documented = {(row.method, row.path) for row in PAGE_ROWS}
    served = served_pages(app)
    assert len(served) > 60  # the walk found the routers' routes, not only the app's own
    assert served - documented == set(), "page routes missing from docs/authorization.md"
    assert documented - served == set(), "docs/authorization.md lists pages that do not exist"


@pytest.fixture
def page_world(client: TestClient, world: dict[str, Any]) -> dict[str, Any]:
    """The API walk's world, as browsers: each caller's cookies. The outsider and the other
    facilitator present their own tokens as if they were this board's."""
    board_id = world["ids"]["board_id"]
    token = {
        role: h.get("Authorization", "").removeprefix("Bearer ")
        for role, h in world["headers"].items()
    }
    co = facilitator_token(client, "kolmas@example.fi")
    step = client.post(
        f"/api/v1/boards/{board_id}/notes",
        json={
            "column_id": world["ids"]["column_id"],
            "text": "Seuraava askel",
            "kind": "next_step",
        },
        headers=world["headers"]["participant"],
    )
    world["ids"]["step_id"] = step.json()["id"]
    board_cookie = f"paja_b_{board_id}"
    world["cookies"] = {
        "anonymous": {},
        "participant": {board_cookie: token["participant"]},
        "outsider": {board_cookie: token["outsider"]},
        "facilitator": {"paja_session": token["facilitator"]},
        "co-facilitator": {"paja_session": co},
        "other facilitator": {"paja_session": token["other facilitator"]},
    }
    return world


def page_form(row: Row, ids: dict[str, str]) -> dict[str, Any]:
    """A form each allowed caller's request succeeds with."""
    forms: dict[str, dict[str, Any]] = {
        "/login": {"email": "fasi@example.fi", "password": PASSWORD},
        "/boards": {"title": "Uusi"},
        "/accessibility/feedback": {"message": "Kontrasti on hyvä"},
        "/teams/signin": {"board": ids["board_id"], "code": "not-a-code"},
        "/b/{board_id}/join": {"name": "Ben"},
        "/b/{board_id}/notes": {"column_id": ids["column_id"], "text": "Uusi"},
        "/b/{board_id}/notes/{note_id}/edit": {"text": "Muokattu"},
        "/b/{board_id}/notes/{note_id}/move": {"direction": "down"},
        "/b/{board_id}/notes/{note_id}/kind": {"kind": "next_step"},
        "/b/{board_id}/notes/{note_id}/comments": {"text": "Kommentti"},
        "/b/{board_id}/notes/{note_id}/next-step": {"owner": "Anna", "when": "Keväällä"},
        "/b/{board_id}/notes/{note_id}/color": {"color": "green"},
        "/b/{board_id}/notes/{note_id}/reactions": {"reaction": "thumbs_up"},
        "/b/{board_id}/status": {"status": "locked"},
        "/b/{board_id}/modes": {"private_writing": "true"},
        "/b/{board_id}/voting": {"budget": "3"},
        "/b/{board_id}/rows": {"title": "C"},
        "/b/{board_id}/rows/{row_id}/edit": {"title": "B2"},
        "/b/{board_id}/themes": {"title": "Teema", "note_ids": [ids["note_id"], ids["loose_id"]]},
        "/b/{board_id}/themes/{theme_id}/rename": {"title": "Nimetty"},
        "/b/{board_id}/themes/{theme_id}/remove": {"note_id": ids["theme_note_id"]},
        "/b/{board_id}/timer": {"minutes": "3"},
        "/b/{board_id}/passcode": {"passcode": "salasana"},
        "/b/{board_id}/facilitators": {"email": "toinen@example.fi"},
        "/b/{board_id}/template": {"title": "Oma pohja"},
        "/b/{board_id}/duplicate": {"title": "Kopio"},
        "/b/{board_id}/discussion-groups": {"name": "Ryhmä 2"},
        "/b/{board_id}/me/group": {"discussion_group_id": ids["discussion_group_id"]},
        "/b/{board_id}/participants/{participant_id}/group": {
            "discussion_group_id": ids["discussion_group_id"]
        },
        "/b/{board_id}/follow": {"column_id": ids["column_id"]},
        "/b/{board_id}/export": {"format": "md"},
        "/b/{board_id}/language": {"language": "sv"},
        "/b/{board_id}/theme-suggestions/accept": {
            "title": "Teema",
            "note_ids": [ids["note_id"], ids["loose_id"]],
        },
    }
    return forms.get(row.path, {})


def page_outcome(response: Any, board_id: str) -> str:
    """What the table says: a status, `login` for a redirect to the sign-in page, `join`
    for a board page that shows the form to join."""
    if response.is_redirect and response.headers["location"].startswith("/login"):
        return "login"
    join_form = f'<form method="post" action="/b/{board_id}/join"'
    if response.status_code == 200 and join_form in response.text:
        return "join"
    return str(response.status_code)


def fingerprint(db: Any) -> tuple[int, ...]:
    """What a refused request must leave as it was: every board's log head, and the
    boards, members, notes, own templates and sign-ins."""
    from sqlalchemy import func
    from sqlmodel import select

    from app.models import AuthToken, Board, Note, OwnTemplate, Participant

    with db.session() as session:
        heads = sum(session.exec(select(Board.seq)).all())
        counts = [
            session.exec(select(func.count()).select_from(model)).one()
            for model in (Board, Participant, Note, OwnTemplate, AuthToken)
        ]
    return (heads, *counts)


@pytest.mark.parametrize("row", PAGE_ROWS, ids=lambda row: f"{row.method} {row.path}")
def test_page_answers_each_role_as_documented(
    client: TestClient, app: Any, db: Any, page_world: dict[str, Any], row: Row
) -> None:
    """Each page and form as the table says, each caller on the same world (the database
    is put back before each); a refusal (4xx, a redirect to sign in, the join form)
    changes nothing."""
    ids = {
        **page_world["ids"],
        **{k: page_world["ids"][v] for k, v in ROUTE_IDS.get(row.path, {}).items()},
    }
    url = re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], row.path) + QUERIES.get(
        row.path, ""
    ).format(**ids)
    saved = _save(db)
    seen = {}
    for role in PAGE_ROLES:
        _restore(app, db, saved)
        browser = TestClient(client.app, cookies=page_world["cookies"][role])
        before = fingerprint(db)
        response = _request(browser, row, url, ids)
        seen[role] = page_outcome(response, ids["board_id"])
        assert response.status_code < 500, response.text
        refused = (
            seen[role] in ("login", "join") and row.path != "/logout"
        )  # signing out ends there
        if refused or 400 <= response.status_code < 500:
            assert fingerprint(db) == before, f"a refused request by {role} changed something"
    assert seen == row.expected


# Routes whose {note_id} must be a next step; pages that take the board in the query.
ROUTE_IDS = {"/b/{board_id}/notes/{note_id}/next-step": {"note_id": "step_id"}}
QUERIES = {"/teams/signin": "?board={board_id}&code=not-a-code"}


def _request(browser: TestClient, row: Row, url: str, ids: dict[str, str]) -> Any:
    if row.method == "GET":
        return browser.get(url, follow_redirects=False)
    upload = {"file": ("tuotu.json", IMPORT_FILE, "application/json")}
    files = upload if row.path == "/boards/import" else None
    return browser.post(url, data=page_form(row, ids), files=files, follow_redirects=False)


def _save(db: Any) -> Any:
    """A copy of the test's SQLite database (the backup API copies it consistently)."""
    import sqlite3

    saved = sqlite3.connect(":memory:")
    with closing(sqlite3.connect(db.engine.url.database)) as live:
        live.backup(saved)
    return saved


def _restore(app: Any, db: Any, saved: Any) -> None:
    """The world as it was before the previous caller's request."""
    import sqlite3

    db.engine.dispose()
    with closing(sqlite3.connect(db.engine.url.database)) as live:
        saved.backup(live)
    app.state.snapshot_cache = type(app.state.snapshot_cache)()
    app.state.rate_limits = RateLimits(app.state.settings)


IMPORT_FILE = (
    b'{"format": "paja.board", "version": 1, "board": {"title": "Tuotu"},'
    b' "columns": [{"title": "Sarake", "notes": [{"text": "Tuotu"}]}]}'
)
