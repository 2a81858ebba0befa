"""Stop-supply set by escalation and lifted as soon as its cause is gone (also at payment time)."""

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
from policy_service.services.history import record_changes
from policy_service.services.rules.registry import RuleSetRegistry

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


def _record(customer: Customer) -> None:
    session = object_session(customer)
    if session is not None:
        record_changes(session, customer, "customer", customer.id, ("status", "status_reason"),
                       SYSTEM_ACTOR)


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
