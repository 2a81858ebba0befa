"""collections: disputes, payment plans with instalments, contacts

Revision ID: 0013
Revises: 0014
Create Date: 2026-12-07

Disputes of invoices, payment plans (and promises to pay) with their dated
instalments, and contacts with customers (policy.md part two).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import policy_service.db.types

revision = "0013"
down_revision = "0014"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _money(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, policy_service.db.types.Money(precision=18, scale=2),
                     nullable=nullable)


def _when(name: str) -> sa.Column:
    return sa.Column(name, policy_service.db.types.UTCDateTime(timezone=True), nullable=False)


def _fk(column: str, table: str, key: str, own: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{table}.{key}"],
                                   name=op.f(f"fk_{own}_{column}_{table}"))


def upgrade() -> None:
    op.create_table(
        "disputes",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("invoice_id", sa.String(64), nullable=False),
        sa.Column("customer_id", sa.String(64), nullable=False),
        _money("amount"),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("opened_by", sa.String(100), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("resolved_by", sa.String(100), nullable=True),
        sa.Column("in_favour_of", sa.String(20), nullable=True),
        _money("credit_note_amount", nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=True),
        _when("created_at"),
        _fk("invoice_id", "invoices", "id", "disputes"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disputes")),
    )
    op.create_index("ix_disputes_customer_id", "disputes", ["customer_id"])
    op.create_index("ix_disputes_invoice_id", "disputes", ["invoice_id"])
    op.create_table(
        "payment_plans",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("invoice_ids", JSON, nullable=False),
        _money("total"),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("agreed_on", sa.Date(), nullable=False),
        sa.Column("agreed_by", sa.String(100), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("ended_by", sa.String(100), nullable=True),
        sa.Column("end_note", sa.Text(), nullable=True),
        sa.Column("ruleset_version", sa.Integer(), nullable=True),
        _when("created_at"),
        _fk("customer_id", "customers", "id", "payment_plans"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_plans")),
    )
    op.create_index("ix_payment_plans_customer_id", "payment_plans", ["customer_id"])
    op.create_table(
        "plan_instalments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        _money("amount"),
        _fk("plan_id", "payment_plans", "id", "plan_instalments"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_instalments")),
        sa.UniqueConstraint("plan_id", "seq", name="uq_plan_instalments_plan_seq"),
    )
    op.create_index("ix_plan_instalments_plan_id", "plan_instalments", ["plan_id"])
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("plan_id", sa.String(64), nullable=True),
        _when("at"),
        _fk("customer_id", "customers", "id", "contacts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
    )
    op.create_index("ix_contacts_customer_id", "contacts", ["customer_id"])


def downgrade() -> None:
    for table in ("contacts", "plan_instalments", "payment_plans", "disputes"):
        op.drop_table(table)
