"""On SQLite, the statement timeout bounds the wait for the writer lock and each statement.

PostgreSQL enforces ``statement_timeout`` itself (test_statement_timeout.py); the embedded
default must not hang a worker either: a credit check behind a held writer lock answers
503 within the timeout, and a runaway statement is interrupted.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from policy_service.app import create_app
from policy_service.config import SHIPPED_RULES, Settings
from policy_service.container import Services
from policy_service.db.database import Database
from policy_service.services.access.credentials import create_api_key

COUNT_TO_A_BILLION = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                      "WHERE i < 1000000000) SELECT count(*) FROM n")


@pytest.fixture
def impatient(tmp_path: Path) -> Services:
    services = Services.build(Settings(
        database_url=f"sqlite:///{tmp_path / 'policy.db'}", instance_path=tmp_path,
        rules_dir=SHIPPED_RULES, statement_timeout=1.0))
    services.database.migrate()
    services.bootstrap()  # tiers and the shipped rule sets
    return services


def test_a_credit_check_behind_a_held_writer_lock_answers_503_within_the_timeout(
        impatient: Services) -> None:
    key = create_api_key(impatient.uow(), "erp", "order_system")
    client = create_app(app_services=impatient, bootstrap=False).test_client()
    headers = {"Authorization": f"Bearer {key}"}
    assert client.put("/v1/customers/C-1", headers=headers, json={
        "name": "Acme", "tier": "B", "credit_limit": "1000.00",
        "currency": "CNY"}).status_code == 201
    holder = Database(impatient.database.url)  # another worker's writer, not finishing
    holding, done = threading.Event(), threading.Event()

    def hold() -> None:
        with holder.engine.begin() as connection:
            connection.execute(text("UPDATE customers SET name = name"))
            holding.set()
            done.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    assert holding.wait(5)
    started = time.monotonic()
    response = client.post("/v1/credit-checks", headers=headers, json={
        "order_id": "SO-1", "customer_id": "C-1", "amount": "10.00", "currency": "CNY"})
    waited = time.monotonic() - started
    done.set()
    thread.join()
    holder.dispose()
    assert response.status_code == 503, response.get_json()
    assert response.get_json()["error"]["code"] == "unavailable"
    assert 0.9 < waited < 4
    # Once the writer is gone the same check goes through, decided now: nothing of the
    # refused attempt was written (no decision to replay, no reservation).
    again = client.post("/v1/credit-checks", headers=headers, json={
        "order_id": "SO-1", "customer_id": "C-1", "amount": "10.00", "currency": "CNY"})
    assert again.status_code == 200
    credit = client.get("/v1/customers/C-1/credit", headers=headers).get_json()
    assert credit["exposure"]["reserved_orders"] == "10.00", credit


def test_a_runaway_statement_is_interrupted(impatient: Services) -> None:
    started = time.monotonic()
    with pytest.raises(OperationalError, match="interrupted"), \
            impatient.database.engine.connect() as connection:
        connection.execute(text(COUNT_TO_A_BILLION))
    assert time.monotonic() - started < 4
    with impatient.database.engine.connect() as connection:  # the connection is usable again
        assert connection.execute(text("SELECT 1")).scalar() == 1


def test_without_a_timeout_nothing_is_interrupted(tmp_path: Path) -> None:
    patient = Database(f"sqlite:///{tmp_path / 'p.db'}")
    with patient.engine.connect() as connection:
        assert connection.execute(text(COUNT_TO_A_BILLION.replace(
            "1000000000", "300000"))).scalar() == 300000
    patient.dispose()
