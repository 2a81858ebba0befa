"""Risk managers' adjustments of invoices (waive penalty, write off) and the dunning history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from policy_service.db.models import Invoice
from policy_service.db.models_receivables import DunningStep, InvoiceAdjustment
from policy_service.domain.account_facts import unpaid_penalty
from policy_service.services.credit.customers import get_customer, lock_customer
from policy_service.services.errors import Conflict, Invalid, NotFound
from policy_service.services.receivables.classes import receivable_classifier
from policy_service.services.receivables.ledger import invoice_view
from policy_service.services.receivables.stop_supply import keep_for_write_off, lift_if_cleared
from policy_service.services.rules.registry import RuleSetRegistry
from policy_service.services.unit_of_work import UnitOfWork


def _locked_invoice(uow: UnitOfWork, invoice_id: str) -> tuple[Any, Invoice]:
    invoice = uow.session.get(Invoice, invoice_id)
    if invoice is None:
        raise NotFound(f"unknown invoice {invoice_id!r}")
    customer = lock_customer(uow, invoice.customer_id)
    uow.session.refresh(invoice)
    return customer, invoice


def waive_penalty(uow: UnitOfWork, registry: RuleSetRegistry, invoice_id: str,
                  amount: Decimal | None, note: str, actor: str, today: date) -> dict[str, Any]:
    """Waive all (or ``amount`` of) the unpaid penalty of an invoice, with a note."""
    with uow:
        customer, invoice = _locked_invoice(uow, invoice_id)
        if invoice.status == "written_off":
            raise Conflict(f"invoice {invoice_id} is written off")
        open_penalty = unpaid_penalty(invoice)
        if open_penalty <= 0:
            raise Conflict(f"invoice {invoice_id} has no unpaid penalty to waive",
                           fields={"amount": ["no unpaid penalty"]})
        waived = open_penalty if amount is None else amount
        if waived > open_penalty:
            raise Invalid(f"waiver {waived} exceeds the unpaid penalty {open_penalty}",
                          fields={"amount": [f"at most {open_penalty}"]})
        invoice.penalty_waived += waived
        if invoice.outstanding == 0:
            invoice.status = "paid"
        uow.session.add(InvoiceAdjustment(invoice_id=invoice.id, kind="waive_penalty",
                                          amount=waived, actor=actor, note=note,
                                          business_date=today))
        uow.session.flush()
        lift_if_cleared(uow.session, registry, customer, today)
        classify = receivable_classifier(registry, uow.session)
        uow.commit()
        return invoice_view(invoice, today, classify)


def write_off(uow: UnitOfWork, registry: RuleSetRegistry, invoice_id: str, note: str,
              actor: str, today: date) -> dict[str, Any]:
    """Write off an open invoice (its outstanding amount becomes a 100% provision), with a note.

    An escalation's stop-supply stays, now until a risk manager lifts it.
    """
    with uow:
        customer, invoice = _locked_invoice(uow, invoice_id)
        if invoice.status != "open":
            raise Conflict(f"only an open invoice can be written off; {invoice_id} is "
                           f"{invoice.status}")
        invoice.status = "written_off"
        uow.session.add(InvoiceAdjustment(invoice_id=invoice.id, kind="write_off",
                                          amount=invoice.outstanding, actor=actor, note=note,
                                          business_date=today))
        keep_for_write_off(customer, invoice.id, today, actor)
        uow.session.flush()
        classify = receivable_classifier(registry, uow.session)
        uow.commit()
        return invoice_view(invoice, today, classify)


def dunning_history(uow: UnitOfWork, customer_id: str) -> dict[str, Any]:
    """GET /v1/customers/{id}/dunning: one entry per step and channel, oldest first."""
    with uow:
        get_customer(uow.session, customer_id)
        steps = uow.session.scalars(select(DunningStep).where(
            DunningStep.customer_id == customer_id).order_by(DunningStep.done_on,
                                                             DunningStep.id))
        return {"steps": [
            {"invoice_id": s.invoice_id, "step": s.step, "rule": s.rule, "channel": channel,
             "on": s.done_on, "message_sent": s.message_sent, "actions": s.actions,
             "ruleset_version": s.ruleset_version}
            for s in steps for channel in s.channels]}
