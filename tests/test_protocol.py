"""Protocol edges: the CSRF check, /docs under the CSP, and settings that cannot work."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import PASSWORD, make_facilitator

CROSS_SITE = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}


@pytest.fixture
def signed_in(client: TestClient, db: Any) -> TestClient:
    """A browser with a facilitator's session cookie, and a board of theirs."""
    make_facilitator(db)
    answer = client.post(
        "/login", data={"email": "fasi@example.fi", "password": PASSWORD}, follow_redirects=False
    )
    assert answer.status_code == 303
    created = client.post("/boards", data={"title": "Paja"}, follow_redirects=False)
    client.board_id = created.headers["location"].rsplit("/", 1)[1]  # type: ignore[attr-defined]
    return client


@pytest.mark.parametrize(
    "authorization", ["Basic Zm9vOmJhcg==", "Bearer ", "Bearer not-a-token", "Token abc"]
)
def test_an_authorization_header_that_does_not_authenticate_does_not_skip_csrf(
    signed_in: TestClient, authorization: str
) -> None:
    """A cross-site form post riding on the cookie is refused whatever Authorization
    header comes with it, unless a bearer token authenticates the request itself."""
    board_id = signed_in.board_id  # type: ignore[attr-defined]
    answer = signed_in.post(
        f"/b/{board_id}/status",
        data={"status": "locked"},
        headers={**CROSS_SITE, "Authorization": authorization},
        follow_redirects=False,
    )
    assert answer.status_code == 403, answer.text
    assert answer.json() == {"detail": "Cross-site requests are not accepted."}
    board = signed_in.get(f"/api/v1/boards/{board_id}").json()
    assert board["status"] != "locked"


def test_a_bearer_token_that_authenticates_passes_from_anywhere(signed_in: TestClient) -> None:
    board_id = signed_in.board_id  # type: ignore[attr-defined]
    token = signed_in.post(
        "/api/v1/auth/token", json={"email": "fasi@example.fi", "password": PASSWORD}
    ).json()["access_token"]
    answer = signed_in.patch(
        f"/api/v1/boards/{board_id}",
        json={"status": "locked"},
        headers={**CROSS_SITE, "Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "locked"
