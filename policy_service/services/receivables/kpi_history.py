"""The KPIs month by month (考核趋势): the last twelve calendar months up to a date.

Each month is exactly one ``GET /v1/reports/kpis?as_of=…&period_days=…``: as of the
month's last day (the current month: as of the date itself, month to date), over the days
since the previous month's end. The sums of all months come from four scans instead of
twelve reports' worth of queries: open principal on every month end (and what of it was
not yet due) as one column per date over invoices, payments and credit notes; credit sales
(net of credit notes) and write-offs as one column per month; and the payments of the
whole span bucketed by month.
The figures are ``domain.kpi``'s, as in the report; a test holds each month to the report.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, select

from policy_service.db.models import Customer, Invoice, Payment
from policy_service.db.models_collections import CreditNote
from policy_service.db.models_receivables import InvoiceAdjustment
from policy_service.domain.kpi import KpiSums
from policy_service.services.receivables.kpis import Key, KpiBook, end_of, overall
from policy_service.services.unit_of_work import UnitOfWork

MONTHS = 12
ZERO = Decimal(0)


def month_periods(as_of: date, months: int = MONTHS) -> list[tuple[date, int]]:
    """(as of, days in the period) of each month, oldest first; the last one ends at as_of."""
    periods: list[tuple[date, int]] = []
    end = as_of
    for _ in range(months):
        before = end.replace(day=1) - timedelta(days=1)  # the previous month's last day
        periods.append((end, (end - before).days))
        end = before
    return periods[::-1]


def kpi_history(uow: UnitOfWork, as_of: date, timezone: str, months: int = MONTHS
                ) -> list[dict[str, Any]]:
    """Per month: ``{as_of, period_days, month: "YYYY-MM", overall: {CUR: {…}}}``."""
    periods = month_periods(as_of, months)
    ends = [end for end, _days in periods]
    days = [periods[0][0] - timedelta(days=periods[0][1]), *ends]  # the first opening, then
    with uow:
        sums = _monthly_sums(KpiBook(uow.session, timezone), days)
    return [{"as_of": end.isoformat(), "period_days": length, "month": f"{end:%Y-%m}",
             "overall": overall({k: v for k, v in sums[n].items() if any(vars(v).values())},
                                length)}
            for n, (end, length) in enumerate(periods)]


def _monthly_sums(book: KpiBook, days: list[date]) -> list[dict[Key, KpiSums]]:
    """The KPI sums of each period (days[n], days[n + 1]] per owner and currency."""
    months = len(days) - 1
    rows: list[dict[Key, KpiSums]] = [defaultdict(KpiSums) for _ in range(months)]
    for key, issued, paid in _open_principal(book, days):  # paid: paid or credited
        for n in range(months):
            sums = rows[n][key]
            sums.opening = issued[n] - paid[n]
            sums.closing = issued[n + 1] - paid[n + 1]
            sums.closing_current = issued[months + 1 + n] - paid[months + 1 + n]
    months_of = [and_(Invoice.issue_date > days[n], Invoice.issue_date <= days[n + 1])
                 for n in range(months)]
    for key, values in _columns(book, Invoice, [(c, Invoice.amount) for c in months_of],
                                Invoice.issue_date > days[0], Invoice.issue_date <= days[-1]):
        for n, value in enumerate(values):
            rows[n][key].credit_sales = value
    noted = [(and_(CreditNote.issued_on > days[n], CreditNote.issued_on <= days[n + 1]),
              CreditNote.amount) for n in range(months)]
    for key, values in _columns(book, CreditNote, noted, CreditNote.issued_on > days[0],
                                CreditNote.issued_on <= days[-1]):
        for n, value in enumerate(values):  # net credit sales, as in the report
            rows[n][key].credit_sales -= value
    query = (select(book.owner, Customer.currency, Payment.amount, Payment.principal_part,
                    Payment.paid_at, Invoice.due_date)
             .select_from(Payment).join(Invoice, Invoice.id == Payment.invoice_id)
             .join(Customer, Customer.id == Invoice.customer_id)
             .where(Payment.paid_at > days[0], Payment.paid_at <= days[-1]))
    for owner, currency, amount, principal, paid_at, due in book.session.execute(query):
        sums = rows[bisect.bisect_left(days, paid_at) - 1][(owner, currency)]
        sums.collected += amount
        sums.add_payment(principal, (paid_at - due).days)
    bounds = [end_of(day, book.timezone) for day in days]
    written = [(and_(InvoiceAdjustment.at >= bounds[n], InvoiceAdjustment.at < bounds[n + 1]),
                InvoiceAdjustment.amount) for n in range(months)]
    for key, values in _columns(book, InvoiceAdjustment, written,
                                InvoiceAdjustment.kind == "write_off",
                                InvoiceAdjustment.at >= bounds[0],
                                InvoiceAdjustment.at < bounds[-1]):
        for n, value in enumerate(values):
            rows[n][key].written_off = value
    return rows


def _open_principal(book: KpiBook, days: list[date]
                    ) -> list[tuple[Key, list[Decimal], list[Decimal]]]:
    """Per key: issued and paid (or credited) principal of live invoices on each day, then
    of those not yet due on each day after the first (the report's ``open_principal``)."""
    later = days[1:]
    issued = [(book.alive(d), Invoice.amount) for d in days]
    issued += [(and_(book.alive(d), Invoice.due_date >= d), Invoice.amount) for d in later]
    paid = [(and_(book.alive(d), Payment.paid_at <= d), Payment.principal_part) for d in days]
    paid += [(and_(book.alive(d), Payment.paid_at <= d, Invoice.due_date >= d),
              Payment.principal_part) for d in later]
    scope = Invoice.issue_date <= days[-1]
    paid_by = dict(_columns(book, Payment, paid, scope, Payment.paid_at <= days[-1]))
    notes = [(and_(book.alive(d), CreditNote.issued_on <= d), CreditNote.amount) for d in days]
    notes += [(and_(book.alive(d), CreditNote.issued_on <= d, Invoice.due_date >= d),
               CreditNote.amount) for d in later]
    credited = dict(_columns(book, CreditNote, notes, scope, CreditNote.issued_on <= days[-1]))
    none = [ZERO] * len(paid)
    return [(key, values, [p + c for p, c in zip(paid_by.get(key, none),
                                                  credited.get(key, none), strict=True)])
            for key, values in _columns(book, Invoice, issued, scope)]


def _columns(book: KpiBook, table: Any, columns: list[tuple[Any, Any]], *where: Any
             ) -> list[tuple[Key, list[Decimal]]]:
    """One grouped scan: per (owner, currency), Σ amount where each condition holds."""
    sums = [func.sum(case((condition, amount), else_=0)) for condition, amount in columns]
    query = select(book.owner, Customer.currency, *sums)
    if table is Payment:
        query = query.select_from(Payment).join(Invoice, Invoice.id == Payment.invoice_id)
    elif table is CreditNote:
        query = query.select_from(CreditNote).join(Invoice, Invoice.id == CreditNote.invoice_id)
    elif table is InvoiceAdjustment:
        query = query.select_from(InvoiceAdjustment).join(
            Invoice, Invoice.id == InvoiceAdjustment.invoice_id)
    else:
        query = query.select_from(Invoice)
    query = (query.join(Customer, Customer.id == Invoice.customer_id)
             .outerjoin(book.written_off, book.written_off.c.invoice_id == Invoice.id)
             .where(*where).group_by(book.owner, Customer.currency))
    return [((owner, currency), [Decimal(v or 0) for v in values])
            for owner, currency, *values in book.session.execute(query)]
