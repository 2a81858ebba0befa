"""Compiled rule set versions, each validated and compiled once: one bounded cache by checksum.

A version is immutable and its checksum is the sha256 of its canonical document, so the
checksum is a safe key: the same document always compiles to the same value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policy_service.language.cache import BoundedCache
from policy_service.language.compiler import CompiledRuleSet, compile_ruleset
from policy_service.language.document import checksum, load_ruleset

MAX_VERSIONS = 32
"""Enough for every kind's serving version plus drafts being edited, probed and published."""

COMPILED: BoundedCache[str, CompiledRuleSet] = BoundedCache(MAX_VERSIONS)


def compiled_version(document: Any) -> CompiledRuleSet:
    """``document`` validated and compiled (RuleSetInvalid / CompileError if it is not valid);
    a document seen before is not validated or compiled again."""
    if not isinstance(document, Mapping):
        return compile_ruleset(load_ruleset(document))  # raises RuleSetInvalid
    return COMPILED.get(checksum(document), lambda: compile_ruleset(load_ruleset(document)))
