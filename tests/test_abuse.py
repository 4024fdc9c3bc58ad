"""Rate limits per client address, with the defaults: a whole organisation behind one
NAT address (200 people joining within a minute, all posting at once) is never refused;
one script walking join codes, taking a board's seats, filling it with throw-away
identities, guessing sign-ins or filling the feedback box is, with 429, Retry-After and a
sentence, and nothing changes."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import PASSWORD, bearer, facilitator_token, join, make_facilitator

ROOM = 200


class _StillClock:
    """The time module, with the clock stopped."""

    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        return self.now

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


@pytest.fixture(autouse=True)
def one_instant(monkeypatch: pytest.MonkeyPatch) -> None:
    """The counters' clock stands still: every test happens in one instant, as if the
    room (or the script) were as fast as can be, whatever the load on the test machine."""
    monkeypatch.setattr("limits.storage.memory.time", _StillClock())


def notes_on(client: TestClient, board: dict[str, Any], headers: dict[str, str]) -> int:
    return len(client.get(f"/api/v1/boards/{board['id']}", headers=headers).json()["notes"])


def people_on(client: TestClient, board: dict[str, Any], facilitator: dict[str, str]) -> int:
    """Members besides the facilitator."""
    url = f"/api/v1/boards/{board['id']}/participants"
    return len(client.get(url, headers=facilitator).json()) - 1


def assert_refused(response: Any, words: str) -> None:
    assert response.status_code == 429, response.text
    assert 1 <= int(response.headers["retry-after"]) <= 86400
    assert words in response.text


def test_a_whole_organisation_behind_one_address_joins_and_posts(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    """200 people on one NAT address: each looks the code up (every fifth mistypes it
    first), joins (half by the page form, half by the API), writes two notes (one by
    each door) and votes on three: a thousand writes within the minute, none refused."""
    code, column = board["join_code"], board["columns"][0]["id"]
    people: list[dict[str, str]] = []
    for i in range(ROOM):
        if i % 5 == 0:
            assert client.get("/join", params={"code": "000000"}).status_code == 404
        found = client.get("/join", params={"code": code}, follow_redirects=False)
        assert found.status_code == 303, found.text
        if i % 2:
            people.append(join(client, board["id"], f"Osallistuja {i}"))
        else:
            browser = TestClient(client.app)
            joined = browser.post(
                f"/b/{board['id']}/join", data={"name": f"Osallistuja {i}"}, follow_redirects=False
            )
            assert joined.status_code == 303, joined.text
            people.append(bearer(browser.cookies[f"paja_b_{board['id']}"]))
    note_ids = []
    for i, person in enumerate(people):
        api = client.post(
            f"/api/v1/boards/{board['id']}/notes",
            json={"column_id": column, "text": f"Ajatus {i}"},
            headers=person,
        )
        assert api.status_code == 201, api.text
        note_ids.append(api.json()["id"])
        form = client.post(
            f"/b/{board['id']}/notes",
            data={"column_id": column, "text": f"Toinen ajatus {i}"},
            headers={**person, "HX-Request": "true"},
        )
        assert form.status_code == 200, form.text
    for i, person in enumerate(people):
        for step in range(3):
            note_id = note_ids[(i + step + 1) % len(note_ids)]
            vote = client.put(f"/api/v1/boards/{board['id']}/notes/{note_id}/vote", headers=person)
            assert vote.status_code == 200, vote.text
    assert people_on(client, board, facilitator) == ROOM
    assert notes_on(client, board, facilitator) == 2 * ROOM


def test_a_script_walking_join_codes_is_refused(client: TestClient, board: dict[str, Any]) -> None:
    """100 wrong codes in ten minutes; then every lookup waits, the right code too."""
    for guess in range(100):
        answer = client.get("/join", params={"code": f"{guess:06d}"})
        assert answer.status_code == 404 or answer.status_code == 303
    refused = client.get("/join", params={"code": board["join_code"]}, follow_redirects=False)
    assert_refused(refused, "Liian monta liittymiskoodia")
    assert "location" not in refused.headers
    # Teams' configuration page looks codes up too, and counts the same way.
    assert client.get("/teams/config", params={"board": board["join_code"]}).status_code == 429
    # Another address is not held back by this one.
    elsewhere = TestClient(client.app, client=("192.0.2.7", 4000))
    assert (
        elsewhere.get(
            "/join", params={"code": board["join_code"]}, follow_redirects=False
        ).status_code
        == 303
    )


def test_a_script_taking_a_boards_seats_is_refused(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    """300 joins of one board from one address in an hour; the next waits and no
    participant is added. Real people on other addresses still get in."""
    url = f"/api/v1/boards/{board['id']}/participants"
    for i in range(300):
        assert client.post(url, json={"name": f"botti {i}"}).status_code == 201
    refused = client.post(url, json={"name": "botti 301"})
    assert_refused(refused, "Too many people joined this board from your network")
    form = client.post(f"/b/{board['id']}/join", data={"name": "botti"}, follow_redirects=False)
    assert_refused(form, "Tästä verkosta on liittynyt")
    assert people_on(client, board, facilitator) == 300
    elsewhere = TestClient(client.app, client=("2001:db8::1", 4000))
    assert elsewhere.post(url, json={"name": "Aino"}).status_code == 201


def test_the_same_network_is_one_address_over_ipv6(
    client: TestClient, board: dict[str, Any]
) -> None:
    """Addresses inside one /64 count together; rotating them is no escape."""
    url = f"/api/v1/boards/{board['id']}/participants"
    for i in range(300):
        rotating = TestClient(client.app, client=(f"2001:db8::{i + 1:x}", 4000))
        assert rotating.post(url, json={"name": f"botti {i}"}).status_code == 201
    last = TestClient(client.app, client=("2001:db8::ffff", 4000))
    assert last.post(url, json={"name": "botti"}).status_code == 429


def test_throw_away_identities_share_one_ceiling_per_address(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    """A script rotating new identities (each within its own 60 a minute) meets the
    address's ceiling on the board at 1,200 writes a minute; the board keeps what came
    before and takes nothing after."""
    column = board["columns"][0]["id"]
    url = f"/api/v1/boards/{board['id']}/notes"
    identities = [join(client, board["id"]) for _ in range(21)]
    for n in range(1200):
        posted = client.post(
            url, json={"column_id": column, "text": f"roska {n}"}, headers=identities[n // 60]
        )
        assert posted.status_code == 201, posted.text
    refused = client.post(url, json={"column_id": column, "text": "roska"}, headers=identities[20])
    assert_refused(refused, "Too many writes to this board from your network")
    assert notes_on(client, board, facilitator) == 1200
    # The room's facilitator, on another address, is not held back.
    own = TestClient(client.app, client=("198.51.100.4", 4000))
    assert (
        own.post(url, json={"column_id": column, "text": "Fasin"}, headers=facilitator).status_code
        == 201
    )


def test_the_page_form_spends_the_same_write_quota_as_the_api(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    """30 notes through the API and 30 through the form use up one person's 60 a minute:
    the 61st is refused through either door and stored through neither."""
    column = board["columns"][0]["id"]
    person = join(client, board["id"], "Kiireinen")
    for i in range(30):
        api = client.post(
            f"/api/v1/boards/{board['id']}/notes",
            json={"column_id": column, "text": f"api {i}"},
            headers=person,
        )
        assert api.status_code == 201
        form = client.post(
            f"/b/{board['id']}/notes",
            data={"column_id": column, "text": f"lomake {i}"},
            headers={**person, "HX-Request": "true"},
        )
        assert form.status_code == 200
    form = client.post(
        f"/b/{board['id']}/notes",
        data={"column_id": column, "text": "liikaa"},
        headers={**person, "HX-Request": "true"},
    )
    assert_refused(form, "Kirjoitat nopeammin")
    api = client.post(
        f"/api/v1/boards/{board['id']}/notes",
        json={"column_id": column, "text": "liikaa"},
        headers=person,
    )
    assert_refused(api, "faster than the board allows")
    assert notes_on(client, board, facilitator) == 60


def test_sign_ins_are_limited_per_address_as_well_as_per_account(
    client: TestClient, db: Any
) -> None:
    """Twenty facilitators of one organisation sign in within a minute (some mistype);
    a script trying random emails is stopped at 30 a minute, the right password too."""
    for i in range(20):
        make_facilitator(db, f"fasi{i}@example.fi")
    for i in range(20):
        if i % 4 == 0:
            typo = {"email": f"fasi{i}@example.fi", "password": "väärin"}
            assert client.post("/api/v1/auth/token", json=typo).status_code == 401
        assert facilitator_token(client, f"fasi{i}@example.fi")
    for i in range(5):
        random = {"email": f"satunnainen{i}@example.fi", "password": "arvaus"}
        assert client.post("/api/v1/auth/token", json=random).status_code == 401
    refused = client.post(
        "/api/v1/auth/token", json={"email": "fasi1@example.fi", "password": PASSWORD}
    )
    assert_refused(refused, "Too many sign-in attempts from your network")
    page = client.post("/login", data={"email": "fasi1@example.fi", "password": PASSWORD})
    assert_refused(page, "Liian monta kirjautumisyritystä")
    assert "paja_session" not in page.cookies


def test_what_cannot_be_an_account_is_refused_without_hashing(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No email address or no password: refused at once, without an argon2 hash."""
    from app import security

    hashed = []
    real = security.verify_password
    monkeypatch.setattr(security, "verify_password", lambda *a: hashed.append(1) or real(*a))
    monkeypatch.setattr("app.services.accounts.verify_password", security.verify_password)
    for body in ({"email": "ei-osoite", "password": "x" * 20}, {"email": "a@b.fi", "password": ""}):
        assert client.post("/api/v1/auth/token", json=body).status_code == 401
    assert hashed == []
    assert (
        client.post("/api/v1/auth/token", json={"email": "a@b.fi", "password": "x"}).status_code
        == 401
    )
    assert hashed == [1]


def test_the_feedback_form_is_limited_per_address(client: TestClient, settings: Any) -> None:
    """A person sends a message or a few; the sixth in an hour waits and is not stored."""
    for i in range(5):
        sent = client.post("/accessibility/feedback", data={"message": f"Palaute {i}"})
        assert sent.status_code == 200, sent.text
    refused = client.post("/accessibility/feedback", data={"message": "x" * 4000})
    assert_refused(refused, "Kiitos")
    lines = (settings.data_dir / "accessibility-feedback.jsonl").read_text().splitlines()
    assert [json.loads(line)["message"] for line in lines] == [f"Palaute {i}" for i in range(5)]
    elsewhere = TestClient(client.app, client=("192.0.2.9", 4000))
    assert elsewhere.post("/accessibility/feedback", data={"message": "Oma"}).status_code == 200


def test_join_code_lookups_are_limited_per_address(
    app: Any, client: TestClient, board: dict[str, Any]
) -> None:
    """Looking a right code up again and again is counted too (600 a minute by default;
    here 5, the mechanism is the same): the sixth waits."""
    from limits import parse_many

    app.state.rate_limits.code_lookups = parse_many("5/minute")
    for _ in range(5):
        found = client.get("/join", params={"code": board["join_code"]}, follow_redirects=False)
        assert found.status_code == 303
    refused = client.get("/join", params={"code": board["join_code"]}, follow_redirects=False)
    assert_refused(refused, "Liian monta liittymiskoodia")
