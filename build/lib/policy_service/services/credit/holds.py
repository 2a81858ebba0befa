"""Risk managers release or reject holds; cancelled orders release their reservation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from policy_service.db.models import CreditCheck, CreditCheckEvent
from policy_service.domain.decision import recorded_prepayment
from policy_service.services.credit.checks import reservation
from policy_service.services.credit.customers import lock_customer
from policy_service.services.credit.decision_body import view
from policy_service.services.errors import Conflict, NotFound
from policy_service.services.unit_of_work import UnitOfWork


def release(uow: UnitOfWork, decision_id: str, note: str, actor: str,
            today: date | None = None) -> dict[str, Any]:
    """A risk manager releases a hold: it becomes approved and reserves its amount.

    ``today`` (the business date) dates the change in the check's history."""
    return _decide_hold(uow, decision_id, note, actor, release=True, today=today)


def reject(uow: UnitOfWork, decision_id: str, note: str, actor: str,
           today: date | None = None) -> dict[str, Any]:
    """A risk manager rejects a hold."""
    return _decide_hold(uow, decision_id, note, actor, release=False, today=today)


def _decide_hold(
    uow: UnitOfWork, decision_id: str, note: str, actor: str, *, release: bool,
    today: date | None,
) -> dict[str, Any]:
    with uow:
        decided = _decide_open(uow, decision_id, note, actor, release=release, today=today)
        uow.commit()
        return decided


def decide_many(uow: UnitOfWork, decision_ids: list[str], note: str, actor: str, *,
                release: bool, today: date | None = None) -> list[dict[str, Any]]:
    """A risk manager releases (or rejects) several holds with one note, in one transaction:
    all of them or, when one is unknown or no longer on hold, none."""
    with uow:
        ids = sorted(set(decision_ids))
        for customer_id in sorted(set(uow.session.scalars(select(CreditCheck.customer_id).where(
                CreditCheck.decision_id.in_(ids))))):  # one lock order: no deadlock between two
            lock_customer(uow, customer_id, missing_ok=True)
        decided = [_decide_open(uow, decision_id, note, actor, release=release, today=today)
                   for decision_id in ids]
        uow.commit()
        return decided


def _decide_open(uow: UnitOfWork, decision_id: str, note: str, actor: str, *, release: bool,
                 today: date | None) -> dict[str, Any]:
    """Release or reject one open hold inside the caller's transaction."""
    session = uow.session
    check = session.get(CreditCheck, decision_id)
    if check is None:
        raise NotFound(f"unknown credit check {decision_id!r}")
    lock_customer(uow, check.customer_id)
    session.refresh(check)
    if check.outcome != "hold" or check.status != "open":
        raise Conflict(f"only an open hold can be released or rejected; order "
                       f"{check.order_id} is {check.outcome}/{check.status}")
    if release:
        prepaid = recorded_prepayment(check.conditions, check.amount, check.currency)
        check.status = "released"
        check.reserved_amount = reservation(check.amount, "approved", prepaid)
    else:
        check.status = "rejected"
    _record(check, check.status, actor, note, today)
    return view(check)


def cancel_order(uow: UnitOfWork, order_id: str, note: str | None, actor: str,
                 today: date | None = None) -> dict[str, Any]:
    """The order is cancelled: its reservation is released (idempotent); ``today`` (the
    business date) dates the change in the check's history."""
    with uow:
        session = uow.session
        check = session.scalars(
            select(CreditCheck).where(CreditCheck.order_id == order_id)
        ).one_or_none()
        if check is None:
            raise NotFound(f"unknown order {order_id!r}")
        lock_customer(uow, check.customer_id)
        session.refresh(check)
        if check.status == "cancelled":
            return view(check)
        if check.status == "invoiced":
            raise Conflict(f"order {order_id} is already fully invoiced")
        check.status = "cancelled"
        check.reserved_amount = Decimal("0.00")
        _record(check, "cancelled", actor, note, today)
        uow.commit()
        return view(check)


def _record(check: CreditCheck, action: str, actor: str, note: str | None,
            today: date | None) -> None:
    """Append to the check's history (the collection, so the view sees it without a query)."""
    check.events.append(CreditCheckEvent(
        action=action, status=check.status, reserved_amount=check.reserved_amount,
        actor=actor, note=note, business_date=today))
