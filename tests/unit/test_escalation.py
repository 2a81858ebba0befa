"""Dunning plans: each step once; the most advanced customer message and internal task, each
chosen separately; every action holds."""

from __future__ import annotations

from policy_service.domain.escalation import Step, plan


def step(rule: str, priority: int, actions: tuple[str, ...] = (),
         channels: tuple[str, ...] = ("email",)) -> Step:
    return Step(rule, rule, priority, channels, actions, {"zh": "", "en": ""})


STEPS = [step("reminder", 10), step("notice", 40), step("stop", 70, ("stop_supply",))]
# as shipped: the phone follow-up and the legal case are tasks, the others reach the customer
SHIPPED = [step("reminder_7", 10), step("reminder_3", 20, channels=("sms",)),
           step("due_today", 30, channels=("email", "sms")), step("overdue_notice", 40),
           step("phone", 50, channels=("task",)), step("demand", 60, channels=("letter", "email")),
           step("stop", 70, ("stop_supply",)), step("legal", 80, ("legal_case",), ("task",))]


def test_only_the_most_advanced_new_step_sends_its_message() -> None:
    result = plan(STEPS, done=())
    assert [s.rule for s in result.record] == ["reminder", "notice", "stop"]
    assert result.message is not None and result.message.rule == "stop"
    assert result.task is None
    assert [(s.step.rule, s.channels) for s in result.sends] == [("stop", ("email",))]
    assert [result.sent(s) for s in result.record] == [False, False, True]


def test_steps_already_done_are_not_recorded_or_sent_again() -> None:
    result = plan(STEPS, done=("reminder", "notice", "stop"))
    assert result.record == () and result.message is None and result.sends == ()


def test_an_action_of_a_step_done_earlier_still_holds() -> None:
    assert plan(STEPS, done=("stop",)).actions == frozenset({"stop_supply"})


def test_an_invoice_first_seen_a_week_late_gets_the_overdue_email_and_the_phone_task() -> None:
    result = plan(SHIPPED[:5], done=())
    assert [(s.step.rule, s.channels) for s in result.sends] == [
        ("overdue_notice", ("email",)), ("phone", ("task",))]
    assert {s.rule: result.sent(s) for s in result.record} == {
        "reminder_7": False, "reminder_3": False, "due_today": False, "overdue_notice": True,
        "phone": True}


def test_at_go_live_a_90_day_invoice_gets_the_stop_notice_and_the_legal_task() -> None:
    result = plan(SHIPPED, done=())
    assert [(s.step.rule, s.channels) for s in result.sends] == [
        ("stop", ("email",)), ("legal", ("task",))]
    assert [s.rule for s in result.record if result.sent(s)] == ["stop", "legal"]
    assert result.actions == frozenset({"stop_supply", "legal_case"})


def test_after_a_gap_the_customer_message_is_chosen_among_the_new_steps_only() -> None:
    # the phone task went out before the gap; now the letter and the stop fall due together
    result = plan(SHIPPED[:7], done=[s.rule for s in SHIPPED[:5]])
    assert [s.rule for s in result.record] == ["demand", "stop"]
    assert result.message is not None and result.message.rule == "stop"
    assert result.task is None


def test_a_step_with_both_kinds_of_channel_sends_each_where_it_is_the_most_advanced() -> None:
    mixed = [step("notice", 40), step("call_and_mail", 50, channels=("email", "task")),
             step("legal", 80, ("legal_case",), ("task",))]
    result = plan(mixed, done=())
    assert [(s.step.rule, s.channels) for s in result.sends] == [
        ("call_and_mail", ("email",)), ("legal", ("task",))]
