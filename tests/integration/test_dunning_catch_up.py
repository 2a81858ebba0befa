"""The day's dunning on catch-up and materiality: which messages go, which steps apply."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from policy_service.container import Services
from policy_service.db.models_receivables import DunningStep, LegalCase, OutboxMessage
from policy_service.services.day.run import run_daily
from tests.integration.receivables_book import (
    customer,
    get_customer,
    get_invoice,
    invoice,
    pay,
    rows,
    shipped_step_day,
)

DUE = date(2026, 3, 1)


def dunning_messages(services: Services) -> list[OutboxMessage]:
    """The messages dunning queued (early warning queues its own tasks beside them)."""
    return [m for m in rows(services, OutboxMessage) if m.dedupe_key.startswith("dunning:")]


def test_an_invoice_first_seen_late_gets_the_customer_notice_and_the_internal_task(
        services: Services) -> None:
    customer(services)
    invoice(services, "I-1", "1000.00", DUE)
    run_daily(services.uow(), services.rulesets,
              DUE + timedelta(days=shipped_step_day("phone_follow_up")))
    steps = rows(services, DunningStep, invoice_id="I-1")
    assert {s.rule: s.message_sent for s in steps} == {
        "reminder_7_days_before": False, "reminder_3_days_before": False, "due_today": False,
        "overdue_notice": True, "phone_follow_up": True}
    assert sorted((m.channel, m.recipient, m.subject) for m in dunning_messages(services)) == [
        ("email", "c-1@example.com", "overdue_notice I-1"),
        ("task", "sales-1", "phone_follow_up I-1")]


def test_at_go_live_a_90_day_invoice_gets_the_stop_notice_and_the_legal_task(
        services: Services) -> None:
    customer(services)
    invoice(services, "I-1", "1000.00", DUE)
    run_daily(services.uow(), services.rulesets,
              DUE + timedelta(days=shipped_step_day("legal_action")))
    steps = rows(services, DunningStep, invoice_id="I-1")
    assert len(steps) == 8
    assert [s.rule for s in steps if s.message_sent] == ["stop_supply", "legal_action"]
    assert sorted((m.channel, m.subject) for m in dunning_messages(services)) == [
        ("email", "stop_supply I-1"), ("task", "legal_action I-1")]
    assert get_customer(services).status == "stop_supply"
    assert [c.invoice_id for c in rows(services, LegalCase)] == ["I-1"]


def test_after_days_without_a_run_each_kind_sends_its_most_advanced_new_step(
        services: Services) -> None:
    customer(services)
    invoice(services, "I-1", "1000.00", DUE)
    run_daily(services.uow(), services.rulesets, DUE + timedelta(days=1))
    run_daily(services.uow(), services.rulesets, DUE + timedelta(days=35))  # 34 days no run
    later = [s for s in rows(services, DunningStep, invoice_id="I-1")
             if s.done_on == DUE + timedelta(days=35)]
    assert {s.rule: s.message_sent for s in later} == {
        "phone_follow_up": True, "formal_demand_letter": True}
    assert sorted((m.channel, m.subject) for m in dunning_messages(services)) == [
        ("email", "formal_demand_letter I-1"), ("email", "overdue_notice I-1"),
        ("letter", "formal_demand_letter I-1"), ("task", "phone_follow_up I-1")]


def test_a_small_residual_draws_no_demand_letter_stop_supply_or_legal_case(
        services: Services) -> None:
    customer(services, tier="C")
    invoice(services, "I-1", "1000.00", DUE)
    pay(services, "P-1", "I-1", "999.00", DUE)  # 1.00 of principal left, plus its penalty
    run_daily(services.uow(), services.rulesets,
              DUE + timedelta(days=shipped_step_day("legal_action") + 10))
    assert get_invoice(services, "I-1").outstanding < Decimal(100)
    steps = {s.rule for s in rows(services, DunningStep, invoice_id="I-1")}
    assert steps == {"reminder_7_days_before", "reminder_3_days_before", "due_today",
                     "overdue_notice", "phone_follow_up"}
    assert get_customer(services).status == "active"
    assert rows(services, LegalCase) == []
    assert not [m for m in dunning_messages(services) if m.channel == "letter"]


def test_paying_an_invoice_down_below_the_threshold_lifts_its_stop_at_once(
        services: Services) -> None:
    customer(services)
    invoice(services, "I-1", "1000.00", DUE)
    stop_day = DUE + timedelta(days=shipped_step_day("stop_supply"))
    run_daily(services.uow(), services.rulesets, stop_day)
    assert get_customer(services).status == "stop_supply"
    left = get_invoice(services, "I-1").outstanding - Decimal("99.99")
    # Value-dated the day after the run, so no accrued day is reversed (a payment dated
    # the run's own day would also take back that day's penalty on what it paid).
    pay(services, "P-1", "I-1", str(left), stop_day + timedelta(days=1))
    assert get_invoice(services, "I-1").outstanding == Decimal("99.99")
    assert get_customer(services).status == "active"


def test_on_the_same_day_only_the_material_invoices_get_the_demand_letter(
        services: Services) -> None:
    customer(services)
    invoice(services, "I-BIG", "1000.00", DUE)
    invoice(services, "I-BIGGER", "2345.67", DUE)
    invoice(services, "I-SMALL", "90.00", DUE)  # 90.00 plus its penalty: < 100
    run_daily(services.uow(), services.rulesets,
              DUE + timedelta(days=shipped_step_day("formal_demand_letter")))
    letters = {s.invoice_id for s in rows(services, DunningStep, rule="formal_demand_letter")}
    assert letters == {"I-BIG", "I-BIGGER"}
