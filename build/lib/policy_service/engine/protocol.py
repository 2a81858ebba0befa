"""RuleEngine: the protocol services code against (durable-rules or a fake behind it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from policy_service.language.engine_rule import EngineRule


class RuleEngine(Protocol):
    """Loads versioned rule sets under keys and tells which rules a fact satisfies."""

    def load(self, key: str, rules: Sequence[EngineRule]) -> None:
        """Register a new version under ``key`` and swap to it atomically.

        On failure raise ``EngineLoadError``; the previous version keeps serving.
        """
        ...

    def evaluate(self, key: str, facts: Mapping[str, Any]) -> list[str]:
        """Names of all rules whose condition holds, by (priority, definition order).

        ``[]`` when none holds; ``UnknownRulesetError`` (an ``EngineError`` and a
        ``KeyError``) when ``key`` is not loaded.
        """
        ...

    def loaded_keys(self) -> list[str]:
        """The keys that currently have a rule set loaded, sorted."""
        ...

    def unload(self, key: str) -> None:
        """Drop the rule set loaded under ``key`` (``UnknownRulesetError`` if none)."""
        ...
