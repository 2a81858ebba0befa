"""CSV a finance user opens in Excel: UTF-8 with a BOM, numbers that sum, no live formulas.

Every CSV the service writes (the API's statements, KPIs and aging report, the admin's
exports) starts with a byte-order mark, so Excel reads the file as UTF-8 and shows Chinese
names instead of mojibake. Money is a plain number in the currency's minor unit ("12000.00"
CNY, "1000" JPY: no separators, so a column sums) beside a currency column.

A cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel and LibreOffice as a formula (CSV injection). Such a cell gets a leading apostrophe,
which spreadsheets show as text. Plain numbers, negative amounts included, stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from policy_service.domain.money import quantize_to

BOM = "\ufeff"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def safe_cell(value: Any) -> Any:
    """The value as a CSV writer should see it; text that would be a formula is prefixed."""
    if not isinstance(value, str) or not value.startswith(TRIGGERS):
        return value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value


def amount_cell(value: Any, currency: str | None) -> str:
    """Money for a spreadsheet: the currency's decimals, no separators ("" stays empty)."""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value))
    return str(quantize_to(amount, currency)) if currency else str(amount)


def csv_text(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """A whole CSV document: the BOM, the header row, then the rows (formula-safe)."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()
