"""The one located-error type of the rule language, and the one way to build it.

A ``Located`` problem is found inside one text (a ``when``, a template, a placeholder) at a
1-based line/column: the lexer and parser raise it as ``ParseError``, the template scanner
as ``TemplateError``, and the type checker records it. A ``RuleError`` is that problem
placed in a rule set document: which rule, which field, where in the field, what was
expected. Document-level problems (a missing ``then``, an unknown key) have no position
(line and column 0). Every ``RuleError`` is made by :func:`rule_error` or
:func:`located_error`, and its JSON shape is :meth:`RuleError.to_dict`, which the API
returns unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

NO_POSITION = (0, 0)
FIELD_START = (1, 1)


class Located(ValueError):
    """A problem at a 1-based line/column of one text, with what was expected there."""

    def __init__(self, message: str, line: int, column: int, expected: str | None = None) -> None:
        super().__init__(f"{line}:{column}: {message}")
        self.message = message
        self.line = line
        self.column = column
        self.expected = expected


@dataclass(frozen=True)
class RuleError:
    """One problem in a rule set, located by rule, field and 1-based line/column (0 = none)."""

    rule: str
    field: str
    line: int
    column: int
    message: str
    expected: str | None = None

    def to_dict(self) -> dict[str, object]:
        """The error as a JSON-ready dict (the API's shape)."""
        return {"rule": self.rule, "field": self.field, "line": self.line,
                "column": self.column, "message": self.message, "expected": self.expected}


def rule_error(rule: str, field: str, message: str, expected: str | None = None) -> RuleError:
    """A problem with a whole field (no line/column)."""
    return RuleError(rule, field, *NO_POSITION, message, expected)


def shift(line: int, column: int, base: tuple[int, int]) -> tuple[int, int]:
    """A position inside a text that starts at ``base`` of its field, as a field position."""
    if line == 1:
        return base[0], base[1] + column - 1
    return base[0] + line - 1, column


def located_error(rule: str, field: str, problem: Located,
                  base: tuple[int, int] = FIELD_START) -> RuleError:
    """A problem found in a text that starts at ``base`` (line, column) of the field."""
    return RuleError(rule, field, *shift(problem.line, problem.column, base), problem.message,
                     problem.expected)


def position_of(text: str, index: int) -> tuple[int, int]:
    """The 1-based line/column of ``text[index]`` (e.g. the first character past a limit)."""
    before = text[:index]
    newlines = before.count("\n")
    return 1 + newlines, index - before.rfind("\n") if newlines else index + 1


def too_long(rule: str, field: str, text: str, limit: int, what: str) -> RuleError:
    """``text`` is longer than ``limit`` characters: an error at the first one past it."""
    return RuleError(rule, field, *position_of(text, limit),
                     f"{what} may have at most {limit} characters, this one has {len(text)}",
                     f"a shorter {what.split()[-1]}")
