"""EngineRule: one compiled rule as an engine loads it (name, priority, condition).

It lives in the pure core so the compiler needs no engine import; the adapter takes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EngineRule:
    """A rule for the engine: ``condition`` is a durable-rules condition over the encoded fact."""

    name: str
    priority: int
    condition: dict[str, Any]
