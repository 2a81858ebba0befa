"""The rule lifecycle over HTTP: drafts, test, backtest, four-eyes approval, rollback, diff."""

from __future__ import annotations

from typing import Any

from flask import request

from policy_service.api.auth import DECIDE, READ_POLICY, current_principal, requires
from policy_service.api.context import services
from policy_service.api.json_body import Blueprint
from policy_service.api.rule_lifecycle_schemas import (
    BacktestIn,
    BacktestOut,
    CasesIn,
    CasesOut,
    ConflictResolveIn,
    DiffOut,
    DocumentIn,
    DraftCasesIn,
    DraftOut,
    DraftsQuery,
    OptionalNoteIn,
    RebaseOut,
    TestReportOut,
)
from policy_service.api.schemas import NoteIn
from policy_service.services.rules import backtest, diff, drafts, lifecycle, rebase

blp = Blueprint("rule_lifecycle", __name__, url_prefix="/v1/rulesets",
                description="Rule lifecycle: draft, test, backtest, submit, approve, rollback")


def _actor() -> str:
    return current_principal().name


@blp.route("/<name>/drafts", methods=["POST"])
@requires(*DECIDE)
@blp.arguments(DocumentIn())
@blp.response(201, DraftOut)
def create_draft(document: dict[str, Any], name: str) -> Any:
    """Save a draft of the published version; 422 lists every error, located."""
    return lifecycle.create_draft(services().uow(), services().rulesets, name, document, _actor())


@blp.route("/<name>/drafts", methods=["GET"])
@requires(*READ_POLICY)
@blp.arguments(DraftsQuery(), location="query")
@blp.response(200, DraftOut(many=True))
def list_drafts(query: dict[str, Any], name: str) -> Any:
    """The drafts of a rule set, newest first (?status=submitted…)."""
    return lifecycle.list_drafts(services().uow(), name, query.get("status"))


@blp.route("/<name>/drafts/<int:draft_id>", methods=["GET"])
@requires(*READ_POLICY)
@blp.response(200, DraftOut)
def get_draft(name: str, draft_id: int) -> Any:
    """A draft with its document and history."""
    return lifecycle.get_draft(services().uow(), name, draft_id)


@blp.route("/<name>/drafts/<int:draft_id>", methods=["PUT", "PATCH"])
@requires(*DECIDE)
@blp.arguments(DocumentIn())
@blp.response(200, DraftOut)
def edit_draft(document: dict[str, Any], name: str, draft_id: int) -> Any:
    """The author edits a draft (PUT replaces, PATCH merges top-level keys); revalidated."""
    return lifecycle.update_draft(services().uow(), services().rulesets, name, draft_id, document,
                                  _actor(),
                                  partial=request.method == "PATCH")


@blp.route("/<name>/drafts/<int:draft_id>/test", methods=["POST"])
@requires(*DECIDE)
@blp.arguments(CasesIn(), required=False)
@blp.response(200, TestReportOut)
def test_draft(body: dict[str, Any] | None, name: str, draft_id: int) -> Any:
    """Run the rule set's test cases (and any in the body) against the draft."""
    return backtest.test_draft(services().uow(), services().settings.rules_dir, name, draft_id,
                               _actor(), (body or {}).get("cases"))


@blp.route("/<name>/drafts/<int:draft_id>/backtest", methods=["POST"])
@requires(*DECIDE)
@blp.arguments(BacktestIn(), required=False)
@blp.response(200, BacktestOut)
def backtest_draft(body: dict[str, Any] | None, name: str, draft_id: int) -> Any:
    """Replay recent decisions' inputs through the published version and the draft."""
    limit = (body or {}).get("limit", backtest.DEFAULT_LIMIT)
    return backtest.backtest_draft(services().uow(), name, draft_id, _actor(), limit)


@blp.route("/<name>/drafts/<int:draft_id>/submit", methods=["POST"])
@requires(*DECIDE)
@blp.arguments(OptionalNoteIn(), required=False)
@blp.response(200, DraftOut)
def submit_draft(body: dict[str, Any] | None, name: str, draft_id: int) -> Any:
    """The author submits the draft; it is immutable from now on."""
    return lifecycle.submit_draft(services().uow(), services().settings.rules_dir, name,
                                  draft_id, _actor(), (body or {}).get("note"))


@blp.route("/<name>/drafts/<int:draft_id>/approve", methods=["POST"])
@requires(*DECIDE)
@blp.arguments(OptionalNoteIn(), required=False)
@blp.response(200, DraftOut)
def approve_draft(body: dict[str, Any] | None, name: str, draft_id: int) -> Any:
    """Another risk manager approves: the next published version (409 if stale)."""
    return lifecycle.approve_draft(services().uow(), services().rulesets,
                                   services().settings.rules_dir, name, draft_id, _actor(),
                                   (body or {}).get("note"))


@blp.route("/<name>/drafts/<int:draft_id>/reject", methods=["POST"])
@requires(*DECIDE)
@blp.arguments(NoteIn())
@blp.response(200, DraftOut)
def reject_draft(body: dict[str, Any], name: str, draft_id: int) -> Any:
    """Another risk manager rejects a submitted draft with a note."""
    return lifecycle.reject_draft(services().uow(), name, draft_id, _actor(), body["note"])


@blp.route("/<name>/drafts/<int:draft_id>/rebase", methods=["POST"])
@requires(*DECIDE)
@blp.response(200, RebaseOut)
def rebase_draft(name: str, draft_id: int) -> Any:
    """Three-way merge of the published version into the author's draft; conflicts listed."""
    return rebase.rebase_draft(services().uow(), services().rulesets, name, draft_id, _actor())


@blp.route("/<name>/drafts/<int:draft_id>/resolve", methods=["POST"])
@requires(*DECIDE)
@blp.arguments(ConflictResolveIn())
@blp.response(200, RebaseOut)
def resolve_conflict(body: dict[str, Any], name: str, draft_id: int) -> Any:
    """The author settles one rebase conflict; the last one moves the draft's base."""
    return rebase.resolve_conflict(services().uow(), services().rulesets, name, draft_id,
                                   _actor(), body["key"], body["take"])


@blp.route("/<name>/drafts/<int:draft_id>/cases", methods=["GET"])
@requires(*READ_POLICY)
@blp.response(200, CasesOut)
def get_cases(name: str, draft_id: int) -> Any:
    """The test cases the draft is judged by: its own, or the shipped ones."""
    return drafts.get_cases(services().uow(), services().settings.rules_dir, name, draft_id)


@blp.route("/<name>/drafts/<int:draft_id>/cases", methods=["PUT"])
@requires(*DECIDE)
@blp.arguments(DraftCasesIn())
@blp.response(200, DraftOut)
def put_cases(body: dict[str, Any], name: str, draft_id: int) -> Any:
    """The author gives the draft its own cases (null: back to the shipped ones)."""
    return drafts.set_cases(services().uow(), name, draft_id, _actor(), body["cases"])


@blp.route("/<name>/drafts/<int:draft_id>/discard", methods=["POST"])
@requires(*DECIDE)
@blp.arguments(OptionalNoteIn(), required=False)
@blp.response(200, DraftOut)
def discard_draft(body: dict[str, Any] | None, name: str, draft_id: int) -> Any:
    """The author drops an open draft; it stays in the history as discarded."""
    return drafts.discard_draft(services().uow(), name, draft_id, _actor(),
                                (body or {}).get("note"))


@blp.route("/<name>/versions/<int:version>/rollback", methods=["POST"])
@requires(*DECIDE)
@blp.arguments(NoteIn())
@blp.response(201, DraftOut)
def rollback(body: dict[str, Any], name: str, version: int) -> Any:
    """A rollback draft with version n's document; publishing it makes a new version."""
    return lifecycle.rollback_version(services().uow(), services().rulesets, name, version,
                                      _actor(), body["note"])


@blp.route("/<name>/versions/<int:version>/diff/<int:other>", methods=["GET"])
@requires(*READ_POLICY)
@blp.response(200, DiffOut)
def diff_versions(name: str, version: int, other: int) -> Any:
    """What changed from version n to version m, rule by rule."""
    return diff.diff_versions(services().uow(), name, version, other)


@blp.route("/<name>/drafts/<int:draft_id>/diff", methods=["GET"])
@requires(*READ_POLICY)
@blp.response(200, DiffOut)
def diff_draft(name: str, draft_id: int) -> Any:
    """What the draft changes against the published version, rule by rule."""
    return diff.diff_draft(services().uow(), name, draft_id)
