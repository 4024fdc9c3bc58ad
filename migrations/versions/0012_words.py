"""the people's words: work groups are discussion groups, note groups are themes

Revision ID: 0012_words
Revises: 0011_event_facts

Tables, columns and indexes take the words the screen uses, and the stored events are
rewritten to them, so a catch-up replayed after the upgrade speaks the new words: event
types group.* → theme.* and work_groups.changed → discussion_groups.changed, and in the
events' data the keys group_id → theme_id, work_group_id → discussion_group_id,
work_group_name → discussion_group_name, work_groups → discussion_groups, and a board's
"groups" (its themes) → "themes".

Only renames: no table is rebuilt. On SQLite a rebuild drops the old table, and with
foreign keys on (app.db turns them on, and a migration runs inside a transaction where
the pragma cannot be turned off) dropping notes or a referenced table would fire ON
DELETE actions and lose comments or clear notes' themes. SQLite (3.26+) renames tables
and columns in place and rewrites the REFERENCES of other tables; its foreign-key
constraints keep their old names inside the tables' SQL, which nothing compares (a later
migration that drops one of them by name on SQLite must use the old name). PostgreSQL
renames its constraints too.
"""

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0012_words"
down_revision: str | None = "0011_event_facts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = {"note_groups": "themes", "work_groups": "discussion_groups"}
# (table, old column, new column, the table the column refers to after the rename)
COLUMNS = [
    ("notes", "group_id", "theme_id", "themes"),
    ("notes", "work_group_id", "discussion_group_id", "discussion_groups"),
    ("participants", "work_group_id", "discussion_group_id", "discussion_groups"),
]
# Indexes of the renamed tables' own columns: (old table, new table, column)
TABLE_INDEXES = [
    ("note_groups", "themes", "board_id"),
    ("note_groups", "themes", "column_id"),
    ("work_groups", "discussion_groups", "board_id"),
]
# Their foreign keys: (old table, new table, column, referred table)
TABLE_FOREIGN_KEYS = [
    ("note_groups", "themes", "board_id", "boards"),
    ("note_groups", "themes", "column_id", "columns"),
    ("work_groups", "discussion_groups", "board_id", "boards"),
]

EVENT_TYPES = {
    "group.created": "theme.created",
    "group.updated": "theme.updated",
    "group.deleted": "theme.deleted",
    "work_groups.changed": "discussion_groups.changed",
}
# Renamed wherever they are keys of the event's data, however deep (notes inside a
# theme's card carry theme_id and discussion_group_name too).
DATA_KEYS = {
    "group_id": "theme_id",
    "work_group_id": "discussion_group_id",
    "work_group_name": "discussion_group_name",
    "work_groups": "discussion_groups",
}
# Renamed only at the top of the data: a board's list of its themes.
TOP_KEYS = {"groups": "themes"}
BATCH = 500

events = sa.table(
    "events",
    sa.column("board_id", sa.String()),
    sa.column("seq", sa.Integer()),
    sa.column("type", sa.String()),
    sa.column("data", sa.JSON()),
)


def upgrade() -> None:
    _rename_schema(TABLES, COLUMNS, forward=True)
    _rewrite_events(EVENT_TYPES, DATA_KEYS, TOP_KEYS)


def downgrade() -> None:
    _rewrite_events(_inverse(EVENT_TYPES), _inverse(DATA_KEYS), _inverse(TOP_KEYS))
    _rename_schema(TABLES, COLUMNS, forward=False)


def _rename_schema(
    tables: dict[str, str], columns: list[tuple[str, str, str, str]], *, forward: bool
) -> None:
    postgres = op.get_bind().dialect.name == "postgresql"

    def pick(old: str, new: str) -> tuple[str, str]:
        return (old, new) if forward else (new, old)

    for old, new in tables.items():
        before, after = pick(old, new)
        op.execute(f"ALTER TABLE {before} RENAME TO {after}")
        if postgres:
            op.execute(f"ALTER TABLE {after} RENAME CONSTRAINT pk_{before} TO pk_{after}")
    for old_table, new_table, column in TABLE_INDEXES:
        before, after = pick(old_table, new_table)
        _rename_index(after, f"ix_{before}_{column}", f"ix_{after}_{column}", column, postgres)
    if postgres:
        for old_table, new_table, column, referred in TABLE_FOREIGN_KEYS:
            before, after = pick(old_table, new_table)
            op.execute(
                f"ALTER TABLE {after} RENAME CONSTRAINT "
                f"fk_{before}_{column}_{referred} TO fk_{after}_{column}_{referred}"
            )
    for table, old_column, new_column, new_referred in columns:
        before, after = pick(old_column, new_column)
        referred_before, referred_after = pick(_old_table(new_referred), new_referred)
        op.execute(f"ALTER TABLE {table} RENAME COLUMN {before} TO {after}")
        _rename_index(table, f"ix_{table}_{before}", f"ix_{table}_{after}", after, postgres)
        if postgres:
            op.execute(
                f"ALTER TABLE {table} RENAME CONSTRAINT fk_{table}_{before}_{referred_before} "
                f"TO fk_{table}_{after}_{referred_after}"
            )


def _old_table(new: str) -> str:
    return next(old for old, renamed in TABLES.items() if renamed == new)


def _rename_index(table: str, old: str, new: str, column: str, postgres: bool) -> None:
    if postgres:
        op.execute(f"ALTER INDEX {old} RENAME TO {new}")
    else:  # SQLite has no ALTER INDEX; the index is small next to its table
        op.drop_index(old, table_name=table)
        op.create_index(new, table, [column], unique=False)


def _rewrite_events(types: dict[str, str], keys: dict[str, str], top: dict[str, str]) -> None:
    """Rewrite the stored events in batches, in Python over the decoded JSON, so only keys
    are renamed: a note's text inside an event is a value and is never touched."""
    bind = op.get_bind()
    for rows in _batches(bind):
        changed = []
        for row in rows:
            data = _renamed(row.data, keys)
            if isinstance(data, dict):
                data = {top.get(key, key): value for key, value in data.items()}
            type_ = types.get(row.type, row.type)
            if type_ != row.type or data != row.data:
                changed.append({"b": row.board_id, "s": row.seq, "type": type_, "data": data})
        if changed:
            bind.execute(
                events.update()
                .where(events.c.board_id == sa.bindparam("b"), events.c.seq == sa.bindparam("s"))
                .values(type=sa.bindparam("type"), data=sa.bindparam("data", type_=sa.JSON())),
                changed,
            )


def _batches(bind: Any) -> Iterator[list[Any]]:
    """Every event, BATCH at a time, in key order (no offset: each batch starts after the
    last key of the one before)."""
    last: tuple[str, int] | None = None
    while True:
        query = sa.select(events.c.board_id, events.c.seq, events.c.type, events.c.data)
        if last is not None:
            query = query.where(
                sa.or_(
                    events.c.board_id > last[0],
                    sa.and_(events.c.board_id == last[0], events.c.seq > last[1]),
                )
            )
        rows = bind.execute(query.order_by(events.c.board_id, events.c.seq).limit(BATCH)).all()
        if not rows:
            return
        yield rows
        last = (rows[-1].board_id, rows[-1].seq)


def _renamed(value: Any, keys: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {keys.get(key, key): _renamed(item, keys) for key, item in value.items()}
    if isinstance(value, list):
        return [_renamed(item, keys) for item in value]
    return value


def _inverse(mapping: dict[str, str]) -> dict[str, str]:
    return {new: old for old, new in mapping.items()}
