"""Facts for the account rule sets (penalty, escalation, review) from customers and invoices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from policy_service.db.models import Customer
from policy_service.domain.review import Indicators


class Invoice(Protocol):
    """What the facts read of an invoice: an ORM Invoice or the day's plain BookInvoice."""

    id: str
    amount: Decimal
    currency: str
    due_date: date
    principal_paid: Decimal
    penalty_accrued: Decimal
    penalty_waived: Decimal
    penalty_paid: Decimal

    @property
    def outstanding(self) -> Decimal: ...


def _customer(customer: Customer) -> dict[str, Any]:
    return {"tier": customer.tier_code, "status": customer.status}


def unpaid_penalty(invoice: Invoice) -> Any:
    """Penalty accrued and neither paid nor waived."""
    return invoice.penalty_accrued - invoice.penalty_waived - invoice.penalty_paid


def penalty_facts(customer: Customer, invoice: Invoice) -> dict[str, Any]:
    """Facts of the overdue_penalty vocabulary."""
    return {"invoice": {"amount": invoice.amount,
                        "unpaid_principal": invoice.amount - invoice.principal_paid,
                        "currency": invoice.currency},
            "customer": _customer(customer)}


def escalation_facts(customer: Customer, invoice: Invoice, today: date) -> dict[str, Any]:
    """Facts of the escalation vocabulary as of ``today``."""
    return {"invoice": {"days_from_due": (today - invoice.due_date).days,
                        "amount": invoice.amount, "outstanding": invoice.outstanding,
                        "penalty_accrued": unpaid_penalty(invoice), "currency": invoice.currency,
                        "number": invoice.id, "due_date": invoice.due_date.isoformat()},
            "customer": {**_customer(customer), "name": customer.name}}


def review_facts(customer: Customer, indicators: Indicators) -> dict[str, Any]:
    """Facts of the limit_review vocabulary."""
    return {"review": indicators.facts(),
            "customer": {**_customer(customer), "credit_limit": customer.credit_limit}}
