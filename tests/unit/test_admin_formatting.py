"""Money and time as people read them in the admin (policy.md part two)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from policy_service.admin.formatting import money, when


def test_money_has_separators_the_currency_decimals_and_its_code() -> None:
    assert money(Decimal("20000"), "CNY") == "20,000.00 CNY"
    assert money("1000", "JPY") == "1,000 JPY"
    assert money("66482.5", "EUR") == "66,482.50 EUR"
    assert money("-1234567.891", "USD") == "-1,234,567.89 USD"


def test_money_leaves_nothing_and_non_numbers_as_they_are() -> None:
    assert money(None, "CNY") == "" and money("", "CNY") == ""
    assert money("n/a", "CNY") == "n/a"
    assert money("5", None) == "5.00"


def test_timestamps_are_in_the_business_zone_to_the_minute() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    stamp = datetime(2026, 12, 3, 13, 18, 2, 178884, tzinfo=UTC)
    assert when(stamp, shanghai) == "2026-12-03 21:18"
    assert when(stamp.replace(tzinfo=None), shanghai) == "2026-12-03 21:18"  # naive is UTC
    assert when("2026-12-03 13:18:02.178884+00:00", shanghai) == "2026-12-03 21:18"
    assert when(date(2026, 12, 3), shanghai) == "2026-12-03"
    assert when("2026-12-03", shanghai) == "2026-12-03"
    assert when(None) == ""
