"""A customer's own invoices and payments, newest first (v1 part two)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from policy_service.api.auth import READ_CREDIT, requires
from policy_service.api.context import services
from policy_service.api.json_body import Blueprint
from policy_service.api.schemas import InvoiceOut, PaymentOut
from policy_service.services.receivables import customer_lists

blp = Blueprint("customer_lists", __name__, url_prefix="/v1/customers",
                description="A customer's invoices and payments")

LIMIT = fields.Integer(load_default=customer_lists.DEFAULT_LIMIT,
                       validate=validate.Range(min=1, max=1000),
                       metadata={"description": "at most this many, newest first"})


class InvoicesQuery(Schema):
    status = fields.String(load_default="all", validate=validate.OneOf(
        customer_lists.LIST_STATUSES))
    limit = LIMIT


class PaymentsQuery(Schema):
    limit = LIMIT


class InvoicesOut(Schema):
    invoices = fields.List(fields.Nested(InvoiceOut), required=True)


class PaymentsOut(Schema):
    payments = fields.List(fields.Nested(PaymentOut), required=True)


@blp.route("/<customer_id>/invoices")
@requires(*READ_CREDIT)
@blp.arguments(InvoicesQuery(), location="query")
@blp.response(200, InvoicesOut)
def invoices(query: dict[str, Any], customer_id: str) -> Any:
    """The customer's invoices (open, paid, written off or all), newest issue date first."""
    app = services()
    return customer_lists.customer_invoices(app.uow(), app.rulesets, customer_id, app.today(),
                                            query["status"], query["limit"])


@blp.route("/<customer_id>/payments")
@requires(*READ_CREDIT)
@blp.arguments(PaymentsQuery(), location="query")
@blp.response(200, PaymentsOut)
def payments(query: dict[str, Any], customer_id: str) -> Any:
    """Payments on the customer's invoices, newest value date first."""
    return customer_lists.customer_payments(services().uow(), customer_id, query["limit"])
