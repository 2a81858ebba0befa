"""Read models of the rules capability: published rule sets and their history, readiness.

Like the other read sides, each takes a unit of work and opens it itself, so the API
only passes ``services().uow()`` along.
"""

from __future__ import annotations

from typing import Any

from policy_service.db.models_clock import ReadinessProbe
from policy_service.services.rules.registry import (
    RuleSetRegistry,
    get_version,
    list_versions,
    newest_versions,
    version_view,
)
from policy_service.services.unit_of_work import UnitOfWork


def published_rulesets(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Each rule set with its published (newest) version."""
    with uow:
        return [version_view(row) for row in newest_versions(uow.session)]


def ruleset_version(uow: UnitOfWork, name: str, version: int | None = None) -> dict[str, Any]:
    """One version of a rule set (default: the published one), or NotFound."""
    with uow:
        return version_view(get_version(uow.session, name, version))


def ruleset_versions(uow: UnitOfWork, name: str) -> list[dict[str, Any]]:
    """Every version of a rule set, oldest first."""
    with uow:
        return [version_view(row) for row in list_versions(uow.session, name)]


def readiness(uow: UnitOfWork, registry: RuleSetRegistry) -> tuple[dict[str, int], dict[str, str]]:
    """Loaded versions and problems: the database takes a write, every published set compiles."""
    problems: dict[str, str] = {}
    loaded: dict[str, int] = {}
    try:
        with uow:  # a real write, rolled back: a database that reads but cannot write
            uow.session.add(ReadinessProbe())  # (read-only, locked, standby) is not ready
            uow.session.flush()  # leaving without commit rolls it back
    except Exception as exc:
        problems["database"] = f"does not accept writes: {type(exc).__name__}"
        return loaded, problems
    try:
        with uow:
            for row in newest_versions(uow.session):
                try:
                    loaded[row.name] = registry.current(uow.session, row.name).version
                except Exception as exc:
                    problems[row.name] = str(exc)
            for name, (version, error) in registry.failures().items():
                problems[name] = f"version {version} does not compile: {error}"
    except Exception as exc:
        problems["database"] = f"unreachable: {type(exc).__name__}"
    return loaded, problems
