"""Spreadsheet-safe CSV cells: text a spreadsheet would run as a formula is written inert.

A cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel and LibreOffice as a formula (CSV injection). Such a cell gets a leading apostrophe,
which spreadsheets show as text. Plain numbers, negative amounts included, stay numbers.
"""

from __future__ import annotations

import re
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def safe_cell(value: Any) -> Any:
    """The value as a CSV writer should see it; text that would be a formula is prefixed."""
    if not isinstance(value, str) or not value.startswith(TRIGGERS):
        return value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value
