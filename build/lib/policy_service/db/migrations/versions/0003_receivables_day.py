"""receivables day: penalty accruals, dunning, outbox, reviews, legal cases, runs

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import policy_service.db.types

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "aging_snapshots",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column(
            "buckets",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "provision", policy_service.db.types.Money(precision=18, scale=2), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aging_snapshots")),
        sa.UniqueConstraint("customer_id", "as_of", name="uq_aging_snapshots_customer_as_of"),
    )
    op.create_table(
        "daily_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("shard", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column(
            "counts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("started_at", policy_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", policy_service.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_daily_runs")),
    )
    op.create_index(op.f("ix_daily_runs_as_of"), "daily_runs", ["as_of"], unique=False)
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("invoice_id", sa.String(length=64), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body_zh", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "next_attempt_at", policy_service.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("created_at", policy_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", policy_service.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_messages_dedupe_key")),
    )
    op.create_index(
        op.f("ix_outbox_messages_customer_id"), "outbox_messages", ["customer_id"], unique=False
    )
    op.create_index(
        "ix_outbox_messages_status_next",
        "outbox_messages",
        ["status", "next_attempt_at"],
        unique=False,
    )
    op.create_table(
        "blacklist_candidates",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("flagged_on", sa.Date(), nullable=False),
        sa.Column("late_invoices", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_blacklist_candidates_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blacklist_candidates")),
        sa.UniqueConstraint("customer_id", name=op.f("uq_blacklist_candidates_customer_id")),
    )
    op.create_table(
        "credit_reviews",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column(
            "indicators",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column(
            "reason",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "current_limit", policy_service.db.types.Money(precision=18, scale=2), nullable=False
        ),
        sa.Column("current_tier", sa.String(length=8), nullable=False),
        sa.Column(
            "proposed_limit", policy_service.db.types.Money(precision=18, scale=2), nullable=False
        ),
        sa.Column("proposed_tier", sa.String(length=8), nullable=False),
        sa.Column("ruleset_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", policy_service.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_credit_reviews_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_reviews")),
        sa.UniqueConstraint("customer_id", "review_date", name="uq_credit_reviews_customer_date"),
    )
    op.create_index(
        op.f("ix_credit_reviews_customer_id"), "credit_reviews", ["customer_id"], unique=False
    )
    op.create_table(
        "dunning_steps",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("invoice_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("step", sa.String(length=40), nullable=False),
        sa.Column(
            "channels",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "actions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("message_sent", sa.Boolean(), nullable=False),
        sa.Column("ruleset_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_dunning_steps_invoice_id_invoices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dunning_steps")),
        sa.UniqueConstraint("invoice_id", "rule", name="uq_dunning_steps_invoice_rule"),
    )
    op.create_index(
        op.f("ix_dunning_steps_customer_id"), "dunning_steps", ["customer_id"], unique=False
    )
    op.create_table(
        "invoice_adjustments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("invoice_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("amount", policy_service.db.types.Money(precision=18, scale=2), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", policy_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_invoice_adjustments_invoice_id_invoices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_adjustments")),
    )
    op.create_index(
        op.f("ix_invoice_adjustments_invoice_id"),
        "invoice_adjustments",
        ["invoice_id"],
        unique=False,
    )
    op.create_table(
        "legal_cases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("invoice_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("amount", policy_service.db.types.Money(precision=18, scale=2), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_legal_cases_invoice_id_invoices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_cases")),
        sa.UniqueConstraint("invoice_id", name=op.f("uq_legal_cases_invoice_id")),
    )
    op.create_index(
        op.f("ix_legal_cases_customer_id"), "legal_cases", ["customer_id"], unique=False
    )
    op.create_table(
        "penalty_accruals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("invoice_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("base", policy_service.db.types.Money(precision=18, scale=2), nullable=False),
        sa.Column("amount", policy_service.db.types.Money(precision=18, scale=2), nullable=False),
        sa.Column("ruleset_version", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_penalty_accruals_invoice_id_invoices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_penalty_accruals")),
        sa.UniqueConstraint("invoice_id", "day", name="uq_penalty_accruals_invoice_day"),
    )
    op.create_index(
        op.f("ix_penalty_accruals_customer_id"), "penalty_accruals", ["customer_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_penalty_accruals_customer_id"), table_name="penalty_accruals")
    op.drop_table("penalty_accruals")
    op.drop_index(op.f("ix_legal_cases_customer_id"), table_name="legal_cases")
    op.drop_table("legal_cases")
    op.drop_index(op.f("ix_invoice_adjustments_invoice_id"), table_name="invoice_adjustments")
    op.drop_table("invoice_adjustments")
    op.drop_index(op.f("ix_dunning_steps_customer_id"), table_name="dunning_steps")
    op.drop_table("dunning_steps")
    op.drop_index(op.f("ix_credit_reviews_customer_id"), table_name="credit_reviews")
    op.drop_table("credit_reviews")
    op.drop_table("blacklist_candidates")
    op.drop_index("ix_outbox_messages_status_next", table_name="outbox_messages")
    op.drop_index(op.f("ix_outbox_messages_customer_id"), table_name="outbox_messages")
    op.drop_table("outbox_messages")
    op.drop_index(op.f("ix_daily_runs_as_of"), table_name="daily_runs")
    op.drop_table("daily_runs")
    op.drop_table("aging_snapshots")
