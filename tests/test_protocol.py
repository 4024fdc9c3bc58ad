"""Protocol edges: the CSRF check, /docs under the CSP, and settings that cannot work."""

from __future__ import annotations

from pathlib import Path
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


# --- /docs under the CSP -----------------------------------------------------------------


def test_the_api_docs_page_loads_only_this_origins_files(client: TestClient) -> None:
    """Every file /docs names is served here (the browser test draws it under the CSP:
    tests/browser/test_api_docs.py)."""
    import re

    page = client.get("/docs")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "<script>" not in page.text and "style=" not in page.text
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert len(assets) == 4
    for asset in assets:
        assert asset.startswith("/") and not asset.startswith("//"), asset
        assert client.get(asset).status_code == 200, asset
    assert client.get("/openapi.json").json()["info"]["title"] == "Paja"
    assert client.get("/redoc").status_code == 404  # FastAPI's CDN page is gone, not broken


def test_the_api_docs_can_be_turned_off(settings: Any) -> None:
    from app.main import create_app

    with TestClient(create_app(settings.model_copy(update={"api_docs": False}))) as client:
        answer = client.get("/docs")
    assert answer.status_code == 404
    assert "PAJA_API_DOCS" in answer.text


# --- settings Paja cannot start with -------------------------------------------------------

BAD_SETTINGS = [
    ("PAJA_DB_POOL_SIZE", "abc"),
    ("PAJA_DATABASE_URL", ""),
    ("PAJA_DATABASE_URL", "mysql://paja@db/paja"),
    ("PAJA_REDIS_URL", ""),
    ("PAJA_SECRET_KEY", "short"),
    ("PAJA_BASE_URL", ""),
    ("PAJA_TEAMS", "maybe"),
    ("PAJA_MAX_NOTE_CHARS", "0"),
    ("PAJA_WRONG_CODES_PER_ADDRESS", "lots"),
]


CASES = [("migrate", *bad) for bad in BAD_SETTINGS] + [("serve", *bad) for bad in BAD_SETTINGS[::3]]


@pytest.mark.parametrize(("command", "variable", "value"), CASES)
def test_a_bad_setting_stops_paja_with_a_sentence_naming_it(
    tmp_path: Any, command: str, variable: str, value: str
) -> None:
    import os
    import subprocess
    import sys

    env = {
        key: val
        for key, val in os.environ.items()
        if not key.startswith("PAJA_") and key != "FORWARDED_ALLOW_IPS"
    }
    # The code under test, whatever `app` the environment has installed.
    root = str(Path(__file__).resolve().parent.parent)
    env |= {"PYTHONPATH": root, "PAJA_DATA_DIR": str(tmp_path), variable: value}
    args = [sys.executable, "-m", "app.cli", command]
    if command == "serve":
        args += ["--port", "1"]  # never reached: the settings stop it first
    done = subprocess.run(args, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert lines[0].startswith(f"paja: {variable}") and lines[0].endswith("."), lines[0]
    assert not (tmp_path / "paja.db").exists()  # nothing was migrated
