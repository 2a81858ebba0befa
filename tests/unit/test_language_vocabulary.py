"""The credit_approval vocabulary, its documentation table, and fact validation."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from policy_service.language.vocabulary import (
    CREDIT_APPROVAL_VOCABULARY,
    FactsInvalid,
    Field,
    FieldType,
    validate_facts,
    vocabulary_markdown,
)

FACTS: dict[str, Any] = {
    "order": {"amount": Decimal("100.00"), "currency": "CNY", "requested_term_days": 30},
    "customer": {"tier": "B", "status": "active", "credit_limit": Decimal("1000.00"),
                 "collateral": Decimal("0"), "payment_term_days": 60, "age_days": 10,
                 "review_overdue": False, "written_off_365d": Decimal("0.00"),
                 "disputed_amount": Decimal("0.00"), "broken_plans_365d": 0},
    "exposure": {"open_receivables": Decimal("1"), "reserved_orders": Decimal("2"),
                 "total": Decimal("3")},
    "overdue": {"amount": Decimal("0"), "oldest_days": 0, "invoice_count": 0},
}


def test_the_vocabulary_has_every_name_policy_md_lists() -> None:
    expected = {
        "order.amount", "order.currency", "order.requested_term_days", "customer.tier",
        "customer.status", "customer.credit_limit", "customer.collateral",
        "customer.payment_term_days", "customer.age_days", "customer.review_overdue",
        "exposure.open_receivables", "exposure.reserved_orders", "exposure.total",
        "overdue.amount", "overdue.oldest_days", "overdue.invoice_count",
    }
    assert expected <= set(CREDIT_APPROVAL_VOCABULARY)
    assert CREDIT_APPROVAL_VOCABULARY["customer.tier"].allowed == ("A", "B", "C", "D")
    assert CREDIT_APPROVAL_VOCABULARY["order.amount"].type is FieldType.MONEY


def test_the_markdown_table_documents_each_field_in_both_languages() -> None:
    table = vocabulary_markdown(CREDIT_APPROVAL_VOCABULARY)
    assert table.startswith("| name | type | meaning | 含义 | allowed values |")
    row = next(line for line in table.splitlines() if "`customer.tier`" in line)
    assert "信用等级" in row and "`A`, `B`, `C`, `D`" in row
    assert len(table.splitlines()) == len(CREDIT_APPROVAL_VOCABULARY) + 2


def test_valid_facts_pass() -> None:
    validate_facts(CREDIT_APPROVAL_VOCABULARY, FACTS)


@pytest.mark.parametrize(
    ("group", "name", "value", "fragment"),
    [
        ("order", "amount", 100.0, "order.amount must be a Decimal"),
        ("order", "amount", Decimal("1.005"), "more decimal places"),
        ("order", "amount", Decimal("NaN"), "finite"),
        ("order", "amount", Decimal("1e13"), "between"),
        ("order", "requested_term_days", Decimal("30"), "must be an int"),
        ("order", "requested_term_days", True, "must be an int"),
        ("customer", "tier", "E", "must be one of A, B, C, D"),
        ("customer", "review_overdue", 0, "true or false"),
        ("customer", "status", 1, "must be a string"),
    ],
)
def test_mistyped_facts_are_refused_with_a_clear_message(
    group: str, name: str, value: Any, fragment: str
) -> None:
    facts = copy.deepcopy(FACTS)
    facts[group][name] = value
    with pytest.raises(FactsInvalid) as caught:
        validate_facts(CREDIT_APPROVAL_VOCABULARY, facts)
    assert len(caught.value.problems) == 1 and fragment in caught.value.problems[0]


def test_every_missing_fact_is_listed() -> None:
    facts = copy.deepcopy(FACTS)
    del facts["overdue"]
    del facts["order"]["currency"]
    with pytest.raises(FactsInvalid) as caught:
        validate_facts(CREDIT_APPROVAL_VOCABULARY, facts)
    assert caught.value.problems == [
        "order.currency is missing", "overdue.amount is missing",
        "overdue.oldest_days is missing", "overdue.invoice_count is missing",
    ]


def test_later_rule_sets_extend_or_define_vocabularies_the_same_way() -> None:
    penalty = CREDIT_APPROVAL_VOCABULARY.extend("overdue_penalty", (
        Field("invoice.days_past_due", FieldType.INTEGER, "days past due", "逾期天数"),
    ))
    assert "invoice.days_past_due" in penalty and "order.amount" in penalty
    with pytest.raises(ValueError, match="duplicate"):
        penalty.extend("x", (Field("order.amount", FieldType.MONEY, "a", "b"),))
    with pytest.raises(ValueError, match="_k"):
        Field("_k.zero", FieldType.INTEGER, "a", "b")
