"""The KPI sums of consecutive periods, from four bucketed scans of the book.

The one way the KPI sums are computed: ``GET /v1/reports/kpis`` asks for one period (the
two dates as_of − period_days and as_of), the KPI page for twelve months (13 dates).
Everything is taken as it was known on each date: invoices issued by then, payments with a
value date by then, credit notes issued by then, write-offs made by then (their business
date, the first instant after the day in the business time zone being ``end_of``).
Receivables are open principal.

One grouped scan each over invoices, payments, credit notes and write-offs. A scan does not
test every date: it puts each row in buckets (which period its own date, its invoice's issue
and due dates and the invoice's write-off fall in, each one nested CASE) and sums one amount
per bucket, owner and currency; the open principal on each date, what of it was not yet due,
and each period's credit sales, collections, days late and write-offs are then added up from
the few buckets in Python, in exact Decimals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, case, cast, func, literal_column, select, type_coerce
from sqlalchemy.orm import Session

from policy_service.db.models import Customer, Invoice, Payment
from policy_service.db.models_collections import CreditNote
from policy_service.db.models_receivables import InvoiceAdjustment
from policy_service.db.types import Money
from policy_service.domain.kpi import KpiSums

UNASSIGNED = "unassigned"
ZERO = Decimal(0)
Key = tuple[str, str]  # (owner, currency)
Bucket = tuple[int, int, int, int]  # own date, issue date, due date, write-off: indexes


def end_of(day: date, timezone: str) -> datetime:
    """The first instant after ``day`` in the business time zone."""
    return datetime.combine(day + timedelta(days=1), time(), ZoneInfo(timezone))


class KpiBook:
    """What every scan of one KPI run shares: the session, the business time zone, each
    invoice's first write-off and the owner (``unassigned`` if none)."""

    def __init__(self, session: Session, timezone: str) -> None:
        self.session, self.timezone = session, timezone
        self.written_off = (select(InvoiceAdjustment.invoice_id,
                                   func.min(InvoiceAdjustment.at).label("at"))
                            .where(InvoiceAdjustment.kind == "write_off")
                            .group_by(InvoiceAdjustment.invoice_id).subquery())
        self.owner = func.coalesce(Customer.owner, UNASSIGNED)


def period_sums(session: Session, timezone: str, days: Sequence[date]
                ) -> list[dict[Key, KpiSums]]:
    """The KPI sums of each period (days[n], days[n + 1]] (the days ascending) of every owner
    and currency with anything to show in it."""
    book, days = KpiBook(session, timezone), list(days)
    months = len(days) - 1
    rows: list[dict[Key, KpiSums]] = [defaultdict(KpiSums) for _ in range(months)]
    bounds = [end_of(day, book.timezone) for day in days]
    issued, settled = _Ledger(len(days)), _Ledger(len(days))  # settled: paid or credited
    for key, bucket, (amount,) in _buckets(book, days, bounds, Invoice, Invoice.issue_date,
                                           Invoice.amount):
        issued.add(key, bucket, amount)
        if bucket[0]:  # issued in the span: its month's credit sales
            rows[bucket[0] - 1][key].credit_sales += amount
    for key, bucket, (principal, amount, weighted) in _buckets(
            book, days, bounds, Payment, Payment.paid_at, Payment.principal_part,
            Payment.amount, Payment.principal_part * _days_late(book)):
        settled.add(key, bucket, principal)
        if bucket[0]:  # value-dated in the span
            sums = rows[bucket[0] - 1][key]
            sums.collected += amount
            sums.paid_principal += principal
            sums.paid_days_weighted += weighted
    for key, bucket, (amount,) in _buckets(book, days, bounds, CreditNote,
                                           CreditNote.issued_on, CreditNote.amount):
        settled.add(key, bucket, amount)
        if bucket[0]:  # net credit sales, as in the report
            rows[bucket[0] - 1][key].credit_sales -= amount
    none = [ZERO] * len(days)
    for key, live in issued.live.items():
        current, paid = issued.current[key], settled.live.get(key, none)
        paid_current = settled.current.get(key, none)
        for n in range(months):
            sums = rows[n][key]
            sums.opening = live[n] - paid[n]
            sums.closing = live[n + 1] - paid[n + 1]
            sums.closing_current = current[n + 1] - paid_current[n + 1]
    for key, month, amount in _write_offs(book, bounds):
        rows[month][key].written_off = amount
    return [{k: v for k, v in sums.items() if any(vars(v).values())} for sums in rows]


class _Ledger:
    """Per key and date index: Σ amount of the live rows (the row and its invoice dated by the
    day, the invoice not written off by its end), and of those whose invoice was not yet due."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.live: dict[Key, list[Decimal]] = defaultdict(lambda: [ZERO] * size)
        self.current: dict[Key, list[Decimal]] = defaultdict(lambda: [ZERO] * size)

    def add(self, key: Key, bucket: Bucket, amount: Decimal) -> None:
        """Count one bucket's amount on each date it is live (and current) on."""
        own, issued, due, gone = bucket
        live, current = self.live[key], self.current[key]
        for n in range(max(own, issued), min(gone, self.size)):
            live[n] += amount
            if n < due:
                current[n] += amount


def _index(column: Any, edges: Sequence[Any], *, strict: bool = False, low: int = 0,
           high: int | None = None) -> Any:
    """The first n with ``column <= edges[n]`` (``<`` if strict), else (or NULL) len(edges):
    a nested CASE that makes about log2(len(edges)) comparisons a row."""
    high = len(edges) if high is None else high
    if low == high:
        return literal_column(str(low), Integer)
    mid = (low + high) // 2
    test = column < edges[mid] if strict else column <= edges[mid]
    return case((test, _index(column, edges, strict=strict, low=low, high=mid)),
                else_=_index(column, edges, strict=strict, low=mid + 1, high=high))


def _buckets(book: KpiBook, days: list[date], bounds: list[Any], table: Any, dated: Any,
             *amounts: Any) -> list[tuple[Key, Bucket, list[Decimal]]]:
    """One grouped scan of the rows dated by the last day: per (owner, currency) and bucket
    (the period index of ``dated``, of the invoice's issue date, the first date it is past
    due on, and the first date its write-off counts on), Σ each amount.

    The rows are bucketed in a subquery behind ``OFFSET 0``, which PostgreSQL does not flatten:
    grouping on the CASE expressions themselves, its planner estimates the groups from the
    dates' statistics (a million), sorts the rows to disk and takes twice as long as hashing
    the few thousand groups there are."""
    own = _index(dated, days)
    issue = own if table is Invoice else _index(Invoice.issue_date, days)
    due = _index(Invoice.due_date, days, strict=True)
    gone = _index(book.written_off.c.at, bounds, strict=True)
    base = len(days) + 1  # each index is 0 to len(days): the four as one integer
    code = ((own * base + issue) * base + due) * base + gone
    rows = select(book.owner.label("owner"), Customer.currency.label("currency"),
                  code.label("code"),
                  *[type_coerce(amount, Money()).label(f"amount_{n}")
                    for n, amount in enumerate(amounts)])
    if table is Invoice:
        rows = rows.select_from(Invoice)
    else:
        rows = rows.select_from(table).join(Invoice, Invoice.id == table.invoice_id)
    bucketed = (rows.join(Customer, Customer.id == Invoice.customer_id)
                .outerjoin(book.written_off, book.written_off.c.invoice_id == Invoice.id)
                .where(dated <= days[-1]).offset(0).subquery())
    query = (select(bucketed.c.owner, bucketed.c.currency, bucketed.c.code,
                    *[type_coerce(func.sum(bucketed.c[f"amount_{n}"]), Money())
                      for n in range(len(amounts))])
             .group_by(bucketed.c.owner, bucketed.c.currency, bucketed.c.code))
    result = []
    for owner, currency, number, *values in book.session.execute(query):
        rest, gone_at = divmod(int(number), base)
        rest, due_at = divmod(rest, base)
        own_at, issued_at = divmod(rest, base)
        result.append(((owner, currency), (own_at, issued_at, due_at, gone_at),
                       [ZERO if v is None else v for v in values]))
    return result


def _days_late(book: KpiBook) -> Any:
    """A payment's days after its invoice's due date, 0 if on time or early."""
    days: Any
    if book.session.get_bind().dialect.name == "sqlite":
        days = cast(func.julianday(Payment.paid_at) - func.julianday(Invoice.due_date),
                    Integer)
    else:
        days = type_coerce(Payment.paid_at - Invoice.due_date, Integer)
    return case((days > 0, days), else_=0)


def _write_offs(book: KpiBook, bounds: list[Any]) -> list[tuple[Key, int, Decimal]]:
    """(key, month index, Σ written off) of the write-offs made in the span."""
    month = _index(InvoiceAdjustment.at, bounds[1:], strict=True)
    query = (select(book.owner, Customer.currency, month, func.sum(InvoiceAdjustment.amount))
             .select_from(InvoiceAdjustment)
             .join(Invoice, Invoice.id == InvoiceAdjustment.invoice_id)
             .join(Customer, Customer.id == Invoice.customer_id)
             .where(InvoiceAdjustment.kind == "write_off", InvoiceAdjustment.at >= bounds[0],
                    InvoiceAdjustment.at < bounds[-1])
             .group_by(book.owner, Customer.currency, month))
    return [((owner, currency), int(n), Decimal(value or 0))
            for owner, currency, n, value in book.session.execute(query)]
