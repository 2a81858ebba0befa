"""Shared fixtures: every database test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from policy_service.api.auth import clear_key_cache
from policy_service.app import create_app
from policy_service.config import SHIPPED_RULES, Settings
from policy_service.container import Services
from policy_service.db.models import Base
from policy_service.services.access.credentials import API_ROLES, create_api_key
from tests.databases import BACKENDS, throwaway_database

RULES_DIR = SHIPPED_RULES


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[str]:
    """One migrated database per backend per test process."""
    with throwaway_database(request.param, tmp_path_factory.mktemp("db")) as url:
        Services.build(_settings(url, tmp_path_factory.mktemp("instance"))).database.migrate()
        yield url


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked postgresql_only are not collected with the SQLite database."""
    kept, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_sqlite = callspec is not None and callspec.params.get("database_url") == "sqlite"
        (dropped if on_sqlite and item.get_closest_marker("postgresql_only") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(autouse=True)
def _restore_root_logging() -> Iterator[None]:
    """A command run in-process configures logging; put the root logger back after it."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _settings(url: str, instance: Path) -> Settings:
    return Settings(database_url=url, instance_path=instance, rules_dir=RULES_DIR)


@pytest.fixture
def services(database_url: str, tmp_path: Path) -> Iterator[Services]:
    """Services on an emptied database, with tiers and shipped rule sets seeded."""
    app_services = Services.build(_settings(database_url, tmp_path))
    _empty(app_services)
    app_services.bootstrap()
    clear_key_cache()
    yield app_services
    app_services.database.dispose()


def _empty(app_services: Services) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with app_services.database.engine.begin() as connection:
        if app_services.database.is_sqlite:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))
        else:
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


@pytest.fixture
def app(services: Services) -> Flask:
    """The Flask app over those services."""
    return create_app(app_services=services, bootstrap=False)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client."""
    return app.test_client()


@pytest.fixture
def keys(services: Services) -> dict[str, dict[str, str]]:
    """Authorization headers for one key of each role."""
    return {
        role: {"Authorization": f"Bearer {create_api_key(services.uow(), f'{role}-key', role)}"}
        for role in API_ROLES
    }


class Api:
    """A thin helper over the test client speaking JSON with a role's key."""

    def __init__(self, client: FlaskClient, keys: dict[str, dict[str, str]]) -> None:
        self.client = client
        self.keys = keys

    def call(self, method: str, path: str, role: str = "order_system", json: Any = None,
             **kwargs: Any) -> Any:
        """Send a request as `role`; returns the response."""
        return self.client.open(path, method=method, json=json, headers=self.keys[role], **kwargs)

    def customer(self, customer_id: str = "C-1", **fields: Any) -> Any:
        """PUT a customer with sensible defaults."""
        body = {"name": "Acme", "tier": "B", "credit_limit": "100000.00", "currency": "CNY",
                **fields}
        response = self.call("PUT", f"/v1/customers/{customer_id}", json=body)
        assert response.status_code in (200, 201), response.get_json()
        return response.get_json()

    def check(self, order_id: str, amount: str, customer_id: str = "C-1", **fields: Any) -> Any:
        """POST a credit check."""
        body = {"order_id": order_id, "customer_id": customer_id, "amount": amount,
                "currency": "CNY", **fields}
        return self.call("POST", "/v1/credit-checks", json=body)


@pytest.fixture
def api(client: FlaskClient, keys: dict[str, dict[str, str]]) -> Api:
    """JSON helper with keys for every role."""
    return Api(client, keys)
