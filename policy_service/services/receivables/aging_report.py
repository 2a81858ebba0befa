"""The aging report (账龄分析): totals per bucket and class with provisions; CSV per customer."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import select

from policy_service.db.models import Customer, Invoice
from policy_service.domain.aging import BUCKETS, AgingTotals, Classifier
from policy_service.domain.money import to_wire
from policy_service.services.receivables.classes import receivable_classifier
from policy_service.services.rules.registry import RuleSetRegistry
from policy_service.services.spreadsheet import safe_cell
from policy_service.services.unit_of_work import UnitOfWork

CSV_COLUMNS = ("customer_id", "name", "currency", *BUCKETS, "provision")


def _per_customer(uow: UnitOfWork, as_of: date, classify: Classifier
                  ) -> Iterator[tuple[Customer, AgingTotals]]:
    """Open and written-off receivables aged as of a date, customer by customer (streamed).

    Classes and provisions come from ``classify`` (the receivable_classes rule set),
    evaluated once per distinct (days past due, written off).
    """
    query = (select(Invoice, Customer).join(Customer, Customer.id == Invoice.customer_id)
             .where(Invoice.status.in_(("open", "written_off")))
             .order_by(Invoice.customer_id).execution_options(yield_per=2000))
    current: Customer | None = None
    totals = AgingTotals(classify)
    for invoice, customer in uow.session.execute(query):
        if current is not None and customer.id != current.id:
            yield current, totals
            totals = AgingTotals(classify)
        current = customer
        if invoice.outstanding > 0:
            totals.add(invoice.outstanding, (as_of - invoice.due_date).days,
                       invoice.status == "written_off")
    if current is not None:
        yield current, totals


def aging_report(uow: UnitOfWork, registry: RuleSetRegistry, as_of: date) -> dict[str, Any]:
    """Totals per currency: per bucket, per class with provision, and the provision total."""
    by_currency: dict[str, AgingTotals] = {}
    with uow:
        classify = receivable_classifier(registry, uow.session)
        for customer, totals in _per_customer(uow, as_of, classify):
            by_currency.setdefault(customer.currency, AgingTotals(classify)).merge([totals])
    return {"as_of": as_of.isoformat(), "totals": [
        {"currency": currency,
         "buckets": {k: to_wire(v) for k, v in t.buckets.items()},
         "classes": {k: {"amount": to_wire(v), "provision": to_wire(t.provisions[k])}
                     for k, v in t.classes.items()},
         "provision": to_wire(t.provision_total)}
        for currency, t in sorted(by_currency.items())]}


def aging_csv(uow: UnitOfWork, registry: RuleSetRegistry, as_of: date) -> str:
    """One row per customer with open receivables."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    with uow:
        classify = receivable_classifier(registry, uow.session)
        for customer, totals in _per_customer(uow, as_of, classify):
            writer.writerow([safe_cell(cell) for cell in (
                customer.id, customer.name, customer.currency,
                *(to_wire(totals.buckets[b]) for b in BUCKETS),
                to_wire(totals.provision_total))])
    return out.getvalue()
