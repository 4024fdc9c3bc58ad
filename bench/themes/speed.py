"""Speed of theme suggestions on real boards: the time to embed a note (the worker's
cost per note written), and the time a facilitator waits for suggestions on a 500-note
board whose embeddings are already computed, and on 2,000 and 5,000 notes.

    python -m bench.themes.speed      # about 3 minutes on a quiet machine

Runs the app in process (TestClient) on a SQLite file; writes results/themes_speed.json."""

from __future__ import annotations

import json
import logging
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import func, select

from app.config import Settings
from app.db import migrate
from app.main import create_app
from app.models import Note, NoteEmbedding
from app.services import accounts
from app.themes import model
from bench.themes.quality import RESULTS, load_set

PASSWORD = "bench password 123"


def _client(data: Path, engine: str, **limits: Any) -> TestClient:
    url = f"sqlite:///{data / 'paja.db'}"
    migrate(url)
    settings = Settings(
        database_url=url,
        secret_key="bench-secret-key-that-is-long-enough",
        data_dir=data,
        base_url="http://testserver",
        theme_engine=engine,
        posts_per_minute=100_000,
        **limits,
    )
    app = create_app(settings)
    with app.state.db.session() as session:
        accounts.create_facilitator(session, "bench@example.fi", PASSWORD, "Bench")
    return TestClient(app)


def _board(client: TestClient, notes: int, direct: bool = False) -> tuple[dict[str, str], str]:
    """A board with `notes` notes (the labelled set, numbered, over six columns): through
    the API, so the worker sees them, or (`direct`) written straight into the table."""
    token = client.post(
        "/api/v1/auth/token", json={"email": "bench@example.fi", "password": PASSWORD}
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    board = client.post(
        "/api/v1/boards", json={"title": "Bench", "template": "elo-national-2020"}, headers=headers
    ).json()
    texts = [note.text for note in load_set().notes]
    written = [
        (texts[i % len(texts)] + ("" if i < len(texts) else f" ({i // len(texts)})"), i)
        for i in range(notes)
    ]
    columns = [column["id"] for column in board["columns"]]
    if direct:
        with client.app.state.db.session() as session:
            for text, i in written:
                column = columns[i % len(columns)]
                session.add(Note(board_id=board["id"], column_id=column, text=text, position=i))
            session.commit()
        return headers, board["id"]
    for text, i in written:
        column = columns[i % len(columns)]
        response = client.post(
            f"/api/v1/boards/{board['id']}/notes",
            json={"column_id": column, "text": text},
            headers=headers,
        )
        assert response.status_code == 201, response.text
    return headers, board["id"]


def _timed(client: TestClient, board_id: str, headers: dict[str, str], runs: int = 3) -> dict:
    times, status, body = [], 0, {}
    for _ in range(runs):
        started = time.perf_counter()
        response = client.post(
            f"/api/v1/boards/{board_id}/theme-suggestions", json={}, headers=headers
        )
        times.append(time.perf_counter() - started)
        status, body = response.status_code, response.json()
    return {
        "status": status,
        "median_seconds": round(statistics.median(times), 3),
        "max_seconds": round(max(times), 3),
        "engine": body.get("engine"),
        "themes": len(body.get("themes", [])),
        "detail": body.get("detail"),
    }


def _wait_for_embeddings(client: TestClient, count: int, deadline: float = 900) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < deadline:
        with client.app.state.db.session() as session:
            done = session.exec(select(func.count()).select_from(NoteEmbedding)).one()
        if done >= count:
            return time.perf_counter() - started
        time.sleep(0.5)
    raise TimeoutError("embeddings not computed in time")


def embedding_per_note() -> dict:
    texts = [note.text for note in load_set().notes]
    model.embed(texts[:2])  # load
    started = time.perf_counter()
    for text in texts:
        model.embed([text])
    one = (time.perf_counter() - started) / len(texts)
    started = time.perf_counter()
    model.embed(texts)
    batch = (time.perf_counter() - started) / len(texts)
    return {"one_at_a_time_ms": round(one * 1000, 1), "batched_ms": round(batch * 1000, 1)}


def main() -> None:
    logging.disable(logging.INFO)  # one line per request would drown the figures
    report: dict[str, Any] = {"load_before": os.getloadavg()}
    if model.available():
        report["embedding_per_note"] = embedding_per_note()
        with tempfile.TemporaryDirectory() as data, _client(Path(data), "embedding") as client:
            headers, board_id = _board(client, 500)
            report["worker_catch_up_seconds_500"] = round(_wait_for_embeddings(client, 500), 1)
            report["embedding_500"] = _timed(client, board_id, headers)
    for notes in (500, 2000, 5000):
        with tempfile.TemporaryDirectory() as data, _client(Path(data), "lexical") as client:
            headers, board_id = _board(client, notes, direct=True)
            report[f"lexical_{notes}"] = _timed(client, board_id, headers)
    report["load_after"] = os.getloadavg()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "themes_speed.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
