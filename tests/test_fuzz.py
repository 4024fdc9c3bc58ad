"""Fuzzing: schemathesis throws schema-shaped and malformed requests at every API route,
and hypothesis throws random frames at the WebSocket. Nothing may answer 5xx, break its
declared schema, or take the board down."""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.conftest import join, post_note
from tests.wsutil import events_of, receive_events, stream_url, token_of

EXAMPLES_PER_ROUTE = 30
# Schema-valid input can still break a rule of the board (blank text after trimming, a
# column of another board, a configurable length limit); those get a 4xx by design.
RULES_THE_SCHEMA_CANNOT_SAY = [positive_data_acceptance]


def operation_labels() -> list[str]:
    """The API's operations, read from the schema the app publishes."""
    from app.config import Settings
    from app.main import create_app

    app = create_app(Settings(database_url="sqlite://", secret_key="label-listing-only"))
    loaded = schemathesis.openapi.from_dict(app.openapi())
    return sorted(result.ok().label for result in loaded.get_all_operations())


@pytest.mark.parametrize("label", operation_labels())
def test_no_route_answers_5xx_or_breaks_its_schema(
    app: Any, client: TestClient, facilitator: dict[str, str], board: dict[str, Any], label: str
) -> None:
    loaded = schemathesis.openapi.from_asgi("/openapi.json", app)
    operation = next(
        result.ok() for result in loaded.get_all_operations() if result.ok().label == label
    )

    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=EXAMPLES_PER_ROUTE, deadline=None, suppress_health_check=list(HealthCheck)
    )
    def check(case: Any) -> None:
        if "board_id" in (case.path_parameters or {}):
            case.path_parameters["board_id"] = board["id"]
        case.call_and_validate(headers=facilitator, excluded_checks=RULES_THE_SCHEMA_CANNOT_SAY)

    check()


FRAMES = st.one_of(
    st.text(max_size=300),
    st.binary(max_size=300),
    st.dictionaries(
        st.text(max_size=10),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=20),
            lambda children: (
                st.lists(children, max_size=4)
                | st.dictionaries(st.text(max_size=5), children, max_size=4)
            ),
            max_leaves=10,
        ),
        max_size=5,
    ).map(json.dumps),
)


def test_random_frames_do_not_break_the_stream(
    settings: Any, client: TestClient, board: dict[str, Any]
) -> None:
    settings.ws_frames_per_second = 100_000  # every frame is answered, none dropped
    reader, writer = join(client, board["id"]), join(client, board["id"])

    with client.websocket_connect(stream_url(board["id"], token_of(reader), board["seq"])) as ws:

        @given(frame=FRAMES)
        @hypothesis_settings(
            max_examples=150, deadline=None, suppress_health_check=list(HealthCheck)
        )
        def throw(frame: str | bytes) -> None:
            if isinstance(frame, bytes):
                ws.send_bytes(frame)
            else:
                ws.send_text(frame)
            [reply] = events_of(ws.receive_text())
            assert reply["type"] in {"error", "pong"}

        throw()
        post_note(client, board, writer, "Yhä pystyssä")
        [created] = receive_events(ws, 1)
    assert created["data"]["text"] == "Yhä pystyssä"
