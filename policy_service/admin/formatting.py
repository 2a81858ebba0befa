"""How the admin shows money and time to people: the one formatting helper of every screen.

policy.md part two: money with thousands separators, the currency's own minor unit and its
code ("20,000.00 CNY", "1,000 JPY"); timestamps in ``POLICY_TIMEZONE``, to the minute. Templates
use the filters ``money`` and ``when``; Flask-Admin list and detail columns use
``money_column`` and ``time_column`` as ``column_formatters``. A customer id is shown as a
link to the customer's credit page (``customer_link``, ``customer_column``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from flask import Flask, current_app, url_for
from markupsafe import Markup

from policy_service.domain.money import minor_digits, money_text

TIMEZONE_KEY = "POLICY_TIMEZONE"
MINUTE = "%Y-%m-%d %H:%M"


def _number(value: object) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def amount(value: object, currency: str | None = None) -> str:
    """``value`` with separators and the currency's decimals ("20000" -> "20,000.00").

    Without a currency two decimals are shown; ``None`` and "" stay empty; anything that is
    not a number is shown as it is.
    """
    if value is None or value == "":
        return ""
    number = _number(value)
    if number is None:
        return str(value)
    digits = minor_digits(currency) if currency else 2
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return str(format_decimal(number, format=pattern, locale="en_US"))


def money(value: object, currency: str | None = None) -> str:
    """``value`` as people read money: "20,000.00 CNY", "1,000 JPY" (empty stays empty)."""
    number = _number(value) if value is not None and value != "" else None
    if currency and number is not None:
        return money_text(number, currency)  # the domain's one rendering of money
    return amount(value, currency)


def _zone() -> ZoneInfo:
    try:
        return ZoneInfo(current_app.config.get(TIMEZONE_KEY) or "UTC")
    except RuntimeError:  # outside a request (a unit test): UTC
        return ZoneInfo("UTC")


def when(value: object, zone: ZoneInfo | None = None) -> str:
    """A timestamp in the business time zone, to the minute ("2026-12-03 21:18").

    Naive datetimes are UTC (as SQLite returns them); ISO strings are parsed; a plain date is
    shown as its date; anything else as it is.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        if len(value) <= len("2026-12-03"):  # a plain date has no time zone to move into
            return value
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(zone or _zone()).strftime(MINUTE)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


Formatter = Callable[[Any, Any, Any, str], str]


def money_column(currency_field: str = "currency") -> Formatter:
    """A Flask-Admin column formatter: the row's amount with the row's currency."""
    def _format(_view: Any, _context: Any, model: Any, name: str) -> str:
        return money(getattr(model, name), getattr(model, currency_field, None))
    return _format


def time_column(_view: Any, _context: Any, model: Any, name: str) -> str:
    """A Flask-Admin column formatter: the row's timestamp in the business time zone."""
    return when(getattr(model, name))


def init_formatting(app: Flask, timezone: str) -> None:
    """The ``money`` and ``when`` template filters, in ``timezone``."""
    app.config[TIMEZONE_KEY] = timezone
    app.jinja_env.filters.update(money=money, amount=amount, when=when)


def customer_link(customer_id: str) -> Markup:
    """A customer id as a link to its customer page (escaped): every customer id the admin
    shows leads there."""
    return Markup('<a href="{}">{}</a>').format(
        url_for("customer.page", customer_id=customer_id), customer_id)


def customer_column(_view: Any, _context: Any, model: Any, _name: str) -> Markup:
    """A model list's customer_id column as a link to the customer page."""
    return customer_link(model.customer_id)
