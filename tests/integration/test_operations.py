"""Health, readiness, metrics, OpenAPI, an unreachable database, and rule set hot swap."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from policy_service.app import create_app
from policy_service.config import Settings
from policy_service.container import Services
from policy_service.db.database import IDLE_BEFORE_PING
from policy_service.db.models import RuleSetVersion
from policy_service.services.rules import registry
from tests.conftest import RULES_DIR, Api, _empty
from tests.databases import PG_ADMIN_URL


def _document() -> dict:
    return json.loads((RULES_DIR / "credit_approval.json").read_text(encoding="utf-8"))


def test_readyz_reports_the_loaded_rule_sets(api: Api) -> None:
    response = api.client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["rulesets"]["credit_approval"] == 1
    assert api.client.get("/healthz").get_json() == {"status": "ok"}


def test_metrics_count_credit_checks_by_outcome(api: Api) -> None:
    api.customer(credit_limit="100.00")
    api.check("SO-1", "10.00")
    api.check("SO-2", "1000.00")
    text = api.client.get("/metrics").get_data(as_text=True)
    assert 'policy_credit_checks_total{outcome="approved"}' in text
    assert 'policy_credit_checks_total{outcome="hold"}' in text
    assert "policy_credit_check_seconds_bucket" in text


def test_the_openapi_document_describes_the_contract(api: Api) -> None:
    spec = api.client.get("/openapi.json").get_json()
    for path in ("/v1/customers/{customer_id}", "/v1/customers/{customer_id}/credit",
                 "/v1/invoices", "/v1/invoices/{invoice_id}", "/v1/payments",
                 "/v1/credit-checks", "/v1/credit-checks/{decision_id}",
                 "/v1/credit-checks/{decision_id}/release",
                 "/v1/credit-checks/{decision_id}/reject",
                 "/v1/orders/{order_id}/cancel", "/v1/rulesets", "/v1/rulesets/{name}",
                 "/v1/rulesets/{name}/versions", "/v1/rulesets/{name}/versions/{version}"):
        assert path in spec["paths"], path
    amount = spec["components"]["schemas"]["CreditCheckIn"]["properties"]["amount"]
    assert amount["type"] == "string"


def test_a_database_that_is_down_gives_503_not_a_stack_trace(tmp_path: Path) -> None:
    settings = Settings(database_url="postgresql+psycopg://postgres@127.0.0.1:1/none",
                        instance_path=tmp_path, rules_dir=RULES_DIR)
    app = create_app(app_services=Services.build(settings), bootstrap=False)
    response = app.test_client().post(
        "/v1/credit-checks", headers={"Authorization": "Bearer whatever"},
        json={"order_id": "SO-1", "customer_id": "C-1", "amount": "1.00", "currency": "CNY"})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "unavailable"
    assert app.test_client().get("/readyz").status_code == 503


def _drop_server_connections(services: Services) -> int:
    """Terminate every PostgreSQL backend serving this test's database, as a restart would."""
    url = services.database.engine.url
    admin = create_engine(PG_ADMIN_URL)
    with admin.connect() as connection:
        dropped = connection.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": url.database}).scalar()
    admin.dispose()
    return int(dropped or 0)


@pytest.mark.postgresql_only  # SQLite has no server to drop connections
def test_a_credit_check_survives_the_database_dropping_its_connections(
    api: Api, services: Services
) -> None:
    api.customer(credit_limit="1000.00")
    assert api.check("SO-1", "100.00").status_code == 200
    assert _drop_server_connections(services) >= 1
    # At once: the pooled connection was used a moment ago, so it is not pinged; the
    # check finds it dead, and retries once on a new one.
    response = api.check("SO-2", "100.00")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["exposure_before"] == "100.00"
    assert _drop_server_connections(services) >= 1
    # After a pause: the idle connection is pinged on checkout and replaced.
    time.sleep(IDLE_BEFORE_PING + 0.2)
    credit = api.call("GET", "/v1/customers/C-1/credit")
    assert credit.status_code == 200, credit.get_json()
    assert credit.get_json()["exposure"]["reserved_orders"] == "200.00"


def test_publishing_a_version_swaps_the_rules_without_a_restart(api: Api, services) -> None:
    api.customer(tier="C", credit_limit="10000.00")
    assert api.check("SO-1", "4500.00").get_json()["outcome"] == "approved"
    document = _document()
    for rule in document["rules"]:
        if rule["name"] == "large_order_poor_credit":
            rule["when"] = rule["when"].replace("0.5", "0.4")
    with services.uow() as uow:
        registry.publish(uow.session, services.rulesets, document, author="risk-a",
                         approved_by="risk-b")
        uow.commit()
    body = api.check("SO-2", "4500.00").get_json()
    assert body["outcome"] == "approved_with_conditions"
    assert body["ruleset"]["version"] == 2


def test_a_version_that_fails_to_compile_never_replaces_the_last_good_one(api: Api,
                                                                           services) -> None:
    api.customer(credit_limit="100.00")
    assert api.check("SO-1", "10.00").get_json()["ruleset"]["version"] == 1
    broken = _document()
    broken["rules"][0]["when"] = "customer.nonsense > 1"
    with services.uow() as uow:  # bypasses publish's validation, as a bad migration might
        uow.session.add(RuleSetVersion(name="credit_approval", version=2, document=broken,
                                       checksum="x" * 64, author="somebody"))
        uow.commit()
    body = api.check("SO-2", "10.00").get_json()
    assert (body["outcome"], body["ruleset"]["version"]) == ("approved", 1)
    ready = api.client.get("/readyz")
    assert ready.status_code == 503
    assert "credit_approval" in ready.get_json()["problems"]


def test_publishing_an_invalid_document_is_refused_with_located_errors(services) -> None:
    document = _document()
    document["rules"][1]["when"] = "customer.status == "
    try:
        with services.uow() as uow:
            registry.publish(uow.session, services.rulesets, document, author="a",
                             approved_by="b")
        raise AssertionError("publish accepted an invalid document")
    except registry.Invalid as exc:
        located = exc.fields["rules"][0]
        assert located["rule"] == document["rules"][1]["name"]
        assert located["field"] == "when" and located["column"] > 1
    with services.uow() as uow:
        assert registry.get_version(uow.session, "credit_approval").version == 1


def test_a_rule_set_newly_shipped_is_seeded_as_version_1_on_the_next_start_of_an_existing_database(
        database_url: str, tmp_path: Path) -> None:
    older = tmp_path / "rules"
    older.mkdir()
    new = {"receivable_classes", "blacklist_watch"}
    for path in RULES_DIR.glob("*.json"):
        if path.name.split(".")[0] not in new:
            (older / path.name).write_bytes(path.read_bytes())
    before = Services.build(Settings(database_url=database_url, instance_path=tmp_path / "a",
                                     rules_dir=older))
    _empty(before)
    assert new.isdisjoint(before.bootstrap())
    with before.uow() as uow:  # a risk manager has moved an older set on meanwhile
        document = registry.get_version(uow.session, "escalation").document
        registry.publish(uow.session, before.rulesets, dict(document), author="rm",
                         approved_by="rm2")
        uow.commit()
    before.database.dispose()
    after = Services.build(Settings(database_url=database_url, instance_path=tmp_path / "b",
                                    rules_dir=RULES_DIR))
    assert set(after.bootstrap()) == new
    assert after.bootstrap() == []
    with after.uow() as uow:
        versions = {(row.name, row.version, row.author) for row in
                    uow.session.scalars(select(RuleSetVersion))}
    assert {(name, 1, registry.SHIPPED_AUTHOR) for name in new} <= versions
    assert ("escalation", 2, "rm") in versions
    assert len([v for v in versions if v[0] == "escalation"]) == 2
    after.database.dispose()


def test_readyz_is_503_when_the_database_reads_but_refuses_writes(
        services: Services, tmp_path: Path) -> None:
    url = services.settings.database_url
    if services.database.is_sqlite:
        read_only = "sqlite:///file:" + url.removeprefix("sqlite:///") + "?mode=ro&uri=true"
    else:
        with services.database.engine.connect() as connection:
            name = connection.exec_driver_sql("SELECT current_database()").scalar()
            connection.exec_driver_sql(
                f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
            connection.commit()
        read_only = url
    frozen = Services.build(Settings(database_url=read_only, instance_path=tmp_path,
                                     rules_dir=RULES_DIR))
    try:
        with frozen.uow() as uow:  # reading still works
            assert uow.session.execute(text("SELECT count(*) FROM tiers")).scalar() == 4
        response = create_app(app_services=frozen, bootstrap=False).test_client().get("/readyz")
    finally:
        frozen.database.dispose()
        if not services.database.is_sqlite:
            with services.database.engine.connect() as connection:
                connection.exec_driver_sql(
                    f'ALTER DATABASE "{name}" SET default_transaction_read_only = off')
                connection.commit()
    assert response.status_code == 503
    assert "does not accept writes" in response.get_json()["problems"]["database"]
