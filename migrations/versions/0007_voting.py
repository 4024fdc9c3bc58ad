"""voting rounds: a budget per person, several votes on one note, hidden results

Revision ID: 0007_voting
Revises: 0006_sharing
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007_voting"
down_revision: str | None = "0006_sharing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("boards", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "voting_state",
                sqlmodel.sql.sqltypes.AutoString(),
                nullable=False,
                server_default="free",
            )
        )
        batch_op.add_column(
            sa.Column("vote_budget", sa.Integer(), nullable=False, server_default="3")
        )
        batch_op.add_column(
            sa.Column("max_votes_per_note", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.add_column(
            sa.Column("hide_results", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("count", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.drop_column("count")
    with op.batch_alter_table("boards", schema=None) as batch_op:
        batch_op.drop_column("hide_results")
        batch_op.drop_column("max_votes_per_note")
        batch_op.drop_column("vote_budget")
        batch_op.drop_column("voting_state")
