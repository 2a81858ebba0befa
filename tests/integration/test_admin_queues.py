"""The receivables queues as users see them: what a daily run produced, and deciding on it."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from policy_service.admin.views import queues
from policy_service.container import Services
from policy_service.db.models_admin import ChangeRecord
from policy_service.db.models_receivables import (
    BlacklistCandidate,
    CreditReview,
    InvoiceAdjustment,
    LegalCase,
)
from policy_service.services.day.run import run_daily
from policy_service.services.rules import lifecycle, registry
from tests.integration.receivables_book import (
    customer,
    get_customer,
    get_invoice,
    invoice,
    pay,
    rows,
    shipped_step_day,
)
from tests.integration.test_admin_support import csrf_token, login, make_users

DUE = date(2026, 3, 1)
RUN = DUE + timedelta(days=shipped_step_day("legal_action"))


@pytest.fixture
def users(services: Services, app: Flask) -> dict[str, str]:
    """One daily run over a small book, with logins of every role; today is the run's date.

    C-1: I-1 of 1,000.00 overdue since DUE -> stop supply and a legal case.
    C-2: reviewed (its review date has come), one invoice paid early -> a raise is proposed.
    C-3: three invoices more than 30 days late -> a blacklist candidate.
    """
    customer(services, "C-1", tier="B")
    invoice(services, "I-1", "1000.00", DUE)
    customer(services, "C-2", tier="B", today=DUE - timedelta(days=400))
    invoice(services, "R-1", "100.00", RUN - timedelta(days=100), customer_id="C-2")
    pay(services, "P-R-1", "R-1", "100.00", RUN - timedelta(days=105))
    customer(services, "C-3", tier="A")
    for n, days in enumerate((45, 40, 35), start=1):
        invoice(services, f"L-{n}", "100.00", RUN - timedelta(days=days), customer_id="C-3")
    run_daily(services.uow(), services.rulesets, RUN)
    services.today = lambda: RUN
    return make_users(services)


def _page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def _row(page: str, css: str, key: str, value: str) -> str:
    """The HTML of the table row with class ``css`` and ``data-key="value"``."""
    found = re.search(rf'<tr class="{css}" [^>]*data-{key}="{re.escape(value)}".*?</tr>', page,
                      re.S)
    assert found, f"no {css} row for {value}"
    return found.group(0)


def _post(client: FlaskClient, page_url: str, action_url: str, **data: str) -> Any:
    token = csrf_token(_page(client, page_url))
    return client.post(action_url, data={**data, "csrf_token": token})


def _review_id(services: Services, customer_id: str = "C-2") -> int:
    (review,) = rows(services, CreditReview, customer_id=customer_id)
    return int(review.id)


def test_each_queue_shows_the_records_the_daily_run_produced(
        app: Flask, users: dict[str, str], services: Services) -> None:
    client = login(app, users["auditor"])
    review = _row(_page(client, "/admin/reviews/"), "review-row", "customer", "C-2")
    assert '"on-time">100.0%<' in review and '"max-late">0<' in review
    assert "0.00 CNY" in review and "raise" in review and "120,000.00 CNY" in review
    stopped = _row(_page(client, "/admin/stop-supply/"), "stopped-row", "customer", "C-1")
    days = shipped_step_day("legal_action")
    assert ">I-1<" in stopped and f'"cause-days">{days}<' in stopped
    assert f"{get_invoice(services, 'I-1').outstanding:,} CNY" in stopped
    case = _row(_page(client, "/admin/legal-cases/"), "case-row", "invoice", "I-1")
    assert "open" in case and "C-1" in case
    candidate = _row(_page(client, "/admin/blacklist/"), "candidate-row", "customer", "C-3")
    assert '"late-invoices">3<' in candidate and "pending" in candidate
    overdue = _page(client, "/admin/invoices/")
    assert all(f'data-invoice="{i}"' in overdue for i in ("I-1", "L-1", "L-2", "L-3"))
    assert 'data-invoice="R-1"' not in overdue
    # every customer id a queue shows leads to that customer's credit page
    for row, customer_id in ((review, "C-2"), (stopped, "C-1"), (case, "C-1"), (candidate, "C-3"),
                          (_row(overdue, "invoice-row", "invoice", "I-1"), "C-1")):
        assert f'<a href="/admin/customer/{customer_id}">{customer_id}</a>' in row


def test_auditors_read_every_queue_but_see_no_decide_forms(
        app: Flask, users: dict[str, str]) -> None:
    client = login(app, users["auditor"])
    for url in ("/admin/reviews/", "/admin/blacklist/", "/admin/invoices/",
                "/admin/invoices/I-1", "/admin/legal-cases/", "/admin/stop-supply/"):
        page = _page(client, url)
        assert "decide-form" not in page and 'id="invoice-actions"' not in page, url
        assert "close-case-form" not in page and "lift-form" not in page, url


def test_a_risk_manager_approves_a_review_and_the_customer_takes_the_proposal(
        app: Flask, users: dict[str, str], services: Services) -> None:
    client = login(app, users["risk_manager"])
    review_id = _review_id(services)
    response = _post(client, "/admin/reviews/", f"/admin/reviews/{review_id}/decide",
                     action="approve", note="pays on time")
    assert response.status_code == 302
    page = _page(client, "/admin/reviews/")
    assert 'data-customer="C-2"' not in page.split('id="decided-reviews"')[0]
    decided = _row(page, "decided-row", "review", str(review_id))
    assert "applied" in decided and users["risk_manager"] in decided and "pays on time" in decided
    after = get_customer(services, "C-2")
    assert (after.tier_code, after.credit_limit) == ("A", Decimal("120000.00"))
    (review,) = rows(services, CreditReview, customer_id="C-2")
    assert (review.decided_by, review.note) == (users["risk_manager"], "pays on time")


def test_a_rejected_review_leaves_the_customer_and_cannot_be_decided_again(
        app: Flask, users: dict[str, str], services: Services) -> None:
    client = login(app, users["risk_manager"])
    review_id = _review_id(services)
    url = f"/admin/reviews/{review_id}/decide"
    _post(client, "/admin/reviews/", url, action="reject", note="wait a quarter")
    again = _post(client, "/admin/reviews/", url, action="approve", note="changed my mind")
    assert "already rejected" in client.get(again.headers["Location"]).get_data(as_text=True)
    after = get_customer(services, "C-2")
    assert (after.tier_code, after.credit_limit) == ("B", Decimal("100000.00"))
    assert rows(services, CreditReview, customer_id="C-2")[0].note == "wait a quarter"


def test_a_decision_without_a_note_is_refused_and_changes_nothing(
        app: Flask, users: dict[str, str], services: Services) -> None:
    client = login(app, users["risk_manager"])
    review_id = _review_id(services)
    response = _post(client, "/admin/reviews/", f"/admin/reviews/{review_id}/decide",
                     action="approve", note="  ")
    assert "A note is required." in client.get(response.headers["Location"]).get_data(
        as_text=True)
    _post(client, "/admin/invoices/I-1", "/admin/invoices/I-1/write-off", note="")
    assert rows(services, CreditReview, customer_id="C-2")[0].status == "pending"
    assert get_invoice(services, "I-1").status == "open"


def test_an_auditor_or_salesperson_posting_a_decision_with_a_valid_token_gets_403(
        app: Flask, users: dict[str, str], services: Services) -> None:
    review_id = _review_id(services)
    (candidate,) = rows(services, BlacklistCandidate)
    for role in ("auditor", "sales"):
        client = login(app, users[role])
        token = csrf_token(_page(client, "/admin/lookup/"))
        for url, data in ((f"/admin/reviews/{review_id}/decide", {"action": "approve"}),
                          (f"/admin/blacklist/{candidate.id}/decide", {"action": "blacklist"}),
                          ("/admin/invoices/I-1/waive-penalty", {}),
                          ("/admin/invoices/I-1/write-off", {})):
            response = client.post(url, data={**data, "note": "x", "csrf_token": token})
            assert response.status_code == 403, (role, url)
    assert rows(services, CreditReview, customer_id="C-2")[0].status == "pending"
    assert rows(services, BlacklistCandidate)[0].status == "pending"
    assert get_invoice(services, "I-1").penalty_waived == 0
    assert get_invoice(services, "I-1").status == "open"


def test_a_risk_manager_blacklists_a_candidate_and_the_change_history_shows_who_and_why(
        app: Flask, users: dict[str, str], services: Services) -> None:
    client = login(app, users["risk_manager"])
    (candidate,) = rows(services, BlacklistCandidate)
    _post(client, "/admin/blacklist/", f"/admin/blacklist/{candidate.id}/decide",
          action="blacklist", note="three invoices over 30 days late")
    assert get_customer(services, "C-3").status == "blacklisted"
    row = _row(_page(client, "/admin/blacklist/"), "candidate-row", "customer", "C-3")
    assert "blacklisted" in row and "decide-form" not in row
    with services.database.sessions() as session:
        changes = {(c.entity, c.field): c for c in session.scalars(select(ChangeRecord))}
    status = changes[("customer", "status")]
    assert (status.old_value, status.new_value, status.changed_by) == (
        "active", "blacklisted", users["risk_manager"])
    assert changes[("blacklist_candidate", "note")].new_value == \
        "three invoices over 30 days late"
    assert "three invoices over 30 days late" in _page(client, "/admin/changes/")
    lookup = _page(client, "/admin/lookup/?customer_id=C-3")
    assert "blacklisted" in lookup


def test_dismissing_a_candidate_keeps_the_customer_active_and_records_who_and_why(
        app: Flask, users: dict[str, str], services: Services) -> None:
    client = login(app, users["risk_manager"])
    (candidate,) = rows(services, BlacklistCandidate)
    url = f"/admin/blacklist/{candidate.id}/decide"
    _post(client, "/admin/blacklist/", url, action="dismiss", note="disputed invoices")
    again = _post(client, "/admin/blacklist/", url, action="blacklist", note="no")
    assert "already dismissed" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert get_customer(services, "C-3").status == "active"
    row = _row(_page(client, "/admin/blacklist/"), "candidate-row", "customer", "C-3")
    assert '"candidate-status">dismissed<' in row
    with services.database.sessions() as session:
        notes = [c.new_value for c in session.scalars(select(ChangeRecord).where(
            ChangeRecord.entity == "blacklist_candidate"))]
    assert notes == ["dismissed", "disputed invoices"]


def test_a_risk_manager_waives_the_penalty_from_the_invoice_detail(
        app: Flask, users: dict[str, str], services: Services) -> None:
    client = login(app, users["risk_manager"])
    accrued = get_invoice(services, "I-1").penalty_accrued
    assert accrued > 0
    response = _post(client, "/admin/invoices/I-1", "/admin/invoices/I-1/waive-penalty",
                     note="goodwill", amount="")
    assert response.headers["Location"].endswith("/admin/invoices/I-1")
    page = _page(client, "/admin/invoices/I-1")
    assert f'id="penalty-waived">{accrued:,} CNY<' in page
    assert 'id="unpaid-penalty">0.00 CNY<' in page
    assert "goodwill" in page and users["risk_manager"] in page
    (adjustment,) = rows(services, InvoiceAdjustment, invoice_id="I-1")
    assert (adjustment.kind, adjustment.amount, adjustment.actor) == (
        "waive_penalty", accrued, users["risk_manager"])


def test_a_waiver_beyond_the_unpaid_penalty_or_a_bad_amount_is_refused_with_a_message(
        app: Flask, users: dict[str, str], services: Services) -> None:
    client = login(app, users["risk_manager"])
    url = "/admin/invoices/I-1/waive-penalty"
    too_much = _post(client, "/admin/invoices/I-1", url, note="x", amount="99999.00")
    assert "exceeds the unpaid penalty" in client.get(too_much.headers["Location"]).get_data(
        as_text=True)
    bad = _post(client, "/admin/invoices/I-1", url, note="x", amount="-1")
    assert "must not be negative" in client.get(bad.headers["Location"]).get_data(as_text=True)
    assert get_invoice(services, "I-1").penalty_waived == 0


def test_writing_off_from_the_queue_clears_it_and_keeps_the_stop_supply(
        app: Flask, users: dict[str, str], services: Services) -> None:
    client = login(app, users["risk_manager"])
    response = _post(client, "/admin/invoices/", "/admin/invoices/I-1/write-off",
                     note="customer insolvent", next="/admin/invoices/")
    assert response.headers["Location"].endswith("/admin/invoices/")
    assert 'data-invoice="I-1"' not in _page(client, "/admin/invoices/")
    assert get_invoice(services, "I-1").status == "written_off"
    # A write-off does not make the customer a good risk: a risk manager lifts the stop.
    assert get_customer(services, "C-1").status == "stop_supply"
    stopped = _row(_page(client, "/admin/stop-supply/"), "stopped-row", "customer", "C-1")
    assert "kept-stop" in stopped and "lift-form" in stopped
    refused = _post(client, "/admin/stop-supply/", "/admin/stop-supply/C-1/lift", note="")
    assert refused.status_code == 302 and get_customer(services, "C-1").status == "stop_supply"
    lifted = _post(client, "/admin/stop-supply/", "/admin/stop-supply/C-1/lift",
                   note="guarantee signed")
    assert lifted.status_code == 302
    assert get_customer(services, "C-1").status == "active"
    assert 'data-customer="C-1"' not in _page(client, "/admin/stop-supply/")
    case = _row(_page(client, "/admin/legal-cases/"), "case-row", "invoice", "I-1")
    assert "written off" in case
    assert len(rows(services, LegalCase)) == 1


def test_a_risk_manager_closes_a_legal_case_from_the_queue_once(
        app: Flask, users: dict[str, str], services: Services) -> None:
    client = login(app, users["risk_manager"])
    (case,) = rows(services, LegalCase)
    assert "close-case-form" in _page(client, "/admin/legal-cases/")
    refused = _post(client, "/admin/legal-cases/", f"/admin/legal-cases/{case.id}/close",
                    outcome="settled", note=" ")
    assert refused.status_code == 302 and rows(services, LegalCase)[0].status == "open"
    done = _post(client, "/admin/legal-cases/", f"/admin/legal-cases/{case.id}/close",
                 outcome="uncollectable", note="debtor dissolved")
    assert done.status_code == 302
    (closed,) = rows(services, LegalCase)
    assert (closed.status, closed.outcome, closed.closed_on, closed.note) == (
        "closed", "uncollectable", RUN, "debtor dissolved")
    row = _row(_page(client, "/admin/legal-cases/"), "case-row", "invoice", "I-1")
    assert "uncollectable" in row and "close-case-form" not in row
    again = _post(client, "/admin/legal-cases/", f"/admin/legal-cases/{case.id}/close",
                  outcome="recovered", note="x")
    assert again.status_code == 302 and rows(services, LegalCase)[0].outcome == "uncollectable"


def test_the_vocabulary_tab_shows_the_fields_of_the_drafts_rule_set_kind(
        app: Flask, users: dict[str, str], services: Services) -> None:
    client = login(app, users["auditor"])
    expected = {"escalation": "invoice.days_from_due", "limit_review": "review.on_time_rate",
                "overdue_penalty": "invoice.unpaid_principal",
                "credit_approval": "order.amount"}
    for name, field in expected.items():
        with services.uow() as uow:
            document = registry.get_version(uow.session, name).document
        draft = lifecycle.create_draft(services.uow(), services.rulesets, name, document,
                                       users["risk_manager"])
        page = _page(client, f"/admin/drafts/{name}/{draft['draft_id']}")
        vocabulary = page.split('id="vocabulary"')[1].split("</table>")[0]
        assert f"<code>{field}</code>" in vocabulary, name
        others = {f for n, f in expected.items() if n != name}
        assert not any(f"<code>{f}</code>" in vocabulary for f in others), name


def test_the_queues_read_in_chinese_for_a_user_who_chose_it(
        app: Flask, users: dict[str, str]) -> None:
    client = login(app, users["risk_manager"])
    _post(client, "/admin/reviews/", "/admin/auth/locale/zh", next="/admin/reviews/")
    reviews = _page(client, "/admin/reviews/")
    assert "按期付款率" in reviews and "提高" in reviews and "批准" in reviews
    assert "停止供货" in _page(client, "/admin/stop-supply/")
    assert "黑名单候选" in _page(client, "/admin/blacklist/")
    assert "减免罚款" in _page(client, "/admin/invoices/I-1")


def test_a_long_queue_is_paged_oldest_first(app: Flask, users: dict[str, str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queues, "PAGE_SIZE", 2)
    client = login(app, users["auditor"])
    first = _page(client, "/admin/invoices/")
    assert re.findall(r'data-invoice="([^"]+)"', first) == ["I-1", "L-1"]
    assert 'id="pager"' in first and "1 / 2" in first
    link = re.search(r'href="([^"]*page=2[^"]*)"', first)
    assert link, "no link to page 2"
    second = _page(client, link.group(1).replace("&amp;", "&"))
    assert re.findall(r'data-invoice="([^"]+)"', second) == ["L-2", "L-3"]


def test_irreversible_buttons_ask_before_they_send(app: Flask, users: dict[str, str]) -> None:
    client = login(app, users["risk_manager"])
    invoices = _page(client, "/admin/invoices/")
    assert re.search(r'value="write_off"[^>]*data-confirm="Write off invoice I-1 '
                     r'\([0-9,]+\.[0-9]{2} CNY\)\?', invoices)
    detail = _page(client, "/admin/invoices/I-1")
    assert 'id="write-off" data-confirm="Write off invoice I-1' in detail
    candidate = _row(_page(client, "/admin/blacklist/"), "candidate-row", "customer", "C-3")
    assert re.search(r'value="blacklist"[^>]*data-confirm="Blacklist customer [^"]+\? New orders '
                     r'will be declined\."', candidate)
