"""The pages a person uses, through the browser's own forms (no JavaScript needed)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import PASSWORD, post_note

HTMX = {"HX-Request": "true"}


def sign_in(client: TestClient) -> None:
    response = client.post(
        "/login", data={"email": "fasi@example.fi", "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 303


def test_front_page_asks_strangers_for_the_join_code_first(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 200
    page = response.text
    assert page.index('action="/join"') < page.index('action="/login"')
    assert 'name="code"' in page and 'name="password"' in page


def test_login_with_wrong_password_says_so_next_to_the_form(
    client: TestClient, facilitator: dict[str, str]
) -> None:
    response = client.post("/login", data={"email": "fasi@example.fi", "password": "nope"})
    assert response.status_code == 401
    assert 'role="alert"' in response.text
    assert "Sähköposti tai salasana on väärin" in response.text


def test_facilitator_creates_a_board_from_a_template_and_sees_it(
    client: TestClient, facilitator: dict[str, str]
) -> None:
    sign_in(client)
    created = client.post(
        "/boards",
        data={"title": "Kainuun työpaja", "template": "kainuu-2021", "language": "fi"},
        follow_redirects=False,
    )
    assert created.status_code == 303
    board_page = client.get(created.headers["location"])
    assert "Kainuun työpaja" in board_page.text
    assert "Ohjaus on osuvaa ja osaavaa" in board_page.text
    dashboard = client.get("/")
    assert "Kainuun työpaja" in dashboard.text


def test_pasted_columns_become_the_columns(client: TestClient, facilitator: dict[str, str]) -> None:
    sign_in(client)
    created = client.post(
        "/boards",
        data={"title": "Oma", "columns": "Ensimmäinen\n\n  Toinen  \n"},
        follow_redirects=False,
    )
    board_id = created.headers["location"].rsplit("/", 1)[-1]
    snapshot = client.get(f"/api/v1/boards/{board_id}").json()
    assert [c["title"] for c in snapshot["columns"]] == ["Ensimmäinen", "Toinen"]


def test_too_many_pasted_columns_are_refused_with_a_message(
    client: TestClient, facilitator: dict[str, str]
) -> None:
    sign_in(client)
    lines = "\n".join(f"Sarake {i}" for i in range(200))
    response = client.post("/boards", data={"title": "Liikaa", "columns": lines})
    assert response.status_code == 400
    assert 'role="alert"' in response.text
    assert client.get("/api/v1/boards").json() == []


def test_participant_joins_by_link_and_writes_a_note(
    client: TestClient, board: dict[str, Any]
) -> None:
    join_page = client.get(f"/b/{board['id']}")
    assert "Liity" in join_page.text  # the join form, in Finnish by default
    joined = client.post(f"/b/{board['id']}/join", data={"name": "Anna"}, follow_redirects=False)
    assert joined.status_code == 303
    column_id = board["columns"][0]["id"]
    added = client.post(
        f"/b/{board['id']}/notes", data={"column_id": column_id, "text": "Hyvä idea"}, headers=HTMX
    )
    assert added.status_code == 200
    assert "paja:own-note" in added.headers["hx-trigger"]
    page = client.get(f"/b/{board['id']}")
    assert "Hyvä idea" in page.text
    assert 'data-role="participant"' in page.text


def test_blank_note_form_shows_the_message_next_to_the_field(
    client: TestClient, board: dict[str, Any]
) -> None:
    client.post(f"/b/{board['id']}/join", data={"name": ""})
    column_id = board["columns"][0]["id"]
    # The browser prefers English, but the board is Finnish and the person chose nothing.
    response = client.post(
        f"/b/{board['id']}/notes",
        data={"column_id": column_id, "text": "   "},
        headers={**HTMX, "Accept-Language": "en-US,en;q=0.9"},
    )
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text
    assert f'id="note-error-{column_id}"' in response.text
    assert "Muistiinpano ei saa olla tyhjä" in response.text


def test_join_code_leads_to_the_board(client: TestClient, board: dict[str, Any]) -> None:
    response = client.get(f"/join?code={board['join_code']}", follow_redirects=False)
    assert response.headers["location"] == f"/b/{board['id']}"
    unknown = client.get("/join?code=000000x")
    assert unknown.status_code == 404


def test_language_switch_is_remembered(client: TestClient, board: dict[str, Any]) -> None:
    swedish = client.get("/login?lang=sv")
    assert '<html lang="sv">' in swedish.text
    assert '<html lang="sv">' in client.get("/login").text
    assert '<html lang="en">' in client.get("/login?lang=en").text


def test_unknown_language_falls_back_to_finnish(client: TestClient) -> None:
    assert '<html lang="fi">' in client.get("/login?lang=xx").text


def test_user_text_is_escaped_on_the_page(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    post_note(client, board, facilitator, payload)
    sign_in(client)
    page = client.get(f"/b/{board['id']}").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


def test_pages_send_a_strict_content_security_policy(client: TestClient) -> None:
    policy = client.get("/login").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_the_login_page_throttles_guessing(
    app: Any, client: TestClient, facilitator: dict[str, str]
) -> None:
    from limits import parse

    app.state.rate_limits.sign_ins = parse("2/minute")
    answers = [
        client.post("/login", data={"email": "fasi@example.fi", "password": "arvaus"})
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [401, 401, 429]
    assert "Liian monta kirjautumisyritystä" in answers[-1].text
    assert int(answers[-1].headers["retry-after"]) >= 1


def test_cards_are_the_same_for_everyone_and_the_note_page_offers_each_viewer_their_tools(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    others = post_note(client, board, facilitator, "Fasilitaattorin esimerkki")
    joined = client.post(f"/b/{board['id']}/join", data={"name": "Anna"}, follow_redirects=False)
    assert joined.status_code == 303
    client.post(
        f"/b/{board['id']}/notes",
        data={"column_id": board["columns"][0]["id"], "text": "Annan oma"},
        follow_redirects=False,
    )
    page = client.get(f"/b/{board['id']}").text

    def card_of(text: str) -> str:
        before, after = page.split(text, 1)
        return before.rsplit("<article", 1)[1] + after.split("</article>", 1)[0]

    mine = card_of("Annan oma")
    own_id = mine.split('data-note-id="', 1)[1].split('"', 1)[0]
    # No tools and no "mine" on any card: the page's own snapshot says which are hers.
    for card in (mine, card_of("Fasilitaattorin esimerkki")):
        assert "note-edit" not in card and "/delete" not in card and "note--mine" not in card
        assert 'class="note-menu-button" href="/b/' in card  # "⋯": the note's page
    assert own_id in page.split('data-own-notes="', 1)[1].split('"', 1)[0]
    assert 'data-when="facilitator"' not in page  # a participant's menu has no such part

    own_page = client.get(f"/b/{board['id']}/notes/{own_id}")
    assert own_page.status_code == 200
    assert f'action="/b/{board["id"]}/notes/{own_id}/edit"' in own_page.text
    assert f'action="/b/{board["id"]}/notes/{own_id}/delete"' in own_page.text
    other_page = client.get(f"/b/{board['id']}/notes/{others['id']}").text
    assert "Fasilitaattorin esimerkki" in other_page
    assert f"/notes/{others['id']}/delete" not in other_page
    assert f"/notes/{others['id']}/vote" in other_page  # voting and comments stay open
    assert f"/notes/{others['id']}/comments" in other_page
    assert "/hide" not in other_page
    missing = client.get(f"/b/{board['id']}/notes/no-such-note")
    assert missing.status_code == 404
