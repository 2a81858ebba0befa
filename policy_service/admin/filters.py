"""List filters for columns Flask-Admin cannot filter by itself (UTC datetimes, JSON lists)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_admin.babel import lazy_gettext
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from sqlalchemy import String, cast


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

    def operation(self) -> str:
        """The verb shown."""
        return str(lazy_gettext("greater than"))


class OnOrBefore(OnOrAfter):
    """On or before a day (UTC)."""

    def clean(self, value: str) -> datetime:
        """Midnight UTC of the next day."""
        return _start(date.fromisoformat(value) + timedelta(days=1))

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        """column < the next day's start."""
        return query.filter(self.get_column(alias) < value)

    def operation(self) -> str:
        """The verb shown."""
        return str(lazy_gettext("smaller than"))


class JsonListContains(BaseSQLAFilter):
    """A JSON list column holding a name (e.g. the rules that matched)."""

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        """A quoted LIKE over the JSON text works on SQLite and PostgreSQL."""
        return query.filter(cast(self.get_column(alias), String).like(f'%"{value}"%'))

    def operation(self) -> str:
        """The verb shown."""
        return str(lazy_gettext("contains"))


def between_days(column: Any, name: Any) -> list[BaseSQLAFilter]:
    """Both ends of a date range over a UTC datetime column."""
    return [OnOrAfter(column, name), OnOrBefore(column, name)]
