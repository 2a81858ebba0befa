"""Every admin endpoint for every role: allowed, refused with 403, or sent to the login form."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask

from policy_service.container import Services
from policy_service.services.rules import lifecycle, registry
from tests.integration.receivables_book import invoice
from tests.integration.test_admin_support import login, make_users

EVERYONE = {"admin", "risk_manager", "auditor", "sales"}
STAFF = {"admin", "risk_manager", "auditor"}
EDITORS = {"admin", "risk_manager"}
RISK = {"risk_manager"}
NOBODY: set[str] = set()


def endpoints(decision: str, draft: int) -> list[tuple[str, str, set[str]]]:
    """(method, path, roles allowed) for every admin screen and action."""
    d, c = f"/admin/drafts/credit_approval/{draft}", "/admin/customers"
    return [
        ("GET", "/admin/", EVERYONE),
        ("GET", "/admin/lookup/?customer_id=C-1&order_id=SO-HOLD", EVERYONE),
        ("GET", f"{c}/", STAFF), ("GET", f"{c}/details/?id=C-1", STAFF),
        ("GET", f"{c}/edit/?id=C-1", EDITORS), ("POST", f"{c}/edit/?id=C-1", EDITORS),
        ("GET", f"{c}/new/", NOBODY), ("POST", f"{c}/new/", NOBODY),
        ("POST", f"{c}/delete/", NOBODY),
        ("GET", "/admin/tiers/", STAFF), ("GET", "/admin/tiers/edit/?id=A", EDITORS),
        ("POST", "/admin/tiers/edit/?id=A", EDITORS), ("POST", "/admin/tiers/delete/", NOBODY),
        ("GET", "/admin/changes/", STAFF), ("POST", "/admin/changes/delete/", NOBODY),
        ("GET", "/admin/held/", STAFF), ("GET", f"/admin/held/details/?id={decision}", STAFF),
        ("POST", f"/admin/held/decide/{decision}", RISK),
        ("POST", "/admin/held/delete/", NOBODY),
        ("GET", "/admin/decisions/", STAFF),
        ("GET", f"/admin/decisions/details/?id={decision}", STAFF),
        ("GET", "/admin/decisions/export/csv/", STAFF),
        ("GET", f"/admin/decisions/edit/?id={decision}", NOBODY),
        ("POST", f"/admin/decisions/edit/?id={decision}", NOBODY),
        ("POST", "/admin/decisions/delete/", NOBODY),
        ("GET", "/admin/drafts/", STAFF), ("GET", d, STAFF),
        ("POST", "/admin/drafts/credit_approval/new", RISK), ("POST", f"{d}/save", RISK),
        ("POST", f"{d}/validate", RISK), ("POST", f"{d}/test", RISK),
        ("POST", f"{d}/backtest", RISK), ("POST", f"{d}/submit", RISK),
        ("POST", f"{d}/approve", RISK), ("POST", f"{d}/reject", RISK),
        ("GET", "/admin/rulehistory/", STAFF),
        ("GET", "/admin/rulehistory/credit_approval/1", STAFF),
        ("GET", "/admin/rulehistory/credit_approval/diff?old=1&new=1", STAFF),
        ("POST", "/admin/rulehistory/credit_approval/diff", NOBODY),
        *queue_endpoints(),
    ]


def queue_endpoints() -> list[tuple[str, str, set[str]]]:
    """The receivables queues: staff read; only risk managers decide, waive or write off."""
    i = "/admin/invoices/I-1"
    return [
        ("GET", "/admin/reviews/", STAFF), ("GET", "/admin/reviews/?page=2", STAFF),
        ("POST", "/admin/reviews/1/decide", RISK), ("POST", "/admin/reviews/", NOBODY),
        ("GET", "/admin/stop-supply/", STAFF), ("POST", "/admin/stop-supply/", NOBODY),
        ("POST", "/admin/stop-supply/C-1/lift", RISK),
        ("GET", "/admin/legal-cases/", STAFF), ("GET", "/admin/legal-cases/?status=open", STAFF),
        ("POST", "/admin/legal-cases/", NOBODY), ("POST", "/admin/legal-cases/1/close", RISK),
        ("GET", "/admin/blacklist/", STAFF), ("POST", "/admin/blacklist/1/decide", RISK),
        ("GET", "/admin/invoices/", STAFF), ("GET", "/admin/invoices/?customer_id=C-1", STAFF),
        ("GET", i, STAFF), ("POST", f"{i}/waive-penalty", RISK), ("POST", f"{i}/write-off", RISK),
        ("GET", f"{i}/write-off", NOBODY),
    ]


@pytest.fixture
def world(services: Services, api: Any) -> dict[str, Any]:
    """A customer, a held order, an invoice and a draft; users of every role."""
    api.customer("C-1", credit_limit="1000.00")
    held = api.check("SO-HOLD", "5000.00").get_json()
    assert held["outcome"] == "hold"
    invoice(services, "I-1", "100.00", date(2026, 3, 1))
    with services.uow() as uow:
        document = registry.get_version(uow.session, "credit_approval").document
    draft = lifecycle.create_draft(services.uow(), services.rulesets, "credit_approval", document,
                                   "risk_manager-user")
    return {"users": make_users(services), "decision": held["decision_id"],
            "draft": draft["draft_id"]}


@pytest.mark.parametrize("role", sorted(EVERYONE))
def test_each_role_reaches_exactly_the_admin_screens_it_is_allowed(
        app: Flask, world: dict[str, Any], role: str) -> None:
    """Allowed: no 403 and no login redirect (POSTs without a CSRF token are then refused 400)."""
    client = login(app, world["users"][role])
    wrong = []
    for method, path, allowed in endpoints(world["decision"], world["draft"]):
        response = client.open(path, method=method, data={})
        refused = response.status_code in (403, 405)
        if (role in allowed) == refused or response.status_code >= 500:
            wrong.append(f"{method} {path}: {response.status_code} (allowed: {role in allowed})")
    assert not wrong, "\n".join(wrong)


def test_anonymous_visitors_are_sent_to_the_login_form_from_every_screen(
        app: Flask, world: dict[str, Any]) -> None:
    """Nobody logged in: every admin URL redirects to /admin/auth/login."""
    client = app.test_client()
    for method, path, _allowed in endpoints(world["decision"], world["draft"]):
        response = client.open(path, method=method, data={})
        if response.status_code == 405:
            continue
        assert response.status_code == 302, f"{method} {path}: {response.status_code}"
        assert "/admin/auth/login" in response.headers["Location"], path


def test_a_post_without_the_csrf_token_changes_nothing(app: Flask, world: dict[str, Any],
                                                       services: Services) -> None:
    """Even the right role is refused when the form's CSRF token is missing."""
    client = login(app, world["users"]["risk_manager"])
    client.post("/admin/customers/edit/?id=C-1", data={"credit_limit": "1.00", "tier": "A",
                                                        "status": "active"})
    assert client.post(f"/admin/held/decide/{world['decision']}",
                       data={"action": "release", "note": "x"}).status_code == 400
    credit = client.get("/admin/lookup/?customer_id=C-1").get_data(as_text=True)
    assert "1,000.00 CNY" in credit  # the limit, unchanged
    assert "SO-HOLD" in client.get("/admin/held/").get_data(as_text=True)
