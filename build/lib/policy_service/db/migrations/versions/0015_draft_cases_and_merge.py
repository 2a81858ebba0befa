"""drafts carry their own test cases, an unfinished rebase's conflicts, and can be discarded

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-07

A rebase is a three-way merge: while rules changed on both sides wait for the author,
the draft records the version it is moving onto (rebase_to) and the conflicts. A draft
may hold its own test cases (NULL: the shipped ones). Status "discarded" is new.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0015"
down_revision = "0011"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
# Frozen literals, as the schema is at this revision (tests/unit/test_codes.py compares them).
STATUS = ("status IN ('draft', 'submitted', 'approved', 'rejected', 'published', 'superseded', "
          "'discarded')")
OLD_STATUS = "status IN ('draft', 'submitted', 'approved', 'rejected', 'published', 'superseded')"


def upgrade() -> None:
    with op.batch_alter_table("rule_drafts") as batch:
        batch.add_column(sa.Column("cases", JSON, nullable=True))
        batch.add_column(sa.Column("rebase_to", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("conflicts", JSON, nullable=True))
        batch.drop_constraint(op.f("ck_rule_drafts_status"), type_="check")
        batch.create_check_constraint(op.f("ck_rule_drafts_status"), STATUS)


def downgrade() -> None:
    op.execute("UPDATE rule_drafts SET status = 'rejected' WHERE status = 'discarded'")
    with op.batch_alter_table("rule_drafts") as batch:
        batch.drop_constraint(op.f("ck_rule_drafts_status"), type_="check")
        batch.create_check_constraint(op.f("ck_rule_drafts_status"), OLD_STATUS)
        batch.drop_column("conflicts")
        batch.drop_column("rebase_to")
        batch.drop_column("cases")
