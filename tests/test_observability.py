"""Metrics and logs an operator relies on, without anyone's words or keys in them."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.observability import configure_logging
from tests.conftest import join, post_note
from tests.wsutil import receive_events, stream_url, token_of


def test_metrics_count_requests_events_and_connections(
    client: TestClient, board: dict[str, Any]
) -> None:
    guest = join(client, board["id"])
    with client.websocket_connect(stream_url(board["id"], token_of(guest), board["seq"])) as ws:
        post_note(client, board, guest, "Mittari")
        receive_events(ws, 1)
        during = client.get("/metrics").text
    assert "paja_websocket_connections 1.0" in during
    assert 'route="/api/v1/boards/{board_id}/notes"' in during
    assert "paja_events_total" in during
    assert "/metrics" not in client.get("/openapi.json").text


def test_logs_carry_routes_not_words_tokens_or_board_ids(
    client: TestClient, board: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    configure_logging()
    caplog.set_level(logging.INFO)
    guest = join(client, board["id"])
    with client.websocket_connect(stream_url(board["id"], token_of(guest), board["seq"])) as ws:
        post_note(client, board, guest, "Salainen ajatus")
        receive_events(ws, 1)
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "paja"]
    requests = [line for line in lines if line["event"] == "request"]
    sessions = [line for line in lines if line["event"] == "websocket"]
    assert {
        "method": "POST",
        "route": "/api/v1/boards/{board_id}/notes",
        "status": 201,
    }.items() <= requests[-1].items()
    assert sessions and sessions[0]["frames"] >= 1
    # Everything the server logged (the test client's own request log aside).
    everything = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
    assert "Salainen ajatus" not in everything
    assert token_of(guest) not in everything
    assert board["id"] not in everything
