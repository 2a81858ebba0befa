"""Tables of the receivables day: accruals, corrections, dunning, outbox, reviews, cases, runs."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from policy_service.db.models import Base, JSONType
from policy_service.db.types import utcnow


class PenaltyAccrual(Base):
    """One day's late interest of one invoice (unique per invoice per day)."""

    __tablename__ = "penalty_accruals"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id"))
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    day: Mapped[date]
    base: Mapped[Decimal]
    amount: Mapped[Decimal]
    ruleset_version: Mapped[int]
    rule: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        UniqueConstraint("invoice_id", "day", name="uq_penalty_accruals_invoice_day"),
    )


class PenaltyCorrection(Base):
    """Penalty of one accrued day reversed by a payment with an earlier value date (append-only).

    The day's penalty is its accrual less its corrections; ``amount`` is what was taken off.
    """

    __tablename__ = "penalty_corrections"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id"), index=True)
    customer_id: Mapped[str] = mapped_column(String(64))
    day: Mapped[date]
    amount: Mapped[Decimal]
    payment_id: Mapped[str] = mapped_column(String(64))
    recorded_on: Mapped[date]
    at: Mapped[datetime] = mapped_column(default=utcnow)


class DunningStep(Base):
    """A dunning/escalation step done for an invoice (unique per invoice and step rule)."""

    __tablename__ = "dunning_steps"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id"))
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    rule: Mapped[str] = mapped_column(String(64))
    step: Mapped[str] = mapped_column(String(40))
    channels: Mapped[list[Any]] = mapped_column(JSONType)
    actions: Mapped[list[Any]] = mapped_column(JSONType)
    done_on: Mapped[date]
    message_sent: Mapped[bool]
    ruleset_version: Mapped[int]

    __table_args__ = (UniqueConstraint("invoice_id", "rule", name="uq_dunning_steps_invoice_rule"),)


class OutboxMessage(Base):
    """A message to send (email, sms, letter, task); keeps status, attempts and the last error."""

    __tablename__ = "outbox_messages"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    invoice_id: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(10))
    recipient: Mapped[str | None] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body_zh: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending|sent|failed
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_outbox_messages_status_next", "status", "next_attempt_at"),)


class CreditReview(Base):
    """A periodic credit review: indicators, a proposal and the risk manager's decision."""

    __tablename__ = "credit_reviews"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    review_date: Mapped[date]
    as_of: Mapped[date]
    indicators: Mapped[dict[str, Any]] = mapped_column(JSONType)
    action: Mapped[str] = mapped_column(String(10))
    rule: Mapped[str] = mapped_column(String(64))
    reason: Mapped[dict[str, Any]] = mapped_column(JSONType)
    current_limit: Mapped[Decimal]
    current_tier: Mapped[str] = mapped_column(String(8))
    proposed_limit: Mapped[Decimal]
    proposed_tier: Mapped[str] = mapped_column(String(8))
    ruleset_version: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default="pending")
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("customer_id", "review_date", name="uq_credit_reviews_customer_date"),
    )


class LegalCase(Base):
    """A legal case for the risk manager (法律手段), one per invoice."""

    __tablename__ = "legal_cases"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id"), unique=True)
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    opened_on: Mapped[date]
    amount: Mapped[Decimal]
    status: Mapped[str] = mapped_column(String(20), default="open")
    ruleset_version: Mapped[int | None]  # the escalation version that opened it
    outcome: Mapped[str | None] = mapped_column(String(20))
    closed_on: Mapped[date | None]
    closed_by: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)


class BlacklistCandidate(Base):
    """A customer flagged for a risk manager: many invoices far too late within a year."""

    __tablename__ = "blacklist_candidates"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    flagged_on: Mapped[date]
    late_invoices: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default="pending")
    evidence: Mapped[list[str]] = mapped_column(JSONType, default=list)  # late invoice ids

    # One flag per customer and day; a dismissed one may be followed by a new one.
    __table_args__ = (UniqueConstraint("customer_id", "flagged_on",
                                       name="uq_blacklist_candidates_customer_day"),)


class InvoiceAdjustment(Base):
    """A risk manager's waiver of penalty or write-off of an invoice: who, how much, why."""

    __tablename__ = "invoice_adjustments"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # waive_penalty | write_off
    amount: Mapped[Decimal]
    actor: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    business_date: Mapped[date | None]  # the business day it was made (aging as of a date)


class AgingSnapshot(Base):
    """A customer's aging (open amount per bucket) as of a run's date."""

    __tablename__ = "aging_snapshots"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(String(64))
    as_of: Mapped[date]
    buckets: Mapped[dict[str, Any]] = mapped_column(JSONType)
    provision: Mapped[Decimal]

    __table_args__ = (
        UniqueConstraint("customer_id", "as_of", name="uq_aging_snapshots_customer_as_of"),
    )


class DailyRun(Base):
    """One run of `policy-service daily` (one shard of it): as-of date, outcome and counts."""

    __tablename__ = "daily_runs"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    as_of: Mapped[date] = mapped_column(index=True)
    shard: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))  # running | finished
    counts: Mapped[dict[str, Any]] = mapped_column(JSONType)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
