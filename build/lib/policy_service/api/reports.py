"""Early-warning alerts and collection KPIs (v1)."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from marshmallow import Schema, fields, validate

from policy_service.api.auth import READ_CANDIDATES, current_principal, requires
from policy_service.api.context import services
from policy_service.api.fields import BusinessDate
from policy_service.api.json_body import Blueprint
from policy_service.api.schemas import StrictSchema
from policy_service.api.statements import TextOut
from policy_service.domain.codes import ALERT_LEVELS, ALERT_STATUSES
from policy_service.services.day import alert_queries
from policy_service.services.receivables import kpis

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


class KpiQuery(StrictSchema):
    as_of = BusinessDate(load_default=None, metadata={"description": "YYYY-MM-DD; default today"})
    period_days = fields.Integer(load_default=90, validate=validate.Range(
        min=1, max=kpis.MAX_PERIOD_DAYS), metadata={"description": "the period is "
                                                    "(as_of - period_days, as_of]"})


class FiguresOut(Schema):
    dso = fields.String(allow_none=True, metadata={"description": "days, 2 places; null "
                                                   "without credit sales"})
    cei = fields.String(allow_none=True, metadata={"description": "percent, 2 places"})
    overdue_ratio = fields.String(metadata={"description": "0-1, 4 places"})
    avg_days_late = fields.String(metadata={"description": "amount-weighted, 2 places"})
    collected = fields.String()
    written_off = fields.String()
    receivables = fields.String(metadata={"description": "open principal at as_of"})
    credit_sales = fields.String()


class KpisOut(Schema):
    as_of = fields.String(metadata={"format": "date"})
    period_days = fields.Integer()
    overall = fields.Dict(keys=fields.String(), values=fields.Nested(FiguresOut))
    by_owner = fields.Dict(keys=fields.String(), values=fields.Dict(
        keys=fields.String(), values=fields.Nested(FiguresOut)))


@blp.route("/reports/kpis")
@requires(*READ_CANDIDATES)
@blp.arguments(KpiQuery(), location="query")
@blp.response(200, KpisOut, description="with Accept: text/csv one row per owner and currency "
              "(owner * for the overall rows)")
def kpi_report(query: dict[str, Any]) -> Any:
    """DSO, CEI, overdue ratio, weighted days late, collected and written off (sales: own)."""
    app = services()
    document = kpis.kpis(app.uow(), query.get("as_of") or app.today(), query["period_days"],
                         app.settings.timezone, owner_filter(None))
    if request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv":
        return Response(kpis.kpis_csv(document), mimetype="text/csv")
    return document
