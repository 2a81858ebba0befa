"""credit notes: a record of their own; the invoice keeps the amount it was issued with

Revision ID: 0017c
Revises: 0013
Create Date: 2026-12-07

Until now resolving a dispute for the customer lowered ``invoices.amount`` in place (and
noted an ``invoice_adjustments`` row of kind ``credit_note``). Now a credit note is a row of
``credit_notes`` (who, when, amount, dispute, reason) and ``invoices.credited`` their running
total. The upgrade turns each dispute resolved with a credit note into a credit note, puts
the credited amount back on its invoice and drops the old adjustment rows; the downgrade
does the reverse.
"""

import sqlalchemy as sa
from alembic import op

import policy_service.db.types

revision = "0017c"
down_revision = "0013"
branch_labels = None
depends_on = None


def _money(name: str) -> sa.Column:
    return sa.Column(name, policy_service.db.types.Money(precision=18, scale=2), nullable=False)


def upgrade() -> None:
    # A plain ADD COLUMN (no batch copy on SQLite: rows of other tables refer to invoices)
    op.add_column("invoices", sa.Column("credited", policy_service.db.types.Money(
        precision=18, scale=2), nullable=False, server_default="0"))
    op.create_table(
        "credit_notes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("invoice_id", sa.String(64), nullable=False),
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("dispute_id", sa.String(64), nullable=True),
        _money("amount"),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issued_by", sa.String(100), nullable=False),
        sa.Column("at", policy_service.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoices.id"],
                                name=op.f("fk_credit_notes_invoice_id_invoices")),
        sa.ForeignKeyConstraint(["dispute_id"], ["disputes.id"],
                                name=op.f("fk_credit_notes_dispute_id_disputes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_notes")),
        sa.UniqueConstraint("dispute_id", name=op.f("uq_credit_notes_dispute_id")),
    )
    op.create_index("ix_credit_notes_customer_id", "credit_notes", ["customer_id"])
    op.create_index("ix_credit_notes_invoice_id", "credit_notes", ["invoice_id"])
    op.execute(
        "INSERT INTO credit_notes (invoice_id, customer_id, dispute_id, amount, currency, "
        "reason, issued_on, issued_by, at) "
        "SELECT d.invoice_id, d.customer_id, d.id, d.credit_note_amount, i.currency, "
        "COALESCE(d.resolution_note, ''), d.resolved_on, COALESCE(d.resolved_by, ''), "
        "d.created_at FROM disputes d JOIN invoices i ON i.id = d.invoice_id "
        "WHERE d.credit_note_amount IS NOT NULL AND d.resolved_on IS NOT NULL")
    op.execute(
        "UPDATE invoices SET credited = (SELECT COALESCE(SUM(c.amount), 0) FROM credit_notes c "
        "WHERE c.invoice_id = invoices.id)")
    op.execute("UPDATE invoices SET amount = amount + credited")
    op.execute("DELETE FROM invoice_adjustments WHERE kind = 'credit_note'")


def downgrade() -> None:
    op.execute("UPDATE invoices SET amount = amount - credited")
    op.drop_index("ix_credit_notes_invoice_id", table_name="credit_notes")
    op.drop_index("ix_credit_notes_customer_id", table_name="credit_notes")
    op.drop_table("credit_notes")
    op.drop_column("invoices", "credited")
