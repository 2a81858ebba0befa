"""`daily`: penalty catch-up, dunning, stop-supply, legal cases, candidates, reviews."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from decimal import Decimal

import pytest

from policy_service.container import Services
from policy_service.db.models import Tier
from policy_service.db.models_receivables import (
    BlacklistCandidate,
    CreditReview,
    DunningStep,
    LegalCase,
    OutboxMessage,
    PenaltyAccrual,
)
from policy_service.domain.dates import add_months
from policy_service.services.day import candidates, reviews
from policy_service.services.day.run import run_daily
from policy_service.services.rules import registry
from tests.conftest import Api
from tests.integration.receivables_book import (
    customer,
    get_customer,
    get_invoice,
    invoice,
    pay,
    rows,
    shipped_step_day,
    shipped_terms,
    shipped_watch,
    snapshot,
)

DUE = date(2026, 3, 1)


def test_the_policy_example_accrues_the_grace_free_days_at_the_daily_rate(
        services: Services) -> None:
    customer(services, tier="B")
    invoice(services, "I-1", "1000.00", DUE)
    run_daily(services.uow(), services.rulesets, DUE + timedelta(days=40))
    terms = shipped_terms("B", "1000.00")
    days = 40 - terms.grace_days
    assert get_invoice(services, "I-1").penalty_accrued == terms.daily(
        Decimal("1000.00"), "CNY") * days
    accruals = rows(services, PenaltyAccrual, invoice_id="I-1")
    assert [a.day for a in accruals] == [terms.first_day(DUE) + timedelta(days=n)
                                         for n in range(days)]


def test_a_late_run_catches_up_every_day_no_run_covered_exactly_once(services: Services) -> None:
    customer(services, tier="C")
    invoice(services, "I-1", "1000.00", DUE)
    run_daily(services.uow(), services.rulesets, DUE + timedelta(days=5))
    run_daily(services.uow(), services.rulesets, DUE + timedelta(days=25))
    run_daily(services.uow(), services.rulesets, DUE + timedelta(days=25))
    days = [a.day for a in rows(services, PenaltyAccrual, invoice_id="I-1")]
    assert len(days) == len(set(days)) == 25 - shipped_terms("C", "1000.00").grace_days


def test_running_the_same_day_twice_changes_nothing(services: Services) -> None:
    customer(services, tier="B", today=DUE - timedelta(days=400))
    invoice(services, "I-1", "1000.00", DUE)
    invoice(services, "I-2", "500.00", DUE + timedelta(days=5))
    run_daily(services.uow(), services.rulesets, DUE + timedelta(days=95))
    first = snapshot(services)
    run_daily(services.uow(), services.rulesets, DUE + timedelta(days=95))
    assert snapshot(services) == first


def test_a_partial_payment_reduces_the_base_of_the_following_days(services: Services) -> None:
    customer(services, tier="C")
    invoice(services, "I-1", "1000.00", DUE)
    pay(services, "P-1", "I-1", "400.00", DUE + timedelta(days=3))
    run_daily(services.uow(), services.rulesets, DUE + timedelta(days=6))
    terms = shipped_terms("C", "1000.00")
    bases = [a.base for a in rows(services, PenaltyAccrual, invoice_id="I-1")]
    assert bases[0] == Decimal("1000.00")
    assert bases[-1] == Decimal("600.00")
    assert get_invoice(services, "I-1").penalty_accrued == sum(
        (terms.daily(b, "CNY") for b in bases), Decimal("0.00"))


def test_accrual_stops_at_the_cap(services: Services) -> None:
    customer(services, tier="C")
    invoice(services, "I-1", "1000.00", DUE)
    run_daily(services.uow(), services.rulesets, DUE + timedelta(days=1000))
    assert get_invoice(services, "I-1").penalty_accrued == shipped_terms(
        "C", "1000.00").cap(Decimal("1000.00"), "CNY")


def test_each_step_happens_at_most_once_and_a_paid_invoice_stops_escalating(
        services: Services) -> None:
    customer(services)
    invoice(services, "I-1", "1000.00", DUE)
    invoice(services, "I-2", "1000.00", DUE)
    for day in range(-8, 3):
        run_daily(services.uow(), services.rulesets, DUE + timedelta(days=day))
    pay(services, "P-1", "I-2", "1000.00", DUE + timedelta(days=2))
    run_daily(services.uow(), services.rulesets, DUE + timedelta(days=40))
    rules_1 = [s.rule for s in rows(services, DunningStep, invoice_id="I-1")]
    rules_2 = [s.rule for s in rows(services, DunningStep, invoice_id="I-2")]
    assert len(rules_1) == len(set(rules_1)) == 6
    assert "formal_demand_letter" not in rules_2


def test_supply_stops_at_the_stop_step_and_a_full_payment_lifts_it_at_once(
        services: Services) -> None:
    customer(services)
    invoice(services, "I-1", "1000.00", DUE)
    stop_day = DUE + timedelta(days=shipped_step_day("stop_supply"))
    run_daily(services.uow(), services.rulesets, stop_day - timedelta(days=1))
    assert get_customer(services).status == "active"
    run_daily(services.uow(), services.rulesets, stop_day)
    assert get_customer(services).status == "stop_supply"
    # Value-dated the next day: a payment dated the stop day itself would make that day's
    # penalty unowed (payments dated D count on D), and so be more than is open.
    pay(services, "P-1", "I-1", str(get_invoice(services, "I-1").outstanding),
        stop_day + timedelta(days=1))
    assert get_customer(services).status == "active"


def test_the_day_lifts_a_stop_whose_cause_is_gone_but_a_back_dated_run_does_not(
        services: Services) -> None:
    customer(services)
    invoice(services, "I-1", "1000.00", DUE)
    stop_day = DUE + timedelta(days=shipped_step_day("stop_supply"))
    run_daily(services.uow(), services.rulesets, stop_day)
    run_daily(services.uow(), services.rulesets, stop_day - timedelta(days=10))
    assert get_customer(services).status == "stop_supply"
    accrued = get_invoice(services, "I-1").penalty_accrued
    assert get_invoice(services, "I-1").penalty_accrued == accrued
    with services.uow() as uow:
        uow.session.get(type(get_invoice(services, "I-1")), "I-1").status = "written_off"
        uow.commit()
    run_daily(services.uow(), services.rulesets, stop_day + timedelta(days=1))
    assert get_customer(services).status == "active"


def test_a_legal_case_opens_once_at_the_legal_step(services: Services) -> None:
    customer(services)
    invoice(services, "I-1", "1000.00", DUE)
    legal_day = DUE + timedelta(days=shipped_step_day("legal_action"))
    run_daily(services.uow(), services.rulesets, legal_day - timedelta(days=1))
    assert rows(services, LegalCase) == []
    run_daily(services.uow(), services.rulesets, legal_day)
    run_daily(services.uow(), services.rulesets, legal_day + timedelta(days=1))
    assert [c.invoice_id for c in rows(services, LegalCase)] == ["I-1"]


def _late_book(services: Services, count: int, days_late: int) -> None:
    """``count`` invoices of C-1 due a month apart, each paid ``days_late`` days late."""
    for n in range(count):
        due = DUE + timedelta(days=30 * n)
        invoice(services, f"I-{n}", "100.00", due)
        pay(services, f"P-{n}", f"I-{n}", "100.00", due + timedelta(days=days_late))


def test_enough_invoices_paid_too_late_in_the_window_flag_a_blacklist_candidate(
        services: Services) -> None:
    late_days, watch = shipped_watch()
    customer(services)
    _late_book(services, watch.min_invoices, late_days + 1)
    run_daily(services.uow(), services.rulesets,
              DUE + timedelta(days=30 * watch.min_invoices + late_days))
    assert [(c.customer_id, c.late_invoices) for c in rows(services, BlacklistCandidate)] == [
        ("C-1", watch.min_invoices)]


def test_a_dismissed_candidate_is_flagged_again_only_on_new_evidence(
        services: Services) -> None:
    late_days, watch = shipped_watch()
    customer(services)
    _late_book(services, watch.min_invoices, late_days + 1)
    day = DUE + timedelta(days=30 * watch.min_invoices + late_days)
    run_daily(services.uow(), services.rulesets, day)
    (first,) = rows(services, BlacklistCandidate)
    assert sorted(first.evidence) == [f"I-{n}" for n in range(watch.min_invoices)]
    candidates.decide_candidate(services.uow(), first.id, blacklist=False,
                                reason="paid in the end; disputes settled", actor="risk")
    run_daily(services.uow(), services.rulesets, day + timedelta(days=1))
    assert len(rows(services, BlacklistCandidate)) == 1  # the same evidence, dismissed
    due = day - timedelta(days=late_days + 5)
    invoice(services, "I-NEW", "100.00", due)
    pay(services, "P-NEW", "I-NEW", "100.00", due + timedelta(days=late_days + 1))
    run_daily(services.uow(), services.rulesets, day + timedelta(days=2))
    flags = rows(services, BlacklistCandidate)
    assert [c.status for c in flags] == ["dismissed", "pending"]
    assert "I-NEW" in flags[1].evidence and flags[1].late_invoices > watch.min_invoices - 1


def test_invoices_paid_exactly_at_the_late_threshold_flag_no_one(services: Services) -> None:
    late_days, watch = shipped_watch()
    customer(services)
    _late_book(services, watch.min_invoices, late_days)
    run_daily(services.uow(), services.rulesets,
              DUE + timedelta(days=30 * watch.min_invoices + late_days))
    assert rows(services, BlacklistCandidate) == []


def test_late_invoices_that_fell_due_before_the_window_flag_no_one(services: Services) -> None:
    late_days, watch = shipped_watch()
    customer(services, today=DUE - timedelta(days=400))
    _late_book(services, watch.min_invoices, late_days + 1)
    run_daily(services.uow(), services.rulesets, DUE + timedelta(days=watch.window_days))
    assert rows(services, BlacklistCandidate) == []
    run_daily(services.uow(), services.rulesets, DUE + timedelta(days=watch.window_days - 1))
    assert len(rows(services, BlacklistCandidate)) == 1


def test_a_due_review_waits_for_a_decision_and_only_then_the_date_moves(
        services: Services) -> None:
    customer(services, tier="B", today=DUE - timedelta(days=200))
    review_date = get_customer(services).next_review_date
    invoice(services, "I-1", "1000.00", review_date - timedelta(days=60))
    pay(services, "P-1", "I-1", "1000.00", review_date - timedelta(days=61))
    for day in (review_date, review_date, review_date + timedelta(days=1),
                review_date + timedelta(days=5)):
        run_daily(services.uow(), services.rulesets, day)
    (review,) = rows(services, CreditReview)  # no second proposal while one waits
    assert (review.status, review.action, review.review_date) == ("pending", "raise", review_date)
    assert review.indicators["on_time_rate"] == "1.0000"
    assert get_customer(services).next_review_date == review_date  # overdue until decided
    decided = reviews.decide(services.uow(), "C-1", review.id, approve=True, actor="risk",
                             note="agreed")
    with services.uow() as uow:  # the interval of the tier it has after the decision
        months = uow.session.get(Tier, decided["proposal"]["tier"]).review_interval_months
    assert get_customer(services).next_review_date == add_months(review_date, months)


def test_an_order_is_held_while_a_past_review_waits_for_its_decision(
        services: Services, api: Api) -> None:
    customer(services, tier="B", today=DUE - timedelta(days=200))
    review_date = get_customer(services).next_review_date
    run_daily(services.uow(), services.rulesets, review_date)
    services.today = lambda: review_date + timedelta(days=3)
    body = api.check("SO-WAIT", "10.00").get_json()
    assert body["outcome"] == "hold"
    assert [r["code"] for r in body["reasons"]] == ["CREDIT_REVIEW_OVERDUE"]


def test_stop_supply_and_its_lifting_are_in_the_customers_change_history(services) -> None:
    from sqlalchemy import select

    from policy_service.db.models import Customer
    from policy_service.db.models_admin import ChangeRecord
    from policy_service.services.receivables import stop_supply

    customer(services, "C-H", tier="B")
    with services.uow() as uow:
        row = uow.session.get(Customer, "C-H")
        assert stop_supply.stop(row, "INV-X", date(2026, 11, 1))
        uow.commit()
    with services.uow() as uow:
        row = uow.session.get(Customer, "C-H")
        assert stop_supply.lift(row, date(2026, 11, 2))
        uow.commit()
    with services.uow() as uow:
        rows = uow.session.scalars(select(ChangeRecord).where(
            ChangeRecord.entity_id == "C-H", ChangeRecord.field == "status")
            .order_by(ChangeRecord.id)).all()
        assert [(r.old_value, r.new_value, r.changed_by) for r in rows] == [
            ("active", "stop_supply", stop_supply.SYSTEM_ACTOR),
            ("stop_supply", "active", stop_supply.SYSTEM_ACTOR)]


def test_a_published_blacklist_watch_version_changes_who_is_flagged_without_code(
        services: Services) -> None:
    late_days, watch = shipped_watch()
    customer(services)
    _late_book(services, watch.min_invoices - 1, late_days + 1)
    as_of = DUE + timedelta(days=30 * watch.min_invoices + late_days)
    with services.uow() as uow:
        document = copy.deepcopy(dict(
            registry.get_version(uow.session, "blacklist_watch").document))
        document["rules"][0]["then"]["min_invoices"] = watch.min_invoices - 1
        registry.publish(uow.session, services.rulesets, document, author="rm",
                         approved_by="rm2", note="one fewer late invoice is enough")
        uow.commit()
    run_daily(services.uow(), services.rulesets, as_of)
    assert [(c.customer_id, c.late_invoices) for c in rows(services, BlacklistCandidate)] == [
        ("C-1", watch.min_invoices - 1)]


def test_grace_days_edited_on_the_tier_row_change_the_penalty_from_the_next_run(
        services: Services) -> None:
    from policy_service.services.credit.edits import TierEdit, edit_tier

    customer(services, tier="B")
    invoice(services, "I-1", "1000.00", DUE)
    with services.uow() as uow:
        tier = uow.session.get(Tier, "B")
        edit = TierEdit(tier.name_en, tier.name_zh, tier.payment_term_days,
                        tier.review_interval_months, grace_days=10)
    edit_tier(services.uow(), "B", edit, "risk")
    run_daily(services.uow(), services.rulesets, DUE + timedelta(days=10))
    assert rows(services, PenaltyAccrual) == []  # ten free days, not the shipped three
    run_daily(services.uow(), services.rulesets, DUE + timedelta(days=11))
    assert [a.day for a in rows(services, PenaltyAccrual)] == [DUE + timedelta(days=11)]


@pytest.mark.parametrize(("tier", "first_day"), [("A", 6), ("C", 1)])
def test_the_overdue_notice_states_the_customers_own_penalty_terms(
        services: Services, tier: str, first_day: int) -> None:
    customer(services, tier=tier)
    invoice(services, "I-1", "1000.00", DUE)
    run_daily(services.uow(), services.rulesets, DUE + timedelta(days=1))
    (notice,) = [m for m in rows(services, OutboxMessage)
                 if m.dedupe_key.startswith("dunning:") and "overdue" in m.dedupe_key]
    terms = shipped_terms(tier, "1000.00")
    assert f"From day {first_day} after the due date" in notice.body_en
    assert f"{terms.daily_rate_percent}% a day" in notice.body_en
    assert f"up to {terms.cap_percent}% of the invoice amount" in notice.body_en
    assert f"第 {first_day} 天起" in notice.body_zh
