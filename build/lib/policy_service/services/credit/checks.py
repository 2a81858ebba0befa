"""May we ship this order on credit? Decide, reserve, and record the decision for replay."""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from policy_service import metrics
from policy_service.db.models import CreditCheck
from policy_service.db.types import utcnow
from policy_service.domain.codes import RESERVING_OUTCOMES
from policy_service.domain.credit_facts import order_facts
from policy_service.domain.decision import combine, out_of_range
from policy_service.domain.money import quantize
from policy_service.domain.remedies import OverdueInvoice, Remedy, remedies
from policy_service.language.compiler import encode_facts
from policy_service.language.vocabulary import FactsInvalid
from policy_service.services.credit.check_rows import (
    insert_check,
    lock_customer_terms,
)
from policy_service.services.credit.decision_body import (
    explanation_json,
    facts_to_json,
    render,
    view,
)
from policy_service.services.credit.exposure import current_exposure, overdue_invoices
from policy_service.services.credit.replay import OVERDUE_KEY, invoices_to_json
from policy_service.services.errors import Conflict, Invalid, NotFound, require_currency_digits
from policy_service.services.fingerprint import fingerprint
from policy_service.services.rules.registry import RuleSetRegistry
from policy_service.services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
RULESET = "credit_approval"
RESERVING = RESERVING_OUTCOMES


@dataclass(frozen=True)
class CreditCheckInput:
    """POST /v1/credit-checks."""

    order_id: str
    customer_id: str
    amount: Decimal
    currency: str
    requested_term_days: int | None = None


def check_credit(
    uow: UnitOfWork, rulesets: RuleSetRegistry, today: date, data: CreditCheckInput, actor: str,
) -> dict[str, Any]:
    """Decide an order; the same order_id and body returns the same decision."""
    started = time.perf_counter()
    request_hash = fingerprint(asdict(data))
    try:
        # One transaction: the customer's lock, the exposure, the decision and its first
        # history entry. A repeated order_id fails at its insert (unique constraint),
        # without a look-up first, and the handler below answers with the recorded one.
        check, event = _decide_in_transaction(uow, rulesets, today, data, request_hash, actor)
    except IntegrityError:
        # This order_id was decided before (a retry, or a concurrent request).
        with uow:
            existing = uow.session.scalars(
                select(CreditCheck).where(CreditCheck.order_id == data.order_id)
            ).one_or_none()
            if existing is None:
                raise
            return view(_same_request(existing, request_hash))
    metrics.CREDIT_CHECKS.labels(check["outcome"]).inc()
    metrics.CREDIT_CHECK_SECONDS.observe(time.perf_counter() - started)
    return render(check, [event])


def _decide_in_transaction(
    uow: UnitOfWork, rulesets: RuleSetRegistry, today: date, data: CreditCheckInput,
    request_hash: str, actor: str,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Decide in one transaction, once more if the database connection was lost.

    The second attempt is safe: if the first one committed before the connection
    dropped, its order_id makes the second fail at its insert, and the caller answers
    with the recorded decision.
    """
    try:
        with uow.connection() as connection:
            return _decide(rulesets, today, connection, data, request_hash, actor)
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        log.warning("database connection lost during a credit check; retrying once: %s",
                    exc.orig)
    with uow.connection() as connection:
        return _decide(rulesets, today, connection, data, request_hash, actor)


def _decide(
    rulesets: RuleSetRegistry, today: date, connection: Connection, data: CreditCheckInput,
    request_hash: str, actor: str,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Evaluate under the customer's lock and insert the decision; returns its rows."""
    customer = lock_customer_terms(connection, data.customer_id, RULESET)
    if customer is None:
        raise NotFound(f"unknown customer {data.customer_id!r}")
    if data.currency != customer.currency:
        raise Invalid(
            f"currency {data.currency} differs from the customer's currency "
            f"{customer.currency}", fields={"currency": [f"must be {customer.currency}"]})
    require_currency_digits(data.currency, amount=data.amount)
    # A statement of its own, after the lock: on PostgreSQL a statement's snapshot is
    # taken when it starts, so one that waited for the lock would miss the reservation
    # the previous holder just committed.
    exposure = current_exposure(connection, customer.id, today, customer.currency)
    facts = order_facts(customer, data, exposure, today)
    active = rulesets.serving(connection, RULESET, customer.newest_ruleset_version)
    ruleset = active.compiled.ruleset
    considered = _Considered(connection, customer.id, today, customer.currency)
    try:
        encoded = encode_facts(ruleset.vocabulary, facts)
    except FactsInvalid as exc:  # e.g. receivables summing past the money bound
        log.warning("credit check %s held: facts out of range: %s", data.order_id, exc)
        matched, decision = [], out_of_range()
        found: tuple[Remedy, ...] = ()
    else:
        engine_started = time.perf_counter()
        matched = rulesets.engine.evaluate(RULESET, encoded)
        metrics.ENGINE_SECONDS.observe(time.perf_counter() - engine_started)
        decision = combine(ruleset, matched, facts)
        found = remedies(ruleset, facts, matched, decision.outcome, considered.fetch, encoded)
    reserved = reservation(data.amount, decision.outcome, decision.prepayment)
    now = utcnow()
    check = {
        "decision_id": str(uuid.uuid4()), "order_id": data.order_id,
        "customer_id": customer.id, "amount": data.amount, "currency": data.currency,
        "requested_term_days": data.requested_term_days, "request_hash": request_hash,
        "outcome": decision.outcome, "conditions": [dict(c) for c in decision.conditions],
        "reasons": [{"rule": r.rule, "code": r.code, "message": dict(r.message)}
                    for r in decision.reasons],
        "matched_rules": list(matched), "facts": considered.stored(facts_to_json(facts)),
        "explanation": explanation_json(ruleset, facts, matched),
        "remedies": [remedy.to_dict() for remedy in found],
        "ruleset_name": RULESET, "ruleset_version": active.version,
        "ruleset_checksum": active.checksum, "exposure_before": exposure.total,
        "available_after": customer.credit_limit + customer.collateral_amount
        - exposure.total - reserved,
        "decided_at": now, "requested_by": actor, "status": "open",
        "reserved_amount": reserved,
    }
    event = {
        "decision_id": check["decision_id"], "action": "decided", "status": "open",
        "reserved_amount": reserved, "actor": actor,
        "note": f"{decision.outcome} by {RULESET} v{active.version}", "at": now,
        "business_date": today,
    }
    insert_check(connection, check, event)
    return check, event


class _Considered:
    """The overdue invoices a remedy asked for (read once, only if asked), kept with the
    decision's stored input so that a replay works out the same remedies."""

    def __init__(self, connection: Connection, customer_id: str, today: date,
                 currency: str) -> None:
        self.connection, self.customer_id, self.today = connection, customer_id, today
        self.currency = currency
        self.invoices: list[OverdueInvoice] | None = None

    def fetch(self) -> list[OverdueInvoice]:
        """The customer's overdue invoices as the remedy sees them."""
        if self.invoices is None:
            self.invoices = overdue_invoices(self.connection, self.customer_id, self.today,
                                             self.currency)
        return self.invoices

    def stored(self, facts: dict[str, Any]) -> dict[str, Any]:
        """The stored input: the facts, and the invoices if a remedy asked for them."""
        if self.invoices is None:
            return facts
        return {**facts, OVERDUE_KEY: invoices_to_json(self.invoices)}


def reservation(amount: Decimal, outcome: str, prepayment: Decimal) -> Decimal:
    """What an approved order reserves: its amount less any prepayment (never negative)."""
    if outcome not in RESERVING:
        return Decimal("0.00")
    return quantize(max(amount - prepayment, Decimal(0)))


def get_check(uow: UnitOfWork, decision_id: str) -> dict[str, Any]:
    """GET /v1/credit-checks/{id}."""
    with uow:
        check = uow.session.get(CreditCheck, decision_id)
        if check is None:
            raise NotFound(f"unknown credit check {decision_id!r}")
        return view(check)


def _same_request(existing: CreditCheck, request_hash: str) -> CreditCheck:
    if existing.request_hash != request_hash:
        raise Conflict(f"order_id {existing.order_id!r} was already checked with a different body",
                       fields={"order_id": ["reused with a different body"]})
    return existing


