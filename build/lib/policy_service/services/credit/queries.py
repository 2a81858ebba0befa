"""Read models of the credit capability for the admin and the API (like cosmicpython's views).

Plain functions over a session, set-based: no use case, no commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, literal, or_, select
from sqlalchemy.orm import Session

from policy_service.db.models import CreditCheck, Customer, Invoice
from policy_service.db.models_admin import ChangeRecord
from policy_service.domain.decision import recorded_prepayment
from policy_service.domain.money import in_currency
from policy_service.services.credit import decision_body
from policy_service.services.credit.checks import reservation

ZERO = Decimal("0.00")


def held_orders(session: Session) -> int:
    """Credit checks on hold and still open."""
    return int(session.scalar(select(func.count()).select_from(CreditCheck).where(
        CreditCheck.outcome == "hold", CreditCheck.status == "open")) or 0)


@dataclass(frozen=True)
class CustomerExposure:
    """A customer's exposure against its own limit (collateral counted), in its currency."""

    customer_id: str
    name: str
    currency: str
    status: str
    exposure: Decimal
    limit: Decimal  # credit limit + collateral

    @property
    def available(self) -> Decimal:
        """limit + collateral - exposure (negative when over the limit)."""
        return self.limit - self.exposure

    def utilization(self, extra: Decimal = ZERO) -> Decimal | None:
        """(exposure + extra) / (limit + collateral) in percent, one decimal; None at 0 limit."""
        if self.limit <= 0:
            return None
        return (100 * (self.exposure + extra) / self.limit).quantize(Decimal("0.1"))


def customer_exposures(session: Session, customer_ids: Sequence[str] | None = None
                       ) -> list[CustomerExposure]:
    """Every customer's (or those of ``customer_ids``) exposure — three grouped queries.

    Exposure is the credit check's: outstanding of open invoices plus open and released
    reservations (``services/credit/exposure.py``).
    """
    def only(query: Any, column: Any) -> Any:
        return query if customer_ids is None else query.where(column.in_(customer_ids))
    receivables = dict(session.execute(only(
        select(Invoice.customer_id, func.sum(Invoice.outstanding))
        .where(Invoice.status == "open"), Invoice.customer_id)
        .group_by(Invoice.customer_id)).all())
    reserved = dict(session.execute(only(
        select(CreditCheck.customer_id, func.sum(CreditCheck.reserved_amount))
        .where(CreditCheck.status.in_(("open", "released"))), CreditCheck.customer_id)
        .group_by(CreditCheck.customer_id)).all())
    rows = session.execute(only(select(Customer.id, Customer.name, Customer.currency,
                                       Customer.status, Customer.credit_limit,
                                       Customer.collateral_amount), Customer.id))
    return [CustomerExposure(cid, name, currency, status,
                             in_currency(receivables.get(cid), currency)
                             + in_currency(reserved.get(cid), currency),
                             limit + collateral)
            for cid, name, currency, status, limit, collateral in rows]


def counts_by_currency(session: Session) -> dict[str, dict[str, int]]:
    """Per currency: open holds, and customers on stop supply."""
    counts: dict[str, dict[str, int]] = {}
    for currency, number in session.execute(
            select(CreditCheck.currency, func.count()).where(
                CreditCheck.outcome == "hold", CreditCheck.status == "open")
            .group_by(CreditCheck.currency)):
        counts.setdefault(currency, {})["held_orders"] = int(number)
    for currency, number in session.execute(
            select(Customer.currency, func.count()).where(Customer.status == "stop_supply")
            .group_by(Customer.currency)):
        counts.setdefault(currency, {})["stop_supply"] = int(number)
    return counts


def release_effects(session: Session, holds: Sequence[Any]) -> dict[str, dict[str, Any]]:
    """What releasing each hold would do to its customer: available and utilization after.

    ``holds`` are the listed credit checks (rows of the held-orders screen).
    """
    exposures = {e.customer_id: e for e in customer_exposures(
        session, sorted({h.customer_id for h in holds}))}
    effects = {}
    for hold in holds:
        found = exposures.get(hold.customer_id)
        if found is None:
            continue
        # what releasing reserves (services/credit/holds.py): the amount less the prepayment
        prepaid = recorded_prepayment(hold.conditions or [], hold.amount, hold.currency)
        reserves = reservation(hold.amount, "approved", prepaid)
        effects[hold.decision_id] = {
            "customer": found, "reserves": reserves,
            "available_after": found.available - reserves,
            "utilization_after": found.utilization(reserves),
            "over_limit_after": found.exposure + reserves > found.limit}
    return effects


def order_decision(session: Session, order_id: str) -> dict[str, Any] | None:
    """The decision on an order (by the order system's id) as the API shows it, or None."""
    check = session.scalars(select(CreditCheck).where(CreditCheck.order_id == order_id)
                            ).one_or_none()
    return decision_body.view(check) if check else None


def find_customers(session: Session, text: str, owner: str | None, limit: int = 20
                   ) -> list[dict[str, Any]]:
    """Customers whose id or name contains ``text`` (any case); ``owner``'s own first."""
    pattern = f"%{text.strip().lower()}%"
    own_first = case((Customer.owner == owner, 0), else_=1) if owner else literal(1)
    rows = session.execute(
        select(Customer.id, Customer.name, Customer.owner, Customer.status, Customer.currency)
        .where(or_(func.lower(Customer.id).like(pattern), func.lower(Customer.name).like(pattern)))
        .order_by(own_first, Customer.name, Customer.id).limit(limit)).all()
    return [{"customer_id": row.id, "name": row.name, "owner": row.owner, "status": row.status,
             "currency": row.currency, "own": bool(owner) and row.owner == owner}
            for row in rows]


def recent_decisions(session: Session, customer_id: str, limit: int = 10) -> list[dict[str, Any]]:
    """The customer's latest decisions as the API shows them, newest first."""
    checks = session.scalars(select(CreditCheck).where(CreditCheck.customer_id == customer_id)
                             .order_by(CreditCheck.decided_at.desc(), CreditCheck.order_id)
                             .limit(limit)).all()
    return [decision_body.view(check) for check in checks]


def customer_name(session: Session, customer_id: str) -> str | None:
    """The customer's name, or None when there is no such customer."""
    return session.scalar(select(Customer.name).where(Customer.id == customer_id))


def own_customers(session: Session, owner: str, limit: int = 200) -> list[dict[str, Any]]:
    """The customers ``owner`` looks after (the sales home page), by name."""
    rows = session.execute(
        select(Customer.id, Customer.name, Customer.status, Customer.credit_limit,
               Customer.currency).where(Customer.owner == owner)
        .order_by(Customer.name, Customer.id).limit(limit)).all()
    return [{"customer_id": row.id, "name": row.name, "status": row.status,
             "credit_limit": row.credit_limit, "currency": row.currency} for row in rows]


def open_split(session: Session, customer_id: str, currency: str) -> dict[str, Decimal]:
    """What the customer's open invoices still owe, split into principal and penalty, in
    the customer's ``currency``."""
    principal, penalty = session.execute(
        select(func.coalesce(func.sum(Invoice.open_principal), 0),
               func.coalesce(func.sum(Invoice.penalty_accrued - Invoice.penalty_waived
                                      - Invoice.penalty_paid), 0))
        .where(Invoice.customer_id == customer_id, Invoice.status == "open")).one()
    return {"principal": in_currency(principal, currency),
            "penalty": in_currency(penalty, currency)}


def status_history(session: Session, customer_id: str, limit: int = 50) -> list[dict[str, Any]]:
    """Changes to the customer's record (status, limit, tier ...), newest first."""
    rows = session.scalars(select(ChangeRecord).where(
        ChangeRecord.entity == "customer", ChangeRecord.entity_id == customer_id)
        .order_by(ChangeRecord.changed_at.desc(), ChangeRecord.id.desc()).limit(limit))
    return [{"field": r.field, "old": r.old_value, "new": r.new_value, "by": r.changed_by,
             "at": r.changed_at} for r in rows]


def name_owner_currency(session: Session, customer_id: str) -> tuple[str, str, str] | None:
    """The customer's name, owner ("" when it has none) and currency, or None for no such
    customer."""
    row = session.execute(select(Customer.name, Customer.owner, Customer.currency)
                          .where(Customer.id == customer_id)).first()
    return None if row is None else (row.name, row.owner or "", row.currency)
