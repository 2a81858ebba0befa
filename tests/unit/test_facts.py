"""One fact builder per vocabulary, and facts validated once on each path."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pytest

from policy_service.config import SHIPPED_RULES
from policy_service.domain import account_facts, credit_facts
from policy_service.domain.case_checks import check_case
from policy_service.domain.outstanding import outstanding
from policy_service.domain.review import Indicators, InvoiceHistory
from policy_service.language import vocabulary
from policy_service.language.cases import load_cases, ruleset_path
from policy_service.language.document import load_ruleset_file
from policy_service.language.kinds import get_kind
from policy_service.language.reference import explain, matching_rules

RULES = SHIPPED_RULES
TODAY = date(2026, 3, 10)


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    calls: list[str] = []
    real = vocabulary.validate_facts

    def counting(vocab: vocabulary.Vocabulary, facts: object) -> None:
        calls.append(vocab.name)
        real(vocab, facts)  # type: ignore[arg-type]

    monkeypatch.setattr(vocabulary, "validate_facts", counting)
    yield calls


@dataclass
class _Customer:
    tier_code: str = "B"
    status: str = "active"
    name: str = "Acme"
    credit_limit: Decimal = Decimal("100000.00")
    collateral_amount: Decimal = Decimal("0.00")
    payment_term_days: int = 60
    created_at: datetime = datetime(2025, 1, 1)
    next_review_date: date = date(2026, 6, 1)


@dataclass
class _Invoice:
    id: str = "INV-1"
    amount: Decimal = Decimal("1000.00")
    currency: str = "CNY"
    due_date: date = date(2026, 3, 1)
    credited: Decimal = Decimal("0.00")
    principal_paid: Decimal = Decimal("200.00")
    penalty_accrued: Decimal = Decimal("5.00")
    penalty_waived: Decimal = Decimal("1.00")
    penalty_paid: Decimal = Decimal("0.00")

    @property
    def outstanding(self) -> Decimal:
        return outstanding(self)  # type: ignore[no-any-return]


@dataclass
class _Order:
    amount: Decimal = Decimal("5000.00")
    currency: str = "CNY"
    requested_term_days: int | None = None


@dataclass
class _Exposure:
    open_receivables: Decimal = Decimal("800.00")
    reserved_orders: Decimal = Decimal("0.00")
    overdue_amount: Decimal = Decimal("800.00")
    oldest_days_past_due: int = 9
    overdue_invoice_count: int = 1
    written_off_365d: Decimal = Decimal("0.00")
    disputed_amount: Decimal = Decimal("0.00")
    broken_plans_365d: int = 0

    @property
    def total(self) -> Decimal:
        return self.open_receivables + self.reserved_orders


INDICATORS = Indicators(Decimal("0.9"), 12, Decimal("0.00"), 0, Decimal("0.4"), 8)
BUILT = {
    "credit_approval": credit_facts.order_facts(_Customer(), _Order(), _Exposure(), TODAY),
    "overdue_penalty": account_facts.penalty_facts(_Customer(), _Invoice(), 3),
    "escalation": account_facts.escalation_facts(_Customer(), _Invoice(), TODAY, None),
    "limit_review": account_facts.review_facts(_Customer(), INDICATORS),
    "receivable_classes": account_facts.class_facts(9),
    "blacklist_watch": account_facts.watch_facts(
        InvoiceHistory(Decimal("1000.00"), date(2026, 1, 1), date(2026, 2, 1), "open",
                       Decimal("1000.00")), "CNY", account_facts.customer_group(_Customer()),
        TODAY),
}


@pytest.mark.parametrize("kind", sorted(BUILT))
def test_each_builder_gives_exactly_its_vocabulary(kind: str) -> None:
    vocab = get_kind(kind).vocabulary
    vocabulary.validate_facts(vocab, BUILT[kind])
    names = {f"{g}.{k}" for g, values in BUILT[kind].items() for k in values}
    assert names == set(vocab)


def test_plain_facts_are_validated_once_and_validated_facts_not_again(
        validations: list[str]) -> None:
    ruleset = load_ruleset_file(RULES / "escalation.json")
    facts = vocabulary.valid_facts(ruleset.vocabulary, BUILT["escalation"])
    assert validations == ["escalation"]
    matching_rules(ruleset, facts)
    explain(ruleset, facts)
    assert validations == ["escalation"]
    matching_rules(ruleset, BUILT["escalation"])  # a plain dict: validated (once)
    assert validations == ["escalation", "escalation"]


@pytest.mark.parametrize("kind", ["credit_approval", "limit_review", "receivable_classes"])
def test_a_case_is_validated_when_loaded_and_not_again_when_checked(
        kind: str, validations: list[str]) -> None:
    path = RULES / f"{kind}.cases.json"
    ruleset = load_ruleset_file(ruleset_path(path))
    case = load_cases(path)[0]
    validations.clear()
    result = check_case(ruleset, case)
    assert result is not None and result.failures == []
    assert validations == []
