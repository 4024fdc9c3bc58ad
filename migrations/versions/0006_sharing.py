"""timer, passcode and own templates

Revision ID: 0006_sharing
Revises: 0005_grouping
Create Date: 2026-12-01 07:10:58.577844
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006_sharing"
down_revision: str | None = "0005_grouping"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "own_templates",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("owner_id", sa.String(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("question", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["facilitators.id"],
            name=op.f("fk_own_templates_owner_id_facilitators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_own_templates")),
    )
    with op.batch_alter_table("own_templates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_own_templates_owner_id"), ["owner_id"], unique=False)

    with op.batch_alter_table("boards", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("timer_started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("timer_ends_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("timer_seconds", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("passcode_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("boards", schema=None) as batch_op:
        batch_op.drop_column("passcode_hash")
        batch_op.drop_column("timer_seconds")
        batch_op.drop_column("timer_ends_at")
        batch_op.drop_column("timer_started_at")

    with op.batch_alter_table("own_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_own_templates_owner_id"))

    op.drop_table("own_templates")
