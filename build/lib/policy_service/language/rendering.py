"""Messages with their ``{expr}`` placeholders filled in from the facts, as people read them.

A rule's message has a text per language with the same placeholders; ``render_messages``
values each distinct placeholder once for all of them (the decision path renders every
reason in Chinese and English).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from policy_service.language.ast import Expr
from policy_service.language.cache import BoundedCache
from policy_service.language.checker import ExprType, type_of
from policy_service.language.parser import parse_expression
from policy_service.language.reference import Value, evaluator, format_value
from policy_service.language.templates import Placeholder, facts_currency, parse_template
from policy_service.language.vocabulary import Vocabulary

_ParsedTemplate = tuple[str | tuple[str, Expr, ExprType], ...]
MAX_TEMPLATES = 2048
"""Every message of every kind's versions in use, many times over."""
TEMPLATES: BoundedCache[tuple[int, str], tuple[Vocabulary, _ParsedTemplate]] = \
    BoundedCache(MAX_TEMPLATES)


def _parse(template: str, vocab: Vocabulary) -> tuple[Vocabulary, _ParsedTemplate]:
    parsed: list[str | tuple[str, Expr, ExprType]] = []
    for segment in parse_template(template):
        if isinstance(segment, Placeholder):
            node = parse_expression(segment.source)
            parsed.append((segment.source.strip(), node, type_of(node, vocab)))
        else:
            parsed.append(segment)
    return vocab, tuple(parsed)


def _parsed_template(template: str, vocab: Vocabulary) -> _ParsedTemplate:
    """Templates are parsed and typed once per vocabulary (they are immutable data), in
    the bounded TEMPLATES cache (the vocabulary kept beside the entry proves its id)."""
    owner, parsed = TEMPLATES.get((id(vocab), template), lambda: _parse(template, vocab))
    return parsed if owner is vocab else _parse(template, vocab)[1]


def _fill(template: str, vocab: Vocabulary, value: Callable[[Expr], Value],
          currency: str | None, shown: dict[str, str]) -> str:
    out: list[str] = []
    for segment in _parsed_template(template, vocab):
        if isinstance(segment, str):
            out.append(segment)
            continue
        source, node, kind = segment
        text = shown.get(source)
        if text is None:
            text = shown[source] = format_value(value(node), kind, exact=False,
                                                currency=currency)
        out.append(text)
    return "".join(out)


def render_template(template: str, vocab: Vocabulary, facts: Mapping[str, Any],
                    currency: str | None = None) -> str:
    """Substitute each ``{expr}`` with its value: money half-up to the minor unit of
    ``currency``, else of the facts' ("12,000.00" CNY, "1,000" JPY; cents if neither).

    ``facts`` must already be valid (valid_facts / encode_facts): this runs once per reason on
    the decision path, after the facts were validated for the engine.
    """
    return _fill(template, vocab, evaluator(vocab, facts), currency or facts_currency(facts),
                 {})


def render_messages(messages: Mapping[str, str], vocab: Vocabulary, facts: Mapping[str, Any],
                    currency: str | None = None) -> dict[str, str]:
    """``render_template`` of each language's text, each distinct placeholder valued once."""
    value, shown = evaluator(vocab, facts), dict[str, str]()
    currency = currency or facts_currency(facts)
    return {lang: _fill(text, vocab, value, currency, shown) for lang, text in messages.items()}
