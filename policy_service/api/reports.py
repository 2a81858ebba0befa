"""Early-warning alerts and collection KPIs (v1)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from policy_service.api.auth import READ_CANDIDATES, current_principal, requires
from policy_service.api.context import services
from policy_service.api.json_body import Blueprint
from policy_service.api.schemas import StrictSchema
from policy_service.api.statements import TextOut
from policy_service.domain.codes import ALERT_LEVELS, ALERT_STATUSES
from policy_service.services.day import alert_queries

blp = Blueprint("reports", __name__, url_prefix="/v1",
                description="Early warning (预警) and KPIs (考核)")


def owner_filter(asked: str | None) -> str | None:
    """The owner to filter by: a sales key sees only its own customers, whatever it asks."""
    principal = current_principal()
    return principal.name if principal.role == "sales" else asked


class AlertsQuery(StrictSchema):
    status = fields.String(validate=validate.OneOf(ALERT_STATUSES))
    owner = fields.String(validate=validate.Length(min=1, max=100),
                          metadata={"description": "the account owner (sales: always itself)"})
    level = fields.String(validate=validate.OneOf(ALERT_LEVELS))


class AlertOut(Schema):
    alert_id = fields.Integer()
    customer_id = fields.String()
    customer_name = fields.String()
    owner = fields.String(allow_none=True)
    rule = fields.String()
    level = fields.String(metadata={"enum": list(ALERT_LEVELS)})
    code = fields.String()
    message = fields.Nested(TextOut)
    status = fields.String(metadata={"enum": list(ALERT_STATUSES)})
    opened_on = fields.Date()
    closed_on = fields.Date(allow_none=True)
    ruleset_version = fields.Integer(metadata={"description": "the early_warning version"})


class AlertsOut(Schema):
    alerts = fields.List(fields.Nested(AlertOut))


@blp.route("/alerts")
@requires(*READ_CANDIDATES)
@blp.arguments(AlertsQuery(), location="query")
@blp.response(200, AlertsOut)
def alerts(query: dict[str, Any]) -> Any:
    """Early-warning alerts, newest first (sales: own customers)."""
    return alert_queries.list_alerts(services().uow(), query.get("status"),
                                     owner_filter(query.get("owner")), query.get("level"))
