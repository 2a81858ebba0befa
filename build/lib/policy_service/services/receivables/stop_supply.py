"""Stop-supply set by escalation and lifted as soon as its cause is gone (also at payment time).

A write-off turns an escalation's stop-supply into one that only a risk manager lifts
(``keep_for_write_off`` / ``lift_by_risk_manager``): neither a payment nor the day's run
lifts it, because a written-off debt does not make the customer a good risk.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from policy_service.db.models import Customer, Invoice
from policy_service.domain.account_facts import escalation_facts, penalty_facts
from policy_service.domain.escalation import due_steps
from policy_service.domain.penalty import choose_terms
from policy_service.language.document import RuleSet
from policy_service.language.reference import matching_rules
from policy_service.services.collections import effects as collections
from policy_service.services.credit.customers import lock_customer, status_reason
from policy_service.services.errors import Conflict, Invalid
from policy_service.services.history import record_changes
from policy_service.services.rules.registry import RuleSetRegistry
from policy_service.services.unit_of_work import UnitOfWork

ESCALATION = "escalation"
REASON_PREFIX = "escalation:"
SYSTEM_ACTOR = "system (escalation rule set)"


def set_by_escalation(customer: Customer) -> bool:
    """True when the customer's stop-supply was set by escalation (so it lifts by itself)."""
    return customer.status == "stop_supply" and (customer.status_reason or "").startswith(
        REASON_PREFIX)


def stop(customer: Customer, invoice_id: str, as_of: date) -> bool:
    """Stop supply to an active customer because of an invoice; True if the status changed."""
    if customer.status != "active":
        return False
    customer.status = "stop_supply"
    customer.status_reason = f"{REASON_PREFIX} invoice {invoice_id} overdue ({as_of.isoformat()})"
    _record(customer)
    return True


def lift(customer: Customer, as_of: date) -> bool:
    """Lift a stop-supply set by escalation; True if the status changed."""
    if not set_by_escalation(customer):
        return False
    customer.status = "active"
    customer.status_reason = f"{REASON_PREFIX} cause cleared ({as_of.isoformat()})"
    _record(customer)
    return True


def keep_for_write_off(customer: Customer, invoice_id: str, today: date, actor: str) -> bool:
    """After a write-off: an escalation's stop-supply stays until a risk manager lifts it."""
    if not set_by_escalation(customer):
        return False
    customer.status_reason = status_reason(
        f"write-off: invoice {invoice_id} written off ({today.isoformat()}); supply stays "
        "stopped until a risk manager lifts it", actor)
    _record(customer, actor)
    return True


def lift_by_risk_manager(uow: UnitOfWork, customer_id: str, note: str, actor: str,
                         today: date) -> Customer:
    """POST /v1/customers/{id}/lift-stop-supply: a risk manager lifts a stop-supply."""
    if not note.strip():
        raise Invalid("a note is required", fields={"note": ["required"]})
    with uow:
        customer = lock_customer(uow, customer_id)
        if customer.status != "stop_supply":
            raise Conflict(f"customer {customer_id} is {customer.status}, not stop_supply",
                           fields={"status": [customer.status]})
        customer.status = "active"
        customer.status_reason = status_reason(
            f"stop-supply lifted ({today.isoformat()}): {note.strip()}", actor)
        _record(customer, actor)
        uow.commit()
        return customer


def _record(customer: Customer, actor: str = SYSTEM_ACTOR) -> None:
    session = object_session(customer)
    if session is not None:
        record_changes(session, customer, "customer", customer.id, ("status", "status_reason"),
                       actor)


def causes_stop(ruleset: RuleSet, customer: Customer, invoice: Invoice, today: date,
                penalty_rules: RuleSet) -> bool:
    """Whether an open invoice matches a step whose actions include stop_supply."""
    grace = customer.tier.grace_days if customer.tier is not None else 0
    penalty = penalty_facts(customer, invoice, grace)
    terms = choose_terms(penalty_rules, matching_rules(penalty_rules, penalty), penalty)
    facts = escalation_facts(customer, invoice, today, terms)
    return any("stop_supply" in step.actions
               for step in due_steps(ruleset, matching_rules(ruleset, facts)))


def lift_if_cleared(
    session: Session, registry: RuleSetRegistry, customer: Customer, today: date
) -> bool:
    """After a payment, waiver or write-off: lift stop-supply if no open invoice causes it."""
    if not set_by_escalation(customer):
        return False
    ruleset = registry.current(session, ESCALATION).compiled.ruleset
    penalty_rules = registry.current(session, "overdue_penalty").compiled.ruleset
    invoices = session.scalars(select(Invoice).where(
        Invoice.customer_id == customer.id, Invoice.status == "open"))
    held = collections.for_customer(session, customer.id)  # disputed in full, kept plans
    if any(causes_stop(ruleset, customer, invoice, today, penalty_rules)
           for invoice in invoices if not held.exempt(invoice, today)):
        return False
    return lift(customer, today)
