"""Benchmark the collections worklist (GET /v1/worklist, the admin worklist screen) over a
seeded book after the day's run.

Run:  .venv/bin/python bench/worklist_bench.py [--customers 100000] [--invoices 1000000]
      [--repeat 3] [--backends sqlite,postgresql] [--owner sales-0]
      [--keep | --url URL] [--only service,api,owner,owner-api,admin,owner-admin]

The book is daily_bench.py's (same generator and seed, as of 2026-11-23), then
`policy-service daily --as-of` that date runs in a child so the dunning steps the worklist
reads are those a real book has; the worklist is read as of the same date. Timed: the
service call for the whole book (every owner) and for one owner (a sales key sees its own
customers), the API's GET /v1/worklist for both (the API does not page: one response is
every item), and the admin worklist screen for both (its first page of 50 rows). Each figure
is the best and the worst of ``--repeat`` runs, printed with this process's CPU time and
the load average before the runs.

``--keep`` leaves the seeded PostgreSQL database in place and prints its URL; ``--url``
times an existing one (no seeding, no daily run), so an older checkout's code can be timed
against the same book by running its copy of this file with the same ``--url``. Drop a
kept database with ``DROP DATABASE ... WITH (FORCE)``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from daily_bench import PG_URL, bench_database, book_arguments, run, seed
from reports_bench import best

from policy_service.app import create_app
from policy_service.config import SHIPPED_RULES, Settings
from policy_service.container import Services
from policy_service.services.access.credentials import create_api_key, create_user
from policy_service.services.collections import queries
from policy_service.services.errors import Conflict
from tests.integration.test_admin_support import PASSWORD, login

WHAT = ("service", "api", "owner", "owner-api", "admin", "owner-admin")


def digest(items: list[dict[str, Any]]) -> str:
    """A short checksum of the items, so two runs (or two checkouts) can be compared."""
    body = json.dumps(items, default=str, sort_keys=True).encode()
    return hashlib.sha256(body).hexdigest()[:16]


def time_all(app: Services, args: argparse.Namespace) -> None:
    """Time each view of the worklist on a seeded, run book."""
    app.today = lambda: args.as_of
    flask = create_app(app_services=app, bootstrap=False)
    suffix = uuid.uuid4().hex[:6]
    risk_key = create_api_key(app.uow(), f"bench-{suffix}", "risk_manager")
    risk = {"Authorization": f"Bearer {risk_key}"}
    sales = {"Authorization": f"Bearer {create_api_key(app.uow(), args.owner, 'sales')}"}
    for name, role in ((f"bench-risk-{suffix}", "risk_manager"), (args.owner, "sales")):
        with contextlib.suppress(Conflict):  # the owner's login exists from an earlier run
            create_user(app.uow(), name, role, PASSWORD)
    api = flask.test_client()
    views: dict[str, tuple[str, Callable[[], Any]]] = {
        "service": ("service: the whole worklist (every owner)",
                    lambda: queries.worklist(app.uow(), app.rulesets, args.as_of)["items"]),
        "api": ("GET /v1/worklist (risk manager: every owner, one response)",
                lambda: api.get("/v1/worklist", headers=risk).get_json()["items"]),
        "owner": (f"service: one owner's worklist ({args.owner})",
                  lambda: queries.worklist(app.uow(), app.rulesets, args.as_of,
                                           args.owner)["items"]),
        "owner-api": (f"GET /v1/worklist (sales key {args.owner}: its own customers)",
                      lambda: api.get("/v1/worklist", headers=sales).get_json()["items"]),
    }
    wanted = args.only.split(",")
    for key in ("service", "api", "owner", "owner-api"):
        if key in wanted:
            label, work = views[key]
            items = best(label, work, args.repeat)
            steps = sum(1 for i in items if i["next_step"] is not None)
            print(f"    {len(items):,} items, {steps:,} with a next step, digest {digest(items)}")
    for key, user in (("admin", f"bench-risk-{suffix}"), ("owner-admin", args.owner)):
        if key in wanted:
            client = login(flask, user)
            page = best(f"admin worklist screen ({user})",
                        lambda c=client: c.get("/admin/worklist/").get_data(as_text=True),
                        args.repeat)
            print(f"    {page.count('worklist-row'):,} rows, {len(page) / 1024:,.0f} KiB")


def bench(backend: str, args: argparse.Namespace) -> None:
    """Seed one backend, run the day, and time the worklist on it."""
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        if args.url:
            app = Services.build(Settings(args.url, instance, SHIPPED_RULES))
            print(f"[{args.url}] existing book")
            time_all(app, args)
            app.database.dispose()
            return
        with bench_database(backend, instance) as url:
            seed(url, instance, args)
            seconds, _ = run(url, instance, args, args.as_of)
            print(f"[{backend}] {args.customers:,} customers / {args.invoices:,} invoices; "
                  f"daily --as-of {args.as_of} {seconds:.1f} s")
            app = Services.build(Settings(url, instance, SHIPPED_RULES))
            time_all(app, args)
            app.database.dispose()
            if args.keep and backend == "postgresql":
                kept = f"policy_bench_kept_{uuid.uuid4().hex[:8]}"
                admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
                with admin.connect() as connection:
                    connection.execute(text(
                        f'CREATE DATABASE "{kept}" TEMPLATE "{make_url(url).database}"'))
                admin.dispose()
                print("kept: " + make_url(PG_URL).set(database=kept)
                      .render_as_string(hide_password=False))


def main() -> None:
    """Parse arguments and bench each backend."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    book_arguments(parser)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--owner", default="sales-0")
    parser.add_argument("--only", default=",".join(WHAT))
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    for backend in ([args.url] if args.url else args.backends.split(",")):
        bench(backend.strip(), args)


if __name__ == "__main__":
    main()
