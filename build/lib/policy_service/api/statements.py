"""Statements of account (对账单): JSON, CSV or PDF, and sending one by email (v1)."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from marshmallow import Schema, fields

from policy_service.api.auth import DECIDE, READ_CANDIDATES, current_principal, requires
from policy_service.api.context import services
from policy_service.api.fields import BusinessDate, MoneyString
from policy_service.api.json_body import Blueprint
from policy_service.api.schemas import StrictSchema
from policy_service.domain.codes import AGING_BUCKETS, STATEMENT_LINE_TYPES
from policy_service.services.receivables import statement, statement_pdf, statement_send

blp = Blueprint("statements", __name__, url_prefix="/v1/customers",
                description="Statements of account (对账单)")

MEDIA = ["application/json", "text/csv", "application/pdf"]


class PeriodIn(StrictSchema):
    start = BusinessDate(required=True, data_key="from", metadata={"description": "YYYY-MM-DD"})
    end = BusinessDate(required=True, data_key="to", metadata={"description": "YYYY-MM-DD"})


class PeriodQuery(PeriodIn):
    pass


class TextOut(Schema):
    zh = fields.String()
    en = fields.String()


class LineOut(Schema):
    date = fields.String(metadata={"format": "date"})
    type = fields.String(metadata={"enum": list(STATEMENT_LINE_TYPES)})
    ref = fields.String()
    description = fields.Nested(TextOut)
    debit = MoneyString()
    credit = MoneyString()
    balance = MoneyString()


class StatementOut(Schema):
    customer_id = fields.String()
    name = fields.String()
    currency = fields.String()
    start = fields.String(data_key="from", attribute="from", metadata={"format": "date"})
    end = fields.String(data_key="to", attribute="to", metadata={"format": "date"})
    opening_balance = MoneyString()
    closing_balance = MoneyString()
    total_debit = MoneyString()
    total_credit = MoneyString()
    lines = fields.List(fields.Nested(LineOut))
    aging = fields.Dict(keys=fields.String(metadata={"enum": list(AGING_BUCKETS)}),
                        values=MoneyString())


class SentOut(Schema):
    message_id = fields.Integer()
    status = fields.String()
    channel = fields.String()
    recipient = fields.String()
    attachment = fields.String()
    queued_by = fields.String()
    start = fields.String(data_key="from", attribute="from", metadata={"format": "date"})
    end = fields.String(data_key="to", attribute="to", metadata={"format": "date"})


def _period(customer_id: str, query: dict[str, Any]) -> statement.Period:
    """The period asked for; a sales key reads only its own customers' statements."""
    principal = current_principal()
    return statement.Period(customer_id, query["start"], query["end"],
                            services().settings.timezone,
                            principal.name if principal.role == "sales" else None)


@blp.route("/<customer_id>/statement")
@requires(*READ_CANDIDATES)
@blp.arguments(PeriodQuery(), location="query")
@blp.response(200, StatementOut, description="the statement; with Accept: text/csv its lines "
              "as CSV (a header row, then one row per line), with Accept: application/pdf a "
              "printable PDF in Chinese and English")
def get_statement(query: dict[str, Any], customer_id: str) -> Any:
    """Every invoice, payment, penalty (by month), waiver, write-off and recovery of a period."""
    document = statement.statement(services().uow(), _period(customer_id, query))
    wanted = request.accept_mimetypes.best_match(MEDIA)
    name = f"statement-{customer_id}-{document['from']}-{document['to']}"
    if wanted == "text/csv":
        return Response(statement.statement_csv(document), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="{name}.csv"'})
    if wanted == "application/pdf":
        return Response(statement_pdf.render(document), mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="{name}.pdf"'})
    return document


@blp.route("/<customer_id>/statement/send", methods=["POST"])
@requires(*DECIDE)
@blp.arguments(PeriodIn())
@blp.response(202, SentOut, description="queued: an email with the PDF attached")
def send_statement(body: dict[str, Any], customer_id: str) -> Any:
    """Email the statement to the customer (through the outbox), the PDF attached."""
    return statement_send.send_statement(services().uow(), _period(customer_id, body),
                                         current_principal().name), 202
