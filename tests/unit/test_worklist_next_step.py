"""The worklist's next step from the rules' day thresholds equals the day-by-day walk.

The walk (the worklist's code before the thresholds) is the oracle: every day 0..120
ahead, the first with a step not yet done wins, the earlier invoice on a tie. Checked
for the shipped escalation rules and for rules with ">", "==" and arithmetic on the day
count, over invoices before and long after their due date, with none, some or all of
their steps done.
"""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from policy_service.config import SHIPPED_RULES
from policy_service.db.models import Customer, Invoice
from policy_service.domain.account_facts import escalation_facts
from policy_service.domain.escalation import due_steps
from policy_service.language.document import RuleSet, load_ruleset
from policy_service.language.reference import matching_rules
from policy_service.services.collections.next_step import PROBE_DAYS, NextStep, crossings

TODAY = date(2026, 11, 23)
AGES = (*range(-12, 95), 119, 120, 121, 150, 210)  # days from due: each threshold ± 1
SHIPPED = json.loads((SHIPPED_RULES / "escalation.json").read_text(encoding="utf-8"))


def walk(ruleset: RuleSet, customer: Customer, probe: list[Invoice],
         done: dict[str, set[str]], today: date) -> dict[str, Any] | None:
    """The worklist's next step as it was: every day ahead, evaluated in full."""
    best: tuple[date, str] | None = None
    for invoice in probe:
        for ahead in range(0, PROBE_DAYS + 1):
            on = today + timedelta(days=ahead)
            if best is not None and on >= best[0]:
                break
            facts = escalation_facts(customer, invoice, on, None)
            new = [s for s in due_steps(ruleset, matching_rules(ruleset, facts))
                   if s.rule not in done.get(invoice.id, set())]
            if new:
                best = (on, new[-1].step)
                break
    return None if best is None else {"step": best[1], "on": best[0]}


def customer(tier: str = "B") -> Customer:
    return Customer(id="C-1", name="Bench Co", tier_code=tier, status="active",
                    currency="CNY", credit_limit=Decimal("100000.00"))


def invoice(number: int, days_from_due: int, amount: str = "1000.00") -> Invoice:
    return Invoice(id=f"INV-{number}", customer_id="C-1", amount=Decimal(amount),
                   currency="CNY", credited=Decimal(0), principal_paid=Decimal(0),
                   penalty_accrued=Decimal(0), penalty_waived=Decimal(0),
                   penalty_paid=Decimal(0), issue_date=TODAY - timedelta(days=400),
                   due_date=TODAY - timedelta(days=days_from_due), status="open")


def variant(*conditions: tuple[str, str]) -> RuleSet:
    """The shipped escalation rules with some conditions replaced (rule name, condition)."""
    document = copy.deepcopy(SHIPPED)
    for name, when in conditions:
        next(r for r in document["rules"] if r["name"] == name)["when"] = when
    return load_ruleset(document, "escalation")


RULESETS = {
    "shipped": load_ruleset(SHIPPED, "escalation"),
    "gt_and_eq": variant(("phone_follow_up", "invoice.days_from_due > 44"),
                         ("due_today", "invoice.days_from_due == 2"),
                         ("reminder_3_days_before", "invoice.days_from_due >= 1.5")),
    "arithmetic": variant(("formal_demand_letter",
                           "invoice.days_from_due * 2 >= 75 and invoice.outstanding >= 100")),
}


def done_sets(ruleset: RuleSet, invoices: list[Invoice]) -> list[dict[str, set[str]]]:
    """No step done; the steps due today done; all but the last due today; every rule."""
    names = [r.name for r in ruleset.conditional_rules]
    today_due = {i.id: {s.rule for s in due_steps(
        ruleset, matching_rules(ruleset, escalation_facts(customer(), i, TODAY, None)))}
        for i in invoices}
    return [{}, today_due,
            {k: set(sorted(v)[:-1]) for k, v in today_due.items()},
            {i.id: set(names) for i in invoices}]


@pytest.mark.parametrize("name", sorted(RULESETS))
def test_one_invoice_at_every_age_matches_the_walk(name: str) -> None:
    ruleset = RULESETS[name]
    finder = NextStep(ruleset)
    for days in AGES:
        for amount in ("50.00", "1000.00"):
            probe = [invoice(1, days, amount)]
            for done in done_sets(ruleset, probe):
                assert finder.find(customer(), probe, done, TODAY) == walk(
                    ruleset, customer(), probe, done, TODAY), (days, amount, done)


@pytest.mark.parametrize("name", sorted(RULESETS))
def test_several_invoices_the_earliest_day_and_on_a_tie_the_earlier_invoice(name: str) -> None:
    ruleset = RULESETS[name]
    finder = NextStep(ruleset)
    for ages in ((95, 40, 3), (29, 29, 6), (200, 130, 61, 30, -8), (7, 0, -3), (60, 59)):
        probe = [invoice(n, days) for n, days in enumerate(ages)]
        for done in done_sets(ruleset, probe):
            assert finder.find(customer("D"), probe, done, TODAY) == walk(
                ruleset, customer("D"), probe, done, TODAY), (ages, done)


def test_a_step_days_away_is_found_on_its_day_and_one_already_taken_is_skipped() -> None:
    finder = NextStep(RULESETS["shipped"])
    probe = [invoice(1, 10)]
    taken = {"INV-1": {"reminder_7_days_before", "reminder_3_days_before", "due_today",
                       "overdue_notice", "phone_follow_up"}}
    assert finder.find(customer(), probe, taken, TODAY) == {
        "step": "formal_demand_letter", "on": TODAY + timedelta(days=20)}
    assert finder.find(customer(), probe, {}, TODAY) == {"step": "phone_follow_up", "on": TODAY}
    everything = {"INV-1": taken["INV-1"] | {"formal_demand_letter", "stop_supply",
                                             "legal_action"}}
    assert finder.find(customer(), probe, everything, TODAY) is None


def test_the_day_count_read_other_than_against_literals_is_walked_day_by_day() -> None:
    shipped = NextStep(RULESETS["shipped"])
    assert shipped.crossings is not None and 30 in shipped.crossings
    assert list(shipped.days_ahead(invoice(1, 10), TODAY)) == [0, 20, 50, 80]
    assert NextStep(RULESETS["arithmetic"]).crossings is None
    assert crossings(None) == ()
