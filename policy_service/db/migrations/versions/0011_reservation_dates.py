"""credit check events carry the business date they happened on

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-07

A review's utilization averages each day's exposure, reserved orders included, so a
reservation's changes need the business date (the test clock's, not the wall clock's).
Existing events take the date of their timestamp.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("credit_check_events") as batch:
        batch.add_column(sa.Column("business_date", sa.Date(), nullable=True))
    day = "date(at)" if op.get_bind().dialect.name == "sqlite" else "CAST(at AS DATE)"
    op.execute(f"UPDATE credit_check_events SET business_date = {day}")


def downgrade() -> None:
    with op.batch_alter_table("credit_check_events") as batch:
        batch.drop_column("business_date")
