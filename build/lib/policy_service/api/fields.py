"""Marshmallow fields for the contract: money as decimal strings, ids and notes of set lengths."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields, validate

from policy_service.domain.bounds import (
    MAX_ID_LENGTH,
    REFUSED_ID_CHARACTERS,
    date_problem,
    id_problem,
)
from policy_service.domain.money import MoneyError, parse_amount, to_wire

# The document's pattern for an id (id_problem's rule, as an ECMA/Python regex).
ID_PATTERN = f"^[^{REFUSED_ID_CHARACTERS}]{{1,{MAX_ID_LENGTH}}}$"


class MoneyString(fields.Field):
    """A decimal amount carried as a JSON string ("12000.00"); numbers are refused."""

    def __init__(self, *, allow_zero: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.allow_zero = allow_zero

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, int | float):  # bool is an int too
            raise ValidationError(
                'amounts are decimal strings such as "12000.00", not JSON numbers'
            )
        try:
            return parse_amount(value, allow_zero=self.allow_zero)
        except MoneyError as exc:
            raise ValidationError(str(exc)) from exc

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else to_wire(Decimal(value))


class Currency(fields.String):
    """An ISO 4217 code in upper case."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if len(text) != 3 or not text.isalpha() or not text.isupper():
            raise ValidationError("currency must be a three-letter ISO code such as CNY")
        return text


def _valid_id(text: str) -> None:
    problem = id_problem(text)
    if problem:
        raise ValidationError(problem)


def id_string() -> fields.String:
    """A required id of 1 to 64 printable characters (customer, invoice, payment, order)."""
    return fields.String(required=True, validate=[validate.Length(min=1, max=MAX_ID_LENGTH),
                                                  _valid_id],
                         metadata={"pattern": ID_PATTERN})


class BusinessDate(fields.Date):
    """A YYYY-MM-DD date inside the supported window (1970-01-01 to 2199-12-31)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        day: date = super()._deserialize(value, attr, data, **kwargs)
        problem = date_problem(day)
        if problem:
            raise ValidationError(problem)
        return day


def note_string(*, required: bool = True, allow_none: bool = False) -> fields.String:
    """A person's note of 1 to 2000 characters on a decision."""
    return fields.String(required=required, allow_none=allow_none,
                         validate=validate.Length(min=1, max=2000))
