"""merge the three branches (0002 rule lifecycle, 0003 receivables day, 0004 admin history)

0002, 0003 and 0004 were all written on top of 0001, which left three heads. This
revision changes no table; it joins them so there is one head, and every new migration
revises the single head from now on (tests/integration/test_migrations.py checks it).

Revision ID: 0005
Revises: 0002, 0003, 0004
Create Date: 2026-12-06
"""

revision = "0005"
down_revision = ("0002", "0003", "0004")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
