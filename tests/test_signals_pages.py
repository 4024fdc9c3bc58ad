"""Groups, "I'm done", reactions and follow me through the page's own forms, without
JavaScript: each post redirects back to a board that shows the change."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.test_pages import HTMX, sign_in


def join_page(client: TestClient, board: dict[str, Any], name: str) -> None:
    response = client.post(f"/b/{board['id']}/join", data={"name": name}, follow_redirects=False)
    assert response.status_code == 303


def test_a_facilitator_numbers_groups_and_sees_the_progress_table(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    sign_in(client)
    made = client.post(
        f"/b/{board['id']}/discussion-groups", data={"count": "3"}, follow_redirects=False
    )
    assert made.status_code == 303
    page = client.get(f"/b/{board['id']}").text
    assert "Pienryhmä 1" in page and "Pienryhmä 3" in page
    assert "0/0 valmiina" in page
    named = client.post(
        f"/b/{board['id']}/discussion-groups", data={"name": "LUOVAT"}, headers=HTMX
    )
    assert named.status_code == 204
    refused = client.post(
        f"/b/{board['id']}/discussion-groups", data={"name": "luovat"}, headers=HTMX
    )
    assert refused.status_code == 422
    assert "Pienryhmä nimeltä luovat on jo olemassa." in refused.text


def test_a_participant_picks_a_group_reacts_says_done_and_filters(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    url = f"/api/v1/boards/{board['id']}"
    groups = client.post(
        f"{url}/discussion-groups", json={"names": ["Ryhmä 1", "Ryhmä 2"]}, headers=facilitator
    ).json()["discussion_groups"]
    other = client.post(f"/api/v1/boards/{board['id']}/participants", json={"name": "Ben"}).json()
    client.post(
        f"{url}/notes",
        json={"column_id": board["columns"][0]["id"], "text": "Benin ajatus"},
        headers={"Authorization": f"Bearer {other['token']}"},
    )
    join_page(client, board, "Anna")
    client.post(f"/b/{board['id']}/me/group", data={"discussion_group_id": groups[1]["id"]})
    client.post(
        f"/b/{board['id']}/notes",
        data={"column_id": board["columns"][0]["id"], "text": "Annan ajatus"},
    )
    notes = client.get(url).json()["notes"]
    mine = next(n for n in notes if n["text"] == "Annan ajatus")
    assert mine["discussion_group_name"] == "Ryhmä 2"
    reacted = client.post(
        f"/b/{board['id']}/notes/{mine['id']}/reactions/bulb", data={"on": "true"}, headers=HTMX
    )
    assert reacted.status_code == 204
    assert '"mine": ["bulb"]' in reacted.headers["HX-Trigger"]
    page = client.get(f"/b/{board['id']}").text
    # The card is the same for everyone; the page's own snapshot says the reaction is hers,
    # and the note's own page shows it pressed.
    assert f"{{&#34;{mine['id']}&#34;: [&#34;bulb&#34;]}}" in page
    note_page = client.get(f"/b/{board['id']}/notes/{mine['id']}").text
    assert 'data-reaction="bulb" data-focus="reaction-bulb" aria-pressed="true"' in note_page
    done = client.post(f"/b/{board['id']}/me/done", data={"on": "true"}, follow_redirects=False)
    assert done.status_code == 303
    page = client.get(f"/b/{board['id']}").text
    assert 'id="done-button" class="done-button" aria-pressed="true"' in page
    filtered = client.get(f"/b/{board['id']}?group={groups[1]['id']}").text
    assert filtered.count(" hidden>") >= 1
    ben_note = filtered.split("Benin ajatus")[0].rsplit("<article", 1)[1]
    anna_note = filtered.split("Annan ajatus")[0].rsplit("<article", 1)[1]
    assert " hidden>" in ben_note and " hidden>" not in anna_note
    unknown = client.post(f"/b/{board['id']}/notes/{mine['id']}/reactions/poop", headers=HTMX)
    assert unknown.status_code == 422
    # The card's one reactions form: the pressed button says which reaction and which way.
    card = f"/b/{board['id']}/notes/{mine['id']}/reactions"
    taken_back = client.post(card, data={"reaction": "bulb:off"}, follow_redirects=False)
    assert taken_back.status_code == 303
    assert client.get(url).json()["viewer"]["reactions"].get(mine["id"], []) == []
    given = client.post(card, data={"reaction": "heart:on"}, headers=HTMX)
    assert '"mine": ["heart"]' in given.headers["HX-Trigger"]
    assert client.post(card, data={"reaction": "poop:on"}, headers=HTMX).status_code == 422


def test_follow_me_and_reset_from_the_facilitators_tools(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    sign_in(client)
    column = board["columns"][3]["id"]
    followed = client.post(
        f"/b/{board['id']}/follow", data={"column_id": column}, follow_redirects=False
    )
    assert followed.status_code == 303
    page = client.get(f"/b/{board['id']}").text
    assert f'data-follow="{column}"' in page
    assert client.get(f"/b/{board['id']}/projector").text.count(f'data-follow="{column}"') == 1
    reset = client.post(f"/b/{board['id']}/done/reset", headers=HTMX)
    assert reset.status_code == 204
