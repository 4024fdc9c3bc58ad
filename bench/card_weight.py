"""What a card weighs: the bytes of one note's live event and of a participant's board page.

    python -m bench.card_weight [--notes 300] [--out bench/results/card_weight.json]

Runs the app in-process on a temporary SQLite database (no server, no network): a board
of the national strategy's six priorities, `--notes` notes by eight participants (texts
from tests/browser/seed_notes.txt, every fourth with a comment, votes on most), then

- the WebSocket frame of `note.created` for a 200-character note, as another participant
  receives it (the card travels once per language; its bytes are the same for everyone
  who may see the note), and as a facilitator receives it;
- the board page a participant downloads, uncompressed and gzipped;
- the CPU one participant's first board page costs (join form, then the page; the median
  of 20 people who open the link one after another, as a room from a Teams chat does).
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from app.config import Settings
from app.db import Audience, migrate
from app.main import create_app
from app.services import accounts, events
from app.web.render import encode_events

PASSWORD = "bench-password-long-enough"
SEED = Path(__file__).resolve().parent.parent / "tests" / "browser" / "seed_notes.txt"


def _texts() -> list[str]:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def _seed(client: TestClient, app: Any, notes: int) -> tuple[dict[str, Any], list[dict[str, str]]]:
    with app.state.db.session() as session:
        accounts.create_facilitator(session, "bench@example.fi", PASSWORD, "Bench")
    token = client.post(
        "/api/v1/auth/token", json={"email": "bench@example.fi", "password": PASSWORD}
    ).json()["access_token"]
    facilitator = {"Authorization": f"Bearer {token}"}
    board = client.post(
        "/api/v1/boards",
        json={"title": "ELO-foorumi", "template": "elo-national-2020"},
        headers=facilitator,
    ).json()
    people = []
    for name in ("Sanna", "Mikko", "", "Eeva", "Timo", "", "Laura", "Ahmed"):
        joined = client.post(f"/api/v1/boards/{board['id']}/participants", json={"name": name})
        people.append({"Authorization": f"Bearer {joined.json()['token']}"})
    texts = _texts()
    base = f"/api/v1/boards/{board['id']}/notes"
    for index in range(notes):
        column = board["columns"][index % len(board["columns"])]["id"]
        body = {"column_id": column, "text": texts[index % len(texts)]}
        note = client.post(base, json=body, headers=people[index % len(people)]).json()
        for voter in people[: index % 5]:
            client.put(f"{base}/{note['id']}/vote", headers=voter)
        if index % 4 == 0:
            comment = {"text": texts[(index + 40) % len(texts)][:120]}
            client.post(f"{base}/{note['id']}/comments", json=comment, headers=people[0])
    return board, people


def _event_bytes(
    client: TestClient, app: Any, board: dict[str, Any], author: dict[str, str]
) -> dict[str, int]:
    text = ("Ohjauksen palvelulupaus yhteiseksi koko maakuntaan: " * 5)[:200]
    column = board["columns"][0]["id"]
    body = {"column_id": column, "text": text}
    client.post(f"/api/v1/boards/{board['id']}/notes", json=body, headers=author)
    with app.state.db.session() as session:
        seq = client.get(f"/api/v1/boards/{board['id']}", headers=author).json()["seq"]
        [event] = events.since(session, board["id"], seq - 1, 1)
    assert event.type == "note.created", event.type
    other = Audience(facilitator=False, participant_id="someone-else")
    return {
        "participant": len(encode_events([event], "fi", other).encode()),
        "facilitator": len(encode_events([event], "fi", Audience(facilitator=True)).encode()),
    }


def _page_bytes(client: TestClient, board: dict[str, Any]) -> dict[str, int]:
    client.post(f"/b/{board['id']}/join", data={"name": "Lukija"})
    page = client.get(f"/b/{board['id']}", headers={"Accept-Encoding": "identity"}).content
    return {"uncompressed": len(page), "gzip": len(gzip.compress(page, 6))}


def _page_cpu_ms(app: Any, board: dict[str, Any], people: int = 20) -> dict[str, float]:
    """CPU per joiner (this process: the app and the in-process client): the join form's
    POST, and the board page it leads to."""
    joins, pages = [], []
    for number in range(people):
        person = TestClient(app)  # the app is running: a new browser, not a new server
        started = time.process_time()
        person.post(
            f"/b/{board['id']}/join",
            data={"name": f"Osallistuja {number}"},
            follow_redirects=False,  # to the page, timed on its own below
        )
        joined = time.process_time()
        person.get(f"/b/{board['id']}", headers={"Accept-Encoding": "gzip"})
        joins.append((joined - started) * 1000)
        pages.append((time.process_time() - joined) * 1000)
    return {
        "join_post_ms": round(statistics.median(joins), 1),
        "page_ms": round(statistics.median(pages), 1),
    }


def measure(notes: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as data:
        migrate(f"sqlite:///{data}/paja.db")
        settings = Settings(
            database_url=f"sqlite:///{data}/paja.db",
            secret_key="bench-secret-key-that-is-long-enough",
            data_dir=Path(data),
            base_url="http://testserver",
            posts_per_minute=1_000_000,
        )
        app = create_app(settings)
        with TestClient(app) as client:
            board, people = _seed(client, app, notes)
            frame = _event_bytes(client, app, board, people[1])
            page = _page_bytes(client, board)
            cpu = _page_cpu_ms(app, board)
    return {
        "notes": notes + 1,
        "note_event_bytes_200_chars": frame,
        "participant_page_bytes": page,
        "participant_first_page_cpu": cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=300)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    result = measure(args.notes)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
