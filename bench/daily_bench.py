"""Benchmark `policy-service daily` on a seeded synthetic book, on SQLite and PostgreSQL.

Run:  .venv/bin/python bench/daily_bench.py [--customers 100000] [--invoices 1000000]
      [--seed 7] [--as-of 2026-11-23] [--backends sqlite,postgresql] [--batch-size 500]

Each backend gets a fresh database (a SQLite file, or a new PostgreSQL database on
POLICY_TEST_PG_URL), migrated and seeded with a realistic, seeded book (see `generate`;
its shape is printed): invoices issued over the two years before the as-of date, most
paid on time or a little late, a minority open and overdue, few very old. PostgreSQL is
then analysed, as autovacuum analyses a real book. `daily` then runs in a child process
twice (the catch-up first run, then the next day); wall time, invoices per second, that
run's peak RSS and the load average are printed.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from policy_service.config import SHIPPED_RULES, Settings
from policy_service.container import Services
from policy_service.db.models import Customer, Invoice, Payment

PG_URL = os.environ.get("POLICY_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CLI = str(Path(sys.executable).with_name("policy-service"))
# code, payment term days, share of customers, share paid on time, mean days late when
# late, share never paid (disputes, insolvency).
TIERS = (("A", 90, 0.25, 0.80, 6, 0.003), ("B", 60, 0.40, 0.65, 12, 0.008),
         ("C", 30, 0.25, 0.50, 20, 0.02), ("D", 0, 0.10, 0.35, 35, 0.05))
PARTIAL = 0.08          # payers who pay in two instalments (half, the rest 7–45 days later)
WRITE_OFF_AFTER = 180   # never-paid invoices older than this are mostly written off
WRITTEN_OFF_SHARE = 0.85
CHUNK = 20_000
# Runs the CLI as its only child so RUSAGE_CHILDREN is that one run's peak RSS (KiB).
RSS_WRAPPER = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
               "print('maxrss', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "
               "file=sys.stderr); sys.exit(r.returncode)")


def _tier(rng: random.Random) -> tuple[str, int, float, float, int, float]:
    roll, acc = rng.random(), 0.0
    for tier in TIERS:
        acc += tier[2]
        if roll < acc:
            return tier
    return TIERS[-1]


def generate(rng: random.Random, customers: int, invoices: int, as_of: date):  # type: ignore[no-untyped-def]
    """Yield ("customer"|"invoice"|"payment", row) for a seeded, realistic book.

    Invoices are issued uniformly over the two years before ``as_of``. Per tier a share
    is paid on or a few days before the due date, the rest late by an exponential number
    of days (tier mean); 8 % of payers pay half first and the rest 7–45 days later; a
    small share (0.3 % for A up to 5 % for D) is never paid, and of those older than 180
    days past due 85 % are written off. Payments dated after ``as_of`` are not recorded
    (those invoices are open), so most open invoices are not yet due or a little late and
    few are very old.
    """
    per = max(invoices // customers, 1)
    count = 0
    for c in range(customers):
        code, term, _, on_time, mean_late, never = _tier(rng)
        cid = f"C{c:07d}"
        limit = Decimal(rng.choice((50_000, 100_000, 200_000, 500_000)))
        yield "customer", {"id": cid, "name": f"Customer {c}", "tier_code": code,
                           "credit_limit": limit, "currency": "CNY", "payment_term_days": None,
                           "owner": f"sales-{c % 50}", "email": f"{cid.lower()}@example.com",
                           "phone": "+8613800000000", "collateral_amount": Decimal(0),
                           "status": "active", "status_reason": None,
                           "next_review_date": as_of + timedelta(days=rng.randint(-30, 335))}
        n = per if c < customers - 1 else invoices - count
        for k in range(n):
            count += 1
            issue = as_of - timedelta(days=rng.randint(0, 730))
            due = issue + timedelta(days=term)
            amount = Decimal(rng.randint(1_000, 2_000_000)) / 100
            iid = f"I{c:07d}-{k:03d}"
            status, paid = "open", Decimal("0.00")
            if rng.random() < never:
                if (as_of - due).days > WRITE_OFF_AFTER and rng.random() < WRITTEN_OFF_SHARE:
                    status = "written_off"
                instalments: list[tuple[date, Decimal]] = []
            else:
                if rng.random() < on_time:
                    paid_at = due - timedelta(days=rng.randint(0, min(term, 10)))
                else:
                    paid_at = due + timedelta(days=1 + int(rng.expovariate(1 / mean_late)))
                if rng.random() < PARTIAL:
                    half = (amount / 2).quantize(Decimal("0.01"))
                    instalments = [(paid_at, half), (paid_at + timedelta(days=rng.randint(7, 45)),
                                                     amount - half)]
                else:
                    instalments = [(paid_at, amount)]
            for j, (paid_at, part) in enumerate(instalments):
                if paid_at > as_of:
                    break
                paid += part
                yield "payment", {"id": f"P{iid}-{j}", "invoice_id": iid, "amount": part,
                                  "currency": "CNY", "paid_at": paid_at, "principal_part": part,
                                  "penalty_part": Decimal(0), "request_hash": "bench"}
            if paid == amount:
                status = "paid"
            yield "invoice", {"id": iid, "customer_id": cid, "order_id": None, "amount": amount,
                              "currency": "CNY", "issue_date": issue, "due_date": due,
                              "principal_paid": paid, "penalty_accrued": Decimal(0),
                              "penalty_waived": Decimal(0), "penalty_paid": Decimal(0),
                              "reservation_consumed": Decimal(0), "status": status,
                              "request_hash": "bench"}


def shape(url: str, as_of: date) -> str:
    """The seeded book's shape: invoices by status, open ones by days past due."""
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT status, due_date FROM invoices")).all()
    engine.dispose()
    by_status: Counter[str] = Counter()
    by_age: Counter[str] = Counter()
    for status, due in rows:
        by_status[status] += 1
        if status == "open":
            days = (as_of - (due if isinstance(due, date) else date.fromisoformat(due))).days
            by_age[next(label for label, upto in AGE if days <= upto)] += 1
    total = max(len(rows), 1)
    parts = [f"{k} {v / total:.1%}" for k, v in sorted(by_status.items())]
    ages = [f"{label} {by_age[label] / total:.2%}" for label, _ in AGE]
    return f"invoices: {', '.join(parts)}; open by days past due: {', '.join(ages)}"


AGE = (("not due", 0), ("1-30", 30), ("31-90", 90), ("91-180", 180), ("181-365", 365),
       ("366+", 10**6))


def seed(url: str, instance: Path, args: argparse.Namespace) -> None:
    """Migrate, seed tiers and rule sets, and bulk-insert the book."""
    app = Services.build(Settings(url, instance, SHIPPED_RULES))
    app.bootstrap()
    tables = {"customer": Customer, "invoice": Invoice, "payment": Payment}
    buffers: dict[str, list[dict[str, object]]] = {k: [] for k in tables}
    order = ("customer", "invoice", "payment")

    def flush(upto: str) -> None:
        with app.database.engine.begin() as connection:
            for kind in order[: order.index(upto) + 1]:
                if buffers[kind]:
                    connection.execute(insert(tables[kind]), buffers[kind])
                    buffers[kind] = []

    for kind, row in generate(random.Random(args.seed), args.customers, args.invoices,
                              args.as_of):
        buffers[kind].append(row)
        if kind == "customer" and len(buffers["invoice"]) >= CHUNK:
            flush("payment")
    flush("payment")
    # A real book is analysed (PostgreSQL's autovacuum; on SQLite `policy-service` runs no
    # ANALYZE, so neither does the bench): without statistics the planner takes a batch's
    # 500 customers for most of the table and scans invoices and payments whole.
    if app.database.engine.dialect.name == "postgresql":
        with app.database.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("ANALYZE"))
    app.database.dispose()


def run(url: str, instance: Path, args: argparse.Namespace, as_of: date) -> tuple[float, float]:
    """Time `policy-service daily` in a child; returns (seconds, peak RSS MiB)."""
    env = {**os.environ, "DATABASE_URL": url, "POLICY_INSTANCE_PATH": str(instance)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", RSS_WRAPPER, CLI, "daily", "--as-of",
                           as_of.isoformat(), "--batch-size", str(args.batch_size)],
                          env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    print(done.stdout.rstrip())
    return seconds, int(done.stderr.strip().splitlines()[-1].split()[-1]) / 1024


@contextmanager
def bench_database(backend: str, instance: Path) -> Iterator[str]:
    """The URL of a new database of ``backend`` (SQLite in ``instance``); dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{instance / 'bench.db'}"
        return
    name = f"policy_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def bench(backend: str, args: argparse.Namespace) -> None:
    """Seed and time one backend."""
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        with bench_database(backend, instance) as url:
            started = time.perf_counter()
            seed(url, instance, args)
            print(f"[{backend}] seeded {args.customers:,} customers / {args.invoices:,} invoices "
                  f"in {time.perf_counter() - started:.1f} s")
            print(f"[{backend}] {shape(url, args.as_of)}")
            for label, day in (("first run (catch-up)", args.as_of),
                               ("next day", args.as_of + timedelta(days=1))):
                seconds, rss = run(url, instance, args, day)
                load = "/".join(f"{x:.2f}" for x in os.getloadavg())
                print(f"[{backend}] daily {label}: wall {seconds:.1f} s, "
                      f"{args.invoices / seconds:,.0f} invoices/s, peak RSS {rss:.0f} MiB "
                      f"(load average after: {load})")


def book_arguments(parser: argparse.ArgumentParser) -> None:
    """The seeded book's options, shared by the benches that seed it."""
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 23))
    parser.add_argument("--backends", default="sqlite,postgresql")


def main() -> None:
    """Parse arguments and bench each backend."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    book_arguments(parser)
    parser.add_argument("--batch-size", type=int, default=500)
    args = parser.parse_args()
    for backend in args.backends.split(","):
        bench(backend.strip(), args)


if __name__ == "__main__":
    main()
