"""note groups, next-step fields, note colours

Revision ID: 0005_grouping
Revises: 0004_grid
Create Date: 2026-12-01 07:10:08.075868
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005_grouping"
down_revision: str | None = "0004_grid"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "note_groups",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("board_id", sa.String(), nullable=False),
        sa.Column("column_id", sa.String(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["board_id"],
            ["boards.id"],
            name=op.f("fk_note_groups_board_id_boards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["column_id"],
            ["columns.id"],
            name=op.f("fk_note_groups_column_id_columns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_groups")),
    )
    with op.batch_alter_table("note_groups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_note_groups_board_id"), ["board_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_note_groups_column_id"), ["column_id"], unique=False)

    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_id", sa.String(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "owner", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""
            )
        )
        batch_op.add_column(
            sa.Column(
                "partners", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""
            )
        )
        batch_op.add_column(
            sa.Column("how", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("when", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column(
                "color", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="yellow"
            )
        )
        batch_op.create_index(batch_op.f("ix_notes_group_id"), ["group_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_notes_group_id_note_groups"),
            "note_groups",
            ["group_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_notes_group_id_note_groups"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_notes_group_id"))
        batch_op.drop_column("color")
        batch_op.drop_column("when")
        batch_op.drop_column("how")
        batch_op.drop_column("partners")
        batch_op.drop_column("owner")
        batch_op.drop_column("group_id")

    with op.batch_alter_table("note_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_groups_column_id"))
        batch_op.drop_index(batch_op.f("ix_note_groups_board_id"))

    op.drop_table("note_groups")
