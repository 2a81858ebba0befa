"""admin login failures, so the login can be throttled per username and per address

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

import policy_service.db.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admin_login_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("failed_at", policy_service.db.types.UTCDateTime(timezone=True),
                  nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_login_failures")),
    )
    op.create_index("ix_admin_login_failures_username", "admin_login_failures",
                    ["username", "failed_at"], unique=False)
    op.create_index("ix_admin_login_failures_address", "admin_login_failures",
                    ["address", "failed_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_admin_login_failures_address", table_name="admin_login_failures")
    op.drop_index("ix_admin_login_failures_username", table_name="admin_login_failures")
    op.drop_table("admin_login_failures")
