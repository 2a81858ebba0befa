"""Benchmark `policy-service daily` on a seeded synthetic book, on SQLite and PostgreSQL.

Run:  .venv/bin/python bench/daily_bench.py [--customers 100000] [--invoices 1000000]
      [--seed 7] [--as-of 2026-11-23] [--backends sqlite,postgresql] [--batch-size 500]

Each backend gets a fresh database (a SQLite file, or a new PostgreSQL database on
POLICY_TEST_PG_URL), migrated and seeded with the book: invoices issued over the two
years before the as-of date, most paid (tier A mostly on time, C and D often late, some
partially), the rest open and spread from not yet due to long overdue. `daily` then runs
in a child process; wall time, invoices per second and the child's peak RSS are printed.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from policy_service.config import Settings
from policy_service.container import Services
from policy_service.db.models import Customer, Invoice, Payment

PG_URL = os.environ.get("POLICY_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CLI = str(Path(sys.executable).with_name("policy-service"))
TIERS = (("A", 90, 0.25, 2), ("B", 60, 0.4, 8), ("C", 30, 0.25, 25), ("D", 0, 0.1, 40))
CHUNK = 20_000


def _tier(rng: random.Random) -> tuple[str, int, float, int]:
    roll, acc = rng.random(), 0.0
    for tier in TIERS:
        acc += tier[2]
        if roll < acc:
            return tier
    return TIERS[-1]


def generate(rng: random.Random, customers: int, invoices: int, as_of: date):  # type: ignore[no-untyped-def]
    """Yield ("customer"|"invoice"|"payment", row) for a seeded book."""
    per = max(invoices // customers, 1)
    count = 0
    for c in range(customers):
        code, term, _, lateness = _tier(rng)
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
            late = int(rng.expovariate(1 / lateness)) - 3
            paid_at = due + timedelta(days=late)
            paid, status = Decimal(0), "open"
            if paid_at <= as_of and rng.random() < 0.985:
                part = amount if rng.random() < 0.9 else (amount / 2).quantize(Decimal("0.01"))
                paid, status = part, "paid" if part == amount else "open"
                yield "payment", {"id": f"P{iid}", "invoice_id": iid, "amount": part,
                                  "currency": "CNY", "paid_at": paid_at, "principal_part": part,
                                  "penalty_part": Decimal(0), "request_hash": "bench"}
            yield "invoice", {"id": iid, "customer_id": cid, "order_id": None, "amount": amount,
                              "currency": "CNY", "issue_date": issue, "due_date": due,
                              "principal_paid": paid, "penalty_accrued": Decimal(0),
                              "penalty_waived": Decimal(0), "penalty_paid": Decimal(0),
                              "reservation_consumed": Decimal(0), "status": status,
                              "request_hash": "bench"}


def seed(url: str, instance: Path, args: argparse.Namespace) -> None:
    """Migrate, seed tiers and rule sets, and bulk-insert the book."""
    app = Services.build(Settings(url, instance, Path(__file__).resolve().parents[1] / "rules"))
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
    app.database.dispose()


def run(url: str, instance: Path, args: argparse.Namespace, as_of: date) -> tuple[float, float]:
    """Time `policy-service daily` in a child; returns (seconds, peak RSS MiB)."""
    env = {**os.environ, "DATABASE_URL": url, "POLICY_INSTANCE_PATH": str(instance)}
    started = time.perf_counter()
    done = subprocess.run([CLI, "daily", "--as-of", as_of.isoformat(), "--batch-size",
                           str(args.batch_size)], env=env, capture_output=True, text=True,
                          check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    print(done.stdout.rstrip())
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def bench(backend: str, args: argparse.Namespace) -> None:
    """Seed and time one backend."""
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        if backend == "sqlite":
            url, drop = f"sqlite:///{instance / 'bench.db'}", None
        else:
            name = f"policy_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
            drop = (admin, name)
        try:
            started = time.perf_counter()
            seed(url, instance, args)
            print(f"[{backend}] seeded {args.customers:,} customers / {args.invoices:,} invoices "
                  f"in {time.perf_counter() - started:.1f} s")
            for label, day in (("first run (catch-up)", args.as_of),
                               ("next day", args.as_of + timedelta(days=1))):
                seconds, rss = run(url, instance, args, day)
                print(f"[{backend}] daily {label}: wall {seconds:.1f} s, "
                      f"{args.invoices / seconds:,.0f} invoices/s, peak RSS {rss:.0f} MiB")
        finally:
            if drop is not None:
                with drop[0].connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{drop[1]}" WITH (FORCE)'))
                drop[0].dispose()


def main() -> None:
    """Parse arguments and bench each backend."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 23))
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--batch-size", type=int, default=500)
    args = parser.parse_args()
    for backend in args.backends.split(","):
        bench(backend.strip(), args)


if __name__ == "__main__":
    main()
