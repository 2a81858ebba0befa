"""Disputes (争议): open on an invoice, whole or in part; resolve for the customer or the company.

Opening is idempotent on ``dispute_id``. Resolving in the customer's favour issues a
credit note (a ``CreditNote`` row: who, when, amount, dispute, reason) that lowers the
invoice's open principal through ``Invoice.credited`` (domain.outstanding); the invoice
keeps the amount it was issued with, and penalty already accrued stays.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from policy_service.db.models import Invoice
from policy_service.db.models_collections import CreditNote, Dispute
from policy_service.domain.outstanding import open_principal
from policy_service.services.credit.customers import get_customer, lock_customer
from policy_service.services.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    require_currency_digits,
)
from policy_service.services.fingerprint import fingerprint
from policy_service.services.receivables.stop_supply import lift_if_cleared
from policy_service.services.rules.registry import RuleSetRegistry
from policy_service.services.unit_of_work import UnitOfWork

FAVOUR = ("customer", "company")


@dataclass(frozen=True)
class DisputeInput:
    """POST /v1/invoices/{invoice_id}/disputes."""

    dispute_id: str
    invoice_id: str
    reason: str
    amount: Decimal | None = None
    note: str | None = None


@dataclass(frozen=True)
class Resolution:
    """POST /v1/disputes/{dispute_id}/resolve."""

    in_favour_of: str
    note: str
    credit_note_amount: Decimal | None = None


def dispute_view(d: Dispute) -> dict[str, Any]:
    """The contract's dispute body."""
    return {"dispute_id": d.id, "invoice_id": d.invoice_id, "customer_id": d.customer_id,
            "amount": d.amount, "status": d.status, "reason": d.reason, "note": d.note,
            "opened_on": d.opened_on, "opened_by": d.opened_by, "resolved_on": d.resolved_on,
            "resolved_by": d.resolved_by, "in_favour_of": d.in_favour_of,
            "credit_note_amount": d.credit_note_amount, "resolution_note": d.resolution_note}


def open_dispute(uow: UnitOfWork, data: DisputeInput, actor: str, today: date
                 ) -> tuple[dict[str, Any], bool]:
    """Open a dispute; returns (dispute, created). Same id and body again: the same dispute."""
    request_hash = fingerprint(asdict(data))
    with uow:
        session = uow.session
        invoice = session.get(Invoice, data.invoice_id)
        if invoice is None:
            raise NotFound(f"unknown invoice {data.invoice_id!r}")
        lock_customer(uow, invoice.customer_id)
        session.refresh(invoice)
        existing = session.get(Dispute, data.dispute_id)
        if existing is not None:
            if existing.request_hash != request_hash:
                raise Conflict(f"dispute_id {data.dispute_id!r} was already used with a "
                               "different body", fields={"dispute_id": ["reused"]})
            return dispute_view(existing), False
        if invoice.status != "open":
            raise Conflict(f"invoice {invoice.id} is {invoice.status}; only an open invoice "
                           "can be disputed")
        if session.scalar(select(Dispute.id).where(Dispute.invoice_id == invoice.id,
                                                   Dispute.status == "open")) is not None:
            raise Conflict(f"invoice {invoice.id} already has an open dispute",
                           fields={"invoice_id": ["already disputed"]})
        unpaid = open_principal(invoice)
        amount = unpaid if data.amount is None else data.amount
        require_currency_digits(invoice.currency, amount=amount)
        if amount <= 0 or amount > unpaid:
            raise Invalid(f"disputed amount {amount} must be more than 0 and at most the open "
                          f"principal {unpaid}",
                          fields={"amount": [f"at most {unpaid}"]})
        dispute = Dispute(id=data.dispute_id, invoice_id=invoice.id,
                          customer_id=invoice.customer_id, amount=amount, reason=data.reason,
                          note=data.note, status="open", opened_on=today, opened_by=actor,
                          request_hash=request_hash)
        session.add(dispute)
        session.flush()
        uow.commit()
        return dispute_view(dispute), True


def resolve_dispute(uow: UnitOfWork, registry: RuleSetRegistry, dispute_id: str,
                    data: Resolution, actor: str, today: date) -> dict[str, Any]:
    """Resolve an open dispute; in the customer's favour a credit note reduces the invoice."""
    if data.in_favour_of not in FAVOUR:
        raise Invalid(f"in_favour_of must be one of {', '.join(FAVOUR)}",
                      fields={"in_favour_of": [" | ".join(FAVOUR)]})
    with uow:
        session = uow.session
        dispute = session.get(Dispute, dispute_id)
        if dispute is None:
            raise NotFound(f"unknown dispute {dispute_id!r}")
        customer = lock_customer(uow, dispute.customer_id)
        session.refresh(dispute)
        if dispute.status != "open":
            raise Conflict(f"dispute {dispute_id} is already {dispute.status}")
        invoice = session.get(Invoice, dispute.invoice_id)
        assert invoice is not None
        credit = None
        if data.in_favour_of == "customer":
            most = min(dispute.amount, open_principal(invoice))
            credit = most if data.credit_note_amount is None else data.credit_note_amount
            require_currency_digits(invoice.currency, credit_note_amount=credit)
            if credit <= 0 or credit > most:
                raise Invalid(f"credit note {credit} must be more than 0 and at most {most}",
                              fields={"credit_note_amount": [f"at most {most}"]})
            invoice.credited += credit
            if invoice.outstanding == 0:
                invoice.status = "paid"
            session.add(CreditNote(invoice_id=invoice.id, customer_id=invoice.customer_id,
                                   dispute_id=dispute.id, amount=credit,
                                   currency=invoice.currency, reason=data.note,
                                   issued_on=today, issued_by=actor))
        elif data.credit_note_amount is not None:
            raise Invalid("a credit note is issued only in the customer's favour",
                          fields={"credit_note_amount": ["only with in_favour_of customer"]})
        dispute.status, dispute.resolved_on, dispute.resolved_by = "resolved", today, actor
        dispute.in_favour_of, dispute.credit_note_amount = data.in_favour_of, credit
        dispute.resolution_note = data.note
        session.flush()
        lift_if_cleared(session, registry, customer, today)
        uow.commit()
        return dispute_view(dispute)


def list_disputes(uow: UnitOfWork, customer_id: str, owner: str | None = None
                  ) -> dict[str, Any]:
    """GET /v1/customers/{id}/disputes, newest first (``owner``: a sales key's own only)."""
    with uow:
        customer = get_customer(uow.session, customer_id)
        if owner is not None and customer.owner != owner:
            raise Forbidden(f"customer {customer_id} is not one of {owner}'s customers")
        found = uow.session.scalars(select(Dispute).where(Dispute.customer_id == customer_id)
                                    .order_by(Dispute.opened_on.desc(), Dispute.id))
        return {"disputes": [dispute_view(d) for d in found]}
