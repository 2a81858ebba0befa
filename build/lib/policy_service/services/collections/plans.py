"""Payment plans and promises to pay (分期付款, 还款协议, 付款承诺): agree, read, cancel.

A plan splits what one or more open invoices owe into dated instalments that add up to
exactly that; payments on the invoices settle the instalments in date order
(domain.collections.settle). The day's run completes or breaks plans
(services/collections/day.py).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from policy_service.db.models import Customer, Invoice
from policy_service.db.models_collections import PaymentPlan, PlanInstalment
from policy_service.domain import collections
from policy_service.domain.collections import Instalment
from policy_service.services.credit.customers import get_customer, lock_customer
from policy_service.services.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    require_currency_digits,
)
from policy_service.services.fingerprint import fingerprint
from policy_service.services.receivables.stop_supply import lift_if_cleared
from policy_service.services.rules.registry import RuleSetRegistry
from policy_service.services.unit_of_work import UnitOfWork

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PlanInput:
    """POST /v1/customers/{id}/payment-plans (and a contact's promise)."""

    plan_id: str
    invoice_ids: tuple[str, ...]
    instalments: tuple[Instalment, ...]
    note: str | None = None


def create_plan(session: Session, customer: Customer, data: PlanInput, actor: str, today: date
                ) -> tuple[PaymentPlan, bool]:
    """Agree a plan inside the caller's transaction (the customer is locked); (plan, created)."""
    request_hash = fingerprint(asdict(data))
    existing = session.get(PaymentPlan, data.plan_id)
    if existing is not None:
        if existing.request_hash != request_hash or existing.customer_id != customer.id:
            raise Conflict(f"plan_id {data.plan_id!r} was already used with a different body",
                           fields={"plan_id": ["reused"]})
        return existing, False
    ids = list(dict.fromkeys(data.invoice_ids))
    if not ids:
        raise Invalid("a plan covers at least one invoice", fields={"invoice_ids": ["empty"]})
    invoices = {i.id: i for i in session.scalars(select(Invoice).where(Invoice.id.in_(ids)))}
    wrong = [i for i in ids if i not in invoices or invoices[i].customer_id != customer.id]
    if wrong:
        raise Invalid(f"not invoices of customer {customer.id}: {', '.join(wrong)}",
                      fields={"invoice_ids": [f"unknown: {', '.join(wrong)}"]})
    closed = [i for i in ids if invoices[i].status != "open"]
    if closed:
        raise Conflict(f"only open invoices can be in a plan: {', '.join(closed)}",
                       fields={"invoice_ids": [f"not open: {', '.join(closed)}"]})
    taken = in_active_plans(session, customer.id) & set(ids)
    if taken:
        raise Conflict(f"already in an active plan: {', '.join(sorted(taken))}",
                       fields={"invoice_ids": [f"in an active plan: {', '.join(sorted(taken))}"]})
    for n, item in enumerate(data.instalments):
        require_currency_digits(customer.currency, **{f"instalments.{n}.amount": item.amount})
        if item.due_date < today:
            raise Invalid(f"instalment {n + 1} is dated before today",
                          fields={f"instalments.{n}.due_date": ["before today"]})
    owed = sum((invoices[i].outstanding for i in ids), ZERO)
    problem = collections.plan_problem(data.instalments, owed)
    if problem:
        raise Invalid(problem, fields={"instalments": [problem]})
    plan = PaymentPlan(id=data.plan_id, customer_id=customer.id, invoice_ids=ids, total=owed,
                       status="active", agreed_on=today, agreed_by=actor, note=data.note,
                       request_hash=request_hash)
    ordered = sorted(data.instalments, key=lambda i: i.due_date)
    plan.instalments = [PlanInstalment(seq=n + 1, due_date=i.due_date, amount=i.amount)
                        for n, i in enumerate(ordered)]
    session.add(plan)
    session.flush()
    return plan, True


def in_active_plans(session: Session, customer_id: str) -> set[str]:
    """Invoice ids of the customer's active plans."""
    found: set[str] = set()
    for ids in session.scalars(select(PaymentPlan.invoice_ids).where(
            PaymentPlan.customer_id == customer_id, PaymentPlan.status == "active")):
        found.update(ids)
    return found


def agree_plan(uow: UnitOfWork, registry: RuleSetRegistry, customer_id: str, data: PlanInput,
               actor: str, today: date) -> tuple[dict[str, Any], bool]:
    """A risk manager agrees a plan; the same plan_id and body again gives the same plan.

    A kept plan does not stop supply: a stop-supply its invoices caused lifts at once.
    """
    with uow:
        customer = lock_customer(uow, customer_id)
        plan, created = create_plan(uow.session, customer, data, actor, today)
        lift_if_cleared(uow.session, registry, customer, today)
        view = plan_view(uow.session, plan, today)
        uow.commit()
        return view, created


def cancel_plan(uow: UnitOfWork, plan_id: str, note: str, actor: str, today: date
                ) -> dict[str, Any]:
    """Cancel an active plan with a note: penalty and dunning resume from today."""
    with uow:
        plan = uow.session.get(PaymentPlan, plan_id)
        if plan is None:
            raise NotFound(f"unknown payment plan {plan_id!r}")
        lock_customer(uow, plan.customer_id)
        uow.session.refresh(plan)
        if plan.status != "active":
            raise Conflict(f"payment plan {plan_id} is {plan.status}, not active")
        plan.status, plan.ended_on, plan.ended_by, plan.end_note = (
            "cancelled", today, actor, note)
        uow.session.flush()
        view = plan_view(uow.session, plan, today)
        uow.commit()
        return view


def plan_view(session: Session, plan: PaymentPlan, today: date) -> dict[str, Any]:
    """The contract's plan body, instalments settled in date order by what has been paid."""
    owed = sum((i.outstanding for i in session.scalars(
        select(Invoice).where(Invoice.id.in_(plan.invoice_ids)))), ZERO)
    states = collections.settle([Instalment(i.due_date, i.amount) for i in plan.instalments],
                                collections.paid_toward(plan.total, owed))
    status = plan.status
    if status == "active" and all(s.settled for s in states):
        status = "completed"
    return {
        "plan_id": plan.id, "customer_id": plan.customer_id, "status": status,
        "invoice_ids": list(plan.invoice_ids), "total": plan.total,
        "instalments": [{"due_date": s.due_date, "amount": s.amount, "paid": s.paid,
                         "status": "paid" if s.settled
                         else "missed" if s.due_date < today else "due"} for s in states],
        "agreed_on": plan.agreed_on, "agreed_by": plan.agreed_by, "note": plan.note,
        "ended_on": plan.ended_on, "ended_by": plan.ended_by, "end_note": plan.end_note,
        "ruleset_version": plan.ruleset_version,
    }


def _visible(customer: Customer, owner: str | None) -> None:
    if owner is not None and customer.owner != owner:
        raise Forbidden(f"customer {customer.id} is not one of {owner}'s customers")


def get_plan(uow: UnitOfWork, plan_id: str, today: date, owner: str | None = None
             ) -> dict[str, Any]:
    """GET /v1/payment-plans/{plan_id}."""
    with uow:
        plan = uow.session.get(PaymentPlan, plan_id)
        if plan is None:
            raise NotFound(f"unknown payment plan {plan_id!r}")
        _visible(get_customer(uow.session, plan.customer_id), owner)
        return plan_view(uow.session, plan, today)


def list_plans(uow: UnitOfWork, customer_id: str, today: date, owner: str | None = None
               ) -> dict[str, Any]:
    """GET /v1/customers/{id}/payment-plans, newest first."""
    with uow:
        _visible(get_customer(uow.session, customer_id), owner)
        plans = uow.session.scalars(select(PaymentPlan).where(
            PaymentPlan.customer_id == customer_id).order_by(PaymentPlan.agreed_on.desc(),
                                                             PaymentPlan.id.desc()))
        return {"payment_plans": [plan_view(uow.session, p, today) for p in plans]}
