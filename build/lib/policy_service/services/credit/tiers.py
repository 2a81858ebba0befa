"""First-start data: the tiers of policy.md."""

from __future__ import annotations

from sqlalchemy.orm import Session

from policy_service.db.models import Tier

DEFAULT_TIERS = (
    Tier(code="A", name_en="good credit", name_zh="信用良好", payment_term_days=90,
         review_interval_months=12, grace_days=5, rank=1),
    Tier(code="B", name_en="fair", name_zh="信用一般", payment_term_days=60,
         review_interval_months=6, grace_days=3, rank=2),
    Tier(code="C", name_en="poor", name_zh="信用较差", payment_term_days=30,
         review_interval_months=3, grace_days=0, rank=3),
    Tier(code="D", name_en="cash in advance", name_zh="预付款", payment_term_days=0,
         review_interval_months=3, grace_days=0, rank=4),
)


def seed_tiers(session: Session) -> int:
    """Insert the default tiers that are missing; returns how many were added."""
    existing = {code for (code,) in session.query(Tier.code)}
    added = 0
    for tier in DEFAULT_TIERS:
        if tier.code not in existing:
            session.add(Tier(**{c.key: getattr(tier, c.key) for c in Tier.__table__.columns}))
            added += 1
    return added
