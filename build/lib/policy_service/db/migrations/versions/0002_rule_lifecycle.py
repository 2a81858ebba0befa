"""rule lifecycle: drafts and their append-only events

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import policy_service.db.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _when() -> policy_service.db.types.UTCDateTime:
    return policy_service.db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "rule_drafts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ruleset_name", sa.String(length=64), nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("updated_at", _when(), nullable=False),
        sa.Column("submitted_at", _when(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", _when(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("published_version", sa.Integer(), nullable=True),
        # Frozen literals, as the schema was at this revision; the live lists are in
        # policy_service/domain/codes.py (tests/unit/test_codes.py compares them).
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'approved', 'rejected', 'published', 'superseded')",
            name=op.f("ck_rule_drafts_status"),
        ),
        sa.CheckConstraint("kind IN ('edit', 'rollback')", name=op.f("ck_rule_drafts_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_drafts")),
    )
    with op.batch_alter_table("rule_drafts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_rule_drafts_ruleset_status", ["ruleset_name", "status"], unique=False
        )

    op.create_table(
        "rule_draft_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("at", _when(), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["rule_drafts.id"], name=op.f("fk_rule_draft_events_draft_id_rule_drafts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_draft_events")),
    )
    with op.batch_alter_table("rule_draft_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rule_draft_events_draft_id"), ["draft_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("rule_draft_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rule_draft_events_draft_id"))
    op.drop_table("rule_draft_events")
    with op.batch_alter_table("rule_drafts", schema=None) as batch_op:
        batch_op.drop_index("ix_rule_drafts_ruleset_status")
    op.drop_table("rule_drafts")
