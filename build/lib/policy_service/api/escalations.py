"""What escalation leaves for a risk manager: legal cases to close, stop-supply to lift (v1)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from policy_service.api.auth import DECIDE, READ_CANDIDATES, current_principal, requires
from policy_service.api.context import services
from policy_service.api.fields import MoneyString, note_string
from policy_service.api.json_body import Blueprint
from policy_service.api.schemas import CustomerOut, StrictSchema
from policy_service.domain.codes import LEGAL_CASE_OUTCOMES, LEGAL_CASE_STATUSES
from policy_service.services.receivables import legal_cases, stop_supply

blp = Blueprint("escalations", __name__, url_prefix="/v1",
                description="Legal cases and lifting a stop-supply")


class LegalCasesQuery(StrictSchema):
    status = fields.String(validate=validate.OneOf(LEGAL_CASE_STATUSES))


class CloseCaseIn(StrictSchema):
    outcome = fields.String(required=True, validate=validate.OneOf(LEGAL_CASE_OUTCOMES))
    note = note_string()


class LiftIn(StrictSchema):
    note = note_string()


class LegalCaseOut(Schema):
    case_id = fields.Integer()
    customer_id = fields.String()
    invoice_id = fields.String()
    amount = MoneyString()
    status = fields.String(metadata={"enum": list(LEGAL_CASE_STATUSES)})
    outcome = fields.String(metadata={"enum": list(LEGAL_CASE_OUTCOMES)})
    opened_on = fields.Date()
    closed_on = fields.Date()
    closed_by = fields.String()
    note = fields.String()
    ruleset_version = fields.Integer(allow_none=True,
                                     metadata={"description": "the escalation version"})


class LegalCasesOut(Schema):
    legal_cases = fields.List(fields.Nested(LegalCaseOut))


@blp.route("/legal-cases")
@requires(*READ_CANDIDATES)
@blp.arguments(LegalCasesQuery(), location="query")
@blp.response(200, LegalCasesOut)
def list_legal_cases(query: dict[str, Any]) -> Any:
    """Legal cases the escalation opened, newest first (sales: own customers)."""
    principal = current_principal()
    owner = principal.name if principal.role == "sales" else None
    return legal_cases.list_cases(services().uow(), query.get("status"), owner)


@blp.route("/legal-cases/<int:case_id>/close", methods=["POST"])
@requires(*DECIDE)
@blp.arguments(CloseCaseIn())
@blp.response(200, LegalCaseOut)
def close_legal_case(body: dict[str, Any], case_id: int) -> Any:
    """Close an open legal case with an outcome and a note; a closed case is a 409."""
    app = services()
    return legal_cases.close_case(app.uow(), case_id, body["outcome"], body["note"],
                                  current_principal().name, app.today())


@blp.route("/customers/<customer_id>/lift-stop-supply", methods=["POST"])
@requires(*DECIDE)
@blp.arguments(LiftIn())
@blp.response(200, CustomerOut)
def lift_stop_supply(body: dict[str, Any], customer_id: str) -> Any:
    """Lift a customer's stop-supply (also one a write-off keeps), with a note; 409 if not set."""
    app = services()
    return stop_supply.lift_by_risk_manager(app.uow(), customer_id, body["note"],
                                            current_principal().name, app.today())
