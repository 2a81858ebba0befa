"""Request and response schemas of the rule lifecycle endpoints."""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields, validate

from policy_service.api.fields import note_string
from policy_service.api.schemas import StrictSchema
from policy_service.services.rules import backtest, cases, rebase


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
    own_cases = fields.Boolean()
    rebase_to = fields.Integer(allow_none=True)
    conflicts = fields.List(fields.Dict())
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
    taken = fields.List(fields.String(), metadata={
        "description": "items taken from the published side: rule:NAME, description"})
    conflicts = fields.List(fields.Dict(), metadata={
        "description": "[{key, rule?, base, ours, theirs, fields?}] left for the author"})
    diff = fields.Nested(DiffOut)


class ConflictResolveIn(StrictSchema):
    key = fields.String(required=True, validate=validate.Length(min=1, max=200),
                        metadata={"description": "a conflict's key: rule:NAME or description"})
    take = fields.String(required=True, validate=validate.OneOf(rebase.TAKES))


class DraftCasesIn(StrictSchema):
    cases = fields.List(fields.Dict(), required=True, allow_none=True,
                        validate=validate.Length(max=cases.MAX_CASES),
                        metadata={"description": "[{note, facts, expect}], or null"})


class CasesOut(Schema):
    draft_id = fields.Integer()
    source = fields.String(metadata={"description": '"draft" or the shipped cases file'})
    cases = fields.List(fields.Dict())


class TestReportOut(Schema):
    draft_id = fields.Integer()
    source = fields.String()
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
    customers = fields.List(fields.String(), metadata={
        "description": "the customers with at least one decision that changes"})
    customer_names = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "those customers' names by id"})
    examples = fields.List(fields.Dict(), metadata={
        "description": "[{decision_id, order_id, customer_id, customer_name, from, to, "
                       "reasons_from, reasons_to, conditions_from, conditions_to}]"})
