"""Contacts with customers and the collections worklist (v1 part two)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from policy_service.api.auth import ACT_COLLECTIONS, READ_COLLECTIONS, current_principal, requires
from policy_service.api.collections import own_customers
from policy_service.api.context import services
from policy_service.api.fields import BusinessDate, MoneyString, id_string
from policy_service.api.json_body import Blueprint
from policy_service.api.schemas import StrictSchema
from policy_service.services.collections import contacts, queries
from policy_service.services.errors import Forbidden

blp = Blueprint("worklist", __name__, url_prefix="/v1",
                description="Contacts and the collections worklist")


class PromiseIn(StrictSchema):
    due_date = BusinessDate(required=True)
    amount = MoneyString(required=True)
    invoice_ids = fields.List(id_string(), required=True, validate=validate.Length(min=1, max=100))


class ContactIn(StrictSchema):
    channel = fields.String(required=True, validate=validate.OneOf(contacts.CHANNELS))
    outcome = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    note = fields.String(required=True, validate=validate.Length(max=2000))
    promise = fields.Nested(PromiseIn, load_default=None, allow_none=True)


class ContactOut(Schema):
    contact_id = fields.Integer()
    customer_id = fields.String()
    channel = fields.String(metadata={"enum": list(contacts.CHANNELS)})
    outcome = fields.String()
    note = fields.String()
    by = fields.String()
    on = fields.Date()
    at = fields.DateTime()
    plan_id = fields.String(allow_none=True,
                            metadata={"description": "the plan a promise to pay created"})


class ContactsOut(Schema):
    contacts = fields.List(fields.Nested(ContactOut))


class WorklistQuery(StrictSchema):
    owner = fields.String(validate=validate.Length(min=1, max=100))


class NextStepOut(Schema):
    step = fields.String()
    on = fields.Date()


class LastContactOut(Schema):
    on = fields.Date()
    channel = fields.String()
    outcome = fields.String()
    by = fields.String()


class ItemOut(Schema):
    customer_id = fields.String()
    name = fields.String()
    owner = fields.String(allow_none=True)
    currency = fields.String()
    priority = MoneyString(metadata={"description": "Σ outstanding × days past due"})
    overdue_amount = MoneyString()
    oldest_days = fields.Integer()
    next_step = fields.Nested(NextStepOut, allow_none=True)
    open_disputes = fields.Integer()
    active_plan = fields.String(allow_none=True)
    broken_plans_365d = fields.Integer()
    last_contact = fields.Nested(LastContactOut, allow_none=True)


class WorklistOut(Schema):
    items = fields.List(fields.Nested(ItemOut))


@blp.route("/customers/<customer_id>/contacts", methods=["POST"])
@requires(*ACT_COLLECTIONS)
@blp.arguments(ContactIn())
@blp.response(201, ContactOut, description="logged")
def log_contact(body: dict[str, Any], customer_id: str) -> Any:
    """Log a call, visit, email or note; a promise to pay becomes a one-instalment plan."""
    app = services()
    promise = body.get("promise")
    data = contacts.ContactInput(
        body["channel"], body["outcome"], body["note"],
        None if promise is None else contacts.Promise(
            promise["due_date"], promise["amount"], tuple(promise["invoice_ids"])))
    return contacts.log_contact(app.uow(), app.rulesets, customer_id, data,
                                current_principal().name, app.today(), own_customers()), 201


@blp.route("/customers/<customer_id>/contacts")
@requires(*READ_COLLECTIONS)
@blp.response(200, ContactsOut)
def list_contacts(customer_id: str) -> Any:
    """The customer's contacts, newest first."""
    return contacts.list_contacts(services().uow(), customer_id, own_customers())


@blp.route("/worklist")
@requires(*READ_COLLECTIONS)
@blp.arguments(WorklistQuery(), location="query")
@blp.response(200, WorklistOut)
def worklist(query: dict[str, Any]) -> Any:
    """Customers with something overdue: broken plans first, then by priority."""
    app = services()
    owner = query.get("owner")
    own = own_customers()
    if own is not None:
        if owner not in (None, own):
            raise Forbidden(f"a sales key sees its own customers only ({own})")
        owner = own
    return queries.worklist(app.uow(), app.rulesets, app.today(), owner)
