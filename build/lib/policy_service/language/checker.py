"""Type checking of rule-language expressions against a vocabulary, with located errors."""

from __future__ import annotations

from policy_service.language import linear
from policy_service.language.ast import (
    Compare,
    Condition,
    Expr,
    Membership,
    Node,
    Otherwise,
    condition_leaves,
)
from policy_service.language.errors import RuleError, located_error, position_of
from policy_service.language.lexer import ParseError
from policy_service.language.limits import MAX_EXPRESSION_CHARS
from policy_service.language.parser import parse_condition, parse_expression
from policy_service.language.typer import ExprType, TypeChecker
from policy_service.language.vocabulary import Vocabulary

__all__ = ["ExprType", "RuleError", "check_condition", "check_placeholder", "type_of"]


def type_of(node: Expr, vocab: Vocabulary) -> ExprType:
    """The static type of a node (ERROR if it does not type-check)."""
    checker = TypeChecker(vocab)
    info = checker.check(node)
    return ExprType.ERROR if checker.issues else info.type


_TOO_LARGE = "numbers too large to compare exactly; use smaller factors"
_TOO_LARGE_TO_SHOW = "numbers too large to show exactly; use smaller factors"


def _within_range(where: Node, sides: tuple[Expr, ...], vocab: Vocabulary,
                  checker: TypeChecker, message: str) -> bool:
    """Each side, and their difference when two, stays in engine integers for every valid
    fact; else an issue at ``where``."""
    try:
        magnitudes = [linear.side_magnitude(side, vocab) for side in sides]
        if len(sides) == 2:
            poly = linear.integer_difference(sides[0], sides[1], vocab)
            magnitudes.append(linear.magnitude(poly, vocab))
    except linear.TooComplex as exc:
        checker.fail(where, f"{exc}; simplify it", "fewer products of sums")
        return False
    if max(magnitudes) > linear.INT64_MAX:
        checker.fail(where, message, "smaller coefficients")
        return False
    return True


def _magnitudes(node: Expr, vocab: Vocabulary, checker: TypeChecker) -> None:
    pairs: list[tuple[Node, Expr, Expr]] = []
    for leaf in condition_leaves(node):
        if isinstance(leaf, Compare):
            pairs.append((leaf, leaf.left, leaf.right))
        elif isinstance(leaf, Membership):
            pairs += [(leaf, leaf.operand, item) for item in leaf.items]
    for where, left, right in pairs:
        if checker.check(left).type.numeric:
            _within_range(where, (left, right), vocab, checker, _TOO_LARGE)


def _errors(checker: TypeChecker, rule: str, field: str, base: tuple[int, int]) -> list[RuleError]:
    return [located_error(rule, field, issue, base) for issue in checker.issues]


def _too_long(source: str) -> ParseError | None:
    if len(source) <= MAX_EXPRESSION_CHARS:
        return None
    line, column = position_of(source, MAX_EXPRESSION_CHARS)
    return ParseError(f"an expression may have at most {MAX_EXPRESSION_CHARS} characters, "
                      f"this one has {len(source)}", line, column, "a shorter expression")


def check_condition(source: str, vocab: Vocabulary, *, rule: str,
                    field: str = "when") -> tuple[Condition | None, list[RuleError]]:
    """Parse and type-check a ``when``: it must be a condition (or ``otherwise``)."""
    try:
        if long := _too_long(source):
            raise long
        node = parse_condition(source)
    except ParseError as exc:
        return None, [located_error(rule, field, exc)]
    if isinstance(node, Otherwise):
        return node, []
    checker = TypeChecker(vocab)
    info = checker.check(node)
    if info.type not in (ExprType.BOOL, ExprType.ERROR):
        checker.fail(node, f"the condition must be true or false, not {info.type.a}",
                     "a comparison such as order.amount > 1000")
    if not checker.issues:
        _magnitudes(node, vocab, checker)
    errors = _errors(checker, rule, field, (1, 1))
    return (None if errors else node), errors


def check_placeholder(source: str, vocab: Vocabulary, *, rule: str, field: str,
                      line: int = 1, column: int = 1) -> tuple[Expr | None, list[RuleError]]:
    """Parse and type-check a ``{expr}`` of a message template found at ``line``/``column``."""
    try:
        if long := _too_long(source):
            raise long
        node = parse_expression(source)
    except ParseError as exc:
        return None, [located_error(rule, field, exc, (line, column))]
    checker = TypeChecker(vocab)
    info = checker.check(node)
    if not checker.issues and info.type.numeric:
        _within_range(node, (node,), vocab, checker, _TOO_LARGE_TO_SHOW)
    errors = _errors(checker, rule, field, (line, column))
    return (None if errors else node), errors
