"""logins can be deactivated (the admin's users screen)

Revision ID: 0016
Revises: 0009
Create Date: 2026-12-07

A deactivated login keeps its row (its name stays on every change it made) but can no
longer sign in.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("active", sa.Boolean(), nullable=False,
                                   server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("active")
