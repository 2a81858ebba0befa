"""Contacts with customers (催收记录): channel, outcome, note, who and when.

A contact may record a promise to pay, which becomes a one-instalment payment plan in
the same transaction (so the promise and its plan exist together or not at all).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from policy_service.db.models_collections import Contact
from policy_service.domain.collections import Instalment
from policy_service.services.collections.plans import PlanInput, create_plan
from policy_service.services.credit.customers import get_customer, lock_customer
from policy_service.services.errors import Forbidden, Invalid
from policy_service.services.receivables.stop_supply import lift_if_cleared
from policy_service.services.rules.registry import RuleSetRegistry
from policy_service.services.unit_of_work import UnitOfWork

CHANNELS = ("phone", "visit", "email", "sms", "letter", "note")


@dataclass(frozen=True)
class Promise:
    """A promise to pay: one date, one amount, the invoices it covers."""

    due_date: date
    amount: Decimal
    invoice_ids: tuple[str, ...]


@dataclass(frozen=True)
class ContactInput:
    """POST /v1/customers/{id}/contacts."""

    channel: str
    outcome: str
    note: str
    promise: Promise | None = None


def contact_view(c: Contact) -> dict[str, Any]:
    """The contract's contact body."""
    return {"contact_id": c.id, "customer_id": c.customer_id, "channel": c.channel,
            "outcome": c.outcome, "note": c.note, "by": c.actor, "on": c.on, "at": c.at,
            "plan_id": c.plan_id}


def log_contact(uow: UnitOfWork, registry: RuleSetRegistry, customer_id: str,
                data: ContactInput, actor: str, today: date, owner: str | None = None
                ) -> dict[str, Any]:
    """Log a contact; a promise creates its one-instalment plan and the body returns plan_id."""
    if data.channel not in CHANNELS:
        raise Invalid(f"channel must be one of {', '.join(CHANNELS)}",
                      fields={"channel": [" | ".join(CHANNELS)]})
    with uow:
        customer = lock_customer(uow, customer_id)
        if owner is not None and customer.owner != owner:
            raise Forbidden(f"customer {customer_id} is not one of {owner}'s customers")
        plan_id = None
        if data.promise is not None:
            plan_id = f"PROMISE-{uuid.uuid4().hex[:12]}"
            promise = data.promise
            create_plan(uow.session, customer, PlanInput(
                plan_id, promise.invoice_ids, (Instalment(promise.due_date, promise.amount),),
                f"promise to pay ({data.channel}): {data.note}"), actor, today)
            lift_if_cleared(uow.session, registry, customer, today)
        contact = Contact(customer_id=customer.id, channel=data.channel, outcome=data.outcome,
                          note=data.note, actor=actor, on=today, plan_id=plan_id)
        uow.session.add(contact)
        uow.session.flush()
        view = contact_view(contact)
        uow.commit()
        return view


def list_contacts(uow: UnitOfWork, customer_id: str, owner: str | None = None
                  ) -> dict[str, Any]:
    """GET /v1/customers/{id}/contacts, newest first."""
    with uow:
        customer = get_customer(uow.session, customer_id)
        if owner is not None and customer.owner != owner:
            raise Forbidden(f"customer {customer_id} is not one of {owner}'s customers")
        found = uow.session.scalars(select(Contact).where(Contact.customer_id == customer_id)
                                    .order_by(Contact.at.desc(), Contact.id.desc()))
        return {"contacts": [contact_view(c) for c in found]}
