"""credit check events and invoice adjustments carry the business date they happened on

Revision ID: 0011
Revises: 0016
Create Date: 2026-12-07

A review's utilization averages each day's exposure, reserved orders included, and the
aging of a past date counts the waivers and write-offs made by then: both need the
business date of the change (the test clock's, not the wall clock's). Existing rows take
the date of their timestamp.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0016"
branch_labels = None
depends_on = None

TABLES = ("credit_check_events", "invoice_adjustments")


def upgrade() -> None:
    day = "date(at)" if op.get_bind().dialect.name == "sqlite" else "CAST(at AS DATE)"
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("business_date", sa.Date(), nullable=True))
        op.execute(f"UPDATE {table} SET business_date = {day}")


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("business_date")
