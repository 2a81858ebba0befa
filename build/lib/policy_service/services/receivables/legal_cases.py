"""Legal cases (法律手段) the escalation opens: the list, and a risk manager closing one.

A case records the escalation version that opened it. Closing it takes an outcome
(``recovered``, ``settled``, ``uncollectable``) and a note; who closed it, when, the
outcome and the note go on the case and to the change history. A closed case stays
closed (closing it again is a conflict).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from policy_service.db.models import Customer
from policy_service.db.models_receivables import LegalCase
from policy_service.domain.codes import LEGAL_CASE_OUTCOMES, LEGAL_CASE_STATUSES
from policy_service.services.credit.customers import lock_customer
from policy_service.services.errors import Conflict, Invalid, NotFound
from policy_service.services.history import record_changes
from policy_service.services.unit_of_work import UnitOfWork

ENTITY = "legal_case"


def case_view(case: LegalCase) -> dict[str, Any]:
    """The contract's legal case (``outcome`` and ``closed_on`` once closed)."""
    view: dict[str, Any] = {
        "case_id": case.id, "customer_id": case.customer_id, "invoice_id": case.invoice_id,
        "amount": case.amount, "status": case.status, "opened_on": case.opened_on,
        "ruleset_version": case.ruleset_version}
    if case.status == "closed":
        view.update(outcome=case.outcome, closed_on=case.closed_on, closed_by=case.closed_by,
                    note=case.note)
    return view


def list_cases(uow: UnitOfWork, status: str | None = None, owner: str | None = None
               ) -> dict[str, Any]:
    """GET /v1/legal-cases: newest first, optionally of one status or one owner's customers."""
    query = select(LegalCase).order_by(LegalCase.opened_on.desc(), LegalCase.id.desc())
    if status is not None:
        query = query.where(LegalCase.status == status)
    if owner is not None:
        query = query.join(Customer, Customer.id == LegalCase.customer_id).where(
            Customer.owner == owner)
    with uow:
        return {"legal_cases": [case_view(c) for c in uow.session.scalars(query)]}


def close_case(uow: UnitOfWork, case_id: int, outcome: str, note: str, actor: str,
               today: date) -> dict[str, Any]:
    """POST /v1/legal-cases/{id}/close: a risk manager closes an open case with an outcome."""
    if outcome not in LEGAL_CASE_OUTCOMES:
        raise Invalid(f"outcome must be one of {', '.join(LEGAL_CASE_OUTCOMES)}",
                      fields={"outcome": ["unknown outcome"]})
    if not note.strip():
        raise Invalid("a note is required", fields={"note": ["required"]})
    with uow:
        session = uow.session
        case = session.get(LegalCase, case_id)
        if case is None:
            raise NotFound(f"unknown legal case {case_id}")
        lock_customer(uow, case.customer_id)
        session.refresh(case)
        if case.status != LEGAL_CASE_STATUSES[0]:
            raise Conflict(f"legal case {case_id} is already {case.status} "
                           f"({case.outcome}); it cannot be closed again")
        case.status = LEGAL_CASE_STATUSES[1]
        case.outcome = outcome
        case.closed_on = today
        case.closed_by = actor
        case.note = note.strip()
        record_changes(session, case, ENTITY, str(case.id), ("status", "outcome", "note"), actor)
        uow.commit()
        return case_view(case)
