"""The one definition of what is still owed on an invoice (未收金额).

Open principal = amount − credited (credit notes) − principal paid.
Outstanding = open principal + penalty accrued − penalty waived − penalty paid.
``amount`` is the invoice as issued and never changes; a credit note is a record of its
own (``credit_notes``) whose running total is ``credited``. These functions take anything
with those attributes: on a row (an ORM invoice, the day's plain ``BookInvoice``) they give
a Decimal; on the mapped class they give the same arithmetic as a SQL expression, so
queries and objects cannot disagree.
"""

from __future__ import annotations

from typing import Any, Protocol


class InvoiceAmounts(Protocol):
    """The six amounts the outstanding amount is made of."""

    amount: Any
    credited: Any
    principal_paid: Any
    penalty_accrued: Any
    penalty_waived: Any
    penalty_paid: Any


class PrincipalAmounts(Protocol):
    """The three amounts the open principal is made of."""

    amount: Any
    credited: Any
    principal_paid: Any


def net_amount(invoice: PrincipalAmounts) -> Any:
    """The invoice's amount less its credit notes (what the customer owes in principal)."""
    return invoice.amount - invoice.credited


def open_principal(invoice: PrincipalAmounts) -> Any:
    """Principal neither paid nor credited (a Decimal, or a SQL expression)."""
    return invoice.amount - invoice.credited - invoice.principal_paid


def outstanding(invoice: InvoiceAmounts) -> Any:
    """Open principal plus unpaid, unwaived penalty (a Decimal, or a SQL expression)."""
    return (open_principal(invoice)
            + invoice.penalty_accrued - invoice.penalty_waived - invoice.penalty_paid)
