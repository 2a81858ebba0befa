"""receivables corrections: penalty reversed by value-dated payments, closable legal cases

Revision ID: 0010
Revises: 0012
Create Date: 2026-12-07

``penalty_corrections`` records (append-only) the penalty a payment with an earlier value
date reverses, day by day; legal cases keep the escalation version that opened them and
an outcome when a risk manager closes them.
"""

import sqlalchemy as sa
from alembic import op

import policy_service.db.types

revision = "0010"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "penalty_corrections",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("invoice_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("amount", policy_service.db.types.Money(), nullable=False),
        sa.Column("payment_id", sa.String(length=64), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("at", policy_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoices.id"],
                                name=op.f("fk_penalty_corrections_invoice_id_invoices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_penalty_corrections")),
    )
    op.create_index(op.f("ix_penalty_corrections_invoice_id"), "penalty_corrections",
                    ["invoice_id"])
    with op.batch_alter_table("legal_cases") as batch:
        batch.add_column(sa.Column("ruleset_version", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("outcome", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("closed_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("closed_by", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("legal_cases") as batch:
        batch.drop_column("note")
        batch.drop_column("closed_by")
        batch.drop_column("closed_on")
        batch.drop_column("outcome")
        batch.drop_column("ruleset_version")
    op.drop_index(op.f("ix_penalty_corrections_invoice_id"), table_name="penalty_corrections")
    op.drop_table("penalty_corrections")
