"""Compiling to durable-rules conditions: integer-only, exact, no $div/$not/floats."""

from __future__ import annotations

import copy
import itertools
import operator
from decimal import Decimal
from typing import Any

import pytest

from policy_service.config import SHIPPED_RULES
from policy_service.language.checker import check_condition
from policy_service.language.compiler import compile_condition, compile_ruleset, encode_facts
from policy_service.language.document import load_ruleset_file
from policy_service.language.engine_rule import EngineRule
from policy_service.language.reference import evaluate
from policy_service.language.vocabulary import CREDIT_APPROVAL_VOCABULARY, Field, FieldType

RULES = SHIPPED_RULES
VOCAB = CREDIT_APPROVAL_VOCABULARY.extend("test", (
    Field("account.rate", FieldType.DECIMAL, "a rate", "比率", scale=100, max_abs=Decimal(10)),
    Field("account.count", FieldType.INTEGER, "a count", "数量", max_abs=Decimal(1000)),
))
FACTS: dict[str, Any] = {
    "order": {"amount": Decimal("100.00"), "currency": "CNY", "requested_term_days": 30},
    "customer": {"tier": "C", "status": "active", "credit_limit": Decimal("200.01"),
                 "collateral": Decimal("0.00"), "payment_term_days": 60, "age_days": 10,
                 "review_overdue": True, "written_off_365d": Decimal("0.00"),
                 "disputed_amount": Decimal("0.00"), "broken_plans_365d": 0},
    "exposure": {"open_receivables": Decimal("1.10"), "reserved_orders": Decimal("2.20"),
                 "total": Decimal("3.30")},
    "overdue": {"amount": Decimal("0.30"), "oldest_days": 31, "invoice_count": 2},
    "account": {"rate": Decimal("0.12"), "count": 3},
}
_OPS = {"$gt": operator.gt, "$gte": operator.ge, "$lt": operator.lt, "$lte": operator.le,
        "$neq": operator.ne}
_ARITH = {"$add": operator.add, "$sub": operator.sub, "$mul": operator.mul}


def prop(fact: dict[str, Any], path: str) -> Any:
    for key in path.split("."):
        fact = fact[key]
    return fact


def value(expr: Any, fact: dict[str, Any]) -> Any:
    """Evaluate a right-hand side the way the engine does, in Python integers."""
    if isinstance(expr, dict) and "$m" in expr:
        return prop(fact, expr["$m"])
    if isinstance(expr, dict):
        (op, args), = expr.items()
        return _ARITH[op](value(args["$l"], fact), value(args["$r"], fact))
    return expr


def holds(cond: dict[str, Any], fact: dict[str, Any]) -> bool:
    """A tiny interpreter of the condition format, independent of durable-rules."""
    (key, body), = cond.items()
    if key == "$and":
        return all(holds(c, fact) for c in body)
    if key == "$or":
        return any(holds(c, fact) for c in body)
    if key in _OPS:
        (path, rhs), = body.items()
        return bool(_OPS[key](prop(fact, path), value(rhs, fact)))
    return bool(prop(fact, key) == value(body, fact))


def compiled(source: str) -> dict[str, Any]:
    node, errors = check_condition(source, VOCAB, rule="r")
    assert not errors and node is not None
    return compile_condition(node, VOCAB)  # type: ignore[arg-type]


def walk(node: Any, right_side: bool = False) -> list[Any]:
    """Every key and leaf; asserts arithmetic appears only on a comparison's right side."""
    if isinstance(node, list):
        return [leaf for child in node for leaf in walk(child, right_side)]
    if not isinstance(node, dict):
        return [node]
    seen: list[Any] = []
    for key, child in node.items():
        assert key not in _ARITH or right_side, "arithmetic outside the right-hand side"
        seen.append(key)
        if key in ("$and", "$or"):
            seen += walk(child)
        elif key in _OPS:
            (path, rhs), = child.items()
            seen += [path, *walk(rhs, True)]
        else:
            seen += walk(child, True)
    return seen


def test_the_shipped_rules_compile_to_engine_rules_without_div_not_or_floats() -> None:
    ruleset = load_ruleset_file(RULES / "credit_approval.json")
    result = compile_ruleset(ruleset)
    assert all(isinstance(r, EngineRule) for r in result.rules)
    assert [r.name for r in result.rules] == [r.name for r in ruleset.conditional_rules]
    assert result.otherwise is ruleset.otherwise and result.checksum == ruleset.checksum
    for rule in result.rules:
        leaves = walk(rule.condition)
        assert "$div" not in leaves and "$not" not in leaves
        assert not any(isinstance(leaf, float) for leaf in leaves)


def test_a_comparison_of_sums_is_compiled_against_the_zero_constant() -> None:
    cond = compiled("exposure.total + order.amount > customer.credit_limit + customer.collateral")
    assert list(cond) == ["$lt"] and list(cond["$lt"]) == ["_k.zero"]
    assert "exposure.total" in str(cond) and "customer.collateral" in str(cond)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("overdue.oldest_days > 30", {"$gt": {"overdue.oldest_days": 30}}),
        ("order.amount > 100000", {"$gt": {"order.amount": 10_000_000}}),
        ("order.amount >= 0.005", {"$gte": {"order.amount": 1}}),
        ("order.amount > 0.005", {"$gt": {"order.amount": 0}}),
        ("order.amount <= 0.005", {"$lte": {"order.amount": 0}}),
        ("order.amount < 0.005", {"$lt": {"order.amount": 1}}),
        ("30 < overdue.oldest_days", {"$gt": {"overdue.oldest_days": 30}}),
        ("-overdue.oldest_days > -30", {"$lt": {"overdue.oldest_days": 30}}),
        ("order.amount == 0.005", {"_k.one": 0}),
        ("order.amount != 0.005", {"_k.one": 1}),
        ("order.amount / 3 == 1", {"order.amount": 300}),
        ("account.rate >= 0.955", {"$gte": {"account.rate": 96}}),
        ('customer.tier == "D"', {"customer.tier": "D"}),
        ('"D" != customer.tier', {"$neq": {"customer.tier": "D"}}),
        ("customer.review_overdue", {"customer.review_overdue": 1}),
        ("customer.review_overdue == false", {"customer.review_overdue": 0}),
        ("not customer.review_overdue", {"customer.review_overdue": 0}),
        ("true", {"_k.one": 1}),
        ("not true or false", {"_k.one": 0}),
        ("0.1 + 0.2 == 0.3", {"_k.one": 1}),
        ("order.amount + 0.1 + 0.2 == order.amount + 0.3", {"_k.one": 1}),
        ("customer.credit_limit * 0.1 + customer.credit_limit * 0.2 "
         "== customer.credit_limit * 0.3", {"_k.one": 1}),
        ("order.amount - order.amount > 0", {"_k.one": 0}),
        ('customer.tier in ["C", "D"]', {"$or": [{"customer.tier": "C"}, {"customer.tier": "D"}]}),
        ('customer.tier not in ["C", "D"]',
         {"$and": [{"$neq": {"customer.tier": "C"}}, {"$neq": {"customer.tier": "D"}}]}),
        ('not (overdue.oldest_days > 30 and customer.tier == "C")',
         {"$or": [{"$lte": {"overdue.oldest_days": 30}}, {"$neq": {"customer.tier": "C"}}]}),
        ('not customer.tier in ["C"]', {"$neq": {"customer.tier": "C"}}),
        ("order.amount * 0.3 > customer.credit_limit * 0.1",
         {"$lt": {"_k.zero": {"$sub": {"$l": {"$mul": {"$l": 3, "$r": {"$m": "order.amount"}}},
                                       "$r": {"$m": "customer.credit_limit"}}}}}),
    ],
)
def test_conditions_compile_to_the_expected_structure(source: str, expected: Any) -> None:
    assert compiled(source) == expected


def test_coefficients_are_integers_after_clearing_denominators() -> None:
    cond = compiled("order.amount * 1.15 + overdue.amount / 3 >= customer.credit_limit - 0.01")
    leaves = walk(cond)
    numbers = [leaf for leaf in leaves if isinstance(leaf, int | float | Decimal)]
    assert numbers and all(type(n) is int for n in numbers)
    # in cents: 23/2000 a + 1/300 o - 1/100 l + 1/100 >= 0, times 6000
    assert sorted(numbers) == [20, 60, 60, 69]


EXPRESSIONS = [
    "exposure.total + order.amount > customer.credit_limit + customer.collateral",
    "order.amount > customer.credit_limit * 0.5",
    "order.amount * 1.15 >= customer.credit_limit / 3 * 2 - 0.01",
    "exposure.open_receivables * 0.1 + exposure.reserved_orders * 0.2 == exposure.total * 0.1 "
    "+ exposure.reserved_orders * 0.1",
    "overdue.amount * account.count != 0.9",
    "overdue.amount * account.count >= order.amount - 99.1",
    "order.amount * account.rate < 12.34",
    "(overdue.oldest_days - 1) / 3 > 9.9",
    'not (customer.review_overdue == (order.amount > 99.995)) or customer.tier not in ["A"]',
    "overdue.invoice_count in [1, 2, 3] and order.requested_term_days * 1.5 <= 45",
]


@pytest.mark.parametrize("source", EXPRESSIONS)
def test_compiled_conditions_agree_exactly_with_the_reference(source: str) -> None:
    node, _ = check_condition(source, VOCAB, rule="r")
    cond = compiled(source)
    amounts = [Decimal("99.99"), Decimal("100.00"), Decimal("100.01"), Decimal("3.30")]
    for amount, limit, days in itertools.product(amounts, amounts, (0, 30, 31)):
        facts = copy.deepcopy(FACTS)
        facts["order"]["amount"], facts["customer"]["credit_limit"] = amount, limit
        facts["overdue"]["oldest_days"] = days
        expected = evaluate(node, VOCAB, facts)  # type: ignore[arg-type]
        assert holds(cond, encode_facts(VOCAB, facts)) == expected, (source, facts)


def test_facts_are_encoded_as_exact_integers_and_strings() -> None:
    fact = encode_facts(VOCAB, FACTS)
    assert fact["_k"] == {"zero": 0, "one": 1}
    assert fact["order"] == {"amount": 10000, "currency": "CNY", "requested_term_days": 30}
    assert fact["customer"]["credit_limit"] == 20001
    assert fact["customer"]["review_overdue"] == 1
    assert fact["account"] == {"rate": 12, "count": 3}
    assert type(fact["exposure"]["total"]) is int
