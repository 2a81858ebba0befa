"""Message templates: text with ``{expr}`` placeholders; ``{{`` and ``}}`` are literal braces."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from policy_service.language.errors import Located


@dataclass(frozen=True)
class Placeholder:
    """An ``{expr}`` in a template; line/column locate the expression's first character."""

    source: str
    line: int
    column: int


Segment = str | Placeholder


class TemplateError(Located):
    """A malformed template (unclosed ``{`` or a lone ``}``) at a 1-based line/column."""


def _positions(text: str) -> list[tuple[int, int]]:
    out, line, column = [], 1, 1
    for ch in text:
        out.append((line, column))
        line, column = (line + 1, 1) if ch == "\n" else (line, column + 1)
    out.append((line, column))
    return out


def _closing(text: str, start: int) -> int:
    """Index of the ``}`` closing a placeholder that starts after ``start`` (-1 if none)."""
    in_string = False
    index = start
    while index < len(text):
        ch = text[index]
        if in_string and ch == "\\":
            index += 2
            continue
        if ch == '"':
            in_string = not in_string
        elif ch == "}" and not in_string:
            return index
        index += 1
    return -1


def parse_template(text: str) -> list[Segment]:
    """Split a template into literal text and placeholders; raise TemplateError if malformed."""
    pos = _positions(text)
    segments: list[Segment] = []
    literal: list[str] = []
    index = 0
    while index < len(text):
        ch = text[index]
        if ch in "{}" and text.startswith(ch * 2, index):
            literal.append(ch)
            index += 2
            continue
        if ch == "}":
            raise TemplateError("a lone '}'; write '}}' for a brace", *pos[index], "}}")
        if ch != "{":
            literal.append(ch)
            index += 1
            continue
        end = _closing(text, index + 1)
        if end < 0:
            raise TemplateError("'{' is never closed", *pos[index], "}")
        if literal:
            segments.append("".join(literal))
            literal = []
        segments.append(Placeholder(text[index + 1:end], *pos[index + 1]))
        index = end + 1
    if literal:
        segments.append("".join(literal))
    return segments


# Where a fact set names its currency: the order's, else the invoice's, else the customer's.
CURRENCY_FACTS = ("order", "invoice", "customer")


def facts_currency(facts: Mapping[str, Any]) -> str | None:
    """The currency the facts' money is in (``order.currency`` ...), or None if they name none."""
    for group in CURRENCY_FACTS:
        found = facts.get(group)
        if isinstance(found, Mapping) and isinstance(found.get("currency"), str):
            return str(found["currency"])
    return None
