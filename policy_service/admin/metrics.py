"""The dashboard's figures: exposure against limits, aging buckets, held orders, overdue trend."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from policy_service.db.models import CreditCheck, Customer, Invoice, Payment
from policy_service.domain.aging import BUCKETS, bucket
from policy_service.services.credit.exposure import current_exposure

ZERO = Decimal("0.00")
MAX_CUSTOMERS = 500


@dataclass(frozen=True)
class Dashboard:
    """Everything the dashboard draws."""

    top_exposure: list[tuple[str, Decimal, Decimal]]  # (customer, exposure, limit+collateral)
    aging: dict[str, Decimal]
    held_orders: int
    customers_over_limit: int
    trend: list[tuple[date, Decimal]]


def held_orders(session: Session) -> int:
    """Credit checks on hold and still open."""
    return int(session.scalar(select(func.count()).select_from(CreditCheck).where(
        CreditCheck.outcome == "hold", CreditCheck.status == "open")) or 0)


def exposure_against_limits(session: Session, today: date, top: int = 8
                            ) -> tuple[list[tuple[str, Decimal, Decimal]], int]:
    """The customers with the most exposure, and how many are over their limit."""
    rows = []
    for customer in session.scalars(select(Customer).limit(MAX_CUSTOMERS)):
        exposure = current_exposure(session, customer.id, today).total
        rows.append((customer.id, exposure, customer.credit_limit + customer.collateral_amount))
    over = sum(1 for _, exposure, limit in rows if exposure > limit)
    rows.sort(key=lambda row: row[1], reverse=True)
    return [row for row in rows[:top] if row[1] > 0], over


def aging_totals(session: Session, today: date) -> dict[str, Decimal]:
    """Open amounts of every customer per aging bucket."""
    buckets = dict.fromkeys(BUCKETS, ZERO)
    for invoice in session.scalars(select(Invoice).where(Invoice.status == "open")):
        buckets[bucket((today - invoice.due_date).days)] += invoice.outstanding
    return buckets


def overdue_trend(session: Session, today: date, weeks: int = 12) -> list[tuple[date, Decimal]]:
    """Unpaid principal past its due date at the end of each of the last `weeks` weeks."""
    paid: dict[str, list[tuple[date, Decimal]]] = defaultdict(list)
    for payment in session.scalars(select(Payment)):
        paid[payment.invoice_id].append((payment.paid_at, payment.principal_part))
    invoices = list(session.scalars(select(Invoice).where(Invoice.status != "written_off")))
    points = []
    for week in range(weeks - 1, -1, -1):
        day = today - timedelta(days=7 * week)
        total = ZERO
        for invoice in invoices:
            if invoice.issue_date <= day and invoice.due_date < day:
                settled = sum((amount for on, amount in paid[invoice.id] if on <= day), ZERO)
                total += max(invoice.amount - settled, ZERO)
        points.append((day, total))
    return points


def dashboard(session: Session, today: date) -> Dashboard:
    """All the dashboard's figures as of `today`."""
    top, over = exposure_against_limits(session, today)
    return Dashboard(top, aging_totals(session, today), held_orders(session), over,
                     overdue_trend(session, today))
