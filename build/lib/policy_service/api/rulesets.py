"""Published rule sets and their history (read side)."""

from __future__ import annotations

from typing import Any

from policy_service.api.auth import READ_POLICY, requires
from policy_service.api.context import services
from policy_service.api.json_body import Blueprint
from policy_service.api.schemas import RuleSetSummaryOut, RuleSetVersionOut
from policy_service.services.rules import queries

blp = Blueprint("rulesets", __name__, url_prefix="/v1/rulesets",
                description="Rule sets: policy as data, versioned")


@blp.route("")
@requires(*READ_POLICY)
@blp.response(200, RuleSetSummaryOut(many=True))
def list_rulesets() -> Any:
    """Each rule set with its published version."""
    return queries.published_rulesets(services().uow())


@blp.route("/<name>")
@requires(*READ_POLICY)
@blp.response(200, RuleSetVersionOut)
def published(name: str) -> Any:
    """The published document with version, checksum and who published and approved it."""
    return queries.ruleset_version(services().uow(), name)


@blp.route("/<name>/versions")
@requires(*READ_POLICY)
@blp.response(200, RuleSetVersionOut(many=True))
def versions(name: str) -> Any:
    """Every version, oldest first."""
    return queries.ruleset_versions(services().uow(), name)


@blp.route("/<name>/versions/<int:version>")
@requires(*READ_POLICY)
@blp.response(200, RuleSetVersionOut)
def version(name: str, version: int) -> Any:
    """One version."""
    return queries.ruleset_version(services().uow(), name, version)
