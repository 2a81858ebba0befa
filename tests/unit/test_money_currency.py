"""The money core rounds and renders in each currency's own minor unit (ISO 4217 via Babel)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from policy_service.domain.aging import AgingTotals, ReceivableClass
from policy_service.domain.money import amount_text, in_currency, minor_digits, money_text


@pytest.mark.parametrize(("currency", "digits"), [
    ("JPY", 0), ("KRW", 0), ("CNY", 2), ("USD", 2), ("EUR", 2), ("HKD", 2), ("GBP", 2),
    ("SGD", 2), ("AUD", 2), ("CAD", 2), ("CHF", 2)])
def test_each_currency_has_its_iso_minor_unit(currency: str, digits: int) -> None:
    assert minor_digits(currency) == digits


@pytest.mark.parametrize(("value", "currency", "expected"), [
    (Decimal("3020.50"), "JPY", Decimal("3021")),   # half-up to whole yen
    (Decimal("3020.49"), "KRW", Decimal("3020")),
    (Decimal("10.005"), "CNY", Decimal("10.01")),   # half-up to fen
    (Decimal("10.004"), "USD", Decimal("10.00")),
    (None, "JPY", Decimal("0")),                    # SUM over no rows
    (0, "CNY", Decimal("0.00")),                    # COALESCE's 0
    ("12.345", "EUR", Decimal("12.35")),
])
def test_an_aggregate_is_rounded_in_its_currency(value: object, currency: str,
                                                 expected: Decimal) -> None:
    found = in_currency(value, currency)  # type: ignore[arg-type]
    assert found == expected and found.as_tuple().exponent == -minor_digits(currency)


@pytest.mark.parametrize(("value", "currency", "expected"), [
    (Decimal("1234567"), "JPY", "1,234,567"), (Decimal("1234567.5"), "KRW", "1,234,568"),
    (Decimal("1234567.5"), "CNY", "1,234,567.50"), (Decimal("-0.4"), "JPY", "0"),
    (Decimal("-0.004"), "CNY", "0.00")])
def test_amount_text_has_separators_and_the_currency_digits(value: Decimal, currency: str,
                                                            expected: str) -> None:
    assert amount_text(value, currency) == expected
    assert money_text(value, currency) == f"{expected} {currency}"


def test_a_provision_is_rounded_in_the_customers_currency() -> None:
    doubtful = ReceivableClass("doubtful", "doubtful", Decimal("5"), {"en": "doubtful"})
    yen = AgingTotals(lambda _days, _off: doubtful, "JPY")
    yen.add(Decimal("3015"), 45)  # 5% of 3,015 = 150.75 -> 151 yen
    yuan = AgingTotals(lambda _days, _off: doubtful, "CNY")
    yuan.add(Decimal("3015"), 45)
    assert (yen.provision_total, yuan.provision_total) == (Decimal("151"), Decimal("150.75"))
