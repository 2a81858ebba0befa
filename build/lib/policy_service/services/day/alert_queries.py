"""Read models of early-warning alerts for the API and the admin (newest first)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from policy_service.db.models import Customer
from policy_service.db.models_reports import Alert
from policy_service.services.paging import paged
from policy_service.services.unit_of_work import UnitOfWork


def alert_view(alert: Alert, name: str, owner: str | None) -> dict[str, Any]:
    """The contract's alert body, with the customer's name and owner beside it."""
    return {"alert_id": alert.id, "customer_id": alert.customer_id, "customer_name": name,
            "owner": owner, "rule": alert.rule, "level": alert.level, "code": alert.code,
            "message": alert.message, "status": alert.status, "opened_on": alert.opened_on,
            "closed_on": alert.closed_on, "ruleset_version": alert.ruleset_version}


def _query(status: str | None, owner: str | None, level: str | None
           ) -> Select[Alert, str, str | None]:
    query = (select(Alert, Customer.name, Customer.owner)
             .join(Customer, Customer.id == Alert.customer_id)
             .order_by(Alert.opened_on.desc(), Alert.id.desc()))
    if status is not None:
        query = query.where(Alert.status == status)
    if owner is not None:
        query = query.where(Customer.owner == owner)
    if level is not None:
        query = query.where(Alert.level == level)
    return query


def list_alerts(uow: UnitOfWork, status: str | None = None, owner: str | None = None,
                level: str | None = None) -> dict[str, Any]:
    """GET /v1/alerts: newest first, optionally of one status, owner and level."""
    with uow:
        return {"alerts": [alert_view(alert, name, who) for alert, name, who
                           in uow.session.execute(_query(status, owner, level))]}


def alerts_page(session: Session, page: int, size: int, status: str | None = "open",
                level: str | None = None) -> tuple[list[dict[str, Any]], int]:
    """One page of alerts for the admin screen, and the number of pages."""
    rows, pages = paged(session, _query(status, None, level), page, size)
    return [alert_view(alert, name, who) for alert, name, who in rows], pages


def open_alert_count(session: Session) -> int:
    """Open alerts (the dashboard's count)."""
    return int(session.scalar(select(func.count()).select_from(Alert)
                              .where(Alert.status == "open")) or 0)


def customer_alerts(session: Session, customer_id: str, limit: int = 20) -> list[dict[str, Any]]:
    """One customer's alerts, open first, newest first (the customer page)."""
    rows = session.execute(_query(None, None, None).where(Alert.customer_id == customer_id)
                           .order_by(None).order_by(Alert.status.desc(), Alert.opened_on.desc(),
                                                    Alert.id.desc()).limit(limit))
    return [alert_view(alert, name, who) for alert, name, who in rows]
