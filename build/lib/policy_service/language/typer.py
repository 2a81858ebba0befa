"""Static types of rule-language expressions: the typing rules behind the checker."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from fractions import Fraction

from policy_service.language.ast import (
    Arith,
    BoolLit,
    Compare,
    Expr,
    Membership,
    Name,
    Negate,
    Node,
    Not,
    NumberLit,
    StringLit,
)
from policy_service.language.errors import Located
from policy_service.language.vocabulary import Field, FieldType, Vocabulary


class ExprType(Enum):
    """Static type of an expression; NUMBER is a unitless constant, ERROR stops cascades."""

    MONEY = "money amount"
    INTEGER = "whole number"
    DECIMAL = "decimal number"
    NUMBER = "number"
    STRING = "text value"
    BOOL = "condition"
    ERROR = "error"

    @property
    def numeric(self) -> bool:
        """True for the number types."""
        return self in (ExprType.MONEY, ExprType.INTEGER, ExprType.DECIMAL, ExprType.NUMBER)

    @property
    def a(self) -> str:
        """The type's name with its article, for messages."""
        return ("an " if self.value[0] in "aeiou" else "a ") + self.value


_FROM_FIELD = {FieldType.MONEY: ExprType.MONEY, FieldType.INTEGER: ExprType.INTEGER,
               FieldType.DECIMAL: ExprType.DECIMAL, FieldType.STRING: ExprType.STRING,
               FieldType.BOOL: ExprType.BOOL}


@dataclass(frozen=True)
class TypeInfo:
    """An expression's type, its value if constant, and its field if it is a bare name."""

    type: ExprType
    const: Fraction | None = None
    field: Field | None = None


ERROR = TypeInfo(ExprType.ERROR)


class TypeChecker:
    """Infers types and collects located issues (line/column within the expression's text)."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.issues: list[Located] = []

    def fail(self, node: Node, message: str, expected: str | None = None) -> TypeInfo:
        """Record an issue at ``node``; returns the ERROR type."""
        self.issues.append(Located(message, node.line, node.column, expected))
        return ERROR

    def check(self, node: Expr) -> TypeInfo:
        """The type of ``node``; problems are appended to ``issues``."""
        if isinstance(node, NumberLit):
            return TypeInfo(ExprType.NUMBER, Fraction(node.value))
        if isinstance(node, StringLit):
            return TypeInfo(ExprType.STRING)
        if isinstance(node, BoolLit):
            return TypeInfo(ExprType.BOOL)
        if isinstance(node, Name):
            return self.name(node)
        if isinstance(node, Negate):
            inner = self.check(node.operand)
            if inner.type is ExprType.ERROR or not inner.type.numeric:
                return inner if inner is ERROR else self.fail(
                    node, f"'-' needs a number, not {inner.type.a}", "a number")
            return TypeInfo(inner.type, None if inner.const is None else -inner.const)
        if isinstance(node, Arith):
            return self.arith(node)
        if isinstance(node, Compare):
            return self.compare(node)
        if isinstance(node, Membership):
            return self.membership(node)
        if isinstance(node, Not):
            self.condition(node.operand, "'not'")
            return TypeInfo(ExprType.BOOL)
        self.condition(node.left, f"'{node.op}'")
        self.condition(node.right, f"'{node.op}'")
        return TypeInfo(ExprType.BOOL)

    def condition(self, node: Expr, what: str) -> None:
        """Check that ``node`` is a condition (the operand of and/or/not)."""
        info = self.check(node)
        if info.type not in (ExprType.BOOL, ExprType.ERROR):
            self.fail(node, f"{what} needs a condition, not {info.type.a}",
                      "a comparison or a yes/no field")

    def name(self, node: Name) -> TypeInfo:
        """The field's type, or an unknown-name issue with the closest suggestion."""
        field = self.vocab.get(node.name)
        if field is None:
            close = self.vocab.suggest(node.name)
            hint = f"; did you mean {close}?" if close else ""
            return self.fail(node, f"unknown name '{node.name}'{hint}",
                             close or "a name from the vocabulary")
        return TypeInfo(_FROM_FIELD[field.type], field=field)

    def arith(self, node: Arith) -> TypeInfo:
        """Typing rules of ``+ - * /`` (money stays money; divide only by non-zero constants)."""
        left, right = self.check(node.left), self.check(node.right)
        if ERROR in (left, right):
            return ERROR
        for side, info in ((node.left, left), (node.right, right)):
            if not info.type.numeric:
                return self.fail(side, f"'{node.op}' needs numbers, not {info.type.a}",
                                 "a number")
        lt, rt = left.type, right.type
        const = None
        if left.const is not None and right.const is not None:
            const = _fold(node.op, left.const, right.const)
        if node.op == "/":
            if right.const is None:
                return self.fail(node.right, "can only divide by a constant number",
                                 "a number such as 2 or 0.5")
            if right.const == 0:
                return self.fail(node.right, "division by zero", "a non-zero number")
            if lt is ExprType.MONEY or lt is ExprType.NUMBER:
                return TypeInfo(lt, const)
            return TypeInfo(ExprType.DECIMAL)
        if node.op == "*":
            if lt is ExprType.MONEY and rt is ExprType.MONEY:
                return self.fail(node, "cannot multiply money by money", "money times a number")
            if ExprType.MONEY in (lt, rt):
                return TypeInfo(ExprType.MONEY)
            return TypeInfo(_plain(lt, rt, left.const, right.const), const)
        if ExprType.MONEY in (lt, rt):
            other = rt if lt is ExprType.MONEY else lt
            if other not in (ExprType.MONEY, ExprType.NUMBER):
                return self.fail(node, f"cannot use '{node.op}' on money and {other.a}",
                                 "money on both sides")
            return TypeInfo(ExprType.MONEY)
        return TypeInfo(_plain(lt, rt, left.const, right.const), const)

    def compare(self, node: Compare) -> TypeInfo:
        """Typing rules of comparisons (money with money or literals; == / != on text)."""
        left, right = self.check(node.left), self.check(node.right)
        if ERROR in (left, right):
            return TypeInfo(ExprType.BOOL)
        lt, rt = left.type, right.type
        if lt.numeric and rt.numeric:
            money = ExprType.MONEY in (lt, rt)
            if money and {lt, rt} - {ExprType.MONEY, ExprType.NUMBER}:
                other = rt if lt is ExprType.MONEY else lt
                self.fail(node, f"cannot compare money with {other.a}", "money")
        elif lt is not rt:
            self.fail(node, f"cannot compare {lt.a} with {rt.a}",
                      f"{lt.a} on the right")
        elif node.op not in ("==", "!="):
            self.fail(node, f"'{node.op}' does not apply to {lt.a}; use == or !=", "==")
        elif lt is ExprType.STRING:
            self.strings(node, left, right)
        return TypeInfo(ExprType.BOOL)

    def strings(self, node: Compare, left: TypeInfo, right: TypeInfo) -> None:
        """Text comparisons need a quoted value, which must be an allowed value."""
        literals = [n for n in (node.left, node.right) if isinstance(n, StringLit)]
        if not literals:
            self.fail(node, "compare a text field with a quoted value", '"a value"')
            return
        field = left.field or right.field
        self.allowed(literals[0], field)

    def allowed(self, literal: StringLit, field: Field | None) -> None:
        """An issue if ``literal`` is not among ``field``'s allowed values."""
        if field is not None and field.allowed and literal.value not in field.allowed:
            self.fail(literal, f'"{literal.value}" is not a value of {field.name}',
                      "one of " + ", ".join(field.allowed))

    def membership(self, node: Membership) -> TypeInfo:
        """Typing rules of ``in`` / ``not in`` lists."""
        info = self.check(node.operand)
        if info is ERROR:
            return TypeInfo(ExprType.BOOL)
        text = info.type is ExprType.STRING
        if not (text or info.type.numeric):
            self.fail(node.operand, f"'in' needs a text or a number, not {info.type.a}",
                      "a text field such as customer.tier")
            return TypeInfo(ExprType.BOOL)
        for item in node.items:
            if not isinstance(item, StringLit if text else NumberLit):
                self.fail(item, f"the list must hold {'quoted values' if text else 'numbers'} "
                                f"to compare with {info.type.a}",
                          '"a value"' if text else "a number")
            elif isinstance(item, StringLit):
                self.allowed(item, info.field)
        return TypeInfo(ExprType.BOOL)


def _fold(op: str, a: Fraction, b: Fraction) -> Fraction | None:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    return a / b if b else None


def _plain(lt: ExprType, rt: ExprType, lc: Fraction | None, rc: Fraction | None) -> ExprType:
    if lt is ExprType.NUMBER and rt is ExprType.NUMBER:
        return ExprType.NUMBER
    whole = all(t is ExprType.INTEGER or (c is not None and c.denominator == 1)
                for t, c in ((lt, lc), (rt, rc)))
    return ExprType.INTEGER if whole else ExprType.DECIMAL
