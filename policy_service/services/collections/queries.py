"""The collections worklist (催收工作台): customers with something overdue, ranked.

Priority is Σ over the customer's overdue invoices of outstanding × days past due
(api.md); customers with a broken plan in the last 365 days come first, then by
priority, highest first. Each item shows the next dunning step and its date (probed
through the published escalation rule set), open disputes, the active plan and the
last contact.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from policy_service.db.among import among
from policy_service.db.models import Customer, Invoice
from policy_service.db.models_collections import Contact, Dispute, PaymentPlan
from policy_service.db.models_receivables import DunningStep
from policy_service.services.collections.effects import Effects, load
from policy_service.services.collections.next_step import PROBED_INVOICES, NextStep
from policy_service.services.rules.registry import RuleSetRegistry
from policy_service.services.unit_of_work import UnitOfWork

ZERO = Decimal("0.00")


def worklist(uow: UnitOfWork, registry: RuleSetRegistry, today: date,
             owner: str | None = None) -> dict[str, Any]:
    """GET /v1/worklist?owner=: one item per customer with something overdue."""
    items, _total = worklist_window(uow, registry, today, owner)
    return {"items": items}


def worklist_window(uow: UnitOfWork, registry: RuleSetRegistry, today: date,
                    owner: str | None = None, first: int = 0, count: int | None = None
                    ) -> tuple[list[dict[str, Any]], int]:
    """``count`` items of the ranked worklist from ``first`` (all when None), and how many
    there are in all; the next dunning step is found only for the items returned (the
    ranking does not depend on it).

    A fixed number of queries whatever the book's size: the overdue invoices, then each
    customer's disputes, plans, dunning steps done and last contact for all of them at once.
    """
    with uow:
        session = uow.session
        query = (select(Invoice, Customer).join(Customer, Customer.id == Invoice.customer_id)
                 .where(Invoice.status == "open", Invoice.due_date < today)
                 .order_by(Invoice.due_date, Invoice.id))
        if owner is not None:
            query = query.where(Customer.owner == owner)
        overdue: dict[str, list[Invoice]] = defaultdict(list)
        customers: dict[str, Customer] = {}
        for invoice, customer in session.execute(query).all():
            if invoice.outstanding > 0:
                overdue[customer.id].append(invoice)
                customers[customer.id] = customer
        ids = list(customers)
        finder = NextStep(registry.current(session, "escalation").compiled.ruleset)
        held = load(session, ids)
        done: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for customer_id, invoice_id, rule in session.execute(
                select(DunningStep.customer_id, DunningStep.invoice_id, DunningStep.rule)
                .where(among(session, DunningStep.customer_id, ids))):
            done[customer_id][invoice_id].add(rule)
        disputes = dict(session.execute(
            select(Dispute.customer_id, func.count()).where(
                among(session, Dispute.customer_id, ids), Dispute.status == "open")
            .group_by(Dispute.customer_id)).all())
        active = dict(session.execute(select(PaymentPlan.customer_id, PaymentPlan.id).where(
            among(session, PaymentPlan.customer_id, ids), PaymentPlan.status == "active")).all())
        broken = dict(session.execute(
            select(PaymentPlan.customer_id, func.count()).where(
                among(session, PaymentPlan.customer_id, ids), PaymentPlan.status == "broken",
                PaymentPlan.ended_on > today - timedelta(days=365))
            .group_by(PaymentPlan.customer_id)).all())
        contacts = _last_contacts(session, ids)
        items: list[dict[str, Any]] = []
        for customer_id, invoices in overdue.items():
            customer = customers[customer_id]
            items.append({
                "customer_id": customer_id, "name": customer.name, "owner": customer.owner,
                "currency": customer.currency,
                "priority": sum((i.outstanding * (today - i.due_date).days for i in invoices),
                                ZERO),
                "overdue_amount": sum((i.outstanding for i in invoices), ZERO),
                "oldest_days": (today - invoices[0].due_date).days,
                "next_step": None,  # found below, for the items returned
                "open_disputes": int(disputes.get(customer_id, 0)),
                "active_plan": active.get(customer_id),
                "broken_plans_365d": int(broken.get(customer_id, 0)),
                "last_contact": contacts.get(customer_id),
            })
        items.sort(key=lambda i: (i["broken_plans_365d"] == 0, -i["priority"],
                                  i["customer_id"]))
        window = items[first:] if count is None else items[first:first + count]
        for item in window:
            customer_id = item["customer_id"]
            effects = held.get(customer_id, Effects())
            probe = [i for i in overdue[customer_id]
                     if not effects.exempt(i, today)][:PROBED_INVOICES]
            item["next_step"] = finder.find(customers[customer_id], probe, done[customer_id],
                                            today)
        return window, len(items)


def _last_contacts(session: Session, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Each customer's latest contact (by time, then id), for all of them in one query."""
    rank = func.row_number().over(partition_by=Contact.customer_id,
                                  order_by=(Contact.at.desc(), Contact.id.desc())).label("rank")
    latest = (select(Contact.customer_id, Contact.on, Contact.channel, Contact.outcome,
                     Contact.actor, rank)
              .where(among(session, Contact.customer_id, ids)).subquery())
    return {row.customer_id: {"on": row.on, "channel": row.channel, "outcome": row.outcome,
                              "by": row.actor}
            for row in session.execute(select(latest).where(latest.c.rank == 1))}


def open_disputes(session: Session, today: date) -> list[dict[str, Any]]:
    """The disputes queue: open disputes, oldest first, with their age in days."""
    found = session.execute(
        select(Dispute, Customer.name, Customer.currency)
        .join(Customer, Customer.id == Dispute.customer_id)
        .where(Dispute.status == "open").order_by(Dispute.opened_on, Dispute.id)).all()
    return [{"dispute_id": d.id, "invoice_id": d.invoice_id, "customer_id": d.customer_id,
             "customer_name": name, "amount": d.amount, "currency": currency,
             "reason": d.reason,
             "opened_on": d.opened_on, "opened_by": d.opened_by,
             "age_days": (today - d.opened_on).days} for d, name, currency in found]


def dispute_to_resolve(session: Session, dispute_id: str) -> dict[str, Any] | None:
    """One dispute with its invoice's currency (the admin's resolve form), or None."""
    found = session.execute(
        select(Dispute, Invoice.currency).join(Invoice, Invoice.id == Dispute.invoice_id)
        .where(Dispute.id == dispute_id)).first()
    if found is None:
        return None
    d, currency = found
    return {"dispute_id": d.id, "invoice_id": d.invoice_id, "customer_id": d.customer_id,
            "amount": d.amount, "currency": currency, "status": d.status,
            "reason": d.reason, "opened_on": d.opened_on}


def instalments_due(session: Session, today: date, days: int = 7) -> list[dict[str, Any]]:
    """Instalments of active plans due from today through ``days`` ahead, by date."""
    from policy_service.services.collections.plans import plan_view  # plans imports us not

    plans = session.execute(
        select(PaymentPlan, Customer.currency)
        .join(Customer, Customer.id == PaymentPlan.customer_id)
        .where(PaymentPlan.status == "active").order_by(PaymentPlan.id)).all()
    until = today + timedelta(days=days)
    rows = []
    for plan, currency in plans:
        view = plan_view(session, plan, today)
        for item in view["instalments"]:
            if today <= item["due_date"] <= until:
                rows.append({"plan_id": plan.id, "customer_id": plan.customer_id,
                             "currency": currency, **item})
    return sorted(rows, key=lambda r: (r["due_date"], r["plan_id"]))
