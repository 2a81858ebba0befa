"""Rule set documents: the RuleSet value, every error located, the canonical checksum."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

import pytest

from policy_service.config import SHIPPED_RULES
from policy_service.language.ast import Otherwise
from policy_service.language.checker import RuleError
from policy_service.language.document import (
    RuleSetInvalid,
    checksum,
    load_ruleset,
    load_ruleset_file,
)

RULES_DIR = SHIPPED_RULES


def rule(name: str = "r1", when: str = "order.amount > 1", **then: Any) -> dict[str, Any]:
    body = {"outcome": "hold", "code": "SOME_CODE",
            "message": {"zh": "金额 {order.amount}", "en": "amount {order.amount}"},
            "conditions": []}
    body.update(then)
    return {"name": name, "description": "d", "priority": 1, "when": when, "then": body}


def document(*rules: dict[str, Any]) -> dict[str, Any]:
    return {"name": "credit_approval", "description": "test", "rules": list(rules)}


def invalid(doc: Any) -> list[RuleError]:
    with pytest.raises(RuleSetInvalid) as caught:
        load_ruleset(doc)
    return caught.value.errors


def located(errors: list[RuleError]) -> set[tuple[str, str]]:
    return {(e.rule, e.field) for e in errors}


def test_the_shipped_rule_set_loads_as_a_value() -> None:
    ruleset = load_ruleset_file(RULES_DIR / "credit_approval.json")
    assert ruleset.name == ruleset.kind == "credit_approval"
    assert ruleset.otherwise is not None and isinstance(ruleset.otherwise.when, Otherwise)
    assert "otherwise" not in [r.name for r in ruleset.conditional_rules]
    assert ruleset.rule("over_limit").then["code"] == "CREDIT_LIMIT_EXCEEDED"


def test_a_valid_document_keeps_its_content_and_checksum() -> None:
    doc = document(rule("big", "order.amount > 100"))
    ruleset = load_ruleset(doc)
    assert ruleset.document == doc and ruleset.checksum == checksum(doc)
    assert ruleset.rules[0].source == "order.amount > 100"


def test_checksum_is_sha256_of_canonical_json() -> None:
    doc = {"b": "超出", "a": [1, {"d": 2, "c": 3}]}
    canonical = '{"a":[1,{"c":3,"d":2}],"b":"超出"}'
    assert checksum(doc) == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert checksum(json.loads(json.dumps(doc, indent=4))) == checksum(doc)


def test_every_error_of_a_bad_document_is_reported_and_located() -> None:
    good = rule("good")
    duplicate = rule("good")
    bad_outcome = rule("bad_outcome", outcome="maybe")
    bad_priority = dict(rule("bad_priority"), priority=-1)
    bool_priority = dict(rule("bool_priority"), priority=True)
    missing = {"name": "missing_fields"}
    bad_when = rule("bad_when", "order.amont > 1")
    bad_code = rule("bad_code", code="lower-case")
    no_en = rule("no_en", message={"zh": "中文"})
    errors = invalid(document(good, duplicate, bad_outcome, bad_priority, bool_priority,
                              missing, bad_when, bad_code, no_en))
    assert located(errors) >= {
        ("good", "name"), ("bad_outcome", "then.outcome"), ("bad_priority", "priority"),
        ("bool_priority", "priority"), ("missing_fields", "priority"),
        ("missing_fields", "when"), ("missing_fields", "then"), ("bad_when", "when"),
        ("bad_code", "then.code"), ("no_en", "then.message.en"),
    }
    when_error = next(e for e in errors if e.rule == "bad_when")
    assert (when_error.line, when_error.column) == (1, 1)
    assert when_error.expected == "order.amount"


def test_a_bad_placeholder_is_located_by_field_and_column() -> None:
    errors = invalid(document(rule(message={
        "zh": "超出 {order.amount - customer.credit_limt} 元",
        "en": "over by {order.amount +} {customer.tier}",
    })))
    by_field = {e.field: e for e in errors}
    assert (by_field["then.message.zh"].line, by_field["then.message.zh"].column) == (1, 20)
    assert "did you mean customer.credit_limit" in by_field["then.message.zh"].message
    assert (by_field["then.message.en"].line, by_field["then.message.en"].column) == (1, 24)


def test_an_unclosed_brace_in_a_template_is_located() -> None:
    errors = invalid(document(rule(message={"zh": "好", "en": "x {order.amount"})))
    assert [(e.field, e.column) for e in errors] == [("then.message.en", 3)]


def test_literal_braces_are_written_doubled() -> None:
    load_ruleset(document(rule(message={"zh": "{{字}}", "en": "{{literal}} {order.amount}"})))


def test_only_one_rule_may_be_otherwise() -> None:
    errors = invalid(document(rule("a", "otherwise"), rule("b", "otherwise")))
    assert located(errors) == {("b", "when")}


def test_conditions_are_checked() -> None:
    errors = invalid(document(
        rule("no_conditions", outcome="approved_with_conditions"),
        rule("bad_percent", outcome="approved_with_conditions",
             conditions=[{"type": "prepayment", "percent": "130"}]),
        rule("float_percent", outcome="approved_with_conditions",
             conditions=[{"type": "prepayment", "percent": 30}]),
        rule("unknown_type", outcome="approved_with_conditions",
             conditions=[{"type": "discount", "percent": "5"}]),
        rule("conditions_on_hold", conditions=[{"type": "prepayment", "percent": "5"}]),
    ))
    assert located(errors) == {
        ("no_conditions", "then.conditions"), ("bad_percent", "then.conditions[0].percent"),
        ("float_percent", "then.conditions[0].percent"),
        ("unknown_type", "then.conditions[0].type"), ("conditions_on_hold", "then.conditions"),
    }


def test_unknown_keys_and_bad_names_are_errors() -> None:
    typo = rule("typo")
    typo["priorty"] = 3
    badly_named = rule("Bad Name")
    doc = document(typo, badly_named)
    doc["extra"] = 1
    errors = invalid(doc)
    assert located(errors) == {("typo", "priorty"), ("rules[1]", "name"), ("", "extra")}


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        ([], ""),
        ({"name": "credit_approval", "rules": []}, "rules"),
        ({"name": "nonsense", "rules": [rule()]}, "name"),
        ({"rules": [rule()]}, "name"),
    ],
)
def test_document_level_problems_are_errors(doc: Any, field: str) -> None:
    assert field in {e.field for e in invalid(doc)}


def test_a_document_of_another_kind_is_refused() -> None:
    with pytest.raises(RuleSetInvalid) as caught:
        load_ruleset(document(rule()), kind="overdue_penalty")
    assert "name" in {e.field for e in caught.value.errors}


def test_the_ruleset_is_independent_of_the_caller_document() -> None:
    doc = document(rule())
    ruleset = load_ruleset(doc)
    original = copy.deepcopy(doc)
    doc["rules"][0]["then"]["code"] = "CHANGED"
    assert ruleset.rules[0].then["code"] == original["rules"][0]["then"]["code"]


def test_errors_serialize_for_the_api() -> None:
    error = invalid(document(rule(when="order.amount >")))[0]
    assert error.to_dict() == {"rule": "r1", "field": "when", "line": 1, "column": 15,
                               "message": error.message, "expected": error.expected}


def _classes(*rules: dict[str, Any]) -> dict[str, Any]:
    return {"name": "receivable_classes", "description": "test", "rules": list(rules)}


def _class_rule(name: str, when: str, klass: str = "doubtful", percent: Any = "20"
                ) -> dict[str, Any]:
    return {"name": name, "priority": 1, "when": when,
            "then": {"class": klass, "provision_percent": percent,
                     "message": {"zh": "准呆账", "en": "doubtful"}}}


def test_a_receivable_classes_set_without_an_otherwise_rule_is_refused() -> None:
    errors = invalid(_classes(_class_rule("doubtful", "invoice.days_past_due > 30")))
    assert [(e.field, "otherwise" in e.message) for e in errors] == [("rules", True)]


def test_a_receivable_class_must_be_one_of_the_reported_classes_with_a_percent_to_100() -> None:
    errors = invalid(_classes(
        _class_rule("odd", "invoice.days_past_due > 30", klass="dubious", percent="120"),
        _class_rule("rest", "otherwise", klass="not_due", percent="0")))
    assert {(e.rule, e.field) for e in errors} == {("odd", "then.class"),
                                                   ("odd", "then.provision_percent")}


def test_a_blacklist_watch_takes_no_otherwise_rule_and_bounded_counts() -> None:
    doc = {"name": "blacklist_watch", "description": "test", "rules": [
        {"name": "late", "priority": 1, "when": "invoice.days_late > 30",
         "then": {"min_invoices": 0, "window_days": 365}},
        {"name": "rest", "priority": 2, "when": "otherwise",
         "then": {"min_invoices": 3, "window_days": 99999}}]}
    errors = invalid(doc)
    assert {(e.rule, e.field) for e in errors} == {
        ("late", "then.min_invoices"), ("rest", "then.window_days"), ("rest", "when")}


def test_a_prepayment_amount_is_a_checked_money_expression() -> None:
    errors = invalid(document(
        rule("unknown_name", outcome="approved_with_conditions",
             conditions=[{"type": "prepayment", "amount": "order.amout - 1"}]),
        rule("not_money", outcome="approved_with_conditions",
             conditions=[{"type": "prepayment", "amount": "overdue.oldest_days"}]),
        rule("not_text", outcome="approved_with_conditions",
             conditions=[{"type": "prepayment", "amount": 100}]),
        rule("too_large", outcome="approved_with_conditions",
             conditions=[{"type": "prepayment",
                          "amount": "order.amount * 100000000000000000000000"}]),
        rule("neither", outcome="approved_with_conditions",
             conditions=[{"type": "prepayment"}]),
    ))
    assert located(errors) == {
        ("unknown_name", "then.conditions[0].amount"), ("not_money", "then.conditions[0].amount"),
        ("not_text", "then.conditions[0].amount"), ("too_large", "then.conditions[0].amount"),
        ("neither", "then.conditions[0].percent"),
    }
    load_ruleset(document(rule("both", outcome="approved_with_conditions", conditions=[
        {"type": "prepayment", "percent": "10", "amount": "order.amount - customer.credit_limit"}
    ])))
