"""Money as Decimal: parsing, rounding half-up to the minor unit, minor units, formatting."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.numbers import get_currency_precision

CENT = Decimal("0.01")
MINOR_UNITS_PER_UNIT = 100
# Larger than any sane receivable, small enough that minor units times small
# coefficients stay far inside the engine's signed 64-bit integers.
MAX_AMOUNT = Decimal("1000000000000.00")
SUPPORTED_CURRENCIES = frozenset(
    {"CNY", "USD", "EUR", "HKD", "JPY", "GBP", "SGD", "TWD", "KRW", "AUD", "CAD", "CHF"}
)


# ASCII digits, an optional fraction; no sign, spaces, exponent, underscores or other digits.
_STRICT = re.compile(r"[0-9]{1,15}(\.[0-9]{1,15})?")


class MoneyError(ValueError):
    """An amount that is not a well-formed, bounded decimal string."""


def parse_amount(text: object, *, allow_zero: bool = False) -> Decimal:
    """Parse a decimal string such as "12000.00"; refuse floats, negatives and absurd values."""
    if not isinstance(text, str):
        raise MoneyError("amount must be a decimal string such as \"12000.00\"")
    if text.startswith("-") and _STRICT.fullmatch(text[1:]):
        raise MoneyError("amount must not be negative")
    if not _STRICT.fullmatch(text):
        raise MoneyError(f"{text[:40]!r} is not a decimal string such as \"12000.00\"")
    value = Decimal(text)
    if value == 0 and not allow_zero:
        raise MoneyError("amount must be greater than zero")
    if value > MAX_AMOUNT:
        raise MoneyError(f"amount must not exceed {MAX_AMOUNT}")
    if value != quantize(value):
        raise MoneyError("amount has more than two decimal places")
    return quantize(value)


def quantize(value: Decimal) -> Decimal:
    """Round half-up to cents."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def to_minor_units(value: Decimal) -> int:
    """Decimal amount to integer cents (exact after rounding half-up)."""
    return int(quantize(value) * MINOR_UNITS_PER_UNIT)


def from_minor_units(cents: int) -> Decimal:
    """Integer cents back to a Decimal amount."""
    return quantize(Decimal(cents) / MINOR_UNITS_PER_UNIT)


def to_wire(value: Decimal) -> str:
    """The contract's money string: plain, two decimals, no separators."""
    return f"{quantize(value):.2f}"


@lru_cache(maxsize=64)
def minor_digits(currency: str) -> int:
    """The currency's minor unit (ISO 4217, from Babel's data): 2 for CNY, 0 for JPY and KRW."""
    return int(get_currency_precision(currency))


def money_text(value: Decimal, currency: str) -> str:
    """Money as people read it (policy part two): "12,000.00 CNY", "1,000 JPY".

    The currency's own digits (Babel's data), rounded half-up, with comma thousands
    separators and a point (Babel's "#,##0.00" in English: the same text, at a tenth of
    the cost, which matters on the decision path where remedies are written); Chinese and
    English screens use the same digits and separators.
    """
    return f"{amount_text(value, currency)} {currency}"


def amount_text(value: Decimal, currency: str | None) -> str:
    """The figure of ``money_text`` without the code: "12,000.00" (CNY), "1,000" (JPY), two
    decimals when no currency is named; an amount that rounds to zero is "0", never "-0"."""
    digits = 2 if currency is None else minor_digits(currency)
    rounded = value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return f"{abs(rounded) if rounded == 0 else rounded:,.{digits}f}"


def digits_problem(value: Decimal, currency: str) -> str | None:
    """Why ``value`` has more decimals than ``currency`` allows, or None."""
    digits = minor_digits(currency)
    if value != value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP):
        unit = "no decimals" if digits == 0 else f"at most {digits} decimals"
        return f"{currency} amounts have {unit}"
    return None


def quantize_to(value: Decimal, currency: str) -> Decimal:
    """Round half-up to ``currency``'s minor unit (JPY whole yen, CNY cents)."""
    return value.quantize(_minor_unit(currency), rounding=ROUND_HALF_UP)


@lru_cache(maxsize=64)
def _minor_unit(currency: str) -> Decimal:
    """One minor unit of ``currency`` as a Decimal exponent: 0.01 for CNY, 1 for JPY."""
    return Decimal(1).scaleb(-minor_digits(currency))


def in_currency(value: Decimal | int | str | None, currency: str) -> Decimal:
    """An aggregate as money of ``currency``: a SUM read back through the Money type (a
    Decimal), a COALESCE's 0 (an int) or nothing (None, 0), half-up to the currency's
    minor unit (``quantize_to``). The one place reports and read models round a total."""
    return quantize_to(Decimal(str(value or 0)), currency)
