"""Precedence-climbing (Pratt) parser of the rule language; no Python evaluation anywhere."""

from __future__ import annotations

from decimal import Decimal

from policy_service.language.ast import (
    PRECEDENCE,
    Arith,
    BoolLit,
    Compare,
    Condition,
    Expr,
    Literal,
    Logical,
    Membership,
    Name,
    Negate,
    Not,
    NumberLit,
    Otherwise,
    StringLit,
)
from policy_service.language.lexer import ParseError, Token, tokenize
from policy_service.language.limits import MAX_DEPTH, MAX_LIST_ITEMS, MAX_TERMS

COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})
_PYTHONISMS = {"True": "true", "False": "false", "None": None, "null": None, "AND": "and",
               "OR": "or", "NOT": "not", "IN": "in"}


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = tokenize(source)
        self.index = 0
        self.depth = 0
        self.terms = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.index]

    def next_token(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != "END":
            self.index += 1
        return token

    def error(self, message: str, token: Token | None = None,
              expected: str | None = None) -> ParseError:
        token = token or self.tok
        return ParseError(message, token.line, token.column, expected)

    def expect_op(self, op: str, context: str) -> Token:
        if self.tok.kind == "OP" and self.tok.text == op:
            return self.next_token()
        raise self.error(f"expected '{op}' {context}, found {self.tok.describe()}", expected=op)

    def operator(self, token: Token) -> None:
        """Count one operator; past MAX_TERMS the expression is refused at ``token``."""
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise self.error(f"an expression may have at most {MAX_TERMS} operators; split "
                             "the rule", token, expected="a shorter expression")

    def nested(self, token: Token, power: int) -> Expr:
        """The operand of ``(``, ``not`` or unary ``-`` at ``token``, at most MAX_DEPTH deep."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"an expression may nest at most {MAX_DEPTH} levels of "
                             "parentheses, not and -", token, expected="a flatter expression")
        inner = self.expression(power)
        self.depth -= 1
        return inner

    def infix_power(self) -> int | None:
        tok = self.tok
        if tok.kind == "KEYWORD" and tok.text in ("and", "or"):
            return PRECEDENCE[tok.text]
        if tok.kind == "KEYWORD" and tok.text in ("in", "not"):
            return PRECEDENCE["cmp"]
        if tok.kind == "OP" and tok.text in COMPARISONS:
            return PRECEDENCE["cmp"]
        if tok.kind == "OP" and tok.text in ("+", "-", "*", "/"):
            return PRECEDENCE[tok.text]
        return None

    def expression(self, min_power: int = 0) -> Expr:
        left = self.prefix()
        compared = False
        while (power := self.infix_power()) is not None and power > min_power:
            op = self.next_token()
            self.operator(op)
            if power == PRECEDENCE["cmp"]:
                if compared:
                    raise self.error("comparisons cannot be chained; join them with 'and'", op,
                                     expected="and")
                compared = True
                left = self.comparison(op, left)
            elif op.text in ("and", "or"):
                left = Logical(left.line, left.column, op.text, left, self.expression(power))
            else:
                left = Arith(left.line, left.column, op.text, left, self.expression(power))
        return left

    def comparison(self, op: Token, left: Expr) -> Expr:
        if op.kind == "KEYWORD":
            negated = op.text == "not"
            if negated and not (self.tok.kind == "KEYWORD" and self.tok.text == "in"):
                raise self.error(f"expected 'in' after 'not', found {self.tok.describe()}",
                                 expected="in")
            if negated:
                self.next_token()
            return Membership(left.line, left.column, negated, left, self.literal_list())
        return Compare(left.line, left.column, op.text, left, self.expression(PRECEDENCE["cmp"]))

    def literal_list(self) -> tuple[Literal, ...]:
        self.expect_op("[", "to start the list of values")
        items: list[Literal] = []
        while True:
            if len(items) == MAX_LIST_ITEMS:
                raise self.error(f"a list may hold at most {MAX_LIST_ITEMS} values",
                                 expected="a shorter list")
            items.append(self.literal())
            if self.tok.kind == "OP" and self.tok.text == ",":
                self.next_token()
                continue
            self.expect_op("]", "to close the list of values")
            return tuple(items)

    def literal(self) -> Literal:
        tok = self.next_token()
        if tok.kind == "STRING":
            return StringLit(tok.line, tok.column, tok.text)
        if tok.kind == "KEYWORD" and tok.text in ("true", "false"):
            return BoolLit(tok.line, tok.column, tok.text == "true")
        sign = ""
        if tok.kind == "OP" and tok.text == "-" and self.tok.kind == "NUMBER":
            sign, tok = "-", self.next_token()
        if tok.kind == "NUMBER":
            return NumberLit(tok.line, tok.column, Decimal(sign + tok.text), sign + tok.text)
        raise self.error(f"expected a value in the list, found {tok.describe()}", tok,
                         expected="a number, a string, true or false")

    def prefix(self) -> Expr:
        tok = self.next_token()
        if tok.kind == "NUMBER":
            return NumberLit(tok.line, tok.column, Decimal(tok.text), tok.text)
        if tok.kind == "STRING":
            return StringLit(tok.line, tok.column, tok.text)
        if tok.kind == "NAME":
            return self.name(tok)
        if tok.kind == "KEYWORD":
            if tok.text in ("true", "false"):
                return BoolLit(tok.line, tok.column, tok.text == "true")
            if tok.text == "not":
                self.operator(tok)
                return Not(tok.line, tok.column, self.nested(tok, PRECEDENCE["not"] - 1))
            if tok.text == "otherwise":
                raise self.error("'otherwise' must be the whole condition", tok)
        if tok.kind == "OP" and tok.text == "-":
            self.operator(tok)
            return Negate(tok.line, tok.column, self.nested(tok, PRECEDENCE["neg"] - 1))
        if tok.kind == "OP" and tok.text == "(":
            inner = self.nested(tok, 0)
            self.expect_op(")", "to close the parenthesis")
            return inner
        raise self.error(f"expected a value, found {tok.describe()}", tok,
                         expected="a name, a number, a string, true, false, not, - or (")

    def name(self, first: Token) -> Name:
        if first.text in _PYTHONISMS:
            hint = _PYTHONISMS[first.text]
            message = f"'{first.text}' is not part of the rule language"
            raise self.error(message + (f"; write '{hint}'" if hint else ""), first,
                             expected=hint)
        parts = [first.text]
        part = first
        while True:
            if part.text.startswith("_"):
                raise self.error("names starting with '_' are not part of the vocabulary", part,
                                 expected="a vocabulary name")
            if not (self.tok.kind == "OP" and self.tok.text == "."):
                break
            self.next_token()
            part = self.next_token()
            if part.kind not in ("NAME", "KEYWORD"):
                raise self.error(f"expected a name after '.', found {part.describe()}", part,
                                 expected="a name")
            parts.append(part.text)
        if self.tok.kind == "OP" and self.tok.text == "(":
            raise self.error("function calls are not part of the rule language", self.tok,
                             expected="an operator")
        return Name(first.line, first.column, ".".join(parts))


def parse_expression(source: str) -> Expr:
    """Parse one expression; raise ParseError at the first syntax error."""
    return _parse(_Parser(source))


def _parse(parser: _Parser) -> Expr:
    if parser.tok.kind == "END":
        raise parser.error("the expression is empty", expected="an expression")
    node = parser.expression()
    if parser.tok.kind != "END":
        tok = parser.tok
        hint = "'and', 'or' or an operator"
        if tok.kind == "OP" and tok.text == "(":
            raise parser.error("function calls are not part of the rule language", tok,
                               expected=hint)
        raise parser.error(f"unexpected {tok.describe()} after a complete expression", tok,
                           expected=hint)
    return node


def parse_condition(source: str) -> Condition:
    """Parse a rule's ``when``: an expression, or the single word ``otherwise``."""
    parser = _Parser(source)
    tokens = parser.tokens
    if len(tokens) == 2 and tokens[0].kind == "KEYWORD" and tokens[0].text == "otherwise":
        return Otherwise(tokens[0].line, tokens[0].column)
    return _parse(parser)
