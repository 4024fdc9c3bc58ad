"""own templates keep a grid board's rows

Revision ID: 0009_own_template_rows
Revises: 0008_signals
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_own_template_rows"
down_revision: str | None = "0008_signals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("own_templates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rows", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("own_templates", schema=None) as batch_op:
        batch_op.drop_column("rows")
