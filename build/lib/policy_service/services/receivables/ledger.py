"""Invoices and payments synced from the ERP, idempotent on their ids."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from policy_service.db.models import CreditCheck, CreditCheckEvent, Invoice, Payment
from policy_service.domain.account_facts import unpaid_penalty
from policy_service.domain.aging import Classifier
from policy_service.domain.bounds import date_problem
from policy_service.domain.codes import RESERVING_OUTCOMES
from policy_service.domain.outstanding import net_amount, open_principal
from policy_service.services.credit.customers import lock_customer
from policy_service.services.errors import Conflict, Invalid, NotFound, require_currency_digits
from policy_service.services.fingerprint import fingerprint
from policy_service.services.receivables.classes import receivable_classifier
from policy_service.services.receivables.stop_supply import lift_if_cleared
from policy_service.services.receivables.value_dates import reverse_penalty, value_date_problem
from policy_service.services.rules.registry import RuleSetRegistry
from policy_service.services.unit_of_work import UnitOfWork

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class InvoiceInput:
    """POST /v1/invoices."""

    invoice_id: str
    customer_id: str
    amount: Decimal
    currency: str
    issue_date: date
    due_date: date | None = None
    order_id: str | None = None


@dataclass(frozen=True)
class PaymentInput:
    """POST /v1/payments."""

    payment_id: str
    invoice_id: str
    amount: Decimal
    currency: str
    paid_at: date


def create_invoice(uow: UnitOfWork, data: InvoiceInput, actor: str) -> tuple[Invoice, bool]:
    """Record an invoice and consume its order's reservation; returns (invoice, created)."""
    request_hash = fingerprint(asdict(data))
    try:
        with uow:
            session = uow.session
            customer = lock_customer(uow, data.customer_id)
            existing = session.get(Invoice, data.invoice_id)
            if existing is not None:
                return _replay(existing, request_hash, "invoice_id"), False
            if data.currency != customer.currency:
                raise _wrong_currency(data.currency, customer.currency)
            require_currency_digits(data.currency, amount=data.amount)
            due = data.due_date or data.issue_date + timedelta(days=customer.effective_term_days())
            if due < data.issue_date:
                raise Invalid("due_date is before issue_date",
                              fields={"due_date": ["before issue_date"]})
            problem = date_problem(due)
            if problem:
                raise Invalid(f"due_date {due.isoformat()}: {problem}",
                              fields={"due_date": [problem]})
            invoice = Invoice(
                id=data.invoice_id, customer_id=customer.id, order_id=data.order_id,
                amount=data.amount, currency=data.currency, issue_date=data.issue_date,
                due_date=due, request_hash=request_hash, status="open",
            )
            session.add(invoice)
            if data.order_id:
                invoice.reservation_consumed = _consume_reservation(
                    session, customer.id, data.order_id, data.amount, data.invoice_id, actor,
                    data.issue_date)
            session.flush()
            uow.commit()
            return invoice, True
    except IntegrityError:
        # A concurrent request created the same invoice id first: answer as a replay.
        with uow:
            existing = uow.session.get(Invoice, data.invoice_id)
            if existing is None:
                raise
            return _replay(existing, request_hash, "invoice_id"), False


def _consume_reservation(
    session: Session, customer_id: str, order_id: str, amount: Decimal, invoice_id: str, actor: str,
    issued: date,
) -> Decimal:
    """Consume the order's reservation by the invoice, as of its issue date."""
    check = session.scalars(
        select(CreditCheck).where(CreditCheck.order_id == order_id)
    ).one_or_none()
    if check is None or check.customer_id != customer_id:
        return ZERO
    if check.status not in ("open", "released"):
        return ZERO
    if check.reserved_amount <= 0 and check.outcome not in RESERVING_OUTCOMES:
        return ZERO  # a hold or a decline reserved nothing and is not shipped on credit
    # A fully prepaid order reserved nothing, but its invoice still ends its life.
    consumed = min(check.reserved_amount, amount)
    check.reserved_amount -= consumed
    if check.reserved_amount == 0:
        check.status = "invoiced"
    check.events.append(CreditCheckEvent(
        action="invoiced", status=check.status, reserved_amount=check.reserved_amount,
        actor=actor, note=f"invoice {invoice_id} consumed {consumed}", business_date=issued,
    ))
    return consumed


def record_payment(
    uow: UnitOfWork, registry: RuleSetRegistry, data: PaymentInput, today: date
) -> tuple[Payment, bool]:
    """Apply a payment: principal first, then penalty; returns (payment, created).

    ``paid_at`` is the value date: no earlier than the invoice's issue date, no later than
    ``today``; penalty accrued from it on the principal it pays is reversed (recorded).
    A stop-supply set by escalation is lifted at once when, judged on ``today``'s state,
    no open invoice still causes it. On a written-off invoice the payment is a recovery:
    it reduces the bad debt and leaves the customer's status to a risk manager.
    """
    request_hash = fingerprint(asdict(data))
    try:
        with uow:
            session = uow.session
            invoice = session.get(Invoice, data.invoice_id)
            if invoice is None:
                raise NotFound(f"unknown invoice {data.invoice_id!r}")
            customer = lock_customer(uow, invoice.customer_id)
            session.refresh(invoice)
            existing = session.get(Payment, data.payment_id)
            if existing is not None:
                return _replay(existing, request_hash, "payment_id"), False
            if data.currency != invoice.currency:
                raise _wrong_currency(data.currency, invoice.currency)
            require_currency_digits(data.currency, amount=data.amount)
            problem = value_date_problem(invoice, data.paid_at, today)
            if problem:
                raise Invalid(f"paid_at {data.paid_at.isoformat()}: {problem}",
                              fields={"paid_at": [problem]})
            recovery = invoice.status == "written_off"
            principal = min(data.amount, open_principal(invoice))
            invoice.principal_paid += principal
            payment = Payment(
                id=data.payment_id, invoice_id=invoice.id, amount=data.amount,
                currency=data.currency, paid_at=data.paid_at, principal_part=principal,
                penalty_part=data.amount - principal, request_hash=request_hash,
            )
            session.add(payment)
            session.flush()
            if not recovery:
                reverse_penalty(session, invoice, payment.id, data.paid_at, today)
            open_penalty = unpaid_penalty(invoice)
            if payment.penalty_part > open_penalty:
                open_amount = principal + open_penalty
                raise Invalid(
                    f"payment {data.amount} exceeds the open amount {open_amount}"
                    + (" (the written-off amount still unrecovered)" if recovery else ""),
                    fields={"amount": [f"at most {open_amount}"]},
                )
            invoice.penalty_paid += payment.penalty_part
            if invoice.outstanding == 0 and not recovery:
                invoice.status = "paid"
            session.flush()
            if not recovery:
                lift_if_cleared(session, registry, customer, today)
            uow.commit()
            return payment, True
    except IntegrityError:
        with uow:
            existing = uow.session.get(Payment, data.payment_id)
            if existing is None:
                raise
            return _replay(existing, request_hash, "payment_id"), False


def get_invoice(uow: UnitOfWork, registry: RuleSetRegistry, invoice_id: str, today: date
                ) -> dict[str, Any]:
    """GET /v1/invoices/{id}."""
    with uow:
        invoice = uow.session.get(Invoice, invoice_id)
        if invoice is None:
            raise NotFound(f"unknown invoice {invoice_id!r}")
        return invoice_view(invoice, today, receivable_classifier(registry, uow.session))


def invoice_view(invoice: Invoice, today: date, classify: Classifier) -> dict[str, Any]:
    """The contract's invoice body; its class (账龄分类) from the receivable_classes rules."""
    days_past_due = max((today - invoice.due_date).days, 0) if invoice.status == "open" else 0
    return {
        "invoice_id": invoice.id,
        "customer_id": invoice.customer_id,
        "order_id": invoice.order_id,
        "amount": net_amount(invoice),  # api.md: a credit note lowers the invoice's amount
        "credited": invoice.credited,
        "currency": invoice.currency,
        "issue_date": invoice.issue_date,
        "due_date": invoice.due_date,
        "paid": invoice.principal_paid + invoice.penalty_paid,
        "penalty_accrued": invoice.penalty_accrued,
        "penalty_waived": invoice.penalty_waived,
        "outstanding": invoice.outstanding,
        "days_past_due": days_past_due,
        "class": classify(days_past_due, invoice.status == "written_off").name,
        "status": invoice.status,
    }


def _replay(existing: Any, request_hash: str, key: str) -> Any:
    if existing.request_hash != request_hash:
        raise Conflict(f"{key} {existing.id!r} was already used with a different body",
                       fields={key: ["reused with a different body"]})
    return existing


def _wrong_currency(given: str, expected: str) -> Invalid:
    return Invalid(f"currency {given} differs from the customer's currency {expected}",
                   fields={"currency": [f"must be {expected}"]})
