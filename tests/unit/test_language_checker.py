"""Type checking against the vocabulary: unknown names, type errors, located RuleErrors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from policy_service.language.checker import (
    ExprType,
    RuleError,
    check_condition,
    check_placeholder,
    type_of,
)
from policy_service.language.parser import parse_expression
from policy_service.language.vocabulary import (
    CREDIT_APPROVAL_VOCABULARY,
    Field,
    FieldType,
)

VOCAB = CREDIT_APPROVAL_VOCABULARY.extend("test", (
    Field("account.rate", FieldType.DECIMAL, "a rate", "比率", scale=100, max_abs=Decimal(10)),
    Field("account.count", FieldType.INTEGER, "a count", "数量", max_abs=Decimal(1000)),
))


def errors(source: str) -> list[RuleError]:
    return check_condition(source, VOCAB, rule="r")[1]


def only_error(source: str) -> RuleError:
    found = errors(source)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "source",
    [
        "exposure.total + order.amount > customer.credit_limit + customer.collateral",
        'customer.tier == "C" and order.amount > customer.credit_limit * 0.5',
        "customer.review_overdue",
        "not customer.review_overdue or overdue.oldest_days > 30",
        'customer.tier in ["C", "D"]',
        'customer.status not in ["blacklisted"]',
        "order.amount > 100000",
        "order.amount / 3 * 2 >= customer.credit_limit - 0.01",
        "order.amount * account.count > customer.credit_limit",
        "order.amount * account.rate > 100",
        "overdue.oldest_days + customer.payment_term_days > order.requested_term_days * 2",
        "account.rate * 100 >= 95",
        "customer.review_overdue == false",
        "(order.amount > 1) != customer.review_overdue",
        "overdue.invoice_count in [1, 2, 3]",
        "true",
    ],
)
def test_well_typed_conditions_have_no_errors(source: str) -> None:
    node, found = check_condition(source, VOCAB, rule="r")
    assert found == [] and node is not None


def test_an_unknown_name_suggests_the_closest_known_name() -> None:
    error = only_error("order.amont > 5")
    assert error.message == "unknown name 'order.amont'; did you mean order.amount?"
    assert error.expected == "order.amount"
    assert (error.rule, error.field, error.line, error.column) == ("r", "when", 1, 1)


def test_a_syntax_error_becomes_a_located_rule_error() -> None:
    error = only_error("order.amount >\n  ")
    assert (error.line, error.column) == (2, 3)
    assert "expected a value" in error.message


@pytest.mark.parametrize(
    ("source", "column", "fragment"),
    [
        ('order.amount > "100"', 1, "cannot compare a money amount with a text value"),
        ("order.amount and customer.review_overdue", 1, "'and' needs a condition"),
        ("customer.review_overdue or overdue.amount", 28, "'or' needs a condition"),
        ("not order.amount", 5, "'not' needs a condition"),
        ("order.amount * customer.credit_limit > 1", 1, "multiply money by money"),
        ("order.amount / customer.credit_limit > 1", 16, "divide by a constant"),
        ("order.amount / overdue.invoice_count > 1", 16, "divide by a constant"),
        ("order.amount / (2 - 2) > 1", 17, "division by zero"),
        ("order.amount / 0 > 1", 16, "division by zero"),
        ('customer.tier == "E"', 18, '"E" is not a value of customer.tier'),
        ('"Z" != customer.status', 1, '"Z" is not a value of customer.status'),
        ('customer.tier in ["A", "X"]', 24, '"X" is not a value'),
        ('customer.tier in ["A", 1]', 24, "must hold quoted values"),
        ('customer.tier < "C"', 1, "'<' does not apply to a text value"),
        ("customer.review_overdue > false", 1, "'>' does not apply to a condition"),
        ("order.amount", 1, "must be true or false"),
        ("order.amount > overdue.oldest_days", 1, "cannot compare money with a whole number"),
        ("order.amount + overdue.oldest_days > 1", 1, "'+' on money and a whole number"),
        ('order.currency + 1 > 1', 1, "'+' needs numbers"),
        ("-customer.review_overdue", 1, "'-' needs a number"),
        ("customer.tier == customer.status", 1, "quoted value"),
        ("customer.review_overdue in [true]", 1, "'in' needs a text or a number"),
        ("order.amount * 100000000 > 1", 1, "too large"),
        ("order.amount * overdue.invoice_count > customer.credit_limit", 1, "too large"),
    ],
)
def test_type_errors_are_located_and_explained(source: str, column: int, fragment: str) -> None:
    error = only_error(source)
    assert error.column == column and error.line == 1
    assert fragment in error.message
    assert error.expected


def test_every_independent_error_is_reported() -> None:
    found = errors('order.amont > 1 and customer.tier == "Q" and customer.statu == "x"')
    assert [e.column for e in found] == [1, 38, 46]


def test_an_unknown_name_does_not_cascade_into_type_errors() -> None:
    assert len(errors("order.amont * 2 > customer.credit_limit")) == 1


def test_otherwise_type_checks_as_the_otherwise_condition() -> None:
    node, found = check_condition("otherwise", VOCAB, rule="r")
    assert found == [] and node is not None


def test_money_arithmetic_types() -> None:
    def kind(source: str) -> ExprType:
        return type_of(parse_expression(source), VOCAB)

    assert kind("order.amount + customer.collateral") is ExprType.MONEY
    assert kind("order.amount * 0.3") is ExprType.MONEY
    assert kind("0.3 * order.amount") is ExprType.MONEY
    assert kind("order.amount * account.rate") is ExprType.MONEY
    assert kind("order.amount / 3") is ExprType.MONEY
    assert kind("overdue.oldest_days + 1") is ExprType.INTEGER
    assert kind("overdue.oldest_days * 1.5") is ExprType.DECIMAL
    assert kind("overdue.oldest_days / 2") is ExprType.DECIMAL
    assert kind("account.rate - 1") is ExprType.DECIMAL
    assert kind("1 + 2") is ExprType.NUMBER
    assert kind("order.amount * order.amount") is ExprType.ERROR


def test_placeholder_errors_are_located_inside_their_template() -> None:
    node, found = check_placeholder("order.amount +", VOCAB, rule="r",
                                    field="then.message.en", line=1, column=20)
    assert node is None
    assert [(e.field, e.line, e.column) for e in found] == [("then.message.en", 1, 34)]


def test_a_placeholder_may_have_any_type() -> None:
    for source in ("order.amount", "customer.tier", "order.amount > 1", "overdue.oldest_days"):
        assert check_placeholder(source, VOCAB, rule="r", field="f")[1] == []
