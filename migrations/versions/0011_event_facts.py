"""events record facts: no per-audience copy; the note an event is about, indexed

Revision ID: 0011_event_facts
Revises: 0010_note_embeddings
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_event_facts"
down_revision: str | None = "0010_note_embeddings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Older events keep their data; their for_others goes. A participant's catch-up of
    # such an event is projected against the note's current state (app.audience), and
    # events older than the catch-up limit are never replayed (a snapshot is sent).
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("for_others")
        batch_op.add_column(sa.Column("note_id", sa.String(), nullable=True))
        batch_op.create_index(batch_op.f("ix_events_note_id"), ["note_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_note_id"))
        batch_op.drop_column("note_id")
        batch_op.add_column(sa.Column("for_others", sa.JSON(), nullable=True))
