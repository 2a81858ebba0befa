"""Hand-written tokenizer of the rule language; positions are 1-based line/column."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from policy_service.language.errors import Located
from policy_service.language.limits import MAX_DECIMALS, MAX_DIGITS

KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "otherwise"})
OPERATORS = ("==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "(", ")", "[", "]", ",", ".")
_MISTAKES = {  # text -> (hint, what was expected)
    "&&": ("use 'and'", "and"),
    "||": ("use 'or'", "or"),
    "!": ("use 'not'", "not"),
    "=": ("use '==' to compare", "=="),
    "'": ("strings are written in double quotes", '"'),
}


class ParseError(Located):
    """A syntax error at a 1-based line/column, with what was expected there."""


@dataclass(frozen=True)
class Token:
    """One token: kind is NUMBER, STRING, NAME, KEYWORD, OP or END; text is its value."""

    kind: str
    text: str
    line: int
    column: int

    def describe(self) -> str:
        """How the token is named in error messages."""
        if self.kind == "END":
            return "the end of the expression"
        if self.kind == "STRING":
            return f'the string "{self.text}"'
        return f"'{self.text}'"


def _is_digit(ch: str) -> bool:
    """ASCII 0-9 only: ``str.isdigit`` also accepts ``²``, ``①`` and other scripts' digits."""
    return "0" <= ch <= "9" and len(ch) == 1


def _is_name_start(ch: str) -> bool:
    return ch.isascii() and (ch.isalpha() or ch == "_")


def _is_name_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "_")


class _Scanner:
    def __init__(self, source: str) -> None:
        self.src = source
        self.pos = 0
        self.line = 1
        self.column = 1

    def peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.src[index] if index < len(self.src) else ""

    def advance(self, count: int = 1) -> str:
        text = self.src[self.pos:self.pos + count]
        newlines = text.count("\n")
        if newlines:
            self.line += newlines
            self.column = len(text) - text.rfind("\n")
        else:
            self.column += len(text)
        self.pos += len(text)
        return text

    def take_while(self, pred: Callable[[str], bool]) -> str:
        start = end = self.pos
        src = self.src
        while end < len(src) and pred(src[end]):
            end += 1
        return self.advance(end - start)


def _string(sc: _Scanner, line: int, column: int) -> Token:
    sc.advance()
    chars: list[str] = []
    while True:
        ch = sc.peek()
        if ch in ("", "\n"):
            raise ParseError("unterminated string", line, column, expected='a closing "')
        if ch == '"':
            sc.advance()
            return Token("STRING", "".join(chars), line, column)
        if ch == "\\":
            nxt = sc.peek(1)
            if nxt not in ('"', "\\"):
                raise ParseError(f"unknown escape \\{nxt}", sc.line, sc.column,
                                 expected='\\" or \\\\')
            sc.advance(2)
            chars.append(nxt)
            continue
        chars.append(sc.advance())


def _number(sc: _Scanner, line: int, column: int) -> Token:
    text = sc.take_while(_is_digit)
    fraction = ""
    if sc.peek() == "." and _is_digit(sc.peek(1)):
        sc.advance()
        fraction = sc.take_while(_is_digit)
        text += "." + fraction
    elif sc.peek() == "." and not _is_name_start(sc.peek(1)):
        raise ParseError("a decimal point must be followed by digits", sc.line, sc.column,
                         expected="digits")
    if _is_name_char(sc.peek()):
        raise ParseError(f"unexpected '{sc.peek()}' in a number", sc.line, sc.column,
                         expected="a digit or an operator")
    significant = len((text.replace(".", "")).lstrip("0"))
    if significant > MAX_DIGITS:
        raise ParseError(f"a number may have at most {MAX_DIGITS} significant digits, this one "
                         f"has {significant}", line, column,
                         expected=f"a number of at most {MAX_DIGITS} digits")
    if len(fraction) > MAX_DECIMALS:
        raise ParseError(f"a number may have at most {MAX_DECIMALS} decimals, this one has "
                         f"{len(fraction)}", line, column,
                         expected=f"at most {MAX_DECIMALS} decimals")
    return Token("NUMBER", text, line, column)


def tokenize(source: str) -> list[Token]:
    """Split rule-language source into tokens, ending with an END token."""
    sc = _Scanner(source)
    tokens: list[Token] = []
    while True:
        sc.take_while(str.isspace)
        line, column, ch = sc.line, sc.column, sc.peek()
        if not ch:
            tokens.append(Token("END", "", line, column))
            return tokens
        if ch == '"':
            tokens.append(_string(sc, line, column))
        elif _is_digit(ch):
            tokens.append(_number(sc, line, column))
        elif _is_name_start(ch):
            word = sc.take_while(_is_name_char)
            tokens.append(Token("KEYWORD" if word in KEYWORDS else "NAME", word, line, column))
        else:
            tokens.append(_operator(sc, line, column))


def _operator(sc: _Scanner, line: int, column: int) -> Token:
    for mistake, (hint, expected) in _MISTAKES.items():
        if sc.src.startswith(mistake, sc.pos) and not any(
            sc.src.startswith(op, sc.pos) and len(op) > len(mistake) for op in OPERATORS
        ):
            raise ParseError(f"unexpected {mistake}: {hint}", line, column, expected=expected)
    for op in OPERATORS:
        if sc.src.startswith(op, sc.pos):
            sc.advance(len(op))
            return Token("OP", op, line, column)
    raise ParseError(f"unexpected character {sc.peek()!r}", line, column,
                     expected="a name, a number, a string or an operator")
