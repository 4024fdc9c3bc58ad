"""Microsoft Teams: the app package, which pages Teams may frame, and the cookies and
one-time sign-in that make a board work inside a tab."""

from __future__ import annotations

import json
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app import cli, teams
from app.config import Settings, get_settings
from app.main import create_app
from tests.conftest import PASSWORD, make_facilitator

BASE = "https://paja.example.fi"
FRAMED = {"Sec-Fetch-Dest": "iframe", "Sec-Fetch-Site": "same-origin"}


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and RGBA rows of a PNG written by app.teams (filter 0 on every row)."""
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert (depth, colour) == (8, 6)
    idat = data[data.index(b"IDAT") + 4 : data.index(b"IEND") - 8]
    raw = zlib.decompress(idat)
    stride = 1 + width * 4
    return width, height, [raw[y * stride + 1 : (y + 1) * stride] for y in range(height)]


def test_the_package_holds_the_manifest_icons_and_translations() -> None:
    archive = zipfile.ZipFile(BytesIO(teams.package(BASE, teams.default_app_id(BASE), "ELO")))
    assert sorted(archive.namelist()) == [
        "color.png",
        "en.json",
        "manifest.json",
        "outline.png",
        "sv.json",
    ]
    manifest = json.loads(archive.read("manifest.json"))
    tab = manifest["configurableTabs"][0]
    assert tab["configurationUrl"] == f"{BASE}/teams/config"
    assert {"meetingChatTab", "meetingSidePanel", "meetingStage"} <= set(tab["context"])
    assert manifest["validDomains"] == ["paja.example.fi"]
    assert manifest["developer"]["privacyUrl"] == f"{BASE}/privacy"
    assert manifest["localizationInfo"]["defaultLanguageTag"] == "fi"
    assert manifest["name"]["full"] == "Paja – reaaliaikainen työpajataulu"
    assert json.loads(archive.read("sv.json"))["name.full"] == "Paja – en workshoptavla i realtid"
    assert re.fullmatch(r"[0-9a-f-]{36}", manifest["id"])

    width, height, _ = png_pixels(archive.read("color.png"))
    assert (width, height) == (192, 192)
    width, height, rows = png_pixels(archive.read("outline.png"))
    assert (width, height) == (32, 32)
    pixels = {bytes(row[i : i + 4]) for row in rows for i in range(0, len(row), 4)}
    assert pixels == {b"\xff\xff\xff\xff", b"\x00\x00\x00\x00"}, "outline: white on transparent"


def test_the_command_writes_the_package_for_the_base_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PAJA_BASE_URL", BASE)
    monkeypatch.setenv("PAJA_TEAMS", "1")
    get_settings.cache_clear()
    try:
        output = tmp_path / "paja.zip"
        assert cli.main(["teams-manifest", "--output", str(output), "--developer", "ELO"]) == 0
    finally:
        get_settings.cache_clear()
    manifest = json.loads(zipfile.ZipFile(output).read("manifest.json"))
    assert manifest["developer"]["name"] == "ELO"
    assert manifest["id"] == teams.default_app_id(BASE), "the same id every time"
    assert "wrote" in capsys.readouterr().out


@pytest.fixture
def teams_client(settings: Settings) -> Iterator[TestClient]:
    """The app with PAJA_TEAMS=1 on an HTTPS address."""
    app = create_app(settings.model_copy(update={"teams": True, "base_url": BASE}))
    with TestClient(app, base_url=BASE) as client:
        yield client


def make_board(client: TestClient) -> dict[str, Any]:
    make_facilitator(client.app.state.db)  # type: ignore[attr-defined]
    signed_in = client.post(
        "/login", data={"email": "fasi@example.fi", "password": PASSWORD}, follow_redirects=False
    )
    assert signed_in.status_code == 303
    created = client.post(
        "/api/v1/boards", json={"title": "Tiimi", "template": "elo-national-2020"}
    )
    assert created.status_code == 201, created.text
    return created.json()


def frame_ancestors(response: Any) -> str:
    policy = response.headers["content-security-policy"]
    return re.search(r"frame-ancestors ([^;]*)", policy).group(1)  # type: ignore[union-attr]


def test_teams_may_frame_only_the_pages_a_tab_shows(teams_client: TestClient) -> None:
    board = make_board(teams_client)
    for path in (f"/b/{board['id']}", f"/b/{board['id']}/projector", "/join", "/teams/config"):
        assert "https://teams.microsoft.com" in frame_ancestors(teams_client.get(path)), path
    for path in ("/login", "/", "/healthz", f"/api/v1/boards/{board['id']}"):
        assert frame_ancestors(teams_client.get(path)) == "'self'", path


def test_an_allowed_site_may_frame_the_board_pages_and_nothing_else(settings: Settings) -> None:
    allowed = "https://intra.example.fi, https://*.moodle.example.fi"
    app = create_app(settings.model_copy(update={"frame_ancestors": allowed}))
    with TestClient(app) as client:
        board = make_board(client)
        framed = frame_ancestors(client.get(f"/b/{board['id']}"))
        assert framed == "'self' https://intra.example.fi https://*.moodle.example.fi"
        assert "teams.microsoft.com" not in framed
        assert frame_ancestors(client.get("/login")) == "'self'"


@pytest.mark.parametrize(
    "value",
    ["http://intra.example.fi", "https://intra.example.fi; script-src *", "'unsafe-inline'", "*"],
)
def test_a_frame_ancestor_that_is_not_an_https_origin_stops_paja_at_start(value: str) -> None:
    with pytest.raises(ValueError, match="PAJA_FRAME_ANCESTORS"):
        Settings(frame_ancestors=value)


def test_without_paja_teams_no_page_may_be_framed(client: TestClient) -> None:
    for path in ("/join", "/teams/config", "/login"):
        assert frame_ancestors(client.get(path)) == "'self'", path


def test_joining_inside_a_tab_sets_a_cookie_that_survives_the_frame(
    teams_client: TestClient,
) -> None:
    board = make_board(teams_client)
    guest = TestClient(teams_client.app, base_url=BASE)
    framed = guest.post(
        f"/b/{board['id']}/join", data={"name": "Tuuli"}, headers=FRAMED, follow_redirects=False
    )
    cookie = framed.headers["set-cookie"]
    assert framed.status_code == 303
    assert "SameSite=None" in cookie and "Secure" in cookie and "Partitioned" in cookie
    page = guest.get(f"/b/{board['id']}", headers=FRAMED)
    assert 'data-role="participant"' in page.text

    plain = TestClient(teams_client.app, base_url=BASE).post(
        f"/b/{board['id']}/join", data={"name": "Ulla"}, follow_redirects=False
    )
    assert "SameSite=lax" in plain.headers["set-cookie"]
    assert "Partitioned" not in plain.headers["set-cookie"]


def test_a_facilitator_signs_in_inside_the_tab_with_a_one_time_code(
    teams_client: TestClient,
) -> None:
    board = make_board(teams_client)
    page = teams_client.post(f"/b/{board['id']}/teams/code")
    assert page.status_code == 200
    code = re.search(r'id="one-time-code"[^>]*value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]

    tab = TestClient(teams_client.app, base_url=BASE)
    join_page = tab.get(f"/b/{board['id']}", headers=FRAMED)
    assert 'action="/teams/signin"' in join_page.text  # offered where the facilitator lands
    signed_in = tab.post(
        "/teams/signin",
        data={"board": board["id"], "code": code},
        headers=FRAMED,
        follow_redirects=False,
    )
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == f"/b/{board['id']}"
    assert "Partitioned" in signed_in.headers["set-cookie"]
    assert 'data-role="facilitator"' in tab.get(f"/b/{board['id']}", headers=FRAMED).text

    again = TestClient(teams_client.app, base_url=BASE).post(
        "/teams/signin", data={"board": board["id"], "code": code}, headers=FRAMED
    )
    assert again.status_code == 401
    assert 'role="alert"' in again.text


def test_participants_cannot_make_sign_in_codes(teams_client: TestClient) -> None:
    board = make_board(teams_client)
    guest = TestClient(teams_client.app, base_url=BASE)
    guest.post(f"/b/{board['id']}/join", data={"name": "Pasi"})
    assert guest.post(f"/b/{board['id']}/teams/code").status_code == 403


def test_the_configuration_page_finds_boards_and_alone_loads_teamsjs(
    teams_client: TestClient,
) -> None:
    board = make_board(teams_client)
    own = teams_client.get("/teams/config")
    assert f'value="{board["id"]}"' in own.text
    assert "vendor/teams-js.min.js" in own.text
    assert "teams-js" not in teams_client.get(f"/b/{board['id']}").text

    stranger = TestClient(teams_client.app, base_url=BASE)
    by_code = stranger.get(f"/teams/config?board={board['join_code']}")
    assert by_code.status_code == 200 and f'value="{board["id"]}"' in by_code.text
    by_link = stranger.get(f"/teams/config?board={BASE}/b/{board['id']}")
    assert f'value="{board["id"]}"' in by_link.text
    unknown = stranger.get("/teams/config?board=000000")
    assert unknown.status_code == 404 and 'role="alert"' in unknown.text
