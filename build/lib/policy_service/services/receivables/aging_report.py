"""The aging report (账龄分析): totals per bucket and class with provisions; CSV per customer.

Both read the one aging aggregation (``receivables/aging.py``): written-off invoices are
bad debt, in the ``write_off`` class and the provision but in no bucket.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from policy_service.domain.aging import BUCKETS, AgingTotals
from policy_service.domain.money import to_wire
from policy_service.services.receivables.aging import customers_aging
from policy_service.services.receivables.classes import receivable_classifier
from policy_service.services.rules.registry import RuleSetRegistry
from policy_service.services.spreadsheet import amount_cell, csv_text
from policy_service.services.unit_of_work import UnitOfWork

CSV_COLUMNS = ("customer_id", "name", "currency", *BUCKETS, "provision")


def aging_report(uow: UnitOfWork, registry: RuleSetRegistry, as_of: date,
                 today: date | None = None) -> dict[str, Any]:
    """Totals per currency: per bucket, per class with provision, and the provision total.

    A date before ``today`` shows what was true then (``customers_aging``'s ``past``)."""
    by_currency: dict[str, AgingTotals] = {}
    with uow:
        classify = receivable_classifier(registry, uow.session)
        for found in customers_aging(uow.session, as_of, classify,
                                     past=today is not None and as_of < today):
            by_currency.setdefault(found.currency, AgingTotals(classify, found.currency)
                                   ).merge([found.totals])
    return {"as_of": as_of.isoformat(), "totals": [
        {"currency": currency,
         "buckets": {k: to_wire(v) for k, v in t.buckets.items()},
         "classes": {k: {"amount": to_wire(v), "provision": to_wire(t.provisions[k])}
                     for k, v in t.classes.items()},
         "provision": to_wire(t.provision_total)}
        for currency, t in sorted(by_currency.items())]}


def aging_csv(uow: UnitOfWork, registry: RuleSetRegistry, as_of: date,
              today: date | None = None) -> str:
    """One row per customer with open or written-off receivables (as ``aging_report``),
    UTF-8 with BOM, the amounts in the customer's currency's minor unit."""
    with uow:
        classify = receivable_classifier(registry, uow.session)
        rows = [(found.customer_id, found.name, found.currency,
                 *(amount_cell(found.totals.buckets[b], found.currency) for b in BUCKETS),
                 amount_cell(found.totals.provision_total, found.currency))
                for found in customers_aging(uow.session, as_of, classify,
                                             past=today is not None and as_of < today)]
    return csv_text(CSV_COLUMNS, rows)
