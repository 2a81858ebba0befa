"""Dunning plans: each step once, one message for the most advanced, every action holds."""

from __future__ import annotations

from policy_service.domain.escalation import Step, plan


def step(rule: str, priority: int, actions: tuple[str, ...] = ()) -> Step:
    return Step(rule, rule, priority, ("email",), actions, {"zh": "", "en": ""})


STEPS = [step("reminder", 10), step("notice", 40), step("stop", 70, ("stop_supply",))]


def test_only_the_most_advanced_new_step_sends_its_message() -> None:
    result = plan(STEPS, done=())
    assert [s.rule for s in result.record] == ["reminder", "notice", "stop"]
    assert result.message is not None and result.message.rule == "stop"


def test_steps_already_done_are_not_recorded_or_sent_again() -> None:
    result = plan(STEPS, done=("reminder", "notice", "stop"))
    assert result.record == () and result.message is None


def test_an_action_of_a_step_done_earlier_still_holds() -> None:
    assert plan(STEPS, done=("stop",)).actions == frozenset({"stop_supply"})
