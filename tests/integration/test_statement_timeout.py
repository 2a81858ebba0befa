"""A PostgreSQL that stops answering gives 503 within the statement timeout, not a hang."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from sqlalchemy import text

from policy_service.app import create_app
from policy_service.config import Settings
from policy_service.container import Services
from policy_service.services.access.credentials import create_api_key

pytestmark = pytest.mark.postgresql_only  # SQLite: test_sqlite_timeouts.py


def test_a_credit_check_behind_a_held_lock_answers_503_within_the_timeout(
        services: Services) -> None:
    impatient = Services.build(replace(services.settings, statement_timeout=1.0))
    key = create_api_key(impatient.uow(), "erp", "order_system")
    client = create_app(app_services=impatient, bootstrap=False).test_client()
    headers = {"Authorization": f"Bearer {key}"}
    assert client.put("/v1/customers/C-1", headers=headers, json={
        "name": "Acme", "tier": "B", "credit_limit": "1000.00",
        "currency": "CNY"}).status_code == 201
    with services.database.engine.connect() as holder:
        holder.execute(text("LOCK TABLE customers IN ACCESS EXCLUSIVE MODE"))
        started = time.monotonic()
        response = client.post("/v1/credit-checks", headers=headers, json={
            "order_id": "SO-1", "customer_id": "C-1", "amount": "10.00", "currency": "CNY"})
        waited = time.monotonic() - started
        holder.rollback()
    impatient.database.dispose()
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "unavailable"
    assert waited < 4


def test_the_timeouts_are_settings_in_seconds() -> None:
    assert Settings.from_env({}).statement_timeout == 5.0
    assert Settings.from_env({"POLICY_STATEMENT_TIMEOUT": "2.5"}).statement_timeout == 2.5
    assert Settings.from_env({"POLICY_BATCH_STATEMENT_TIMEOUT": "0"}).batch_statement_timeout == 0
    with pytest.raises(ValueError, match="POLICY_STATEMENT_TIMEOUT"):
        Settings.from_env({"POLICY_STATEMENT_TIMEOUT": "soon"})
