"""The rule lifecycle over HTTP: drafts, test, backtest, four-eyes approval, rollback, diff."""

from __future__ import annotations

from typing import Any

from flask import request
from marshmallow import INCLUDE, Schema, fields, validate

from policy_service.api.auth import DECIDE, READ_POLICY, current_principal, requires
from policy_service.api.context import services
from policy_service.api.fields import note_string
from policy_service.api.json_body import Blueprint
from policy_service.api.schemas import NoteIn, StrictSchema
from policy_service.services.rules import backtest, diff, lifecycle

blp = Blueprint("rule_lifecycle", __name__, url_prefix="/v1/rulesets",
                description="Rule lifecycle: draft, test, backtest, submit, approve, rollback")


class DocumentIn(Schema):
    """A rule set document; validated by the rule language, which locates every error."""

    class Meta:
        unknown = INCLUDE

    name = fields.Raw(metadata={"description": "must equal the rule set in the path"})
    description = fields.Raw()
    rules = fields.Raw(metadata={"description": "[{name, description, priority, when, then}]"})


class OptionalNoteIn(StrictSchema):
    note = note_string(required=False, allow_none=True)


class CasesIn(StrictSchema):
    cases = fields.List(fields.Raw(), metadata={"description": "[{note, facts, expect}]"})


class BacktestIn(StrictSchema):
    limit = fields.Integer(validate=validate.Range(min=1, max=backtest.MAX_LIMIT))


class DraftsQuery(StrictSchema):
    status = fields.String()


class EventOut(Schema):
    action = fields.String()
    status = fields.String()
    actor = fields.String()
    note = fields.String(allow_none=True)
    at = fields.DateTime()


class DraftOut(Schema):
    draft_id = fields.Integer()
    name = fields.String()
    status = fields.String()
    kind = fields.String()
    base_version = fields.Integer()
    published_version = fields.Integer(allow_none=True)
    stale = fields.Boolean()
    author = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    submitted_at = fields.DateTime(allow_none=True)
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    note = fields.String(allow_none=True)
    result_version = fields.Integer(allow_none=True)
    checksum = fields.String()
    document = fields.Dict()
    history = fields.List(fields.Nested(EventOut))


class DiffOut(Schema):
    name = fields.String()
    from_ = fields.Dict(data_key="from", attribute="from")
    to = fields.Dict()
    description = fields.Dict(allow_none=True)
    added = fields.List(fields.Dict())
    removed = fields.List(fields.Dict())
    changed = fields.List(fields.Dict(), metadata={
        "description": "[{rule, fields: {field: {old, new}}}]"})
    unchanged = fields.List(fields.String())
    identical = fields.Boolean()


class RebaseOut(Schema):
    draft = fields.Nested(DraftOut)
    diff = fields.Nested(DiffOut)


class TestReportOut(Schema):
    draft_id = fields.Integer()
    total = fields.Integer()
    passed = fields.Integer()
    failed = fields.Integer()
    unchecked = fields.Integer(metadata={"description": "cases of kinds with no checker yet"})
    cases = fields.List(fields.Dict(), metadata={
        "description": "[{note, source, passed, expected, actual, failures}]"})


class BacktestOut(Schema):
    draft_id = fields.Integer()
    published_version = fields.Integer()
    limit = fields.Integer()
    replayed = fields.Integer()
    skipped = fields.Integer()
    changed = fields.Integer()
    outcome_changed = fields.Integer()
    by_outcome = fields.Dict(keys=fields.String(), values=fields.Integer())
    examples = fields.List(fields.Dict(), metadata={
        "description": "[{decision_id, order_id, from, to, reasons_from, reasons_to}]"})


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
    return lifecycle.submit_draft(services().uow(), name, draft_id, _actor(),
                                  (body or {}).get("note"))


@blp.route("/<name>/drafts/<int:draft_id>/approve", methods=["POST"])
@requires(*DECIDE)
@blp.arguments(OptionalNoteIn(), required=False)
@blp.response(200, DraftOut)
def approve_draft(body: dict[str, Any] | None, name: str, draft_id: int) -> Any:
    """Another risk manager approves: the next published version (409 if stale)."""
    return lifecycle.approve_draft(services().uow(), services().rulesets, name, draft_id, _actor(),
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
    """The author moves a stale draft onto the published version and sees what it overwrites."""
    return lifecycle.rebase_draft(services().uow(), name, draft_id, _actor())


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
