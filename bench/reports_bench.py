"""Benchmark KPIs (one report; the KPI page's 12 months) over a seeded book and one customer's
10,000-line statement (JSON, CSV, PDF).

Run:  .venv/bin/python bench/reports_bench.py [--customers 100000] [--invoices 1000000]
      [--lines 10000] [--repeat 3] [--backends sqlite,postgresql]

The book is daily_bench.py's (same generator and seed). The statement customer gets
``lines / 2`` invoices and as many payments, spread over the year before the as-of date,
so its statement over that year has ``lines`` lines. Each figure is the best and the worst
of ``--repeat`` runs (default 3), printed with this process's CPU time (which other
work on the machine inflates less than wall time) and the load average before the runs.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from daily_bench import bench_database, book_arguments, seed

from policy_service.config import SHIPPED_RULES, Settings
from policy_service.container import Services
from policy_service.db.models import Customer, Invoice, Payment
from policy_service.services.receivables import kpi_history, kpis, statement, statement_pdf


def best(label: str, work: Any, repeat: int) -> Any:
    """Run ``work`` ``repeat`` times, print the best and worst wall time, return its result."""
    times, cpu, result = [], [], None
    load = os.getloadavg()[0]
    for _ in range(repeat):
        started, used = time.perf_counter(), time.process_time()
        result = work()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    print(f"  {label}: {min(times):.2f} s (best of {repeat}; worst {max(times):.2f} s; "
          f"this process's CPU {min(cpu):.2f}-{max(cpu):.2f} s; load average {load:.2f})")
    return result


def statement_customer(app: Services, lines: int, as_of: date) -> None:
    """One customer with lines/2 invoices and as many payments over the last year."""
    start = as_of - timedelta(days=365)
    count = lines // 2
    with app.database.engine.begin() as connection:
        connection.execute(insert(Customer), [{
            "id": "STMT-1", "name": "Statement bench", "tier_code": "B",
            "credit_limit": Decimal("100000000.00"), "currency": "CNY",
            "next_review_date": as_of + timedelta(days=180), "status": "active",
            "collateral_amount": Decimal(0)}])
        invoices, payments = [], []
        for n in range(count):
            issued = start + timedelta(days=n * 365 // count)
            invoices.append({"id": f"STMT-I-{n}", "customer_id": "STMT-1",
                             "amount": Decimal("1000.00"), "currency": "CNY",
                             "issue_date": issued, "due_date": issued + timedelta(days=60),
                             "principal_paid": Decimal("1000.00"), "status": "paid",
                             "request_hash": "bench"})
            payments.append({"id": f"STMT-P-{n}", "invoice_id": f"STMT-I-{n}",
                             "amount": Decimal("1000.00"), "currency": "CNY",
                             "paid_at": min(issued + timedelta(days=55), as_of),
                             "principal_part": Decimal("1000.00"),
                             "penalty_part": Decimal(0), "request_hash": "bench"})
        connection.execute(insert(Invoice), invoices)
        connection.execute(insert(Payment), payments)


def bench(backend: str, args: argparse.Namespace) -> None:
    """Seed one backend and time the reports on it."""
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        with bench_database(backend, instance) as url:
            seed(url, instance, args)
            app = Services.build(Settings(url, instance,
                                          SHIPPED_RULES))
            statement_customer(app, args.lines, args.as_of)
            print(f"[{backend}] {args.customers:,} customers / {args.invoices:,} invoices")
            document = best(f"KPIs over the whole book (as of {args.as_of}, 90 days)",
                            lambda: kpis.kpis(app.uow(), args.as_of, 90, "UTC"), args.repeat)
            print(f"    {len(document['by_owner'])} owners, currencies "
                  f"{', '.join(document['overall'])}")
            months = best("KPI page charts: 12 months of KPIs (kpi_history)",
                          lambda: kpi_history.kpi_history(app.uow(), args.as_of, "UTC"),
                          args.repeat)
            print(f"    {len(months)} months, {months[0]['as_of']}..{months[-1]['as_of']}")
            period = statement.Period("STMT-1", args.as_of - timedelta(days=366), args.as_of)
            body = best(f"statement JSON body ({args.lines:,} lines)",
                        lambda: statement.statement(app.uow(), period), args.repeat)
            print(f"    {len(body['lines']):,} lines, closing {body['closing_balance']}")
            best("statement CSV", lambda: statement.statement_csv(body), args.repeat)
            statement_pdf.statement_font()  # registered once per process, as in the server
            pdf = best("statement PDF", lambda: statement_pdf.render(body), args.repeat)
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            print(f"    PDF {len(pdf) / 1024:,.0f} KiB, {pages} pages")
            app.database.dispose()


def main() -> None:
    """Parse arguments and bench each backend."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    book_arguments(parser)
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for backend in args.backends.split(","):
        bench(backend.strip(), args)


if __name__ == "__main__":
    main()
