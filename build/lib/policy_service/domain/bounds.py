"""One set of bounds for what enters the service, enforced at every entry.

The API schemas, the admin forms (through the edit services), the CLI and the path
converters all check against these numbers, so nothing the API refuses can come in
through another door, and everything stored stays inside what the engine's integer
facts, the NUMERIC columns and the date arithmetic hold.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from policy_service.domain.money import MAX_AMOUNT

EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(2199, 12, 31)
MAX_ID_LENGTH = 64
MAX_TERM_DAYS = 3650  # payment terms, grace days
MAX_REVIEW_MONTHS = 120  # and at least 1: a review interval of 0 would never move
# Controls (C0, DEL, C1), zero-width and bidi-override characters, the byte-order mark.
REFUSED_ID_CHARACTERS = "\\x00-\\x1f\\x7f-\\x9f\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2069\\ufeff"
_ID = re.compile(f"[^{REFUSED_ID_CHARACTERS}]{{1,{MAX_ID_LENGTH}}}")


def id_problem(text: str) -> str | None:
    """Why ``text`` is not an id (1-64 printable characters), or None."""
    if not 1 <= len(text) <= MAX_ID_LENGTH:
        return f"an id has 1 to {MAX_ID_LENGTH} characters"
    if not _ID.fullmatch(text):
        return "an id must not hold control, zero-width or bidi-override characters"
    return None


def date_problem(day: date) -> str | None:
    """Why ``day`` is outside the supported window, or None."""
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        return f"dates must lie from {EARLIEST_DATE} to {LATEST_DATE}"
    return None


def amount_problem(value: Decimal) -> str | None:
    """Why an amount (limit, collateral) is out of bounds, or None."""
    if value < 0:
        return "must not be negative"
    if value > MAX_AMOUNT:
        return f"must not exceed {MAX_AMOUNT}"
    return None


def count_problem(value: int, most: int, least: int = 0) -> str | None:
    """Why a count of days or months is out of ``least``..``most``, or None."""
    if not least <= value <= most:
        return f"must be a whole number from {least} to {most}"
    return None
