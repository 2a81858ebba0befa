"""Syntax tree of the rule language; every node knows the 1-based line/column where it starts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Node:
    """Base of all nodes: where the node starts in its source."""

    line: int
    column: int


@dataclass(frozen=True)
class NumberLit(Node):
    """A decimal literal such as ``0.5`` or ``100000``."""

    value: Decimal
    text: str


@dataclass(frozen=True)
class StringLit(Node):
    """A double-quoted string literal."""

    value: str


@dataclass(frozen=True)
class BoolLit(Node):
    """``true`` or ``false``."""

    value: bool


@dataclass(frozen=True)
class Name(Node):
    """A dotted vocabulary name such as ``order.amount``."""

    name: str


@dataclass(frozen=True)
class Negate(Node):
    """Unary minus."""

    operand: Expr


@dataclass(frozen=True)
class Arith(Node):
    """``left op right`` with op one of ``+ - * /``."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Compare(Node):
    """``left op right`` with op one of ``== != < <= > >=``."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Membership(Node):
    """``operand in [items]`` or, when negated, ``operand not in [items]``."""

    negated: bool
    operand: Expr
    items: tuple[Literal, ...]


@dataclass(frozen=True)
class Not(Node):
    """Boolean negation."""

    operand: Expr


@dataclass(frozen=True)
class Logical(Node):
    """``left and right`` / ``left or right``."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Otherwise(Node):
    """The whole condition ``otherwise``: matches when no other rule of the set matched."""


Literal = NumberLit | StringLit | BoolLit
Expr = (
    NumberLit | StringLit | BoolLit | Name | Negate | Arith | Compare | Membership | Not | Logical
)
Condition = Expr | Otherwise



def condition_leaves(node: Condition) -> Iterator[Condition]:
    """The nodes below every ``and``, ``or`` and ``not`` of ``node``, without recursion."""
    stack: list[Condition] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Logical):
            stack += [current.left, current.right]
        elif isinstance(current, Not):
            stack.append(current.operand)
        else:
            yield current


# Binding powers shared by the parser and the printer.
PRECEDENCE = {"or": 1, "and": 2, "not": 3, "cmp": 4, "+": 5, "-": 5, "*": 6, "/": 6, "neg": 7}


def _prec(node: Condition) -> int:
    if isinstance(node, Logical):
        return PRECEDENCE[node.op]
    if isinstance(node, Not):
        return PRECEDENCE["not"]
    if isinstance(node, Compare | Membership):
        return PRECEDENCE["cmp"]
    if isinstance(node, Arith):
        return PRECEDENCE[node.op]
    if isinstance(node, Negate):
        return PRECEDENCE["neg"]
    return 100


def _wrap(node: Expr, minimum: int, memo: dict[int, str] | None) -> str:
    text = to_source(node, memo)
    return f"({text})" if _prec(node) < minimum else text


def to_source(node: Condition, memo: dict[int, str] | None = None) -> str:
    """Print a node back as rule-language text, with only the parentheses it needs.

    ``memo`` (id of node -> text) lets a caller that prints every sub-condition of one
    tree, as an explanation does, print each node once instead of once per ancestor.
    """
    if memo is None:
        return _source(node, None)
    text = memo.get(id(node))
    if text is None:
        text = memo[id(node)] = _source(node, memo)
    return text


def _source(node: Condition, memo: dict[int, str] | None) -> str:
    if isinstance(node, Otherwise):
        return "otherwise"
    if isinstance(node, NumberLit):
        return node.text
    if isinstance(node, StringLit):
        return '"' + node.value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(node, BoolLit):
        return "true" if node.value else "false"
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Negate):
        return "-" + _wrap(node.operand, PRECEDENCE["neg"], memo)
    if isinstance(node, Not):
        return "not " + _wrap(node.operand, PRECEDENCE["not"], memo)
    if isinstance(node, Membership):
        items = ", ".join(to_source(item, memo) for item in node.items)
        keyword = "not in" if node.negated else "in"
        return f"{_wrap(node.operand, PRECEDENCE['cmp'] + 1, memo)} {keyword} [{items}]"
    if isinstance(node, Compare):
        level = PRECEDENCE["cmp"] + 1
        return f"{_wrap(node.left, level, memo)} {node.op} {_wrap(node.right, level, memo)}"
    level = _prec(node)
    return f"{_wrap(node.left, level, memo)} {node.op} {_wrap(node.right, level + 1, memo)}"
