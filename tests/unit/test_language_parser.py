"""The rule-language tokenizer and parser: precedence, positions, and located syntax errors."""

from __future__ import annotations

import builtins
from decimal import Decimal

import pytest

from policy_service.language.ast import (
    Arith,
    Compare,
    Logical,
    Membership,
    Name,
    Negate,
    Not,
    NumberLit,
    Otherwise,
    StringLit,
    to_source,
)
from policy_service.language.lexer import ParseError, tokenize
from policy_service.language.parser import parse_condition, parse_expression


def test_multiplication_binds_tighter_than_addition_and_comparison() -> None:
    node = parse_expression("a.x + a.y * 2 > 3")
    assert isinstance(node, Compare) and node.op == ">"
    assert isinstance(node.left, Arith) and node.left.op == "+"
    assert isinstance(node.left.right, Arith) and node.left.right.op == "*"


def test_and_binds_tighter_than_or_and_not_tighter_than_and() -> None:
    node = parse_expression("not a.x or b.x and c.x")
    assert isinstance(node, Logical) and node.op == "or"
    assert isinstance(node.left, Not)
    assert isinstance(node.right, Logical) and node.right.op == "and"


def test_not_applies_to_a_whole_comparison() -> None:
    node = parse_expression("not a.x == 1")
    assert isinstance(node, Not) and isinstance(node.operand, Compare)


def test_subtraction_is_left_associative() -> None:
    node = parse_expression("a.x - a.y - a.z")
    assert isinstance(node, Arith) and isinstance(node.left, Arith)
    assert to_source(node) == "a.x - a.y - a.z"


def test_unary_minus_binds_tightest() -> None:
    node = parse_expression("-a.x * 2")
    assert isinstance(node, Arith) and isinstance(node.left, Negate)


def test_parentheses_override_precedence_and_print_back() -> None:
    node = parse_expression("(a.x + a.y) * 2 > a.z - (a.w - 1)")
    assert to_source(node) == "(a.x + a.y) * 2 > a.z - (a.w - 1)"


def test_membership_with_negated_and_plain_lists() -> None:
    node = parse_expression('c.tier not in ["C", "D"] or c.n in [1, -2.5]')
    assert isinstance(node, Logical)
    left, right = node.left, node.right
    assert isinstance(left, Membership) and left.negated
    assert [i.value for i in left.items if isinstance(i, StringLit)] == ["C", "D"]
    assert isinstance(right, Membership) and not right.negated
    assert [i.value for i in right.items if isinstance(i, NumberLit)] == [1, Decimal("-2.5")]


def test_decimal_literals_are_exact_decimals() -> None:
    node = parse_expression("0.1")
    assert isinstance(node, NumberLit) and node.value == Decimal("0.1")


def test_every_node_carries_its_start_line_and_column() -> None:
    node = parse_expression('customer.tier == "C"\n  and order.amount > 5')
    assert isinstance(node, Logical)
    assert (node.line, node.column) == (1, 1)
    assert isinstance(node.right, Compare)
    assert (node.right.line, node.right.column) == (2, 7)
    assert isinstance(node.left, Compare) and isinstance(node.left.right, StringLit)
    assert (node.left.right.line, node.left.right.column) == (1, 18)


def test_dotted_names_are_one_name_node() -> None:
    node = parse_expression("exposure.open_receivables")
    assert node == Name(1, 1, "exposure.open_receivables")


def test_otherwise_alone_is_distinct_from_expressions() -> None:
    assert isinstance(parse_condition("  otherwise "), Otherwise)


@pytest.mark.parametrize(
    ("source", "line", "column", "fragment"),
    [
        ("", 1, 1, "empty"),
        ("order.amount >", 1, 15, "expected a value"),
        ('customer.tier == "C', 1, 18, "unterminated string"),
        ('customer.tier == "\\n"', 1, 19, "unknown escape"),
        ("order.amount > 1.", 1, 17, "decimal point"),
        ("order.amount > 12abc", 1, 18, "in a number"),
        ("a.x > 1 && a.y", 1, 9, "use 'and'"),
        ("a.x > 1 || a.y", 1, 9, "use 'or'"),
        ("!a.x", 1, 1, "use 'not'"),
        ("a.x = 1", 1, 5, "use '=='"),
        ("a.x == 'C'", 1, 8, "double quotes"),
        ("a.x > $5", 1, 7, "unexpected character"),
        ("a.x < a.y < a.z", 1, 11, "cannot be chained"),
        ("(a.x > 1", 1, 9, "to close the parenthesis"),
        ("a.x > 1)", 1, 8, "after a complete expression"),
        ("a.x not a.y", 1, 9, "expected 'in' after 'not'"),
        ("a.x in 1", 1, 8, "to start the list"),
        ("a.x in []", 1, 9, "expected a value in the list"),
        ('a.x in ["A" "B"]', 1, 13, "to close the list"),
        ("a.x in [a.y]", 1, 9, "expected a value in the list"),
        ("a.x and otherwise", 1, 9, "whole condition"),
        ("a. > 1", 1, 4, "expected a name after '.'"),
        ("a.x == True", 1, 8, "write 'true'"),
        ("len(a.x) > 1", 1, 4, "function calls"),
        ("a.x\n  > \n ", 3, 2, "expected a value"),
    ],
)
def test_syntax_errors_are_located_with_a_message(
    source: str, line: int, column: int, fragment: str
) -> None:
    with pytest.raises(ParseError) as caught:
        parse_expression(source)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert fragment in caught.value.message


def test_syntax_errors_say_what_was_expected() -> None:
    with pytest.raises(ParseError) as caught:
        parse_expression("a.x > 1 && a.y")
    assert caught.value.expected == "and"


@pytest.mark.parametrize(
    "source",
    ['__import__("os").system("true")', "order.__class__", "order.amount.__add__(1)",
     "(lambda: 1)()", "[x for x in order]", "order['amount']", "_k.zero == 0"],
)
def test_python_constructs_are_syntax_errors_not_code(source: str) -> None:
    with pytest.raises(ParseError):
        parse_condition(source)


def test_parsing_never_calls_eval_exec_or_compile(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("Python code execution attempted")

    for name in ("eval", "exec", "compile", "__import__"):
        monkeypatch.setattr(builtins, name, refuse)
    node = parse_condition('customer.tier in ["C"] and order.amount * 1.15 > 3 / 2')
    assert isinstance(node, Logical)


def test_tokens_carry_kinds_and_positions() -> None:
    tokens = tokenize('a.b >= "x"\n1.5')
    assert [(t.kind, t.text, t.line, t.column) for t in tokens] == [
        ("NAME", "a", 1, 1), ("OP", ".", 1, 2), ("NAME", "b", 1, 3), ("OP", ">=", 1, 5),
        ("STRING", "x", 1, 8), ("NUMBER", "1.5", 2, 1), ("END", "", 2, 4),
    ]
