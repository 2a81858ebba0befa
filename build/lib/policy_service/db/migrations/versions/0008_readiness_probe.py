"""readiness probe: a table /readyz writes to (and rolls back) to prove writes work

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

import policy_service.db.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "readiness_probes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("probed_at", policy_service.db.types.UTCDateTime(timezone=True),
                  nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_readiness_probes")),
    )


def downgrade() -> None:
    op.drop_table("readiness_probes")
