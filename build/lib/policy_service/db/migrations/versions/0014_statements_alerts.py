"""statements and early warning: outbox attachments, alerts

Revision ID: 0014
Revises: 0010
Create Date: 2026-12-07

A queued message may carry files (a statement's PDF goes out as an email attachment);
early-warning alerts, one open per customer and rule, closed by the run that sees the
rule stop matching.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0014"
down_revision = "0010"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "outbox_attachments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["outbox_messages.id"],
                                name="fk_outbox_attachments_message_id_outbox_messages"),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_attachments"),
    )
    op.create_index("ix_outbox_attachments_message_id", "outbox_attachments", ["message_id"])
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("message", JSON, nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("ruleset_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name="fk_alerts_customer_id_customers"),
        sa.PrimaryKeyConstraint("id", name="pk_alerts"),
    )
    op.create_index("ix_alerts_customer_status", "alerts", ["customer_id", "status"])
    op.create_index("ix_alerts_status_level", "alerts", ["status", "level"])


def downgrade() -> None:
    op.drop_index("ix_alerts_status_level", table_name="alerts")
    op.drop_index("ix_alerts_customer_status", table_name="alerts")
    op.drop_table("alerts")
    op.drop_index("ix_outbox_attachments_message_id", table_name="outbox_attachments")
    op.drop_table("outbox_attachments")
