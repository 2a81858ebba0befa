"""blacklist candidates keep their evidence; a dismissed customer can be flagged again

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

One candidate per customer and day (was: per customer, ever), and the late invoices that
made the flag, so a new late invoice outside a dismissed flag's evidence flags again.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("blacklist_candidates") as batch:
        batch.drop_constraint("uq_blacklist_candidates_customer_id", type_="unique")
        batch.add_column(sa.Column("evidence", JSON, nullable=False, server_default="[]"))
        batch.create_unique_constraint("uq_blacklist_candidates_customer_day",
                                       ["customer_id", "flagged_on"])


def downgrade() -> None:
    with op.batch_alter_table("blacklist_candidates") as batch:
        batch.drop_constraint("uq_blacklist_candidates_customer_day", type_="unique")
        batch.drop_column("evidence")
        batch.create_unique_constraint("uq_blacklist_candidates_customer_id", ["customer_id"])
