"""Settings from the environment: DATABASE_URL, the instance folder, the shipped rules."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Where the data lives and where the shipped rule sets are."""

    database_url: str
    instance_path: Path
    rules_dir: Path

    @classmethod
    def from_env(cls, **overrides: str) -> Settings:
        """Read POLICY_INSTANCE_PATH, DATABASE_URL and POLICY_RULES_DIR, with defaults."""
        env = {**os.environ, **overrides}
        instance = Path(env.get("POLICY_INSTANCE_PATH", PROJECT_ROOT / "instance")).resolve()
        default_db = f"sqlite:///{instance / 'policy.db'}"
        return cls(
            database_url=env.get("DATABASE_URL") or default_db,
            instance_path=instance,
            rules_dir=Path(env.get("POLICY_RULES_DIR", PROJECT_ROOT / "rules")).resolve(),
        )
