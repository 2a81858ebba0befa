"""Read models of the receivables capability for the admin and the API: plain set-based queries."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from policy_service.db.models import Invoice, Payment

ZERO = Decimal("0.00")


def _money(value: object) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def overdue_principal(session: Session, day: date) -> Decimal:
    """Unpaid principal past its due date at the end of ``day`` (written-off excluded)."""
    paid = (select(Payment.invoice_id, func.sum(Payment.principal_part).label("paid"))
            .where(Payment.paid_at <= day).group_by(Payment.invoice_id).subquery())
    unpaid = Invoice.amount - func.coalesce(paid.c.paid, 0)
    return _money(session.scalar(
        select(func.sum(case((unpaid > 0, unpaid), else_=0)))
        .select_from(Invoice).outerjoin(paid, paid.c.invoice_id == Invoice.id)
        .where(Invoice.status != "written_off", Invoice.issue_date <= day,
               Invoice.due_date < day)))


def overdue_trend(session: Session, today: date, weeks: int = 12) -> list[tuple[date, Decimal]]:
    """Overdue principal at the end of each of the last ``weeks`` weeks, oldest first."""
    days = [today - timedelta(days=7 * week) for week in range(weeks - 1, -1, -1)]
    return [(day, overdue_principal(session, day)) for day in days]
