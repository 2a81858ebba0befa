"""What disputes and payment plans change in the day's run and at payment time.

Loaded once per batch of customers (``load``) and read through small functions, so the
day's run (services/day/batch.py) and stop-supply keep only a line or two each:

- penalty: the disputed amount accrues nothing while its dispute is open; an invoice
  accrues nothing on the days it is covered by a plan (from agreement to its end);
- dunning: an invoice disputed in full, or in a kept plan, takes no step; one disputed in
  part is dunned for the rest;
- stop-supply: neither such invoice stops supply;
- plans: each run settles instalments, completes paid plans and breaks a plan whose
  unpaid instalment matches an escalation rule with the ``break_plan`` action.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from policy_service.db.among import among
from policy_service.db.models_collections import Dispute, PaymentPlan
from policy_service.domain import collections
from policy_service.domain.collections import DisputeSpan, Instalment
from policy_service.domain.outstanding import open_principal

ZERO = Decimal("0.00")
BREAK_ACTION = "break_plan"


class OpenInvoice(Protocol):
    """What the effects read of an invoice."""

    id: str
    amount: Decimal
    credited: Decimal
    principal_paid: Decimal

    @property
    def outstanding(self) -> Decimal: ...


@dataclass
class Plan:
    """A plan as the day sees it."""

    id: str
    total: Decimal
    invoice_ids: list[str]
    instalments: list[Instalment]
    status: str
    agreed_on: date
    ended_on: date | None

    def covers_on(self, day: date) -> bool:
        """Whether the plan held its invoices on ``day``."""
        return self.agreed_on <= day and (self.ended_on is None or day < self.ended_on)


@dataclass
class Effects:
    """One customer's disputes (by invoice) and plans."""

    disputes: dict[str, list[DisputeSpan]] = field(default_factory=dict)
    plans: list[Plan] = field(default_factory=list)

    def kept(self, invoice_id: str) -> Plan | None:
        """The active plan covering the invoice, if any."""
        return next((p for p in self.plans
                     if p.status == "active" and invoice_id in p.invoice_ids), None)

    def disputed(self, invoice: OpenInvoice, day: date) -> Decimal:
        """The part of the invoice under open dispute on ``day``."""
        return collections.disputed_part(
            collections.disputed_on(self.disputes.get(invoice.id, ()), day),
            open_principal(invoice))

    def exempt(self, invoice: OpenInvoice, day: date) -> bool:
        """No dunning step and no stop-supply: disputed in full, or in a kept plan."""
        if self.kept(invoice.id) is not None:
            return True
        return collections.fully_disputed(
            collections.disputed_on(self.disputes.get(invoice.id, ()), day),
            open_principal(invoice))

    def excluded_on(self, invoice: OpenInvoice) -> Callable[[date], Decimal] | None:
        """For the penalty: the amount of the invoice that accrues nothing on a day."""
        spans = self.disputes.get(invoice.id, [])
        plans = [p for p in self.plans if invoice.id in p.invoice_ids]
        if not spans and not plans:
            return None

        def excluded(day: date) -> Decimal:
            if any(p.covers_on(day) for p in plans):
                return invoice.amount
            return collections.disputed_on(spans, day)

        return excluded


def load(session: Session, customer_ids: Iterable[str]) -> dict[str, Effects]:
    """Every dispute and plan of these customers (few: read with two queries)."""
    ids = list(customer_ids)
    out: dict[str, Effects] = {}
    for d in session.execute(select(Dispute.customer_id, Dispute.invoice_id, Dispute.amount,
                                    Dispute.opened_on, Dispute.resolved_on)
                             .where(among(session, Dispute.customer_id, ids))):
        out.setdefault(d.customer_id, Effects()).disputes.setdefault(d.invoice_id, []).append(
            DisputeSpan(d.amount, d.opened_on, d.resolved_on))
    for plan in session.scalars(select(PaymentPlan)
                                .where(among(session, PaymentPlan.customer_id, ids))
                                .order_by(PaymentPlan.agreed_on, PaymentPlan.id)):
        out.setdefault(plan.customer_id, Effects()).plans.append(plan_of(plan))
    return out


def plan_of(plan: PaymentPlan) -> Plan:
    """The day's view of a stored plan."""
    return Plan(plan.id, plan.total, list(plan.invoice_ids),
                [Instalment(i.due_date, i.amount) for i in plan.instalments], plan.status,
                plan.agreed_on, plan.ended_on)


def for_customer(session: Session, customer_id: str) -> Effects:
    """One customer's effects (payment time, the credit view)."""
    return load(session, [customer_id]).get(customer_id, Effects())


def review_plans(effects: Effects, invoices: dict[str, OpenInvoice], as_of: date,
                 breaks: Callable[[OpenInvoice, int], bool]) -> list[tuple[str, str]]:
    """(plan id, new status) for each active plan that completes or breaks as of ``as_of``.

    ``breaks(invoice, days_late)`` asks the escalation rule set whether an instalment
    that many days late breaks the plan. The plans are updated in place.
    """
    changes = []
    for plan in effects.plans:
        if plan.status != "active":
            continue
        covered = [invoices[i] for i in plan.invoice_ids if i in invoices]
        owed = sum((i.outstanding for i in covered), ZERO)
        states = collections.settle(plan.instalments,
                                    collections.paid_toward(plan.total, owed))
        if all(s.settled for s in states):
            plan.status, plan.ended_on = "completed", as_of
        elif covered and breaks(covered[0], collections.days_late(states, as_of)):
            plan.status, plan.ended_on = "broken", as_of
        else:
            continue
        changes.append((plan.id, plan.status))
    return changes


def plan_change_values(status: str, as_of: date, version: int) -> dict[str, Any]:
    """The columns a completed or broken plan gets."""
    return {"status": status, "ended_on": as_of, "ended_by": "system (daily run)",
            "ruleset_version": version if status == "broken" else None}
