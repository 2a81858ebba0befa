"""Checking a rule set's test cases, for every kind: what the set gives vs what a case expects.

A case (``rules/NAME.cases.json``, or cases sent with "test draft") has facts and an
``expect``; each kind's checker computes what the rule set actually gives for the facts,
through the same domain functions the service decides with, and compares every expected
key that is present. ``messages_contain`` (per language, fragments the rendered messages
must contain) works for every kind. The test suite runs the shipped cases through these
checkers, and "test draft" runs a draft's cases through them.

Some expectations also carry an input of their check: ``accrual.days_past_due`` (how long
a penalty accrues), ``provision.amount`` (what a class's provision is taken of),
``window_days`` (the blacklist watch window the synthetic history spans).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from policy_service.domain import blacklist, early_warning, escalation, penalty, review
from policy_service.domain.aging import class_of
from policy_service.domain.codes import TIER_CODES
from policy_service.domain.decision import combine
from policy_service.domain.review import InvoiceHistory
from policy_service.language.cases import Case
from policy_service.language.document import RuleSet
from policy_service.language.reference import explain_rules, matching_rules
from policy_service.language.rendering import render_messages

DUE = date(2026, 3, 1)
"""The due date of the synthetic invoices of penalty and blacklist cases."""
ZERO = Decimal("0.00")
LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class CaseResult:
    """What the rule set gave (JSON-ready) and each way it differs from the expectation."""

    actual: dict[str, Any]
    failures: list[str]


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, str) and isinstance(actual, str):
        try:
            return Decimal(expected) == Decimal(actual)
        except InvalidOperation:
            pass
    return bool(expected == actual)


def compare(expect: Mapping[str, Any], actual: Mapping[str, Any],
            keys: tuple[str, ...]) -> list[str]:
    """A failure for each of ``keys`` expected and different (decimal strings by value),
    and for each ``messages_contain`` fragment missing from ``actual["messages"]``."""
    failures = [f"{key}: expected {expect[key]!r}, got {actual.get(key)!r}"
                for key in keys if key in expect and not _same(expect[key], actual.get(key))]
    for lang, fragments in expect.get("messages_contain", {}).items():
        text = "\n".join(m.get(lang, "") for m in actual.get("messages", []))
        failures += [f"{lang} messages lack {f!r}" for f in fragments if f not in text]
    return failures


def _messages(ruleset: RuleSet, rule: str, facts: Mapping[str, Any]) -> list[dict[str, str]]:
    return [render_messages(ruleset.rule(rule).then["message"], ruleset.vocabulary, facts)]


def decide_credit(ruleset: RuleSet, facts: Mapping[str, Any]) -> dict[str, Any]:
    """A credit_approval set's result: outcome, codes, rules, conditions, messages.

    Messages are rendered by ``combine`` and the explanation traced by ``explain_rules``,
    exactly as a credit check does, so a rule that would fail a decision fails here first.
    """
    matched = matching_rules(ruleset, facts)
    decision = combine(ruleset, matched, facts)
    explain_rules(ruleset, facts, matched)  # what the decision stores; fails as it would
    return {
        "outcome": decision.outcome,
        "codes": [r.code for r in decision.reasons],
        "rules": [r.rule for r in decision.reasons],
        "conditions": [dict(c) for c in decision.conditions],
        "messages": [dict(r.message) for r in decision.reasons],
    }


def check_credit_approval(ruleset: RuleSet, case: Case) -> CaseResult:
    """Outcome, reason codes, conditions and matched rules, as expected."""
    actual = decide_credit(ruleset, case.facts)
    matched = {"matched": matching_rules(ruleset, case.facts)}
    return CaseResult(actual, compare(case.expect, actual, ("outcome", "codes", "conditions"))
                      + compare({k: v for k, v in case.expect.items() if k == "matched"},
                                matched, ("matched",)))


def check_overdue_penalty(ruleset: RuleSet, case: Case) -> CaseResult:
    """The chosen terms, and what they accrue over ``accrual.days_past_due`` days."""
    matched = matching_rules(ruleset, case.facts)
    terms = penalty.choose_terms(ruleset, matched, case.facts)
    if terms is None:
        return CaseResult({"matched": matched}, ["no rule matched and there is no otherwise"])
    actual: dict[str, Any] = {"matched": matched, "rule": terms.rule, "code": terms.code,
                              "messages": _messages(ruleset, terms.rule, case.facts)}
    days = case.expect.get("accrual", {}).get("days_past_due")
    if isinstance(days, int):
        invoice = case.facts["invoice"]
        paid = invoice["amount"] - invoice["unpaid_principal"]
        accruals = penalty.accrue(terms, invoice["amount"], DUE, accrued=ZERO, after=None,
                                  through=DUE + timedelta(days=days),
                                  principal_paid_on=lambda _day: paid,
                                  currency=str(invoice["currency"]))
        total = sum((a.amount for a in accruals), ZERO)
        actual["accrual"] = {"days_past_due": days, "total": str(total)}
    failures = compare(case.expect, actual, ("rule", "code", "matched"))
    if "accrual" in actual and "total" in case.expect["accrual"] \
            and not _same(str(case.expect["accrual"]["total"]), actual["accrual"]["total"]):
        failures.append(f"accrual.total: expected {case.expect['accrual']['total']!r}, "
                        f"got {actual['accrual']['total']!r}")
    return CaseResult(actual, failures)


def check_escalation(ruleset: RuleSet, case: Case) -> CaseResult:
    """With no step done yet: the steps recorded, the customer-facing message that goes
    (``message_rule``), the internal task created (``task_rule``), the actions."""
    matched = matching_rules(ruleset, case.facts)
    plan = escalation.plan(escalation.due_steps(ruleset, matched), done=())
    sent = [s.step.rule for s in plan.sends]
    actual = {"matched": matched, "rules": [s.rule for s in plan.record],
              "message_rule": plan.message.rule if plan.message else None,
              "task_rule": plan.task.rule if plan.task else None,
              "actions": sorted(plan.actions),
              "messages": [m for rule in sent for m in _messages(ruleset, rule, case.facts)]}
    return CaseResult(actual, compare(case.expect, actual, (
        "rules", "message_rule", "task_rule", "actions", "matched")))


def check_limit_review(ruleset: RuleSet, case: Case) -> CaseResult:
    """The proposal: rule, action, code, the new limit and tier."""
    matched = matching_rules(ruleset, case.facts)
    proposal = review.propose(ruleset, matched, case.facts, TIER_CODES)
    actual = {"matched": matched, "rule": proposal.rule, "action": proposal.action,
              "code": proposal.code, "credit_limit": str(proposal.credit_limit),
              "tier": proposal.tier, "messages": [dict(proposal.message)]}
    return CaseResult(actual, compare(case.expect, actual, (
        "rule", "action", "code", "credit_limit", "tier", "matched")))


def check_receivable_classes(ruleset: RuleSet, case: Case) -> CaseResult:
    """The class, its provision percent, and the provision of ``provision.amount``."""
    matched = matching_rules(ruleset, case.facts)
    klass = class_of(ruleset, matched)
    actual: dict[str, Any] = {"matched": matched, "rule": klass.rule, "class": klass.name,
                              "provision_percent": str(klass.provision_percent),
                              "messages": _messages(ruleset, klass.rule, case.facts)}
    failures = compare(case.expect, actual, ("rule", "class", "provision_percent", "matched"))
    amount = case.expect.get("provision", {}).get("amount")
    if amount is not None:
        actual["provision"] = {"amount": amount, "is": str(klass.provision(Decimal(amount)))}
        expected = case.expect["provision"].get("is")
        if expected is not None and not _same(str(expected), actual["provision"]["is"]):
            failures.append(f"provision.is: expected {expected!r}, "
                            f"got {actual['provision']['is']!r}")
    return CaseResult(actual, failures)


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
                                       ZERO if payments else amount, payments))
    return invoices


def check_blacklist_watch(ruleset: RuleSet, case: Case) -> CaseResult:
    """The rules an invoice like this matches, and how many such invoices due within
    ``window_days`` flag the customer (an invoice on the window's edge does not count)."""
    matched = matching_rules(ruleset, case.facts)
    actual: dict[str, Any] = {"rules": matched}
    window = case.expect.get("window_days")
    if isinstance(window, int):
        invoice, customer = case.facts["invoice"], case.facts["customer"]
        most = max((w.min_invoices for w in blacklist.watches(ruleset)), default=0)
        found = None
        for count in range(1, most + 1):
            invoices = _late_invoices(count + 1, invoice["days_late"], invoice["amount"], window)
            found = blacklist.flag(ruleset, invoices, invoice["currency"], customer, DUE,
                                   lambda facts: matching_rules(ruleset, facts))
            if found is not None:
                break
        actual["flagged_at"] = found.late_invoices if found else None
        actual["flagged_by"] = found.rule if found else None
    failures = compare(case.expect, actual, ("rules", "flagged_at"))
    if case.expect.get("flagged_at") is not None and case.expect.get("rules") \
            and actual.get("flagged_by") not in (None, case.expect["rules"][0]):
        failures.append(f"flagged_by: expected {case.expect['rules'][0]!r}, "
                        f"got {actual['flagged_by']!r}")
    return CaseResult(actual, failures)


def check_early_warning(ruleset: RuleSet, case: Case) -> CaseResult:
    """The alerts raised: their rules, levels and codes (by rule name), and their messages."""
    alerts = early_warning.raised(ruleset, matching_rules(ruleset, case.facts), case.facts)
    actual = {"rules": [a.rule for a in alerts], "levels": [a.level for a in alerts],
              "codes": [a.code for a in alerts], "messages": [a.message for a in alerts]}
    return CaseResult(actual, compare(case.expect, actual, ("rules", "levels", "codes")))


CHECKS: dict[str, Callable[[RuleSet, Case], CaseResult]] = {
    "credit_approval": check_credit_approval,
    "overdue_penalty": check_overdue_penalty,
    "escalation": check_escalation,
    "limit_review": check_limit_review,
    "receivable_classes": check_receivable_classes,
    "blacklist_watch": check_blacklist_watch,
    "early_warning": check_early_warning,
}


def check_case(ruleset: RuleSet, case: Case) -> CaseResult | None:
    """The case checked by its kind's checker (None for a kind with no checker); a case
    whose facts or expectation the checker cannot use fails with what went wrong."""
    checker = CHECKS.get(ruleset.kind)
    if checker is None:
        return None
    try:
        return checker(ruleset, case)
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        return CaseResult({"matched": matching_rules(ruleset, case.facts)},
                          [f"could not check the case: {type(exc).__name__}: {exc}"])
