"""Engine adapter: the only package that imports durable-rules, behind ``RuleEngine``."""

from policy_service.engine.adapter import DurableRulesEngine
from policy_service.engine.errors import EngineError, EngineLoadError, UnknownRulesetError
from policy_service.engine.protocol import RuleEngine
from policy_service.language.engine_rule import EngineRule

__all__ = [
    "DurableRulesEngine",
    "EngineError",
    "EngineLoadError",
    "EngineRule",
    "RuleEngine",
    "UnknownRulesetError",
]
