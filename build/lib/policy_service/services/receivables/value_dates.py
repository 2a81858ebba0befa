"""Payments with an earlier value date: the penalty they make unowed is reversed, recorded.

Penalty is owed only on principal unpaid on each day. When a payment's value date
(``paid_at``) is earlier than days already accrued, the penalty of those days on the
principal it paid is taken off by appending ``PenaltyCorrection`` rows (one per day, the
payment named); accrual rows are never changed or deleted. The invoice's running
``penalty_accrued`` follows, so its outstanding amount, status and every figure do.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from policy_service.db.models import Invoice, Payment
from policy_service.db.models_collections import CreditNote
from policy_service.db.models_receivables import PenaltyAccrual, PenaltyCorrection
from policy_service.domain import penalty
from policy_service.domain.account_facts import unpaid_penalty
from policy_service.services.rules.registry import get_version

PENALTY = "overdue_penalty"


def value_date_problem(invoice: Invoice, paid_at: date, today: date) -> str | None:
    """Why ``paid_at`` cannot be this payment's value date, or None."""
    if paid_at < invoice.issue_date:
        return f"before the invoice's issue date {invoice.issue_date.isoformat()}"
    if paid_at > today:
        return f"after today ({today.isoformat()})"
    return None


def reverse_penalty(session: Session, invoice: Invoice, payment_id: str, paid_at: date,
                    today: date) -> Decimal:
    """Reverse the penalty accrued from ``paid_at`` on that is no longer owed; returns it.

    Call after the payment's principal part is applied and the payment row added.
    """
    accruals = session.execute(
        select(PenaltyAccrual.day, PenaltyAccrual.amount, PenaltyAccrual.base,
               PenaltyAccrual.ruleset_version, PenaltyAccrual.rule)
        .where(PenaltyAccrual.invoice_id == invoice.id, PenaltyAccrual.day >= paid_at)).all()
    if not accruals:
        return Decimal(0)
    corrected = dict(session.execute(
        select(PenaltyCorrection.day, func.sum(PenaltyCorrection.amount))
        .where(PenaltyCorrection.invoice_id == invoice.id, PenaltyCorrection.day >= paid_at)
        .group_by(PenaltyCorrection.day)).all())
    rates: dict[tuple[int, str], Decimal | None] = {}
    days = []
    for row in accruals:
        key = (row.ruleset_version, row.rule)
        if key not in rates:
            rates[key] = _rate(session, *key)
        rate = rates[key]
        if rate is None:  # the rule is gone from its version: the day's own ratio
            rate = row.amount * penalty.HUNDRED / row.base if row.base else Decimal(0)
        standing = row.amount - Decimal(corrected.get(row.day) or 0)
        days.append(penalty.AccruedDay(row.day, standing, rate))
    payments = session.execute(select(Payment.paid_at, Payment.principal_part)
                               .where(Payment.invoice_id == invoice.id)).all()
    credits = session.execute(select(CreditNote.issued_on, CreditNote.amount)
                              .where(CreditNote.invoice_id == invoice.id)).all()
    cuts = penalty.reversals(days, invoice.amount, invoice.currency,
                             penalty.paid_by([*((p, part) for p, part in payments),
                                              *((d, a) for d, a in credits)]),
                             unpaid_penalty(invoice))
    total = sum((cut for _day, cut in cuts), Decimal(0))
    session.add_all(PenaltyCorrection(invoice_id=invoice.id, customer_id=invoice.customer_id,
                                      day=day, amount=cut, payment_id=payment_id,
                                      recorded_on=today) for day, cut in cuts)
    invoice.penalty_accrued -= total
    return total


def _rate(session: Session, version: int, rule: str) -> Decimal | None:
    document = get_version(session, PENALTY, version).document
    for candidate in document.get("rules", []):
        if candidate.get("name") == rule and "daily_rate_percent" in candidate.get("then", {}):
            return Decimal(str(candidate["then"]["daily_rate_percent"]))
    return None
