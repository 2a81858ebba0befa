"""One located-error type: lexer, parser, templates, type checker and documents agree."""

from __future__ import annotations

import pytest

from policy_service.language.document import RuleSetInvalid, load_ruleset
from policy_service.language.errors import Located, RuleError
from policy_service.language.lexer import ParseError
from policy_service.language.templates import TemplateError

KEYS = ["rule", "field", "line", "column", "message", "expected"]


def _rule(when: str, en: str = "ok") -> dict:
    return {"name": "credit_approval", "rules": [
        {"name": "r1", "priority": 1, "when": when,
         "then": {"outcome": "hold", "code": "X", "message": {"zh": "好", "en": en}}},
        {"name": "fallback", "priority": 9, "when": "otherwise",
         "then": {"outcome": "approved", "code": "OK", "message": {"zh": "好", "en": "ok"}}}]}


def _errors(document: dict) -> list[RuleError]:
    with pytest.raises(RuleSetInvalid) as caught:
        load_ruleset(document)
    return caught.value.errors


def test_parse_and_template_errors_are_the_same_located_problem() -> None:
    assert issubclass(ParseError, Located)
    assert issubclass(TemplateError, Located)


@pytest.mark.parametrize(("document", "where"), [
    (_rule("order.amount > 1 &&"), ("r1", "when", 1, 18)),          # lexer
    (_rule("order.amount >"), ("r1", "when", 1, 15)),               # parser
    (_rule("order.amount > \"x\""), ("r1", "when", 1, 1)),          # type checker
    (_rule("true", en="a {oops"), ("r1", "then.message.en", 1, 3)),  # template
    (_rule("true", en="a {order.amont}"), ("r1", "then.message.en", 1, 4)),  # placeholder
    ({**_rule("true"), "extra": 1}, ("", "extra", 0, 0)),           # document
])
def test_every_layer_reports_a_rule_error_with_the_same_json_shape(
        document: dict, where: tuple) -> None:
    error = _errors(document)[0]
    assert isinstance(error, RuleError)
    assert list(error.to_dict()) == KEYS
    assert (error.rule, error.field, error.line, error.column) == where
