"""Request and response schemas of the v1 contract (they also make /openapi.json)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from policy_service.api.fields import BusinessDate, Currency, MoneyString, id_string
from policy_service.domain.codes import CUSTOMER_STATUSES


class StrictSchema(Schema):
    """Unknown fields are an error; people misspell field names."""


class CustomerIn(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    tier = fields.String(required=True, validate=validate.Length(min=1, max=8))
    credit_limit = MoneyString(required=True, allow_zero=True)
    currency = Currency(required=True)
    payment_term_days = fields.Integer(validate=validate.Range(min=0, max=3650), allow_none=True)
    owner = fields.String(allow_none=True, validate=validate.Length(max=100))
    email = fields.Email(allow_none=True)
    phone = fields.String(allow_none=True, validate=validate.Length(max=50))
    collateral_amount = MoneyString(allow_zero=True)


class CustomerOut(Schema):
    customer_id = fields.String(attribute="id")
    name = fields.String()
    tier = fields.String(attribute="tier_code")
    credit_limit = MoneyString()
    currency = fields.String()
    payment_term_days = fields.Integer(allow_none=True)
    owner = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    collateral_amount = MoneyString()
    status = fields.String()
    next_review_date = fields.Date()


class CustomerStatusIn(StrictSchema):
    status = fields.String(required=True, validate=validate.OneOf(CUSTOMER_STATUSES))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class ExposureOut(Schema):
    open_receivables = MoneyString()
    reserved_orders = MoneyString()
    total = MoneyString()


class OverdueOut(Schema):
    amount = MoneyString()
    oldest_days_past_due = fields.Integer()


class AgingOut(Schema):
    not_due = MoneyString()
    d1_30 = MoneyString(data_key="1-30", attribute="1-30")
    d31_60 = MoneyString(data_key="31-60", attribute="31-60")
    d61_90 = MoneyString(data_key="61-90", attribute="61-90")
    d91 = MoneyString(data_key="91+", attribute="91+")


class CreditQuery(Schema):
    as_of = BusinessDate(load_default=None,
                         metadata={"description": "YYYY-MM-DD: the aging as of that date; "
                                   "default today"})


class CreditOut(Schema):
    customer_id = fields.String()
    tier = fields.String()
    status = fields.String()
    currency = fields.String()
    credit_limit = MoneyString()
    collateral_amount = MoneyString()
    exposure = fields.Nested(ExposureOut)
    available = MoneyString()
    overdue = fields.Nested(OverdueOut)
    aging = fields.Nested(AgingOut)
    aging_as_of = fields.Date(metadata={"description": "the date the aging is as of"})
    next_review_date = fields.Date()
    open_alerts = fields.Integer(metadata={"description": "open early-warning alerts"})
    disputed_amount = MoneyString(metadata={"description": "under open dispute (in exposure)"})
    active_plans = fields.Integer(metadata={"description": "active payment plans"})


class InvoiceIn(StrictSchema):
    invoice_id = id_string()
    customer_id = id_string()
    amount = MoneyString(required=True)
    currency = Currency(required=True)
    issue_date = BusinessDate(required=True)
    due_date = BusinessDate(allow_none=True)
    order_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=64))


class InvoiceOut(Schema):
    invoice_id = fields.String()
    customer_id = fields.String()
    order_id = fields.String(allow_none=True)
    amount = MoneyString()
    credited = MoneyString()
    currency = fields.String()
    issue_date = fields.Date()
    due_date = fields.Date()
    paid = MoneyString()
    penalty_accrued = MoneyString()
    penalty_waived = MoneyString()
    outstanding = MoneyString()
    days_past_due = fields.Integer()
    receivable_class = fields.String(data_key="class", attribute="class")
    status = fields.String()


class PaymentIn(StrictSchema):
    payment_id = id_string()
    invoice_id = id_string()
    amount = MoneyString(required=True)
    currency = Currency(required=True)
    paid_at = BusinessDate(required=True)


class PaymentOut(Schema):
    payment_id = fields.String(attribute="id")
    invoice_id = fields.String()
    amount = MoneyString()
    currency = fields.String()
    paid_at = fields.Date()
    principal_part = MoneyString()
    penalty_part = MoneyString()


class CreditCheckIn(StrictSchema):
    order_id = id_string()
    customer_id = id_string()
    amount = MoneyString(required=True)
    currency = Currency(required=True)
    requested_term_days = fields.Integer(validate=validate.Range(min=0, max=3650), allow_none=True)


class MessageOut(Schema):
    zh = fields.String()
    en = fields.String()


class ReasonOut(Schema):
    rule = fields.String()
    code = fields.String()
    message = fields.Nested(MessageOut)


class ConditionOut(Schema):
    class Meta:
        unknown = EXCLUDE

    type = fields.String()
    percent = fields.String()
    amount = MoneyString()


class RemedyOut(Schema):
    type = fields.String(metadata={"enum": ["reduce_amount", "prepay", "pay_overdue",
                                            "complete_review", "resolve_status",
                                            "shorten_term"]})
    amount = MoneyString()
    max_amount = MoneyString()
    invoice_ids = fields.List(fields.String())
    status = fields.String()
    max_term_days = fields.Integer()
    rules = fields.List(fields.String())
    message = fields.Nested(MessageOut)


class RuleSetRefOut(Schema):
    name = fields.String()
    version = fields.Integer()
    checksum = fields.String()


class HistoryEventOut(Schema):
    action = fields.String()
    status = fields.String()
    reserved = MoneyString()
    actor = fields.String()
    note = fields.String(allow_none=True)
    at = fields.DateTime()


class CreditCheckOut(Schema):
    decision_id = fields.String()
    order_id = fields.String()
    customer_id = fields.String()
    amount = MoneyString()
    currency = fields.String()
    outcome = fields.String()
    decided_outcome = fields.String()
    conditions = fields.List(fields.Nested(ConditionOut))
    reasons = fields.List(fields.Nested(ReasonOut))
    remedies = fields.List(fields.Nested(RemedyOut))
    ruleset = fields.Nested(RuleSetRefOut)
    exposure_before = MoneyString()
    reserved = MoneyString()
    available_after = MoneyString()
    decided_at = fields.DateTime()
    status = fields.String()
    explanation = fields.List(fields.Dict())
    history = fields.List(fields.Nested(HistoryEventOut))


class NoteIn(StrictSchema):
    note = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class OrderCancelIn(StrictSchema):
    note = fields.String(validate=validate.Length(max=2000))


class RuleSetSummaryOut(Schema):
    name = fields.String()
    version = fields.Integer()
    checksum = fields.String()
    published_at = fields.DateTime()


class RuleSetVersionOut(Schema):
    name = fields.String()
    description = fields.String()
    rules = fields.List(fields.Dict())
    version = fields.Integer()
    checksum = fields.String()
    published_at = fields.DateTime()
    published_by = fields.String()
    approved_by = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
