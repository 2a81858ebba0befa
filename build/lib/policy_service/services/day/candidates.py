"""Blacklist candidates the daily run flags: a risk manager's decision, and the list (v1).

Deciding locks the customer, blacklists it (a recorded status change, as the status
endpoint does) or dismisses the flag, appends the decision and its reason to the change
history, and commits once. The wire status of a candidate still waiting is ``open``
(stored ``pending``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from policy_service.db.models import Customer
from policy_service.db.models_admin import ChangeRecord
from policy_service.db.models_receivables import BlacklistCandidate
from policy_service.services.credit.customers import apply_status, lock_customer
from policy_service.services.errors import Conflict, Invalid, NotFound
from policy_service.services.history import record_changes
from policy_service.services.unit_of_work import UnitOfWork

CANDIDATE_ENTITY = "blacklist_candidate"
WIRE_STATUS = {"pending": "open", "dismissed": "dismissed", "blacklisted": "blacklisted"}
STORED_STATUS = {wire: stored for stored, wire in WIRE_STATUS.items()}


def decide_candidate(uow: UnitOfWork, candidate_id: int, *, blacklist: bool, reason: str,
                     actor: str) -> str:
    """Blacklist a flagged customer or dismiss the flag, with a reason; returns the customer id.

    Either way the candidate's decision, who made it and why go to the change history.
    """
    if not reason.strip():
        raise Invalid("a reason is required", fields={"reason": ["required"]})
    with uow:
        session = uow.session
        candidate = session.get(BlacklistCandidate, candidate_id)
        if candidate is None:
            raise NotFound(f"unknown blacklist candidate {candidate_id}")
        customer = lock_customer(uow, candidate.customer_id)
        session.refresh(candidate)
        if candidate.status != "pending":
            raise Conflict(f"candidate {candidate_id} ({candidate.customer_id}) is already "
                           f"{candidate.status}; it cannot be decided again")
        if blacklist:
            apply_status(customer, "blacklisted", reason, actor)
            record_changes(session, customer, "customer", customer.id,
                           ("status", "status_reason"), actor)
        decision = "blacklisted" if blacklist else "dismissed"
        session.add_all([
            ChangeRecord(entity=CANDIDATE_ENTITY, entity_id=str(candidate.id), field="status",
                         old_value=candidate.status, new_value=decision, changed_by=actor),
            ChangeRecord(entity=CANDIDATE_ENTITY, entity_id=str(candidate.id), field="note",
                         old_value=None, new_value=reason.strip(), changed_by=actor)])
        candidate.status = decision
        uow.commit()
        return str(customer.id)


def candidate_view(candidate: BlacklistCandidate) -> dict[str, Any]:
    """The contract's blacklist candidate."""
    return {"candidate_id": candidate.id, "customer_id": candidate.customer_id,
            "flagged_on": candidate.flagged_on, "late_invoices": candidate.late_invoices,
            "status": WIRE_STATUS.get(candidate.status, candidate.status)}


def list_candidates(uow: UnitOfWork, status: str | None = None, owner: str | None = None
                    ) -> dict[str, Any]:
    """GET /v1/blacklist-candidates: newest flag first, optionally of one status or owner."""
    query = (select(BlacklistCandidate)
             .order_by(BlacklistCandidate.flagged_on.desc(), BlacklistCandidate.id.desc()))
    if status is not None:
        query = query.where(BlacklistCandidate.status == STORED_STATUS[status])
    if owner is not None:
        query = query.join(Customer, Customer.id == BlacklistCandidate.customer_id).where(
            Customer.owner == owner)
    with uow:
        return {"blacklist_candidates": [candidate_view(c)
                                         for c in uow.session.scalars(query)]}
