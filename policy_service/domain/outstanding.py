"""The one definition of what is still owed on an invoice (未收金额).

Outstanding = amount − principal paid + penalty accrued − penalty waived − penalty paid.
``outstanding`` takes anything with those five attributes: on a row (an ORM invoice, the
day's plain ``BookInvoice``) it gives a Decimal; on the mapped class it gives the same
arithmetic as a SQL expression, so queries and objects cannot disagree.
"""

from __future__ import annotations

from typing import Any, Protocol


class InvoiceAmounts(Protocol):
    """The five amounts the outstanding amount is made of."""

    amount: Any
    principal_paid: Any
    penalty_accrued: Any
    penalty_waived: Any
    penalty_paid: Any


def outstanding(invoice: InvoiceAmounts) -> Any:
    """Unpaid principal plus unpaid, unwaived penalty (a Decimal, or a SQL expression)."""
    return (invoice.amount - invoice.principal_paid
            + invoice.penalty_accrued - invoice.penalty_waived - invoice.penalty_paid)
