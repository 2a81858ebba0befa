"""Invoices and payments (synced from the ERP), idempotent on their ids."""

from __future__ import annotations

from typing import Any

from policy_service.api.auth import READ_CREDIT, WRITE, current_principal, requires
from policy_service.api.context import services
from policy_service.api.json_body import Blueprint
from policy_service.api.schemas import InvoiceIn, InvoiceOut, PaymentIn, PaymentOut
from policy_service.services.receivables import ledger
from policy_service.services.receivables.classes import current_classifier

blp = Blueprint("receivables", __name__, url_prefix="/v1", description="Invoices and payments")


@blp.route("/invoices", methods=["POST"])
@requires(*WRITE)
@blp.arguments(InvoiceIn())
@blp.response(201, InvoiceOut, description="created")
@blp.alt_response(200, schema=InvoiceOut, description="the same invoice sent again")
def create_invoice(body: dict[str, Any]) -> Any:
    """Record an invoice; with order_id it consumes that order's reservation."""
    app = services()
    invoice, created = ledger.create_invoice(
        app.uow(), ledger.InvoiceInput(**body), current_principal().name
    )
    classify = current_classifier(app.uow(), app.rulesets)
    return ledger.invoice_view(invoice, app.today(), classify), 201 if created else 200


@blp.route("/invoices/<invoice_id>")
@requires(*READ_CREDIT)
@blp.response(200, InvoiceOut)
def get_invoice(invoice_id: str) -> Any:
    """An invoice with what is paid, accrued and outstanding."""
    app = services()
    return ledger.get_invoice(app.uow(), app.rulesets, invoice_id, app.today())


@blp.route("/payments", methods=["POST"])
@requires(*WRITE)
@blp.arguments(PaymentIn())
@blp.response(201, PaymentOut, description="created")
@blp.alt_response(200, schema=PaymentOut, description="the same payment sent again")
def create_payment(body: dict[str, Any]) -> Any:
    """Apply a payment to an invoice: principal first, then penalty.

    ``paid_at`` is the value date (not before the issue date, not after today): penalty
    accrued after it on the principal it pays is reversed. On a written-off invoice the
    payment is a recovery (201) that reduces the bad debt.
    """
    app = services()
    payment, created = ledger.record_payment(
        app.uow(), app.rulesets, ledger.PaymentInput(**body), app.today()
    )
    return payment, 201 if created else 200
