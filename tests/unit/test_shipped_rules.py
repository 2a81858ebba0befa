"""Every case beside every shipped rule set (rules/*.cases.json), run by one parametrized test."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from policy_service.domain import blacklist, escalation, penalty, review
from policy_service.domain.aging import class_of
from policy_service.domain.decision import combine
from policy_service.domain.review import InvoiceHistory
from policy_service.language.cases import Case, load_cases, ruleset_path
from policy_service.language.document import RuleSet, load_ruleset_file
from policy_service.language.reference import matching_rules, render_template
from policy_service.language.vocabulary import TIERS

RULES = Path(__file__).resolve().parents[2] / "rules"
CASES = [(path, case) for path in sorted(RULES.glob("*.cases.json"))
         for case in load_cases(path)]
DUE = date(2026, 3, 1)


def test_there_are_cases_for_the_credit_approval_rule_set() -> None:
    assert len([p for p, _ in CASES if p.name == "credit_approval.cases.json"]) >= 12


@pytest.mark.parametrize("name", ["overdue_penalty", "escalation", "limit_review",
                                  "receivable_classes"])
def test_there_are_cases_for_each_account_rule_set(name: str) -> None:
    assert len([p for p, _ in CASES if p.name == f"{name}.cases.json"]) >= 10


def test_there_are_cases_for_the_blacklist_watch_on_both_sides_of_its_threshold() -> None:
    cases = [c for p, c in CASES if p.name == "blacklist_watch.cases.json"]
    assert len(cases) >= 5
    assert {bool(c.expect["rules"]) for c in cases} == {True, False}


def test_every_shipped_rule_set_has_a_cases_file_and_a_check() -> None:
    shipped = {p.stem for p in RULES.glob("*.json") if not p.name.endswith(".cases.json")}
    assert shipped == {p.name.removesuffix(".cases.json") for p, _ in CASES} == set(CHECKS)


def _messages_contain(case: Case, messages: dict[str, str]) -> None:
    for lang, fragments in case.expect.get("messages_contain", {}).items():
        for fragment in fragments:
            assert fragment in messages[lang], f"{lang} message lacks {fragment!r}: {messages}"


def _render(ruleset: RuleSet, rule: str, case: Case) -> dict[str, str]:
    return {lang: render_template(text, ruleset.vocabulary, case.facts)
            for lang, text in ruleset.rule(rule).then["message"].items()}


def check_credit_approval(ruleset: RuleSet, case: Case) -> None:
    decision = combine(ruleset, matching_rules(ruleset, case.facts), case.facts)
    expect = case.expect
    assert decision.outcome == expect["outcome"]
    assert [r.code for r in decision.reasons] == expect["codes"]
    assert [dict(c) for c in decision.conditions] == expect.get("conditions", [])
    _messages_contain(case, {lang: "\n".join(r.message[lang] for r in decision.reasons)
                             for lang in ("zh", "en")})


def check_overdue_penalty(ruleset: RuleSet, case: Case) -> None:
    terms = penalty.choose_terms(ruleset, matching_rules(ruleset, case.facts))
    assert terms is not None
    assert (terms.rule, terms.code) == (case.expect["rule"], case.expect["code"])
    invoice = case.facts["invoice"]
    paid = invoice["amount"] - invoice["unpaid_principal"]
    accruals = penalty.accrue(
        terms, invoice["amount"], DUE, accrued=Decimal("0.00"), after=None,
        through=DUE + timedelta(days=case.expect["accrual"]["days_past_due"]),
        principal_paid_on=lambda _day: paid)
    total = sum((a.amount for a in accruals), Decimal("0.00"))
    assert total == Decimal(case.expect["accrual"]["total"])
    _messages_contain(case, _render(ruleset, terms.rule, case))


def check_escalation(ruleset: RuleSet, case: Case) -> None:
    due = escalation.due_steps(ruleset, matching_rules(ruleset, case.facts))
    plan = escalation.plan(due, done=())
    assert [s.rule for s in plan.record] == case.expect["rules"]
    assert (plan.message.rule if plan.message else None) == case.expect["message_rule"]
    assert sorted(plan.actions) == case.expect["actions"]
    if plan.message is not None:
        _messages_contain(case, _render(ruleset, plan.message.rule, case))


def check_limit_review(ruleset: RuleSet, case: Case) -> None:
    proposal = review.propose(ruleset, matching_rules(ruleset, case.facts), case.facts, TIERS)
    expect = case.expect
    assert (proposal.rule, proposal.action, proposal.code) == (
        expect["rule"], expect["action"], expect["code"])
    assert proposal.credit_limit == Decimal(expect["credit_limit"])
    assert proposal.tier == expect["tier"]
    _messages_contain(case, dict(proposal.message))


def check_receivable_classes(ruleset: RuleSet, case: Case) -> None:
    klass = class_of(ruleset, matching_rules(ruleset, case.facts))
    expect = case.expect
    assert (klass.rule, klass.name) == (expect["rule"], expect["class"])
    assert klass.provision_percent == Decimal(expect["provision_percent"])
    if "provision" in expect:
        amount = Decimal(expect["provision"]["amount"])
        assert klass.provision(amount) == Decimal(expect["provision"]["is"])
    _messages_contain(case, _render(ruleset, klass.rule, case))


def _late_invoices(count: int, days_late: int, amount: Decimal, window_days: int
                   ) -> list[InvoiceHistory]:
    """``count`` invoices ``days_late`` late as of DUE: the first falls due on the day just
    outside the window, the others within it."""
    invoices = []
    for n in range(count):
        due = DUE - timedelta(days=window_days if n == 0 else days_late + n)
        paid = due + timedelta(days=days_late)
        payments = ((paid, amount),) if paid <= DUE else ()
        invoices.append(InvoiceHistory(amount, due - timedelta(days=30), due,
                                       "paid" if payments else "open",
                                       Decimal("0.00") if payments else amount, payments))
    return invoices


def check_blacklist_watch(ruleset: RuleSet, case: Case) -> None:
    expect = case.expect
    assert matching_rules(ruleset, case.facts) == expect["rules"]
    invoice, customer = case.facts["invoice"], case.facts["customer"]
    window, at = expect["window_days"], expect["flagged_at"]

    def flag(count: int) -> blacklist.Flag | None:
        invoices = _late_invoices(count, invoice["days_late"], invoice["amount"], window)
        return blacklist.flag(ruleset, invoices, invoice["currency"], customer, DUE,
                              lambda facts: matching_rules(ruleset, facts))

    if at is None:
        assert flag(10) is None
        return
    # one short within the window (the invoice on its edge does not count), then enough
    assert flag(at) is None
    assert flag(at + 1) == blacklist.Flag(expect["rules"][0], at)


CHECKS: dict[str, Callable[[RuleSet, Case], None]] = {
    "credit_approval": check_credit_approval,
    "overdue_penalty": check_overdue_penalty,
    "escalation": check_escalation,
    "limit_review": check_limit_review,
    "receivable_classes": check_receivable_classes,
    "blacklist_watch": check_blacklist_watch,
}


@pytest.mark.parametrize(("path", "case"), CASES, ids=[f"{p.stem}: {c.note}" for p, c in CASES])
def test_shipped_rule_set_case(path: Path, case: Case) -> None:
    ruleset = load_ruleset_file(ruleset_path(path))
    CHECKS[ruleset.kind](ruleset, case)
