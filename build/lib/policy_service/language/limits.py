"""The limits of a rule set document, declared once: whatever stays inside them is safe.

Each limit is enforced at validation (draft save, validate, the API's draft PUT/POST) with a
located ``RuleError``. Together with the magnitude guard of ``checker`` they make every
accepted draft compile, load into the engine and probe in well under a second, and
evaluate and render for every fact within the vocabulary's bounds. docs/policy.md
("Limits of a rule set") lists them for rule authors.
"""

from __future__ import annotations

MAX_DEPTH = 32
"""Nesting depth of one expression: open parentheses, ``not`` and unary ``-`` at a point."""
MAX_TERMS = 200
"""Operators (``and or not + - * / == != < <= > >= in``) in one expression."""
MAX_LIST_ITEMS = 100
"""Values in one ``in [...]`` / ``not in [...]`` list."""
MAX_DIGITS = 20
"""Significant digits of one number literal (leading zeros do not count)."""
MAX_DECIMALS = 4
"""Digits after the decimal point of one number literal."""
MAX_EXPRESSION_CHARS = 10_000
"""Characters of one ``when`` or one placeholder."""
MAX_MESSAGE_CHARS = 1_000
"""Characters of one message template (one language of ``then.message``)."""
MAX_RULES = 200
"""Rules in one rule set."""
MAX_DOCUMENT_BYTES = 256 * 1024
"""The whole document as compact UTF-8 JSON."""
MAX_TESTS = 5_000
"""Tests in all the conditions of one rule set: a comparison or a yes/no field counts one,
an ``in`` list one per value. durable-rules refuses a rule set of about 12,000 (error 107)."""
PROBE_SECONDS = 5.0
"""Time a draft's compile-and-probe in the engine may take before it is refused."""
