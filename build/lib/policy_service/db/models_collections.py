"""Tables of collections: disputes, credit notes, payment plans and their instalments, contacts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from policy_service.db.models import Base, JSONType
from policy_service.db.types import utcnow


class Dispute(Base):
    """A customer's dispute of an invoice, whole or in part (争议); resolved, never deleted."""

    __tablename__ = "disputes"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id"), index=True)
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    amount: Mapped[Decimal]
    reason: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | resolved
    opened_on: Mapped[date]
    opened_by: Mapped[str] = mapped_column(String(100))
    request_hash: Mapped[str] = mapped_column(String(64))
    resolved_on: Mapped[date | None]
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    in_favour_of: Mapped[str | None] = mapped_column(String(20))
    credit_note_amount: Mapped[Decimal | None]
    resolution_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CreditNote(Base):
    """A credit note (贷项通知单) against an invoice: append-only; the invoice keeps its amount.

    Issued when a dispute is resolved in the customer's favour; ``Invoice.credited`` is the
    running total of an invoice's notes (domain.outstanding), ``issued_on`` the business
    date it counts from (statements, aging and KPIs as of a date).
    """

    __tablename__ = "credit_notes"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id"), index=True)
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    dispute_id: Mapped[str | None] = mapped_column(ForeignKey("disputes.id"), unique=True)
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(Text)
    issued_on: Mapped[date]
    issued_by: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class PaymentPlan(Base):
    """A payment plan or promise to pay (分期付款, 付款承诺) over one or more invoices."""

    __tablename__ = "payment_plans"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    invoice_ids: Mapped[list[Any]] = mapped_column(JSONType)
    total: Mapped[Decimal]  # the invoices' outstanding when agreed
    status: Mapped[str] = mapped_column(String(20), default="active")
    agreed_on: Mapped[date]
    agreed_by: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    request_hash: Mapped[str] = mapped_column(String(64))
    ended_on: Mapped[date | None]  # completed, broken or cancelled on
    ended_by: Mapped[str | None] = mapped_column(String(100))
    end_note: Mapped[str | None] = mapped_column(Text)
    ruleset_version: Mapped[int | None]  # the escalation version that broke it
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    instalments: Mapped[list[PlanInstalment]] = relationship(
        order_by="PlanInstalment.seq", lazy="selectin")


class PlanInstalment(Base):
    """One dated instalment of a plan."""

    __tablename__ = "plan_instalments"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("payment_plans.id"), index=True)
    seq: Mapped[int]
    due_date: Mapped[date]
    amount: Mapped[Decimal]

    __table_args__ = (UniqueConstraint("plan_id", "seq", name="uq_plan_instalments_plan_seq"),)


class Contact(Base):
    """A call, visit, email or note with a customer (催收记录): who, when, what came of it."""

    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    outcome: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(100))
    on: Mapped[date]
    plan_id: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
