"""The layout guards itself: a pure core, services that never see the container, small modules."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "policy_service"
OUTSIDE = ("flask", "sqlalchemy", "durable", "durable_rules_engine", "marshmallow")


def _modules(folder: str) -> list[str]:
    root = PACKAGE / folder
    return sorted("policy_service." + ".".join(p.relative_to(PACKAGE).with_suffix("").parts)
                  .removesuffix(".__init__") for p in root.rglob("*.py"))


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_the_pure_core_loads_without_flask_sqlalchemy_or_durable_rules() -> None:
    core = _modules("language") + _modules("domain")
    assert "policy_service.language.compiler" in core and "policy_service.domain.money" in core
    code = (f"import sys\nfor m in {core!r}: __import__(m)\n"
            f"print(sorted(m for m in {OUTSIDE!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_services_never_import_the_container() -> None:
    offenders = sorted(str(path.relative_to(PACKAGE))
                       for path in (PACKAGE / "services").rglob("*.py")
                       if any(name.startswith("policy_service.container")
                              for name in _imports(path)))
    assert offenders == []

