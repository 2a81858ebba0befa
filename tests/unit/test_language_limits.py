"""Rule document limits (language/limits.py): each refused with a located error, and the
largest accepted shapes still parse, check, compile and probe quickly."""

from __future__ import annotations

import copy
import json
import time
from typing import Any

import pytest

from policy_service.config import SHIPPED_RULES
from policy_service.engine.probe import ProbeTimeout, RuleRefused, probe
from policy_service.language import limits
from policy_service.language.checker import check_condition, check_placeholder
from policy_service.language.compiler import compile_ruleset
from policy_service.language.document import RuleSetInvalid, load_ruleset
from policy_service.language.errors import RuleError
from policy_service.language.extremes import edge_errors
from policy_service.language.lexer import ParseError
from policy_service.language.parser import parse_condition, parse_expression
from policy_service.language.sizes import engine_tests
from policy_service.language.vocabulary import CREDIT_APPROVAL_VOCABULARY as VOCAB

SHIPPED = json.loads((SHIPPED_RULES / "credit_approval.json")
                     .read_text(encoding="utf-8"))


def document(when: str = "order.amount > 0", message: str = "m") -> dict[str, Any]:
    """The shipped credit_approval set with a first rule ``probe`` of this when/message."""
    doc = copy.deepcopy(SHIPPED)
    doc["rules"].insert(0, {"name": "probe", "priority": 1, "when": when, "then": {
        "outcome": "hold", "code": "PROBE", "conditions": [],
        "message": {"zh": message, "en": "m"}}})
    return doc


def refused(doc: dict[str, Any]) -> list[RuleError]:
    """The located errors of a document that must be refused."""
    with pytest.raises(RuleSetInvalid) as caught:
        load_ruleset(doc)
    return caught.value.errors


def when_error(when: str) -> RuleError:
    """The one error of a ``when`` that must be refused."""
    node, errors = check_condition(when, VOCAB, rule="r")
    assert node is None and len(errors) == 1, errors
    return errors[0]


def chain(op: str, count: int, term: str = "order.amount > 0") -> str:
    """``term op term op ...`` with ``count`` terms."""
    return f" {op} ".join([term] * count)


@pytest.mark.parametrize("digit", ["²", "①", "٣", "３", "߁"])
def test_a_non_ascii_digit_is_a_located_lexer_error_not_a_crash(digit: str) -> None:
    error = when_error(f"order.amount > 1{digit}")
    assert (error.rule, error.field, error.line, error.column) == ("r", "when", 1, 17)
    assert repr(digit) in error.message
    assert when_error(f"order.amount > {digit}").column == 16


@pytest.mark.parametrize("text", ["1" + "0" * 20, "1" * 21, "123456789012345678.901",
                                  "1" + "0" * 1000, "9" * 4400])
def test_a_number_past_twenty_significant_digits_is_refused_where_it_starts(text: str) -> None:
    error = when_error(f"order.amount + {text} > 1")
    assert error.column == 16 and "significant digits" in error.message


def test_leading_zeros_do_not_count_and_twenty_digits_with_four_decimals_are_accepted() -> None:
    assert check_condition("order.amount * 0.0001 > 0000000000000000000000001", VOCAB,
                           rule="r")[1] == []
    assert parse_expression("1234567890123456.7890")
    assert "decimals" in when_error("order.amount > 1.00001").message


def test_the_nesting_limit_refuses_deep_parentheses_nots_and_minus_signs_at_the_culprit(
) -> None:
    deep = limits.MAX_DEPTH
    assert parse_expression("(" * deep + "order.amount" + ")" * deep)
    assert parse_expression("not " * deep + "customer.review_overdue")
    for source in ("(" * 1000 + "order.amount > 0" + ")" * 1000,
                   "not " * 2000 + "customer.review_overdue",
                   "-" * 2000 + "order.amount > 0"):
        with pytest.raises(ParseError) as caught:
            parse_expression(source)
        assert "nest at most" in caught.value.message and caught.value.column > 1
    assert "nest at most" in when_error("(" * 1000 + "order.amount > 0" + ")" * 1000).message


@pytest.mark.parametrize("op", ["and", "or"])
def test_two_thousand_term_chains_are_refused_without_blowing_the_recursion(op: str) -> None:
    for count in (limits.MAX_TERMS + 2, 2000):
        with pytest.raises(ParseError) as caught:
            parse_expression(chain(op, count, "o.a"))
        assert "at most 200 operators" in caught.value.message
    assert parse_expression(chain(op, limits.MAX_TERMS + 1, "o.a"))


def test_two_thousand_term_sums_are_refused_by_size_and_by_operator_count() -> None:
    with pytest.raises(ParseError, match="operators"):
        parse_expression(chain("+", 2000, "o.a") + " > 0")
    assert "characters" in when_error(chain("+", 2000, "order.amount") + " > 0").message


def test_an_in_list_holds_at_most_one_hundred_values() -> None:
    values = ", ".join(str(n) for n in range(limits.MAX_LIST_ITEMS))
    assert check_condition(f"customer.age_days in [{values}]", VOCAB, rule="r")[1] == []
    error = when_error(f"customer.age_days in [{values}, 100, 101]")
    assert "at most 100 values" in error.message and error.column > 100
    assert "at most 100" in when_error(
        "customer.age_days in [" + ", ".join(str(n) for n in range(506)) + "]").message


def test_a_too_long_expression_or_placeholder_is_refused_before_it_is_parsed() -> None:
    long = "order.amount > " + "0" * limits.MAX_EXPRESSION_CHARS
    assert "characters" in when_error(long).message
    _, errors = check_placeholder(long, VOCAB, rule="r", field="then.message.en", line=2,
                                  column=5)
    assert errors and (errors[0].line, errors[0].column) == (2, 5 + limits.MAX_EXPRESSION_CHARS)


def test_a_message_past_one_thousand_characters_is_refused_at_its_field() -> None:
    assert load_ruleset(document(message="x" * limits.MAX_MESSAGE_CHARS))
    errors = refused(document(message="x" * (limits.MAX_MESSAGE_CHARS + 1)))
    assert [(e.rule, e.field, e.line, e.column) for e in errors] == [
        ("probe", "then.message.zh", 1, limits.MAX_MESSAGE_CHARS + 1)]


def test_a_one_megabyte_message_is_refused_by_size_and_located_at_its_field() -> None:
    errors = refused(document(message="x" * 1_000_000))
    assert "256 KB" in errors[0].message
    assert ("probe", "then.message.zh") in {(e.rule, e.field) for e in errors}


def test_a_one_million_digit_literal_is_refused_at_once() -> None:
    started = time.perf_counter()
    errors = refused(document(when="order.amount > 1" + "0" * 1_000_000))
    assert time.perf_counter() - started < 1
    assert ("probe", "when") in {(e.rule, e.field) for e in errors}


def test_a_rule_set_holds_at_most_two_hundred_rules() -> None:
    doc = copy.deepcopy(SHIPPED)
    extra = copy.deepcopy(doc["rules"][2])
    doc["rules"] += [{**extra, "name": f"extra_{n}"} for n in range(limits.MAX_RULES)]
    errors = refused(doc)
    assert [(e.field, "200 rules" in e.message) for e in errors] == [("rules", True)]


@pytest.mark.parametrize("when", [
    "order.amount * 1000000000000000 * 100000000000000 > "
    "customer.credit_limit * 1000000000000000 * 100000000000000",
    "order.amount * 100000000 * 100000000 > customer.credit_limit * 100000000 * 100000000",
    "order.amount * 10000000 >= customer.credit_limit * 10000000",
    "order.amount * 10000000 - customer.credit_limit * 10000000 > 0",
    "order.amount + 10000000000000000000 > 10000000000000000000",
    "customer.age_days * 10000000000000000 in [1]",
])
def test_each_side_of_a_comparison_must_stay_in_engine_integers_even_if_they_cancel(
    when: str,
) -> None:
    error = when_error(when)
    assert "too large" in error.message and (error.line, error.column) == (1, 1)


@pytest.mark.parametrize("placeholder", [
    "order.amount * 10000000000 * 10000000000 * 10000000000 * 10",
    "order.amount * 100000000",
    "10000000000 * 10000000000",
])
def test_a_placeholder_that_could_not_be_shown_exactly_is_refused_where_it_starts(
    placeholder: str,
) -> None:
    errors = refused(document(message="over by {" + placeholder + "} now"))
    assert [(e.rule, e.field, e.line, e.column) for e in errors] == [
        ("probe", "then.message.zh", 1, 10)]
    assert "too large" in errors[0].message


def test_a_product_of_sums_that_would_expand_past_the_limit_is_refused_not_expanded() -> None:
    fields = ("customer.age_days", "customer.payment_term_days", "order.requested_term_days",
              "overdue.oldest_days", "overdue.invoice_count")
    factor = "(" + " + ".join(fields) + " + 1)"
    started = time.perf_counter()
    error = when_error(" * ".join([factor] * 12) + " > 0")
    assert time.perf_counter() - started < 1 and "simplify" in error.message


def test_the_largest_accepted_money_factors_still_validate() -> None:
    assert check_condition("order.amount * 10000 > customer.credit_limit * 10000", VOCAB,
                           rule="r")[1] == []
    assert load_ruleset(document(message="{order.amount * 10000}"))


ENGINE_FIELD_TESTS = 13
"""Comparisons between fields durable-rules takes in one rule (error 113 past it)."""


def size(doc: dict[str, Any]) -> int:
    """The document's size as the limit counts it: compact UTF-8 JSON."""
    return len(json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def worst_document() -> dict[str, Any]:
    """The largest shapes the limits accept, as many rules as the size limit lets in:
    lists of 100 values joined by or up to the expression size, 200-operator chains of
    sums, the deepest nesting."""
    values = ", ".join(str(n * 7919) for n in range(limits.MAX_LIST_ITEMS))
    lists = chain("or", 12, f"customer.age_days in [{values}]")
    while len(lists) > limits.MAX_EXPRESSION_CHARS:
        lists = lists.rsplit(" or ", 1)[0]
    depth = "(" * (limits.MAX_DEPTH - 1) + "not customer.review_overdue" + \
        ")" * (limits.MAX_DEPTH - 1)
    sums = chain("and", ENGINE_FIELD_TESTS,
                 "order.amount + exposure.total + overdue.amount > customer.credit_limit")
    logic = chain("and", limits.MAX_TERMS + 1, "customer.review_overdue")
    whens = [lists, sums, depth, logic]
    doc = copy.deepcopy(SHIPPED)
    template = doc["rules"][2]
    doc["rules"] = [r for r in doc["rules"] if r["when"] == "otherwise"]
    counts = {when: engine_tests(parse_condition(when)) for when in whens}
    tests = 0
    for number in range(limits.MAX_RULES - 1):
        turn = whens[number % len(whens):] + whens[:number % len(whens)]
        fits = [w for w in turn if tests + counts[w] <= limits.MAX_TESTS]
        if not fits:
            break
        tests += counts[fits[0]]
        doc["rules"].append({**copy.deepcopy(template), "name": f"worst_{number}",
                             "when": fits[0]})
        if size(doc) > limits.MAX_DOCUMENT_BYTES:
            doc["rules"].pop()
            break
    return doc


def test_the_worst_accepted_draft_compiles_and_its_probe_ends_before_the_deadline() -> None:
    # Not a timing test (the machine may be loaded): the probe itself raises
    # ProbeTimeout past PROBE_SECONDS, so the worst draft the limits let through must
    # still be decided by the engine in a child within that deadline.
    doc = worst_document()
    assert len(doc["rules"]) > 30 and size(doc) <= limits.MAX_DOCUMENT_BYTES
    ruleset = load_ruleset(doc)
    assert edge_errors(ruleset) == []
    probe(compile_ruleset(ruleset).rules, timeout=limits.PROBE_SECONDS)


def test_a_rule_set_holds_at_most_five_thousand_tests_located_where_it_crosses() -> None:
    values = ", ".join(str(n) for n in range(limits.MAX_LIST_ITEMS))
    doc = copy.deepcopy(SHIPPED)
    lists = chain("or", 10, f"customer.age_days in [{values}]")
    doc["rules"][2:2] = [{**copy.deepcopy(doc["rules"][2]), "name": f"lists_{n}",
                          "when": lists} for n in range(6)]
    errors = refused(doc)
    assert [(e.rule, e.field) for e in errors] == [("lists_4", "when")]
    assert "5000 tests" in errors[0].message


def test_a_probe_past_its_deadline_is_refused_and_the_child_killed() -> None:
    rules = compile_ruleset(load_ruleset(document(when="order.amount > 7"))).rules
    with pytest.raises(ProbeTimeout, match="longer than"):
        probe(rules, timeout=0.001)


def test_a_condition_the_engine_cannot_hold_is_refused_naming_its_rule() -> None:
    ruleset = load_ruleset(document(when=chain(
        "and", ENGINE_FIELD_TESTS + 1, "order.amount > customer.credit_limit")))
    with pytest.raises(RuleRefused) as caught:
        probe(compile_ruleset(ruleset).rules)
    assert caught.value.rule == "probe"
