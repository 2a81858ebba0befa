"""Engine adapter errors, each with a stable machine code."""

from __future__ import annotations


class EngineError(Exception):
    """An evaluation (or engine call) failed; the message says why."""

    code = "engine_error"


class EngineLoadError(EngineError):
    """A rule set was refused at load time; the previously loaded version keeps serving."""

    code = "engine_load_error"


class UnknownRulesetError(EngineError, KeyError):
    """No rule set is loaded under the requested key (also a ``KeyError``)."""

    code = "ruleset_not_loaded"

    def __str__(self) -> str:
        """The plain message (``KeyError`` would otherwise show its repr)."""
        return str(self.args[0]) if self.args else ""
