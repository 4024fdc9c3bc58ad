"""Who sees what is decided in one place (app/audience.py), and every door goes through
it. Each finding of issue #13 (1–5) is a test here that failed on the code before it;
the rest keep the design true: every event type has a declared projection, nothing
sent names another person, and the log forgets a deleted note."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.models import Event
from tests.conftest import join, post_note
from tests.wsutil import receive_events, stream_url, token_of

APP = Path(__file__).resolve().parent.parent / "app"
HIDDEN = "Salainen: johtajan nimi"
PENDING = "Odottaa hyväksyntää"
PRIVATE = "Yksityinen luonnos"
DELETED = "Poistettava lause"
EDITED_AWAY = "Alkuperäinen muotoilu"


def url(board: dict[str, Any], tail: str = "") -> str:
    return f"/api/v1/boards/{board['id']}{tail}"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def modes(client: TestClient, board: dict, facilitator: dict, **values: bool) -> dict:
    return ok(client.patch(url(board), json=values, headers=facilitator))


def step(client: TestClient, board: dict, headers: dict, text: str) -> dict:
    body = {"column_id": board["columns"][0]["id"], "text": text, "kind": "next_step"}
    return ok(client.post(url(board, "/notes"), json={**body, "owner": text}, headers=headers), 201)


def hide(client: TestClient, board: dict, facilitator: dict, note: dict) -> None:
    ok(client.patch(url(board, f"/notes/{note['id']}"), json={"hidden": True}, headers=facilitator))


def hidden_round(client: TestClient, board: dict, facilitator: dict) -> None:
    rules = {"budget": 5, "max_per_note": 5, "hide_results": True}
    ok(client.post(url(board, "/voting"), json=rules, headers=facilitator))


def vote(client: TestClient, board: dict, headers: dict, note: dict) -> None:
    ok(client.put(url(board, f"/notes/{note['id']}/vote"), headers=headers))


def page_client(client: TestClient, board: dict, name: str) -> TestClient:
    """A second browser (its own cookie jar) that joined the board by its page."""
    browser = TestClient(client.app)
    joined = browser.post(f"/b/{board['id']}/join", data={"name": name}, follow_redirects=False)
    assert joined.status_code == 303
    return browser


# ---- finding 1: next steps ----------------------------------------------------------


def test_next_steps_list_only_what_the_participant_may_see_and_no_hidden_counts(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna = join(client, board["id"], "Anna")
    shown = step(client, board, facilitator, "Yhteinen info syksyllä")
    hide(client, board, facilitator, step(client, board, facilitator, HIDDEN))
    modes(client, board, facilitator, approval_required=True)
    step(client, board, anna, PENDING)
    modes(client, board, facilitator, approval_required=False, private_writing=True)
    step(client, board, anna, PRIVATE)
    hidden_round(client, board, facilitator)
    vote(client, board, facilitator, shown)
    ben = join(client, board["id"], "Ben")
    listed = ok(client.get(url(board, "/next-steps"), headers=ben))
    assert [(s["text"], s["votes"]) for s in listed] == [("Yhteinen info syksyllä", None)]
    page = page_client(client, board, "Cecilia").get(f"/b/{board['id']}/next-steps").text
    assert "Yhteinen info syksyllä" in page
    for secret in (HIDDEN, PENDING, PRIVATE):
        assert secret not in page
    own = ok(client.get(url(board, "/next-steps"), headers=anna))
    assert {s["text"] for s in own} == {"Yhteinen info syksyllä", PENDING, PRIVATE}
    everything = ok(client.get(url(board, "/next-steps"), headers=facilitator))
    assert len(everything) == 4 and shown["id"] in {s["id"] for s in everything}
    assert next(s for s in everything if s["id"] == shown["id"])["votes"] == 1


# ---- finding 2: catch-up -----------------------------------------------------------


@pytest.mark.all_backends
def test_a_catch_up_from_the_start_replays_no_deleted_edited_away_or_hidden_text(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], db: Any
) -> None:
    anna, ben = join(client, board["id"], "Anna"), join(client, board["id"], "Ben")
    gone = post_note(client, board, anna, DELETED)
    ok(client.post(url(board, f"/notes/{gone['id']}/comments"), json={"text": DELETED + " 2"},
                   headers=ben), 201)  # fmt: skip
    ok(client.delete(url(board, f"/notes/{gone['id']}"), headers=anna), 204)
    edited = post_note(client, board, anna, EDITED_AWAY)
    ok(client.patch(url(board, f"/notes/{edited['id']}"), json={"text": "Uusi"}, headers=anna))
    hide(client, board, facilitator, post_note(client, board, anna, HIDDEN))
    head = ok(client.get(url(board), headers=ben))["seq"]
    with client.websocket_connect(stream_url(board["id"], token_of(ben), 0)) as ws:
        replayed = json.dumps(receive_events(ws, head), ensure_ascii=False)
    for secret in (DELETED, EDITED_AWAY, HIDDEN):
        assert secret not in replayed
    assert "Uusi" in replayed
    with db.session() as session:
        log = json.dumps([e.data for e in session.exec(select(Event)).all()], ensure_ascii=False)
    assert DELETED not in log  # the log itself forgot the deleted note and its comment


# ---- finding 3: counts in a hidden round --------------------------------------------


def test_untheming_or_splitting_a_note_in_a_hidden_round_sends_no_count(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna, ben = join(client, board["id"], "Anna"), join(client, board["id"], "Ben")
    a, b, c = (post_note(client, board, facilitator, t) for t in ("Yksi", "Kaksi", "Kolme"))
    theme = {"title": "Teema", "note_ids": [a["id"], b["id"], c["id"]]}
    group = ok(client.post(url(board, "/themes"), json=theme, headers=facilitator), 201)
    hidden_round(client, board, facilitator)
    for note in (a, b, c):
        vote(client, board, anna, note)
    head = ok(client.get(url(board), headers=ben))["seq"]
    with client.websocket_connect(stream_url(board["id"], token_of(ben), head)) as ws:
        ok(client.patch(url(board, f"/themes/{group['id']}"), json={"remove_note_ids": [a["id"]]},
                        headers=facilitator))  # fmt: skip
        ok(client.delete(url(board, f"/themes/{group['id']}"), headers=facilitator), 204)
        seen = receive_events(ws, 5)  # updated, note.updated, deleted, note.updated × 2
    updates = [e for e in seen if e["type"] == "note.updated"]
    assert len(updates) == 3
    for event in updates:
        assert event["data"]["votes"] is None
        assert re.search(r'class="vote-count"[^>]*>1<', event["html"]) is None
    assert all(e["data"].get("votes") is None for e in seen if e["type"] == "theme.updated")


def test_importing_a_backup_during_a_hidden_round_sends_no_count(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    ben = join(client, board["id"], "Ben")
    hidden_round(client, board, facilitator)
    head = ok(client.get(url(board), headers=ben))["seq"]
    backup = {
        "format": "paja.board",
        "version": 1,
        "board": {"title": "Varmuuskopio"},
        "columns": [{"title": board["columns"][0]["title"], "notes": [{"text": "T", "votes": 3}]}],
    }
    with client.websocket_connect(stream_url(board["id"], token_of(ben), head)) as ws:
        ok(client.post(url(board, "/import"), json=backup, headers=facilitator))
        seen = receive_events(ws, 2)
    [changed] = [e for e in seen if e["type"] == "vote.changed"]
    assert changed["data"]["votes"] is None
    assert ok(client.get(url(board), headers=facilitator))["notes"][0]["votes"] == 3


# ---- finding 4: import into a live board --------------------------------------------


@pytest.mark.all_backends
def test_importing_a_backup_sends_no_hidden_note_in_a_theme_card(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    ben = join(client, board["id"], "Ben")
    head = ok(client.get(url(board), headers=ben))["seq"]
    backup = {
        "format": "paja.board",
        "version": 2,
        "board": {"title": "Varmuuskopio"},
        "columns": [
            {
                "title": board["columns"][0]["title"],
                "themes": [{"id": "g1", "title": "Teema"}],
                "notes": [
                    {"text": "Näkyvä", "theme_id": "g1"},
                    {"text": HIDDEN, "theme_id": "g1", "visibility": "hidden"},
                ],
            }
        ],
    }
    with client.websocket_connect(stream_url(board["id"], token_of(ben), head)) as ws:
        ok(client.post(url(board, "/import"), json=backup, headers=facilitator))
        seen = receive_events(ws, 3)
    assert [e["type"] for e in seen] == ["note.created", "note.withheld", "theme.created"]
    assert HIDDEN not in json.dumps(seen, ensure_ascii=False)
    assert seen[2]["data"]["note_ids"] == [seen[0]["data"]["id"]]


# ---- finding 5: duplicating a board -------------------------------------------------


def test_a_copy_of_a_board_has_only_the_notes_everyone_saw(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna = join(client, board["id"], "Anna")
    post_note(client, board, facilitator, "Kaikkien nähtävillä")
    hide(client, board, facilitator, post_note(client, board, facilitator, HIDDEN))
    modes(client, board, facilitator, approval_required=True)
    post_note(client, board, anna, PENDING)
    modes(client, board, facilitator, approval_required=False, private_writing=True)
    post_note(client, board, anna, PRIVATE)
    copy = ok(
        client.post(url(board, "/duplicate"), json={"with_notes": True}, headers=facilitator), 201
    )
    notes = ok(client.get(f"/api/v1/boards/{copy['id']}", headers=facilitator))["notes"]
    assert [(n["text"], n["visibility"]) for n in notes] == [("Kaikkien nähtävillä", "public")]


# ---- the design stays true ----------------------------------------------------------


def recorded_event_types() -> set[str]:
    """Every event type the code records: a literal given to events.record or to
    discussion_groups.record_progress, and the types the services pass on as `type_`."""
    pattern = re.compile(
        r'(?:record|record_progress|_record_\w+|BoardEvent)\([^)]*?"([a-z_]+\.[a-z_]+)"', re.S
    )
    found: set[str] = set()
    for path in APP.rglob("*.py"):
        found.update(pattern.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_recorded_event_type_declares_its_projection() -> None:
    from app import audience

    recorded = recorded_event_types()
    expected = {"note.created", "vote.changed", "theme.created", "discussion_groups.changed"}
    assert expected | {"board.deleted"} <= recorded
    assert recorded <= set(audience.PROJECTIONS), recorded - set(audience.PROJECTIONS)


def test_every_live_partial_is_drawn_from_a_declared_projection() -> None:
    from app import audience
    from app.web.render import EVENT_PARTIALS

    declared = set(audience.PROJECTIONS) | set(audience.DERIVED_TYPES)
    assert set(EVENT_PARTIALS) <= declared, set(EVENT_PARTIALS) - declared


# Patterns that decide who sees what. Only app/audience.py may hold them: a service that
# needs a rule calls it. A query that selects by state (the notes to reveal, the waiting
# ones to count) or a state change (approve, hide) is not a rule of who sees.
DECIDING = [
    re.compile(r"(?<!Note\.)\bvisibility\s*(?:==|!=)\s*(?:PUBLIC|[\"']public)"),
    re.compile(r"(?<!Note\.)\bvisibility\s+(?:not\s+)?in\s"),
    re.compile(r"(?<!Note\.)(?<!Comment\.)\bauthor_id\s*==\s*\w+\.participant_id"),
    re.compile(r"\bhide_results\s+and\b|\band\s+\w+\.hide_results\b"),
    re.compile(r"for_others|seen_by|withheld_from_others|counts_withheld|results_hidden"),
]


def test_one_module_decides_who_sees_what() -> None:
    offenders = []
    for path in sorted(APP.rglob("*.py")):
        name = str(path.relative_to(APP.parent))
        if name == "app/audience.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(p.search(line) for p in DECIDING):
                offenders.append(f"{name}:{number}: {line.strip()}")
    assert offenders == []


def test_no_frame_carries_facts_or_anyones_id(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna, ben = join(client, board["id"], "Anna"), join(client, board["id"], "Ben")
    anna_id = ok(client.get(url(board), headers=anna))["viewer"]["participant_id"]
    head = ok(client.get(url(board), headers=ben))["seq"]
    hidden_round(client, board, facilitator)
    with client.websocket_connect(stream_url(board["id"], token_of(ben), head)) as ws:
        note = post_note(client, board, anna, "Annan ajatus")
        vote(client, board, anna, note)
        ok(client.post(url(board, f"/notes/{note['id']}/comments"), json={"text": "Hyvä"},
                       headers=anna), 201)  # fmt: skip
        seen = json.dumps(receive_events(ws, 4))
    assert anna_id not in seen and "_facts" not in seen
    snapshot = json.dumps(ok(client.get(url(board), headers=ben)))
    assert anna_id not in snapshot


def test_a_deleted_comment_leaves_the_log_and_is_never_replayed(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], db: Any
) -> None:
    anna, ben = join(client, board["id"], "Anna"), join(client, board["id"], "Ben")
    note = post_note(client, board, facilitator, "Kysymys")
    comments = url(board, f"/notes/{note['id']}/comments")
    said = ok(client.post(comments, json={"text": DELETED}, headers=anna), 201)
    other = post_note(client, board, facilitator, "Toinen")
    elsewhere = url(board, f"/notes/{other['id']}/comments/{said['id']}")
    assert client.delete(elsewhere, headers=anna).status_code == 404
    assert client.delete(f"{comments}/{said['id']}", headers=ben).status_code == 403
    assert client.delete(f"{comments}/nosuchcomment", headers=anna).status_code == 404
    ok(client.delete(f"{comments}/{said['id']}", headers=anna), 204)
    head = ok(client.get(url(board), headers=ben))["seq"]
    with client.websocket_connect(stream_url(board["id"], token_of(ben), 0)) as ws:
        replayed = receive_events(ws, head)
    assert replayed[-1]["type"] == "comment.deleted"
    assert replayed[-1]["data"] == {"id": said["id"], "note_id": note["id"]}
    with db.session() as session:
        log = json.dumps([e.data for e in session.exec(select(Event)).all()], ensure_ascii=False)
    assert DELETED not in log and DELETED not in json.dumps(replayed, ensure_ascii=False)
    assert ok(client.get(url(board), headers=facilitator))["notes"][0]["comments"] == []


def test_viewers_share_a_frame_exactly_when_they_receive_the_same_thing() -> None:
    """The hub encodes once per frame_key: a public note outside a hidden round is one
    encoding for everyone; a private one is apart for facilitators, the author and the
    rest; the bytes agree with the keys."""
    from app.audience import FACILITATORS, FACTS, Audience, frame_key, project
    from app.db import BoardEvent

    def event(visibility: str, hidden: bool = False) -> BoardEvent:
        note = {"id": "n1", "column_id": "c1", "text": "Teksti", "votes": 2}
        fact = {"visibility": visibility, "author": "p1", "column_id": "c1"}
        facts = {"counts_hidden": hidden, "notes": {"n1": fact}}
        return BoardEvent("b", 1, "note.created", {**note, FACTS: facts})

    author, other = Audience(False, "p1"), Audience(False, "p2")
    viewers = (FACILITATORS, author, other)
    public = event("public")
    assert len({frame_key([public], v) for v in viewers}) == 1
    assert len({json.dumps(project(public, v)) for v in viewers}) == 1
    for restricted in (event("private"), event("public", hidden=True)):
        keys = [frame_key([restricted], v) for v in viewers]
        assert keys[0] != keys[2]
        assert project(restricted, FACILITATORS) != project(restricted, other)
    private = event("private")
    assert project(private, author) == project(private, FACILITATORS)
    assert project(private, other) == ("note.withheld", {"id": "n1", "column_id": "c1"})
    assert frame_key([private], author) != frame_key([private], other)


def test_a_theme_of_notes_nobody_else_sees_shows_no_sum_in_a_hidden_round(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    ben = join(client, board["id"], "Ben")
    a, b = (post_note(client, board, facilitator, t) for t in ("Yksi", "Kaksi"))
    theme = {"title": "Teema", "note_ids": [a["id"], b["id"]]}
    ok(client.post(url(board, "/themes"), json=theme, headers=facilitator), 201)
    for note in (a, b):
        hide(client, board, facilitator, note)
    hidden_round(client, board, facilitator)
    [group] = ok(client.get(url(board), headers=ben))["themes"]
    assert (group["note_ids"], group["votes"]) == ([], None)
