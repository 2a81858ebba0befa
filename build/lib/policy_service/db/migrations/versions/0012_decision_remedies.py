"""credit checks keep their remedies (what it would take to get the order approved)

Revision ID: 0012
Revises: 0015
Create Date: 2026-12-07

The remedies are computed when the order is decided and stored with the decision, so the
recorded body (GET /v1/credit-checks/{id}) shows them as they were; older decisions have none.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0012"
down_revision = "0015"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("credit_checks") as batch:
        batch.add_column(sa.Column("remedies", JSON, nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("credit_checks") as batch:
        batch.drop_column("remedies")
