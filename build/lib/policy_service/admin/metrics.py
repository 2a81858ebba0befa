"""The dashboard's figures, one book per currency: amounts are never added across currencies.

Composed from the capabilities' read models (and the aging report, the one aging
aggregation); no query is written here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from policy_service.container import Services
from policy_service.domain.aging import BUCKETS
from policy_service.services.credit.queries import (
    CustomerExposure,
    counts_by_currency,
    customer_exposures,
)
from policy_service.services.day.queries import pending_by_currency
from policy_service.services.receivables.aging_report import aging_report
from policy_service.services.receivables.queries import (
    open_legal_cases_by_currency,
    overdue_trend,
)

ZERO = Decimal("0.00")
TOP = 10
COUNTS = ("held_orders", "stop_supply", "legal_cases", "pending_reviews",
          "blacklist_candidates")


@dataclass
class CurrencyBook:
    """Everything the dashboard shows for one currency."""

    currency: str
    exposure: Decimal = ZERO
    receivables: Decimal = ZERO
    overdue: Decimal = ZERO
    provision: Decimal = ZERO
    buckets: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(BUCKETS, ZERO))
    customers: list[CustomerExposure] = field(default_factory=list)  # most used first
    over_limit: int = 0
    trend: list[tuple[date, Decimal]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))

    @property
    def overdue_share(self) -> Decimal | None:
        """Overdue as a percent of the receivables (one decimal); None without receivables."""
        if self.receivables <= 0:
            return None
        return (100 * self.overdue / self.receivables).quantize(Decimal("0.1"))


def _used(customer: CustomerExposure) -> Decimal:
    used = customer.utilization()
    return used if used is not None else Decimal(10**9) if customer.exposure > 0 else ZERO


def dashboard(services: Services, today: date) -> list[CurrencyBook]:
    """One book per currency that has customers, as of ``today``, sorted by currency."""
    report = aging_report(services.uow(), services.rulesets, today)
    with services.database.sessions() as session:
        exposures = customer_exposures(session)
        counts = [counts_by_currency(session), pending_by_currency(session),
                  {c: {"legal_cases": n} for c, n in
                   open_legal_cases_by_currency(session).items()}]
        trends = overdue_trend(session, today)
    books: dict[str, CurrencyBook] = {}

    def book(currency: str) -> CurrencyBook:
        return books.setdefault(currency, CurrencyBook(currency))

    for customer in exposures:
        found = book(customer.currency)
        found.exposure += customer.exposure
        found.customers.append(customer)
        found.over_limit += customer.exposure > customer.limit
    for totals in report["totals"]:
        found = book(totals["currency"])
        found.buckets = {k: Decimal(v) for k, v in totals["buckets"].items()}
        found.receivables = sum(found.buckets.values(), ZERO)
        found.overdue = found.receivables - found.buckets[BUCKETS[0]]
        found.provision = Decimal(totals["provision"])
    for by_currency in counts:
        for currency, numbers in by_currency.items():
            book(currency).counts.update(numbers)
    for currency, trend in trends.items():
        book(currency).trend = trend
    for found in books.values():
        found.customers = sorted((c for c in found.customers if c.exposure > 0),
                                 key=_used, reverse=True)[:TOP]
        if not found.trend:
            found.trend = [(day, ZERO) for day, _v in next(iter(trends.values()), [])]
    return [books[c] for c in sorted(books)]
