"""Pages, CSS, JS and JSON go out gzipped when the browser accepts it; measured on the
wire, not after decoding."""

from __future__ import annotations

import gzip
import json
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import join, post_note

GZIP = {"Accept-Encoding": "gzip"}
SENTENCES = [
    "Ohjauksen saatavuus paranee, kun palvelut löytyvät yhdestä paikasta.",
    "Verkostossa tieto kulkee nopeammin, jos tavataan säännöllisesti.",
    "Aikuisten ohjaus tarvitsee enemmän yhteistä osaamista ja koulutusta.",
    "Asiakkaan ääni kuuluviin jo palvelujen suunnittelussa.",
]


def on_the_wire(client: TestClient, url: str, headers: dict[str, str]) -> tuple[bytes, Any]:
    """The body as sent (before the client decodes it), and the response."""
    with client.stream("GET", url, headers=headers) as response:
        body = b"".join(response.iter_raw())
    return body, response


def decoded(body: bytes, response: Any) -> bytes:
    return gzip.decompress(body) if response.headers.get("content-encoding") == "gzip" else body


def test_a_participants_page_of_300_notes_is_at_most_60_kb_gzipped(
    client: TestClient, board: dict[str, Any]
) -> None:
    writers = [join(client, board["id"], f"Osallistuja {n}") for n in range(10)]
    for number in range(300):
        text = f"{number}: {SENTENCES[number % len(SENTENCES)]} {SENTENCES[number * 7 % 4]}"
        post_note(client, board, writers[number % 10], text, column=number % 3)
    reader = join(client, board["id"], "Lukija")
    url = f"/b/{board['id']}"

    body, response = on_the_wire(client, url, {**reader, **GZIP})
    plain, identity = on_the_wire(client, url, {**reader, "Accept-Encoding": "identity"})

    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert len(body) <= 60_000, f"{len(body)} bytes gzipped ({len(plain)} plain)"
    assert "content-encoding" not in identity.headers  # only when the browser accepts it
    page = decoded(body, response)
    assert page.count(b"data-note-id=") == plain.count(b"data-note-id=") >= 300  # all of it
    assert len(page) > 5 * len(body)  # lean cards repeat less than the old ones (was 20 ×)
    # The security headers survive compression, and caches keep the two apart.
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert "accept-encoding" in response.headers["vary"].lower()


def test_scripts_styles_and_json_are_compressed_small_answers_are_not(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    for asset in ("/static/board.js", "/static/app.css"):
        body, response = on_the_wire(client, asset, GZIP)
        assert response.headers["content-encoding"] == "gzip", asset
        assert len(body) < len(decoded(body, response)) / 2, asset
    url = f"/api/v1/boards/{board['id']}"
    body, snapshot = on_the_wire(client, url, {**facilitator, **GZIP})
    assert snapshot.headers["content-encoding"] == "gzip"
    assert json.loads(decoded(body, snapshot))["id"] == board["id"]
    _, health = on_the_wire(client, "/healthz", GZIP)
    assert "content-encoding" not in health.headers


def test_a_word_export_is_sent_as_it_is(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    url = f"/api/v1/boards/{board['id']}/export?format=docx"
    body, response = on_the_wire(client, url, {**facilitator, **GZIP})
    assert response.status_code == 200
    assert "content-encoding" not in response.headers  # a .docx is a zip already
    assert body.startswith(b"PK")


def test_the_live_stream_still_works_behind_the_compression(
    client: TestClient, board: dict[str, Any]
) -> None:
    headers = join(client, board["id"])
    token = headers["Authorization"].split()[1]
    url = f"/api/v1/boards/{board['id']}/ws?token={token}&since={board['seq']}"
    with client.websocket_connect(url, headers=GZIP) as socket:
        note = post_note(client, board, headers, "live through gzip")
        frame = socket.receive_text()
    assert note["id"] in frame
