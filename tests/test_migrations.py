"""The schema comes only from Alembic; these prove the migrations equal the models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, text
from sqlmodel import SQLModel

import app.models  # noqa: F401
from app.db import alembic_config, make_engine, migrate
from tests.conftest import join, post_note


def test_migrations_produce_exactly_the_models_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate(url)
    engine = create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert differences == []


def test_migrate_twice_is_harmless_and_creates_the_directory(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'dir' / 'paja.db'}"
    migrate(url)
    migrate(url)
    engine = create_engine(url)
    assert "events" in inspect(engine).get_table_names()
    engine.dispose()


TRICKY = 'Kirjoitin "group_id": "x", "work_groups" ja group.created tähän'


def _events(url: str) -> list[tuple[int, str, Any]]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT seq, type, data FROM events ORDER BY seq")).all()
    engine.dispose()
    return [
        (seq, type_, json.loads(data) if isinstance(data, str) else data)
        for seq, type_, data in rows
    ]


@pytest.mark.all_backends
def test_the_words_migration_renames_the_schema_and_the_stored_events_both_ways(
    client: TestClient,
    backend: tuple[str, str | None],
    board: dict[str, Any],
    facilitator: dict[str, str],
) -> None:
    """0012_words: work groups are discussion groups and note groups themes, in the tables
    and in the stored events a catch-up replays. Going down gives the old words back and
    up again the same rows; a note's text that looks like a key is never touched."""
    url = f"/api/v1/boards/{board['id']}"
    made = client.post(f"{url}/discussion-groups", json={"name": "Ryhmä 1"}, headers=facilitator)
    [group] = made.json()["discussion_groups"]
    anna = join(client, board["id"], "Anna")
    client.put(f"{url}/me", json={"discussion_group_id": group["id"]}, headers=anna)
    notes = [post_note(client, board, anna, TRICKY), post_note(client, board, anna, "Toinen")]
    theme = {"title": "Teema", "note_ids": [n["id"] for n in notes]}
    assert client.post(f"{url}/themes", json=theme, headers=facilitator).status_code == 201
    database = backend[0]
    before = _events(database)
    assert {"theme.created", "discussion_groups.changed"} <= {t for _, t, _ in before}

    config = alembic_config(database)
    command.downgrade(config, "0011_event_facts")
    old = _events(database)
    engine = make_engine(database)
    with engine.connect() as connection:
        schema = inspect(connection)
        assert {"note_groups", "work_groups"} <= set(schema.get_table_names())
        assert {"themes", "discussion_groups"}.isdisjoint(schema.get_table_names())
        assert {"group_id", "work_group_id"} <= {c["name"] for c in schema.get_columns("notes")}
        kept = connection.execute(text("SELECT group_id, work_group_id, text FROM notes")).all()
    engine.dispose()
    assert {row.text for row in kept} == {TRICKY, "Toinen"}
    assert all(row.group_id and row.work_group_id == group["id"] for row in kept)
    types = [t for _, t, _ in old]
    assert "group.created" in types and "work_groups.changed" in types
    assert not {"theme.created", "discussion_groups.changed"} & set(types)
    [created] = [data for _, t, data in old if t == "group.created"]
    assert [n["group_id"] for n in created["notes"]] == [created["id"]] * 2
    assert created["notes"][0]["work_group_name"] == "Ryhmä 1"
    assert created["notes"][0]["text"] == TRICKY

    command.upgrade(config, "head")
    assert _events(database) == before
    snapshot = client.get(url, headers=facilitator).json()
    assert [t["title"] for t in snapshot["themes"]] == ["Teema"]
    assert {n["discussion_group_name"] for n in snapshot["notes"]} == {"Ryhmä 1"}
    engine = create_engine(database)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
    engine.dispose()
