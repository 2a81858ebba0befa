"""A customer's own invoices and payments, newest first (GET /v1/customers/{id}/...)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from policy_service.db.models import Customer, Invoice, Payment
from policy_service.domain.codes import INVOICE_STATUSES
from policy_service.services.errors import NotFound
from policy_service.services.receivables.classes import receivable_classifier
from policy_service.services.receivables.ledger import invoice_view
from policy_service.services.rules.registry import RuleSetRegistry
from policy_service.services.unit_of_work import UnitOfWork

LIST_STATUSES = (*INVOICE_STATUSES, "all")
DEFAULT_LIMIT = 200


def customer_invoices(uow: UnitOfWork, registry: RuleSetRegistry, customer_id: str,
                      today: date, status: str = "all", limit: int = DEFAULT_LIMIT
                      ) -> dict[str, Any]:
    """``{"invoices": [...]}``: the customer's invoices of ``status``, newest issue first."""
    with uow:
        _require_customer(uow, customer_id)
        query = select(Invoice).where(Invoice.customer_id == customer_id)
        if status != "all":
            query = query.where(Invoice.status == status)
        rows = uow.session.scalars(query.order_by(Invoice.issue_date.desc(),
                                                  Invoice.id.desc()).limit(limit)).all()
        classify = receivable_classifier(registry, uow.session)
        return {"invoices": [invoice_view(invoice, today, classify) for invoice in rows]}


def customer_payments(uow: UnitOfWork, customer_id: str, limit: int = DEFAULT_LIMIT
                      ) -> dict[str, Any]:
    """``{"payments": [...]}``: payments on the customer's invoices, newest value date first."""
    with uow:
        _require_customer(uow, customer_id)
        rows = uow.session.scalars(
            select(Payment).join(Invoice, Invoice.id == Payment.invoice_id)
            .where(Invoice.customer_id == customer_id)
            .order_by(Payment.paid_at.desc(), Payment.created_at.desc(), Payment.id.desc())
            .limit(limit)).all()
        return {"payments": list(rows)}


def _require_customer(uow: UnitOfWork, customer_id: str) -> None:
    if uow.session.get(Customer, customer_id) is None:
        raise NotFound(f"unknown customer {customer_id!r}")
