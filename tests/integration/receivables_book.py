"""Helpers for the receivables-day tests: a small book of customers, invoices and payments."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from policy_service.config import SHIPPED_RULES
from policy_service.container import Services
from policy_service.db.models import Customer, Invoice
from policy_service.db.models_receivables import (
    AgingSnapshot,
    BlacklistCandidate,
    CreditReview,
    DunningStep,
    LegalCase,
    OutboxMessage,
    PenaltyAccrual,
)
from policy_service.domain import blacklist, penalty
from policy_service.domain.aging import ReceivableClass, class_facts, class_of
from policy_service.language.document import load_ruleset_file
from policy_service.language.reference import matching_rules
from policy_service.services.credit.customers import CustomerInput, upsert_customer
from policy_service.services.credit.tiers import DEFAULT_TIERS
from policy_service.services.receivables.ledger import (
    InvoiceInput,
    PaymentInput,
    create_invoice,
    record_payment,
)

RULES = SHIPPED_RULES
START = date(2026, 1, 1)
VOLATILE = {"id", "created_at", "updated_at", "next_attempt_at", "decided_at", "sent_at"}


def customer(app: Services, customer_id: str = "C-1", tier: str = "B",
             limit: str = "100000.00", today: date = START, **fields: Any) -> None:
    """Create a customer (its next review date follows from ``today``)."""
    upsert_customer(app.uow(), customer_id, CustomerInput(
        name=f"Customer {customer_id}", tier=tier, credit_limit=Decimal(limit), currency="CNY",
        email=f"{customer_id.lower()}@example.com", phone="+8613800000000", owner="sales-1",
        **fields), today)


def invoice(app: Services, invoice_id: str, amount: str, due: date,
            customer_id: str = "C-1") -> None:
    """An invoice issued 30 days before its due date."""
    create_invoice(app.uow(), InvoiceInput(invoice_id, customer_id, Decimal(amount), "CNY",
                                           due - timedelta(days=30), due), "erp")


def pay(app: Services, payment_id: str, invoice_id: str, amount: str, paid_at: date,
        today: date | None = None, currency: str = "CNY") -> None:
    """A payment value-dated ``paid_at``, recorded ``today`` (default: on its value date)."""
    record_payment(app.uow(), app.rulesets,
                   PaymentInput(payment_id, invoice_id, Decimal(amount), currency, paid_at),
                   today or paid_at)


def shipped_terms(tier: str, amount: str) -> penalty.PenaltyTerms:
    """The penalty terms the shipped overdue_penalty rule set gives an invoice of a tier."""
    ruleset = load_ruleset_file(RULES / "overdue_penalty.json")
    grace = {t.code: t.grace_days for t in DEFAULT_TIERS}[tier]  # the tier row's
    facts = {"invoice": {"amount": Decimal(amount), "unpaid_principal": Decimal(amount),
                         "currency": "CNY"},
             "customer": {"tier": tier, "status": "active", "grace_days": grace}}
    terms = penalty.choose_terms(ruleset, matching_rules(ruleset, facts), facts)
    assert terms is not None
    return terms


def shipped_step_day(rule: str) -> int:
    """The day (relative to due) in a shipped escalation rule's ``when``:
    ``invoice.days_from_due >= N`` (and perhaps a materiality test after it)."""
    when = load_ruleset_file(RULES / "escalation.json").rule(rule).source
    return int(when.split("invoice.days_from_due >=")[1].split()[0])


def shipped_class(days_past_due: int, written_off: bool = False) -> ReceivableClass:
    """The class (and provision) the shipped receivable_classes rule set gives an invoice."""
    ruleset = load_ruleset_file(RULES / "receivable_classes.json")
    return class_of(ruleset, matching_rules(ruleset, class_facts(days_past_due, written_off)))


def shipped_watch() -> tuple[int, blacklist.Watch]:
    """The shipped blacklist_watch rule: days late beyond which an invoice counts
    (its ``when``: ``invoice.days_late > N``), and how many within how many days."""
    ruleset = load_ruleset_file(RULES / "blacklist_watch.json")
    (watch,) = blacklist.watches(ruleset)
    return int(ruleset.rule(watch.rule).source.split(">")[1]), watch


def get_invoice(app: Services, invoice_id: str) -> Invoice:
    """Reload an invoice."""
    with app.uow() as uow:
        found = uow.session.get(Invoice, invoice_id)
        assert found is not None
        return found


def get_customer(app: Services, customer_id: str = "C-1") -> Customer:
    """Reload a customer."""
    with app.uow() as uow:
        found = uow.session.get(Customer, customer_id)
        assert found is not None
        return found


def rows(app: Services, model: Any, **where: Any) -> list[Any]:
    """All rows of a table matching ``where``, by id."""
    with app.uow() as uow:
        query = select(model).filter_by(**where).order_by(model.id)
        return list(uow.session.scalars(query))


def snapshot(app: Services) -> dict[str, list[tuple[Any, ...]]]:
    """Every table the day writes, without ids and timestamps, sorted: for comparing runs."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with app.uow() as uow:
        for model in (Customer, Invoice, PenaltyAccrual, DunningStep, OutboxMessage,
                      CreditReview, LegalCase, BlacklistCandidate, AgingSnapshot):
            columns = [c for c in model.__table__.columns if c.name not in VOLATILE]
            out[model.__tablename__] = sorted(
                tuple(str(v) for v in row) for row in uow.session.execute(select(*columns)))
    return out
