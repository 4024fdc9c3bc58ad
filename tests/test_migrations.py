"""The schema comes only from Alembic; these prove the migrations equal the models."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import app.models  # noqa: F401
from app.db import migrate


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
