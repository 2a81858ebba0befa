"""Blacklist candidates: the decision service and GET /v1/blacklist-candidates (api.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from policy_service.container import Services
from policy_service.db.models_admin import ChangeRecord
from policy_service.db.models_receivables import BlacklistCandidate
from policy_service.services.credit.customers import CustomerInput, upsert_customer
from policy_service.services.day.candidates import decide_candidate
from policy_service.services.errors import Conflict, Invalid, NotFound
from tests.conftest import Api
from tests.integration.receivables_book import customer, get_customer

FLAGGED = date(2026, 6, 1)


def _flag(services: Services, customer_id: str, on: date = FLAGGED,
          status: str = "pending") -> int:
    with services.uow() as uow:
        row = BlacklistCandidate(customer_id=customer_id, flagged_on=on, late_invoices=3,
                                 status=status)
        uow.session.add(row)
        uow.commit()
        return row.id


@pytest.fixture
def flagged(services: Services) -> dict[str, int]:
    """C-1 (owner sales-key) flagged; C-2 (owner sales-1) flagged earlier and dismissed."""
    upsert_customer(services.uow(), "C-1", CustomerInput(
        name="Customer C-1", tier="B", credit_limit=Decimal("100000.00"), currency="CNY",
        owner="sales-key"), FLAGGED)
    customer(services, "C-2")
    return {"C-1": _flag(services, "C-1"),
            "C-2": _flag(services, "C-2", date(2026, 5, 1), "dismissed")}


def test_blacklisting_a_candidate_sets_the_status_and_records_who_and_why(
        services: Services, flagged: dict[str, int]) -> None:
    assert decide_candidate(services.uow(), flagged["C-1"], blacklist=True,
                            reason=" late again ", actor="rm") == "C-1"
    after = get_customer(services, "C-1")
    assert (after.status, after.status_reason) == ("blacklisted", "late again (rm)")
    with services.database.sessions() as session:
        history = {(r.entity, r.field): r.new_value for r in session.scalars(select(ChangeRecord))}
    assert history[("customer", "status")] == "blacklisted"
    assert history[("blacklist_candidate", "status")] == "blacklisted"
    assert history[("blacklist_candidate", "note")] == "late again"


def test_a_candidate_is_decided_once_with_a_reason_and_must_exist(
        services: Services, flagged: dict[str, int]) -> None:
    with pytest.raises(Invalid):
        decide_candidate(services.uow(), flagged["C-1"], blacklist=False, reason=" ", actor="rm")
    with pytest.raises(NotFound):
        decide_candidate(services.uow(), 999_999, blacklist=False, reason="x", actor="rm")
    with pytest.raises(Conflict):
        decide_candidate(services.uow(), flagged["C-2"], blacklist=True, reason="x", actor="rm")
    decide_candidate(services.uow(), flagged["C-1"], blacklist=False, reason="fine", actor="rm")
    assert get_customer(services, "C-1").status == "active"


def test_the_list_is_wrapped_newest_first_and_filters_by_status(
        api: Api, flagged: dict[str, int]) -> None:
    body = api.call("GET", "/v1/blacklist-candidates", "auditor").get_json()
    assert [c["customer_id"] for c in body["blacklist_candidates"]] == ["C-1", "C-2"]
    first = body["blacklist_candidates"][0]
    assert first == {"candidate_id": flagged["C-1"], "customer_id": "C-1",
                     "flagged_on": "2026-06-01", "late_invoices": 3, "status": "open"}
    dismissed = api.call("GET", "/v1/blacklist-candidates?status=dismissed",
                         "risk_manager").get_json()["blacklist_candidates"]
    assert [c["customer_id"] for c in dismissed] == ["C-2"]
    bad = api.call("GET", "/v1/blacklist-candidates?status=pending", "auditor")
    assert bad.status_code == 422 and "status" in bad.get_json()["error"]["fields"]


def test_sales_see_only_their_own_customers_candidates(api: Api, flagged: dict[str, int]
                                                       ) -> None:
    body = api.call("GET", "/v1/blacklist-candidates", "sales").get_json()
    assert [c["customer_id"] for c in body["blacklist_candidates"]] == ["C-1"]


@pytest.mark.parametrize(("role", "status"), [
    ("order_system", 403), ("sales", 200), ("risk_manager", 200), ("auditor", 200)])
def test_the_role_matrix_of_the_candidate_list(api: Api, role: str, status: int) -> None:
    assert api.call("GET", "/v1/blacklist-candidates", role).status_code == status
    assert api.client.get("/v1/blacklist-candidates").status_code == 401
