"""A service's or the rule language's English refusal, shown in the admin user's language.

Services raise English sentences (the API's contract); ``refusal(text)`` finds the
whole-sentence template the text was built from (``admin/refusal_messages.py``), takes the
values out of it, and returns the catalogue's translation with those values put back. A
value that is itself a known phrase or code (a type such as "a money amount", a status such
as "submitted") is translated too; a nested refusal ("1 error(s) in the rule set: …") is
translated in turn. Text no template matches is returned unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from flask_babel import gettext

from policy_service.admin.i18n import _
from policy_service.admin.refusal_messages import HINTS, PHRASES, SENTENCES
from policy_service.i18n_codes import CODES

NESTED = {"message", "error"}  # values that are refusals (or an error text) themselves
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@cache
def _pattern(template: str) -> re.Pattern[str]:
    """The template as an anchored regular expression with one group per placeholder."""
    parts, position = [], 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[position:match.start()]))
        name = match.group(1)  # a plain value never holds ": " (that joins two messages)
        parts.append(f"(?P<{name}>.+?)" if name in NESTED else f"(?P<{name}>(?:(?!: ).)+?)")
        position = match.end()
    parts.append(re.escape(template[position:]))
    return re.compile("".join(parts), re.DOTALL)


def _value(name: str, value: str) -> str:
    if name in NESTED:
        return refusal(value)
    if value in PHRASES or value in CODES:
        return gettext(value) % {}  # a catalogue entry is written to be %-formatted (%% = %)
    return value


def _translate(text: str, templates: tuple[str, ...]) -> str | None:
    for template in templates:
        found = _pattern(template).fullmatch(text)
        if found:
            values = {name: _value(name, value) for name, value in found.groupdict().items()}
            return gettext(template, **values)
    return None


def refusal(text: str) -> str:
    """``text`` in the current language, or unchanged when no template matches it."""
    text = text.strip()
    if not text:
        return text
    whole = _translate(text, SENTENCES) or _translate(text, HINTS)
    if whole is not None:
        return whole
    if text in PHRASES:
        return gettext(text)
    parts = text.split("; ")  # several problems joined in one message
    if len(parts) > 1:
        translated = [_translate(part, SENTENCES) for part in parts]
        if all(translated):
            return _("; ").join(str(part) for part in translated)
    return text


def rule_error(error: Mapping[str, Any]) -> dict[str, Any]:
    """A located rule error (the API's dict) with its message and hint translated."""
    translated = dict(error)
    translated["message"] = refusal(str(error.get("message") or ""))
    if error.get("expected"):
        translated["expected"] = refusal(str(error["expected"]))
    return translated
