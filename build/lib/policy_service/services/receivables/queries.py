"""Read models of receivables for the admin: overdue trend, stop-supply, legal cases, invoices."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from policy_service.db.models import Customer, Invoice, Payment
from policy_service.db.models_collections import CreditNote
from policy_service.db.models_receivables import DunningStep, InvoiceAdjustment, LegalCase
from policy_service.domain.account_facts import unpaid_penalty
from policy_service.domain.aging import Classifier
from policy_service.domain.money import in_currency
from policy_service.services.paging import paged
from policy_service.services.receivables.ledger import invoice_view
from policy_service.services.receivables.stop_supply import set_by_escalation

ZERO = Decimal("0.00")


def overdue_principal(session: Session, day: date) -> dict[str, Decimal]:
    """Per currency, unpaid principal past its due date at the end of ``day`` (written-off
    excluded): never one sum across currencies."""
    paid = (select(Payment.invoice_id, func.sum(Payment.principal_part).label("paid"))
            .where(Payment.paid_at <= day).group_by(Payment.invoice_id).subquery())
    credited = (select(CreditNote.invoice_id, func.sum(CreditNote.amount).label("credited"))
                .where(CreditNote.issued_on <= day).group_by(CreditNote.invoice_id).subquery())
    unpaid = (Invoice.amount - func.coalesce(paid.c.paid, 0)
              - func.coalesce(credited.c.credited, 0))
    return {currency: in_currency(total, currency) for currency, total in session.execute(
        select(Invoice.currency, func.sum(case((unpaid > 0, unpaid), else_=0)))
        .select_from(Invoice).outerjoin(paid, paid.c.invoice_id == Invoice.id)
        .outerjoin(credited, credited.c.invoice_id == Invoice.id)
        .where(Invoice.status != "written_off", Invoice.issue_date <= day,
               Invoice.due_date < day).group_by(Invoice.currency))}


def overdue_trend(session: Session, today: date, weeks: int = 12
                  ) -> dict[str, list[tuple[date, Decimal]]]:
    """Per currency, overdue principal at the end of each of the last ``weeks`` weeks."""
    days = [today - timedelta(days=7 * week) for week in range(weeks - 1, -1, -1)]
    by_day = [(day, overdue_principal(session, day)) for day in days]
    currencies = sorted({c for _day, amounts in by_day for c in amounts})
    return {c: [(day, amounts.get(c, ZERO)) for day, amounts in by_day] for c in currencies}


def open_legal_cases_by_currency(session: Session) -> dict[str, int]:
    """Open legal cases, counted per currency of the customer."""
    return {currency: int(number) for currency, number in session.execute(
        select(Customer.currency, func.count()).select_from(LegalCase)
        .join(Customer, Customer.id == LegalCase.customer_id)
        .where(LegalCase.status == "open").group_by(Customer.currency))}


def overdue_causes(session: Session, customer_ids: Sequence[str],
                   today: date) -> dict[str, dict[str, Any]]:
    """Per customer: the oldest overdue open invoice (id, due, days, outstanding) and totals."""
    causes: dict[str, dict[str, Any]] = {}
    if not customer_ids:
        return causes
    invoices = session.scalars(select(Invoice).where(
        Invoice.customer_id.in_(customer_ids), Invoice.status == "open",
        Invoice.due_date < today).order_by(Invoice.due_date, Invoice.id))
    for invoice in invoices:
        cause = causes.get(invoice.customer_id)
        if cause is None:
            cause = causes[invoice.customer_id] = {
                "invoice_id": invoice.id, "due_date": invoice.due_date,
                "days": (today - invoice.due_date).days, "amount": invoice.outstanding,
                "overdue_total": ZERO, "overdue_count": 0}
        cause["overdue_total"] += invoice.outstanding
        cause["overdue_count"] += 1
    return causes


def stopped_customers(session: Session, today: date, page: int, size: int
                      ) -> tuple[list[dict[str, Any]], int]:
    """One page of customers whose supply is stopped, each with its oldest overdue invoice."""
    rows, pages = paged(session, select(Customer).where(
        Customer.status == "stop_supply").order_by(Customer.id), page, size)
    customers = [row[0] for row in rows]
    causes = overdue_causes(session, [c.id for c in customers], today)
    return [{"customer_id": c.id, "name": c.name, "currency": c.currency,
             "tier": c.tier_code, "reason": c.status_reason or "",
             "lifts_by_itself": set_by_escalation(c),
             "cause": causes.get(c.id)} for c in customers], pages


def legal_case_queue(session: Session, today: date, status: str, page: int, size: int
                     ) -> tuple[list[dict[str, Any]], int]:
    """One page of legal cases, open first, newest first (``status`` narrows when given)."""
    query = (select(LegalCase, Invoice, Customer.name)
             .join(Invoice, Invoice.id == LegalCase.invoice_id)
             .join(Customer, Customer.id == LegalCase.customer_id, isouter=True)
             .order_by((LegalCase.status != "open"), LegalCase.opened_on.desc(),
                       LegalCase.id.desc()))
    if status:
        query = query.where(LegalCase.status == status)
    rows, pages = paged(session, query, page, size)
    return [{"case_id": legal.id, "status": legal.status, "opened_on": legal.opened_on,
             "amount": legal.amount, "customer_id": legal.customer_id,
             "customer_name": name or "", "invoice_id": invoice.id,
             "currency": invoice.currency, "due_date": invoice.due_date,
             "days": max((today - invoice.due_date).days, 0)
             if invoice.status == "open" else None,
             "outstanding": invoice.outstanding, "invoice_status": invoice.status,
             "outcome": legal.outcome, "closed_on": legal.closed_on}
            for legal, invoice, name in rows], pages


def overdue_invoices(session: Session, classify: Classifier, today: date, customer_id: str,
                     page: int, size: int) -> tuple[list[dict[str, Any]], int]:
    """One page of open invoices past due, oldest first (of one customer when given)."""
    query = (select(Invoice, Customer.name)
             .join(Customer, Customer.id == Invoice.customer_id)
             .where(Invoice.status == "open", Invoice.due_date < today)
             .order_by(Invoice.due_date, Invoice.id))
    if customer_id:
        query = query.where(Invoice.customer_id == customer_id)
    rows, pages = paged(session, query, page, size)
    return [{**invoice_view(invoice, today, classify), "customer_name": name,
             "unpaid_penalty": unpaid_penalty(invoice)} for invoice, name in rows], pages


@dataclass(frozen=True)
class InvoiceDetail:
    """One invoice as its detail page shows it: figures, adjustments, credit notes, steps,
    legal case."""

    invoice: dict[str, Any]
    adjustments: list[InvoiceAdjustment]
    steps: list[DunningStep]
    case: LegalCase | None
    credit_notes: list[CreditNote]


def invoice_detail(session: Session, classify: Classifier, invoice_id: str, today: date
                   ) -> InvoiceDetail | None:
    """An invoice's amounts, penalty, adjustments, credit notes, dunning steps and legal
    case, or None."""
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        return None
    customer = session.get(Customer, invoice.customer_id)
    shown = {**invoice_view(invoice, today, classify),
             "unpaid_penalty": unpaid_penalty(invoice),
             "penalty_paid": invoice.penalty_paid,
             "principal_paid": invoice.principal_paid,
             "customer_name": customer.name if customer else "",
             "customer_status": customer.status if customer else ""}
    adjusted = list(session.scalars(select(InvoiceAdjustment).where(
        InvoiceAdjustment.invoice_id == invoice_id).order_by(InvoiceAdjustment.id)))
    steps = list(session.scalars(select(DunningStep).where(
        DunningStep.invoice_id == invoice_id).order_by(DunningStep.done_on, DunningStep.id)))
    legal = session.scalars(select(LegalCase).where(
        LegalCase.invoice_id == invoice_id)).one_or_none()
    notes = list(session.scalars(select(CreditNote).where(
        CreditNote.invoice_id == invoice_id).order_by(CreditNote.id)))
    return InvoiceDetail(shown, adjusted, steps, legal, notes)
