"""EngineRule: one compiled rule as the engine adapter loads it (name, priority, condition)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EngineRule:
    """A rule for the engine: ``condition`` is a durable-rules condition over the encoded fact."""

    name: str
    priority: int
    condition: dict[str, Any]
