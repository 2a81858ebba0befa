"""The one place the admin's model screens meet the database: session, model classes, filters.

Flask-Admin's ModelViews need a SQLAlchemy session, mapped classes and SQLAlchemy list
filters. This module builds them and hands them to ``admin.init_admin`` as one
``AdminTables``, so nothing under ``admin/`` imports SQLAlchemy or the models. Reads and
changes still go through the services; the session serves only the model lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Flask
from flask_admin.babel import lazy_gettext
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session, scoped_session

from policy_service import admin_holds
from policy_service.container import Services
from policy_service.db.models import CreditCheck, Customer, Tier
from policy_service.db.models_admin import ChangeRecord


class AdminSession(scoped_session[Session]):
    """A scoped session that also answers `.session`, as Flask-Admin 2 expects of its `db`."""

    @property
    def session(self) -> AdminSession:
        """Itself: Flask-Admin reads `db.session` just before each query."""
        return self


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


class OnOrAfter(BaseSQLAFilter):
    """On or after a day (UTC)."""

    def __init__(self, column: Any, name: str, **kwargs: Any) -> None:
        super().__init__(column, name, data_type="datepicker", **kwargs)

    def validate(self, value: str) -> bool:
        """A YYYY-MM-DD date."""
        try:
            date.fromisoformat(value)
        except ValueError:
            return False
        return True

    def clean(self, value: str) -> datetime:
        """Midnight UTC of that day."""
        return _start(date.fromisoformat(value))

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        """column >= the day's start."""
        return query.filter(self.get_column(alias) >= value)

    def operation(self) -> Any:
        """The verb shown."""
        return lazy_gettext("greater than")


class OnOrBefore(OnOrAfter):
    """On or before a day (UTC)."""

    def clean(self, value: str) -> datetime:
        """Midnight UTC of the next day."""
        return _start(date.fromisoformat(value) + timedelta(days=1))

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        """column < the next day's start."""
        return query.filter(self.get_column(alias) < value)

    def operation(self) -> Any:
        """The verb shown."""
        return lazy_gettext("smaller than")


# Each operation() returns the lazy string: Flask-Admin caches it when the screen is built
# (outside any request), so a str() there would freeze it in English.


class JsonListContains(BaseSQLAFilter):
    """A JSON list column holding a name (e.g. the rules that matched)."""

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        """A quoted LIKE over the JSON text works on SQLite and PostgreSQL."""
        return query.filter(cast(self.get_column(alias), String).like(f'%"{value}"%'))

    def operation(self) -> Any:
        """The verb shown."""
        return lazy_gettext("contains")


@dataclass(frozen=True)
class AdminTables:
    """What the admin's model screens are built from."""

    session: AdminSession
    customer: Any = Customer
    tier: Any = Tier
    change_record: Any = ChangeRecord
    credit_check: Any = CreditCheck

    def between_days(self, model: Any, column: str, name: Any) -> list[BaseSQLAFilter]:
        """Both ends of a date range over a UTC datetime column of ``model``."""
        attribute = getattr(model, column)
        return [OnOrAfter(attribute, name), OnOrBefore(attribute, name)]

    def json_list_contains(self, model: Any, column: str, name: Any) -> BaseSQLAFilter:
        """A filter for a JSON list column of ``model`` holding a value."""
        return JsonListContains(getattr(model, column), name)

    def hold_filters(self, today: Callable[[], date], timezone: str, names: dict[str, Any]
                     ) -> list[BaseSQLAFilter]:
        """The held-orders filters: currency, reason code, days on hold, account owner."""
        return admin_holds.hold_filters(self.session, today, timezone, names)

    def search_holds(self, query: Any, search: str) -> Any:
        """Holds whose order reference, customer id or customer name matches each word."""
        return admin_holds.search_holds(query, search)

    def customer_names(self, customer_ids: Iterable[str]) -> dict[str, str]:
        """The names of these customers (an export puts them beside the ids)."""
        ids = sorted(set(customer_ids))
        names: dict[str, str] = {}
        for start in range(0, len(ids), 500):
            names.update((row.id, row.name) for row in self.session.execute(
                select(Customer.id, Customer.name).where(
                    Customer.id.in_(ids[start:start + 500]))))
        return names

    def open_holds(self, query: Any) -> Any:
        """Only credit checks on hold and still open."""
        return query.filter(CreditCheck.outcome == "hold", CreditCheck.status == "open")


def admin_tables(app: Flask, services: Services) -> AdminTables:
    """A thread-scoped session for the model views (removed at app teardown) and the tables."""
    session = AdminSession(services.database.sessions)

    @app.teardown_appcontext
    def _remove_session(_error: BaseException | None) -> None:
        session.remove()

    app.extensions["policy_admin_session"] = session
    return AdminTables(session)
