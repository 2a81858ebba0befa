"""The tables: tiers, customers, receivables, credit checks, rule set versions, keys, users."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from policy_service.db.types import Money, UTCDateTime, utcnow
from policy_service.domain.outstanding import open_principal, outstanding

JSONType = JSON().with_variant(JSONB(), "postgresql")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with stable constraint names for migrations."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: dict[Any, Any] = {Decimal: Money(), datetime: UTCDateTime()}  # noqa: RUF012


def table_of(model: type[Base]) -> Table:
    """The Core table a model is mapped to, typed as one (``__table__`` is any FromClause)."""
    table = model.__table__
    if not isinstance(table, Table):  # pragma: no cover - every model here maps one table
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


class Tier(Base):
    """A credit tier (信用等级) and its defaults."""

    __tablename__ = "tiers"
    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(100))
    name_zh: Mapped[str] = mapped_column(String(100))
    payment_term_days: Mapped[int]
    review_interval_months: Mapped[int]
    grace_days: Mapped[int]
    rank: Mapped[int]  # 1 is best (A); used to move a tier up or down one step

    def __str__(self) -> str:
        """What screens show for a tier (lists, details, the tier choice): its code."""
        return self.code


class Customer(Base):
    """A customer buying on credit terms (客户档案), keyed by the ERP's id."""

    __tablename__ = "customers"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    tier_code: Mapped[str] = mapped_column(ForeignKey("tiers.code"))
    credit_limit: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    payment_term_days: Mapped[int | None]
    owner: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    collateral_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    status: Mapped[str] = mapped_column(String(20), default="active")
    status_reason: Mapped[str | None] = mapped_column(Text)
    next_review_date: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    tier: Mapped[Tier] = relationship(lazy="joined", innerjoin=True)

    def effective_term_days(self) -> int:
        """The customer's own term, else the tier's."""
        return self.payment_term_days if self.payment_term_days is not None else (
            self.tier.payment_term_days
        )


class Invoice(Base):
    """An invoice (应收账款) synced from the ERP."""

    __tablename__ = "invoices"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    order_id: Mapped[str | None] = mapped_column(String(64), index=True)
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    issue_date: Mapped[date]
    due_date: Mapped[date]
    # Σ of the invoice's credit notes (models_collections.CreditNote); amount stays as issued
    credited: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    principal_paid: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    penalty_accrued: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    penalty_waived: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    penalty_paid: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    reservation_consumed: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    status: Mapped[str] = mapped_column(String(20), default="open")  # open|paid|written_off
    request_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_invoices_customer_status", "customer_id", "status"),)

    @hybrid_property
    def outstanding(self) -> Decimal:
        """Unpaid principal plus unpaid, unwaived penalty (on the class: the SQL expression)."""
        owed: Decimal = outstanding(self)
        return owed

    @hybrid_property
    def open_principal(self) -> Decimal:
        """Principal neither paid nor credited (on the class: the SQL expression)."""
        unpaid: Decimal = open_principal(self)
        return unpaid


class Payment(Base):
    """A payment against an invoice; settles penalty after principal."""

    __tablename__ = "payments"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id"), index=True)
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    paid_at: Mapped[date]
    principal_part: Mapped[Decimal]
    penalty_part: Mapped[Decimal]
    request_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CreditCheck(Base):
    """One decision on an order: its inputs, rule set version, matches and outcome.

    The decision columns are written once; only `status` and `reserved_amount`
    (the current state) change, and every change is appended to its events.
    """

    __tablename__ = "credit_checks"
    decision_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    order_id: Mapped[str] = mapped_column(String(64), unique=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    requested_term_days: Mapped[int | None]
    request_hash: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(30))
    conditions: Mapped[list[Any]] = mapped_column(JSONType)
    reasons: Mapped[list[Any]] = mapped_column(JSONType)
    matched_rules: Mapped[list[Any]] = mapped_column(JSONType)
    facts: Mapped[dict[str, Any]] = mapped_column(JSONType)
    explanation: Mapped[list[Any]] = mapped_column(JSONType)
    remedies: Mapped[list[Any]] = mapped_column(JSONType, default=list, server_default="[]")
    ruleset_name: Mapped[str] = mapped_column(String(64))
    ruleset_version: Mapped[int]
    ruleset_checksum: Mapped[str] = mapped_column(String(64))
    exposure_before: Mapped[Decimal]
    available_after: Mapped[Decimal]
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    requested_by: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="open")
    reserved_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))

    events: Mapped[list[CreditCheckEvent]] = relationship(
        order_by="CreditCheckEvent.id", lazy="selectin"
    )

    __table_args__ = (
        Index("ix_credit_checks_customer_status", "customer_id", "status"),
        Index("ix_credit_checks_decided_at", "decided_at"),
    )


class CreditCheckEvent(Base):
    """Append-only history of a credit check: who changed what, when and why."""

    __tablename__ = "credit_check_events"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    decision_id: Mapped[str] = mapped_column(ForeignKey("credit_checks.decision_id"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))
    reserved_amount: Mapped[Decimal]
    actor: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    business_date: Mapped[date | None]  # the business day it happened (None: before 0011)


class RuleSetVersion(Base):
    """An immutable, numbered, published version of a rule set document."""

    __tablename__ = "ruleset_versions"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    document: Mapped[dict[str, Any]] = mapped_column(JSONType)
    checksum: Mapped[str] = mapped_column(String(64))
    author: Mapped[str] = mapped_column(String(100))
    approved_by: Mapped[str | None] = mapped_column(String(100))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("name", "version", name="uq_ruleset_versions_name_version"),)


class ApiKey(Base):
    """An API key for another system; only its SHA-256 is stored."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(30))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class User(Base):
    """An admin-UI login with a hashed password."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(30))
    locale: Mapped[str] = mapped_column(String(10), default="en")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    active: Mapped[bool] = mapped_column(default=True, server_default=true())


# Tables of other areas live in their own modules (models_<area>.py) and are imported
# here, below Base, so that Base.metadata knows every table.
from policy_service.db import models_lifecycle  # noqa: E402, F401

from policy_service.db import models_receivables  # noqa: E402, F401  # isort: skip

from policy_service.db import models_admin  # noqa: E402, F401  # isort: skip

from policy_service.db import models_clock  # noqa: E402, F401  # isort: skip

from policy_service.db import models_reports  # noqa: E402, F401  # isort: skip
from policy_service.db import models_collections  # noqa: E402, F401  # isort: skip
