"""grid boards: rows across the columns, and each note's row

Revision ID: 0004_grid
Revises: 0003_visibility
Create Date: 2026-12-01 07:10:40.074758
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004_grid"
down_revision: str | None = "0003_visibility"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "board_rows",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("board_id", sa.String(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["board_id"],
            ["boards.id"],
            name=op.f("fk_board_rows_board_id_boards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_rows")),
    )
    with op.batch_alter_table("board_rows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_board_rows_board_id"), ["board_id"], unique=False)

    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("row_id", sa.String(), nullable=True))
        batch_op.create_index(batch_op.f("ix_notes_row_id"), ["row_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_notes_row_id_board_rows"),
            "board_rows",
            ["row_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_notes_row_id_board_rows"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_notes_row_id"))
        batch_op.drop_column("row_id")

    with op.batch_alter_table("board_rows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_board_rows_board_id"))

    op.drop_table("board_rows")
