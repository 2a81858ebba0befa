"""Published rule set versions: seeding, publishing and the per-process active set.

Every worker process keeps the compiled version it serves. Each use checks the
newest published version number (one indexed query) and hot-swaps when it has
moved, so a publish reaches every worker on its next request without a restart.
A version that fails to compile is never activated: the previous one keeps serving.
"""

from __future__ import annotations

import copy
import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, func, select
from sqlalchemy.orm import Session

from policy_service.db.models import RuleSetVersion
from policy_service.engine import EngineLoadError, RuleEngine
from policy_service.engine.probe import RuleRefused, probe
from policy_service.language.compiler import CompiledRuleSet
from policy_service.language.document import RuleSetInvalid
from policy_service.language.errors import FIELD_START, RuleError
from policy_service.language.extremes import edge_errors
from policy_service.language.versions import compiled_version
from policy_service.services.errors import Invalid, NotFound, Unavailable
from policy_service.services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
SHIPPED_AUTHOR = "system (shipped rules/)"
_NEWEST_VERSION = (
    select(RuleSetVersion.version).where(RuleSetVersion.name == bindparam("name"))
    .order_by(RuleSetVersion.version.desc()).limit(1)
)


@dataclass(frozen=True)
class ActiveRuleSet:
    """The compiled version a worker serves for one rule set name."""

    name: str
    version: int
    checksum: str
    compiled: CompiledRuleSet


class RuleSetRegistry:
    """Loads published versions into the engine and keeps the last good one serving."""

    def __init__(self, engine: RuleEngine) -> None:
        self.engine = engine
        self._active: dict[str, ActiveRuleSet] = {}
        self._failed: dict[str, tuple[int, str]] = {}
        self._lock = threading.Lock()

    def current(self, session: Session | Connection, name: str) -> ActiveRuleSet:
        """The newest published version of `name`, compiled and loaded."""
        newest = session.execute(_NEWEST_VERSION, {"name": name}).scalar_one_or_none()
        return self.serving(session, name, newest)

    def serving(
        self, session: Session | Connection, name: str, newest: int | None
    ) -> ActiveRuleSet:
        """What serves `name` when its newest published version number is `newest`.

        For a caller that read that number itself, in a statement it needed anyway.
        """
        if newest is None:
            raise Unavailable(f"rule set {name!r} has no published version")
        active = self._active.get(name)
        if active is not None and active.version == newest:
            return active
        with self._lock:
            active = self._active.get(name)
            if active is not None and active.version >= newest:
                return active
            if self._failed.get(name, (0, ""))[0] == newest:
                return self._last_good(name)
            versions = RuleSetVersion.__table__.c
            row = session.execute(
                select(versions.name, versions.version, versions.document, versions.checksum)
                .where(versions.name == name, versions.version == newest)
            ).one()
            try:
                self._activate(row)
            except (RuleSetInvalid, EngineLoadError, ValueError) as exc:
                log.error("rule set %s v%s failed to compile; keeping the previous version: %s",
                          name, newest, exc)
                self._failed[name] = (newest, str(exc))
                return self._last_good(name)
            return self._active[name]

    def _activate(self, row: Any) -> None:
        compiled = compiled_version(row.document)
        self.engine.load(row.name, compiled.rules)
        self._active[row.name] = ActiveRuleSet(row.name, row.version, row.checksum, compiled)
        self._failed.pop(row.name, None)

    def _last_good(self, name: str) -> ActiveRuleSet:
        active = self._active.get(name)
        if active is None:
            raise Unavailable(f"rule set {name!r} does not compile: {self._failed[name][1]}")
        return active

    def failures(self) -> dict[str, tuple[int, str]]:
        """Rule sets whose newest version failed to compile: name -> (version, error)."""
        return dict(self._failed)

    def probe(self, compiled: CompiledRuleSet) -> None:
        """Prove a compiled set loads in the real engine, without touching what is served:
        in a child process killed after a few seconds (engine.probe), so a rule set the
        engine chokes on never blocks this worker."""
        probe(compiled.rules)


def compile_document(registry: RuleSetRegistry, document: Any) -> CompiledRuleSet:
    """Validate and compile a document and prove the engine accepts it, or raise Invalid."""
    try:
        compiled = compiled_version(document)
        if edges := edge_errors(compiled.ruleset):
            raise RuleSetInvalid(edges)
        registry.probe(compiled)
    except RuleSetInvalid as exc:
        raise Invalid(str(exc), fields={"rules": [e.to_dict() for e in exc.errors]}) from exc
    except RuleRefused as exc:
        where = RuleError(exc.rule, "when", *FIELD_START,
                          f"the engine cannot load this condition ({exc.reason}); simplify it",
                          "a simpler condition")
        raise Invalid(f"the engine refused the rule set: {exc}",
                      fields={"rules": [where.to_dict()]}) from exc
    except EngineLoadError as exc:
        raise Invalid(f"the engine refused the rule set: {exc}") from exc
    return compiled


def publish(
    session: Session, registry: RuleSetRegistry, document: dict[str, Any], *,
    author: str, approved_by: str | None, note: str | None = None,
) -> RuleSetVersion:
    """Append the next immutable version of a rule set (inside the caller's transaction)."""
    compiled = compile_document(registry, document)
    name = compiled.ruleset.name
    newest = session.scalar(
        select(func.max(RuleSetVersion.version)).where(RuleSetVersion.name == name)
    )
    row = RuleSetVersion(
        name=name, version=(newest or 0) + 1,
        document=copy.deepcopy(dict(compiled.ruleset.document)),  # the cached value stays intact
        checksum=compiled.checksum, author=author, approved_by=approved_by, note=note,
    )
    session.add(row)
    session.flush()
    return row


def shipped_documents(rules_dir: Path) -> list[dict[str, Any]]:
    """The rule set files in rules/ (not their *.cases.json)."""
    return [
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(rules_dir.glob("*.json"))
        if not path.name.endswith(".cases.json")
    ]


def seed_shipped(uow: UnitOfWork, registry: RuleSetRegistry, rules_dir: Path) -> list[str]:
    """On first start each shipped rule set becomes version 1; returns the names seeded."""
    seeded = []
    with uow:
        for document in shipped_documents(rules_dir):
            exists = uow.session.scalar(
                select(RuleSetVersion.id).where(RuleSetVersion.name == document["name"]).limit(1)
            )
            if exists is None:
                publish(uow.session, registry, document, author=SHIPPED_AUTHOR,
                        approved_by=SHIPPED_AUTHOR, note="shipped default")
                seeded.append(document["name"])
        uow.commit()
    return seeded


def version_view(row: RuleSetVersion) -> dict[str, Any]:
    """The contract's body for a published version."""
    return {
        "name": row.name,
        "description": row.document.get("description", ""),
        "rules": row.document.get("rules", []),
        "version": row.version,
        "checksum": row.checksum,
        "published_at": row.published_at,
        "published_by": row.author,
        "approved_by": row.approved_by,
        "note": row.note,
    }


def get_version(session: Session, name: str, version: int | None = None) -> RuleSetVersion:
    """One version (the newest when `version` is None) or NotFound."""
    query = select(RuleSetVersion).where(RuleSetVersion.name == name)
    if version is None:
        query = query.order_by(RuleSetVersion.version.desc()).limit(1)
    else:
        query = query.where(RuleSetVersion.version == version)
    row = session.scalars(query).first()
    if row is None:
        raise NotFound(f"unknown rule set {name!r}" + (f" version {version}" if version else ""))
    return row


def list_versions(session: Session, name: str) -> list[RuleSetVersion]:
    """Every version of a rule set, oldest first."""
    rows = list(session.scalars(
        select(RuleSetVersion).where(RuleSetVersion.name == name)
        .order_by(RuleSetVersion.version)
    ))
    if not rows:
        raise NotFound(f"unknown rule set {name!r}")
    return rows


def newest_versions(session: Session) -> list[RuleSetVersion]:
    """The published (newest) version of every rule set."""
    newest = (
        select(RuleSetVersion.name, func.max(RuleSetVersion.version).label("v"))
        .group_by(RuleSetVersion.name).subquery()
    )
    return list(session.scalars(
        select(RuleSetVersion).join(
            newest, (RuleSetVersion.name == newest.c.name) & (RuleSetVersion.version == newest.c.v)
        ).order_by(RuleSetVersion.name)
    ))
