"""What a non-editable install ships: each package-data glob matches; a built wheel has it all."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from policy_service.config import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "policy_service"
PYPROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
GLOBS: list[str] = PYPROJECT["tool"]["setuptools"]["package-data"]["policy_service"]


def _data_files() -> set[str]:
    """Every file in the package that is not a module or a cache."""
    return {str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*")
            if path.is_file() and path.suffix not in {".py", ".pyc"}
            and "__pycache__" not in path.parts}


def test_every_package_data_glob_matches_at_least_one_file() -> None:
    empty = [glob for glob in GLOBS if not any(PACKAGE.glob(glob))]
    assert empty == [], f"package-data names files that do not exist: {empty}"


def test_every_data_file_in_the_package_is_named_by_a_glob() -> None:
    matched = {str(p.relative_to(PACKAGE)) for glob in GLOBS for p in PACKAGE.glob(glob)}
    assert _data_files() - matched == set()


def test_a_built_wheel_ships_the_modules_templates_translations_migrations_and_rules(
        tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(PROJECT_ROOT / name, source / name)
    shutil.copytree(PACKAGE, source / "policy_service",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    build = ("from setuptools import build_meta\n"
             f"print(build_meta.build_wheel({str(tmp_path / 'dist')!r}))")
    done = subprocess.run([sys.executable, "-c", build], cwd=source, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    wheel = tmp_path / "dist" / done.stdout.strip().splitlines()[-1]
    shipped = {name.removeprefix("policy_service/")
               for name in zipfile.ZipFile(wheel).namelist()
               if name.startswith("policy_service/")}
    modules = {str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
               if "__pycache__" not in p.parts}
    assert modules - shipped == set()
    assert _data_files() - shipped == set()
    assert "db/migrations/script.py.mako" in shipped
    assert {"rules/credit_approval.json", "rules/credit_approval.cases.json"} <= shipped
    assert any(name.endswith("LC_MESSAGES/messages.mo") for name in shipped)
