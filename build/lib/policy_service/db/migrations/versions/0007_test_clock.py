"""the test clock: business dates set for training and simulations (append-only)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

import policy_service.db.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "test_clock_settings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("today", sa.Date(), nullable=False),
        sa.Column("set_by", sa.String(length=100), nullable=False),
        sa.Column("set_at", policy_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_test_clock_settings")),
    )


def downgrade() -> None:
    op.drop_table("test_clock_settings")
