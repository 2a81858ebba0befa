"""Disputes and payment plans (v1 part two): open, resolve, agree, cancel, list."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from policy_service.api.auth import (
    ACT_COLLECTIONS,
    DECIDE,
    READ_COLLECTIONS,
    current_principal,
    requires,
)
from policy_service.api.context import services
from policy_service.api.fields import BusinessDate, MoneyString, id_string, note_string
from policy_service.api.json_body import Blueprint
from policy_service.api.schemas import StrictSchema
from policy_service.domain.collections import Instalment
from policy_service.services.collections import disputes, plans

blp = Blueprint("collections", __name__, url_prefix="/v1",
                description="Disputes, payment plans and promises to pay")

PLAN_STATUSES = ("active", "completed", "broken", "cancelled")


def own_customers() -> str | None:
    """A sales key reads only its own customers (owner = the key's name)."""
    principal = current_principal()
    return principal.name if principal.role == "sales" else None


class DisputeIn(StrictSchema):
    dispute_id = id_string()
    amount = MoneyString(load_default=None, metadata={"description": "default: open principal"})
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    note = note_string(required=False, allow_none=True)


class DisputeResolveIn(StrictSchema):
    in_favour_of = fields.String(required=True,
                                 validate=validate.OneOf(disputes.FAVOUR))
    credit_note_amount = MoneyString(load_default=None,
                                     metadata={"description": "default: the disputed amount"})
    note = note_string()


class DisputeOut(Schema):
    dispute_id = fields.String()
    invoice_id = fields.String()
    customer_id = fields.String()
    amount = MoneyString()
    status = fields.String(metadata={"enum": ["open", "resolved"]})
    reason = fields.String()
    note = fields.String(allow_none=True)
    opened_on = fields.Date()
    opened_by = fields.String()
    resolved_on = fields.Date(allow_none=True)
    resolved_by = fields.String(allow_none=True)
    in_favour_of = fields.String(allow_none=True)
    credit_note_amount = MoneyString(allow_none=True)
    resolution_note = fields.String(allow_none=True)


class DisputesOut(Schema):
    disputes = fields.List(fields.Nested(DisputeOut))


class InstalmentIn(StrictSchema):
    due_date = BusinessDate(required=True)
    amount = MoneyString(required=True)


class PlanIn(StrictSchema):
    plan_id = id_string()
    invoice_ids = fields.List(id_string(), required=True,
                              validate=validate.Length(min=1, max=100))
    instalments = fields.List(fields.Nested(InstalmentIn), required=True,
                              validate=validate.Length(min=1, max=120))
    note = note_string(required=False, allow_none=True)


class CancelIn(StrictSchema):
    note = note_string()


class InstalmentOut(Schema):
    due_date = fields.Date()
    amount = MoneyString()
    paid = MoneyString()
    status = fields.String(metadata={"enum": ["due", "paid", "missed"]})


class PlanOut(Schema):
    plan_id = fields.String()
    customer_id = fields.String()
    status = fields.String(metadata={"enum": list(PLAN_STATUSES)})
    invoice_ids = fields.List(fields.String())
    total = MoneyString()
    instalments = fields.List(fields.Nested(InstalmentOut))
    agreed_on = fields.Date()
    agreed_by = fields.String()
    note = fields.String(allow_none=True)
    ended_on = fields.Date(allow_none=True)
    ended_by = fields.String(allow_none=True)
    end_note = fields.String(allow_none=True)
    ruleset_version = fields.Integer(allow_none=True,
                                     metadata={"description": "the escalation version that "
                                               "broke the plan"})


class PlansOut(Schema):
    payment_plans = fields.List(fields.Nested(PlanOut))


@blp.route("/invoices/<invoice_id>/disputes", methods=["POST"])
@requires(*ACT_COLLECTIONS)
@blp.arguments(DisputeIn())
@blp.response(201, DisputeOut, description="opened")
@blp.alt_response(200, schema=DisputeOut, description="the same dispute sent again")
def open_dispute(body: dict[str, Any], invoice_id: str) -> Any:
    """Open a dispute on an invoice, whole or in part (amount at most the open principal)."""
    app = services()
    view, created = disputes.open_dispute(
        app.uow(), disputes.DisputeInput(invoice_id=invoice_id, **body),
        current_principal().name, app.today())
    return view, 201 if created else 200


@blp.route("/disputes/<dispute_id>/resolve", methods=["POST"])
@requires(*DECIDE)
@blp.arguments(DisputeResolveIn())
@blp.response(200, DisputeOut)
def resolve_dispute(body: dict[str, Any], dispute_id: str) -> Any:
    """Resolve: for the customer a credit note reduces the invoice; for the company it closes."""
    app = services()
    return disputes.resolve_dispute(app.uow(), app.rulesets, dispute_id,
                                    disputes.Resolution(**body), current_principal().name,
                                    app.today())


@blp.route("/customers/<customer_id>/disputes")
@requires(*READ_COLLECTIONS)
@blp.response(200, DisputesOut)
def list_disputes(customer_id: str) -> Any:
    """The customer's disputes, newest first."""
    return disputes.list_disputes(services().uow(), customer_id, own_customers())


@blp.route("/customers/<customer_id>/payment-plans", methods=["POST"])
@requires(*DECIDE)
@blp.arguments(PlanIn())
@blp.response(201, PlanOut, description="agreed")
@blp.alt_response(200, schema=PlanOut, description="the same plan sent again")
def agree_plan(body: dict[str, Any], customer_id: str) -> Any:
    """Agree a plan: instalments that add up to what the invoices owe now."""
    app = services()
    data = plans.PlanInput(body["plan_id"], tuple(body["invoice_ids"]),
                           tuple(Instalment(i["due_date"], i["amount"])
                                 for i in body["instalments"]), body.get("note"))
    view, created = plans.agree_plan(app.uow(), app.rulesets, customer_id, data,
                                     current_principal().name, app.today())
    return view, 201 if created else 200


@blp.route("/customers/<customer_id>/payment-plans")
@requires(*READ_COLLECTIONS)
@blp.response(200, PlansOut)
def list_plans(customer_id: str) -> Any:
    """The customer's payment plans, newest first."""
    app = services()
    return plans.list_plans(app.uow(), customer_id, app.today(), own_customers())


@blp.route("/payment-plans/<plan_id>")
@requires(*READ_COLLECTIONS)
@blp.response(200, PlanOut)
def get_plan(plan_id: str) -> Any:
    """A payment plan with its instalments settled in date order."""
    app = services()
    return plans.get_plan(app.uow(), plan_id, app.today(), own_customers())


@blp.route("/payment-plans/<plan_id>/cancel", methods=["POST"])
@requires(*DECIDE)
@blp.arguments(CancelIn())
@blp.response(200, PlanOut)
def cancel_plan(body: dict[str, Any], plan_id: str) -> Any:
    """Cancel an active plan with a note."""
    app = services()
    return plans.cancel_plan(app.uow(), plan_id, body["note"], current_principal().name,
                             app.today())
