"""Published rule sets and their history (read side)."""

from __future__ import annotations

from typing import Any

from policy_service.api.auth import READ_POLICY, requires
from policy_service.api.context import services
from policy_service.api.json_body import Blueprint
from policy_service.api.schemas import RuleSetSummaryOut, RuleSetVersionOut
from policy_service.services.rules import registry

blp = Blueprint("rulesets", __name__, url_prefix="/v1/rulesets",
                description="Rule sets: policy as data, versioned")


@blp.route("")
@requires(*READ_POLICY)
@blp.response(200, RuleSetSummaryOut(many=True))
def list_rulesets() -> Any:
    """Each rule set with its published version."""
    with services().uow() as uow:
        return [registry.version_view(row) for row in registry.newest_versions(uow.session)]


@blp.route("/<name>")
@requires(*READ_POLICY)
@blp.response(200, RuleSetVersionOut)
def published(name: str) -> Any:
    """The published document with version, checksum and who published and approved it."""
    with services().uow() as uow:
        return registry.version_view(registry.get_version(uow.session, name))


@blp.route("/<name>/versions")
@requires(*READ_POLICY)
@blp.response(200, RuleSetVersionOut(many=True))
def versions(name: str) -> Any:
    """Every version, oldest first."""
    with services().uow() as uow:
        return [registry.version_view(row) for row in registry.list_versions(uow.session, name)]


@blp.route("/<name>/versions/<int:version>")
@requires(*READ_POLICY)
@blp.response(200, RuleSetVersionOut)
def version(name: str, version: int) -> Any:
    """One version."""
    with services().uow() as uow:
        return registry.version_view(registry.get_version(uow.session, name, version))
