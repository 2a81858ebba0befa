"""End to end over HTTP against `policy-service serve`, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import requests

from tests.conftest import RULES_DIR
from tests.e2e.conftest import CLI, Server


def _put_customer(server: Server, headers: dict[str, str], customer_id: str, limit: str,
                  term_days: int | None = None) -> None:
    response = requests.put(f"{server.base_url}/v1/customers/{customer_id}", headers=headers,
                            json={"name": "Acme", "tier": "B", "credit_limit": limit,
                                  "currency": "CNY", "payment_term_days": term_days},
                            timeout=10)
    assert response.status_code in (200, 201), response.text


def test_concurrent_checks_on_one_customer_never_exceed_its_limit(server: Server) -> None:
    headers = server.key("order_system")
    _put_customer(server, headers, "C-RACE", "100000.00")
    barrier = threading.Barrier(24)

    def check(index: int) -> dict:
        barrier.wait()
        response = requests.post(f"{server.base_url}/v1/credit-checks", headers=headers, json={
            "order_id": f"RACE-{index}", "customer_id": "C-RACE", "amount": "10000.00",
            "currency": "CNY"}, timeout=60)
        assert response.status_code == 200, response.text
        return response.json()

    with ThreadPoolExecutor(max_workers=24) as pool:
        results = list(pool.map(check, range(24)))
    outcomes = [r["outcome"] for r in results]
    assert outcomes.count("approved") == 10
    # past the limit each order is its own excess (within 20% of the limit): approved only
    # if prepaid in full, so it reserves nothing
    graded = [r for r in results if r["outcome"] == "approved_with_conditions"]
    assert len(graded) == 14
    assert all(r["conditions"] == [{"type": "prepayment", "amount": "10000.00"}]
               and r["reserved"] == "0.00" for r in graded)
    reserved = sum(Decimal(r["reserved"]) for r in results)
    assert reserved == Decimal("100000.00")
    credit = requests.get(f"{server.base_url}/v1/customers/C-RACE/credit", headers=headers,
                          timeout=10).json()
    assert credit["available"] == "0.00"


def test_a_published_version_is_used_by_every_worker_without_a_restart(
    server: Server, tmp_path: Path
) -> None:
    headers = server.key("order_system")
    # a 180-day customer: the shipped term_exceeds rule leaves its 150-day orders alone
    _put_customer(server, headers, "C-SWAP", "1000000.00", term_days=180)
    before = requests.post(f"{server.base_url}/v1/credit-checks", headers=headers, json={
        "order_id": "SWAP-0", "customer_id": "C-SWAP", "amount": "1.00", "currency": "CNY"},
        timeout=10).json()
    document = json.loads((RULES_DIR / "credit_approval.json").read_text(encoding="utf-8"))
    document["rules"].append({
        "name": "long_terms", "description": "added by the e2e test", "priority": 60,
        "when": "order.requested_term_days > 120",
        "then": {"outcome": "hold", "code": "TERM_TOO_LONG", "conditions": [],
                 "message": {
                     "zh": "账期 {order.requested_term_days} 天过长",
                     "en": "requested term of {order.requested_term_days} days is too long"}},
    })
    path = tmp_path / "credit_approval.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    out = server.cli("rules", "import", str(path), "--author", "risk-a", "--approved-by", "risk-b")
    new_version = before["ruleset"]["version"] + 1
    assert f"v{new_version}" in out
    results = [requests.post(f"{server.base_url}/v1/credit-checks", headers=headers, json={
        "order_id": f"SWAP-{i}", "customer_id": "C-SWAP", "amount": "600.00",
        "currency": "CNY", "requested_term_days": 150}, timeout=10).json() for i in range(1, 13)]
    assert {r["ruleset"]["version"] for r in results} == {new_version}
    assert {r["outcome"] for r in results} == {"hold"}
    assert results[0]["reasons"][0]["code"] == "TERM_TOO_LONG"
    assert "150 days is too long" in results[0]["reasons"][0]["message"]["en"]
    metrics = requests.get(f"{server.base_url}/metrics", timeout=10).text
    assert 'policy_credit_checks_total{outcome="hold"}' in metrics


def test_a_rule_set_that_does_not_validate_is_refused_and_nothing_changes(
    server: Server, tmp_path: Path
) -> None:
    headers = server.key("risk_manager")
    before = requests.get(f"{server.base_url}/v1/rulesets/credit_approval", headers=headers,
                          timeout=10).json()
    document = json.loads((RULES_DIR / "credit_approval.json").read_text(encoding="utf-8"))
    document["rules"][0]["when"] = "customer.statuss == \"blacklisted\""
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    done = subprocess.run([CLI, "rules", "import", str(path), "--author", "a",
                           "--approved-by", "b"], env=server.env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode != 0
    assert "customer.statuss" in done.stderr and "customer.status" in done.stderr
    after = requests.get(f"{server.base_url}/v1/rulesets/credit_approval", headers=headers,
                         timeout=10).json()
    assert after["version"] == before["version"]
