"""Customers and their credit status (synced from the ERP)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from policy_service.api.auth import DECIDE, READ_CREDIT, WRITE, current_principal, requires
from policy_service.api.context import services
from policy_service.api.json_body import Blueprint
from policy_service.api.schemas import (
    CreditOut,
    CreditQuery,
    CustomerIn,
    CustomerOut,
    CustomerStatusIn,
)
from policy_service.services.credit import customers

blp = Blueprint("customers", __name__, url_prefix="/v1/customers",
                description="Customers and their credit (账期客户)")


@blp.route("/<customer_id>")
class CustomerResource(MethodView):
    @requires(*WRITE)
    @blp.arguments(CustomerIn())
    @blp.response(200, CustomerOut, description="updated")
    @blp.alt_response(201, schema=CustomerOut, description="created")
    def put(self, body: dict[str, Any], customer_id: str) -> Any:
        """Create or update a customer."""
        app = services()
        customer, created = customers.upsert_customer(
            app.uow(), customer_id, customers.CustomerInput(**body), app.today(),
            current_principal().name,
        )
        return customer, 201 if created else 200


@blp.route("/<customer_id>/credit")
@requires(*READ_CREDIT)
@blp.arguments(CreditQuery(), location="query")
@blp.response(200, CreditOut)
def credit(query: dict[str, Any], customer_id: str) -> Any:
    """Limit, exposure, available credit, overdue and aging (``as_of``: the aging of a
    past date, as it was then)."""
    app = services()
    return customers.credit_status(app.uow(), customer_id, app.today(), query.get("as_of"))


@blp.route("/<customer_id>/status", methods=["PUT"])
@requires(*DECIDE)
@blp.arguments(CustomerStatusIn())
@blp.response(200, CustomerOut)
def set_status(body: dict[str, Any], customer_id: str) -> Any:
    """Blacklist, stop supply or reinstate a customer (risk manager), with a reason."""
    return customers.set_status(
        services().uow(), customer_id, body["status"], body["reason"], current_principal().name
    )
