"""Where one HTTP credit check spends its time, in-process: statements, wall and CPU time.

Run:  .venv/bin/python bench/check_profile.py [--checks 3000] [--backends sqlite,postgresql]
          [--profile]

It builds the real Flask app on a fresh database, syncs 1,000 customers, and sends
credit checks through Flask's test client (no socket, no gunicorn), one at a time. It
prints per check: database statements (pool pings and BEGIN/COMMIT included), wall and
CPU milliseconds of this process. With --profile it also prints the top of a cProfile.
This is the quick loop for the hot path; bench/http_bench.py measures the real server.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import event

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from policy_service.app import create_app  # noqa: E402
from policy_service.config import SHIPPED_RULES, Settings  # noqa: E402
from policy_service.container import Services  # noqa: E402
from policy_service.services.access.credentials import create_api_key  # noqa: E402
from tests.databases import throwaway_database  # noqa: E402

CUSTOMERS = 1000


class StatementTimer:
    """Counts and times what reaches the driver: statements, plus begins and commits."""

    def __init__(self, engine: Any) -> None:
        self.count = 0
        self.seconds: dict[str, float] = defaultdict(float)
        self._started = 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)
        event.listen(engine, "begin", self._bump)
        event.listen(engine, "commit", self._bump)
        event.listen(engine, "rollback", self._bump)
        self._wrap_commit(engine)

    def _bump(self, *_args: object) -> None:
        self.count += 1

    def _before(self, *_args: object) -> None:
        self._started = time.perf_counter()

    def _after(self, _conn: object, _cursor: object, statement: str, *_args: object) -> None:
        self.count += 1
        label = " ".join(statement.split()[:4])[:60]
        self.seconds[label] += time.perf_counter() - self._started

    def _wrap_commit(self, engine: Any) -> None:
        dialect = engine.dialect
        do_commit = dialect.do_commit

        def timed_commit(connection: object) -> None:
            started = time.perf_counter()
            do_commit(connection)
            self.seconds["COMMIT"] += time.perf_counter() - started

        dialect.do_commit = timed_commit


def run(backend: str, checks: int, profile: bool) -> None:
    """Sync customers, warm up, then time `checks` credit checks."""
    tmp = Path(tempfile.mkdtemp(prefix="check-profile-"))
    with throwaway_database(backend, tmp) as url:
        services = Services.build(Settings(database_url=url, instance_path=tmp / "instance",
                                           rules_dir=SHIPPED_RULES))
        client = create_app(app_services=services).test_client()
        key = create_api_key(services.uow(), "profile", "order_system")
        headers = {"Authorization": f"Bearer {key}"}
        for index in range(CUSTOMERS):
            client.put(f"/v1/customers/BC-{index}", headers=headers, json={
                "name": f"Bench {index}", "tier": "A", "credit_limit": "900000000000.00",
                "currency": "CNY"})
        run_id = uuid.uuid4().hex[:8]

        def check(number: int) -> None:
            response = client.post("/v1/credit-checks", headers=headers, json={
                "order_id": f"{run_id}-{number}", "customer_id": f"BC-{number % CUSTOMERS}",
                "amount": "10.00", "currency": "CNY"})
            assert response.status_code == 200, response.get_json()

        for number in range(300):
            check(number)
        counter = StatementTimer(services.database.engine)
        profiler = cProfile.Profile() if profile else None
        wall, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        latencies = []
        for number in range(300, 300 + checks):
            one = time.perf_counter()
            check(number)
            latencies.append(time.perf_counter() - one)
        if profiler:
            profiler.disable()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"{backend:<11} {counter.count / checks:5.1f} statements/check  "
              f"wall {wall / checks * 1000:6.2f} ms  cpu {cpu / checks * 1000:6.2f} ms  "
              f"({checks} checks)")
        latencies.sort()
        print(f"{'':<11} one at a time: p50 {latencies[len(latencies) // 2] * 1000:.2f} ms, "
              f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.2f} ms, "
              f"max {latencies[-1] * 1000:.2f} ms")
        for label, seconds in sorted(counter.seconds.items(), key=lambda item: -item[1]):
            print(f"{'':<11} {seconds / checks * 1000:6.3f} ms  {label}")
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        services.database.dispose()


def main() -> None:
    """Parse arguments and run each backend."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=3000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    for backend in args.backends.split(","):
        run(backend, args.checks, args.profile)


if __name__ == "__main__":
    main()
