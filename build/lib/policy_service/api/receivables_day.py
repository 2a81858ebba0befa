"""Dunning history, credit reviews, blacklist candidates, waivers, write-offs, aging (v1)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, request
from marshmallow import Schema, fields, validate

from policy_service.api.auth import (
    DECIDE,
    READ_CANDIDATES,
    READ_POLICY,
    current_principal,
    requires,
)
from policy_service.api.context import services
from policy_service.api.fields import BusinessDate, MoneyString, note_string
from policy_service.api.json_body import Blueprint
from policy_service.api.schemas import InvoiceOut, StrictSchema
from policy_service.services.day import candidates, reviews
from policy_service.services.receivables import adjustments, aging_report

blp = Blueprint("receivables_day", __name__, url_prefix="/v1",
                description="Dunning, reviews, waivers, write-offs and aging")


class DecisionNoteIn(StrictSchema):
    note = note_string()


class WaiveIn(StrictSchema):
    note = note_string()
    amount = MoneyString(load_default=None, metadata={"description": "default: all unpaid"})


class AgingQuery(Schema):
    as_of = BusinessDate(load_default=None, metadata={"description": "YYYY-MM-DD; default today"})


class StepOut(Schema):
    invoice_id = fields.String()
    step = fields.String()
    rule = fields.String()
    channel = fields.String()
    on = fields.Date()
    message_sent = fields.Boolean()
    actions = fields.List(fields.String())
    ruleset_version = fields.Integer(metadata={"description": "the escalation version"})


class DunningOut(Schema):
    steps = fields.List(fields.Nested(StepOut))


class IndicatorsOut(Schema):
    on_time_rate = fields.String()
    max_days_late = fields.Integer()
    overdue_amount = MoneyString()
    utilization = fields.String()
    oldest_overdue_days = fields.Integer()
    invoice_count = fields.Integer()


class LimitTierOut(Schema):
    action = fields.String()
    credit_limit = MoneyString()
    tier = fields.String()


class ReviewOut(Schema):
    review_id = fields.Integer()
    review_date = fields.Date()
    as_of = fields.Date()
    indicators = fields.Nested(IndicatorsOut)
    proposal = fields.Nested(LimitTierOut)
    current = fields.Nested(LimitTierOut)
    reason = fields.Dict(keys=fields.String(), values=fields.String())
    status = fields.String()
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    note = fields.String(allow_none=True)
    ruleset = fields.Dict()
    ruleset_version = fields.Integer(metadata={"description": "the limit_review version"})


class ReviewsOut(Schema):
    reviews = fields.List(fields.Nested(ReviewOut))


class CandidatesQuery(StrictSchema):
    status = fields.String(validate=validate.OneOf(tuple(candidates.STORED_STATUS)))


class CandidateOut(Schema):
    candidate_id = fields.Integer()
    customer_id = fields.String()
    flagged_on = fields.Date()
    late_invoices = fields.Integer()
    status = fields.String(metadata={"enum": list(candidates.STORED_STATUS)})


class CandidatesOut(Schema):
    blacklist_candidates = fields.List(fields.Nested(CandidateOut))


@blp.route("/customers/<customer_id>/dunning")
@requires(*READ_POLICY)
@blp.response(200, DunningOut)
def dunning(customer_id: str) -> Any:
    """Dunning steps done for the customer's invoices, oldest first (one entry per channel)."""
    return adjustments.dunning_history(services().uow(), customer_id)


@blp.route("/customers/<customer_id>/reviews")
@requires(*READ_POLICY)
@blp.response(200, ReviewsOut)
def list_reviews(customer_id: str) -> Any:
    """Periodic credit reviews with indicators, proposal and status."""
    return reviews.list_reviews(services().uow(), customer_id)


def _decide(customer_id: str, review_id: int, body: dict[str, Any], approve: bool) -> Any:
    return reviews.decide(services().uow(), customer_id, review_id, approve=approve,
                          actor=current_principal().name, note=body["note"])


@blp.route("/customers/<customer_id>/reviews/<int:review_id>/approve", methods=["POST"])
@requires(*DECIDE)
@blp.arguments(DecisionNoteIn())
@blp.response(200, ReviewOut)
def approve_review(body: dict[str, Any], customer_id: str, review_id: int) -> Any:
    """Approve a pending review: its proposed limit and tier are applied to the customer."""
    return _decide(customer_id, review_id, body, True)


@blp.route("/customers/<customer_id>/reviews/<int:review_id>/reject", methods=["POST"])
@requires(*DECIDE)
@blp.arguments(DecisionNoteIn())
@blp.response(200, ReviewOut)
def reject_review(body: dict[str, Any], customer_id: str, review_id: int) -> Any:
    """Reject a pending review: the customer stays as it is."""
    return _decide(customer_id, review_id, body, False)


@blp.route("/blacklist-candidates")
@requires(*READ_CANDIDATES)
@blp.arguments(CandidatesQuery(), location="query")
@blp.response(200, CandidatesOut)
def blacklist_candidates(query: dict[str, Any]) -> Any:
    """Customers the daily run flagged as repeatedly late, newest first (sales: own customers)."""
    principal = current_principal()
    owner = principal.name if principal.role == "sales" else None
    return candidates.list_candidates(services().uow(), query.get("status"), owner)


@blp.route("/invoices/<invoice_id>/waive-penalty", methods=["POST"])
@requires(*DECIDE)
@blp.arguments(WaiveIn())
@blp.response(200, InvoiceOut)
def waive_penalty(body: dict[str, Any], invoice_id: str) -> Any:
    """Waive the invoice's unpaid penalty (all, or ``amount``), with a note."""
    app = services()
    return adjustments.waive_penalty(app.uow(), app.rulesets, invoice_id, body.get("amount"),
                                     body["note"], current_principal().name, app.today())


@blp.route("/invoices/<invoice_id>/write-off", methods=["POST"])
@requires(*DECIDE)
@blp.arguments(DecisionNoteIn())
@blp.response(200, InvoiceOut)
def write_off(body: dict[str, Any], invoice_id: str) -> Any:
    """Write off an open invoice, with a note."""
    app = services()
    return adjustments.write_off(app.uow(), app.rulesets, invoice_id, body["note"],
                                 current_principal().name, app.today())


@blp.route("/reports/aging")
@requires(*READ_POLICY)
@blp.arguments(AgingQuery(), location="query")
@blp.response(200, description="totals per bucket and class with provisions; "
              "with Accept: text/csv one row per customer")
def aging(query: dict[str, Any]) -> Any:
    """Aging report as of a date (default today); a past date shows what was true then:
    invoices issued, payments value-dated, penalty accrued, waivers and write-offs made
    by that date."""
    app = services()
    as_of: date = query.get("as_of") or app.today()
    if request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv":
        return Response(aging_report.aging_csv(app.uow(), app.rulesets, as_of, app.today()),
                        mimetype="text/csv")
    return aging_report.aging_report(app.uow(), app.rulesets, as_of, app.today())
