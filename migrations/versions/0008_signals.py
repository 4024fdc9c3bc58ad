"""work groups, done, reactions, follow me

Revision ID: 0008_signals
Revises: 0007_voting
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008_signals"
down_revision: str | None = "0007_voting"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "work_groups",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("board_id", sa.String(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["board_id"],
            ["boards.id"],
            name=op.f("fk_work_groups_board_id_boards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_groups")),
    )
    with op.batch_alter_table("work_groups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_work_groups_board_id"), ["board_id"], unique=False)

    op.create_table(
        "reactions",
        sa.Column("note_id", sa.String(), nullable=False),
        sa.Column("participant_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("board_id", sa.String(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["board_id"],
            ["boards.id"],
            name=op.f("fk_reactions_board_id_boards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["note_id"], ["notes.id"], name=op.f("fk_reactions_note_id_notes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_reactions_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("note_id", "participant_id", "name", name=op.f("pk_reactions")),
    )
    with op.batch_alter_table("reactions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reactions_board_id"), ["board_id"], unique=False)

    with op.batch_alter_table("boards", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("follow_column_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )

    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("work_group_id", sa.String(), nullable=True))
        batch_op.add_column(
            sa.Column("done", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index(
            batch_op.f("ix_participants_work_group_id"), ["work_group_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_participants_work_group_id_work_groups"),
            "work_groups",
            ["work_group_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("work_group_id", sa.String(), nullable=True))
        batch_op.create_index(batch_op.f("ix_notes_work_group_id"), ["work_group_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_notes_work_group_id_work_groups"),
            "work_groups",
            ["work_group_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_notes_work_group_id_work_groups"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_notes_work_group_id"))
        batch_op.drop_column("work_group_id")

    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_participants_work_group_id_work_groups"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_participants_work_group_id"))
        batch_op.drop_column("done")
        batch_op.drop_column("work_group_id")

    with op.batch_alter_table("boards", schema=None) as batch_op:
        batch_op.drop_column("follow_column_id")

    with op.batch_alter_table("reactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reactions_board_id"))
    op.drop_table("reactions")

    with op.batch_alter_table("work_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_groups_board_id"))
    op.drop_table("work_groups")
