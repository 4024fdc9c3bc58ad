"""note embeddings for theme suggestions

Revision ID: 0010_note_embeddings
Revises: 0009_own_template_rows
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010_note_embeddings"
down_revision: str | None = "0009_own_template_rows"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "note_embeddings",
        sa.Column("note_id", sa.String(), nullable=False),
        sa.Column("board_id", sa.String(), nullable=False),
        sa.Column("model", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("text_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["board_id"],
            ["boards.id"],
            name=op.f("fk_note_embeddings_board_id_boards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["note_id"],
            ["notes.id"],
            name=op.f("fk_note_embeddings_note_id_notes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("note_id", name=op.f("pk_note_embeddings")),
    )
    with op.batch_alter_table("note_embeddings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_note_embeddings_board_id"), ["board_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("note_embeddings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_embeddings_board_id"))
    op.drop_table("note_embeddings")
