"""A stateful property test of who sees what: random sequences of what facilitators and
participants do (post, edit, delete, comment, react, hide, approve, private writing on
and off, reveal, a hidden voting round, vote, theme and un-theme, import, duplicate,
remove a participant with or without their notes),
and after every step, for every participant, everything they received through every
door (their snapshot, a catch-up from the start, the live frames of that step, the next
steps list, the board page and the next-steps page) holds no text they may not see now,
no count a round hides, no other person's id; and the database holds no text of a
deleted note.

The oracle is written apart from app/audience.py, from the rules as people know them: a
participant sees a note's current text (and its comments) when the note is public or
theirs; during a round that hides results they see no counts. Every text is a unique
token, so "contains" cannot be fooled by a substring.

Examples: hypothesis profiles, "audience-ci" when CI=true (300 examples on SQLite and
100 on PostgreSQL with the Redis hub: 400 a run) and "audience-dev" otherwise
(PAJA_AUDIENCE_EXAMPLES, 20 by default). Each example is a new board on one app per
test: about 0.33 s of CPU per example on SQLite (measured with 60 examples), so the CI
run takes about three minutes on an idle machine."""

from __future__ import annotations

import itertools
import json
import os
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlmodel import select
from starlette.websockets import WebSocketDisconnect

from app.models import Board, Comment, Event, Note, Role
from tests.conftest import join
from tests.wsutil import events_of

# Profiles: "audience-ci" when CI=true (300 examples on SQLite, 100 more on PostgreSQL
# with the Redis hub), "audience-dev" otherwise (PAJA_AUDIENCE_EXAMPLES, 20 by default).
settings.register_profile(
    "audience-ci",
    max_examples=300,
    stateful_step_count=5,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
settings.register_profile(
    "audience-dev",
    max_examples=int(os.environ.get("PAJA_AUDIENCE_EXAMPLES", "20")),
    stateful_step_count=5,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
CI = os.environ.get("CI", "").lower() == "true"
PROFILE = settings.get_profile("audience-ci" if CI else "audience-dev")
# The two ends of the deployment range; the middle two add time and no new path here.
BACKENDS = {"sqlite", "postgresql+redis"}
PEOPLE = ("fac", "anna", "ben")  # who acts; "cecilia" only looks, through the pages
_counter = itertools.count(1)


def token() -> str:
    """A text nobody else wrote, that no other token contains."""
    return f"Q{next(_counter):06d}Z"


class Room(RuleBasedStateMachine):
    """One board, one facilitator, three participants (one of them a browser)."""

    client: TestClient
    facilitator: dict[str, str]
    db: Any

    def __init__(self) -> None:
        super().__init__()
        columns = [{"title": "Vahvuudet"}, {"title": "Kehitettävää"}]
        made = self.client.post(
            "/api/v1/boards",
            json={"title": "Ominaisuus", "columns": columns},
            headers=self.facilitator,
        ).json()
        self.board_id = made["id"]
        self.columns = [c["id"] for c in made["columns"]]
        self.headers = {"fac": self.facilitator}
        self.headers["anna"] = join(self.client, self.board_id, "Anna")
        self.headers["ben"] = join(self.client, self.board_id, "Ben")
        first = {who: self._get("", who) for who in ("anna", "ben")}
        self.ids = {who: first[who]["viewer"]["participant_id"] for who in first}
        self.seq = {who: first[who]["seq"] for who in first}
        self.browser = TestClient(self.client.app)
        joined = self.browser.post(
            f"/b/{self.board_id}/join", data={"name": "Cecilia"}, follow_redirects=False
        )
        assert joined.status_code == 303, joined.text
        self.tokens: set[str] = set()  # every text anybody wrote
        self.deleted: set[str] = set()  # texts of deleted notes and their comments
        self.note_ids: list[str] = []
        self.theme_ids: list[str] = []
        self.comments: list[tuple[str, str, str]] = []  # (note, comment, text)
        self.sockets = {who: self._open(who) for who in ("anna", "ben")}
        self.steps = 0
        self.copies: list[str] = []
        self.round_opened = 0  # the seq at which the last round opened
        self.removed: set[str] = set()  # taken off the board: their doors are closed
        self.early: dict[str, list[dict[str, Any]]] = {"anna": [], "ben": []}  # see post_on_stream
        self.acks: dict[str, list[dict[str, Any]]] = {"anna": [], "ben": []}

    # ---- plumbing ------------------------------------------------------------------

    def _url(self, tail: str) -> str:
        return f"/api/v1/boards/{self.board_id}{tail}"

    def _get(self, tail: str, who: str) -> Any:
        response = self.client.get(self._url(tail), headers=self.headers[who])
        assert response.status_code == 200, response.text
        return response.json()

    def _do(self, method: str, tail: str, who: str, body: Any = None) -> Any:
        kwargs = {} if body is None else {"json": body}
        response = self.client.request(method, self._url(tail), headers=self.headers[who], **kwargs)
        assert response.status_code < 500, response.text
        return response

    def _page(self, who: str) -> str:
        response = self.client.get(f"/b/{self.board_id}", headers=self.headers[who])
        assert response.status_code == 200, response.text
        return response.text

    def _open(self, who: str) -> Any:
        token_ = self.headers[who]["Authorization"].removeprefix("Bearer ")
        context = self.client.websocket_connect(
            f"/api/v1/boards/{self.board_id}/ws?token={token_}&since={self.seq[who]}"
        )
        return context, context.__enter__()

    def teardown(self) -> None:
        for context, _ in self.sockets.values():
            context.__exit__(None, None, None)
        self.browser.close()

    # ---- what people do ------------------------------------------------------------

    @rule(who=st.sampled_from(PEOPLE), column=st.integers(0, 1), step=st.booleans())
    def post(self, who: str, column: int, step: bool) -> None:
        text = token()
        body = {"column_id": self.columns[column % len(self.columns)], "text": text}
        if step:
            body |= {"kind": "next_step", "owner": token()}
            self.tokens.add(body["owner"])
        self.tokens.add(text)
        response = self._do("POST", "/notes", who, body)
        if response.status_code == 201:
            self.note_ids.append(response.json()["id"])

    @rule(who=st.sampled_from(("anna", "ben")), column=st.integers(0, 1))
    def post_on_stream(self, who: str, column: int) -> None:
        """A note sent on the writer's own stream, as the board page sends it. The step
        waits for its answer; events that come first are kept for the live door, and the
        ack (the writer's own note, as they see it) is checked as a door of its own."""
        if who in self.removed:
            return
        text = token()
        self.tokens.add(text)
        data = {"column_id": self.columns[column], "text": text, "client_key": token()}
        _, socket = self.sockets[who]
        socket.send_text(json.dumps({"type": "note.create", "ref": text, "data": data}))
        while True:
            frames = events_of(socket.receive_text())
            answers = [f for f in frames if f.get("ref") == text]
            self.early[who].extend(f for f in frames if f.get("ref") != text)
            if answers:
                break
        [answer] = answers
        if answer["type"] == "ack":
            self.note_ids.append(answer["data"]["id"])
            self.acks[who].append(answer)
        else:
            assert answer["type"] == "error" and answer["status"] < 500, answer

    @precondition(lambda self: self.note_ids)
    @rule(who=st.sampled_from(PEOPLE), data=st.data())
    def edit(self, who: str, data: st.DataObject) -> None:
        text = token()
        self.tokens.add(text)
        self._do(
            "PATCH", f"/notes/{data.draw(st.sampled_from(self.note_ids))}", who, {"text": text}
        )

    @precondition(lambda self: self.note_ids)
    @rule(who=st.sampled_from(PEOPLE), data=st.data())
    def delete(self, who: str, data: st.DataObject) -> None:
        note_id = data.draw(st.sampled_from(self.note_ids))
        texts = self._texts_of(note_id)
        if self._do("DELETE", f"/notes/{note_id}", who).status_code == 204:
            self.deleted |= texts
            self.note_ids.remove(note_id)

    @precondition(lambda self: self.note_ids)
    @rule(who=st.sampled_from(PEOPLE), data=st.data(), react=st.booleans())
    def comment_or_react(self, who: str, data: st.DataObject, react: bool) -> None:
        note_id = data.draw(st.sampled_from(self.note_ids))
        if react:
            self._do("PUT", f"/notes/{note_id}/reactions/heart", who)
            return
        text = token()
        self.tokens.add(text)
        response = self._do("POST", f"/notes/{note_id}/comments", who, {"text": text})
        if response.status_code == 201:
            self.comments.append((note_id, response.json()["id"], text))

    @precondition(lambda self: self.comments)
    @rule(who=st.sampled_from(PEOPLE), data=st.data())
    def uncomment(self, who: str, data: st.DataObject) -> None:
        note_id, comment_id, text = data.draw(st.sampled_from(self.comments))
        response = self._do("DELETE", f"/notes/{note_id}/comments/{comment_id}", who)
        if response.status_code == 204:
            self.deleted.add(text)
            self.comments.remove((note_id, comment_id, text))

    @precondition(lambda self: self.note_ids)
    @rule(data=st.data(), hidden=st.booleans(), approve=st.booleans())
    def moderate(self, data: st.DataObject, hidden: bool, approve: bool) -> None:
        note_id = data.draw(st.sampled_from(self.note_ids))
        if approve:
            self._do("POST", f"/notes/{note_id}/approve", "fac")
        else:
            self._do("PATCH", f"/notes/{note_id}", "fac", {"hidden": hidden})

    @rule(mode=st.sampled_from(["private_writing", "approval_required"]), on=st.booleans())
    def set_mode(self, mode: str, on: bool) -> None:
        self._do("PATCH", "", "fac", {mode: on})

    @rule()
    def reveal(self) -> None:
        self._do("POST", "/reveal", "fac")

    @rule(open_=st.booleans())
    def round(self, open_: bool) -> None:
        if open_:
            rules = {"budget": 3, "max_per_note": 2, "hide_results": True}
            if self._do("POST", "/voting", "fac", rules).status_code == 200:
                self.round_opened = self._get("", "fac")["seq"]
        else:
            self._do("DELETE", "/voting", "fac")

    @precondition(lambda self: self.note_ids)
    @rule(who=st.sampled_from(PEOPLE), data=st.data(), on=st.booleans())
    def vote(self, who: str, data: st.DataObject, on: bool) -> None:
        note_id = data.draw(st.sampled_from(self.note_ids))
        self._do("PUT" if on else "DELETE", f"/notes/{note_id}/vote", who)

    @precondition(lambda self: len(self.note_ids) >= 2)
    @rule(data=st.data())
    def theme(self, data: st.DataObject) -> None:
        chosen = data.draw(st.lists(st.sampled_from(self.note_ids), min_size=2, max_size=3))
        body = {"title": token(), "note_ids": chosen}
        self.tokens.add(body["title"])
        response = self._do("POST", "/themes", "fac", body)
        if response.status_code == 201:
            self.theme_ids.append(response.json()["id"])

    @precondition(lambda self: self.theme_ids)
    @rule(data=st.data(), split=st.booleans())
    def untheme(self, data: st.DataObject, split: bool) -> None:
        theme_id = data.draw(st.sampled_from(self.theme_ids))
        if split:
            if self._do("DELETE", f"/themes/{theme_id}", "fac").status_code == 204:
                self.theme_ids.remove(theme_id)
            return
        members = [n for n in self._get("", "fac")["themes"] if n["id"] == theme_id]
        if members and members[0]["note_ids"]:
            body = {"remove_note_ids": members[0]["note_ids"][:1]}
            self._do("PATCH", f"/themes/{theme_id}", "fac", body)

    @rule(hidden=st.sampled_from(["hidden", "pending", "private", "public"]))
    def import_backup(self, hidden: str) -> None:
        shown, kept = token(), token()
        self.tokens |= {shown, kept}
        notes = [
            {"text": shown, "votes": 2, "theme_id": "g"},
            {"text": kept, "visibility": hidden, "votes": 1, "theme_id": "g"},
        ]
        backup = {
            "format": "paja.board",
            "version": 2,
            "board": {"title": "Tuonti"},
            "columns": [{"title": "Tuotu", "themes": [{"id": "g", "title": "T"}], "notes": notes}],
        }
        response = self._do("POST", "/import", "fac", backup)
        if response.status_code == 200:
            self.note_ids = [n["id"] for n in self._get("", "fac")["notes"]]

    @rule()
    def duplicate(self) -> None:
        """The copy holds only what everyone on the board could see when it was made."""
        seen_by_all = self._visible_texts(None)
        response = self._do("POST", "/duplicate", "fac", {"with_notes": True})
        assert response.status_code == 201, response.text
        copy = response.json()
        texts = {n["text"] for n in copy["notes"]}
        texts |= {c["text"] for n in copy["notes"] for c in n["comments"]}
        assert texts <= seen_by_all, texts - seen_by_all
        self.copies.append(copy["id"])

    @precondition(lambda self: "ben" not in self.removed)
    @rule(with_notes=st.booleans())
    def remove_ben(self, with_notes: bool) -> None:
        """A facilitator takes Ben off the board, with his notes or without: his stream
        ends with 4408, and what he wrote goes when asked (his comments on others' notes
        stay, as the board says). His doors are no longer his to read."""
        _, notes, _ = self._state()
        his = {n.id for n in notes if n.author_id == self.ids["ben"]}
        texts = set().union(*(self._texts_of(n) for n in his)) if with_notes else set()
        tail = f"/participants/{self.ids['ben']}" + ("?with_notes=true" if with_notes else "")
        if self._do("DELETE", tail, "fac").status_code != 200:
            return  # an archived board, say: nothing changed
        self.removed.add("ben")
        if with_notes:
            self.deleted |= texts
            self.note_ids = [n for n in self.note_ids if n not in his]
            self.comments = [c for c in self.comments if c[0] not in his]
        context, socket = self.sockets.pop("ben")
        with pytest.raises(WebSocketDisconnect) as ended:
            while True:  # what was queued before the end, then the close
                socket.receive_text()
        assert ended.value.code == 4408
        context.__exit__(None, None, None)

    # ---- the oracle ----------------------------------------------------------------

    def _state(self) -> tuple[Board, list[Note], list[Comment]]:
        with self.db.session() as session:
            board = session.get(Board, self.board_id)
            notes = session.exec(select(Note).where(Note.board_id == self.board_id)).all()
            comments = session.exec(select(Comment).where(Comment.board_id == self.board_id)).all()
            return board, list(notes), list(comments)

    def _texts_of(self, note_id: str) -> set[str]:
        _, notes, comments = self._state()
        own = {n.text for n in notes if n.id == note_id}
        own |= {n.owner for n in notes if n.id == note_id and n.owner}
        return own | {c.text for c in comments if c.note_id == note_id}

    def _visible_texts(self, participant_id: str | None) -> set[str]:
        """What this participant (None: anyone of the room) may see now."""
        _, notes, comments = self._state()
        seen = {n.id for n in notes if n.visibility == "public" or n.author_id == participant_id}
        texts = {n.text for n in notes if n.id in seen}
        texts |= {v for n in notes if n.id in seen for v in (n.owner, n.partners, n.how, n.when)}
        texts |= {c.text for c in comments if c.note_id in seen}
        return texts

    def _check(self, who: str, received: Any, door: str, allowed: set[str] | None = None) -> None:
        text = received if isinstance(received, str) else json.dumps(received, ensure_ascii=False)
        if allowed is None:
            allowed = self._visible_texts(self.ids.get(who))
        leaked = {t for t in self.tokens if t in text} - allowed
        # Theme titles are the facilitator's, seen by all; tokens never written are not.
        leaked -= {t for t in leaked if self._is_theme_title(t)}
        assert not leaked, f"{who} received {leaked} through {door}"
        assert "_facts" not in text, door
        for other, participant_id in self.ids.items():
            if other != who:
                assert participant_id not in text, f"{who} got {other}'s id through {door}"

    def _is_theme_title(self, text: str) -> bool:
        with self.db.session() as session:
            from app.models import Theme

            return session.exec(select(Theme).where(Theme.title == text)).first() is not None

    def _no_counts(self, received: Any, door: str) -> None:
        """Nothing named votes carries a number while the round hides them."""
        if isinstance(received, dict):
            for key, value in received.items():
                if key == "viewer":
                    continue  # the viewer's own votes are theirs to see
                if key == "votes":
                    assert value is None, f"a hidden count through {door}: {received}"
                else:
                    self._no_counts(value, door)
        elif isinstance(received, list):
            for item in received:
                self._no_counts(item, door)

    @invariant()
    def every_door_shows_only_what_may_be_seen(self) -> None:
        """The catch-up is checked as projected (its HTML is drawn from exactly that data,
        and the live frames check the drawing); the pages every step in turn."""
        from app import audience

        board, _, _ = self._state()
        hidden = board.voting_state == "open" and board.hide_results
        self.steps += 1
        for who in ("anna", "ben"):
            if who in self.removed:
                continue
            allowed = self._visible_texts(self.ids[who])
            # The REST reads for one participant per step, in turn; the other doors for both.
            doors = self._reads(who) if (self.steps + len(who)) % 2 else {}
            if doors:  # and their board page: the shared snapshot, or their own read
                doors["board page"] = self._page(who)
            with self.db.session() as session:
                replay = audience.catch_up(session, self.board_id, 0, board.seq)
            viewer = audience.Audience(facilitator=False, participant_id=self.ids[who])
            doors["catch-up"] = [audience.project(event, viewer) for event in replay]
            doors["live"] = self._live(who, board.seq)
            doors["ack"], self.acks[who] = self.acks[who], []
            for door, received in doors.items():
                self._check(who, received, door, allowed)
            if hidden:  # counts from before the round opened were everyone's then
                doors["catch-up"] = [
                    audience.project(e, viewer) for e in replay if e.seq > self.round_opened
                ]
                for door, received in doors.items():
                    self._no_counts(received, door)
        # The pages in turn: the board, nothing, its next steps, nothing.
        if self.steps % 2 == 0:
            page = f"/b/{self.board_id}" + ("/next-steps" if self.steps % 4 == 0 else "")
            self._check("cecilia", self.browser.get(page).text, page, self._visible_texts(None))

    def _reads(self, who: str) -> dict[str, Any]:
        """The REST reads, through the services their routes call (the routes are thin;
        one step in three also goes through HTTP, so the routes are covered too)."""
        if self.steps % 3 == 0:
            return {"snapshot": self._get("", who), "next steps": self._get("/next-steps", who)}
        from app.services import boards, next_steps
        from app.services.members import Actor

        actor = Actor(self.board_id, self.ids[who], Role.participant, who)
        with self.db.session() as session:
            read = {"snapshot": boards.board_snapshot(session, actor).model_dump(mode="json")}
            if self.steps % 4 < 2:
                steps = next_steps.list_next_steps(session, actor)
                read["next steps"] = [s.model_dump(mode="json") for s in steps]
        return read

    def _live(self, who: str, head: int) -> list[dict[str, Any]]:
        """The frames this participant's socket received for the last step."""
        _, socket = self.sockets[who]
        received: list[dict[str, Any]] = []
        early, self.early[who] = self.early[who], []  # received while a note was sent
        while self.seq[who] < head:
            frames, early = (early, []) if early else (events_of(socket.receive_text()), [])
            for event in frames:
                assert event["seq"] == self.seq[who] + 1, "a gap or a repeat in the stream"
                self.seq[who] = event["seq"]
                received.append(event)
        return received

    @invariant()
    def the_database_forgot_every_deleted_note(self) -> None:
        if not self.deleted:
            return
        with self.db.session() as session:
            stored = [e.data for e in session.exec(select(Event)).all()]
            stored += [n.text for n in session.exec(select(Note)).all()]
            stored += [c.text for c in session.exec(select(Comment)).all()]
        dump = json.dumps(stored, ensure_ascii=False)
        # A deleted note's text may live on only where the room saw it copied elsewhere
        # (a duplicated board is a new board, with its own notes).
        remembered = {t for t in self.deleted if t in dump} - self._copied_texts()
        assert not remembered, f"the database still holds {remembered}"

    def _copied_texts(self) -> set[str]:
        if not self.copies:
            return set()
        with self.db.session() as session:
            notes = session.exec(select(Note).where(Note.board_id.in_(self.copies))).all()
            comments = session.exec(select(Comment).where(Comment.board_id.in_(self.copies))).all()
        return {n.text for n in notes} | {c.text for c in comments}


@pytest.mark.all_backends
@pytest.mark.timeout(900)
def test_nobody_receives_what_they_may_not_see(
    client: TestClient, facilitator: dict[str, str], db: Any, backend: Any, request: Any
) -> None:
    if request.node.callspec.params["backend"] not in BACKENDS:
        pytest.skip("runs on SQLite and on PostgreSQL with the Redis hub")
    Room.client, Room.facilitator, Room.db = client, facilitator, db
    examples = PROFILE.max_examples if backend[1] is None else PROFILE.max_examples // 3
    run_state_machine_as_test(Room, settings=settings(PROFILE, max_examples=examples))


def test_the_oracle_catches_a_leak(
    client: TestClient, facilitator: dict[str, str], db: Any
) -> None:
    """The property test can fail: a hidden note's text in a participant's door is caught."""
    Room.client, Room.facilitator, Room.db = client, facilitator, db
    room = Room()
    try:
        secret = token()
        room.tokens.add(secret)
        room.post("fac", 0, False)
        note_id = room.note_ids[-1]
        room._do("PATCH", f"/notes/{note_id}", "fac", {"text": secret, "hidden": True})
        with pytest.raises(AssertionError, match="received"):
            room._check("anna", {"text": secret}, "a door that leaks")
        with pytest.raises(AssertionError, match="hidden count"):
            room._no_counts({"notes": [{"votes": 3}]}, "a door that counts")
    finally:
        room.teardown()


def test_the_removal_rule_closes_the_stream_and_forgets_the_notes(
    client: TestClient, facilitator: dict[str, str], db: Any
) -> None:
    """The remove_ben step, once by hand: Ben's stream ends with 4408, his note is gone
    from the database, and every door of the others still holds."""
    Room.client, Room.facilitator, Room.db = client, facilitator, db
    room = Room()
    try:
        room.post("ben", 0, False)
        room.every_door_shows_only_what_may_be_seen()
        written = room._texts_of(room.note_ids[-1])
        room.remove_ben(True)
        assert room.removed == {"ben"} and written <= room.deleted and not room.note_ids
        room.every_door_shows_only_what_may_be_seen()
        room.the_database_forgot_every_deleted_note()
        assert (
            room._do(
                "POST", "/notes", "ben", {"column_id": room.columns[0], "text": "x"}
            ).status_code
            == 403
        )
    finally:
        room.teardown()
