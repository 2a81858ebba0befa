"""Change history of customers and tiers: who changed which field, from what to what, when."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from policy_service.db.models import Tier
from policy_service.db.models_admin import ChangeRecord

CUSTOMER_FIELDS = ("name", "tier", "credit_limit", "currency", "collateral_amount",
                   "payment_term_days", "status", "status_reason", "next_review_date", "owner",
                   "email", "phone")
TIER_FIELDS = ("name_en", "name_zh", "payment_term_days", "review_interval_months",
               "grace_days")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return str(value.code) if isinstance(value, Tier) else str(value)


def record_changes(session: Session, model: Any, entity: str, entity_id: str,
                   fields: tuple[str, ...], actor: str) -> int:
    """Append one history row per changed field of a pending change (before flush)."""
    state = inspect(model)
    count = 0
    for field in fields:
        history = state.attrs[field].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if _text(old) == _text(new):
            continue
        session.add(ChangeRecord(entity=entity, entity_id=entity_id, field=field,
                                 old_value=_text(old), new_value=_text(new), changed_by=actor))
        count += 1
    return count
