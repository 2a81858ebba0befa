"""The one builder of facts for the account vocabularies, from customers and invoices.

overdue_penalty, escalation, limit_review, receivable_classes and blacklist_watch: each
vocabulary's facts are assembled here and nowhere else (the credit check's are in
``credit_facts``). The builders return plain dicts; they are validated once, where they
are evaluated (``encode_facts`` for the engine, ``valid_facts`` for the reference
evaluator). Customers and invoices are read through protocols, so an ORM row and the day
run's plain book objects both serve.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from policy_service.domain.outstanding import net_amount, open_principal

if TYPE_CHECKING:
    from policy_service.domain.penalty import PenaltyTerms
    from policy_service.domain.review import Indicators, InvoiceHistory

ZERO_RATE = Decimal("0")


class Customer(Protocol):
    """What the facts read of a customer: an ORM Customer or a read model of one."""

    @property
    def tier_code(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def credit_limit(self) -> Decimal: ...


class Invoice(Protocol):
    """What the facts read of an invoice: an ORM Invoice or the day's plain BookInvoice."""

    id: str
    amount: Decimal
    currency: str
    due_date: date
    credited: Decimal
    principal_paid: Decimal
    penalty_accrued: Decimal
    penalty_waived: Decimal
    penalty_paid: Decimal

    @property
    def outstanding(self) -> Decimal: ...


def unpaid_penalty(invoice: Invoice) -> Any:
    """Penalty accrued and neither paid nor waived."""
    return invoice.penalty_accrued - invoice.penalty_waived - invoice.penalty_paid


def customer_group(customer: Customer) -> dict[str, Any]:
    """The ``customer`` group every account vocabulary shares: tier and status."""
    return {"tier": customer.tier_code, "status": customer.status}


def penalty_facts(customer: Customer, invoice: Invoice, grace_days: int) -> dict[str, Any]:
    """Facts of the overdue_penalty vocabulary; ``grace_days`` are the customer's tier's."""
    return {"invoice": {"amount": net_amount(invoice),
                        "unpaid_principal": open_principal(invoice),
                        "currency": invoice.currency},
            "customer": {**customer_group(customer), "grace_days": grace_days}}


def escalation_facts(customer: Customer, invoice: Invoice, today: date,
                     terms: PenaltyTerms | None, instalment_days_late: int = 0) -> dict[str, Any]:
    """Facts of the escalation vocabulary as of ``today``; ``terms`` are the invoice's
    penalty terms (overdue_penalty's choice), so a notice can state them;
    ``instalment_days_late``: how late its plan's earliest unpaid instalment is."""
    return {"instalment": {"days_late": instalment_days_late},
            "invoice": {"days_from_due": (today - invoice.due_date).days,
                        "amount": net_amount(invoice), "outstanding": invoice.outstanding,
                        "penalty_accrued": unpaid_penalty(invoice), "currency": invoice.currency,
                        "number": invoice.id, "due_date": invoice.due_date.isoformat()},
            "customer": {**customer_group(customer), "name": customer.name,
                         "grace_days": terms.grace_days if terms else 0},
            "penalty": {"daily_rate_percent": terms.daily_rate_percent if terms else ZERO_RATE,
                        "cap_percent": terms.cap_percent if terms else ZERO_RATE}}


def review_group(indicators: Indicators) -> dict[str, Any]:
    """The ``review`` group of the limit_review vocabulary."""
    return {"on_time_rate": indicators.on_time_rate, "max_days_late": indicators.max_days_late,
            "overdue_amount": indicators.overdue_amount,
            "oldest_overdue_days": indicators.oldest_overdue_days,
            "utilization": indicators.utilization, "invoice_count": indicators.invoice_count}


def review_facts(customer: Customer, indicators: Indicators) -> dict[str, Any]:
    """Facts of the limit_review vocabulary."""
    return {"review": review_group(indicators),
            "customer": {**customer_group(customer), "credit_limit": customer.credit_limit}}


def class_facts(days_past_due: int, written_off: bool = False) -> dict[str, Any]:
    """Facts of the receivable_classes vocabulary."""
    return {"invoice": {"days_past_due": days_past_due, "written_off": written_off}}


def watch_facts(invoice: InvoiceHistory, currency: str, customer: Mapping[str, Any],
                as_of: date) -> dict[str, Any]:
    """Facts of the blacklist_watch vocabulary for one invoice as of a date; ``customer``
    is the ``customer_group`` (``currency`` the customer's)."""
    from policy_service.domain.review import days_late  # review imports nothing from here

    return {"invoice": {"days_late": days_late(invoice, as_of), "amount": invoice.amount,
                        "currency": currency}, "customer": customer}
