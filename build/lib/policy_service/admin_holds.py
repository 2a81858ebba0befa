"""The held-orders screen's search and filters, as SQLAlchemy list filters for Flask-Admin.

A risk manager finds holds by customer id or name or by order reference, and narrows them
by currency, reason code, age (days on hold, counted to the business date in
``POLICY_TIMEZONE``) and account owner. Customers are reached through sub-queries (a
credit check has no relationship to its customer), so the same statements work on SQLite
and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import has_request_context
from flask_admin.babel import lazy_gettext
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from sqlalchemy import String, cast, func, or_, select

from policy_service.db.models import CreditCheck, Customer


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_holds(query: Any, search: str) -> Any:
    """Every word must match the order reference, the customer id or the customer's name."""
    for word in search.split():
        pattern = _like(word)
        names = select(Customer.id).where(func.lower(Customer.name).like(pattern, escape="\\"))
        query = query.filter(or_(func.lower(CreditCheck.order_id).like(pattern, escape="\\"),
                                 func.lower(CreditCheck.customer_id).like(pattern, escape="\\"),
                                 CreditCheck.customer_id.in_(names)))
    return query


class _Equals(BaseSQLAFilter):
    """Equal to one of the offered values."""

    def operation(self) -> Any:
        """The verb shown (lazy: Flask-Admin caches it outside any request)."""
        return lazy_gettext("equals")


class CurrencyIs(_Equals):
    """The order's currency."""

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        """currency = value."""
        return query.filter(CreditCheck.currency == value.strip().upper())


class ReasonCodeIs(_Equals):
    """A reason code among the hold's reasons (a quoted LIKE over the JSON text)."""

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        """The reasons' JSON holds ``"code": "VALUE"`` (SQLite's and PostgreSQL's text)."""
        code = value.strip().upper().replace('"', "")
        return query.filter(cast(CreditCheck.reasons, String).like(f'%"code": "{code}"%'))


class OwnerIs(_Equals):
    """The customer's account owner."""

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        """customer_id in the owner's customers."""
        owned = select(Customer.id).where(Customer.owner == value.strip())
        return query.filter(CreditCheck.customer_id.in_(owned))


class HeldAtLeastDays(BaseSQLAFilter):
    """On hold for at least N days, counted to the business date."""

    def __init__(self, name: Any, today: Callable[[], date], timezone: str,
                 **kwargs: Any) -> None:
        super().__init__(CreditCheck.decided_at, name, **kwargs)
        self.today = today
        self.zone = ZoneInfo(timezone)

    def validate(self, value: str) -> bool:
        """A whole number of days, 0 or more."""
        return value.strip().isdigit()

    def clean(self, value: str) -> int:
        """The number of days."""
        return int(value.strip())

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        """Decided on or before today - N (business days in POLICY_TIMEZONE)."""
        cutoff = datetime.combine(self.today() - timedelta(days=int(value) - 1), time.min,
                                  tzinfo=self.zone)
        return query.filter(CreditCheck.decided_at < cutoff)

    def operation(self) -> Any:
        """The verb shown."""
        return lazy_gettext("greater than")


def _distinct(session: Any, column: Any, *where: Any) -> Callable[[], list[tuple[str, str]]]:
    """Offered values read when the screen is drawn (so new currencies and owners appear);
    none while the screen is built, outside any request (the admin session must not open a
    transaction then)."""
    def options() -> list[tuple[str, str]]:
        if not has_request_context():
            return []
        values = session.scalars(select(column).where(*where).distinct().order_by(column))
        return [(v, v) for v in values if v]
    return options


def hold_filters(session: Any, today: Callable[[], date], timezone: str,
                 names: dict[str, Any]) -> list[BaseSQLAFilter]:
    """The held-orders filters; ``names`` gives each its shown (lazy) name."""
    open_hold = (CreditCheck.outcome == "hold", CreditCheck.status == "open")
    return [
        CurrencyIs(CreditCheck.currency, names["currency"],
                   options=_distinct(session, CreditCheck.currency, *open_hold)),
        ReasonCodeIs(CreditCheck.reasons, names["reason"]),
        HeldAtLeastDays(names["age"], today, timezone),
        OwnerIs(CreditCheck.customer_id, names["owner"],
                options=_distinct(session, Customer.owner)),
    ]
