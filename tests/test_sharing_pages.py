"""The share panel, the timer, the passcode and the dashboard's new actions, through the
pages' own forms (no JavaScript needed)."""

from __future__ import annotations

from typing import Any

import segno
from fastapi.testclient import TestClient

from tests.conftest import join, make_facilitator, post_note
from tests.test_pages import HTMX, sign_in
from tests.test_sharing import participant_count, seq_of, set_passcode


def test_facilitator_sees_the_share_panel_with_link_code_qr_and_teams_message(
    client: TestClient, board: dict[str, Any]
) -> None:
    sign_in(client)
    page = client.get(f"/b/{board['id']}?lang=en").text
    link = f"http://testserver/b/{board['id']}"
    assert f'value="{link}"' in page
    assert board["join_code"] in page
    assert f'src="/b/{board["id"]}/qr.svg"' in page
    assert f"QR code that opens the board: {link}" in page
    assert "Join the workshop board “ELO-foorumi”" in page
    assert "Start a countdown everyone sees" in page


def test_participants_get_no_share_panel(client: TestClient, board: dict[str, Any]) -> None:
    client.post(f"/b/{board['id']}/join", data={"name": "Anna"})
    page = client.get(f"/b/{board['id']}?lang=en").text
    assert "Message for the Teams chat" not in page
    assert 'id="timer"' in page  # the (hidden) countdown every viewer has


def test_the_qr_code_is_an_svg_of_the_link_drawn_here(
    client: TestClient, board: dict[str, Any]
) -> None:
    response = client.get(f"/b/{board['id']}/qr.svg?lang=en")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    link = f"http://testserver/b/{board['id']}"
    assert f"<title>QR code that opens the board: {link}</title>" in response.text
    expected = segno.make(link, error="m").svg_inline(scale=10, border=4)
    path = expected.split(' d="', 1)[1].split('"', 1)[0]
    assert f' d="{path}"' in response.text  # the very code of the board's link
    assert "<script" not in response.text
    assert client.get("/b/no-such-board/qr.svg").status_code == 404


def test_projector_view_shows_the_qr_code_and_the_timer(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    client.put(f"/api/v1/boards/{board['id']}/timer", json={"seconds": 600}, headers=facilitator)
    sign_in(client)
    page = client.get(f"/b/{board['id']}/projector?lang=en").text
    assert f'src="/b/{board["id"]}/qr.svg"' in page
    assert 'data-ends-at="20' in page and 'data-seconds="600"' in page


def test_timer_presets_and_custom_minutes_work_without_javascript(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    sign_in(client)
    response = client.post(
        f"/b/{board['id']}/timer", data={"minutes": "2,5"}, follow_redirects=False
    )
    assert response.status_code == 303
    snapshot = client.get(f"/api/v1/boards/{board['id']}", headers=facilitator).json()
    assert snapshot["timer_seconds"] == 150
    page = client.get(f"/b/{board['id']}?lang=en").text
    assert "until " in page  # the end time, for a page without JavaScript
    client.post(f"/b/{board['id']}/timer/stop")
    snapshot = client.get(f"/api/v1/boards/{board['id']}", headers=facilitator).json()
    assert snapshot["timer_ends_at"] is None


def test_a_bad_number_of_minutes_is_refused_and_changes_nothing(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    sign_in(client)
    before = seq_of(client, board, facilitator)
    for minutes in ("0", "abc", "nan", "999", ""):
        response = client.post(
            f"/b/{board['id']}/timer?lang=en", data={"minutes": minutes}, headers=HTMX
        )
        assert response.status_code == 422
        assert "3 hours" in response.text
    assert seq_of(client, board, facilitator) == before


def test_join_page_asks_for_the_passcode_and_says_what_was_wrong_next_to_it(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], db: Any
) -> None:
    set_passcode(client, board, facilitator, "kevät")
    page = client.get(f"/b/{board['id']}?lang=en").text
    assert 'name="passcode"' in page
    people = participant_count(db, board["id"])
    wrong = client.post(
        f"/b/{board['id']}/join?lang=en", data={"name": "Anna", "passcode": "syksy"}
    )
    assert wrong.status_code == 403
    assert 'id="passcode-error"' in wrong.text and "passcode is not right" in wrong.text
    assert 'value="Anna"' in wrong.text
    assert participant_count(db, board["id"]) == people
    right = client.post(
        f"/b/{board['id']}/join",
        data={"name": "Anna", "passcode": "kevät"},
        follow_redirects=False,
    )
    assert right.status_code == 303
    assert participant_count(db, board["id"]) == people + 1


def test_a_facilitator_sets_the_passcode_from_the_share_panel(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    sign_in(client)
    client.post(f"/b/{board['id']}/passcode", data={"passcode": "ryhmä7"})
    page = client.get(f"/b/{board['id']}?lang=en").text
    assert "This board has a passcode" in page  # and the facilitator is still in
    response = client.post(f"/api/v1/boards/{board['id']}/participants", json={"name": "X"})
    assert response.status_code == 403


def test_dashboard_duplicates_and_deletes_boards_after_confirming(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    guest = join(client, board["id"])
    post_note(client, board, guest, "Kopioituu")
    sign_in(client)
    dashboard = client.get("/?lang=en").text
    assert f'action="/b/{board["id"]}/duplicate"' in dashboard
    copied = client.post(
        f"/b/{board['id']}/duplicate",
        data={"title": "Kevään foorumi", "with_notes": "true"},
        follow_redirects=False,
    )
    assert copied.status_code == 303
    copy_id = copied.headers["location"].removeprefix("/b/")
    copy = client.get(f"/api/v1/boards/{copy_id}", headers=facilitator).json()
    assert copy["title"] == "Kevään foorumi"
    assert [n["text"] for n in copy["notes"]] == ["Kopioituu"]
    confirm = client.get(f"/b/{copy_id}/delete?lang=en")
    assert confirm.status_code == 200 and "for good?" in confirm.text
    assert client.get(f"/api/v1/boards/{copy_id}", headers=facilitator).status_code == 200
    deleted = client.post(f"/b/{copy_id}/delete", follow_redirects=False)
    assert deleted.status_code == 303
    assert client.get(f"/api/v1/boards/{copy_id}", headers=facilitator).status_code == 404


def test_a_board_saved_as_a_template_is_offered_on_the_dashboard(
    client: TestClient, board: dict[str, Any]
) -> None:
    sign_in(client)
    saved = client.post(
        f"/b/{board['id']}/template", data={"title": "Syksyn pohja"}, follow_redirects=False
    )
    assert saved.status_code == 303
    dashboard = client.get("/?lang=en").text
    assert "Your own templates" in dashboard and "Syksyn pohja (6)" in dashboard


def test_co_facilitator_added_from_the_board_page_sees_the_board(
    client: TestClient, board: dict[str, Any], db: Any
) -> None:
    make_facilitator(db, "toinen@example.fi", "Toinen")
    sign_in(client)
    added = client.post(
        f"/b/{board['id']}/facilitators",
        data={"email": "toinen@example.fi"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    page = client.get(f"/b/{board['id']}?lang=en").text
    assert "toinen@example.fi" in page and "Remove Toinen" in page
    unknown = client.post(f"/b/{board['id']}/facilitators?lang=en", data={"email": "x@y.fi"})
    assert unknown.status_code == 404 and "x@y.fi" in unknown.text
