"""The pure core imports neither the web, the database nor the engine."""

from __future__ import annotations

import subprocess
import sys

CORE = ("policy_service.language.compiler", "policy_service.language.reference",
        "policy_service.language.document", "policy_service.domain.decision",
        "policy_service.domain.money", "policy_service.domain.penalty",
        "policy_service.domain.escalation", "policy_service.domain.review",
        "policy_service.domain.aging")
OUTSIDE = ("flask", "sqlalchemy", "durable", "durable_rules_engine", "marshmallow")


def test_the_pure_core_loads_without_flask_sqlalchemy_or_durable_rules() -> None:
    code = (f"import sys\nfor m in {CORE!r}: __import__(m)\n"
            f"print(sorted(m for m in {OUTSIDE!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
